// Pass 2 of one stack, and of many on every core. What pass 2 makes of a record (its verdicts by
// the fleet's rules, its text in the output, what the totals and the pull-request comments need of
// it) depends on the record and the fleet's facts alone, so the records (of a spill, or of the
// shard documents `plan merge` joins) are cut into runs of lines that this thread and a worker
// thread (pass2-worker.ts) claim in turn, like pass 1's chunks; this thread writes the results in
// order, so the output is byte for byte what one thread writes. The in-order runner itself
// (runsInOrder, claimRuns) also judges the stacks of a plan document for `npm run policy`
// (policy-runs.ts).

import * as fs from "node:fs";
import * as os from "node:os";
import { MessageChannel, MessagePort, Worker } from "node:worker_threads";

import { evaluate, FLEET_RULES, sortViolations } from "../../../../policy/rules";
import { PolicyFleet, settingsFromFleet, stackFromPlan } from "../../../../policy/rules/from-plan";
import { Violation } from "../../../../policy/rules/types";
import { costDelta } from "../../cost/delta";
import { StackEstimate } from "../../cost/estimate";
import { BlastGroup } from "../diff/blast-radius";
import { StackDiffEntry } from "../diff/model";
import type { TenantPlan } from "../fleet";
import { CostSummary, hasSection, renderSection } from "../markdown";
import { renderTenant } from "../summary";
import { forEachLine, stackText } from "./document";
import { parseRecordLine, ReadRecord } from "./record";
import { parseShardRecordLine, ShardError } from "./shard";
import { startModuleWorker } from "../ts-worker";
import { isOffboardingStack } from "../../../../lib/plan-document";

/** A stack of a diffed plan without its resources: what the readable diff and the comments' table read. */
export type DiffedSlim = TenantPlan & { readonly diff: StackDiffEntry["diff"] };

/** What every stack of pass 2 is judged and written with: plain data, the same in every thread. */
export interface StackEmitContext {
    readonly json: boolean;
    /** The day the calendar rules judge, as an ISO timestamp. */
    readonly today: string;
    readonly fleet: PolicyFleet;
    /** With a base: its ref and the plan's blast radius (the comment sections name them). */
    readonly base?: { readonly ref: string; readonly groups: readonly BlastGroup[] };
    /** Whether the pull-request comment's sections are rendered. */
    readonly markdown: boolean;
}

/** What pass 2 makes of one stack. */
export interface EmittedStack {
    /** What it adds to the output: its JSON in the document, its summary, or nothing (a diff without --json, written at the end). */
    readonly text?: string;
    readonly resources: number;
    readonly violations: Violation[];
    readonly cost: StackEstimate;
    /** With a base: what the readable diff and the comments read of it. */
    readonly slim?: DiffedSlim;
    /** With a base: its cost before and after, unless the base's stack could not be estimated. */
    readonly costSummary?: CostSummary;
    readonly baseEstimateError?: true;
    /** With a base and --markdown: its section of the comment, where it has one. */
    readonly section?: string;
}

/** A record judged by the fleet's rules (those reading one stack judged it in pass 1), costed and rendered. */
export function emitStack(record: ReadRecord, context: StackEmitContext, today: Date = new Date(context.today)): EmittedStack {
    const plan = record.stack;
    const violations = isOffboardingStack(plan) ? [] : sortViolations([...record.violations, ...evaluate(stackFromPlan(plan), settingsFromFleet(plan, context.fleet, today), FLEET_RULES)]);
    const cost = record.cost;
    const stack: TenantPlan = { ...plan, violations, cost };
    if (!context.base) {
        return { text: context.json ? stackText(stack) : renderTenant(stack), resources: plan.resources.length, violations, cost };
    }
    const diffed: DiffedSlim = { ...stack, diff: record.diff! };
    let costSummary: CostSummary | undefined;
    if (record.baseEstimateError === undefined) {
        const delta = costDelta(record.baseEstimate, cost);
        costSummary = { beforeUsd: delta.beforeUsd, afterUsd: delta.afterUsd, deltaUsd: delta.deltaUsd, unknownItems: delta.unknown.length };
    }
    // A section reads the costs of its own stack only.
    const section =
        context.markdown && hasSection(diffed)
            ? renderSection({ baseRef: context.base.ref, stacks: [], blastRadius: [...context.base.groups], costs: new Map(costSummary ? [[plan.tenant, costSummary]] : []) }, diffed)
            : undefined;
    const slim: DiffedSlim = {
        tenant: plan.tenant,
        mode: plan.mode,
        region: plan.region,
        source: plan.source,
        ...(plan.recoveryOf !== undefined ? { recoveryOf: plan.recoveryOf } : {}),
        resources: [],
        outputs: {},
        violations,
        cost,
        diff: diffed.diff,
        ...(plan.offboarding ? { offboarding: plan.offboarding } : {}),
    };
    return {
        ...(context.json ? { text: stackText(diffed) } : {}),
        resources: plan.resources.length,
        violations,
        cost,
        slim,
        ...(costSummary ? { costSummary } : { baseEstimateError: true as const }),
        ...(section !== undefined ? { section } : {}),
    };
}

