// What AWS allows once per account (or per account and region), created once or adopted: the
// home platform owns the fleet's one trail and the base domain's one public zone, the other
// regions' platforms read them; GuardDuty is adopted when the account has a detector; and
// dedicated-saas tenants get their own load balancer, so 30 of them in a region meet no listener
// quota. Fleets built from fixtures, planned together.

import { beforeAll, describe, expect, it } from "vitest";

import { evaluate } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { enableCloudTrailAudit } from "../../policy/rules/operations/enableCloudTrailAudit";
import { enableGuardDutyDetector } from "../../policy/rules/operations/enableGuardDutyDetector";
import { planStack, qualifiedStackName } from "../../scripts/lib/plan/engine";
import { PlanDocument, planFleet, platformPlanOrder, TenantPlan } from "../../scripts/lib/plan/fleet";
import { platformProgram } from "../../stacks";
import { resolveTenant, Tenant, TenantDocument } from "../../stacks/config/tenant";
import { PLATFORM_DEFAULTS, PlatformSettings, platformSettingsProblems } from "../../stacks/config/platform-settings";
import { HOME_REGION } from "../../lib/platform";
import { platformFileText, platformFixture } from "../fixtures/platform-configs";
import { validatePlatformFile } from "../../stacks/config/platform-file";
import { ofType, stackOf, T } from "../graph";

const OTHER = "us-east-1";
const TRAIL = T.trail;
const ZONE = T.zone;
const RECORD = T.record;
const DETECTOR = T.guardDutyDetector;
const REFERENCE = T.stackReference;
const DETECTOR_ID = "0123456789abcdef0123456789abcdef";
const ORG_TRAIL = "arn:aws:cloudtrail:us-east-1:111122223333:trail/organization-trail";

function tenantsOf(docs: readonly TenantDocument[]): Tenant[] {
    return docs.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));
}

const planOf = stackOf;

const mandatoryOf = (document: PlanDocument, plan: TenantPlan, rule: typeof enableCloudTrailAudit) => evaluate(stackFromPlan(plan), settingsFor(plan, document), [rule]);

describe("GIVEN a fleet in the home region and in another region", () => {
    const fleet = tenantsOf([
        { tenant: "solo", company: "Solo", mode: "saas", region: HOME_REGION },
        { tenant: "yankee", company: "Yankee", mode: "dedicated-saas", region: OTHER, domain: { subdomain: "yankee" } },
    ]);
    let document: PlanDocument;
    beforeAll(async () => {
        document = await planFleet({ tenants: fleet, platformRegions: [HOME_REGION, OTHER], platforms: platformFixture([HOME_REGION, OTHER]) });
        expect(document.errors).toEqual([]);
    });

    it("WHEN planned THEN the home platform owns the one multi-region trail and the base domain's one public zone", () => {
        const home = planOf(document, `platform-${HOME_REGION}`);
        expect(ofType(home, TRAIL).map((trail) => trail.inputs.isMultiRegionTrail)).toEqual([true]);
        expect(ofType(home, ZONE).map((zone) => zone.inputs.name)).toEqual([PLATFORM_DEFAULTS.baseDomain]);
        expect(home.outputs.homeRegion).toBe(HOME_REGION);
        expect(home.outputs.appUrl).toBe(`https://app.${PLATFORM_DEFAULTS.baseDomain}`);
    });

    it("WHEN planned THEN the other region's platform creates no trail and no zone, reads them from the home platform and outputs what tenants need", () => {
        const home = planOf(document, `platform-${HOME_REGION}`);
        const other = planOf(document, `platform-${OTHER}`);
        expect(ofType(other, TRAIL)).toEqual([]);
        expect(ofType(other, ZONE)).toEqual([]);
        expect(ofType(other, REFERENCE).map((reference) => reference.inputs.name)).toEqual([qualifiedStackName(`platform-${HOME_REGION}`)]);
        const zoneId = ofType(home, ZONE)[0]!.id;
        expect(other.outputs.publicZoneId).toBe(zoneId);
        expect(other.outputs.auditTrailArn).toBe(home.outputs.auditTrailArn);
        expect(other.outputs.homeRegion).toBe(HOME_REGION);
        // Its shared app has a name of its own in the one zone, where its records go.
        expect(other.outputs.appUrl).toBe(`https://app.${OTHER}.${PLATFORM_DEFAULTS.baseDomain}`);
        const records = ofType(other, RECORD);
        expect(records.length).toBeGreaterThan(0);
        expect(records.every((record) => record.inputs.zoneId === zoneId)).toBe(true);
        // Only the home platform's key lets CloudTrail encrypt with it.
        const cloudTrailMay = (plan: TenantPlan) => ofType(plan, T.kmsKey).some((key) => String(key.inputs.policy).includes("cloudtrail.amazonaws.com"));
        expect(cloudTrailMay(home)).toBe(true);
        expect(cloudTrailMay(other)).toBe(false);
    });

    it("WHEN planned THEN a tenant of the other region puts its subdomain's records in the home zone, so it resolves like any other", () => {
        const zoneId = ofType(planOf(document, `platform-${HOME_REGION}`), ZONE)[0]!.id;
        const records = ofType(planOf(document, "yankee"), RECORD);
        expect(records.map((record) => record.inputs.name)).toContain(`yankee.${PLATFORM_DEFAULTS.baseDomain}`);
        expect(records.every((record) => record.inputs.zoneId === zoneId)).toBe(true);
    });

    it("WHEN the audit and detection rules run THEN every platform passes: the home one with its trail, the other through its reference", () => {
        for (const plan of document.tenants.filter((candidate) => candidate.mode === "platform" && candidate.recoveryOf === undefined)) {
            expect(mandatoryOf(document, plan, enableCloudTrailAudit), plan.tenant).toEqual([]);
            expect(mandatoryOf(document, plan, enableGuardDutyDetector), plan.tenant).toEqual([]);
        }
    });
});

