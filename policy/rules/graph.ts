// Helpers the rules share to read a stack: find resources, follow references, read tiers. They
// return what the stack holds and never guess; a value that cannot be followed is `undefined`.

import { containsCidr, parseCidr } from "../../lib/ipv4";
import { PolicyResource, PolicyStack, StackKind } from "./types";

/**
 * A stack's resources of each type, in the stack's order: built once per stack (keyed by its
 * resources array, which nothing changes once a stack is built) because the rules ask for a type
 * hundreds of times per stack, each time a scan of the whole stack.
 */
const byType = new WeakMap<readonly PolicyResource[], ReadonlyMap<string, readonly PolicyResource[]>>();

function typeIndex(stack: PolicyStack): ReadonlyMap<string, readonly PolicyResource[]> {
    let index = byType.get(stack.resources);
    if (index === undefined) {
        const built = new Map<string, PolicyResource[]>();
        for (const resource of stack.resources) {
            const list = built.get(resource.type);
            if (list === undefined) {
                built.set(resource.type, [resource]);
            } else {
                list.push(resource);
            }
        }
        index = built;
        byType.set(stack.resources, index);
    }
    return index;
}

/** The stack's resources of these types, in the stack's order (a new array: the caller's to change). */
export function ofType(stack: PolicyStack, ...types: readonly string[]): PolicyResource[] {
    if (types.length === 1) {
        return typeIndex(stack).get(types[0]!)?.slice() ?? [];
    }
    return stack.resources.filter((resource) => types.includes(resource.type));
}

/** The resource whose id (or ARN) is `ref`. */
export function byRef(stack: PolicyStack, ref: unknown): PolicyResource | undefined {
    if (typeof ref !== "string" || ref === "") {
        return undefined;
    }
    return stack.resources.find((resource) => resource.id === ref || resource.props.arn === ref);
}

/** A resource's own tags (default tags come from the provider). */
export function tagsOf(resource: PolicyResource | undefined): Record<string, unknown> {
    return (resource?.props.tags as Record<string, unknown> | undefined) ?? {};
}

/** The `tier` tag of the subnet with this id, or undefined when it is no subnet of the stack. */
export function tierOfSubnet(stack: PolicyStack, subnetId: unknown): string | undefined {
    const subnet = byRef(stack, subnetId);
    if (subnet?.type !== "aws:ec2/subnet:Subnet") {
        return undefined;
    }
    const tier = tagsOf(subnet).tier;
    return typeof tier === "string" ? tier : undefined;
}

/** A KMS key ARN or id of a customer-managed key (not an AWS-managed `alias/aws/...`). */
export function isCustomerManagedKey(value: unknown): boolean {
    return typeof value === "string" && value !== "" && !/(^|:)alias\/aws\//.test(value);
}

/** Whether every CIDR of `inner` lies inside one of `outer`. */
export function cidrsWithin(inner: readonly string[], outer: readonly string[]): boolean {
    const outers = outer.map((cidr) => parseCidr(cidr)).filter((cidr) => cidr !== undefined);
    return inner.every((text) => {
        const cidr = parseCidr(text);
        return cidr !== undefined && outers.some((candidate) => containsCidr(candidate, cidr));
    });
}

export const OPEN_WORLD = ["0.0.0.0/0", "::/0"] as const;

/**
 * Whether a CIDR admits the internet at large: 0.0.0.0/0 and ::/0 however written (`0.0.0.0/00`,
 * `::0/0`), and any range wider than the widest private block (an IPv4 prefix under /8: two /1s
 * admit all of IPv4, each half of it; an IPv6 prefix under /16: `2000::/3` is every global address).
 */
export function isOpenWorld(cidr: unknown): boolean {
    if (typeof cidr !== "string") {
        return false;
    }
    const slash = cidr.lastIndexOf("/");
    const prefix = slash < 0 || !/^\d{1,3}$/.test(cidr.slice(slash + 1)) ? undefined : Number(cidr.slice(slash + 1));
    if (prefix === undefined) {
        return false;
    }
    return cidr.includes(":") ? prefix < 16 : prefix < 8;
}

/** Ports that administer a system: SSH, RDP, WinRM, and the database engines'. */
export const ADMIN_PORTS: readonly { readonly port: number; readonly service: string }[] = [
    { port: 22, service: "SSH" },
    { port: 3389, service: "RDP" },
    { port: 5985, service: "WinRM" },
    { port: 5986, service: "WinRM over TLS" },
    { port: 5432, service: "PostgreSQL" },
    { port: 3306, service: "MySQL" },
    { port: 1433, service: "SQL Server" },
    { port: 1521, service: "Oracle" },
];

/** Whether a rule's port range (protocol -1: every port) covers `port`. */
export function coversPort(props: Readonly<Record<string, unknown>>, port: number): boolean {
    const protocol = String(props.ipProtocol ?? props.protocol ?? "");
    if (protocol === "-1" || protocol === "all") {
        return true;
    }
    const from = Number(props.fromPort);
    const to = Number(props.toPort ?? props.fromPort);
    return Number.isFinite(from) && Number.isFinite(to) && from <= port && port <= to;
}

/** How each kind of stack is reached: the promise that decides what exposure rules demand. */
export const EXPOSURE: Readonly<Record<StackKind, "internet" | "vpn-only" | "shared-platform">> = {
    saas: "shared-platform",
    "dedicated-saas": "shared-platform",
    physical: "internet",
    cloud: "internet",
    vpn: "vpn-only",
    "vpn-sync": "vpn-only",
    platform: "internet",
};

/** The stacks that live behind a site-to-site VPN only. */
export function isVpnOnly(stack: PolicyStack): boolean {
    return stack.kind !== undefined && EXPOSURE[stack.kind] === "vpn-only";
}
