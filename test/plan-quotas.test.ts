// Fleet-wide quotas (scripts/lib/plan/quotas.ts): counted per region over every planned stack, an
// error where AWS refuses the create, a warning where it fails later (the backup promise's
// snapshots); the applied values from the one checked-in quota file.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { recoveryPointsKept, rulesFor, runsPerWeek } from "../lib/promises/backup-schedule";
import type { PlannedResource } from "../scripts/lib/plan/engine";
import { PlanDocument, planFleet } from "../scripts/lib/plan/fleet";
import { AppliedQuotas, loadQuotas, QUOTA_FILE, QuotaFile, quotaFileProblems, readQuotas } from "../scripts/lib/plan/quota-file";
import { quotaProblems } from "../scripts/lib/plan/quota-problems";
import { CountedStack, countUsage } from "../scripts/lib/plan/quota-usage";
import { QuotaKey, QUOTAS } from "../scripts/lib/plan/quotas";
import { resolveTenant, Tenant, TenantDocument } from "../stacks/config/tenant";

const ROOT = path.resolve(__dirname, "..");
const REGION = "eu-west-1";
const PARTNER = "eu-central-1";
const ACCOUNT = "123456789012";

function resource(type: string, name: string, id: string, inputs: Record<string, unknown> = {}): PlannedResource {
    return { type, name, id, parent: null, inputs, protect: false, retainOnDelete: false };
}

/** The checked-in quotas with some values replaced (a fixture, never the checked-in file changed). */
function quotasWith(change: (file: { defaults: Record<string, { value: number; source: string }>; regions: Record<string, Record<string, { value: number; source: string }>> }) => void): AppliedQuotas {
    const checked = loadQuotas(ROOT);
    const copy = JSON.parse(JSON.stringify(checked.quotas)) as QuotaFile & { defaults: Record<string, { value: number; source: string }>; regions: Record<string, Record<string, { value: number; source: string }>> };
    change(copy);
    return { file: "test/fixtures/service-quotas.json", quotas: copy, text: JSON.stringify(copy, null, 4) };
}

describe("the backup promise's snapshots, derived from its schedule", () => {
    it.each([
        ["cron(0 0/2 * * ? *)", 84],
        ["cron(0 1 * * ? *)", 7],
        ["cron(0 3 ? * MON *)", 1],
        ["cron(0 3 ? * MON,THU *)", 2],
        ["cron(0 1/6 * * ? *)", 28],
    ])("GIVEN %s WHEN its runs are counted THEN it runs %i times a week", (schedule, runs) => {
        expect(runsPerWeek(schedule)).toBe(runs);
    });

    it("GIVEN the promise's database rules WHEN the recovery points kept at the peak are counted THEN 84 + 31 + 1 = 116 per database at home and 84 + 31 + 53 = 168 off-site (52.14 weekly on average)", () => {
        expect(rulesFor("database").map((rule) => recoveryPointsKept({ schedule: rule.schedule, deleteAfterDays: rule.keepDays.home }))).toEqual([84, 31, 1]);
        expect(rulesFor("database").map((rule) => recoveryPointsKept({ schedule: rule.schedule, deleteAfterDays: rule.keepDays.offsite }))).toEqual([84, 31, 53]);
    });

    it("GIVEN a schedule of a shape that cannot be counted WHEN counted THEN it throws rather than guess", () => {
        expect(() => runsPerWeek("rate(1 day)")).toThrow();
    });
});

