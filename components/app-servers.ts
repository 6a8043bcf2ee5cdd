import * as pulumi from "@pulumi/pulumi";

import { ebsOptimizationSupported } from "../lib/ebs-optimization";
import * as aws from "./aws";
import { DEFAULT_DATABASE_PORT } from "./database";
import { adminSecurityGroup, DATA_VOLUME_DEVICE, dataVolumeType, DualNicServer, interfaceSecurityGroup, serverRole, volumeSizeProblems } from "./dual-nic-server";
import { componentType } from "./types";

export interface AppServersArgs {
    /** The tenant's VPC. Required. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * The VPC's CIDR: the only destination the servers may open connections to (see `egressPorts`).
     * Required.
     */
    readonly vpcCidr: pulumi.Input<string>;
    /** Access subnets, one per availability zone, in the order of `availabilityZones`. Required. */
    readonly accessSubnetIds: pulumi.Input<string>[];
    /** Administration subnets, one per availability zone, in the order of `availabilityZones`. Required. */
    readonly adminSubnetIds: pulumi.Input<string>[];
    /** The zones of the subnets (same index). Server `i` goes to zone `i % availabilityZones.length`. Required. */
    readonly availabilityZones: pulumi.Input<string>[];
    /** How many servers, 1 to 10. Required. */
    readonly count: number;
    /** EC2 instance type of every server. Required. */
    readonly instanceType: string;
    /** The AMI every server boots from. Required. */
    readonly imageId: pulumi.Input<string>;
    /** The AMI's name (the pinned release), tagged `ImageName` on every instance. Default: undefined, no tag. */
    readonly imageName?: string;
    /** Size of each server's data volume in GiB, 20 to 16384. Required. */
    readonly dataVolumeGiB: number;
    /** Customer-managed KMS key encrypting every volume. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * The load balancer's security group: the only source of application traffic. Required while
     * servers run; undefined only with `count` 0 (a recovery environment at rest has no load
     * balancer: its servers' group then admits nothing).
     */
    readonly loadBalancerSecurityGroupId: pulumi.Input<string> | undefined;
    /**
     * A second group of load balancers admitted on the app port, e.g. the group every
     * dedicated-saas tenant's own load balancer carries: one rule admits them all, however many
     * (a rule per tenant would meet the 60 rules a security group holds). Default: none.
     */
    readonly tenantLoadBalancersSecurityGroupId?: pulumi.Input<string>;
    /** Port the servers serve the application on, behind the load balancer. Default: 443 (HTTPS). */
    readonly appPort?: number;
    /** Managed prefix list of the operations CIDRs: the only source of administration traffic. Required. */
    readonly operationsPrefixListId: pulumi.Input<string>;
    /** TCP ports operators may reach on the administration interface. Default: [22], SSH; SSM needs no inbound port. */
    readonly adminPorts?: readonly number[];
    /**
     * TCP ports the access interface may connect to inside the VPC (`vpcCidr`). Default:
     * [5432, 443], the tenant's PostgreSQL database and the VPC's interface endpoints (SSM, KMS,
     * CloudWatch). Nothing outside the VPC is reachable except through `s3PrefixListId`.
     */
    readonly egressPorts?: readonly number[];
    /**
     * The region's S3 managed prefix list (`com.amazonaws.<region>.s3`, routed through the VPC's
     * gateway endpoint), reachable on 443: the Amazon Linux package repositories live in S3, so
     * patching needs it. Default: undefined, no S3 access; patches then come only through a
     * repository or proxy inside the VPC.
     */
    readonly s3PrefixListId?: pulumi.Input<string>;
    /** Value of the `PatchGroup` tag on every instance, the tag the Patching component targets. Required. */
    readonly patchGroup: string;
    /** Target group every server is registered with on `appPort`. Default: undefined, no registration. */
    readonly targetGroupArn?: pulumi.Input<string>;
    /**
     * The EC2 Dedicated Host of each server (the `physical` mode): server `i` runs on `hostIds[i]`,
     * one entry per server (several servers may name the same host). The hosts live in one zone,
     * so exactly one zone (theirs) must then be given. Default: undefined, shared tenancy.
     */
    readonly hostIds?: pulumi.Input<string>[];
    /**
     * Also register a launch template describing the servers (image, type, role, IMDSv2, both
     * interfaces with their groups, root and data volumes encrypted with `kmsKeyArn`): the
     * configuration a recovery environment keeps ready while idle. With it, `count` may be 0: the
     * groups, role and template exist, no server runs. Default: false.
     */
    readonly launchTemplate?: boolean;
}

