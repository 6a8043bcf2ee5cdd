// The fleet plan in two passes, in bounded memory (issue 18):
// - pass 1 (`planPass`): every stack planned, in plan order, written to disk as one record line
//   (stream/record.ts) the moment it and the stacks before it are planned; only its facts are kept;
// - pass 2 (`emitPlan`): the fleet-wide checks on the facts, then each record read back in order,
//   judged by the policy rules, costed (on both cores, stream/pass2.ts) and written out in order
//   (JSON, summary, diff, pull-request comments).
// A shard (`plan --shard I/N`) is pass 1 of a slice, written with its facts as a shard document;
// `plan merge` is pass 2 over the shards in order. Both give the bytes of the whole plan in one go.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { hasMandatory } from "../../../../policy/rules";
import { Problem, sortProblems } from "../../../../stacks/config/validate";
import { Tenant } from "../../../../stacks/config/tenant";
import { costDelta } from "../../cost/delta";
import { estimateStack, StackEstimate } from "../../cost/estimate";
import { blastRadius, BlastGroup } from "../diff/blast-radius";
import { StackDiffEntry } from "../diff/model";
import { diffStack } from "../diff/stacks";
import { appliedQuotas, FleetShard, PLAN_VERSION, planFleetStacks, shardOf, TenantPlan } from "../fleet";
import { recoveryTargetOf } from "../../../../lib/platform";
import { CommentStack, CostSummary } from "../markdown";
import { PlatformFleet } from "../../../../stacks/config/platform-file";
import { AppliedQuotas } from "../quota-file";
import { summaryClosing, SummaryTotals } from "../summary";
import { BlockWriter, DocumentWriter, documentFrame, forEachLine, IndexedDocument, stackText } from "./document";
import { fleetOfShown, fleetProblems, StackFacts } from "./facts";
import { DiffedSlim, EmittedStack, emitRuns, emitStack, LineRun, pass2Threads, runBytes, spillRuns, StackEmitContext } from "./pass2";
import { parseRecordLine, readBaseStack, ReadRecord, recordLine } from "./record";

/** The base a plan is compared with: its plan document on disk, indexed (scripts/lib/plan/base.ts). */
export interface PlanBase {
    readonly ref: string;
    readonly commit: string;
    readonly file: string;
    readonly document: IndexedDocument;
}

export interface PassOptions {
    readonly tenants: readonly Tenant[];
    readonly platformRegions: readonly string[];
    readonly config: Readonly<Record<string, string>>;
    readonly fleet: readonly Tenant[];
    /** Problems found before planning (invalid files, deleted tenants): every shard has the same. */
    readonly problems: readonly Problem[];
    readonly shard?: FleetShard;
    readonly base?: PlanBase;
    readonly quotas?: AppliedQuotas;
    readonly platforms?: PlatformFleet;
    readonly threads?: number;
    /** The file the records are written to, one per line. */
    readonly spill: string;
    /** The plan cache (stream/cache.ts): its folder and the build's digest. */
    readonly cache?: { readonly dir: string; readonly build: string };
}

/** A removed stack (only the base has it): what the document shows of it. */
export interface RemovedStack {
    readonly tenant: string;
    readonly mode: string;
    readonly region: string;
    readonly source: string;
    readonly diff: StackDiffEntry["diff"];
    readonly baseEstimate?: StackEstimate;
    readonly baseEstimateError?: string;
}

/** What pass 1 keeps: everything pass 2 needs but the stacks themselves (which are in the spill). */
export interface PassResult {
    readonly sharedErrors: Problem[];
    readonly sliceErrors: Problem[];
    readonly platformFacts: StackFacts[];
    readonly stackFacts: StackFacts[];
    readonly placeholderSecrets: string[];
    /** With a base: each stack's diff, in plan order. */
    readonly entries: StackDiffEntry[];
    /** With a base: the stacks only the base has, that this pass reports (the first shard's platforms, every shard's own tenants). */
    readonly removed: RemovedStack[];
    readonly base?: { readonly ref: string; readonly commit: string };
    /** Pass 1 stopped before planning (the pinned images file is broken): no fleet-wide checks. */
    readonly stopped?: true;
    /** With a cache: the tenants of this pass read from it rather than planned. */
    readonly cached?: number;
    /** The day the plan judges on (YYYY-MM-DD, UTC): calendar rules judge every stack on it. */
    readonly today: string;
}

