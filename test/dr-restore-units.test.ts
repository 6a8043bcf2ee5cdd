// The restore's pure parts and its RDS calls: the restore metadata of each resource type (AWS
// Backup's keys), the managed master secret of a restored database (aws-sdk-client-mock), and the
// readers of a platform recovery's dedicated-saas tenants and of a physical environment's target.

import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import pino from "pino";
import { afterAll, beforeEach, describe, expect, it } from "vitest";

import { sdkAws } from "../scripts/lib/dr/aws";
import type { DrContext } from "../scripts/lib/dr/context";
import { environmentUrls, readRecoveryOutputs, readTenantSourceOutputs, RestoreTarget } from "../scripts/lib/dr/outputs";
import { managedMasterSecret } from "../scripts/lib/dr/restore";
import { ChosenPoint, restoreMetadata } from "../scripts/lib/dr/restore-plan";
import { RECOVERY_OUTPUTS } from "./dr-fixture";

const KEY = "arn:aws:kms:eu-central-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const SECRET = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-1";
const TARGET: RestoreTarget = { dbSubnetGroupName: "acme-recovery-db", securityGroupIds: ["sg-0a", "sg-0b"], filesBucketName: "acme-recovery-files", availabilityZone: "eu-central-1b", subnetId: "subnet-0d" };
const point = (resource: "database" | "files", resourceType: string): ChosenPoint => ({ resource, point: { arn: `arn:rp:${resourceType}`, resourceArn: "", resourceType, createdAt: new Date(0) }, ageMs: 0, stale: false });

describe("restore metadata (AWS Backup's keys per resource type)", () => {
    it("GIVEN an RDS point WHEN planned THEN the new instance's name, the environment's DB subnet group, security groups as a JSON list and zone", () => {
        expect(restoreMetadata(point("database", "RDS"), TARGET, "acme-recovery-20260302t030000z", KEY)).toEqual({
            resourceType: "RDS",
            metadata: { DBInstanceIdentifier: "acme-recovery-20260302t030000z", DBSubnetGroupName: "acme-recovery-db", VpcSecurityGroupIds: '["sg-0a","sg-0b"]', AvailabilityZone: "eu-central-1b" },
        });
    });

    it("GIVEN an EC2 point (physical) WHEN planned THEN subnet, security groups and IMDSv2; no zone key (the subnet decides it)", () => {
        expect(restoreMetadata(point("database", "EC2"), TARGET, "unused", KEY)).toEqual({ resourceType: "EC2", metadata: { SubnetId: "subnet-0d", SecurityGroupIds: '["sg-0a","sg-0b"]', RequireIMDSv2: "true" } });
    });

    it("GIVEN an S3 point WHEN planned THEN the existing bucket, encrypted SSE-KMS with the environment's data key", () => {
        expect(restoreMetadata(point("files", "S3"), TARGET, "unused", KEY)).toEqual({
            resourceType: "S3",
            metadata: { DestinationBucketName: "acme-recovery-files", NewBucket: "false", Encrypted: "true", EncryptionType: "SSE-KMS", KMSKey: KEY },
        });
    });

    it.each([
        [point("files", "S3"), { ...TARGET }, undefined, "the stack must export dataKeyArn"],
        [point("database", "EC2"), { ...TARGET, subnetId: undefined }, KEY, "the restore target must name its subnetId"],
        [point("database", "RDS"), { ...TARGET, dbSubnetGroupName: undefined }, KEY, "the restore target must name its dbSubnetGroupName (it names only subnetId, a database server on EC2)"],
        [point("database", "DynamoDB"), TARGET, KEY, 'is of type "DynamoDB": dr restores RDS, EC2 and S3'],
    ])("GIVEN %j into a target that cannot take it WHEN planned THEN refused before any job", (chosen, target, key, message) => {
        expect(() => restoreMetadata(chosen, target as RestoreTarget, "x", key)).toThrow(message);
    });
});

describe("the managed master secret of a restored database", () => {
    const rds = mockClient(RDSClient);
    afterAll(() => rds.restore());
    let slept = 0;
    const ctx = () => ({ aws: sdkAws(), log: pino({ level: "silent" }), pollMs: 60_000, sleep: async () => void (slept += 1) }) as unknown as DrContext;
    const instance = (status: string, secret?: string) => ({ DBInstances: [{ DBInstanceIdentifier: "db-1", DBInstanceStatus: status, ...(secret ? { MasterUserSecret: { SecretArn: SECRET, SecretStatus: secret, KmsKeyId: KEY } } : {}) }] });
    beforeEach(() => {
        rds.reset();
        slept = 0;
    });

    it("GIVEN a restored instance still backing up WHEN asked THEN it waits for available, turns the managed password on with the data key, applied now, and waits for the secret to be active", async () => {
        rds.on(DescribeDBInstancesCommand)
            .resolvesOnce(instance("backing-up"))
            .resolvesOnce(instance("available"))
            .resolvesOnce(instance("modifying"))
            .resolvesOnce(instance("modifying", "creating"))
            .resolves(instance("available", "active"));
        rds.on(ModifyDBInstanceCommand).resolves({});
        expect(await managedMasterSecret(ctx(), "eu-central-1", "db-1", KEY)).toBe(SECRET);
        expect(rds.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name)).toEqual([
            "DescribeDBInstancesCommand",
            "DescribeDBInstancesCommand",
            "ModifyDBInstanceCommand",
            "DescribeDBInstancesCommand",
            "DescribeDBInstancesCommand",
            "DescribeDBInstancesCommand",
        ]);
        // botocore ModifyDBInstance: no MasterUserPassword beside ManageMasterUserPassword.
        expect(rds.commandCalls(ModifyDBInstanceCommand).map((call) => call.args[0].input)).toEqual([{ DBInstanceIdentifier: "db-1", ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: KEY, ApplyImmediately: true }]);
        expect(rds.commandCalls(DescribeDBInstancesCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: "db-1" });
        expect(slept).toBe(3);
    });

    it("GIVEN an instance whose password RDS already manages (a resumed run) WHEN asked THEN nothing is modified", async () => {
        rds.on(DescribeDBInstancesCommand).resolves(instance("available", "active"));
        expect(await managedMasterSecret(ctx(), "eu-central-1", "db-1", KEY)).toBe(SECRET);
        expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
    });

    it("GIVEN RDS refusing the modification WHEN asked THEN the error stops the step (resume asks again)", async () => {
        rds.on(DescribeDBInstancesCommand).resolves(instance("available"));
        rds.on(ModifyDBInstanceCommand).rejects(new Error("KMSKeyNotAccessibleFault: the key is not accessible"));
        await expect(managedMasterSecret(ctx(), "eu-central-1", "db-1", KEY)).rejects.toThrow("KMSKeyNotAccessibleFault");
    });

    it("GIVEN a secret RDS reports impaired WHEN asked THEN it stops, naming the key to check", async () => {
        rds.on(DescribeDBInstancesCommand).resolves(instance("available", "impaired"));
        await expect(managedMasterSecret(ctx(), "eu-central-1", "db-1", KEY)).rejects.toThrow(`the managed master secret of db-1 is impaired (${SECRET}): RDS cannot use the key ${KEY}`);
        expect(rds.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
    });
});

