// What the network rules read in common: the resource types they look at, the ingress permissions
// of security groups in their three shapes, port ranges, and the internet-facing load balancers.
// Like graph.ts, these return what the stack holds and never guess: a value that cannot be read is
// `undefined`, and each rule reports it rather than passing it.

import { ADMIN_PORTS, byRef, ofType } from "../graph";
import { PolicyResource, PolicyStack } from "../types";

export const T = {
    instance: "aws:ec2/instance:Instance",
    subnet: "aws:ec2/subnet:Subnet",
    networkInterface: "aws:ec2/networkInterface:NetworkInterface",
    networkInterfaceAttachment: "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment",
    eip: "aws:ec2/eip:Eip",
    eipAssociation: "aws:ec2/eipAssociation:EipAssociation",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    managedPrefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
    networkAcl: "aws:ec2/networkAcl:NetworkAcl",
    defaultNetworkAcl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
    networkAclRule: "aws:ec2/networkAclRule:NetworkAclRule",
    internetGateway: "aws:ec2/internetGateway:InternetGateway",
    egressOnlyInternetGateway: "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
    route: "aws:ec2/route:Route",
    routeTable: "aws:ec2/routeTable:RouteTable",
    vpnConnection: "aws:ec2/vpnConnection:VpnConnection",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
} as const;

/** The load balancer types (`aws:alb` is the older alias of `aws:lb`, the same AWS resource). */
export const LOAD_BALANCER_TYPES = [T.loadBalancer, "aws:alb/loadBalancer:LoadBalancer"];
export const LISTENER_TYPES = [T.listener, "aws:alb/listener:Listener"];
export const LISTENER_RULE_TYPES = [T.listenerRule, "aws:alb/listenerRule:ListenerRule"];

/** The resources that declare security-group ingress, in any of AWS's three shapes. */
export const SECURITY_GROUP_INGRESS_TYPES = [T.securityGroupIngressRule, T.securityGroupRule, T.securityGroup, T.defaultSecurityGroup];

/** Whether `ref` names `resource` (by id or ARN). */
export function refersTo(ref: unknown, resource: PolicyResource): boolean {
    return typeof ref === "string" && ref !== "" && (ref === resource.id || ref === resource.props.arn);
}

/** The load balancers of the stack that face the internet (`internal` not true: AWS's default is internet-facing). */
export function internetFacingLoadBalancers(stack: PolicyStack): PolicyResource[] {
    return ofType(stack, ...LOAD_BALANCER_TYPES).filter((lb) => lb.props.internal !== true);
}

/** Which ports a rule covers: every one (protocol -1), none (ICMP), a range, or undefined when it cannot be told. */
export type PortRange = { readonly kind: "all" } | { readonly kind: "none" } | { readonly kind: "range"; readonly from: number; readonly to: number };

const ALL_PROTOCOLS = ["-1", "all"];
const ICMP_PROTOCOLS = ["icmp", "1", "icmpv6", "58"];
const TCP_PROTOCOLS = ["tcp", "6"];

export function portRangeOf(protocol: unknown, fromPort: unknown, toPort: unknown): PortRange | undefined {
    const name = String(protocol ?? "").toLowerCase();
    if (ALL_PROTOCOLS.includes(name)) {
        return { kind: "all" };
    }
    if (ICMP_PROTOCOLS.includes(name)) {
        return { kind: "none" };
    }
    const from = typeof fromPort === "number" ? fromPort : Number.NaN;
    const to = typeof toPort === "number" ? toPort : from;
    return name !== "" && Number.isInteger(from) && Number.isInteger(to) ? { kind: "range", from, to } : undefined;
}

export function isTcp(protocol: unknown): boolean {
    return TCP_PROTOCOLS.includes(String(protocol ?? "").toLowerCase());
}

