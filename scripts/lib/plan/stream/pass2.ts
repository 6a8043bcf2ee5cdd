// Pass 2 of one stack, and of a spill on every core. What pass 2 makes of a record (its verdicts by
// the fleet's rules, its text in the output, what the totals and the pull-request comments need of
// it) depends on the record and the fleet's facts alone, so the records of a spill are cut into runs
// of lines that this thread and a worker thread (pass2-worker.ts) claim in turn, like pass 1's
// chunks; this thread writes the results in the spill's order, so the output is byte for byte what
// one thread writes.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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
    const violations = plan.offboarding !== undefined ? [] : sortViolations([...record.violations, ...evaluate(stackFromPlan(plan), settingsFromFleet(plan, context.fleet, today), FLEET_RULES)]);
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

/** A run of whole lines of a spill file: bytes [start, end). */
export interface LineRange {
    readonly start: number;
    readonly end: number;
}

/** About how many bytes of records a thread claims at once: a few hundred stacks. */
export const RANGE_BYTES = 8 << 20;

/** Below this many bytes of records, a second thread would cost more to start (about 2 s) than it saves. */
export const PARALLEL_MIN_BYTES = 96 << 20;

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

/** Every record of a run of lines, emitted. */
export function emitRange(file: string, range: LineRange, context: StackEmitContext, today: Date): EmittedStack[] {
    const emitted: EmittedStack[] = [];
    forEachLine(
        file,
        (line) => {
            if (line.length > 0) {
                emitted.push(emitStack(parseRecordLine(line), context, today));
            }
        },
        range,
    );
    return emitted;
}

/** What the worker thread is given once. */
export interface RangeWork {
    readonly file: string;
    readonly ranges: readonly LineRange[];
    readonly context: StackEmitContext;
    /** An Int32 counter shared by the threads: the index of the next range nobody has claimed. */
    readonly claims: SharedArrayBuffer;
    readonly port: MessagePort;
}

/** What the worker posts: a range's stacks, or why it stopped. */
export type RangeMessage = { readonly range: number; readonly stacks: EmittedStack[] } | { readonly range: number; readonly failure: string } | { readonly done: true };

/** The worker's side: claims ranges until none is left, posting each one's stacks. */
export function emitClaimedRanges(work: RangeWork): void {
    const claims = new Int32Array(work.claims);
    const today = new Date(work.context.today);
    for (let range = Atomics.add(claims, 0, 1); range < work.ranges.length; range = Atomics.add(claims, 0, 1)) {
        try {
            work.port.postMessage({ range, stacks: emitRange(work.file, work.ranges[range]!, work.context, today) } satisfies RangeMessage);
        } catch (error) {
            work.port.postMessage({ range, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies RangeMessage);
            break;
        }
    }
    work.port.postMessage({ done: true } satisfies RangeMessage);
}

/** How many threads pass 2 of a spill of `bytes` uses: two where both cores repay the second's start. */
export function pass2Threads(bytes: number, cores: number = os.availableParallelism()): number {
    return cores > 1 && bytes >= PARALLEL_MIN_BYTES ? 2 : 1;
}

/**
 * Emits every record of a spill in order, handing each to `take`: on this thread alone, or with a
 * worker thread claiming ranges too. Results that arrive ahead of their turn wait (a range or two).
 */
export async function emitSpill(
    file: string,
    context: StackEmitContext,
    take: (stack: EmittedStack) => void,
    { threads, ownShare = true }: { readonly threads: number; /** false: this thread only writes what the worker emits. */ readonly ownShare?: boolean },
): Promise<void> {
    const today = new Date(context.today);
    // At least four ranges a thread, so that the threads finish together.
    const size = fs.statSync(file).size;
    const ranges = lineRanges(file, threads < 2 ? RANGE_BYTES : Math.max(1, Math.min(RANGE_BYTES, Math.ceil(size / (4 * threads)))));
    if (threads < 2 || ranges.length < 2) {
        for (const range of ranges) {
            emitRange(file, range, context, today).forEach(take);
        }
        return;
    }
    const claims = new SharedArrayBuffer(4);
    const counter = new Int32Array(claims);
    const { port1, port2 } = new MessageChannel();
    const worker = startRangeWorker();
    const ready = new Map<number, EmittedStack[]>();
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    let workerDone = false;
    port1.on("message", (message: RangeMessage) => {
        if ("done" in message) {
            workerDone = true;
        } else if ("failure" in message) {
            failure ??= new Error(`pass 2's worker thread failed on range ${message.range + 1} of ${ranges.length} of ${file}: ${message.failure}`);
        } else {
            ready.set(message.range, message.stacks);
        }
        wake?.();
    });
    worker.once("error", (error) => {
        failure ??= error;
        wake?.();
    });
    worker.once("exit", (code) => {
        if (!workerDone) {
            failure ??= new Error(`pass 2's worker thread exited with code ${code} before it was done`);
        }
        wake?.();
    });
    worker.postMessage({ file, ranges, context, claims, port: port2 } satisfies RangeWork, [port2]);
    try {
        for (let next = 0; next < ranges.length; next++) {
            for (;;) {
                if (failure) {
                    throw failure;
                }
                const done = ready.get(next);
                if (done) {
                    ready.delete(next);
                    done.forEach(take);
                    break;
                }
                // Not ready: work on a range of its own meanwhile, or, with none left, wait for the worker.
                const mine = ownShare && ready.size < 4 ? Atomics.add(counter, 0, 1) : ranges.length;
                if (mine < ranges.length) {
                    ready.set(mine, emitRange(file, ranges[mine]!, context, today));
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
        // Whatever happened, no range is claimed any more, and the worker goes.
        Atomics.store(counter, 0, ranges.length);
        port1.close();
        await worker.terminate();
    }
}

/** A worker thread for pass 2 (pass2-worker.ts), TypeScript loaded through tsx's hook as pass 1's workers are. */
function startRangeWorker(): Worker {
    const extension = path.extname(__filename);
    const entry = path.join(__dirname, `pass2-worker${extension}`);
    const bootstrap = `${extension === ".ts" ? 'require("tsx/cjs/api").register();\n' : ""}require(${JSON.stringify(entry)});`;
    return new Worker(bootstrap, { eval: true, execArgv: [] });
}