const MAX_SERVERS = 10;

/** The port the application servers serve HTTPS on behind a load balancer, unless told otherwise. */
export const APP_PORT = 443;
/** The port of the VPC's interface endpoints (SSM, KMS, CloudWatch). */
const HTTPS_PORT = 443;

function isPort(port: number): boolean {
    return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/**
 * The zone of each of `count` servers: round-robin (server `i` in zone `i % zones.length`), so
 * the servers differ by at most one per zone and losing a zone loses as few as possible.
 */
export function spreadOverZones<T>(count: number, zones: readonly T[]): T[] {
    const spread: T[] = [];
    while (spread.length < count && zones.length > 0) {
        spread.push(...zones.slice(0, count - spread.length));
    }
    return spread;
}

/** What is wrong with the shape of the args, one sentence per problem; empty when they are valid. */
export function appServersProblems(args: {
    readonly count: number;
    readonly subnetsPerZone: { readonly accessSubnetIds: number; readonly adminSubnetIds: number; readonly availabilityZones: number };
    readonly appPort: number;
    readonly adminPorts: readonly number[];
    readonly egressPorts: readonly number[];
    readonly dataVolumeGiB: number;
    /** The number of host ids given (`hostIds`), undefined for shared tenancy. */
    readonly hostIds: number | undefined;
    /** Whether a launch template is registered (then no server at all is allowed). Default: false. */
    readonly launchTemplate?: boolean;
}): string[] {
    const problems: string[] = [];
    const least = args.launchTemplate ? 0 : 1;
    if (!Number.isInteger(args.count) || args.count < least || args.count > MAX_SERVERS) {
        problems.push(`count: ${args.count} is not allowed; expected a whole number of servers from ${least} to ${MAX_SERVERS}`);
    }
    const { accessSubnetIds, adminSubnetIds, availabilityZones } = args.subnetsPerZone;
    if (availabilityZones < 1 || accessSubnetIds !== availabilityZones || adminSubnetIds !== availabilityZones) {
        problems.push(
            `accessSubnetIds, adminSubnetIds, availabilityZones: lengths ${accessSubnetIds}, ${adminSubnetIds}, ${availabilityZones} are not allowed; ` +
                "expected one access subnet and one administration subnet per availability zone (equal, non-zero lengths)",
        );
    }
    if (args.hostIds !== undefined && availabilityZones > 1) {
        problems.push(
            `availabilityZones: ${availabilityZones} zones are not allowed with hostIds; the Dedicated Hosts live in one zone, ` +
                "so pass only that zone and its access and administration subnets",
        );
    }
    if (args.hostIds !== undefined && args.hostIds !== args.count) {
        problems.push(`hostIds: ${args.hostIds} host ids for ${args.count} servers are not allowed; expected one host id per server (the same id for servers sharing a host)`);
    }
    for (const [field, ports] of [["appPort", [args.appPort]], ["adminPorts", args.adminPorts], ["egressPorts", args.egressPorts]] as const) {
        const bad = ports.filter((port) => !isPort(port));
        if (bad.length > 0) {
            problems.push(`${field}: ${bad.join(", ")} is not allowed; expected TCP ports from 1 to 65535`);
        }
        // One rule per port, named after it: a repeated port would be a duplicate resource.
        const repeated = [...new Set(ports.filter((port, i) => ports.indexOf(port) !== i))];
        if (repeated.length > 0) {
            problems.push(`${field}: ${repeated.join(", ")} is given more than once; expected each port once`);
        }
    }
    return [...problems, ...volumeSizeProblems({ dataVolumeGiB: args.dataVolumeGiB })];
}

/**
 * The tenant's application servers: `count` dual-NIC servers spread round-robin over the zones,
 * with one security group per network. The access group admits only the load balancer on the
 * application port; the administration group admits only the operations prefix list on the admin
 * ports. Every server runs under a role with SSM's managed-instance policy and carries the
 * `PatchGroup` tag the weekend patch window targets.
 */
export class AppServers extends pulumi.ComponentResource {
    public readonly accessSecurityGroupId: pulumi.Output<string>;
    public readonly adminSecurityGroupId: pulumi.Output<string>;
    public readonly instanceIds: pulumi.Output<string>[];
    public readonly instanceArns: pulumi.Output<string>[];
    public readonly roleArn: pulumi.Output<string>;
    /** The instance role's name: ServerDataAccess attaches the servers' data grant to it. */
    public readonly roleName: pulumi.Output<string>;
    public readonly instanceProfileName: pulumi.Output<string>;
    /** The launch template (`launchTemplate`), else undefined. */
    public readonly launchTemplateId: pulumi.Output<string> | undefined;

    constructor(name: string, args: AppServersArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("compute", "AppServers"), name, {}, opts);

        const appPort = args.appPort ?? APP_PORT;
        const adminPorts = args.adminPorts ?? [22];
        const egressPorts = args.egressPorts ?? [DEFAULT_DATABASE_PORT, HTTPS_PORT];
        const problems = appServersProblems({
            count: args.count,
            subnetsPerZone: {
                accessSubnetIds: args.accessSubnetIds.length,
                adminSubnetIds: args.adminSubnetIds.length,
                availabilityZones: args.availabilityZones.length,
            },
            appPort,
            adminPorts,
            egressPorts,
            dataVolumeGiB: args.dataVolumeGiB,
            hostIds: args.hostIds?.length,
            launchTemplate: args.launchTemplate,
        });
        if (args.loadBalancerSecurityGroupId === undefined && args.count > 0) {
            problems.push("loadBalancerSecurityGroupId: none given for running servers; expected the load balancer's group, the only source of application traffic");
        }
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }

        const accessGroup = interfaceSecurityGroup(
            `${name}-access-sg`,
            { vpcId: args.vpcId, description: `Application servers ${name}, access interface: the app port from the load balancer only`, tags: { Name: `${name}-access` } },
            this,
        );
        const loadBalancerSecurityGroupId = args.loadBalancerSecurityGroupId;
        if (loadBalancerSecurityGroupId !== undefined) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-access-from-lb`,
                {
                    securityGroupId: accessGroup.id,
                    description: "Application traffic from the load balancer",
                    ipProtocol: "tcp",
                    fromPort: appPort,
                    toPort: appPort,
                    referencedSecurityGroupId: loadBalancerSecurityGroupId,
                },
                { parent: this },
            );
        }
        if (args.tenantLoadBalancersSecurityGroupId !== undefined) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-access-from-tenant-lbs`,
                {
                    securityGroupId: accessGroup.id,
                    description: "Application traffic from the own load balancers of the tenants",
                    ipProtocol: "tcp",
                    fromPort: appPort,
                    toPort: appPort,
                    referencedSecurityGroupId: args.tenantLoadBalancersSecurityGroupId,
                },
                { parent: this },
            );
        }
        for (const port of egressPorts) {
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-access-to-vpc-${port}`,
                { securityGroupId: accessGroup.id, description: `TCP ${port} inside the VPC`, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: args.vpcCidr },
                { parent: this },
            );
        }
        if (args.s3PrefixListId !== undefined) {
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-access-to-s3`,
                { securityGroupId: accessGroup.id, description: "HTTPS to S3 (package repositories) through the gateway endpoint", ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: args.s3PrefixListId },
                { parent: this },
            );
        }

        const adminGroup = adminSecurityGroup(
            name,
            {
                vpcId: args.vpcId,
                vpcCidr: args.vpcCidr,
                description: `Application servers ${name}, administration interface: operations networks only`,
                tags: { Name: `${name}-admin` },
                operationsPrefixListId: args.operationsPrefixListId,
                ports: adminPorts.map((port) => ({ port, description: `TCP ${port} from the operations networks` })),
            },
            this,
        );
        const { role, profile } = serverRole(name, `Instance role of the application servers ${name}`, this);

        const placements = args.availabilityZones.flatMap((availabilityZone, zone) => {
            const accessSubnetId = args.accessSubnetIds[zone];
            const adminSubnetId = args.adminSubnetIds[zone];
            // The lengths are validated equal above; this only narrows the types.
            return accessSubnetId !== undefined && adminSubnetId !== undefined ? [{ availabilityZone, accessSubnetId, adminSubnetId }] : [];
        });
        // One server at a time (a new image replaces them all): server i+1 is registered, so created
        // or replaced, only after server i's target registration (after its interface and volume
        // attachments) has completed its step. What Pulumi guarantees: the Node SDK sends a
        // registration only once every resource it depends on has its URN, which the engine returns
        // when that resource's step (create, update, or the create of its replacement) has completed.
        // So the next replacement starts once RegisterTargets has accepted the new instance, not once
        // the load balancer finds it healthy (HealthyThresholdCount health checks later): Pulumi waits
        // for no health check. Created servers are replaced create-before-delete, each old instance
        // stopping when its data volume moves to the new one; Pulumi deletes the old instances and
        // their target registrations at the end of the update (pulumi/pulumi
        // tests/integration/diff/step3: CreateReplacement, Update, then DeleteReplaced). A resource
        // that depends on a replaced one only through dependsOn is not replaced with it
        // (tests/integration/delete_before_create/step2), so this chain replaces nothing by itself.
        const targetGroupArn = args.targetGroupArn;
        const servers: DualNicServer[] = [];
        let previous: pulumi.Resource | undefined;
        spreadOverZones(args.count, placements).forEach((placement, i) => {
            const server = new DualNicServer(
                `${name}-${i}`,
                {
                    ...placement,
                    accessSecurityGroupIds: [accessGroup.id],
                    adminSecurityGroupIds: [adminGroup.id],
                    instanceType: args.instanceType,
                    imageId: args.imageId,
                    imageName: args.imageName,
                    instanceProfileName: profile.name,
                    kmsKeyArn: args.kmsKeyArn,
                    dataVolumeGiB: args.dataVolumeGiB,
                    hostId: args.hostIds?.[i],
                    tags: { PatchGroup: args.patchGroup },
                    replaceAfter: previous === undefined ? undefined : [previous],
                },
                { parent: this },
            );
            servers.push(server);
            previous =
                targetGroupArn === undefined
                    ? server
                    : new aws.lb.TargetGroupAttachment(
                          `${name}-${i}-target`,
                          { targetGroupArn, targetId: server.instanceId, port: appPort },
                          // Registered once the server has its interface and data volume.
                          { parent: this, dependsOn: [server] },
                      );
        });

        const template = args.launchTemplate
            ? new aws.ec2.LaunchTemplate(
                  `${name}-template`,
                  {
                      description: `Dual-NIC application servers of ${name}`,
                      imageId: args.imageId,
                      instanceType: args.instanceType,
                      iamInstanceProfile: { name: profile.name },
                      // IMDSv2 only, one hop: as DualNicServer.
                      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                      monitoring: { enabled: true },
                      ebsOptimized: String(ebsOptimizationSupported(args.instanceType)),
                      networkInterfaces: [
                          { deviceIndex: 0, networkCardIndex: 0, subnetId: placements[0]?.accessSubnetId, securityGroups: [accessGroup.id], associatePublicIpAddress: "false", deleteOnTermination: "true" },
                          { deviceIndex: 1, networkCardIndex: 0, subnetId: placements[0]?.adminSubnetId, securityGroups: [adminGroup.id], associatePublicIpAddress: "false", deleteOnTermination: "true" },
                      ],
                      blockDeviceMappings: [
                          { deviceName: "/dev/xvda", ebs: { volumeType: "gp3", volumeSize: 30, encrypted: "true", kmsKeyId: args.kmsKeyArn, deleteOnTermination: "true" } },
                          {
                              deviceName: DATA_VOLUME_DEVICE,
                              ebs: { volumeSize: args.dataVolumeGiB, volumeType: dataVolumeType(args.dataVolumeGiB).type, iops: dataVolumeType(args.dataVolumeGiB).iops, encrypted: "true", kmsKeyId: args.kmsKeyArn, deleteOnTermination: "false" },
                          },
                      ],
                      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
                          resourceType,
                          tags: { Name: name, PatchGroup: args.patchGroup, ...(args.imageName === undefined ? {} : { ImageName: args.imageName }) },
                      })),
                      updateDefaultVersion: true,
                      tags: { Name: `${name}-template` },
                  },
                  { parent: this },
              )
            : undefined;

        this.accessSecurityGroupId = accessGroup.id;
        this.adminSecurityGroupId = adminGroup.id;
        this.instanceIds = servers.map((server) => server.instanceId);
        this.instanceArns = servers.map((server) => server.instanceArn);
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.instanceProfileName = profile.name;
        this.launchTemplateId = template?.id;
        this.registerOutputs({
            accessSecurityGroupId: this.accessSecurityGroupId,
            adminSecurityGroupId: this.adminSecurityGroupId,
            instanceIds: this.instanceIds,
            instanceArns: this.instanceArns,
            roleArn: this.roleArn,
            roleName: this.roleName,
        });
    }
}
