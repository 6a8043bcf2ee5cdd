// The EC2 side of `dr` for a physical tenant's database server (an EC2 instance on the tenant's
// Dedicated Host, its database on a separate data volume): placing a restored server on the
// recovery's host, and failback's move of the restored data volume under production's key. Every
// parameter as botocore's ec2 model names it (service-2.json of ec2 2016-11-15).
//
// Nothing here deletes a volume: failback's intermediates are two snapshots and the restore job's
// instance, each deleted only behind a guard that reads AWS's own state (a tag this run wrote, the
// subnet and tenancy of the instance), never a name a run file could be edited to give.

import {
    CopySnapshotCommand,
    CreateSnapshotCommand,
    CreateVolumeCommand,
    DeleteSnapshotCommand,
    DescribeInstancesCommand,
    DescribeSnapshotsCommand,
    DescribeVolumesCommand,
    EC2Client,
    ModifyInstancePlacementCommand,
    StartInstancesCommand,
    StopInstancesCommand,
    TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";

/** The tag dr writes on failback's intermediate snapshots and on the volume it creates: `<production>/<run>/<part>`. */
export const FAILBACK_TAG = "itm:dr-failback";

export function failbackTag(production: string, runId: string, part: "snapshot" | "copy" | "volume"): string {
    return `${production}/${runId}/${part}`;
}

export interface Ec2InstanceState {
    readonly id: string;
    /** InstanceState.Name: pending | running | shutting-down | terminated | stopping | stopped. */
    readonly state: string;
    readonly subnetId?: string;
    readonly availabilityZone?: string;
    /** Placement.Tenancy: default | dedicated | host. */
    readonly tenancy?: string;
    readonly hostId?: string;
    readonly instanceType?: string;
    /** BlockDeviceMappings: device name (`/dev/sdf`) to volume id. */
    readonly volumes: Readonly<Record<string, string>>;
}

export interface EbsSnapshotState {
    readonly id: string;
    /** Snapshot.State: pending | completed | error | recoverable | recovering. */
    readonly state: string;
    readonly kmsKeyId?: string;
    readonly volumeSize?: number;
}

export interface EbsVolumeState {
    readonly id: string;
    /** Volume.State: creating | available | in-use | deleting | deleted | error. */
    readonly state: string;
    readonly availabilityZone?: string;
    readonly kmsKeyId?: string;
    readonly encrypted: boolean;
    readonly size?: number;
    readonly volumeType?: string;
}

export interface DrEc2 {
    /** DescribeInstances of one instance; undefined when EC2 does not know it (InvalidInstanceID.NotFound) or it is terminated. */
    ec2Instance(region: string, instanceId: string): Promise<Ec2InstanceState | undefined>;
    /** StopInstances (a clean shutdown: no Force). */
    stopInstance(region: string, instanceId: string): Promise<void>;
    startInstance(region: string, instanceId: string): Promise<void>;
    /**
     * ModifyInstancePlacement of a stopped instance onto a Dedicated Host: HostId, Tenancy `host`
     * and Affinity `host` (botocore ec2 ModifyInstancePlacementRequest: Tenancy enum default |
     * dedicated | host, Affinity default | host; "the instance must be in the stopped state").
     */
    placeOnHost(region: string, instanceId: string, hostId: string): Promise<void>;
    /** The snapshot dr tagged `FAILBACK_TAG=tag` (DescribeSnapshots, owner self, by tag), undefined when none. */
    taggedSnapshot(region: string, tag: string): Promise<EbsSnapshotState | undefined>;
    /** CreateSnapshot of a volume, tagged with `FAILBACK_TAG=tag` at creation (TagSpecifications, ResourceType snapshot). */
    createSnapshot(region: string, volumeId: string, tag: string): Promise<void>;
    /**
     * CopySnapshot in the same region (SourceRegion = DestinationRegion = region), the copy
     * encrypted with `kmsKeyId` (Encrypted true: "If KmsKeyId is specified, the encrypted state
     * must be true"), tagged with `FAILBACK_TAG=tag`.
     */
    copySnapshot(region: string, sourceSnapshotId: string, kmsKeyId: string, tag: string): Promise<void>;
    /** The volume dr tagged `FAILBACK_TAG=tag` (DescribeVolumes by tag), undefined when none. */
    taggedVolume(region: string, tag: string): Promise<EbsVolumeState | undefined>;
    /**
     * CreateVolume from a snapshot in one zone, encrypted with `kmsKeyId`, of `volumeType` (with
     * `iops` for io2, required for io1/io2), tagged; `clientToken` makes a retried call create no
     * second volume (CreateVolume ClientToken, EC2 idempotency).
     */
    createVolume(region: string, args: { snapshotId: string; availabilityZone: string; kmsKeyId: string; volumeType: string; iops?: number; clientToken: string; tags: Readonly<Record<string, string>> }): Promise<void>;
    volume(region: string, volumeId: string): Promise<EbsVolumeState | undefined>;
    /** Deletes one of failback's intermediate snapshots: refuses a snapshot not tagged by this run. True once it is gone. */
    deleteFailbackEbsSnapshot(region: string, snapshotId: string, tag: string): Promise<boolean>;
    /**
     * Terminates the server failback's restore job created in production's data subnet; true once
     * it is gone. Refuses any instance outside `subnetId`, on a Dedicated Host (production's
     * servers all are: the restore job's is not), or `protectedInstanceId` (production's database server).
     */
    terminateFailbackServer(region: string, instanceId: string, subnetId: string, protectedInstanceId: string): Promise<boolean>;
}

const tagSpec = (resourceType: "snapshot" | "volume", tags: Readonly<Record<string, string>>) => [{ ResourceType: resourceType, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }];

function notFound(error: unknown, code: string): boolean {
    return (error as Error).name === code;
}

export function sdkEc2(ec2: (region: string) => EC2Client): DrEc2 {
    const describeInstance = async (region: string, instanceId: string) => {
        try {
            return (await ec2(region).send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations?.[0]?.Instances?.[0];
        } catch (error) {
            // EC2's error code for an instance id it does not know (EC2 API error codes).
            if (notFound(error, "InvalidInstanceID.NotFound")) return undefined;
            throw error;
        }
    };
    const bySnapshotTag = async (region: string, tag: string) =>
        (await ec2(region).send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: [{ Name: `tag:${FAILBACK_TAG}`, Values: [tag] }] }))).Snapshots ?? [];
    return {
        async ec2Instance(region, instanceId) {
            const instance = await describeInstance(region, instanceId);
            if (instance === undefined || instance.State?.Name === "terminated") return undefined;
            return {
                id: instanceId,
                state: instance.State?.Name ?? "unknown",
                ...(instance.SubnetId ? { subnetId: instance.SubnetId } : {}),
                ...(instance.Placement?.AvailabilityZone ? { availabilityZone: instance.Placement.AvailabilityZone } : {}),
                ...(instance.Placement?.Tenancy ? { tenancy: instance.Placement.Tenancy } : {}),
                ...(instance.Placement?.HostId ? { hostId: instance.Placement.HostId } : {}),
                ...(instance.InstanceType ? { instanceType: instance.InstanceType } : {}),
                volumes: Object.fromEntries((instance.BlockDeviceMappings ?? []).filter((m) => m.DeviceName && m.Ebs?.VolumeId).map((m) => [m.DeviceName!, m.Ebs!.VolumeId!])),
            };
        },
        async stopInstance(region, instanceId) {
            await ec2(region).send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
        },
        async startInstance(region, instanceId) {
            await ec2(region).send(new StartInstancesCommand({ InstanceIds: [instanceId] }));
        },
        async placeOnHost(region, instanceId, hostId) {
            const answer = await ec2(region).send(new ModifyInstancePlacementCommand({ InstanceId: instanceId, HostId: hostId, Tenancy: "host", Affinity: "host" }));
            if (answer.Return === false) throw new Error(`ModifyInstancePlacement of ${instanceId} onto ${hostId} returned false`);
        },
        async taggedSnapshot(region, tag) {
            const found = (await bySnapshotTag(region, tag))[0];
            if (found?.SnapshotId === undefined) return undefined;
            return { id: found.SnapshotId, state: found.State ?? "unknown", ...(found.KmsKeyId ? { kmsKeyId: found.KmsKeyId } : {}), ...(found.VolumeSize !== undefined ? { volumeSize: found.VolumeSize } : {}) };
        },
        async createSnapshot(region, volumeId, tag) {
            await ec2(region).send(new CreateSnapshotCommand({ VolumeId: volumeId, Description: `dr failback ${tag}`, TagSpecifications: tagSpec("snapshot", { [FAILBACK_TAG]: tag, Name: tag }) }));
        },
        async copySnapshot(region, sourceSnapshotId, kmsKeyId, tag) {
            await ec2(region).send(
                new CopySnapshotCommand({
                    SourceRegion: region,
                    SourceSnapshotId: sourceSnapshotId,
                    Encrypted: true,
                    KmsKeyId: kmsKeyId,
                    Description: `dr failback ${tag}`,
                    TagSpecifications: tagSpec("snapshot", { [FAILBACK_TAG]: tag, Name: tag }),
                }),
            );
        },
        async taggedVolume(region, tag) {
            const found = (await ec2(region).send(new DescribeVolumesCommand({ Filters: [{ Name: `tag:${FAILBACK_TAG}`, Values: [tag] }] }))).Volumes?.[0];
            return found?.VolumeId === undefined ? undefined : toVolume(found);
        },
        async createVolume(region, args) {
            await ec2(region).send(
                new CreateVolumeCommand({
                    SnapshotId: args.snapshotId,
                    AvailabilityZone: args.availabilityZone,
                    Encrypted: true,
                    KmsKeyId: args.kmsKeyId,
                    VolumeType: args.volumeType as "gp3",
                    ...(args.iops !== undefined ? { Iops: args.iops } : {}),
                    ClientToken: args.clientToken,
                    TagSpecifications: tagSpec("volume", args.tags),
                }),
            );
        },
        async volume(region, volumeId) {
            try {
                const found = (await ec2(region).send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes?.[0];
                return found === undefined ? undefined : toVolume(found);
            } catch (error) {
                if (notFound(error, "InvalidVolume.NotFound")) return undefined;
                throw error;
            }
        },
        async deleteFailbackEbsSnapshot(region, snapshotId, tag) {
            const found = (await bySnapshotTag(region, tag)).find((snapshot) => snapshot.SnapshotId === snapshotId);
            if (found === undefined) {
                // Gone, or never this run's: DescribeSnapshots by id tells which.
                try {
                    const other = (await ec2(region).send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }))).Snapshots?.[0];
                    if (other !== undefined) throw new Error(`dr refuses to delete the snapshot ${snapshotId}: it is not tagged ${FAILBACK_TAG}=${tag} (only this run's intermediate snapshots are deleted)`);
                } catch (error) {
                    if (notFound(error, "InvalidSnapshot.NotFound")) return true;
                    throw error;
                }
                return true;
            }
            await ec2(region).send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
            return false;
        },
        async terminateFailbackServer(region, instanceId, subnetId, protectedInstanceId) {
            if (instanceId === protectedInstanceId) {
                throw new Error(`dr refuses to terminate ${instanceId}: it is production's database server`);
            }
            const instance = await describeInstance(region, instanceId);
            if (instance === undefined || instance.State?.Name === "terminated") return true;
            if (instance.SubnetId !== subnetId || instance.Placement?.Tenancy === "host") {
                throw new Error(
                    `dr refuses to terminate ${instanceId}: it is in subnet ${instance.SubnetId ?? "(none)"} with tenancy ${instance.Placement?.Tenancy ?? "(none)"}; only the server failback's restore job created in production's data subnet ${subnetId} (default tenancy) is terminated`,
                );
            }
            if (instance.State?.Name !== "shutting-down") {
                await ec2(region).send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
            }
            return false;
        },
    };
}

function toVolume(found: { VolumeId?: string; State?: string; AvailabilityZone?: string; KmsKeyId?: string; Encrypted?: boolean; Size?: number; VolumeType?: string }): EbsVolumeState {
    return {
        id: found.VolumeId!,
        state: found.State ?? "unknown",
        encrypted: found.Encrypted === true,
        ...(found.AvailabilityZone ? { availabilityZone: found.AvailabilityZone } : {}),
        ...(found.KmsKeyId ? { kmsKeyId: found.KmsKeyId } : {}),
        ...(found.Size !== undefined ? { size: found.Size } : {}),
        ...(found.VolumeType ? { volumeType: found.VolumeType } : {}),
    };
}
