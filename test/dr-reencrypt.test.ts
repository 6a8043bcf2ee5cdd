// Failback's re-encryption (scripts/lib/dr/reencrypt.ts) against a stateful RDS (test/dr-rds-fake.ts,
// aws-sdk-client-mock): the calls and their order, a resume after a failure in each sub-step (before
// AWS acted, or after it acted and the answer was lost), idempotency, the names under RDS's rules and
// the delete guards.

import { CopyDBSnapshotCommand, DeleteDBInstanceCommand, DeleteDBSnapshotCommand, RDSClient, RestoreDBInstanceFromDBSnapshotCommand } from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import pino from "pino";
import { afterAll, beforeEach, describe, expect, it } from "vitest";

import { sdkAws } from "../scripts/lib/dr/aws";
import type { DrContext } from "../scripts/lib/dr/context";
import type { RestoreTarget } from "../scripts/lib/dr/outputs";
import { reencrypt, ReencryptInput } from "../scripts/lib/dr/reencrypt";
import { dbSnapshotIdentifierProblem, failbackNames } from "../scripts/lib/dr/reencrypt-names";
import type { RunState } from "../scripts/lib/dr/run-file";
import { ACCOUNT, installRdsFake, RdsFake } from "./dr-rds-fake";

const REGION = "eu-west-1";
const RUN = "20260302t030000z";
const DATA_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1a2b3c4d-5e6f-4a8b-9c0d-e1f2a3b4c5d6`;
const VAULT_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-8888-4777-9666-555555555555`;
const TARGET: RestoreTarget = { dbSubnetGroupName: "acme-database-subnets", securityGroupIds: ["sg-0a1b", "sg-0c2d"], filesBucketName: "acme-files", availabilityZone: "eu-west-1a" };
const RESTORED = `acme-${RUN}`;
const FINAL = `acme-${RUN}-back`;
const input: ReencryptInput = {
    production: "acme",
    region: REGION,
    restoredArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:${RESTORED}`,
    dataKeyArn: DATA_KEY,
    target: TARGET,
    productionDatabaseArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:acme-database`,
};

describe("the names (botocore RDS model rules)", () => {
    it("GIVEN acme's run WHEN named THEN the restored instance, its snapshot, the copy and the final instance", () => {
        expect(failbackNames("acme", RUN)).toEqual({ restored: RESTORED, snapshot: `${RESTORED}-snapshot`, copy: `${RESTORED}-production-key`, final: FINAL });
    });

    it("GIVEN the longest production stack name WHEN named THEN the final instance keeps within 63 characters and differs from the restored one", () => {
        const production = `platform-${"ap-southeast-2"}-${"x".repeat(40)}`;
        const names = failbackNames(production, RUN);
        expect(names.restored.length).toBeLessThanOrEqual(63);
        expect(names.final.length).toBeLessThanOrEqual(63);
        expect(names.final).not.toBe(names.restored);
        expect(names.final).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
        expect(names.final).not.toContain("--");
    });

    it.each([
        ["a", undefined],
        ["a".repeat(255), undefined],
        ["a".repeat(256), "not an RDS DB snapshot identifier"],
        ["1abc", "not an RDS DB snapshot identifier"],
        ["ab--c", "not an RDS DB snapshot identifier"],
        ["abc-", "not an RDS DB snapshot identifier"],
        ["ab_c", "not an RDS DB snapshot identifier"],
    ])("GIVEN the snapshot identifier %s WHEN checked THEN %s", (id, problem) => {
        const found = dbSnapshotIdentifierProblem(id);
        if (problem === undefined) expect(found).toBeUndefined();
        else expect(found).toContain(problem);
    });
});