describe("countUsage over stacks", () => {
    const vaultArn = (region: string, name: string) => `arn:aws:backup:${region}:${ACCOUNT}:backup-vault:${name}`;
    const rdsArn = `arn:aws:rds:${REGION}:${ACCOUNT}:db:acme-database-db-1234567`;
    const databaseRules = rulesFor("database").map((rule) => ({
        ruleName: rule.name,
        schedule: rule.schedule,
        lifecycle: { deleteAfter: rule.keepDays.home },
        copyActions: [{ destinationVaultArn: vaultArn(PARTNER, "acme-offsite-vault-1234567"), lifecycle: { deleteAfter: rule.keepDays.offsite } }],
    }));
    const acme: CountedStack = {
        tenant: "acme",
        region: REGION,
        resources: [
            resource("aws:lb/loadBalancer:LoadBalancer", "acme-alb", `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/acme-alb-1234567/0123456789abcdef`, {}),
            resource("aws:lb/loadBalancer:LoadBalancer", "acme-nlb", `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/net/acme-nlb-1234567/0123456789abcdef`, { loadBalancerType: "network" }),
            resource("aws:backup/vault:Vault", "acme-vault", "acme-vault-1234567"),
            resource("aws:backup/vault:Vault", "acme-offsite-vault", "acme-offsite-vault-1234567"),
            resource("aws:backup/plan:Plan", "acme-database-plan", "plan-1", { rules: databaseRules }),
            resource("aws:backup/plan:Plan", "acme-files-plan", "plan-2", { rules: [] }),
            resource("aws:backup/selection:Selection", "acme-database-selection", "selection-1", { planId: "plan-1", resources: [rdsArn] }),
            resource("aws:rds/instance:Instance", "acme-database-db", "db-1"),
        ],
    };
    const platform: CountedStack = {
        tenant: "platform-eu-west-1",
        region: REGION,
        resources: [resource("aws:cloudtrail/trail:Trail", "platform-eu-west-1-audit-trail", "trail", { isMultiRegionTrail: true })],
    };

    it("GIVEN a tenant and the home platform WHEN counted THEN each quota is counted in the region AWS counts it in", () => {
        const usage = countUsage([platform, acme]);
        const counts = (region: string) => Object.fromEntries([...(usage.get(region) ?? new Map()).entries()].map(([key, value]) => [key, value.count]));
        const perDatabase = (side: "home" | "offsite") => rulesFor("database").reduce((sum, rule) => sum + recoveryPointsKept({ schedule: rule.schedule, deleteAfterDays: rule.keepDays[side] }), 0);
        expect([perDatabase("home"), perDatabase("offsite")]).toEqual([116, 168]);
        expect(counts(REGION)).toEqual({ applicationLoadBalancers: 1, backupVaults: 1, backupPlans: 2, rdsInstances: 1, rdsManualSnapshots: perDatabase("home"), cloudTrailTrails: 1 });
        // The off-site vault and the snapshots' copies are in the partner region (the weekly ones kept a year there only); the multi-region trail is there too.
        expect(counts(PARTNER)).toEqual({ backupVaults: 1, rdsManualSnapshots: perDatabase("offsite"), cloudTrailTrails: 1 });
        expect(usage.get(REGION)?.get("backupPlans")?.byStack.get("acme")).toBe(2);
    });

    it("GIVEN a single-region trail WHEN counted THEN it counts in its own region only", () => {
        const single: CountedStack = { tenant: "x", region: PARTNER, resources: [resource("aws:cloudtrail/trail:Trail", "t", "t", { isMultiRegionTrail: false })] };
        const usage = countUsage([acme, single]);
        expect(usage.get(PARTNER)?.get("cloudTrailTrails")?.count).toBe(1);
        expect(usage.get(REGION)?.get("cloudTrailTrails")).toBeUndefined();
    });

    it("GIVEN a database rule without a lifecycle WHEN counted THEN its snapshots are unbounded and warned about, never a silent pass", () => {
        const forever: CountedStack = {
            ...acme,
            resources: acme.resources.map((item) =>
                item.name === "acme-database-plan" ? { ...item, inputs: { rules: [{ ...databaseRules[0], lifecycle: undefined, copyActions: [] }] } } : item,
            ),
        };
        const { warnings } = quotaProblems(countUsage([forever]), loadQuotas(ROOT));
        expect(warnings.map((warning) => warning.message)).toEqual([expect.stringContaining(`${REGION}: an unbounded number (a rule keeps them for good`)]);
    });
});

