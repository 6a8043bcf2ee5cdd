// How the S3 rules find a bucket's configuration: aws v7 keeps it in separate resources that name
// the bucket by `bucket` (the bucket's name, which is also its id).

import { wildcardMatches } from "../../../lib/wildcard";
import { ofType } from "../graph";
import { Finding, PolicyResource, PolicyStack } from "../types";

export const BUCKET = "aws:s3/bucket:Bucket";
export const BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
export const BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
export const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

/** The names a bucket answers to: its id and, when set explicitly, its `bucket` property. */
export function bucketNames(bucket: PolicyResource): string[] {
    return [bucket.id, bucket.props.bucket].filter((name): name is string => typeof name === "string" && name !== "");
}

/** The bucket's name, for messages and ARNs; undefined for a bucket not created yet. */
export function bucketName(bucket: PolicyResource): string | undefined {
    return bucketNames(bucket)[0];
}

/**
 * The configuration resources of `type` naming `bucket`. Every candidate's `bucket` is read, so a
 * reference still unknown in a preview stops the rule (UnknownValueError) instead of passing it.
 */
export function configurationsOf(stack: PolicyStack, bucket: PolicyResource, type: string): PolicyResource[] {
    const names = bucketNames(bucket);
    return ofType(stack, type).filter((configuration) => names.includes(configuration.props.bucket as string));
}

/** The stack's bucket a configuration resource names, or undefined when the bucket lives elsewhere. */
export function bucketOf(stack: PolicyStack, configuration: PolicyResource): PolicyResource | undefined {
    const name = configuration.props.bucket;
    return ofType(stack, BUCKET).find((bucket) => bucketNames(bucket).includes(name as string));
}

export function bucketArn(name: string): string {
    return `arn:aws:s3:::${name}`;
}

/** Whether an IAM pattern (`*` any run of characters, `?` one character) matches `text`. */
export function globMatches(pattern: string, text: string): boolean {
    return wildcardMatches(pattern, text, { questionMark: true });
}

/**
 * The findings of one kind of bucket configuration over a stack:
 * - each bucket of the stack must have at least one such configuration, and each must pass
 *   (reported on the bucket, prefixed with the configuration's logical name);
 * - a configuration of a bucket outside the stack must pass on its own (a stack may not weaken a
 *   bucket it does not own), reported on the configuration.
 */
export function bucketConfigurationFindings(
    stack: PolicyStack,
    type: string,
    missing: string,
    problemsOf: (configuration: PolicyResource, bucketName: string) => string[],
): Finding[] {
    const findings: Finding[] = [];
    for (const bucket of ofType(stack, BUCKET)) {
        const configurations = configurationsOf(stack, bucket, type);
        if (configurations.length === 0) {
            findings.push({ resource: bucket.name, message: missing });
        }
        const name = bucketName(bucket) ?? bucket.name;
        for (const configuration of configurations) {
            findings.push(...problemsOf(configuration, name).map((problem) => ({ resource: bucket.name, message: `${configuration.name}: ${problem}` })));
        }
    }
    for (const configuration of ofType(stack, type).filter((candidate) => bucketOf(stack, candidate) === undefined)) {
        findings.push(...problemsOf(configuration, String(configuration.props.bucket)).map((message) => ({ resource: configuration.name, message })));
    }
    return findings;
}
