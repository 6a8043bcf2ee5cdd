import { byRef, cidrsWithin, ofType, tagsOf, tierOfSubnet } from "../graph";
import { PolicyResource, PolicySettings, PolicyStack, ResourceRule } from "../types";
import { describePorts, ingressPermissionsOf, isTcp, portRangeOf, prefixListCidrs, SECURITY_GROUP_INGRESS_TYPES, T } from "./shared";

/**
 * Waiver: the `physical` mode's database server (components/database-server.ts, a DualNicServer
 * whose instance DatabaseServer tags `role: database`) serves on the DATA tier instead of the
 * access tier. The access network carries HTTP/HTTPS from the load balancer only; a database must
 * not sit there. For such an instance the data tier takes the access tier's place, and an access
 * interface is a violation like any other extra interface.
 */
export const DATABASE_ROLE = "database";

/** The tier an instance serves on: the access tier, or the data tier for a database server (the waiver above). */
export function serviceTierOf(instance: PolicyResource): "access" | "data" {
    return tagsOf(instance).role === DATABASE_ROLE ? "data" : "access";
}

interface Interface {
    readonly label: string;
    readonly subnetId: unknown;
    /** The security groups the interface names (the instance's `vpcSecurityGroupIds` for eth0). */
    readonly securityGroups: unknown;
}

/** What the access network admits: HTTP and HTTPS (security documentation, 6.2). */
export const ACCESS_PORTS: readonly number[] = [80, 443];

/** eth0 and every interface attached to the instance (by an attachment resource or the interface's own `attachments`). */
function interfacesOf(instance: PolicyResource, stack: PolicyStack): { interfaces: Interface[]; problems: string[] } {
    const problems: string[] = [];
    const interfaces: Interface[] = [];
    const primary = instance.props.primaryNetworkInterface as Record<string, unknown> | undefined;
    if (instance.props.subnetId !== undefined) {
        interfaces.push({ label: "eth0", subnetId: instance.props.subnetId, securityGroups: instance.props.vpcSecurityGroupIds });
    } else if (primary?.networkInterfaceId !== undefined) {
        const eni = byRef(stack, primary.networkInterfaceId);
        if (eni?.type === T.networkInterface) {
            interfaces.push({ label: "eth0", subnetId: eni.props.subnetId, securityGroups: eni.props.securityGroups });
        } else {
            problems.push(`eth0 is network interface ${String(primary.networkInterfaceId)}, which is not in the stack; its tier cannot be told`);
        }
    } else {
        problems.push("has neither subnetId nor primaryNetworkInterface; the tier of eth0 cannot be told");
    }

    const attached = new Map<string, Interface>();
    for (const attachment of stack.resources.filter((resource) => resource.type === T.networkInterfaceAttachment)) {
        if (attachment.props.instanceId === undefined || attachment.props.instanceId !== instance.id) {
            continue;
        }
        const label = `eth${String(attachment.props.deviceIndex)}`;
        const eni = byRef(stack, attachment.props.networkInterfaceId);
        if (eni?.type !== T.networkInterface) {
            problems.push(`${label} (${attachment.name}) is network interface ${String(attachment.props.networkInterfaceId)}, which is not in the stack; its tier cannot be told`);
            continue;
        }
        attached.set(eni.name, { label, subnetId: eni.props.subnetId, securityGroups: eni.props.securityGroups });
    }
    for (const eni of stack.resources.filter((resource) => resource.type === T.networkInterface && !attached.has(resource.name))) {
        const own = (Array.isArray(eni.props.attachments) ? eni.props.attachments : []) as Record<string, unknown>[];
        const attachment = own.find((entry) => entry?.instance !== undefined && entry.instance === instance.id);
        if (attachment) {
            attached.set(eni.name, { label: `eth${String(attachment.deviceIndex)}`, subnetId: eni.props.subnetId, securityGroups: eni.props.securityGroups });
        }
    }
    return { interfaces: [...interfaces, ...attached.values()], problems };
}

/**
 * What the security groups of an access-tier or admin-tier interface admit beyond its network's
 * promise: the access network HTTP and HTTPS only (tcp 80, 443), the administration network the
 * operations network only (CIDRs or prefix-list entries inside it; never another security group,
 * e.g. the load balancer's). A group outside the stack, or none named, cannot be judged and is reported.
 */