/** Pass 1: plans the stacks into `spill`, one record per line, keeping their facts. */
export async function planPass(options: PassOptions): Promise<PassResult> {
    const fd = fs.openSync(options.spill, "w");
    const out = new BlockWriter(fd);
    const entries: StackDiffEntry[] = [];
    // One day for the whole plan, pass 2 and every shard's included (the first shard's).
    const today = new Date().toISOString().slice(0, 10);
    let result: Awaited<ReturnType<typeof planFleetStacks>>;
    try {
        result = await planFleetStacks(
            {
                tenants: options.tenants,
                platformRegions: options.platformRegions,
                config: options.config,
                fleet: options.fleet,
                ...(options.quotas ? { quotas: options.quotas } : {}),
                ...(options.platforms ? { platforms: options.platforms } : {}),
                ...(options.threads ? { threads: options.threads } : {}),
                ...(options.shard ? { shard: options.shard } : {}),
                records: { today, ...(options.base ? { base: { file: options.base.file, index: options.base.document.stacks } } : {}), ...(options.cache ? { cache: options.cache } : {}) },
            },
            (item) => {
                if (!("record" in item)) {
                    throw new Error("planPass asked for records and was handed a plan");
                }
                if (item.record.diff) {
                    entries.push({ tenant: item.record.tenant, mode: item.record.facts.mode, diff: item.record.diff });
                }
                out.write(`${recordLine(item.record)}\n`);
            },
        );
        out.flush();
    } finally {
        fs.closeSync(fd);
    }
    const removed: RemovedStack[] = [];
    if (options.base) {
        // A base stack missing from the plan is reported by one pass: a platform's, or a tenant's
        // whose tenant left the fleet, by the first; a tenant's whose tenant is still planned
        // (`acme-recovery` when acme no longer has one), by the pass that plans that tenant.
        const present = new Set([...result.stackFacts.map((facts) => facts.tenant), ...result.platformFacts.map((facts) => facts.tenant)]);
        const first = (options.shard?.index ?? 1) === 1;
        const fleetIds = new Set(options.tenants.map((tenant) => tenant.id));
        const sliceIds = new Set((options.shard ? shardOf([...options.tenants].sort((a, b) => a.id.localeCompare(b.id)), options.shard) : options.tenants).map((tenant) => tenant.id));
        for (const entry of options.base.document.stacks) {
            if (present.has(entry[0])) {
                continue;
            }
            const production = recoveryTargetOf(entry[0])?.production ?? entry[0];
            if (fleetIds.has(production) ? !sliceIds.has(production) : !first) {
                continue;
            }
            const old = readBaseStack(options.base.file, entry);
            let estimate: Pick<RemovedStack, "baseEstimate" | "baseEstimateError">;
            try {
                estimate = { baseEstimate: estimateStack(old) };
            } catch (error) {
                estimate = { baseEstimateError: (error as Error).message };
            }
            removed.push({ tenant: old.tenant, mode: old.mode, region: old.region, source: old.source, diff: diffStack(old, undefined), ...estimate });
        }
    }
    return {
        sharedErrors: [...options.problems, ...result.sharedErrors],
        sliceErrors: result.sliceErrors,
        platformFacts: result.platformFacts,
        stackFacts: result.stackFacts,
        placeholderSecrets: result.placeholderSecrets,
        entries,
        removed,
        ...(options.base ? { base: { ref: options.base.ref, commit: options.base.commit } } : {}),
        ...(result.stopped ? { stopped: true as const } : {}),
        ...(result.cached !== undefined ? { cached: result.cached } : {}),
        today,
    };
}

/** How pass 2 writes the plan. */
export interface EmitOptions {
    /** Where the JSON or the summary goes: a file descriptor, or a function that writes synchronously (process.stdout's write). */
    readonly out: number | ((text: string) => void);
    readonly json: boolean;
    /** With a base: the pull-request comments are rendered and handed to this. */
    readonly markdown?: (input: { readonly stacks: CommentStack[]; readonly blastRadius: BlastGroup[]; readonly costs?: Map<string, CostSummary>; readonly notes: string[]; readonly sections: Map<string, string> }) => void;
    /** The readable diff (with a base, without --json): given what it needs, it returns the text. */
    readonly readableDiff?: (input: { readonly stacks: DiffedSlim[]; readonly groups: BlastGroup[]; readonly document: Omit<PlanDocumentFields, "tenants"> & { tenants: [] } }) => string;
    readonly quotas?: AppliedQuotas;
    /** Progress and notices (stderr). */
    readonly log?: (message: string, fields?: Record<string, unknown>) => void;
    /** The day the calendar rules judge (tests hand one in). */
    readonly today?: Date;
    /** The threads the records are emitted on (default: two where the records repay the second, pass2.ts). */
    readonly threads?: number;
}

