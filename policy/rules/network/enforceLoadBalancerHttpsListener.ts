import { isTls12OrLaterPolicy } from "../../../lib/promises/tls";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { LISTENER_TYPES, LOAD_BALANCER_TYPES, refersTo } from "./shared";

/** The listeners of a load balancer of the stack. */
export function listenersOf(stack: PolicyStack, lb: PolicyResource): PolicyResource[] {
    return stack.resources.filter((resource) => LISTENER_TYPES.includes(resource.type) && refersTo(resource.props.loadBalancerArn, lb));
}

/** A listener's protocol; AWS's default for an application load balancer's listener is HTTP. */
export function protocolOf(listener: PolicyResource): string {
    return typeof listener.props.protocol === "string" ? listener.props.protocol : "HTTP";
}

const TLS_PROTOCOLS = ["HTTPS", "TLS"];

export const enforceLoadBalancerHttpsListener: ResourceRule = {
    kind: "resource",
    name: "lb-internet-facing-https-tls12",
    description:
        "An internet-facing load balancer has an HTTPS listener on port 443, and every HTTPS or TLS listener it has uses a TLS 1.2+ sslPolicy (isTls12OrLaterPolicy of components/front-door.ts).",
    why: "Users' sessions and data cross the internet: the service promises them TLS 1.2 or later, never plaintext or a downgrade to TLS 1.0/1.1.",
    enforcement: "mandatory",
    resourceTypes: LOAD_BALANCER_TYPES,
    validate(lb, stack) {
        if (lb.props.internal === true) {
            return [];
        }
        const listeners = listenersOf(stack, lb);
        const problems: string[] = [];
        if (!listeners.some((listener) => listener.props.port === 443 && protocolOf(listener) === "HTTPS")) {
            problems.push("has no HTTPS listener on port 443; expected one with a TLS 1.2+ sslPolicy");
        }
        for (const listener of listeners.filter((candidate) => TLS_PROTOCOLS.includes(protocolOf(candidate)))) {
            const policy = listener.props.sslPolicy;
            const label = `listener ${listener.name} (${protocolOf(listener)} ${String(listener.props.port)})`;
            if (typeof policy !== "string") {
                problems.push(`${label} has no sslPolicy (AWS's default allows TLS 1.0); expected a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06`);
            } else if (!isTls12OrLaterPolicy(policy)) {
                problems.push(`${label} uses ${policy}, which allows TLS older than 1.2; expected a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06`);
            }
        }
        return problems;
    },
};
