import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { reservedPrefixFreeName } from "./naming";
import { componentType } from "./types";

export interface FilesBucketArgs {
    /** Customer-managed key encrypting every object (SSE-KMS). Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * Days an overwritten or deleted version stays restorable before S3 expires it. Default: 31,
     * matching the daily backups' retention.
     */
    readonly noncurrentVersionDays?: number;
}

/**
 * The bucket policy that refuses every request not made over TLS (and over TLS older than 1.2),
 * to the bucket and to its objects, whoever asks: a pure function of the bucket's ARN.
 */
export function tlsOnlyBucketPolicy(bucketArn: string): string {
    const resources = [bucketArn, `${bucketArn}/*`];
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: resources, Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: resources, Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
        ],
    });
}

/**
 * The tenant's web files: a private, versioned, KMS-encrypted bucket reachable only over TLS,
 * whose objects belong to the bucket owner (no ACLs). It is retained when the stack is destroyed:
 * deleting a tenant's stack must never delete the tenant's files.
 */
export class FilesBucket extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: FilesBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("data", "FilesBucket"), name, {}, opts);

        const noncurrentVersionDays = args.noncurrentVersionDays ?? 31;
        if (!Number.isInteger(noncurrentVersionDays) || noncurrentVersionDays < 1 || noncurrentVersionDays > 3650) {
            throw new pulumi.ResourceError(`noncurrentVersionDays: ${noncurrentVersionDays} is not allowed; expected a whole number of days from 1 to 3650`, this);
        }

        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            {
                bucket: reservedPrefixFreeName("bucket", `${name}-bucket`, `${pulumi.getOrganization()}/${pulumi.getProject()}`),
                forceDestroy: false,
                tags: { Name: `${name}-bucket`, tier: "data" },
            },
            { parent: this, retainOnDelete: true },
        );
        const versioning = new aws.s3.BucketVersioning(
            `${name}-versioning`,
            { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
            { parent: this },
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: bucket.id,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }],
            },
            { parent: this },
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            { parent: this },
        );
        // S3 answers OperationAborted to concurrent configuration writes on one bucket; the policy
        // waits for the public-access block, the write it most often races.
        new aws.s3.BucketPolicy(
            `${name}-tls-only`,
            { bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyBucketPolicy) },
            { parent: this, dependsOn: [publicAccess] },
        );
        // Noncurrent-version rules on a bucket whose versioning is not yet enabled are ignored.
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionDays },
                        expiration: { expiredObjectDeleteMarker: true },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
