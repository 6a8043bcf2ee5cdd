// The entry of pass 2's worker thread (started by emitRuns, pass2.ts): waits for the work, then
// claims and emits runs of records until none is left.

import { parentPort } from "node:worker_threads";

import { emitClaimedRuns, RunWork } from "./pass2";

if (parentPort === null) {
    throw new Error("pass2-worker.ts is a worker thread's entry; emitRuns starts it");
}
parentPort.once("message", (work: RunWork) => {
    emitClaimedRuns(work);
    work.port.close();
});
