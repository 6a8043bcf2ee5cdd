// The entry of pass 2's worker thread (started by emitSpill, pass2.ts): waits for the work, then
// claims and emits ranges of the spill until none is left.

import { parentPort } from "node:worker_threads";

import { emitClaimedRanges, RangeWork } from "./pass2";

if (parentPort === null) {
    throw new Error("pass2-worker.ts is a worker thread's entry; emitSpill starts it");
}
parentPort.once("message", (work: RangeWork) => {
    emitClaimedRanges(work);
    work.port.close();
});
