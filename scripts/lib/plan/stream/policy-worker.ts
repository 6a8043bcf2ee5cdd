// The entry of the policy command's worker thread (started by scripts/policy.ts through
// policy-runs.ts): waits for the work, then claims and judges runs of stacks until none is left,
// and stays, idle, until terminated (as pass2-worker.ts, for the same reason).

// First: before anything loads @pulumi/pulumi.
import "../defer-unused-modules";

import { parentPort } from "node:worker_threads";

import { claimRuns, RunWork } from "./pass2";
import { checkRun, PolicyRun, PolicyRunContext } from "./policy-runs";

if (parentPort === null) {
    throw new Error("policy-worker.ts is a worker thread's entry; the policy command starts it");
}
parentPort.once("message", (work: RunWork<PolicyRun, PolicyRunContext>) => {
    // Listening keeps the thread alive (the policy command never posts on this port).
    work.port.on("message", () => undefined);
    const today = new Date(work.context.today);
    claimRuns(work, (run: PolicyRun) => checkRun(run, work.context, today));
});
