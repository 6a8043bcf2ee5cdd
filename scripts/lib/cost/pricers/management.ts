// Management and governance: parameters, canaries, alarms, custom metrics, log groups, trails.

import { count, Inputs, line, list, monthly, Pricer, record, text, unknownLine } from "./pricer";

/** Runs per month of a `rate(N unit)` schedule; undefined for cron and one-off schedules. */
export function runsPerMonth(expression: string, minutesPerMonth: number): number | undefined {
    const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
    const every = Number(match?.[1]);
    if (!match || !(every > 0)) {
        return undefined;
    }
    const minutes = every * (match[2]!.startsWith("minute") ? 1 : match[2]!.startsWith("hour") ? 60 : 1440);
    return Math.floor(minutesPerMonth / minutes);
}

/** Whether a trail records data events (advanced or basic selectors): billed by usage. */
function recordsDataEvents(inputs: Inputs): boolean {
    const advanced = (list(inputs.advancedEventSelectors) ?? []).some((selector) =>
        (list(record(selector)?.fieldSelectors) ?? []).some((field) => {
            const f = record(field);
            return f?.field === "eventCategory" && (list(f.equals) ?? []).includes("Data");
        }),
    );
    const basic = (list(inputs.eventSelectors) ?? []).some((selector) => (list(record(selector)?.dataResources) ?? []).length > 0);
    return advanced || basic;
}

export const MANAGEMENT_PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:ssm/parameter:Parameter": (inputs, context) => {
        const tier = text(inputs.tier) ?? "Standard";
        if (tier === "Standard") {
            return [];
        }
        return tier === "Advanced"
            ? [monthly(context, "advanced parameter", "ssm.advancedParameter.month")]
            : [unknownLine(`${tier} parameter`, `tier ${tier} decides Standard or Advanced at run time`)];
    },
    "aws:synthetics/canary:Canary": (inputs, context) => {
        const expression = text(record(inputs.schedule)?.expression) ?? "";
        const runs = runsPerMonth(expression, context.assumptions.scheduleMinutesPerMonth);
        return runs === undefined
            ? [unknownLine(`canary "${expression}"`, `schedule "${expression}" is not a rate(N minutes|hours|days) expression`)]
            : [line(`canary ${expression}: ${runs} runs`, [[context.rate("synthetics.run"), runs]])];
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": (inputs, context) => {
        if (inputs.metricQueries !== undefined) {
            return [unknownLine("metric math alarm", "metric math and anomaly detection alarms are billed per metric queried; not in the price table")];
        }
        const period = count(inputs.period);
        return period !== undefined && period < 60 ? [monthly(context, "high-resolution alarm", "cloudwatch.highResolutionAlarm.month")] : [monthly(context, "standard alarm", "cloudwatch.alarm.month")];
    },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": (_inputs, context) => [monthly(context, "custom metric", "cloudwatch.metric.month")],
    "aws:cloudwatch/logGroup:LogGroup": (_inputs, context) => [monthly(context, "log ingestion and storage", "logs.ingestion")],
    "aws:cloudtrail/trail:Trail": (inputs, context) => (recordsDataEvents(inputs) ? [monthly(context, "data events", "cloudtrail.dataEvents")] : []),
};
