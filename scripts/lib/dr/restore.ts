// The restore: the newest recovery points of the database and the files, restored with AWS Backup
// restore jobs into an environment's network and awaited. Resumable: the points chosen and the job
// ids are saved as soon as they are known, and the job tokens make a retried start a no-op.

import { TENANT_COPY_DAYS } from "../../../lib/promises/recovery";
import type { BackupTarget } from "../../../lib/promises/backup-schedule";
import type { RecoveryPoint } from "./aws";
import { DrContext, Refusal } from "./context";
import type { RestoreTarget } from "./outputs";
import { arnName, arnRegion } from "./outputs";
import { ChosenPoint, choosePoint, restoredDatabaseName, restoreMetadata } from "./restore-plan";

export interface RestoreSource {
    /**
     * The vault the points are chosen from: always an off-site vault (the promise's backup server;
     * activate, drill and preconditions pass `offsiteBackupVaultArn`, failback the recovery's copies
     * in production's region), never a home vault: the home vault goes down with its region, and
     * keeps the weekly points only 7 days (BACKUP_PROMISE `keepDays.home`), the off-site vault a year.
     */
    readonly vaultArn: string;
    readonly resources: Readonly<Record<BackupTarget, string>>;
    /** Whose data it is when not the target's own (`tenant globex`): refusals name it. */
    readonly label?: string;
    /**
     * The points are in another region than the environment (a dedicated-saas tenant whose
     * off-site region is not its platform's): each is first copied (StartCopyJob, `roleArn`) into
     * this vault of the environment's region, and restored from the copy.
     */
    readonly copyInto?: { readonly vaultArn: string; readonly roleArn: string };
}

export interface RestoreInto {
    readonly stack: string;
    readonly roleArn: string;
    readonly target: RestoreTarget;
    /** The environment's data key: the restored files and the restored database's managed master secret are encrypted with it. */
    readonly dataKeyArn?: string;
    /** What the restored database is named after and the job tokens carry (default: the stack). */
    readonly name?: string;
}

interface SavedPoint {
    readonly arn: string;
    readonly resourceType: string;
    readonly createdAt: string;
    readonly ageMinutes: number;
    readonly stale: boolean;
}

/** The points to restore from, or a Refusal naming the first resource without a usable one. */
export async function choosePoints(ctx: DrContext, source: RestoreSource): Promise<ChosenPoint[]> {
    const chosen: ChosenPoint[] = [];
    for (const resource of ["database", "files"] as const) {
        const points = await ctx.aws.recoveryPoints(source.vaultArn, source.resources[resource]);
        const choice = choosePoint(resource, source.resources[resource], source.vaultArn, points, ctx.now(), ctx.force);
        if (!choice.ok) {
            throw new Refusal(source.label === undefined ? choice.message : `${source.label}: ${choice.message}`);
        }
        if (choice.chosen.stale) {
            ctx.log.warn({ event: "stale-recovery-point", resource, ...(source.label ? { of: source.label } : {}), point: choice.chosen.point.arn, ageMinutes: Math.round(choice.chosen.ageMs / 60_000) }, `restoring an old ${resource} recovery point (--force)`);
        }
        chosen.push(choice.chosen);
    }
    return chosen;
}

function revive(saved: Record<string, SavedPoint>): ChosenPoint[] {
    return Object.entries(saved).map(([resource, point]) => ({
        resource: resource as BackupTarget,
        point: { arn: point.arn, resourceArn: "", resourceType: point.resourceType, createdAt: new Date(point.createdAt) } satisfies RecoveryPoint,
        ageMs: point.ageMinutes * 60_000,
        stale: point.stale,
    }));
}

