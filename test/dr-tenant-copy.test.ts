// A dedicated-saas tenant whose off-site copies are in another region than its platform's recovery:
// dr copies its newest points into the recovery's copy vault first (AWS Backup StartCopyJob,
// DescribeCopyJob), resumably, and restores from the copies (aws-sdk-client-mock).

import { BackupClient, DescribeCopyJobCommand, DescribeRestoreJobCommand, ListRecoveryPointsByBackupVaultCommand, StartCopyJobCommand, StartRestoreJobCommand } from "@aws-sdk/client-backup";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import pino from "pino";
import { afterAll, beforeEach, describe, expect, it } from "vitest";

import { sdkAws } from "../scripts/lib/dr/aws";
import type { DrContext } from "../scripts/lib/dr/context";
import { readRecoveryOutputs } from "../scripts/lib/dr/outputs";
import { restore, RestoreSource } from "../scripts/lib/dr/restore";
import { RECOVERY_OUTPUTS } from "./dr-fixture";

const ACCOUNT = "123456789012";
const NOW = new Date("2026-03-02T03:00:00Z");
const RUN = "20260302t030000z";
const SOURCE_VAULT = `arn:aws:backup:eu-west-3:${ACCOUNT}:backup-vault:globex-backup-offsite-vault`;
const COPY_VAULT = `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:platform-eu-west-1-recovery-tenant-copies`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/platform-eu-west-1-recovery-restore`;
const KEY = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
const DB = `arn:aws:rds:eu-west-1:${ACCOUNT}:db:globex-db`;
const FILES = "arn:aws:s3:::globex-files";
const point = (region: string, id: string) => `arn:aws:backup:${region}:${ACCOUNT}:recovery-point:${id}`;
const SOURCE: RestoreSource = { vaultArn: SOURCE_VAULT, resources: { database: DB, files: FILES }, label: "tenant globex", copyInto: { vaultArn: COPY_VAULT, roleArn: ROLE } };
const INTO = {
    stack: "platform-eu-west-1-recovery",
    roleArn: ROLE,
    target: { dbSubnetGroupName: "recovery-db", securityGroupIds: ["sg-0a"], filesBucketName: "recovery-globex-files", availabilityZone: "eu-central-1a" },
    dataKeyArn: KEY,
    name: "globex-recovery",
};

const backup = mockClient(BackupClient);
const rds = mockClient(RDSClient);
afterAll(() => {
    backup.restore();
    rds.restore();
});
const ctx = () => ({ aws: sdkAws(), log: pino({ level: "silent" }), pollMs: 1, sleep: async () => undefined, now: () => NOW, force: false, state: { runId: RUN } }) as unknown as DrContext;
const regionOf = async (call: { thisValue: unknown }) => (await (call.thisValue as BackupClient).config.region()) as string;

beforeEach(() => {
    backup.reset();
    rds.reset();
    backup.on(ListRecoveryPointsByBackupVaultCommand, { ByResourceArn: DB }).resolves({ RecoveryPoints: [{ RecoveryPointArn: point("eu-west-3", "db-1"), ResourceArn: DB, ResourceType: "RDS", Status: "COMPLETED", CreationDate: new Date(NOW.getTime() - 30 * 60_000) }] });
    backup.on(ListRecoveryPointsByBackupVaultCommand, { ByResourceArn: FILES }).resolves({ RecoveryPoints: [{ RecoveryPointArn: point("eu-west-3", "files-1"), ResourceArn: FILES, ResourceType: "S3", Status: "COMPLETED", CreationDate: new Date(NOW.getTime() - 60 * 60_000) }] });
    backup.on(StartCopyJobCommand, { RecoveryPointArn: point("eu-west-3", "db-1") }).resolves({ CopyJobId: "copy-db" });
    backup.on(StartCopyJobCommand, { RecoveryPointArn: point("eu-west-3", "files-1") }).resolves({ CopyJobId: "copy-files" });
    backup.on(DescribeCopyJobCommand, { CopyJobId: "copy-db" }).resolvesOnce({ CopyJob: { State: "RUNNING" } }).resolves({ CopyJob: { State: "COMPLETED", DestinationRecoveryPointArn: point("eu-central-1", "db-copy") } });
    backup.on(DescribeCopyJobCommand, { CopyJobId: "copy-files" }).resolves({ CopyJob: { State: "COMPLETED", DestinationRecoveryPointArn: point("eu-central-1", "files-copy") } });
    backup.on(StartRestoreJobCommand, { ResourceType: "RDS" }).resolves({ RestoreJobId: "restore-db" });
    backup.on(StartRestoreJobCommand, { ResourceType: "S3" }).resolves({ RestoreJobId: "restore-files" });
    backup.on(DescribeRestoreJobCommand).resolves({ Status: "COMPLETED" });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: "available", MasterUserSecret: { SecretArn: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db", SecretStatus: "active" } }] });
});

describe("a tenant's recovery points in another region", () => {
    it("GIVEN points in eu-west-3 and a recovery in eu-central-1 WHEN restored THEN each is copied into the copy vault (in the source's region, 7 days) and restored from the copy in the recovery's region", async () => {
        const saved: Record<string, unknown>[] = [];
        const detail = await restore(ctx(), SOURCE, INTO, {}, (d) => saved.push(structuredClone(d)));
        expect(backup.commandCalls(StartCopyJobCommand).map((call) => call.args[0].input)).toEqual([
            { SourceBackupVaultName: "globex-backup-offsite-vault", RecoveryPointArn: point("eu-west-3", "db-1"), DestinationBackupVaultArn: COPY_VAULT, IamRoleArn: ROLE, IdempotencyToken: `${RUN}-globex-recovery-database-copy`, Lifecycle: { DeleteAfterDays: 7 } },
            { SourceBackupVaultName: "globex-backup-offsite-vault", RecoveryPointArn: point("eu-west-3", "files-1"), DestinationBackupVaultArn: COPY_VAULT, IamRoleArn: ROLE, IdempotencyToken: `${RUN}-globex-recovery-files-copy`, Lifecycle: { DeleteAfterDays: 7 } },
        ]);
        expect(await Promise.all(backup.commandCalls(StartCopyJobCommand).map(regionOf))).toEqual(["eu-west-3", "eu-west-3"]);
        const restores = backup.commandCalls(StartRestoreJobCommand);
        expect(restores.map((call) => call.args[0].input.RecoveryPointArn)).toEqual([point("eu-central-1", "db-copy"), point("eu-central-1", "files-copy")]);
        expect(await Promise.all(restores.map(regionOf))).toEqual(["eu-central-1", "eu-central-1"]);
        // The copies are saved before any restore starts: a resume restores from them.
        const beforeRestore = saved.find((d) => d.jobs === undefined && d.copies !== undefined && Object.keys(d.copies as object).length === 2);
        expect(beforeRestore?.copies).toEqual({ database: point("eu-central-1", "db-copy"), files: point("eu-central-1", "files-copy") });
        expect(detail.copyJobs).toEqual({ database: "copy-db", files: "copy-files" });
    });

    it("GIVEN a resumed run whose copies are known WHEN restored THEN nothing is copied again; one whose copy job is known THEN it is awaited, not restarted", async () => {
        const points = { database: { arn: point("eu-west-3", "db-1"), resourceType: "RDS", createdAt: NOW.toISOString(), ageMinutes: 30, stale: false }, files: { arn: point("eu-west-3", "files-1"), resourceType: "S3", createdAt: NOW.toISOString(), ageMinutes: 60, stale: false } };
        await restore(ctx(), SOURCE, INTO, { points, copyJobs: { database: "copy-db", files: "copy-files" }, copies: { database: point("eu-central-1", "db-copy") } }, () => undefined);
        expect(backup.commandCalls(StartCopyJobCommand)).toHaveLength(0);
        expect(backup.commandCalls(DescribeCopyJobCommand).map((call) => call.args[0].input.CopyJobId)).toEqual(["copy-files"]);
        expect(backup.commandCalls(StartRestoreJobCommand).map((call) => call.args[0].input.RecoveryPointArn)).toEqual([point("eu-central-1", "db-copy"), point("eu-central-1", "files-copy")]);
    });

    it("GIVEN a failed copy WHEN restored THEN the step stops naming it, no restore starts, and a resume copies again with a token of its own", async () => {
        backup.on(DescribeCopyJobCommand, { CopyJobId: "copy-db" }).resolves({ CopyJob: { State: "FAILED", StatusMessage: "Access denied to the key" } });
        let last: Record<string, unknown> = {};
        await expect(restore(ctx(), SOURCE, INTO, {}, (d) => (last = structuredClone(d)))).rejects.toThrow(`the copy job of the database (globex-recovery) into ${COPY_VAULT} FAILED: Access denied to the key`);
        expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
        expect(last.copyJobs).toEqual({ files: "copy-files" });
        backup.on(DescribeCopyJobCommand, { CopyJobId: "copy-db" }).resolves({ CopyJob: { State: "COMPLETED", DestinationRecoveryPointArn: point("eu-central-1", "db-copy") } });
        backup.resetHistory();
        await restore(ctx(), SOURCE, INTO, last, () => undefined);
        expect(backup.commandCalls(StartCopyJobCommand).map((call) => call.args[0].input.IdempotencyToken)).toEqual([`${RUN}-globex-recovery-database-copy-2`]);
    });

    it("GIVEN a recovery's outputs WHEN read THEN tenantCopyVaultArn is an optional ARN", () => {
        expect(readRecoveryOutputs("r", JSON.stringify({ ...RECOVERY_OUTPUTS, tenantCopyVaultArn: COPY_VAULT })).tenantCopyVaultArn).toBe(COPY_VAULT);
        expect(() => readRecoveryOutputs("r", JSON.stringify({ ...RECOVERY_OUTPUTS, tenantCopyVaultArn: "vault" }))).toThrow('tenantCopyVaultArn is "vault": expected an ARN');
    });
});
