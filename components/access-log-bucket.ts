import * as pulumi from "@pulumi/pulumi";

import { ACCESS_LOG_BUCKET_TAG, ELB_LOG_DELIVERY_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE, S3_LOG_DELIVERY_SERVICE } from "../lib/promises/log-delivery";
import * as aws from "./aws";
import { reservedPrefixFreeName } from "../lib/naming";
import { componentType } from "./types";

// The log-delivery principals and the bucket's marker tag are AWS's data, shared with the policy rules.
export { ACCESS_LOG_BUCKET_TAG, ELB_LOG_DELIVERY_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE, S3_LOG_DELIVERY_SERVICE } from "../lib/promises/log-delivery";

/**
 * Days a log file is kept. 400: the audit trail's retention (a year of history plus a margin for the
 * yearly external ISO 27001 audit); the security statement promises to "use, retain and review audit
 * logs that show all the transactions executed on our servers and on our S3 storage", and a
 * request log is that record for the web entry and the audit buckets.
 */
export const ACCESS_LOG_RETENTION_DAYS = 400;

/** Where load balancers write under the bucket: `load-balancers/<door>/AWSLogs/<account>/...`. */
export const LOAD_BALANCER_LOG_ROOT = "load-balancers";
/** Where S3 server access logs go: `s3/<source bucket>/...`. */
export const S3_ACCESS_LOG_ROOT = "s3";

/**
 * The problems of a load balancer's log prefix (ELB: "The prefix that you specify must not include
 * AWSLogs"; the API also refuses a leading or trailing "/", which would make an empty path segment).
 */
