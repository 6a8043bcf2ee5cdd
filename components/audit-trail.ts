import * as pulumi from "@pulumi/pulumi";

import { S3_ACCESS_LOG_ROOT } from "./access-log-bucket";
import * as aws from "./aws";
import { reservedPrefixFreeName } from "../lib/naming";
import { componentType } from "./types";

/** The data-event prefix that stands for every object of every bucket of the account. */
export const ALL_S3_OBJECTS = "arn:aws:s3";

/**
 * Days the trail's CloudWatch Logs copy is kept: long enough for alarms and investigations of
 * recent events; the bucket holds the full record for `retentionDays`.
 */
export const LOG_GROUP_RETENTION_DAYS = 90;

/** Days the bucket keeps the trail's log files unless told otherwise (`retentionDays`). */
export const DEFAULT_TRAIL_RETENTION_DAYS = 400;

export interface AuditTrailArgs {
    /**
     * Customer-managed KMS key encrypting the trail's log files, the bucket and the log group.
     * Required. The key's policy is managed with the key (see {@link cloudTrailKeyStatements}); it
     * must let `cloudtrail.amazonaws.com` call `kms:GenerateDataKey*` (encryption context
     * `aws:cloudtrail:arn` of this account's trails, `aws:SourceArn` this trail) and
     * `kms:DescribeKey`; let readers `kms:Decrypt` the log files; and, with `cloudWatchLogs`, let
     * `logs.<region>.amazonaws.com` use it for this account's log groups (EncryptionKeys'
     * `allowCloudWatchLogs`). Without these grants CloudTrail fails to create the trail.
     */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * Days S3 keeps each log file (and a deleted or overwritten one's previous version) before it
     * expires. Default: 400, a year of history plus a margin for a late audit.
     */
    readonly retentionDays?: number;
    /**
     * Where S3 object-level (data) events are logged: `arn:aws:s3` for every object of every
     * bucket, or prefixes such as `arn:aws:s3:::acme-files-` or `arn:aws:s3:::bucket/path/`; an
     * empty list logs no data events. Default: `["arn:aws:s3"]`: tenants' web-file buckets live in
     * their own stacks with generated names, so only "every bucket" is sure to include them. That
     * costs $0.10 per 100,000 object events (a busy tenant's file reads are millions a month);
     * narrow the prefixes to cut cost at the price of blind spots. The trail's own bucket and the
     * access-log bucket are never logged, so log delivery does not log itself.
     */
    readonly dataEventBucketArnPrefixes?: readonly string[];
    /**
     * Also deliver the events to an encrypted CloudWatch Logs group (kept
     * {@link LOG_GROUP_RETENTION_DAYS} days), through a role CloudTrail assumes, so that metric
     * filters can alarm on them. Default: true.
     */
    readonly cloudWatchLogs?: boolean;
    /**
     * The stack's access-log bucket (an AccessLogBucket), where S3 writes the server access logs of
     * the trail's bucket under `s3/<bucket>/`: who read or tried to read the audit record. Required.
     * Its object events are never logged by the trail either: each log delivery to it would be a
     * data event, delivered to the trail's bucket, logged again into it, and so on for ever.
     */
    readonly accessLogBucket: { readonly bucketName: pulumi.Input<string>; readonly bucketArn: pulumi.Input<string> };
}

/**
 * A CloudTrail trail name from a component name: letters, digits, `.`, `_` and `-`, no two
 * separators in a row, starting and ending with a letter or digit, at most 128 characters.
 */
export function trailName(name: string): string {
    return name
        .replace(/[^A-Za-z0-9._-]/g, "-")
        .replace(/[._-]{2,}/g, "-")
        .slice(0, 128)
        .replace(/^[._-]+|[._-]+$/g, "");
}

/** The ARN a trail will have, known before it exists (its bucket policy must name it first). */
export function trailArnOf(region: string, accountId: string, name: string): string {
    return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

/** What is wrong with the args, one message per problem (empty when they are valid). */
export function auditTrailArgsProblems(name: string, args: Pick<AuditTrailArgs, "retentionDays" | "dataEventBucketArnPrefixes">): string[] {
    const problems: string[] = [];
    const retentionDays = args.retentionDays ?? DEFAULT_TRAIL_RETENTION_DAYS;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
        problems.push(`retentionDays: ${retentionDays} is not allowed; expected a whole number of days of at least 1`);
    }
    for (const prefix of args.dataEventBucketArnPrefixes ?? []) {
        if (prefix !== ALL_S3_OBJECTS && !/^arn:aws:s3:::[a-z0-9][a-z0-9.-]*(\/.*)?$/.test(prefix)) {
            problems.push(
                `dataEventBucketArnPrefixes: "${prefix}" is not allowed; expected "${ALL_S3_OBJECTS}" (every bucket) or "arn:aws:s3:::" followed by a bucket name or its beginning`,
            );
        }
    }
    const trail = trailName(name);
    if (trail.length < 3) {
        problems.push(`name: "${name}" gives the trail name "${trail}"; expected at least 3 letters, digits, ".", "_" or "-"`);
    }
    return problems;
}

/** A trail's advanced event selector as plain values. */
export interface EventSelector {
    name: string;
    fieldSelectors: { field: string; equals?: string[]; startsWiths?: string[]; notStartsWiths?: string[] }[];
}

/**
 * Management events always; S3 object events for the given prefixes, never for the log buckets
 * (`logBucketArns`: the trail's own and the access-log bucket its server access logs go to), whose
 * every delivery would otherwise be logged in turn, a delivery that is logged again, for ever.
 * With narrowed prefixes, the exclusion is added only where a prefix reaches a log bucket (a
 * selector of CloudTrail combines its field selectors with AND, so `startsWiths` and
 * `notStartsWiths` on `resources.ARN` together select the prefixes minus the log buckets).
 */
export function trailEventSelectors(prefixes: readonly string[], logBucketArns: readonly string[]): EventSelector[] {
    const selectors: EventSelector[] = [{ name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] }];
    if (prefixes.length === 0) {
        return selectors;
    }
    const objects = [
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::S3::Object"] },
    ];
    const excluded = [...new Set(logBucketArns)].map((arn) => `${arn}/`);
    let resources: EventSelector["fieldSelectors"][number];
    if (prefixes.includes(ALL_S3_OBJECTS)) {
        resources = { field: "resources.ARN", notStartsWiths: excluded };
    } else {
        const reached = excluded.filter((logObjects) => prefixes.some((prefix) => logObjects.startsWith(prefix) || prefix.startsWith(logObjects)));
        resources = reached.length > 0 ? { field: "resources.ARN", startsWiths: [...prefixes], notStartsWiths: reached } : { field: "resources.ARN", startsWiths: [...prefixes] };
    }
    selectors.push({ name: "S3 object events", fieldSelectors: [...objects, resources] });
    return selectors;
}