/** Runs (or continues) the restore jobs; returns the step's detail: points, jobs, restored database name. */
export async function restore(ctx: DrContext, source: RestoreSource, into: RestoreInto, previous: Record<string, unknown>, save: (detail: Record<string, unknown>) => void): Promise<Record<string, unknown>> {
    const region = arnRegion(source.copyInto?.vaultArn ?? source.vaultArn);
    const detail: Record<string, unknown> = { ...previous };
    const points = detail.points ? revive(detail.points as Record<string, SavedPoint>) : await choosePoints(ctx, source);
    detail.points = Object.fromEntries(
        points.map((chosen) => [chosen.resource, { arn: chosen.point.arn, resourceType: chosen.point.resourceType, createdAt: chosen.point.createdAt.toISOString(), ageMinutes: Math.round(chosen.ageMs / 60_000), stale: chosen.stale }]),
    );
    const name = into.name ?? into.stack;
    const databaseName = (detail.restoredDatabase as string | undefined) ?? restoredDatabaseName(name, ctx.state.runId);
    detail.restoredDatabase = databaseName;
    detail.restoredFilesBucket = into.target.filesBucketName;
    // Every job's metadata first: a target that cannot take a point stops before any job starts.
    const plans = new Map(points.map((chosen) => [chosen.resource, restoreMetadata(chosen, into.target, databaseName, into.dataKeyArn)]));
    if (points.some((chosen) => chosen.point.resourceType === "RDS") && into.dataKeyArn === undefined) {
        throw new Error(`stack ${into.stack} exports no dataKeyArn: the restored database's managed master secret is encrypted with the environment's data key`);
    }
    save(detail);
    const copied = source.copyInto ? await copyPoints(ctx, source, source.copyInto, points, into.name ?? into.stack, detail, save) : {};
    const jobs = { ...((detail.jobs as Record<string, string> | undefined) ?? {}) };
    const attempts = { ...((detail.attempts as Record<string, number> | undefined) ?? {}) };
    for (const chosen of points) {
        if (jobs[chosen.resource] !== undefined) continue;
        const { resourceType, metadata } = plans.get(chosen.resource)!;
        // A retry after a failed job needs a token of its own: the first one answers with the failed job.
        const attempt = attempts[chosen.resource] ?? 1;
        const token = `${ctx.state.runId}-${name}-${chosen.resource}${attempt > 1 ? `-${attempt}` : ""}`;
        jobs[chosen.resource] = await ctx.aws.startRestore({ region, recoveryPointArn: copied[chosen.resource] ?? chosen.point.arn, resourceType, roleArn: into.roleArn, metadata, token });
        ctx.log.info({ event: "restore-started", resource: chosen.resource, of: name, job: jobs[chosen.resource], point: chosen.point.arn }, `restore of the ${chosen.resource} (${name}) started`);
        detail.jobs = { ...jobs };
        save(detail);
    }
    const created: Record<string, string> = { ...((detail.created as Record<string, string> | undefined) ?? {}) };
    const pending = new Set(Object.keys(jobs).filter((resource) => created[resource] === undefined));
    while (pending.size > 0) {
        for (const resource of [...pending]) {
            const state = await ctx.aws.restoreJob(region, jobs[resource]!);
            if (state.status === "failed") {
                // Forgotten, so that --resume starts the job again (with a new token) instead of awaiting a dead one.
                delete jobs[resource];
                attempts[resource] = (attempts[resource] ?? 1) + 1;
                detail.jobs = { ...jobs };
                detail.attempts = { ...attempts };
                save(detail);
                throw new Error(`the restore job of the ${resource} (${name}) ${state.message}`);
            }
            if (state.status === "completed") {
                pending.delete(resource);
                created[resource] = state.createdResourceArn ?? "";
                detail.created = { ...created };
                save(detail);
                ctx.log.info({ event: "restore-completed", resource, of: name, job: jobs[resource] }, `restore of the ${resource} (${name}) completed`);
            }
        }
        if (pending.size > 0) await ctx.sleep(ctx.pollMs);
    }
    detail.created = Object.fromEntries(Object.entries(created).filter(([, arn]) => arn !== ""));
    const database = points.find((chosen) => chosen.resource === "database");
    if (database?.point.resourceType === "RDS" && detail.masterUserSecretArn === undefined) {
        detail.masterUserSecretArn = await managedMasterSecret(ctx, region, databaseName, into.dataKeyArn!);
        save(detail);
    }
    return detail;
}

/**
 * Copies each chosen point into the environment's region (AWS Backup StartCopyJob, started in the
 * source vault's region; DescribeCopyJob until COMPLETED, the copy being its
 * DestinationRecoveryPointArn: botocore backup model) and returns the copies' ARNs by resource.
 * Resumable like the restore: the job ids and the copies are saved as soon as they are known; a
 * failed copy is forgotten so that --resume starts it again with a new token.
 */
