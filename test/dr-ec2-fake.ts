// A stateful EC2 for a physical tenant's dr tests (aws-sdk-client-mock handlers on an EC2Client
// stub): instances whose stop and start settle one describe later, ModifyInstancePlacement refused
// unless the instance is stopped (EC2's IncorrectInstanceState), snapshots and volumes found by
// their tags, a copy under the KmsKeyId it was asked for, CreateVolume idempotent by ClientToken,
// and failures injected once per command, before or after EC2 acted (a lost response).

import {
    CopySnapshotCommand,
    CreateSnapshotCommand,
    CreateVolumeCommand,
    DeleteSnapshotCommand,
    DeleteVolumeCommand,
    DescribeInstancesCommand,
    DescribeSnapshotsCommand,
    DescribeVolumesCommand,
    EC2ClientResolvedConfig,
    ModifyInstancePlacementCommand,
    ServiceInputTypes,
    ServiceOutputTypes,
    StartInstancesCommand,
    StopInstancesCommand,
    TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import type { AwsStub } from "aws-sdk-client-mock";

export interface FakeServer {
    state: string;
    subnetId: string;
    availabilityZone: string;
    tenancy: string;
    hostId?: string;
    volumes: Record<string, string>;
}

export interface FakeSnapshot {
    state: string;
    kmsKeyId: string;
    volumeSize: number;
    tags: Record<string, string>;
}

export interface FakeVolume {
    state: string;
    availabilityZone: string;
    kmsKeyId: string;
    size: number;
    volumeType: string;
    snapshotId?: string;
    tags: Record<string, string>;
}

export interface Ec2Fake {
    readonly instances: Map<string, FakeServer>;
    readonly snapshots: Map<string, FakeSnapshot>;
    readonly volumes: Map<string, FakeVolume>;
    failNext(command: string, when: "before" | "after"): void;
    /** The calls that changed something, in order: "<command> <id>". */
    readonly writes: string[];
}

const SETTLE: Record<string, string> = { stopping: "stopped", pending: "running", "shutting-down": "terminated" };

function ec2Error(name: string, message: string): Error {
    return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: 400 } });
}

const tagsOf = (specs: { Tags?: { Key?: string; Value?: string }[] }[] | undefined) => Object.fromEntries((specs?.[0]?.Tags ?? []).map((tag) => [tag.Key!, tag.Value!]));
const matches = (tags: Record<string, string>, filters: { Name?: string; Values?: string[] }[] | undefined) =>
    (filters ?? []).every((filter) => filter.Name?.startsWith("tag:") && (filter.Values ?? []).includes(tags[filter.Name.slice(4)] ?? ""));

