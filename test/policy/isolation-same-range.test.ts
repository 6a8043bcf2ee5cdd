// tenant-isolation-markers and networks that name no other tenant, though another tenant's network
// has the same range; every file below is valid by the tenant contract, and each case made the
// fleet's plan exit 3 with mandatory violations:
// - a tenant whose network is a whole RFC 1918 block (`network.cidr: 192.168.0.0/16`: private, /16
//   to /24, outside the platform's 10.0.0.0/12): every dedicated tenant's network ACL admits the
//   three private blocks by name, so every other dedicated stack "mentioned" it;
// - a VPN customer whose corporate network has the range of another tenant's network (a customer's
//   range is the customer's: the contract forbids only its overlap with its own tenant's network):
//   its own VPN route and front-door rule "mentioned" the other tenant.

import { beforeAll, describe, expect, it } from "vitest";

import { findingsOf } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan, tenantMarkers } from "../../policy/rules/from-plan";
import { disallowOtherTenantMarkers } from "../../policy/rules/operations/disallowOtherTenantMarkers";
import { Finding } from "../../policy/rules/types";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { resolveTenant, TenantDocument } from "../../stacks/config/tenant";
import { stackOf } from "../graph";
import { quotasRaised } from "../helpers";

const REGION = "eu-west-1";

const DOCS: TenantDocument[] = [
    { tenant: "wholeblock", company: "Whole Block", mode: "cloud", region: REGION, domain: { subdomain: "wholeblock" }, network: { cidr: "192.168.0.0/16" } },
    { tenant: "slice", company: "Slice", mode: "physical", region: REGION, domain: { subdomain: "slice" }, network: { cidr: "172.20.4.0/24" } },
    {
        tenant: "tunnel",
        company: "Tunnel",
        mode: "vpn",
        region: REGION,
        domain: { subdomain: "tunnel" },
        network: { cidr: "10.40.0.0/16" },
        vpn: { customerGatewayIp: "81.2.69.142", corporateCidrs: ["192.168.0.0/16"] },
    },
    {
        tenant: "customer",
        company: "Customer",
        mode: "vpn",
        region: REGION,
        domain: { subdomain: "customer" },
        network: { cidr: "10.50.0.0/16" },
        vpn: { customerGatewayIp: "81.2.69.143", corporateCidrs: ["10.51.0.0/16", "172.16.9.0/24"] },
    },
    { tenant: "neighbour", company: "Neighbour", mode: "cloud", region: REGION, domain: { subdomain: "neighbour" }, network: { cidr: "10.51.0.0/16" } },
];

let fleet: PlanDocument;

beforeAll(async () => {
    fleet = await planFleet({ tenants: DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`)), platformRegions: [REGION], quotas: quotasRaised({ vpcs: 20, internetGateways: 20, vpnGateways: 20 }) });
    expect(fleet.errors).toEqual([]);
});

/** What the rule finds in a stack whose first log group's description is `text`, and that log group's name. */
function findingsWithDescription(plan: TenantPlan, text: string): { readonly log: string; readonly found: Finding[] } {
    const log = plan.resources.find((resource) => resource.type === "aws:cloudwatch/logGroup:LogGroup")!.name;
    const stack = stackFromPlan(plan);
    const tampered = { ...stack, resources: stack.resources.map((resource) => (resource.name !== log ? resource : { ...resource, props: { ...resource.props, description: text } })) };
    return { log, found: findingsOf(disallowOtherTenantMarkers, tampered, settingsFor(plan, fleet)) };
}

describe("tenant-isolation-markers: a tenant network that is a whole private block", () => {
    it("GIVEN a tenant on 192.168.0.0/16 WHEN its markers are taken THEN its ids are, its network is not; a network inside a block still is", () => {
        const whole = tenantMarkers(stackOf(fleet, "wholeblock"));
        expect(whole).not.toContain("192.168.0.0/16");
        expect(whole).toContain(stackOf(fleet, "wholeblock").resources.find((resource) => resource.type === "aws:ec2/vpc:Vpc")!.id);
        expect(tenantMarkers(stackOf(fleet, "slice"))).toContain("172.20.4.0/24");
    });

    it("GIVEN that fleet WHEN every tenant's stack is checked THEN none mentions another (each network ACL names the private blocks)", () => {
        const tenants = fleet.tenants.filter((plan) => plan.mode !== "platform");
        expect(tenants.length).toBeGreaterThan(DOCS.length);
        const acl = stackOf(fleet, "tunnel").resources.find((resource) => resource.type === "aws:ec2/networkAcl:NetworkAcl")!;
        expect(JSON.stringify(acl.inputs)).toContain('"192.168.0.0/16"');
        for (const plan of tenants) {
            expect(findingsOf(disallowOtherTenantMarkers, stackFromPlan(plan), settingsFor(plan, fleet)), plan.tenant).toEqual([]);
        }
    });

    it("GIVEN that fleet WHEN a stack refers to the whole-block tenant's VPC or to the other tenant's network THEN each is still reported", () => {
        const vpc = stackOf(fleet, "wholeblock").resources.find((resource) => resource.type === "aws:ec2/vpc:Vpc")!;
        for (const [text, tenant, how] of [
            [`peer with ${vpc.id}`, "wholeblock", `its marker ${vpc.id}`],
            ["route 172.20.4.0/24 here", "slice", "its marker 172.20.4.0/24"],
        ] as const) {
            const { log, found } = findingsWithDescription(stackOf(fleet, "tunnel"), text);
            expect(found).toEqual([{ resource: log, message: `description mentions tenant "${tenant}" (${how})` }]);
        }
    });
});

describe("tenant-isolation-markers: a VPN customer's network with another tenant's range", () => {
    it("GIVEN a VPN tenant WHEN planned THEN it declares its customer's networks (vpnCustomerNetworks), production and recovery", () => {
        expect(stackOf(fleet, "customer").outputs.vpnCustomerNetworks).toEqual(["10.51.0.0/16", "172.16.9.0/24"]);
        expect(stackOf(fleet, "customer-recovery").outputs.vpnCustomerNetworks).toEqual(["10.51.0.0/16", "172.16.9.0/24"]);
        expect(stackOf(fleet, "neighbour").outputs.vpnCustomerNetworks).toBeUndefined();
    });

    it("GIVEN the customer's range is the neighbour's network WHEN the customer's stacks are checked THEN its route and firewall rule are its own, not the neighbour's", () => {
        const customer = stackOf(fleet, "customer");
        expect(JSON.stringify(customer.resources.map((resource) => resource.inputs))).toContain('"10.51.0.0/16"');
        for (const plan of [customer, stackOf(fleet, "customer-recovery")]) {
            expect(findingsOf(disallowOtherTenantMarkers, stackFromPlan(plan), settingsFor(plan, fleet)), plan.tenant).toEqual([]);
        }
    });

    it("GIVEN the same range in a stack that does not route it to its own customer WHEN checked THEN it still names the neighbour; so does the neighbour's VPC id in the customer's", () => {
        const vpc = stackOf(fleet, "neighbour").resources.find((resource) => resource.type === "aws:ec2/vpc:Vpc")!;
        for (const [stack, text, how] of [
            ["slice", "route 10.51.0.0/16 here", "its marker 10.51.0.0/16"],
            ["customer", `peer with ${vpc.id}`, `its marker ${vpc.id}`],
        ] as const) {
            const { log, found } = findingsWithDescription(stackOf(fleet, stack), text);
            expect(found, stack).toEqual([{ resource: log, message: `description mentions tenant "neighbour" (${how})` }]);
        }
    });
});
