// npm run dr for a platform region: the shared database and files and, beside them, each
// dedicated-saas tenant the platform recovery carries (its own off-site points, the recovery's
// network, its own files bucket), against the stub pulumi and the AWS SDK mocked.

import * as fs from "node:fs";
import * as path from "node:path";

import { DescribeRestoreJobCommand, ListRecoveryPointsByBackupVaultCommand, StartRestoreJobCommand } from "@aws-sdk/client-backup";
import { CreateRuleCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DeleteDBInstanceCommand, ModifyDBInstanceCommand } from "@aws-sdk/client-rds";
import { PublishCommand } from "@aws-sdk/client-sns";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { RunState } from "../scripts/lib/dr/run-file";
import { ACCOUNT, createWorld, DATA_KEY, dr, output, PRODUCTION_OUTPUTS, pulumiCalls, RECOVERY_OUTPUTS, START, World, useStubPulumi } from "./dr-fixture";
import { installRdsFake, RdsFake } from "./dr-rds-fake";

const PLATFORM = "platform-eu-west-1";
const RECOVERY = `${PLATFORM}-recovery`;
const TENANTS = ["globex", "initech", "umbrella"] as const;
const SHARED_DB = `arn:aws:rds:eu-west-1:${ACCOUNT}:db:${PLATFORM}-db`;
const SHARED_FILES = `arn:aws:s3:::${PLATFORM}-files`;
const VAULT = `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:${PLATFORM}-offsite`;
const tenantDb = (id: string) => `arn:aws:rds:eu-west-1:${ACCOUNT}:db:${id}-db`;
const tenantFiles = (id: string) => `arn:aws:s3:::${id}-files`;
const tenantVault = (id: string) => `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:${id}-offsite`;
const RUN = "20260302t030000z";

useStubPulumi("dr-platform-home");

let world: World;
const worlds: World[] = [];

/** Points of every resource (30 min / 5 h old unless `ages` says otherwise; null: none). */
function points(w: World, ages: Record<string, number | null> = {}): void {
    const resources = [
        [SHARED_DB, "RDS"],
        [SHARED_FILES, "S3"],
        ...TENANTS.flatMap((id) => [
            [tenantDb(id), "RDS"],
            [tenantFiles(id), "S3"],
        ]),
    ] as const;
    for (const [arn, type] of resources) {
        const minutes = arn in ages ? ages[arn] : type === "RDS" ? 30 : 300;
        w.backup.on(ListRecoveryPointsByBackupVaultCommand, { ByResourceArn: arn }).resolves({
            RecoveryPoints: minutes === null ? [] : [{ RecoveryPointArn: `arn:aws:backup:eu-central-1:${ACCOUNT}:recovery-point:${arn.split(/[:/]/).pop()}`, ResourceArn: arn, ResourceType: type, Status: "COMPLETED", CreationDate: new Date(START.getTime() - minutes! * 60_000) }],
        });
    }
}

function recoveryOutputs(active: boolean, prefix = RECOVERY): Record<string, unknown> {
    return {
        ...RECOVERY_OUTPUTS,
        restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/${prefix}-restore`,
        restoreTarget: { dbSubnetGroupName: `${prefix}-db`, securityGroupIds: ["sg-0a1b2c3d"], filesBucketName: `${prefix}-files`, availabilityZone: "eu-central-1a" },
        url: `https://app.${prefix.endsWith("-drill") ? "drill" : "recovery"}.itm.example.net`,
        recoveryActive: active,
        dedicatedSaasTenants: Object.fromEntries(
            TENANTS.map((id) => [id, { filesBucketName: `${prefix}-${id}-files`, failoverName: `${id}.itm.example.net`, ...(active ? { url: `https://recovery.${id}.itm.example.net` } : {}) }]),
        ),
    };
}