export type { DiffedSlim };

export interface PlanDocumentFields {
    readonly version: typeof PLAN_VERSION;
    readonly errors: Problem[];
    readonly warnings?: Problem[];
    readonly placeholderSecrets: string[];
    readonly standInConfig: string[];
}

/**
 * Where pass 2 reads records from: files of record lines, in order (a spill, or shard documents'
 * bodies). `lines` cuts them into runs that every core can emit (pass2.ts): undefined runs where
 * the file is not whole, whose records are then read in order (and refused as they always were).
 */
export type RecordSource = ((each: (record: ReadRecord) => void) => void) & {
    readonly lines?: { readonly bytes: number; runs(bytes: number): LineRun[] | undefined };
};

export function spillSource(file: string): RecordSource {
    const source = (each: (record: ReadRecord) => void): void =>
        forEachLine(file, (line) => {
            if (line.length > 0) {
                each(parseRecordLine(line));
            }
        });
    return Object.assign(source, { lines: { bytes: fs.statSync(file).size, runs: (bytes: number) => spillRuns(file, bytes) } });
}

/** What pass 2 found: the exit code the plan command returns. */
export interface EmitResult {
    readonly exitCode: number;
    readonly stacks: number;
    readonly resources: number;
    readonly errors: number;
}

/**
 * Pass 2: the fleet-wide checks over the passes' facts, then every record of the sources in order,
 * judged and costed (pass2.ts, on every core for a spill) and written; the same bytes as the whole
 * document's canonical JSON (or summary).
 */
