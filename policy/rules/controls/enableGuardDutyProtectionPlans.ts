// Intrusion detection as the program sets it (components/threat-detection.ts, defaults in
// lib/promises/threat-detection.ts): the detector a region's owner creates watches S3 data events
// and RDS logins, and re-publishes a finding's updates every fifteen minutes. EBS malware protection,
// promised in every region, is guardduty-detector-malware-protection's.

import { ofType } from "../graph";
import { DETECTOR_OWNER_TAG, DETECTOR_TYPE, EVENT_RULE_TYPE } from "../operations/enableGuardDutyDetector";
import { Finding, PolicySettings, PolicyStack, StackRule } from "../types";
import { DETECTOR_FEATURE_TYPE, MALWARE_PROTECTION } from "./enableGuardDutyMalwareProtection";
import { OWNER_SCOPE, ownsRegion } from "./regionOwner";
import { DEFAULT_FINDING_PUBLISHING_FREQUENCY, DEFAULT_GUARDDUTY_FEATURES } from "../../../lib/promises/threat-detection";

/** What each plan (other than malware protection) lets GuardDuty see, for the messages. */
const WATCHES: Record<string, string> = {
    S3_DATA_EVENTS: "object-level access to the S3 buckets (data exfiltration)",
    RDS_LOGIN_EVENTS: "logins to the databases (brute force, anomalous access)",
};

/** The plans judged here: the program's defaults but malware protection, which its own rule judges. */
export const PROTECTION_PLANS = DEFAULT_GUARDDUTY_FEATURES.filter((feature) => feature !== MALWARE_PROTECTION);

function protectionFindings(stack: PolicyStack, _settings: PolicySettings): Finding[] {
    const detectors = ofType(stack, DETECTOR_TYPE);
    const adoptsFromOwner = ofType(stack, EVENT_RULE_TYPE).some((rule) => typeof ((rule.props.tags ?? {}) as Record<string, unknown>)[DETECTOR_OWNER_TAG] === "string");
    // An adopted detector's plans are its owner's (the organisation's, or the region's owner stack).
    if (!ownsRegion(stack) || adoptsFromOwner || detectors.length === 0) {
        return [];
    }
    const findings: Finding[] = [];
    const detectorIds = new Set<unknown>(detectors.map((detector) => detector.id));
    const features = ofType(stack, DETECTOR_FEATURE_TYPE).filter((feature) => detectorIds.has(feature.props.detectorId) || feature.props.detectorId === undefined);
    for (const plan of PROTECTION_PLANS) {
        const named = features.filter((feature) => feature.props.name === plan);
        if (named.some((feature) => feature.props.status === "ENABLED")) {
            continue;
        }
        const off = named[0];
        findings.push(
            off !== undefined
                ? { resource: off.name, message: `status is ${JSON.stringify(off.props.status ?? null)}; expected "ENABLED": GuardDuty would not watch ${WATCHES[plan]}` }
                : { resource: detectors[0]!.name, message: `no ${DETECTOR_FEATURE_TYPE} ${plan} with status ENABLED on the detector: GuardDuty would not watch ${WATCHES[plan]}; expected it ENABLED (components/threat-detection.ts)` },
        );
    }
    for (const detector of detectors) {
        const frequency = detector.props.findingPublishingFrequency;
        if (frequency !== DEFAULT_FINDING_PUBLISHING_FREQUENCY) {
            findings.push({
                resource: detector.name,
                message: `findingPublishingFrequency is ${JSON.stringify(frequency ?? null)}${frequency === undefined ? " (GuardDuty's default: SIX_HOURS for an account of its own)" : ""}: updates of an open finding would reach the team late; expected "${DEFAULT_FINDING_PUBLISHING_FREQUENCY}"`,
            });
        }
    }
    return findings;
}

export const enableGuardDutyProtectionPlans: StackRule = {
    kind: "stack",
    name: "guardduty-detector-protection-plans",
    description:
        `The GuardDuty detector a region's owner creates has the protection plans the program turns on, ${PROTECTION_PLANS.join(" and ")}, as DetectorFeatures with status ENABLED ` +
        `(a feature whose detectorId is unknown at preview counts; EBS_MALWARE_PROTECTION is guardduty-detector-malware-protection's), and findingPublishingFrequency ${DEFAULT_FINDING_PUBLISHING_FREQUENCY}. ` +
        "Plans the program leaves off (runtime monitoring, EKS, Lambda) are not demanded. A stack adopting the detector (by id or from its owner): not applicable, the owner sets them. " +
        OWNER_SCOPE,
    why: "Intrusion detection is promised with alerts that reach the team (security documentation 7.1; Capacity Planner: intrusion detection to identify malicious activity): without S3 data events and RDS login events GuardDuty is blind to data theft from the buckets and attacks on the databases, and a slow publishing frequency delays a finding's updates by hours.",
    enforcement: "mandatory",
    validate: protectionFindings,
};