/** `tcp 443`, `tcp 1024-65535`, `every protocol and port`: how messages name what a rule admits. */
export function describePorts(protocol: unknown, fromPort: unknown, toPort: unknown): string {
    const range = portRangeOf(protocol, fromPort, toPort);
    if (range?.kind === "all") {
        return "every protocol and port";
    }
    if (range?.kind === "range") {
        return `${String(protocol)} ${range.from === range.to ? range.from : `${range.from}-${range.to}`}`;
    }
    return `protocol ${JSON.stringify(protocol) ?? "(unset)"}, ports ${String(fromPort)} to ${String(toPort)}`;
}

/** The administration ports a range covers, as `SSH (22)`. */
export function adminPortsIn(range: PortRange): string[] {
    return ADMIN_PORTS.filter(({ port }) => range.kind === "all" || (range.kind === "range" && range.from <= port && port <= range.to)).map(
        ({ port, service }) => `${service} (${port})`,
    );
}

/** One ingress permission of a security group, whichever resource declares it. */
export interface IngressPermission {
    /** `ingress[0]: ` for an inline block, empty for a rule resource: what messages start with. */
    readonly where: string;
    /** The group it opens: the rule's `securityGroupId`, or the group itself for inline blocks. */
    readonly groupId: unknown;
    readonly protocol: unknown;
    readonly fromPort: unknown;
    readonly toPort: unknown;
    /** IPv4 and IPv6 CIDR sources. */
    readonly cidrs: readonly unknown[];
    readonly prefixListIds: readonly unknown[];
    /** Whether it names at least one security group (or itself) as a source: traffic from inside. */
    readonly fromGroups: boolean;
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** The ingress permissions `resource` declares (none for an egress rule or a group without inline ingress). */
export function ingressPermissionsOf(resource: PolicyResource): IngressPermission[] {
    const props = resource.props;
    switch (resource.type) {
        case T.securityGroupIngressRule:
            return [
                {
                    where: "",
                    groupId: props.securityGroupId,
                    protocol: props.ipProtocol,
                    fromPort: props.fromPort,
                    toPort: props.toPort,
                    cidrs: [...list(props.cidrIpv4), ...list(props.cidrIpv6)],
                    prefixListIds: list(props.prefixListId),
                    fromGroups: props.referencedSecurityGroupId !== undefined,
                },
            ];
        case T.securityGroupRule:
            return props.type !== "ingress"
                ? []
                : [
                      {
                          where: "",
                          groupId: props.securityGroupId,
                          protocol: props.protocol,
                          fromPort: props.fromPort,
                          toPort: props.toPort,
                          cidrs: [...list(props.cidrBlocks), ...list(props.ipv6CidrBlocks)],
                          prefixListIds: list(props.prefixListIds),
                          fromGroups: props.sourceSecurityGroupId !== undefined || props.self === true,
                      },
                  ];
        case T.securityGroup:
        case T.defaultSecurityGroup:
            return list(props.ingress).map((block, i) => {
                const entry = (block ?? {}) as Record<string, unknown>;
                return {
                    where: `ingress[${i}]: `,
                    groupId: resource.id,
                    protocol: entry.protocol,
                    fromPort: entry.fromPort,
                    toPort: entry.toPort,
                    cidrs: [...list(entry.cidrBlocks), ...list(entry.ipv6CidrBlocks)],
                    prefixListIds: list(entry.prefixListIds),
                    fromGroups: list(entry.securityGroups).length > 0 || entry.self === true,
                };
            });
        default:
            return [];
    }
}

/** The CIDRs of a managed prefix list of the stack, or undefined when `id` is none (or its entries cannot be read). */
export function prefixListCidrs(stack: PolicyStack, id: unknown): { readonly list: PolicyResource; readonly cidrs: unknown[] } | undefined {
    const prefixList = byRef(stack, id);
    if (prefixList?.type !== T.managedPrefixList || !Array.isArray(prefixList.props.entries)) {
        return undefined;
    }
    return { list: prefixList, cidrs: prefixList.props.entries.map((entry) => (entry as Record<string, unknown> | null)?.cidr) };
}
