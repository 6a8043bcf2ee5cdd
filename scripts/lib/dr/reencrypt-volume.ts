// Failback's re-encryption for a physical tenant: the restore job's database server lands in
// production's data subnet (shared tenancy: production's Dedicated Host may have no room for a
// second server) with volumes under the key of the vault its copy sat in. Production keeps its own
// database server on its host and takes over only the data, as a volume (stack config
// `restoredDataVolume`, components/dual-nic-server.ts), so dr makes that volume under production's
// data key in the host's zone:
//   stop      StopInstances of the restored server (a clean file system for the snapshot)
//   snapshot  CreateSnapshot of its data volume (/dev/sdf), tagged with this run
//   copy      CopySnapshot in the same region, Encrypted with KmsKeyId = production's data key
//             (botocore ec2 CopySnapshot: "If KmsKeyId is specified, the encrypted state must be true")
//   volume    CreateVolume from the copy in production's zone (restoreTarget.availabilityZone: the
//             host's), of the data volume's type for its size, with production's key and a ClientToken
//   cleanup   the restored server terminated (its data lives on in the volume) and both snapshots
//             deleted, each behind a guard that reads AWS (aws-ec2.ts); no volume is ever deleted
// Each phase is recorded when done; within a phase AWS is asked first (tags, ClientToken), so a
// crash between a call and the record repeats no call.

import { createHash } from "node:crypto";

import { DATA_VOLUME_DEVICE, dataVolumeType } from "../../../components/dual-nic-server";
import { failbackTag, FAILBACK_TAG } from "./aws-ec2";
import type { DrContext } from "./context";
import type { RestoreTarget } from "./outputs";
import { restoredServerId } from "./placement";

export const VOLUME_PHASES = ["stop", "snapshot", "copy", "volume", "cleanup"] as const;
export type VolumePhase = (typeof VOLUME_PHASES)[number];

export interface VolumeReencryptInput {
    readonly production: string;
    readonly region: string;
    /** The server the restore job created (DescribeRestoreJob's CreatedResourceArn). */
    readonly restoredArn: string;
    readonly dataKeyArn: string;
    /** Production's restoreTarget: its data subnet (where the restore job's server is) and its host's zone. */
    readonly target: RestoreTarget;
    /** Production's database server (its databaseArn): never stopped, never terminated. */
    readonly productionDatabaseArn: string;
}

/** CreateVolume's ClientToken: at most 64 ASCII characters (EC2 idempotency), one per production and run. */
export function volumeClientToken(production: string, runId: string): string {
    return `dr-failback-${createHash("sha256").update(`${production}/${runId}`).digest("hex").slice(0, 40)}`;
}

async function waitFor<T>(ctx: DrContext, what: string, read: () => Promise<T | undefined>, ready: (value: T) => boolean): Promise<T> {
    for (;;) {
        const value = await read();
        if (value !== undefined && ready(value)) return value;
        ctx.log.info({ event: "reencrypt-wait", what }, `waiting for ${what}`);
        await ctx.sleep(ctx.pollMs);
    }
}

