// The policy rules over a plan document: each stack gains `violations`, and a mandatory one makes
// the plan (and `npm run policy`) exit 3.

import { evaluate, hasMandatory, RULES, Rule, Violation } from "../../../policy/rules";
import { isOffboardingStack } from "../../../lib/plan-document";
import { PlannedStack, settingsFor, stackFromPlan } from "../../../policy/rules/from-plan";

/** A plan document as far as the rules read it (the plan contract). */
export interface PolicyDocument<T extends PlannedStack = PlannedStack> {
    readonly tenants: readonly T[];
}

export type WithViolations<T> = T & { readonly violations: Violation[] };

/** The document with every stack's violations, in the stacks' order. */
export function withViolations<D extends PolicyDocument>(
    document: D,
    rules: readonly Rule[] = RULES,
): Omit<D, "tenants"> & { tenants: WithViolations<D["tenants"][number]>[] } {
    return {
        ...document,
        // A stack on its way out (`offboarding`, status: offboarding) deploys nothing: the rules
        // judge what a stack runs, and an emptied stack would fail them for what it no longer has.
        tenants: document.tenants.map((plan) => ({ ...plan, violations: isOffboardingStack(plan) ? [] : evaluate(stackFromPlan(plan), settingsFor(plan, document), rules) })),
    };
}

/** Exit code of a checked plan: 1 when a file was invalid, else 3 when a mandatory policy is violated. */
export function planExitCode(document: { readonly errors: readonly unknown[]; readonly tenants: readonly { readonly violations?: readonly Violation[] }[] }): number {
    if (document.errors.length > 0) {
        return 1;
    }
    return document.tenants.some((plan) => hasMandatory(plan.violations ?? [])) ? 3 : 0;
}
