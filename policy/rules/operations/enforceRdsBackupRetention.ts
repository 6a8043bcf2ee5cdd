// RDS's own automated backups: point-in-time recovery for a week, beside AWS Backup's copies.

import { PolicyResource, ResourceRule } from "../types";

/** Days of automated backups every RDS instance keeps at least. */
export const MIN_RDS_BACKUP_RETENTION_DAYS = 7;

function retentionProblems(instance: PolicyResource): string[] {
    const period = instance.props.backupRetentionPeriod;
    if (period === undefined || period === null) {
        return [`backupRetentionPeriod is not set (RDS then keeps 1 day); expected at least ${MIN_RDS_BACKUP_RETENTION_DAYS}`];
    }
    if (typeof period !== "number" || period < MIN_RDS_BACKUP_RETENTION_DAYS) {
        return [`backupRetentionPeriod is ${JSON.stringify(period)}; expected at least ${MIN_RDS_BACKUP_RETENTION_DAYS} days`];
    }
    return [];
}

export const enforceRdsBackupRetention: ResourceRule = {
    kind: "resource",
    name: "rds-instance-backup-retention",
    description: `Every RDS instance keeps automated backups at least ${MIN_RDS_BACKUP_RETENTION_DAYS} days (backupRetentionPeriod >= ${MIN_RDS_BACKUP_RETENTION_DAYS}).`,
    why:
        "Automated backups give point-in-time recovery to any second of the retention: the 2-hourly backups of the promise bound the loss, RDS's own log backups " +
        "make it minutes, and a week covers a mistake found after a weekend.",
    enforcement: "mandatory",
    resourceTypes: ["aws:rds/instance:Instance"],
    validate: retentionProblems,
};
