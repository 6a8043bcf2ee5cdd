// The network rules: each against a compliant baseline (an internet-facing cloud stack and a
// VPN-only stack) with one field changed per case and the exact finding asserted, then all of them
// over the planned fixture fleet (test/fixtures/tenants, the examples' shape), which must show no mandatory violation.

import { beforeAll, describe, expect, it } from "vitest";

import { networkAclRules } from "../../lib/network-plan";
import { evaluate, findingsOf } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { NETWORK_RULES } from "../../policy/rules/network";
import { disallowInstancePublicIp } from "../../policy/rules/network/disallowInstancePublicIp";
import { disallowNetworkAclOpenWorldIngress } from "../../policy/rules/network/disallowNetworkAclOpenWorldIngress";
import { disallowSecurityGroupOpenWorldIngress } from "../../policy/rules/network/disallowSecurityGroupOpenWorldIngress";
import { disallowSubnetPublicIpOnLaunch } from "../../policy/rules/network/disallowSubnetPublicIpOnLaunch";
import { disallowVpnConnectionPlaintextPresharedKey } from "../../policy/rules/network/disallowVpnConnectionPlaintextPresharedKey";
import { disallowVpnOnlyInternetPath } from "../../policy/rules/network/disallowVpnOnlyInternetPath";
import { enforceInstanceDualTierInterfaces } from "../../policy/rules/network/enforceInstanceDualTierInterfaces";
import { enforceInstanceImdsv2 } from "../../policy/rules/network/enforceInstanceImdsv2";
import { enforceNetworkAclSuspiciousDenies } from "../../policy/rules/network/enforceNetworkAclSuspiciousDenies";
import { enforceLoadBalancerHttpRedirect } from "../../policy/rules/network/enforceLoadBalancerHttpRedirect";
import { enforceLoadBalancerHttpsListener } from "../../policy/rules/network/enforceLoadBalancerHttpsListener";
import { enforceSecurityGroupAdminPortSources } from "../../policy/rules/network/enforceSecurityGroupAdminPortSources";
import { enforceVpnConnectionTunnelCrypto } from "../../policy/rules/network/enforceVpnConnectionTunnelCrypto";
import { missingLoadBalancerWebAcl } from "../../policy/rules/network/missingLoadBalancerWebAcl";
import { Finding, PolicySettings, PolicyStack, Rule } from "../../policy/rules/types";
import { PlanDocument } from "../../scripts/lib/plan/fleet";
import { planOfFixtureFleet } from "../fixtures/fleet";
import { HTTP_LISTENER_ARN, HTTPS_LISTENER_ARN, ID, internetStack, LB_ARN, SETTINGS, SUSPICIOUS, vpnStack, withKind, without, withProps, withResource } from "./fixtures-network";

function run(rule: Rule, stack: PolicyStack, settings: PolicySettings = SETTINGS): Finding[] {
    return findingsOf(rule, stack, settings);
}

const APP = "acme-servers-0-instance";
const DB = "acme-database-server-instance";
const FOREIGN_SUBNET = "subnet-0ffffffffffffffff";
const FOREIGN_LIST = "pl-0ffffffffffffffff";
const OPERATIONS = "administration ports admit only the operations network (10.15.64.0/19, 10.15.96.0/19)";