beforeEach(() => {
    world = createWorld();
    worlds.push(world);
    for (const stack of [PLATFORM, RECOVERY, ...TENANTS]) {
        fs.writeFileSync(path.join(world.dir, "stacks", `${stack}.json`), JSON.stringify({ config: {} }));
    }
    const outputs: Record<string, unknown> = {
        [PLATFORM]: { ...PRODUCTION_OUTPUTS, url: "https://app.itm.example.net", offsiteBackupVaultArn: VAULT, databaseArn: SHARED_DB, filesBucketArn: SHARED_FILES },
        [RECOVERY]: recoveryOutputs(false),
        [`${PLATFORM}-drill`]: recoveryOutputs(true, `${PLATFORM}-drill`),
        ...Object.fromEntries(TENANTS.map((id) => [id, { url: `https://${id}.itm.example.net`, offsiteBackupVaultArn: tenantVault(id), databaseArn: tenantDb(id), filesBucketArn: tenantFiles(id) }])),
    };
    fs.writeFileSync(path.join(world.dir, "outputs.json"), JSON.stringify(outputs));
    points(world);
    world.check = (url) => (url === "https://app.itm.example.net" ? { ok: false, error: "connect ETIMEDOUT" } : { ok: true, status: 200 });
    // The stack's update makes it active (its outputs then carry the tenants' URLs).
    world.backup.on(StartRestoreJobCommand).callsFake((input: { IdempotencyToken: string }) => ({ RestoreJobId: `job-${input.IdempotencyToken}` }));
    world.backup.on(DescribeRestoreJobCommand).resolves({ Status: "COMPLETED" });
});
afterEach(() => {
    // Production (the platform and every tenant's own stack) is only ever read.
    const production = pulumiCalls(world).filter((call) => [PLATFORM, ...TENANTS].includes(call.stack ?? ""));
    expect(production.filter((call) => call.argv[0] !== "stack" || !["select", "output"].includes(call.argv[1]!)).map((call) => call.argv.join(" "))).toEqual([]);
    // Deleted only: a drill's restored databases, and the instances a failback's restore jobs created (re-encrypted first).
    const intermediates = [PLATFORM, ...TENANTS].map((stack) => `${stack}-${RUN}`);
    expect(world.rds.commandCalls(DeleteDBInstanceCommand).map((call) => call.args[0].input.DBInstanceIdentifier).filter((id) => !/-drill-\d{8}t\d{6}z$/.test(id!) && !intermediates.includes(id!))).toEqual([]);
});
afterAll(() => {
    for (const w of worlds) fs.rmSync(w.dir, { recursive: true, force: true });
});

function activate(w: World): void {
    const file = path.join(w.dir, "outputs.json");
    const outputs = JSON.parse(fs.readFileSync(file, "utf8"));
    outputs[RECOVERY] = recoveryOutputs(true);
    fs.writeFileSync(file, JSON.stringify(outputs));
}

function runState(w: World, target = PLATFORM): RunState {
    const folder = path.join(w.runDir, target);
    const latest = fs.readdirSync(folder).filter((name) => name.endsWith(".json")).sort().pop()!;
    return JSON.parse(fs.readFileSync(path.join(folder, latest), "utf8")) as RunState;
}

function configs(w: World): string[] {
    return pulumiCalls(w)
        .filter((call) => call.argv[0] === "config" && call.phase !== "end")
        .map((call) => `${call.stack} ${call.argv[2]}=${call.argv[call.argv.indexOf("--") + 1]}`);
}

const restores = (w: World) => w.backup.commandCalls(StartRestoreJobCommand).map((call) => call.args[0].input);