describe("the plan's order of platforms", () => {
    it.each([
        [HOME_REGION, ["us-east-1", "eu-west-1", "ap-south-1"], ["eu-west-1", "ap-south-1", "us-east-1"]],
        [HOME_REGION, ["us-east-1"], ["eu-west-1", "us-east-1"]],
        ["us-east-1", ["eu-west-1", "us-east-1"], ["us-east-1", "eu-west-1"]],
    ])("GIVEN home %s and regions %j WHEN ordered THEN %j", (home, regions, expected) => {
        expect(platformPlanOrder(home, regions)).toEqual(expected);
    });

    it("GIVEN tenants only outside the home region WHEN planned THEN the home platform is planned first anyway (and shown with the platforms)", async () => {
        const fleet = tenantsOf([{ tenant: "yankee", company: "Yankee", mode: "saas", region: OTHER }]);
        const hidden = await planFleet({ tenants: fleet, platforms: platformFixture([OTHER]) });
        expect(hidden.errors).toEqual([]);
        expect(hidden.tenants.map((plan) => plan.tenant)).toEqual(["yankee"]);
        const shown = await planFleet({ tenants: fleet, platformRegions: [OTHER], platforms: platformFixture([OTHER]) });
        // Each platform followed by its recovery environment.
        expect(shown.tenants.map((plan) => plan.tenant)).toEqual([`platform-${HOME_REGION}`, `platform-${HOME_REGION}-recovery`, `platform-${OTHER}`, `platform-${OTHER}-recovery`, "yankee"]);
    });

    it("GIVEN homeRegion set to another region in every platform file WHEN planned THEN that region's platform owns the trail and zone", async () => {
        const fleet = tenantsOf([{ tenant: "solo", company: "Solo", mode: "saas", region: HOME_REGION }]);
        const document = await planFleet({ tenants: fleet, platformRegions: [HOME_REGION], platforms: platformFixture([HOME_REGION, OTHER], { homeRegion: OTHER }) });
        expect(document.errors).toEqual([]);
        const production = document.tenants.filter((plan) => plan.recoveryOf === undefined);
        expect(production.map((plan) => [plan.tenant, ofType(plan, TRAIL).length, ofType(plan, ZONE).length])).toEqual([
            [`platform-${OTHER}`, 1, 1],
            [`platform-${HOME_REGION}`, 0, 0],
            ["solo", 0, 0],
        ]);
    });

    it("GIVEN alertEmails WHEN the platform is planned THEN each address is an email subscription of the operations topic, named by a hash of the address; a file without the setting is refused", async () => {
        const settings = platformFixture([HOME_REGION], { alertEmails: ["oncall@example.com", "pager@example.org"] }).settings.get(HOME_REGION)!;
        const { plan } = await planStack({ stack: `platform-${HOME_REGION}`, region: HOME_REGION, config: {}, program: () => platformProgram(HOME_REGION, settings) });
        const topic = ofType(plan, "aws:sns/topic:Topic").find((resource) => resource.name === `platform-${HOME_REGION}-operations-topic`)!;
        const subscriptions = ofType(plan, "aws:sns/topicSubscription:TopicSubscription");
        expect(subscriptions.map((subscription) => [subscription.inputs.protocol, subscription.inputs.endpoint, subscription.inputs.topic]).sort()).toEqual([
            ["email", "oncall@example.com", topic.id],
            ["email", "pager@example.org", topic.id],
        ]);
        const reordered = await planStack({ stack: `platform-${HOME_REGION}`, region: HOME_REGION, config: {}, program: () => platformProgram(HOME_REGION, { ...settings, alertEmails: ["pager@example.org", "oncall@example.com"] }) });
        expect(ofType(reordered.plan, "aws:sns/topicSubscription:TopicSubscription").map((subscription) => subscription.name).sort()).toEqual(subscriptions.map((subscription) => subscription.name).sort());

        const file = `platform-configs/${HOME_REGION}.yaml`;
        expect(validatePlatformFile(file, Buffer.from(platformFileText(HOME_REGION, { alertEmails: undefined }))).problems).toEqual([
            { file, line: 2, column: 1, path: "/alertEmails", message: expect.stringMatching(/^is required: expected who the operations topic notifies/) },
        ]);
    });

    it("GIVEN a platform whose homeRegion differs from what the home stack says WHEN planned THEN it fails naming both", async () => {
        const config = {};
        const settings = platformFixture([HOME_REGION, OTHER]).settings;
        const { snapshot } = await planStack({ stack: `platform-${HOME_REGION}`, region: HOME_REGION, config, program: () => platformProgram(HOME_REGION, settings.get(HOME_REGION)) });
        const disagreeing = { ...snapshot, outputs: { ...snapshot.outputs, homeRegion: "eu-central-1" } };
        await expect(
            planStack({
                stack: `platform-${OTHER}`,
                region: OTHER,
                config,
                stackOutputs: new Map([[qualifiedStackName(`platform-${HOME_REGION}`), disagreeing]]),
                program: () => platformProgram(OTHER, settings.get(OTHER)),
            }),
        ).rejects.toThrow(`platform setting homeRegion: this stack says ${HOME_REGION}, but platform-${HOME_REGION} says eu-central-1`);
    });
});

