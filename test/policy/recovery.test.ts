// The recovery rules (issue 16): the fleet has a recovery environment per dedicated tenant and
// platform region (offline, from the plan document), a recovery environment tests its restores
// monthly, failover records carry a health check, health checks request HTTPS. Each rule against a
// compliant baseline and one change per failing case, with exact messages.

import type { StackValidationArgs } from "@pulumi/policy";
import { describe, expect, it } from "vitest";

import { RECOVERY_TIME_PROMISE_MINUTES, RESTORE_TEST_SCHEDULE } from "../../lib/promises/recovery";
import { crossGuardPolicies, stackPolicy } from "../../policy/pack";
import { RULES } from "../../policy/rules";
import { evaluate, findingsOf } from "../../policy/rules/evaluate";
import { PlannedStack, settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { NETWORK_RULES } from "../../policy/rules/network";
import { enforceFailoverRecordHealthCheck } from "../../policy/rules/network/enforceFailoverRecordHealthCheck";
import { enforceHealthCheckHttps } from "../../policy/rules/network/enforceHealthCheckHttps";
import { OPERATIONS_RULES } from "../../policy/rules/operations";
import { enforceBackupPromise } from "../../policy/rules/operations/enforceBackupPromise";
import { enforceRestoreTesting } from "../../policy/rules/operations/enforceRestoreTesting";
import { missingBackupSelection } from "../../policy/rules/operations/missingBackupSelection";
import { missingRecoveryEnvironment } from "../../policy/rules/operations/missingRecoveryEnvironment";
import { runsEveryMonth } from "../../policy/rules/operations/schedule";
import { Finding, PolicyResource, PolicySettings, PolicyStack, Rule } from "../../policy/rules/types";
import { RECOVERY_TIME_PROMISE_MINUTES as DR_PROMISE_MINUTES } from "../../scripts/lib/dr/promise";
import { ACCOUNT, adding, OFFSITE_REGION, policyResource, SETTINGS, withProps, without } from "./fixtures-operations";

const SUBNET_GROUP = "acme-recovery-database-subnets-5c1d2e3";
const DATA_SUBNET = "subnet-0f1e2d3c4b5a69788";
const OFFSITE_VAULT_ARN = `arn:aws:backup:${OFFSITE_REGION}:${ACCOUNT}:backup-vault:acme-backup-offsite-vault-cdc97f2`;
const PLAN = "acme_recovery_restore_test";

/** A compliant idle recovery environment of the cloud tenant acme: its network, restore role and restore testing. */
function recoveryStack(stack = "acme-recovery"): PolicyStack {
    return {
        stack,
        kind: "cloud",
        resources: [
            policyResource("pulumi:providers:aws", `${stack}-aws`, "5f0c2b9e-8d7a-4e61-b3c2-1a9d8e7f6c5b", {
                region: OFFSITE_REGION,
                defaultTags: { tags: { tenant: "acme", mode: "cloud", "managed-by": "pulumi/tenant-platform", environment: "recovery" } },
            }),
            policyResource("aws:ec2/subnet:Subnet", `${stack}-network-data-0`, DATA_SUBNET, { cidrBlock: "10.20.2.0/24", tags: { tier: "data" } }),
            policyResource("aws:rds/subnetGroup:SubnetGroup", `${stack}-database-subnets`, SUBNET_GROUP, { subnetIds: [DATA_SUBNET] }),
            policyResource("aws:backup/restoreTestingPlan:RestoreTestingPlan", `${stack}-restore-test`, PLAN, {
                name: PLAN,
                scheduleExpression: RESTORE_TEST_SCHEDULE,
                recoveryPointSelection: { algorithm: "LATEST_WITHIN_WINDOW", includeVaults: [OFFSITE_VAULT_ARN], recoveryPointTypes: ["SNAPSHOT"], selectionWindowDays: 31 },
            }),
            policyResource("aws:backup/restoreTestingSelection:RestoreTestingSelection", `${stack}-restore-test-database`, `${PLAN}:database`, {
                name: "database",
                restoreTestingPlanName: PLAN,
                protectedResourceType: "RDS",
                protectedResourceArns: ["*"],
                iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/acme-recovery-restore-role-77aa1b2`,
                restoreMetadataOverrides: { dbSubnetGroupName: SUBNET_GROUP, vpcSecurityGroupIds: '["sg-0a1b2c3d4e5f60718"]' },
            }),
            policyResource("aws:backup/restoreTestingSelection:RestoreTestingSelection", `${stack}-restore-test-files`, `${PLAN}:files`, {
                name: "files",
                restoreTestingPlanName: PLAN,
                protectedResourceType: "S3",
                protectedResourceArns: ["*"],
                iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/acme-recovery-restore-role-77aa1b2`,
            }),
        ],
    };
}

const HEALTH_CHECK_ID = "0c8b4f2e-7d1a-4c3b-9e5f-6a7b8c9d0e1f";

/** A compliant production DNS failover pair's PRIMARY side: the health check and its record. */
function failoverStack(): PolicyStack {
    return {
        stack: "acme",
        kind: "cloud",
        resources: [
            policyResource("aws:route53/healthCheck:HealthCheck", "acme-dns-health-check", HEALTH_CHECK_ID, {
                type: "HTTPS",
                fqdn: "acme.itm.example.net",
                port: 443,
                resourcePath: "/login",
                requestInterval: 30,
                failureThreshold: 3,
            }),
            policyResource("aws:route53/record:Record", "acme-dns-primary", "Z0123456789ABCDEFGHIJ_acme.itm.example.net_A_production", {
                zoneId: "Z0123456789ABCDEFGHIJ",
                name: "acme.itm.example.net",
                type: "A",
                setIdentifier: "production",
                failoverRoutingPolicies: [{ type: "PRIMARY" }],
                healthCheckId: HEALTH_CHECK_ID,
                aliases: [{ name: "acme-lb-1234567890.eu-west-1.elb.amazonaws.com", zoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: true }],
            }),
        ],
    };
}

function findings(rule: Rule, stack: PolicyStack, settings: PolicySettings = SETTINGS): Finding[] {
    return findingsOf(rule, stack, settings);
}

describe("the recovery promise (lib/promises/recovery.ts)", () => {
    it("GIVEN the promise WHEN npm run dr reads its two hours THEN it is the shared one", () => {
        expect(RECOVERY_TIME_PROMISE_MINUTES).toBe(120);
        expect(DR_PROMISE_MINUTES).toBe(RECOVERY_TIME_PROMISE_MINUTES);
    });

    it("GIVEN the rules WHEN listed THEN the recovery rules are registered, mandatory, and only the fleet rule is offline-only", () => {
        const names = ["stack-recovery-environment", "backup-restore-testing-recovery", "route53-record-failover-health-check", "route53-health-check-https"];
        for (const name of names) {
            const rule = RULES.find((candidate) => candidate.name === name);
            expect(rule?.enforcement, name).toBe("mandatory");
            expect(rule?.offlineOnly !== undefined, name).toBe(name === "stack-recovery-environment");
        }
        expect(crossGuardPolicies(RULES).map((policy) => policy.name)).not.toContain("stack-recovery-environment");
        expect(crossGuardPolicies(RULES).map((policy) => policy.name)).toContain("backup-restore-testing-recovery");
    });
});

describe("runsEveryMonth: a restore test at least monthly", () => {
    it.each([
        [RESTORE_TEST_SCHEDULE, true],
        ["cron(0 3 ? * MON#4 *)", true],
        ["cron(0 3 ? * 6L *)", true],
        ["cron(0 3 ? * MON *)", true],
        ["cron(0 5 ? * * *)", true],
        ["cron(0 3 1 * ? *)", true],
        ["cron(0 3 28 * ? *)", true],
        ["cron(0 3 L * ? *)", true],
        ["cron(0 3 15W * ? *)", true],
        ["cron(0 3 29 * ? *)", false],
        ["cron(0 3 31 * ? *)", false],
        ["cron(0 3 ? * MON#5 *)", false],
        ["cron(0 3 1 1/3 ? *)", false],
        ["cron(0 3 1 * ? 2027)", false],
        ["cron(0 3 1 * 2 *)", false],
        ["rate(30 days)", false],
        [undefined, false],
    ])("GIVEN %s WHEN judged THEN every month: %s", (expression, expected) => {
        expect(runsEveryMonth(expression)).toBe(expected);
    });
});

describe("stack-recovery-environment (offline, on the plan document)", () => {
    function planned(tenant: string, mode: string, region: string, recoveryOf?: string): PlannedStack {
        return { tenant, mode, region, ...(recoveryOf ? { recoveryOf } : {}), resources: [] };
    }
    const FLEET: PlannedStack[] = [
        planned("platform-eu-west-1", "platform", "eu-west-1"),
        planned("platform-eu-west-1-recovery", "platform", OFFSITE_REGION, "platform-eu-west-1"),
        planned("acme", "cloud", "eu-west-1"),
        planned("acme-recovery", "cloud", OFFSITE_REGION, "acme"),
        planned("hooli", "physical", "eu-west-1"),
        planned("hooli-recovery", "physical", OFFSITE_REGION, "hooli"),
        planned("initech", "vpn", "eu-west-1"),
        planned("initech-recovery", "vpn", OFFSITE_REGION, "initech"),
        planned("umbrella", "vpn-sync", "eu-west-1"),
        planned("umbrella-recovery", "vpn-sync", OFFSITE_REGION, "umbrella"),
        planned("brightpath", "saas", "eu-west-1"),
        planned("globex", "dedicated-saas", "eu-west-1"),
    ];

    function judge(fleet: PlannedStack[]): Record<string, Finding[]> {
        const document = { tenants: fleet };
        return Object.fromEntries(fleet.map((plan) => [plan.tenant, missingRecoveryEnvironment.validate(stackFromPlan(plan), settingsFor(plan, document))]));
    }

    it("GIVEN a fleet where every dedicated tenant and platform region has its recovery stack WHEN checked THEN nothing is found, saas and dedicated-saas included", () => {
        expect(Object.values(judge(FLEET)).flat()).toEqual([]);
    });

    it.each([["platform-eu-west-1", "platform"], ["acme", "cloud"], ["hooli", "physical"], ["initech", "vpn"], ["umbrella", "vpn-sync"]])(
        "GIVEN the plan without %s's recovery stack WHEN checked THEN %s is reported on the production stack",
        (stack, mode) => {
            const result = judge(FLEET.filter((plan) => plan.tenant !== `${stack}-recovery`));
            expect(Object.entries(result).filter(([, found]) => found.length > 0)).toEqual([
                [
                    stack,
                    [
                        {
                            resource: stack,
                            message: `no recovery environment in the plan: a ${mode} stack needs the stack ${stack}-recovery (recoveryOf: ${stack}) in its off-site region, or nothing can be restored into when eu-west-1 is lost`,
                        },
                    ],
                ],
            ]);
        },
    );

    it("GIVEN a stack named acme-recovery that recovers another stack WHEN checked THEN acme has none", () => {
        const fleet = FLEET.map((plan) => (plan.tenant === "acme-recovery" ? { ...plan, recoveryOf: "hooli" } : plan));
        expect(judge(fleet).acme).toEqual([expect.objectContaining({ message: expect.stringMatching(/^no recovery environment in the plan: a cloud stack/) })]);
    });

    it("GIVEN only a drill copy of acme WHEN checked THEN acme has no recovery environment", () => {
        const fleet = [...FLEET.filter((plan) => plan.tenant !== "acme-recovery"), planned("acme-drill", "cloud", OFFSITE_REGION, "acme")];
        expect(judge(fleet).acme).toHaveLength(1);
        expect(judge(fleet)["acme-drill"]).toEqual([]);
    });

    it("GIVEN acme's recovery stack in the production region WHEN checked THEN it is reported", () => {
        const fleet = FLEET.map((plan) => (plan.tenant === "acme-recovery" ? { ...plan, region: "eu-west-1" } : plan));
        expect(judge(fleet).acme).toEqual([{ resource: "acme", message: "the recovery environment acme-recovery is in eu-west-1, the production region: a regional incident takes both" }]);
    });

    it("GIVEN acme's recovery stack planned in another mode WHEN checked THEN it is reported", () => {
        const fleet = FLEET.map((plan) => (plan.tenant === "acme-recovery" ? { ...plan, mode: "saas" } : plan));
        expect(judge(fleet).acme).toEqual([{ resource: "acme", message: "the recovery environment acme-recovery is planned as mode saas, not cloud: it would not run what production runs" }]);
    });

    it("GIVEN no fleet in the settings (a unit fixture, CrossGuard) WHEN checked THEN it is not applicable", () => {
        expect(findings(missingRecoveryEnvironment, recoveryStack("acme"))).toEqual([]);
    });
});

describe("backup-restore-testing-recovery", () => {
    it("GIVEN the compliant recovery stack WHEN every operations and network rule runs THEN nothing is found", () => {
        expect(evaluate(recoveryStack(), SETTINGS, [...OPERATIONS_RULES.filter((rule) => rule.name.includes("recovery")), ...NETWORK_RULES.filter((rule) => rule.name.startsWith("route53"))])).toEqual([]);
        expect(findings(enforceRestoreTesting, recoveryStack())).toEqual([]);
    });

    it("GIVEN a production stack or a drill copy without restore testing WHEN checked THEN it is not applicable", () => {
        const bare = without(recoveryStack(), "acme-recovery-restore-test", "acme-recovery-restore-test-database", "acme-recovery-restore-test-files");
        expect(findings(enforceRestoreTesting, { ...bare, stack: "acme" })).toEqual([]);
        expect(findings(enforceRestoreTesting, { ...bare, stack: "acme-drill" })).toEqual([]);
    });

    it("GIVEN no restore testing plan WHEN checked THEN the stack is reported", () => {
        const stack = without(recoveryStack(), "acme-recovery-restore-test", "acme-recovery-restore-test-database", "acme-recovery-restore-test-files");
        expect(findings(enforceRestoreTesting, stack)).toEqual([
            {
                resource: "acme-recovery",
                message:
                    "no restore testing plan (aws:backup/restoreTestingPlan:RestoreTestingPlan): the off-site copies this environment would restore from are never restored before an incident",
            },
        ]);
    });

    const PLAN_PREFIX = "this restore testing plan does not keep the monthly restore test: ";
    const UNTESTED = [
        { resource: "acme-recovery", message: "the restore testing selections of the database (acme-recovery-restore-test-database) belong to no restore testing plan of this stack that keeps the monthly test" },
        { resource: "acme-recovery", message: "the restore testing selections of the files (acme-recovery-restore-test-files) belong to no restore testing plan of this stack that keeps the monthly test" },
    ];

    it.each([
        ["a quarterly schedule", (props: Record<string, unknown>) => void (props.scheduleExpression = "cron(0 3 ? 1/3 2#1 *)"), 'its schedule "cron(0 3 ? 1/3 2#1 *)" does not run every month (the restore test is promised monthly)'],
        ["a yearly schedule", (props: Record<string, unknown>) => void (props.scheduleExpression = "cron(0 3 1 JAN ? *)"), 'its schedule "cron(0 3 1 JAN ? *)" does not run every month (the restore test is promised monthly)'],
        ["no schedule", (props: Record<string, unknown>) => void delete props.scheduleExpression, "its schedule null does not run every month (the restore test is promised monthly)"],
        [
            "a random recovery point",
            (props: Record<string, unknown>) => void ((props.recoveryPointSelection as Record<string, unknown>).algorithm = "RANDOM_WITHIN_WINDOW"),
            'its recovery point algorithm is "RANDOM_WITHIN_WINDOW", not LATEST_WITHIN_WINDOW: the newest copy, the one an incident restores, must be the one tested',
        ],
        ["a year's window", (props: Record<string, unknown>) => void ((props.recoveryPointSelection as Record<string, unknown>).selectionWindowDays = 365), "its selection window is 365 days, not at most 31"],
        ["no window", (props: Record<string, unknown>) => void delete (props.recoveryPointSelection as Record<string, unknown>).selectionWindowDays, "its selection window is null days, not at most 31"],
        ["no vault", (props: Record<string, unknown>) => void ((props.recoveryPointSelection as Record<string, unknown>).includeVaults = []), "it includes no vault: no recovery point is eligible"],
    ])("GIVEN the plan with %s WHEN checked THEN the plan is reported and neither target is tested", (_label, change, shortfall) => {
        expect(findings(enforceRestoreTesting, withProps(recoveryStack(), "acme-recovery-restore-test", change))).toEqual([{ resource: "acme-recovery-restore-test", message: PLAN_PREFIX + shortfall }, ...UNTESTED]);
    });

    it.each([
        ["database", "acme-recovery-restore-test-database", "no restore testing selection tests the database (protectedResourceType RDS, Aurora, EC2 or EBS)"],
        ["files", "acme-recovery-restore-test-files", "no restore testing selection tests the files (protectedResourceType S3)"],
    ])("GIVEN no selection of the %s WHEN checked THEN the stack is reported", (_target, selection, message) => {
        expect(findings(enforceRestoreTesting, without(recoveryStack(), selection))).toEqual([{ resource: "acme-recovery", message }]);
    });

    it("GIVEN the database selection of another resource type WHEN checked THEN the database is untested", () => {
        const stack = withProps(recoveryStack(), "acme-recovery-restore-test-database", (props) => void ((props.protectedResourceType = "DynamoDB"), delete props.restoreMetadataOverrides));
        expect(findings(enforceRestoreTesting, stack)).toEqual([{ resource: "acme-recovery", message: "no restore testing selection tests the database (protectedResourceType RDS, Aurora, EC2 or EBS)" }]);
    });

    it("GIVEN the files selection of a plan not in the stack WHEN checked THEN the files are untested", () => {
        const stack = withProps(recoveryStack(), "acme-recovery-restore-test-files", (props) => void (props.restoreTestingPlanName = "other_plan"));
        expect(findings(enforceRestoreTesting, stack)).toEqual([UNTESTED[1]]);
    });

    it.each([
        ["no overrides", (props: Record<string, unknown>) => void delete props.restoreMetadataOverrides],
        ["another subnet group", (props: Record<string, unknown>) => void (props.restoreMetadataOverrides = { dbSubnetGroupName: "default" })],
    ])("GIVEN the RDS selection with %s WHEN checked THEN the selection is reported", (_label, change) => {
        expect(findings(enforceRestoreTesting, withProps(recoveryStack(), "acme-recovery-restore-test-database", change))).toEqual([
            { resource: "acme-recovery-restore-test-database", message: "its restoreMetadataOverrides.dbSubnetGroupName names no DB subnet group of this stack: the test restore would land outside the recovery network" },
        ]);
    });

    it("GIVEN the override key in AWS's lower case WHEN checked THEN it is read", () => {
        const stack = withProps(recoveryStack(), "acme-recovery-restore-test-database", (props) => void (props.restoreMetadataOverrides = { dbsubnetgroupname: SUBNET_GROUP }));
        expect(findings(enforceRestoreTesting, stack)).toEqual([]);
    });

    it("GIVEN a physical tenant's database server tested as EC2 WHEN its subnet is the stack's THEN nothing is found, else the selection is reported", () => {
        const ec2 = (subnetId: string) =>
            withProps(recoveryStack(), "acme-recovery-restore-test-database", (props) => void ((props.protectedResourceType = "EC2"), (props.restoreMetadataOverrides = { subnetId })));
        expect(findings(enforceRestoreTesting, ec2(DATA_SUBNET))).toEqual([]);
        expect(findings(enforceRestoreTesting, ec2("subnet-0000000000000000a"))).toEqual([
            { resource: "acme-recovery-restore-test-database", message: "its restoreMetadataOverrides.subnetId names no subnet of this stack: the test restore would land outside the recovery network" },
        ]);
    });

    it("GIVEN the rule in CrossGuard WHEN a recovery stack lacks its files selection THEN the pack reports it on the stack", () => {
        const policy = stackPolicy(enforceRestoreTesting);
        const asCrossGuard = (stack: PolicyStack) =>
            ({
                resources: stack.resources.map((resource: PolicyResource) => ({
                    type: resource.type,
                    name: resource.name,
                    urn: `urn:pulumi:${stack.stack}::tenant-platform::${resource.type}::${resource.name}`,
                    props: { ...resource.props, id: resource.id },
                    opts: { protect: false },
                })),
                getConfig: () => ({}),
            }) as unknown as StackValidationArgs;
        const run = (stack: PolicyStack) => {
            const reported: [string, string | undefined][] = [];
            (policy.validateStack as (a: StackValidationArgs, r: (m: string, u?: string) => void) => void)(asCrossGuard(stack), (message, urn) => reported.push([message, urn]));
            return reported;
        };
        expect(run(recoveryStack())).toEqual([]);
        expect(run(without(recoveryStack(), "acme-recovery-restore-test-files"))).toEqual([["no restore testing selection tests the files (protectedResourceType S3)", undefined]]);
    });
});

describe("route53-record-failover-health-check", () => {
    it("GIVEN the compliant PRIMARY record WHEN checked THEN nothing is found", () => {
        expect(findings(enforceFailoverRecordHealthCheck, failoverStack())).toEqual([]);
        expect(findings(enforceHealthCheckHttps, failoverStack())).toEqual([]);
    });

    it("GIVEN the PRIMARY record without healthCheckId WHEN checked THEN it is reported", () => {
        expect(findings(enforceFailoverRecordHealthCheck, withProps(failoverStack(), "acme-dns-primary", (props) => void delete props.healthCheckId))).toEqual([
            { resource: "acme-dns-primary", message: "a PRIMARY failover record without healthCheckId: Route 53 would never fail over to the SECONDARY record" },
        ]);
    });

    it("GIVEN the PRIMARY record naming a health check not in the stack WHEN checked THEN it is reported", () => {
        expect(findings(enforceFailoverRecordHealthCheck, without(failoverStack(), "acme-dns-health-check"))).toEqual([
            { resource: "acme-dns-primary", message: `healthCheckId "${HEALTH_CHECK_ID}" is no Route 53 health check of this stack` },
        ]);
    });

    it("GIVEN a SECONDARY record or a plain record without a health check WHEN checked THEN it is not applicable", () => {
        const secondary = withProps(failoverStack(), "acme-dns-primary", (props) => void ((props.failoverRoutingPolicies = [{ type: "SECONDARY" }]), delete props.healthCheckId));
        const plain = withProps(failoverStack(), "acme-dns-primary", (props) => void (delete props.failoverRoutingPolicies, delete props.healthCheckId));
        expect(findings(enforceFailoverRecordHealthCheck, secondary)).toEqual([]);
        expect(findings(enforceFailoverRecordHealthCheck, plain)).toEqual([]);
    });
});

describe("route53-health-check-https", () => {
    it.each([
        ["HTTP", "type is HTTP; expected HTTPS (or HTTPS_STR_MATCH): the host is public and served over HTTPS only"],
        ["HTTP_STR_MATCH", "type is HTTP_STR_MATCH; expected HTTPS (or HTTPS_STR_MATCH): the host is public and served over HTTPS only"],
        ["TCP", "type is TCP; expected HTTPS (or HTTPS_STR_MATCH): the host is public and served over HTTPS only"],
    ])("GIVEN a health check of type %s WHEN checked THEN it is reported", (type, message) => {
        expect(findings(enforceHealthCheckHttps, withProps(failoverStack(), "acme-dns-health-check", (props) => void (props.type = type)))).toEqual([{ resource: "acme-dns-health-check", message }]);
    });

    it("GIVEN an HTTPS health check on port 8443 WHEN checked THEN it is reported; without a port (443) or string matching it passes", () => {
        expect(findings(enforceHealthCheckHttps, withProps(failoverStack(), "acme-dns-health-check", (props) => void (props.port = 8443)))).toEqual([
            { resource: "acme-dns-health-check", message: "port is 8443; expected 443, where the public host serves HTTPS" },
        ]);
        expect(findings(enforceHealthCheckHttps, withProps(failoverStack(), "acme-dns-health-check", (props) => void delete props.port))).toEqual([]);
        expect(findings(enforceHealthCheckHttps, withProps(failoverStack(), "acme-dns-health-check", (props) => void (props.type = "HTTPS_STR_MATCH")))).toEqual([]);
    });

    it("GIVEN a calculated health check WHEN checked THEN it is not applicable", () => {
        const calculated = adding(failoverStack(), policyResource("aws:route53/healthCheck:HealthCheck", "acme-dns-all", "1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f", { type: "CALCULATED", childHealthchecks: [HEALTH_CHECK_ID], childHealthThreshold: 1 }));
        expect(findings(enforceHealthCheckHttps, calculated)).toEqual([]);
    });
});

describe("the backup promise on a recovery environment: idle holds no data, active is production's equal", () => {
    const bucket = policyResource("aws:s3/bucket:Bucket", "acme-recovery-files-bucket", "acme-recovery-files-bucket-0c1d2e3", { bucket: "acme-recovery-files-bucket-0c1d2e3", tags: { tier: "data" } });
    const server = policyResource("aws:ec2/instance:Instance", "acme-recovery-servers-0", "i-0a1b2c3d4e5f60718", { instanceType: "m6i.large", subnetId: DATA_SUBNET });
    const idle = adding(recoveryStack(), bucket);

    it.each([["acme-recovery"], ["acme-drill"]])("GIVEN %s idle (no server, no database) with its empty files bucket WHEN the backup rules run THEN they are not applicable", (name) => {
        expect(findings(enforceBackupPromise, { ...idle, stack: name })).toEqual([]);
        expect(findings(missingBackupSelection, { ...idle, stack: name })).toEqual([]);
    });

    it("GIVEN the recovery environment active (a server) without backups WHEN the backup rules run THEN it is judged like production", () => {
        const active = adding(idle, server);
        expect(findings(enforceBackupPromise, active)).toEqual([
            { resource: "acme-recovery", message: expect.stringMatching(/^no backup plan \(aws:backup\/plan:Plan\): the stack owns data/) },
        ]);
        expect(findings(missingBackupSelection, active)).toEqual([
            { resource: "acme-recovery-files-bucket", message: expect.stringMatching(/^no backup selection names this file bucket/) },
        ]);
    });

    it("GIVEN a production stack without a server or database WHEN the backup rules run THEN it is still judged (only recovery stacks are idle)", () => {
        expect(findings(enforceBackupPromise, { ...idle, stack: "acme" })).toHaveLength(1);
    });
});
