#!/usr/bin/env tsx
// npm run bench: how fast the fleet-wide checks are at 10, 100 and 1,000 tenants. Generates a
// synthetic fleet (bench/generate.ts), then measures each task in a fresh child process of its own,
// so that each task's peak RSS is its own and nothing is warm that CI would have cold:
// - validate: loadFleetDirectory over the folder (schema, rules, cross-tenant checks);
// - plan: the offline plan as `npm run plan -- --all` makes it (every platform shown, cost, the
//   canonical JSON); the policy rules are timed apart, up to 100 tenants (they are quadratic);
// - diff: the plan of a one-line change in a shared component against the unchanged program, and
//   the diff between the two (diffPlans + blastRadius), as `plan --base` does it;
// - naive (N = 10): one fresh `scripts/plan.ts FILE --isolated --json` process per tenant, as a CI
//   loop calling a tool per stack would;
// - start-up: one tenant loaded the way Pulumi's nodejs language host loads the entry
//   (bench/host-load.js: Pulumi.yaml's main, the build in dist/, runtime mocks); the
//   program is built first if dist/ is not current (not timed: `npm run build` is paid once per
//   change, the start-up on every stack of every `pulumi` command).
// Prints a table and writes bench/results.json. Not a test: the figures depend on the machine.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { checkOutputPath, EXIT, parseFlags, run, UsageError, writeOutputFile, writeStdout } from "../scripts/lib/cli";
import { claimCacheFile } from "../stacks/config/claims";
import { repoRoot } from "../stacks/config/project";
import { projectCopy } from "./project-copy";
import { DEFAULT_SEED, generateFleet, platformDirOf, writeFleet } from "./generate";

const ROOT = path.resolve(__dirname, "..");

export const USAGE = `Usage: npm run bench [-- --sizes 10,100,1000] [--seed S] [--out FILE] [--threads N] [--repeat N] [--skip-naive]

Measures validating, planning and diffing a synthetic fleet of each size, the naive way (one process
per tenant, N = 10) and one tenant's start-up under Pulumi's language host. Prints a table and
writes it as JSON.

  --sizes LIST     fleet sizes, comma-separated (default 10,100,1000)
  --seed S         the generator's seed (default ${DEFAULT_SEED})
  --out FILE       where to write the JSON (default bench/results.json)
  --threads N      plan threads (default: planFleet's choice for the fleet and machine)
  --semi-space MB  V8's --max-semi-space-size for the measured processes (default 128; 0: V8's own)
  --repeat N       runs of each validate, plan and diff task, the fastest kept (default 3)
  --skip-naive     do not measure the naive way (nor the start-up)
  -h, --help       show this help

Exit codes: 0 measured, 1 a measurement failed (an invalid fleet, a plan error), 2 usage error.
`;

export type Task = "validate" | "plan" | "diff" | "naive";

/** One row of the table and of results.json, exactly as the issue specifies them. */
export interface Run {
    readonly task: Task;
    readonly n: number;
    readonly wallSeconds: number;
    readonly msPerTenant: number;
    /** Resources registered (0 for validate, which registers none). */
    readonly resources: number;
    readonly msPerResource: number | null;
    readonly peakRssMiB: number | null;
}

export interface Results {
    readonly runs: Run[];
    /** One tenant's start-up under the language host (the built entry), the fastest of STARTUP_RUNS. */
    readonly startupSeconds: number | null;
    /** Naive ms per tenant (N = 10) over the in-process plan's ms per tenant at the largest N. */
    readonly naiveRatio: number | null;
}

