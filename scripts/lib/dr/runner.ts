// Runs the steps of an operation in order: each timed, logged, its result saved in the run file
// before the next starts; a step already done in an earlier attempt is skipped, a failed or
// interrupted one runs again with what it saved. The two-hour promise is watched as it goes.

import { DrContext, Refusal, Step } from "./context";
import { RECOVERY_TIME_PROMISE_MS } from "./promise";
import type { RunState, StepRecord } from "./run-file";

export interface RunOutcome {
    readonly ok: boolean;
    readonly failedStep?: string;
    readonly error?: string;
    readonly refused?: boolean;
}

export async function runSteps(ctx: DrContext, steps: readonly Step[], persist: (state: RunState) => void): Promise<RunOutcome> {
    const state = ctx.state;
    const deadline = new Date(state.since).getTime() + RECOVERY_TIME_PROMISE_MS;
    let warned = false;
    for (const [index, step] of steps.entries()) {
        const log = ctx.log.child({ step: step.name });
        const existing = state.steps.find((record) => record.name === step.name);
        if (existing?.status === "done") {
            log.info({ event: "step-skipped" }, `step ${index + 1}/${steps.length} ${step.name}: already done in this run`);
            continue;
        }
        const record: StepRecord = existing ?? { name: step.name, status: "running", startedAt: ctx.now().toISOString(), detail: {} };
        if (existing === undefined) {
            state.steps.push(record);
        }
        const previous = record.status === "failed" || record.status === "running" ? record.detail : {};
        record.status = "running";
        record.startedAt = ctx.now().toISOString();
        delete record.error;
        delete record.endedAt;
        persist(state);
        log.info({ event: "step-start" }, `step ${index + 1}/${steps.length} ${step.name}: ${step.title}`);
        try {
            record.detail = await step.run(ctx, previous, (detail) => {
                record.detail = detail;
                persist(state);
            });
            record.status = "done";
            record.endedAt = ctx.now().toISOString();
            const seconds = Math.round((Date.parse(record.endedAt) - Date.parse(record.startedAt)) / 1000);
            log.info({ event: "step-done", seconds }, `step ${index + 1}/${steps.length} ${step.name} done in ${seconds} s`);
        } catch (error) {
            record.status = "failed";
            record.endedAt = ctx.now().toISOString();
            record.error = (error as Error).message;
            state.outcome = error instanceof Refusal ? "refused" : "failed";
            persist(state);
            log.error({ event: "step-failed", error: record.error }, `step ${step.name} failed: ${record.error}`);
            return { ok: false, failedStep: step.name, error: record.error, refused: error instanceof Refusal };
        }
        if (!warned && ctx.now().getTime() > deadline) {
            warned = true;
            log.error({ event: "promise-breached", since: state.since }, "the two-hour recovery promise is breached; carry on and record why");
        }
        persist(state);
    }
    state.outcome = "completed";
    state.finishedAt = ctx.now().toISOString();
    persist(state);
    return { ok: true };
}

/** When the environment counted as active: the end of `step` in this run, if it is done. */
export function activeAt(state: RunState, step: string): Date | undefined {
    const record = state.steps.find((candidate) => candidate.name === step && candidate.status === "done");
    return record?.endedAt ? new Date(record.endedAt) : undefined;
}