async function copyPoints(
    ctx: DrContext,
    source: RestoreSource,
    copyInto: { readonly vaultArn: string; readonly roleArn: string },
    points: readonly ChosenPoint[],
    name: string,
    detail: Record<string, unknown>,
    save: (detail: Record<string, unknown>) => void,
): Promise<Record<string, string>> {
    const region = arnRegion(source.vaultArn);
    const jobs = { ...((detail.copyJobs as Record<string, string> | undefined) ?? {}) };
    const attempts = { ...((detail.copyAttempts as Record<string, number> | undefined) ?? {}) };
    const copies = { ...((detail.copies as Record<string, string> | undefined) ?? {}) };
    for (const chosen of points) {
        if (copies[chosen.resource] !== undefined || jobs[chosen.resource] !== undefined) continue;
        const attempt = attempts[chosen.resource] ?? 1;
        const token = `${ctx.state.runId}-${name}-${chosen.resource}-copy${attempt > 1 ? `-${attempt}` : ""}`;
        jobs[chosen.resource] = await ctx.aws.startCopy({
            region,
            sourceVaultName: arnName(source.vaultArn),
            recoveryPointArn: chosen.point.arn,
            destinationVaultArn: copyInto.vaultArn,
            roleArn: copyInto.roleArn,
            token,
            deleteAfterDays: TENANT_COPY_DAYS,
        });
        ctx.log.info({ event: "copy-started", resource: chosen.resource, of: name, job: jobs[chosen.resource], point: chosen.point.arn, into: copyInto.vaultArn }, `copy of the ${chosen.resource} (${name}) into the recovery's region started`);
        detail.copyJobs = { ...jobs };
        save(detail);
    }
    const pending = new Set(Object.keys(jobs).filter((resource) => copies[resource] === undefined));
    while (pending.size > 0) {
        for (const resource of [...pending]) {
            const state = await ctx.aws.copyJob(region, jobs[resource]!);
            if (state.status === "failed") {
                delete jobs[resource];
                attempts[resource] = (attempts[resource] ?? 1) + 1;
                detail.copyJobs = { ...jobs };
                detail.copyAttempts = { ...attempts };
                save(detail);
                throw new Error(`the copy job of the ${resource} (${name}) into ${copyInto.vaultArn} ${state.message}`);
            }
            if (state.status === "completed") {
                pending.delete(resource);
                copies[resource] = state.recoveryPointArn;
                detail.copies = { ...copies };
                save(detail);
                ctx.log.info({ event: "copy-completed", resource, of: name, copy: state.recoveryPointArn }, `copy of the ${resource} (${name}) completed`);
            }
        }
        if (pending.size > 0) await ctx.sleep(ctx.pollMs);
    }
    return copies;
}


/**
 * Makes RDS manage the restored instance's master password in Secrets Manager (the recovery
 * stacks read the credentials from the instance's masterUserSecrets) and waits until the secret is
 * active. Idempotent: an instance whose password RDS already manages is only awaited; an instance
 * still busy (the restore's own backup, a modification) is waited for before it is modified.
 */
export async function managedMasterSecret(ctx: DrContext, region: string, identifier: string, kmsKeyId: string): Promise<string> {
    let requested = false;
    for (;;) {
        const state = await ctx.aws.masterSecret(region, identifier);
        if (state.secretStatus === "active" && state.secretArn !== undefined) {
            ctx.log.info({ event: "master-secret-active", database: identifier, secret: state.secretArn }, `the master password of ${identifier} is managed by RDS`);
            return state.secretArn;
        }
        if (state.secretStatus === "impaired") {
            throw new Error(`the managed master secret of ${identifier} is impaired (${state.secretArn ?? "no ARN"}): RDS cannot use the key ${state.kmsKeyId ?? kmsKeyId}; check its key policy, then resume`);
        }
        if (state.secretStatus === undefined && !requested && state.instanceStatus === "available") {
            await ctx.aws.manageMasterSecret(region, identifier, kmsKeyId);
            requested = true;
            ctx.log.info({ event: "master-secret-requested", database: identifier }, `RDS asked to manage the master password of ${identifier}`);
            continue;
        }
        await ctx.sleep(ctx.pollMs);
    }
}
