import * as pulumi from "@pulumi/pulumi";

import { ebsOptimizationSupported } from "../lib/ebs-optimization";
import { reservedPrefixFreeName } from "../lib/naming";
import * as aws from "./aws";
import { componentType } from "./types";

export interface DualNicServerArgs {
    /**
     * Subnet of the access interface (eth0, the instance's primary interface): the network the
     * application is served on. Required; must be in `availabilityZone`.
     */
    readonly accessSubnetId: pulumi.Input<string>;
    /**
     * Subnet of the administration interface (eth1): the network operators reach the server on.
     * Required; must be in the same availability zone as the access subnet (an interface cannot be
     * attached across zones).
     */
    readonly adminSubnetId: pulumi.Input<string>;
    /** The zone of both subnets, where the instance and its data volume are placed. Required. */
    readonly availabilityZone: pulumi.Input<string>;
    /** Security groups of the access interface. Required. */
    readonly accessSecurityGroupIds: pulumi.Input<string>[];
    /** Security groups of the administration interface. Required. */
    readonly adminSecurityGroupIds: pulumi.Input<string>[];
    /** EC2 instance type, e.g. `m7i.large`. Required. */
    readonly instanceType: string;
    /** The AMI the server boots from. Required. */
    readonly imageId: pulumi.Input<string>;
    /**
     * The name of that AMI (the pinned release, stacks/config/server-images.json), recorded on the
     * instance as its `ImageName` tag: what an operator and the policy pack see of the decision.
     * Default: undefined, no tag.
     */
    readonly imageName?: string;
    /**
     * Resources the instance is created (and replaced) only after: in a rolling replacement, the
     * previous server's target group registration. Default: none, the instance is registered as
     * soon as its inputs are known.
     */
    readonly replaceAfter?: pulumi.Resource[];
    /** Instance profile giving the server its role (at least SSM's managed-instance policy). Required. */
    readonly instanceProfileName: pulumi.Input<string>;
    /** Customer-managed KMS key encrypting the root and data volumes. Required: nothing is stored unencrypted. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Size of the root volume in GiB, 8 to 16384. Default: 30, room for the OS, agents and logs. */
    readonly rootVolumeGiB?: number;
    /** Size of the data volume (attached as `/dev/sdf`) in GiB, 20 to 65536: gp3 up to 16384, io2 beyond. Required. */
    readonly dataVolumeGiB: number;
    /**
     * EC2 Dedicated Host to run on (the `physical` mode: the tenant's own hardware). Default:
     * undefined, the instance runs with shared (default) tenancy.
     */
    readonly hostId?: pulumi.Input<string>;
    /** Tags added to the instance and its volumes and interface, e.g. `PatchGroup`. Default: only `Name`. */
    readonly tags?: Record<string, string>;
    /**
     * A failback's takeover of the data volume: an existing EBS volume (made by `npm run dr --
     * failback` of the restored server's data, under `kmsKeyArn` in `availabilityZone`), imported
     * as `<name>-data-restored` and attached instead of the server's own. The own volume
     * (`<name>-data`) is detached (the instance stopped first), tagged `DataVolume: former` and
     * retained: no update deletes it. The instance is started again after the swap. Default:
     * undefined, the server's own volume.
     */
    readonly restoredDataVolumeId?: string;
}

/**
 * Properties of an imported data volume that only a replacement could change (ForceNew in the
 * provider's aws_ebs_volume schema): a diff on one would plan an empty new volume and the restored
 * one deleted. Ignored, and the zone and key checked instead (`dataVolumeTakeoverProblem`).
 */
export const DATA_VOLUME_TAKEOVER_IGNORED_CHANGES = ["availabilityZone", "encrypted", "kmsKeyId", "snapshotId", "outpostArn", "multiAttachEnabled"] as const;

/** What breaks the server's promises in a taken-over data volume (its zone, its key); undefined when none. */
export function dataVolumeTakeoverProblem(volumeId: string, actual: { zone?: string; keyArn?: string; encrypted?: boolean }, expected: { zone: string; keyArn: string }): string | undefined {
    const problems: string[] = [];
    if (actual.zone !== expected.zone) problems.push(`it is in ${actual.zone ?? "no zone"}, the server in ${expected.zone} (a volume attaches only in its own zone)`);
    if (actual.encrypted !== true || actual.keyArn !== expected.keyArn) problems.push(`it is encrypted with ${actual.encrypted === true ? (actual.keyArn ?? "no key") : "nothing"}, not with ${expected.keyArn} (copy its snapshot with that key: npm run dr -- failback does)`);
    return problems.length === 0 ? undefined : `restoredDataVolume ${volumeId}: ${problems.join("; ")}`;
}

