// AWS Backup cron expressions compared by meaning, not by spelling: `cron(0 0/2 * * ? *)` and
// `cron(0 0,2,4,6,8,10,12,14,16,18,20,22 ? * * *)` run at the same instants, so a plan written either
// way keeps the same promise.

interface Field {
    readonly min: number;
    readonly max: number;
    readonly names?: readonly string[];
}

const MINUTES: Field = { min: 0, max: 59 };
const HOURS: Field = { min: 0, max: 23 };
const DAYS_OF_MONTH: Field = { min: 1, max: 31 };
const MONTHS: Field = { min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] };
// AWS numbers the weekdays from Sunday = 1.
const DAYS_OF_WEEK: Field = { min: 1, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] };
const YEARS: Field = { min: 1970, max: 2199 };

function valueOf(text: string, field: Field): number | undefined {
    const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
    const value = named >= 0 ? field.min + named : /^\d+$/.test(text) ? Number(text) : NaN;
    return Number.isInteger(value) && value >= field.min && value <= field.max ? value : undefined;
}

/**
 * The values a field selects (`*`, `a`, `a-b`, `a/s`, `*\/s`, `a-b/s` and lists of them), sorted;
 * undefined for what this reader does not model (`L`, `W`, `#`) or what is out of range.
 */
export function expandCronField(text: string, field: Field): number[] | undefined {
    const values = new Set<number>();
    for (const part of text.split(",")) {
        const match = /^([^/]+)(?:\/(\d+))?$/.exec(part);
        if (!match) {
            return undefined;
        }
        const [, range = "", stepText] = match;
        let from: number | undefined;
        let to: number | undefined;
        if (range === "*") {
            from = field.min;
            to = field.max;
        } else {
            const bounds = range.split("-");
            if (bounds.length > 2) {
                return undefined;
            }
            from = valueOf(bounds[0] ?? "", field);
            // `a/s` runs from a to the end of the field.
            to = bounds.length === 2 ? valueOf(bounds[1] ?? "", field) : stepText !== undefined ? field.max : from;
        }
        const step = stepText === undefined ? 1 : Number(stepText);
        if (from === undefined || to === undefined || from > to || step < 1) {
            return undefined;
        }
        for (let value = from; value <= to; value += step) {
            values.add(value);
        }
    }
    return [...values].sort((a, b) => a - b);
}

function render(values: readonly number[], field: Field): string {
    return values.length === field.max - field.min + 1 ? "*" : values.join(",");
}

/**
 * A canonical form of an AWS cron expression (`cron(minutes hours day-of-month month day-of-week
 * year)`): two expressions with the same canonical form run at the same instants. Every day is one
 * form whether spelled `* ?`, `? *`, `1-31 ?` or `? SUN-SAT`. Undefined for anything else (a rate
 * expression, `L`, `W`, `#`, both day fields set): such a schedule can only be compared as text.
 */
export function canonicalSchedule(expression: string): string | undefined {
    // A fleet has a handful of distinct schedules in thousands of stacks: each is read once.
    if (canonicalForms.has(expression)) {
        return canonicalForms.get(expression);
    }
    const form = readSchedule(expression);
    if (canonicalForms.size < 10_000) {
        canonicalForms.set(expression, form);
    }
    return form;
}

const canonicalForms = new Map<string, string | undefined>();

function readSchedule(expression: string): string | undefined {
    const fields = /^cron\((.*)\)$/.exec(expression.trim())?.[1]?.trim().split(/\s+/) ?? [];
    if (fields.length !== 6) {
        return undefined;
    }
    const [minuteText, hourText, dayOfMonthText, monthText, dayOfWeekText, yearText] = fields as [string, string, string, string, string, string];
    const minutes = expandCronField(minuteText, MINUTES);
    const hours = expandCronField(hourText, HOURS);
    const months = expandCronField(monthText, MONTHS);
    const years = expandCronField(yearText, YEARS);
    if (!minutes || !hours || !months || !years) {
        return undefined;
    }
    // AWS demands `?` in exactly one of the two day fields; the other one chooses the days.
    let days: string;
    if (dayOfWeekText === "?" && dayOfMonthText !== "?") {
        const selected = expandCronField(dayOfMonthText, DAYS_OF_MONTH);
        if (!selected) {
            return undefined;
        }
        days = selected.length === 31 ? "every day" : `days of month ${selected.join(",")}`;
    } else if (dayOfMonthText === "?" && dayOfWeekText !== "?") {
        const selected = expandCronField(dayOfWeekText, DAYS_OF_WEEK);
        if (!selected) {
            return undefined;
        }
        days = selected.length === 7 ? "every day" : `days of week ${selected.join(",")}`;
    } else {
        return undefined;
    }
    return `minutes ${render(minutes, MINUTES)}; hours ${render(hours, HOURS)}; ${days}; months ${render(months, MONTHS)}; years ${render(years, YEARS)}`;
}

/** Whether two schedules run at the same instants (as text where either cannot be read). */
export function sameSchedule(a: unknown, b: string): boolean {
    if (typeof a !== "string") {
        return false;
    }
    const left = canonicalSchedule(a);
    const right = canonicalSchedule(b);
    return left !== undefined && right !== undefined ? left === right : a.trim() === b.trim();
}

/**
 * Whether an AWS cron expression runs at least once in every calendar month of every year: every
 * month and year selected, and days that every month has (a day of month up to 28, the last day,
 * a weekday every week, or the first to fourth given weekday `2#1`). False for anything else,
 * `rate(...)` included (restore testing plans take cron expressions only: AWS Backup API
 * Reference, RestoreTestingPlanForCreate, ScheduleExpression).
 */
export function runsEveryMonth(expression: unknown): boolean {
    if (typeof expression !== "string") {
        return false;
    }
    const fields = /^cron\((.*)\)$/.exec(expression.trim())?.[1]?.trim().split(/\s+/) ?? [];
    if (fields.length !== 6) {
        return false;
    }
    const [minuteText, hourText, dayOfMonthText, monthText, dayOfWeekText, yearText] = fields as [string, string, string, string, string, string];
    if (!expandCronField(minuteText, MINUTES) || !expandCronField(hourText, HOURS) || expandCronField(monthText, MONTHS)?.length !== 12 || yearText !== "*") {
        return false;
    }
    if (dayOfWeekText === "?" && dayOfMonthText !== "?") {
        const days = expandCronField(dayOfMonthText, DAYS_OF_MONTH);
        return days ? days[0]! <= 28 : /^(L|LW|L-\d+|([1-9]|1\d|2[0-8])W)$/.test(dayOfMonthText);
    }
    if (dayOfMonthText === "?" && dayOfWeekText !== "?") {
        if (expandCronField(dayOfWeekText, DAYS_OF_WEEK)) {
            return true;
        }
        const nth = /^([1-7]|[A-Za-z]{3})(#([1-4])|L)$/.exec(dayOfWeekText);
        return nth !== null && valueOf(nth[1]!, DAYS_OF_WEEK) !== undefined;
    }
    return false;
}
