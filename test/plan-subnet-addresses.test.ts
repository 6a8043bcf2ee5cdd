// The plan's fleet check of the addresses Application Load Balancers need in a shared subnet
// (scripts/lib/plan/subnet-addresses.ts): every dedicated-saas tenant puts its own front door in its
// platform's access subnets, and Elastic Load Balancing refuses a load balancer in a subnet with
// fewer than 8 free addresses. Pure: no tenant file is read.

import { describe, expect, it } from "vitest";

import type { PlannedResource } from "../scripts/lib/plan/engine";
import type { TenantPlan } from "../scripts/lib/plan/fleet";
import { factsOf, fleetProblems } from "../scripts/lib/plan/stream/facts";
import { AddressStack, subnetAddressProblems } from "../scripts/lib/plan/subnet-addresses";

function resource(type: string, name: string, inputs: Record<string, unknown>, id = `${name}-id`): PlannedResource {
    return { type, name, id, parent: null, inputs, protect: false, retainOnDelete: false };
}
const subnet = (name: string, cidrBlock: string) => resource("aws:ec2/subnet:Subnet", name, { cidrBlock }, `subnet-${name}`);
const alb = (name: string, ...subnets: string[]) => resource("aws:lb/loadBalancer:LoadBalancer", name, { loadBalancerType: "application", internal: false, subnets });
const server = (name: string, subnetId: string) => resource("aws:ec2/instance:Instance", name, { instanceType: "m6i.xlarge", subnetId, userData: "x".repeat(1000) });

/** A platform whose two access subnets hold its front door and `servers` shared servers each, as stacks/platform.ts plans a /24 network. */
function platform(prefix: number, servers: number): AddressStack {
    const size = 2 ** (32 - prefix);
    return {
        tenant: "platform-eu-west-1",
        source: "platform-configs/eu-west-1.yaml",
        resources: [
            subnet("access-0", `10.15.0.0/${prefix}`),
            subnet("access-1", `10.15.0.${size}/${prefix}`),
            alb("platform-front-door", "subnet-access-0", "subnet-access-1"),
            ...Array.from({ length: servers }, (_, i) => server(`platform-server-${i}`, `subnet-access-${i % 2}`)),
        ],
    };
}
/** `count` dedicated-saas tenants, each with its front door in the platform's access subnets (stacks/dedicated-saas.ts). */
function tenants(count: number): AddressStack[] {
    return Array.from({ length: count }, (_, i) => ({
        tenant: `ds${i}`,
        source: `tenant-configs/ds${i}.yaml`,
        resources: [alb(`ds${i}-front-door-alb`, "subnet-access-0", "subnet-access-1")],
    }));
}

describe("subnetAddressProblems", () => {
    it("GIVEN a /27 access subnet (27 usable) holding 10 shared servers' interfaces and the platform's door WHEN 14 tenants add theirs THEN the last still finds 8 free", () => {
        // 27 - 5 servers - 1 platform door - 13 earlier tenant doors = 8.
        expect(subnetAddressProblems([platform(27, 10), ...tenants(14)])).toEqual([]);
    });

    it("GIVEN the same subnets WHEN a 15th tenant adds its door THEN each subnet is refused, on the platform file, naming the count and what fits", () => {
        const problems = subnetAddressProblems([platform(27, 10), ...tenants(15)]);
        expect(problems).toHaveLength(2);
        expect(problems[0]).toMatchObject({ file: "platform-configs/eu-west-1.yaml", path: "/" });
        expect(problems[0]!.message).toContain('"access-0" (subnet-access-0, 10.15.0.0/27: 27 usable addresses) is given to 16 Application Load Balancers');
        expect(problems[0]!.message).toContain("beside 5 address(es) of platform-eu-west-1's own servers");
        expect(problems[0]!.message).toContain("finds at most 7 free");
        expect(problems[0]!.message).toContain("at most 15 fit");
        expect(problems[0]!.message).toContain("at least 8 free IP addresses");
    });

    it("GIVEN load balancers of the subnet's own stack only WHEN counted THEN its servers are not assumed created first (the order inside one stack is unknown)", () => {
        const own: AddressStack = { ...platform(27, 10), resources: [...platform(27, 10).resources, ...Array.from({ length: 19 }, (_, i) => alb(`own-${i}`, "subnet-access-0"))] };
        // 20 doors: the last finds 27 - 19 = 8.
        expect(subnetAddressProblems([own])).toEqual([]);
        const more: AddressStack = { ...own, resources: [...own.resources, alb("own-19", "subnet-access-0")] };
        expect(subnetAddressProblems([more])).toHaveLength(1);
    });

    it("GIVEN a larger network WHEN 40 tenants add their doors THEN nothing is refused", () => {
        expect(subnetAddressProblems([platform(26, 10), ...tenants(40)])).toEqual([]);
    });

    it("GIVEN network load balancers and gateway endpoints WHEN counted THEN they are not Application Load Balancers and take no address", () => {
        const nlb = resource("aws:lb/loadBalancer:LoadBalancer", "nlb", { loadBalancerType: "network", subnets: ["subnet-access-0"] });
        const gateway = resource("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway", subnetIds: ["subnet-access-0"] });
        expect(subnetAddressProblems([{ ...platform(27, 10), resources: [...platform(27, 10).resources, nlb, gateway] }, ...tenants(14)])).toEqual([]);
    });
});

describe("the fleet-wide checks", () => {
    const plan = (stack: AddressStack, mode: TenantPlan["mode"]): TenantPlan => ({ tenant: stack.tenant, mode, region: "eu-west-1", source: stack.source, resources: [...stack.resources], outputs: {} });

    it("GIVEN the plans of a platform and 15 dedicated-saas tenants WHEN their facts are checked THEN the subnet check sees the servers and doors (the facts keep what it reads, without the servers' other inputs)", () => {
        const platformFacts = factsOf(plan(platform(27, 10), "platform"));
        expect(platformFacts.resources.find((item) => item.type === "aws:ec2/instance:Instance")?.inputs).toEqual({ subnetId: "subnet-access-0" });
        const stacks = tenants(15).map((stack) => factsOf(plan(stack, "dedicated-saas")));
        const problems = fleetProblems([platformFacts], stacks, undefined, []).errors.filter((problem) => problem.message.includes("Application Load Balancers"));
        expect(problems).toHaveLength(2);
    });
});
