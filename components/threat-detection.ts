import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { componentType } from "./types";
import { DEFAULT_FINDING_PUBLISHING_FREQUENCY, DEFAULT_GUARDDUTY_FEATURES, DEFAULT_MINIMUM_SEVERITY, findingEventPattern } from "../lib/promises/threat-detection";

/**
 * The GuardDuty protection plans this component manages, each set explicitly on or off so that
 * an account default or a console click cannot change them unseen. `EKS_RUNTIME_MONITORING` is
 * left out (superseded by `RUNTIME_MONITORING`, and a detector may not carry both), as are plans
 * not offered in every region.
 */
export const GUARDDUTY_FEATURES = [
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "RUNTIME_MONITORING",
] as const;

export type GuardDutyFeature = (typeof GUARDDUTY_FEATURES)[number];

export const FINDING_PUBLISHING_FREQUENCIES = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"] as const;

export type FindingPublishingFrequency = (typeof FINDING_PUBLISHING_FREQUENCIES)[number];

export interface ThreatDetectionArgs {
    /**
     * SNS topic operations read, which receives every finding at or above `minimumSeverity`.
     * Required. Its policy must let EventBridge publish: add
     * {@link topicPolicyStatementsForEvents}(topic, `ruleArn`) where the topic's policy is managed
     * (and, for a KMS-encrypted topic, let `events.amazonaws.com` use the key).
     */
    readonly alarmTopicArn: pulumi.Input<string>;
    /**
     * How often GuardDuty re-publishes updates of an existing finding. Default: `FIFTEEN_MINUTES`,
     * the fastest; new findings are always published within about five minutes.
     */
    readonly findingPublishingFrequency?: FindingPublishingFrequency;
    /**
     * Lowest severity sent to operations, from 1 to 10 (GuardDuty's low is 1-3.9, medium 4-6.9,
     * high 7-8.9, critical 9-10). Default: 4, medium and above.
     */
    readonly minimumSeverity?: number;
    /**
     * Protection plans to enable, of {@link GUARDDUTY_FEATURES}; the others are disabled.
     * Default: S3 data events, EBS malware protection and RDS login events; runtime monitoring
     * stays off (it installs an agent on every instance).
     */
    readonly features?: readonly GuardDutyFeature[];
    /**
     * The account's existing detector in this region, adopted instead of created: AWS allows one
     * detector per account and region (CreateDetector fails with "The request is rejected because a
     * detector already exists for the current account"), and in an organisation the delegated
     * administrator creates it in every member account. The detector is read (a wrong id fails the
     * preview), its protection plans are left to its owner (`features` must then be unset) except
     * EBS malware protection, which is turned on (`EBS_MALWARE_PROTECTION` ENABLED), and the
     * findings rule carries the id in its `guardduty-detector` tag. Default: undefined, a detector
     * is created with `features`.
     */
    readonly detectorId?: string;
    /**
     * The stack that owns this region's one detector (lib/guardduty-owner.ts), whose detector is
     * adopted by lookup instead of created: the region's only detector is read (the provider fails
     * the preview unless exactly one exists, so the owner deploys first), its protection plans are
     * left to its owner (`features` must then be unset), and the findings rule carries its id in
     * {@link ADOPTED_DETECTOR_TAG} and the owner in {@link DETECTOR_OWNER_TAG}. Not with
     * `detectorId`. Default: undefined, the detector is created (or adopted by `detectorId`).
     */
    readonly adoptFrom?: string;
}

/** The findings rule's one target. */
export const FINDINGS_TARGET_ID = "guardduty-findings-to-operations";

/** The tag of the findings rule naming the adopted detector it forwards findings of. */
export const ADOPTED_DETECTOR_TAG = "guardduty-detector";
/** The tag of the findings rule naming the stack that owns the adopted detector (`adoptFrom`). */
export const DETECTOR_OWNER_TAG = "guardduty-detector-owner";

/** What is wrong with the args, one message per problem (empty when they are valid). */
export function threatDetectionArgsProblems(args: Omit<ThreatDetectionArgs, "alarmTopicArn">): string[] {
    const problems: string[] = [];
    if (args.detectorId !== undefined && !/^[0-9a-f]{32}$/.test(args.detectorId)) {
        problems.push(`detectorId: "${args.detectorId.slice(0, 60)}" is not a GuardDuty detector id; expected 32 hexadecimal characters`);
    }
    if (args.adoptFrom !== undefined && args.detectorId !== undefined) {
        problems.push(`adoptFrom: given with detectorId; the region's detector is adopted either by its id or from its owner (${args.adoptFrom.slice(0, 60)}), not both`);
    }
    if (args.adoptFrom !== undefined && args.features !== undefined) {
        problems.push(`features: given with adoptFrom; the adopted detector's protection plans belong to its owner (${args.adoptFrom.slice(0, 60)}), so leave features unset`);
    }
    if (args.detectorId !== undefined && args.features !== undefined) {
        problems.push("features: given with detectorId; an adopted detector's protection plans belong to its owner (the organisation), so leave features unset");
    }
    const frequency = args.findingPublishingFrequency;
    if (frequency !== undefined && !(FINDING_PUBLISHING_FREQUENCIES as readonly string[]).includes(frequency)) {
        problems.push(`findingPublishingFrequency: "${frequency}" is not allowed; expected one of ${FINDING_PUBLISHING_FREQUENCIES.join(", ")}`);
    }
    const severity = args.minimumSeverity;
    if (severity !== undefined && !(Number.isFinite(severity) && severity >= 1 && severity <= 10)) {
        problems.push(`minimumSeverity: ${severity} is not allowed; expected a number from 1 to 10`);
    }
    for (const feature of args.features ?? []) {
        if (!(GUARDDUTY_FEATURES as readonly string[]).includes(feature)) {
            problems.push(`features: "${feature}" is not allowed; expected some of ${GUARDDUTY_FEATURES.join(", ")}`);
        }
    }
    return problems;
}

