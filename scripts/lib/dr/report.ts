// The Markdown report of a `dr` run: what ran, when, how long, the recovery points restored, and
// the time to active against the two-hour promise: the record an operations lead signs, and the
// drill's proof for the yearly audit.

import type { Step } from "./context";
import { formatDuration, RECOVERY_TIME_PROMISE_MINUTES, RECOVERY_TIME_PROMISE_MS } from "./promise";
import type { RunState } from "./run-file";
import { activeAt } from "./runner";

/** The step whose end makes the environment active, per operation (failback has no promise). */
export const ACTIVE_AFTER: Readonly<Record<RunState["operation"], string | undefined>> = { activate: "redirect", drill: "check", failback: undefined };

export interface PromiseVerdict {
    readonly activeAt?: Date;
    readonly elapsedMs?: number;
    readonly kept?: boolean;
}

/** Time from the collapse (--since) to active; `kept` is false once the two hours passed, even before active. */
export function verdict(state: RunState, now: Date): PromiseVerdict {
    const step = ACTIVE_AFTER[state.operation];
    if (step === undefined) return {};
    const since = Date.parse(state.since);
    const active = activeAt(state, step);
    if (active) {
        const elapsedMs = active.getTime() - since;
        return { activeAt: active, elapsedMs, kept: elapsedMs <= RECOVERY_TIME_PROMISE_MS };
    }
    const elapsedMs = now.getTime() - since;
    return elapsedMs > RECOVERY_TIME_PROMISE_MS ? { elapsedMs, kept: false } : { elapsedMs };
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function duration(start?: string, end?: string): string {
    return start && end ? formatDuration(Date.parse(end) - Date.parse(start)) : "";
}

export function renderReport(state: RunState, steps: readonly Step[], now: Date): string {
    const result = verdict(state, now);
    const lines = [`# Disaster recovery: ${state.operation} ${state.target}`, "", "| | |", "|---|---|"];
    lines.push(`| Run | \`${state.runId}\` (run file .dr/${state.target}/${state.runId}.json) |`);
    lines.push(`| Collapse (counted from) | ${state.since} |`);
    lines.push(`| Started | ${state.startedAt} |`);
    lines.push(`| Ended | ${state.finishedAt ?? "not finished"} |`);
    lines.push(`| Outcome | ${state.outcome === "completed" ? "completed" : state.outcome === undefined ? "in progress" : `**${state.outcome}** at step ${state.steps.find((s) => s.status === "failed")?.name ?? "?"}`} |`);
    if (state.force) lines.push("| --force | yes (a refusal was overridden: see the steps) |");
    if (ACTIVE_AFTER[state.operation] !== undefined) {
        const promise = `${RECOVERY_TIME_PROMISE_MINUTES / 60} h promise`;
        const text =
            result.activeAt !== undefined
                ? `${formatDuration(result.elapsedMs!)} (active ${result.activeAt.toISOString()}): ${result.kept ? `within the ${promise}` : `**BREACHED**: ${formatDuration(result.elapsedMs! - RECOVERY_TIME_PROMISE_MS)} over the ${promise}`}`
                : result.kept === false
                  ? `not active after ${formatDuration(result.elapsedMs!)}: **BREACHED** (${promise})`
                  : `not active yet (${formatDuration(result.elapsedMs ?? 0)} since the collapse; ${promise})`;
        lines.push(`| Time to active | ${text} |`);
    }
    lines.push("", "## Steps", "", "| # | Step | Started | Ended | Took | Result |", "|---|---|---|---|---|---|");
    steps.forEach((step, index) => {
        const record = state.steps.find((candidate) => candidate.name === step.name);
        const unchecked = record?.detail.checked === false ? ": NOT checked by dr (--force: the operator confirmed the canary by hand)" : "";
        const outcome = record === undefined ? "not run" : record.status === "failed" ? `failed: ${record.error ?? ""}` : `${record.status}${unchecked}`;
        lines.push(`| ${index + 1} | ${cell(`${step.name}: ${step.title}`)} | ${record?.startedAt ?? ""} | ${record?.endedAt ?? ""} | ${duration(record?.startedAt, record?.endedAt)} | ${cell(outcome)} |`);
    });
    const restored = state.steps.find((record) => record.name === "restore")?.detail.points as Record<string, { arn: string; createdAt: string; ageMinutes: number; stale: boolean }> | undefined;
    if (restored) {
        lines.push("", "## Recovery points restored", "", "| Resource | Recovery point | Created | Age at restore |", "|---|---|---|---|");
        for (const [resource, point] of Object.entries(restored)) {
            lines.push(`| ${resource} | \`${point.arn}\` | ${point.createdAt} | ${formatDuration(point.ageMinutes * 60_000)}${point.stale ? " (older than the promise, --force)" : ""} |`);
        }
    }
    const failed = state.steps.find((record) => record.status === "failed");
    if (failed && state.outcome !== "refused") {
        lines.push("", "## Next", "", `Fix what step ${failed.name} says, then: \`npm run dr -- ${state.operation} ${state.target} --resume\` (the steps done are not run again).`);
    }
    return `${lines.join("\n")}\n`;
}
