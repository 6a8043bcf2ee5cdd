// Every network's traffic is recorded.

import { ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";

export const FLOW_LOG_TYPE = "aws:ec2/flowLog:FlowLog";

function flowLogProblems(vpc: PolicyResource, stack: PolicyStack): string[] {
    // Read every flow log's vpcId first: during a preview an unknown one (a new VPC's) throws, and
    // the pack skips the stack instead of reporting a flow log that is there.
    const logged = ofType(stack, FLOW_LOG_TYPE).map((flowLog) => flowLog.props.vpcId);
    if (vpc.id !== undefined && logged.includes(vpc.id)) {
        return [];
    }
    return [`no flow log (${FLOW_LOG_TYPE} with vpcId ${vpc.id ?? "<this VPC's id>"})`];
}

export const missingVpcFlowLog: ResourceRule = {
    kind: "resource",
    name: "ec2-vpc-flow-log",
    description: "Every VPC has a flow log (a FlowLog whose vpcId is the VPC's id).",
    why: "Flow logs are the record of who talked to a tenant's servers and databases: without them an intrusion or a leak between networks cannot be investigated or ruled out.",
    enforcement: "mandatory",
    resourceTypes: ["aws:ec2/vpc:Vpc"],
    validate: flowLogProblems,
};
