import { describe, expect, it } from "vitest";

import { deployRoleNameProblem, NetworkChangeAlarms, networkChangeEventPattern, networkChangeInputTransformer, NETWORK_CHANGE_TARGET_ID } from "../../components/network-change-alarms";
import { DEFAULT_DEPLOY_ROLE_NAME, deployRoleSessionPrefix, NETWORK_CHANGE_EVENTS, NETWORK_CHANGE_KINDS } from "../../lib/promises/network-changes";
import { PLAN_ACCOUNT_ID } from "../../scripts/lib/plan/mocks";
import { operationsTopicPolicy } from "../../stacks/platform-documents";
import { ofType, planProgram } from "../helpers";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:platform-eu-west-1-operations";
const ACCOUNT = "123456789012";

describe("NetworkChangeAlarms", () => {
    it("GIVEN a topic and the deployment role WHEN planned THEN one named rule per kind of change, each with one target to the topic carrying a readable message", async () => {
        const { plan } = await planProgram((provider) => {
            new NetworkChangeAlarms("platform-eu-west-1-network-changes", { alarmTopicArn: TOPIC, accountId: ACCOUNT, deployRoleName: "itm-deploy" }, { provider });
        });
        const rules = ofType(plan.resources, "aws:cloudwatch/eventRule:EventRule");
        const targets = ofType(plan.resources, "aws:cloudwatch/eventTarget:EventTarget");
        expect(rules).toHaveLength(NETWORK_CHANGE_KINDS.length);
        expect(targets).toHaveLength(NETWORK_CHANGE_KINDS.length);
        for (const kind of NETWORK_CHANGE_KINDS) {
            const name = `platform-eu-west-1-network-changes-${kind}`;
            const rule = rules.find((candidate) => candidate.inputs.name === name)!;
            expect(rule.inputs).toMatchObject({ state: "ENABLED", eventPattern: networkChangeEventPattern(kind, ACCOUNT, "itm-deploy"), tags: { "network-changes": kind } });
            const ruleTargets = targets.filter((target) => target.inputs.rule === name);
            expect(ruleTargets.map((target) => [target.inputs.arn, target.inputs.targetId, target.inputs.inputTransformer])).toEqual([[TOPIC, NETWORK_CHANGE_TARGET_ID, networkChangeInputTransformer(kind)]]);
        }
    });

    it("GIVEN the longest stack name of a region owner WHEN planned THEN every rule name fits PutRule's 64 characters", async () => {
        const { plan } = await planProgram((provider) => {
            new NetworkChangeAlarms("platform-ap-southeast-1-recovery-network-changes", { alarmTopicArn: TOPIC, accountId: ACCOUNT, deployRoleName: "itm-deploy" }, { provider });
        });
        const names = ofType(plan.resources, "aws:cloudwatch/eventRule:EventRule").map((rule) => String(rule.inputs.name));
        expect(names).toHaveLength(4);
        for (const name of names) {
            expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
        }
        expect(new Set(names).size).toBe(4);
    });

    it.each([["itm deploy"], [""], ["a".repeat(65)], ["arn:aws:iam::123456789012:role/itm-deploy"]])("GIVEN deployRoleName %j WHEN constructed THEN it throws naming the setting", async (roleName) => {
        expect(deployRoleNameProblem(roleName)).toMatch(/is not an IAM role name/);
        await expect(
            planProgram((provider) => {
                new NetworkChangeAlarms("n", { alarmTopicArn: TOPIC, accountId: ACCOUNT, deployRoleName: roleName }, { provider });
            }),
        ).rejects.toThrow(/deployRoleName: .* is not an IAM role name/);
    });
});

describe("networkChangeEventPattern", () => {
    it("GIVEN the security-group kind WHEN built THEN EC2's CloudTrail calls, excluding only the deployment role's sessions, and identities without an ARN still match", () => {
        expect(JSON.parse(networkChangeEventPattern("security-groups", ACCOUNT, "itm-deploy"))).toEqual({
            source: ["aws.ec2"],
            "detail-type": ["AWS API Call via CloudTrail"],
            detail: {
                eventSource: ["ec2.amazonaws.com"],
                eventName: [...NETWORK_CHANGE_EVENTS["security-groups"]],
                $or: [{ userIdentity: { arn: [{ "anything-but": { prefix: "arn:aws:sts::123456789012:assumed-role/itm-deploy/" } }] } }, { userIdentity: { arn: [{ exists: false }] } }],
            },
        });
    });

    it("GIVEN a role whose name starts with the deployment role's WHEN the prefix is built THEN it ends in a slash (itm-deploy-2 still alarms)", () => {
        const prefix = deployRoleSessionPrefix(ACCOUNT, "itm-deploy");
        expect("arn:aws:sts::123456789012:assumed-role/itm-deploy/deploy-123".startsWith(prefix)).toBe(true);
        expect("arn:aws:sts::123456789012:assumed-role/itm-deploy-2/x".startsWith(prefix)).toBe(false);
        expect("arn:aws:iam::123456789012:user/itm-deploy".startsWith(prefix)).toBe(false);
    });

    it.each(NETWORK_CHANGE_KINDS)("GIVEN the %s kind with the longest role name WHEN built THEN within PutRule EventPattern's 4096 characters (botocore events model)", (kind) => {
        expect(networkChangeEventPattern(kind, ACCOUNT, "r".repeat(64)).length).toBeLessThanOrEqual(4096);
    });
});

