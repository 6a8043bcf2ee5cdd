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
    const watching = filters.flatMap((filter) => {
        const metric = (filter.props.metricTransformation ?? {}) as { name?: unknown; namespace?: unknown };
        return ofType(stack, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
            (alarm) =>
                alarm.props.metricName === metric.name &&
                alarm.props.namespace === metric.namespace &&
                alarm.props.actionsEnabled !== false &&
                Array.isArray(alarm.props.alarmActions) &&
                alarm.props.alarmActions.some((action) => typeof action === "string" && action !== ""),
        );
    });
    if (watching.length === 0) {
        return [`no alarm with an enabled action watches its rejected-packet metric (${filters.map((filter) => filter.name).join(", ")}): blocked access attempts warn nobody`];
    }
    const late = watching.map((alarm) => ({ alarm, problem: sensitivityProblem(alarm) }));
    return late.every((entry) => entry.problem !== undefined) ? late.map(({ alarm, problem }) => `${alarm.name}: ${problem}`) : [];
}

/**
 * The most rejected packets in 5 minutes an attempt may take before it warns: the program's
 * default (components/tenant-network.ts, `blockedAttemptsThreshold`), above the internet's
 * background scanning of a public load balancer and below a port scan. The pack imports nothing
 * of the program, so the figure is written here too.
 */
export const MAX_BLOCKED_ATTEMPTS_THRESHOLD = 1000;
/** Seconds in which an attempt must warn: the alarm sums 5-minute periods, once. */
export const MAX_BLOCKED_ATTEMPTS_SECONDS = 300;

/** Why an alarm on the rejected packets would warn late or never, or undefined when it warns in time. */
function sensitivityProblem(alarm: PolicyResource): string | undefined {
    const { threshold, period, evaluationPeriods, datapointsToAlarm, comparisonOperator, statistic } = alarm.props;
    if (comparisonOperator !== "GreaterThanOrEqualToThreshold" && comparisonOperator !== "GreaterThanThreshold") {
        return `comparisonOperator ${JSON.stringify(comparisonOperator)} does not fire on many rejected packets; expected GreaterThanOrEqualToThreshold`;
    }
    if (statistic !== "Sum") {
        return `statistic ${JSON.stringify(statistic)} does not count the rejected packets; expected Sum`;
    }
    if (typeof threshold !== "number" || threshold > MAX_BLOCKED_ATTEMPTS_THRESHOLD) {
        return `threshold ${JSON.stringify(threshold)}: attempts on blocked ports below it warn nobody; expected at most ${MAX_BLOCKED_ATTEMPTS_THRESHOLD} rejected packets`;
    }
    const periods = typeof datapointsToAlarm === "number" ? datapointsToAlarm : evaluationPeriods;
    if (typeof period !== "number" || typeof periods !== "number" || period * periods > MAX_BLOCKED_ATTEMPTS_SECONDS) {
        return `period ${JSON.stringify(period)} s over ${JSON.stringify(periods)} data point(s): an attempt warns after more than ${MAX_BLOCKED_ATTEMPTS_SECONDS / 60} minutes, or never; expected 5 minutes at most`;
    }
    return undefined;
}

export const enableFlowLogRejectionAlarm: ResourceRule = {
    kind: "resource",
    name: "ec2-flow-log-rejections-alarmed",
    description:
        'Every VPC flow log delivers to CloudWatch Logs, where a metric filter counts its REJECT records (action="REJECT") and an alarm with an enabled action watches that metric: ' +
        `the sum of rejected packets at a threshold of at most ${MAX_BLOCKED_ATTEMPTS_THRESHOLD}, within 5 minutes.`,
    why: "The service promises a security warning when a blocked port or address is tried (security documentation, 6.1): the flow log records the attempt, the filter and alarm are the warning.",
    enforcement: "mandatory",
    resourceTypes: ["aws:ec2/flowLog:FlowLog"],
    validate: alarmProblems,
};
