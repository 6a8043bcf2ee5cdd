// A fleet at the contract's limits plans with no error of any kind: 30-character tenant ids (one
// beginning with ELB's reserved "internal-", one with a doubled hyphen), the longest region names
// (14 characters), every mode, production, demo and test, ten servers, BGP at the top of the private
// ASN range. Every planned name is the provider's or a fitted one, and every value passes AWS's rules
// (stacks/config/aws-catalogue.json): the plan's "0 problems" is what AWS would say. Built in code
// from the contract's rules, never from tenant-configs/.
// Not here: a host name over 64 characters (a 63-character subdomain), which ACM refuses as a
// certificate's first name; test/plan-aws-rules.test.ts plans it and expects that error.

import { beforeAll, describe, expect, it } from "vitest";

import { renderTenant } from "../bench/generate";
import { checkAwsRules } from "../scripts/lib/plan/aws-rules";
import { planFleet, PlanDocument } from "../scripts/lib/plan/fleet";
import { REGIONS } from "../stacks/config/regions";
import { Environment, Mode, MODES, TenantDocument } from "../stacks/config/tenant";
import { FleetValidation, validateFleet } from "../stacks/config/validate";

/** The contract's tenant id rule (tenant-yaml.md v1.1). */
const TENANT_ID = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
const LONGEST_REGION = Math.max(...REGIONS.map((region) => region.length));
const [SOUTH_EAST, NORTH_EAST] = ["ap-southeast-5", "ap-northeast-1"];

/** A 30-character id beginning with `prefix`, completed with letters and digits. */
function longId(prefix: string): string {
    return (prefix + "abcdefghijklmnopqrstuvwxyz0123456789").slice(0, 30);
}

interface Spec {
    readonly prefix: string;
    readonly mode: Mode;
    readonly region: string;
    readonly environment: Environment;
    readonly extra?: (id: string) => Partial<TenantDocument>;
}

const VPN_GATEWAY = "81.2.69.142";

const SPECS: readonly Spec[] = [
    { prefix: "saas-production-", mode: "saas", region: SOUTH_EAST, environment: "production" },
    { prefix: "dedicated-saas-production-", mode: "dedicated-saas", region: SOUTH_EAST, environment: "production" },
    { prefix: "dedicated-saas-demo-", mode: "dedicated-saas", region: NORTH_EAST, environment: "demo", extra: (id) => ({ domain: { own: `itm.${id}.example.com` } }) },
    { prefix: "physical-production-", mode: "physical", region: NORTH_EAST, environment: "production", extra: () => ({ network: { cidr: "10.16.0.0/20" } }) },
    { prefix: "physical-demo-", mode: "physical", region: SOUTH_EAST, environment: "demo", extra: () => ({ network: { cidr: "10.16.16.0/20" } }) },
    {
        prefix: "internal-cloud-test-",
        mode: "cloud",
        region: SOUTH_EAST,
        environment: "test",
        extra: () => ({ network: { cidr: "10.16.32.0/20" }, compute: { instanceType: "m6i.large", instances: 10, volumeGiB: 100 }, backup: { offsiteRegion: "ap-northeast-3" } }),
    },
    {
        prefix: "vpn--static-production-",
        mode: "vpn",
        region: NORTH_EAST,
        environment: "production",
        extra: () => ({ network: { cidr: "10.16.48.0/20" }, vpn: { customerGatewayIp: VPN_GATEWAY, corporateCidrs: ["192.168.0.0/16"] } }),
    },
    {
        prefix: "vpn-sync-production-",
        mode: "vpn-sync",
        region: SOUTH_EAST,
        environment: "production",
        extra: (id) => ({
            network: { cidr: "10.16.64.0/20" },
            vpn: { customerGatewayIp: VPN_GATEWAY, bgpAsn: 65534, corporateCidrs: ["172.16.0.0/12", "192.168.10.0/24"] },
            identity: { directoryName: `corp.${id}.example.com`, dnsIps: ["192.168.10.10", "192.168.10.11"], serviceAccount: "svc-itm" },
        }),
    },
];

