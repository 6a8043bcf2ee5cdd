// The entry of a plan worker thread (started by planFleet): waits for the slice of tenants it is to
// plan, plans it and posts the result, or the failure, back. See fleet.ts.

import { parentPort } from "node:worker_threads";

import { PlanSliceInput, planSlice, SliceMessage } from "./fleet";

if (parentPort === null) {
    throw new Error("fleet-worker.ts is a worker thread's entry; planFleet starts it");
}
const port = parentPort;
port.once("message", (input: PlanSliceInput) => {
    planSlice(input).then(
        (result) => port.postMessage({ result } satisfies SliceMessage),
        (error: unknown) =>
            port.postMessage({
                failure: { message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined },
            } satisfies SliceMessage),
    );
});
