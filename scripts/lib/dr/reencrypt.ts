// Failback's re-encryption: the instance a failback restore job creates in production's region is
// encrypted with the key of the vault its copy sits in (the recovery stack's off-site vault), and
// RDS never changes an instance's key. Production's takeover refuses any key but its data key
// (components/database.ts takeoverKeyProblem), so dr moves the data under that key:
//   snapshot  CreateDBSnapshot of the restored instance (available first: the call refuses a busy one)
//   copy      CopyDBSnapshot in the same region with KmsKeyId = production's data key
//   restore   RestoreDBInstanceFromDBSnapshot of the copy into production's restoreTarget (the DB
//             subnet group, security groups and zone) with the restored instance's class; the call
//             takes no KmsKeyId, the copy's key is kept (botocore RDS model)
//   secret    the RDS-managed master password, its secret encrypted with production's data key
//   cleanup   the restored instance (no final snapshot: its data is in the new one) and both
//             snapshots deleted, only under the names this run derives (reencrypt-names.ts)
// Each phase is recorded in the step's detail when done; within a phase AWS is asked first, so a
// crash between a call and the record repeats no call.

import type { DbInstanceState } from "./aws";
import type { DrContext } from "./context";
import type { RestoreTarget } from "./outputs";
import { failbackNames } from "./reencrypt-names";
import { managedMasterSecret } from "./restore";

export const REENCRYPT_PHASES = ["snapshot", "copy", "restore", "secret", "cleanup"] as const;
export type ReencryptPhase = (typeof REENCRYPT_PHASES)[number];

export interface ReencryptInput {
    /** The production stack (the names and the delete guards derive from it and the run id). */
    readonly production: string;
    /** Where the restored instance is: production's region. */
    readonly region: string;
    /** The instance the restore job created (its ARN, DescribeRestoreJob's CreatedResourceArn). */
    readonly restoredArn: string;
    readonly dataKeyArn: string;
    /** Production's restoreTarget: where the re-encrypted instance lands. */
    readonly target: RestoreTarget;
    /** Production's database now: the restored instance is never deleted while it is production's. */
    readonly productionDatabaseArn: string;
}

async function waitFor<T>(ctx: DrContext, what: string, read: () => Promise<T | undefined>, ready: (value: T) => boolean): Promise<T> {
    for (;;) {
        const value = await read();
        if (value !== undefined && ready(value)) return value;
        ctx.log.info({ event: "reencrypt-wait", what }, `waiting for ${what}`);
        await ctx.sleep(ctx.pollMs);
    }
}

