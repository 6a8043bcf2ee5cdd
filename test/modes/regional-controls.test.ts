// Issue 17, deliverable 1 (first half): in each region one stack (the production platform, else the
// platform recovery that owns the region's GuardDuty detector) holds the network-change alarms and
// AWS Config; the operations topic's one policy admits every rule publishing to it; GuardDuty's
// malware protection is on for owned and adopted detectors; the same owner holds the weekly controls
// report and data sync, and every stack with servers inventories and scans its patch group. On the
// graph the offline plan registers.

import { beforeAll, describe, expect, it } from "vitest";

import { NETWORK_CHANGE_KINDS } from "../../lib/promises/network-changes";
import { CONTROLS_RULES } from "../../policy/rules/controls";
import { enableConfigRecorder } from "../../policy/rules/controls/enableConfigRecorder";
import { enableGuardDutyMalwareProtection } from "../../policy/rules/controls/enableGuardDutyMalwareProtection";
import { enforceNetworkChangeAlarms } from "../../policy/rules/controls/enforceNetworkChangeAlarms";
import { evaluate } from "../../policy/rules/evaluate";
import { missingControlsReport } from "../../policy/rules/operations/missingControlsReport";
import { missingInventoryAndPatchScan } from "../../policy/rules/operations/missingInventoryAndPatchScan";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { planStack, PlannedResource } from "../../scripts/lib/plan/engine";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { platformProgram } from "../../stacks";
import { resolveTenant } from "../../stacks/config/tenant";
import { platformFixture } from "../fixtures/platform-configs";
import { ofType, stackOf } from "../graph";

const REGIONS = ["eu-central-1", "eu-west-1", "us-east-1"];
const PLATFORMS = platformFixture(REGIONS);
const RECORDER = "aws:cfg/recorder:Recorder";
const SYNC = "aws:ssm/resourceDataSync:ResourceDataSync";
const FUNCTION = "aws:lambda/function:Function";
const ASSOCIATION = "aws:ssm/association:Association";
const CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel";
const STATUS = "aws:cfg/recorderStatus:RecorderStatus";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const FEATURE = "aws:guardduty/detectorFeature:DetectorFeature";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const DETECTOR_ID = "0123456789abcdef0123456789abcdef";

const acme = resolveTenant({ tenant: "acme", company: "ACME", mode: "cloud", region: "eu-west-1", domain: { subdomain: "acme" }, network: { cidr: "10.20.0.0/16" } }, "fixtures/acme.yaml");

let idle: PlanDocument;
let active: PlanDocument;
beforeAll(async () => {
    idle = await planFleet({ tenants: [acme], platformRegions: REGIONS, platforms: PLATFORMS });
    active = await planFleet({ tenants: [acme], platformRegions: REGIONS, platforms: PLATFORMS, config: { recoveryActive: "true", restoredDatabase: "restored-db" } });
    expect(idle.errors).toEqual([]);
    expect(active.errors).toEqual([]);
});

const networkRules = (plan: Pick<TenantPlan, "resources">): PlannedResource[] => ofType(plan, RULE).filter((rule) => String(rule.inputs.eventPattern).includes('"aws.ec2"'));

/** [region, stack] of every stack holding `type`, sorted. */
function holders(document: PlanDocument, holds: (plan: TenantPlan) => boolean): string[][] {
    return document.tenants
        .filter(holds)
        .map((plan) => [plan.region!, plan.tenant])
        .sort();
}

const OWNERS = [
    ["eu-central-1", "platform-eu-central-1"],
    ["eu-west-1", "platform-eu-west-1"],
    ["us-east-1", "platform-us-east-1"],
    ["us-west-2", "platform-us-east-1-recovery"],
];

