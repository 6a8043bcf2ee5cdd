import { PolicyResource, ResourceRule } from "../types";
import { listenersOf, protocolOf } from "./enforceLoadBalancerHttpsListener";
import { LISTENER_RULE_TYPES, LOAD_BALANCER_TYPES, refersTo } from "./shared";

/** Whether a list of listener actions is exactly one redirect to HTTPS. */
function redirectsToHttpsOnly(actions: unknown): boolean {
    if (!Array.isArray(actions) || actions.length !== 1) {
        return false;
    }
    const action = actions[0] as Record<string, unknown> | null;
    const redirect = action?.redirect as Record<string, unknown> | undefined;
    return action?.type === "redirect" && redirect?.protocol === "HTTPS";
}

function describeActions(actions: unknown): string {
    const described = (Array.isArray(actions) ? actions : []).map((entry) => {
        const action = (entry ?? {}) as Record<string, unknown>;
        const redirect = action.redirect as Record<string, unknown> | undefined;
        return action.type === "redirect" ? `redirect to ${String(redirect?.protocol ?? "#{protocol}")}` : String(action.type);
    });
    return described.length === 0 ? "none" : described.join(", ");
}

export const enforceLoadBalancerHttpRedirect: ResourceRule = {
    kind: "resource",
    name: "lb-internet-facing-http-redirects-only",
    description:
        "Every HTTP listener of an internet-facing load balancer only redirects to HTTPS: its default action is one redirect with protocol HTTPS, and no listener rule on it does anything else.",
    why: "Port 80 is open to the internet only so that browsers typing a bare address land on HTTPS: anything it served itself would travel in clear text.",
    enforcement: "mandatory",
    resourceTypes: LOAD_BALANCER_TYPES,
    validate(lb, stack) {
        if (lb.props.internal === true) {
            return [];
        }
        const http = listenersOf(stack, lb).filter((listener) => protocolOf(listener) === "HTTP");
        return http.flatMap((listener: PolicyResource) => {
            const label = `listener ${listener.name} (HTTP ${String(listener.props.port)})`;
            const problems = redirectsToHttpsOnly(listener.props.defaultActions)
                ? []
                : [`${label} does not only redirect to HTTPS: its default actions are ${describeActions(listener.props.defaultActions)}; expected one redirect with protocol HTTPS`];
            const rules = stack.resources.filter((resource) => LISTENER_RULE_TYPES.includes(resource.type) && refersTo(resource.props.listenerArn, listener));
            for (const rule of rules.filter((candidate) => !redirectsToHttpsOnly(candidate.props.actions))) {
                problems.push(`${label} has listener rule ${rule.name} whose actions are ${describeActions(rule.props.actions)}; an HTTP listener only redirects to HTTPS`);
            }
            return problems;
        });
    },
};
