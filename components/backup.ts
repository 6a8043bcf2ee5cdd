import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { BACKUP_PROMISE, BACKUP_VAULT_EVENTS, BackupRule, BackupTarget, rulesFor, vaultLockBounds } from "../lib/promises/backup-schedule";
import { keyPolicy } from "./encryption-keys";
import { componentType } from "./types";
import { fittedName, NAME_LIMITS } from "../lib/naming";

export interface BackupArgs {
    /** The tenant's backup key (EncryptionKeys.backupKeyArn), encrypting the home-region vault. Required. */
    readonly backupKeyArn: pulumi.Input<string>;
    /** The region holding the off-site copies, e.g. `eu-central-1` for `eu-west-1`. Required. */
    readonly offsiteRegion: string;
    /**
     * A provider for `offsiteRegion` (with the stack's default tags). Required: the off-site
     * vault and its key are created through it, never through the stack's own provider.
     */
    readonly offsiteProvider: aws.Provider;
    /** RDS instance ARNs backed up on the database schedule. Required, at least one. */
    readonly databaseArns: pulumi.Input<string>[];
    /** The web-files bucket's ARN, backed up on the files schedule. Required. */
    readonly filesBucketArn: pulumi.Input<string>;
    /** EC2 instance ARNs whose volumes are backed up on the files schedule. Default: none. */
    readonly instanceArns?: pulumi.Input<string>[];
    /**
     * A second copy of the weekly recovery points, into a vault of another region that restores and
     * restore tests there (a dedicated-saas tenant whose off-site region is not its platform
     * recovery's: the recovery's copy vault), kept `deleteAfterDays` there (at most the weekly rules'
     * off-site retention, which the policy enforces). A copy action of the weekly rules: its source
     * is the home vault's weekly point, kept there WEEKLY_HOME_DAYS, long enough for the copy. Default: none.
     */
    readonly recoveryCopy?: { readonly vaultArn: pulumi.Input<string>; readonly deleteAfterDays: number };
    /**
     * Shortest retention the vault locks (home and off-site) accept. Default: 7 days, the shortest
     * retention landing in either vault (vaultLockBounds); must not exceed it, or a vault would
     * refuse the promise's own recovery points.
     */
    readonly lockMinRetentionDays?: number;
    /**
     * Longest retention the vault locks (home and off-site) accept. Default: 366 days; must be at
     * least the longest landing in each vault (vaultLockBounds: 365 in both, the off-site vault for
     * the weekly copies, the home vault for the final backup before a destroy).
     */
    readonly lockMaxRetentionDays?: number;
    /**
     * SNS topic of the stack's own region and account (AWS Backup notifies no other account; its
     * policy and key must let `backup.amazonaws.com` publish) told about failed and expired backup
     * jobs and failed off-site copies of the home vault (BACKUP_VAULT_EVENTS). Required: a failed
     * backup nobody hears of breaks the promise as surely as no backup.
     */
    readonly notificationTopicArn: pulumi.Input<string>;
}

/** AWS managed policies the backup role needs: backup and restore, including the S3 ones. */
export const BACKUP_ROLE_POLICY_ARNS: Readonly<Record<string, string>> = {
    backup: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    restores: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "s3-backup": "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "s3-restore": "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
};

/** Services that use the off-site key when AWS Backup copies recovery points into its region. */
const OFFSITE_KEY_SERVICES = ["backup", "rds", "ec2", "s3"];

/**
 * What is wrong with the vault-lock bounds for a promise, one sentence per problem; empty when valid.
 * The bounds are checked per vault against the retentions that land in it (vaultLockBounds): the
 * home vault's rules keep 7 to 31 days, but the final backup before a destroy is kept 365 days
 * there too; the off-site vault's copies keep 7 to 365 days. One pair of bounds serves both locks,
 * so it must admit both vaults' retentions.
 */
export function lockRetentionProblems(minDays: number, maxDays: number, promise: readonly BackupRule[] = BACKUP_PROMISE): string[] {
    const home = vaultLockBounds("home", promise);
    const offsite = vaultLockBounds("offsite", promise);
    const shortest = Math.min(home.minDays, offsite.minDays);
    const longest = Math.max(home.maxDays, offsite.maxDays);
    const problems: string[] = [];
    if (!Number.isInteger(minDays) || minDays < 1 || minDays > shortest) {
        problems.push(`lockMinRetentionDays: ${minDays} is not allowed; expected a whole number of days from 1 to ${shortest}, the shortest retention in a vault (home ${home.minDays}, off-site ${offsite.minDays})`);
    }
    if (!Number.isInteger(maxDays) || maxDays < longest || maxDays > 36500) {
        problems.push(
            `lockMaxRetentionDays: ${maxDays} is not allowed; expected a whole number of days from ${longest}, the longest retention in a vault (home ${home.maxDays} with the final backup, off-site ${offsite.maxDays}), to 36500`,
        );
    }
    return problems;
}

