// Threat detection is on in every region the platform runs.

import { ofType } from "../graph";
import { patternOf, ruleNameOf, targetsOf, topicAdmits } from "../controls/shared";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";
import { recoveryTargetOf } from "../../../lib/platform";
import { DEFAULT_MINIMUM_SEVERITY, findingPatternProblem } from "../../../lib/promises/threat-detection";

export const DETECTOR_TYPE = "aws:guardduty/detector:Detector";
export const EVENT_RULE_TYPE = "aws:cloudwatch/eventRule:EventRule";

/** The tag of the findings rule that names the adopted detector (the account's existing one). */
export const ADOPTED_DETECTOR_TAG = "guardduty-detector";
/** The tag of the findings rule that names the stack owning the adopted detector (lib/guardduty-owner.ts). */
export const DETECTOR_OWNER_TAG = "guardduty-detector-owner";

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
    // Every platform stack, its recovery environment idle or active and its drill copy too: GuardDuty
    // is on in every region the platform uses.
    if (stack.kind !== "platform") {
        return [];
    }
    const detectors = ofType(stack, DETECTOR_TYPE);
    // A drill copy is torn down after the drill: a detector of its own would be deleted with it,
    // turning GuardDuty off in the region and discarding its findings.
    if (recoveryTargetOf(stack.stack)?.kind === "drill" && detectors.length > 0) {
        return detectors.map((detector) => ({
            resource: detector.name,
            message: `a drill copy creates the region's GuardDuty detector, which its teardown would delete (GuardDuty off in the region, findings gone); adopt the region's detector from its owner (an ${EVENT_RULE_TYPE} on aws.guardduty findings tagged ${ADOPTED_DETECTOR_TAG}=<detector id>, ${DETECTOR_OWNER_TAG}=<owner stack>)`,
        }));
    }
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
        return findingsRouted(stack, detectors[0]!.name);
    }
    return detectors.map((detector) => ({ resource: detector.name, message: "enable is false; expected the detector on" }));
}

/** Whether a rule's pattern matches GuardDuty's findings (source aws.guardduty). */
function onGuardDutyFindings(rule: PolicyResource): boolean {
    const sources = patternOf(rule)?.source;
    return Array.isArray(sources) && sources.includes("aws.guardduty");
}

/**
 * The detector's findings reach operations: an enabled EventBridge rule on aws.guardduty with a
 * target that is an SNS topic of the stack whose policy lets that rule publish. A detector nobody
 * hears from detects for nobody.
 */
function findingsRouted(stack: PolicyStack, detectorName: string): Finding[] {
    const routed = ofType(stack, EVENT_RULE_TYPE)
        .filter(onGuardDutyFindings)
        .filter(
            (rule) =>
                rule.props.state !== "DISABLED" &&
                rule.props.isEnabled !== false &&
                targetsOf(stack, rule).some((target) => topicAdmits(stack, target.props.arn, ruleNameOf(rule) ?? "") === "yes"),
        );
    if (routed.length === 0) {
        return [
            {
                resource: detectorName,
                message:
                    `no enabled ${EVENT_RULE_TYPE} on aws.guardduty findings targets an SNS topic of the stack whose policy admits the rule: ` +
                    "its findings (intrusions, compromised credentials) would warn nobody; expected the findings rule to the operations topic",
            },
        ];
    }
    // The rule must pass every finding the program sends (lib/promises/threat-detection.ts): a
    // severity floor above medium, a finding type or another detail-type filters intrusions away.
    const problems = routed.map((rule) => ({ rule, problem: findingPatternProblem(patternOf(rule)) }));
    if (problems.some(({ problem }) => problem === undefined)) {
        return [];
    }
    return problems.map(({ rule, problem }) => ({ resource: rule.name, message: problem! }));
}

export const enableGuardDutyDetector: StackRule = {
    kind: "stack",
    name: "guardduty-detector-enabled",
    description:
        "Each platform stack (one per region) and each platform recovery environment, idle or active, has a GuardDuty detector that is not disabled (enable is not false), or adopts the region's existing detector " +
        "(its findings rule on aws.guardduty is tagged guardduty-detector=<32-hex id>, and guardduty-detector-owner=<stack> when adopted from the region's owner, lib/guardduty-owner.ts). " +
        "A stack that creates its detector sends its findings on: an enabled EventBridge rule on aws.guardduty targets an SNS topic of the stack whose policy admits that rule, " +
        `and its pattern admits every finding the program sends: source aws.guardduty, detail-type (if any) "GuardDuty Finding", detail filtered on severity alone by a numeric range from at most ${DEFAULT_MINIMUM_SEVERITY} (medium) up to 10, no other field. ` +
        "A platform drill copy adopts and never creates one (its teardown would delete it). Tenant stacks: not applicable (one detector per account and region, owned or adopted by the platform). " +
        "That one stack per region creates it is the offline plan's fleet check (CreateDetector refuses a second).",
    why: "Compromised credentials, crypto-mining instances and data exfiltration must raise findings in every region that holds tenants, not wait for a customer to notice.",
    enforcement: "mandatory",
    validate: guardDutyFindings,
};
