// The platform's recovery environment (`platform-<region>-recovery`, issue 16), on the graph it
// registers, planned after its production platform like `--all` plans it: idle (the default) and
// active (stack config recoveryActive, restoredDatabase, recoveryRedirect as `npm run dr` sets them).

import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

import { readProductionOutputs, readRecoveryOutputs } from "../../scripts/lib/dr/outputs";
import { planStack, qualifiedStackName } from "../../scripts/lib/plan/engine";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { platformProgram, platformRecoveryProgram } from "../../stacks";
import { platformRecoveryOf, recoveryConfigOf, restoreTestingName } from "../../stacks/platform-recovery";
import { PLATFORM_DEFAULTS } from "../../stacks/config/platform-settings";
import { platformFixture } from "../fixtures/platform-configs";
import { byId, interfacesOf, ofType, stackOf, T } from "../graph";

const REGION = "eu-west-1";
const RECOVERY = `platform-${REGION}-recovery`;
const BASE = PLATFORM_DEFAULTS.baseDomain;

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const RESTORE_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan";
const RESTORE_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection";
const RECORD = "aws:route53/record:Record";
const KMS_KEY = "aws:kms/key:Key";

async function plan(config?: Record<string, string>): Promise<PlanDocument> {
    return planFleet({ tenants: [], platformRegions: [REGION], platforms: platformFixture([REGION]), ...(config ? { config } : {}) });
}

const providerRegion = (stack: TenantPlan): unknown[] =>
    ofType(stack, "pulumi:providers:aws")
        .filter((provider) => provider.name === `${stack.tenant}-aws`)
        .map((provider) => provider.inputs.region);

let idle: PlanDocument;
let active: PlanDocument;
let redirected: PlanDocument;
beforeAll(async () => {
    // One plan at a time: Pulumi's runtime state is process-wide.
    idle = await plan();
    active = await plan({ recoveryActive: "true", restoredDatabase: "platform-eu-west-1-recovery-run1" });
    redirected = await plan({ recoveryActive: "true", restoredDatabase: "platform-eu-west-1-recovery-run1", recoveryRedirect: "true" });
    for (const document of [idle, active, redirected]) {
        expect(document.errors).toEqual([]);
    }
});

describe("the plan document", () => {
    it("GIVEN a platform WHEN planned THEN its recovery follows it, in the off-site region, with recoveryOf", () => {
        const names = idle.tenants.map((stack) => stack.tenant);
        expect(names.indexOf(RECOVERY)).toBe(names.indexOf(`platform-${REGION}`) + 1);
        const recovery = stackOf(idle, RECOVERY);
        const production = stackOf(idle, `platform-${REGION}`);
        expect(recovery).toMatchObject({ mode: "platform", recoveryOf: `platform-${REGION}`, source: production.source });
        expect(recovery.region).not.toBe(REGION);
        expect(providerRegion(recovery)).toEqual([recovery.region]);
        expect(production.recoveryOf).toBeUndefined();
    });
});

