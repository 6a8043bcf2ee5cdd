// What `npm run dr -- failback platform-<region>` reads of a dedicated-saas tenant's own production
// stack (where its data goes back: restore role, restore target, data key) and of the platform
// recovery (the copies of each tenant's backups in production's region), on the planned graph.

import { beforeAll, describe, expect, it } from "vitest";

import { readRecoveryOutputs, readRestoreIntoOutputs } from "../../scripts/lib/dr/outputs";
import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
import { resolveTenant, Tenant } from "../../stacks/config/tenant";
import { ofType, stackOf } from "../graph";

const REGION = "eu-west-1";
const tenants: Tenant[] = [resolveTenant({ tenant: "stark", company: "Stark", mode: "dedicated-saas", region: REGION, domain: { subdomain: "stark" } }, "fixtures/stark.yaml")];

let plan: PlanDocument;
beforeAll(async () => {
    plan = await planFleet({ tenants, platformRegions: [REGION] });
    expect(plan.errors).toEqual([]);
});

describe("a dedicated-saas tenant's production stack", () => {
    it("GIVEN stark WHEN planned THEN it exports where a platform failback restores its data: its backup role, its own DB subnet group, database group and bucket, its data key", () => {
        const stark = stackOf(plan, "stark");
        const into = readRestoreIntoOutputs("stark", JSON.stringify(stark.outputs));
        const subnetGroup = ofType(stark, "aws:rds/subnetGroup:SubnetGroup").find((group) => group.name === "stark-database-subnets");
        const group = ofType(stark, "aws:ec2/securityGroup:SecurityGroup").find((candidate) => candidate.name === "stark-database-sg");
        expect(subnetGroup, "the tenant's DB subnet group").toBeDefined();
        expect(group, "the tenant's database group").toBeDefined();
        expect(into.restoreTarget.dbSubnetGroupName).toContain("stark-database-subnets");
        expect(into.restoreTarget.securityGroupIds).toEqual([expect.stringMatching(/^sg-/)]);
        expect(into.restoreTarget.filesBucketName).toBe(stark.outputs.filesBucket);
        // The zone of the platform's own restore target: the data tier's first zone.
        expect(into.restoreTarget.availabilityZone).toBe((stackOf(plan, `platform-${REGION}`).outputs.restoreTarget as { availabilityZone: string }).availabilityZone);
        expect(into.restoreRoleArn).toBe(stark.outputs.backupRoleArn);
        expect(into.dataKeyArn).toEqual(expect.stringMatching(new RegExp(`^arn:aws:kms:${REGION}:`)));
        expect(into.dataKeyArn).not.toBe(stackOf(plan, `platform-${REGION}`).outputs.dataKeyArn);
    });
});

describe("the platform recovery", () => {
    it("GIVEN stark restored in the active recovery WHEN planned THEN its copies in production's region are exported for failback", async () => {
        const active = await planFleet({ tenants, platformRegions: [REGION], config: { recoveryActive: "true", restoredDatabase: "platform-eu-west-1-recovery-run1", restoredTenantDatabases: JSON.stringify({ stark: "stark-recovery-run1" }) } });
        expect(active.errors).toEqual([]);
        const recovery = readRecoveryOutputs(`platform-${REGION}-recovery`, JSON.stringify(stackOf(active, `platform-${REGION}-recovery`).outputs), { active: true });
        const stark = recovery.dedicatedSaasTenants?.stark;
        expect(stark?.offsiteBackupVaultArn).toEqual(expect.stringMatching(new RegExp(`^arn:aws:backup:${REGION}:\\d{12}:backup-vault:`)));
        expect(stark?.backupVaultArn).not.toBe(stark?.offsiteBackupVaultArn);
    });
});