describe("quotaProblems", () => {
    const stackWith = (tenant: string, type: string, count: number, inputs: Record<string, unknown> = {}): CountedStack => ({
        tenant,
        region: REGION,
        resources: Array.from({ length: count }, (_, i) => resource(type, `${tenant}-${i}`, `${tenant}-${i}`, inputs)),
    });

    it("GIVEN 51 application load balancers in a region under the default 50 WHEN judged THEN one error names the quota, its code, the count, the limit and how to raise it", () => {
        const { errors, warnings } = quotaProblems(countUsage([stackWith("fleet", "aws:lb/loadBalancer:LoadBalancer", 51)]), loadQuotas(ROOT));
        expect(warnings).toEqual([]);
        expect(errors).toHaveLength(1);
        const [error] = errors;
        expect(error).toMatchObject({ file: QUOTA_FILE, path: "/defaults/applicationLoadBalancers" });
        const text = fs.readFileSync(path.join(ROOT, QUOTA_FILE), "utf8").split("\n");
        expect(text[error!.line - 1]).toContain('"applicationLoadBalancers"');
        expect(error!.message).toBe(
            `${REGION}: 51 planned of application load balancers; the quota "Application Load Balancers per Region" (elasticloadbalancing L-53DA6B97) is 50 in ${QUOTA_FILE} (/defaults/applicationLoadBalancers); ` +
                "AWS refuses what goes beyond it. Largest: fleet 51. " +
                `Raise it: aws service-quotas request-service-quota-increase --region ${REGION} --service-code elasticloadbalancing --quota-code L-53DA6B97 --desired-value 51, ` +
                `then record the granted value under regions.${REGION}.applicationLoadBalancers in ${QUOTA_FILE}`,
        );
    });

    it("GIVEN 201 Route 53 health checks spread over two regions WHEN judged THEN one error for the account (a global quota, raised in us-east-1)", () => {
        const healthChecks = (tenant: string, region: string, count: number): CountedStack => ({ ...stackWith(tenant, "aws:route53/healthCheck:HealthCheck", count), region });
        const fleet = [healthChecks("eu", REGION, 150), healthChecks("us", "us-west-2", 51)];
        const usage = countUsage(fleet);
        expect(usage.get("us-east-1")?.get("route53HealthChecks")?.count).toBe(201);
        expect(usage.get(REGION)?.has("route53HealthChecks")).toBe(false);
        const { errors } = quotaProblems(usage, loadQuotas(ROOT));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({ file: QUOTA_FILE, path: "/defaults/route53HealthChecks" });
        expect(errors[0]!.message).toBe(
            `the account (every region; Service Quotas shows it in us-east-1): 201 planned of Route 53 health checks over the whole account (one per public front door, for DNS failover); ` +
                `the quota "Health checks" (route53 L-ACB674F3) is 200 in ${QUOTA_FILE} (/defaults/route53HealthChecks); AWS refuses what goes beyond it. Largest: eu 150, us 51. ` +
                `Raise it: aws service-quotas request-service-quota-increase --region us-east-1 --service-code route53 --quota-code L-ACB674F3 --desired-value 201, ` +
                `then record the granted value under regions.us-east-1.route53HealthChecks in ${QUOTA_FILE}`,
        );
        expect(quotaProblems(countUsage([healthChecks("eu", REGION, 150), healthChecks("us", "us-west-2", 50)]), loadQuotas(ROOT)).errors).toEqual([]);
    });

    it("GIVEN 1,001 IAM roles and instance profiles spread over stacks of three regions WHEN judged THEN one error each for the account (IAM is global, shown in us-east-1)", () => {
        const iam = (tenant: string, region: string, type: string, count: number): CountedStack => ({ ...stackWith(tenant, type, count), region });
        const roles = [iam("eu", REGION, "aws:iam/role:Role", 600), iam("eu-recovery", PARTNER, "aws:iam/role:Role", 300), iam("us", "us-west-2", "aws:iam/role:Role", 101)];
        const profiles = [iam("eu", REGION, "aws:iam/instanceProfile:InstanceProfile", 1000), iam("us", "us-west-2", "aws:iam/instanceProfile:InstanceProfile", 1)];
        const usage = countUsage([...roles, ...profiles]);
        expect(usage.get("us-east-1")?.get("iamRoles")?.count).toBe(1001);
        expect(usage.get("us-east-1")?.get("iamInstanceProfiles")?.count).toBe(1001);
        expect(usage.get(REGION)?.has("iamRoles")).toBe(false);
        const { errors } = quotaProblems(usage, loadQuotas(ROOT));
        expect(errors.map((error) => error.path)).toEqual(["/defaults/iamRoles", "/defaults/iamInstanceProfiles"]);
        const text = fs.readFileSync(path.join(ROOT, QUOTA_FILE), "utf8").split("\n");
        expect(text[errors[0]!.line - 1]).toContain('"iamRoles"');
        expect(errors[0]!.message).toBe(
            `the account (every region; Service Quotas shows it in us-east-1): 1001 planned of IAM roles over the whole account (IAM is global: every stack's, in every region); ` +
                `the quota "Roles per account" (iam L-FE177D64) is 1000 in ${QUOTA_FILE} (/defaults/iamRoles); AWS refuses what goes beyond it. Largest: eu 600, eu-recovery 300, us 101. ` +
                `Raise it: aws service-quotas request-service-quota-increase --region us-east-1 --service-code iam --quota-code L-FE177D64 --desired-value 1001, ` +
                `then record the granted value under regions.us-east-1.iamRoles in ${QUOTA_FILE}`,
        );
        expect(errors[1]!.message).toContain('the quota "Instance profiles per account" (iam L-6E65F664) is 1000');
        expect(quotaProblems(countUsage([iam("eu", REGION, "aws:iam/role:Role", 1000)]), loadQuotas(ROOT)).errors).toEqual([]);
    });

    it("GIVEN more IAM roles than AWS's maximum of 5,000 WHEN judged against the highest raise THEN the error says no raise holds them", () => {
        const raised = quotasWith((file) => {
            file.regions["us-east-1"] = { iamRoles: { value: 5000, source: "case 7, granted" } };
        });
        const { errors } = quotaProblems(countUsage([stackWith("fleet", "aws:iam/role:Role", 5001)]), raised);
        expect(errors.map((error) => error.path)).toEqual(["/regions/us-east-1/iamRoles"]);
        expect(errors[0]!.message).toContain("AWS raises this quota to at most 5000");
        expect(errors[0]!.message).toContain("no raise holds them in one account");
        expect(errors[0]!.message).not.toContain("request-service-quota-increase");
    });

    it("GIVEN exactly the quota WHEN judged THEN there is no problem; a raise recorded for the region lifts the limit there only", () => {
        expect(quotaProblems(countUsage([stackWith("fleet", "aws:lb/loadBalancer:LoadBalancer", 50)]), loadQuotas(ROOT)).errors).toEqual([]);
        const raised = quotasWith((file) => {
            file.regions[REGION] = { applicationLoadBalancers: { value: 60, source: "case 1234, granted" } };
        });
        expect(quotaProblems(countUsage([stackWith("fleet", "aws:lb/loadBalancer:LoadBalancer", 51)]), raised).errors).toEqual([]);
        const elsewhere: CountedStack = { ...stackWith("fleet", "aws:lb/loadBalancer:LoadBalancer", 51), region: PARTNER };
        expect(quotaProblems(countUsage([elsewhere]), raised).errors.map((error) => error.path)).toEqual(["/defaults/applicationLoadBalancers"]);
    });

    it("GIVEN the platform and three dedicated-cloud VPCs in a region WHEN judged THEN the region's default VPC makes five, which fits; a fourth tenant's VPC is refused, naming the default VPC", () => {
        const vpcs = (count: number) => Array.from({ length: count }, (_, i) => stackWith(i === 0 ? "platform-eu-west-1" : `tenant${i}`, "aws:ec2/vpc:Vpc", 1));
        const usage = countUsage(vpcs(4));
        expect(usage.get(REGION)?.get("vpcs")?.count).toBe(5);
        expect(usage.get(REGION)?.get("vpcs")?.byStack.get("(the region's default VPC)")).toBe(1);
        expect(quotaProblems(usage, loadQuotas(ROOT)).errors).toEqual([]);

        const { errors } = quotaProblems(countUsage(vpcs(5)), loadQuotas(ROOT));
        expect(errors.map((error) => error.path)).toEqual(["/defaults/vpcs"]);
        expect(errors[0]!.message).toContain(`${REGION}: 6 planned of VPCs (the platform's and each dedicated-cloud tenant's); the quota "VPCs per Region" (vpc L-F678F1CE) is 5`);
        expect(errors[0]!.message).toContain("(the region's default VPC) 1");
        expect(errors[0]!.message).toContain("--service-code vpc --quota-code L-F678F1CE --desired-value 6");
    });

    it("GIVEN a region where nothing uses a VPC WHEN counted THEN the default VPC is not counted there (no quota judged where the plan uses none)", () => {
        const usage = countUsage([stackWith("fleet", "aws:lb/loadBalancer:LoadBalancer", 1)]);
        expect(usage.get(REGION)?.has("vpcs")).toBe(false);
    });

    it("GIVEN six site-to-site VPNs in a region WHEN judged THEN the sixth virtual private gateway is refused", () => {
        const { errors } = quotaProblems(countUsage([stackWith("fleet", "aws:ec2/vpnGateway:VpnGateway", 6)]), loadQuotas(ROOT));
        expect(errors.map((error) => error.path)).toEqual(["/defaults/vpnGateways"]);
        expect(errors[0]!.message).toContain('6 planned of virtual private gateways (one per site-to-site VPN of a tenant); the quota "Virtual private gateways per Region" (ec2 quota code: see Service Quotas) is 5');
    });

    it("GIVEN a region that is the off-site region of five other platforms WHEN judged THEN its platform's and their recovery environments' transit gateways are six, over the default 5, even with VPCs raised", () => {
        const stacks = [
            stackWith(`platform-${REGION}`, "aws:ec2transitgateway/transitGateway:TransitGateway", 1),
            ...["eu-north-1", "eu-south-1", "eu-west-3", "il-central-1", "eu-central-2"].map((other) => stackWith(`platform-${other}-recovery`, "aws:ec2transitgateway/transitGateway:TransitGateway", 1)),
        ];
        const raised = quotasWith((file) => {
            file.regions[REGION] = { vpcs: { value: 50, source: "test" }, internetGateways: { value: 50, source: "test" } };
        });
        const { errors } = quotaProblems(countUsage(stacks), raised);
        expect(errors.map((error) => error.path)).toEqual(["/defaults/transitGateways"]);
        expect(errors[0]!.message).toContain(`${REGION}: 6 planned of transit gateways (each platform's and each platform recovery environment's); the quota "Transit gateways per account" (ec2 quota code: see Service Quotas) is 5`);
        expect(quotaProblems(countUsage(stacks.slice(0, 5)), raised).errors).toEqual([]);
    });

    it.each([
        ["backupVaults", "aws:backup/vault:Vault", 101, "backup L-7705D2CB", "--service-code backup --quota-code L-7705D2CB --desired-value 101"],
        ["backupPlans", "aws:backup/plan:Plan", 101, "backup L-BD69F607", "--service-code backup --quota-code L-BD69F607 --desired-value 101"],
        ["rdsInstances", "aws:rds/instance:Instance", 41, "rds L-7B6409FD", "--service-code rds --quota-code L-7B6409FD --desired-value 41"],
    ])("GIVEN one %s over the default WHEN judged THEN it is an error naming the quota and the raise", (key, type, count, code, command) => {
        const { errors } = quotaProblems(countUsage([stackWith("fleet", type, count)]), loadQuotas(ROOT));
        expect(errors.map((error) => error.path)).toEqual([`/defaults/${key}`]);
        expect(errors[0]!.message).toContain(`${count} planned`);
        expect(errors[0]!.message).toContain(`"${QUOTAS[key as keyof typeof QUOTAS].name}" (${code})`);
        expect(errors[0]!.message).toContain(command);
    });

    it("GIVEN 101 regional web ACLs WHEN judged THEN the error says how to raise the quota, whose code it leaves to Service Quotas", () => {
        const { errors } = quotaProblems(countUsage([stackWith("fleet", "aws:wafv2/webAcl:WebAcl", 101, { scope: "REGIONAL" })]), loadQuotas(ROOT));
        expect(errors.map((error) => error.path)).toEqual(["/defaults/wafWebAcls"]);
        expect(errors[0]!.message).toContain('"Maximum number of web ACLs (protection packs)" (wafv2 quota code: see Service Quotas) is 100');
        expect(errors[0]!.message).toContain(`https://console.aws.amazon.com/servicequotas/home/services/wafv2/quotas, region ${REGION}`);
        expect(errors[0]!.message).toContain("--service-code wafv2 --quota-code <its code from aws service-quotas list-service-quotas --service-code wafv2> --desired-value 101");
        // CloudFront web ACLs are global, not counted in a region.
        expect(quotaProblems(countUsage([stackWith("fleet", "aws:wafv2/webAcl:WebAcl", 101, { scope: "CLOUDFRONT" })]), loadQuotas(ROOT)).errors).toEqual([]);
    });

    it("GIVEN six single-region trails in a region WHEN judged THEN the error says AWS cannot raise it", () => {
        const { errors } = quotaProblems(countUsage([stackWith("fleet", "aws:cloudtrail/trail:Trail", 6, { isMultiRegionTrail: false })]), loadQuotas(ROOT));
        expect(errors).toHaveLength(1);
        expect(errors[0]!.message).toContain('the quota "Trails per Region" (cloudtrail, not adjustable) is 5');
        expect(errors[0]!.message).toContain("AWS does not raise this quota");
        expect(errors[0]!.message).not.toContain("request-service-quota-increase");
    });
});