/** Where the data volume appears on the instance (`/dev/nvme1n1` on Nitro instances). */
export const DATA_VOLUME_DEVICE = "/dev/sdf";

/** The sizes EBS allows (gp3 up to 16 TiB, io2 Block Express up to 64 TiB), narrowed to what a server of this platform may use. */
const VOLUME_LIMITS = {
    rootVolumeGiB: { min: 8, max: 16384 },
    dataVolumeGiB: { min: 20, max: 65536 },
} as const;

/** Largest gp3 volume; larger data volumes are io2 Block Express. */
export const GP3_MAX_GIB = 16384;
/** Provisioned IOPS of an io2 data volume: gp3's 3000 baseline would starve a 16 TiB+ database. */
export const IO2_IOPS = 16000;

/** The EBS type of a data volume of this size: gp3 where it fits, io2 beyond. */
export function dataVolumeType(sizeGiB: number): { type: "gp3" | "io2"; iops?: number } {
    return sizeGiB > GP3_MAX_GIB ? { type: "io2", iops: IO2_IOPS } : { type: "gp3" };
}

/**
 * What is wrong with the given volume sizes (a size left out is not checked), one sentence per
 * problem; empty when they are valid.
 */
export function volumeSizeProblems(sizes: { readonly rootVolumeGiB?: number; readonly dataVolumeGiB?: number }): string[] {
    return (Object.keys(VOLUME_LIMITS) as (keyof typeof VOLUME_LIMITS)[]).flatMap((field) => {
        const value = sizes[field];
        const { min, max } = VOLUME_LIMITS[field];
        return value === undefined || (Number.isInteger(value) && value >= min && value <= max)
            ? []
            : [`${field}: ${value} is not allowed; expected a whole number of GiB from ${min} to ${max}`];
    });
}

/**
 * The security group of one interface of the dual-NIC servers of a component: logical name
 * `name`, its AWS name the same without a reserved prefix, in `vpcId`, with no rule yet.
 */
export function interfaceSecurityGroup(
    name: string,
    args: { readonly vpcId: pulumi.Input<string>; readonly description: string; readonly tags: Record<string, string> },
    parent: pulumi.Resource,
): aws.ec2.SecurityGroup {
    return new aws.ec2.SecurityGroup(name, { name: reservedPrefixFreeName("securityGroup", name), vpcId: args.vpcId, description: args.description, tags: args.tags }, { parent });
}

export interface AdminSecurityGroupArgs {
    readonly vpcId: pulumi.Input<string>;
    /** The VPC's CIDR: the interface endpoints (SSM) the administration interface reaches on 443. */
    readonly vpcCidr: pulumi.Input<string>;
    readonly description: string;
    readonly tags: Record<string, string>;
    /** Managed prefix list of the operations CIDRs: the only source of administration traffic. */
    readonly operationsPrefixListId: pulumi.Input<string>;
    /** The TCP ports operators reach, each with its rule's description. */
    readonly ports: readonly { readonly port: number; readonly description: string }[];
}

/**
 * The administration interface's (eth1's) security group of `name`'s servers, `${name}-admin-sg`:
 * each of `ports` from the operations prefix list only, and out only HTTPS to the VPC's interface
 * endpoints, for the SSM agent (nothing else leaves eth1).
 */
export function adminSecurityGroup(name: string, args: AdminSecurityGroupArgs, parent: pulumi.Resource): aws.ec2.SecurityGroup {
    const group = interfaceSecurityGroup(`${name}-admin-sg`, args, parent);
    for (const { port, description } of args.ports) {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-admin-from-operations-${port}`,
            { securityGroupId: group.id, description, ipProtocol: "tcp", fromPort: port, toPort: port, prefixListId: args.operationsPrefixListId },
            { parent },
        );
    }
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-admin-to-vpc-443`,
        { securityGroupId: group.id, description: "HTTPS to the interface endpoints of the VPC (SSM)", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.vpcCidr },
        { parent },
    );
    return group;
}