describe("networkChangeInputTransformer", () => {
    it.each(NETWORK_CHANGE_KINDS)("GIVEN the %s kind WHEN built THEN within InputTransformer's limits (100 keys of [A-Za-z0-9_-], paths of 256, template 1-8192) and every placeholder mapped", (kind) => {
        const { inputPaths, inputTemplate } = networkChangeInputTransformer(kind);
        expect(Object.keys(inputPaths).length).toBeLessThanOrEqual(100);
        for (const [key, path] of Object.entries(inputPaths)) {
            expect(key).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
            expect(path.length).toBeLessThanOrEqual(256);
            expect(path).toMatch(/^\$\.detail\./);
        }
        expect(inputTemplate.length).toBeGreaterThan(0);
        expect(inputTemplate.length).toBeLessThanOrEqual(8192);
        const placeholders = [...inputTemplate.matchAll(/<([A-Za-z0-9_-]+)>/g)].map((match) => match[1]!);
        expect(new Set(placeholders)).toEqual(new Set(Object.keys(inputPaths)));
        // Who, what, which resource, where.
        expect(inputPaths).toMatchObject({ who: "$.detail.userIdentity.arn", action: "$.detail.eventName", region: "$.detail.awsRegion" });
        expect(typeof JSON.parse(inputTemplate)).toBe("string");
    });

    it("GIVEN the VPN kind WHEN built THEN only ids of the request are read, never its parameters whole (a tunnel's pre-shared key stays out of the mail)", () => {
        const { inputPaths } = networkChangeInputTransformer("vpn");
        for (const path of Object.values(inputPaths)) {
            expect(path).not.toMatch(/^\$\.detail\.(requestParameters|responseElements)$/);
            expect(path).not.toMatch(/options|tunnel|preSharedKey|customerGatewayConfiguration/i);
        }
    });
});

describe("the watched calls", () => {
    it("GIVEN the lists WHEN read THEN each name is an EC2 operation name, listed once, and the default deployment role is documented", () => {
        const all = NETWORK_CHANGE_KINDS.flatMap((kind) => NETWORK_CHANGE_EVENTS[kind]);
        expect(new Set(all).size).toBe(all.length);
        for (const name of all) {
            expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
        }
        expect(NETWORK_CHANGE_EVENTS["security-groups"]).toContain("AuthorizeSecurityGroupIngress");
        expect(NETWORK_CHANGE_EVENTS["network-acls"]).toContain("ReplaceNetworkAclEntry");
        expect(NETWORK_CHANGE_EVENTS["route-tables"]).toContain("CreateTransitGatewayRoute");
        expect(NETWORK_CHANGE_EVENTS.vpn).toContain("ModifyVpnTunnelOptions");
        expect(DEFAULT_DEPLOY_ROLE_NAME).toBe("itm-deploy");
    });
});

describe("operationsTopicPolicy", () => {
    it("GIVEN several rules WHEN built THEN one EventBridge statement admits exactly those rules; none given, none", () => {
        const rules = [`arn:aws:events:eu-west-1:${PLAN_ACCOUNT_ID}:rule/a`, `arn:aws:events:eu-west-1:${PLAN_ACCOUNT_ID}:rule/b`];
        const statements = (policy: string) => (JSON.parse(policy) as { Statement: { Principal: { Service?: unknown }; Condition?: { ArnEquals?: unknown } }[] }).Statement;
        const events = statements(operationsTopicPolicy({ topicArn: TOPIC, accountId: ACCOUNT, eventRuleArns: rules })).filter((statement) => statement.Principal.Service === "events.amazonaws.com");
        expect(events).toHaveLength(1);
        expect(events[0]!.Condition).toEqual({ ArnEquals: { "aws:SourceArn": rules } });
        expect(statements(operationsTopicPolicy({ topicArn: TOPIC, accountId: ACCOUNT })).filter((statement) => statement.Principal.Service === "events.amazonaws.com")).toEqual([]);
    });
});
