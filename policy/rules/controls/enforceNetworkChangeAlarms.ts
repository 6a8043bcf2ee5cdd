// Security group, network ACL, route table and VPN changes are told to operations as they happen,
// unless the deployment role made them (lib/promises/network-changes.ts).

import { NETWORK_CHANGE_EVENTS, NETWORK_CHANGE_KINDS } from "../../../lib/promises/network-changes";
import { ofType } from "../graph";
import { Finding, PolicyResource, PolicySettings, PolicyStack, StackRule } from "../types";
import { OWNER_SCOPE, ownsRegion } from "./regionOwner";
import { EVENT_RULE, patternOf, ruleNameOf, targetsOf, topicAdmits } from "./shared";

const CLOUDTRAIL_CALL = "AWS API Call via CloudTrail";
/** A session of one role: `arn:aws:sts::<account>:assumed-role/<role name>/` (the deployment role's, nothing wider). */
const ROLE_SESSION_PREFIX = /^arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]{1,64}\/$/;

function includes(value: unknown, wanted: string): boolean {
    return Array.isArray(value) && value.includes(wanted);
}

/** The rule watches EC2's CloudTrail calls (whatever else its pattern says). */
function watchesEc2Calls(pattern: Record<string, unknown>): boolean {
    return includes(pattern.source, "aws.ec2") && includes(pattern["detail-type"], CLOUDTRAIL_CALL);
}

function json(value: unknown): string {
    return JSON.stringify(value).slice(0, 200);
}

/** The exclusion the rule may carry: the deployment role's sessions, and an identity without an ARN still matches. */
function deployRoleOnly(or: unknown): boolean {
    if (!Array.isArray(or) || or.length !== 2) {
        return false;
    }
    const [excluded, missing] = or as Record<string, unknown>[];
    const excludedArn = (excluded?.userIdentity as Record<string, unknown> | undefined)?.arn;
    const missingArn = (missing?.userIdentity as Record<string, unknown> | undefined)?.arn;
    const only = (value: unknown): Record<string, unknown> | undefined => (Array.isArray(value) && value.length === 1 && typeof value[0] === "object" ? (value[0] as Record<string, unknown>) : undefined);
    const prefix = (only(excludedArn)?.["anything-but"] as Record<string, unknown> | undefined)?.prefix;
    return (
        Object.keys(excluded ?? {}).length === 1 &&
        Object.keys(missing ?? {}).length === 1 &&
        Object.keys(only(excludedArn) ?? {}).length === 1 &&
        typeof prefix === "string" &&
        ROLE_SESSION_PREFIX.test(prefix) &&
        JSON.stringify(only(missingArn)) === JSON.stringify({ exists: false })
    );
}

/** What in the rule's `detail` keeps a change from alarming, beyond the deployment role's sessions. */
function narrowing(pattern: Record<string, unknown>): string | undefined {
    const detail = (pattern.detail ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(detail)) {
        if (key === "eventName") {
            continue;
        }
        if (key === "eventSource" && Array.isArray(value) && value.length === 1 && value[0] === "ec2.amazonaws.com") {
            continue;
        }
        if (key === "$or" && deployRoleOnly(value)) {
            continue;
        }
        return `detail.${key} ${json(value)}`;
    }
    const extra = Object.keys(pattern).filter((key) => !["source", "detail-type", "detail"].includes(key));
    return extra.length > 0 ? `${extra[0]} ${json(pattern[extra[0]!])}` : undefined;
}

function ruleFindings(stack: PolicyStack, rule: PolicyResource, pattern: Record<string, unknown>): string[] {
    const problems: string[] = [];
    if (rule.props.state === "DISABLED" || rule.props.isEnabled === false) {
        problems.push("is disabled");
    }
    if (!Array.isArray(pattern.source) || pattern.source.length !== 1 || !Array.isArray(pattern["detail-type"]) || pattern["detail-type"].length !== 1) {
        problems.push(`matches more than EC2's API calls (source ${json(pattern.source)}, detail-type ${json(pattern["detail-type"])}); keep one rule per purpose`);
    }
    const narrowed = narrowing(pattern);
    if (narrowed !== undefined) {
        problems.push(
            `lets changes pass unseen by ${narrowed}; the only exclusion allowed is the deployment role's sessions: "$or": [{"userIdentity": {"arn": [{"anything-but": {"prefix": "arn:aws:sts::<account>:assumed-role/<deployRoleName>/"}}]}}, {"userIdentity": {"arn": [{"exists": false}]}}]`,
        );
    }
    const name = ruleNameOf(rule);
    const targets = targetsOf(stack, rule);
    const verdicts = targets.map((target) => topicAdmits(stack, target.props.arn, name ?? ""));
    if (!verdicts.includes("yes")) {
        const why = targets.length === 0 ? "has no target" : `targets no operations topic of the stack whose policy lets it publish (${verdicts.join(", ")})`;
        problems.push(`${why}: a change nobody is told of is not detected; target the stack's operations topic and list the rule in the topic policy's EventBridge statement (aws:SourceArn)`);
    }
    return problems;
}

function networkChangeFindings(stack: PolicyStack, settings: PolicySettings): Finding[] {
    if (!ownsRegion(stack, settings)) {
        return [];
    }
    const findings: Finding[] = [];
    const covered = new Set<string>();
    for (const rule of ofType(stack, EVENT_RULE)) {
        const pattern = patternOf(rule);
        if (pattern === undefined || !watchesEc2Calls(pattern)) {
            continue;
        }
        const names = ((pattern.detail as Record<string, unknown> | undefined)?.eventName ?? []) as unknown[];
        const problems = ruleFindings(stack, rule, pattern);
        findings.push(...problems.map((message) => ({ resource: rule.name, message: `the network-change rule ${message}` })));
        if (problems.length === 0 && Array.isArray(names)) {
            names.filter((name): name is string => typeof name === "string").forEach((name) => covered.add(name));
        }
    }
    for (const kind of NETWORK_CHANGE_KINDS) {
        const missing = NETWORK_CHANGE_EVENTS[kind].filter((name) => !covered.has(name));
        if (missing.length > 0) {
            findings.push({
                resource: stack.stack,
                message:
                    `no working ${EVENT_RULE} on the EC2 API calls (source aws.ec2, detail-type "${CLOUDTRAIL_CALL}") alarms the operations topic of ${kind} changes: ` +
                    `${missing.join(", ")} ${missing.length === 1 ? "goes" : "go"} unseen (components/network-change-alarms.ts)`,
            });
        }
    }
    return findings;
}

export const enforceNetworkChangeAlarms: StackRule = {
    kind: "stack",
    name: "cloudwatch-event-rule-network-changes",
    description:
        "Every security group, network ACL, route table (VPC and Transit Gateway) and VPN API call of lib/promises/network-changes.ts is matched by an enabled EventBridge rule on EC2's CloudTrail calls " +
        "whose target is an SNS topic of the stack whose one policy lets EventBridge publish for that rule; the rule may exclude only the deployment role's sessions " +
        "(anything-but prefix arn:aws:sts::<account>:assumed-role/<role>/), with a branch for identities without an ARN, and nothing else (no errorCode, region or identity filter). " +
        OWNER_SCOPE,
    why: "The security documentation promises a scan that detects firewall configuration changes: a port opened by hand, a route to somewhere new or a VPN retuned must reach operations within minutes, with who did it, not wait for a review.",
    enforcement: "mandatory",
    validate: networkChangeFindings,
};
