// The benchmark's processes: each task run in a fresh process of bench/run.ts (--child), the
// sharded plan (4 processes at once, then the merge), the incremental plan (the cache filled, one
// tenant changed, planned again), the naive way (one plan process per tenant) and one tenant's
// start-up under the language host, timed from outside with their peak RSS.

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { claimCacheFile } from "../stacks/config/claims";
import { platformDirOf } from "./generate";
import { MeasurementError } from "./measurement-error";
import { projectCopy } from "./project-copy";
import { round, row, Run, Task } from "./table";
import { ChildReport, fileDigest } from "./tasks";

const ROOT = path.resolve(__dirname, "..");

export function log(message: string, fields: Record<string, unknown> = {}): void {
    const extra = Object.entries(fields).map(([key, value]) => ` ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
    process.stderr.write(`bench: ${message}${extra.join("")}\n`);
}

/**
 * V8's flags for a measured process: the young generation of `npm run plan` and its old-generation
 * cap (PLAN_OLD_SPACE_MIB, package.json's plan script: every isolate, worker threads included).
 */
function nodeFlags(semiSpace: number): string[] {
    return [...(semiSpace > 0 ? [`--max-semi-space-size=${semiSpace}`] : []), `--max-old-space-size=${PLAN_OLD_SPACE_MIB}`];
}

/**
 * The old generation `npm run plan` allows each isolate (package.json). What a plan holds is small
 * (the stacks' facts: about 50 MiB per 1,000 tenants after a collection); without a cap V8 lets
 * garbage pile up to its own limit before collecting, and the peak RSS grew with the fleet
 * (1.23 GiB at 1,000 bench tenants, 1.54 GiB at 3,000; capped at 700 MiB: 1.03 GiB at 3,000).
 */
export const PLAN_OLD_SPACE_MIB = 768;

/** How the measured processes run: the plan threads, V8's young generation, the repeats, the policy's day. */
export interface MeasureOptions {
    readonly threads?: number;
    readonly semiSpace: number;
    readonly repeat: number;
    /** The day the policy's calendar rules judge, for every child of the run (ISO 8601). */
    readonly today: string;
    /** Where the tasks' work folders are made (removed after each run). */
    readonly scratch: string;
}

/** The arguments of a child process of bench/run.ts. */
function childArgs(task: string, dir: string, work: string, options: MeasureOptions, extra: readonly string[]): string[] {
    const args = [...nodeFlags(options.semiSpace), "--import", "tsx", path.join(__dirname, "run.ts"), "--child", task, "--dir", dir, "--work", work, "--today", options.today, ...extra];
    if (options.threads) {
        args.push("--threads", String(options.threads));
    }
    return args;
}

/** A child's report from its last stdout line, or the measurement's failure with its stderr. */
function reportOf(task: string, n: number, status: number | null, stdout: string, stderr: string): ChildReport {
    const last = stdout.trim().split("\n").pop() ?? "";
    if (status !== 0 || !last.startsWith("{")) {
        throw new MeasurementError(`${task} of ${n} tenant(s) failed (exit ${status}):\n${stderr.slice(-4000)}`);
    }
    return JSON.parse(last) as ChildReport;
}

/** Runs one task in a fresh process of bench/run.ts and returns its report. */
export function runChild(task: string, n: number, dir: string, work: string, options: MeasureOptions, extra: readonly string[] = []): ChildReport {
    const result = spawnSync(process.execPath, childArgs(task, dir, work, options, extra), { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    return reportOf(task, n, result.status, result.stdout, result.stderr);
}

/** The same, without waiting: for the processes that run together (the shards). */
function startChild(task: string, n: number, dir: string, work: string, options: MeasureOptions, extra: readonly string[] = []): Promise<ChildReport> {
    return new Promise((resolve, reject) => {
        const process_ = spawn(process.execPath, childArgs(task, dir, work, options, extra), { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        process_.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
        process_.stderr.setEncoding("utf8").on("data", (text: string) => (stderr = (stderr + text).slice(-8000)));
        process_.on("error", reject);
        process_.on("close", (status) => {
            try {
                resolve(reportOf(task, n, status, stdout, stderr));
            } catch (error) {
                reject(error);
            }
        });
    });
}

/** A fresh work folder for one run of a task, removed once `body` is done with it. */
async function withWork<T>(options: MeasureOptions, task: string, body: (work: string) => T | Promise<T>): Promise<T> {
    const work = fs.mkdtempSync(path.join(options.scratch, `${task}-`));
    try {
        return await body(work);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

function logRun(run: Run): void {
    log(`${run.task} n=${run.n}`, { seconds: round(run.wallSeconds, 2), resources: run.resources, peakRssMiB: run.peakRssMiB, ...(run.note ? { note: run.note } : {}) });
}

/** The fastest of runs (this VM's speed drifts by a quarter from minute to minute: the fastest is the one least slowed). */
const fastest = <T extends { run: Run }>(runs: readonly T[]): T => runs.reduce((best, each) => (each.run.wallSeconds < best.run.wallSeconds ? each : best));

/**
 * Runs one task (validate, plan, diff) `repeat` times, each in a fresh process of bench/run.ts, and
 * keeps the fastest run. Every run is logged. Returns it with the digest of the plan JSON it wrote:
 * every repeat's must be the same (the plan is deterministic).
 */
export async function measure(task: "validate" | "plan" | "diff", n: number, dir: string, options: MeasureOptions): Promise<{ run: Run; digest?: string }> {
    const runs: { run: Run; digest?: string }[] = [];
    for (let i = 0; i < options.repeat; i++) {
        const report = await withWork(options, task, (work) => runChild(task, n, dir, work, options));
        const run = row(task, n, report.seconds, report.resources, report.peakRssMiB, report.note);
        logRun(run);
        runs.push({ run, ...(report.digest !== undefined ? { digest: report.digest } : {}) });
    }
    const digests = new Set(runs.map((each) => each.digest));
    if (digests.size > 1) {
        throw new MeasurementError(`${task} of ${n} tenant(s) wrote different JSON in its ${runs.length} runs (${[...digests].join(", ")}): the plan is not deterministic`);
    }
    return fastest(runs);
}

/** The merged shards' JSON must be the plan's, byte for byte: else the sharded figure measures something else. */
export function checkMerged(n: number, merged: string | undefined, plan: string): void {
    if (merged !== plan) {
        throw new MeasurementError(`the 4 shards of ${n} tenant(s) merged into other JSON than the plan's (sha256 ${merged ?? "none"}, the plan's ${plan})`);
    }
}

/** The incremental plan of a one-tenant change must read every other tenant from the cache. */
export function checkCached(n: number, report: Pick<ChildReport, "cached" | "tenants">): number {
    const cached = report.cached ?? 0;
    if (report.tenants !== n || cached !== n - 1) {
        throw new MeasurementError(`the incremental plan of ${n} tenant(s) with one changed read ${cached} of ${report.tenants ?? "?"} from the cache; expected ${n - 1}`);
    }
    return cached;
}

/** The shards of the shard4 task: `--shard I/4`. */
const SHARDS = [1, 2, 3, 4] as const;

/**
 * The plan as 4 shards on this one machine: 4 processes planning a shard each (`plan --shard I/4
 * --out FILE`) at once, then one merging them (`plan merge`). The figure: from the first shard's
 * start to the last one's end (each timed from after its imports and fleet, as every task), plus
 * the merge; the merged JSON is checked against the plan's (`planDigest`).
 *
 * Then each shard alone, one after another, as each would run on a runner of its own in the
 * workflow's matrix (a runner like this machine: GitHub's standard Linux runners have 2 cores in
 * private repositories, 4 in public ones):
 * the matrix's critical path is its slowest shard plus the merge, given in the note. Each shard
 * document planned alone must be the one planned together, byte for byte.
 */
export async function measureShard4(n: number, dir: string, options: MeasureOptions, planDigest: string): Promise<Run> {
    const runs: { run: Run }[] = [];
    for (let i = 0; i < options.repeat; i++) {
        const run = await withWork(options, "shard4", async (work) => {
            const outsideStart = performance.now();
            const shards = await Promise.all(SHARDS.map((index) => startChild("shard", n, dir, work, options, ["--shard", `${index}/4`])));
            const merged = runChild("merge", n, dir, work, options);
            const outside = (performance.now() - outsideStart) / 1000;
            checkMerged(n, merged.digest, planDigest);
            const alone = await withWork(options, "shard-alone", (own) => SHARDS.map((index) => shardAlone(n, dir, own, work, index, options)));
            const spans = shards.map((shard) => shard.span!);
            const together = (Math.max(...spans.map((span) => span[1])) - Math.min(...spans.map((span) => span[0]))) / 1000;
            const peaks = shards.map((shard) => shard.peakRssMiB);
            const slowestAlone = Math.max(...alone.map((shard) => shard.seconds));
            const note =
                `shards ${together.toFixed(2)} s together (slowest ${Math.max(...shards.map((shard) => shard.seconds)).toFixed(2)} s), merge ${merged.seconds.toFixed(2)} s (${merged.note ?? ""}); ` +
                `peak RSS of the shards ${peaks.map((peak) => peak.toFixed(0)).join(" / ")} MiB (${peaks.reduce((a, b) => a + b, 0).toFixed(0)} together), of the merge ${merged.peakRssMiB.toFixed(0)} MiB; ` +
                `${outside.toFixed(2)} s from outside (the 5 processes' start-up included); ` +
                `each shard alone (as on a runner of its own) ${alone.map((shard) => shard.seconds.toFixed(2)).join(" / ")} s, so on 4 runners ${(slowestAlone + merged.seconds).toFixed(2)} s with the merge (start-up, checkout and install not included); ` +
                `merged JSON byte-identical to the plan's (sha256 ${planDigest.slice(0, 12)})`;
            return row("shard4", n, together + merged.seconds, merged.resources, Math.max(...peaks, merged.peakRssMiB), note);
        });
        logRun(run);
        runs.push({ run });
    }
    return fastest(runs).run;
}