describe("Dedicated Hosts: a quota of each instance family", () => {
    const hosts = (tenant: string, region: string, family: string, count: number): CountedStack => ({
        tenant,
        region,
        resources: Array.from({ length: count }, (_, i) => resource("aws:ec2/dedicatedHost:DedicatedHost", `${tenant}-host-${i}`, `h-${tenant}-${i}`, { instanceFamily: family })),
    });

    it("GIVEN hosts of two families in two regions WHEN counted THEN each family is counted apart, per region", () => {
        const usage = countUsage([hosts("a", REGION, "m6i", 2), hosts("b", REGION, "m6i", 1), hosts("c", REGION, "r6i", 2), hosts("d", PARTNER, "m6i", 2)]);
        expect(usage.get(REGION)?.get("dedicatedHosts:m6i")?.count).toBe(3);
        expect(usage.get(REGION)?.get("dedicatedHosts:r6i")?.count).toBe(2);
        expect(usage.get(PARTNER)?.get("dedicatedHosts:m6i")?.count).toBe(2);
    });

    it("GIVEN three m6i hosts in a region under the default two WHEN judged THEN one error names the family's quota and where to record its raise; two r6i hosts beside them fit", () => {
        const { errors } = quotaProblems(countUsage([hosts("a", REGION, "m6i", 2), hosts("b", REGION, "m6i", 1), hosts("c", REGION, "r6i", 2)]), loadQuotas(ROOT));
        expect(errors.map((error) => error.path)).toEqual(["/defaults/dedicatedHosts"]);
        expect(errors[0]!.message).toContain(
            `${REGION}: 3 planned of Dedicated Hosts of the m6i family (physical tenants' and their recovery environments'); the quota "Running Dedicated m6i Hosts" (ec2 quota code: see Service Quotas) is 2`,
        );
        expect(errors[0]!.message).toContain("Largest: a 2, b 1.");
        expect(errors[0]!.message).toContain(`request 3 for "Running Dedicated m6i Hosts"`);
        expect(errors[0]!.message).toContain(`then record the granted value under regions.${REGION}."dedicatedHosts:m6i" in ${QUOTA_FILE}`);
    });

    it("GIVEN a raise recorded for m6i in the region WHEN judged THEN m6i fits there, and r6i is still held to the default", () => {
        const raised = quotasWith((file) => {
            file.regions[REGION] = { "dedicatedHosts:m6i": { value: 4, source: "case 42, granted" } };
        });
        const { errors } = quotaProblems(countUsage([hosts("a", REGION, "m6i", 4), hosts("c", REGION, "r6i", 3)]), raised);
        expect(errors.map((error) => error.message.split(";")[0])).toEqual([`${REGION}: 3 planned of Dedicated Hosts of the r6i family (physical tenants' and their recovery environments')`]);
    });

    it("GIVEN a quota file raising dedicatedHosts without a family, or a family on a quota of the region WHEN checked THEN each is named with how to write it", () => {
        const quotas = JSON.parse(fs.readFileSync(path.join(ROOT, QUOTA_FILE), "utf8")) as { regions: Record<string, unknown> };
        quotas.regions[REGION] = { dedicatedHosts: { value: 5, source: "x" }, "vpcs:m6i": { value: 10, source: "x" }, "dedicatedHosts:m6i": { value: 5, source: "case 1" } };
        expect(quotaFileProblems(quotas)).toEqual([
            `/regions/${REGION}/dedicatedHosts: dedicatedHosts is a quota of each instance family: write it as "dedicatedHosts:FAMILY" (e.g. "dedicatedHosts:m6i")`,
            `/regions/${REGION}/vpcs:m6i: vpcs is not a quota per instance family: write it as "vpcs"`,
        ]);
    });
});