/** What a child reports on its last stdout line. */
interface ChildReport {
    readonly seconds: number;
    readonly resources: number;
    readonly peakRssMiB: number;
    readonly note?: string;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** A measurement that could not be made (an invalid fleet, a failed plan): exit 1, no usage text. */
class MeasurementError extends UsageError {
    constructor(message: string) {
        super(message, EXIT.invalid);
    }
}

function log(message: string, fields: Record<string, unknown> = {}): void {
    const extra = Object.entries(fields).map(([key, value]) => ` ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
    process.stderr.write(`bench: ${message}${extra.join("")}\n`);
}

function peakRssMiB(): number {
    // maxRSS is in KiB, for the whole process (worker threads included).
    return round(process.resourceUsage().maxRSS / 1024, 1);
}

/** The largest fleet whose policy evaluation the plan task times (it is quadratic in the fleet). */
export const POLICY_TIMED_UP_TO = 100;

/**
 * What the AWS rule check (stacks/config/aws-catalogue.json) costs within the plan, timed apart: the
 * catalogue's compilation (once per plan thread), then the same `awsRuleErrors` calls planFleet
 * makes, over every stack of the planned document in this one thread. planFleet spreads them over
 * its threads, so the share of the plan is an upper bound. Already inside the plan figures.
 */
function awsRuleCheckCost(planned: import("../scripts/lib/plan/fleet").PlanDocument, tenants: readonly import("../stacks/config/tenant").Tenant[], planSeconds: number): string {
    const { awsRuleErrors } = require("../scripts/lib/plan/fleet") as typeof import("../scripts/lib/plan/fleet");
    const { compileCatalogue } = require("../scripts/lib/plan/aws-rules") as typeof import("../scripts/lib/plan/aws-rules");
    const compileStart = performance.now();
    compileCatalogue();
    const compileMs = performance.now() - compileStart;
    const byId = new Map(tenants.map((tenant) => [tenant.id, tenant]));
    const checkStart = performance.now();
    let breaks = 0;
    for (const plan of planned.tenants) {
        breaks += awsRuleErrors(plan.tenant, plan.source, plan.resources, byId.get(plan.tenant)).length;
    }
    const checkSeconds = (performance.now() - checkStart) / 1000;
    return (
        `AWS rules ${checkSeconds.toFixed(3)} s over ${planned.tenants.length} stacks (${breaks} break(s)), ` +
        `${((100 * checkSeconds) / planSeconds).toFixed(1)}% of planFleet; catalogue compiled in ${compileMs.toFixed(1)} ms`
    );
}

/**
 * The service quotas of the benchmark's imagined account: every quota the plan counts raised out of
 * reach. A fleet of hundreds of tenants needs raises in any real account (1,000 tenants plan 137
 * load balancers in one region against AWS's default of 50), and the quotas are not what the
 * benchmark measures; their counting still runs, inside the plan's time.
 */
function raisedQuotas(): import("../scripts/lib/plan/quotas").AppliedQuotas {
    const { loadQuotas } = require("../scripts/lib/plan/quotas") as typeof import("../scripts/lib/plan/quotas");
    const applied = loadQuotas(repoRoot());
    const defaults = Object.fromEntries(
        Object.keys(applied.quotas.defaults).map((key) => [key, { value: 1_000_000, source: "bench/run.ts: the benchmark's account, every quota raised" }]),
    ) as typeof applied.quotas.defaults;
    return { file: "bench/run.ts", quotas: { ...applied.quotas, defaults, regions: {} }, text: "" };
}

/** The body of a child process: one task over one fleet folder, timed from after its imports. */
async function child(task: string, dir: string, threads: number | undefined): Promise<ChildReport> {
    // Required here, not at the top: each task's process loads only what the task needs.
    const { loadFleetDirectory } = require("../stacks/config/load-fleet") as typeof import("../stacks/config/load-fleet");
    const { loadPlatformFleet } = require("../stacks/config/platform-file") as typeof import("../stacks/config/platform-file");
    // The generated fleet's own platform settings (bench/generate.ts), never the repository's.
    const platformDir = platformDirOf(dir);
    if (task === "validate") {
        const start = performance.now();
        const fleet = loadFleetDirectory(dir, { platformDir });
        const seconds = (performance.now() - start) / 1000;
        if (fleet.problems.length > 0) {
            throw new MeasurementError(`the generated fleet has ${fleet.problems.length} problem(s), e.g. ${JSON.stringify(fleet.problems[0])}`);
        }
        return { seconds, resources: 0, peakRssMiB: peakRssMiB() };
    }
    const fleet = loadFleetDirectory(dir, { platformDir });
    const platforms = loadPlatformFleet(platformDir);
    const regions = [...new Set(fleet.tenants.map((tenant) => tenant.region))];
    if (task === "plan") {
        const { planFleet, PLAN_VERSION } = require("../scripts/lib/plan/fleet") as typeof import("../scripts/lib/plan/fleet");
        const { withViolations } = require("../scripts/lib/plan/policy") as typeof import("../scripts/lib/plan/policy");
        const { estimateStack } = require("../scripts/lib/cost/estimate") as typeof import("../scripts/lib/cost/estimate");
        const { canonicalJson } = require("../scripts/lib/plan/engine") as typeof import("../scripts/lib/plan/engine");
        const start = performance.now();
        const planned = await planFleet({ tenants: fleet.tenants, platformRegions: regions, platforms, quotas: raisedQuotas(), ...(threads ? { threads } : {}) });
        const planSeconds = (performance.now() - start) / 1000;
        const document = { ...planned, tenants: planned.tenants.map((plan) => ({ ...plan, cost: estimateStack(plan) })) };
        const json = canonicalJson(document);
        const seconds = (performance.now() - start) / 1000;
        if (planned.errors.length > 0) {
            throw new MeasurementError(`the plan has ${planned.errors.length} error(s), e.g. ${planned.errors[0]!.message}`);
        }
        // The policy rules, timed apart: tenant-isolation-markers compares every stack with every
        // other one, which grows with the square of the fleet (see bench/README.md).
        let policy = "policies not timed above 100 tenants";
        if (fleet.tenants.length <= POLICY_TIMED_UP_TO) {
            const policyStart = performance.now();
            const checked = withViolations({ ...planned, version: PLAN_VERSION as typeof PLAN_VERSION });
            const violations = checked.tenants.reduce((sum, plan) => sum + plan.violations.length, 0);
            policy = `policies ${((performance.now() - policyStart) / 1000).toFixed(2)} s (${violations} violation(s))`;
        }
        const rules = awsRuleCheckCost(planned, fleet.tenants, planSeconds);
        return {
            seconds,
            resources: planned.tenants.reduce((sum, plan) => sum + plan.resources.length, 0),
            peakRssMiB: peakRssMiB(),
            note: `planFleet ${planSeconds.toFixed(2)} s, cost + JSON ${(seconds - planSeconds).toFixed(2)} s (${(json.length / 2 ** 20).toFixed(0)} MiB); ${policy}; ${rules}`,
        };
    }
    if (task === "diff") {
        const variant = changedProgram();
        try {
            const base = require("../scripts/lib/plan/fleet") as typeof import("../scripts/lib/plan/fleet");
            // The same modules from the changed copy; @pulumi/pulumi resolves to the one runtime.
            const head = require(path.join(variant, "scripts", "lib", "plan", "fleet.ts")) as typeof base;
            const { diffPlans, blastRadius } = require("../scripts/lib/plan/diff") as typeof import("../scripts/lib/plan/diff");
            const options = { tenants: fleet.tenants, platformRegions: regions, platforms, quotas: raisedQuotas(), ...(threads ? { threads } : {}) };
            const start = performance.now();
            const before = await base.planFleet(options);
            const after = await head.planFleet(options);
            const diffStart = performance.now();
            const entries = diffPlans(before, after);
            const groups = blastRadius(entries);
            const seconds = (performance.now() - start) / 1000;
            const changed = entries.filter((entry) => entry.diff.status === "changed").length;
            if (changed === 0) {
                throw new MeasurementError("the one-line change changed no stack; the benchmark's change no longer applies");
            }
            return {
                seconds,
                resources: [...before.tenants, ...after.tenants].reduce((sum, plan) => sum + plan.resources.length, 0),
                peakRssMiB: peakRssMiB(),
                note: `two plans ${((diffStart - start) / 1000).toFixed(2)} s, diff ${((performance.now() - diffStart) / 1000).toFixed(2)} s; ${changed} stack(s) changed, widest change in ${groups[0]?.tenants.length ?? 0}`,
            };
        } finally {
            fs.rmSync(variant, { recursive: true, force: true });
        }
    }
    throw new UsageError(`unknown task "${task}"`);
}

/** The shared component line the diff task changes: every tenant's and platform's keys rotate twice as often. */
export const ONE_LINE_CHANGE = {
    file: "components/encryption-keys.ts",
    from: "args.rotationPeriodInDays ?? 365",
    to: "args.rotationPeriodInDays ?? 180",
} as const;

/** A copy of the program with {@link ONE_LINE_CHANGE} applied (node_modules linked, not copied). */
function changedProgram(): string {
    const copy = projectCopy({ prefix: "bench-variant-", copy: ["components", "stacks", "scripts", "policy", "tenant-configs", "platform-configs", "Pulumi.yaml", "package.json", "tsconfig.json"] });
    const file = path.join(copy, ONE_LINE_CHANGE.file);
    const text = fs.readFileSync(file, "utf8");
    if (!text.includes(ONE_LINE_CHANGE.from)) {
        throw new MeasurementError(`${ONE_LINE_CHANGE.file} no longer contains "${ONE_LINE_CHANGE.from}"; update ONE_LINE_CHANGE in bench/run.ts`);
    }
    fs.writeFileSync(file, text.replace(ONE_LINE_CHANGE.from, ONE_LINE_CHANGE.to));
    return copy;
}

function nodeFlags(semiSpace: number): string[] {
    return semiSpace > 0 ? [`--max-semi-space-size=${semiSpace}`] : [];
}

/**
 * Runs one task `repeat` times, each in a fresh process of this script, and keeps the fastest run:
 * this VM's speed drifts by a quarter from minute to minute, and the fastest run is the one least
 * slowed by what else the host does. Every run is logged.
 */
function measure(task: Task, n: number, dir: string, options: { threads?: number; semiSpace: number; repeat: number }): Run {
    const runs = Array.from({ length: options.repeat }, () => measureOnce(task, n, dir, options));
    return runs.reduce((fastest, run) => (run.wallSeconds < fastest.wallSeconds ? run : fastest));
}

/** Runs one task in a fresh process of this script. */
function measureOnce(task: Task, n: number, dir: string, options: { threads?: number; semiSpace: number }): Run {
    const args = [...nodeFlags(options.semiSpace), "--import", "tsx", path.join(__dirname, "run.ts"), "--child", task, "--dir", dir];
    if (options.threads) {
        args.push("--threads", String(options.threads));
    }
    const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    const last = result.stdout.trim().split("\n").pop() ?? "";
    if (result.status !== 0 || !last.startsWith("{")) {
        throw new MeasurementError(`${task} of ${n} tenant(s) failed (exit ${result.status}):\n${result.stderr.slice(-4000)}`);
    }
    const report = JSON.parse(last) as ChildReport;
    log(`${task} n=${n}`, { seconds: round(report.seconds, 2), resources: report.resources, peakRssMiB: report.peakRssMiB, ...(report.note ? { note: report.note } : {}) });
    return row(task, n, report.seconds, report.resources, report.peakRssMiB);
}

function row(task: Task, n: number, seconds: number, resources: number, peakRss: number | null): Run {
    return {
        task,
        n,
        wallSeconds: round(seconds, 3),
        msPerTenant: round((seconds * 1000) / n, 2),
        resources,
        msPerResource: resources > 0 ? round((seconds * 1000) / resources, 3) : null,
        peakRssMiB: peakRss,
    };
}

/** `/usr/bin/time -f %M` around a command, for the peak RSS of a process we do not control; null without it. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): { seconds: number; stdout: string; stderr: string; status: number | null; peakRssMiB: number | null } {
    const gnuTime = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
    const rssFile = path.join(os.tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(16).slice(2)}`);
    const start = performance.now();
    const result = gnuTime
        ? spawnSync(gnuTime, ["-f", "%M", "-o", rssFile, command, ...args], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 })
        : spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    const seconds = (performance.now() - start) / 1000;
    let peak: number | null = null;
    if (gnuTime && fs.existsSync(rssFile)) {
        peak = round(Number(fs.readFileSync(rssFile, "utf8").trim().split("\n").pop()) / 1024, 1);
        fs.rmSync(rssFile, { force: true });
    }
    return { seconds, stdout: result.stdout, stderr: result.stderr, status: result.status, peakRssMiB: peak };
}

