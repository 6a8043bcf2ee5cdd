import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { componentType } from "./types";

/** Days between a key's automatic rotations unless told otherwise: yearly, KMS's own default period. */
export const DEFAULT_ROTATION_PERIOD_DAYS = 365;

export interface EncryptionKeysArgs {
    /**
     * Prefix of the key aliases, e.g. `tenants/acme` gives `alias/tenants/acme/data` and
     * `alias/tenants/acme/backup`. Required: aliases are how operators find a tenant's keys.
     */
    readonly aliasPrefix: string;
    /** Who the keys belong to, written into their descriptions. Required. */
    readonly owner: string;
    /**
     * Days KMS waits before deleting a key scheduled for deletion, 7 to 30 ({@link KEY_DELETION_WINDOW_DAYS}).
     * Default: 30, the maximum; 7, the minimum, for `disposable` keys.
     */
    readonly deletionWindowInDays?: number;
    /**
     * Keys of a copy that is torn down (a drill's): not retained when the stack is destroyed but
     * scheduled for deletion after the shortest window KMS allows, so that no key is left behind
     * (and paid for monthly) after every drill. Never for a stack holding data that must outlive
     * it (the policy rule kms-key-retained-on-delete admits it for drill stacks only). Default:
     * false, the keys are retained on delete.
     */
    readonly disposable?: boolean;
    /** Days between automatic key rotations. Default: DEFAULT_ROTATION_PERIOD_DAYS (365). */
    readonly rotationPeriodInDays?: number;
    /**
     * Roles that may use the keys directly (encrypt, decrypt, grants): the tenant's own roles and
     * the operations role. Default: none; AWS services still use the keys on the account's behalf.
     */
    readonly userArns?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * AWS services that may use the keys for resources of this account (`kms:ViaService`), e.g.
     * `ec2`, `rds`, `s3`, `backup`. Default: ec2, rds, s3, backup, secretsmanager, sns.
     */
    readonly viaServices?: readonly string[];
    /** Let CloudWatch Logs of this region encrypt log groups of this account. Default: true. */
    readonly allowCloudWatchLogs?: boolean;
    /**
     * Further key-policy statements, for AWS services that use a key as themselves rather than on
     * a caller's behalf (CloudTrail writing logs, EventBridge or CloudWatch publishing to an
     * encrypted topic). Given the account and region. Default: none.
     */
    readonly extraStatements?: (account: { readonly accountId: string; readonly region: string }) => readonly Record<string, unknown>[];
}

/**
 * The days KMS accepts for a key's deletion window: "If you include a value, it must be between 7
 * and 30, inclusive" (KMS API Reference, ScheduleKeyDeletion PendingWindowInDays; botocore kms model).
 */
export const KEY_DELETION_WINDOW_DAYS = { min: 7, max: 30 } as const;

/** What is wrong with the args, one message per problem (empty when they are valid). */
export function encryptionKeysProblems(args: Pick<EncryptionKeysArgs, "deletionWindowInDays">): string[] {
    const days = args.deletionWindowInDays;
    if (days !== undefined && !(Number.isInteger(days) && days >= KEY_DELETION_WINDOW_DAYS.min && days <= KEY_DELETION_WINDOW_DAYS.max)) {
        return [`deletionWindowInDays: ${days} is not allowed; expected a whole number of days from ${KEY_DELETION_WINDOW_DAYS.min} to ${KEY_DELETION_WINDOW_DAYS.max} (KMS ScheduleKeyDeletion PendingWindowInDays)`];
    }
    return [];
}