describe("the quota file", () => {
    it("GIVEN the checked-in file WHEN read THEN every quota has a value and a source, and nothing else is in it", () => {
        const quotas: unknown = JSON.parse(fs.readFileSync(path.join(ROOT, QUOTA_FILE), "utf8"));
        expect(quotaFileProblems(quotas)).toEqual([]);
    });

    it("GIVEN a file with a missing source, an unknown quota and a bad value WHEN checked THEN each is named", () => {
        const quotas = JSON.parse(fs.readFileSync(path.join(ROOT, QUOTA_FILE), "utf8")) as { defaults: Record<string, unknown>; regions: Record<string, unknown> };
        quotas.defaults.rdsInstances = { value: 40 };
        quotas.regions[REGION] = { elasticIps: { value: 5, source: "x" }, backupVaults: { value: -1, source: "x" } };
        expect(quotaFileProblems(quotas)).toEqual([
            '/defaults/rdsInstances: expected { "value": a whole number, "source": where it comes from }',
            `/regions/${REGION}/elasticIps: not a quota the plan counts; expected one of applicationLoadBalancers, wafWebAcls, wafIpSets, backupVaults, backupPlans, cloudTrailTrails, rdsInstances, rdsManualSnapshots, vpcs, internetGateways, vpnGateways, transitGateways, route53HealthChecks, dedicatedHosts, iamRoles, iamInstanceProfiles`,
            `/regions/${REGION}/backupVaults: expected { "value": a whole number, "source": where it comes from }`,
        ]);
    });
});

