// A trail must not record its own deliveries: every log file it writes, and every access log S3
// writes about it, would be an S3 data event recorded into a log file in turn, for ever.

import { ofType } from "../graph";
import { bucketArn } from "../data/buckets";
import { list } from "../data/enforceS3BucketTlsOnly";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";
import { accessLoggingOf, bucketNamed } from "./enableAuditBucketAccessLogging";
import { TRAIL_TYPE } from "./enableCloudTrailAudit";

type Fields = Record<string, unknown>;

/** The log buckets of a trail: its own bucket and where that bucket's server access logs go. */
export function logBucketNamesOf(stack: PolicyStack, trail: PolicyResource): string[] {
    const own = bucketNamed(stack, trail.props.s3BucketName);
    const names = [String(trail.props.s3BucketName)];
    if (own !== undefined) {
        names.push(...accessLoggingOf(stack, own).map((logging) => String(logging.props.targetBucket)));
    }
    return [...new Set(names)];
}

function strings(value: unknown): string[] {
    return list(value).filter((item): item is string => typeof item === "string");
}

/** The log buckets (their `arn:aws:s3:::<name>/` objects) a selector of S3 object events still records. */
export function recordedLogBuckets(selector: Fields, logObjects: readonly string[]): string[] {
    const fields = list(selector.fieldSelectors).filter((field): field is Fields => typeof field === "object" && field !== null);
    const isS3Data =
        fields.some((field) => field.field === "eventCategory" && strings(field.equals).includes("Data")) &&
        fields.some((field) => field.field === "resources.type" && strings(field.equals).includes("AWS::S3::Object"));
    if (!isS3Data) {
        return [];
    }
    const arnFields = fields.filter((field) => field.field === "resources.ARN");
    return logObjects.filter((objects) =>
        arnFields.every((field) => {
            const starts = strings(field.startsWiths);
            const included = starts.length === 0 || starts.some((prefix) => objects.startsWith(prefix) || prefix.startsWith(objects));
            const excluded = strings(field.notStartsWiths).some((prefix) => objects.startsWith(prefix));
            const equalsOnly = strings(field.equals);
            const pinned = equalsOnly.length === 0 || equalsOnly.some((arn) => arn.startsWith(objects));
            return included && !excluded && pinned;
        }),
    );
}

function trailFindings(stack: PolicyStack): Finding[] {
    return ofType(stack, TRAIL_TYPE).flatMap((trail): Finding[] => {
        const logObjects = logBucketNamesOf(stack, trail).map((name) => `${bucketArn(name)}/`);
        const recorded = new Set(list(trail.props.advancedEventSelectors).flatMap((selector) => (typeof selector === "object" && selector !== null ? recordedLogBuckets(selector as Fields, logObjects) : [])));
        const classic = list(trail.props.eventSelectors).some((selector) =>
            list((selector as Fields | null)?.dataResources).some((resource) => (resource as Fields | null)?.type === "AWS::S3::Object"),
        );
        const findings: Finding[] = [...recorded].map((objects) => ({
            resource: trail.name,
            message: `its S3 data events include ${objects}*, a bucket its own deliveries go to: each delivery is recorded and delivered again, for ever; add it to resources.ARN notStartsWiths`,
        }));
        if (classic) {
            findings.push({
                resource: trail.name,
                message: "logs S3 object events through classic eventSelectors, which cannot leave out its own log buckets; use advancedEventSelectors with resources.ARN notStartsWiths",
            });
        }
        return findings;
    });
}

export const disallowTrailLoggingLogBuckets: StackRule = {
    kind: "stack",
    name: "cloudtrail-data-events-exclude-log-buckets",
    description:
        "A CloudTrail trail's S3 data events (advanced event selectors) leave out its own bucket and the bucket its bucket's server access logs go to (`resources.ARN` `notStartsWiths` `arn:aws:s3:::<bucket>/`, or prefixes that do not reach them); classic event selectors with S3 object data resources are reported. Stacks without a trail: not applicable.",
    why: `Each log delivery is an S3 object event: recorded, it becomes a log file whose delivery is recorded in turn, a loop that never ends and is billed at $0.10 per 100,000 events.`,
    enforcement: "mandatory",
    validate: trailFindings,
};
