import { PolicyResource, StackRule } from "../types";
import { BUCKET_ENCRYPTION, bucketConfigurationFindings } from "./buckets";
import { customerManagedKeyProblem, shown } from "./encryption";

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

export const enforceS3BucketKmsEncryption: StackRule = {
    kind: "stack",
    name: "s3-bucket-sse-kms-cmk",
    description:
        'An S3 bucket has a server-side encryption configuration (`BucketServerSideEncryptionConfiguration`) whose default is SSE-KMS (`sseAlgorithm: "aws:kms"`) with a customer-managed key.',
    why: "Tenant files, audit logs and check artifacts are encrypted with our own key, so that reading an object needs both S3 and KMS permission and the key policy can cut every reader off at once.",
    enforcement: "mandatory",
    validate: (stack) =>
        bucketConfigurationFindings(
            stack,
            BUCKET_ENCRYPTION,
            'the bucket has no BucketServerSideEncryptionConfiguration: S3 encrypts its objects with S3-managed keys (SSE-S3); add one with sseAlgorithm "aws:kms" and a customer-managed kmsMasterKeyId',
            encryptionConfigurationProblems,
        ),
};