/** The EventBridge pattern of GuardDuty findings at or above `minimumSeverity` (lib/promises/threat-detection.ts, which the policy judges with). */
export { findingEventPattern };

/**
 * The statement an SNS topic's policy needs for the findings rule (and any other rule of the
 * region, e.g. the network-change rules) to publish to it: EventBridge, on behalf of those rules only.
 */
export function topicPolicyStatementsForEvents(topicArn: string, ruleArn: string | readonly string[]): Record<string, unknown>[] {
    const ruleArns = typeof ruleArn === "string" ? ruleArn : ruleArn.length === 1 ? ruleArn[0]! : [...ruleArn];
    return [
        {
            Sid: "GuardDutyFindingsFromEventBridge",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
        },
    ];
}

/**
 * Intrusion detection for the account: a GuardDuty detector with its protection plans set
 * explicitly (or the region's existing detector, adopted by id or from its owner stack), and an EventBridge rule sending every
 * finding of at least medium severity to operations' topic.
 */
export class ThreatDetection extends pulumi.ComponentResource {
    public readonly detectorId: pulumi.Output<string>;
    /** The findings rule, for the topic's policy (see {@link topicPolicyStatementsForEvents}). */
    public readonly ruleArn: pulumi.Output<string>;

    constructor(name: string, args: ThreatDetectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("audit", "ThreatDetection"), name, {}, opts);

        const problems = threatDetectionArgsProblems(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }
        const findingPublishingFrequency = args.findingPublishingFrequency ?? DEFAULT_FINDING_PUBLISHING_FREQUENCY;
        const minimumSeverity = args.minimumSeverity ?? DEFAULT_MINIMUM_SEVERITY;
        const enabled = new Set<GuardDutyFeature>(args.features ?? DEFAULT_GUARDDUTY_FEATURES);

        let detectorId: pulumi.Output<string>;
        if (args.detectorId !== undefined) {
            // Read, not created: the preview fails here when the account has no such detector.
            detectorId = aws.guardduty.getDetectorOutput({ id: args.detectorId }, { parent: this }).apply((found) => found.id);
            // Malware scanning of the servers' volumes is promised in every region (the security
            // sheet's antivirus scan): the one plan set on the organisation's detector too. This
            // stack is the region's one adopter by id (lib/guardduty-owner.ts), so it is set once.
            new aws.guardduty.DetectorFeature(`${name}-ebs-malware-protection`, { detectorId: detectorId, name: "EBS_MALWARE_PROTECTION", status: "ENABLED" }, { parent: this });
        } else if (args.adoptFrom !== undefined) {
            // The region's only detector, its owner's (the data source without an id lists the
            // detectors and fails unless there is exactly one: terraform-provider-aws,
            // internal/service/guardduty/detector_data_source.go).
            detectorId = aws.guardduty.getDetectorOutput({}, { parent: this }).apply((found) => found.id);
        } else {
            const detector = new aws.guardduty.Detector(
                `${name}-detector`,
                { enable: true, findingPublishingFrequency, tags: { Name: `${name}-detector`, tier: "audit" } },
                { parent: this },
            );
            for (const feature of GUARDDUTY_FEATURES) {
                new aws.guardduty.DetectorFeature(
                    `${name}-${feature.toLowerCase().replace(/_/g, "-")}`,
                    { detectorId: detector.id, name: feature, status: enabled.has(feature) ? "ENABLED" : "DISABLED" },
                    { parent: this },
                );
            }
            detectorId = detector.id;
        }

        const rule = new aws.cloudwatch.EventRule(
            `${name}-findings`,
            {
                description: `GuardDuty findings of severity ${minimumSeverity} and above, to operations`,
                eventPattern: findingEventPattern(minimumSeverity),
                state: "ENABLED",
                tags:
                    args.detectorId !== undefined
                        ? { [ADOPTED_DETECTOR_TAG]: args.detectorId }
                        : args.adoptFrom !== undefined
                          ? { [ADOPTED_DETECTOR_TAG]: detectorId, [DETECTOR_OWNER_TAG]: args.adoptFrom }
                          : undefined,
            },
            { parent: this },
        );
        // A target id of its own: the provider's default (the logical name and 8 characters) passes
        // EventBridge's 64 only for short stack names (PutTargets Targets.Id: 1 to 64 of
        // [.-_A-Za-z0-9]; botocore events model), and ids are unique per rule only. (Replacing an
        // older target creates this one first: no finding is missed.)
        new aws.cloudwatch.EventTarget(`${name}-findings-to-operations`, { rule: rule.name, arn: args.alarmTopicArn, targetId: FINDINGS_TARGET_ID }, { parent: this });

        this.detectorId = detectorId;
        this.ruleArn = rule.arn;
        this.registerOutputs({ detectorId: this.detectorId, ruleArn: this.ruleArn });
    }
}
