// The service's backup promise as data: one source for the Backup component, the plan summary and
// the policy pack, so that what is sold, what is deployed and what is checked cannot drift apart.

/** What a rule backs up: the tenant's database, or its files (web-files bucket and server volumes). */
export type BackupTarget = "database" | "files";

/**
 * Which vault a retention applies to: `home`, the vault in the tenant's own region where every
 * backup job runs (the promise's "main server" / "production server"); `offsite`, the vault in the
 * off-site region that AWS Backup copy actions fill (the promise's "backup server").
 */
export type BackupVaultSide = "home" | "offsite";

/** Days a rule's recovery points are kept, per vault. */
export interface BackupRetention {
    /** In the home vault: the plan rule's `lifecycle.deleteAfter`. */
    readonly home: number;
    /** As the off-site copy: the off-site copy action's `lifecycle.deleteAfter`. */
    readonly offsite: number;
}

export interface BackupRule {
    /** The rule's name in AWS Backup (`[A-Za-z0-9._-]{1,50}`), unique across the promise. */
    readonly name: string;
    readonly target: BackupTarget;
    /** AWS Backup cron expression, evaluated in UTC. */
    readonly schedule: string;
    /** Days a recovery point is kept in the home vault and, as its copy, in the off-site vault. */
    readonly keepDays: BackupRetention;
    /** Minutes after the scheduled time a job may still start before AWS Backup cancels it. */
    readonly startWindowMinutes: number;
    /** Minutes after the start a job must finish within before AWS Backup cancels it. */
    readonly completionWindowMinutes: number;
}

/**
 * Days the weekly recovery points stay in the home vault. The promise keeps them a year "on the
 * backup server only" (3.6 Backup Plan: "Between 1 and 12 months ... Backup server"; 3.2: "deleted
 * from the production server after one month but a weekly backup is kept on the backup server for
 * one year"), so the home vault keeps them as briefly as AWS allows: AWS Backup makes every recovery
 * point in the home vault first and copies it off-site from there, so the source must outlive the
 * copy job (hours), and a failed copy (COPY_JOB_FAILED, notified) can be run again only while its
 * source exists: 7 days leaves operations a week to notice and re-copy. And the home vault's
 * lock refuses a point kept fewer days than its minimum (7, the 2-hourly rule's retention, see
 * vaultLockBounds). 7 days is therefore the shortest; within those 7 days the promise keeps the
 * database every 2 hours on the main server anyway, so nothing the promise offers there is lost.
 */
export const WEEKLY_HOME_DAYS = 7;

/**
 * The promise (3.1, 3.2, 3.6 "Backup Plan"): the database every 2 hours kept 7 days and daily kept
 * 31 days, on the main server and the backup server both; weekly (Monday) kept 12 months on the
 * backup server only. The web files daily at 01:00 UTC kept 31 days on both; weekly kept 12 months
 * on the backup server only. `keepDays.home` is the main (production) server's, the home-region
 * vault; `keepDays.offsite` the backup server's, the off-site vault. A weekly point is held at
 * home only until it is safely copied (WEEKLY_HOME_DAYS).
 *
 * The 2-hourly job must finish before the next one is due, hence its 2-hour completion window.
 * The nightly jobs run at 01:00 UTC and the weekly ones at 03:00 UTC on Monday, after the
 * database's Sunday maintenance window, outside European business hours.
 */
export const BACKUP_PROMISE: readonly BackupRule[] = [
    { name: "database-every-2-hours", target: "database", schedule: "cron(0 0/2 * * ? *)", keepDays: { home: 7, offsite: 7 }, startWindowMinutes: 60, completionWindowMinutes: 120 },
    { name: "database-daily", target: "database", schedule: "cron(0 1 * * ? *)", keepDays: { home: 31, offsite: 31 }, startWindowMinutes: 60, completionWindowMinutes: 360 },
    { name: "database-weekly", target: "database", schedule: "cron(0 3 ? * MON *)", keepDays: { home: WEEKLY_HOME_DAYS, offsite: 365 }, startWindowMinutes: 60, completionWindowMinutes: 720 },
    { name: "files-daily", target: "files", schedule: "cron(0 1 * * ? *)", keepDays: { home: 31, offsite: 31 }, startWindowMinutes: 60, completionWindowMinutes: 480 },
    { name: "files-weekly", target: "files", schedule: "cron(0 3 ? * MON *)", keepDays: { home: WEEKLY_HOME_DAYS, offsite: 365 }, startWindowMinutes: 60, completionWindowMinutes: 720 },
];

/**
 * How long the final on-demand backup taken before a tenant stack is destroyed (the "special
 * snapshot" of 3.5, scripts/lib/ops/backup.ts) is kept: 12 months, like the weekly backups. It is
 * made in the home vault (an on-demand job runs where the stack's backups run), so the home
 * vault's lock must admit it (vaultLockBounds).
 */
