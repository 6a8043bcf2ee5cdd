// The stack tags every AWS resource carries (stacks/context.ts): who it belongs to, in which mode,
// and that this program manages it.

import { REQUIRED_TAG_KEYS } from "../../../lib/promises/tags";
import { STACK_KINDS } from "../../../lib/modes";
import { ofType } from "../graph";
import { PolicyResource, PolicyStack } from "../types";
import { PROVIDER_TYPE } from "./backups";

export { REQUIRED_TAG_KEYS };

/** Every stack kind, as messages list them. */
export const KINDS_TEXT = STACK_KINDS.join(", ");

export type StackTagKey = (typeof REQUIRED_TAG_KEYS)[number];

/** A provider's `defaultTags.tags` (CrossGuard may hold a provider's nested inputs as JSON text). */
export function defaultTagsOf(provider: PolicyResource): Record<string, unknown> | undefined {
    const raw = provider.props.defaultTags;
    const defaultTags = typeof raw === "string" && raw.startsWith("{") ? (JSON.parse(raw) as unknown) : raw;
    const tags = defaultTags !== null && typeof defaultTags === "object" ? (defaultTags as Record<string, unknown>).tags : undefined;
    return tags !== null && typeof tags === "object" && !Array.isArray(tags) ? (tags as Record<string, unknown>) : undefined;
}

/**
 * The values each stack tag may have: `tenant` the stack's name, `mode` its kind (the providers'
 * where the kind is unknown), `managed-by` what the stack's providers set.
 */
export function expectedStackTags(stack: PolicyStack): Record<StackTagKey, string[]> {
    const fromProviders = (key: StackTagKey): string[] =>
        [...new Set(ofType(stack, PROVIDER_TYPE).map((provider) => defaultTagsOf(provider)?.[key]))].filter((value): value is string => typeof value === "string" && value !== "").sort();
    return {
        tenant: [stack.stack],
        mode: stack.kind !== undefined ? [stack.kind] : fromProviders("mode"),
        "managed-by": fromProviders("managed-by"),
    };
}

export function expectedText(values: readonly string[]): string {
    return values.length === 0 ? "nothing the stack's providers set" : values.map((value) => JSON.stringify(value)).join(" or ");
}
