// The body of a measured child process (bench/run.ts --child TASK): one task over one fleet folder,
// timed from after its imports. Each task requires only what it needs, when it runs. The plans go
// through the streamed plan (scripts/lib/plan/stream/run.ts) as `npm run plan` makes them: pass 1
// spills the stacks to a file of the task's work folder, pass 2 writes the JSON to a file there,
// never holding the document.

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { UsageError } from "../scripts/lib/cli";
import { repoRoot } from "../stacks/config/project";
import { platformDirOf } from "./generate";
import { MeasurementError } from "./measurement-error";
import { projectCopy } from "./project-copy";
import { round } from "./table";

/** What a child reports on its last stdout line. */
export interface ChildReport {
    readonly seconds: number;
    readonly resources: number;
    readonly peakRssMiB: number;
    readonly note?: string;
    /** The SHA-256 of the plan JSON the task wrote (plan, merge, the incremental plans). */
    readonly digest?: string;
    /** The tenants planned, and of them how many came from the plan cache (the incremental plans). */
    readonly tenants?: number;
    readonly cached?: number;
    /** When the timed part started and ended, in ms since the epoch: how long the shards ran together. */
    readonly span?: readonly [number, number];
}

/** What the parent tells a child besides its task and fleet. */
export interface ChildOptions {
    readonly threads?: number;
    /** The task's own folder: the spill, the JSON, the shard documents, the plan cache. */
    readonly work: string;
    /** The shard task's slice. */
    readonly shard?: { readonly index: number; readonly count: number };
    /**
     * The day the policy's calendar rules judge: one for the whole bench run, so that documents
     * made in different processes (the plan, the merged shards) compare even across midnight.
     */
    readonly today: Date;
}

function peakRssMiB(): number {
    // maxRSS is in KiB, for the whole process (worker threads included).
    return round(process.resourceUsage().maxRSS / 1024, 1);
}

/** Milliseconds since the epoch, as precise as performance.now(): comparable across processes. */
const epochMs = (): number => performance.timeOrigin + performance.now();

/** The SHA-256 of a file, read in blocks (a 10,000-tenant plan is about a GiB). */
export function fileDigest(file: string): string {
    const hash = createHash("sha256");
    const fd = fs.openSync(file, "r");
    try {
        const block = Buffer.alloc(1 << 22);
        for (;;) {
            const read = fs.readSync(fd, block, 0, block.length, null);
            if (read === 0) {
                break;
            }
            hash.update(block.subarray(0, read));
        }
    } finally {
        fs.closeSync(fd);
    }
    return hash.digest("hex");
}

const mib = (file: string): string => `${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB`;

/**
 * What the AWS rule check (stacks/config/aws-catalogue.json) costs within the plan, timed apart: the
 * catalogue's compilation (once per plan thread), then the same `awsRuleErrors` calls the plan
 * makes, over every stack of the spill, read back one at a time, in this one thread. The plan
 * spreads them over its threads, so the share of the plan is an upper bound. Already inside the
 * plan figures.
 */
function awsRuleCheckCost(spill: string, tenants: readonly import("../stacks/config/tenant").Tenant[], planSeconds: number): string {
    const { awsRuleErrors } = require("../scripts/lib/plan/stack-errors") as typeof import("../scripts/lib/plan/stack-errors");
    const { compileCatalogue } = require("../scripts/lib/plan/aws-rules") as typeof import("../scripts/lib/plan/aws-rules");
    const { spillSource } = require("../scripts/lib/plan/stream/run") as typeof import("../scripts/lib/plan/stream/run");
    const compileStart = performance.now();
    compileCatalogue();
    const compileMs = performance.now() - compileStart;
    const byId = new Map(tenants.map((tenant) => [tenant.id, tenant]));
    let checkMs = 0;
    let breaks = 0;
    let stacks = 0;
    spillSource(spill)((record) => {
        const plan = record.stack;
        const checkStart = performance.now();
        breaks += awsRuleErrors(plan.tenant, plan.source, plan.resources, byId.get(plan.tenant)).length;
        checkMs += performance.now() - checkStart;
        stacks += 1;
    });
    const checkSeconds = checkMs / 1000;
    return (
        `AWS rules ${checkSeconds.toFixed(3)} s over ${stacks} stacks (${breaks} break(s)), ` +
        `${((100 * checkSeconds) / planSeconds).toFixed(1)}% of pass 1; catalogue compiled in ${compileMs.toFixed(1)} ms`
    );
}