describe("a broken quota file", () => {
    const withText = (text: string): ReturnType<typeof readQuotas> => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quotas-"));
        fs.writeFileSync(path.join(dir, "quotas.json"), text);
        return readQuotas(dir, "quotas.json");
    };

    it("GIVEN a value that is not a number WHEN read THEN one problem at its line, column and path, no quotas", () => {
        const text = fs.readFileSync(path.join(ROOT, QUOTA_FILE), "utf8").replace(/"value": 50,/, '"value": "fifty",');
        const line = text.split("\n").findIndex((row) => row.includes('"applicationLoadBalancers"')) + 1;
        const { applied, problems } = withText(text);
        expect(applied).toBeUndefined();
        expect(problems).toEqual([
            { file: "quotas.json", line, column: expect.any(Number), path: "/defaults/applicationLoadBalancers", message: 'expected { "value": a whole number, "source": where it comes from }' },
        ]);
    });

    it("GIVEN a recorded raise of IAM roles above AWS's maximum of 5,000 WHEN read THEN it is refused at its line, naming the file, the key and the maximum; loadQuotas throws it", () => {
        const text = fs
            .readFileSync(path.join(ROOT, QUOTA_FILE), "utf8")
            .replace(/"regions": \{\}/, '"regions": {\n        "us-east-1": { "iamRoles": { "value": 6000, "source": "wishful" }, "iamInstanceProfiles": { "value": 5000, "source": "case 8, granted" } }\n    }');
        const line = text.split("\n").findIndex((row) => row.includes('"us-east-1": { "iamRoles"')) + 1;
        const { applied, problems } = withText(text);
        expect(applied).toBeUndefined();
        expect(problems).toEqual([
            {
                file: "quotas.json",
                line,
                column: expect.any(Number),
                path: "/regions/us-east-1/iamRoles",
                message:
                    '6000 is more than AWS grants for "Roles per account" (at most 5000: IAM User Guide, IAM and AWS STS quotas: Roles in an AWS account, maximum 5,000); ' +
                    "record the value AWS granted (aws service-quotas get-service-quota --region us-east-1 --service-code iam --quota-code L-FE177D64)",
            },
        ]);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quotas-"));
        fs.writeFileSync(path.join(dir, "quotas.json"), text);
        expect(() => loadQuotas(dir, "quotas.json")).toThrow(new RegExp(`^quotas\\.json:${line}:\\d+: /regions/us-east-1/iamRoles: 6000 is more than AWS grants`));
    });

    it("GIVEN a trailing comma WHEN read THEN one problem where the parser stopped, never an exception", () => {
        const { applied, problems } = withText('{\n  "defaults": {},\n}\n');
        expect(applied).toBeUndefined();
        expect(problems).toEqual([{ file: "quotas.json", line: 3, column: 1, path: "/", message: "is not valid JSON: Expected double-quoted property name" }]);
    });

    it("GIVEN no file WHEN read THEN one problem saying it cannot be read", () => {
        expect(readQuotas(fs.mkdtempSync(path.join(os.tmpdir(), "quotas-")), "missing.json").problems).toEqual([
            { file: "missing.json", line: 1, column: 1, path: "/", message: expect.stringContaining("cannot be read (ENOENT)") },
        ]);
    });
});

