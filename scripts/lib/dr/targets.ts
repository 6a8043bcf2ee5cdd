// What `npm run dr` acts on: a dedicated tenant or a platform region (whose recovery carries the
// shared app and every saas and dedicated-saas tenant of the region), and the names of its stacks.

import { DRILL_SUFFIX, drillStackName, platformRegionOf, RECOVERY_SUFFIX, recoveryStackName, reservedSuffixOf } from "../../../lib/platform";
import { REGIONS } from "../../../lib/regions";
import { TENANT_ID, UsageError } from "../cli";

/** The stack names, as the stacks define them (lib/platform.ts). */
export { DRILL_SUFFIX, RECOVERY_SUFFIX };

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
    } else if (!TENANT_ID.test(arg) || reservedSuffixOf(arg) !== undefined) {
        throw new UsageError(`"${arg.slice(0, 60)}" is not a target: a dedicated tenant's id or platform-<region> (the production stack, not its -recovery or -drill stack)`);
    }
    return { production: arg, recovery: recoveryStackName(arg), drill: drillStackName(arg) };
}

/** Stacks `dr` may update or destroy: only recovery environments and drill copies, never production. */
export function isChangeableByDr(stack: string): boolean {
    return reservedSuffixOf(stack) !== undefined;
}