describe("the region's controls live with its owner", () => {
    it.each([
        [RECORDER, (plan: TenantPlan) => ofType(plan, RECORDER).length === 1],
        [CHANNEL, (plan: TenantPlan) => ofType(plan, CHANNEL).length === 1],
        [STATUS, (plan: TenantPlan) => ofType(plan, STATUS).length === 1],
        ["the network-change rules", (plan: TenantPlan) => networkRules(plan).length === NETWORK_CHANGE_KINDS.length],
    ])("GIVEN the fleet WHEN planned idle and active THEN exactly the region owners hold %s (never a tenant, never a recovery that adopts its region's detector)", (_what, holds) => {
        expect(holders(idle, holds)).toEqual(OWNERS);
        expect(holders(active, holds)).toEqual(OWNERS);
        const others = [...idle.tenants, ...active.tenants].filter((plan) => !OWNERS.some(([, stack]) => stack === plan.tenant));
        expect(others.flatMap((plan) => [...ofType(plan, RECORDER), ...ofType(plan, CHANNEL), ...ofType(plan, STATUS), ...networkRules(plan)])).toEqual([]);
    });

    it.each(OWNERS.map(([, stack]) => stack!))("GIVEN %s WHEN planned THEN each network-change rule targets its own operations topic, whose one policy admits the findings rule and all four", (stack) => {
        const plan = stackOf(idle, stack);
        const topic = plan.outputs.operationsTopicArn;
        const rules = networkRules(plan);
        for (const rule of rules) {
            const targets = ofType(plan, TARGET).filter((target) => target.inputs.rule === rule.inputs.name);
            expect(targets.map((target) => target.inputs.arn)).toEqual([topic]);
        }
        const policies = ofType(plan, TOPIC_POLICY).filter((policy) => policy.inputs.arn === topic);
        expect(policies).toHaveLength(1);
        const statement = (JSON.parse(String(policies[0]!.inputs.policy)) as { Statement: { Sid: string; Condition: { ArnEquals: { "aws:SourceArn": string[] } } }[] }).Statement.find(
            (candidate) => candidate.Sid === "GuardDutyFindingsFromEventBridge",
        )!;
        const admitted = statement.Condition.ArnEquals["aws:SourceArn"];
        expect(admitted).toHaveLength(1 + NETWORK_CHANGE_KINDS.length);
        for (const rule of rules) {
            expect(admitted).toContain(`arn:aws:events:${plan.region}:123456789012:rule/${String(rule.inputs.name)}`);
        }
    });

    it("GIVEN the owners WHEN planned THEN only the home platform records the global types (IAM), once for the account", () => {
        const global = idle.tenants.flatMap((plan) => ofType(plan, RECORDER).map((recorder) => [plan.tenant, (recorder.inputs.recordingGroup as { includeGlobalResourceTypes: boolean }).includeGlobalResourceTypes]));
        expect(global.sort()).toEqual([
            ["platform-eu-central-1", false],
            ["platform-eu-west-1", true],
            ["platform-us-east-1", false],
            ["platform-us-east-1-recovery", false],
        ]);
    });

    it("GIVEN every stack of the fleet WHEN judged idle and active THEN the control rules find nothing", () => {
        for (const document of [idle, active]) {
            for (const plan of document.tenants) {
                expect(evaluate(stackFromPlan(plan), settingsFor(plan, document), CONTROLS_RULES), plan.tenant).toEqual([]);
            }
        }
    });

    it.each([
        ["the recorder", (resource: PlannedResource) => resource.type === RECORDER, enableConfigRecorder, "config-recorder-enabled"],
        ["the recorder status", (resource: PlannedResource) => resource.type === STATUS, enableConfigRecorder, "config-recorder-enabled"],
        ["the route-table rule", (resource: PlannedResource) => resource.type === RULE && String(resource.name).endsWith("-network-changes-route-tables"), enforceNetworkChangeAlarms, "cloudwatch-event-rule-network-changes"],
        ["the malware protection plan", (resource: PlannedResource) => resource.type === FEATURE && resource.inputs.name === "EBS_MALWARE_PROTECTION", enableGuardDutyMalwareProtection, "guardduty-detector-malware-protection"],
    ])("GIVEN the platform recovery owning us-west-2 without %s WHEN judged THEN refused, naming the stack", (_what, removed, rule, name) => {
        const plan = stackOf(idle, "platform-us-east-1-recovery");
        const broken = { ...plan, resources: plan.resources.filter((resource) => !removed(resource)) };
        const violations = evaluate(stackFromPlan(broken), settingsFor(plan, idle), [rule]);
        expect(violations.map((violation) => [violation.policy, violation.resource])).toContainEqual([name, "platform-us-east-1-recovery"]);
    });
});

