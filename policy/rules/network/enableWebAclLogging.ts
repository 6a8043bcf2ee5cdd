import { WAF_LOG_GROUP_PREFIX, WAF_REDACTED_HEADERS } from "../../../lib/promises/log-delivery";
import { ofType } from "../graph";
import { list } from "../data/enforceS3BucketTlsOnly";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { refersTo } from "./shared";

export const WEB_ACL = "aws:wafv2/webAcl:WebAcl";
export const WEB_ACL_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/**
 * Whether `ref` (a logging configuration's resourceArn) names the web ACL: its ARN, or an ARN
 * ending `webacl/<name>/<id>` with the ACL's id (the plan records inputs, where an ACL's ARN is
 * no property; its id is the ARN's last segment).
 */
export function refersToWebAcl(ref: unknown, acl: PolicyResource): boolean {
    return refersTo(ref, acl) || (typeof ref === "string" && acl.id !== undefined && acl.id !== "" && /^arn:aws[a-z-]*:wafv2:[^:]*:\d{12}:(regional|global)\/webacl\/[^/]+\/[^/]+$/.test(ref) && ref.endsWith(`/${acl.id}`));
}

/** Whether `ref` (a log destination) is the log group's ARN (with or without the `:*` suffix). */
export function refersToLogGroup(ref: unknown, group: PolicyResource): boolean {
    if (refersTo(ref, group)) {
        return true;
    }
    const name = /^arn:aws[a-z-]*:logs:[^:]*:\d{12}:log-group:([^:]+)(:\*)?$/.exec(typeof ref === "string" ? ref : "")?.[1];
    return name !== undefined && (name === group.props.name || name === group.id);
}

/** The header names a logging configuration redacts (lower-cased, as WAF matches them). */
function redactedHeaders(configuration: PolicyResource): string[] {
    return list(configuration.props.redactedFields).flatMap((field) => {
        const header = field !== null && typeof field === "object" ? ((field as Record<string, unknown>).singleHeader as Record<string, unknown> | undefined)?.name : undefined;
        return typeof header === "string" ? [header.toLowerCase()] : [];
    });
}

/** The problems of one logging configuration's destinations and redactions. */
function loggingProblems(configuration: PolicyResource, stack: PolicyStack): string[] {
    const problems: string[] = [];
    const destinations = list(configuration.props.logDestinationConfigs);
    if (destinations.length === 0) {
        problems.push(`${configuration.name} has no logDestinationConfigs`);
    }
    for (const destination of destinations) {
        const group = ofType(stack, LOG_GROUP).find((candidate) => refersToLogGroup(destination, candidate));
        if (group === undefined) {
            problems.push(`${configuration.name} logs to ${JSON.stringify(destination)}, which is no log group of this stack; expected the stack's own encrypted log group`);
        } else if (typeof group.props.name !== "string" || !group.props.name.startsWith(WAF_LOG_GROUP_PREFIX)) {
            problems.push(`${configuration.name} logs to log group ${group.name} named ${JSON.stringify(group.props.name)}; WAF delivers only to a group whose name starts with "${WAF_LOG_GROUP_PREFIX}"`);
        }
    }
    const redacted = redactedHeaders(configuration);
    const clear = WAF_REDACTED_HEADERS.filter((header) => !redacted.includes(header));
    if (clear.length > 0) {
        problems.push(`${configuration.name} does not redact the ${clear.join(" and ")} header${clear.length > 1 ? "s" : ""}: users' credentials would be logged in clear; add redactedFields singleHeader { name: "${clear[0]}" }`);
    }
    return problems;
}

export const enableWebAclLogging: ResourceRule = {
    kind: "resource",
    name: "wafv2-web-acl-logging",
    description:
        `Every WAF web ACL has a logging configuration (\`${WEB_ACL_LOGGING}\` whose resourceArn is the ACL) delivering to a log group of the same stack named \`${WAF_LOG_GROUP_PREFIX}...\`, ` +
        `and redacting the ${WAF_REDACTED_HEADERS.join(" and ")} headers.`,
    why: "Blocked and rate-limited requests are the first thing to read in an attack or a customer's 'we cannot log in'; the weekly review of denied access needs them on record, and users' credentials and session cookies must never be.",
    enforcement: "mandatory",
    resourceTypes: [WEB_ACL],
    validate(acl, stack) {
        const configurations = ofType(stack, WEB_ACL_LOGGING).filter((configuration) => refersToWebAcl(configuration.props.resourceArn, acl));
        if (configurations.length === 0) {
            return [`has no logging configuration; expected an ${WEB_ACL_LOGGING} whose resourceArn is this web ACL, to a "${WAF_LOG_GROUP_PREFIX}..." log group of the stack`];
        }
        return configurations.flatMap((configuration) => loggingProblems(configuration, stack));
    },
};
