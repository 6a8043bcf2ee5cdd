// The pure half of the tenant network: how its CIDR is carved into tiers, the network ACL rules that
// shut out suspicious networks, and the flow-log documents. No Pulumi here, so all of it is
// table-tested.

import { Cidr, containsCidr, formatCidr, isCanonicalCidr, parseCidr, PRIVATE_NETWORKS, subnets } from "../stacks/config/ipv4";

/** The tiers that get subnets of their own, in the order of their blocks in the plan. */
export const TIERS = ["access", "admin", "data"] as const;
export type Tier = (typeof TIERS)[number];

/** Two subnets per tier, index = availability zone. */
export type SubnetPair = readonly [string, string];

export interface SubnetPlan {
    readonly access: SubnetPair;
    readonly admin: SubnetPair;
    readonly data: SubnetPair;
    /** Reserved for the directory link of vpn-sync, which its own component creates. */
    readonly directory: SubnetPair;
}

/** Tenant networks are /16 (the largest VPC) to /24 (blocks of /27, the smallest useful subnets). */
export const MIN_NETWORK_PREFIX = 16;
export const MAX_NETWORK_PREFIX = 24;

/** Why `text` cannot be a tenant network, or `undefined` when it can. */
export function networkCidrProblem(text: string): string | undefined {
    const cidr = parseCidr(text);
    if (!cidr) {
        return `cidr: "${text}" is not an IPv4 CIDR; expected e.g. 10.20.0.0/16`;
    }
    if (!isCanonicalCidr(text)) {
        return `cidr: "${text}" is not a network address; use ${formatCidr(cidr)}`;
    }
    if (cidr.prefix < MIN_NETWORK_PREFIX || cidr.prefix > MAX_NETWORK_PREFIX) {
        return `cidr: "${text}" has prefix /${cidr.prefix}; a tenant network is /${MIN_NETWORK_PREFIX} to /${MAX_NETWORK_PREFIX}`;
    }
    if (!PRIVATE_NETWORKS.some((network) => containsCidr(network, cidr))) {
        return `cidr: "${text}" is not a private network; use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`;
    }
    return undefined;
}

/**
 * Splits a tenant network into 8 equal blocks (prefix + 3), two per tier plus the reserved
 * directory pair. Equal blocks keep every tier's address space predictable from the CIDR alone,
 * which is what operators and customers' firewall rules rely on.
 */
export function subnetPlan(cidr: string): SubnetPlan {
    const problem = networkCidrProblem(cidr);
    if (problem) {
        throw new RangeError(problem);
    }
    const network = parseCidr(cidr) as Cidr;
    const blocks = subnets(network, network.prefix + 3).map(formatCidr);
    const pair = (first: number): SubnetPair => [blocks[first] as string, blocks[first + 1] as string];
    return { access: pair(0), admin: pair(2), data: pair(4), directory: pair(6) };
}

/** One inline rule of `aws.ec2.NetworkAcl` (ingress and egress have the same shape). */
export interface NetworkAclRule {
    readonly ruleNo: number;
    readonly action: "allow" | "deny";
    readonly protocol: "-1";
    readonly cidrBlock: string;
    readonly fromPort: 0;
    readonly toPort: 0;
}

/** Deny rules are numbered from here, in the order of the list. */
export const FIRST_DENY_RULE_NUMBER = 100;
/** The highest rule number AWS allows: the allow-all comes after any number of deny rules. */
export const ALLOW_ALL_RULE_NUMBER = 32766;
/** AWS's default quota is 20 rules per direction; one of them is the final allow-all. */
export const MAX_DENIED_NETWORKS = 19;

/**
 * The rules of one direction: each suspicious network denied (rules 100, 101 ...) before
 * everything else is allowed. Network ACLs are stateless and evaluated in rule order, so the same
 * list serves ingress and egress. Throws (failing the update before AWS half-applies the list) on
 * a value AWS would reject.
 */
export function networkAclRules(suspiciousNetworks: readonly string[]): NetworkAclRule[] {
    const problems = suspiciousNetworks.flatMap((text, i) =>
        isCanonicalCidr(text) ? [] : [`suspiciousNetworks[${i}]: "${text}" is not an IPv4 CIDR in canonical form (e.g. 45.155.205.0/24)`],
    );
    if (suspiciousNetworks.length > MAX_DENIED_NETWORKS) {
        problems.push(`suspiciousNetworks: has ${suspiciousNetworks.length} entries; a network ACL holds at most ${MAX_DENIED_NETWORKS} besides its allow rule`);
    }
    if (problems.length > 0) {
        throw new RangeError(problems.join("; "));
    }
    const rule = (ruleNo: number, action: "allow" | "deny", cidrBlock: string): NetworkAclRule => ({ ruleNo, action, protocol: "-1", cidrBlock, fromPort: 0, toPort: 0 });
    return [
        ...suspiciousNetworks.map((cidrBlock, i) => rule(FIRST_DENY_RULE_NUMBER + i, "deny", cidrBlock)),
        rule(ALLOW_ALL_RULE_NUMBER, "allow", "0.0.0.0/0"),
    ];
}

/**
 * Matches REJECT records of the default flow-log format (version 2, 14 space-separated fields), so
 * `$packets` counts the packets security groups and network ACLs turned away.
 */
export const REJECT_FILTER_PATTERN =
    "[version, accountId, interfaceId, srcAddr, dstAddr, srcPort, dstPort, protocol, packets, bytes, start, end, action=\"REJECT\", logStatus]";

/** Trust policy of the flow-log role: only VPC flow logs of this account and region (no confused deputy). */
export function flowLogAssumeRolePolicy(accountId: string, region: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": accountId },
                    ArnLike: { "aws:SourceArn": `arn:aws:ec2:${region}:${accountId}:vpc-flow-log/*` },
                },
            },
        ],
    });
}

/** What the flow-log role may do: write streams of its own log group, nothing else. */
export function flowLogWritePolicy(logGroupArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [logGroupArn, `${logGroupArn}:*`],
            },
        ],
    });
}

/** CloudWatch Logs' allowed retention periods (0, never expire, is deliberately not offered). */
export const LOG_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
