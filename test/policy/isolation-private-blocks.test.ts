// tenant-isolation-markers and a tenant whose network is a whole RFC 1918 block. `network.cidr:
// 192.168.0.0/16` is valid (private, /16 to /24, outside the platform's 10.0.0.0/12), and every
// dedicated tenant's network ACL admits the three private blocks by name: had that tenant's CIDR
// stayed its marker, every other dedicated stack of the fleet would "mention" it and the fleet's
// plan exit 3 for one valid file.

import { beforeAll, describe, expect, it } from "vitest";

import { findingsOf } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan, tenantMarkers } from "../../policy/rules/from-plan";
import { disallowOtherTenantMarkers } from "../../policy/rules/operations/disallowOtherTenantMarkers";
import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
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
];

let fleet: PlanDocument;

beforeAll(async () => {
    fleet = await planFleet({ tenants: DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`)), platformRegions: [REGION], quotas: quotasRaised({ vpcs: 10, internetGateways: 10, vpnGateways: 10 }) });
    expect(fleet.errors).toEqual([]);
});

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
        const tunnel = stackOf(fleet, "tunnel");
        const vpc = stackOf(fleet, "wholeblock").resources.find((resource) => resource.type === "aws:ec2/vpc:Vpc")!;
        const log = tunnel.resources.find((resource) => resource.type === "aws:cloudwatch/logGroup:LogGroup")!;
        const stack = stackFromPlan(tunnel);
        for (const [text, tenant, how] of [
            [`peer with ${vpc.id}`, "wholeblock", `its marker ${vpc.id}`],
            ["route 172.20.4.0/24 here", "slice", "its marker 172.20.4.0/24"],
        ] as const) {
            const tampered = { ...stack, resources: stack.resources.map((resource) => (resource.name !== log.name ? resource : { ...resource, props: { ...resource.props, description: text } })) };
            expect(findingsOf(disallowOtherTenantMarkers, tampered, settingsFor(tunnel, fleet))).toEqual([{ resource: log.name, message: `description mentions tenant "${tenant}" (${how})` }]);
        }
    });
});
