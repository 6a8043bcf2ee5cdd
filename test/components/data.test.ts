import { createHash } from "node:crypto";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

import { Backup, BACKUP_ROLE_POLICY_ARNS, lockRetentionProblems } from "../../components/backup";
import { BACKUP_PROMISE, rulesFor } from "../../lib/promises/backup-schedule";
import { Database, DatabaseArgs, finalSnapshotIdentifier, instanceIdentifier, parameterGroupFamily, parameterGroupName } from "../../components/database";
import { FilesBucket, tlsOnlyBucketPolicy } from "../../components/files-bucket";
import { PLAN_ACCOUNT_ID } from "../../scripts/lib/plan/mocks";
import { PlannedResource } from "../../scripts/lib/plan/engine";
import { byId, named, ofType, planProgram, testProvider } from "../helpers";
import { EGRESS, INGRESS } from "./resource-types";

const DATA_KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const BACKUP_KEY = "arn:aws:kms:eu-west-1:123456789012:key/66666666-7777-4888-a999-000000000000";
const APP_SG = "sg-0aaaaaaaaaaaaaaaa";
const ADMIN_SG = "sg-0bbbbbbbbbbbbbbbb";

function databaseArgs(overrides: Partial<DatabaseArgs> = {}): DatabaseArgs {
    return {
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: ["subnet-data-a", "subnet-data-b"],
        instanceClass: "db.m7g.large",
        storageGiB: 100,
        kmsKeyArn: DATA_KEY,
        clientSecurityGroupIds: [APP_SG, ADMIN_SG],
        multiAz: true,
        ...overrides,
    };
}

/** Every resource of the plan except the providers and the component itself is its child. */
function expectAllParented(resources: readonly PlannedResource[], component: string): void {
    const children = resources.filter((resource) => !resource.type.startsWith("pulumi:providers:") && resource.name !== component);
    expect(children.length).toBeGreaterThan(0);
    for (const resource of children) {
        expect(resource.parent, resource.name).toBe(component);
    }
}

/** Every key (at any depth) of a value. */
function keysOf(value: unknown): string[] {
    if (Array.isArray(value)) {
        return value.flatMap(keysOf);
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([key, child]) => [key, ...keysOf(child)]);
    }
    return [];
}