function ingressProblems(nic: Interface, tier: "access" | "admin", stack: PolicyStack, settings: PolicySettings): string[] {
    const groups = Array.isArray(nic.securityGroups) ? nic.securityGroups : [];
    if (groups.length === 0) {
        return [`${nic.label} (${tier} tier) names no security group; what it admits cannot be told`];
    }
    const problems: string[] = [];
    const operations = settings.operationsCidrs;
    const rules = ofType(stack, ...SECURITY_GROUP_INGRESS_TYPES);
    for (const groupId of groups) {
        const group = byRef(stack, groupId);
        if (group?.type !== T.securityGroup && group?.type !== T.defaultSecurityGroup) {
            problems.push(`${nic.label} (${tier} tier) is in security group ${String(groupId)}, which is not in the stack; what it admits cannot be told`);
            continue;
        }
        for (const rule of rules) {
            for (const permission of ingressPermissionsOf(rule)) {
                if (permission.groupId !== group.id) {
                    continue;
                }
                const where = `${nic.label} (${tier} tier) admits ${describePorts(permission.protocol, permission.fromPort, permission.toPort)} through ${group.name} (${rule.name}${permission.where === "" ? "" : ` ${permission.where.replace(/: $/, "")}`})`;
                if (tier === "access") {
                    const range = portRangeOf(permission.protocol, permission.fromPort, permission.toPort);
                    const web = isTcp(permission.protocol) && range?.kind === "range" && range.from === range.to && ACCESS_PORTS.includes(range.from);
                    if (!web) {
                        problems.push(`${where}; the access network carries HTTP and HTTPS only (tcp ${ACCESS_PORTS.join(", ")})`);
                    }
                    // The servers are reached through the front door alone (the external firewall of
                    // 6.1: its load balancer and web firewall): an address or prefix list admitted
                    // here reaches them around it.
                    const direct = [...permission.cidrs.map(String), ...permission.prefixListIds.map((id) => `prefix list ${String(id)}`)];
                    if (direct.length > 0) {
                        problems.push(`${where} from ${direct.join(", ")}; the access network admits the front door's security group only, never an address around it`);
                    }
                    continue;
                }
                const outside: string[] = permission.cidrs.filter((cidr) => typeof cidr !== "string" || !cidrsWithin([cidr], operations)).map(String);
                for (const id of permission.prefixListIds) {
                    const prefixList = prefixListCidrs(stack, id);
                    if (prefixList === undefined) {
                        outside.push(`prefix list ${String(id)}, which is not in the stack`);
                    } else {
                        outside.push(...prefixList.cidrs.filter((cidr) => typeof cidr !== "string" || !cidrsWithin([cidr], operations)).map((cidr) => `${String(cidr)} (prefix list ${prefixList.list.name})`));
                    }
                }
                if (permission.fromGroups) {
                    outside.push("a security group");
                }
                if (outside.length > 0) {
                    problems.push(`${where} from ${outside.join(", ")}; the administration network admits only the operations network (${operations.join(", ") || "none known"})`);
                }
            }
        }
    }
    return problems;
}

export const enforceInstanceDualTierInterfaces: ResourceRule = {
    kind: "resource",
    name: "ec2-instance-dual-tier-interfaces",
    description:
        "Every EC2 instance has exactly one service interface (access tier; data tier for an instance tagged role: database) and exactly one admin-tier interface, both in one availability zone, and no other. " +
        "The security groups of an access-tier interface admit tcp 80 and 443 only (HTTP, HTTPS), from security groups only (the front door's; no address); those of the admin-tier interface admit the operations network only (no other address, no security group).",
    why:
        "Each network's security groups govern only its own traffic: the application is served on the access network, operators reach servers on the admin network only. " +
        "Waiver: a database server (role: database, the physical mode's DatabaseServer) serves on the data tier instead, because the access network carries HTTP/HTTPS only and a database must not sit there.",
    enforcement: "mandatory",
    resourceTypes: [T.instance],
    validate(instance, stack, settings) {
        const { interfaces, problems } = interfacesOf(instance, stack);
        const serviceTier = serviceTierOf(instance);
        const tiers = interfaces.map((nic) => ({ ...nic, tier: tierOfSubnet(stack, nic.subnetId) }));
        for (const nic of tiers) {
            if (nic.tier === undefined) {
                problems.push(`${nic.label} is in subnet ${String(nic.subnetId)}, which is no subnet of the stack with a tier tag; its tier cannot be told`);
            } else if (nic.tier !== serviceTier && nic.tier !== "admin") {
                problems.push(`${nic.label} is in the ${nic.tier} tier; expected one ${serviceTier}-tier and one admin-tier interface only`);
            }
        }
        for (const tier of [serviceTier, "admin"]) {
            const count = tiers.filter((nic) => nic.tier === tier).length;
            if (count !== 1) {
                problems.push(`has ${count} ${tier}-tier interfaces; expected exactly one`);
            }
        }
        for (const nic of tiers) {
            if (nic.tier === "admin" || (nic.tier === "access" && serviceTier === "access")) {
                problems.push(...ingressProblems(nic, nic.tier, stack, settings));
            }
        }
        const zones = tiers.map((nic) => ({ label: nic.label, zone: byRef(stack, nic.subnetId)?.props.availabilityZone }));
        const unknownZone = zones.filter((entry, i) => tiers[i]?.tier !== undefined && typeof entry.zone !== "string");
        unknownZone.forEach((entry) => problems.push(`the availability zone of ${entry.label}'s subnet cannot be told`));
        const known = zones.filter((entry) => typeof entry.zone === "string");
        if (new Set(known.map((entry) => entry.zone)).size > 1) {
            problems.push(`its interfaces are in different availability zones (${known.map((entry) => `${entry.label}: ${String(entry.zone)}`).join(", ")}); expected one zone`);
        }
        return problems;
    },
};
