import { byRef, isVpnOnly, ofType } from "../graph";
import { Finding, PolicyStack, StackRule } from "../types";
import { internetFacingLoadBalancers, T } from "./shared";

const INTERNET_GATEWAYS: readonly string[] = [T.internetGateway, T.egressOnlyInternetGateway];

/** Whether a route's target is an internet gateway: one of the stack, or an `igw-`/`eigw-` id from elsewhere. */
function internetGatewayOf(stack: PolicyStack, route: Readonly<Record<string, unknown>>): string | undefined {
    for (const target of [route.gatewayId, route.egressOnlyGatewayId]) {
        if (typeof target !== "string") {
            continue;
        }
        const resource = byRef(stack, target);
        if ((resource && INTERNET_GATEWAYS.includes(resource.type)) || /^e?igw-/.test(target)) {
            return resource?.name ?? target;
        }
    }
    return undefined;
}

function destinationOf(route: Readonly<Record<string, unknown>>): string {
    return String(route.destinationCidrBlock ?? route.destinationIpv6CidrBlock ?? route.destinationPrefixListId ?? route.cidrBlock ?? route.ipv6CidrBlock ?? "an unknown destination");
}

export const disallowVpnOnlyInternetPath: StackRule = {
    kind: "stack",
    name: "vpc-vpn-only-no-internet-path",
    description:
        "A VPN-only stack (vpn, vpn-sync) has no internet-facing load balancer, no internet gateway (nor egress-only one) and no route (aws:ec2/route or a route table's inline routes) to one.",
    why: "The VPN modes promise the customer that the service is reachable only across their site-to-site VPN: any path to or from the internet breaks that promise.",
    enforcement: "mandatory",
    validate(stack) {
        if (!isVpnOnly(stack)) {
            return [];
        }
        const where = `a ${String(stack.kind)} stack, reached through its site-to-site VPN only`;
        const findings: Finding[] = [
            ...internetFacingLoadBalancers(stack).map((lb) => ({ resource: lb.name, message: `is an internet-facing load balancer (internal is not true) in ${where}` })),
            ...ofType(stack, ...INTERNET_GATEWAYS).map((gateway) => ({ resource: gateway.name, message: `is an internet gateway in ${where}` })),
        ];
        for (const route of ofType(stack, T.route)) {
            const gateway = internetGatewayOf(stack, route.props);
            if (gateway !== undefined) {
                findings.push({ resource: route.name, message: `routes ${destinationOf(route.props)} to internet gateway ${gateway} in ${where}` });
            }
        }
        for (const table of ofType(stack, T.routeTable)) {
            const routes = (Array.isArray(table.props.routes) ? table.props.routes : []) as Record<string, unknown>[];
            routes.forEach((route, i) => {
                const gateway = internetGatewayOf(stack, route ?? {});
                if (gateway !== undefined) {
                    findings.push({ resource: table.name, message: `routes[${i}] routes ${destinationOf(route)} to internet gateway ${gateway} in ${where}` });
                }
            });
        }
        return findings;
    },
};
