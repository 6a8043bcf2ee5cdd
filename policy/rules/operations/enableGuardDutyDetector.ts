// Threat detection is on in every region the platform runs.

import { ofType } from "../graph";
import { Finding, PolicyStack, StackRule } from "../types";
import { isIdleRecoveryStack } from "./recovery";

export const DETECTOR_TYPE = "aws:guardduty/detector:Detector";
export const EVENT_RULE_TYPE = "aws:cloudwatch/eventRule:EventRule";

/** The tag of the findings rule that names the adopted detector (the account's existing one). */
export const ADOPTED_DETECTOR_TAG = "guardduty-detector";

/**
 * The adopted detector's id, when the stack forwards GuardDuty findings through a rule tagged with
 * it (the detector belongs to the account, e.g. an organisation's administrator created it).
 */
export function adoptedDetector(stack: PolicyStack): string | undefined {
    for (const rule of ofType(stack, EVENT_RULE_TYPE)) {
        const tags = (rule.props.tags ?? {}) as Record<string, unknown>;
        const id = tags[ADOPTED_DETECTOR_TAG];
        let pattern: unknown;
        try {
            pattern = typeof rule.props.eventPattern === "string" ? JSON.parse(rule.props.eventPattern) : undefined;
        } catch {
            pattern = undefined;
        }
        const sources = (pattern as { source?: unknown } | undefined)?.source;
        if (typeof id === "string" && /^[0-9a-f]{32}$/.test(id) && Array.isArray(sources) && sources.includes("aws.guardduty")) {
            return id;
        }
    }
    return undefined;
}

function guardDutyFindings(stack: PolicyStack): Finding[] {
    // An idle recovery environment runs nothing to watch; once active it is judged like production.
    if (stack.kind !== "platform" || isIdleRecoveryStack(stack)) {
        return [];
    }
    const detectors = ofType(stack, DETECTOR_TYPE);
    if (detectors.length === 0) {
        if (adoptedDetector(stack) !== undefined) {
            return [];
        }
        return [
            {
                resource: stack.stack,
                message: `no GuardDuty detector (${DETECTOR_TYPE}) in the platform stack's region, and no adopted one (an ${EVENT_RULE_TYPE} on aws.guardduty findings tagged ${ADOPTED_DETECTOR_TAG}=<detector id>)`,
            },
        ];
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
    description:
        "Each platform stack (one per region) has a GuardDuty detector that is not disabled (enable is not false), or adopts the account's existing detector " +
        "(its findings rule on aws.guardduty is tagged guardduty-detector=<32-hex id>). Tenant stacks: not applicable (one detector per account and region, owned or adopted by the platform); an idle platform recovery environment (no server, no database) neither.",
    why: "Compromised credentials, crypto-mining instances and data exfiltration must raise findings in every region that holds tenants, not wait for a customer to notice.",
    enforcement: "mandatory",
    validate: guardDutyFindings,
};