export const FINAL_BACKUP_RETENTION_DAYS = 365;

/** The rules of one target, in promise order. */
export function rulesFor(target: BackupTarget, promise: readonly BackupRule[] = BACKUP_PROMISE): BackupRule[] {
    return promise.filter((rule) => rule.target === target);
}

/**
 * The shortest and the longest retention of the promise's rules: in one vault (`side`), or across
 * both when no side is given.
 */
export function retentionBounds(promise: readonly BackupRule[] = BACKUP_PROMISE, side?: BackupVaultSide): { minDays: number; maxDays: number } {
    const days = promise.flatMap((rule) => (side === undefined ? [rule.keepDays.home, rule.keepDays.offsite] : [rule.keepDays[side]]));
    return { minDays: Math.min(...days), maxDays: Math.max(...days) };
}

/**
 * The retentions a vault's lock must admit, from the recovery points that land in it (AWS Backup
 * fails a backup or copy job whose retention is outside its vault's lock: AWS Backup Developer
 * Guide, "AWS Backup Vault Lock"). The off-site vault receives the rules' off-site copies: 7 to 365
 * days. The home vault receives the rules' own points (7 to 31 days since the weekly points leave
 * it after WEEKLY_HOME_DAYS) and also the final on-demand backup before a destroy, kept
 * FINAL_BACKUP_RETENTION_DAYS (365): so its lock must still reach 365 days, and the lock cannot be
 * what keeps a weekly point from staying a year at home; the policy rule backup-plan-promise is.
 */
export function vaultLockBounds(side: BackupVaultSide, promise: readonly BackupRule[] = BACKUP_PROMISE): { minDays: number; maxDays: number } {
    const rules = retentionBounds(promise, side);
    return side === "home" ? { minDays: Math.min(rules.minDays, FINAL_BACKUP_RETENTION_DAYS), maxDays: Math.max(rules.maxDays, FINAL_BACKUP_RETENTION_DAYS) } : rules;
}

const DAY_NAMES: Readonly<Record<string, string>> = {
    SUN: "Sunday", MON: "Monday", TUE: "Tuesday", WED: "Wednesday", THU: "Thursday", FRI: "Friday", SAT: "Saturday",
};

function twoDigits(value: number): string {
    return String(value).padStart(2, "0");
}

function wholeNumber(field: string, value: string, max: number, expression: string): number {
    if (!/^\d+$/.test(value) || Number(value) > max) {
        throw new Error(`${expression}: ${field} "${value}" is not a whole number from 0 to ${max}`);
    }
    return Number(value);
}

/**
 * A schedule in words, for the plan summary and customer-facing documents: `cron(0 0/2 * * ? *)`
 * is "every 2 hours from 00:00 UTC", `cron(0 1 * * ? *)` "daily at 01:00 UTC",
 * `cron(0 3 ? * MON *)` "weekly on Monday at 03:00 UTC". Covers the shapes a backup promise uses
 * (fixed minute; fixed or stepped hour; every day or named weekdays; every month and year) and
 * throws on any other, so that a summary never prints a wrong sentence.
 */
