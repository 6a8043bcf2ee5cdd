import { PolicyResource, PolicyStack, StackRule } from "../types";
import { BUCKET_ENCRYPTION, bucketConfigurationFindings, bucketOf } from "./buckets";
import { customerManagedKeyProblem, shown } from "./encryption";
import { ACCESS_LOG_BUCKET_TAG, defaultAlgorithmsOf, isAccessLogBucket, logBucketWriterProblems } from "./logBuckets";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/** The problems of one server-side encryption configuration. */
export function encryptionConfigurationProblems(configuration: PolicyResource): string[] {
    const rules = configuration.props.rules;
    const defaults = (Array.isArray(rules) ? (rules as Record<string, unknown>[]) : [])
        .map((rule) => (rule !== null && typeof rule === "object" ? (rule.applyServerSideEncryptionByDefault as Record<string, unknown> | undefined) : undefined))
        .filter((value) => value !== undefined && value !== null) as Record<string, unknown>[];
    if (defaults.length === 0) {
        return ['no rule sets applyServerSideEncryptionByDefault: S3 encrypts with S3-managed keys (SSE-S3); add one with sseAlgorithm "aws:kms" and a customer-managed kmsMasterKeyId'];
    }
    return defaults.flatMap((byDefault) => {
        if (!KMS_ALGORITHMS.includes(byDefault.sseAlgorithm as string)) {
            return [`sseAlgorithm is ${shown(byDefault.sseAlgorithm)}: S3 encrypts with S3-managed keys, outside any key policy of ours; set sseAlgorithm "aws:kms" with a customer-managed kmsMasterKeyId`];
        }
        const problem = customerManagedKeyProblem("kmsMasterKeyId", byDefault.kmsMasterKeyId, "S3 encrypts with the AWS-managed key aws/s3");
        return problem === undefined ? [] : [problem];
    });
}

/**
 * The one exception: a request-log bucket (tagged `role: access-logs`) may use SSE-S3 (`AES256`),
 * because Elastic Load Balancing writes access logs only to SSE-S3 buckets ("The only server-side
 * encryption option that's supported is Amazon S3-managed keys (SSE-S3)", ELB user guide, "Enable
 * access logs for your Application Load Balancer"). Narrowly: only `AES256`, and only while the
 * bucket's policy lets nobody but the log delivery services (ELB, S3 server access logging) write,
 * so that the marker cannot turn a data bucket into an SSE-S3 one.
 */
export function accessLogBucketEncryptionProblems(stack: PolicyStack, bucket: PolicyResource, configuration: PolicyResource): string[] {
    const problems = encryptionConfigurationProblems(configuration);
    if (problems.length === 0) {
        return [];
    }
    const algorithms = defaultAlgorithmsOf(stack, bucket);
    if (algorithms.length === 0 || !algorithms.every((algorithm) => algorithm === "AES256")) {
        return problems;
    }
    const writers = logBucketWriterProblems(stack, bucket);
    return writers.map(
        (writer) =>
            `the bucket is tagged ${ACCESS_LOG_BUCKET_TAG.key}: ${ACCESS_LOG_BUCKET_TAG.value}, which admits SSE-S3 only for a bucket that log delivery alone writes to, but ${writer}; move other data to a KMS-encrypted bucket`,
    );
}

export const enforceS3BucketKmsEncryption: StackRule = {
    kind: "stack",
    name: "s3-bucket-sse-kms-cmk",
    description:
        'An S3 bucket has a server-side encryption configuration (`BucketServerSideEncryptionConfiguration`) whose default is SSE-KMS (`sseAlgorithm: "aws:kms"`) with a customer-managed key. ' +
        `Exception: a request-log bucket tagged \`${ACCESS_LOG_BUCKET_TAG.key}: ${ACCESS_LOG_BUCKET_TAG.value}\` may use SSE-S3 (\`AES256\`) while its policy lets only log delivery services (Elastic Load Balancing, S3 server access logging) write: ELB delivers access logs to SSE-S3 buckets only.`,
    why: "Tenant files, audit logs and check artifacts are encrypted with our own key, so that reading an object needs both S3 and KMS permission and the key policy can cut every reader off at once.",
    enforcement: "mandatory",
    validate: (stack) =>
        bucketConfigurationFindings(
            stack,
            BUCKET_ENCRYPTION,
            'the bucket has no BucketServerSideEncryptionConfiguration: S3 encrypts its objects with S3-managed keys (SSE-S3); add one with sseAlgorithm "aws:kms" and a customer-managed kmsMasterKeyId',
            (configuration) => {
                const bucket = bucketOf(stack, configuration);
                return bucket !== undefined && isAccessLogBucket(bucket) ? accessLogBucketEncryptionProblems(stack, bucket, configuration) : encryptionConfigurationProblems(configuration);
            },
        ),
};
