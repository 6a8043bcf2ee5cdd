// The tags every AWS resource of a stack carries (through the provider's default tags): whose it is,
// in which mode, who manages it. The stacks set them; the policy pack checks them.

import { Mode } from "../modes";

/** The tag keys every taggable resource carries (through the provider's default tags). */
export const REQUIRED_TAG_KEYS = ["tenant", "mode", "managed-by"] as const;
export const MANAGED_BY = "pulumi/tenant-platform";

/** The tag that marks the platform's shared application servers; its value is the platform stack's name. */
export const SHARED_SERVERS_TAG_KEY = "PatchGroup";

export function stackTags(tenant: string, mode: Mode | "platform", environment: string): Record<string, string> {
    return { tenant, mode, "managed-by": MANAGED_BY, environment };
}