export function loadBalancerLogPrefixProblems(prefix: string): string[] {
    const problems: string[] = [];
    if (prefix === "" || prefix.startsWith("/") || prefix.endsWith("/")) {
        problems.push(`access log prefix "${prefix}" is not allowed; expected a non-empty path without a leading or trailing "/"`);
    }
    if (prefix.includes("AWSLogs")) {
        problems.push(`access log prefix "${prefix}" includes "AWSLogs", which Elastic Load Balancing refuses (it adds AWSLogs/<account>/ itself); choose another name`);
    }
    if (!/^[A-Za-z0-9!_.*'()/-]*$/.test(prefix)) {
        problems.push(`access log prefix "${prefix}" has characters outside S3's safe key characters; expected letters, digits and ! - _ . * ' ( ) /`);
    }
    return problems;
}

/** The prefix a front door named `doorName` writes its access logs under. */
export function loadBalancerLogPrefix(doorName: string): string {
    return `${LOAD_BALANCER_LOG_ROOT}/${doorName}`;
}

/** The prefix S3 writes the server access logs of `sourceBucket` under (ends with "/", as S3 advises). */
export function s3AccessLogPrefix(sourceBucket: string): string {
    return `${S3_ACCESS_LOG_ROOT}/${sourceBucket}/`;
}

/**
 * The bucket policy of an access-log bucket, a pure function:
 * - ELB may put objects under `load-balancers/*\/AWSLogs/<account>/` only: the service principal in
 *   every region, plus the region's ELB account where it has one (ELB checks it can write a test
 *   file there when access logs are turned on, and refuses the load balancer's attributes otherwise);
 * - S3 server access logging may put objects under `s3/` for buckets of this account only
 *   (`aws:SourceAccount`; the bucket owner enforced setting means a policy grant, never an ACL);
 * - nobody may use the bucket without TLS, or with TLS older than 1.2.
 */
export function accessLogBucketPolicy(args: { bucketArn: string; accountId: string; region: string }): string {
    const everything = [args.bucketArn, `${args.bucketArn}/*`];
    const elbAccount = ELB_LOG_DELIVERY_ACCOUNTS[args.region];
    const elbWrites = `${args.bucketArn}/${LOAD_BALANCER_LOG_ROOT}/*/AWSLogs/${args.accountId}/*`;
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "ElbLogDelivery", Effect: "Allow", Principal: { Service: ELB_LOG_DELIVERY_SERVICE }, Action: "s3:PutObject", Resource: elbWrites },
            ...(elbAccount === undefined
                ? []
                : [{ Sid: "ElbLogDeliveryAccount", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${elbAccount}:root` }, Action: "s3:PutObject", Resource: elbWrites }]),
            {
                Sid: "S3ServerAccessLogDelivery",
                Effect: "Allow",
                Principal: { Service: S3_LOG_DELIVERY_SERVICE },
                Action: "s3:PutObject",
                Resource: `${args.bucketArn}/${S3_ACCESS_LOG_ROOT}/*`,
                Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
            },
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: everything, Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: everything, Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
        ],
    });
}

export interface AccessLogBucketArgs {
    /** Days each log file (and a deleted or overwritten one's previous version) is kept. Default: {@link ACCESS_LOG_RETENTION_DAYS}. */
    readonly retentionDays?: number;
    /**
     * The log bucket of a copy that is torn down (a drill's): emptied and deleted with the stack
     * (`forceDestroy`, not retained), so that no bucket of logs is left behind after every drill.
     * The policy rule s3-bucket-access-logs-retained admits it for drill stacks only. Default:
     * false, retained on delete and never emptied by the provider.
     */
    readonly disposable?: boolean;
}

/**
 * The stack's request-log bucket: where its load balancers write their access logs and S3 writes
 * the server access logs of the stack's audit buckets. Private, versioned, reachable only over TLS,
 * objects owned by the bucket owner (no ACLs), expired after the retention, and retained when the
 * stack is destroyed (an offboarded tenant's requests stay on record for the retention), unless
 * `disposable` (a drill's copy).
 *
 * Encrypted with S3-managed keys (SSE-S3), not the stack's KMS key: "The only server-side
 * encryption option that's supported is Amazon S3-managed keys (SSE-S3)" for ALB access logs
 * (ELB, "Enable access logs for your Application Load Balancer", bucket requirements), and S3's
 * user guide documents SSE-S3 as the default encryption a server access log destination supports.
 * No Object Lock: S3 refuses server access logs into a bucket with a default Object Lock retention.
 * The bucket carries {@link ACCESS_LOG_BUCKET_TAG}, which the KMS policy rule reads to admit it.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
    /**
     * The bucket's name, resolved only once its policy, encryption, ownership and public-access
     * settings are in place: a load balancer given it checks that it may write on creation.
     */
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: AccessLogBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("audit", "AccessLogBucket"), name, {}, opts);

        const retentionDays = args.retentionDays ?? ACCESS_LOG_RETENTION_DAYS;
        if (!Number.isInteger(retentionDays) || retentionDays < 1) {
            throw new pulumi.ResourceError(`retentionDays: ${retentionDays} is not allowed; expected a whole number of days of at least 1`, this);
        }
        const child = { parent: this };
        const identity = aws.getCallerIdentityOutput({}, child);
        const region = aws.getRegionOutput({}, child);

        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            {
                bucket: reservedPrefixFreeName("bucket", `${name}-bucket`, `${pulumi.getOrganization()}/${pulumi.getProject()}`),
                // A disposable bucket is emptied (every version) by the provider before it is deleted.
                forceDestroy: args.disposable === true,
                tags: { Name: `${name}-bucket`, tier: "logs", [ACCESS_LOG_BUCKET_TAG.key]: ACCESS_LOG_BUCKET_TAG.value },
            },
            { parent: this, retainOnDelete: args.disposable !== true },
        );
        const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            // SSE-S3: see the class comment; a bucket key applies to SSE-KMS only.
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            child,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            child,
        );
        const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
        // S3 answers OperationAborted to concurrent configuration writes on one bucket; the policy
        // waits for the public-access block, the write it most often races.
        const policy = new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: bucket.id,
                policy: pulumi
                    .all([bucket.arn, identity.accountId, region.region])
                    .apply(([bucketArn, accountId, regionName]) => accessLogBucketPolicy({ bucketArn, accountId, region: regionName })),
            },
            { parent: this, dependsOn: [publicAccess] },
        );
        // A deleted or overwritten log file stays as a previous version for the whole retention.
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-expiry`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-access-logs",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: retentionDays },
                        noncurrentVersionExpiration: { noncurrentDays: retentionDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );

        // Whoever is given the name depends on every setting a delivery needs.
        this.bucketName = pulumi.all([bucket.bucket, policy.id, encryption.id, ownership.id]).apply(([bucketName]) => bucketName);
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
