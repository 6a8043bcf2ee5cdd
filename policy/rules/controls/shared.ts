// Reading EventBridge rules and their targets, for the control rules.

import { ofType } from "../graph";
import { PolicyResource, PolicyStack } from "../types";

export const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
export const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
export const TOPIC = "aws:sns/topic:Topic";
export const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";

/** A rule's event pattern as an object, or undefined when it is not JSON of an object. */
export function patternOf(rule: PolicyResource): Record<string, unknown> | undefined {
    const pattern = rule.props.eventPattern;
    if (typeof pattern !== "string") {
        return typeof pattern === "object" && pattern !== null ? (pattern as Record<string, unknown>) : undefined;
    }
    try {
        const parsed: unknown = JSON.parse(pattern);
        return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

/** The rule's physical name (its `name` input, else its id). */
export function ruleNameOf(rule: PolicyResource): string | undefined {
    return typeof rule.props.name === "string" ? rule.props.name : rule.id;
}

/** The targets of the rule (by its name). */
export function targetsOf(stack: PolicyStack, rule: PolicyResource): PolicyResource[] {
    const name = ruleNameOf(rule);
    return name === undefined ? [] : ofType(stack, EVENT_TARGET).filter((target) => target.props.rule === name);
}

/**
 * Whether `arn` is an SNS topic of this stack (its ARN ends in `:<topic name>`) whose one policy lets
 * EventBridge publish on behalf of `ruleName` (`aws:SourceArn` ends in `:rule/<name>`).
 * "unknown" when the ARN or the policy cannot be read.
 */
export function topicAdmits(stack: PolicyStack, arn: unknown, ruleName: string): "yes" | "not a topic of the stack" | "not admitted" | "unknown" {
    if (typeof arn !== "string") {
        return "unknown";
    }
    const topic = ofType(stack, TOPIC).find((candidate) => typeof candidate.props.name === "string" && arn.endsWith(`:${candidate.props.name}`));
    if (topic === undefined) {
        return "not a topic of the stack";
    }
    const policies = ofType(stack, TOPIC_POLICY).filter((policy) => policy.props.arn === arn);
    if (policies.length === 0) {
        return "not admitted";
    }
    let unreadable = false;
    for (const policy of policies) {
        let document: { Statement?: unknown } | undefined;
        try {
            document = typeof policy.props.policy === "string" ? (JSON.parse(policy.props.policy) as { Statement?: unknown }) : undefined;
        } catch {
            document = undefined;
        }
        if (document === undefined) {
            unreadable = true;
            continue;
        }
        const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
        for (const statement of statements as Record<string, unknown>[]) {
            const principal = (statement?.Principal as { Service?: unknown } | undefined)?.Service;
            const services = Array.isArray(principal) ? principal : [principal];
            const sources = (statement?.Condition as Record<string, Record<string, unknown>> | undefined)?.ArnEquals?.["aws:SourceArn"];
            const arns = Array.isArray(sources) ? sources : [sources];
            if (statement?.Effect === "Allow" && services.includes("events.amazonaws.com") && arns.some((source) => typeof source === "string" && source.endsWith(`:rule/${ruleName}`))) {
                return "yes";
            }
        }
    }
    return unreadable ? "unknown" : "not admitted";
}
