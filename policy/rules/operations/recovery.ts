// How the rules tell a recovery environment (the seed's backup environment) from production: by its
// stack name, `<production>-recovery` (kept ready in the off-site region) or `<production>-drill`
// (the yearly drill's isolated copy). The validator reserves both suffixes for tenant ids, so no
// production stack carries one; the name is what both the offline plan and CrossGuard show (the
// provider's `mode` tag is the production mode).

import { DRILL_SUFFIX, RECOVERY_SUFFIX, recoveryTargetOf } from "../../../lib/platform";
import type { PolicyStack } from "../types";

export { DRILL_SUFFIX, RECOVERY_SUFFIX };

/** The kinds of stack that have a recovery environment of their own: the dedicated modes and the platform (which carries saas and dedicated-saas). */
export const RECOVERED_KINDS: readonly string[] = ["physical", "cloud", "vpn", "vpn-sync", "platform"];

/** The recovery environment kept ready for an incident (not the drill's copy). */
export function isRecoveryEnvironment(stack: string): boolean {
    return stack.endsWith(RECOVERY_SUFFIX) && stack.length > RECOVERY_SUFFIX.length;
}

/**
 * The drill's isolated copy (`<production>-drill`, lib/platform.ts recoveryTargetOf kind "drill"):
 * torn down after every drill, so its door, keys and log buckets are disposable, which the
 * retention and deletion-protection rules admit there and nowhere else.
 */
export function isDrillStack(stack: string): boolean {
    return recoveryTargetOf(stack)?.kind === "drill";
}

/** A recovery environment or a drill's copy of one. */
export function isRecoveryStack(stack: string): boolean {
    return isRecoveryEnvironment(stack) || (stack.endsWith(DRILL_SUFFIX) && stack.length > DRILL_SUFFIX.length);
}

/**
 * A recovery environment at rest: no server (EC2 instance) and no database (RDS instance or
 * cluster) yet, only what activation needs ready (keys, network, roles, launch templates, an empty
 * files bucket). It holds no data until `npm run dr` restores into it, so the backup promise has
 * nothing to back up; once active it is judged like production.
 */
export function isIdleRecoveryStack(stack: PolicyStack): boolean {
    return (
        isRecoveryStack(stack.stack) &&
        !stack.resources.some((resource) => ["aws:ec2/instance:Instance", "aws:rds/instance:Instance", "aws:rds/cluster:Cluster"].includes(resource.type))
    );
}
