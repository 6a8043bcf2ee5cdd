// The external availability check as sold (security documentation, 8 "Availability and
// Performance": "an external service monitors the servers and checks that the platform is offering
// a correct service every five minutes"): the check component builds its schedule from this, and the
// policy rule judges the planned canaries with it.

/** Minutes between two runs of a tenant's availability check: the promise's five. */
export const AVAILABILITY_CHECK_MINUTES = 5;

/** The CloudWatch Synthetics schedule expression of a check every `minutes` minutes (`rate(5 minutes)`). */
export function availabilityScheduleExpression(minutes: number = AVAILABILITY_CHECK_MINUTES): string {
    return `rate(${minutes} minute${minutes === 1 ? "" : "s"})`;
}

/**
 * Why a Synthetics schedule expression does not run the check at least every five minutes, or
 * `undefined` when it does. Synthetics takes `rate(N minute|minutes|hour)` (from `rate(1 minute)` to
 * `rate(1 hour)`; `rate(0 minute)` and `rate(0 hour)` run once) or a `cron(...)` (botocore
 * `synthetics` model, CanaryScheduleInput.Expression). Only `rate(N minute(s))` with N from 1 to 5 keeps the promise; a cron is
 * refused, not guessed at (its fields could leave hours unchecked).
 */
export function availabilityScheduleProblem(expression: unknown): string | undefined {
    const expected = `expected ${availabilityScheduleExpression()} (or more often: rate(1 minute) to rate(${AVAILABILITY_CHECK_MINUTES} minutes))`;
    if (typeof expression !== "string") {
        return `schedule.expression is ${expression === undefined ? "not set" : JSON.stringify(expression)}; ${expected}`;
    }
    const rate = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression.trim());
    if (!rate) {
        return `schedule.expression is "${expression}"; ${expected}`;
    }
    const minutes = Number(rate[1]) * (rate[2]!.startsWith("hour") ? 60 : 1);
    if (minutes === 0) {
        return `schedule.expression is "${expression}": the check runs once, then never again; ${expected}`;
    }
    if (minutes > AVAILABILITY_CHECK_MINUTES) {
        return `schedule.expression is "${expression}": the check runs every ${minutes} minutes, not every ${AVAILABILITY_CHECK_MINUTES}; ${expected}`;
    }
    return undefined;
}

/**
 * Failed runs in a row after which the check's failure alarm wakes operations: two, ten minutes at
 * the promised schedule (components/availability-check.ts; the rule `availability-check-alarmed`).
 */
export const AVAILABILITY_FAILED_RUNS_TO_ALARM = 2;

/**
 * Periods of the schedule without a single run after which the silence alarm says the check is blind:
 * three, fifteen minutes (components/availability-check.ts; the rule `availability-check-alarmed`).
 */
export const AVAILABILITY_SILENT_PERIODS_TO_ALARM = 3;
