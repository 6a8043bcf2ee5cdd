// Runs rules over a stack and turns their findings into violations, in a stable order (plans are
// diffed and compared byte for byte).

import { ofType } from "./graph";
import { Finding, PolicySettings, PolicyStack, Rule, Violation } from "./types";

/** A finding that says the rule could not read what it judges: mandatory whatever the rule's enforcement. */
interface UnjudgedFinding extends Finding {
    readonly unjudged: true;
}

/**
 * A rule that throws a TypeError met a value of a shape no plan the program prints has (a hand-edited
 * document, or another tool's: `parameters: 0`, `rules: [null]`): what it would judge is then
 * unknown, which fails closed, as a mandatory violation on the resource (or stack) it was reading.
 */
function unjudged(resource: string, error: unknown): UnjudgedFinding[] {
    if (!(error instanceof TypeError)) {
        throw error;
    }
    const reason = `${error.message}`.slice(0, 160);
    return [{ resource, message: `cannot be judged: it holds a value of a shape this rule cannot read (${reason}); the program's plans never do, so the document was edited or written by another tool`, unjudged: true }];
}

export function findingsOf(rule: Rule, stack: PolicyStack, settings: PolicySettings): Finding[] {
    if (rule.kind === "stack") {
        try {
            return rule.validate(stack, settings);
        } catch (error) {
            return unjudged(stack.stack, error);
        }
    }
    return ofType(stack, ...rule.resourceTypes).flatMap((resource) => {
        try {
            return rule.validate(resource, stack, settings).map((message) => ({ resource: resource.name, message }));
        } catch (error) {
            return unjudged(resource.name, error);
        }
    });
}

export function evaluate(stack: PolicyStack, settings: PolicySettings, rules: readonly Rule[]): Violation[] {
    return sortViolations(
        rules.flatMap((rule) =>
            findingsOf(rule, stack, settings).map((finding) => ({
                policy: rule.name,
                resource: finding.resource,
                message: finding.message,
                enforcement: (finding as Partial<UnjudgedFinding>).unjudged ? "mandatory" : rule.enforcement,
            })),
        ),
    );
}

/** Violations in the order every report gives them: by policy, resource, message. */
export function sortViolations(violations: Violation[]): Violation[] {
    return violations.sort((a, b) => a.policy.localeCompare(b.policy) || a.resource.localeCompare(b.resource) || a.message.localeCompare(b.message));
}

export function hasMandatory(violations: readonly Violation[]): boolean {
    return violations.some((violation) => violation.enforcement === "mandatory");
}
