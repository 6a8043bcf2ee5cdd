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

/** Whether a trail logs S3 object events: an advanced selector or a classic data resource. */
export function logsS3DataEvents(trail: PolicyResource): boolean {
    const advanced = records(trail.props.advancedEventSelectors).some((selector) => {
        const fields = records(selector.fieldSelectors);
        return (
            fields.some((field) => field.field === "eventCategory" && includes(field.equals, "Data")) &&
            fields.some((field) => field.field === "resources.type" && includes(field.equals, "AWS::S3::Object"))
        );
    });
    const classic = records(trail.props.eventSelectors).some((selector) =>
        records(selector.dataResources).some((resource) => resource.type === "AWS::S3::Object" && Array.isArray(resource.values) && resource.values.length > 0),
    );
    return advanced || classic;
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
    if (!logsS3DataEvents(trail)) {
        problems.push("logs no S3 data events (expected an advancedEventSelectors entry with eventCategory Data and resources.type AWS::S3::Object, or eventSelectors with AWS::S3::Object dataResources)");
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
        "The home platform stack has a CloudTrail trail that is multi-region, validates its log files, is logging, and records S3 object-level (data) events; " +
        "every other platform stack reads the account's trail from the home platform (a StackReference to platform-<homeRegion>), or a platform records the organisation trail that covers the account (an SSM parameter tagged audit-trail=organization whose insecureValue or value is its ARN). " +
        "A platform with none of these is reported. Tenant stacks: not applicable (the account's trail covers them).",
    why:
        "Security investigations and customers' audits rely on a complete, tamper-evident record of who did what: in every region, including who read or changed a tenant's files.",
    enforcement: "mandatory",
    validate: cloudTrailFindings,
};
