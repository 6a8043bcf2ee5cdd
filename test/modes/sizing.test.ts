// Sizing on the planned graph: tenant files valid by the contract's v1.1 sizing rules (validated
// first, as the program does) plan servers on the image of their architecture, physical servers
// on as many Dedicated Hosts as they need, and BGP with the customer's ASN 64512 against a
// different Amazon-side ASN.

import { beforeAll, describe, expect, it } from "vitest";

import { withViolations } from "../../scripts/lib/plan/policy";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { validateFleet } from "../../stacks/config/validate";
import { byId, ofType, stackOf, T } from "../graph";
import { quotasRaised } from "../helpers";

const HOST = T.dedicatedHost;
const VGW = T.vpnGateway;

const FILES: Record<string, string> = {
    // Graviton application servers, x86 platform servers in the same region.
    "graviton.yaml": `tenant: graviton
company: Graviton Ltd
mode: cloud
region: eu-west-1
domain:
  subdomain: graviton
network:
  cidr: 10.70.0.0/16
compute:
  instanceType: m7g.large
`,
    "intel.yaml": "{tenant: intel, company: Intel Ltd, mode: cloud, region: eu-west-1, domain: {subdomain: intel}, network: {cidr: 10.71.0.0/16}}\n",
    // Two bare-metal servers: each takes a whole host, and the database server needs a third.
    "metal.yaml": `tenant: metal
company: Metal AG
mode: physical
region: eu-west-1
domain:
  own: pm.metal.example
network:
  cidr: 10.72.0.0/16
compute:
  instanceType: r6i.metal
  instances: 2
database:
  instanceClass: db.r6g.xlarge
`,
    // Graviton on a Dedicated Host: the host's family is Arm, so is the database server.
    "armhost.yaml": `tenant: armhost
company: Arm Host AG
mode: physical
region: eu-west-1
domain:
  own: pm.armhost.example
network:
  cidr: 10.73.0.0/16
compute:
  instanceType: c7g.2xlarge
  instances: 3
`,
    // A demo physical tenant with every default.
    "demo-phys.yaml": "{tenant: demo-phys, company: Demo, mode: physical, region: eu-west-1, environment: demo, domain: {own: pm.demo.example}, network: {cidr: 10.74.0.0/16}}\n",
    // The customer's ASN is Amazon's default one.
    "asn.yaml": `tenant: asn
company: ASN GmbH
mode: vpn
region: eu-west-1
domain:
  subdomain: asn
network:
  cidr: 10.75.0.0/16
vpn:
  customerGatewayIp: 81.2.69.142
  bgpAsn: 64512
  corporateCidrs:
    - 192.168.0.0/16
`,
};

let document: PlanDocument;
beforeAll(async () => {
    const fleet = validateFleet(Object.entries(FILES).map(([file, text]) => ({ file, bytes: Buffer.from(text) })));
    expect(fleet.problems).toEqual([]);
    // Seven dedicated-cloud tenants in one region: an account granted the VPCs they need, and the
    // hosts of the physical tenants' families (the two r6i.metal servers and their database server
    // take three r6i hosts; AWS's default is two per family).
    document = withViolations(await planFleet({ tenants: fleet.tenants, platformRegions: ["eu-west-1"], quotas: quotasRaised({ vpcs: 10, internetGateways: 10, dedicatedHosts: 4 }) }));
    expect(document.errors).toEqual([]);
});

const planOf = (id: string): TenantPlan => stackOf(document, id);
const amisOf = (plan: TenantPlan): string[] => [...new Set(ofType(plan, T.instance).map((instance) => String(instance.inputs.ami)))];

