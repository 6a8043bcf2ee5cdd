// Issue 16, "the same promises as production once active": GuardDuty in every region a platform uses
// (owned by one stack per region, adopted by the others, findings to each stack's own topic), the
// drill copies disposable, and a tenant recovery's alarm topic paging people. On the graph the
// offline plan registers, for a fixture fleet whose regions pair up (eu-west-1 <-> eu-central-1) and
// one whose off-site region has no platform (us-east-1 -> us-west-2).

import { beforeAll, describe, expect, it } from "vitest";

import { RULES } from "../../policy/rules";
import { evaluate } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { enableGuardDutyDetector } from "../../policy/rules/operations/enableGuardDutyDetector";
import { planStack, PlannedResource, qualifiedStackName } from "../../scripts/lib/plan/engine";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { platformProgram, platformRecoveryProgram } from "../../stacks";
import { resolveTenant } from "../../stacks/config/tenant";
import { recoveryProgram } from "../../stacks/recovery";
import { FIXTURE_PLATFORM_SETTINGS, platformFixture } from "../fixtures/platform-configs";
import { ofType, stackOf } from "../graph";

const REGIONS = ["eu-central-1", "eu-west-1", "us-east-1"];
const PLATFORMS = platformFixture(REGIONS);
const DETECTOR = "aws:guardduty/detector:Detector";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const ACTIVE = { recoveryActive: "true", restoredDatabase: "restored-db" };

const acme = resolveTenant({ tenant: "acme", company: "ACME", mode: "cloud", region: "eu-west-1", domain: { subdomain: "acme" }, network: { cidr: "10.20.0.0/16" } }, "fixtures/acme.yaml");

let idle: PlanDocument;
let active: PlanDocument;
beforeAll(async () => {
    idle = await planFleet({ tenants: [acme], platformRegions: REGIONS, platforms: PLATFORMS });
    active = await planFleet({ tenants: [acme], platformRegions: REGIONS, platforms: PLATFORMS, config: ACTIVE });
    expect(idle.errors).toEqual([]);
    expect(active.errors).toEqual([]);
});

const findingsRules = (plan: Pick<TenantPlan, "resources">): PlannedResource[] => ofType(plan, RULE).filter((rule) => String(rule.inputs.eventPattern).includes("aws.guardduty"));

/** The GuardDuty statement of the stack's operations topic policy: EventBridge for exactly its findings rule. */
function findingsStatementOf(plan: Pick<TenantPlan, "resources">): unknown {
    const policies = ofType(plan, TOPIC_POLICY).filter((policy) => String(policy.name).endsWith("-operations-topic-policy"));
    expect(policies).toHaveLength(1);
    return (JSON.parse(String(policies[0]!.inputs.policy)) as { Statement: { Sid: string }[] }).Statement.find((statement) => statement.Sid === "GuardDutyFindingsFromEventBridge");
}

