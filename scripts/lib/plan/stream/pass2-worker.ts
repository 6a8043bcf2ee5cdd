// The entry of pass 2's worker thread (started by emitRuns, pass2.ts): waits for the work, then
// claims and emits runs of records until none is left. It then stays, idle, until emitRuns
// terminates it: a thread that ended by itself could be seen to exit before its last messages
// arrive, which emitRuns would take for a crash.

// First: before anything loads @pulumi/pulumi.
import "../defer-unused-modules";

import { parentPort } from "node:worker_threads";

import { emitClaimedRuns, RunWork } from "./pass2";

if (parentPort === null) {
    throw new Error("pass2-worker.ts is a worker thread's entry; emitRuns starts it");
}
parentPort.once("message", (work: RunWork) => {
    // Listening keeps the thread alive (emitRuns never posts on this port).
    work.port.on("message", () => undefined);
    emitClaimedRuns(work);
});
