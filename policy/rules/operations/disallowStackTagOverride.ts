// A resource's own tags cannot contradict the stack tags its provider gives it.

import { Finding, PolicyStack, StackRule } from "../types";
import { PROVIDER_TYPE } from "./backups";
import { expectedStackTags, expectedText, REQUIRED_TAG_KEYS } from "./tags";

function record(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function tagOverrideFindings(stack: PolicyStack): Finding[] {
    const expected = expectedStackTags(stack);
    return stack.resources
        .filter((resource) => resource.type !== PROVIDER_TYPE)
        .flatMap((resource) => {
            const messages: string[] = [];
            const tags = record(resource.props.tags);
            // tagsAll (CrossGuard state) is what AWS holds: the provider's tags merged with the resource's.
            const tagsAll = record(resource.props.tagsAll);
            for (const key of REQUIRED_TAG_KEYS) {
                const allowed = expected[key];
                const own = tags?.[key];
                if (own !== undefined && own !== null && !allowed.includes(own as string)) {
                    messages.push(`tags.${key} is ${JSON.stringify(own)}, overriding the stack's ${expectedText(allowed)}`);
                }
                if (tagsAll !== undefined) {
                    const merged = tagsAll[key];
                    if (merged === undefined || merged === null || merged === "") {
                        messages.push(`tagsAll.${key} is missing; expected ${expectedText(allowed)}`);
                    } else if (!allowed.includes(merged as string)) {
                        messages.push(`tagsAll.${key} is ${JSON.stringify(merged)}; expected ${expectedText(allowed)}`);
                    }
                }
            }
            return messages.map((message) => ({ resource: resource.name, message }));
        });
}

export const disallowStackTagOverride: StackRule = {
    kind: "stack",
    name: "aws-resource-stack-tags",
    description:
        "No resource's own tags set tenant, mode or managed-by to another value than the stack's (tenant the stack's name, mode its kind, managed-by its providers' value); " +
        "where a resource's tagsAll is known (CrossGuard), it carries all three with those values.",
    why:
        "The stack tags decide whose bill a resource is on, which tenant's access policies and incident runbooks apply to it and what offboarding deletes: one resource " +
        "tagged as another tenant's, or as unmanaged, escapes all of them.",
    enforcement: "mandatory",
    validate: tagOverrideFindings,
};
