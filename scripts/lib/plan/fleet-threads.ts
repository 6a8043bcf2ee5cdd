// planFleet's threads: how many the fleet repays, the chunks of tenants they claim in turn, and the
// worker threads themselves (their entry is fleet-worker.ts).

import * as os from "node:os";
import { Worker } from "node:worker_threads";

import { Mode } from "../../../lib/modes";
import { Tenant } from "../../../stacks/config/tenant";
import { planSlice, PlanSliceInput, PlanSliceResult } from "./fleet-slice";
import { startModuleWorker } from "./ts-worker";
import { StackOutputsSnapshot } from "./mocks";

/**
 * Roughly how many resources a tenant of each mode registers (measured on the benchmark fleet), to
 * give each thread an equal share of the work rather than an equal number of tenants.
 */
export const PLAN_WEIGHT: Readonly<Record<Mode, number>> = {
    saas: 6,
    "dedicated-saas": 75,
    physical: 157,
    cloud: 138,
    vpn: 147,
    "vpn-sync": 149,
};

/**
 * How much cheaper a tenant read from the plan cache is than one planned: its stacks' JSON parsed,
 * judged by the stack rules and costed, against the program run under Pulumi's runtime. Measured on
 * the bench fleet (10,000 tenants, 2 threads): pass 1 took about 20 s from the cache and 145-165 s
 * planned, so about 8 times.
 */
export const CACHE_READ_SPEEDUP = 8;

/**
 * The weight of a tenant in a chunk: what planning it costs, or reading it from the plan cache.
 * Weighed as 1 each, cached tenants made chunks of a thousand tenants (12 for 10,000), which a
 * thread read seconds on end, holding their records, without letting the other thread's in: the
 * 10,000-tenant incremental plan peaked at 2.0 GiB.
 */
export function chunkWeightOf(mode: Mode, cached: boolean): number {
    return cached ? Math.ceil(PLAN_WEIGHT[mode] / CACHE_READ_SPEEDUP) : PLAN_WEIGHT[mode];
}

/**
 * A thread pays about 2 s loading the program before it plans anything, the cost of planning some
 * 5,000 resources; below that a thread of its own does not pay for itself.
 */
export const WEIGHT_PER_THREAD = 5_000;

/** The threads worth using for these tenants on this machine. */
export function planThreads(tenants: readonly Tenant[], cores: number = os.availableParallelism()): number {
    const weight = tenants.reduce((sum, tenant) => sum + PLAN_WEIGHT[tenant.mode], 0);
    return Math.max(1, Math.min(cores, Math.floor(weight / WEIGHT_PER_THREAD)));
}

/**
 * The weight of one unit of work that the threads claim in turn (a few dozen tenants): small
 * enough that the threads finish together whatever each one's start or speed, large enough that
 * claiming and posting back cost nothing next to planning.
 */
export const CHUNK_WEIGHT = 1_000;

/**
 * Cuts tenants (in plan order) into consecutive chunks of about `weight` each, so that
 * concatenating the chunks' results in order gives exactly the order of a plan in one thread.
 */
export function chunkByWeight<T extends { readonly mode: Mode }>(tenants: readonly T[], weight: number = CHUNK_WEIGHT, weightOf: (tenant: T) => number = (tenant) => PLAN_WEIGHT[tenant.mode]): T[][] {
    const chunks: T[][] = [];
    let current: T[] = [];
    let sum = 0;
    for (const tenant of tenants) {
        current.push(tenant);
        sum += weightOf(tenant);
        if (sum >= weight) {
            chunks.push(current);
            current = [];
            sum = 0;
        }
    }
    if (current.length > 0) {
        chunks.push(current);
    }
    return chunks;
}

/** What every thread is given once: all the chunks, and the counter through which they claim them. */
export interface ChunkWork {
    readonly chunks: readonly (readonly Tenant[])[];
    readonly config: Readonly<Record<string, string>>;
    readonly stackOutputs: ReadonlyArray<readonly [string, StackOutputsSnapshot]>;
    /** An Int32 counter shared by the threads: the index of the next chunk nobody has claimed. */
    readonly claims: SharedArrayBuffer;
    /** PlanStackOptions.patchInternals, as decided once at the start of the plan. */
    readonly patchInternals: boolean;
    /** PlanSliceInput.records: each chunk's stacks handed back as records. */
    readonly records?: PlanSliceInput["records"];
}

/** What a worker thread posts back: each chunk it planned, a defect, or that it is done. */
export type ChunkMessage =
    | { readonly chunk: number; readonly result: PlanSliceResult }
    | { readonly chunk: number; readonly failure: { readonly message: string; readonly stack?: string } }
    | { readonly done: true };

/**
 * Claims chunks until none is left, planning each and handing it to `report`; stops at the first
 * defect (reported with its chunk), as one thread planning in order would. Between chunks it lets
 * the event loop turn: on the thread that writes the plan, the other threads' chunks arrive as
 * messages, and a chunk read from the plan cache never waits on anything that would let them in,
 * so without the turn they queued until this thread ran out of chunks.
 */
export async function planClaimedChunks(work: ChunkWork, report: (message: ChunkMessage) => void): Promise<void> {
    const claims = new Int32Array(work.claims);
    for (let chunk = Atomics.add(claims, 0, 1); chunk < work.chunks.length; chunk = Atomics.add(claims, 0, 1)) {
        try {
            report({ chunk, result: await planSlice({ tenants: work.chunks[chunk]!, config: work.config, stackOutputs: work.stackOutputs, patchInternals: work.patchInternals, ...(work.records ? { records: work.records } : {}) }) });
        } catch (error) {
            report({ chunk, failure: { message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined } });
            break;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
    }
    report({ done: true });
}

/**
 * Starts a worker thread: a fresh Pulumi runtime of its own (the runtime is per-thread state like
 * any module's), the program loaded again there, which takes it about 2 s, meanwhile this thread
 * plans the platforms; it then claims chunks like this thread does. TypeScript sources are loaded
 * through tsx's require hook, whatever the parent runs under (tsx, vitest, plain node).
 */
export function startChunkWorker(report: (message: ChunkMessage) => void): { worker: Worker; start(work: ChunkWork): void; finished: Promise<void> } {
    const worker = startModuleWorker(__dirname, "fleet-worker", __filename);
    const finished = new Promise<void>((resolve, reject) => {
        worker.on("message", (message: ChunkMessage) => {
            report(message);
            if ("done" in message) {
                resolve();
            }
        });
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`a plan worker thread exited with code ${code} before it was done`)));
    });
    // Until the work is sent nobody awaits the outcome; a failure then is reported through `finished`.
    finished.catch(() => undefined);
    return { worker, start: (work) => worker.postMessage(work), finished };
}