describe("sizing on the planned graph", () => {
    it("GIVEN every tenant WHEN planned with the policy pack THEN none has a violation", () => {
        expect(document.tenants.map((plan) => [plan.tenant, plan.violations])).toEqual(document.tenants.map((plan) => [plan.tenant, []]));
    });

    it("GIVEN m7g.large (Graviton) WHEN planned THEN its servers boot another image than the x86 tenant and the platform, one image for all of them", () => {
        const arm = amisOf(planOf("graviton"));
        const intel = amisOf(planOf("intel"));
        const platform = amisOf(planOf("platform-eu-west-1"));
        expect(arm).toHaveLength(1);
        expect(intel).toHaveLength(1);
        expect(arm[0]).toMatch(/^ami-[0-9a-f]{17}$/);
        expect(arm).not.toEqual(intel);
        // The platform's default servers (m6i.xlarge) are x86_64 too: the same image as intel's.
        expect(platform).toEqual(intel);
        expect(ofType(planOf("graviton"), T.instance).map((instance) => instance.inputs.instanceType)).toEqual(["m7g.large", "m7g.large"]);
    });

    it("GIVEN two r6i.metal servers WHEN planned THEN each metal server and the database server get a host of their own, each naming its host and the hosts' zone", () => {
        const plan = planOf("metal");
        const byName = new Map(ofType(plan, HOST).map((host) => [host.name, host]));
        const hosts = ["metal-host-host", "metal-host-1-host", "metal-host-2-host"].map((name) => byName.get(name)!);
        expect(byName.size).toBe(3);
        expect(hosts.map((host) => [host?.name, host?.inputs.instanceFamily, host?.inputs.autoPlacement])).toEqual([
            ["metal-host-host", "r6i", "off"],
            ["metal-host-1-host", "r6i", "off"],
            ["metal-host-2-host", "r6i", "off"],
        ]);
        const zone = hosts[0]!.inputs.availabilityZone;
        expect(hosts.every((host) => host.inputs.availabilityZone === zone)).toBe(true);
        const instances = ofType(plan, T.instance);
        const placement = instances.map((instance) => [instance.name, instance.inputs.instanceType, instance.inputs.tenancy, byId(plan, instance.inputs.hostId)?.name]);
        expect(placement.sort()).toEqual(
            [
                ["metal-database-server-instance", "r6i.xlarge", "host", "metal-host-host"],
                ["metal-servers-0-instance", "r6i.metal", "host", "metal-host-1-host"],
                ["metal-servers-1-instance", "r6i.metal", "host", "metal-host-2-host"],
            ].sort(),
        );
        // Each server in the zone of its host: its subnet there too.
        for (const instance of instances) {
            expect(instance.inputs.availabilityZone, instance.name).toBe(zone);
            expect(byId(plan, instance.inputs.subnetId)?.inputs.availabilityZone, instance.name).toBe(zone);
        }
        expect(plan.outputs.dedicatedHostIds).toEqual(hosts.map((host) => host.id));
        expect(plan.outputs.dedicatedHostId).toBe(hosts[0]!.id);
    });

    it("GIVEN three c7g.2xlarge servers on a physical tenant WHEN planned THEN they and the database server share one Arm host and boot the Graviton image", () => {
        const plan = planOf("armhost");
        const hosts = ofType(plan, HOST);
        expect(hosts.map((host) => [host.name, host.inputs.instanceFamily])).toEqual([["armhost-host-host", "c7g"]]);
        const instances = ofType(plan, T.instance);
        expect(instances.map((instance) => [instance.inputs.instanceType, instance.inputs.hostId]).sort()).toEqual(
            [
                ["c7g.2xlarge", hosts[0]!.id],
                ["c7g.2xlarge", hosts[0]!.id],
                ["c7g.2xlarge", hosts[0]!.id],
                ["c7g.large", hosts[0]!.id],
            ].sort(),
        );
        expect(amisOf(plan)).toEqual(amisOf(planOf("graviton")));
    });

    it("GIVEN a demo physical tenant with every default WHEN planned THEN its server and database server exist in the host's family, on one host", () => {
        const plan = planOf("demo-phys");
        const hosts = ofType(plan, HOST);
        expect(hosts.map((host) => host.inputs.instanceFamily)).toEqual(["m6i"]);
        expect(ofType(plan, T.instance).map((instance) => [instance.inputs.instanceType, instance.inputs.hostId]).sort()).toEqual([
            ["m6i.large", hosts[0]!.id],
            ["m6i.large", hosts[0]!.id],
        ]);
    });

    it("GIVEN the customer's BGP ASN 64512 WHEN planned THEN the virtual private gateway takes 64513 and the customer is told so", () => {
        const plan = planOf("asn");
        const gateways = ofType(plan, VGW);
        expect(gateways.map((gateway) => gateway.inputs.amazonSideAsn)).toEqual(["64513"]);
        expect(ofType(plan, T.customerGateway).map((gateway) => gateway.inputs.bgpAsn)).toEqual(["64512"]);
        expect(plan.outputs.vpnRouting).toBe("bgp: customer asn 64512, amazon asn 64513");
    });
});