describe("Database", () => {
    it("GIVEN the required args WHEN planned THEN one encrypted, private, deletion-protected PostgreSQL 16 instance with the secure defaults", async () => {
        const { plan } = await planProgram((provider) => {
            new Database("acme-db", databaseArgs(), { provider });
        });
        const instances = ofType(plan.resources, "aws:rds/instance:Instance");
        expect(instances.map((instance) => instance.name)).toEqual(["acme-db-db"]);
        const db = instances[0]!;
        expect(db.inputs).toMatchObject({
            engine: "postgres",
            engineVersion: "16",
            autoMinorVersionUpgrade: true,
            instanceClass: "db.m7g.large",
            allocatedStorage: 100,
            storageType: "gp3",
            storageEncrypted: true,
            kmsKeyId: DATA_KEY,
            multiAz: true,
            publiclyAccessible: false,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "acme-db-final",
            backupRetentionPeriod: 7,
            copyTagsToSnapshot: true,
            maintenanceWindow: "sun:02:00-sun:03:00",
            dbName: "itm",
            username: "itm_admin",
            port: 5432,
            manageMasterUserPassword: true,
            masterUserSecretKmsKeyId: DATA_KEY,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: DATA_KEY,
            enabledCloudwatchLogsExports: ["postgresql"],
            iamDatabaseAuthenticationEnabled: true,
        });
        expect(db.inputs.backupRetentionPeriod as number).toBeGreaterThanOrEqual(7);

        const subnetGroup = byId(plan.resources, db.inputs.dbSubnetGroupName);
        expect(subnetGroup?.name).toBe("acme-db-subnets");
        expect(subnetGroup?.inputs.subnetIds).toEqual(["subnet-data-a", "subnet-data-b"]);
        const parameterGroup = byId(plan.resources, db.inputs.parameterGroupName);
        expect(parameterGroup?.name).toBe("acme-db-params");
        expect(parameterGroup?.inputs).toMatchObject({ family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }] });
        expect(db.inputs.vpcSecurityGroupIds).toEqual([named(plan.resources, "acme-db-sg").id]);
        expectAllParented(plan.resources, "acme-db");
    });

    it("GIVEN two client groups WHEN planned THEN the port is open from exactly those groups and from nowhere else, and nothing goes out", async () => {
        const { plan } = await planProgram((provider) => {
            new Database("acme-db", databaseArgs({ port: 6432 }), { provider });
        });
        const group = named(plan.resources, "acme-db-sg");
        expect(group.inputs).toMatchObject({ vpcId: "vpc-0123456789abcdef0", description: expect.stringMatching(/PostgreSQL/) });
        expect(group.inputs.ingress).toBeUndefined();
        expect(group.inputs.egress).toBeUndefined();
        const ingress = ofType(plan.resources, INGRESS);
        expect(ingress.map((rule) => [rule.name, rule.inputs])).toEqual([
            ["acme-db-sg-from-client-0", { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 6432, toPort: 6432, referencedSecurityGroupId: APP_SG, description: expect.any(String) }],
            ["acme-db-sg-from-client-1", { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 6432, toPort: 6432, referencedSecurityGroupId: ADMIN_SG, description: expect.any(String) }],
        ]);
        expect(ofType(plan.resources, EGRESS)).toEqual([]);
        expect(JSON.stringify(plan.resources)).not.toMatch(/0\.0\.0\.0\/0|::\/0/);
    });

    it("GIVEN a managed master password WHEN planned THEN no password input exists, nothing in the plan is a secret, and the output is the secret's ARN", async () => {
        const { plan } = await planProgram((provider) => {
            const db = new Database("acme-db", databaseArgs(), { provider });
            return { masterUserSecretArn: db.masterUserSecretArn, address: db.address, port: db.port, instanceArn: db.instanceArn, securityGroupId: db.securityGroupId };
        });
        const db = named(plan.resources, "acme-db-db");
        expect(Object.keys(db.inputs).filter((key) => /^password/i.test(key))).toEqual([]);
        expect(keysOf(plan.resources.map((resource) => resource.inputs)).filter((key) => /password/i.test(key))).toEqual(["manageMasterUserPassword"]);
        expect(JSON.stringify(plan)).not.toContain("[secret]");
        expect(plan.outputs.masterUserSecretArn).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-[0-9a-f-]{36}-[0-9a-f]{6}$/);
        expect(plan.outputs.port).toBe(5432);
        expect(plan.outputs.address).toMatch(/\.eu-west-1\.rds\.amazonaws\.com$/);
        expect(plan.outputs.instanceArn).toMatch(/^arn:aws:rds:eu-west-1:123456789012:db:/);
        expect(plan.outputs.securityGroupId).toBe(named(plan.resources, "acme-db-sg").id);
    });

    it("GIVEN overrides WHEN planned THEN the instance uses them", async () => {
        const { plan } = await planProgram((provider) => {
            new Database(
                "initech-db",
                databaseArgs({ multiAz: false, engineVersion: "16.4", backupRetentionDays: 14, maintenanceWindow: "sat:23:00-sun:00:00", databaseName: "pm", masterUsername: "pm_admin", storageGiB: 20 }),
                { provider },
            );
        });
        expect(named(plan.resources, "initech-db-db").inputs).toMatchObject({
            multiAz: false,
            engineVersion: "16.4",
            backupRetentionPeriod: 14,
            maintenanceWindow: "sat:23:00-sun:00:00",
            dbName: "pm",
            username: "pm_admin",
            allocatedStorage: 20,
            finalSnapshotIdentifier: "initech-db-final",
        });
        expect(named(plan.resources, "initech-db-params").inputs.family).toBe("postgres16");
    });

    it.each([
        [{ storageGiB: 19 }, /storageGiB: 19 is not allowed; expected a whole number of GiB from 20 to 65536/],
        [{ storageGiB: 65537 }, /storageGiB: 65537 is not allowed; expected a whole number of GiB from 20 to 65536/],
        [{ storageGiB: 20.5 }, /storageGiB: 20.5 is not allowed/],
        [{ subnetIds: ["subnet-data-a"] }, /subnetIds: 1 subnet\(s\) given; expected data-tier subnets in at least two availability zones/],
        [{ clientSecurityGroupIds: [] }, /clientSecurityGroupIds: none given; expected the security groups of the servers that use the database/],
        [{ port: 80 }, /port: 80 is not allowed; expected 1150 to 65535/],
        [{ backupRetentionDays: 3 }, /backupRetentionDays: 3 is not allowed; expected 7 to 35 days/],
        [{ backupRetentionDays: 36 }, /backupRetentionDays: 36 is not allowed; expected 7 to 35 days/],
        [{ engineVersion: "latest" }, /engineVersion: "latest" is not allowed; expected a PostgreSQL major or major.minor version/],
        [{ databaseName: "My-DB" }, /databaseName: "My-DB" is not allowed; expected a lower-case letter/],
        [{ masterUsername: "1admin" }, /masterUsername: "1admin" is not allowed; expected a lower-case letter/],
        [{ offboardingFinalBackup: "yes" }, /offboardingFinalBackup: its offboarding-final-backup tag is "yes", not the recovery point ARNs of a final backup/],
    ] as [Partial<DatabaseArgs>, RegExp][])("GIVEN %o WHEN constructed THEN it fails naming the field, the value and what is allowed", async (overrides, message) => {
        await expect(
            planProgram((provider) => {
                new Database("bad-db", databaseArgs(overrides), { provider });
            }),
        ).rejects.toThrow(message);
    });

    it("GIVEN several invalid args WHEN constructed THEN one error lists them all", async () => {
        await expect(
            planProgram((provider) => {
                new Database("bad-db", databaseArgs({ storageGiB: 10, port: 22 }), { provider });
            }),
        ).rejects.toThrow(/storageGiB: 10 is not allowed.*; port: 22 is not allowed/);
    });

    it.each([
        ["acme-db", "acme-db-final"],
        ["Acme_DB", "acme-db-final"],
        ["acme--db-", `acme-db-${createHash("sha256").update("acme--db-").digest("hex").slice(0, 8)}-final`],
        ["1st-db", "db-1st-db-final"],
        ["a".repeat(300), `${"a".repeat(249)}-final`],
    ])("GIVEN component name %s WHEN the final snapshot is named THEN it is %s", (name, expected) => {
        const identifier = finalSnapshotIdentifier(name);
        expect(identifier).toBe(expected);
        expect(identifier).toMatch(/^[a-z](?!.*--)[a-z0-9-]{0,254}$/);
        expect(identifier.length).toBeLessThanOrEqual(255);
    });

    it("GIVEN names the cleaning would make equal (a--b, a-b, a---b) WHEN their RDS identifiers are derived THEN they differ, RDS accepts them, and names without a doubled hyphen keep theirs", () => {
        const names = ["a-b-database", "a--b-database", "a---b-database", "a--b--database"];
        const identifiers = names.map(instanceIdentifier);
        const snapshots = names.map(finalSnapshotIdentifier);
        expect(new Set(identifiers).size).toBe(names.length);
        expect(new Set(snapshots).size).toBe(names.length);
        expect(identifiers[0]).toBe("a-b-database");
        expect(snapshots[0]).toBe("a-b-database-final");
        for (const identifier of identifiers) {
            // RDS CreateDBInstance DBInstanceIdentifier: 1-63 letters, digits or hyphens, first a letter, no "--", no trailing hyphen.
            expect(identifier).toMatch(/^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/);
        }
        const longest = instanceIdentifier(`${"x".repeat(28)}--${"y"}-database`);
        expect(longest.length).toBeLessThanOrEqual(63);
        expect(instanceIdentifier(`${"x".repeat(60)}--y`)).toMatch(/^x{54}-[0-9a-f]{8}$/);
    });

    it("GIVEN a name with a doubled hyphen WHEN planned THEN the parameter group is named as RDS accepts, any other keeps the provider's generated name", async () => {
        const { plan } = await planProgram((provider) => {
            new Database("a--b-database", databaseArgs(), { provider });
            new Database("acme-database", databaseArgs(), { provider });
        });
        // The generated `a--b-database-params-<7 hex>` has the "--" RDS refuses (CreateDBParameterGroup).
        expect(named(plan.resources, "a--b-database-params").inputs.name).toMatch(/^a-b-database-params-postgres16-[0-9a-f]{8}$/);
        expect(named(plan.resources, "acme-database-params").inputs.name).toMatch(/^acme-database-params-[0-9a-f]{7}$/);
        expect(parameterGroupName("acme-database", "postgres16")).toBeUndefined();
        expect(parameterGroupName("a--b-database", "postgres17")).toMatch(/^a-b-database-params-postgres17-[0-9a-f]{8}$/);
        // Two valid tenant ids that differ only in their run of hyphens keep apart.
        expect(parameterGroupName("a--b-database", "postgres16")).not.toBe(parameterGroupName("a---b-database", "postgres16"));
    });

    it.each([
        ["16", "postgres16"],
        ["16.4", "postgres16"],
        ["17", "postgres17"],
    ])("GIVEN engine version %s WHEN its parameter family is derived THEN it is %s", (version, family) => {
        expect(parameterGroupFamily(version)).toBe(family);
    });
});

