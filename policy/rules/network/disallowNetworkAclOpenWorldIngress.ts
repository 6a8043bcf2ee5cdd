import { EXPOSURE, isOpenWorld, isVpnOnly } from "../graph";
import { PolicyStack, ResourceRule } from "../types";
import { describePorts, isTcp, T } from "./shared";

/**
 * Waiver: network ACLs are stateless, so the replies to connections the VPC opened (S3 through the
 * gateway endpoint, AWS APIs) arrive from anywhere on the ephemeral ports and must be admitted.
 * It is the only open-world ingress a stateless ACL cannot avoid; security groups, which are
 * stateful, still admit nothing on those ports that the VPC did not ask for.
 */
export const EPHEMERAL_REPLY_PORTS = { from: 1024, to: 65535 } as const;
/** What the internet reaches on an internet-facing stack: the load balancer's HTTP and HTTPS. */
export const PUBLIC_PORTS: readonly number[] = [80, 443];

interface AclEntry {
    readonly label: string;
    readonly protocol: unknown;
    readonly fromPort: unknown;
    readonly toPort: unknown;
    readonly cidrs: readonly unknown[];
}

/** The allow entries of ingress: inline blocks, or one NetworkAclRule resource. */
function ingressAllows(props: Readonly<Record<string, unknown>>, type: string): AclEntry[] {
    if (type === T.networkAclRule) {
        return props.egress === true || props.ruleAction !== "allow"
            ? []
            : [{ label: `rule ${String(props.ruleNumber)}`, protocol: props.protocol, fromPort: props.fromPort, toPort: props.toPort, cidrs: [props.cidrBlock, props.ipv6CidrBlock] }];
    }
    const entries = (Array.isArray(props.ingress) ? props.ingress : []) as Record<string, unknown>[];
    return entries
        .filter((entry) => entry?.action === "allow")
        .map((entry) => ({ label: `ingress rule ${String(entry.ruleNo)}`, protocol: entry.protocol, fromPort: entry.fromPort, toPort: entry.toPort, cidrs: [entry.cidrBlock, entry.ipv6CidrBlock] }));
}

function faces(stack: PolicyStack): string | undefined {
    if (stack.kind === undefined) {
        return "the stack's kind is unknown, so it cannot be told to face the internet";
    }
    return EXPOSURE[stack.kind] === "internet" ? undefined : `${stack.stack} is a ${stack.kind} stack, which does not face the internet`;
}

/**
 * Waiver: a VPN-only stack whose customer has more public corporate networks than an ACL holds
 * admits HTTPS from anywhere at the ACL (lib/network-plan.ts). It has no internet gateway,
 * so only the VPN can deliver that traffic, and the load balancer's security group admits only the
 * corporate networks. Without an internet gateway in the stack: otherwise no waiver.
 */
function vpnOnlyWithoutInternetPath(stack: PolicyStack): boolean {
    return isVpnOnly(stack) && !stack.resources.some((resource) => resource.type === "aws:ec2/internetGateway:InternetGateway" || resource.type === "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway");
}

export const disallowNetworkAclOpenWorldIngress: ResourceRule = {
    kind: "resource",
    name: "ec2-network-acl-no-open-world-ingress",
    description:
        "No network ACL allows ingress from 0.0.0.0/0 or ::/0 except tcp 80 and 443 on internet-facing stacks (the load balancer) and tcp within 1024-65535 (replies to connections the VPC opened).",
    why:
        "The network ACL is the subnet-wide backstop behind the security groups: from the whole internet it admits only what the service promises to serve. " +
        "Waiver: ACLs are stateless, so replies on the ephemeral ports 1024-65535 must come in from anywhere; the stateful security groups still refuse anything unrequested there. " +
        "Waiver: a VPN-only stack without an internet gateway may admit tcp 443 from anywhere when its customer's public corporate networks outnumber the ACL's rules; only the VPN can deliver it.",
    enforcement: "mandatory",
    resourceTypes: [T.networkAcl, T.defaultNetworkAcl, T.networkAclRule],
    validate(acl, stack) {
        return ingressAllows(acl.props, acl.type).flatMap((entry) => {
            const open = entry.cidrs.filter(isOpenWorld).map(String);
            if (open.length === 0) {
                return [];
            }
            const tcp = isTcp(entry.protocol) && typeof entry.fromPort === "number" && typeof entry.toPort === "number";
            const from = Number(entry.fromPort);
            const to = Number(entry.toPort);
            if (tcp && from >= EPHEMERAL_REPLY_PORTS.from && to <= EPHEMERAL_REPLY_PORTS.to && from <= to) {
                return [];
            }
            const admits = `${entry.label} admits ${open.join(", ")} on ${describePorts(entry.protocol, entry.fromPort, entry.toPort)}`;
            if (tcp && from === to && PUBLIC_PORTS.includes(from)) {
                if (from === 443 && vpnOnlyWithoutInternetPath(stack)) {
                    return [];
                }
                const reason = faces(stack);
                return reason === undefined ? [] : [`${admits}, but ${reason}`];
            }
            return [`${admits}; from the whole internet only tcp 1024-65535 (replies) and, on an internet-facing stack, tcp 80 and 443 may come in`];
        });
    },
};