function documentOf(spec: Spec): TenantDocument {
    const tenant = longId(spec.prefix);
    const document: Record<string, unknown> = { tenant, company: `${tenant} Corporation`, mode: spec.mode, region: spec.region, environment: spec.environment };
    if (spec.mode !== "saas") {
        document.domain = { subdomain: tenant };
    }
    return { ...document, ...spec.extra?.(tenant) } as unknown as TenantDocument;
}

describe("a fleet at the contract's limits", () => {
    const documents = SPECS.map(documentOf);
    let fleet: FleetValidation;
    let document: PlanDocument;

    beforeAll(async () => {
        fleet = validateFleet(documents.map((tenant) => ({ file: `${tenant.tenant}.yaml`, bytes: Buffer.from(renderTenant(tenant)) })));
        // One thread: the test machine is shared.
        document = await planFleet({ tenants: fleet.tenants, platformRegions: [SOUTH_EAST, NORTH_EAST], config: { directoryLinkVerified: "true" }, threads: 1 });
    });

    it("GIVEN the specs WHEN built THEN every id is 30 characters of the contract's rule, the regions are the longest, every mode and environment is there", () => {
        for (const tenant of documents) {
            expect(tenant.tenant).toHaveLength(30);
            expect(tenant.tenant).toMatch(TENANT_ID);
        }
        expect(SOUTH_EAST).toHaveLength(LONGEST_REGION);
        expect(NORTH_EAST).toHaveLength(LONGEST_REGION);
        expect(LONGEST_REGION).toBe(14);
        expect(new Set(documents.map((tenant) => tenant.mode))).toEqual(new Set(MODES));
        expect(new Set(documents.map((tenant) => tenant.environment))).toEqual(new Set(["production", "demo", "test"]));
    });

    it("GIVEN the files WHEN validated together THEN there is no problem", () => {
        expect(fleet.problems).toEqual([]);
        expect(fleet.tenants).toHaveLength(SPECS.length);
    });

    it("GIVEN the fleet and its platform stacks WHEN planned THEN the document has no error: no name too long for the provider, no value AWS refuses", () => {
        expect(document.errors).toEqual([]);
        expect(document.tenants.map((plan) => plan.tenant).sort()).toEqual(
            [...documents.map((tenant) => tenant.tenant), `platform-${NORTH_EAST}`, `platform-${SOUTH_EAST}`].sort(),
        );
        for (const plan of document.tenants) {
            expect(plan.resources.length, plan.tenant).toBeGreaterThan(0);
            // The same check the plan made, repeated here so that a check left out of the plan is caught.
            expect(checkAwsRules(plan.resources), plan.tenant).toEqual([]);
        }
    });

    it("GIVEN the planned names WHEN read THEN load balancers and target groups fit ELB's 32 characters and vaults AWS Backup's 50, none beginning with internal-", () => {
        const names = (type: string) => document.tenants.flatMap((plan) => plan.resources.filter((resource) => resource.type === type).map((resource) => String(resource.inputs.name)));
        const loadBalancers = names("aws:lb/loadBalancer:LoadBalancer");
        const targetGroups = names("aws:lb/targetGroup:TargetGroup");
        const vaults = names("aws:backup/vault:Vault");
        // Each platform and each tenant with a network has its own door; a dedicated-saas tenant has a
        // target group on its platform's; every stack but a saas tenant's has a home and an off-site vault.
        const count = (...modes: Mode[]) => SPECS.filter((spec) => modes.includes(spec.mode)).length;
        const withNetwork = count("physical", "cloud", "vpn", "vpn-sync");
        expect(loadBalancers).toHaveLength(2 + withNetwork);
        expect(targetGroups).toHaveLength(2 + withNetwork + count("dedicated-saas"));
        expect(vaults).toHaveLength(2 * (2 + SPECS.length - count("saas")));
        for (const name of [...loadBalancers, ...targetGroups]) {
            expect(name.length, name).toBeLessThanOrEqual(32);
        }
        for (const name of vaults) {
            expect(name.length, name).toBeLessThanOrEqual(50);
        }
        expect(loadBalancers.filter((name) => name.startsWith("internal-"))).toEqual([]);
    });
});