/** A run of whole lines of a file: bytes [start, end). */
export interface LineRange {
    readonly start: number;
    readonly end: number;
}

/**
 * A run of records to emit: whole lines of a spill, or of a shard document's body (numbered from
 * `firstLine`, each but the last ending in a comma, and a line that is not a record refused naming
 * the file and line, as `plan merge` reads them).
 */
export interface LineRun extends LineRange {
    readonly file: string;
    readonly shard?: { readonly firstLine: number };
}

/** About how many bytes of records a thread claims at once: some sixty stacks of the bench's mix (64 KiB each on average). */
export const RANGE_BYTES = 4 << 20;

/** Below this many bytes of records, a second thread would cost more to start (about 2 s) than it saves. */
export const PARALLEL_MIN_BYTES = 96 << 20;

/** The size of the runs for `bytes` of records on `threads` threads: at least four runs a thread, so that they finish together. */
export function runBytes(bytes: number, threads: number): number {
    return threads < 2 ? RANGE_BYTES : Math.max(1, Math.min(RANGE_BYTES, Math.ceil(bytes / (4 * threads))));
}

/** Cuts a file of lines into runs of about `bytes` each, at line ends. */
export function lineRanges(file: string, bytes: number = RANGE_BYTES): LineRange[] {
    const size = fs.statSync(file).size;
    const ranges: LineRange[] = [];
    const fd = fs.openSync(file, "r");
    try {
        const probe = Buffer.alloc(1 << 20);
        let start = 0;
        while (start < size) {
            // The range ends after the line holding its last byte (start + bytes - 1).
            let end = Math.min(size, start + Math.max(1, bytes) - 1);
            while (end < size) {
                const read = fs.readSync(fd, probe, 0, probe.length, end);
                const newline = probe.subarray(0, read).indexOf(10);
                if (newline >= 0) {
                    end += newline + 1;
                    break;
                }
                end += read;
            }
            ranges.push({ start, end });
            start = end;
        }
    } finally {
        fs.closeSync(fd);
    }
    return ranges;
}

/** A line of a shard document's run that is not a record: refused as `plan merge` refuses it (exit 2). */
export class RecordLineError extends ShardError {}

/** Every record of a run, emitted. */
export function emitRun(run: LineRun, context: StackEmitContext, today: Date): EmittedStack[] {
    const emitted: EmittedStack[] = [];
    let line = run.shard?.firstLine ?? 0;
    forEachLine(
        run.file,
        (text) => {
            if (run.shard === undefined) {
                if (text.length > 0) {
                    emitted.push(emitStack(parseRecordLine(text), context, today));
                }
                return;
            }
            let record: ReadRecord;
            try {
                record = parseShardRecordLine(run.file, line, text);
            } catch (error) {
                // Sent back from the worker as what it is (a refusal of the document, exit 2).
                throw error instanceof ShardError ? new RecordLineError(error.message) : error;
            }
            line += 1;
            emitted.push(emitStack(record, context, today));
        },
        run,
    );
    return emitted;
}

/** What a worker thread is given once: the runs to claim, what it emits them with, the claims. */
export interface RunWork<Run = LineRun, Context = StackEmitContext> {
    readonly runs: readonly Run[];
    readonly context: Context;
    /**
     * Two Int32s shared by the threads: [0] the index of the next run nobody has claimed, [1] the
     * index of the next run to be written. No thread works on a run more than LEAD ahead of the
     * writing, so what waits for its turn in memory stays a few runs, however fast either thread.
     */
    readonly claims: SharedArrayBuffer;
    readonly port: MessagePort;
}

