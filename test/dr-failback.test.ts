// Failback's adopt step: production takes the restored database over through its own reviewed
// update (stack config restoredDatabase); dr waits for production's outputs to say so, and tells
// the operator exactly what to run until they do. And a physical target (a database server
// restored into a subnet, no DB subnet group) reads and restores.

import * as fs from "node:fs";
import * as path from "node:path";

import { DescribeRestoreJobCommand, ListRecoveryPointsByBackupVaultCommand, StartRestoreJobCommand } from "@aws-sdk/client-backup";
import { DeleteRuleCommand, DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { adoptProblem, restoredDatabaseId } from "../scripts/lib/dr/failback";
import { readRecoveryOutputs } from "../scripts/lib/dr/outputs";
import { restoreMetadata } from "../scripts/lib/dr/restore-plan";
import { createWorld, dr, LISTENER, output, PRODUCTION_OUTPUTS, pulumiCalls, RECOVERY_OUTPUTS, START, World, useStubPulumi } from "./dr-fixture";
import { installRdsFake, RdsFake } from "./dr-rds-fake";

const RDS_BACK = "arn:aws:rds:eu-west-1:123456789012:db:acme-20260302t030000z";
const EC2_BACK = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0";
const FORMER = "arn:aws:rds:eu-west-1:123456789012:db:acme-database";
// The instance production takes over: the restored one re-encrypted under production's data key.
const REENCRYPTED = "arn:aws:rds:eu-west-1:123456789012:db:acme-20260302t030000z-back";
const VAULT_KEY = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-4777-9666-555555555555";

describe("adopt: what production must show", () => {
    it.each([
        [RDS_BACK, { kind: "rds", id: "acme-20260302t030000z" }],
        [EC2_BACK, { kind: "ec2", id: "i-0123456789abcdef0" }],
        ["arn:aws:s3:::acme-files", undefined],
    ])("GIVEN the restore job created %s WHEN its id is read THEN %j", (arn, expected) => {
        expect(restoredDatabaseId(arn)).toEqual(expected);
    });

    it("GIVEN production's database is the restored instance WHEN checked THEN adopted", () => {
        expect(adoptProblem("acme", RDS_BACK, RDS_BACK)).toBeUndefined();
    });

    it("GIVEN production still on its former database WHEN checked THEN the exact commands: config, plan, up, resume", () => {
        expect(adoptProblem("acme", FORMER, RDS_BACK)).toBe(
            `production's database is ${FORMER}, not the restored ${RDS_BACK}: take it over, then resume: ` +
                "(1) pulumi config set restoredDatabase acme-20260302t030000z --stack acme; " +
                "(2) npm run plan -- acme --config restoredDatabase=acme-20260302t030000z (review: acme-20260302t030000z imported as production's database with its settings, the former instance kept and retained, 0 problems, 0 violations); " +
                "(3) npm run up -- acme; (4) npm run dr -- failback acme --resume",
        );
    });

    it("GIVEN a restored database server (physical) WHEN checked THEN no config that the program would refuse: its data is taken over as a volume (test/dr-failback-physical.test.ts)", () => {
        const problem = adoptProblem("wayne", "arn:aws:ec2:eu-west-1:123456789012:instance/i-00000000000000000", EC2_BACK);
        expect(problem).toContain("a restored database server's data is taken over as a volume (the reencrypt step makes it): resume the failback (npm run dr -- failback wayne --resume)");
        expect(problem).not.toContain("pulumi config set restoredDatabase");
        expect(problem).not.toContain("--force");
    });
});

describe("a physical target: restored into a subnet", () => {
    const physical = { ...RECOVERY_OUTPUTS, restoreTarget: { subnetId: "subnet-0a1b", securityGroupIds: ["sg-0a1b2c3d"], filesBucketName: "wayne-files", availabilityZone: "eu-west-1a" } };

    it("GIVEN physical production's restoreTarget (a subnet, no DB subnet group) WHEN read THEN accepted", () => {
        expect(readRecoveryOutputs("wayne", JSON.stringify(physical)).restoreTarget).toEqual(physical.restoreTarget);
    });

    it("GIVEN a target with neither a DB subnet group nor a subnet WHEN read THEN the DB subnet group is named missing", () => {
        const { subnetId: _s, ...target } = physical.restoreTarget;
        expect(() => readRecoveryOutputs("wayne", JSON.stringify({ ...physical, restoreTarget: target }))).toThrow("restoreTarget.dbSubnetGroupName is missing");
    });

    it("GIVEN an RDS recovery point and a subnet-only target WHEN the metadata is built THEN refused before any restore job", () => {
        const chosen = { resource: "database" as const, point: { arn: "arn:rp", resourceArn: "", resourceType: "RDS", createdAt: START }, ageMs: 0, stale: false };
        expect(() => restoreMetadata(chosen, physical.restoreTarget, "wayne-back")).toThrow("the database is an RDS database: the restore target must name its dbSubnetGroupName (it names only subnetId, a database server on EC2)");
        expect(restoreMetadata({ ...chosen, point: { ...chosen.point, resourceType: "EC2" } }, physical.restoreTarget, "wayne-back").metadata).toMatchObject({ SubnetId: "subnet-0a1b" });
    });
});

describe("failback in process (stub pulumi, mocked AWS)", () => {
    useStubPulumi("dr-home");
    let world: World;
    let rds: RdsFake;
    beforeEach(() => {
        world = createWorld();
        const outputs = JSON.parse(fs.readFileSync(path.join(world.dir, "outputs.json"), "utf8"));
        outputs["acme-recovery"] = { ...outputs["acme-recovery"], recoveryActive: true, backupVaultArn: "arn:aws:backup:eu-central-1:123456789012:backup-vault:acme-recovery", offsiteBackupVaultArn: "arn:aws:backup:eu-west-1:123456789012:backup-vault:acme-recovery-offsite", databaseArn: "arn:aws:rds:eu-central-1:123456789012:db:restored" };
        outputs.acme = { ...outputs.acme, restoreRoleArn: "arn:aws:iam::123456789012:role/acme-restore", restoreTarget: { dbSubnetGroupName: "acme-db", securityGroupIds: ["sg-0f"], filesBucketName: "acme-files", availabilityZone: "eu-west-1a" } };
        fs.writeFileSync(path.join(world.dir, "outputs.json"), JSON.stringify(outputs));
        world.backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [{ RecoveryPointArn: "arn:rp", ResourceType: "RDS", Status: "COMPLETED", CreationDate: START }] });
        world.backup.on(DescribeRestoreJobCommand).resolves({ Status: "COMPLETED", CreatedResourceArn: RDS_BACK });
        world.check = () => ({ ok: true, status: 200 });
        // RDS in production's region: the restore job's instance, under the key of the vault its copy sat in.
        rds = installRdsFake(world.rds, "eu-west-1");
        rds.instances.set("acme-20260302t030000z", { status: "available", kmsKeyId: VAULT_KEY, instanceClass: "db.m6g.large", settle: 0 });
    });
    afterEach(() => {
        // dr never updates or configures production: the takeover is the operator's reviewed update.
        const production = pulumiCalls(world).filter((call) => call.stack === "acme");
        expect(production.filter((call) => ["up", "destroy", "config", "refresh", "import", "state"].includes(call.argv[0]!))).toEqual([]);
        fs.rmSync(world.dir, { recursive: true, force: true });
    });

    it("GIVEN production not yet on the restored database WHEN failing back THEN it stops at adopt with the commands, the maintenance page stays; once production's output names it, resume completes", async () => {
        expect(await dr(world, ["failback", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("failed at step adopt: production's database is arn:aws:rds:eu-west-1:123456789012:db:acme-db, not the restored");
        expect(output(world)).toContain(`not the restored ${REENCRYPTED}`);
        expect(output(world)).toContain("(1) pulumi config set restoredDatabase acme-20260302t030000z-back --stack acme;");
        expect(world.elb.commandCalls(DeleteRuleCommand)).toHaveLength(0);
        // What production takes over is under its data key, in its DB subnet group; the restore job's instance is gone.
        expect([...rds.instances.keys()]).toEqual(["acme-20260302t030000z-back"]);
        expect(rds.instances.get("acme-20260302t030000z-back")).toMatchObject({ kmsKeyId: PRODUCTION_OUTPUTS.dataKeyArn, secret: "active", secretKey: PRODUCTION_OUTPUTS.dataKeyArn });
        expect(rds.snapshots.size).toBe(0);
        // The operator's `npm run up -- acme` with restoredDatabase: production exports the re-encrypted instance.
        const outputs = JSON.parse(fs.readFileSync(path.join(world.dir, "outputs.json"), "utf8"));
        outputs.acme.databaseArn = REENCRYPTED;
        fs.writeFileSync(path.join(world.dir, "outputs.json"), JSON.stringify(outputs));
        world.elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: `${LISTENER}/maintenance`, Priority: "1", Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "503", MessageBody: "<!-- dr-maintenance --> down" } }] }] });
        expect(await dr(world, ["failback", "acme", "--yes", "--resume"])).toBe(0);
        expect(world.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(2);
        // From the copies in production's region: a restore job lands in its vault's region.
        expect(world.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0]!.args[0].input).toMatchObject({ BackupVaultName: "acme-recovery-offsite", ByResourceArn: "arn:aws:rds:eu-central-1:123456789012:db:restored" });
        expect(world.elb.commandCalls(DeleteRuleCommand).map((call) => call.args[0].input.RuleArn)).toEqual([`${LISTENER}/maintenance`]);
    });

    it("GIVEN the recovery's copies in another region than production WHEN failing back THEN refused at restore, no restore job", async () => {
        const outputs = JSON.parse(fs.readFileSync(path.join(world.dir, "outputs.json"), "utf8"));
        outputs["acme-recovery"].offsiteBackupVaultArn = "arn:aws:backup:eu-central-1:123456789012:backup-vault:acme-recovery-offsite";
        fs.writeFileSync(path.join(world.dir, "outputs.json"), JSON.stringify(outputs));
        expect(await dr(world, ["failback", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("failed at step restore: stack acme-recovery: offsiteBackupVaultArn arn:aws:backup:eu-central-1:123456789012:backup-vault:acme-recovery-offsite is in eu-central-1, production acme in eu-west-1");
        expect(world.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
    });

    it("GIVEN an RDS restore and --force WHEN production is not on it THEN --force does not skip the takeover", async () => {
        expect(await dr(world, ["failback", "acme", "--yes", "--force"])).toBe(1);
        expect(output(world)).toContain("failed at step adopt");
        expect(world.elb.commandCalls(DeleteRuleCommand)).toHaveLength(0);
    });
});
