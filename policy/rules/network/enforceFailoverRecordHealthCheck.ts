// DNS failover that can fail over: a PRIMARY failover record is judged by a health check of the
// same stack, so that Route 53 answers with the recovery environment's SECONDARY record when the
// production endpoint stops answering.

import { byRef } from "../graph";
import { ResourceRule } from "../types";

export const RECORD_TYPE = "aws:route53/record:Record";
export const HEALTH_CHECK_TYPE = "aws:route53/healthCheck:HealthCheck";

/** The failover routing policy types of a record (`failoverRoutingPolicies[].type`). */
export function failoverTypes(props: Readonly<Record<string, unknown>>): string[] {
    const policies = Array.isArray(props.failoverRoutingPolicies) ? props.failoverRoutingPolicies : [];
    return policies.map((policy) => (policy !== null && typeof policy === "object" ? (policy as Record<string, unknown>).type : undefined)).filter((type): type is string => typeof type === "string");
}

export const enforceFailoverRecordHealthCheck: ResourceRule = {
    kind: "resource",
    name: "route53-record-failover-health-check",
    description: "Every Route 53 record with a PRIMARY failover routing policy names (`healthCheckId`) a Route 53 health check of the same stack.",
    why:
        "Route 53 takes a PRIMARY record without a health check for healthy for ever (Route 53 Developer Guide, \"Configuring active-passive failover\"): " +
        "the recovery environment's SECONDARY record would never be answered, and step 5 of the contingency plan (redirect client access) would need a " +
        "record change nobody can make in the middle of an incident.",
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
        return byRef(stack, healthCheckId)?.type === HEALTH_CHECK_TYPE ? [] : [`healthCheckId ${JSON.stringify(healthCheckId)} is no Route 53 health check of this stack`];
    },
};
