// Weekend maintenance as sold (security documentation, 5.2 "System": "Weekend maintenance includes
// a review of updates, patches and solutions ... on all ITM Platform servers"): the patch window
// component validates its input with these, and the policy rules judge the planned windows with the
// same functions, so that what is deployed and what is checked cannot drift apart.

/** The patch window's default opening: Saturdays 02:00 UTC, the quietest hours of the week. */
export const DEFAULT_PATCH_SCHEDULE = "cron(0 2 ? * SAT *)";

/**
 * Days after release within which security (and bugfix) updates are approved: long enough for a
 * broken update to be withdrawn upstream, short enough to patch "as soon as ... updates are released"
 * (Capacity Planner security policies) at the next weekend window.
 */
export const PATCH_APPROVAL_DAYS = 7;

/** A weekend day in an SSM cron day-of-week item: a name or its number (1 = SUN, 7 = SAT), maybe `#n` or `L`. */
const WEEKEND_DAY = /^(SAT|SUN|1|7)(#[1-5]|L)?$/;
const SUNDAY = /^(SUN|1)(#[1-5]|L)?$/;

/** The six fields of an SSM `cron(...)` expression, or undefined for any other shape. */
function cronFields(schedule: string): string[] | undefined {
    const fields = /^cron\((.*)\)$/.exec(schedule.trim())?.[1]?.trim().split(/\s+/) ?? [];
    return fields.length === 6 ? fields : undefined;
}

/**
 * Why `schedule` does not open the window on a weekend only, or `undefined` when it does. Accepts
 * SSM's six-field `cron(minutes hours day-of-month month day-of-week year)` whose day-of-month is
 * `?` and whose day-of-week lists only SAT and SUN (names or 7/1, optionally `#n` or `L`); rejects
 * rate and one-off expressions, ranges, steps and wildcards, which could fall on a weekday.
 */
export function weekendScheduleProblem(schedule: string): string | undefined {
    const expected = `expected cron(minutes hours ? month day-of-week year) with day-of-week SAT and/or SUN, e.g. ${DEFAULT_PATCH_SCHEDULE}`;
    const fields = cronFields(schedule);
    if (fields === undefined) {
        return `schedule: ${schedule} is not allowed; ${expected}`;
    }
    const [, , dayOfMonth, , dayOfWeek = ""] = fields;
    if (dayOfMonth !== "?") {
        return `schedule: ${schedule} is not allowed; day-of-month ${dayOfMonth} can fall on a weekday, ${expected}`;
    }
    const weekdays = dayOfWeek.toUpperCase().split(",").filter((item) => !WEEKEND_DAY.test(item));
    if (weekdays.length > 0) {
        return `schedule: ${schedule} is not allowed; day-of-week ${dayOfWeek} is not only SAT/SUN, ${expected}`;
    }
    return undefined;
}

/** The largest value a cron field of numbers, lists, ranges, steps or `*` can take; undefined for any other item. */
function latest(field: string, max: number): number | undefined {
    let result = -1;
    for (const item of field.split(",")) {
        const match = /^(\*|\d{1,2})(?:-(\d{1,2}))?(?:\/(\d{1,2}))?$/.exec(item);
        if (!match) {
            return undefined;
        }
        const first = match[1] === "*" ? 0 : Number(match[1]);
        const last = match[2] !== undefined ? Number(match[2]) : match[1] === "*" || match[3] !== undefined ? max : first;
        const step = match[3] !== undefined ? Number(match[3]) : 1;
        if (first > max || last > max || step < 1) {
            return undefined;
        }
        result = Math.max(result, last < first ? max : first + Math.floor((last - first) / step) * step);
    }
    return result;
}

/**
 * Why a window opening on `schedule` (already on a weekend: {@link weekendScheduleProblem}) and
 * open `durationHours` would still run on a weekday, or `undefined` when it closes by Sunday 24:00
 * in its time zone: a Sunday opening whose latest start plus duration passes midnight runs into
 * Monday. (A Saturday opening closes on Sunday at the latest: windows last at most 24 hours.)
 */
export function weekendCloseProblem(schedule: string, durationHours: number): string | undefined {
    const fields = cronFields(schedule);
    if (fields === undefined || !fields[4]!.toUpperCase().split(",").some((item) => SUNDAY.test(item))) {
        return undefined;
    }
    const hour = latest(fields[1]!, 23);
    const minute = latest(fields[0]!, 59);
    if (hour === undefined || minute === undefined) {
        return `schedule: ${schedule} is not allowed; its opening hour and minute cannot be read, so the window may run into Monday`;
    }
    const closes = hour * 60 + minute + durationHours * 60;
    if (closes > 24 * 60) {
        const at = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
        return `schedule: ${schedule} with a ${durationHours}-hour window opens on Sunday as late as ${at} and runs into Monday; expected the window to close by Sunday 24:00`;
    }
    return undefined;
}

const RDS_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/**
 * Why an RDS `maintenanceWindow` (`ddd:hh24:mi-ddd:hh24:mi`, UTC: RDS API Reference,
 * CreateDBInstance, PreferredMaintenanceWindow) is not on a weekend, or `undefined` when it starts
 * and ends on Saturday or Sunday without wrapping through the week. Unset, RDS picks "a 30-minute
 * window selected at random from an 8-hour block of time for each AWS Region, occurring on a
 * random day of the week" (same source): a weekday as likely as not.
 */
export function weekendDatabaseWindowProblem(window: unknown): string | undefined {
    const expected = 'expected a window from Saturday 00:00 to Sunday 24:00 UTC, e.g. "sun:02:00-sun:03:00"';
    if (window === undefined || window === null || window === "") {
        return `maintenanceWindow is not set: RDS then picks a random day of the week; ${expected}`;
    }
    const match = typeof window === "string" ? /^([a-z]{3}):(\d{2}):(\d{2})-([a-z]{3}):(\d{2}):(\d{2})$/.exec(window.toLowerCase()) : null;
    const startDay = match ? RDS_DAYS.indexOf(match[1] as (typeof RDS_DAYS)[number]) : -1;
    const endDay = match ? RDS_DAYS.indexOf(match[4] as (typeof RDS_DAYS)[number]) : -1;
    if (!match || startDay < 0 || endDay < 0) {
        return `maintenanceWindow ${JSON.stringify(window)} is not ddd:hh24:mi-ddd:hh24:mi; ${expected}`;
    }
    // Minutes from Saturday 00:00; a weekend window starts and ends within Saturday and Sunday, in order.
    const fromSaturday = (day: number, hour: string, minute: string) => ((day + 1) % 7) * 1440 + Number(hour) * 60 + Number(minute);
    const start = fromSaturday(startDay, match[2]!, match[3]!);
    const end = fromSaturday(endDay, match[5]!, match[6]!);
    if (start >= 2 * 1440 || end > 2 * 1440 || end <= start) {
        return `maintenanceWindow "${window}" is not within the weekend; ${expected}`;
    }
    return undefined;
}
