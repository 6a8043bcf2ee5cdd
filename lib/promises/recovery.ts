// The backup environment's promises as data (security documentation, section 4 "Backup
// Environment"): the recovery environment active within two hours of a collapse, and the monthly
// restore test that proves the off-site copies restore. One source for the stacks that build the
// restore testing, the policy pack that checks it and `npm run dr` that times the activation.

import type { BackupTarget } from "./backup-schedule";

/** The promise signed to customers: the backup servers active within two hours of a collapse. */
export const RECOVERY_TIME_PROMISE_MINUTES = 120;

/**
 * What the monthly restore test restores, per target of the backup promise: the AWS Backup
 * protected resource types (RestoreTestingSelection `protectedResourceType`) that hold it. A
 * database is an RDS instance (or Aurora cluster), or, on a physical tenant's database server, the
 * EC2 instance (and its EBS volumes); the files are the S3 files bucket. Names as AWS Backup spells
 * them (AWS Backup Developer Guide, "Restore testing", supported resource types).
 */
export const RESTORE_TEST_RESOURCE_TYPES: Readonly<Record<BackupTarget, readonly string[]>> = {
    database: ["RDS", "Aurora", "EC2", "EBS"],
    files: ["S3"],
};

/**
 * How the restore test picks its recovery point: the newest one of the last month, so that the
 * copy an incident would restore from is the one tested (a random or old point proves little about
 * tonight's copy). AWS Backup's `RestoreTestingRecoveryPointSelection`: `algorithm`
 * LATEST_WITHIN_WINDOW, `selectionWindowDays` (1 to 365).
 */
export const RESTORE_TEST_ALGORITHM = "LATEST_WITHIN_WINDOW";
export const RESTORE_TEST_MAX_SELECTION_WINDOW_DAYS = 31;

/**
 * The restore test runs at least once every calendar month (a broken copy is found within weeks,
 * not at the incident); the recovery stacks schedule it on the first Monday of the month, 03:00 UTC.
 */
export const RESTORE_TEST_SCHEDULE = "cron(0 3 ? * 2#1 *)";

/**
 * Days a copy of a tenant's recovery point, made into the platform recovery's region for a restore
 * (its copies sit in another region), is kept: the copy vault's lock minimum, and the copy job's
 * lifetime (stacks/platform-recovery.ts, scripts/lib/dr/restore.ts).
 */
export const TENANT_COPY_DAYS = 7;

/**
 * Days the weekly copy of a dedicated-saas tenant's recovery points is kept in its platform
 * recovery's copy vault when the tenant's own off-site copies are in another region: longer than
 * the restore tests' 31-day selection window, so the monthly test always finds one there.
 */
export const RESTORE_TEST_COPY_DAYS = 35;
