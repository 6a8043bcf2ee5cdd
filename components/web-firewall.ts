// The web firewall in front of an internet-facing FrontDoor: suspicious networks, floods per IP
// and AWS's managed rule groups, every decision logged to an encrypted log group.

import * as pulumi from "@pulumi/pulumi";

import { EVIDENCE_LOG_RETENTION_DAYS } from "../lib/network-plan";
import { WAF_LOG_GROUP_PREFIX, WAF_REDACTED_HEADERS } from "../lib/promises/log-delivery";
import * as aws from "./aws";

export { WAF_LOG_GROUP_PREFIX, WAF_REDACTED_HEADERS } from "../lib/promises/log-delivery";

/** Days the web firewall's log group keeps requests: a year, as the flow logs. */
export const WAF_LOG_RETENTION_DAYS = EVIDENCE_LOG_RETENTION_DAYS;

/** The web firewall's log group name for a door: `aws-waf-logs-<door>`, within CloudWatch's 512 characters. */
export function wafLogGroupName(doorName: string): string {
    return `${WAF_LOG_GROUP_PREFIX}${doorName}`.slice(0, 512);
}

/** The AWS managed rule groups every web firewall runs, in priority order after the tenant's own rules. */
export const MANAGED_RULE_GROUPS = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesSQLiRuleSet",
] as const;

export interface WebFirewallArgs {
    /** The load balancer the firewall guards. */
    readonly loadBalancerArn: pulumi.Input<string>;
    /** Networks blocked outright (an IP set). */
    readonly suspiciousNetworks: pulumi.Input<string[]>;
    /** Requests one client IP may make in five minutes before it is blocked (validated by frontDoorProblems). */
    readonly requestsPerFiveMinutes: number;
    /** KMS key encrypting the firewall's log group. */
    readonly logKeyArn?: pulumi.Input<string>;
}

/**
 * The web firewall of door `name`, its resources children of `parent` (the door) and named after
 * it (`${name}-waf`, `${name}-suspicious`, ...): an ACL associated with the load balancer and its
 * logging. Returns the ACL's ARN.
 */
export function webFirewall(name: string, args: WebFirewallArgs, parent: pulumi.Resource): pulumi.Output<string> {
    const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${name}-${metric}` });
    const suspicious = new aws.wafv2.IpSet(
        `${name}-suspicious`,
        { scope: "REGIONAL", ipAddressVersion: "IPV4", addresses: args.suspiciousNetworks, description: `Suspicious networks blocked at ${name}` },
        { parent },
    );
    const acl = new aws.wafv2.WebAcl(
        `${name}-waf`,
        {
            scope: "REGIONAL",
            description: `Web firewall of ${name}`,
            defaultAction: { allow: {} },
            rules: [
                {
                    name: "block-suspicious-networks",
                    priority: 0,
                    action: { block: {} },
                    statement: { ipSetReferenceStatement: { arn: suspicious.arn } },
                    visibilityConfig: visibility("suspicious-networks"),
                },
                {
                    name: "block-floods-per-ip",
                    priority: 1,
                    action: { block: {} },
                    statement: { rateBasedStatement: { limit: args.requestsPerFiveMinutes, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
                    visibilityConfig: visibility("floods-per-ip"),
                },
                ...MANAGED_RULE_GROUPS.map((group, index) => ({
                    name: group,
                    priority: 2 + index,
                    overrideAction: { none: {} },
                    statement: {
                        managedRuleGroupStatement: {
                            vendorName: "AWS",
                            name: group,
                            // The common rule set blocks any body over 8 KB, which would break file
                            // uploads; the application limits upload sizes itself.
                            ruleActionOverrides:
                                group === "AWSManagedRulesCommonRuleSet" ? [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }] : undefined,
                        },
                    },
                    visibilityConfig: visibility(group),
                })),
            ],
            visibilityConfig: visibility("waf"),
        },
        { parent },
    );
    new aws.wafv2.WebAclAssociation(`${name}-waf-association`, { resourceArn: args.loadBalancerArn, webAclArn: acl.arn }, { parent });
    // CloudWatch Logs gives the group a resource policy for WAF's delivery itself (the
    // deployer needs logs:CreateLogDelivery, logs:PutResourcePolicy,
    // logs:DescribeResourcePolicies and logs:DescribeLogGroups).
    const wafLogs = new aws.cloudwatch.LogGroup(
        `${name}-waf-logs`,
        { name: wafLogGroupName(name), kmsKeyId: args.logKeyArn, retentionInDays: WAF_LOG_RETENTION_DAYS, tags: { Name: `${name}-waf-logs` } },
        { parent },
    );
    new aws.wafv2.WebAclLoggingConfiguration(
        `${name}-waf-logging`,
        {
            resourceArn: acl.arn,
            // The group's ARN without the `:*` suffix, as WAF expects.
            logDestinationConfigs: [wafLogs.arn],
            redactedFields: WAF_REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })),
        },
        { parent },
    );
    return acl.arn;
}
