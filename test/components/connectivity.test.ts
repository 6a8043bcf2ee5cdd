import { createHash } from "node:crypto";

import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

import { connectorDescription, DIRECTORY_PORTS, directoryAclRules, DirectorySync, DirectorySyncArgs, NETWORK_ACL_RULES_PER_DIRECTION } from "../../components/directory-sync";
import { checkAwsRules } from "../../scripts/lib/plan/aws-rules";
import { amazonSideAsnFor, PRESHARED_KEY_RULES, routingSummary, SiteToSiteVpn, SiteToSiteVpnArgs } from "../../components/site-to-site-vpn";
import { connectivityAttributes } from "../../scripts/lib/plan/mock-attributes/connectivity";
import { MockAttributeContext } from "../../scripts/lib/plan/mock-attributes/types";
import { byId, named, ofType, planProgram } from "../helpers";
import { ACL_RULE, CGW, CONNECTION, DIRECTORY, PROPAGATION, RANDOM_PASSWORD, RANDOM_STRING, ROUTE, SUBNET, VGW } from "./resource-types";


/** initech.yaml: static routing. */
const INITECH: SiteToSiteVpnArgs = {
    vpcId: "vpc-0initech",
    customerGatewayIp: "85.214.132.117",
    bgpAsn: undefined,
    corporateCidrs: ["192.168.0.0/16", "172.31.0.0/16"],
    propagateToRouteTableIds: ["rtb-0app", "rtb-0admin"],
};

/** acme.yaml: BGP routing. */
const ACME: SiteToSiteVpnArgs = {
    vpcId: "vpc-0acme",
    customerGatewayIp: "81.2.69.142",
    bgpAsn: 65010,
    corporateCidrs: ["192.168.0.0/16", "10.200.0.0/16"],
    propagateToRouteTableIds: ["rtb-0app"],
};

function planVpn(name: string, args: SiteToSiteVpnArgs) {
    return planProgram((provider) => {
        const vpn = new SiteToSiteVpn(name, args, { provider });
        return { routing: vpn.routing, amazonSideAsn: vpn.amazonSideAsn, tunnels: vpn.tunnels, presharedKeys: vpn.presharedKeys, vpnGatewayId: vpn.vpnGatewayId, connectionId: vpn.connectionId };
    });
}

