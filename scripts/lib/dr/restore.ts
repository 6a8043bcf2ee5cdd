// The restore: the newest recovery points of the database and the files, restored with AWS Backup
// restore jobs into an environment's network and awaited. Resumable: the points chosen and the job
// ids are saved as soon as they are known, and the job tokens make a retried start a no-op.

import type { BackupTarget } from "../../../lib/promises/backup-schedule";
import type { RecoveryPoint } from "./aws";
import { DrContext, Refusal } from "./context";
import type { RestoreTarget } from "./outputs";
import { arnRegion } from "./outputs";
import { ChosenPoint, choosePoint, restoredDatabaseName, restoreMetadata } from "./restore-plan";

export interface RestoreSource {
    readonly vaultArn: string;
    readonly resources: Readonly<Record<BackupTarget, string>>;
}

export interface RestoreInto {
    readonly stack: string;
    readonly roleArn: string;
    readonly target: RestoreTarget;
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
            throw new Refusal(choice.message);
        }
        if (choice.chosen.stale) {
            ctx.log.warn({ event: "stale-recovery-point", resource, point: choice.chosen.point.arn, ageMinutes: Math.round(choice.chosen.ageMs / 60_000) }, `restoring an old ${resource} recovery point (--force)`);
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
    const region = arnRegion(source.vaultArn);
    const detail: Record<string, unknown> = { ...previous };
    const points = detail.points ? revive(detail.points as Record<string, SavedPoint>) : await choosePoints(ctx, source);
    detail.points = Object.fromEntries(
        points.map((chosen) => [chosen.resource, { arn: chosen.point.arn, resourceType: chosen.point.resourceType, createdAt: chosen.point.createdAt.toISOString(), ageMinutes: Math.round(chosen.ageMs / 60_000), stale: chosen.stale }]),
    );
    const databaseName = (detail.restoredDatabase as string | undefined) ?? restoredDatabaseName(into.stack, ctx.state.runId);
    detail.restoredDatabase = databaseName;
    detail.restoredFilesBucket = into.target.filesBucketName;
    save(detail);
    const jobs = { ...((detail.jobs as Record<string, string> | undefined) ?? {}) };
    for (const chosen of points) {
        if (jobs[chosen.resource] !== undefined) continue;
        const { resourceType, metadata } = restoreMetadata(chosen, into.target, databaseName);
        jobs[chosen.resource] = await ctx.aws.startRestore({ region, recoveryPointArn: chosen.point.arn, resourceType, roleArn: into.roleArn, metadata, token: `${ctx.state.runId}-${into.stack}-${chosen.resource}` });
        ctx.log.info({ event: "restore-started", resource: chosen.resource, job: jobs[chosen.resource], point: chosen.point.arn }, `restore of the ${chosen.resource} started`);
        detail.jobs = { ...jobs };
        save(detail);
    }
    const created: Record<string, string> = {};
    const pending = new Set(Object.keys(jobs));
    while (pending.size > 0) {
        for (const resource of [...pending]) {
            const state = await ctx.aws.restoreJob(region, jobs[resource]!);
            if (state.status === "failed") {
                throw new Error(`the restore job ${jobs[resource]} of the ${resource} ${state.message}`);
            }
            if (state.status === "completed") {
                pending.delete(resource);
                if (state.createdResourceArn) created[resource] = state.createdResourceArn;
                ctx.log.info({ event: "restore-completed", resource, job: jobs[resource] }, `restore of the ${resource} completed`);
            }
        }
        if (pending.size > 0) await ctx.sleep(ctx.pollMs);
    }
    detail.created = created;
    return detail;
}
