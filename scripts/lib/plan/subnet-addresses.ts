// Application Load Balancers in one subnet, over every planned stack: Elastic Load Balancing creates
// a load balancer node, with a network interface and an address of the subnet, in each subnet it is
// given, and refuses to create a load balancer in a subnet with fewer than 8 free addresses
// (CreateLoadBalancer: "InvalidSubnet ... ELB requires at least 8 free IP addresses in each subnet").
// No single stack sees it: every dedicated-saas tenant puts its own front door in the access
// subnets of its region's platform, beside the platform's own and its shared servers. Counted as a
// lower bound only: one address per load balancer (a node scales to more under load), the 5
// addresses AWS reserves in every subnet, and what the subnet's own stack places there before any
// other stack can use the subnet (another stack reads the subnet's id from the owner's outputs, so
// it deploys after it). Pure: stacks in, problems out.

import { parseCidr, size } from "../../../lib/ipv4";
import { Problem } from "../../../stacks/config/validate";
import type { PlannedResource } from "./engine";

const SUBNET = "aws:ec2/subnet:Subnet";
const LOAD_BALANCERS = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
const INSTANCE = "aws:ec2/instance:Instance";
const NETWORK_INTERFACE = "aws:ec2/networkInterface:NetworkInterface";
const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const TGW_ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";

/**
 * The inputs the check reads, per resource type: the fleet's facts keep only these
 * (scripts/lib/plan/stream/facts.ts), so that a fleet's servers do not weigh on its memory.
 */
export const ADDRESS_FIELDS: Readonly<Record<string, readonly string[]>> = {
    [SUBNET]: ["cidrBlock"],
    "aws:lb/loadBalancer:LoadBalancer": ["subnets", "loadBalancerType"],
    "aws:alb/loadBalancer:LoadBalancer": ["subnets", "loadBalancerType"],
    [INSTANCE]: ["subnetId"],
    [NETWORK_INTERFACE]: ["subnetId"],
    [VPC_ENDPOINT]: ["subnetIds", "vpcEndpointType"],
    [TGW_ATTACHMENT]: ["subnetIds"],
};

/** Free addresses CreateLoadBalancer needs in each subnet of an Application Load Balancer. */
export const LOAD_BALANCER_FREE_ADDRESSES = 8;
/** Addresses AWS keeps in every subnet: the first four and the last (Amazon VPC User Guide, Subnet CIDR blocks). */
export const RESERVED_SUBNET_ADDRESSES = 5;

const SOURCE =
    'Application Load Balancers User Guide, Subnets for your load balancer ("ELB creates a load balancer node in each zone that you specify"; ' +
    '"ELB creates network interfaces in the subnets where you configured your load balancer"; each subnet needs "at least 8 free IP addresses"; ' +
    'CreateLoadBalancer fails with InvalidSubnet otherwise); Amazon VPC User Guide, Subnet CIDR blocks (5 addresses reserved per subnet)';

/** A planned stack, as far as the check reads it (a `TenantPlan` fits). */
export interface AddressStack {
    readonly tenant: string;
    readonly source: string;
    readonly resources: readonly PlannedResource[];
}

function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : typeof value === "string" ? [value] : [];
}

/** The subnets a resource takes an address in (one each), for the consumers other than load balancers. */
function consumedSubnets(resource: PlannedResource): string[] {
    switch (resource.type) {
        case INSTANCE:
        case NETWORK_INTERFACE:
            return strings(resource.inputs.subnetId);
        case VPC_ENDPOINT:
            // Gateway endpoints (S3) take no address; interface endpoints one per subnet.
            return resource.inputs.vpcEndpointType === "Interface" ? strings(resource.inputs.subnetIds) : [];
        case TGW_ATTACHMENT:
            return strings(resource.inputs.subnetIds);
        default:
            return [];
    }
}

function isApplicationLoadBalancer(resource: PlannedResource): boolean {
    return LOAD_BALANCERS.includes(resource.type) && (resource.inputs.loadBalancerType ?? "application") === "application";
}

