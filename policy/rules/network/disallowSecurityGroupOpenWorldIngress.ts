import { isOpenWorld } from "../graph";
import { PolicyStack, ResourceRule } from "../types";
import { describePorts, ingressPermissionsOf, internetFacingLoadBalancers, isTcp, prefixListCidrs, SECURITY_GROUP_INGRESS_TYPES } from "./shared";

/** What the whole internet may reach, and only on an internet-facing load balancer: HTTPS, and HTTP to be redirected. */
export const PUBLIC_LOAD_BALANCER_PORTS: readonly number[] = [80, 443];

function isInternetFacingLoadBalancerGroup(stack: PolicyStack, groupId: unknown): boolean {
    return (
        typeof groupId === "string" &&
        internetFacingLoadBalancers(stack).some((lb) => Array.isArray(lb.props.securityGroups) && lb.props.securityGroups.includes(groupId))
    );
}

export const disallowSecurityGroupOpenWorldIngress: ResourceRule = {
    kind: "resource",
    name: "ec2-security-group-no-open-world-ingress",
    description:
        "No security group admits 0.0.0.0/0 or ::/0, or a range wider than any private block (an IPv4 prefix under /8, an IPv6 one under /16), as a CIDR or through a prefix list of the stack, except the security group of an internet-facing load balancer on tcp 80 or 443 exactly. " +
        "A prefix list that is not in the stack cannot be read and is reported.",
    why: "Servers, databases and endpoints are reached from known networks only; the internet reaches the service through the load balancer's HTTPS (and HTTP, redirected), behind the WAF.",
    enforcement: "mandatory",
    resourceTypes: SECURITY_GROUP_INGRESS_TYPES,
    validate(resource, stack) {
        return ingressPermissionsOf(resource).flatMap((permission) => {
            const problems: string[] = [];
            const ports = describePorts(permission.protocol, permission.fromPort, permission.toPort);
            const open: string[] = permission.cidrs.filter(isOpenWorld).map(String);
            for (const id of permission.prefixListIds) {
                const prefixList = prefixListCidrs(stack, id);
                if (prefixList === undefined) {
                    problems.push(`${permission.where}admits prefix list ${String(id)} on ${ports}, which is not in the stack; whether it holds 0.0.0.0/0 cannot be told`);
                } else {
                    open.push(...prefixList.cidrs.filter(isOpenWorld).map((cidr) => `${String(cidr)} (prefix list ${prefixList.list.name})`));
                }
            }
            if (open.length === 0) {
                return problems;
            }
            const exactPublicPort =
                isTcp(permission.protocol) && permission.fromPort === permission.toPort && PUBLIC_LOAD_BALANCER_PORTS.includes(Number(permission.fromPort));
            if (!isInternetFacingLoadBalancerGroup(stack, permission.groupId)) {
                problems.push(`${permission.where}admits ${open.join(", ")} on ${ports}; only the security group of an internet-facing load balancer may admit the whole internet`);
            } else if (!exactPublicPort) {
                problems.push(`${permission.where}admits ${open.join(", ")} on ${ports}; an internet-facing load balancer admits the whole internet on tcp 80 and 443 only`);
            }
            return problems;
        });
    },
};