describe("readers", () => {
    const json = (value: unknown) => JSON.stringify(value);
    const tenants = { globex: { filesBucketName: "p-globex-files", failoverName: "globex.itm.example.net", url: "https://recovery.globex.itm.example.net" }, acme2: { filesBucketName: "p-acme2-files", failoverName: "acme2.edge.itm.example.net", url: "https://recovery.acme2.edge.itm.example.net" } };

    it("GIVEN a platform recovery's dedicated-saas tenants WHEN read THEN typed, and the URLs to check are the platform's then each tenant's by id", () => {
        const env = readRecoveryOutputs("platform-eu-west-1-recovery", json({ ...RECOVERY_OUTPUTS, dedicatedSaasTenants: tenants }), { active: true });
        expect(env.dedicatedSaasTenants).toEqual(tenants);
        expect(environmentUrls("platform-eu-west-1-recovery", env)).toEqual([RECOVERY_OUTPUTS.url, "https://recovery.acme2.edge.itm.example.net", "https://recovery.globex.itm.example.net"]);
        expect(environmentUrls("acme-recovery", readRecoveryOutputs("acme-recovery", json(RECOVERY_OUTPUTS)))).toEqual([RECOVERY_OUTPUTS.url]);
    });

    it("GIVEN an active tenant without its URL WHEN the URLs are listed THEN it is named, never skipped", () => {
        const env = readRecoveryOutputs("p-recovery", json({ ...RECOVERY_OUTPUTS, dedicatedSaasTenants: { ...tenants, globex: { ...tenants.globex, url: undefined } } }));
        expect(() => environmentUrls("p-recovery", env)).toThrow("stack p-recovery: no url for globex");
    });

    it.each([
        [{ Globex: tenants.globex }, 'dedicatedSaasTenants: "Globex" is not a tenant id'],
        [{ globex: { failoverName: "x" } }, "dedicatedSaasTenants.globex.filesBucketName is missing"],
        [{ globex: { ...tenants.globex, url: "http://x" } }, 'dedicatedSaasTenants.globex.url is "http://x": expected https://HOST'],
        [{ globex: { ...tenants.globex, databaseArn: "db" } }, 'dedicatedSaasTenants.globex.databaseArn is "db": expected an ARN'],
        [[], "dedicatedSaasTenants is not an object"],
    ])("GIVEN dedicatedSaasTenants %j WHEN read THEN %s", (value, message) => {
        expect(() => readRecoveryOutputs("p-recovery", json({ ...RECOVERY_OUTPUTS, dedicatedSaasTenants: value }))).toThrow(message);
    });

    it("GIVEN a tenant's production outputs WHEN read as a restore source THEN validated like production's", () => {
        expect(() => readTenantSourceOutputs("globex", json({ databaseArn: "arn:aws:rds:eu-west-1:123456789012:db:g", filesBucketArn: "bucket" }))).toThrow(
            'stack globex: offsiteBackupVaultArn is missing; filesBucketArn is "bucket": expected an ARN',
        );
    });

    it("GIVEN a physical environment's restore target (a database server on EC2: subnetId, no DB subnet group) WHEN read THEN accepted; naming neither is refused clearly", () => {
        const physical = { ...RECOVERY_OUTPUTS.restoreTarget, dbSubnetGroupName: undefined, subnetId: "subnet-0d" };
        expect(readRecoveryOutputs("acme", json({ ...RECOVERY_OUTPUTS, restoreTarget: physical })).restoreTarget).toEqual({ securityGroupIds: ["sg-0a1b2c3d"], filesBucketName: "acme-recovery-files", availabilityZone: "eu-central-1a", subnetId: "subnet-0d" });
        expect(() => readRecoveryOutputs("acme", json({ ...RECOVERY_OUTPUTS, restoreTarget: { ...physical, subnetId: undefined } }))).toThrow(
            "restoreTarget.dbSubnetGroupName is missing: the restore target names the DB subnet group (an RDS database) or subnetId (a database server on EC2, physical mode)",
        );
    });
});
