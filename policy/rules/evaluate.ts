// Runs rules over a stack and turns their findings into violations, in a stable order (plans are
// diffed and compared byte for byte).

import { ofType } from "./graph";
import { Finding, PolicySettings, PolicyStack, Rule, Violation } from "./types";

export function findingsOf(rule: Rule, stack: PolicyStack, settings: PolicySettings): Finding[] {
    if (rule.kind === "stack") {
        return rule.validate(stack, settings);
    }
    return ofType(stack, ...rule.resourceTypes).flatMap((resource) => rule.validate(resource, stack, settings).map((message) => ({ resource: resource.name, message })));
}

export function evaluate(stack: PolicyStack, settings: PolicySettings, rules: readonly Rule[]): Violation[] {
    return sortViolations(rules.flatMap((rule) => findingsOf(rule, stack, settings).map((finding) => ({ policy: rule.name, resource: finding.resource, message: finding.message, enforcement: rule.enforcement }))));
}

/** Violations in the order every report gives them: by policy, resource, message. */
export function sortViolations(violations: Violation[]): Violation[] {
    return violations.sort((a, b) => a.policy.localeCompare(b.policy) || a.resource.localeCompare(b.resource) || a.message.localeCompare(b.message));
}

export function hasMandatory(violations: readonly Violation[]): boolean {
    return violations.some((violation) => violation.enforcement === "mandatory");
}
