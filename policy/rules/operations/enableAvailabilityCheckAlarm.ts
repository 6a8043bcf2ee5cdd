// The availability check warns somebody (security documentation, 8: "warning of any problems").

import { ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { CANARY_TYPE } from "./enforceAvailabilityCheckSchedule";

const ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm";

/**
 * The alarms on the canary's failures: CloudWatchSynthetics SuccessPercent of its CanaryName, its
 * Average or Minimum below a threshold above 0 (a silence alarm counts samples instead: it says the
 * check stopped reporting, not that the application failed).
 */
function failureAlarms(canary: PolicyResource, stack: PolicyStack): PolicyResource[] {
    return ofType(stack, ALARM_TYPE).filter(
        (alarm) =>
            alarm.props.namespace === "CloudWatchSynthetics" &&
            alarm.props.metricName === "SuccessPercent" &&
            (alarm.props.dimensions as Record<string, unknown> | undefined)?.CanaryName === canary.props.name &&
            (alarm.props.statistic === "Average" || alarm.props.statistic === "Minimum") &&
            (alarm.props.comparisonOperator === "LessThanThreshold" || alarm.props.comparisonOperator === "LessThanOrEqualToThreshold") &&
            typeof alarm.props.threshold === "number" &&
            alarm.props.threshold > 0,
    );
}

const warns = (alarm: PolicyResource): boolean =>
    alarm.props.actionsEnabled !== false && Array.isArray(alarm.props.alarmActions) && alarm.props.alarmActions.some((action) => typeof action === "string" && action !== "");

export const enableAvailabilityCheckAlarm: ResourceRule = {
    kind: "resource",
    name: "availability-check-alarmed",
    description:
        "Every CloudWatch Synthetics canary has a CloudWatch alarm on its failures (SuccessPercent of its CanaryName, Average or Minimum, below a threshold above 0) whose actions are enabled and name at least one target.",
    why: "The external check exists to warn of problems (security documentation, 8): a failing check nobody is told about keeps the five-minute promise on paper only.",
    enforcement: "mandatory",
    resourceTypes: [CANARY_TYPE],
    validate(canary, stack) {
        const alarms = failureAlarms(canary, stack);
        if (alarms.length === 0) {
            return [`no alarm on its failures (${ALARM_TYPE} on CloudWatchSynthetics SuccessPercent with CanaryName ${JSON.stringify(canary.props.name ?? null)}, Average or Minimum below a threshold above 0): a failed check warns nobody`];
        }
        return alarms.some(warns)
            ? []
            : [`its alarms (${alarms.map((alarm) => alarm.name).join(", ")}) have no enabled alarm action: a failed check warns nobody; expected alarmActions naming the operations topic`];
    },
};