describe("the rule set", () => {
    it("GIVEN the network rules WHEN listed THEN each has a unique kebab-case name, a description and a why", () => {
        const names = NETWORK_RULES.map((rule) => rule.name);
        expect(new Set(names).size).toBe(names.length);
        expect(NETWORK_RULES).toHaveLength(27);
        for (const rule of NETWORK_RULES) {
            expect(rule.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
            expect(rule.description.length, rule.name).toBeGreaterThan(40);
            expect(rule.why.length, rule.name).toBeGreaterThan(40);
            expect(rule.enforcement, rule.name).toBe("mandatory");
        }
    });

    it.each([
        ["internet-facing cloud", internetStack()],
        ["VPN-only", vpnStack()],
    ])("GIVEN the compliant %s baseline WHEN every rule runs THEN nothing is found", (_, stack) => {
        expect(evaluate(stack, SETTINGS, NETWORK_RULES)).toEqual([]);
    });
});

describe("ec2-instance-dual-tier-interfaces", () => {
    const rule = enforceInstanceDualTierInterfaces;

    it.each([
        [
            "eth0 in the admin tier",
            APP,
            { subnetId: ID.admin0 },
            [
                "has 0 access-tier interfaces; expected exactly one",
                "has 2 admin-tier interfaces; expected exactly one",
                "eth0 (admin tier) admits tcp 443 through acme-servers-access-sg (acme-servers-access-from-lb) from a security group; the administration network admits only the operations network (10.15.64.0/19, 10.15.96.0/19)",
            ],
        ],
        [
            "eth0 in a subnet outside the stack",
            APP,
            { subnetId: FOREIGN_SUBNET },
            [`eth0 is in subnet ${FOREIGN_SUBNET}, which is no subnet of the stack with a tier tag; its tier cannot be told`, "has 0 access-tier interfaces; expected exactly one"],
        ],
        ["no subnet for eth0", APP, { subnetId: undefined }, ["has neither subnetId nor primaryNetworkInterface; the tier of eth0 cannot be told", "has 0 access-tier interfaces; expected exactly one"]],
        [
            "the database server's eth0 in the access tier",
            DB,
            { subnetId: ID.access0 },
            ["eth0 is in the access tier; expected one data-tier and one admin-tier interface only", "has 0 data-tier interfaces; expected exactly one"],
        ],
        [
            "the database server without its role tag (no waiver)",
            DB,
            { tags: { Name: "acme-database-server" } },
            ["eth0 is in the data tier; expected one access-tier and one admin-tier interface only", "has 0 access-tier interfaces; expected exactly one"],
        ],
    ])("GIVEN %s WHEN checked THEN the instance is reported", (_, name, patch, messages) => {
        expect(run(rule, withProps(internetStack(), name, patch))).toEqual(messages.map((message) => ({ resource: name, message })));
    });

    it("GIVEN the admin interface in the data tier WHEN checked THEN the extra tier and the missing admin interface are reported", () => {
        expect(run(rule, withProps(internetStack(), "acme-servers-0-admin-eni", { subnetId: ID.data0 }))).toEqual([
            { resource: APP, message: "eth1 is in the data tier; expected one access-tier and one admin-tier interface only" },
            { resource: APP, message: "has 0 admin-tier interfaces; expected exactly one" },
        ]);
    });

    it("GIVEN the admin interface in the other availability zone WHEN checked THEN the split is reported", () => {
        expect(run(rule, withProps(internetStack(), "acme-servers-0-admin-eni", { subnetId: ID.admin1 }))).toEqual([
            { resource: APP, message: "its interfaces are in different availability zones (eth0: eu-west-1a, eth1: eu-west-1b); expected one zone" },
        ]);
    });

    it("GIVEN no attachment of the admin interface WHEN checked THEN the missing admin interface is reported", () => {
        expect(run(rule, without(internetStack(), "acme-servers-0-admin-eni-attachment"))).toEqual([{ resource: APP, message: "has 0 admin-tier interfaces; expected exactly one" }]);
    });

    it("GIVEN an attachment of an interface outside the stack WHEN checked THEN its tier cannot be told and is reported", () => {
        const stack = withProps(internetStack(), "acme-servers-0-admin-eni-attachment", { networkInterfaceId: "eni-0ffffffffffffffff" });
        expect(run(rule, stack)).toEqual([
            { resource: APP, message: "eth1 (acme-servers-0-admin-eni-attachment) is network interface eni-0ffffffffffffffff, which is not in the stack; its tier cannot be told" },
            { resource: APP, message: "has 0 admin-tier interfaces; expected exactly one" },
        ]);
    });

    it("GIVEN the admin interface attached through its own attachments block WHEN checked THEN it counts as eth1", () => {
        const stack = withProps(without(internetStack(), "acme-servers-0-admin-eni-attachment"), "acme-servers-0-admin-eni", { attachments: [{ instance: ID.appInstance, deviceIndex: 1 }] });
        expect(run(rule, stack)).toEqual([]);
    });

    it("GIVEN an admin subnet whose zone is unknown WHEN checked THEN both servers on it are reported", () => {
        expect(run(rule, withProps(internetStack(), "acme-network-admin-0", { availabilityZone: undefined }))).toEqual([
            { resource: APP, message: "the availability zone of eth1's subnet cannot be told" },
            { resource: DB, message: "the availability zone of eth1's subnet cannot be told" },
        ]);
    });
});

describe("ec2-instance-dual-tier-interfaces: what each network's security groups admit", () => {
    const rule = enforceInstanceDualTierInterfaces;
    const ACCESS_ONLY = "the access network carries HTTP and HTTPS only (tcp 80, 443)";
    const ADMIN_ONLY = "the administration network admits only the operations network (10.15.64.0/19, 10.15.96.0/19)";
    const SSH_RULE = "acme-servers-admin-from-operations-22";
    const LB_RULE = "acme-servers-access-from-lb";
    const AROUND = "the access network admits the front door's security group only, never an address around it";

    it("GIVEN SSH from the operations network moved onto the access group WHEN checked THEN the app server's access interface is reported", () => {
        expect(run(rule, withProps(internetStack(), SSH_RULE, { securityGroupId: ID.accessGroup }))).toEqual([
            { resource: APP, message: `eth0 (access tier) admits tcp 22 through acme-servers-access-sg (${SSH_RULE}); ${ACCESS_ONLY}` },
            { resource: APP, message: `eth0 (access tier) admits tcp 22 through acme-servers-access-sg (${SSH_RULE}) from prefix list ${ID.operationsList}; ${AROUND}` },
        ]);
    });

    it.each([
        ["HTTPS from the internet", { referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0" }, "0.0.0.0/0"],
        ["HTTPS from a public /8", { referencedSecurityGroupId: undefined, cidrIpv4: "81.0.0.0/8" }, "81.0.0.0/8"],
        ["HTTPS from a prefix list", { referencedSecurityGroupId: undefined, prefixListId: ID.operationsList }, `prefix list ${ID.operationsList}`],
    ])("GIVEN the access group admitting %s beside the load balancer WHEN checked THEN the servers reached around the front door are reported", (_, patch, source) => {
        expect(run(rule, withProps(internetStack(), LB_RULE, patch))).toEqual([
            { resource: APP, message: `eth0 (access tier) admits tcp 443 through acme-servers-access-sg (${LB_RULE}) from ${source}; ${AROUND}` },
        ]);
    });

    it.each([
        ["every port from the load balancer", { ipProtocol: "-1", fromPort: undefined, toPort: undefined }, "every protocol and port"],
        ["a port range from the load balancer", { fromPort: 0, toPort: 65535 }, "tcp 0-65535"],
        ["an application port other than HTTP(S)", { fromPort: 8080, toPort: 8080 }, "tcp 8080"],
    ])("GIVEN the access group admitting %s WHEN checked THEN it is reported", (_, patch, ports) => {
        expect(run(rule, withProps(internetStack(), LB_RULE, patch))).toEqual([
            { resource: APP, message: `eth0 (access tier) admits ${ports} through acme-servers-access-sg (${LB_RULE}); ${ACCESS_ONLY}` },
        ]);
    });

    it("GIVEN the administration group admitting SSH from the load balancer's group WHEN checked THEN both servers' admin interfaces are reported", () => {
        const stack = withProps(internetStack(), SSH_RULE, { prefixListId: undefined, referencedSecurityGroupId: ID.lbGroup });
        const message = `eth1 (admin tier) admits tcp 22 through acme-servers-admin-sg (${SSH_RULE}) from a security group; ${ADMIN_ONLY}`;
        expect(run(rule, stack)).toEqual([{ resource: APP, message }, { resource: DB, message }]);
    });

    it("GIVEN the admin interface in the access group WHEN checked THEN its HTTPS from the load balancer is reported", () => {
        expect(run(rule, withProps(internetStack(), "acme-servers-0-admin-eni", { securityGroups: [ID.accessGroup] }))).toEqual([
            { resource: APP, message: `eth1 (admin tier) admits tcp 443 through acme-servers-access-sg (${LB_RULE}) from a security group; ${ADMIN_ONLY}` },
        ]);
    });

    it("GIVEN the app server's access interface also in the administration group WHEN checked THEN its SSH is reported", () => {
        expect(run(rule, withProps(internetStack(), APP, { vpcSecurityGroupIds: [ID.accessGroup, ID.adminGroup] }))).toEqual([
            { resource: APP, message: `eth0 (access tier) admits tcp 22 through acme-servers-admin-sg (${SSH_RULE}); ${ACCESS_ONLY}` },
            { resource: APP, message: `eth0 (access tier) admits tcp 22 through acme-servers-admin-sg (${SSH_RULE}) from prefix list ${ID.operationsList}; ${AROUND}` },
        ]);
    });

    it("GIVEN an access interface naming no group, or one outside the stack WHEN checked THEN it cannot be judged and is reported", () => {
        expect(run(rule, withProps(internetStack(), APP, { vpcSecurityGroupIds: undefined }))).toEqual([
            { resource: APP, message: "eth0 (access tier) names no security group; what it admits cannot be told" },
        ]);
        expect(run(rule, withProps(internetStack(), APP, { vpcSecurityGroupIds: ["sg-0ffffffffffffffff"] }))).toEqual([
            { resource: APP, message: "eth0 (access tier) is in security group sg-0ffffffffffffffff, which is not in the stack; what it admits cannot be told" },
        ]);
    });

    it("GIVEN the database server WHEN checked THEN its data-tier group (PostgreSQL from the servers) is not judged as an access network", () => {
        expect(run(rule, internetStack())).toEqual([]);
    });
});

describe("ec2-instance-no-public-ip", () => {
    const rule = disallowInstancePublicIp;

    it("GIVEN associatePublicIpAddress true WHEN checked THEN it is reported", () => {
        expect(run(rule, withProps(internetStack(), APP, { associatePublicIpAddress: true }))).toEqual([{ resource: APP, message: "associatePublicIpAddress is true; expected false" }]);
    });

    it("GIVEN associatePublicIpAddress unset in a subnet of the stack WHEN checked THEN the subnet's own rule decides and nothing is reported here", () => {
        expect(run(rule, withProps(internetStack(), APP, { associatePublicIpAddress: undefined }))).toEqual([]);
    });

    it("GIVEN associatePublicIpAddress unset in a subnet outside the stack WHEN checked THEN it cannot be told and is reported", () => {
        expect(run(rule, withProps(internetStack(), APP, { associatePublicIpAddress: undefined, subnetId: FOREIGN_SUBNET }))).toEqual([
            {
                resource: APP,
                message: `associatePublicIpAddress is not set and subnet ${FOREIGN_SUBNET} is not in the stack, so whether it gets a public address cannot be told; set it to false`,
            },
        ]);
    });

    it.each([
        ["an Elastic IP on the instance", "aws:ec2/eip:Eip", { domain: "vpc", instance: ID.appInstance }, `attaches a public address to ${ID.appInstance}; expected no Elastic IP on a server`],
        ["an Elastic IP on an interface", "aws:ec2/eip:Eip", { domain: "vpc", networkInterface: ID.appEni }, `attaches a public address to ${ID.appEni}; expected no Elastic IP on a server`],
        [
            "an Elastic IP association",
            "aws:ec2/eipAssociation:EipAssociation",
            { allocationId: "eipalloc-0123456789abcdef0", instanceId: ID.appInstance },
            `associates a public address with ${ID.appInstance}; expected no Elastic IP on a server`,
        ],
    ])("GIVEN %s WHEN checked THEN it is reported", (_, type, props, message) => {
        expect(run(rule, withResource(internetStack(), type, "acme-eip", "eipalloc-0123456789abcdef0", props))).toEqual([{ resource: "acme-eip", message }]);
    });

    it("GIVEN an Elastic IP attached to nothing (a NAT gateway's) WHEN checked THEN nothing is reported", () => {
        expect(run(rule, withResource(internetStack(), "aws:ec2/eip:Eip", "acme-nat-eip", "eipalloc-0123456789abcdef0", { domain: "vpc" }))).toEqual([]);
    });
});

describe("ec2-subnet-no-public-ip-on-launch", () => {
    it("GIVEN mapPublicIpOnLaunch true WHEN checked THEN the subnet is reported", () => {
        expect(run(disallowSubnetPublicIpOnLaunch, withProps(internetStack(), "acme-network-access-0", { mapPublicIpOnLaunch: true }))).toEqual([
            { resource: "acme-network-access-0", message: "mapPublicIpOnLaunch is true; expected false" },
        ]);
    });

    it("GIVEN mapPublicIpOnLaunch unset (AWS's default false for a new subnet) WHEN checked THEN nothing is reported", () => {
        expect(run(disallowSubnetPublicIpOnLaunch, withProps(internetStack(), "acme-network-access-0", { mapPublicIpOnLaunch: undefined }))).toEqual([]);
    });
});

describe("ec2-instance-imdsv2", () => {
    it.each([
        ["httpTokens optional", { httpTokens: "optional", httpEndpoint: "enabled" }, 'metadataOptions.httpTokens is "optional"; expected "required"'],
        ["no metadataOptions", undefined, 'metadataOptions.httpTokens is not set (AWS then accepts IMDSv1 unless the AMI says otherwise); expected "required"'],
    ])("GIVEN %s WHEN checked THEN the instance is reported", (_, metadataOptions, message) => {
        expect(run(enforceInstanceImdsv2, withProps(internetStack(), APP, { metadataOptions }))).toEqual([{ resource: APP, message }]);
    });

    it("GIVEN the metadata service disabled WHEN checked THEN nothing is reported", () => {
        expect(run(enforceInstanceImdsv2, withProps(internetStack(), APP, { metadataOptions: { httpEndpoint: "disabled" } }))).toEqual([]);
    });
});

describe("ec2-security-group-no-open-world-ingress", () => {
    const rule = disallowSecurityGroupOpenWorldIngress;
    const NOT_LB = "only the security group of an internet-facing load balancer may admit the whole internet";
    const LB_PORTS = "an internet-facing load balancer admits the whole internet on tcp 80 and 443 only";

    it.each([
        ["a server group open to 0.0.0.0/0", "acme-servers-access-from-lb", { referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0" }, `admits 0.0.0.0/0 on tcp 443; ${NOT_LB}`],
        ["a server group open to ::/0", "acme-servers-access-from-lb", { referencedSecurityGroupId: undefined, cidrIpv6: "::/0" }, `admits ::/0 on tcp 443; ${NOT_LB}`],
        ["the load balancer open on 8080", "acme-front-door-sg-https-in", { fromPort: 8080, toPort: 8080 }, `admits 0.0.0.0/0 on tcp 8080; ${LB_PORTS}`],
        ["the load balancer open on 80-443", "acme-front-door-sg-https-in", { fromPort: 80, toPort: 443 }, `admits 0.0.0.0/0 on tcp 80-443; ${LB_PORTS}`],
        ["the load balancer open on every protocol", "acme-front-door-sg-https-in", { ipProtocol: "-1", fromPort: undefined, toPort: undefined }, `admits 0.0.0.0/0 on every protocol and port; ${LB_PORTS}`],
        ["the load balancer open on udp 443", "acme-front-door-sg-https-in", { ipProtocol: "udp" }, `admits 0.0.0.0/0 on udp 443; ${LB_PORTS}`],
    ])("GIVEN %s WHEN checked THEN the rule is reported", (_, name, patch, message) => {
        expect(run(rule, withProps(internetStack(), name, patch))).toEqual([{ resource: name, message }]);
    });

    it.each(["0.0.0.0/1", "128.0.0.0/1", "0.0.0.0/00", "64.0.0.0/2"])("GIVEN a SecurityGroupRule admitting %s (wider than any private block) on tcp 8080 WHEN checked THEN it is reported as open to the internet", (cidr) => {
        const stack = withResource(internetStack(), "aws:ec2/securityGroupRule:SecurityGroupRule", "acme-wide-in", "sgrule-1", { type: "ingress", securityGroupId: ID.adminGroup, protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.15.64.0/19", cidr] });
        expect(run(rule, stack)).toEqual([{ resource: "acme-wide-in", message: `admits ${cidr} on tcp 8080; ${NOT_LB}` }]);
    });

    it.each([["::0/0"], ["2000::/3"]])("GIVEN a SecurityGroupRule admitting the IPv6 range %s WHEN checked THEN it is reported", (cidr) => {
        const stack = withResource(internetStack(), "aws:ec2/securityGroupRule:SecurityGroupRule", "acme-wide-in", "sgrule-1", { type: "ingress", securityGroupId: ID.adminGroup, protocol: "tcp", fromPort: 8080, toPort: 8080, ipv6CidrBlocks: [cidr] });
        expect(run(rule, stack)).toEqual([{ resource: "acme-wide-in", message: `admits ${cidr} on tcp 8080; ${NOT_LB}` }]);
    });

    it("GIVEN a SecurityGroupRule admitting the private blocks 10.0.0.0/8 and 172.16.0.0/12 WHEN checked THEN nothing is reported by this rule", () => {
        const stack = withResource(internetStack(), "aws:ec2/securityGroupRule:SecurityGroupRule", "acme-private-in", "sgrule-1", { type: "ingress", securityGroupId: ID.adminGroup, protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.0.0.0/8", "172.16.0.0/12"] });
        expect(run(rule, stack)).toEqual([]);
    });

    it("GIVEN the internet-facing load balancer open to ::/0 on 443 WHEN checked THEN nothing is reported", () => {
        expect(run(rule, withProps(internetStack(), "acme-front-door-sg-https-in", { cidrIpv4: undefined, cidrIpv6: "::/0" }))).toEqual([]);
    });

    it("GIVEN an internal load balancer's group open to 0.0.0.0/0 on 443 WHEN checked THEN it is reported: only internet-facing ones may", () => {
        const name = "acme-front-door-sg-https-from-192-168-0-0-16";
        expect(run(rule, withProps(vpnStack(), name, { cidrIpv4: "0.0.0.0/0" }))).toEqual([{ resource: name, message: `admits 0.0.0.0/0 on tcp 443; ${NOT_LB}` }]);
    });

    it("GIVEN an ingress SecurityGroupRule open to 0.0.0.0/0 WHEN checked THEN it is reported, and its egress twin is not", () => {
        const props = { securityGroupId: ID.adminGroup, protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.15.64.0/19", "0.0.0.0/0"] };
        const stack = withResource(withResource(internetStack(), "aws:ec2/securityGroupRule:SecurityGroupRule", "acme-ssh-in", "sgrule-1", { ...props, type: "ingress" }), "aws:ec2/securityGroupRule:SecurityGroupRule", "acme-ssh-out", "sgrule-2", { ...props, type: "egress" });
        expect(run(rule, stack)).toEqual([{ resource: "acme-ssh-in", message: `admits 0.0.0.0/0 on tcp 22; ${NOT_LB}` }]);
    });

    it.each([
        ["aws:ec2/securityGroup:SecurityGroup", "acme-inline-sg"],
        ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "acme-network-default-sg"],
    ])("GIVEN a %s with an inline ingress block open to 0.0.0.0/0 WHEN checked THEN the block is reported", (type, name) => {
        const ingress = [{ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: [ID.lbGroup] }, { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }];
        expect(run(rule, withResource(internetStack(), type, name, "sg-0ffffffffffffffff", { vpcId: "vpc-0c00000000000000a", ingress }))).toEqual([
            { resource: name, message: `ingress[1]: admits 0.0.0.0/0 on tcp 22; ${NOT_LB}` },
        ]);
    });

    it("GIVEN a prefix list of the stack holding 0.0.0.0/0 WHEN checked THEN the rule using it is reported", () => {
        const stack = withProps(internetStack(), "acme-network-operations-pl", { entries: [{ cidr: "10.15.64.0/19" }, { cidr: "0.0.0.0/0" }] });
        expect(run(rule, stack)).toEqual([
            { resource: "acme-servers-admin-from-operations-22", message: `admits 0.0.0.0/0 (prefix list acme-network-operations-pl) on tcp 22; ${NOT_LB}` },
        ]);
    });

    it("GIVEN a prefix list outside the stack WHEN checked THEN it cannot be read and is reported", () => {
        expect(run(rule, withProps(internetStack(), "acme-servers-admin-from-operations-22", { prefixListId: FOREIGN_LIST }))).toEqual([
            { resource: "acme-servers-admin-from-operations-22", message: `admits prefix list ${FOREIGN_LIST} on tcp 22, which is not in the stack; whether it holds 0.0.0.0/0 cannot be told` },
        ]);
    });
});

describe("ec2-security-group-admin-ports-from-operations", () => {
    const rule = enforceSecurityGroupAdminPortSources;
    const SSH_RULE = "acme-servers-admin-from-operations-22";

    it.each([
        ["SSH from the tenant's VPC", SSH_RULE, { prefixListId: undefined, cidrIpv4: "10.20.0.0/16" }, `admits 10.20.0.0/16 on SSH (22); ${OPERATIONS}`],
        ["SSH from an IPv6 network", SSH_RULE, { prefixListId: undefined, cidrIpv6: "2001:db8::/32" }, `admits 2001:db8::/32 on SSH (22); ${OPERATIONS}`],
        ["SSH from a prefix list outside the stack", SSH_RULE, { prefixListId: FOREIGN_LIST }, `admits prefix list ${FOREIGN_LIST} on SSH (22), which is not in the stack; whom it admits cannot be told`],
        ["SSH with no source", SSH_RULE, { prefixListId: undefined }, "opens SSH (22) but names no source that can be read"],
        [
            "every protocol from the VPC",
            "acme-servers-access-from-lb",
            { referencedSecurityGroupId: undefined, cidrIpv4: "10.20.0.0/16", ipProtocol: "-1", fromPort: undefined, toPort: undefined },
            `admits 10.20.0.0/16 on SSH (22), RDP (3389), WinRM (5985), WinRM over TLS (5986), PostgreSQL (5432), MySQL (3306), SQL Server (1433), Oracle (1521); ${OPERATIONS}`,
        ],
        ["a tcp rule whose ports cannot be read", SSH_RULE, { fromPort: undefined, toPort: undefined }, 'admits protocol "tcp", ports undefined to undefined, so whether it opens an administration port cannot be told'],
    ])("GIVEN %s WHEN checked THEN it is reported", (_, name, patch, message) => {
        expect(run(rule, withProps(internetStack(), name, patch))).toEqual([{ resource: name, message }]);
    });

    it("GIVEN a corporate network admitted on a range covering 1433 and 1521 WHEN checked THEN both database ports are named", () => {
        const name = "acme-front-door-sg-https-from-192-168-0-0-16";
        expect(run(rule, withProps(vpnStack(), name, { fromPort: 1000, toPort: 2000 }))).toEqual([{ resource: name, message: `admits 192.168.0.0/16 on SQL Server (1433), Oracle (1521); ${OPERATIONS}` }]);
    });

    it("GIVEN SSH from a network inside the operations network WHEN checked THEN nothing is reported", () => {
        expect(run(rule, withProps(internetStack(), SSH_RULE, { prefixListId: undefined, cidrIpv4: "10.15.64.0/24" }))).toEqual([]);
    });

    it("GIVEN the operations prefix list with an entry outside the operations network WHEN checked THEN the entry is reported", () => {
        const stack = withProps(internetStack(), "acme-network-operations-pl", { entries: [{ cidr: "10.15.64.0/19" }, { cidr: "10.99.0.0/16" }] });
        expect(run(rule, stack)).toEqual([{ resource: SSH_RULE, message: `admits 10.99.0.0/16 (prefix list acme-network-operations-pl) on SSH (22); ${OPERATIONS}` }]);
    });

    it("GIVEN no known operations network WHEN checked THEN every address source of an administration port is reported", () => {
        const none = "administration ports admit only the operations network (none known)";
        expect(run(rule, internetStack(), { operationsCidrs: [], otherTenants: [] })).toEqual([
            { resource: SSH_RULE, message: `admits 10.15.64.0/19 (prefix list acme-network-operations-pl) on SSH (22); ${none}` },
            { resource: SSH_RULE, message: `admits 10.15.96.0/19 (prefix list acme-network-operations-pl) on SSH (22); ${none}` },
        ]);
    });

    it("GIVEN RDP as an ingress SecurityGroupRule from a public network WHEN checked THEN it is reported", () => {
        const props = { type: "ingress", securityGroupId: ID.adminGroup, protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: ["203.0.113.0/24"] };
        expect(run(rule, withResource(internetStack(), "aws:ec2/securityGroupRule:SecurityGroupRule", "acme-rdp-in", "sgrule-1", props))).toEqual([
            { resource: "acme-rdp-in", message: `admits 203.0.113.0/24 on RDP (3389); ${OPERATIONS}` },
        ]);
    });
});

describe("ec2-network-acl-no-open-world-ingress", () => {
    const rule = disallowNetworkAclOpenWorldIngress;
    const ONLY = "from the whole internet only tcp 1024-65535 (replies) and, on an internet-facing stack, tcp 80 and 443 may come in";
    const NACL = "acme-network-nacl";
    const withIngress = (stack: PolicyStack, extra: Record<string, unknown>) => {
        const current = stack.resources.find((resource) => resource.name === NACL)?.props.ingress as unknown[];
        return withProps(stack, NACL, { ingress: [...current, extra] });
    };

    it.each([
        ["the old allow-all", { ruleNo: 32766, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }, `ingress rule 32766 admits 0.0.0.0/0 on every protocol and port; ${ONLY}`],
        ["SSH from ::/0", { ruleNo: 2000, action: "allow", protocol: "tcp", ipv6CidrBlock: "::/0", fromPort: 22, toPort: 22 }, `ingress rule 2000 admits ::/0 on tcp 22; ${ONLY}`],
        ["udp replies", { ruleNo: 2000, action: "allow", protocol: "udp", cidrBlock: "0.0.0.0/0", fromPort: 1024, toPort: 65535 }, `ingress rule 2000 admits 0.0.0.0/0 on udp 1024-65535; ${ONLY}`],
        ["every tcp port", { ruleNo: 2000, action: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 65535 }, `ingress rule 2000 admits 0.0.0.0/0 on tcp 0-65535; ${ONLY}`],
    ])("GIVEN %s on an internet-facing stack WHEN checked THEN it is reported", (_, entry, message) => {
        expect(run(rule, withIngress(internetStack(), entry))).toEqual([{ resource: NACL, message }]);
    });

    it("GIVEN a deny of 0.0.0.0/0 WHEN checked THEN nothing is reported", () => {
        expect(run(rule, withIngress(internetStack(), { ruleNo: 2000, action: "deny", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }))).toEqual([]);
    });

    it("GIVEN a VPN-only stack's ACL with the public ports WHEN checked THEN HTTP is reported; HTTPS is waived while no internet gateway exists", () => {
        const { ingress } = networkAclRules(SUSPICIOUS, true);
        expect(run(rule, withProps(vpnStack(), NACL, { ingress }))).toEqual([
            { resource: NACL, message: "ingress rule 1005 admits 0.0.0.0/0 on tcp 80, but initech is a vpn stack, which does not face the internet" },
        ]);
        const withGateway = withResource(withProps(vpnStack(), NACL, { ingress }), "aws:ec2/internetGateway:InternetGateway", "initech-igw", "igw-0aaaaaaaaaaaaaaaa", { vpcId: "vpc-x" });
        expect(run(rule, withGateway)).toEqual([
            { resource: NACL, message: "ingress rule 1004 admits 0.0.0.0/0 on tcp 443, but initech is a vpn stack, which does not face the internet" },
            { resource: NACL, message: "ingress rule 1005 admits 0.0.0.0/0 on tcp 80, but initech is a vpn stack, which does not face the internet" },
        ]);
    });

    it("GIVEN more public corporate networks than the ACL holds WHEN ruled THEN HTTPS from anywhere replaces them, and the rule waives it on a VPN-only stack", () => {
        const corporate = Array.from({ length: 19 }, (_, i) => `${i + 1}.0.0.0/24`);
        const { ingress } = networkAclRules(SUSPICIOUS, false, corporate);
        expect(ingress.filter((entry) => entry.action === "allow").map((entry) => `${entry.cidrBlock} ${entry.protocol} ${entry.fromPort}`)).toEqual([
            "10.0.0.0/8 -1 0",
            "172.16.0.0/12 -1 0",
            "192.168.0.0/16 -1 0",
            "0.0.0.0/0 tcp 1024",
            "0.0.0.0/0 tcp 443",
        ]);
        expect(run(rule, withProps(vpnStack(), NACL, { ingress }))).toEqual([]);
    });

    it("GIVEN a stack of unknown kind with the public ports WHEN checked THEN they are reported: its exposure cannot be told", () => {
        expect(run(rule, withKind(internetStack(), undefined))).toEqual([
            { resource: NACL, message: "ingress rule 1004 admits 0.0.0.0/0 on tcp 443, but the stack's kind is unknown, so it cannot be told to face the internet" },
            { resource: NACL, message: "ingress rule 1005 admits 0.0.0.0/0 on tcp 80, but the stack's kind is unknown, so it cannot be told to face the internet" },
        ]);
    });

    it("GIVEN a NetworkAclRule resource allowing SSH from 0.0.0.0/0 WHEN checked THEN it is reported, and the same rule as egress is not", () => {
        const props = { networkAclId: "acl-0d00000000000000a", ruleNumber: 200, ruleAction: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", fromPort: 22, toPort: 22 };
        const stack = withResource(
            withResource(internetStack(), "aws:ec2/networkAclRule:NetworkAclRule", "acme-ssh-in", "nacl-rule-1", { ...props, egress: false }),
            "aws:ec2/networkAclRule:NetworkAclRule",
            "acme-ssh-out",
            "nacl-rule-2",
            { ...props, egress: true },
        );
        expect(run(rule, stack)).toEqual([{ resource: "acme-ssh-in", message: `rule 200 admits 0.0.0.0/0 on tcp 22; ${ONLY}` }]);
    });

    it("GIVEN the VPC's default ACL adopted with an allow-all WHEN checked THEN it is reported", () => {
        const props = { defaultNetworkAclId: "acl-0e00000000000000a", ingress: [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }] };
        expect(run(rule, withResource(internetStack(), "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl", "acme-default-acl", "acl-0e00000000000000a", props))).toEqual([
            { resource: "acme-default-acl", message: `ingress rule 100 admits 0.0.0.0/0 on every protocol and port; ${ONLY}` },
        ]);
    });
});

describe("ec2-network-acl-denies-suspicious-networks", () => {
    const rule = enforceNetworkAclSuspiciousDenies;
    const SET_ID = "51a27a4c-e9b0-4aa4-aad2-cec33488e20b";
    const SET_ARN = `arn:aws:wafv2:eu-west-1:123456789012:regional/ipset/acme-front-door-suspicious-51a27a4/${SET_ID}`;
    /** The internet-facing baseline with its web firewall blocking the IP set `addresses` (action `action`). */
    const guarded = (addresses: readonly string[], action: Record<string, unknown> = { block: {} }) =>
        withResource(
            withResource(internetStack(), "aws:wafv2/ipSet:IpSet", "acme-front-door-suspicious", SET_ID, { addresses, ipAddressVersion: "IPV4", scope: "REGIONAL" }),
            "aws:wafv2/webAcl:WebAcl",
            "acme-front-door-waf",
            "be532ff3-1afe-4bf6-a220-217c8995134c",
            { defaultAction: { allow: {} }, rules: [{ name: "block-suspicious-networks", priority: 0, action, statement: { ipSetReferenceStatement: { arn: SET_ARN } } }] },
        );
    const ACL = "acme-network-nacl";
    const missing = (network: string) =>
        `does not deny ${network} (a suspicious network the web firewall blocks, IP set acme-front-door-suspicious) on every protocol ahead of its allow rules: the network still reaches the subnets past the door`;

    it("GIVEN the ACL denying every network the web firewall blocks WHEN checked THEN nothing is reported", () => {
        expect(run(rule, guarded(SUSPICIOUS))).toEqual([]);
    });

    it("GIVEN the ACL's deny of one suspicious network removed WHEN checked THEN that network is reported", () => {
        const acl = internetStack().resources.find((resource) => resource.name === ACL)!;
        const ingress = (acl.props.ingress as Record<string, unknown>[]).filter((entry) => entry.cidrBlock !== SUSPICIOUS[0]);
        expect(run(rule, withProps(guarded(SUSPICIOUS), ACL, { ingress }))).toEqual([{ resource: ACL, message: missing(SUSPICIOUS[0]!) }]);
    });

    it("GIVEN the deny numbered after the allow rules WHEN checked THEN it is reported: the allows decide first", () => {
        const acl = internetStack().resources.find((resource) => resource.name === ACL)!;
        const ingress = (acl.props.ingress as Record<string, unknown>[]).map((entry) => (entry.cidrBlock === SUSPICIOUS[1] && entry.action === "deny" ? { ...entry, ruleNo: 5000 } : entry));
        expect(run(rule, withProps(guarded(SUSPICIOUS), ACL, { ingress }))).toEqual([{ resource: ACL, message: missing(SUSPICIOUS[1]!) }]);
    });

    it("GIVEN a network the web firewall blocks that the ACL was never given WHEN checked THEN it is reported", () => {
        expect(run(rule, guarded([...SUSPICIOUS, "203.0.113.0/24"]))).toEqual([{ resource: ACL, message: missing("203.0.113.0/24") }]);
    });

    it("GIVEN an IP set the web ACL only counts, or no web ACL WHEN checked THEN nothing is demanded of the ACL", () => {
        expect(run(rule, guarded(["203.0.113.0/24"], { count: {} }))).toEqual([]);
        expect(run(rule, internetStack())).toEqual([]);
    });
});

describe("vpc-vpn-only-no-internet-path", () => {
    const rule = disallowVpnOnlyInternetPath;
    const WHERE = "in a vpn stack, reached through its site-to-site VPN only";
    const igw = (stack: PolicyStack) => withResource(stack, "aws:ec2/internetGateway:InternetGateway", "acme-network-igw", ID.igw, { vpcId: "vpc-0c00000000000000a" });
    const route = (stack: PolicyStack, props: Record<string, unknown>) => withResource(stack, "aws:ec2/route:Route", "acme-internet-route", "r-1", { routeTableId: ID.accessTable, ...props });

    it("GIVEN an internet-facing cloud stack with its internet gateway WHEN checked THEN nothing is reported: it is not VPN-only", () => {
        expect(run(rule, internetStack())).toEqual([]);
    });

    it("GIVEN an internet-facing load balancer WHEN checked THEN it is reported", () => {
        expect(run(rule, withProps(vpnStack(), "acme-front-door-alb", { internal: undefined }))).toEqual([
            { resource: "acme-front-door-alb", message: `is an internet-facing load balancer (internal is not true) ${WHERE}` },
        ]);
    });

    it("GIVEN an internet gateway and a default route to it WHEN checked THEN both are reported", () => {
        expect(run(rule, route(igw(vpnStack()), { destinationCidrBlock: "0.0.0.0/0", gatewayId: ID.igw }))).toEqual([
            { resource: "acme-network-igw", message: `is an internet gateway ${WHERE}` },
            { resource: "acme-internet-route", message: `routes 0.0.0.0/0 to internet gateway acme-network-igw ${WHERE}` },
        ]);
    });

    it("GIVEN a route to an internet gateway of another stack WHEN checked THEN it is reported by its id", () => {
        expect(run(rule, route(vpnStack(), { destinationCidrBlock: "203.0.113.0/24", gatewayId: "igw-0ffffffffffffffff" }))).toEqual([
            { resource: "acme-internet-route", message: `routes 203.0.113.0/24 to internet gateway igw-0ffffffffffffffff ${WHERE}` },
        ]);
    });

    it("GIVEN an egress-only internet gateway and an IPv6 route to it WHEN checked THEN both are reported", () => {
        const stack = route(
            withResource(vpnStack(), "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", "acme-eigw", "eigw-0ffffffffffffffff", { vpcId: "vpc-0c00000000000000a" }),
            { destinationIpv6CidrBlock: "::/0", egressOnlyGatewayId: "eigw-0ffffffffffffffff" },
        );
        expect(run(rule, stack)).toEqual([
            { resource: "acme-eigw", message: `is an internet gateway ${WHERE}` },
            { resource: "acme-internet-route", message: `routes ::/0 to internet gateway acme-eigw ${WHERE}` },
        ]);
    });

    it("GIVEN a route table with an inline route to an internet gateway in a vpn-sync stack WHEN checked THEN the route is reported", () => {
        const stack = withResource(withKind(vpnStack(), "vpn-sync"), "aws:ec2/routeTable:RouteTable", "acme-legacy-rt", "rtb-0ffffffffffffffff", {
            vpcId: "vpc-0c00000000000000a",
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0ffffffffffffffff" }],
        });
        expect(run(rule, stack)).toEqual([
            { resource: "acme-legacy-rt", message: "routes[0] routes 0.0.0.0/0 to internet gateway igw-0ffffffffffffffff in a vpn-sync stack, reached through its site-to-site VPN only" },
        ]);
    });

    it("GIVEN a default route to the VPN gateway WHEN checked THEN nothing is reported", () => {
        expect(run(rule, route(vpnStack(), { destinationCidrBlock: "0.0.0.0/0", gatewayId: ID.vgw }))).toEqual([]);
    });
});

describe("ec2-vpn-connection-tunnel-crypto", () => {
    const rule = enforceVpnConnectionTunnelCrypto;
    const VPN = "acme-vpn-connection";

    it.each([
        ["tunnel1IkeVersions", ["ikev1", "ikev2"], 'tunnel1IkeVersions is ["ikev1","ikev2"]; expected exactly ["ikev2"]'],
        ["tunnel2IkeVersions", undefined, 'tunnel2IkeVersions is not set (AWS then accepts ikev1 and ikev2); expected exactly ["ikev2"]'],
        ["tunnel1Phase1EncryptionAlgorithms", ["AES128", "AES256"], 'tunnel1Phase1EncryptionAlgorithms allows "AES128"; expected AES256 and AES256-GCM-16 only'],
        ["tunnel2Phase2EncryptionAlgorithms", undefined, "tunnel2Phase2EncryptionAlgorithms is not set (AWS then accepts AES128 too); expected AES256 and AES256-GCM-16 only"],
        ["tunnel1Phase2IntegrityAlgorithms", ["SHA1", "SHA2-256"], 'tunnel1Phase2IntegrityAlgorithms allows "SHA1"; expected SHA2-256, SHA2-384 and SHA2-512 only'],
        ["tunnel2Phase1IntegrityAlgorithms", [], "tunnel2Phase1IntegrityAlgorithms is not set (AWS then accepts SHA1 too); expected SHA2-256, SHA2-384 and SHA2-512 only"],
        ["tunnel1Phase1DhGroupNumbers", [2, 14], "tunnel1Phase1DhGroupNumbers allows 2; expected groups 14 to 21 only"],
        ["tunnel2Phase2DhGroupNumbers", [14, 22, 24], "tunnel2Phase2DhGroupNumbers allows 22, 24; expected groups 14 to 21 only"],
        ["tunnel1Phase2DhGroupNumbers", undefined, "tunnel1Phase2DhGroupNumbers is not set (AWS then accepts groups 2, 5 and 22-24 too); expected groups 14 to 21 only"],
    ])("GIVEN %s = %j WHEN checked THEN the connection is reported", (field, value, message) => {
        expect(run(rule, withProps(vpnStack(), VPN, { [field]: value }))).toEqual([{ resource: VPN, message }]);
    });
});

describe("ec2-vpn-connection-psk-secret", () => {
    const rule = disallowVpnConnectionPlaintextPresharedKey;
    const VPN = "acme-vpn-connection";

    it("GIVEN a tunnel key in clear text WHEN checked THEN it is reported", () => {
        expect(run(rule, withProps(vpnStack(), VPN, { tunnel2PresharedKey: "Ab3kX9.pQ_r7Lm2" }))).toEqual([
            { resource: VPN, message: "tunnel2PresharedKey is in clear text; pass it as a Pulumi secret (pulumi.secret) or leave it unset for AWS to generate" },
        ]);
    });

    it("GIVEN no tunnel keys (AWS generates them) WHEN checked THEN nothing is reported", () => {
        expect(run(rule, withProps(vpnStack(), VPN, { tunnel1PresharedKey: undefined, tunnel2PresharedKey: undefined }))).toEqual([]);
    });
});

describe("lb-internet-facing-https-tls12", () => {
    const rule = enforceLoadBalancerHttpsListener;
    const LB = "acme-front-door-alb";
    const HTTPS = "acme-front-door-https";

    it.each([
        ["no HTTPS listener", (stack: PolicyStack) => without(stack, HTTPS), "has no HTTPS listener on port 443; expected one with a TLS 1.2+ sslPolicy"],
        [
            "HTTPS on 8443 only",
            (stack: PolicyStack) => withProps(stack, HTTPS, { port: 8443 }),
            "has no HTTPS listener on port 443; expected one with a TLS 1.2+ sslPolicy",
        ],
        [
            "a TLS 1.0 policy",
            (stack: PolicyStack) => withProps(stack, HTTPS, { sslPolicy: "ELBSecurityPolicy-2016-08" }),
            `listener ${HTTPS} (HTTPS 443) uses ELBSecurityPolicy-2016-08, which allows TLS older than 1.2; expected a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06`,
        ],
        [
            "no sslPolicy",
            (stack: PolicyStack) => withProps(stack, HTTPS, { sslPolicy: undefined }),
            `listener ${HTTPS} (HTTPS 443) has no sslPolicy (AWS's default allows TLS 1.0); expected a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06`,
        ],
        [
            "internal unset (AWS's default: internet-facing) and no HTTPS listener",
            (stack: PolicyStack) => withProps(without(stack, HTTPS), LB, { internal: undefined }),
            "has no HTTPS listener on port 443; expected one with a TLS 1.2+ sslPolicy",
        ],
    ])("GIVEN %s WHEN checked THEN the load balancer is reported", (_, change, message) => {
        expect(run(rule, change(internetStack()))).toEqual([{ resource: LB, message }]);
    });

    it("GIVEN an internal load balancer without HTTPS WHEN checked THEN nothing is reported: it does not face the internet", () => {
        expect(run(rule, without(vpnStack(), HTTPS))).toEqual([]);
    });
});

describe("lb-internet-facing-http-redirects-only", () => {
    const rule = enforceLoadBalancerHttpRedirect;
    const LB = "acme-front-door-alb";
    const HTTP = "acme-front-door-http";
    const forward = [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/acme-tg/0123456789abcdef" }];

    it.each([
        ["forwards", { defaultActions: forward }, `listener ${HTTP} (HTTP 80) does not only redirect to HTTPS: its default actions are forward; expected one redirect with protocol HTTPS`],
        [
            "redirects to HTTP",
            { defaultActions: [{ type: "redirect", redirect: { port: "8080", protocol: "HTTP", statusCode: "HTTP_301" } }] },
            `listener ${HTTP} (HTTP 80) does not only redirect to HTTPS: its default actions are redirect to HTTP; expected one redirect with protocol HTTPS`,
        ],
        [
            "has no protocol (AWS's default HTTP) and forwards",
            { protocol: undefined, defaultActions: forward },
            `listener ${HTTP} (HTTP 80) does not only redirect to HTTPS: its default actions are forward; expected one redirect with protocol HTTPS`,
        ],
    ])("GIVEN an HTTP listener that %s WHEN checked THEN the load balancer is reported", (_, patch, message) => {
        expect(run(rule, withProps(internetStack(), HTTP, patch))).toEqual([{ resource: LB, message }]);
    });

    it("GIVEN a listener rule forwarding on the HTTP listener WHEN checked THEN it is reported, and one on the HTTPS listener is not", () => {
        const rule1 = { listenerArn: HTTP_LISTENER_ARN, priority: 10, actions: forward, conditions: [{ pathPattern: { values: ["/*"] } }] };
        const stack = withResource(
            withResource(internetStack(), "aws:lb/listenerRule:ListenerRule", "acme-http-rule", "arn:rule-1", rule1),
            "aws:lb/listenerRule:ListenerRule",
            "acme-https-rule",
            "arn:rule-2",
            { ...rule1, listenerArn: HTTPS_LISTENER_ARN },
        );
        expect(run(rule, stack)).toEqual([{ resource: LB, message: `listener ${HTTP} (HTTP 80) has listener rule acme-http-rule whose actions are forward; an HTTP listener only redirects to HTTPS` }]);
    });
});

describe("lb-internet-facing-waf", () => {
    const message = "has no WAF web ACL association; expected an aws:wafv2/webAclAssociation whose resourceArn is this load balancer";

    it.each([
        ["no association", (stack: PolicyStack) => without(stack, "acme-front-door-waf-association")],
        ["an association with another resource", (stack: PolicyStack) => withProps(stack, "acme-front-door-waf-association", { resourceArn: `${LB_ARN}-other` })],
    ])("GIVEN %s WHEN checked THEN the internet-facing load balancer is reported", (_, change) => {
        expect(run(missingLoadBalancerWebAcl, change(internetStack()))).toEqual([{ resource: "acme-front-door-alb", message }]);
    });

    it("GIVEN an internal load balancer without WAF WHEN checked THEN nothing is reported", () => {
        expect(run(missingLoadBalancerWebAcl, vpnStack())).toEqual([]);
    });
});

describe("the fixture fleet as planned", () => {
    let document: PlanDocument;

    beforeAll(async () => {
        document = await planOfFixtureFleet();
    });

    it("GIVEN every fixture tenant and platform WHEN the network rules run THEN there is no mandatory violation", () => {
        expect(document.errors).toEqual([]);
        const kinds = new Set(document.tenants.map((plan) => plan.mode));
        expect([...kinds].sort()).toEqual(["cloud", "dedicated-saas", "physical", "platform", "saas", "vpn", "vpn-sync"]);
        const violations = document.tenants.flatMap((plan) =>
            evaluate(stackFromPlan(plan), settingsFor(plan, document), NETWORK_RULES)
                .filter((violation) => violation.enforcement === "mandatory")
                .map((violation) => ({ stack: plan.tenant, ...violation })),
        );
        expect(violations).toEqual([]);
    });

    it("GIVEN the planned fleet WHEN read THEN the rules had something to check: servers, VPN tunnels, internet-facing and internal load balancers", () => {
        const count = (type: string) => document.tenants.flatMap((plan) => plan.resources).filter((resource) => resource.type === type).length;
        expect(count("aws:ec2/instance:Instance")).toBeGreaterThan(5);
        expect(count("aws:ec2/vpnConnection:VpnConnection")).toBeGreaterThan(1);
        const lbs = document.tenants.flatMap((plan) => plan.resources).filter((resource) => resource.type === "aws:lb/loadBalancer:LoadBalancer");
        expect(lbs.some((lb) => lb.inputs.internal === true) && lbs.some((lb) => lb.inputs.internal === false)).toBe(true);
        // The physical database server is where the tier waiver applies.
        expect(document.tenants.flatMap((plan) => plan.resources).some((resource) => resource.type === "aws:ec2/instance:Instance" && (resource.inputs.tags as Record<string, string>)?.role === "database")).toBe(true);
    });

    it("GIVEN the planned fleet with the old allow-all back in a tenant's network ACL WHEN the rules run THEN it is found: the fleet test can fail", () => {
        const plan = document.tenants.find((candidate) => candidate.mode === "cloud");
        const stack = stackFromPlan(plan!);
        const acl = stack.resources.find((resource) => resource.type === "aws:ec2/networkAcl:NetworkAcl")!;
        const broken = withProps(stack, acl.name, { ingress: [...(acl.props.ingress as unknown[]), { ruleNo: 32766, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }] });
        expect(evaluate(broken, settingsFor(plan!, document), NETWORK_RULES).map((violation) => violation.policy)).toEqual(["ec2-network-acl-no-open-world-ingress"]);
    });
});
