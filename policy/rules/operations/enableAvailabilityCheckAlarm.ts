// The availability check warns somebody (security documentation, 8: "warning of any problems"), in
// time: after two failed runs of the five-minute check, and when the check stops reporting at all.

import { AVAILABILITY_CHECK_MINUTES, AVAILABILITY_FAILED_RUNS_TO_ALARM, AVAILABILITY_SILENT_PERIODS_TO_ALARM } from "../../../lib/promises/availability";
import { ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { CANARY_TYPE } from "./enforceAvailabilityCheckSchedule";

const ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm";

/** The longest period an alarm on the check may judge: one run of the promised schedule. */
const MAX_PERIOD_SECONDS = AVAILABILITY_CHECK_MINUTES * 60;

/** The alarms of this stack on the canary's SuccessPercent (CloudWatchSynthetics, its CanaryName). */
function canaryAlarms(canary: PolicyResource, stack: PolicyStack): PolicyResource[] {
    return ofType(stack, ALARM_TYPE).filter(
        (alarm) =>
            alarm.props.namespace === "CloudWatchSynthetics" &&
            alarm.props.metricName === "SuccessPercent" &&
            (alarm.props.dimensions as Record<string, unknown> | undefined)?.CanaryName === canary.props.name,
    );
}

/**
 * The alarms on the canary's failures: its Average or Minimum below a threshold above 0 (a silence
 * alarm counts samples instead: it says the check stopped reporting, not that the application failed).
 */
function failureAlarms(canary: PolicyResource, stack: PolicyStack): PolicyResource[] {
    return canaryAlarms(canary, stack).filter(
        (alarm) =>
            (alarm.props.statistic === "Average" || alarm.props.statistic === "Minimum") &&
            (alarm.props.comparisonOperator === "LessThanThreshold" || alarm.props.comparisonOperator === "LessThanOrEqualToThreshold") &&
            typeof alarm.props.threshold === "number" &&
            alarm.props.threshold > 0,
    );
}

/** The alarms on the canary's silence: its SampleCount below 1 (no run in the period). */
function silenceAlarms(canary: PolicyResource, stack: PolicyStack): PolicyResource[] {
    return canaryAlarms(canary, stack).filter((alarm) => alarm.props.statistic === "SampleCount");
}

const warns = (alarm: PolicyResource): boolean =>
    alarm.props.actionsEnabled !== false && Array.isArray(alarm.props.alarmActions) && alarm.props.alarmActions.some((action) => typeof action === "string" && action !== "");

/**
 * Why an alarm does not fire after `runs` breaching periods of at most one scheduled run each: its
 * period longer than the schedule's five minutes, or more breaching datapoints needed
 * (datapointsToAlarm, AWS's default: evaluationPeriods) than `runs`.
 */
function timingProblems(alarm: PolicyResource, runs: number): string[] {
    const problems: string[] = [];
    const { period, evaluationPeriods, datapointsToAlarm } = alarm.props;
    if (typeof period !== "number" || !Number.isInteger(period) || period <= 0 || period > MAX_PERIOD_SECONDS) {
        problems.push(`period is ${JSON.stringify(period ?? null)}; expected at most ${MAX_PERIOD_SECONDS} seconds (one run of the ${AVAILABILITY_CHECK_MINUTES}-minute check)`);
    }
    const needed = datapointsToAlarm ?? evaluationPeriods;
    if (typeof evaluationPeriods !== "number" || !Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
        problems.push(`evaluationPeriods is ${JSON.stringify(evaluationPeriods ?? null)}; expected a whole number from 1`);
    } else if (typeof needed !== "number" || !Number.isInteger(needed) || needed < 1 || needed > evaluationPeriods) {
        problems.push(`datapointsToAlarm is ${JSON.stringify(datapointsToAlarm ?? null)}; expected a whole number from 1 to evaluationPeriods (${evaluationPeriods})`);
    } else if (needed > runs) {
        problems.push(
            `${datapointsToAlarm === undefined || datapointsToAlarm === null ? "evaluationPeriods" : "datapointsToAlarm"} is ${needed}: it alarms after ${needed} breaching periods, not ${runs}; expected at most ${runs}`,
        );
    }
    return problems;
}

/** Why a silence alarm does not fire when the check stops reporting, within three periods. */
function silenceProblems(alarm: PolicyResource): string[] {
    const problems: string[] = [];
    const { comparisonOperator, threshold, treatMissingData } = alarm.props;
    // SampleCount < t (t > 0), or <= t (t >= 0), is breached by a period without a run.
    const breachedByNone =
        typeof threshold === "number" &&
        ((comparisonOperator === "LessThanThreshold" && threshold > 0) || (comparisonOperator === "LessThanOrEqualToThreshold" && threshold >= 0));
    if (!breachedByNone) {
        problems.push(`${JSON.stringify(comparisonOperator ?? null)} ${JSON.stringify(threshold ?? null)} is not breached by a period without a run; expected LessThanThreshold 1`);
    }
    // A period without a run has no datapoint at all: only "breaching" counts it.
    if (treatMissingData !== "breaching") {
        problems.push(`treatMissingData is ${JSON.stringify(treatMissingData ?? "missing")}: a check that stops reporting leaves no data, which this alarm never counts; expected "breaching"`);
    }
    problems.push(...timingProblems(alarm, AVAILABILITY_SILENT_PERIODS_TO_ALARM));
    return problems;
}

function alarmProblems(canary: PolicyResource, stack: PolicyStack): string[] {
    const problems: string[] = [];
    const failures = failureAlarms(canary, stack);
    if (failures.length === 0) {
        problems.push(`no alarm on its failures (${ALARM_TYPE} on CloudWatchSynthetics SuccessPercent with CanaryName ${JSON.stringify(canary.props.name ?? null)}, Average or Minimum below a threshold above 0): a failed check warns nobody`);
    } else if (!failures.some(warns)) {
        problems.push(`its alarms (${failures.map((alarm) => alarm.name).join(", ")}) have no enabled alarm action: a failed check warns nobody; expected alarmActions naming the operations topic`);
    } else if (!failures.some((alarm) => warns(alarm) && timingProblems(alarm, AVAILABILITY_FAILED_RUNS_TO_ALARM).length === 0)) {
        const late = failures.filter(warns).map((alarm) => `${alarm.name}: ${timingProblems(alarm, AVAILABILITY_FAILED_RUNS_TO_ALARM).join("; ")}`);
        problems.push(`no alarm with an enabled action fires after ${AVAILABILITY_FAILED_RUNS_TO_ALARM} failed runs of the ${AVAILABILITY_CHECK_MINUTES}-minute check (${late.join(" | ")})`);
    }
    const silences = silenceAlarms(canary, stack);
    if (silences.length === 0) {
        problems.push(`no alarm on its silence (SampleCount of its SuccessPercent below 1, treatMissingData "breaching"): a check that stops running warns nobody`);
    } else if (!silences.some(warns)) {
        problems.push(`its silence alarms (${silences.map((alarm) => alarm.name).join(", ")}) have no enabled alarm action: a check that stops running warns nobody; expected alarmActions naming the operations topic`);
    } else if (!silences.some((alarm) => warns(alarm) && silenceProblems(alarm).length === 0)) {
        const blind = silences.filter(warns).map((alarm) => `${alarm.name}: ${silenceProblems(alarm).join("; ")}`);
        problems.push(`no alarm with an enabled action fires after ${AVAILABILITY_SILENT_PERIODS_TO_ALARM} periods of the ${AVAILABILITY_CHECK_MINUTES}-minute check without a run (${blind.join(" | ")})`);
    }
    return problems;
}

export const enableAvailabilityCheckAlarm: ResourceRule = {
    kind: "resource",
    name: "availability-check-alarmed",
    description:
        `Every CloudWatch Synthetics canary has CloudWatch alarms with enabled actions naming a target, in time: one on its failures (SuccessPercent of its CanaryName, Average or Minimum, below a threshold above 0) ` +
        `with a period of at most ${MAX_PERIOD_SECONDS} seconds that fires after at most ${AVAILABILITY_FAILED_RUNS_TO_ALARM} breaching periods (datapointsToAlarm, or evaluationPeriods), ` +
        `and one on its silence (SampleCount below 1, treatMissingData "breaching") with such a period that fires after at most ${AVAILABILITY_SILENT_PERIODS_TO_ALARM}.`,
    why:
        "The external check exists to warn of problems (security documentation, 8): a failing check nobody is told about, an alarm that waits a day or ten failed runs, " +
        "or a silence alarm that counts no data as fine (a stopped check reports nothing) keeps the five-minute promise on paper only.",
    enforcement: "mandatory",
    resourceTypes: [CANARY_TYPE],
    validate: alarmProblems,
};
