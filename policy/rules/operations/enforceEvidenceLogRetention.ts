// The logs that are evidence are kept (Capacity Planner: "Use, retain and review audit logs";
// security documentation 6.1 and 7.1: blocked access attempts warned of, denied-access logs read).

import { EVIDENCE_LOG_RETENTION_DAYS } from "../../../lib/network-plan";
import { ofType } from "../graph";
import { WEB_ACL_LOGGING } from "../network/enableWebAclLogging";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";

const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";

/** A log group's name from a destination ARN (`arn:aws:logs:<region>:<account>:log-group:<name>[:*]`). */
function groupNameOf(arn: unknown): string | undefined {
    return /^arn:aws[a-z-]*:logs:[^:]*:\d{12}:log-group:([^:]+)(:\*)?$/.exec(typeof arn === "string" ? arn : "")?.[1];
}

/** What the log group is evidence of, or undefined when it is none of the kinds this rule keeps. */
function evidenceOf(group: PolicyResource, stack: PolicyStack): string | undefined {
    const name = group.props.name ?? group.id;
    const receives = (arns: unknown[]): boolean => arns.some((arn) => groupNameOf(arn) === name);
    if (receives(ofType(stack, "aws:ec2/flowLog:FlowLog").map((flowLog) => flowLog.props.logDestination))) {
        return "the network's flow logs";
    }
    if (receives(ofType(stack, WEB_ACL_LOGGING).flatMap((logging) => (Array.isArray(logging.props.logDestinationConfigs) ? logging.props.logDestinationConfigs : [])))) {
        return "the web firewall's logs";
    }
    const vpnGroups = ofType(stack, "aws:ec2clientvpn/endpoint:Endpoint").map((endpoint) => (endpoint.props.connectionLogOptions as { cloudwatchLogGroup?: unknown } | undefined)?.cloudwatchLogGroup);
    if (vpnGroups.includes(name)) {
        return "the operations VPN's connection logs";
    }
    if (typeof name === "string" && name.startsWith("/aws/rds/instance/")) {
        return "the database's logs";
    }
    return undefined;
}

function retentionProblems(group: PolicyResource, stack: PolicyStack): string[] {
    const evidence = evidenceOf(group, stack);
    const days = group.props.retentionInDays;
    // Unset or 0: CloudWatch Logs keeps the events forever.
    if (evidence === undefined || days === undefined || days === null || days === 0) {
        return [];
    }
    if (typeof days !== "number" || days < EVIDENCE_LOG_RETENTION_DAYS) {
        return [`retentionInDays is ${JSON.stringify(days)}: ${evidence} would be deleted before a year; expected at least ${EVIDENCE_LOG_RETENTION_DAYS} days (or no expiry)`];
    }
    return [];
}

export const enforceEvidenceLogRetention: ResourceRule = {
    kind: "resource",
    name: "logs-evidence-retained",
    description: `The CloudWatch log groups that are evidence (receiving flow logs, web firewall logs, the operations VPN's connection logs, or an RDS instance's logs) keep their events at least ${EVIDENCE_LOG_RETENTION_DAYS} days, or never expire.`,
    why: "The service promises to use, retain and review audit logs (Capacity Planner) and to read the denied-access logs (security documentation, 7.1): these log groups are the only copy of who reached or tried to reach a tenant, and an investigation or an auditor looks back months.",
    enforcement: "mandatory",
    resourceTypes: [LOG_GROUP_TYPE],
    validate: retentionProblems,
};