describe("activate platform-<region>", () => {
    beforeEach(() => activate(world));

    it("GIVEN three dedicated-saas tenants WHEN activated THEN each tenant's own points are restored into the recovery's network and its own bucket, each database gets its managed secret, and the stack learns every restored database before its update", async () => {
        expect(await dr(world, ["activate", PLATFORM, "--yes"])).toBe(0);
        const started = restores(world);
        expect(started).toHaveLength(8);
        for (const id of TENANTS) {
            expect(started).toContainEqual({
                RecoveryPointArn: `arn:aws:backup:eu-central-1:${ACCOUNT}:recovery-point:${id}-db`,
                ResourceType: "RDS",
                IamRoleArn: `arn:aws:iam::${ACCOUNT}:role/${RECOVERY}-restore`,
                Metadata: { DBInstanceIdentifier: `${id}-recovery-${RUN}`, DBSubnetGroupName: `${RECOVERY}-db`, VpcSecurityGroupIds: '["sg-0a1b2c3d"]', AvailabilityZone: "eu-central-1a" },
                IdempotencyToken: `${RUN}-${id}-recovery-database`,
            });
            expect(started).toContainEqual({
                RecoveryPointArn: `arn:aws:backup:eu-central-1:${ACCOUNT}:recovery-point:${id}-files`,
                ResourceType: "S3",
                IamRoleArn: `arn:aws:iam::${ACCOUNT}:role/${RECOVERY}-restore`,
                Metadata: { DestinationBucketName: `${RECOVERY}-${id}-files`, NewBucket: "false", Encrypted: "true", EncryptionType: "SSE-KMS", KMSKey: DATA_KEY },
                IdempotencyToken: `${RUN}-${id}-recovery-files`,
            });
            // Each tenant's points come from its own production stack's off-site vault.
            expect(world.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand).map((call) => call.args[0].input)).toContainEqual(expect.objectContaining({ BackupVaultName: `${id}-offsite`, ByResourceArn: tenantDb(id) }));
        }
        expect(started).toContainEqual(expect.objectContaining({ Metadata: expect.objectContaining({ DBInstanceIdentifier: `${RECOVERY}-${RUN}` }) }));
        expect(
            world.rds
                .commandCalls(ModifyDBInstanceCommand)
                .map((call) => call.args[0].input.DBInstanceIdentifier)
                .sort(),
        ).toEqual([`${RECOVERY}-${RUN}`, ...TENANTS.map((id) => `${id}-recovery-${RUN}`)].sort());
        expect(configs(world)).toEqual([
            `${RECOVERY} recoveryActive=true`,
            `${RECOVERY} restoredDatabase=${RECOVERY}-${RUN}`,
            `${RECOVERY} restoredFilesBucket=${RECOVERY}-files`,
            `${RECOVERY} restoredTenantDatabases=${JSON.stringify(Object.fromEntries(TENANTS.map((id) => [id, `${id}-recovery-${RUN}`])))}`,
            `${RECOVERY} recoveryRedirect=true`,
        ]);
        // The check covers the platform's URL and every tenant's check URL.
        const check = runState(world).steps.find((step) => step.name === "check")!.detail;
        expect(Object.keys(check.urls as Record<string, number>)).toEqual(["https://app.recovery.itm.example.net", ...TENANTS.map((id) => `https://recovery.${id}.itm.example.net`)]);
        expect(output(world)).toContain("| Time to active |");
        const report = fs.readFileSync(path.join(world.runDir, PLATFORM, `${runState(world).runId}.md`), "utf8");
        for (const id of TENANTS) {
            expect(report).toContain(`| ${id} database | \`arn:aws:backup:eu-central-1:${ACCOUNT}:recovery-point:${id}-db\` |`);
        }
    });

    it("GIVEN a tenant whose check URL fails WHEN activated THEN the check step fails naming that URL and DNS is not redirected", async () => {
        world.check = (url) => (url === "https://app.itm.example.net" || url === "https://recovery.initech.itm.example.net" ? { ok: false, status: 502, error: "answered 502" } : { ok: true, status: 200 });
        expect(await dr(world, ["activate", PLATFORM, "--yes"])).toBe(1);
        expect(output(world)).toContain("failed at step check: https://recovery.initech.itm.example.net fails the functional check");
        expect(configs(world)).not.toContain(`${RECOVERY} recoveryRedirect=true`);
    });

    it("GIVEN tenant 2 of 3 whose database restore job fails WHEN resumed THEN only that job starts again (a new token), the others are not restored twice", async () => {
        let failures = 1;
        world.backup.on(DescribeRestoreJobCommand, { RestoreJobId: `job-${RUN}-initech-recovery-database` }).callsFake(() => (failures-- > 0 ? { Status: "FAILED", StatusMessage: "DBInstance initech-recovery-x already exists" } : { Status: "COMPLETED" }));
        expect(await dr(world, ["activate", PLATFORM, "--yes"])).toBe(1);
        expect(output(world)).toContain("failed at step restore: tenant initech: the restore job of the database (initech-recovery) FAILED: DBInstance initech-recovery-x already exists");
        expect(restores(world)).toHaveLength(8);
        // The others completed (and got their secrets) while initech's failed; the stack was not told yet.
        expect(configs(world).filter((line) => line.includes("restored"))).toEqual([]);
        const failed = runState(world).steps.find((step) => step.name === "restore")!.detail;
        expect(Object.entries(failed.tenants as Record<string, { done?: boolean }>).map(([id, tenant]) => [id, tenant.done === true])).toEqual([
            ["globex", true],
            ["initech", false],
            ["umbrella", true],
        ]);

        expect(await dr(world, ["activate", PLATFORM, "--yes", "--resume"])).toBe(0);
        const again = restores(world).slice(8);
        expect(again.map((input) => input.IdempotencyToken)).toEqual([`${RUN}-initech-recovery-database-2`]);
        expect(again[0]!.Metadata).toMatchObject({ DBInstanceIdentifier: `initech-recovery-${RUN}` });
        expect(configs(world).filter((line) => line.includes("restoredTenantDatabases"))).toHaveLength(1);
        expect(runState(world).steps.map((step) => [step.name, step.status])).toEqual(["block", "version", "restore", "check", "redirect"].map((name) => [name, "done"]));
    });
});

