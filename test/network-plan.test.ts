// Table tests for the tenant network's pure half: the subnet plan (plus a seeded property test that
// its blocks tile the network exactly), the network ACL rules and the flow-log documents.

import { describe, expect, it } from "vitest";

import {
    ALLOW_ALL_RULE_NUMBER,
    flowLogAssumeRolePolicy,
    flowLogWritePolicy,
    MAX_DENIED_NETWORKS,
    networkAclRules,
    REJECT_FILTER_PATTERN,
    subnetPlan,
} from "../lib/network-plan";
import { Cidr, containsCidr, formatCidr, overlaps, parseCidr, size } from "../lib/ipv4";
import { mulberry32 } from "../scripts/lib/prng";

function cidr(text: string): Cidr {
    const parsed = parseCidr(text);
    if (!parsed) {
        throw new Error(`test fixture ${text} is not a CIDR`);
    }
    return parsed;
}

describe("subnetPlan", () => {
    it.each([
        [
            "10.20.0.0/16",
            {
                access: ["10.20.0.0/19", "10.20.32.0/19"],
                admin: ["10.20.64.0/19", "10.20.96.0/19"],
                data: ["10.20.128.0/19", "10.20.160.0/19"],
                directory: ["10.20.192.0/19", "10.20.224.0/19"],
            },
        ],
        [
            "172.20.0.0/20",
            {
                access: ["172.20.0.0/23", "172.20.2.0/23"],
                admin: ["172.20.4.0/23", "172.20.6.0/23"],
                data: ["172.20.8.0/23", "172.20.10.0/23"],
                directory: ["172.20.12.0/23", "172.20.14.0/23"],
            },
        ],
        [
            "192.168.7.0/24",
            {
                access: ["192.168.7.0/27", "192.168.7.32/27"],
                admin: ["192.168.7.64/27", "192.168.7.96/27"],
                data: ["192.168.7.128/27", "192.168.7.160/27"],
                directory: ["192.168.7.192/27", "192.168.7.224/27"],
            },
        ],
    ])("GIVEN the network %s WHEN planned THEN each tier gets two of its eight equal blocks", (network, expected) => {
        expect(subnetPlan(network)).toEqual(expected);
    });

    it.each([
        ["a prefix too large", "10.20.0.0/15", 'cidr: "10.20.0.0/15" has prefix /15; a tenant network is /16 to /24'],
        ["a prefix too small", "10.20.0.0/25", 'cidr: "10.20.0.0/25" has prefix /25; a tenant network is /16 to /24'],
        ["host bits set", "10.20.1.0/16", 'cidr: "10.20.1.0/16" is not a network address; use 10.20.0.0/16'],
        ["a public network", "81.2.0.0/16", 'cidr: "81.2.0.0/16" is not a private network; use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16'],
        ["no CIDR at all", "10.20.0.0", 'cidr: "10.20.0.0" is not an IPv4 CIDR; expected e.g. 10.20.0.0/16'],
    ])("GIVEN %s WHEN planned THEN it throws naming the value", (_, network, message) => {
        expect(() => subnetPlan(network)).toThrow(message);
    });


    it("GIVEN 1000 random private networks /16 to /24 WHEN planned THEN the 8 blocks never overlap and exactly cover the network", () => {
        const random = mulberry32(0x7e7a4e7);
        const privates = [cidr("10.0.0.0/8"), cidr("172.16.0.0/12"), cidr("192.168.0.0/16")];
        for (let run = 0; run < 1000; run++) {
            const outer = privates[Math.floor(random() * privates.length)] as Cidr;
            const prefix = 16 + Math.floor(random() * 9);
            const block = 2 ** (32 - prefix);
            const network: Cidr = { network: outer.network + Math.floor((random() * size(outer)) / block) * block, prefix };
            const text = formatCidr(network);

            const plan = subnetPlan(text);
            const blocks = [...plan.access, ...plan.admin, ...plan.data, ...plan.directory].map(cidr);

            expect(blocks, text).toHaveLength(8);
            blocks.forEach((a, i) => {
                expect(a.prefix, text).toBe(prefix + 3);
                expect(containsCidr(network, a), `${formatCidr(a)} in ${text}`).toBe(true);
                blocks.slice(i + 1).forEach((b) => expect(overlaps(a, b), `${formatCidr(a)} vs ${formatCidr(b)}`).toBe(false));
            });
            // Disjoint blocks inside the network whose sizes add up to it cover it exactly.
            expect(blocks.reduce((sum, b) => sum + size(b), 0), text).toBe(size(network));
        }
    });
});