/**
 * The service quotas of the benchmark's imagined account: every quota the plan counts raised out of
 * reach. A fleet of hundreds of tenants needs raises in any real account (1,000 tenants plan 137
 * load balancers in one region against AWS's default of 50), and the quotas are not what the
 * benchmark measures; their counting still runs, inside the plan's time. (IAM's roles and instance
 * profiles too, although AWS grants at most 5,000 of each: a real fleet of that size needs more
 * than one account.) The account has also enabled the opt-in regions the generated fleet reaches
 * (bench/generate.ts REGION_MIX and their default off-site regions: ap-southeast-2's partner,
 * ap-southeast-4, is one), as a real account would before its first tenant there.
 */
export function raisedQuotas(): import("../scripts/lib/plan/quota-file").AppliedQuotas {
    const { loadQuotas } = require("../scripts/lib/plan/quota-file") as typeof import("../scripts/lib/plan/quota-file");
    const applied = loadQuotas(repoRoot());
    const defaults = Object.fromEntries(
        Object.keys(applied.quotas.defaults).map((key) => [key, { value: 1_000_000, source: "bench/tasks.ts: the benchmark's account, every quota raised" }]),
    ) as typeof applied.quotas.defaults;
    const { isOptInRegion, PARTNER_REGIONS } = require("../lib/regions") as typeof import("../lib/regions");
    const { REGION_MIX } = require("./generate") as typeof import("./generate");
    const reached = Object.keys(REGION_MIX).flatMap((region) => [region, PARTNER_REGIONS[region]!]);
    const optInRegions = Object.fromEntries(
        [...new Set(reached)].filter((region) => isOptInRegion(region)).map((region) => [region, { status: "ENABLED" as const, source: "bench/tasks.ts: the benchmark's account, its fleet's opt-in regions enabled" }]),
    );
    return { file: "bench/tasks.ts", quotas: { ...applied.quotas, defaults, regions: {}, optInRegions }, text: "" };
}

type Stream = typeof import("../scripts/lib/plan/stream/run");
type PassOptions = import("../scripts/lib/plan/stream/run").PassOptions;
type PassResult = import("../scripts/lib/plan/stream/run").PassResult;

