// Which platform stacks hold their region's singletons (lib/guardduty-owner.ts): the production
// platform of a region always; a platform recovery environment when it owns the region's GuardDuty
// detector (it creates it: the program makes the same choice for the detector and the rest, in
// stacks/recovery-guardduty.ts); never a drill copy (its teardown would take them). A recovery
// environment that adopts the detector from its owner is not the owner: that stack is judged. The
// plan's own fleet is no guide here: a partial plan lacks the platforms the program chose among.

import { recoveryTargetOf } from "../../../lib/platform";
import { ofType } from "../graph";
import { PolicySettings, PolicyStack } from "../types";

const DETECTOR = "aws:guardduty/detector:Detector";

/** Whether the stack is its region's owner, which must hold the region's controls. */
export function ownsRegion(stack: PolicyStack, _settings?: PolicySettings): boolean {
    if (stack.kind !== "platform") {
        return false;
    }
    const target = recoveryTargetOf(stack.stack);
    if (target === undefined) {
        return true;
    }
    return target.kind === "recovery" && ofType(stack, DETECTOR).length > 0;
}

/** Who must hold the controls, in the rules' descriptions. */
export const OWNER_SCOPE =
    "Applies to each region's owner (lib/guardduty-owner.ts): every production platform stack, and the platform recovery environment that creates the region's GuardDuty detector (a region without a production platform); drill copies, recovery environments adopting the detector from its owner, and tenant stacks: not applicable.";