describe("GIVEN the account's existing GuardDuty detector and organisation trail as platform settings", () => {
    const fleet = tenantsOf([
        { tenant: "solo", company: "Solo", mode: "saas", region: HOME_REGION },
        { tenant: "yankee", company: "Yankee", mode: "saas", region: OTHER },
    ]);
    let adopted: PlanDocument;
    beforeAll(async () => {
        adopted = await planFleet({
            tenants: fleet,
            platformRegions: [HOME_REGION, OTHER],
            platforms: platformFixture([HOME_REGION, OTHER], { guardDutyDetectorId: DETECTOR_ID, organizationTrailArn: ORG_TRAIL }),
        });
        expect(adopted.errors).toEqual([]);
    });

    it("WHEN planned THEN no platform creates a detector or its features but EBS malware protection; the findings rule names the adopted detector, which the outputs pass on", () => {
        for (const plan of adopted.tenants.filter((candidate) => candidate.mode === "platform" && candidate.recoveryOf === undefined)) {
            expect(ofType(plan, DETECTOR), plan.tenant).toEqual([]);
            // Malware scanning is promised in every region: turned on for the adopted detector, by its one adopter.
            expect(ofType(plan, "aws:guardduty/detectorFeature:DetectorFeature").map((feature) => feature.inputs), plan.tenant).toEqual([
                { detectorId: DETECTOR_ID, name: "EBS_MALWARE_PROTECTION", status: "ENABLED" },
            ]);
            const rules = ofType(plan, "aws:cloudwatch/eventRule:EventRule").filter((rule) => String(rule.inputs.eventPattern).includes("aws.guardduty"));
            expect(rules.map((rule) => rule.inputs.tags), plan.tenant).toEqual([{ "guardduty-detector": DETECTOR_ID }]);
            expect(plan.outputs.guardDutyDetectorId, plan.tenant).toBe(DETECTOR_ID);
            expect(mandatoryOf(adopted, plan, enableGuardDutyDetector), plan.tenant).toEqual([]);
        }
    });

    it("WHEN planned THEN no platform creates a trail; the home platform records the organisation's, every platform outputs it and passes the audit rule", () => {
        for (const plan of adopted.tenants.filter((candidate) => candidate.mode === "platform" && candidate.recoveryOf === undefined)) {
            expect(ofType(plan, TRAIL), plan.tenant).toEqual([]);
            expect(plan.outputs.auditTrailArn, plan.tenant).toBe(ORG_TRAIL);
            expect(mandatoryOf(adopted, plan, enableCloudTrailAudit), plan.tenant).toEqual([]);
        }
        const records = ofType(planOf(adopted, `platform-${HOME_REGION}`), "aws:ssm/parameter:Parameter").filter((parameter) => parameter.inputs.insecureValue === ORG_TRAIL);
        expect(records.map((record) => record.inputs.tags)).toEqual([{ "audit-trail": "organization" }]);
    });

    it("WHEN a detector is created instead (no setting) THEN it carries every protection plan explicitly", async () => {
        const created = await planFleet({ tenants: fleet.slice(0, 1), platformRegions: [HOME_REGION], platforms: platformFixture([HOME_REGION]) });
        const home = planOf(created, `platform-${HOME_REGION}`);
        expect(ofType(home, DETECTOR)).toHaveLength(1);
        expect(ofType(home, "aws:guardduty/detectorFeature:DetectorFeature").map((feature) => feature.inputs.detectorId)).toEqual(
            Array(6).fill(ofType(home, DETECTOR)[0]!.id),
        );
    });
});

