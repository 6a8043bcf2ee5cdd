// The entry of a plan worker thread (started by planFleet): waits for the work, then claims and plans
// chunks of it until none is left, posting each result, or a defect, back. See fleet-threads.ts.

// First: before anything loads @pulumi/pulumi.
import "./defer-unused-modules";

import { parentPort } from "node:worker_threads";

import { ChunkWork, planClaimedChunks } from "./fleet-threads";

if (parentPort === null) {
    throw new Error("fleet-worker.ts is a worker thread's entry; planFleet starts it");
}
const port = parentPort;
port.once("message", (work: ChunkWork) => {
    void planClaimedChunks(work, (message) => port.postMessage(message));
});