/** One fresh `scripts/plan.ts FILE --isolated --json` process per tenant, one after another. */
function measureNaive(files: readonly string[], semiSpace: number): Run {
    const tsxCli = require.resolve("tsx/cli");
    let seconds = 0;
    let resources = 0;
    let peak: number | null = null;
    for (const file of files) {
        const run = timed(process.execPath, [...nodeFlags(semiSpace), tsxCli, path.join(ROOT, "scripts", "plan.ts"), file, "--isolated", "--json"], process.env);
        if (run.status !== 0) {
            throw new MeasurementError(`naive plan of ${file} failed (exit ${run.status}):\n${run.stderr.slice(-4000)}`);
        }
        const document = JSON.parse(run.stdout) as { tenants: { resources: unknown[] }[] };
        seconds += run.seconds;
        resources += document.tenants.reduce((sum, plan) => sum + plan.resources.length, 0);
        peak = run.peakRssMiB === null ? peak : Math.max(peak ?? 0, run.peakRssMiB);
    }
    log(`naive n=${files.length}`, { seconds: round(seconds, 2), resources, peakRssMiB: peak });
    return row("naive", files.length, seconds, resources, peak);
}

/** The example tenant whose start-up is measured: a dedicated cloud tenant, the common heavy case. */
export const STARTUP_STACK = "globex";

