// Administrative access leaves a trail (Capacity Planner: "strict audit trails"; security
// documentation 6.2: the administration network is for operations personnel only).

import { PolicyResource, ResourceRule } from "../types";

function loggingProblems(endpoint: PolicyResource): string[] {
    const options = (endpoint.props.connectionLogOptions ?? {}) as { enabled?: unknown; cloudwatchLogGroup?: unknown };
    if (options.enabled !== true) {
        return [`connectionLogOptions.enabled is ${JSON.stringify(options.enabled ?? null)}: who connected to the administration network is nowhere on record; expected true with a cloudwatchLogGroup`];
    }
    if (typeof options.cloudwatchLogGroup !== "string" || options.cloudwatchLogGroup === "") {
        return ["connectionLogOptions.cloudwatchLogGroup is not set: connection logs need a log group; expected the VPN's log group"];
    }
    return [];
}

export const enableClientVpnConnectionLogs: ResourceRule = {
    kind: "resource",
    name: "ec2-client-vpn-connection-logs",
    description: "Every Client VPN endpoint (the operations access to the administration network) logs its connections to a CloudWatch log group.",
    why: "Only operations personnel reach the administration network (security documentation, 6.2) and access is audited (Capacity Planner, strict audit trails): without connection logs nobody can show who was on the administration network, when, from where.",
    enforcement: "mandatory",
    resourceTypes: ["aws:ec2clientvpn/endpoint:Endpoint"],
    validate: loggingProblems,
};