describe("GIVEN 30 dedicated-saas tenants in one region", () => {
    const docs: TenantDocument[] = Array.from({ length: 30 }, (_, i) => ({
        tenant: `tenant-${String(i).padStart(2, "0")}`,
        company: `Tenant ${i}`,
        mode: "dedicated-saas" as const,
        region: HOME_REGION,
        domain: { subdomain: `tenant-${String(i).padStart(2, "0")}` },
    }));
    let document: PlanDocument;
    beforeAll(async () => {
        document = await planFleet({ tenants: tenantsOf(docs), platformRegions: [HOME_REGION], platforms: platformFixture([HOME_REGION]) });
    });

    it("WHEN planned THEN there is no problem, and 30 front doors of their own besides the platform's", () => {
        expect(document.errors).toEqual([]);
        const tenantPlans = document.tenants.filter((plan) => plan.mode === "dedicated-saas");
        expect(tenantPlans).toHaveLength(30);
        for (const plan of tenantPlans) {
            expect(ofType(plan, T.loadBalancer), plan.tenant).toHaveLength(1);
        }
        expect(ofType(planOf(document, `platform-${HOME_REGION}`), T.loadBalancer)).toHaveLength(1);
    });

    it("WHEN planned THEN no listener carries more than its default certificate, nor any rule: nothing is added to a shared listener", () => {
        const everything = document.tenants.flatMap((plan) => plan.resources);
        expect(everything.filter((resource) => resource.type === "aws:lb/listenerCertificate:ListenerCertificate")).toEqual([]);
        expect(everything.filter((resource) => resource.type === "aws:lb/listenerRule:ListenerRule")).toEqual([]);
        for (const plan of document.tenants.filter((candidate) => candidate.mode === "dedicated-saas")) {
            const own = new Set(ofType(plan, T.loadBalancer).map((lb) => lb.id));
            expect(ofType(plan, T.listener).every((listener) => own.has(String(listener.inputs.loadBalancerArn))), plan.tenant).toBe(true);
        }
    });

    it("WHEN planned THEN the shared servers admit all 30 doors with one rule, whatever their number", () => {
        const platform = planOf(document, `platform-${HOME_REGION}`);
        const group = String(platform.outputs.tenantFrontDoorSecurityGroupId);
        expect(ofType(platform, T.ingress).filter((rule) => rule.inputs.referencedSecurityGroupId === group)).toHaveLength(1);
        for (const plan of document.tenants.filter((candidate) => candidate.mode === "dedicated-saas")) {
            expect(ofType(plan, T.loadBalancer)[0]!.inputs.securityGroups, plan.tenant).toContain(group);
            // No tenant adds a rule to the platform's groups.
            expect(ofType(plan, T.ingress).filter((rule) => rule.inputs.securityGroupId === group), plan.tenant).toEqual([]);
        }
    });
});