export function describeCron(expression: string): string {
    const match = /^cron\((.*)\)$/.exec(expression.trim());
    const fields = match?.[1]?.trim().split(/\s+/) ?? [];
    if (fields.length !== 6) {
        throw new Error(`${expression}: expected cron(minutes hours day-of-month month day-of-week year)`);
    }
    const [minuteField, hourField, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
    if (month !== "*" || year !== "*") {
        throw new Error(`${expression}: only schedules that run every month of every year can be described`);
    }
    const minute = wholeNumber("minute", minuteField, 59, expression);

    let days: string;
    if ((dayOfMonth === "*" || dayOfMonth === "?") && (dayOfWeek === "*" || dayOfWeek === "?") && dayOfMonth !== dayOfWeek) {
        days = "daily";
    } else if (dayOfMonth === "?" && /^[A-Z]{3}(,[A-Z]{3})*$/.test(dayOfWeek) && dayOfWeek.split(",").every((day) => day in DAY_NAMES)) {
        const names = dayOfWeek.split(",").map((day) => DAY_NAMES[day] as string);
        days = `weekly on ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`}`;
    } else {
        throw new Error(`${expression}: day-of-month "${dayOfMonth}" with day-of-week "${dayOfWeek}" cannot be described`);
    }

    const stepped = /^(\d+)\/(\d+)$/.exec(hourField);
    if (stepped) {
        const first = wholeNumber("hour", stepped[1] as string, 23, expression);
        const step = wholeNumber("hour step", stepped[2] as string, 23, expression);
        if (step < 1) {
            throw new Error(`${expression}: hour step "${stepped[2]}" must be at least 1`);
        }
        const every = step === 1 ? "every hour" : `every ${step} hours`;
        return `${every} from ${twoDigits(first)}:${twoDigits(minute)} UTC${days === "daily" ? "" : `, ${days}`}`;
    }
    const hour = wholeNumber("hour", hourField, 23, expression);
    return `${days} at ${twoDigits(hour)}:${twoDigits(minute)} UTC`;
}

function daysInWords(days: number): string {
    return days === 365 ? "12 months" : `${days} day${days === 1 ? "" : "s"}`;
}

/**
 * One rule in words, e.g. "database daily at 01:00 UTC, kept 31 days, copied off-site" (the same
 * days in both vaults) or "database weekly on Monday at 03:00 UTC, kept 7 days at home and 12 months
 * off-site".
 */
export function describeRule(rule: BackupRule): string {
    const { home, offsite } = rule.keepDays;
    const kept = home === offsite ? `kept ${daysInWords(home)}, copied off-site` : `kept ${daysInWords(home)} at home and ${daysInWords(offsite)} off-site`;
    return `${rule.target} ${describeCron(rule.schedule)}, ${kept}`;
}

/**
 * How many times a schedule of the shapes {@link describeCron} knows runs in a week: the hours of
 * a day it fires at, times the weekdays it fires on.
 */
export function runsPerWeek(expression: string): number {
    describeCron(expression); // throws on a shape this cannot count either
    const fields = /^cron\((.*)\)$/.exec(expression.trim())![1]!.trim().split(/\s+/);
    const [, hourField, , , dayOfWeek] = fields as [string, string, string, string, string, string];
    const stepped = /^(\d+)\/(\d+)$/.exec(hourField);
    const hoursPerDay = stepped ? Math.floor((23 - Number(stepped[1])) / Number(stepped[2])) + 1 : 1;
    const daysPerWeek = /^[A-Z]{3}(,[A-Z]{3})*$/.test(dayOfWeek) ? dayOfWeek.split(",").length : 7;
    return hoursPerDay * daysPerWeek;
}

/**
 * The most recovery points a schedule keeps alive at once when each is kept `deleteAfterDays`: its
 * runs within that time, counted just after a run (the peak, which is what a quota must allow).
 * For the promise's database, in the home vault: 12 a day for 7 days = 84, daily for 31 days = 31,
 * weekly for 7 days = 1: 116 snapshots per database at the peak; off-site: 84 + 31 + weekly for
 * 365 days = 53 (52.14 on average) = 168.
 */
export function recoveryPointsKept(rule: { readonly schedule: string; readonly deleteAfterDays: number }): number {
    return Math.ceil((rule.deleteAfterDays * runsPerWeek(rule.schedule)) / 7);
}

/**
 * The vault events operations are told about, so that a failed or expired backup and a failed
 * off-site copy reach somebody. AWS Backup's PutBackupVaultNotifications accepts 17 values
 * (botocore 1.29.27 `backup` model, shape BackupVaultEvent), but its API reference lists
 * BACKUP_JOB_FAILED, BACKUP_JOB_EXPIRED, RESTORE_JOB_FAILED and the other *_SUCCESSFUL/*_FAILED job
 * events except COPY_JOB_* as deprecated: "Deprecated events do not return statuses or notifications"
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultNotifications.html).
 * A failed, expired or aborted backup job is announced as BACKUP_JOB_COMPLETED, its outcome in the
 * message attribute `State` (FAILED, EXPIRED, ABORTED, COMPLETED) on which a subscription filters;
 * a failed copy as COPY_JOB_FAILED, from the vault the copy leaves; an S3 backup that skipped
 * objects as S3_BACKUP_OBJECT_FAILED.
 */
export const BACKUP_VAULT_EVENTS = ["BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED", "S3_BACKUP_OBJECT_FAILED"] as const;

/** Events AWS Backup accepts but, deprecated, never sends (same source): subscribing to them alone warns nobody. */
export const DEPRECATED_BACKUP_VAULT_EVENTS = [
    "BACKUP_JOB_SUCCESSFUL",
    "BACKUP_JOB_FAILED",
    "BACKUP_JOB_EXPIRED",
    "RESTORE_JOB_SUCCESSFUL",
    "RESTORE_JOB_FAILED",
    "BACKUP_PLAN_CREATED",
    "BACKUP_PLAN_MODIFIED",
] as const;

/** What each required event reports, for messages. */
export const BACKUP_VAULT_EVENT_PURPOSES: Readonly<Record<(typeof BACKUP_VAULT_EVENTS)[number], string>> = {
    BACKUP_JOB_COMPLETED: "failed and expired backup jobs (their State)",
    COPY_JOB_FAILED: "failed off-site copies",
    S3_BACKUP_OBJECT_FAILED: "S3 objects a backup skipped",
};