describe("a planned fleet's quotas", () => {
    const docs: TenantDocument[] = [
        { tenant: "cloudy", company: "Cloudy", mode: "cloud", region: REGION, domain: { subdomain: "cloudy" }, network: { cidr: "10.61.0.0/16" } },
        { tenant: "stark", company: "Stark", mode: "dedicated-saas", region: REGION, domain: { subdomain: "stark" } },
        { tenant: "wayne", company: "Wayne", mode: "dedicated-saas", region: REGION, domain: { subdomain: "wayne" } },
    ];
    const tenants: Tenant[] = docs.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));
    let document: PlanDocument;
    let lowered: PlanDocument;

    beforeAll(async () => {
        document = await planFleet({ tenants, platformRegions: [REGION] });
        lowered = await planFleet({
            tenants,
            platformRegions: [REGION],
            quotas: quotasWith((file) => {
                file.regions[REGION] = { applicationLoadBalancers: { value: 3, source: "fixture: a lowered quota" } };
            }),
        });
    });

    it("GIVEN the platform, a cloud tenant and two dedicated-saas tenants WHEN counted THEN load balancers, vaults, plans and databases are counted per region", () => {
        const usage = countUsage(document.tenants);
        const count = (region: string, key: QuotaKey) => usage.get(region)?.get(key)?.count;
        // The platform's shared door, the cloud tenant's, and one per dedicated-saas tenant.
        expect(count(REGION, "applicationLoadBalancers")).toBe(4);
        expect(count(REGION, "backupVaults")).toBe(4);
        expect(count(PARTNER, "backupVaults")).toBe(4);
        expect(count(REGION, "backupPlans")).toBe(8);
        expect(count(REGION, "rdsInstances")).toBe(4);
        // Every internet-facing door has its web ACL and IP set.
        expect(count(REGION, "wafWebAcls")).toBe(4);
        expect(count(REGION, "wafIpSets")).toBe(4);
        expect(count(REGION, "cloudTrailTrails")).toBe(1);
        // A week of weekly points at home, a year of them off-site only.
        expect(count(REGION, "rdsManualSnapshots")).toBe(4 * 116);
        expect(count(PARTNER, "rdsManualSnapshots")).toBe(4 * 168);
        // IAM is global: every stack's roles and instance profiles, counted once for the account.
        const roles = document.tenants.reduce((sum, stack) => sum + stack.resources.filter((resource) => resource.type === "aws:iam/role:Role").length, 0);
        expect(roles).toBeGreaterThan(0);
        expect(count("us-east-1", "iamRoles")).toBe(roles);
        expect(count("us-east-1", "iamInstanceProfiles")).toBeGreaterThan(0);
        expect(count(REGION, "iamRoles")).toBeUndefined();
    });

    it("GIVEN the default quotas WHEN planned THEN no error, and the snapshots over the default 100 are a warning (not an error) naming the quota and its raise", () => {
        expect(document.errors).toEqual([]);
        const messages = (document.warnings ?? []).map((warning) => warning.message);
        expect(messages).toHaveLength(2);
        expect(messages[0]).toMatch(new RegExp(`^${PARTNER}: 672 planned of RDS snapshots`));
        expect(messages[1]).toMatch(new RegExp(`^${REGION}: 464 planned of RDS snapshots`));
        expect(messages[1]).toContain('"Manual DB instance snapshots" (rds L-272F1212) is 100');
        expect(messages[1]).toContain(`--region ${REGION} --service-code rds --quota-code L-272F1212 --desired-value 464`);
    });

    it("GIVEN a quota file that allows 3 load balancers in the region WHEN the fleet of 4 is planned THEN the plan has the quota's error", () => {
        const quota = lowered.errors.filter((error) => error.file === "test/fixtures/service-quotas.json");
        expect(quota.map((error) => error.path)).toEqual([`/regions/${REGION}/applicationLoadBalancers`]);
        expect(quota[0]!.message).toContain(`${REGION}: 4 planned of application load balancers; the quota "Application Load Balancers per Region" (elasticloadbalancing L-53DA6B97) is 3`);
    });
});