/** One shard planned alone in `work`; its document must be the one planned with the others in `together`. */
function shardAlone(n: number, dir: string, work: string, together: string, index: number, options: MeasureOptions): ChildReport {
    const report = runChild("shard", n, dir, work, options, ["--shard", `${index}/4`]);
    const document = `shard-${index}.json`;
    if (fileDigest(path.join(work, document)) !== fileDigest(path.join(together, document))) {
        throw new MeasurementError(`shard ${index}/4 of ${n} tenant(s) planned alone wrote another document than planned with the others: the shards are not deterministic`);
    }
    return report;
}

/** The tenant file the incremental task changes: the first by name (its company line). */
export function changedTenantFile(dir: string): string {
    const name = fs
        .readdirSync(dir)
        .filter((entry) => entry.endsWith(".yaml"))
        .sort()
        .find((entry) => /^company: .*$/m.test(fs.readFileSync(path.join(dir, entry), "utf8")));
    if (name === undefined) {
        throw new MeasurementError(`no tenant file of ${dir} has a company line to change`);
    }
    return path.join(dir, name);
}

/**
 * The incremental plan (`plan --all --json --cache DIR`) of a one-tenant change: the fleet planned
 * once with an empty cache (not timed; its JSON checked against the plan's, `planDigest`, when the
 * plan task ran), then for each repeat one tenant file's company line changed and the fleet planned
 * again with the cache, which must read every tenant but that one. The file is put back afterwards.
 */
