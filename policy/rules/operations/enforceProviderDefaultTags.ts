// The provider tags every resource of the stack: the one place the stack tags are set.

import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { PROVIDER_TYPE } from "./backups";
import { defaultTagsOf, KINDS_TEXT, REQUIRED_TAG_KEYS } from "./tags";

function providerTagProblems(provider: PolicyResource, stack: PolicyStack): string[] {
    const tags = defaultTagsOf(provider);
    if (tags === undefined) {
        return [`has no defaultTags.tags; expected ${REQUIRED_TAG_KEYS.join(", ")} on every resource it creates`];
    }
    const problems: string[] = [];
    for (const key of REQUIRED_TAG_KEYS) {
        const value = tags[key];
        if (typeof value !== "string" || value.trim() === "") {
            problems.push(`defaultTags.tags.${key} is missing or empty`);
        }
    }
    const { tenant, mode } = tags;
    if (typeof tenant === "string" && tenant.trim() !== "" && tenant !== stack.stack) {
        problems.push(`defaultTags.tags.tenant is ${JSON.stringify(tenant)}; expected ${JSON.stringify(stack.stack)}, the stack's name`);
    }
    if (typeof mode === "string" && mode.trim() !== "") {
        if (stack.kind === undefined) {
            problems.push(`defaultTags.tags.mode is ${JSON.stringify(mode)}, and the stack's kind is unknown; expected one of ${KINDS_TEXT}`);
        } else if (mode !== stack.kind) {
            problems.push(`defaultTags.tags.mode is ${JSON.stringify(mode)}; expected ${JSON.stringify(stack.kind)}, the stack's kind`);
        }
    }
    return problems;
}

export const enforceProviderDefaultTags: ResourceRule = {
    kind: "resource",
    name: "aws-provider-default-tags",
    description:
        "Every AWS provider of the stack has defaultTags.tags with non-empty tenant, mode and managed-by; tenant is the stack's name and mode the stack's kind.",
    why:
        "Every AWS resource is created through an explicit provider, so its default tags are what tell cost reports, access policies, incident responders and " +
        "offboarding which tenant and mode a resource serves and that this program owns it.",
    enforcement: "mandatory",
    resourceTypes: [PROVIDER_TYPE],
    validate: providerTagProblems,
};