describe("SiteToSiteVpn", () => {
    it("GIVEN static routing WHEN planned THEN the customer gateway has the tenant's IP and each corporate CIDR gets exactly one static route", async () => {
        const { plan } = await planVpn("initech-vpn", INITECH);
        const cgw = named(plan.resources, "initech-vpn-cgw");
        expect(cgw.type).toBe(CGW);
        expect(cgw.inputs).toMatchObject({ ipAddress: "85.214.132.117", type: "ipsec.1", bgpAsn: "65000", tags: { Name: "initech-vpn-cgw" } });
        const vgw = named(plan.resources, "initech-vpn-vgw");
        expect(vgw.type).toBe(VGW);
        expect(vgw.inputs).toMatchObject({ vpcId: "vpc-0initech", amazonSideAsn: "64512" });
        const connection = named(plan.resources, "initech-vpn-connection");
        expect(connection.type).toBe(CONNECTION);
        expect(connection.inputs).toMatchObject({ type: "ipsec.1", staticRoutesOnly: true, customerGatewayId: cgw.id, vpnGatewayId: vgw.id });
        expect(byId(plan.resources, connection.inputs.customerGatewayId)?.type).toBe(CGW);
        const routes = ofType(plan.resources, ROUTE);
        expect(routes.map((route) => [route.name, route.inputs.destinationCidrBlock, route.inputs.vpnConnectionId])).toEqual([
            ["initech-vpn-route-0", "192.168.0.0/16", connection.id],
            ["initech-vpn-route-1", "172.31.0.0/16", connection.id],
        ]);
        expect(plan.outputs.routing).toBe("static: 192.168.0.0/16, 172.31.0.0/16");
        expect(plan.outputs.vpnGatewayId).toBe(vgw.id);
        expect(plan.outputs.connectionId).toBe(connection.id);
        for (const resource of plan.resources.filter((r) => r.type !== "pulumi:providers:aws" && r.name !== "initech-vpn")) {
            expect(resource.parent, resource.name).toBe("initech-vpn");
        }
    });

    it("GIVEN a BGP ASN WHEN planned THEN the customer gateway declares it, routing is dynamic and there is no static route", async () => {
        const { plan } = await planVpn("acme-vpn", ACME);
        expect(named(plan.resources, "acme-vpn-cgw").inputs).toMatchObject({ ipAddress: "81.2.69.142", bgpAsn: "65010" });
        expect(named(plan.resources, "acme-vpn-connection").inputs.staticRoutesOnly).toBe(false);
        expect(ofType(plan.resources, ROUTE)).toEqual([]);
        expect(plan.outputs.routing).toBe("bgp: customer asn 65010, amazon asn 64512");
    });

    it.each([
        [65010, "64512"],
        [64513, "64512"],
        [64512, "64513"],
        [undefined, "64512"],
    ])("GIVEN the customer's ASN %s WHEN planned THEN the gateway's Amazon-side ASN is %s, never the customer's, and the outputs say it", async (bgpAsn, amazonAsn) => {
        const { plan } = await planVpn("acme-vpn", { ...ACME, bgpAsn });
        expect(named(plan.resources, "acme-vpn-vgw").inputs.amazonSideAsn).toBe(amazonAsn);
        expect(named(plan.resources, "acme-vpn-cgw").inputs.bgpAsn).not.toBe(amazonAsn);
        expect(plan.outputs.amazonSideAsn).toBe(Number(amazonAsn));
        if (bgpAsn !== undefined) {
            expect(plan.outputs.routing).toBe(`bgp: customer asn ${bgpAsn}, amazon asn ${amazonAsn}`);
        }
    });

    it.each([
        [undefined, 64512],
        [65010, 64512],
        [64512, 64513],
        [4_200_000_000, 64512],
    ])("GIVEN the customer's ASN %s WHEN the Amazon side's is chosen THEN it is %i", (customerAsn, expected) => {
        expect(amazonSideAsnFor(customerAsn)).toBe(expected);
    });

    it("GIVEN defaults WHEN planned THEN both tunnels accept only IKEv2, AES-256, SHA-2 and DH groups 14 and above, and AWS brings them up", async () => {
        const { plan } = await planVpn("initech-vpn", INITECH);
        const inputs = named(plan.resources, "initech-vpn-connection").inputs;
        for (const n of [1, 2]) {
            const key = (suffix: string): unknown => inputs[`tunnel${n}${suffix}`];
            expect(key("IkeVersions")).toEqual(["ikev2"]);
            expect(key("Phase1EncryptionAlgorithms")).toEqual(["AES256", "AES256-GCM-16"]);
            expect(key("Phase2EncryptionAlgorithms")).toEqual(["AES256", "AES256-GCM-16"]);
            expect(key("Phase1IntegrityAlgorithms")).toEqual(["SHA2-256", "SHA2-384", "SHA2-512"]);
            expect(key("Phase2IntegrityAlgorithms")).toEqual(["SHA2-256", "SHA2-384", "SHA2-512"]);
            for (const phase of ["Phase1DhGroupNumbers", "Phase2DhGroupNumbers"]) {
                const groups = key(phase) as number[];
                expect(groups.length, phase).toBeGreaterThan(0);
                expect(groups.every((group) => group >= 14 && group <= 21), `${phase}: ${groups.join(",")}`).toBe(true);
            }
            expect(key("StartupAction")).toBe("start");
            expect(key("DpdTimeoutAction")).toBe("restart");
            expect(key("DpdTimeoutSeconds")).toBe(30);
        }
    });

    it("GIVEN IKEv1 allowed for a legacy device WHEN planned THEN the customer's device must initiate (AWS cannot start IKEv1 tunnels)", async () => {
        const { plan } = await planVpn("legacy-vpn", { ...INITECH, ikeVersions: ["ikev1", "ikev2"] });
        const inputs = named(plan.resources, "legacy-vpn-connection").inputs;
        expect([inputs.tunnel1IkeVersions, inputs.tunnel1StartupAction, inputs.tunnel2StartupAction]).toEqual([["ikev1", "ikev2"], "add", "add"]);
    });

    it("GIVEN a VPN WHEN planned THEN the pre-shared keys are secret in the connection's inputs and in the outputs, and satisfy AWS's rules", async () => {
        const { plan, snapshot } = await planVpn("initech-vpn", INITECH);
        const inputs = named(plan.resources, "initech-vpn-connection").inputs;
        expect([inputs.tunnel1PresharedKey, inputs.tunnel2PresharedKey]).toEqual(["[secret]", "[secret]"]);
        expect(plan.outputs.presharedKeys).toBe("[secret]");
        expect(snapshot.secretOutputNames).toContain("presharedKeys");
        const keys = snapshot.outputs.presharedKeys as string[];
        expect(keys).toHaveLength(2);
        expect(keys[0]).not.toBe(keys[1]);
        for (const key of keys) {
            // AWS: 8-64 characters, letters, digits, '.' and '_', not starting with 0.
            expect(key).toMatch(/^[A-Za-z1-9._][A-Za-z0-9._]{7,63}$/);
        }
        expect(JSON.stringify(plan)).not.toContain(keys[0]);
    });

    it("GIVEN the key generators WHEN planned THEN each key is a random letter then 31 characters of AWS's alphabet", async () => {
        const { plan } = await planVpn("initech-vpn", INITECH);
        const leads = ofType(plan.resources, RANDOM_STRING);
        const bodies = ofType(plan.resources, RANDOM_PASSWORD);
        expect(leads.map((lead) => lead.name)).toEqual(["initech-vpn-tunnel1-psk-lead", "initech-vpn-tunnel2-psk-lead"]);
        expect(bodies.map((body) => body.name)).toEqual(["initech-vpn-tunnel1-psk", "initech-vpn-tunnel2-psk"]);
        for (const lead of leads) {
            expect(lead.inputs).toMatchObject({ length: 1, upper: true, lower: true, numeric: false, special: false });
        }
        for (const body of bodies) {
            expect(body.inputs).toMatchObject({ length: 31, upper: true, lower: true, numeric: true, special: true, overrideSpecial: "._" });
        }
        const total = PRESHARED_KEY_RULES.lead.length + PRESHARED_KEY_RULES.body.length;
        expect(total).toBe(PRESHARED_KEY_RULES.length);
        expect(total).toBeGreaterThanOrEqual(8);
        expect(total).toBeLessThanOrEqual(64);
    });

    it("GIVEN route tables to propagate to WHEN planned THEN only those learn the customer's routes, from this VPN's gateway", async () => {
        const { plan } = await planVpn("initech-vpn", INITECH);
        const vgw = named(plan.resources, "initech-vpn-vgw");
        expect(ofType(plan.resources, PROPAGATION).map((p) => [p.name, p.inputs.routeTableId, p.inputs.vpnGatewayId])).toEqual([
            ["initech-vpn-propagation-0", "rtb-0app", vgw.id],
            ["initech-vpn-propagation-1", "rtb-0admin", vgw.id],
        ]);
        const none = await planVpn("quiet-vpn", { ...INITECH, propagateToRouteTableIds: [] });
        expect(ofType(none.plan.resources, PROPAGATION)).toEqual([]);
    });

    it("GIVEN a VPN WHEN planned THEN the customer is told two distinct tunnel endpoints and link-local /30s", async () => {
        const { plan } = await planVpn("initech-vpn", INITECH);
        const tunnels = plan.outputs.tunnels as { outsideAddress: string; insideCidr: string }[];
        expect(tunnels).toHaveLength(2);
        expect(tunnels[0]?.outsideAddress).not.toBe(tunnels[1]?.outsideAddress);
        expect(tunnels[0]?.insideCidr).not.toBe(tunnels[1]?.insideCidr);
        for (const tunnel of tunnels) {
            expect(tunnel.outsideAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
            expect(tunnel.insideCidr).toMatch(/^169\.254\.\d+\.\d+\/30$/);
        }
    });

    it.each<[string, Partial<SiteToSiteVpnArgs>, RegExp]>([
        ["a private gateway address", { customerGatewayIp: "192.168.1.1" }, /customerGatewayIp: "192\.168\.1\.1" is in 192\.168\.0\.0\/16 \(private-use \(RFC 1918\)\); expected the device's public internet address/],
        ["a malformed gateway address", { customerGatewayIp: "85.214.132" }, /customerGatewayIp: "85\.214\.132" is not an IPv4 address/],
        ["a BGP ASN out of range", { bgpAsn: 0 }, /bgpAsn: 0 is not allowed; expected a whole number from 1 to 2147483647/],
        ["a public Amazon-side ASN", { amazonSideAsn: 16509 }, /amazonSideAsn: 16509 is not allowed; expected a private ASN, 64512-65534 or 4200000000-4294967294/],
        ["the same ASN on both sides, given explicitly", { bgpAsn: 65010, amazonSideAsn: 65010 }, /bgpAsn: 65010 equals amazonSideAsn/],
        ["no corporate network", { corporateCidrs: [] }, /corporateCidrs: none given/],
        ["a corporate CIDR with host bits", { corporateCidrs: ["192.168.1.1/16"] }, /corporateCidrs: "192\.168\.1\.1\/16" is not a network address; expected 192\.168\.0\.0\/16/],
        ["a corporate CIDR twice", { corporateCidrs: ["10.0.0.0/8", "10.0.0.0/8"] }, /corporateCidrs: 10\.0\.0\.0\/8 listed twice/],
        ["no IKE version", { ikeVersions: [] }, /ikeVersions: \[\] is not allowed; expected a non-empty subset of ikev1, ikev2/],
        ["AES-128", { encryptionAlgorithms: ["AES128" as never] }, /encryptionAlgorithms: \[AES128\] is not allowed; expected a non-empty subset of AES256, AES256-GCM-16/],
        ["SHA-1", { integrityAlgorithms: ["SHA1" as never] }, /integrityAlgorithms: \[SHA1\] is not allowed/],
        ["DH group 2", { dhGroupNumbers: [2 as never, 14] }, /dhGroupNumbers: \[2, 14\] is not allowed; expected a non-empty subset of 14, 15, 16, 17, 18, 19, 20, 21/],
    ])("GIVEN %s WHEN constructed THEN it fails naming the field", async (_, change, message) => {
        await expect(planVpn("bad-vpn", { ...INITECH, ...change })).rejects.toThrow(message);
    });

    it.each<[number | undefined, number, string[], string]>([
        [undefined, 64512, ["192.168.0.0/16", "172.31.0.0/16"], "static: 192.168.0.0/16, 172.31.0.0/16"],
        [undefined, 64512, ["10.0.0.0/8"], "static: 10.0.0.0/8"],
        [65010, 64512, ["192.168.0.0/16"], "bgp: customer asn 65010, amazon asn 64512"],
        [4_200_000_001, 65000, [], "bgp: customer asn 4200000001, amazon asn 65000"],
    ])("GIVEN bgpAsn %s, amazon ASN %s and %j WHEN summarised THEN %s", (bgpAsn, amazonSideAsn, corporateCidrs, expected) => {
        expect(routingSummary({ bgpAsn, amazonSideAsn, corporateCidrs })).toBe(expected);
    });
});


/** acme.yaml's identity section. */
const ACME_DIRECTORY: DirectorySyncArgs = {
    directoryName: "corp.acme.com",
    dnsIps: ["192.168.10.10", "192.168.10.11"],
    serviceAccount: "svc-itm",
    // Plain on purpose: the component must keep it secret even so.
    password: "Correct.Horse.Battery.Staple",
    vpcId: "vpc-0acme",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    subnetCidrs: ["10.40.255.0/28", "10.40.255.16/28"],
    vpnGatewayId: "vgw-0acme",
};

function planDirectory(name: string, args: DirectorySyncArgs) {
    return planProgram((provider) => {
        const sync = new DirectorySync(name, args, { provider });
        return {
            directoryId: sync.directoryId,
            accessUrl: sync.accessUrl,
            dnsIpAddresses: sync.dnsIpAddresses,
            securityGroupId: sync.securityGroupId,
            subnetIds: sync.subnetIds,
        };
    });
}

describe("DirectorySync", () => {
    it("GIVEN acme's directory WHEN planned THEN an AD Connector is wired to its domain, DNS servers, account and two subnets in different zones", async () => {
        const { plan } = await planDirectory("acme-directory", ACME_DIRECTORY);
        const subnets = ofType(plan.resources, SUBNET);
        expect(subnets.map((subnet) => [subnet.name, subnet.inputs.cidrBlock, subnet.inputs.availabilityZone, subnet.inputs.vpcId])).toEqual([
            ["acme-directory-subnet-0", "10.40.255.0/28", "eu-west-1a", "vpc-0acme"],
            ["acme-directory-subnet-1", "10.40.255.16/28", "eu-west-1b", "vpc-0acme"],
        ]);
        for (const subnet of subnets) {
            expect(subnet.inputs).toMatchObject({ mapPublicIpOnLaunch: false, tags: { tier: "admin", role: "directory" } });
        }
        const directory = named(plan.resources, "acme-directory-connector");
        expect(directory.type).toBe(DIRECTORY);
        expect(directory.inputs).toMatchObject({ type: "ADConnector", name: "corp.acme.com", size: "Small", password: "[secret]" });
        expect(directory.inputs.connectSettings).toEqual({
            customerDnsIps: ["192.168.10.10", "192.168.10.11"],
            customerUsername: "svc-itm",
            subnetIds: subnets.map((subnet) => subnet.id),
            vpcId: "vpc-0acme",
        });
        expect(JSON.stringify(plan)).not.toContain("Correct.Horse");
        expect(plan.outputs).toMatchObject({
            directoryId: directory.id,
            accessUrl: `${directory.id}.awsapps.com`,
            dnsIpAddresses: ["192.168.10.10", "192.168.10.11"],
            subnetIds: subnets.map((subnet) => subnet.id),
        });
        expect(plan.outputs.securityGroupId).toMatch(/^sg-[0-9a-f]{17}$/);
        for (const resource of plan.resources.filter((r) => r.type !== "pulumi:providers:aws" && r.name !== "acme-directory")) {
            expect(resource.parent, resource.name).toBe("acme-directory");
        }
    });

    it("GIVEN the connector subnets WHEN planned THEN their own route table has no routes of its own and learns only from the VPN gateway", async () => {
        const { plan } = await planDirectory("acme-directory", ACME_DIRECTORY);
        const table = named(plan.resources, "acme-directory-routes");
        expect(table.inputs.routes ?? []).toEqual([]);
        expect(table.inputs.propagatingVgws).toBeUndefined();
        expect(ofType(plan.resources, "aws:ec2/route:Route")).toEqual([]);
        const subnetIds = ofType(plan.resources, SUBNET).map((subnet) => subnet.id);
        expect(ofType(plan.resources, "aws:ec2/routeTableAssociation:RouteTableAssociation").map((a) => [a.inputs.routeTableId, a.inputs.subnetId])).toEqual(
            subnetIds.map((id) => [table.id, id]),
        );
        expect(ofType(plan.resources, PROPAGATION).map((p) => p.inputs)).toEqual([{ routeTableId: table.id, vpnGatewayId: "vgw-0acme" }]);
    });

    it("GIVEN two DNS servers WHEN planned THEN the ACL allows out only the directory ports to them and in only their replies", async () => {
        const { plan } = await planDirectory("acme-directory", ACME_DIRECTORY);
        const acl = named(plan.resources, "acme-directory-acl");
        expect(acl.inputs.subnetIds).toEqual(ofType(plan.resources, SUBNET).map((subnet) => subnet.id));
        expect(acl.inputs.ingress ?? []).toEqual([]);
        expect(acl.inputs.egress ?? []).toEqual([]);
        const rules = ofType(plan.resources, ACL_RULE);
        for (const rule of rules) {
            expect(rule.inputs, rule.name).toMatchObject({ networkAclId: acl.id, ruleAction: "allow" });
        }
        const seen = (egress: boolean): string[] =>
            rules
                .filter((rule) => rule.inputs.egress === egress)
                .map((rule) => `${String(rule.inputs.protocol)} ${String(rule.inputs.cidrBlock)} ${String(rule.inputs.fromPort)}-${String(rule.inputs.toPort)}`)
                .sort();
        const outbound = ["192.168.10.10/32", "192.168.10.11/32"].flatMap((cidr) => [
            `tcp ${cidr} 53-53`, `udp ${cidr} 53-53`, `tcp ${cidr} 88-88`, `udp ${cidr} 88-88`, `tcp ${cidr} 389-389`, `udp ${cidr} 389-389`,
            `tcp ${cidr} 636-636`,
        ]);
        const inbound = ["192.168.10.10/32", "192.168.10.11/32"].flatMap((cidr) => [`tcp ${cidr} 1024-65535`, `udp ${cidr} 1024-65535`]);
        expect(seen(true)).toEqual(outbound.sort());
        expect(seen(false)).toEqual(inbound.sort());
        for (const egress of [true, false]) {
            const numbers = rules.filter((rule) => rule.inputs.egress === egress).map((rule) => rule.inputs.ruleNumber);
            expect(new Set(numbers).size, `egress=${egress}`).toBe(numbers.length);
        }
        expect(acl.inputs.vpcId).toBe("vpc-0acme");
    });

    it("GIVEN acme's directory WHEN planned THEN the connector's description names it, as deployed", async () => {
        const { plan } = await planDirectory("acme-directory", ACME_DIRECTORY);
        expect(named(plan.resources, "acme-directory-connector").inputs.description).toBe("AD Connector to corp.acme.com across the site-to-site VPN");
    });

    it.each([
        ["84 characters, the longest that fits", `${"d".repeat(63)}.${"e".repeat(15)}.corp`, true],
        ["132 characters (63-character labels)", `${"d".repeat(63)}.${"e".repeat(63)}.corp`, false],
        ["253 characters, the contract's longest", `${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(63)}.${"g".repeat(61)}`, false],
    ])("GIVEN a contract-valid directory name of %s WHEN planned THEN the connector's description fits AWS's 128 characters", async (_, directoryName, namesIt) => {
        const { plan } = await planDirectory("long-directory", { ...ACME_DIRECTORY, directoryName });
        const connector = named(plan.resources, "long-directory-connector");
        expect(connector.inputs.name).toBe(directoryName);
        expect(checkAwsRules([connector])).toEqual([]);
        expect(String(connector.inputs.description).includes(directoryName)).toBe(namesIt);
        expect(connector.inputs.description).toBe(connectorDescription(directoryName));
    });

    it("GIVEN a size WHEN planned THEN the connector has it", async () => {
        const { plan } = await planDirectory("big-directory", { ...ACME_DIRECTORY, size: "Large" });
        expect(named(plan.resources, "big-directory-connector").inputs.size).toBe("Large");
    });

    it.each<[string, Partial<DirectorySyncArgs>, RegExp]>([
        ["a single-label directory name", { directoryName: "corp" }, /directoryName: "corp" is not allowed; expected the domain's fully qualified name/],
        ["one DNS server", { dnsIps: ["192.168.10.10"] }, /dnsIps: \[192\.168\.10\.10\] is not allowed; expected exactly 2 distinct IPv4 addresses/],
        ["the same DNS server twice", { dnsIps: ["192.168.10.10", "192.168.10.10"] }, /dnsIps: \[192\.168\.10\.10, 192\.168\.10\.10\] is not allowed/],
        ["a DNS server that is not an address", { dnsIps: ["dc1.corp.acme.com", "192.168.10.11"] }, /dnsIps: \[dc1\.corp\.acme\.com, 192\.168\.10\.11\] is not allowed/],
        ["one subnet CIDR", { subnetCidrs: ["10.40.255.0/28"] }, /subnetCidrs: \[10\.40\.255\.0\/28\] is not allowed; expected exactly 2 distinct network CIDRs/],
        ["a subnet CIDR with host bits", { subnetCidrs: ["10.40.255.1/28", "10.40.255.16/28"] }, /subnetCidrs: \[10\.40\.255\.1\/28, 10\.40\.255\.16\/28\] is not allowed/],
        ["one zone twice", { availabilityZones: ["eu-west-1a", "eu-west-1a"] }, /availabilityZones: \[eu-west-1a, eu-west-1a\] is not allowed; expected exactly 2 different availability zones/],
    ])("GIVEN %s WHEN constructed THEN it fails naming the field", async (_, change, message) => {
        await expect(planDirectory("bad-directory", { ...ACME_DIRECTORY, ...change })).rejects.toThrow(message);
    });

    it("GIVEN unresolved availability zones WHEN constructed THEN they are left to AWS", async () => {
        const { plan } = await planDirectory("late-directory", { ...ACME_DIRECTORY, availabilityZones: [pulumi.output("eu-west-1a"), pulumi.output("eu-west-1c")] });
        expect(ofType(plan.resources, SUBNET).map((subnet) => subnet.inputs.availabilityZone)).toEqual(["eu-west-1a", "eu-west-1c"]);
    });

    it.each<[string, string[], number, number]>([
        ["one server", ["10.0.0.10"], 7, 2],
        ["two servers", ["10.0.0.10", "10.0.0.11"], 14, 4],
    ])("GIVEN %s (%j) WHEN the ACL rules are generated THEN %i go out and %i come in, numbered apart", (_, dnsIps, outbound, inbound) => {
        const rules = directoryAclRules(dnsIps);
        const out = rules.filter((rule) => rule.egress);
        const into = rules.filter((rule) => !rule.egress);
        expect([out.length, into.length]).toEqual([outbound, inbound]);
        expect(out.map((rule) => rule.ruleNumber)).toEqual(out.map((_, index) => 100 + index * 10));
        expect(into.map((rule) => rule.ruleNumber)).toEqual(into.map((_, index) => 100 + index * 10));
        expect(new Set(rules.map((rule) => rule.key)).size).toBe(rules.length);
        expect(rules.every((rule) => dnsIps.map((ip) => `${ip}/32`).includes(rule.cidrBlock))).toBe(true);
    });

    it.each([
        ["dns", 53, 53, ["tcp", "udp"]],
        ["kerberos", 88, 88, ["tcp", "udp"]],
        ["ldap", 389, 389, ["tcp", "udp"]],
        ["ldaps", 636, 636, ["tcp"]],
    ])("GIVEN the port table WHEN read THEN %s is %i-%i over %j", (service, fromPort, toPort, protocols) => {
        expect(DIRECTORY_PORTS.find((port) => port.service === service)).toEqual({ service, fromPort, toPort, protocols });
    });

    it("GIVEN the port table WHEN read THEN it holds nothing else", () => {
        expect(DIRECTORY_PORTS).toHaveLength(4);
    });

    it("GIVEN the contract's two DNS servers WHEN the ACL rules are generated THEN each direction fits the default quota", () => {
        const rules = directoryAclRules(["10.0.0.10", "10.0.0.11"]);
        expect(rules.filter((rule) => rule.egress).length).toBeLessThanOrEqual(NETWORK_ACL_RULES_PER_DIRECTION);
        expect(rules.filter((rule) => !rule.egress).length).toBeLessThanOrEqual(NETWORK_ACL_RULES_PER_DIRECTION);
    });
});

describe("connectivity mock attributes", () => {
    const context = (inputs: Record<string, unknown>, states: Record<string, Record<string, unknown>> = {}): MockAttributeContext => ({
        inputs,
        id: "mock-id",
        region: "eu-west-1",
        account: "123456789012",
        hex: (length, salt = "") => {
            let out = "";
            for (let i = 0; out.length < length; i++) {
                out += createHash("sha256").update(`${JSON.stringify(inputs)}#${salt}#${i}`).digest("hex");
            }
            return out.slice(0, length);
        },
        stateOf: (id) => states[id],
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
        ["a pre-shared key body", { length: 31, special: true, overrideSpecial: "._", upper: true, lower: true, numeric: true }, /^[A-Za-z0-9._]{31}$/],
        ["a leading letter", { length: 1, special: false, numeric: false, upper: true, lower: true }, /^[A-Za-z]$/],
        ["digits only", { length: 12, special: false, upper: false, lower: false }, /^[0-9]{12}$/],
        ["the provider's defaults", { length: 40 }, /^[A-Za-z0-9!@#$%&*()\-_=+[\]{}<>:?]{40}$/],
    ])("GIVEN %s WHEN a random value is mocked THEN it honours the length and alphabet", (_, inputs, pattern) => {
        for (const type of ["random:index/randomPassword:RandomPassword", "random:index/randomString:RandomString"]) {
            expect(connectivityAttributes[type]?.(context(inputs)).result, type).toMatch(pattern);
        }
    });

    it("GIVEN minimum counts WHEN a random value is mocked THEN each class appears at least that often", () => {
        const result = String(connectivityAttributes["random:index/randomPassword:RandomPassword"]?.(context({ length: 8, minUpper: 3, minNumeric: 3, special: false })).result);
        expect(result.replace(/[^A-Z]/g, "").length).toBeGreaterThanOrEqual(3);
        expect(result.replace(/[^0-9]/g, "").length).toBeGreaterThanOrEqual(3);
    });

    it("GIVEN a VPN connection WHEN mocked THEN the tunnels have distinct public endpoints and distinct, usable link-local /30s", () => {
        const state = connectivityAttributes["aws:ec2/vpnConnection:VpnConnection"]?.(
            context({ vpnGatewayId: "vgw-1", customerGatewayId: "cgw-1", type: "ipsec.1" }, { "vgw-1": { amazonSideAsn: "64600" } }),
        ) ?? {};
        expect(state.tunnel1Address).not.toBe(state.tunnel2Address);
        expect(state.tunnel1InsideCidr).not.toBe(state.tunnel2InsideCidr);
        for (const n of [1, 2]) {
            const cidr = String(state[`tunnel${n}InsideCidr`]);
            const [, third, fourth] = /^169\.254\.(\d+)\.(\d+)\/30$/.exec(cidr) ?? [];
            expect(Number(fourth) % 4, cidr).toBe(0);
            expect(Number(third) > 5 && Number(third) !== 169, cidr).toBe(true);
            expect(state[`tunnel${n}VgwInsideAddress`]).toBe(`169.254.${third}.${Number(fourth) + 1}`);
            expect(state[`tunnel${n}CgwInsideAddress`]).toBe(`169.254.${third}.${Number(fourth) + 2}`);
            expect(state[`tunnel${n}BgpAsn`]).toBe("64600");
        }
        expect(state).not.toHaveProperty("transitGatewayAttachmentId");
    });

    it("GIVEN an AD Connector WHEN mocked THEN its interfaces are inside its subnets and it reports the customer's DNS servers", () => {
        const state = connectivityAttributes["aws:directoryservice/directory:Directory"]?.(
            context(
                { type: "ADConnector", name: "corp.acme.com", connectSettings: { customerDnsIps: ["192.168.10.10", "192.168.10.11"], subnetIds: ["subnet-a", "subnet-b"] } },
                { "subnet-a": { cidrBlock: "10.40.255.0/28", availabilityZone: "eu-west-1a" }, "subnet-b": { cidrBlock: "10.40.255.16/28", availabilityZone: "eu-west-1b" } },
            ),
        ) ?? {};
        const connect = state.connectSettings as { connectIps: string[]; availabilityZones: string[] };
        expect(connect.connectIps).toHaveLength(2);
        expect(Number(connect.connectIps[0]?.split(".")[3])).toBeGreaterThanOrEqual(4);
        expect(Number(connect.connectIps[0]?.split(".")[3])).toBeLessThanOrEqual(14);
        expect(Number(connect.connectIps[1]?.split(".")[3])).toBeGreaterThanOrEqual(20);
        expect(Number(connect.connectIps[1]?.split(".")[3])).toBeLessThanOrEqual(30);
        expect(connect.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b"]);
        expect(state).toMatchObject({ dnsIpAddresses: ["192.168.10.10", "192.168.10.11"], accessUrl: "mock-id.awsapps.com" });
        expect(state.securityGroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    });
});