/**
 * The log bucket's policy: only CloudTrail, and only for this trail of this account, may read the
 * bucket's ACL and write log files (handing them to the bucket owner); nobody may use the bucket
 * without TLS 1.2 or later.
 */
export function trailBucketPolicy(args: { bucketArn: string; accountId: string; trailArn: string }): string {
    const thisTrail = { "aws:SourceArn": args.trailArn, "aws:SourceAccount": args.accountId };
    const everything = [args.bucketArn, `${args.bucketArn}/*`];
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "CloudTrailAclCheck",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:GetBucketAcl",
                Resource: args.bucketArn,
                Condition: { StringEquals: thisTrail },
            },
            {
                Sid: "CloudTrailWrite",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${args.bucketArn}/AWSLogs/${args.accountId}/*`,
                Condition: { StringEquals: { ...thisTrail, "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: everything, Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: everything, Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
        ],
    });
}

/**
 * The statements a KMS key policy needs for CloudTrail to encrypt this trail's logs with it, for
 * whoever owns the key's policy to add: generate data keys only for this account's trails and on
 * behalf of this trail, and describe the key (CloudTrail checks it when the trail is created).
 */
export function cloudTrailKeyStatements(args: { accountId: string; trailArn: string }): Record<string, unknown>[] {
    const principal = { Service: "cloudtrail.amazonaws.com" };
    const thisTrail = { "aws:SourceArn": args.trailArn };
    return [
        {
            Sid: "CloudTrailEncryptLogs",
            Effect: "Allow",
            Principal: principal,
            Action: "kms:GenerateDataKey*",
            Resource: "*",
            Condition: {
                StringEquals: thisTrail,
                StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${args.accountId}:trail/*` },
            },
        },
        { Sid: "CloudTrailDescribeKey", Effect: "Allow", Principal: principal, Action: "kms:DescribeKey", Resource: "*", Condition: { StringEquals: thisTrail } },
    ];
}

/**
 * The platform's CloudTrail: one multi-region trail of every management event (global services
 * included) and S3 object events, with log-file validation, encrypted with the platform's key
 * into a private, versioned bucket that is retained when the stack is destroyed (an audit trail
 * must outlive whatever it audits), and by default copied to CloudWatch Logs for alarms.
 */
export class AuditTrail extends pulumi.ComponentResource {
    public readonly trailArn: pulumi.Output<string>;
    public readonly bucketName: pulumi.Output<string>;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("audit", "AuditTrail"), name, {}, opts);

        const retentionDays = args.retentionDays ?? DEFAULT_TRAIL_RETENTION_DAYS;
        const prefixes = [...(args.dataEventBucketArnPrefixes ?? [ALL_S3_OBJECTS])];
        const cloudWatchLogs = args.cloudWatchLogs ?? true;
        const problems = auditTrailArgsProblems(name, { retentionDays, dataEventBucketArnPrefixes: prefixes });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }

        const trail = trailName(name);
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this });
        // The bucket policy and the log role must name the trail before it exists.
        const trailArn = pulumi.all([region.region, identity.accountId]).apply(([regionName, accountId]) => trailArnOf(regionName, accountId, trail));

        const bucket = new aws.s3.Bucket(
            `${name}-logs`,
            {
                bucket: reservedPrefixFreeName("bucket", `${name}-logs`, `${pulumi.getOrganization()}/${pulumi.getProject()}`),
                forceDestroy: false,
                tags: { Name: `${name}-logs`, tier: "audit" },
            },
            { parent: this, retainOnDelete: true },
        );
        new aws.s3.BucketVersioning(`${name}-logs-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, { parent: this });
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-logs-encryption`,
            {
                bucket: bucket.id,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }],
            },
            { parent: this },
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-logs-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        // CloudTrail still sends `bucket-owner-full-control`, which owner-enforced buckets accept.
        new aws.s3.BucketOwnershipControls(`${name}-logs-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        // A deleted or overwritten log file stays as a previous version for the whole retention,
        // so tampering cannot shorten the record.
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-logs-expiry`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-audit-logs",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: retentionDays },
                        noncurrentVersionExpiration: { noncurrentDays: retentionDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { parent: this },
        );
        // Who read the audit record (or tried to): S3 server access logs into the access-log bucket.
        new aws.s3.BucketLogging(
            `${name}-logs-access-logging`,
            { bucket: bucket.id, targetBucket: args.accessLogBucket.bucketName, targetPrefix: pulumi.interpolate`${S3_ACCESS_LOG_ROOT}/${bucket.bucket}/` },
            { parent: this, dependsOn: [publicAccess] },
        );
        // S3 answers OperationAborted to concurrent configuration writes on one bucket; the policy
        // waits for the public-access block, the write it most often races.
        const policy = new aws.s3.BucketPolicy(
            `${name}-logs-policy`,
            {
                bucket: bucket.id,
                policy: pulumi
                    .all([bucket.arn, identity.accountId, trailArn])
                    .apply(([bucketArn, accountId, arn]) => trailBucketPolicy({ bucketArn, accountId, trailArn: arn })),
            },
            { parent: this, dependsOn: [publicAccess] },
        );

        let cloudWatch: { cloudWatchLogsGroupArn: pulumi.Output<string>; cloudWatchLogsRoleArn: pulumi.Output<string> } | undefined;
        const trailDependsOn: pulumi.Resource[] = [policy];
        if (cloudWatchLogs) {
            const group = new aws.cloudwatch.LogGroup(
                `${name}-log-group`,
                { name: `/aws/cloudtrail/${trail}`, kmsKeyId: args.kmsKeyArn, retentionInDays: LOG_GROUP_RETENTION_DAYS },
                { parent: this },
            );
            const role = new aws.iam.Role(
                `${name}-logs-role`,
                {
                    description: `CloudTrail ${trail} delivers events to its log group`,
                    assumeRolePolicy: trailArn.apply((arn) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Principal: { Service: "cloudtrail.amazonaws.com" },
                                    Action: "sts:AssumeRole",
                                    Condition: { StringEquals: { "aws:SourceArn": arn } },
                                },
                            ],
                        }),
                    ),
                },
                { parent: this },
            );
            // A multi-region trail writes one stream per region, `<account>_CloudTrail_<region>`.
            const rolePolicy = new aws.iam.RolePolicy(
                `${name}-logs-role-policy`,
                {
                    role: role.id,
                    policy: pulumi.all([group.arn, identity.accountId]).apply(([groupArn, accountId]) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                                    Resource: `${groupArn}:log-stream:${accountId}_CloudTrail_*`,
                                },
                            ],
                        }),
                    ),
                },
                { parent: this },
            );
            trailDependsOn.push(rolePolicy);
            cloudWatch = { cloudWatchLogsGroupArn: pulumi.interpolate`${group.arn}:*`, cloudWatchLogsRoleArn: role.arn };
        }

        const created = new aws.cloudtrail.Trail(
            `${name}-trail`,
            {
                name: trail,
                s3BucketName: bucket.id,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                enableLogging: true,
                kmsKeyId: args.kmsKeyArn,
                advancedEventSelectors: pulumi
                    .all([bucket.arn, args.accessLogBucket.bucketArn])
                    .apply(([bucketArn, accessLogBucketArn]) => trailEventSelectors(prefixes, [bucketArn, accessLogBucketArn])),
                ...cloudWatch,
                tags: { Name: trail, tier: "audit" },
            },
            // CloudTrail checks that it may write to the bucket (and assume the role) on creation.
            { parent: this, dependsOn: trailDependsOn },
        );

        this.trailArn = created.arn;
        this.bucketName = bucket.bucket;
        this.registerOutputs({ trailArn: this.trailArn, bucketName: this.bucketName });
    }
}