/** What `serverRole` registers. */
export interface ServerRole {
    readonly role: aws.iam.Role;
    /** The attachment of SSM's managed-instance policy (the agent's patching and Run Command). */
    readonly ssmCore: aws.iam.RolePolicyAttachment;
    /** The instance profile a DualNicServer takes (`instanceProfileName: profile.name`). */
    readonly profile: aws.iam.InstanceProfile;
}

/**
 * The instance role of `name`'s servers (`${name}-role`), which EC2 assumes, with SSM's
 * managed-instance policy (`${name}-ssm-core`) and its instance profile (`${name}-profile`).
 * A caller adds its own permissions to `role`.
 */
export function serverRole(name: string, description: string, parent: pulumi.Resource): ServerRole {
    const role = new aws.iam.Role(
        `${name}-role`,
        {
            description,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        },
        { parent },
    );
    const ssmCore = new aws.iam.RolePolicyAttachment(`${name}-ssm-core`, { role: role.name, policyArn: aws.iam.ManagedPolicy.AmazonSSMManagedInstanceCore }, { parent });
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name }, { parent });
    return { role, ssmCore, profile };
}

/**
 * One EC2 instance with two network interfaces in the same zone: eth0 in the access subnet (the
 * application's traffic) and eth1 in the administration subnet (operators' SSH), so each network's
 * security groups govern only its own traffic. The instance has no public address, requires
 * IMDSv2 and keeps its data on a separate encrypted volume that outlives instance replacement.
 *
 * Replacing the instance (a new image) moves the administration interface and the data volume to
 * the new one. EC2 attaches an interface or a volume to one instance at a time (AttachNetworkInterface
 * and AttachVolume fail with "already attached" / VolumeInUse while the old one holds it), so both
 * attachments are replaced delete-before-create: the old attachment is removed (the old instance
 * stopped first, `stopInstanceBeforeDetaching`, so the file system is clean) before the new one
 * attaches. On a Dedicated Host (`hostId`) the instance itself is replaced delete-before-create:
 * a host has room only for the servers packed onto it (stacks/config/dedicated-hosts.ts), so the
 * old instance frees its capacity before the new one launches; the server is down meanwhile, which
 * its caller limits to one server at a time (`replaceAfter`). Pulumi first deletes what must be
 * replaced with it (what carries its id: both attachments, its target registration, a backup
 * selection naming it) and creates them again after it.
 */
export class DualNicServer extends pulumi.ComponentResource {
    public readonly instanceId: pulumi.Output<string>;
    public readonly instanceArn: pulumi.Output<string>;
    /** Private address of eth0, the access interface. */
    public readonly accessIp: pulumi.Output<string>;
    /** Private address of eth1, the administration interface. */
    public readonly adminIp: pulumi.Output<string>;
    public readonly adminNetworkInterfaceId: pulumi.Output<string>;

    constructor(name: string, args: DualNicServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("compute", "DualNicServer"), name, {}, opts);

