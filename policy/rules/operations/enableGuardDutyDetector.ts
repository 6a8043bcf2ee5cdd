// Threat detection is on in every region the platform runs.

import { ofType } from "../graph";
import { Finding, PolicyStack, StackRule } from "../types";

export const DETECTOR_TYPE = "aws:guardduty/detector:Detector";

function guardDutyFindings(stack: PolicyStack): Finding[] {
    if (stack.kind !== "platform") {
        return [];
    }
    const detectors = ofType(stack, DETECTOR_TYPE);
    if (detectors.length === 0) {
        return [{ resource: stack.stack, message: `no GuardDuty detector (${DETECTOR_TYPE}) in the platform stack's region` }];
    }
    // `enable` defaults to true.
    if (detectors.some((detector) => detector.props.enable !== false)) {
        return [];
    }
    return detectors.map((detector) => ({ resource: detector.name, message: "enable is false; expected the detector on" }));
}

export const enableGuardDutyDetector: StackRule = {
    kind: "stack",
    name: "guardduty-detector-enabled",
    description: "Each platform stack (one per region) has a GuardDuty detector that is not disabled (enable is not false). Tenant stacks: not applicable (one detector per account and region, owned by the platform).",
    why: "Compromised credentials, crypto-mining instances and data exfiltration must raise findings in every region that holds tenants, not wait for a customer to notice.",
    enforcement: "mandatory",
    validate: guardDutyFindings,
};