/** Pass 2 into `file` as `plan --json` writes it to stdout; a plan with errors is no measurement. */
async function emitJson(stream: Stream, passes: readonly PassResult[], sources: Parameters<Stream["emitPlan"]>[1], file: string, options: ChildOptions): ReturnType<Stream["emitPlan"]> {
    const fd = fs.openSync(file, "w");
    let result: Awaited<ReturnType<Stream["emitPlan"]>>;
    try {
        result = await stream.emitPlan(passes, sources, { out: fd, json: true, quotas: raisedQuotas(), today: options.today });
    } finally {
        fs.closeSync(fd);
    }
    if (result.errors > 0) {
        const first = passes.flatMap((pass) => [...pass.sharedErrors, ...pass.sliceErrors])[0];
        throw new MeasurementError(`the plan has ${result.errors} error(s), e.g. ${first ? `${first.file}: ${first.path}: ${first.message}` : `a fleet-wide check's (the "errors" of ${file})`}`);
    }
    return result;
}

/** The body of a child process: one task over one fleet folder, timed from after its imports. */
export async function child(task: string, dir: string, options: ChildOptions): Promise<ChildReport> {
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
    if (task === "merge") {
        return merge(options);
    }
    // Loading the fleet is the validate task's figure: the plans are timed from after it, as always.
    const fleet = loadFleetDirectory(dir, { platformDir });
    if (fleet.problems.length > 0) {
        throw new MeasurementError(`the generated fleet has ${fleet.problems.length} problem(s), e.g. ${JSON.stringify(fleet.problems[0])}`);
    }
    const platforms = loadPlatformFleet(platformDir);
    const start = performance.now();
    const startedAt = epochMs();
    const common: Omit<PassOptions, "spill"> = {
        tenants: fleet.tenants,
        platformRegions: [...new Set(fleet.tenants.map((tenant) => tenant.region))],
        config: {},
        fleet: fleet.tenants,
        problems: [],
        platforms,
        quotas: raisedQuotas(),
        ...(options.threads ? { threads: options.threads } : {}),
    };
    const file = (name: string) => path.join(options.work, name);
    if (task === "plan") {
        const stream = require("../scripts/lib/plan/stream/run") as Stream;
        const spill = file("plan.jsonl");
        const pass = await stream.planPass({ ...common, spill });
        const passSeconds = (performance.now() - start) / 1000;
        const json = file("plan.json");
        const emitted = await emitJson(stream, [pass], [stream.spillSource(spill)], json, options);
        const seconds = (performance.now() - start) / 1000;
        const peak = peakRssMiB();
        return {
            seconds,
            resources: emitted.resources,
            peakRssMiB: peak,
            digest: fileDigest(json),
            note:
                `pass 1 ${passSeconds.toFixed(2)} s, pass 2 ${(seconds - passSeconds).toFixed(2)} s (policy, cost, JSON of ${mib(json)}); ` +
                `${emitted.stacks} stacks, exit ${emitted.exitCode}; ${awsRuleCheckCost(spill, fleet.tenants, passSeconds)}`,
        };
    }
    if (task === "diff") {
        return diff(common, start, options);
    }
    if (task === "shard") {
        const shard = options.shard;
        if (shard === undefined) {
            throw new UsageError("--child shard needs --shard I/N");
        }
        const stream = require("../scripts/lib/plan/stream/run") as Stream;
        const { shardKey, writeShard } = require("../scripts/lib/plan/stream/shard") as typeof import("../scripts/lib/plan/stream/shard");
        const spill = file(`shard-${shard.index}.jsonl`);
        const pass = await stream.planPass({ ...common, shard, spill });
        writeShard(file(`shard-${shard.index}.json`), { shard, key: shardKey(["bench", dir]), pass }, spill);
        const seconds = (performance.now() - start) / 1000;
        const span = [startedAt, epochMs()] as const;
        fs.rmSync(spill, { force: true });
        return { seconds, resources: 0, peakRssMiB: peakRssMiB(), span, note: `shard ${shard.index}/${shard.count}: ${pass.stackFacts.length} stacks` };
    }
    if (task === "incremental" || task === "incremental-fill") {
        const stream = require("../scripts/lib/plan/stream/run") as Stream;
        const { buildDigest } = require("../scripts/lib/plan/stream/cache") as typeof import("../scripts/lib/plan/stream/cache");
        // As `plan --all --json --cache DIR` does: the build digested, then the plan with the cache.
        const cache = { dir: file("cache"), build: buildDigest(repoRoot()) };
        const spill = file("incremental.jsonl");
        const pass = await stream.planPass({ ...common, spill, cache });
        const json = file("incremental.json");
        const emitted = await emitJson(stream, [pass], [stream.spillSource(spill)], json, options);
        const seconds = (performance.now() - start) / 1000;
        return { seconds, resources: emitted.resources, peakRssMiB: peakRssMiB(), digest: fileDigest(json), tenants: fleet.tenants.length, cached: pass.cached ?? 0 };
    }
    throw new UsageError(`unknown task "${task}"`);
}

/** `plan merge` of the shard documents in the work folder, into one JSON file. */
async function merge(options: ChildOptions): Promise<ChildReport> {
    const stream = require("../scripts/lib/plan/stream/run") as Stream;
    const { orderShards, shardSource } = require("../scripts/lib/plan/stream/shard") as typeof import("../scripts/lib/plan/stream/shard");
    const shards = fs
        .readdirSync(options.work)
        .filter((name) => /^shard-\d+\.json$/.test(name))
        .map((name) => path.join(options.work, name));
    const start = performance.now();
    const ordered = orderShards(shards);
    const json = path.join(options.work, "merged.json");
    const emitted = await emitJson(
        stream,
        ordered.map((shard) => shard.header.pass),
        ordered.map((shard) => shardSource(shard.file, shard.header)),
        json,
        options,
    );
    const seconds = (performance.now() - start) / 1000;
    return { seconds, resources: emitted.resources, peakRssMiB: peakRssMiB(), digest: fileDigest(json), note: `${ordered.length} shards, ${emitted.stacks} stacks, JSON of ${mib(json)}` };
}

/**
 * The plan of a one-line change against the unchanged program, as `plan --all --base REF --json`
 * makes it: the base's plan document written to a file (the unchanged program's own plan), indexed,
 * then the changed program's plan diffed stack by stack against it and written with the diff.
 */
async function diff(common: Omit<PassOptions, "spill">, start: number, options: ChildOptions): Promise<ChildReport> {
    const variant = changedProgram();
    try {
        const base = require("../scripts/lib/plan/stream/run") as Stream;
        // The same modules from the changed copy; @pulumi/pulumi resolves to the one runtime.
        const head = require(path.join(variant, "scripts", "lib", "plan", "stream", "run.ts")) as Stream;
        const { indexCanonicalDocument } = require(path.join(variant, "scripts", "lib", "plan", "stream", "document.ts")) as typeof import("../scripts/lib/plan/stream/document");
        const { blastRadius } = require("../scripts/lib/plan/diff/blast-radius") as typeof import("../scripts/lib/plan/diff/blast-radius");
        const { buildDigest } = require("../scripts/lib/plan/stream/cache") as typeof import("../scripts/lib/plan/stream/cache");
        const file = (name: string) => path.join(options.work, name);
        const baseSpill = file("base.jsonl");
        // With a plan cache, as a pull request's base plan runs (`plan --base REF --cache DIR`): this
        // first plan of the base fills it, as main's own run fills the cache its pull requests restore.
        const cache = { dir: file("cache"), build: buildDigest(repoRoot()) };
        const basePass = await base.planPass({ ...common, spill: baseSpill, cache });
        const baseJson = file("base.json");
        const before = await emitJson(base, [basePass], [base.spillSource(baseSpill)], baseJson, options);
        fs.rmSync(baseSpill, { force: true });
        const baseSeconds = (performance.now() - start) / 1000;
        const document = indexCanonicalDocument(baseJson);
        if (document === undefined) {
            throw new MeasurementError(`the base's plan document ${baseJson} is not in canonical form`);
        }
        const headStart = performance.now();
        const headSpill = file("head.jsonl");
        const headPass = await head.planPass({ ...common, spill: headSpill, base: { ref: "bench-base", commit: "0".repeat(40), file: baseJson, document } });
        const passSeconds = (performance.now() - headStart) / 1000;
        const headJson = file("head.json");
        const after = await emitJson(head, [headPass], [head.spillSource(headSpill)], headJson, options);
        const seconds = (performance.now() - start) / 1000;
        const peak = peakRssMiB();
        const changed = headPass.entries.filter((entry) => entry.diff.status === "changed").length;
        if (changed === 0) {
            throw new MeasurementError("the one-line change changed no stack; the benchmark's change no longer applies");
        }
        const groups = blastRadius(headPass.entries);
        const cached = await cachedBase(base, common, cache.dir, baseJson, options);
        return {
            seconds,
            resources: before.resources + after.resources,
            peakRssMiB: peak,
            note:
                `base plan ${baseSeconds.toFixed(2)} s, head plan with the diff ${(seconds - baseSeconds).toFixed(2)} s ` +
                `(pass 1 ${passSeconds.toFixed(2)} s, pass 2 ${(seconds - baseSeconds - passSeconds).toFixed(2)} s, JSON of ${mib(headJson)}); ` +
                `${changed} stack(s) changed, widest change in ${groups[0]?.tenants.length ?? 0}; ` +
                `the base read from the plan cache (a pull request's base plan, main's plan cached) ${cached.toFixed(2)} s, so ${(cached + seconds - baseSeconds).toFixed(2)} s with the head`,
        };
    } finally {
        fs.rmSync(variant, { recursive: true, force: true });
    }
}

/**
 * The base planned again, every tenant read from the cache in `cacheDir` its first plan filled (not
 * in the diff's figure): its seconds, the build digested inside them as the command does. Its
 * document must be the first plan's, byte for byte.
 */
async function cachedBase(base: Stream, common: Omit<PassOptions, "spill">, cacheDir: string, baseJson: string, options: ChildOptions): Promise<number> {
    const { buildDigest } = require("../scripts/lib/plan/stream/cache") as typeof import("../scripts/lib/plan/stream/cache");
    const start = performance.now();
    const cache = { dir: cacheDir, build: buildDigest(repoRoot()) };
    const spill = path.join(options.work, "base-cached.jsonl");
    const pass = await base.planPass({ ...common, spill, cache });
    const json = path.join(options.work, "base-cached.json");
    await emitJson(base, [pass], [base.spillSource(spill)], json, options);
    const seconds = (performance.now() - start) / 1000;
    fs.rmSync(spill, { force: true });
    if (pass.cached !== common.tenants.length) {
        throw new MeasurementError(`the base planned again read ${pass.cached ?? 0} of ${common.tenants.length} tenant(s) from the plan cache its first plan filled`);
    }
    if (fileDigest(json) !== fileDigest(baseJson)) {
        throw new MeasurementError("the base planned again from the plan cache wrote other JSON than its first plan");
    }
    return seconds;
}

/** The shared component line the diff task changes: every tenant's and platform's keys rotate twice as often. */
export const ONE_LINE_CHANGE = {
    file: "components/encryption-keys.ts",
    from: "export const DEFAULT_ROTATION_PERIOD_DAYS = 365;",
    to: "export const DEFAULT_ROTATION_PERIOD_DAYS = 180;",
} as const;

/** A copy of the program with {@link ONE_LINE_CHANGE} applied (node_modules linked, not copied). */
function changedProgram(): string {
    const copy = projectCopy({ prefix: "bench-variant-", copy: ["components", "stacks", "scripts", "policy", "platform-configs", "Pulumi.yaml", "package.json", "tsconfig.json"] });
    // Of tenant-configs/ only the schema, which is program: the fleet planned is the generated one.
    fs.mkdirSync(path.join(copy, "tenant-configs"));
    fs.copyFileSync(path.join(repoRoot(), "tenant-configs", "tenant.schema.json"), path.join(copy, "tenant-configs", "tenant.schema.json"));
    const file = path.join(copy, ONE_LINE_CHANGE.file);
    const text = fs.readFileSync(file, "utf8");
    if (!text.includes(ONE_LINE_CHANGE.from)) {
        throw new MeasurementError(`${ONE_LINE_CHANGE.file} no longer contains "${ONE_LINE_CHANGE.from}"; update ONE_LINE_CHANGE in bench/tasks.ts`);
    }
    fs.writeFileSync(file, text.replace(ONE_LINE_CHANGE.from, ONE_LINE_CHANGE.to));
    return copy;
}