describe("networkAclRules", () => {
    const deny = (ruleNo: number, cidrBlock: string) => ({ ruleNo, action: "deny", protocol: "-1", cidrBlock, fromPort: 0, toPort: 0 });
    const allowAll = (ruleNo: number, cidrBlock: string) => ({ ruleNo, action: "allow", protocol: "-1", cidrBlock, fromPort: 0, toPort: 0 });
    const allowTcp = (ruleNo: number, fromPort: number, toPort: number) => ({ ruleNo, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort, toPort });
    const privateAndReplies = [allowAll(1000, "10.0.0.0/8"), allowAll(1001, "172.16.0.0/12"), allowAll(1002, "192.168.0.0/16"), allowTcp(1003, 1024, 65535)];

    it.each([
        ["no networks, no public access", [], false, privateAndReplies],
        ["no networks, public access", [], true, [...privateAndReplies, allowTcp(1004, 443, 443), allowTcp(1005, 80, 80)]],
        [
            "two networks, public access",
            ["45.155.205.0/24", "185.156.73.0/24"],
            true,
            [deny(100, "45.155.205.0/24"), deny(101, "185.156.73.0/24"), ...privateAndReplies, allowTcp(1004, 443, 443), allowTcp(1005, 80, 80)],
        ],
        ["two networks, no public access", ["45.155.205.0/24", "185.156.73.0/24"], false, [deny(100, "45.155.205.0/24"), deny(101, "185.156.73.0/24"), ...privateAndReplies]],
    ])("GIVEN %s WHEN ruled THEN ingress denies each network, then admits the private ranges, replies and (public only) HTTPS/HTTP", (_, networks, publicAccess, expected) => {
        expect(networkAclRules(networks, publicAccess).ingress).toEqual(expected);
    });

    it.each([
        [[], [allowAll(ALLOW_ALL_RULE_NUMBER, "0.0.0.0/0")]],
        [["45.155.205.0/24"], [deny(100, "45.155.205.0/24"), allowAll(ALLOW_ALL_RULE_NUMBER, "0.0.0.0/0")]],
    ])("GIVEN suspicious networks %j WHEN ruled THEN egress denies each before allowing the rest", (networks, expected) => {
        expect(networkAclRules(networks, true).egress).toEqual(expected);
        expect(networkAclRules(networks, false).egress).toEqual(expected);
    });

    it("GIVEN any rules WHEN ruled THEN the only open-world ingress is TCP 80, 443 and the ephemeral ports", () => {
        const open = networkAclRules(["45.155.205.0/24"], true).ingress.filter((rule) => rule.action === "allow" && rule.cidrBlock === "0.0.0.0/0");
        expect(open.map((rule) => [rule.protocol, rule.fromPort, rule.toPort])).toEqual([["tcp", 1024, 65535], ["tcp", 443, 443], ["tcp", 80, 80]]);
    });

    it("GIVEN the most networks an internet-facing ACL holds WHEN ruled THEN each direction fits AWS's 20 rules and every deny comes first", () => {
        expect(MAX_DENIED_NETWORKS).toBe(14);
        const { ingress, egress } = networkAclRules(Array.from({ length: 14 }, (_, i) => `198.51.${i}.0/24`), true);
        expect(ingress).toHaveLength(20);
        expect(egress).toHaveLength(15);
        const lastDeny = Math.max(...ingress.filter((rule) => rule.action === "deny").map((rule) => rule.ruleNo));
        expect(ingress.filter((rule) => rule.action === "allow").every((rule) => rule.ruleNo > lastDeny)).toBe(true);
    });

    it("GIVEN 15 networks on a public network WHEN ruled THEN it throws: the ACL would exceed AWS's 20 rules", () => {
        expect(() => networkAclRules(Array.from({ length: 15 }, (_, i) => `198.51.${i}.0/24`), true)).toThrow(
            "suspiciousNetworks: has 15 entries; a network ACL holds at most 14 besides its 6 allow rules",
        );
    });

    it("GIVEN a network without public access WHEN ruled THEN the two public-port rules are free for denies (16 fit, 17 do not)", () => {
        expect(networkAclRules(Array.from({ length: 16 }, (_, i) => `198.51.${i}.0/24`), false).ingress).toHaveLength(20);
        expect(() => networkAclRules(Array.from({ length: 17 }, (_, i) => `198.51.${i}.0/24`), false)).toThrow(
            "suspiciousNetworks: has 17 entries; a network ACL holds at most 16 besides its 4 allow rules",
        );
    });

    it("GIVEN a customer's corporate networks behind the VPN WHEN ruled THEN the public ones are admitted, one rule each, after the fixed rules", () => {
        const { ingress } = networkAclRules(["45.155.205.0/24"], false, ["192.168.0.0/16", "81.2.0.0/16", "172.20.0.0/16"]);
        expect(ingress.filter((rule) => rule.action === "allow").map((rule) => [rule.ruleNo, rule.cidrBlock, rule.protocol])).toEqual([
            [1000, "10.0.0.0/8", "-1"],
            [1001, "172.16.0.0/12", "-1"],
            [1002, "192.168.0.0/16", "-1"],
            [1003, "0.0.0.0/0", "tcp"],
            [1004, "81.2.0.0/16", "-1"],
        ]);
        expect(() => networkAclRules(Array.from({ length: 16 }, (_, i) => `198.51.${i}.0/24`), false, ["81.2.0.0/16"])).toThrow(
            "suspiciousNetworks: has 16 entries; a network ACL holds at most 15 besides its 5 allow rules",
        );
    });

    it("GIVEN a non-canonical network WHEN ruled THEN it throws naming its index", () => {
        expect(() => networkAclRules(["45.155.205.0/24", "45.155.205.1/24"], true)).toThrow(
            'suspiciousNetworks[1]: "45.155.205.1/24" is not an IPv4 CIDR in canonical form (e.g. 45.155.205.0/24)',
        );
    });
});

describe("flow-log documents", () => {
    it("GIVEN an account and region WHEN the trust policy is built THEN only VPC flow logs of that account and region may assume the role", () => {
        expect(JSON.parse(flowLogAssumeRolePolicy("123456789012", "eu-west-1"))).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": "123456789012" },
                        ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*" },
                    },
                },
            ],
        });
    });

    it("GIVEN a log group WHEN the write policy is built THEN it allows writing streams of that group only", () => {
        const arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/vpc/flow-logs/acme-network";
        expect(JSON.parse(flowLogWritePolicy(arn))).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [arn, `${arn}:*`] }],
        });
    });

    it("GIVEN the default flow-log format WHEN the filter pattern is read THEN its 13th of 14 fields must be REJECT and packets is the 9th", () => {
        const fields = /^\[(.*)\]$/.exec(REJECT_FILTER_PATTERN)?.[1]?.split(", ") ?? [];
        expect(fields).toHaveLength(14);
        expect(fields[8]).toBe("packets");
        expect(fields[12]).toBe('action="REJECT"');
    });
});