describe("GuardDuty malware protection on an adopted detector", () => {
    it("GIVEN the home platform adopting the organisation's detector by id WHEN planned THEN it turns EBS malware protection on for that detector, once, and the rule agrees; without it the rule refuses", async () => {
        const platforms = platformFixture(REGIONS, {}, { "eu-west-1": { guardDutyDetectorId: DETECTOR_ID } });
        const { plan } = await planStack({ stack: "platform-eu-west-1", region: "eu-west-1", program: () => platformProgram("eu-west-1", platforms.settings.get("eu-west-1")!) });
        const planned: TenantPlan = { tenant: "platform-eu-west-1", mode: "platform", region: "eu-west-1", source: "fixtures", resources: plan.resources, outputs: plan.outputs };
        expect(ofType(planned, "aws:guardduty/detector:Detector")).toEqual([]);
        expect(ofType(planned, FEATURE).map((feature) => feature.inputs)).toEqual([{ detectorId: DETECTOR_ID, name: "EBS_MALWARE_PROTECTION", status: "ENABLED" }]);
        const document = { tenants: [planned] };
        expect(evaluate(stackFromPlan(planned), settingsFor(planned, document), [enableGuardDutyMalwareProtection])).toEqual([]);
        const without = { ...planned, resources: planned.resources.filter((resource) => resource.type !== FEATURE) };
        expect(evaluate(stackFromPlan(without), settingsFor(planned, document), [enableGuardDutyMalwareProtection]).map((violation) => violation.resource)).toEqual(["platform-eu-west-1"]);
    });
});

describe("the weekly controls across a fleet", () => {
    it.each([["idle", () => idle], ["active", () => active]])("GIVEN the fleet %s WHEN planned THEN exactly one stack per region holds the data sync and the report: the production platform, else the first platform recovery there", (_, document) => {
        const holders = (type: string) =>
            document()
                .tenants.filter((plan) => ofType(plan, type).length > 0)
                .map((plan) => [plan.region, plan.tenant])
                .sort();
        const expected = [
            ["eu-central-1", "platform-eu-central-1"],
            ["eu-west-1", "platform-eu-west-1"],
            ["us-east-1", "platform-us-east-1"],
            ["us-west-2", "platform-us-east-1-recovery"],
        ];
        expect(holders(SYNC)).toEqual(expected);
        expect(holders(FUNCTION)).toEqual(expected);
    });

    it("GIVEN the fleet WHEN planned THEN every stack with servers inventories and scans its patch group, and idle recoveries (no servers) have neither", () => {
        for (const plan of idle.tenants) {
            const servers = ofType(plan, "aws:ec2/instance:Instance").length;
            const documents = ofType(plan, ASSOCIATION).map((association) => association.inputs.name);
            expect(documents.includes("AWS-GatherSoftwareInventory"), plan.tenant).toBe(servers > 0);
            expect(documents.includes("AWS-RunPatchBaseline"), plan.tenant).toBe(servers > 0);
        }
        const recovery = active.tenants.find((plan) => plan.tenant === "platform-eu-west-1-recovery")!;
        expect(ofType(recovery, ASSOCIATION).filter((association) => association.inputs.name === "AWS-GatherSoftwareInventory").map((association) => association.inputs.targets)).toEqual([
            [{ key: "tag:PatchGroup", values: ["platform-eu-west-1-recovery"] }],
        ]);
    });

    it("GIVEN both plans WHEN judged by the two rules THEN nothing is found", () => {
        for (const document of [idle, active]) {
            for (const plan of document.tenants) {
                expect(evaluate(stackFromPlan(plan), settingsFor(plan, document), [missingControlsReport, missingInventoryAndPatchScan]), plan.tenant).toEqual([]);
            }
        }
    });
});