interface SubnetUse {
    readonly owner: AddressStack;
    readonly name: string;
    readonly cidr: string;
    readonly usable: number;
    /** Addresses the owner's own servers, interfaces, endpoints and attachments take. */
    ownerConsumers: number;
    /** The load balancers given the subnet, with their stacks, the owner's first. */
    readonly loadBalancers: { stack: AddressStack; resource: PlannedResource }[];
}

/** Every subnet in which the last Application Load Balancer created would find fewer than 8 free addresses. */
export function subnetAddressProblems(stacks: readonly AddressStack[]): Problem[] {
    const subnets = new Map<string, SubnetUse>();
    for (const stack of stacks) {
        for (const resource of stack.resources) {
            const cidr = resource.type === SUBNET && typeof resource.inputs.cidrBlock === "string" ? parseCidr(resource.inputs.cidrBlock) : undefined;
            if (cidr !== undefined && !subnets.has(resource.id)) {
                subnets.set(resource.id, {
                    owner: stack,
                    name: resource.name,
                    cidr: String(resource.inputs.cidrBlock),
                    usable: size(cidr) - RESERVED_SUBNET_ADDRESSES,
                    ownerConsumers: 0,
                    loadBalancers: [],
                });
            }
        }
    }
    const owners = new Set([...subnets.values()].map((use) => use.owner));
    // The owners first: a stack reads another's subnet ids from its outputs, so it deploys after it.
    for (const stack of [...stacks.filter((stack) => owners.has(stack)), ...stacks.filter((stack) => !owners.has(stack))]) {
        for (const resource of stack.resources) {
            if (isApplicationLoadBalancer(resource)) {
                for (const id of new Set(strings(resource.inputs.subnets))) {
                    subnets.get(id)?.loadBalancers.push({ stack, resource });
                }
                continue;
            }
            for (const id of consumedSubnets(resource)) {
                const use = subnets.get(id);
                if (use !== undefined && use.owner === stack) {
                    use.ownerConsumers += 1;
                }
            }
        }
    }
    const problems: Problem[] = [];
    for (const [id, use] of subnets) {
        const count = use.loadBalancers.length;
        if (count === 0) {
            continue;
        }
        // The last load balancer created finds the others there; when it is another stack's, the
        // owner's own consumers too (the owner deployed first). Its own interface is not yet there.
        const lastIsOthers = use.loadBalancers.some(({ stack }) => stack !== use.owner);
        const taken = count - 1 + (lastIsOthers ? use.ownerConsumers : 0);
        const free = use.usable - taken;
        if (free >= LOAD_BALANCER_FREE_ADDRESSES) {
            continue;
        }
        const fits = Math.max(0, use.usable - (lastIsOthers ? use.ownerConsumers : 0) - LOAD_BALANCER_FREE_ADDRESSES + 1);
        const byStack = new Map<string, number>();
        for (const { stack } of use.loadBalancers) {
            byStack.set(stack.tenant, (byStack.get(stack.tenant) ?? 0) + 1);
        }
        const listed = [...byStack.entries()].slice(0, 5).map(([tenant, n]) => `${tenant} ${n}`);
        const more = byStack.size > 5 ? ` and ${byStack.size - 5} more stack(s)` : "";
        problems.push({
            file: use.owner.source,
            line: 1,
            column: 1,
            path: "/",
            message:
                `${use.owner.tenant}: ${SUBNET} "${use.name}" (${id}, ${use.cidr}: ${use.usable} usable addresses) is given to ${count} Application Load Balancers (${listed.join(", ")}${more})` +
                (lastIsOthers && use.ownerConsumers > 0 ? ` beside ${use.ownerConsumers} address(es) of ${use.owner.tenant}'s own servers, interfaces and endpoints` : "") +
                `: the last one created finds at most ${Math.max(0, free)} free, and Elastic Load Balancing refuses a load balancer in a subnet with fewer than ${LOAD_BALANCER_FREE_ADDRESSES}; ` +
                `at most ${fits} fit: give the network a larger range or place fewer load balancers in it (source: ${SOURCE})`,
        });
    }
    return problems;
}