describe("re-encrypting the restored instance under production's data key", () => {
    const rds = mockClient(RDSClient);
    afterAll(() => rds.restore());
    let fake: RdsFake;
    let saved: Record<string, unknown>;
    const ctx = () =>
        ({ aws: sdkAws(), log: pino({ level: "silent" }), pollMs: 60_000, sleep: async () => undefined, state: { runId: RUN } as RunState, target: { production: "acme", recovery: "acme-recovery", drill: "acme-drill" } }) as unknown as DrContext;
    const run = (previous: Record<string, unknown> = saved, over: Partial<ReencryptInput> = {}) =>
        reencrypt(ctx(), { ...input, ...over }, previous, (detail) => {
            saved = detail;
        });
    beforeEach(() => {
        rds.reset();
        fake = installRdsFake(rds, REGION);
        // What failback's restore job left: the instance under the vault copy's key, its master secret managed.
        fake.instances.set(RESTORED, { status: "available", kmsKeyId: VAULT_KEY, instanceClass: "db.m6g.large", secret: "active", secretKey: DATA_KEY, settle: 0 });
        saved = {};
    });

    const ORDER = [
        `CreateDBSnapshot ${RESTORED}-snapshot`,
        `CopyDBSnapshot ${RESTORED}-production-key`,
        `RestoreDBInstanceFromDBSnapshot ${FINAL}`,
        `ModifyDBInstance ${FINAL}`,
        `DeleteDBInstance ${RESTORED}`,
        `DeleteDBSnapshot ${RESTORED}-production-key`,
        `DeleteDBSnapshot ${RESTORED}-snapshot`,
    ];

    it("GIVEN the restored instance under the vault's key WHEN re-encrypted THEN snapshot, copy with the data key, restore into production's network, managed secret, intermediates deleted, in that order", async () => {
        const detail = await run({});
        expect(fake.writes).toEqual(ORDER);
        expect(rds.commandCalls(CopyDBSnapshotCommand)[0]!.args[0].input).toEqual({ SourceDBSnapshotIdentifier: `${RESTORED}-snapshot`, TargetDBSnapshotIdentifier: `${RESTORED}-production-key`, KmsKeyId: DATA_KEY });
        // RestoreDBInstanceFromDBSnapshot takes no KmsKeyId: the copy's key is kept.
        expect(rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)[0]!.args[0].input).toEqual({
            DBInstanceIdentifier: FINAL,
            DBSnapshotIdentifier: `${RESTORED}-production-key`,
            DBInstanceClass: "db.m6g.large",
            DBSubnetGroupName: "acme-database-subnets",
            VpcSecurityGroupIds: ["sg-0a1b", "sg-0c2d"],
            AvailabilityZone: "eu-west-1a",
        });
        expect(rds.commandCalls(DeleteDBInstanceCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: RESTORED, SkipFinalSnapshot: true, DeleteAutomatedBackups: true });
        expect([...fake.instances.keys()]).toEqual([FINAL]);
        expect(fake.instances.get(FINAL)).toMatchObject({ kmsKeyId: DATA_KEY, secret: "active", secretKey: DATA_KEY });
        expect(fake.snapshots.size).toBe(0);
        expect(detail).toMatchObject({
            reencrypted: true,
            restoredDatabase: FINAL,
            databaseArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:${FINAL}`,
            masterUserSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-${FINAL}`,
            phases: ["snapshot", "copy", "restore", "secret", "cleanup"],
        });
    });

    it("GIVEN a finished re-encryption WHEN run again with its detail THEN no call changes anything", async () => {
        const detail = await run({});
        fake.writes.length = 0;
        expect(await run(detail)).toMatchObject({ restoredDatabase: FINAL, reencrypted: true });
        expect(fake.writes).toEqual([]);
    });

    it("GIVEN the restored instance already under production's data key WHEN re-encrypted THEN nothing is made or deleted: production takes it over as it is", async () => {
        fake.instances.get(RESTORED)!.kmsKeyId = DATA_KEY;
        expect(await run({})).toMatchObject({ reencrypted: false, restoredDatabase: RESTORED, databaseArn: input.restoredArn });
        expect(fake.writes).toEqual([]);
    });

    describe.each(ORDER.map((write) => write.split(" ")[0]!).filter((command, index, all) => all.indexOf(command) === index))("GIVEN %s fails", (command) => {
        it.each(["before", "after"] as const)("%s AWS acted WHEN resumed with the saved detail THEN each change is made exactly once, in order, and the same result", async (when) => {
            fake.failNext(command, when);
            await expect(run({})).rejects.toThrow(`injected failure of ${command}`);
            const detail = await run();
            expect(fake.writes).toEqual(ORDER);
            expect(detail).toMatchObject({ restoredDatabase: FINAL, phases: ["snapshot", "copy", "restore", "secret", "cleanup"] });
            expect([...fake.instances.keys()]).toEqual([FINAL]);
            expect(fake.snapshots.size).toBe(0);
        });
    });

    it("GIVEN the restored instance is production's database already WHEN cleaning up THEN refused: the instance is not deleted", async () => {
        await expect(run({}, { productionDatabaseArn: input.restoredArn })).rejects.toThrow(`${RESTORED} is production's database already`);
        expect(rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
        expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
        expect(fake.instances.has(RESTORED)).toBe(true);
    });

    it("GIVEN a restore job that created another instance than this run's WHEN re-encrypted THEN refused before any call", async () => {
        await expect(run({}, { restoredArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:acme-database` })).rejects.toThrow(`not ${RESTORED}, the instance this run's restore job names`);
        expect(fake.writes).toEqual([]);
    });

    it("GIVEN a copy that came out under another key WHEN checked THEN the step stops before restoring from it", async () => {
        fake.snapshots.set(`${RESTORED}-production-key`, { status: "available", kmsKeyId: VAULT_KEY, settle: 0 });
        await expect(run({})).rejects.toThrow(`the snapshot copy ${RESTORED}-production-key is encrypted with ${VAULT_KEY}, not production's data key`);
        expect(rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)).toHaveLength(0);
    });

    describe("the delete guards (sdkAws)", () => {
        it.each(["acme-database", `acme-${RUN}-back`, "acme-20260101t000000z", `globex-${RUN}`])("GIVEN the instance %s WHEN failback's cleanup is asked to delete it THEN refused, no DeleteDBInstance", async (id) => {
            fake.instances.set(id, { status: "available", kmsKeyId: DATA_KEY, instanceClass: "db.t3.medium", settle: 0 });
            await expect(sdkAws().deleteFailbackIntermediate(REGION, id, "acme", RUN)).rejects.toThrow(`dr refuses to delete the database ${id}`);
            expect(rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
        });

        it.each(["acme-database-final", `acme-${RUN}`, `acme-20260101t000000z-snapshot`])("GIVEN the snapshot %s WHEN failback's cleanup is asked to delete it THEN refused, no DeleteDBSnapshot", async (id) => {
            await expect(sdkAws().deleteFailbackSnapshot(REGION, id, "acme", RUN)).rejects.toThrow(`dr refuses to delete the DB snapshot ${id}`);
            expect(rds.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(0);
        });
    });
});