describe("GuardDuty in the recovery regions", () => {
    it("GIVEN the fleet WHEN planned THEN exactly one stack creates each region's detector: the production platform, else the first platform recovery there", () => {
        const creators = (document: PlanDocument) =>
            document.tenants
                .filter((plan) => ofType(plan, DETECTOR).length > 0)
                .map((plan) => [plan.region, plan.tenant])
                .sort();
        const expected = [
            ["eu-central-1", "platform-eu-central-1"],
            ["eu-west-1", "platform-eu-west-1"],
            ["us-east-1", "platform-us-east-1"],
            ["us-west-2", "platform-us-east-1-recovery"],
        ];
        expect(creators(idle)).toEqual(expected);
        // Kept while idle and while active: the owner's detector never comes and goes with activation.
        expect(creators(active)).toEqual(expected);
    });

    it.each([
        ["platform-eu-west-1-recovery", "platform-eu-central-1"],
        ["platform-eu-central-1-recovery", "platform-eu-west-1"],
    ])("GIVEN %s WHEN planned idle or active THEN it adopts %s's detector, its findings to its own topic", (stack, owner) => {
        for (const document of [idle, active]) {
            const plan = stackOf(document, stack);
            expect(ofType(plan, DETECTOR)).toEqual([]);
            const rules = findingsRules(plan);
            expect(rules.map((rule) => (rule.inputs.tags as Record<string, unknown>)["guardduty-detector-owner"])).toEqual([owner]);
            const targets = ofType(plan, "aws:cloudwatch/eventTarget:EventTarget");
            expect(targets.map((target) => target.inputs.arn)).toEqual([plan.outputs.operationsTopicArn]);
            expect(findingsStatementOf(plan)).toMatchObject({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: plan.outputs.operationsTopicArn });
        }
    });

    it("GIVEN the platform recovery that owns its region's detector WHEN planned idle THEN it creates it with its protection plans and forwards its findings", () => {
        const plan = stackOf(idle, "platform-us-east-1-recovery");
        expect(ofType(plan, DETECTOR).map((detector) => detector.inputs.enable)).toEqual([true]);
        expect(ofType(plan, "aws:guardduty/detectorFeature:DetectorFeature")).toHaveLength(6);
        expect(findingsRules(plan).map((rule) => rule.inputs.tags)).toEqual([undefined]);
        expect(findingsStatementOf(plan)).toBeDefined();
    });

    it("GIVEN every platform stack WHEN judged idle and active THEN guardduty-detector-enabled finds nothing", () => {
        for (const document of [idle, active]) {
            for (const plan of document.tenants.filter((candidate) => candidate.mode === "platform")) {
                expect(evaluate(stackFromPlan(plan), settingsFor(plan, document), [enableGuardDutyDetector]), plan.tenant).toEqual([]);
            }
        }
    });

    it("GIVEN the active platform recovery with its findings rule removed WHEN judged THEN guardduty-detector-enabled refuses it", () => {
        const plan = stackOf(active, "platform-eu-west-1-recovery");
        const stripped = { ...plan, resources: plan.resources.filter((resource) => !findingsRules(plan).includes(resource)) };
        expect(evaluate(stackFromPlan(stripped), settingsFor(plan, active), [enableGuardDutyDetector]).map((violation) => violation.resource)).toEqual(["platform-eu-west-1-recovery"]);
    });
});

describe("the drill copies are disposable", () => {
    async function drillOf(region: string): Promise<{ plan: TenantPlan; document: PlanDocument }> {
        const settings = PLATFORMS.settings.get(region)!;
        // The home platform first: the others read its outputs.
        const home = await planStack({ stack: "platform-eu-west-1", region: "eu-west-1", program: () => platformProgram("eu-west-1", PLATFORMS.settings.get("eu-west-1")!) });
        const stackOutputs = new Map([[qualifiedStackName("platform-eu-west-1"), home.snapshot]]);
        const production = await planStack({ stack: `platform-${region}`, region, stackOutputs, program: () => platformProgram(region, settings) });
        stackOutputs.set(qualifiedStackName(`platform-${region}`), production.snapshot);
        const stack = `platform-${region}-drill`;
        const { plan } = await planStack({
            stack,
            region: settings.offsiteRegion,
            config: { restoredDatabase: "restored-db" },
            stackOutputs,
            program: () => platformRecoveryProgram(region, "drill", settings, PLATFORMS, []),
        });
        const planned: TenantPlan = { tenant: stack, mode: "platform", region: settings.offsiteRegion, source: "fixtures", resources: plan.resources, outputs: plan.outputs };
        return { plan: planned, document: { ...idle, tenants: [...idle.tenants, planned] } };
    }

    it("GIVEN platform-us-east-1-drill WHEN planned THEN it adopts the recovery's detector and its door, keys and log bucket go with its teardown, under every mandatory rule", async () => {
        const { plan, document } = await drillOf("us-east-1");
        expect(ofType(plan, DETECTOR)).toEqual([]);
        expect(findingsRules(plan).map((rule) => (rule.inputs.tags as Record<string, unknown>)["guardduty-detector-owner"])).toEqual(["platform-us-east-1-recovery"]);
        expect(ofType(plan, "aws:lb/loadBalancer:LoadBalancer").map((lb) => lb.inputs.enableDeletionProtection)).toEqual([false]);
        const keys = ofType(plan, "aws:kms/key:Key");
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.map((key) => [key.retainOnDelete, key.protect, key.inputs.deletionWindowInDays])).toEqual(keys.map(() => [false, false, 7]));
        const logBuckets = ofType(plan, "aws:s3/bucket:Bucket").filter((bucket) => (bucket.inputs.tags as Record<string, unknown> | undefined)?.role === "access-logs");
        expect(logBuckets.map((bucket) => [bucket.inputs.forceDestroy, bucket.retainOnDelete])).toEqual([[true, false]]);
        // Nothing the stack keeps when destroyed.
        expect(plan.resources.filter((resource) => resource.retainOnDelete || resource.protect).map((resource) => resource.name)).toEqual([]);
        expect(evaluate(stackFromPlan(plan), settingsFor(plan, document), RULES).filter((violation) => violation.enforcement === "mandatory")).toEqual([]);
    });

    it("GIVEN acme-drill WHEN planned THEN its door, keys and log bucket are disposable too, and acme-recovery's are kept", async () => {
        const settings = PLATFORMS.settings.get("eu-west-1")!;
        const production = await planStack({ stack: "platform-eu-west-1", region: "eu-west-1", program: () => platformProgram("eu-west-1", settings) });
        const { plan } = await planStack({
            stack: "acme-drill",
            region: acme.offsiteRegion,
            config: { restoredDatabase: "restored-db" },
            stackOutputs: new Map([[qualifiedStackName("platform-eu-west-1"), production.snapshot]]),
            program: () => recoveryProgram(acme, "drill"),
        });
        expect(ofType(plan, "aws:lb/loadBalancer:LoadBalancer").map((lb) => lb.inputs.enableDeletionProtection)).toEqual([false]);
        // Nothing kept on destroy: no locked backup vault of its own either.
        expect(plan.resources.filter((resource) => resource.retainOnDelete || resource.protect).map((resource) => resource.name)).toEqual([]);
        const planned: TenantPlan = { tenant: "acme-drill", mode: "cloud", region: acme.offsiteRegion, source: "fixtures/acme.yaml", resources: plan.resources, outputs: plan.outputs };
        const document = { ...active, tenants: [...active.tenants, planned] };
        expect(evaluate(stackFromPlan(planned), settingsFor(planned, document), RULES).filter((violation) => violation.enforcement === "mandatory")).toEqual([]);
        const recovery = stackOf(active, "acme-recovery");
        expect(ofType(recovery, "aws:lb/loadBalancer:LoadBalancer").map((lb) => lb.inputs.enableDeletionProtection)).toEqual([true]);
        const keys = ofType(recovery, "aws:kms/key:Key");
        expect(keys.map((key) => key.name)).toContain("acme-keys-data");
        expect(keys.map((key) => [key.retainOnDelete, key.inputs.deletionWindowInDays])).toEqual(keys.map(() => [true, 30]));
    });
});

