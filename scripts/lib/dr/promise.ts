// The contingency plan's promises as data: the two hours within which the backup environment must
// be active after a collapse (security documentation, section 4 "Backup Environment"), and how old
// the newest off-site recovery point may be before activating from it loses more than the backup
// promise allows.

import { BACKUP_PROMISE, BackupRule, BackupTarget, rulesFor } from "../../../lib/promises/backup-schedule";
import { RECOVERY_TIME_PROMISE_MINUTES } from "../../../lib/promises/recovery";

/** The promise signed to customers (lib/promises/recovery.ts): the backup servers active within two hours of a collapse. */
export { RECOVERY_TIME_PROMISE_MINUTES };
export const RECOVERY_TIME_PROMISE_MS = RECOVERY_TIME_PROMISE_MINUTES * 60_000;

/** Hours between two runs of a backup rule, from the cron expressions the promise uses. */
export function intervalHours(rule: BackupRule): number {
    const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(rule.schedule);
    if (!cron) {
        throw new Error(`${rule.name}: "${rule.schedule}" is not an AWS Backup cron expression`);
    }
    const [, , hours, dayOfMonth, , dayOfWeek] = cron;
    const every = /^\d+\/(\d+)$/.exec(hours!);
    if (every && dayOfMonth === "*") {
        return Number(every[1]);
    }
    if (/^\d+$/.test(hours!) && (dayOfMonth === "*" || dayOfMonth === "?") && (dayOfWeek === "?" || dayOfWeek === "*")) {
        return 24;
    }
    if (/^\d+$/.test(hours!) && /^[A-Z]{3}$/.test(dayOfWeek!)) {
        return 24 * 7;
    }
    throw new Error(`${rule.name}: cannot tell the interval of "${rule.schedule}"`);
}

/**
 * The oldest the newest recovery point of `target` may be: the most frequent rule's interval plus
 * the time its job may take to start and to finish (database: 2 h + 1 h + 2 h; files: 24 h + 1 h + 8 h).
 * Older means a backup the promise says should exist is missing: activating from it loses more data
 * than was promised, so `dr` refuses unless --force.
 */
export function maxRecoveryPointAgeMs(target: BackupTarget, promise: readonly BackupRule[] = BACKUP_PROMISE): number {
    const rules = rulesFor(target, promise);
    if (rules.length === 0) {
        throw new Error(`the backup promise has no rule for the ${target}`);
    }
    const tightest = [...rules].sort((a, b) => intervalHours(a) - intervalHours(b))[0]!;
    return (intervalHours(tightest) * 60 + tightest.startWindowMinutes + tightest.completionWindowMinutes) * 60_000;
}

/** `1 h 05 min` */
export function formatDuration(ms: number): string {
    const minutes = Math.round(ms / 60_000);
    const hours = Math.floor(minutes / 60);
    return hours > 0 ? `${hours} h ${String(minutes % 60).padStart(2, "0")} min` : `${minutes} min`;
}