describe("FilesBucket", () => {
    it("GIVEN a key WHEN planned THEN a retained, versioned, KMS-encrypted, private, owner-enforced bucket with noncurrent versions expiring after 31 days", async () => {
        const { plan } = await planProgram((provider) => {
            const files = new FilesBucket("acme-files", { kmsKeyArn: DATA_KEY }, { provider });
            return { bucketName: files.bucketName, bucketArn: files.bucketArn };
        });
        const buckets = ofType(plan.resources, "aws:s3/bucket:Bucket");
        expect(buckets.map((bucket) => bucket.name)).toEqual(["acme-files-bucket"]);
        const bucket = buckets[0]!;
        expect(bucket.retainOnDelete).toBe(true);
        expect(bucket.inputs.forceDestroy).toBe(false);
        expect(plan.outputs).toEqual({ bucketName: bucket.id, bucketArn: `arn:aws:s3:::${bucket.id}` });

        const onBucket = (type: string): PlannedResource[] => ofType(plan.resources, type).filter((resource) => resource.inputs.bucket === bucket.id);
        expect(onBucket("aws:s3/bucketVersioning:BucketVersioning").map((r) => r.inputs.versioningConfiguration)).toEqual([{ status: "Enabled" }]);
        expect(onBucket("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").map((r) => r.inputs.rules)).toEqual([
            [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: DATA_KEY }, bucketKeyEnabled: true }],
        ]);
        expect(onBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").map((r) => r.inputs)).toEqual([
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        ]);
        expect(onBucket("aws:s3/bucketOwnershipControls:BucketOwnershipControls").map((r) => r.inputs.rule)).toEqual([{ objectOwnership: "BucketOwnerEnforced" }]);
        const lifecycle = onBucket("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
        expect(lifecycle.map((r) => r.inputs.rules)).toEqual([
            [expect.objectContaining({ status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 31 } })],
        ]);
        expectAllParented(plan.resources, "acme-files");
    });

    it("GIVEN the bucket WHEN its policy is planned THEN it denies any request without TLS to the bucket and to its objects", async () => {
        const { plan } = await planProgram((provider) => {
            new FilesBucket("acme-files", { kmsKeyArn: DATA_KEY }, { provider });
        });
        const bucket = named(plan.resources, "acme-files-bucket");
        const policies = ofType(plan.resources, "aws:s3/bucketPolicy:BucketPolicy");
        expect(policies.map((policy) => [policy.name, policy.inputs.bucket])).toEqual([["acme-files-tls-only", bucket.id]]);
        const document = JSON.parse(String(policies[0]!.inputs.policy)) as { Statement: Record<string, unknown>[] };
        expect(document.Statement).toContainEqual({
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [`arn:aws:s3:::${bucket.id}`, `arn:aws:s3:::${bucket.id}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
        expect(document.Statement.every((statement) => statement.Effect === "Deny")).toBe(true);
    });

    it("GIVEN noncurrentVersionDays 90 WHEN planned THEN noncurrent versions expire after 90 days", async () => {
        const { plan } = await planProgram((provider) => {
            new FilesBucket("acme-files", { kmsKeyArn: DATA_KEY, noncurrentVersionDays: 90 }, { provider });
        });
        expect(named(plan.resources, "acme-files-lifecycle").inputs.rules).toEqual([expect.objectContaining({ noncurrentVersionExpiration: { noncurrentDays: 90 } })]);
    });

    it("GIVEN noncurrentVersionDays 0 WHEN constructed THEN it fails naming the field", async () => {
        await expect(
            planProgram((provider) => {
                new FilesBucket("bad-files", { kmsKeyArn: DATA_KEY, noncurrentVersionDays: 0 }, { provider });
            }),
        ).rejects.toThrow(/noncurrentVersionDays: 0 is not allowed; expected a whole number of days from 1 to 3650/);
    });

    it.each([["arn:aws:s3:::acme-files-bucket-1234567"], ["arn:aws:s3:::other"]])("GIVEN bucket %s WHEN the TLS-only policy is built THEN both statements deny on the bucket and its objects", (arn) => {
        const document = JSON.parse(tlsOnlyBucketPolicy(arn)) as { Version: string; Statement: Record<string, unknown>[] };
        expect(document.Version).toBe("2012-10-17");
        expect(document.Statement.map((statement) => [statement.Sid, statement.Effect, statement.Resource, statement.Condition])).toEqual([
            ["DenyInsecureTransport", "Deny", [arn, `${arn}/*`], { Bool: { "aws:SecureTransport": "false" } }],
            ["DenyOutdatedTls", "Deny", [arn, `${arn}/*`], { NumericLessThan: { "s3:TlsVersion": "1.2" } }],
        ]);
    });
});

describe("Backup", () => {
    const DB_ARN = "arn:aws:rds:eu-west-1:123456789012:db:acme-db-db-1a2b3c4";
    const BUCKET_ARN = "arn:aws:s3:::acme-files-bucket-1234567";
    const SERVER_ARNS = ["arn:aws:ec2:eu-west-1:123456789012:instance/i-0aaaaaaaaaaaaaaaa", "arn:aws:ec2:eu-west-1:123456789012:instance/i-0bbbbbbbbbbbbbbbb"];

    /** Plans a Backup with an off-site provider in eu-central-1, recording each child's explicit provider. */
    const TOPIC = "arn:aws:sns:eu-west-1:123456789012:platform-eu-west-1-operations";

    async function planBackup(extra: { instanceArns?: string[]; notificationTopicArn?: string; lockMinRetentionDays?: number; lockMaxRetentionDays?: number } = {}) {
        const explicitProviders = new Map<string, pulumi.ProviderResource | undefined>();
        let offsiteProvider: aws.Provider | undefined;
        const result = await planProgram((provider) => {
            offsiteProvider = testProvider("offsite", "eu-central-1");
            const backup = new Backup(
                "acme-backup",
                { backupKeyArn: BACKUP_KEY, offsiteRegion: "eu-central-1", offsiteProvider, databaseArns: [DB_ARN], filesBucketArn: BUCKET_ARN, notificationTopicArn: TOPIC, ...extra },
                {
                    provider,
                    transformations: [
                        (args) => {
                            explicitProviders.set(args.name, args.opts.provider);
                            return undefined;
                        },
                    ],
                },
            );
            return { vaultArn: backup.vaultArn, offsiteVaultArn: backup.offsiteVaultArn, planIds: backup.planIds, planArns: backup.planArns };
        });
        return { ...result, explicitProviders, offsiteProvider };
    }

    it("GIVEN an off-site region WHEN planned THEN both vaults are retained, encrypted and locked, the off-site ones in the off-site region", async () => {
        const { plan } = await planBackup();
        const vault = named(plan.resources, "acme-backup-vault");
        const offsiteVault = named(plan.resources, "acme-backup-offsite-vault");
        const offsiteKey = named(plan.resources, "acme-backup-offsite-key");
        expect(ofType(plan.resources, "aws:backup/vault:Vault").map((v) => v.name)).toEqual(["acme-backup-offsite-vault", "acme-backup-vault"]);
        for (const v of [vault, offsiteVault]) {
            expect(v.retainOnDelete, v.name).toBe(true);
            expect(v.inputs.forceDestroy, v.name).toBe(false);
        }
        expect(vault.inputs.kmsKeyArn).toBe(BACKUP_KEY);
        expect(offsiteVault.inputs.kmsKeyArn).toBe(`arn:aws:kms:eu-central-1:${PLAN_ACCOUNT_ID}:key/${offsiteKey.id}`);
        expect(offsiteKey.retainOnDelete).toBe(true);
        expect(offsiteKey.inputs).toMatchObject({ enableKeyRotation: true, keyUsage: "ENCRYPT_DECRYPT" });
        const keyPolicy = JSON.parse(String(offsiteKey.inputs.policy)) as { Statement: { Sid: string; Condition?: { StringEquals?: Record<string, unknown> } }[] };
        expect(keyPolicy.Statement.find((s) => s.Sid === "UseThroughAwsServices")?.Condition?.StringEquals?.["kms:ViaService"]).toEqual(
            ["backup", "rds", "ec2", "s3"].map((service) => `${service}.eu-central-1.amazonaws.com`),
        );
        expect(named(plan.resources, "acme-backup-offsite-key-alias").inputs).toEqual({ name: "alias/acme-backup/offsite-backup", targetKeyId: offsiteKey.id });

        const locks = ofType(plan.resources, "aws:backup/vaultLockConfiguration:VaultLockConfiguration");
        expect(locks.map((lock) => [lock.name, lock.inputs, lock.retainOnDelete])).toEqual([
            ["acme-backup-offsite-vault-lock", { backupVaultName: offsiteVault.id, minRetentionDays: 7, maxRetentionDays: 366 }, true],
            ["acme-backup-vault-lock", { backupVaultName: vault.id, minRetentionDays: 7, maxRetentionDays: 366 }, true],
        ]);
        expect(plan.outputs.vaultArn).toBe(`arn:aws:backup:eu-west-1:${PLAN_ACCOUNT_ID}:backup-vault:${vault.id}`);
        expect(plan.outputs.offsiteVaultArn).toBe(`arn:aws:backup:eu-central-1:${PLAN_ACCOUNT_ID}:backup-vault:${offsiteVault.id}`);
        expectAllParented(plan.resources, "acme-backup");
    });

    it("GIVEN an off-site provider WHEN planned THEN exactly the off-site key, alias, vault and lock are registered through it", async () => {
        const { explicitProviders, offsiteProvider } = await planBackup();
        const throughOffsite = [...explicitProviders].filter(([, provider]) => provider !== undefined && provider === offsiteProvider).map(([name]) => name);
        expect(throughOffsite.sort()).toEqual(["acme-backup-offsite-key", "acme-backup-offsite-key-alias", "acme-backup-offsite-vault", "acme-backup-offsite-vault-lock"]);
        const throughOther = [...explicitProviders].filter(([name, provider]) => provider !== undefined && provider !== offsiteProvider && name !== "acme-backup").map(([name]) => name);
        expect(throughOther).toEqual([]);
    });

    it("GIVEN the promise WHEN planned THEN the database plan has the three database rules and the files plan the two files rules, each kept its home retention and copied off-site with its off-site retention", async () => {
        const { plan } = await planBackup();
        const vault = named(plan.resources, "acme-backup-vault");
        const offsiteVaultArn = plan.outputs.offsiteVaultArn;
        const plans = ofType(plan.resources, "aws:backup/plan:Plan");
        expect(plans.map((p) => p.name)).toEqual(["acme-backup-database-plan", "acme-backup-files-plan"]);
        for (const target of ["database", "files"] as const) {
            const rules = named(plan.resources, `acme-backup-${target}-plan`).inputs.rules as Record<string, unknown>[];
            expect(rules).toEqual(
                rulesFor(target).map((rule) => ({
                    ruleName: rule.name,
                    targetVaultName: vault.id,
                    schedule: rule.schedule,
                    startWindow: rule.startWindowMinutes,
                    completionWindow: rule.completionWindowMinutes,
                    lifecycle: { deleteAfter: rule.keepDays.home },
                    copyActions: [{ destinationVaultArn: offsiteVaultArn, lifecycle: { deleteAfter: rule.keepDays.offsite } }],
                    recoveryPointTags: { "backup-rule": rule.name },
                })),
            );
        }
        // The promise in numbers, independent of the component: every promised rule is planned once,
        // [home days, off-site days]: the weekly points a year on the backup server only, a week at home.
        type PlannedRule = { ruleName: string; schedule: string; lifecycle: { deleteAfter: number }; copyActions: { lifecycle: { deleteAfter: number } }[] };
        const planned = plans.flatMap((p) => (p.inputs.rules as PlannedRule[]).map((r) => [r.ruleName, r.schedule, r.lifecycle.deleteAfter, r.copyActions.map((c) => c.lifecycle.deleteAfter)]));
        expect(planned).toEqual([
            ["database-every-2-hours", "cron(0 0/2 * * ? *)", 7, [7]],
            ["database-daily", "cron(0 1 * * ? *)", 31, [31]],
            ["database-weekly", "cron(0 3 ? * MON *)", 7, [365]],
            ["files-daily", "cron(0 1 * * ? *)", 31, [31]],
            ["files-weekly", "cron(0 3 ? * MON *)", 7, [365]],
        ]);
        expect(offsiteVaultArn).toMatch(/^arn:aws:backup:eu-central-1:/);
        expect(plan.outputs.planIds).toEqual({ database: plans[0]!.id, files: plans[1]!.id });
        expect(plan.outputs.planArns).toEqual({
            database: `arn:aws:backup:eu-west-1:${PLAN_ACCOUNT_ID}:backup-plan:${plans[0]!.id}`,
            files: `arn:aws:backup:eu-west-1:${PLAN_ACCOUNT_ID}:backup-plan:${plans[1]!.id}`,
        });
    });

    it("GIVEN the weekly rules WHEN planned THEN the home vault keeps them 7 days (the promise keeps them a year on the backup server only), never 365", async () => {
        const { plan } = await planBackup();
        const weekly = ofType(plan.resources, "aws:backup/plan:Plan")
            .flatMap((p) => p.inputs.rules as { ruleName: string; lifecycle: { deleteAfter: number }; copyActions: { destinationVaultArn: string; lifecycle: { deleteAfter: number } }[] }[])
            .filter((rule) => rule.ruleName.endsWith("-weekly"));
        expect(weekly.map((rule) => rule.ruleName)).toEqual(["database-weekly", "files-weekly"]);
        for (const rule of weekly) {
            expect(rule.lifecycle.deleteAfter, rule.ruleName).toBe(7);
            expect(rule.copyActions.map((copy) => [copy.destinationVaultArn, copy.lifecycle.deleteAfter]), rule.ruleName).toEqual([[plan.outputs.offsiteVaultArn, 365]]);
        }
    });

    it("GIVEN a recovery copy WHEN planned THEN only the weekly rules copy there, kept its own days, besides the off-site copy of 365 days", async () => {
        const RECOVERY_VAULT = "arn:aws:backup:eu-north-1:123456789012:backup-vault:platform-eu-west-1-tenant-copies";
        const { plan } = await planProgram((provider) => {
            const backup = new Backup(
                "acme-backup",
                {
                    backupKeyArn: BACKUP_KEY,
                    offsiteRegion: "eu-central-1",
                    offsiteProvider: testProvider("offsite", "eu-central-1"),
                    databaseArns: [DB_ARN],
                    filesBucketArn: BUCKET_ARN,
                    notificationTopicArn: TOPIC,
                    recoveryCopy: { vaultArn: RECOVERY_VAULT, deleteAfterDays: 35 },
                },
                { provider },
            );
            return { offsiteVaultArn: backup.offsiteVaultArn };
        });
        const rules = ofType(plan.resources, "aws:backup/plan:Plan").flatMap(
            (p) => p.inputs.rules as { ruleName: string; lifecycle: { deleteAfter: number }; copyActions: { destinationVaultArn: string; lifecycle: { deleteAfter: number } }[] }[],
        );
        expect(rules.map((rule) => [rule.ruleName, rule.lifecycle.deleteAfter, rule.copyActions.map((copy) => [copy.destinationVaultArn === RECOVERY_VAULT ? "recovery" : "offsite", copy.lifecycle.deleteAfter])])).toEqual([
            ["database-every-2-hours", 7, [["offsite", 7]]],
            ["database-daily", 31, [["offsite", 31]]],
            ["database-weekly", 7, [["offsite", 365], ["recovery", 35]]],
            ["files-daily", 31, [["offsite", 31]]],
            ["files-weekly", 7, [["offsite", 365], ["recovery", 35]]],
        ]);
    });

    it("GIVEN a database, the bucket and two servers WHEN planned THEN each plan's selection covers exactly its ARNs through the backup role", async () => {
        const { plan } = await planBackup({ instanceArns: SERVER_ARNS });
        const role = named(plan.resources, "acme-backup-role");
        const selections = ofType(plan.resources, "aws:backup/selection:Selection");
        expect(selections.map((s) => [s.name, byId(plan.resources, s.inputs.planId)?.name, s.inputs.resources, s.inputs.iamRoleArn])).toEqual([
            ["acme-backup-database-selection", "acme-backup-database-plan", [DB_ARN], `arn:aws:iam::${PLAN_ACCOUNT_ID}:role/${role.id}`],
            ["acme-backup-files-selection", "acme-backup-files-plan", [BUCKET_ARN, ...SERVER_ARNS], `arn:aws:iam::${PLAN_ACCOUNT_ID}:role/${role.id}`],
        ]);
    });

    it("GIVEN no servers WHEN planned THEN the files selection is the bucket alone", async () => {
        const { plan } = await planBackup();
        expect(named(plan.resources, "acme-backup-files-selection").inputs.resources).toEqual([BUCKET_ARN]);
    });

    it("GIVEN the backup role WHEN planned THEN AWS Backup assumes it and it has the backup, restore and S3 backup and restore managed policies", async () => {
        const { plan } = await planBackup();
        const role = named(plan.resources, "acme-backup-role");
        expect(JSON.parse(String(role.inputs.assumeRolePolicy))).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        const attachments = ofType(plan.resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        expect(attachments.every((attachment) => attachment.inputs.role === role.id)).toBe(true);
        expect(attachments.map((attachment) => attachment.inputs.policyArn).sort()).toEqual([
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        ]);
        expect(Object.values(BACKUP_ROLE_POLICY_ARNS)).toHaveLength(4);
    });

    it("GIVEN the operations topic WHEN planned THEN the home vault (only) tells it about finished jobs (failed and expired ones by their State) and failed copies", async () => {
        const { plan } = await planBackup({ notificationTopicArn: TOPIC });
        const vault = named(plan.resources, "acme-backup-vault");
        expect(ofType(plan.resources, "aws:backup/vaultNotifications:VaultNotifications").map((n) => n.inputs)).toEqual([
            { backupVaultName: vault.id, snsTopicArn: TOPIC, backupVaultEvents: ["BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED", "S3_BACKUP_OBJECT_FAILED"] },
        ]);
    });

    it("GIVEN custom lock bounds WHEN planned THEN both locks use them", async () => {
        const { plan } = await planBackup({ lockMinRetentionDays: 1, lockMaxRetentionDays: 400 });
        expect(ofType(plan.resources, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").map((lock) => [lock.inputs.minRetentionDays, lock.inputs.maxRetentionDays])).toEqual([
            [1, 400],
            [1, 400],
        ]);
    });

    it.each([
        [{ lockMinRetentionDays: 8 }, /lockMinRetentionDays: 8 is not allowed; expected a whole number of days from 1 to 7, the shortest retention in a vault \(home 7, off-site 7\)/],
        [{ lockMinRetentionDays: 0 }, /lockMinRetentionDays: 0 is not allowed/],
        [{ lockMaxRetentionDays: 364 }, /lockMaxRetentionDays: 364 is not allowed; expected a whole number of days from 365, the longest retention in a vault \(home 365 with the final backup, off-site 365\), to 36500/],
        // The home vault's rules keep at most 31 days, but the final backup before a destroy lands there for 365.
        [{ lockMaxRetentionDays: 31 }, /lockMaxRetentionDays: 31 is not allowed; expected a whole number of days from 365/],
        [{ lockMaxRetentionDays: 36501 }, /lockMaxRetentionDays: 36501 is not allowed/],
    ])("GIVEN %o WHEN constructed THEN it fails naming the field, the value and what is allowed", async (bounds, message) => {
        await expect(planBackup(bounds)).rejects.toThrow(message);
    });

    it("GIVEN no database ARNs WHEN constructed THEN it fails naming the field", async () => {
        await expect(
            planProgram((provider) => {
                new Backup(
                    "bad-backup",
                    { backupKeyArn: BACKUP_KEY, offsiteRegion: "eu-central-1", offsiteProvider: testProvider("offsite", "eu-central-1"), databaseArns: [], filesBucketArn: BUCKET_ARN, notificationTopicArn: TOPIC },
                    { provider },
                );
            }),
        ).rejects.toThrow(/databaseArns: none given; expected the ARNs of the tenant's database instances/);
    });

    it.each([
        [7, 366, []],
        [7, 365, []],
        [8, 366, ["lockMinRetentionDays"]],
        [7, 364, ["lockMaxRetentionDays"]],
        [0, 10, ["lockMinRetentionDays", "lockMaxRetentionDays"]],
        [2.5, 366, ["lockMinRetentionDays"]],
    ])("GIVEN lock bounds %i..%i WHEN checked against the promise THEN the problems name %j", (min, max, fields) => {
        expect(lockRetentionProblems(min, max).map((problem) => problem.split(":")[0])).toEqual(fields);
    });

    it.each([
        ["at home", { home: 1, offsite: 7 }, "home 1, off-site 7"],
        ["off-site", { home: 7, offsite: 1 }, "home 7, off-site 1"],
    ])("GIVEN a promise whose shortest retention is 1 day %s WHEN lock bounds are checked THEN a 7-day minimum is refused (one minimum serves both locks)", (_where, keepDays, detail) => {
        const promise = [...BACKUP_PROMISE, { ...BACKUP_PROMISE[0]!, name: "hourly", keepDays }];
        expect(lockRetentionProblems(7, 366, promise)).toEqual([`lockMinRetentionDays: 7 is not allowed; expected a whole number of days from 1 to 1, the shortest retention in a vault (${detail})`]);
    });

    it("GIVEN a promise keeping a rule 400 days off-site WHEN lock bounds are checked THEN the 366-day maximum is refused", () => {
        const promise = [...BACKUP_PROMISE, { ...BACKUP_PROMISE[2]!, name: "longer", keepDays: { home: 7, offsite: 400 } }];
        expect(lockRetentionProblems(7, 366, promise)).toEqual([expect.stringMatching(/^lockMaxRetentionDays: 366 is not allowed; expected a whole number of days from 400, the longest retention in a vault \(home 365 with the final backup, off-site 400\)/)]);
    });
});
