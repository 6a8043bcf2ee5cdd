// planFleet's threads: the chunks of tenants they claim in turn (cut by fleet-weights.ts), and the
// worker threads themselves (their entry is fleet-worker.ts).

import { Worker } from "node:worker_threads";

import { Tenant } from "../../../stacks/config/tenant";
import { planSlice, PlanSliceInput, PlanSliceResult } from "./fleet-slice";
import { startModuleWorker } from "./ts-worker";
import { StackOutputsSnapshot } from "./mocks";

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
