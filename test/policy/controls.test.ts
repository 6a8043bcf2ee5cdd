// The control rules (policy/rules/controls): a compliant region owner, then one change per
// condition, each with its exact finding.

import { describe, expect, it } from "vitest";

import { networkChangeEventPattern } from "../../components/network-change-alarms";
import { NETWORK_CHANGE_KINDS } from "../../lib/promises/network-changes";
import { CONTROLS_RULES } from "../../policy/rules/controls";
import { enableConfigRecorder } from "../../policy/rules/controls/enableConfigRecorder";
import { enableGuardDutyMalwareProtection } from "../../policy/rules/controls/enableGuardDutyMalwareProtection";
import { enforceNetworkChangeAlarms } from "../../policy/rules/controls/enforceNetworkChangeAlarms";
import { evaluate } from "../../policy/rules/evaluate";
import { Finding, PolicyResource, PolicySettings, PolicyStack, Rule, StackRule } from "../../policy/rules/types";

const ACCOUNT = "123456789012";
const STACK = "platform-eu-west-1";
const TOPIC_ARN = `arn:aws:sns:eu-west-1:${ACCOUNT}:${STACK}-operations`;
const DETECTOR_ID = "2ace75ec376b6d03c0000000000000ab";
const SETTINGS: PolicySettings = { operationsCidrs: ["10.15.64.0/19"], otherTenants: [] };

function resource(type: string, name: string, props: Record<string, unknown>, id: string | undefined = name): PolicyResource {
    return { type, name, id, parent: null, props, protect: false, retainOnDelete: false };
}

const ruleName = (kind: string) => `${STACK}-network-changes-${kind}`;