describe("refusals per tenant: nothing changes", () => {
    const nothingChanged = (w: World) => {
        expect(configs(w)).toEqual([]);
        expect(w.elb.commandCalls(CreateRuleCommand)).toHaveLength(0);
        expect(w.sns.commandCalls(PublishCommand)).toHaveLength(0);
        expect(w.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
    };

    it.each(["activate", "drill"])("GIVEN a tenant without a completed database point WHEN %s THEN refused, naming the tenant", async (operation) => {
        points(world, { [tenantDb("initech")]: null });
        expect(await dr(world, [operation, PLATFORM, "--yes"])).toBe(1);
        expect(output(world)).toContain(`refused: tenant initech: no completed recovery point of the database (${tenantDb("initech")}) in the off-site vault ${tenantVault("initech")}`);
        nothingChanged(world);
    });

    it("GIVEN a tenant's files point older than the promise WHEN activated THEN refused naming the tenant; --force restores it", async () => {
        points(world, { [tenantFiles("umbrella")]: 33 * 60 + 1 });
        expect(await dr(world, ["activate", PLATFORM, "--yes"])).toBe(1);
        expect(output(world)).toContain("refused: tenant umbrella: the newest recovery point of the files");
        nothingChanged(world);
        activate(world);
        expect(await dr(world, ["activate", PLATFORM, "--yes", "--force"])).toBe(0);
    });

    it("GIVEN a tenant's production stack without its off-site vault output WHEN activated THEN stopped with the tenant's stack and the output named", async () => {
        const file = path.join(world.dir, "outputs.json");
        const outputs = JSON.parse(fs.readFileSync(file, "utf8"));
        delete outputs.globex.offsiteBackupVaultArn;
        fs.writeFileSync(file, JSON.stringify(outputs));
        expect(await dr(world, ["activate", PLATFORM, "--yes"])).toBe(1);
        expect(output(world)).toContain("stack globex: offsiteBackupVaultArn is missing");
        nothingChanged(world);
    });

    it("GIVEN a platform recovery deployed before it exported dedicatedSaasTenants WHEN its update still does not export them THEN the restore step stops, naming the output, before any restore job", async () => {
        const file = path.join(world.dir, "outputs.json");
        const outputs = JSON.parse(fs.readFileSync(file, "utf8"));
        delete outputs[RECOVERY].dedicatedSaasTenants;
        fs.writeFileSync(file, JSON.stringify(outputs));
        expect(await dr(world, ["activate", PLATFORM, "--yes"])).toBe(1);
        expect(output(world)).toContain(`failed at step restore: stack ${RECOVERY}: dedicatedSaasTenants is missing`);
        expect(world.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
        // Nothing set: the restore step stops before it activates anything.
        expect(configs(world)).toEqual([]);
    });

});

describe("failback platform-<region>", () => {
    const WEST = (id: string) => `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${id}`;
    const VAULT_KEY = WEST("99999999-8888-4777-9666-555555555555");
    const PLATFORM_KEY = PRODUCTION_OUTPUTS.dataKeyArn;
    const tenantKey = (id: string) => WEST(`${id}-data-key`);
    const back = (stack: string) => `arn:aws:rds:eu-west-1:${ACCOUNT}:db:${stack}-${RUN}-back`;
    let rds: RdsFake;

    beforeEach(() => {
        const file = path.join(world.dir, "outputs.json");
        const outputs = JSON.parse(fs.readFileSync(file, "utf8"));
        const recovery = recoveryOutputs(true);
        outputs[RECOVERY] = {
            ...recovery,
            backupVaultArn: `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:${RECOVERY}`,
            offsiteBackupVaultArn: `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:${RECOVERY}-offsite`,
            databaseArn: `arn:aws:rds:eu-central-1:${ACCOUNT}:db:${RECOVERY}-${RUN}`,
            dedicatedSaasTenants: Object.fromEntries(
                Object.entries(recovery.dedicatedSaasTenants as Record<string, Record<string, string>>).map(([id, tenant]) => [
                    id,
                    {
                        ...tenant,
                        databaseArn: `arn:aws:rds:eu-central-1:${ACCOUNT}:db:${id}-recovery-${RUN}`,
                        backupVaultArn: `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:${id}-recovery-backup`,
                        offsiteBackupVaultArn: `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:${id}-recovery-offsite`,
                    },
                ]),
            ),
        };
        const restoreInto = (stack: string, key: string) => ({
            restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/${stack}-backup`,
            restoreTarget: { dbSubnetGroupName: `${stack}-database-subnets`, securityGroupIds: ["sg-0e1f"], filesBucketName: `${stack}-files`, availabilityZone: "eu-west-1a" },
            dataKeyArn: key,
        });
        Object.assign(outputs[PLATFORM], restoreInto(PLATFORM, PLATFORM_KEY));
        for (const id of TENANTS) Object.assign(outputs[id], restoreInto(id, tenantKey(id)));
        fs.writeFileSync(file, JSON.stringify(outputs));
        // The recovery's own points, copied to production's region, by the recovery's resources.
        for (const [arn, type] of [
            [outputs[RECOVERY].databaseArn, "RDS"],
            [`arn:aws:s3:::${RECOVERY}-files`, "S3"],
            ...TENANTS.flatMap((id) => [
                [outputs[RECOVERY].dedicatedSaasTenants[id].databaseArn, "RDS"],
                [`arn:aws:s3:::${RECOVERY}-${id}-files`, "S3"],
            ]),
        ] as const) {
            world.backup.on(ListRecoveryPointsByBackupVaultCommand, { ByResourceArn: arn }).resolves({
                RecoveryPoints: [{ RecoveryPointArn: `arn:aws:backup:eu-west-1:${ACCOUNT}:recovery-point:${String(arn).split(/[:/]/).pop()}`, ResourceArn: arn, ResourceType: type, Status: "COMPLETED", CreationDate: new Date(START.getTime() - 30 * 60_000) }],
            });
        }
        // A restore job's instance is named as its metadata says, in production's region.
        world.backup.on(DescribeRestoreJobCommand).callsFake((input: { RestoreJobId: string }) => {
            const [, name, resource] = new RegExp(`^job-${RUN}-(.+)-(database|files)$`).exec(input.RestoreJobId)!;
            return { Status: "COMPLETED", CreatedResourceArn: resource === "database" ? `arn:aws:rds:eu-west-1:${ACCOUNT}:db:${name}-${RUN}` : `arn:aws:s3:::${name}-files` };
        });
        rds = installRdsFake(world.rds, "eu-west-1");
        for (const stack of [PLATFORM, ...TENANTS]) {
            rds.instances.set(`${stack}-${RUN}`, { status: "available", kmsKeyId: VAULT_KEY, instanceClass: "db.t4g.medium", settle: 0 });
        }
        world.check = () => ({ ok: true, status: 200 });
    });

    it("GIVEN an active platform recovery carrying dedicated-saas tenants WHEN failed back THEN each tenant's data goes back into its own production stack under its own key, adopt waits for every stack's takeover, then the return completes", async () => {
        expect(await dr(world, ["failback", PLATFORM, "--yes"])).toBe(1);
        const started = restores(world);
        expect(started).toHaveLength(8);
        for (const id of TENANTS) {
            // From the copies of the recovery's backups of the tenant in production's region, into the tenant's own network, bucket and key.
            expect(world.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand).map((call) => call.args[0].input)).toContainEqual(
                expect.objectContaining({ BackupVaultName: `${id}-recovery-offsite`, ByResourceArn: `arn:aws:rds:eu-central-1:${ACCOUNT}:db:${id}-recovery-${RUN}` }),
            );
            expect(started).toContainEqual(
                expect.objectContaining({ IamRoleArn: `arn:aws:iam::${ACCOUNT}:role/${id}-backup`, Metadata: { DBInstanceIdentifier: `${id}-${RUN}`, DBSubnetGroupName: `${id}-database-subnets`, VpcSecurityGroupIds: '["sg-0e1f"]', AvailabilityZone: "eu-west-1a" } }),
            );
            expect(started).toContainEqual(expect.objectContaining({ ResourceType: "S3", Metadata: expect.objectContaining({ DestinationBucketName: `${id}-files`, KMSKey: tenantKey(id) }) }));
            // Re-encrypted under the tenant's own data key; the restore job's instance gone.
            expect(rds.instances.get(`${id}-${RUN}-back`)).toMatchObject({ kmsKeyId: tenantKey(id), secret: "active", secretKey: tenantKey(id) });
            expect(rds.instances.has(`${id}-${RUN}`)).toBe(false);
            expect(output(world)).toContain(`tenant ${id}: production's database is ${tenantDb(id)}, not the restored ${back(id)}`);
            expect(output(world)).toContain(`(1) pulumi config set restoredDatabase ${id}-${RUN}-back --stack ${id};`);
        }
        expect(rds.instances.get(`${PLATFORM}-${RUN}-back`)).toMatchObject({ kmsKeyId: PLATFORM_KEY });
        expect(output(world)).toContain(`(1) pulumi config set restoredDatabase ${PLATFORM}-${RUN}-back --stack ${PLATFORM};`);
        expect(output(world)).not.toContain("npm run dr -- failback globex");
        expect(rds.snapshots.size).toBe(0);

        // Production and two tenants took theirs over; one has not yet: adopt still waits, naming only it.
        const file = path.join(world.dir, "outputs.json");
        const outputs = JSON.parse(fs.readFileSync(file, "utf8"));
        for (const stack of [PLATFORM, "globex", "initech"]) outputs[stack].databaseArn = back(stack);
        fs.writeFileSync(file, JSON.stringify(outputs));
        expect(await dr(world, ["failback", PLATFORM, "--yes", "--resume"])).toBe(1);
        expect(output(world)).toContain(`failed at step adopt: tenant umbrella: production's database is ${tenantDb("umbrella")}`);
        expect(output(world)).not.toContain("tenant globex: production's database");

        outputs.umbrella.databaseArn = back("umbrella");
        fs.writeFileSync(file, JSON.stringify(outputs));
        expect(await dr(world, ["failback", PLATFORM, "--yes", "--resume"])).toBe(0);
        expect(restores(world)).toHaveLength(8);
        expect(runState(world).steps.find((step) => step.name === "adopt")?.detail).toEqual({ databaseArn: back(PLATFORM), tenants: Object.fromEntries(TENANTS.map((id) => [id, back(id)])) });
        expect(configs(world)).toContain(`${RECOVERY} recoveryRedirect=false`);
    });

    it("GIVEN a tenant's copies not exported by the platform recovery WHEN failed back THEN the restore step stops naming it, before any restore job", async () => {
        const file = path.join(world.dir, "outputs.json");
        const outputs = JSON.parse(fs.readFileSync(file, "utf8"));
        delete outputs[RECOVERY].dedicatedSaasTenants.initech.offsiteBackupVaultArn;
        fs.writeFileSync(file, JSON.stringify(outputs));
        expect(await dr(world, ["failback", PLATFORM, "--yes"])).toBe(1);
        expect(output(world)).toContain(`failed at step restore: stack ${RECOVERY}: dedicatedSaasTenants.initech: databaseArn and offsiteBackupVaultArn are needed for a failback`);
        expect(world.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
    });
});

describe("drill platform-<region>", () => {
    it("GIVEN a drill WHEN run THEN every tenant is restored into the drill copy and every database the drill restored is deleted before the copy", async () => {
        expect(await dr(world, ["drill", PLATFORM, "--yes"])).toBe(0);
        expect(restores(world).map((input) => input.Metadata!.DBInstanceIdentifier ?? input.Metadata!.DestinationBucketName).sort()).toEqual(
            [`${PLATFORM}-drill-${RUN}`, `${PLATFORM}-drill-files`, ...TENANTS.flatMap((id) => [`${id}-drill-${RUN}`, `${PLATFORM}-drill-${id}-files`])].sort(),
        );
        expect(world.rds.commandCalls(DeleteDBInstanceCommand).map((call) => call.args[0].input.DBInstanceIdentifier)).toEqual([`${PLATFORM}-drill-${RUN}`, ...TENANTS.map((id) => `${id}-drill-${RUN}`)]);
        expect(configs(world)).toContain(`${PLATFORM}-drill restoredTenantDatabases=${JSON.stringify(Object.fromEntries(TENANTS.map((id) => [id, `${id}-drill-${RUN}`])))}`);
    });
});