export async function measureIncremental(n: number, dir: string, options: MeasureOptions, planDigest: string | undefined): Promise<Run> {
    return withWork(options, "incremental", (work) => {
        const fill = runChild("incremental-fill", n, dir, work, options);
        log(`incremental n=${n}: the cache filled (not timed)`, { seconds: round(fill.seconds, 2), cached: fill.cached, peakRssMiB: fill.peakRssMiB });
        if (fill.cached !== 0) {
            throw new MeasurementError(`the plan that fills an empty cache read ${fill.cached} tenant(s) from it`);
        }
        if (planDigest !== undefined && fill.digest !== planDigest) {
            throw new MeasurementError(`the plan of ${n} tenant(s) with the plan cache wrote other JSON than without it (sha256 ${fill.digest}, the plan's ${planDigest})`);
        }
        const file = changedTenantFile(dir);
        const original = fs.readFileSync(file, "utf8");
        const runs: { run: Run }[] = [];
        try {
            for (let i = 0; i < options.repeat; i++) {
                // Another company each time: each repeat misses the cache for that tenant only.
                fs.writeFileSync(file, original.replace(/^company: .*$/m, `company: "Bench Change ${i + 1} Ltd"`));
                const report = runChild("incremental", n, dir, work, options);
                const cached = checkCached(n, report);
                const note =
                    `${cached} of ${n} tenant(s) from the plan cache, 1 planned (${path.basename(file)}: its company line changed); ` +
                    `the plan that filled the cache ${fill.seconds.toFixed(2)} s${planDigest !== undefined ? ", its JSON byte-identical to the plan's" : ""}`;
                const run = row("incremental", n, report.seconds, report.resources, report.peakRssMiB, note);
                logRun(run);
                runs.push({ run });
            }
        } finally {
            fs.writeFileSync(file, original);
        }
        return fastest(runs).run;
    });
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

/**
 * One fresh `scripts/plan.ts FILE --isolated --json` process per tenant, one after another, in a
 * copy of the program whose platform-configs/ are the generated fleet's (the program finds its
 * settings beside its own files; the repository's may lack a region the generator uses).
 */
export function measureNaive(files: readonly string[], semiSpace: number): Run {
    const tsxCli = require.resolve("tsx/cli");
    const fleetDir = path.dirname(files[0] ?? ROOT);
    const project = projectCopy({ prefix: "bench-naive-", copy: ["index.ts", "stacks", "components", "scripts", "policy", "Pulumi.yaml", "package.json", "tsconfig.json"] });
    fs.cpSync(platformDirOf(fleetDir), path.join(project, "platform-configs"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "platform-configs", "platform.schema.json"), path.join(project, "platform-configs", "platform.schema.json"));
    fs.mkdirSync(path.join(project, "tenant-configs"));
    fs.copyFileSync(path.join(ROOT, "tenant-configs", "tenant.schema.json"), path.join(project, "tenant-configs", "tenant.schema.json"));
    try {
        return naiveRuns(files, semiSpace, tsxCli, project);
    } finally {
        fs.rmSync(project, { recursive: true, force: true });
    }
}

function naiveRuns(files: readonly string[], semiSpace: number, tsxCli: string, project: string): Run {
    let seconds = 0;
    let resources = 0;
    let peak: number | null = null;
    for (const file of files) {
        const run = timed(process.execPath, [...nodeFlags(semiSpace), tsxCli, path.join(project, "scripts", "plan.ts"), file, "--isolated", "--json"], process.env);
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

/**
 * One tenant's start-up as the language host pays it: a fresh process, the built entry, one tenant
 * (`stack`, in the project at `project`: by default this repository and its example tenants).
 */
export function measureStartup(stack: string = STARTUP_STACK, project: string = ROOT): { seconds: number; peakRssMiB: number | null } {
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
export function fleetProject(fleetDir: string, scratch: string): { root: string; stack: string } {
    const root = projectCopy({ parent: scratch, copy: ["Pulumi.yaml", "dist"], link: ["index.ts", "stacks", "components", "tsconfig.json", "package.json"] });
    fs.cpSync(fleetDir, path.join(root, "tenant-configs"), { recursive: true });
    // The fleet's platform settings where the program reads them (the project's platform-configs/).
    fs.cpSync(platformDirOf(fleetDir), path.join(root, "platform-configs"), { recursive: true });
    // The build in dist/ checks the files it was built from, the settings schema among them.
    fs.copyFileSync(path.join(ROOT, "platform-configs", "platform.schema.json"), path.join(root, "platform-configs", "platform.schema.json"));
    fs.copyFileSync(path.join(ROOT, "tenant-configs", "tenant.schema.json"), path.join(root, "tenant-configs", "tenant.schema.json"));
    const cloud = fs.readdirSync(fleetDir).find((file) => /^mode: "?cloud"?$/m.test(fs.readFileSync(path.join(fleetDir, file), "utf8")));
    if (cloud === undefined) {
        throw new MeasurementError(`the generated fleet in ${fleetDir} has no cloud tenant`);
    }
    return { root, stack: cloud.replace(/\.yaml$/, "") };
}

/** Where the program of the project at `root` caches the tenant files' claims (stacks/config/validate.ts). */
export function claimCacheOf(root: string): string {
    return claimCacheFile(root);
}