describe("a tenant recovery's alarm topic reaches people", () => {
    it("GIVEN acme-recovery WHEN planned THEN its topic pages the platform's alert addresses and lets CloudWatch and AWS Backup publish with its key", () => {
        for (const document of [idle, active]) {
            const plan = stackOf(document, "acme-recovery");
            const topics = ofType(plan, "aws:sns/topic:Topic").filter((topic) => topic.name === "acme-alerts");
            expect(topics).toHaveLength(1);
            const topic = topics[0]!;
            const subscriptions = ofType(plan, "aws:sns/topicSubscription:TopicSubscription");
            expect(subscriptions.map((subscription) => [subscription.inputs.protocol, subscription.inputs.endpoint])).toEqual(FIXTURE_PLATFORM_SETTINGS.alertEmails.map((address) => ["email", address]));
            expect(subscriptions.every((subscription) => String(subscription.inputs.topic) === plan.outputs.operationsTopicArn)).toBe(true);
            const policies = ofType(plan, "aws:sns/topicPolicy:TopicPolicy");
            expect(policies.map((policy) => policy.inputs.arn)).toEqual([plan.outputs.operationsTopicArn]);
            const statements = (JSON.parse(String(policies[0]!.inputs.policy)) as { Statement: { Sid: string; Principal: unknown; Action: unknown }[] }).Statement;
            expect(statements.find((statement) => statement.Sid === "AlarmsAndBackupEventsOfThisAccount")).toMatchObject({
                Principal: { Service: ["cloudwatch.amazonaws.com", "backup.amazonaws.com"] },
                Action: "sns:Publish",
            });
            const dataKey = ofType(plan, "aws:kms/key:Key").find((key) => key.name === "acme-keys-data")!;
            expect(String(topic.inputs.kmsMasterKeyId)).toContain(String(dataKey.id));
            const keyStatements = (JSON.parse(String(dataKey.inputs.policy)) as { Statement: { Sid: string; Principal: unknown; Action: unknown }[] }).Statement;
            expect(keyStatements.find((statement) => statement.Sid === "ServicesPublishToOperationsTopic")).toMatchObject({
                Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com"] },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            });
        }
    });
});
