// The plan's check of AWS's own rules, end to end: a stack whose planned value AWS refuses is
// planned, and the document carries the error naming stack, resource, property, value, rule and
// source at the file and field that caused it (the plan command exits 1 on any error in the
// document: test/plan-cli.test.ts).
// Every contract-valid tenant file plans cleanly (test/fleet-limits.test.ts), so the break is made
// in the program: the load balancer's name is left unfitted (`loadBalancerName` returns the logical
// name, as the program did before names were fitted), which breaks Elastic Load Balancing's 32
// characters for the platform's door and for a tenant whose id has more than 17 characters.

import { beforeAll, describe, expect, it, vi } from "vitest";

import { loadBalancerName } from "../lib/naming";
import { planFleet, PlanDocument } from "../scripts/lib/plan/fleet";
import { FleetValidation, validateFleet } from "../stacks/config/validate";

vi.mock("../lib/naming", async (importOriginal) => {
    const actual = await importOriginal<typeof import("../lib/naming")>();
    return { ...actual, loadBalancerName: (logicalName: string) => logicalName };
});

const FILE = "rule-breaking-tenant.yaml";
const TENANT = "tenant: rule-breaking-tenant\ncompany: Rule Breaking Ltd\nmode: dedicated-saas\nregion: eu-west-1\ndomain:\n  subdomain: breaker\n";

const RULE =
    'at most 32 characters, only alphanumerics and hyphens, not beginning or ending with a hyphen, not beginning with "internal-" ' +
    "(source: Elastic Load Balancing API Reference, CreateLoadBalancer, Name)";
const loadBalancerError = (stack: string, name: string) =>
    `${stack}: aws:lb/loadBalancer:LoadBalancer "${name}": name "${name}" (${name.length} characters) breaks AWS's rule: ${RULE}`;

describe("a planned value AWS refuses", () => {
    let fleet: FleetValidation;
    let document: PlanDocument;

    beforeAll(async () => {
        fleet = validateFleet([{ file: FILE, bytes: Buffer.from(TENANT) }]);
        document = await planFleet({ tenants: fleet.tenants, threads: 1 });
    });

    it("GIVEN the program's load balancer names left unfitted WHEN the tenant is validated THEN the file is valid and the names are what the check must catch", () => {
        expect(fleet.problems).toEqual([]);
        expect(loadBalancerName("rule-breaking-tenant-front-door-alb")).toHaveLength(35);
    });

    it("GIVEN the fleet WHEN planned THEN the document has exactly the errors of AWS's rule, at the file and field that caused each, and the stacks are still shown", () => {
        expect(document.errors).toEqual([
            // The platform's settings file: the contract's "file that caused them".
            { file: "platform-configs/eu-west-1.yaml", line: 1, column: 1, path: "/", message: loadBalancerError("platform-eu-west-1", "platform-eu-west-1-front-door-alb") },
            { file: FILE, line: 1, column: 1, path: "/tenant", message: loadBalancerError("rule-breaking-tenant", "rule-breaking-tenant-front-door-alb") },
        ]);
        const plan = document.tenants.find((stack) => stack.tenant === "rule-breaking-tenant");
        expect(plan?.resources.find((resource) => resource.name === "rule-breaking-tenant-front-door-alb")?.inputs.name).toBe("rule-breaking-tenant-front-door-alb");
    });
});
