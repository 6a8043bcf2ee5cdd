import { MockAttributes } from "./types";

/** Web ACL capacity units AWS charges per rule statement (managed groups as published by AWS). */
const MANAGED_GROUP_CAPACITY: Readonly<Record<string, number>> = {
    AWSManagedRulesCommonRuleSet: 700,
    AWSManagedRulesKnownBadInputsRuleSet: 200,
    AWSManagedRulesAmazonIpReputationList: 25,
    AWSManagedRulesAnonymousIpList: 50,
    AWSManagedRulesSQLiRuleSet: 200,
    AWSManagedRulesLinuxRuleSet: 200,
};

function ruleCapacity(rule: unknown): number {
    const statement = (rule as { statement?: Record<string, unknown> } | undefined)?.statement ?? {};
    if (statement.managedRuleGroupStatement) {
        const group = String((statement.managedRuleGroupStatement as { name?: unknown }).name);
        return MANAGED_GROUP_CAPACITY[group] ?? 100;
    }
    if (statement.rateBasedStatement) {
        return 2;
    }
    return 1;
}

/** Attributes AWS returns for the edge resources the program creates. */
export const edgeAttributes: MockAttributes = {
    // A DNS-validated certificate waits for its CNAME; ACM names it per account and domain.
    "aws:acm/certificate:Certificate": ({ inputs, hex }) => {
        const names = [inputs.domainName, ...((inputs.subjectAlternativeNames as unknown[] | undefined) ?? [])].map(String);
        const unique = [...new Set(names)];
        return {
            status: "PENDING_VALIDATION",
            domainValidationOptions: unique.map((domainName) => ({
                domainName,
                resourceRecordName: `_${hex(32, `name:${domainName}`)}.${domainName.replace(/^\*\./, "")}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_${hex(32, `value:${domainName}`)}.${hex(10, `target:${domainName}`)}.acm-validations.aws.`,
            })),
        };
    },
    "aws:acm/certificateValidation:CertificateValidation": ({ inputs }) => ({ certificateArn: inputs.certificateArn }),
    "aws:route53/record:Record": ({ inputs }) => ({ fqdn: String(inputs.name).replace(/\.$/, "") }),
    "aws:wafv2/webAcl:WebAcl": ({ inputs }) => ({
        capacity: ((inputs.rules as unknown[] | undefined) ?? []).reduce<number>((sum, rule) => sum + ruleCapacity(rule), 0),
    }),
    // A listener's ARN names its load balancer: `listener/app/<lb name>/<lb hex>/<listener hex>`.
    "aws:lb/listener:Listener": ({ inputs, region, account, hex }) => {
        const loadBalancer = /:loadbalancer\/(app\/[^/]+\/[0-9a-f]{16})$/.exec(String(inputs.loadBalancerArn))?.[1] ?? `app/unknown/${hex(16, "lb")}`;
        return { arn: `arn:aws:elasticloadbalancing:${region}:${account}:listener/${loadBalancer}/${hex(16)}` };
    },
    // A rule's ARN extends its listener's: `listener-rule/app/<lb name>/<lb hex>/<listener hex>/<rule hex>`.
    // Without a priority AWS gives the next free one after the listener's highest rule.
    "aws:lb/listenerRule:ListenerRule": ({ inputs, region, account, hex }) => {
        const listener = /:listener\/(app\/[^/]+\/[0-9a-f]{16}\/[0-9a-f]{16})$/.exec(String(inputs.listenerArn))?.[1] ?? `app/unknown/${hex(16, "lb")}/${hex(16, "listener")}`;
        return {
            arn: `arn:aws:elasticloadbalancing:${region}:${account}:listener-rule/${listener}/${hex(16)}`,
            priority: inputs.priority ?? 1 + (parseInt(hex(2, "priority"), 16) % 50),
        };
    },
    "aws:ssm/association:Association": ({ region, account, hex }) => {
        const h = hex(32, "association");
        const associationId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
        return { associationId, arn: `arn:aws:ssm:${region}:${account}:association/${associationId}` };
    },
};
