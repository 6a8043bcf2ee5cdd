// The audit record's own reads on record: S3 server access logs of every trail's bucket.

import { ofType } from "../graph";
import { BUCKET, bucketName, bucketNames } from "../data/buckets";
import { ACCESS_LOG_BUCKET_TAG, isAccessLogBucket } from "../data/logBuckets";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";
import { TRAIL_TYPE } from "./enableCloudTrailAudit";

export const BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging";

/** The stack's bucket named `name`, or undefined. */
export function bucketNamed(stack: PolicyStack, name: unknown): PolicyResource | undefined {
    return typeof name === "string" && name !== "" ? ofType(stack, BUCKET).find((bucket) => bucketNames(bucket).includes(name)) : undefined;
}

/** The BucketLogging resources of the stack that log `bucket`. */
export function accessLoggingOf(stack: PolicyStack, bucket: PolicyResource): PolicyResource[] {
    const names = bucketNames(bucket);
    return ofType(stack, BUCKET_LOGGING).filter((logging) => names.includes(logging.props.bucket as string));
}

function auditBucketFindings(stack: PolicyStack): Finding[] {
    return ofType(stack, TRAIL_TYPE).flatMap((trail): Finding[] => {
        const bucket = bucketNamed(stack, trail.props.s3BucketName);
        if (bucket === undefined) {
            return [{ resource: trail.name, message: `its bucket ${JSON.stringify(trail.props.s3BucketName)} is no bucket of this stack, so its access logging cannot be checked; keep the trail's bucket in the trail's stack` }];
        }
        const loggings = accessLoggingOf(stack, bucket);
        if (loggings.length === 0) {
            return [
                {
                    resource: bucket.name,
                    message: `the bucket of trail ${trail.name} has no server access logging (${BUCKET_LOGGING}): nobody could tell who read or tried to read the audit record; log it to the stack's access-log bucket`,
                },
            ];
        }
        return loggings.flatMap((logging): Finding[] => {
            const target = bucketNamed(stack, logging.props.targetBucket);
            if (target === undefined) {
                return [{ resource: bucket.name, message: `${logging.name}: targetBucket ${JSON.stringify(logging.props.targetBucket)} is no bucket of this stack; log to the stack's access-log bucket` }];
            }
            if (target === bucket) {
                return [{ resource: bucket.name, message: `${logging.name}: the bucket logs to itself, an endless loop of log deliveries (S3 advises against it); log to the stack's access-log bucket` }];
            }
            if (!isAccessLogBucket(target)) {
                return [
                    {
                        resource: bucket.name,
                        message: `${logging.name}: targetBucket ${bucketName(target)} is not a request-log bucket (tag ${ACCESS_LOG_BUCKET_TAG.key}: ${ACCESS_LOG_BUCKET_TAG.value}), whose retention and writers the rules check; log to the stack's access-log bucket`,
                    },
                ];
            }
            return [];
        });
    });
}

export const enableAuditBucketAccessLogging: StackRule = {
    kind: "stack",
    name: "s3-audit-bucket-access-logging",
    description:
        `The bucket of every CloudTrail trail of the stack (its \`s3BucketName\`) is a bucket of the stack with S3 server access logging (\`${BUCKET_LOGGING}\`) to another bucket of the stack tagged \`${ACCESS_LOG_BUCKET_TAG.key}: ${ACCESS_LOG_BUCKET_TAG.value}\`. Stacks without a trail: not applicable.`,
    why: "CloudTrail's data events of its own bucket are left out (they would log themselves for ever), so only S3's server access logs show who read or tried to read the audit record.",
    enforcement: "mandatory",
    validate: auditBucketFindings,
};
