// The pure half of the tenant network: how its CIDR is carved into tiers, the network ACL rules that
// shut out suspicious networks, and the flow-log documents. No Pulumi here, so all of it is
// table-tested.

import { Cidr, containsCidr, formatCidr, isCanonicalCidr, parseCidr, PRIVATE_NETWORKS, subnets } from "./ipv4";

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
    /** `-1`: every protocol (the ports are then 0). */
    readonly protocol: "-1" | "tcp";
    readonly cidrBlock: string;
    readonly fromPort: number;
    readonly toPort: number;
}

/** The inline rules of the tenant network's ACL, per direction. */
export interface NetworkAclRules {
    readonly ingress: NetworkAclRule[];
    readonly egress: NetworkAclRule[];
}

/** Deny rules are numbered from here, in the order of the list. */
export const FIRST_DENY_RULE_NUMBER = 100;
/** Ingress allow rules are numbered from here: after every deny, so a denied network stays denied. */
export const FIRST_ALLOW_RULE_NUMBER = 1000;
/** The highest rule number AWS allows: egress allows everything after any number of deny rules. */
export const ALLOW_ALL_RULE_NUMBER = 32766;
/** AWS's default quota of rules per direction of a network ACL. */
export const NETWORK_ACL_RULES_PER_DIRECTION = 20;
/**
 * Where replies to connections the VPC opened arrive (the ephemeral ports of Linux, Windows and
 * AWS's own services all lie in it).
 */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
/** The private ranges ingress admits: the VPC, the operations network and customers' corporate networks lie in them. */
export const PRIVATE_INGRESS_CIDRS: readonly string[] = PRIVATE_NETWORKS.map(formatCidr);
/** Ports the internet reaches the access tier's load balancer on, when the network has public access. */
export const PUBLIC_INGRESS_PORTS = [443, 80] as const;
/** The most ingress allow rules a network has: the private ranges, the replies, and the public ports. */
export const MAX_INGRESS_ALLOW_RULES = PRIVATE_INGRESS_CIDRS.length + 1 + PUBLIC_INGRESS_PORTS.length;
/**
 * Suspicious networks one ACL holds: what the quota leaves beside the allow rules of an
 * internet-facing network. One limit for every network, so the platform's single list fits them all.
 */
export const MAX_DENIED_NETWORKS = NETWORK_ACL_RULES_PER_DIRECTION - MAX_INGRESS_ALLOW_RULES;

/**
 * The rules of the tenant network's ACL. Each suspicious network is denied both ways first (rules
 * 100, 101 ...). Then ingress, which is stateless and so cannot "allow replies" the way a security
 * group does, admits only: the private ranges (the VPC itself, the operations network through the
 * Transit Gateway, customers' corporate networks through their VPN); TCP 443 and 80 from anywhere
 * when `publicAccess` (the internet-facing load balancer); and TCP 1024-65535 from anywhere, the
 * replies to connections the VPC opened (S3 through the gateway endpoint, AWS APIs), the only
 * open-world ingress a stateless ACL cannot avoid. Egress allows the rest, as security groups
 * already narrow what leaves. Throws (failing the update before AWS half-applies the list) on a
 * value AWS would reject.
 */
export function networkAclRules(suspiciousNetworks: readonly string[], publicAccess: boolean, trustedCidrs: readonly string[] = []): NetworkAclRules {
    // Trusted networks inside the private ranges are admitted already; the others (a customer's
    // public corporate networks behind the VPN) each take an allow rule of their own.
    const privateRanges = PRIVATE_INGRESS_CIDRS.map((cidr) => parseCidr(cidr)!);
    const extraTrusted = trustedCidrs.filter((text) => {
        const cidr = parseCidr(text);
        return cidr !== undefined && !privateRanges.some((range) => containsCidr(range, cidr));
    });
    // More public corporate networks than the ACL holds: a network without public access has no
    // internet gateway, so only the VPN can deliver traffic from anywhere; it then admits the
    // users' HTTPS from anywhere, and the load balancer's security group still admits only them.
    const httpsFromAnywhere =
        !publicAccess && extraTrusted.length > 0 && suspiciousNetworks.length + PRIVATE_INGRESS_CIDRS.length + 1 + extraTrusted.length > NETWORK_ACL_RULES_PER_DIRECTION;
    if (httpsFromAnywhere) {
        extraTrusted.splice(0, extraTrusted.length);
    }
    const allowRules = PRIVATE_INGRESS_CIDRS.length + 1 + (publicAccess ? PUBLIC_INGRESS_PORTS.length : httpsFromAnywhere ? 1 : 0) + extraTrusted.length;
    const maxDenied = NETWORK_ACL_RULES_PER_DIRECTION - allowRules;
    const problems = suspiciousNetworks.flatMap((text, i) =>
        isCanonicalCidr(text) ? [] : [`suspiciousNetworks[${i}]: "${text}" is not an IPv4 CIDR in canonical form (e.g. 45.155.205.0/24)`],
    );
    problems.push(...trustedCidrs.flatMap((text, i) => (isCanonicalCidr(text) ? [] : [`trustedCidrs[${i}]: "${text}" is not an IPv4 CIDR in canonical form`])));
    if (suspiciousNetworks.length > maxDenied) {
        problems.push(
            `suspiciousNetworks: has ${suspiciousNetworks.length} entries; a network ACL holds at most ${Math.max(0, maxDenied)} besides its ${allowRules} allow rules` +
                (extraTrusted.length > 0 ? ` (${extraTrusted.length} of them for trusted public networks)` : ""),
        );
    }
    if (problems.length > 0) {
        throw new RangeError(problems.join("; "));
    }
    const rule = (ruleNo: number, action: "allow" | "deny", cidrBlock: string, ports?: { from: number; to: number }): NetworkAclRule =>
        ports ? { ruleNo, action, protocol: "tcp", cidrBlock, fromPort: ports.from, toPort: ports.to } : { ruleNo, action, protocol: "-1", cidrBlock, fromPort: 0, toPort: 0 };
    const denies = suspiciousNetworks.map((cidrBlock, i) => rule(FIRST_DENY_RULE_NUMBER + i, "deny", cidrBlock));
    // The public ports come after the fixed rules so that switching public access on or off
    // renumbers nothing before them; trusted public networks come last.
    const allows: [string, { from: number; to: number } | undefined][] = [
        ...PRIVATE_INGRESS_CIDRS.map((cidr): [string, undefined] => [cidr, undefined]),
        ["0.0.0.0/0", EPHEMERAL_PORTS],
        ...(publicAccess ? PUBLIC_INGRESS_PORTS.map((port): [string, { from: number; to: number }] => ["0.0.0.0/0", { from: port, to: port }]) : []),
        ...(httpsFromAnywhere ? [["0.0.0.0/0", { from: 443, to: 443 }] as [string, { from: number; to: number }]] : []),
        ...extraTrusted.map((cidr): [string, undefined] => [cidr, undefined]),
    ];
    return {
        ingress: [...denies, ...allows.map(([cidr, ports], i) => rule(FIRST_ALLOW_RULE_NUMBER + i, "allow", cidr, ports))],
        egress: [...denies, rule(ALLOW_ALL_RULE_NUMBER, "allow", "0.0.0.0/0")],
    };
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

/**
 * Days the logs that are evidence (flow logs, VPN connections, web firewall, database) are kept
 * unless a component is told otherwise: a year, one of LOG_RETENTION_DAYS.
 */
export const EVIDENCE_LOG_RETENTION_DAYS = 365;
