// `npm run policy` on a plan document read stack by stack (scripts/policy.ts), on every core: once
// the fleet's facts are read (a first pass, on this thread), the stacks are cut into runs of
// consecutive index entries that this thread and a worker thread (policy-worker.ts) claim in turn,
// judging each stack by every rule; this thread writes the results in order (pass2.ts runsInOrder),
// so the output is byte for byte what one thread writes. The CI's fleet job runs it on the merged
// plan after `plan merge`: at 10,000 tenants, 31-50 s on one thread. How many threads: as pass 2
// (pass2Threads).

import { Worker } from "node:worker_threads";

import { RULES, Violation } from "../../../../policy/rules";
import { evaluate } from "../../../../policy/rules/evaluate";
import { PlannedStack, PolicyFleet, settingsFromFleet, stackFromPlan } from "../../../../policy/rules/from-plan";
import { stackText } from "./document";
import { RANGE_BYTES, startFleetWorker } from "./pass2";
import { StackedPlan } from "./read";
import { BaseEntry, readBaseStack } from "./record";
import { isOffboardingStack } from "../../../../lib/plan-document";

/** The fields the contract always has; a hand-edited plan may leave them out. */
export function withDefaults(plan: PlannedStack): PlannedStack {
    return { ...plan, resources: plan.resources.map((resource) => ({ ...resource, parent: resource.parent ?? null, protect: resource.protect ?? false, retainOnDelete: resource.retainOnDelete ?? false })) };
}

export interface CheckedStack {
    readonly tenant: string;
    readonly mode: string;
    readonly violations: readonly Violation[];
}

/** One stack's lines of the readable report. */
export function stackLines(plan: CheckedStack): string[] {
    return [
        `${plan.tenant} (${plan.mode}): ${plan.violations.length === 0 ? "no violation" : `${plan.violations.length} violation(s)`}`,
        ...plan.violations.map((violation) => `  [${violation.enforcement}] ${violation.policy} on ${violation.resource}: ${violation.message}`),
    ];
}

export const mandatoryCount = (violations: readonly Violation[]): number => violations.filter((violation) => violation.enforcement === "mandatory").length;

/** Consecutive stacks of a plan document: the index entries of one run. */
export interface PolicyRun {
    readonly file: string;
    readonly entries: readonly BaseEntry[];
}

/** What every stack is judged and written with: plain data, the same in every thread. */
export interface PolicyRunContext {
    readonly fleet: PolicyFleet;
    /** The day the calendar rules judge, as an ISO timestamp. */
    readonly today: string;
    /** The document with each stack's violations (--json), else the readable report's lines. */
    readonly json: boolean;
}

/** What one stack adds to the output, and to the totals. */
export interface CheckedText {
    readonly text: string;
    readonly mandatory: number;
    readonly all: number;
}

/** Thrown where a stack no longer parses: the file changed since its first pass read it. */
export class PlanChangedError extends Error {}

/** A stack judged by every rule, as the policy command writes it. */
export function checkStack(value: PlannedStack, context: PolicyRunContext, today: Date): CheckedText {
    const stack = withDefaults(value);
    // A stack on its way out deploys nothing (scripts/lib/plan/policy.ts withViolations).
    const violations = isOffboardingStack(stack) ? [] : evaluate(stackFromPlan(stack), settingsFromFleet(stack, context.fleet, today), RULES);
    return {
        text: context.json ? stackText({ ...stack, violations }) : `${stackLines({ tenant: stack.tenant, mode: stack.mode, violations }).join("\n")}\n`,
        mandatory: mandatoryCount(violations),
        all: violations.length,
    };
}

/** Every stack of a run, read, judged and written. */
export function checkRun(run: PolicyRun, context: PolicyRunContext, today: Date = new Date(context.today)): CheckedText[] {
    return run.entries.map((entry) => {
        let stack: PlannedStack;
        try {
            stack = readBaseStack(run.file, entry) as unknown as PlannedStack;
        } catch (error) {
            throw error instanceof SyntaxError ? new PlanChangedError(`${run.file} changed while it was read`) : error;
        }
        return checkStack(stack, context, today);
    });
}

/** The document's stacks in runs of consecutive stacks, each closed once it holds `bytes` or more. */
export function policyRuns(plan: StackedPlan, bytes: number = RANGE_BYTES): PolicyRun[] {
    const runs: PolicyRun[] = [];
    let entries: BaseEntry[] = [];
    let size = 0;
    for (const entry of plan.stacks) {
        entries.push(entry);
        size += entry[2];
        if (size >= bytes) {
            runs.push({ file: plan.file, entries });
            entries = [];
            size = 0;
        }
    }
    if (entries.length > 0) {
        runs.push({ file: plan.file, entries });
    }
    return runs;
}

/** The worker thread (policy-worker.ts), its heap capped as pass 2's is (workerLimits). */
export function startPolicyWorker(context: PolicyRunContext): Worker {
    return startFleetWorker("policy-worker", context.fleet);
}