/** How many times the start-up is measured: the host's start-up varies with what else the machine does. */
export const STARTUP_RUNS = 5;

/**
 * One tenant's start-up as the language host pays it: a fresh process, the built entry, one tenant
 * (`stack`, in the project at `project`: by default this repository and its example tenants).
 */
function measureStartup(stack: string = STARTUP_STACK, project: string = ROOT): { seconds: number; peakRssMiB: number | null } {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    delete env.PULUMI_DEBUG_PROMISE_LEAKS;
    const run = timed(process.execPath, [path.join(ROOT, "bench", "host-load.js"), stack, project], env);
    const result = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as { registered?: unknown[]; error?: string; crash?: string };
    if (run.status !== 0 || !result.registered || result.error || result.crash) {
        throw new MeasurementError(`start-up of ${stack} failed: ${result.error ?? result.crash ?? run.stderr.slice(-2000)}`);
    }
    log("start-up", { stack, project, seconds: round(run.seconds, 2), registered: result.registered.length, peakRssMiB: run.peakRssMiB });
    return { seconds: run.seconds, peakRssMiB: run.peakRssMiB };
}

/**
 * A project whose tenant-configs/ is a generated fleet: this repository's build (copied: the
 * program finds its project from its own files) and sources (linked), so that a stack's start-up
 * includes checking its file against all the others. Returns it and a cloud tenant of the fleet.
 */
