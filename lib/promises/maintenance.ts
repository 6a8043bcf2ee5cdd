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

/** The smallest value a cron field of numbers, lists, ranges, steps or `*` can take; undefined for any other item. */
function earliest(field: string, max: number): number | undefined {
    let result = Number.POSITIVE_INFINITY;
    for (const item of field.split(",")) {
        const match = /^(\*|\d{1,2})(?:-(\d{1,2}))?(?:\/(\d{1,2}))?$/.exec(item);
        if (!match || (match[1] !== "*" && Number(match[1]) > max)) {
            return undefined;
        }
        result = Math.min(result, match[1] === "*" ? 0 : Number(match[1]));
    }
    return result;
}

/** Zones that are UTC all year, whose windows the weekend day and close checks judge as written. */
const UTC_ZONES = new Set(["UTC", "ETC/UTC", "ETC/UCT", "UCT", "ETC/UNIVERSAL", "UNIVERSAL", "ETC/ZULU", "ZULU", "ETC/GMT", "GMT", "ETC/GMT0", "ETC/GMT+0", "ETC/GMT-0", "GMT0", "GMT+0", "GMT-0", "ETC/GREENWICH", "GREENWICH"]);

/** Whether a window's `scheduleTimezone` is UTC all year (unset is UTC). */
export function isUtcZone(timeZone: unknown): boolean {
    return timeZone === undefined || timeZone === null || timeZone === "" || (typeof timeZone === "string" && UTC_ZONES.has(timeZone.toUpperCase()));
}

const offsetsOfZone = new Map<string, number[] | undefined>();

/**
 * The offsets from UTC, in minutes, `zone` (IANA) takes over 2024 to 2028, sampled weekly at fixed
 * dates (no clock is read); undefined for a zone the runtime does not know.
 */
function zoneOffsets(zone: string): number[] | undefined {
    if (offsetsOfZone.has(zone)) {
        return offsetsOfZone.get(zone);
    }
    let offsets: number[] | undefined;
    try {
        const format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
        const found = new Set<number>();
        for (let at = Date.UTC(2024, 0, 1); at < Date.UTC(2029, 0, 1); at += 7 * 86_400_000 + 3_600_000) {
            const name = format.formatToParts(new Date(at)).find((part) => part.type === "timeZoneName")?.value ?? "";
            const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
            if (!match) {
                throw new Error(`unreadable offset ${name}`);
            }
            found.add(match[1] === undefined ? 0 : (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])));
        }
        offsets = [...found].sort((a, b) => a - b);
    } catch {
        offsets = undefined;
    }
    offsetsOfZone.set(zone, offsets);
    return offsets;
}

const WEEK_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** Minutes from Saturday 00:00 as "Friday 12:00" (any day of the week before or after). */
function weekTime(minutes: number): string {
    const fromMonday = (((minutes + 5 * 1440) % (7 * 1440)) + 7 * 1440) % (7 * 1440);
    const day = WEEK_DAYS[Math.floor(fromMonday / 1440)]!;
    const inDay = fromMonday % 1440;
    return `${day} ${String(Math.floor(inDay / 60)).padStart(2, "0")}:${String(inDay % 60).padStart(2, "0")}`;
}

/**
 * Why a window on `schedule` (already on SAT/SUN in its zone: {@link weekendScheduleProblem}), open
 * `durationHours`, in `timeZone` (SSM's ScheduleTimezone, IANA; unset is UTC) would open or run
 * outside the weekend in UTC, Saturday 00:00 to Sunday 24:00, or undefined when it stays inside at
 * every offset the zone takes. The weekend promised (security documentation, 5.2) is the service's,
 * which runs on UTC (its backup times are given in UTC, RDS windows are UTC, the program's windows
 * are UTC): "Saturday 02:00" in Pacific/Kiritimati is Friday 12:00 UTC, a working day.
 */
export function weekendUtcProblem(schedule: string, durationHours: number, timeZone: unknown): string | undefined {
    if (isUtcZone(timeZone)) {
        return undefined;
    }
    const expected = "expected the window within the service's weekend in UTC, Saturday 00:00 to Sunday 24:00 (or scheduleTimezone UTC)";
    const offsets = typeof timeZone === "string" ? zoneOffsets(timeZone) : undefined;
    if (offsets === undefined) {
        return `scheduleTimezone ${JSON.stringify(timeZone)} is not a time zone the policy can read, so the window's day in UTC cannot be told; ${expected}`;
    }
    const fields = cronFields(schedule);
    const hourFirst = fields && earliest(fields[1]!, 23);
    const hourLast = fields && latest(fields[1]!, 23);
    const minuteFirst = fields && earliest(fields[0]!, 59);
    const minuteLast = fields && latest(fields[0]!, 59);
    if (!fields || hourFirst === undefined || hourLast === undefined || minuteFirst === undefined || minuteLast === undefined) {
        return `schedule: ${schedule} in scheduleTimezone ${timeZone}: its opening hour and minute cannot be read, so the window's day in UTC cannot be told; ${expected}`;
    }
    for (const item of fields[4]!.toUpperCase().split(",")) {
        const dayStart = SUNDAY.test(item) ? 1440 : 0;
        for (const offset of offsets) {
            const opens = dayStart + hourFirst * 60 + minuteFirst - offset;
            const closes = dayStart + hourLast * 60 + minuteLast + durationHours * 60 - offset;
            if (opens < 0 || closes > 2 * 1440) {
                const sign = offset < 0 ? "-" : "+";
                const zoneOffset = `UTC${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0")}:${String(Math.abs(offset) % 60).padStart(2, "0")}`;
                return `schedule: ${schedule} in scheduleTimezone ${timeZone} (${zoneOffset}) with a ${durationHours}-hour window runs from ${weekTime(opens)} to ${weekTime(closes)} UTC, outside the weekend; ${expected}`;
            }
        }
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