export function installEc2Fake(ec2: AwsStub<ServiceInputTypes, ServiceOutputTypes, EC2ClientResolvedConfig>): Ec2Fake {
    const instances = new Map<string, FakeServer>();
    const snapshots = new Map<string, FakeSnapshot>();
    const volumes = new Map<string, FakeVolume>();
    const tokens = new Map<string, string>();
    const failures = new Map<string, "before" | "after">();
    const writes: string[] = [];
    let serial = 0;
    const id = (prefix: string) => `${prefix}-${(++serial).toString(16).padStart(17, "0")}`;
    const act = <T>(command: string, subject: string, change: () => T): T => {
        const when = failures.get(command);
        if (when === "before") {
            failures.delete(command);
            throw ec2Error("InternalError", `injected: ${command} failed before EC2 acted`);
        }
        const result = change();
        writes.push(`${command} ${subject}`);
        if (when === "after") {
            failures.delete(command);
            throw ec2Error("RequestTimeout", `injected: ${command}'s answer was lost`);
        }
        return result;
    };
    const server = (instanceId: string) => {
        const found = instances.get(instanceId);
        if (found === undefined) throw ec2Error("InvalidInstanceID.NotFound", `The instance ID '${instanceId}' does not exist`);
        return found;
    };

    ec2.on(DescribeInstancesCommand).callsFake((input: { InstanceIds: string[] }) => {
        const instanceId = input.InstanceIds[0]!;
        const found = server(instanceId);
        const shown = { ...found };
        found.state = SETTLE[found.state] ?? found.state;
        return {
            Reservations: [
                {
                    Instances: [
                        {
                            InstanceId: instanceId,
                            SubnetId: shown.subnetId,
                            State: { Name: shown.state },
                            Placement: { AvailabilityZone: shown.availabilityZone, Tenancy: shown.tenancy, ...(shown.hostId ? { HostId: shown.hostId } : {}) },
                            BlockDeviceMappings: Object.entries(shown.volumes).map(([DeviceName, VolumeId]) => ({ DeviceName, Ebs: { VolumeId } })),
                        },
                    ],
                },
            ],
        };
    });
    ec2.on(StopInstancesCommand).callsFake((input: { InstanceIds: string[] }) =>
        act("StopInstances", input.InstanceIds[0]!, () => {
            const found = server(input.InstanceIds[0]!);
            if (found.state === "running") found.state = "stopping";
            return { StoppingInstances: [] };
        }),
    );
    ec2.on(StartInstancesCommand).callsFake((input: { InstanceIds: string[] }) =>
        act("StartInstances", input.InstanceIds[0]!, () => {
            const found = server(input.InstanceIds[0]!);
            if (found.state !== "stopped") throw ec2Error("IncorrectInstanceState", `The instance '${input.InstanceIds[0]}' is not in a state from which it can be started.`);
            found.state = "pending";
            return { StartingInstances: [] };
        }),
    );
    ec2.on(ModifyInstancePlacementCommand).callsFake((input: { InstanceId: string; HostId?: string; Tenancy?: string }) =>
        act("ModifyInstancePlacement", input.InstanceId, () => {
            const found = server(input.InstanceId);
            // EC2 User Guide, "Modify instance tenancy and affinity": the instance must be stopped.
            if (found.state !== "stopped") throw ec2Error("IncorrectInstanceState", `The instance '${input.InstanceId}' is not in the 'stopped' state.`);
            found.tenancy = input.Tenancy ?? found.tenancy;
            if (input.HostId !== undefined) found.hostId = input.HostId;
            return { Return: true };
        }),
    );
    ec2.on(TerminateInstancesCommand).callsFake((input: { InstanceIds: string[] }) =>
        act("TerminateInstances", input.InstanceIds[0]!, () => {
            server(input.InstanceIds[0]!).state = "shutting-down";
            return { TerminatingInstances: [] };
        }),
    );
    ec2.on(DescribeSnapshotsCommand).callsFake((input: { SnapshotIds?: string[]; Filters?: { Name?: string; Values?: string[] }[] }) => {
        const found = [...snapshots.entries()].filter(([snapshotId, snapshot]) => (input.SnapshotIds ? input.SnapshotIds.includes(snapshotId) : matches(snapshot.tags, input.Filters)));
        if (input.SnapshotIds && found.length === 0) throw ec2Error("InvalidSnapshot.NotFound", `The snapshot '${input.SnapshotIds[0]}' does not exist.`);
        const shown = found.map(([SnapshotId, snapshot]) => ({ SnapshotId, State: snapshot.state, KmsKeyId: snapshot.kmsKeyId, VolumeSize: snapshot.volumeSize, Tags: Object.entries(snapshot.tags).map(([Key, Value]) => ({ Key, Value })) }));
        for (const [, snapshot] of found) snapshot.state = snapshot.state === "pending" ? "completed" : snapshot.state;
        return { Snapshots: shown };
    });
    ec2.on(CreateSnapshotCommand).callsFake((input: { VolumeId: string; TagSpecifications?: { Tags?: { Key?: string; Value?: string }[] }[] }) => {
        const volumeId = input.VolumeId;
        return act("CreateSnapshot", volumeId, () => {
            const source = volumes.get(volumeId);
            if (source === undefined) throw ec2Error("InvalidVolume.NotFound", `The volume '${volumeId}' does not exist.`);
            const snapshotId = id("snap");
            snapshots.set(snapshotId, { state: "pending", kmsKeyId: source.kmsKeyId, volumeSize: source.size, tags: tagsOf(input.TagSpecifications) });
            return { SnapshotId: snapshotId };
        });
    });
    ec2.on(CopySnapshotCommand).callsFake((input: { SourceSnapshotId: string; KmsKeyId?: string; Encrypted?: boolean; TagSpecifications?: { Tags?: { Key?: string; Value?: string }[] }[] }) =>
        act("CopySnapshot", input.SourceSnapshotId, () => {
            const source = snapshots.get(input.SourceSnapshotId);
            if (source === undefined || source.state !== "completed") throw ec2Error("InvalidSnapshot.NotFound", `The snapshot '${input.SourceSnapshotId}' does not exist or is not completed.`);
            // botocore ec2 CopySnapshot.KmsKeyId: "If KmsKeyId is specified, the encrypted state must be true."
            if (input.KmsKeyId !== undefined && input.Encrypted !== true) throw ec2Error("InvalidParameterDependency", "KmsKeyId requires Encrypted true");
            const snapshotId = id("snap");
            snapshots.set(snapshotId, { state: "pending", kmsKeyId: input.KmsKeyId ?? source.kmsKeyId, volumeSize: source.volumeSize, tags: tagsOf(input.TagSpecifications) });
            return { SnapshotId: snapshotId };
        }),
    );
    ec2.on(DeleteSnapshotCommand).callsFake((input: { SnapshotId: string }) =>
        act("DeleteSnapshot", input.SnapshotId, () => {
            snapshots.delete(input.SnapshotId);
            return {};
        }),
    );
    ec2.on(DescribeVolumesCommand).callsFake((input: { VolumeIds?: string[]; Filters?: { Name?: string; Values?: string[] }[] }) => {
        const found = [...volumes.entries()].filter(([volumeId, volume]) => (input.VolumeIds ? input.VolumeIds.includes(volumeId) : matches(volume.tags, input.Filters)));
        if (input.VolumeIds && found.length === 0) throw ec2Error("InvalidVolume.NotFound", `The volume '${input.VolumeIds[0]}' does not exist.`);
        const shown = found.map(([VolumeId, v]) => ({ VolumeId, State: v.state, AvailabilityZone: v.availabilityZone, KmsKeyId: v.kmsKeyId, Encrypted: true, Size: v.size, VolumeType: v.volumeType, Tags: Object.entries(v.tags).map(([Key, Value]) => ({ Key, Value })) }));
        for (const [, volume] of found) volume.state = volume.state === "creating" ? "available" : volume.state;
        return { Volumes: shown };
    });
    ec2.on(CreateVolumeCommand).callsFake(
        (input: { SnapshotId?: string; AvailabilityZone?: string; KmsKeyId?: string; VolumeType?: string; ClientToken?: string; TagSpecifications?: { Tags?: { Key?: string; Value?: string }[] }[] }) => {
            const again = input.ClientToken ? tokens.get(input.ClientToken) : undefined;
            if (again !== undefined) return { VolumeId: again };
            return act("CreateVolume", input.SnapshotId ?? "", () => {
                const source = snapshots.get(input.SnapshotId ?? "");
                if (source === undefined || source.state !== "completed") throw ec2Error("InvalidSnapshot.NotFound", `The snapshot '${input.SnapshotId}' does not exist or is not completed.`);
                const volumeId = id("vol");
                volumes.set(volumeId, { state: "creating", availabilityZone: input.AvailabilityZone!, kmsKeyId: input.KmsKeyId ?? source.kmsKeyId, size: source.volumeSize, volumeType: input.VolumeType ?? "gp2", snapshotId: input.SnapshotId, tags: tagsOf(input.TagSpecifications) });
                if (input.ClientToken) tokens.set(input.ClientToken, volumeId);
                return { VolumeId: volumeId };
            });
        },
    );
    ec2.on(DeleteVolumeCommand).callsFake((input: { VolumeId: string }) =>
        act("DeleteVolume", input.VolumeId, () => {
            volumes.delete(input.VolumeId);
            return {};
        }),
    );
    return {
        instances,
        snapshots,
        volumes,
        failNext: (command, when) => failures.set(command, when),
        writes,
    };
}
