// DNS failover that can fail over: a PRIMARY failover record is judged by a health check of the
// same stack, so that Route 53 answers with the recovery environment's SECONDARY record when the
// production endpoint stops answering. A check on an alarm (CLOUDWATCH_METRIC) is for an internal
// door only, which Route 53's checkers cannot reach; a public door is checked over HTTPS.

import { byRef, ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";

export const RECORD_TYPE = "aws:route53/record:Record";
export const HEALTH_CHECK_TYPE = "aws:route53/healthCheck:HealthCheck";
const LOAD_BALANCER_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];

/** The failover routing policy types of a record (`failoverRoutingPolicies[].type`). */
export function failoverTypes(props: Readonly<Record<string, unknown>>): string[] {
    const policies = Array.isArray(props.failoverRoutingPolicies) ? props.failoverRoutingPolicies : [];
    return policies.map((policy) => (policy !== null && typeof policy === "object" ? (policy as Record<string, unknown>).type : undefined)).filter((type): type is string => typeof type === "string");
}

/**
 * The load balancers of the stack a record may alias: the one whose DNS name it names, when the
 * stack shows DNS names (after deployment); otherwise (a plan or a preview, where the name is an
 * output) every load balancer of the stack.
 */
function aliasedLoadBalancers(record: PolicyResource, stack: PolicyStack): PolicyResource[] {
    const aliases = Array.isArray(record.props.aliases) ? (record.props.aliases as { name?: unknown }[]) : [];
    const names = aliases.map((alias) => (typeof alias?.name === "string" ? alias.name.toLowerCase().replace(/\.$/, "") : undefined));
    const balancers = ofType(stack, ...LOAD_BALANCER_TYPES);
    const named = balancers.filter((balancer) => typeof balancer.props.dnsName === "string" && names.includes(balancer.props.dnsName.toLowerCase()));
    return named.length > 0 ? named : balancers;
}

export const enforceFailoverRecordHealthCheck: ResourceRule = {
    kind: "resource",
    name: "route53-record-failover-health-check",
    description:
        "Every Route 53 record with a PRIMARY failover routing policy names (`healthCheckId`) a Route 53 health check of the same stack; a health check of type " +
        "CLOUDWATCH_METRIC only for a record aliasing an internal load balancer.",
    why:
        "Route 53 takes a PRIMARY record without a health check for healthy for ever (Route 53 Developer Guide, \"Configuring active-passive failover\"): " +
        "the recovery environment's SECONDARY record would never be answered, and step 5 of the contingency plan (redirect client access) would need a " +
        "record change nobody can make in the middle of an incident. An internet-facing door is checked as users reach it (HTTPS); an alarm stands in " +
        "only where Route 53's checkers cannot reach (an internal door).",
    enforcement: "mandatory",
    resourceTypes: [RECORD_TYPE],
    validate(record, stack) {
        if (!failoverTypes(record.props).includes("PRIMARY")) {
            return [];
        }
        const healthCheckId = record.props.healthCheckId;
        if (typeof healthCheckId !== "string" || healthCheckId === "") {
            return ["a PRIMARY failover record without healthCheckId: Route 53 would never fail over to the SECONDARY record"];
        }
        const check = byRef(stack, healthCheckId);
        if (check?.type !== HEALTH_CHECK_TYPE) {
            return [`healthCheckId ${JSON.stringify(healthCheckId)} is no Route 53 health check of this stack`];
        }
        if (check.props.type !== "CLOUDWATCH_METRIC") {
            return [];
        }
        const balancers = aliasedLoadBalancers(record, stack);
        if (balancers.length === 0) {
            return ["decided by a CLOUDWATCH_METRIC health check but aliases no load balancer of this stack: only an internal door may be judged by an alarm"];
        }
        const public_ = balancers.filter((balancer) => balancer.props.internal !== true).map((balancer) => balancer.name);
        return public_.length === 0
            ? []
            : [`decided by a CLOUDWATCH_METRIC health check while it may alias the internet-facing load balancer ${public_.join(", ")}; check a public door over HTTPS (type HTTPS, port 443)`];
    },
};