/** Runs (or continues) the re-encryption; returns the step's detail, `databaseArn` the instance production takes over. */
export async function reencrypt(ctx: DrContext, input: ReencryptInput, previous: Record<string, unknown>, save: (detail: Record<string, unknown>) => void): Promise<Record<string, unknown>> {
    const { region, dataKeyArn } = input;
    const names = failbackNames(input.production, ctx.state.runId);
    const restoredId = input.restoredArn.split(":").pop()!;
    if (restoredId !== names.restored) {
        throw new Error(`the restore job created ${input.restoredArn}, not ${names.restored}, the instance this run's restore job names: dr re-encrypts only that one`);
    }
    const detail: Record<string, unknown> = { ...previous, restored: names.restored };
    const done = new Set((detail.phases as ReencryptPhase[] | undefined) ?? []);
    const finish = (phase: ReencryptPhase) => {
        done.add(phase);
        detail.phases = REENCRYPT_PHASES.filter((name) => done.has(name));
        save({ ...detail });
        ctx.log.info({ event: "reencrypt-phase-done", phase, database: names.final }, `re-encryption: ${phase} done`);
    };

    if (done.size === 0) {
        const restored = await ctx.aws.dbInstance(region, names.restored);
        if (restored === undefined) {
            throw new Error(`the restored instance ${names.restored} is not in ${region}: check the restore job in AWS Backup`);
        }
        if (restored.kmsKeyId === dataKeyArn) {
            // Already under production's key (a vault whose copies use it): nothing to move.
            return { ...detail, reencrypted: false, restoredDatabase: names.restored, databaseArn: restored.arn };
        }
        detail.sourceKmsKeyId = restored.kmsKeyId ?? null;
        detail.instanceClass = restored.instanceClass;
        save({ ...detail });
    }

    if (!done.has("snapshot")) {
        if ((await ctx.aws.dbSnapshot(region, names.snapshot)) === undefined) {
            // CreateDBSnapshot refuses an instance that is not available (InvalidDBInstanceStateFault).
            await waitFor(ctx, `${names.restored} to be available`, () => ctx.aws.dbInstance(region, names.restored), (instance) => instance.status === "available");
            await ctx.aws.createDbSnapshot(region, names.snapshot, names.restored);
        }
        await waitFor(ctx, `the snapshot ${names.snapshot}`, () => ctx.aws.dbSnapshot(region, names.snapshot), (snapshot) => snapshot.status === "available");
        finish("snapshot");
    }

    if (!done.has("copy")) {
        if ((await ctx.aws.dbSnapshot(region, names.copy)) === undefined) {
            await ctx.aws.copyDbSnapshot(region, names.snapshot, names.copy, dataKeyArn);
        }
        const copy = await waitFor(ctx, `the copy ${names.copy}`, () => ctx.aws.dbSnapshot(region, names.copy), (snapshot) => snapshot.status === "available");
        if (copy.kmsKeyId !== dataKeyArn) {
            throw new Error(`the snapshot copy ${names.copy} is encrypted with ${copy.kmsKeyId ?? "no key"}, not production's data key ${dataKeyArn}: delete it (aws rds delete-db-snapshot --db-snapshot-identifier ${names.copy} --region ${region}) and resume`);
        }
        finish("copy");
    }

    if (!done.has("restore")) {
        if (input.target.dbSubnetGroupName === undefined) {
            throw new Error(`production ${input.production}'s restoreTarget names no dbSubnetGroupName: an RDS instance is restored into a DB subnet group`);
        }
        if ((await ctx.aws.dbInstance(region, names.final)) === undefined) {
            await ctx.aws.restoreDbInstanceFromSnapshot(region, {
                identifier: names.final,
                snapshotId: names.copy,
                instanceClass: String(detail.instanceClass),
                dbSubnetGroupName: input.target.dbSubnetGroupName,
                securityGroupIds: input.target.securityGroupIds,
                availabilityZone: input.target.availabilityZone,
            });
        }
        const final: DbInstanceState = await waitFor(ctx, `${names.final} to be available`, () => ctx.aws.dbInstance(region, names.final), (instance) => instance.status === "available");
        if (final.kmsKeyId !== dataKeyArn) {
            throw new Error(`${names.final} is encrypted with ${final.kmsKeyId ?? "no key"}, not production's data key ${dataKeyArn}: it was not restored from ${names.copy}; delete it and resume`);
        }
        detail.databaseArn = final.arn;
        finish("restore");
    }

    if (!done.has("secret")) {
        detail.masterUserSecretArn = await managedMasterSecret(ctx, region, names.final, dataKeyArn);
        finish("secret");
    }

    if (!done.has("cleanup")) {
        if (input.productionDatabaseArn === input.restoredArn) {
            throw new Error(`${names.restored} is production's database already (its databaseArn output): dr deletes no database production uses; take ${names.final} over instead (README runbook, failback)`);
        }
        await waitFor(ctx, `${names.restored} to be deleted`, async () => ((await ctx.aws.deleteFailbackIntermediate(region, names.restored, input.production, ctx.state.runId)) ? true : undefined), () => true);
        for (const snapshot of [names.copy, names.snapshot]) {
            await waitFor(ctx, `the snapshot ${snapshot} to be deleted`, async () => ((await ctx.aws.deleteFailbackSnapshot(region, snapshot, input.production, ctx.state.runId)) ? true : undefined), () => true);
        }
        finish("cleanup");
    }
    return { ...detail, reencrypted: true, restoredDatabase: names.final };
}
