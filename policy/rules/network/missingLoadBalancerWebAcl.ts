import { ResourceRule } from "../types";
import { LOAD_BALANCER_TYPES, refersTo, T } from "./shared";

export const missingLoadBalancerWebAcl: ResourceRule = {
    kind: "resource",
    name: "lb-internet-facing-waf",
    description: "Every internet-facing load balancer has a WAF web ACL association (aws:wafv2/webAclAssociation whose resourceArn is the load balancer).",
    why: "The web firewall blocks the suspicious networks, rate-limits and filters common exploits before they reach the application: an internet-facing entry without it is unguarded.",
    enforcement: "mandatory",
    resourceTypes: LOAD_BALANCER_TYPES,
    validate(lb, stack) {
        if (lb.props.internal === true) {
            return [];
        }
        const associated = stack.resources.some((resource) => resource.type === T.webAclAssociation && refersTo(resource.props.resourceArn, lb));
        return associated ? [] : ["has no WAF web ACL association; expected an aws:wafv2/webAclAssociation whose resourceArn is this load balancer"];
    },
};