        const rootVolumeGiB = args.rootVolumeGiB ?? 30;
        const problems = volumeSizeProblems({ rootVolumeGiB, dataVolumeGiB: args.dataVolumeGiB });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }
        const tags = { Name: name, ...args.tags };
        const instanceTags = args.imageName === undefined ? tags : { ...tags, ImageName: args.imageName };
        const placement: Pick<aws.ec2.InstanceArgs, "tenancy" | "hostId"> = args.hostId ? { tenancy: "host", hostId: args.hostId } : {};

        const instance = new aws.ec2.Instance(
            `${name}-instance`,
            {
                ami: args.imageId,
                instanceType: args.instanceType,
                availabilityZone: args.availabilityZone,
                subnetId: args.accessSubnetId,
                vpcSecurityGroupIds: args.accessSecurityGroupIds,
                associatePublicIpAddress: false,
                iamInstanceProfile: args.instanceProfileName,
                // IMDSv2 only, and one hop: a container on the host cannot reach the role's credentials.
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                rootBlockDevice: {
                    volumeType: "gp3",
                    volumeSize: rootVolumeGiB,
                    encrypted: true,
                    kmsKeyId: args.kmsKeyArn,
                    deleteOnTermination: true,
                    tags,
                },
                monitoring: true,
                // Dedicated EBS bandwidth wherever EC2 offers it (it refuses the flag on T2 and older sizes).
                ebsOptimized: ebsOptimizationSupported(args.instanceType),
                ...placement,
                tags: instanceTags,
            },
            { parent: this, dependsOn: args.replaceAfter, deleteBeforeReplace: args.hostId !== undefined },
        );

        const adminInterface = new aws.ec2.NetworkInterface(
            `${name}-admin-eni`,
            {
                subnetId: args.adminSubnetId,
                securityGroups: args.adminSecurityGroupIds,
                description: `Administration interface of ${name}`,
                tags,
            },
            { parent: this },
        );
        new aws.ec2.NetworkInterfaceAttachment(
            `${name}-admin-eni-attachment`,
            { instanceId: instance.id, networkInterfaceId: adminInterface.id, deviceIndex: 1 },
            { parent: this, deleteBeforeReplace: true },
        );

        // A separate volume rather than an ebsBlockDevice: the data survives replacing the instance
        // (a new AMI), and a final snapshot is taken if the volume itself is ever destroyed.
        const dataVolumeArgs: aws.ebs.VolumeArgs = {
            availabilityZone: args.availabilityZone,
            size: args.dataVolumeGiB,
            ...dataVolumeType(args.dataVolumeGiB),
            encrypted: true,
            kmsKeyId: args.kmsKeyArn,
            finalSnapshot: true,
            tags,
        };
        const takeover = args.restoredDataVolumeId;
        // After a takeover the own volume stays declared, unchanged but for its tag, and retained:
        // the engine decides a deletion by the retainOnDelete recorded in the state (as the RDS
        // takeover's former instance, components/database.ts).
        const dataVolume = new aws.ebs.Volume(
            `${name}-data`,
            takeover === undefined ? dataVolumeArgs : { ...dataVolumeArgs, tags: { ...tags, DataVolume: "former" } },
            { parent: this, ...(takeover === undefined ? {} : { retainOnDelete: true }) },
        );
        let attachedVolumeId: pulumi.Output<string> = dataVolume.id;
        if (takeover !== undefined) {
            // Under a logical name of its own: `import` on the own volume's URN would delete it.
            const restored = new aws.ebs.Volume(`${name}-data-restored`, dataVolumeArgs, {
                parent: this,
                import: takeover,
                ignoreChanges: [...DATA_VOLUME_TAKEOVER_IGNORED_CHANGES],
                retainOnDelete: true,
            });
            // Attached only when its zone and key are the server's: a wrong volume fails the update before the swap.
            attachedVolumeId = pulumi
                .all([restored.id, restored.availabilityZone, restored.kmsKeyId, restored.encrypted, args.availabilityZone, args.kmsKeyArn])
                .apply(([id, zone, keyArn, encrypted, expectedZone, expectedKey]) => {
                    const problem = dataVolumeTakeoverProblem(takeover, { zone, keyArn, encrypted }, { zone: expectedZone, keyArn: expectedKey });
                    if (problem !== undefined) throw new pulumi.ResourceError(`${name}: ${problem}`, restored);
                    return id;
                });
        }
        // A new volume id replaces the attachment: the old one detached first (the instance stopped), then the new one attached.
        const attachment = new aws.ec2.VolumeAttachment(
            `${name}-data-attachment`,
            { instanceId: instance.id, volumeId: attachedVolumeId, deviceName: DATA_VOLUME_DEVICE, stopInstanceBeforeDetaching: true },
            { parent: this, deleteBeforeReplace: true },
        );
        if (takeover !== undefined) {
            // stopInstanceBeforeDetaching leaves the instance stopped (the provider starts nothing): running again after the swap.
            new aws.ec2transitgateway.InstanceState(`${name}-running`, { instanceId: instance.id, state: "running" }, { parent: this, dependsOn: [attachment] });
        }

        this.instanceId = instance.id;
        this.instanceArn = instance.arn;
        this.accessIp = instance.privateIp;
        this.adminIp = adminInterface.privateIp;
        this.adminNetworkInterfaceId = adminInterface.id;
        this.registerOutputs({
            instanceId: this.instanceId,
            instanceArn: this.instanceArn,
            accessIp: this.accessIp,
            adminIp: this.adminIp,
            adminNetworkInterfaceId: this.adminNetworkInterfaceId,
        });
    }
}
