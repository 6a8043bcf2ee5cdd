// The plan's fleet check of EC2's customer gateways (scripts/lib/plan/customer-gateways.ts): an
// identical CreateCustomerGateway request (same VPN type, IP address and BGP ASN, no device name)
// returns the existing gateway, so two stacks of one region would hold one gateway. Pure: no tenant
// file is read.

import { describe, expect, it } from "vitest";

import { CustomerGatewayStack, customerGatewayProblems } from "../scripts/lib/plan/customer-gateways";
import type { PlannedResource } from "../scripts/lib/plan/engine";
import type { TenantPlan } from "../scripts/lib/plan/fleet";
import { factsOf, fleetProblems } from "../scripts/lib/plan/stream/facts";

function gateway(name: string, ipAddress: string, bgpAsn = "65000", extra: Record<string, unknown> = {}): PlannedResource {
    return { type: "aws:ec2/customerGateway:CustomerGateway", name, id: `cgw-${name}`, parent: null, inputs: { ipAddress, bgpAsn, type: "ipsec.1", tags: { Name: name }, ...extra }, protect: false, retainOnDelete: false };
}
const stack = (tenant: string, region: string, ...resources: PlannedResource[]): CustomerGatewayStack => ({ tenant, region, source: `tenant-configs/${tenant}.yaml`, resources });

describe("customerGatewayProblems", () => {
    it("GIVEN two tenants of one customer sharing its VPN device (static routing) in one region WHEN checked THEN the second is refused, naming the first", () => {
        const problems = customerGatewayProblems([stack("acme-prod", "eu-west-1", gateway("acme-prod-vpn-cgw", "81.2.69.142")), stack("acme-test", "eu-west-1", gateway("acme-test-vpn-cgw", "81.2.69.142"))]);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({ file: "tenant-configs/acme-test.yaml", path: "/" });
        expect(problems[0]!.message).toContain(`acme-test: aws:ec2/customerGateway:CustomerGateway "acme-test-vpn-cgw" asks for 81.2.69.142 (BGP ASN 65000, ipsec.1) in eu-west-1 like acme-prod's acme-prod-vpn-cgw`);
        expect(problems[0]!.message).toContain("CreateCustomerGateway");
    });

    it("GIVEN the same device in different regions, with different ASNs, or with device names of their own WHEN checked THEN EC2 creates each", () => {
        expect(customerGatewayProblems([stack("a", "eu-west-1", gateway("a-cgw", "81.2.69.142")), stack("b", "eu-central-1", gateway("b-cgw", "81.2.69.142"))])).toEqual([]);
        expect(customerGatewayProblems([stack("a", "eu-west-1", gateway("a-cgw", "81.2.69.142", "65010")), stack("b", "eu-west-1", gateway("b-cgw", "81.2.69.142", "65020"))])).toEqual([]);
        expect(
            customerGatewayProblems([
                stack("a", "eu-west-1", gateway("a-cgw", "81.2.69.142", "65000", { deviceName: "a" })),
                stack("b", "eu-west-1", gateway("b-cgw", "81.2.69.142", "65000", { deviceName: "b" })),
            ]),
        ).toEqual([]);
    });

    it("GIVEN a tenant whose device is the region's off-site backup gateway, with the same ASN, WHEN checked THEN the tenant's is refused beside the platform's", () => {
        const platform: CustomerGatewayStack = { tenant: "platform-eu-west-1", region: "eu-west-1", source: "platform-configs/eu-west-1.yaml", resources: [gateway("platform-eu-west-1-offsite-link-cgw", "81.2.69.160")] };
        const problems = customerGatewayProblems([platform, stack("globex", "eu-west-1", gateway("globex-vpn-cgw", "81.2.69.160"))]);
        expect(problems.map((problem) => problem.file)).toEqual(["tenant-configs/globex.yaml"]);
    });
});

describe("the fleet-wide checks", () => {
    it("GIVEN the plans of two such tenants WHEN their facts are checked THEN the customer gateway check runs on them", () => {
        const plan = (s: CustomerGatewayStack): TenantPlan => ({ tenant: s.tenant, mode: "vpn", region: s.region!, source: s.source, resources: [...s.resources], outputs: {} });
        const facts = [stack("acme-prod", "eu-west-1", gateway("acme-prod-vpn-cgw", "81.2.69.142")), stack("acme-test", "eu-west-1", gateway("acme-test-vpn-cgw", "81.2.69.142"))].map((s) => factsOf(plan(s)));
        expect(fleetProblems([], facts, undefined, []).errors.filter((problem) => problem.message.includes("CreateCustomerGateway"))).toHaveLength(1);
    });
});
