import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { reservedPrefixFreeName } from "../lib/naming";
import { componentType } from "./types";

export interface FilesBucketArgs {
    /** Customer-managed key encrypting every object (SSE-KMS). Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * Days an overwritten or deleted version stays restorable before S3 expires it. Default: 31,
     * matching the daily backups' retention.
     */
    readonly noncurrentVersionDays?: number;
    /**
     * A copy that lives only as long as its stack (the yearly drill's `<tenant>-drill`): destroying
     * the stack empties and deletes the bucket instead of keeping it. Default: false, the bucket
     * and its files outlive the stack.
     */
    readonly disposable?: boolean;
    /**
     * Roles of another stack's servers that run the tenant's app (the platform's shared servers,
     * for a dedicated-saas tenant): the bucket policy lets them list the bucket and read, write and
     * delete its objects, so the grant lives with the bucket, in the tenant's stack, and no role
     * policy grows with the tenants. The bucket's key admits them through S3 (EncryptionKeys'
     * `kms:ViaService` statement). Default: none; roles of the tenant's own stack get an identity
     * policy instead (ServerDataAccess).
     */
    readonly appRoleArns?: pulumi.Input<string>[];
    /**
     * The bucket's `tier` tag: `data` holds tenants' files (the backup promise selects it);
     * `audit` holds records the account writes about itself (AWS Config's history). Default: `data`.
     */
    readonly tier?: "data" | "audit";
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
 * {@link tlsOnlyBucketPolicy}, plus one statement per grant to the roles that run the tenant's app
 * from another stack: the bucket's and its objects' ARNs exactly, nothing else of the account. With
 * no role it is exactly the TLS-only policy. (A same-account principal named in a bucket policy
 * needs no identity policy of its own: S3 allows a request either grants.)
 */
export function filesBucketPolicy(bucketArn: string, appRoleArns: readonly string[]): string {
    const document = JSON.parse(tlsOnlyBucketPolicy(bucketArn)) as { Version: string; Statement: Record<string, unknown>[] };
    if (appRoleArns.length > 0) {
        document.Statement.push(
            { Sid: "AppServersListFiles", Effect: "Allow", Principal: { AWS: [...appRoleArns] }, Action: "s3:ListBucket", Resource: bucketArn },
            {
                Sid: "AppServersUseFiles",
                Effect: "Allow",
                Principal: { AWS: [...appRoleArns] },
                Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
                Resource: `${bucketArn}/*`,
            },
        );
    }
    return JSON.stringify(document);
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
                forceDestroy: args.disposable === true,
                tags: { Name: `${name}-bucket`, tier: args.tier ?? "data" },
            },
            { parent: this, retainOnDelete: args.disposable !== true },
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
            { bucket: bucket.id, policy: pulumi.all([bucket.arn, pulumi.all(args.appRoleArns ?? [])]).apply(([arn, roles]) => filesBucketPolicy(arn, roles)) },
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
