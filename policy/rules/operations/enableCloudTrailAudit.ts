// The platform's audit record: every API call of the account, in every region, tamper-evident,
// with the object-level reads and writes of the tenants' files.

import { ORGANIZATION_TRAIL_TAG } from "../../../lib/promises/audit";
import { ofType } from "../graph";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";

export const TRAIL_TYPE = "aws:cloudtrail/trail:Trail";
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";
export const PARAMETER_TYPE = "aws:ssm/parameter:Parameter";


const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z]{2}(-[a-z]+)+-\d:\d{12}:trail\/.+$/;
const PLATFORM_STACK = /(^|\/)platform-[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * The platform stack this one reads the account's trail from: a StackReference to another
 * `platform-<region>` stack (the home platform, which the rule checks in turn), or undefined.
 */
export function homePlatformReferenced(stack: PolicyStack): string | undefined {
    const own = new RegExp(`(^|/)${stack.stack.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
    return ofType(stack, STACK_REFERENCE_TYPE)
        .map((reference) => reference.props.name)
        .find((name): name is string => typeof name === "string" && PLATFORM_STACK.test(name) && !own.test(name));
}

/** Whether the stack records that an organisation trail (a CloudTrail ARN) covers the account. */
export function recordsOrganizationTrail(stack: PolicyStack): boolean {
    return ofType(stack, PARAMETER_TYPE).some((parameter) => {
        const tags = (parameter.props.tags ?? {}) as Record<string, unknown>;
        const value = parameter.props.insecureValue ?? parameter.props.value;
        return tags[ORGANIZATION_TRAIL_TAG.key] === ORGANIZATION_TRAIL_TAG.value && typeof value === "string" && TRAIL_ARN.test(value);
    });
}

function records(value: unknown): Record<string, unknown>[] {
    return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => item !== null && typeof item === "object") : [];
}

function includes(values: unknown, wanted: string): boolean {
    return Array.isArray(values) && values.includes(wanted);
}

/** Whether an advanced selector's field selectors include `field` equal to `wanted`. */
function selects(fields: Record<string, unknown>[], field: string, wanted: string): boolean {
    return fields.some((entry) => entry.field === field && includes(entry.equals, wanted));
}

/**
 * What narrows an advanced selector to part of its events: a `readOnly` field (only the reads or
 * only the writes), and for data events a `resources.ARN` field that names buckets (`equals`,
 * `startsWith`, `endsWith`) rather than excluding some (`notEquals`, `notStartsWith`: the log buckets, whose
 * own events would loop).
 */
function narrowedBy(fields: Record<string, unknown>[]): string[] {
    const narrowing: string[] = [];
    if (fields.some((entry) => entry.field === "readOnly")) {
        narrowing.push("readOnly");
    }
    if (fields.some((entry) => entry.field === "resources.ARN" && ["equals", "startsWith", "startsWiths", "endsWith", "endsWiths"].some((operator) => entry[operator] !== undefined))) {
        narrowing.push("resources.ARN naming buckets");
    }
    return narrowing;
}

/** Whether a classic selector records reads and writes (`readWriteType` All, AWS's default). */
const readsAndWrites = (selector: Record<string, unknown>): boolean => selector.readWriteType === undefined || selector.readWriteType === "All";

/** Whether a trail logs S3 object events (any): an advanced selector or a classic data resource. */
export function logsS3DataEvents(trail: PolicyResource): boolean {
    const advanced = records(trail.props.advancedEventSelectors).some((selector) => {
        const fields = records(selector.fieldSelectors);
        return selects(fields, "eventCategory", "Data") && selects(fields, "resources.type", "AWS::S3::Object");
    });
    const classic = records(trail.props.eventSelectors).some((selector) =>
        records(selector.dataResources).some((resource) => resource.type === "AWS::S3::Object" && Array.isArray(resource.values) && resource.values.length > 0),
    );
    return advanced || classic;
}

/**
 * Whether a trail logs every S3 object event: reads and writes, of every bucket (but excluded log
 * buckets). An advanced selector without a narrowing field, or a classic selector with readWriteType
 * All on all buckets (`arn:aws:s3`, or `arn:aws:s3:::`).
 */
export function logsAllS3DataEvents(trail: PolicyResource): boolean {
    const advanced = records(trail.props.advancedEventSelectors).some((selector) => {
        const fields = records(selector.fieldSelectors);
        return selects(fields, "eventCategory", "Data") && selects(fields, "resources.type", "AWS::S3::Object") && narrowedBy(fields).length === 0;
    });
    const classic = records(trail.props.eventSelectors).some(
        (selector) =>
            readsAndWrites(selector) &&
            records(selector.dataResources).some((resource) => resource.type === "AWS::S3::Object" && Array.isArray(resource.values) && resource.values.some((value) => value === "arn:aws:s3" || value === "arn:aws:s3:::")),
    );
    return advanced || classic;
}

/**
 * Whether a trail logs every management event (the calls that change or read the servers, networks
 * and keys): with advanced selectors, one on eventCategory Management without a readOnly field; with
 * classic ones, one including management events with readWriteType All; with neither, CloudTrail's
 * default (every management event).
 */
export function logsAllManagementEvents(trail: PolicyResource): boolean {
    const advanced = records(trail.props.advancedEventSelectors);
    if (advanced.length > 0) {
        return advanced.some((selector) => {
            const fields = records(selector.fieldSelectors);
            return selects(fields, "eventCategory", "Management") && !fields.some((entry) => entry.field === "readOnly");
        });
    }
    const classic = records(trail.props.eventSelectors);
    if (classic.length > 0) {
        return classic.some((selector) => selector.includeManagementEvents !== false && readsAndWrites(selector));
    }
    return true;
}

export function trailProblems(trail: PolicyResource): string[] {
    const problems: string[] = [];
    if (trail.props.isMultiRegionTrail !== true) {
        problems.push("isMultiRegionTrail is not true (activity in other regions would go unrecorded)");
    }
    if (trail.props.enableLogFileValidation !== true) {
        problems.push("enableLogFileValidation is not true (altered or deleted log files could not be detected)");
    }
    if (trail.props.enableLogging === false) {
        problems.push("enableLogging is false (the trail records nothing)");
    }
    if (!logsAllManagementEvents(trail)) {
        problems.push(
            "logs no management events, or only the reads or the writes (expected an advancedEventSelectors entry with eventCategory Management and no readOnly field, or eventSelectors including management events with readWriteType All): the calls made on the servers would go unrecorded",
        );
    }
    if (!logsS3DataEvents(trail)) {
        problems.push("logs no S3 data events (expected an advancedEventSelectors entry with eventCategory Data and resources.type AWS::S3::Object, or eventSelectors with AWS::S3::Object dataResources)");
    } else if (!logsAllS3DataEvents(trail)) {
        problems.push(
            "logs only part of the S3 data events (a readOnly field, or resources.ARN naming buckets with equals/startsWith, or classic readWriteType other than All or data resources short of every bucket): expected every read and write on every bucket, log buckets excepted with notStartsWith",
        );
    }
    return problems;
}

function cloudTrailFindings(stack: PolicyStack): Finding[] {
    if (stack.kind !== "platform") {
        return [];
    }
    const trails = ofType(stack, TRAIL_TYPE);
    if (trails.length === 0) {
        // One trail for the account: the home platform's (which this rule checks there) or the organisation's.
        if (homePlatformReferenced(stack) !== undefined || recordsOrganizationTrail(stack)) {
            return [];
        }
        return [
            {
                resource: stack.stack,
                message:
                    `no CloudTrail trail (${TRAIL_TYPE}), no StackReference to the home platform (platform-<homeRegion>) that owns the account's trail, ` +
                    `and no record of an organisation trail (${PARAMETER_TYPE} tagged ${ORGANIZATION_TRAIL_TAG.key}=${ORGANIZATION_TRAIL_TAG.value} with the trail's ARN): the account's activity would go unrecorded`,
            },
        ];
    }
    const judged = trails.map((trail) => ({ trail, problems: trailProblems(trail) }));
    // One trail that does it all is the promise; other trails may serve other purposes.
    if (judged.some(({ problems }) => problems.length === 0)) {
        return [];
    }
    return judged.flatMap(({ trail, problems }) => problems.map((message) => ({ resource: trail.name, message })));
}

export const enableCloudTrailAudit: StackRule = {
    kind: "stack",
    name: "cloudtrail-trail-audit",
    description:
        "The home platform stack has a CloudTrail trail that is multi-region, validates its log files, is logging, and records every management event and every S3 object-level (data) event, reads and writes (log buckets may be excluded); " +
        "every other platform stack reads the account's trail from the home platform (a StackReference to platform-<homeRegion>), or a platform records the organisation trail that covers the account (an SSM parameter tagged audit-trail=organization whose insecureValue or value is its ARN). " +
        "A platform with none of these is reported. Tenant stacks: not applicable (the account's trail covers them).",
    why:
        "Security investigations and customers' audits rely on a complete, tamper-evident record of who did what: in every region, including who read or changed a tenant's files.",
    enforcement: "mandatory",
    validate: cloudTrailFindings,
};