/** A compliant region owner: its topic and policy, the four network-change rules and targets, the detector with the program's protection plans, AWS Config. */
function owner(stack = STACK): PolicyStack {
    const rules = NETWORK_CHANGE_KINDS.flatMap((kind) => [
        resource("aws:cloudwatch/eventRule:EventRule", ruleName(kind), { name: ruleName(kind), state: "ENABLED", eventPattern: networkChangeEventPattern(kind, ACCOUNT, "itm-deploy") }),
        resource("aws:cloudwatch/eventTarget:EventTarget", `${ruleName(kind)}-to-operations`, { rule: ruleName(kind), arn: TOPIC_ARN, targetId: "network-changes-to-operations" }),
    ]);
    const policy = {
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sns:Publish",
                Resource: TOPIC_ARN,
                Condition: { ArnEquals: { "aws:SourceArn": NETWORK_CHANGE_KINDS.map((kind) => `arn:aws:events:eu-west-1:${ACCOUNT}:rule/${ruleName(kind)}`) } },
            },
        ],
    };
    return {
        stack,
        kind: "platform",
        resources: [
            resource("aws:sns/topic:Topic", `${STACK}-operations-topic`, { name: `${STACK}-operations` }, TOPIC_ARN),
            resource("aws:sns/topicPolicy:TopicPolicy", `${STACK}-operations-topic-policy`, { arn: TOPIC_ARN, policy: JSON.stringify(policy) }),
            ...rules,
            resource("aws:guardduty/detector:Detector", `${STACK}-detection-detector`, { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" }, DETECTOR_ID),
            resource("aws:guardduty/detectorFeature:DetectorFeature", `${STACK}-detection-ebs-malware-protection`, { detectorId: DETECTOR_ID, name: "EBS_MALWARE_PROTECTION", status: "ENABLED" }),
            resource("aws:guardduty/detectorFeature:DetectorFeature", `${STACK}-detection-s3-data-events`, { detectorId: DETECTOR_ID, name: "S3_DATA_EVENTS", status: "ENABLED" }),
            resource("aws:guardduty/detectorFeature:DetectorFeature", `${STACK}-detection-rds-login-events`, { detectorId: DETECTOR_ID, name: "RDS_LOGIN_EVENTS", status: "ENABLED" }),
            resource("aws:cfg/recorder:Recorder", `${STACK}-config-recorder`, { name: STACK, roleArn: "arn:aws:iam::123456789012:role/r", recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } }),
            resource("aws:cfg/deliveryChannel:DeliveryChannel", `${STACK}-config-delivery`, { name: STACK, s3BucketName: "history", s3KmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" }),
            resource("aws:cfg/recorderStatus:RecorderStatus", `${STACK}-config-status`, { name: STACK, isEnabled: true }),
        ],
    };
}

function findings(rule: StackRule, stack: PolicyStack): Finding[] {
    return rule.validate(stack, SETTINGS);
}

function change(stack: PolicyStack, name: string, props: (old: Record<string, unknown>) => Record<string, unknown>): PolicyStack {
    expect(stack.resources.some((candidate) => candidate.name === name)).toBe(true);
    return { ...stack, resources: stack.resources.map((candidate) => (candidate.name === name ? { ...candidate, props: props(candidate.props) } : candidate)) };
}

function without(stack: PolicyStack, ...names: string[]): PolicyStack {
    return { ...stack, resources: stack.resources.filter((candidate) => !names.includes(candidate.name)) };
}

function patternChanged(edit: (pattern: Record<string, Record<string, unknown>>) => void, kind = "security-groups"): PolicyStack {
    return change(owner(), ruleName(kind), (props) => {
        const pattern = JSON.parse(String(props.eventPattern)) as Record<string, Record<string, unknown>>;
        edit(pattern);
        return { ...props, eventPattern: JSON.stringify(pattern) };
    });
}

const EXCLUSION_ADVICE =
    'the only exclusion allowed is the deployment role\'s sessions: "$or": [{"userIdentity": {"arn": [{"anything-but": {"prefix": "arn:aws:sts::<account>:assumed-role/<deployRoleName>/"}}]}}, {"userIdentity": {"arn": [{"exists": false}]}}]';
const SG_UNSEEN =
    'no working aws:cloudwatch/eventRule:EventRule on the EC2 API calls (source aws.ec2, detail-type "AWS API Call via CloudTrail") alarms the operations topic of security-groups changes: ' +
    "AuthorizeSecurityGroupIngress, AuthorizeSecurityGroupEgress, RevokeSecurityGroupIngress, RevokeSecurityGroupEgress, ModifySecurityGroupRules, UpdateSecurityGroupRuleDescriptionsIngress, " +
    "UpdateSecurityGroupRuleDescriptionsEgress, CreateSecurityGroup, DeleteSecurityGroup go unseen (components/network-change-alarms.ts)";

describe("the compliant owner", () => {
    it("GIVEN the baseline WHEN every control rule runs THEN nothing is found", () => {
        expect(evaluate(owner(), SETTINGS, CONTROLS_RULES)).toEqual([]);
    });

    it.each([
        ["a tenant stack", { ...owner("acme"), kind: "cloud" as const }],
        ["a drill copy", owner(`${STACK}-drill`)],
        ["a recovery adopting its region's detector", without(owner(`${STACK}-recovery`), `${STACK}-detection-detector`, `${STACK}-config-recorder`, `${STACK}-config-delivery`, `${STACK}-config-status`, ruleName("vpn"))],
    ])("GIVEN %s WHEN the rules run THEN not applicable", (_label, stack) => {
        expect(evaluate(stack, SETTINGS, CONTROLS_RULES)).toEqual([]);
    });

    it("GIVEN the rules WHEN listed THEN mandatory, kebab-case, described", () => {
        expect(CONTROLS_RULES.map((rule: Rule) => [rule.name, rule.enforcement])).toEqual([
            ["cloudwatch-event-rule-network-changes", "mandatory"],
            ["guardduty-detector-malware-protection", "mandatory"],
            ["guardduty-detector-protection-plans", "mandatory"],
            ["config-recorder-enabled", "mandatory"],
        ]);
    });
});

describe("cloudwatch-event-rule-network-changes", () => {
    it("GIVEN the security-group rule removed WHEN judged THEN its calls go unseen", () => {
        expect(findings(enforceNetworkChangeAlarms, without(owner(), ruleName("security-groups")))).toEqual([{ resource: STACK, message: SG_UNSEEN }]);
    });

    it("GIVEN a recovery environment owning its region without the rules WHEN judged THEN refused too", () => {
        const stack = owner(`${STACK}-recovery`);
        const stripped = without(stack, ...NETWORK_CHANGE_KINDS.map(ruleName));
        expect(findings(enforceNetworkChangeAlarms, stripped).map((finding) => finding.resource)).toEqual(NETWORK_CHANGE_KINDS.map(() => `${STACK}-recovery`));
    });

    it("GIVEN a call missing from a rule WHEN judged THEN that call is named", () => {
        const stack = patternChanged((pattern) => {
            pattern.detail!.eventName = (pattern.detail!.eventName as string[]).filter((name) => name !== "AuthorizeSecurityGroupIngress");
        });
        expect(findings(enforceNetworkChangeAlarms, stack)).toEqual([{ resource: STACK, message: expect.stringContaining("security-groups changes: AuthorizeSecurityGroupIngress goes unseen") }]);
    });

    it("GIVEN the rule disabled WHEN judged THEN reported, and its calls unseen", () => {
        const stack = change(owner(), ruleName("security-groups"), (props) => ({ ...props, state: "DISABLED" }));
        expect(findings(enforceNetworkChangeAlarms, stack)).toEqual([
            { resource: ruleName("security-groups"), message: "the network-change rule is disabled" },
            { resource: STACK, message: SG_UNSEEN },
        ]);
    });

    it.each([
        ["an exclusion of every assumed role", (pattern: Record<string, Record<string, unknown>>) => {
            pattern.detail!.$or = [{ userIdentity: { arn: [{ "anything-but": { prefix: "arn:aws:sts::123456789012:assumed-role/" } }] } }, { userIdentity: { arn: [{ exists: false }] } }];
        }, "detail.$or"],
        ["no branch for identities without an ARN", (pattern: Record<string, Record<string, unknown>>) => {
            delete pattern.detail!.$or;
            pattern.detail!.userIdentity = { arn: [{ "anything-but": { prefix: "arn:aws:sts::123456789012:assumed-role/itm-deploy/" } }] };
        }, "detail.userIdentity"],
        ["only failed calls", (pattern: Record<string, Record<string, unknown>>) => {
            pattern.detail!.errorCode = [{ exists: true }];
        }, "detail.errorCode"],
        ["one region only", (pattern: Record<string, Record<string, unknown>>) => {
            pattern.region = ["us-east-1"] as never;
        }, "region"],
    ])("GIVEN %s WHEN judged THEN the rule lets changes pass unseen and its calls count as unwatched", (_label, edit, where) => {
        const [rule, stack] = findings(enforceNetworkChangeAlarms, patternChanged(edit));
        expect(rule).toEqual({ resource: ruleName("security-groups"), message: expect.stringContaining(`the network-change rule lets changes pass unseen by ${where} `) });
        expect(rule!.message).toContain(EXCLUSION_ADVICE);
        expect(stack).toEqual({ resource: STACK, message: SG_UNSEEN });
    });

    it("GIVEN no exclusion at all WHEN judged THEN accepted (every change alarms, the deployment's too)", () => {
        expect(findings(enforceNetworkChangeAlarms, patternChanged((pattern) => delete pattern.detail!.$or))).toEqual([]);
    });

    it("GIVEN the rule's target removed WHEN judged THEN nobody is told", () => {
        expect(findings(enforceNetworkChangeAlarms, without(owner(), `${ruleName("vpn")}-to-operations`))[0]).toEqual({
            resource: ruleName("vpn"),
            message: "the network-change rule has no target: a change nobody is told of is not detected; target the stack's operations topic and list the rule in the topic policy's EventBridge statement (aws:SourceArn)",
        });
    });

    it("GIVEN a target to a topic of another stack WHEN judged THEN refused", () => {
        const stack = change(owner(), `${ruleName("vpn")}-to-operations`, (props) => ({ ...props, arn: "arn:aws:sns:eu-west-1:123456789012:somewhere-else" }));
        expect(findings(enforceNetworkChangeAlarms, stack)[0]!.message).toContain("targets no operations topic of the stack whose policy lets it publish (not a topic of the stack)");
    });

    it("GIVEN the topic policy not listing the rule WHEN judged THEN refused (EventBridge could not publish)", () => {
        const stack = change(owner(), `${STACK}-operations-topic-policy`, (props) => ({ ...props, policy: String(props.policy).replace(`rule/${ruleName("route-tables")}`, "rule/other") }));
        expect(findings(enforceNetworkChangeAlarms, stack)[0]).toEqual({ resource: ruleName("route-tables"), message: expect.stringContaining("(not admitted)") });
    });

    it("GIVEN an unreadable topic policy WHEN judged THEN it says it cannot see, never a pass", () => {
        const stack = change(owner(), `${STACK}-operations-topic-policy`, (props) => ({ ...props, policy: "{not json" }));
        expect(findings(enforceNetworkChangeAlarms, stack)[0]!.message).toContain("(unknown)");
    });
});

describe("guardduty-detector-malware-protection", () => {
    it("GIVEN the feature disabled WHEN judged THEN the feature is named", () => {
        const stack = change(owner(), `${STACK}-detection-ebs-malware-protection`, (props) => ({ ...props, status: "DISABLED" }));
        expect(findings(enableGuardDutyMalwareProtection, stack)).toEqual([
            { resource: `${STACK}-detection-ebs-malware-protection`, message: 'status is "DISABLED"; expected "ENABLED": GuardDuty would not scan the servers\' volumes for malware' },
        ]);
    });

    it("GIVEN no feature WHEN judged THEN the stack is named", () => {
        expect(findings(enableGuardDutyMalwareProtection, without(owner(), `${STACK}-detection-ebs-malware-protection`))).toEqual([
            {
                resource: STACK,
                message: `no aws:guardduty/detectorFeature:DetectorFeature EBS_MALWARE_PROTECTION with status ENABLED on the region's detector (${DETECTOR_ID}); set it on the detector this stack creates, or on the one it adopts by id (components/threat-detection.ts)`,
            },
        ]);
    });

    it("GIVEN an organisation's detector adopted by id WHEN the feature is on that id THEN compliant; on another detector THEN refused", () => {
        const adopted = "0123456789abcdef0123456789abcdef";
        const findingsRule = resource("aws:cloudwatch/eventRule:EventRule", `${STACK}-detection-findings`, { eventPattern: '{"source":["aws.guardduty"]}', tags: { "guardduty-detector": adopted } });
        const base = without(owner(), `${STACK}-detection-detector`);
        const on = change({ ...base, resources: [...base.resources, findingsRule] }, `${STACK}-detection-ebs-malware-protection`, (props) => ({ ...props, detectorId: adopted }));
        expect(findings(enableGuardDutyMalwareProtection, on)).toEqual([]);
        const elsewhere = change(on, `${STACK}-detection-ebs-malware-protection`, (props) => ({ ...props, detectorId: "ffffffffffffffffffffffffffffffff" }));
        expect(findings(enableGuardDutyMalwareProtection, elsewhere).map((finding) => finding.resource)).toEqual([STACK]);
    });
});

describe("config-recorder-enabled", () => {
    it.each([
        [`${STACK}-config-recorder`, `no AWS Config recorder (aws:cfg/recorder:Recorder) in the region's owner stack: no configuration history of the region (components/config-recorder.ts)`, STACK],
        [`${STACK}-config-delivery`, "no AWS Config delivery channel (aws:cfg/deliveryChannel:DeliveryChannel): the recorder keeps nothing an auditor can read", STACK],
        [`${STACK}-config-status`, "no aws:cfg/recorderStatus:RecorderStatus with isEnabled true for the recorder: AWS creates a recorder stopped, and a stopped recorder records nothing", STACK],
    ])("GIVEN %s removed WHEN judged THEN %s", (name, message, at) => {
        expect(findings(enableConfigRecorder, without(owner(), name))).toEqual([{ resource: at, message }]);
    });

    it("GIVEN the recorder stopped WHEN judged THEN the status is named", () => {
        const stack = change(owner(), `${STACK}-config-status`, (props) => ({ ...props, isEnabled: false }));
        expect(findings(enableConfigRecorder, stack)).toEqual([{ resource: `${STACK}-config-status`, message: "isEnabled is not true; a stopped recorder records nothing" }]);
    });

    it("GIVEN a channel without a key WHEN judged THEN refused", () => {
        const stack = change(owner(), `${STACK}-config-delivery`, (props) => ({ ...props, s3KmsKeyArn: undefined }));
        expect(findings(enableConfigRecorder, stack)).toEqual([
            { resource: `${STACK}-config-delivery`, message: "s3KmsKeyArn is not set; expected the history delivered encrypted with the stack's customer-managed key" },
        ]);
    });

    it("GIVEN a recorder of a few types WHEN judged THEN the missing ones are named; with them all THEN compliant", () => {
        const few = change(owner(), `${STACK}-config-recorder`, (props) => ({ ...props, recordingGroup: { allSupported: false, resourceTypes: ["AWS::EC2::Instance"] } }));
        expect(findings(enableConfigRecorder, few)).toEqual([
            {
                resource: `${STACK}-config-recorder`,
                message:
                    "records neither every supported type nor AWS::EC2::SecurityGroup, AWS::EC2::NetworkAcl, AWS::EC2::RouteTable, AWS::EC2::VPNConnection, AWS::EC2::CustomerGateway, AWS::EC2::VPNGateway, AWS::EC2::Volume, AWS::RDS::DBInstance, AWS::S3::Bucket: their configuration history would be missing from the review",
            },
        ]);
    });
});
