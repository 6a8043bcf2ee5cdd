import { Cidr, formatAddress, parseCidr, size } from "../../../../lib/ipv4";

import { MockAttributeContext, MockAttributes } from "./types";

/** Where an interface lands when its subnet is not a resource of the planned stack (a literal id). */
const UNKNOWN_SUBNET: { cidr: Cidr; availabilityZone?: string } = { cidr: { network: 0x0a000000, prefix: 16 } }; // 10.0.0.0/16

/**
 * Addresses already handed out per subnet, keyed by the subnet's recorded state (one object per
 * subnet per planned stack), so two interfaces of one subnet never get the same address.
 */
const taken = new WeakMap<object, Set<number>>();

function subnetOf(ctx: MockAttributeContext): { cidr: Cidr; availabilityZone?: string; state?: object } {
    const subnetId = ctx.inputs.subnetId;
    const state = typeof subnetId === "string" ? ctx.stateOf(subnetId) : undefined;
    const cidr = typeof state?.cidrBlock === "string" ? parseCidr(state.cidrBlock) : undefined;
    if (!state || !cidr) {
        return UNKNOWN_SUBNET;
    }
    return { cidr, availabilityZone: typeof state.availabilityZone === "string" ? state.availabilityZone : undefined, state };
}

/**
 * A private address of the interface's subnet as AWS assigns one: never the four reserved at the
 * start of a subnet nor its broadcast address, and unique within the subnet.
 */
function privateIpIn(ctx: MockAttributeContext): { privateIp: string; availabilityZone?: string } {
    const subnet = subnetOf(ctx);
    const requested = typeof ctx.inputs.privateIp === "string" ? ctx.inputs.privateIp : undefined;
    if (requested) {
        return { privateIp: requested, availabilityZone: subnet.availabilityZone };
    }
    const usable = Math.max(1, size(subnet.cidr) - 5);
    const used = subnet.state ? (taken.get(subnet.state) ?? new Set<number>()) : new Set<number>();
    let offset = parseInt(ctx.hex(8, "private-ip"), 16) % usable;
    for (let tries = 0; tries < usable && used.has(offset); tries++) {
        offset = (offset + 1) % usable;
    }
    used.add(offset);
    if (subnet.state) {
        taken.set(subnet.state, used);
    }
    return { privateIp: formatAddress(subnet.cidr.network + 4 + offset), availabilityZone: subnet.availabilityZone };
}

function privateDnsName(ip: string, region: string): string {
    const domain = region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`;
    return `ip-${ip.replace(/\./g, "-")}.${domain}`;
}

function macAddress(ctx: MockAttributeContext): string {
    const octets = ctx.hex(10, "mac").match(/../g) ?? [];
    return ["0a", ...octets].join(":");
}

/** Attributes AWS returns for the compute resources the program creates. */
export const computeAttributes: MockAttributes = {
    "aws:ec2/instance:Instance": (ctx) => {
        const { privateIp, availabilityZone } = privateIpIn(ctx);
        return {
            privateIp,
            privateDns: privateDnsName(privateIp, ctx.region),
            availabilityZone: ctx.inputs.availabilityZone ?? availabilityZone ?? `${ctx.region}a`,
            primaryNetworkInterfaceId: `eni-${ctx.hex(17, "primary-eni")}`,
            instanceState: "running",
            tenancy: ctx.inputs.tenancy ?? "default",
            publicIp: "",
            publicDns: "",
        };
    },
    "aws:ec2/networkInterface:NetworkInterface": (ctx) => {
        const { privateIp } = privateIpIn(ctx);
        return {
            privateIp,
            privateIps: [privateIp],
            privateIpLists: [privateIp],
            privateDnsName: privateDnsName(privateIp, ctx.region),
            macAddress: macAddress(ctx),
            ownerId: ctx.account,
            interfaceType: "interface",
        };
    },
    "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment": (ctx) => ({ attachmentId: ctx.id, status: "attached" }),
    "aws:ebs/volume:Volume": (ctx) => ({
        // gp3's baseline performance, what AWS reports when none is asked for.
        iops: ctx.inputs.iops ?? (ctx.inputs.type === "gp3" ? 3000 : undefined),
        throughput: ctx.inputs.throughput ?? (ctx.inputs.type === "gp3" ? 125 : undefined),
    }),
    "aws:iam/instanceProfile:InstanceProfile": (ctx) => ({
        uniqueId: `AIPA${ctx.hex(17, "unique-id").toUpperCase()}`,
        createDate: "2024-01-01T00:00:00Z",
    }),
    "aws:ec2/dedicatedHost:DedicatedHost": (ctx) => ({
        ownerId: ctx.account,
        hostRecovery: ctx.inputs.hostRecovery ?? "off",
        autoPlacement: ctx.inputs.autoPlacement ?? "on",
    }),
    // Secrets Manager appends six random characters to the secret's name in its ARN.
    "aws:secretsmanager/secret:Secret": (ctx) => {
        const name = typeof ctx.inputs.name === "string" ? ctx.inputs.name : `${ctx.id}`;
        return { name, arn: `arn:aws:secretsmanager:${ctx.region}:${ctx.account}:secret:${name}-${ctx.hex(6, "suffix")}` };
    },
    "aws:secretsmanager/secretVersion:SecretVersion": (ctx) => {
        const h = ctx.hex(32, "version");
        const versionId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
        const secretId = typeof ctx.inputs.secretId === "string" ? ctx.inputs.secretId : undefined;
        const secretArn = secretId ? (ctx.stateOf(secretId)?.arn ?? secretId) : undefined;
        return { versionId, arn: secretArn, versionStages: ["AWSCURRENT"] };
    },
    "aws:ssm/association:Association": (ctx) => {
        const h = ctx.hex(32, "association");
        return { associationId: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}` };
    },
};
