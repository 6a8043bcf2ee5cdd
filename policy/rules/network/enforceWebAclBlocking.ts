// The external firewall blocks suspicious networks and floods (security documentation, 6.1, 6.3).

import { PolicyResource, ResourceRule } from "../types";
import { WEB_ACL } from "./enableWebAclLogging";

interface WafRule {
    readonly name?: unknown;
    readonly action?: Record<string, unknown>;
    readonly statement?: Record<string, unknown>;
}

const blocks = (rule: WafRule, statement: string): boolean => rule.action?.block !== undefined && rule.statement?.[statement] !== undefined;

function blockingProblems(acl: PolicyResource): string[] {
    const rules = (Array.isArray(acl.props.rules) ? acl.props.rules : []) as WafRule[];
    const problems: string[] = [];
    if (!rules.some((rule) => blocks(rule, "ipSetReferenceStatement"))) {
        problems.push("no rule blocks an IP set (action block with an ipSetReferenceStatement): networks found suspicious cannot be blocked; expected the suspicious-networks rule");
    }
    if (!rules.some((rule) => blocks(rule, "rateBasedStatement"))) {
        problems.push("no rate-based rule blocks (action block with a rateBasedStatement): a flood from one address is let through; expected the per-address flood rule");
    }
    return problems;
}

export const enforceWebAclBlocking: ResourceRule = {
    kind: "resource",
    name: "wafv2-web-acl-blocks-suspicious-networks",
    description: "Every WAF web ACL blocks an IP set (the suspicious networks) and blocks by rate (floods per address).",
    why: "The service promises an external firewall that warns of denial-of-service attacks and blocks networks found suspicious (security documentation, 6.1 and 6.3): a web ACL that only counts, or lost its blocking rules, still passes `lb-web-acl`.",
    enforcement: "mandatory",
    resourceTypes: [WEB_ACL],
    validate: blockingProblems,
};
