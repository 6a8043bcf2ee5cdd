// What `npm run dr` acts on: a dedicated tenant or a platform region (whose recovery carries the
// shared app and every saas and dedicated-saas tenant of the region), and the names of its stacks.

import { platformRegionOf } from "../../../lib/platform";
import { REGIONS } from "../../../lib/regions";
import { TENANT_ID, UsageError } from "../cli";

/**
 * The design's stack names (lib/platform.ts gets RECOVERY_SUFFIX and recoveryStackName from the
 * helper building the recovery stacks; these must stay equal to them).
 */
export const RECOVERY_SUFFIX = "-recovery";
export const DRILL_SUFFIX = "-drill";

export interface DrTarget {
    /** The production stack: a tenant id or `platform-<region>`. */
    readonly production: string;
    /** Its recovery environment, in the off-site region: `<production>-recovery`. */
    readonly recovery: string;
    /** The drill's isolated copy of the recovery environment: `<production>-drill`. */
    readonly drill: string;
}

export function drTarget(arg: string): DrTarget {
    const region = platformRegionOf(arg) ?? /^platform-(.+)$/.exec(arg)?.[1];
    if (region !== undefined) {
        if (!REGIONS.includes(region)) {
            throw new UsageError(`"${arg.slice(0, 60)}": ${region.slice(0, 40)} is not an AWS region the platform supports (platform-<region>, e.g. platform-eu-west-1)`);
        }
    } else if (!TENANT_ID.test(arg) || arg.endsWith(RECOVERY_SUFFIX) || arg.endsWith(DRILL_SUFFIX)) {
        throw new UsageError(`"${arg.slice(0, 60)}" is not a target: a dedicated tenant's id or platform-<region> (the production stack, not its -recovery or -drill stack)`);
    }
    return { production: arg, recovery: `${arg}${RECOVERY_SUFFIX}`, drill: `${arg}${DRILL_SUFFIX}` };
}

/** Stacks `dr` may update or destroy: only recovery environments and drill copies, never production. */
export function isChangeableByDr(stack: string): boolean {
    return stack.endsWith(RECOVERY_SUFFIX) || stack.endsWith(DRILL_SUFFIX);
}