function fleetProject(fleetDir: string, scratch: string): { root: string; stack: string } {
    const root = projectCopy({ parent: scratch, copy: ["Pulumi.yaml", "dist"], link: ["index.ts", "stacks", "components", "tsconfig.json", "package.json"] });
    fs.cpSync(fleetDir, path.join(root, "tenant-configs"), { recursive: true });
    // The fleet's platform settings where the program reads them (the project's platform-configs/).
    fs.cpSync(platformDirOf(fleetDir), path.join(root, "platform-configs"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "tenant-configs", "tenant.schema.json"), path.join(root, "tenant-configs", "tenant.schema.json"));
    const cloud = fs.readdirSync(fleetDir).find((file) => /^mode: "?cloud"?$/m.test(fs.readFileSync(path.join(fleetDir, file), "utf8")));
    if (cloud === undefined) {
        throw new MeasurementError(`the generated fleet in ${fleetDir} has no cloud tenant`);
    }
    return { root, stack: cloud.replace(/\.yaml$/, "") };
}

/** One tenant's start-up in a project of `n` tenant files: the first time, and with the claims cache warm. */
export interface FleetStartup {
    readonly n: number;
    readonly cold: number;
    readonly warm: number;
}

/** Where the CLIs of the project at `root` cache the tenant files' claims (claims.ts; the deployed program keeps none since issue 15). */
function claimCacheOf(root: string): string {
    return claimCacheFile(root);
}