export async function emitPlan(passes: readonly PassResult[], sources: readonly RecordSource[], options: EmitOptions): Promise<EmitResult> {
    const first = passes[0]!;
    const platformFacts = first.platformFacts;
    const stackFacts = passes.flatMap((pass) => pass.stackFacts);
    const read = appliedQuotas(options.quotas);
    const fleet = first.stopped ? { errors: [], warnings: [] } : fleetProblems(platformFacts, stackFacts, read.applied, read.problems);
    const errors = sortProblems([...first.sharedErrors, ...passes.flatMap((pass) => pass.sliceErrors), ...fleet.errors]);
    const fields: PlanDocumentFields = {
        version: PLAN_VERSION,
        errors,
        ...(fleet.warnings.length > 0 ? { warnings: fleet.warnings } : {}),
        placeholderSecrets: first.placeholderSecrets,
        standInConfig: [],
    };
    const base = first.base;
    // The removed stacks come after the others, by name (diffPlans' order).
    const removed = passes.flatMap((pass) => pass.removed).sort((a, b) => (a.tenant < b.tenant ? -1 : 1));
    const entries: StackDiffEntry[] = [...passes.flatMap((pass) => pass.entries), ...removed.map((stack) => ({ tenant: stack.tenant, mode: stack.mode, diff: stack.diff }))];
    const groups = base ? blastRadius(entries) : [];
    const context: StackEmitContext = {
        json: options.json,
        today: (options.today ?? new Date(first.today)).toISOString(),
        fleet: fleetOfShown(stackFacts),
        ...(base ? { base: { ref: base.ref, groups } } : {}),
        markdown: options.markdown !== undefined,
    };
    const out = new BlockWriter(options.out);
    const document = options.json ? new DocumentWriter(out, documentFrame(base ? { ...fields, blastRadius: groups, base } : fields)) : undefined;
    // The cost by mode needs of each estimate its mode, tenant, total and count of unknown items.
    const totals: { -readonly [K in keyof SummaryTotals]: SummaryTotals[K] } & { estimates: StackEstimate[] } = { stacks: 0, resources: 0, estimates: [], violations: 0, mandatory: 0 };
    let mandatory = false;
    let sections = 0;
    const slim: DiffedSlim[] = [];
    const costs = new Map<string, CostSummary>();
    let costsKnown = true;
    const commentSections = new Map<string, string>();
    const take = (stack: EmittedStack): void => {
        totals.stacks += 1;
        totals.resources += stack.resources;
        // Without its items (what the summary's cost by mode does not read): kept for every stack.
        totals.estimates.push({ ...stack.cost, items: [] });
        totals.violations += stack.violations.length;
        totals.mandatory += stack.violations.filter((violation) => violation.enforcement === "mandatory").length;
        mandatory ||= hasMandatory(stack.violations);
        if (stack.text !== undefined) {
            if (document) {
                document.stack(stack.text);
            } else {
                out.write(`${sections++ > 0 ? "\n\n" : ""}${stack.text}`);
            }
        }
        if (stack.slim) {
            if (stack.costSummary) {
                costs.set(stack.slim.tenant, stack.costSummary);
            } else {
                costsKnown = false;
            }
            if (stack.section !== undefined) {
                commentSections.set(stack.slim.tenant, stack.section);
            }
            slim.push(stack.slim);
        }
    };
    // Every source cut into runs that both cores emit; where one cannot be (a shard document not
    // whole), every record read in order, as one thread always did.
    const bytes = sources.reduce((sum, source) => sum + (source.lines?.bytes ?? 0), 0);
    const threads = options.threads ?? pass2Threads(bytes);
    const perRun = runBytes(bytes, threads);
    let runs: LineRun[] | undefined = [];
    for (const source of sources) {
        const cut = source.lines?.runs(perRun);
        if (cut === undefined) {
            runs = undefined;
            break;
        }
        runs.push(...cut);
    }
    if (runs) {
        await emitRuns(runs, context, take, { threads });
    } else {
        const today = new Date(context.today);
        for (const source of sources) {
            source((record) => take(emitStack(record, context, today)));
        }
    }
    if (base) {
        for (const stack of removed) {
            const shown: DiffedSlim = { tenant: stack.tenant, mode: stack.mode as TenantPlan["mode"], region: stack.region, source: stack.source, resources: [], outputs: {}, violations: [], diff: stack.diff };
            document?.stack(stackText(shown));
            slim.push(shown);
            if (stack.baseEstimateError !== undefined) {
                costsKnown = false;
            } else {
                const delta = costDelta(stack.baseEstimate, undefined);
                costs.set(stack.tenant, { beforeUsd: delta.beforeUsd, afterUsd: delta.afterUsd, deltaUsd: delta.deltaUsd, unknownItems: delta.unknown.length });
            }
        }
    }
    document?.end();
    if (!document && !base) {
        const closing = summaryClosing(fields, totals);
        out.write(`${sections > 0 ? "\n\n" : ""}${closing.join("\n\n")}\n`);
        out.flush();
    }
    if (base && (options.markdown || options.readableDiff)) {
        if (!costsKnown) {
            options.log?.("cost not estimated", { reason: "a base stack could not be estimated" });
        }
        if (options.markdown) {
            options.markdown({ stacks: slim as CommentStack[], blastRadius: groups, ...(costsKnown ? { costs } : {}), notes: notes(fields), sections: commentSections });
        }
        if (!document && options.readableDiff) {
            out.write(options.readableDiff({ stacks: slim, groups, document: { ...fields, tenants: [] } }));
            out.flush();
        }
    }
    return { exitCode: errors.length > 0 ? 1 : mandatory ? 3 : 0, stacks: totals.stacks, resources: totals.resources, errors: errors.length };
}

/** What the first comment says besides the table: problems, warnings and what the plan stood in for. */
export function notes(document: { readonly errors: readonly Problem[]; readonly warnings?: readonly Problem[]; readonly placeholderSecrets?: readonly string[]; readonly standInConfig?: readonly string[] }): string[] {
    return [
        ...document.errors.map((problem) => `problem (the validator or AWS refuses it): ${problem.file}:${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`),
        ...(document.warnings ?? []).map((problem) => `warning: ${problem.file}:${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`),
        ...(document.placeholderSecrets?.length ? [`secret config planned with a placeholder: ${document.placeholderSecrets.join(", ")}`] : []),
        ...(document.standInConfig?.length ? [`platform config planned with a stand-in: ${document.standInConfig.join(", ")}`] : []),
    ];
}

/** The plans' temporary folders not yet removed: what an exit removes (stdout closed, a failure). */
const workDirs = new Set<string>();
let removedAtExit = false;

/** A temporary folder for a plan's spill, removed by removePlanWorkDir when the plan is done, or at exit whatever happens. */
export function planWorkDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    if (!removedAtExit) {
        removedAtExit = true;
        process.once("exit", () => workDirs.forEach(removePlanWorkDir));
    }
    workDirs.add(dir);
    return dir;
}

export function removePlanWorkDir(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
    workDirs.delete(dir);
}