/** Who administers a key versus who may use it: a key policy document, as a pure function. */
export function keyPolicy(args: {
    accountId: string;
    region: string;
    userArns: readonly string[];
    viaServices: readonly string[];
    allowCloudWatchLogs: boolean;
    extraStatements?: readonly Record<string, unknown>[];
}): string {
    const root = `arn:aws:iam::${args.accountId}:root`;
    const use = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];
    const statements: Record<string, unknown>[] = [
        {
            // Administration (not use) stays with the account's IAM, so deployers can manage the key
            // and it can never become unmanageable.
            Sid: "KeyAdministration",
            Effect: "Allow",
            Principal: { AWS: root },
            Action: [
                "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
                "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
                "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
            ],
            Resource: "*",
        },
        {
            Sid: "UseThroughAwsServices",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: [...use, "kms:CreateGrant", "kms:ListGrants"],
            Resource: "*",
            Condition: {
                StringEquals: {
                    "kms:CallerAccount": args.accountId,
                    "kms:ViaService": args.viaServices.map((service) => `${service}.${args.region}.amazonaws.com`),
                },
            },
        },
    ];
    if (args.userArns.length > 0) {
        statements.push(
            { Sid: "UseByTenantAndOperationsRoles", Effect: "Allow", Principal: { AWS: [...args.userArns] }, Action: use, Resource: "*" },
            {
                Sid: "GrantsForAwsResourcesOnly",
                Effect: "Allow",
                Principal: { AWS: [...args.userArns] },
                Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                Resource: "*",
                Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
        );
    }
    if (args.allowCloudWatchLogs) {
        statements.push({
            Sid: "CloudWatchLogsOfThisAccount",
            Effect: "Allow",
            Principal: { Service: `logs.${args.region}.amazonaws.com` },
            Action: use,
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${args.region}:${args.accountId}:log-group:*` } },
        });
    }
    statements.push(...(args.extraStatements ?? []));
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * A tenant's (or the platform's) customer-managed KMS keys: one for data at rest (volumes,
 * database, files, logs) and one for backups, kept apart so that losing one does not expose the
 * other. Both rotate automatically and are retained when the stack is destroyed: destroying a
 * tenant's stack must never make its data or backups unreadable (unless `disposable`: a drill's copy).
 */
export class EncryptionKeys extends pulumi.ComponentResource {
    /** Encrypts data at rest on the tenant's systems. */
    public readonly dataKey: aws.kms.Key;
    /** Encrypts backup vaults and the off-site copies' source recovery points. */
    public readonly backupKey: aws.kms.Key;
    public readonly dataKeyArn: pulumi.Output<string>;
    public readonly backupKeyArn: pulumi.Output<string>;

    constructor(name: string, args: EncryptionKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("security", "EncryptionKeys"), name, {}, opts);

        const problems = encryptionKeysProblems(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }
        const disposable = args.disposable ?? false;
        const deletionWindowInDays = args.deletionWindowInDays ?? (disposable ? KEY_DELETION_WINDOW_DAYS.min : KEY_DELETION_WINDOW_DAYS.max);
        const rotationPeriodInDays = args.rotationPeriodInDays ?? DEFAULT_ROTATION_PERIOD_DAYS;
        const keep: pulumi.CustomResourceOptions = { parent: this, retainOnDelete: !disposable };
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this });
        const policy = pulumi
            .all([identity.accountId, region.region, pulumi.output(args.userArns ?? [])])
            .apply(([accountId, regionName, userArns]) =>
                keyPolicy({
                    accountId,
                    region: regionName,
                    userArns,
                    viaServices: args.viaServices ?? ["ec2", "rds", "s3", "backup", "secretsmanager", "sns"],
                    allowCloudWatchLogs: args.allowCloudWatchLogs ?? true,
                    extraStatements: args.extraStatements?.({ accountId, region: regionName }),
                }),
            );

        const key = (purpose: "data" | "backup", description: string): aws.kms.Key => {
            const created = new aws.kms.Key(
                `${name}-${purpose}`,
                {
                    description: `${description} of ${args.owner}`,
                    keyUsage: "ENCRYPT_DECRYPT",
                    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                    enableKeyRotation: true,
                    rotationPeriodInDays,
                    deletionWindowInDays,
                    policy,
                },
                keep,
            );
            new aws.kms.Alias(
                `${name}-${purpose}-alias`,
                { name: `alias/${args.aliasPrefix}/${purpose}`, targetKeyId: created.keyId },
                { parent: this },
            );
            return created;
        };

        this.dataKey = key("data", "Data-at-rest key");
        this.backupKey = key("backup", "Backup key");
        this.dataKeyArn = this.dataKey.arn;
        this.backupKeyArn = this.backupKey.arn;

        this.registerOutputs({ dataKeyArn: this.dataKeyArn, backupKeyArn: this.backupKeyArn });
    }
}