export function renderTable(results: Results, startupMedian: number | null, amongFleet: FleetStartup | null = null): string {
    const header = ["task", "N", "wall s", "ms/tenant", "resources", "ms/resource", "peak RSS MiB"];
    const rows = results.runs.map((run) => [
        run.task,
        String(run.n),
        run.wallSeconds.toFixed(2),
        run.msPerTenant.toFixed(1),
        String(run.resources),
        run.msPerResource === null ? "-" : run.msPerResource.toFixed(3),
        run.peakRssMiB === null ? "-" : run.peakRssMiB.toFixed(0),
    ]);
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column]!.length)));
    const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
    const lines = [line(header), ...rows.map(line)];
    if (results.startupSeconds !== null) {
        lines.push(
            "",
            `one tenant's start-up under the language host: ${results.startupSeconds.toFixed(2)} s (fastest of ${STARTUP_RUNS}` +
                (startupMedian === null ? ")" : `; median ${startupMedian.toFixed(2)} s)`),
        );
    }
    if (amongFleet !== null) {
        lines.push(
            `the same among ${amongFleet.n} tenant files: ${amongFleet.warm.toFixed(2)} s (fastest of 3, claims cache warm; ${amongFleet.cold.toFixed(2)} s the first time)`,
        );
    }
    if (results.naiveRatio !== null) {
        lines.push(`in-process plan vs one process per tenant: ${results.naiveRatio.toFixed(1)}x faster per tenant`);
    }
    return `${lines.join("\n")}\n`;
}

/** The budgets, each met or not, for the summary. */
export function budgets(results: Results): string[] {
    const at = (task: Task, n: number) => results.runs.find((run) => run.task === task && run.n === n);
    const verdict = (label: string, value: number | null | undefined, limit: number, unit: string, atLeast = false): string => {
        if (value === null || value === undefined) {
            return `${label}: not measured`;
        }
        const met = atLeast ? value >= limit : value < limit;
        return `${label}: ${value.toFixed(unit === "x" ? 1 : 2)}${unit} (budget ${atLeast ? ">=" : "<"} ${limit}${unit}) ${met ? "met" : "MISSED"}`;
    };
    const peak = Math.max(...results.runs.filter((run) => run.task !== "naive").map((run) => run.peakRssMiB ?? 0));
    return [
        verdict("1,000 tenants validated", at("validate", 1000)?.wallSeconds, 2, " s"),
        verdict("1,000 tenants planned", at("plan", 1000)?.wallSeconds, 20, " s"),
        verdict("plan per registered resource", at("plan", 1000)?.msPerResource, 0.4, " ms"),
        verdict("peak RSS", Number.isFinite(peak) && peak > 0 ? peak / 1024 : null, 1.5, " GiB"),
        verdict("in-process vs one process per tenant", results.naiveRatio, 40, "x", true),
        verdict("one tenant's start-up", results.startupSeconds, 1.5, " s"),
    ];
}