describe("idle", () => {
    it("GIVEN the idle recovery WHEN planned THEN no server, database or load balancer exists", () => {
        const recovery = stackOf(idle, RECOVERY);
        expect(ofType(recovery, T.instance)).toEqual([]);
        expect(ofType(recovery, T.rds)).toEqual([]);
        expect(ofType(recovery, T.loadBalancer)).toEqual([]);
        expect(ofType(recovery, RECORD).filter((record) => record.inputs.setIdentifier !== undefined)).toEqual([]);
        expect(recovery.outputs).toMatchObject({ recoveryActive: false, recoveryOf: `platform-${REGION}` });
        expect(recovery.outputs.url).toBeUndefined();
    });

    it("GIVEN the idle recovery WHEN planned THEN its keys, network and dual-NIC launch template of the pinned image is ready", () => {
        const recovery = stackOf(idle, RECOVERY);
        expect(ofType(recovery, KMS_KEY).length).toBeGreaterThanOrEqual(2);
        expect(ofType(recovery, "aws:ec2/vpc:Vpc")).toHaveLength(1);
        const templates = ofType(recovery, LAUNCH_TEMPLATE);
        expect(templates).toHaveLength(1);
        const dataKey = recovery.outputs.dataKeyArn;
        for (const template of templates) {
            const nics = template.inputs.networkInterfaces as { deviceIndex: number; subnetId: string }[];
            expect(nics.map((nic) => nic.deviceIndex)).toEqual([0, 1]);
            expect(nics.map((nic) => byId(recovery, nic.subnetId)?.inputs.tags)).toMatchObject([{ tier: "access" }, { tier: "admin" }]);
            const volumes = template.inputs.blockDeviceMappings as { ebs: { encrypted: string; kmsKeyId: string } }[];
            expect(volumes).toHaveLength(2);
            for (const volume of volumes) {
                expect(volume.ebs).toMatchObject({ encrypted: "true", kmsKeyId: dataKey });
            }
        }
        // The off-site region's own key.
        expect(dataKey).toMatch(new RegExp(`^arn:aws:kms:${recovery.region}:`));
        expect(recovery.outputs.serverImage).toEqual(expect.any(String));
    });

    it("GIVEN the idle recovery WHEN planned THEN restore tests each month cover the shared database and files in the platform's off-site vault", () => {
        const recovery = stackOf(idle, RECOVERY);
        const production = stackOf(idle, `platform-${REGION}`);
        const [testing] = ofType(recovery, RESTORE_PLAN);
        expect(testing?.inputs).toMatchObject({ recoveryPointSelection: { algorithm: "LATEST_WITHIN_WINDOW", selectionWindowDays: 31 } });
        expect(String(testing?.inputs.scheduleExpression)).toMatch(/^cron\(/);
        // The platform's off-site copies, and no other vault (no dedicated-saas tenant in this fleet).
        expect((testing?.inputs.recoveryPointSelection as { includeVaults: unknown[] }).includeVaults).toEqual([production.outputs.offsiteBackupVaultArn]);
        const selections = ofType(recovery, RESTORE_SELECTION);
        expect(selections.map((selection) => selection.inputs.protectedResourceType).sort()).toEqual(["RDS", "S3"]);
        for (const selection of selections) {
            expect(selection.inputs.restoreTestingPlanName).toBe(testing?.inputs.name);
            expect(selection.inputs.iamRoleArn).toBe(recovery.outputs.restoreRoleArn);
            expect(String(selection.inputs.name)).toMatch(/^[a-zA-Z0-9_]{1,50}$/);
        }
        // The database tests land in the recovery network.
        const target = recovery.outputs.restoreTarget as { dbSubnetGroupName: string; securityGroupIds: string[] };
        const rds = selections.find((s) => s.inputs.protectedResourceType === "RDS");
        expect(rds?.inputs.restoreMetadataOverrides).toMatchObject({ dbSubnetGroupName: target.dbSubnetGroupName, vpcSecurityGroupIds: JSON.stringify(target.securityGroupIds) });
        expect(String(testing?.inputs.name)).toBe("platform_eu_west_1_recovery");
    });

    it("GIVEN a region without dedicated-saas tenants WHEN planned THEN dedicatedSaasTenants is an empty object", () => {
        expect(stackOf(idle, RECOVERY).outputs.dedicatedSaasTenants).toEqual({});
        expect(stackOf(active, RECOVERY).outputs.dedicatedSaasTenants).toEqual({});
    });

    it("GIVEN no dedicated-saas tenant whose copies are in another region WHEN planned THEN no copy vault (test/modes/platform-recovery-tenants.test.ts has one)", () => {
        const recovery = stackOf(idle, RECOVERY);
        expect(ofType(recovery, "aws:backup/vault:Vault").filter((v) => v.name === `${RECOVERY}-tenant-copies`)).toEqual([]);
        expect(recovery.outputs.tenantCopyVaultArn).toBeUndefined();
    });

    it("GIVEN the production platform WHEN planned THEN it exports what npm run dr reads", () => {
        const outputs = stackOf(idle, `platform-${REGION}`).outputs;
        for (const key of ["url", "loadBalancerArn", "httpsListenerArn", "serverImage", "operationsTopicArn", "offsiteBackupVaultArn", "databaseArn", "filesBucketArn", "restoreRoleArn"]) {
            expect(outputs[key], key).toEqual(expect.any(String));
        }
        expect(outputs.restoreTarget).toMatchObject({ dbSubnetGroupName: expect.any(String), securityGroupIds: [expect.stringMatching(/^sg-/)] });
    });
});

describe("what npm run dr reads", () => {
    it("GIVEN the planned outputs WHEN read as dr reads them THEN production, idle and active recovery are accepted", () => {
        const production = stackOf(idle, `platform-${REGION}`);
        expect(readProductionOutputs(production.tenant, JSON.stringify(production.outputs))).toMatchObject({ url: `https://app.${BASE}` });
        expect(readRecoveryOutputs(RECOVERY, JSON.stringify(stackOf(idle, RECOVERY).outputs))).toMatchObject({ recoveryActive: false });
        const running = readRecoveryOutputs(RECOVERY, JSON.stringify(stackOf(active, RECOVERY).outputs), { active: true });
        expect(running).toMatchObject({ recoveryActive: true, url: `https://recovery.app.${BASE}`, databaseArn: expect.stringContaining(":db:platform-eu-west-1-recovery-run1") });
        expect(running.restoreTarget.securityGroupIds).toHaveLength(1);
    });

    it("GIVEN the active recovery and the platform WHEN planned THEN failback finds the recovery's copies in production's region and production's data key", () => {
        // failback restores from the copies in production's region (a restore job lands in its vault's region)
        // and re-encrypts the restored instance under production's data key (scripts/lib/dr/failback.ts, reencrypt.ts).
        expect(stackOf(active, RECOVERY).outputs.offsiteBackupVaultArn).toEqual(expect.stringMatching(new RegExp(`^arn:aws:backup:${REGION}:\\d{12}:backup-vault:`)));
        expect(stackOf(active, RECOVERY).outputs.backupVaultArn).not.toBe(stackOf(active, RECOVERY).outputs.offsiteBackupVaultArn);
        expect(stackOf(idle, RECOVERY).outputs.offsiteBackupVaultArn).toBeUndefined();
        const production = stackOf(idle, `platform-${REGION}`);
        const dataKey = ofType(production, KMS_KEY).find((key) => key.name.endsWith("-data"));
        expect(production.outputs.dataKeyArn).toEqual(expect.stringMatching(new RegExp(`^arn:aws:kms:${REGION}:\\d{12}:key/`)));
        expect(dataKey, "the platform's data key").toBeDefined();
        expect(production.outputs.dataKeyArn).toContain(dataKey!.id);
    });
});

describe("active", () => {
    it("GIVEN recoveryActive WHEN planned THEN dual-NIC servers behind a front door, encrypted with the off-site keys", () => {
        const recovery = stackOf(active, RECOVERY);
        const instances = ofType(recovery, T.instance);
        expect(instances).toHaveLength(PLATFORM_DEFAULTS.appServerCount);
        for (const instance of instances) {
            expect(interfacesOf(recovery, instance).map((nic) => nic.deviceIndex)).toEqual([0, 1]);
            const root = instance.inputs.rootBlockDevice as { kmsKeyId: string; encrypted: boolean };
            expect(root.encrypted).toBe(true);
            expect(root.kmsKeyId).toBe(recovery.outputs.dataKeyArn);
        }
        expect(recovery.outputs.dataKeyArn).toMatch(new RegExp(`^arn:aws:kms:${recovery.region}:`));
        expect(ofType(recovery, T.loadBalancer)).toHaveLength(1);
        expect(recovery.outputs).toMatchObject({ recoveryActive: true, url: `https://recovery.app.${BASE}` });
        // The restored database is looked up, never created; its backups are the environment's own.
        expect(ofType(recovery, T.rds)).toEqual([]);
        expect(ofType(recovery, "aws:backup/plan:Plan").length).toBeGreaterThan(0);
        expect(recovery.outputs.backupVaultArn).toEqual(expect.any(String));
        // No failover record until the redirect.
        expect(ofType(recovery, RECORD).filter((record) => record.inputs.setIdentifier !== undefined)).toEqual([]);
    });

    it("GIVEN recoveryRedirect WHEN planned THEN the shared app's name gets a SECONDARY record to the recovery front door", () => {
        const recovery = stackOf(redirected, RECOVERY);
        const failover = ofType(recovery, RECORD).filter((record) => record.inputs.setIdentifier === "recovery");
        expect(failover).toHaveLength(1);
        expect(failover[0]?.inputs).toMatchObject({
            name: `app.${BASE}`,
            type: "A",
            failoverRoutingPolicies: [{ type: "SECONDARY" }],
            zoneId: stackOf(redirected, `platform-${REGION}`).outputs.publicZoneId,
            aliases: [{ name: expect.any(String), evaluateTargetHealth: true }],
        });
    });
});

describe("alarms", () => {
    it("GIVEN the recovery idle or active WHEN planned THEN every alarm and backup notice goes to a topic of its own region", () => {
        for (const document of [idle, active]) {
            const recovery = stackOf(document, RECOVERY);
            const alarms = ofType(recovery, "aws:cloudwatch/metricAlarm:MetricAlarm");
            expect(alarms.length).toBeGreaterThan(0);
            const topics = [
                ...alarms.flatMap((alarm) => (alarm.inputs.alarmActions as string[] | undefined) ?? []),
                ...ofType(recovery, "aws:backup/vaultNotifications:VaultNotifications").map((notice) => String(notice.inputs.snsTopicArn)),
            ];
            expect(topics.length).toBeGreaterThan(0);
            for (const topic of topics) {
                expect(topic).toMatch(new RegExp(`^arn:aws:sns:${recovery.region}:`));
            }
        }
    });
});

describe("the drill copy", () => {
    it("GIVEN platform-<region>-drill WHEN planned THEN it is active, without restore tests, backups or failover records, and its files bucket empties on destroy", async () => {
        const settings = platformFixture([REGION]).settings.get(REGION)!;
        const production = await planStack({ stack: `platform-${REGION}`, region: REGION, program: () => platformProgram(REGION, settings) });
        const stackOutputs = new Map([[qualifiedStackName(`platform-${REGION}`), production.snapshot]]);
        const { plan: drill } = await planStack({
            stack: `platform-${REGION}-drill`,
            region: settings.offsiteRegion,
            config: { restoredDatabase: "platform-eu-west-1-drill-run1" },
            stackOutputs,
            program: () => platformRecoveryProgram(REGION, "drill", settings, platformFixture([REGION]), []),
        });
        expect(drill.outputs).toMatchObject({ recoveryActive: true, recoveryOf: `platform-${REGION}`, url: `https://drill.app.${BASE}` });
        // Nothing that outlives the teardown: backup vaults are locked and kept on delete.
        expect(drill.resources.filter((r) => r.type === "aws:backup/vault:Vault" || r.type === "aws:backup/plan:Plan")).toEqual([]);
        expect(drill.resources.filter((r) => r.type === T.instance)).toHaveLength(PLATFORM_DEFAULTS.appServerCount);
        expect(drill.resources.filter((r) => r.type === RESTORE_PLAN || r.type === RESTORE_SELECTION)).toEqual([]);
        expect(drill.resources.filter((r) => r.type === RECORD && r.inputs.setIdentifier !== undefined)).toEqual([]);
        const buckets = drill.resources.filter((r) => r.type === "aws:s3/bucket:Bucket" && r.name === `platform-${REGION}-drill-files-bucket`);
        expect(buckets.map((bucket) => bucket.inputs.forceDestroy)).toEqual([true]);
    });
});

describe("names and config", () => {
    it("GIVEN stack names WHEN dispatched THEN only platform-<region>-recovery and -drill are the platform's recovery", () => {
        expect(platformRecoveryOf("platform-eu-west-1-recovery")).toEqual({ region: "eu-west-1", kind: "recovery" });
        expect(platformRecoveryOf("platform-eu-west-1-drill")).toEqual({ region: "eu-west-1", kind: "drill" });
        expect(platformRecoveryOf("acme-recovery")).toBeUndefined();
        expect(platformRecoveryOf("platform-eu-west-1")).toBeUndefined();
    });

    it("GIVEN a redirect without an active, restored environment WHEN read THEN it is refused", () => {
        const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] }) as unknown as pulumi.Config;
        expect(() => recoveryConfigOf(config({ recoveryRedirect: "true" }), "recovery")).toThrow(/needs recoveryActive/);
        expect(() => recoveryConfigOf(config({ recoveryRedirect: "true", recoveryActive: "true" }), "recovery")).toThrow(/needs restoredDatabase/);
        expect(() => recoveryConfigOf(config({ recoveryRedirect: "true", restoredDatabase: "x" }), "drill")).toThrow(/drill copy never/);
        expect(() => recoveryConfigOf(config({ recoveryActive: "yes" }), "recovery")).toThrow(/expected true or false/);
        expect(recoveryConfigOf(config({}), "drill").active).toBe(true);
    });

    it("GIVEN AWS's restore testing name rule WHEN a name breaks it THEN it fails as AWS would", () => {
        expect(restoreTestingName("platform-ap-southeast-2-recovery")).toBe("platform_ap_southeast_2_recovery");
        expect(() => restoreTestingName("x".repeat(51))).toThrow(/1 to 50 characters/);
    });
});
