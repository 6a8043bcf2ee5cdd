// A health check of a public host checks what users get: the login page over HTTPS on 443. An
// internal door (VPN modes), which Route 53's checkers on the internet cannot reach, is judged by
// its availability check instead: a CLOUDWATCH_METRIC health check on that check's alarm
// (enforceFailoverRecordHealthCheck keeps it to records of an internal door).

import { ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { HEALTH_CHECK_TYPE } from "./enforceFailoverRecordHealthCheck";

/** Route 53 health check types that request an endpoint (the others combine checks or read an alarm). */
const ENDPOINT_TYPES = ["HTTP", "HTTP_STR_MATCH", "HTTPS", "HTTPS_STR_MATCH", "TCP"];
const HTTPS_TYPES = ["HTTPS", "HTTPS_STR_MATCH"];
const METRIC_ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm";

/** The availability check's alarm of this stack named `name`: Synthetics' SuccessPercent of a canary (components/availability-check.ts). */
function availabilityAlarm(stack: PolicyStack, name: unknown): PolicyResource | undefined {
    return ofType(stack, METRIC_ALARM_TYPE).find(
        (alarm) => alarm.props.name === name && alarm.props.namespace === "CloudWatchSynthetics" && alarm.props.metricName === "SuccessPercent",
    );
}

function alarmCheckProblems(check: PolicyResource, stack: PolicyStack): string[] {
    const problems: string[] = [];
    const name = check.props.cloudwatchAlarmName;
    if (typeof name !== "string" || name === "") {
        problems.push("a CLOUDWATCH_METRIC health check without a known cloudwatchAlarmName: the alarm it follows cannot be judged");
    } else if (availabilityAlarm(stack, name) === undefined) {
        problems.push(
            `cloudwatchAlarmName ${JSON.stringify(name)} is no availability check alarm of this stack (CloudWatchSynthetics SuccessPercent); ` +
                "only the functional check of the login page may decide a failover",
        );
    }
    if (check.props.insufficientDataHealthStatus !== "Unhealthy") {
        problems.push(
            `insufficientDataHealthStatus is ${JSON.stringify(check.props.insufficientDataHealthStatus ?? null)}; expected "Unhealthy": ` +
                "the alarm runs out of data when production's region collapses, and users must then be redirected",
        );
    }
    return problems;
}

export const enforceHealthCheckHttps: ResourceRule = {
    kind: "resource",
    name: "route53-health-check-https",
    description:
        "Every Route 53 health check of an endpoint (types HTTP, HTTP_STR_MATCH, HTTPS, HTTPS_STR_MATCH, TCP) is of type HTTPS or HTTPS_STR_MATCH, on port 443 " +
        "where a port is given. A CLOUDWATCH_METRIC health check follows the availability check's alarm of its stack (CloudWatchSynthetics SuccessPercent) and is " +
        "Unhealthy without data. Calculated and recovery-control health checks request nothing: not applicable.",
    why:
        "Route 53's health checkers are on the internet: every endpoint they check is a public host, served only over HTTPS (HTTP answers a redirect). A check " +
        "over HTTP or TCP would call a dead application healthy as long as the load balancer redirects or accepts connections, and DNS would not fail over. " +
        "An internal door is judged by the canary inside its network; any other alarm, or a check that stays healthy when the alarm goes silent with its region, " +
        "would keep users on a dead production.",
    enforcement: "mandatory",
    resourceTypes: [HEALTH_CHECK_TYPE],
    validate(check, stack) {
        const type = check.props.type;
        if (type === "CLOUDWATCH_METRIC") {
            return alarmCheckProblems(check, stack);
        }
        if (typeof type !== "string" || !ENDPOINT_TYPES.includes(type)) {
            return [];
        }
        if (!HTTPS_TYPES.includes(type)) {
            return [`type is ${type}; expected HTTPS (or HTTPS_STR_MATCH): the host is public and served over HTTPS only`];
        }
        const port = check.props.port;
        return port === undefined || port === null || port === 443 ? [] : [`port is ${JSON.stringify(port)}; expected 443, where the public host serves HTTPS`];
    },
};