/**
 * The tenant's backups, as the service promises them (BACKUP_PROMISE): a locked vault in the
 * tenant's region and a locked vault with its own key in the off-site region, one backup plan per
 * target (an AWS Backup selection applies to every rule of its plan, so the database and the files
 * cannot share one), and every recovery point copied off-site. Each rule keeps its points at home
 * `keepDays.home` and off-site `keepDays.offsite`: the weekly ones a year off-site (the "backup
 * server") but only WEEKLY_HOME_DAYS (7) at home, long enough for the copy.
 *
 * The vault locks are in governance mode: recovery points cannot be deleted early or kept outside
 * the lock's bounds except by a principal granted `backup:DeleteBackupVaultLockConfiguration`.
 * Compliance mode (set `changeableForDays`, at least 3, on the two `aws.backup.VaultLockConfiguration`s)
 * makes the lock immutable after that grace period: nobody, the root user and AWS included, can
 * then shorten retention, delete a recovery point early or delete the vault. It is not the default
 * because a wrong retention would then be permanent for years, and a tenant's verified request to
 * erase its data before the retention ends could not be honoured; choose it per tenant by contract.
 */
export class Backup extends pulumi.ComponentResource {
    public readonly vaultArn: pulumi.Output<string>;
    public readonly offsiteVaultArn: pulumi.Output<string>;
    /** The role AWS Backup works with: an on-demand backup (before a destroy) runs as it too. */
    public readonly roleArn: pulumi.Output<string>;
    /** Backup plan ids by target. */
    public readonly planIds: pulumi.Output<Record<BackupTarget, string>>;
    /** Backup plan ARNs by target. */
    public readonly planArns: pulumi.Output<Record<BackupTarget, string>>;

    constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("data", "Backup"), name, {}, opts);

        const lockMinRetentionDays = args.lockMinRetentionDays ?? 7;
        const lockMaxRetentionDays = args.lockMaxRetentionDays ?? 366;
        const problems = lockRetentionProblems(lockMinRetentionDays, lockMaxRetentionDays);
        if (args.databaseArns.length === 0) {
            problems.push("databaseArns: none given; expected the ARNs of the tenant's database instances");
        }
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`${name}: ${problems.join("; ")}`, this);
        }
        const home: pulumi.CustomResourceOptions = { parent: this };
        const offsite: pulumi.CustomResourceOptions = { parent: this, provider: args.offsiteProvider };
        // Destroying the stack leaves the vaults, their recovery points and their locks in place.
        const keep = { retainOnDelete: true };

        // Vault names are fixed (AWS Backup: `^[a-zA-Z0-9\-\_]{2,50}$`, which `<name>-offsite-vault-<7 hex>`
        // exceeds for long tenant ids and region names). A fixed name cannot be replaced
        // create-before-delete, and must not be: the vaults are kept on delete and locked, so a change
        // that would replace one fails at AWS (name taken) instead of orphaning the recovery points.
        const vault = new aws.backup.Vault(
            `${name}-vault`,
            { name: fittedName(`${name}-vault`, NAME_LIMITS.backupVault), kmsKeyArn: args.backupKeyArn, forceDestroy: false, tags: { tier: "data" } },
            { ...home, ...keep },
        );
        new aws.backup.VaultLockConfiguration(
            `${name}-vault-lock`,
            { backupVaultName: vault.name, minRetentionDays: lockMinRetentionDays, maxRetentionDays: lockMaxRetentionDays },
            { ...home, ...keep },
        );

        // The off-site copies get their own key in their own region: losing (or losing access to)
        // the home region's key must not make the copies unreadable.
        const identity = aws.getCallerIdentityOutput({}, offsite);
        const offsiteKey = new aws.kms.Key(
            `${name}-offsite-key`,
            {
                description: `Off-site backup key of ${name} in ${args.offsiteRegion}`,
                keyUsage: "ENCRYPT_DECRYPT",
                customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: identity.accountId.apply((accountId) =>
                    keyPolicy({ accountId, region: args.offsiteRegion, userArns: [], viaServices: OFFSITE_KEY_SERVICES, allowCloudWatchLogs: false }),
                ),
            },
            { ...offsite, ...keep },
        );
        new aws.kms.Alias(`${name}-offsite-key-alias`, { name: `alias/${name}/offsite-backup`, targetKeyId: offsiteKey.keyId }, offsite);
        const offsiteVault = new aws.backup.Vault(
            `${name}-offsite-vault`,
            { name: fittedName(`${name}-offsite-vault`, NAME_LIMITS.backupVault), kmsKeyArn: offsiteKey.arn, forceDestroy: false, tags: { tier: "data" } },
            { ...offsite, ...keep },
        );
        new aws.backup.VaultLockConfiguration(
            `${name}-offsite-vault-lock`,
            { backupVaultName: offsiteVault.name, minRetentionDays: lockMinRetentionDays, maxRetentionDays: lockMaxRetentionDays },
            { ...offsite, ...keep },
        );

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `AWS Backup of ${name}: backs up and restores the tenant's database, files and servers`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            home,
        );
        const attachments = Object.entries(BACKUP_ROLE_POLICY_ARNS).map(
            ([suffix, policyArn]) => new aws.iam.RolePolicyAttachment(`${name}-role-${suffix}`, { role: role.name, policyArn }, home),
        );

        const plan = (target: BackupTarget, resources: pulumi.Input<string>[]): aws.backup.Plan => {
            const created = new aws.backup.Plan(
                `${name}-${target}-plan`,
                {
                    rules: rulesFor(target).map((rule) => ({
                        ruleName: rule.name,
                        targetVaultName: vault.name,
                        schedule: rule.schedule,
                        startWindow: rule.startWindowMinutes,
                        completionWindow: rule.completionWindowMinutes,
                        // Home and off-site retentions differ for the weekly rules (a year on the backup server only).
                        lifecycle: { deleteAfter: rule.keepDays.home },
                        copyActions: [
                            { destinationVaultArn: offsiteVault.arn, lifecycle: { deleteAfter: rule.keepDays.offsite } },
                            ...(args.recoveryCopy && rule.name.endsWith("-weekly")
                                ? [{ destinationVaultArn: args.recoveryCopy.vaultArn, lifecycle: { deleteAfter: args.recoveryCopy.deleteAfterDays } }]
                                : []),
                        ],
                        recoveryPointTags: { "backup-rule": rule.name },
                    })),
                    tags: { tier: "data" },
                },
                home,
            );
            // The role must carry its policies before AWS Backup accepts it for a selection.
            // Fixed name: AWS Backup's `^[a-zA-Z0-9\-\_\.]{1,50}$` has no room for the generated suffix.
            // Every input of a selection forces its replacement; deleting the old one first (a leaf,
            // nothing refers to it) keeps the fixed name from colliding with its successor.
            new aws.backup.Selection(
                `${name}-${target}-selection`,
                { name: fittedName(`${name}-${target}-selection`, NAME_LIMITS.backupSelection), planId: created.id, iamRoleArn: role.arn, resources },
                { ...home, dependsOn: attachments, deleteBeforeReplace: true },
            );
            return created;
        };
        const databasePlan = plan("database", args.databaseArns);
        const filesPlan = plan("files", [args.filesBucketArn, ...(args.instanceArns ?? [])]);

        // BACKUP_JOB_COMPLETED carries the job's state (FAILED, EXPIRED ...): operations filter on it.
        // Only the home vault: every job of the promise runs there, and a copy is a job of the vault
        // it leaves (COPY_JOB_FAILED here). The off-site vault only receives copies; restores from it
        // are started by an operator who watches them; and its region has no operations topic.
        new aws.backup.VaultNotifications(
            `${name}-vault-notifications`,
            { backupVaultName: vault.name, snsTopicArn: args.notificationTopicArn, backupVaultEvents: [...BACKUP_VAULT_EVENTS] },
            home,
        );

        this.vaultArn = vault.arn;
        this.offsiteVaultArn = offsiteVault.arn;
        this.roleArn = role.arn;
        this.planIds = pulumi.output({ database: databasePlan.id, files: filesPlan.id });
        this.planArns = pulumi.output({ database: databasePlan.arn, files: filesPlan.arn });
        this.registerOutputs({ vaultArn: this.vaultArn, offsiteVaultArn: this.offsiteVaultArn, roleArn: this.roleArn, planIds: this.planIds, planArns: this.planArns });
    }
}