describe("the once-per-account platform settings", () => {
    const valid: PlatformSettings = {
        ...PLATFORM_DEFAULTS,
        offsiteGatewayIp: "81.2.69.160",
        offsiteRegion: "eu-central-1",
        organizationTrailArn: undefined,
        guardDutyDetectorId: undefined,
        alertEmails: ["oncall@example.com", "pager+ops@example.org"],
    };

    it("GIVEN the defaults WHEN checked THEN the home region is eu-west-1 and nothing is wrong", () => {
        expect(HOME_REGION).toBe("eu-west-1");
        expect(platformSettingsProblems(valid)).toEqual([]);
        expect(platformSettingsProblems({ ...valid, organizationTrailArn: ORG_TRAIL, guardDutyDetectorId: DETECTOR_ID })).toEqual([]);
        // The longest base domain a certificate's short first name fits under (ACM's 64).
        expect(platformSettingsProblems({ ...valid, baseDomain: `${"a".repeat(34)}.example.net` })).toEqual([]);
    });

    it.each([
        [{ homeRegion: "eu-west-9" }, 'homeRegion: "eu-west-9" is not a supported AWS region; expected the region whose platform owns the trail and the public zone, e.g. eu-west-1'],
        [{ organizationTrailArn: "organization-trail" }, 'organizationTrailArn: "organization-trail" is not a CloudTrail trail ARN; expected e.g. arn:aws:cloudtrail:eu-west-1:111122223333:trail/organization-trail'],
        [{ guardDutyDetectorId: "ABC" }, 'guardDutyDetectorId: "ABC" is not a GuardDuty detector id; expected 32 hexadecimal characters (aws guardduty list-detectors --region <region>)'],
        [
            { baseDomain: `${"a".repeat(35)}.example.net` },
            `baseDomain: "${"a".repeat(35)}.example.net" has 47 characters; at most 46, so that a certificate's first name under it (<12 hex>.cert.<baseDomain>) fits ACM's 64 characters`,
        ],
        [{ alertEmails: ["Ops Team <ops@example.com>"] }, 'alertEmails[0]: "Ops Team <ops@example.com>" is not an email address (e.g. oncall@example.com)'],
        [{ alertEmails: ["oncall@example.com", "OnCall@Example.com"] }, 'alertEmails[1]: "OnCall@Example.com" is listed twice; list each address once'],
        [
            { alertEmails: Array.from({ length: 11 }, (_, i) => `person${i}@example.com`) },
            "alertEmails: has 11 addresses; at most 10 (subscribe a list address or the pager's email integration instead)",
        ],
    ])("GIVEN %j WHEN checked THEN: %s", (change, message) => {
        expect(platformSettingsProblems({ ...valid, ...change })).toEqual([message]);
    });
});
