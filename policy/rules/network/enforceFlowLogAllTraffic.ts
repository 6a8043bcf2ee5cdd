// Every flow log records all traffic: the denied-access reading needs the rejected packets, an
// investigation the accepted ones.

import { PolicyResource, ResourceRule } from "../types";

export const FLOW_LOG_TYPE = "aws:ec2/flowLog:FlowLog";

export const enforceFlowLogAllTraffic: ResourceRule = {
    kind: "resource",
    name: "ec2-flow-log-all-traffic",
    description: 'Every VPC flow log records all traffic (trafficType "ALL"), accepted and rejected.',
    why:
        "The weekly reading of the denied-access logs (security documentation, 7.1) needs the REJECT records, and investigating an intrusion or a leak between networks needs the ACCEPT ones: a flow log of one kind only passes `ec2-vpc-flow-log` while losing half the evidence.",
    enforcement: "mandatory",
    resourceTypes: [FLOW_LOG_TYPE],
    validate: (flowLog: PolicyResource) =>
        flowLog.props.trafficType === "ALL" ? [] : [`trafficType is ${JSON.stringify(flowLog.props.trafficType ?? null)}: the log records only part of the traffic; expected "ALL"`],
};
