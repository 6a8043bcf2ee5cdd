// A warning when blocked ports or addresses are tried (security documentation, 6.1: "A security
// warning is issued if an attempt is made to access a blocked port or address").

import { ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";

/** A log group's name from a destination ARN (`arn:aws:logs:<region>:<account>:log-group:<name>[:*]`). */
function groupNameOf(arn: unknown): string | undefined {
    return /^arn:aws[a-z-]*:logs:[^:]*:\d{12}:log-group:([^:]+)(:\*)?$/.exec(typeof arn === "string" ? arn : "")?.[1];
}

function alarmProblems(flowLog: PolicyResource, stack: PolicyStack): string[] {
    if (flowLog.props.logDestinationType === "s3" || flowLog.props.logDestinationType === "kinesis-data-firehose") {
        return [`logDestinationType is ${JSON.stringify(flowLog.props.logDestinationType)}: rejected packets cannot raise a CloudWatch alarm from there; expected cloud-watch-logs with a metric filter and alarm on REJECT records`];
    }
    const group = groupNameOf(flowLog.props.logDestination);
    const filters = ofType(stack, "aws:cloudwatch/logMetricFilter:LogMetricFilter").filter(
        (filter) => group !== undefined && filter.props.logGroupName === group && typeof filter.props.pattern === "string" && /action\s*=\s*"?REJECT"?/.test(filter.props.pattern),
    );
    if (filters.length === 0) {
        return [`no metric filter counts its REJECT records (aws:cloudwatch/logMetricFilter:LogMetricFilter on log group ${group ?? "<its log group>"} with action="REJECT"): blocked access attempts warn nobody`];
    }
    const alarmed = filters.some((filter) => {
        const metric = (filter.props.metricTransformation ?? {}) as { name?: unknown; namespace?: unknown };
        return ofType(stack, "aws:cloudwatch/metricAlarm:MetricAlarm").some(
            (alarm) =>
                alarm.props.metricName === metric.name &&
                alarm.props.namespace === metric.namespace &&
                alarm.props.actionsEnabled !== false &&
                Array.isArray(alarm.props.alarmActions) &&
                alarm.props.alarmActions.some((action) => typeof action === "string" && action !== ""),
        );
    });
    return alarmed
        ? []
        : [`no alarm with an enabled action watches its rejected-packet metric (${filters.map((filter) => filter.name).join(", ")}): blocked access attempts warn nobody`];
}

export const enableFlowLogRejectionAlarm: ResourceRule = {
    kind: "resource",
    name: "ec2-flow-log-rejections-alarmed",
    description: 'Every VPC flow log delivers to CloudWatch Logs, where a metric filter counts its REJECT records (action="REJECT") and an alarm with an enabled action watches that metric.',
    why: "The service promises a security warning when a blocked port or address is tried (security documentation, 6.1): the flow log records the attempt, the filter and alarm are the warning.",
    enforcement: "mandatory",
    resourceTypes: ["aws:ec2/flowLog:FlowLog"],
    validate: alarmProblems,
};