export async function main(argv: string[]): Promise<number> {
    const { values } = parseFlags(argv, {
        sizes: { type: "string", default: "10,100,1000" },
        seed: { type: "string" },
        out: { type: "string", default: path.join("bench", "results.json") },
        threads: { type: "string" },
        "semi-space": { type: "string", default: "128" },
        "skip-naive": { type: "boolean", default: false },
        repeat: { type: "string", default: "3" },
        child: { type: "string" },
        dir: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) {
        throw new UsageError(`--threads expects an integer from 1 to 64, got "${values.threads}"`);
    }
    if (values.child !== undefined) {
        if (values.dir === undefined) {
            throw new UsageError("--child needs --dir");
        }
        // The Pulumi runtime keeps timers of its own alive under mocks: once the report (or the
        // failure) is out, the child ends.
        try {
            const report = await child(values.child, values.dir, threads);
            await writeStdout(`${JSON.stringify(report)}\n`);
            process.exit(EXIT.ok);
        } catch (error) {
            process.stderr.write(`bench: ${values.child} failed: ${(error as Error).stack ?? String(error)}\n`);
            process.exit(EXIT.invalid);
        }
    }
    const sizes = values.sizes.split(",").map((text) => Number(text.trim()));
    if (sizes.some((size) => !Number.isInteger(size) || size < 1 || size > 5000)) {
        throw new UsageError(`--sizes expects integers from 1 to 5000 separated by commas, got "${values.sizes}"`);
    }
    const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
    if (!Number.isInteger(seed)) {
        throw new UsageError(`--seed expects an integer, got "${values.seed}"`);
    }
    const semiSpace = Number(values["semi-space"]);
    if (!Number.isInteger(semiSpace) || semiSpace < 0 || semiSpace > 1024) {
        throw new UsageError(`--semi-space expects MiB from 0 to 1024, got "${values["semi-space"]}"`);
    }
    const repeat = Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) {
        throw new UsageError(`--repeat expects an integer from 1 to 20, got "${values.repeat}"`);
    }
    const out = path.resolve(values.out);
    checkOutputPath("--out", values.out);

    const runs: Run[] = [];
    let startupSeconds: number | null = null;
    let startupMedian: number | null = null;
    let amongFleet: FleetStartup | null = null;
    let naiveRatio: number | null = null;
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-fleet-"));
    try {
        const measured = { threads, semiSpace, repeat };
        for (const n of [...sizes].sort((a, b) => a - b)) {
            const dir = path.join(scratch, String(n));
            const files = writeFleet(dir, generateFleet({ count: n, seed }));
            log(`generated ${n} tenant(s)`, { dir, seed });
            runs.push(measure("validate", n, dir, measured), measure("plan", n, dir, measured), measure("diff", n, dir, measured));
            if (n === 10 && !values["skip-naive"]) {
                runs.push(measureNaive(files, semiSpace));
            }
        }
        if (!values["skip-naive"]) {
            // Required here: the build loads the TypeScript compiler, which no measured child needs.
            const { ensureBuilt } = require("../scripts/build") as typeof import("../scripts/build");
            const built = ensureBuilt();
            if (built.errors.length > 0) {
                throw new MeasurementError(`the program does not compile:\n${built.errors.join("\n")}`);
            }
            const seconds = Array.from({ length: STARTUP_RUNS }, () => measureStartup().seconds).sort((a, b) => a - b);
            startupSeconds = round(seconds[0]!, 3);
            startupMedian = round(seconds[Math.floor(seconds.length / 2)]!, 3);
            // The same among the largest fleet's files: first with no claims cache, then warm.
            const biggest = Math.max(...sizes);
            const project = fleetProject(path.join(scratch, String(biggest)), scratch);
            fs.rmSync(claimCacheOf(project.root), { force: true });
            const cold = measureStartup(project.stack, project.root).seconds;
            const warm = Math.min(...Array.from({ length: 3 }, () => measureStartup(project.stack, project.root).seconds));
            amongFleet = { n: biggest, cold: round(cold, 3), warm: round(warm, 3) };
            const naive = runs.find((run) => run.task === "naive");
            const largest = runs.filter((run) => run.task === "plan").sort((a, b) => b.n - a.n)[0];
            naiveRatio = naive && largest ? round(naive.msPerTenant / largest.msPerTenant, 1) : null;
        }
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
    const results: Results = { runs, startupSeconds, naiveRatio };
    writeOutputFile("--out", out, `${JSON.stringify(results, null, 2)}\n`);
    await writeStdout(renderTable(results, startupMedian, amongFleet));
    process.stderr.write(`${budgets(results).join("\n")}\nbench: wrote ${path.relative(process.cwd(), out)}\n`);
    return EXIT.ok;
}

if (require.main === module) {
    void run("bench", main, USAGE);
}