/**
 * How many runs past the one being written a thread may emit. With 2 the worker often waited while
 * this thread emitted a run of its own before writing the worker's; 4 took pass 2 of 10,000 tenants
 * from about 21.9 to 20.3 s (two runs each, side by side) for about 10 MiB more RSS.
 */
export const LEAD = 4;

/** Blocks the worker until run `run` is within LEAD of the writing (or the writing is over). */
function awaitTurn(shared: Int32Array, run: number): void {
    for (let written = Atomics.load(shared, 1); run >= written + LEAD; written = Atomics.load(shared, 1)) {
        Atomics.wait(shared, 1, written, 1_000);
    }
}

/** What the worker posts: a run's results, or why it stopped. */
export type RunMessage<Out = EmittedStack> =
    | { readonly run: number; readonly results: Out[] }
    | { readonly run: number; readonly failure: string; readonly recordLine?: true }
    | { readonly done: true };

/** The worker's side: claims runs until none is left, posting what `emit` makes of each. */
export function claimRuns<Run, Out>(work: RunWork<Run, unknown>, emit: (run: Run) => Out[]): void {
    const claims = new Int32Array(work.claims);
    for (let run = Atomics.add(claims, 0, 1); run < work.runs.length; run = Atomics.add(claims, 0, 1)) {
        awaitTurn(claims, run);
        try {
            work.port.postMessage({ run, results: emit(work.runs[run]!) } satisfies RunMessage<Out>);
        } catch (error) {
            work.port.postMessage(
                error instanceof RecordLineError
                    ? ({ run, failure: error.message, recordLine: true } satisfies RunMessage<Out>)
                    : ({ run, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies RunMessage<Out>),
            );
            break;
        }
    }
    work.port.postMessage({ done: true } satisfies RunMessage<Out>);
}

/** Pass 2's worker: claims runs of records until none is left, posting each one's stacks. */
export function emitClaimedRuns(work: RunWork): void {
    const today = new Date(work.context.today);
    claimRuns(work, (run: LineRun) => emitRun(run, work.context, today));
}

/** How many threads pass 2 of `bytes` of records uses: two where both cores repay the second's start. */
export function pass2Threads(bytes: number, cores: number = os.availableParallelism()): number {
    return cores > 1 && bytes >= PARALLEL_MIN_BYTES ? 2 : 1;
}

/** How {@link runsInOrder} runs: on this thread alone, or with the worker `start` makes (given `context`). */
export interface InOrder<Context> {
    readonly threads: number;
    /** false: this thread only writes what the worker emits. */
    readonly ownShare?: boolean;
    readonly context: Context;
    readonly start: () => Worker;
    /** Who failed, in the message of a worker's failure ("pass 2's worker thread"). */
    readonly worker: string;
}

/**
 * Emits every run in order, handing each result to `take`: on this thread alone, or with a worker
 * thread (which claims runs with {@link claimRuns}) claiming runs too. Results that arrive ahead of
 * their turn wait (a few runs).
 */
export async function runsInOrder<Run extends { readonly file: string }, Out, Context>(
    runs: readonly Run[],
    emit: (run: Run) => Out[],
    take: (out: Out) => void,
    { threads, ownShare = true, context, start, worker: who }: InOrder<Context>,
): Promise<void> {
    if (threads < 2 || runs.length < 2) {
        for (const run of runs) {
            emit(run).forEach(take);
        }
        return;
    }
    const claims = new SharedArrayBuffer(8);
    const counter = new Int32Array(claims);
    const { port1, port2 } = new MessageChannel();
    const worker = start();
    const ready = new Map<number, Out[]>();
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    let workerDone = false;
    port1.on("message", (message: RunMessage<Out>) => {
        if ("done" in message) {
            workerDone = true;
        } else if ("failure" in message) {
            failure ??= message.recordLine ? new RecordLineError(message.failure) : new Error(`${who} failed on run ${message.run + 1} of ${runs.length} (${runs[message.run]!.file}): ${message.failure}`);
        } else {
            ready.set(message.run, message.results);
        }
        wake?.();
    });
    worker.once("error", (error) => {
        failure ??= error;
        wake?.();
    });
    // The worker stays until terminated (pass2-worker.ts): an exit before that is a crash.
    worker.once("exit", (code) => {
        if (!workerDone) {
            failure ??= new Error(`${who} exited with code ${code} before it was done`);
        }
        wake?.();
    });
    worker.postMessage({ runs, context, claims, port: port2 } satisfies RunWork<Run, Context>, [port2]);
    try {
        for (let next = 0; next < runs.length; next++) {
            for (;;) {
                if (failure) {
                    throw failure;
                }
                const done = ready.get(next);
                if (done) {
                    ready.delete(next);
                    done.forEach(take);
                    // The worker may go on to the run LEAD past the next one to write.
                    Atomics.store(counter, 1, next + 1);
                    Atomics.notify(counter, 1);
                    break;
                }
                // Not ready: work on a run of its own meanwhile (within LEAD of the writing), or wait for the worker.
                const mine = ownShare && Atomics.load(counter, 0) < next + LEAD ? Atomics.add(counter, 0, 1) : runs.length;
                if (mine < runs.length) {
                    ready.set(mine, emit(runs[mine]!));
                    // Let the worker's messages in.
                    await new Promise<void>((resolve) => setImmediate(resolve));
                } else {
                    await new Promise<void>((resolve) => {
                        wake = resolve;
                    });
                    wake = undefined;
                }
            }
        }
    } finally {
        // Whatever happened, no run is claimed any more, none waits for its turn, and the worker goes.
        Atomics.store(counter, 0, runs.length);
        Atomics.store(counter, 1, runs.length);
        Atomics.notify(counter, 1);
        port1.close();
        await worker.terminate();
    }
}

/**
 * Emits every record of the runs in order, handing each to `take`: on this thread alone, or with a
 * worker thread claiming runs too.
 */
export function emitRuns(
    runs: readonly LineRun[],
    context: StackEmitContext,
    take: (stack: EmittedStack) => void,
    { threads, ownShare = true }: { readonly threads: number; /** false: this thread only writes what the worker emits. */ readonly ownShare?: boolean },
): Promise<void> {
    const today = new Date(context.today);
    return runsInOrder(runs, (run) => emitRun(run, context, today), take, { threads, ownShare, context, start: () => startRunWorker(context), worker: "pass 2's worker thread" });
}

/** A spill's records in runs of about `bytes`. */
export function spillRuns(file: string, bytes: number): LineRun[] {
    return lineRanges(file, bytes).map((range) => ({ file, ...range }));
}

/**
 * A worker thread for pass 2 (pass2-worker.ts), TypeScript loaded through tsx's hook as pass 1's
 * workers are. It holds the fleet's policy facts (about 8 MiB of JSON at 10,000 tenants) and a run
 * in flight, so its heap is capped well below the process's flags (which allow every isolate 768
 * MiB of old and 384 MiB of young generation: a second isolate at those sizes took the merge of
 * 10,000 tenants from 0.68 to 1.44 GiB of RSS; see workerLimits).
 */
export function startRunWorker(context: StackEmitContext): Worker {
    return startFleetWorker("pass2-worker", context.fleet);
}

/** The worker thread `name` of this folder (pass2-worker, policy-worker), its heap sized for the fleet's facts it is given (workerLimits). */
export function startFleetWorker(name: string, fleet: PolicyFleet): Worker {
    const factsMiB = Math.ceil(JSON.stringify(fleet).length / 2 ** 20);
    return startModuleWorker(__dirname, name, __filename, { resourceLimits: workerLimits(factsMiB) });
}

/**
 * The pass-2 worker's heap: room for a few times the fleet's facts and the runs in flight (what it
 * holds at once is under 100 MiB at 3,000 tenants). V8 lets an isolate's heap fill to its cap before
 * it collects in earnest, so the cap is what the worker adds to the plan's RSS: 0.56 GiB at 3,000
 * tenants with 384 MiB of old generation.
 */
export function workerLimits(factsMiB: number): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } {
    return { maxOldGenerationSizeMb: 128 + 8 * factsMiB, maxYoungGenerationSizeMb: 32 };
}