/** Runs (or continues) the move; returns the step's detail, `restoredDataVolume` the volume production takes over. */
export async function reencryptVolume(ctx: DrContext, input: VolumeReencryptInput, previous: Record<string, unknown>, save: (detail: Record<string, unknown>) => void): Promise<Record<string, unknown>> {
    const { region, dataKeyArn, production } = input;
    const runId = ctx.state.runId;
    const server = restoredServerId(input.restoredArn);
    const productionServer = restoredServerId(input.productionDatabaseArn);
    if (server === undefined) throw new Error(`the restore job created ${input.restoredArn}, not an EC2 instance: dr moves only a restored database server's data`);
    if (server === productionServer) throw new Error(`${server} is production's database server (its databaseArn output): dr moves data only out of the server failback's restore job created`);
    if (input.target.subnetId === undefined) throw new Error(`production ${production}'s restoreTarget names no subnetId: a physical failback restores its database server into production's data subnet`);
    const subnetId = input.target.subnetId;
    const tag = (part: "snapshot" | "copy" | "volume") => failbackTag(production, runId, part);
    const detail: Record<string, unknown> = { ...previous, restoredServer: server };
    const done = new Set((detail.phases as VolumePhase[] | undefined) ?? []);
    const finish = (phase: VolumePhase) => {
        done.add(phase);
        detail.phases = VOLUME_PHASES.filter((name) => done.has(name));
        save({ ...detail });
        ctx.log.info({ event: "reencrypt-phase-done", phase, server }, `re-encryption of the data volume: ${phase} done`);
    };

    if (done.size === 0) {
        const instance = await ctx.aws.ec2Instance(region, server);
        if (instance === undefined) throw new Error(`the restored database server ${server} is not in ${region}: check the restore job in AWS Backup`);
        if (instance.subnetId !== input.target.subnetId) {
            throw new Error(`the restored database server ${server} is in subnet ${instance.subnetId ?? "(none)"}, not in production's data subnet ${input.target.subnetId}: dr moves data only out of the server this run's restore job created there`);
        }
        const volume = instance.volumes[DATA_VOLUME_DEVICE];
        if (volume === undefined) throw new Error(`the restored database server ${server} has no volume at ${DATA_VOLUME_DEVICE} (its devices: ${Object.keys(instance.volumes).join(", ") || "none"}): the database lives on the data volume there`);
        detail.sourceVolume = volume;
        save({ ...detail });
    }
    const sourceVolume = String(detail.sourceVolume);

    if (!done.has("stop")) {
        await waitFor(
            ctx,
            `${server} to be stopped`,
            async () => {
                const instance = await ctx.aws.ec2Instance(region, server);
                if (instance === undefined) throw new Error(`the restored database server ${server} is gone before its data was copied: check AWS Backup, then start the failback again`);
                if (instance.state === "running") await ctx.aws.stopInstance(region, server);
                return instance;
            },
            (instance) => instance.state === "stopped",
        );
        finish("stop");
    }

    if (!done.has("snapshot")) {
        if ((await ctx.aws.taggedSnapshot(region, tag("snapshot"))) === undefined) {
            await ctx.aws.createSnapshot(region, sourceVolume, tag("snapshot"));
        }
        const snapshot = await waitFor(ctx, `the snapshot of ${sourceVolume}`, () => ctx.aws.taggedSnapshot(region, tag("snapshot")), (found) => found.state === "completed" || found.state === "error");
        if (snapshot.state === "error") throw new Error(`the snapshot ${snapshot.id} of ${sourceVolume} failed (state error): delete it (aws ec2 delete-snapshot --snapshot-id ${snapshot.id} --region ${region}) and resume`);
        detail.snapshot = snapshot.id;
        finish("snapshot");
    }

    if (!done.has("copy")) {
        if ((await ctx.aws.taggedSnapshot(region, tag("copy"))) === undefined) {
            await ctx.aws.copySnapshot(region, String(detail.snapshot), dataKeyArn, tag("copy"));
        }
        const copy = await waitFor(ctx, `the copy under production's key`, () => ctx.aws.taggedSnapshot(region, tag("copy")), (found) => found.state === "completed" || found.state === "error");
        if (copy.state === "error" || copy.kmsKeyId !== dataKeyArn) {
            throw new Error(`the snapshot copy ${copy.id} is ${copy.state === "error" ? "failed (state error)" : `encrypted with ${copy.kmsKeyId ?? "no key"}, not production's data key ${dataKeyArn}`}: delete it (aws ec2 delete-snapshot --snapshot-id ${copy.id} --region ${region}) and resume`);
        }
        detail.copy = copy.id;
        detail.sizeGiB = copy.volumeSize;
        finish("copy");
    }

    if (!done.has("volume")) {
        if ((await ctx.aws.taggedVolume(region, tag("volume"))) === undefined) {
            // The data volume's type for its size (gp3, io2 with its IOPS beyond 16 TiB): production's program declares the same.
            const kind = dataVolumeType(Number(detail.sizeGiB));
            await ctx.aws.createVolume(region, {
                snapshotId: String(detail.copy),
                availabilityZone: input.target.availabilityZone,
                kmsKeyId: dataKeyArn,
                volumeType: kind.type,
                ...(kind.iops !== undefined ? { iops: kind.iops } : {}),
                clientToken: volumeClientToken(production, runId),
                tags: { [FAILBACK_TAG]: tag("volume"), Name: `${production}-restored-data-${runId}` },
            });
        }
        const volume = await waitFor(ctx, `the restored data volume`, () => ctx.aws.taggedVolume(region, tag("volume")), (found) => found.state !== "creating");
        if (volume.state !== "available" || volume.kmsKeyId !== dataKeyArn || volume.availabilityZone !== input.target.availabilityZone) {
            throw new Error(
                `the volume ${volume.id} is ${volume.state}, in ${volume.availabilityZone ?? "no zone"}, encrypted with ${volume.kmsKeyId ?? "no key"}; production needs it available in ${input.target.availabilityZone} under ${dataKeyArn}: check it in EC2 (dr deletes no volume), then resume`,
            );
        }
        detail.restoredDataVolume = volume.id;
        finish("volume");
    }

    if (!done.has("cleanup")) {
        await waitFor(ctx, `${server} to be terminated`, async () => ((await ctx.aws.terminateFailbackServer(region, server, subnetId, productionServer ?? "")) ? true : undefined), () => true);
        for (const [snapshot, part] of [[String(detail.copy), "copy"], [String(detail.snapshot), "snapshot"]] as const) {
            await waitFor(ctx, `the snapshot ${snapshot} to be deleted`, async () => ((await ctx.aws.deleteFailbackEbsSnapshot(region, snapshot, tag(part))) ? true : undefined), () => true);
        }
        finish("cleanup");
    }
    return { ...detail, reencrypted: true };
}
