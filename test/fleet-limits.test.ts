// A fleet at the contract's limits plans with no error of any kind: 30-character tenant ids (one
// beginning with ELB's reserved "internal-", one with a doubled hyphen, others with the prefixes EC2
// reserves for security groups, "sg-", and S3 for buckets, "xn--", "sthree-", "amzn-s3-demo-"), the
// longest region names (14 characters), every mode, production, demo and test, ten servers, BGP at
// the top of the private ASN range, host names longer than a certificate's first name may be (a
// 63-character subdomain, a 200-character own domain). Every planned name is the provider's or a
// fitted one, and every value passes AWS's rules (stacks/config/aws-catalogue.json): the plan's
// "0 problems" is what AWS would say. Built in code from the contract's rules, never from tenant-configs/.

import { beforeAll, describe, expect, it } from "vitest";

import { platformFixture } from "./fixtures/platform-configs";
import { renderTenant } from "../bench/generate";
import { firstNameFor } from "../components/domain-certificate";
import { checkAwsRules } from "../scripts/lib/plan/aws-rules";
import { homeRegionOf, planFleet, PlanDocument } from "../scripts/lib/plan/fleet";
import { REGIONS } from "../lib/regions";
import { Environment, TenantDocument } from "../stacks/config/tenant";
import { Mode, MODE_TRAITS, MODES } from "../lib/modes";
import { FleetValidation, validateFleet } from "../stacks/config/validate";
import { quotasRaised } from "./helpers";

/**
 * The contract's limits put more dedicated-cloud tenants in a region than the default quotas hold: an
 * account granted them, and that enabled ap-southeast-5 (Malaysia, an opt-in region) for its tenants there.
 */
const ROOMY = quotasRaised({ vpcs: 50, internetGateways: 50, vpnGateways: 50 }, ["ap-southeast-5"]);

/** The contract's tenant id rule (tenant-yaml.md v1.1). */
const TENANT_ID = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
const LONGEST_REGION = Math.max(...REGIONS.map((region) => region.length));
const [SOUTH_EAST, NORTH_EAST] = ["ap-southeast-5", "ap-northeast-1"];
/** The platforms planned: the tenants' regions' and the home region's, which owns the account's zone and trail. */
const PLATFORMS = [...new Set([SOUTH_EAST, NORTH_EAST, homeRegionOf({ settings: new Map() })])].map((region) => `platform-${region}`);

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
const BASE_DOMAIN = "itm.example.net";
/** 63-character subdomains (one DNS label, the contract's longest): 79-character host names. */
const LONG_LABEL = `l${"x".repeat(61)}l`;
const OTHER_LONG_LABEL = `m${"x".repeat(61)}m`;
/** 200-character own domains, in labels of at most 63. */
const longOwn = (first: string): string => `${first}${"a".repeat(62)}.${"b".repeat(60)}.${"c".repeat(63)}.example.com`;

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
            identity: { directoryName: `corp.${id}.example.com`, dnsIps: ["192.168.10.10", "192.168.10.11"], serviceAccount: "svc-itm", connect: true },
        }),
    },
    { prefix: "sg-cloud-", mode: "cloud", region: SOUTH_EAST, environment: "production", extra: () => ({ network: { cidr: "10.16.80.0/20" }, domain: { subdomain: LONG_LABEL } }) },
    { prefix: "sg-dedicated-saas-", mode: "dedicated-saas", region: NORTH_EAST, environment: "production", extra: () => ({ domain: { subdomain: OTHER_LONG_LABEL } }) },
    { prefix: "xn--dedicated-saas-", mode: "dedicated-saas", region: SOUTH_EAST, environment: "test", extra: () => ({ domain: { own: longOwn("x") } }) },
    {
        prefix: "sthree-vpn-",
        mode: "vpn",
        region: SOUTH_EAST,
        environment: "production",
        extra: () => ({ network: { cidr: "10.16.96.0/20" }, domain: { own: longOwn("y") }, vpn: { customerGatewayIp: VPN_GATEWAY, corporateCidrs: ["192.168.0.0/16"] } }),
    },
    { prefix: "amzn-s3-demo-physical-", mode: "physical", region: NORTH_EAST, environment: "demo", extra: () => ({ network: { cidr: "10.16.112.0/20" } }) },
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
        document = await planFleet({ tenants: fleet.tenants, platformRegions: [SOUTH_EAST, NORTH_EAST], platforms: platformFixture([SOUTH_EAST, NORTH_EAST]), threads: 1, quotas: ROOMY });
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
        // Each tenant with a network of its own has its recovery stack, named `<id>-recovery`.
        expect(document.tenants.map((plan) => plan.tenant).sort()).toEqual(
            // Each dedicated tenant and each platform with its recovery environment.
            [
                ...documents.map((tenant) => tenant.tenant),
                ...documents.filter((tenant) => MODE_TRAITS[tenant.mode].network).map((tenant) => `${tenant.tenant}-recovery`),
                ...PLATFORMS,
                ...PLATFORMS.map((platform) => `${platform}-recovery`),
            ].sort(),
        );
        for (const plan of document.tenants) {
            expect(plan.resources.length, plan.tenant).toBeGreaterThan(0);
            // The same check the plan made, repeated here so that a check left out of the plan is caught.
            expect(checkAwsRules(plan.resources), plan.tenant).toEqual([]);
        }
    });

    it("GIVEN the recovery stacks active and restored into WHEN planned THEN no name is too long either", async () => {
        // An EC2 instance id is also a valid RDS identifier: one value for every mode.
        const active = await planFleet({
            tenants: fleet.tenants.filter((tenant) => MODE_TRAITS[tenant.mode].network),
            platforms: platformFixture([SOUTH_EAST, NORTH_EAST]),
            threads: 1,
            quotas: ROOMY,
            config: { recoveryActive: "true", restoredDatabase: "i-0123456789abcdef0", recoveryRedirect: "true" },
        });
        expect(active.errors).toEqual([]);
        const recoveries = active.tenants.filter((plan) => plan.recoveryOf !== undefined);
        expect(recoveries.length).toBeGreaterThan(0);
        for (const plan of recoveries) {
            expect(plan.resources.filter((resource) => resource.type === "aws:backup/plan:Plan").length, plan.tenant).toBeGreaterThan(0);
            expect(checkAwsRules(plan.resources), plan.tenant).toEqual([]);
        }
    });

    it("GIVEN the planned names WHEN read THEN load balancers and target groups fit ELB's 32 characters and vaults AWS Backup's 50, none beginning with internal-", () => {
        const names = (type: string) => document.tenants.flatMap((plan) => plan.resources.filter((resource) => resource.type === type).map((resource) => String(resource.inputs.name)));
        const loadBalancers = names("aws:lb/loadBalancer:LoadBalancer");
        const targetGroups = names("aws:lb/targetGroup:TargetGroup");
        const vaults = names("aws:backup/vault:Vault");
        // Each platform, each tenant with a network and each dedicated-saas tenant has its own door (a
        // load balancer and a target group); every stack but a saas tenant's has a home and an off-site vault.
        const count = (...modes: Mode[]) => SPECS.filter((spec) => modes.includes(spec.mode)).length;
        const withNetwork = count("physical", "cloud", "vpn", "vpn-sync");
        expect(loadBalancers).toHaveLength(PLATFORMS.length + withNetwork + count("dedicated-saas"));
        expect(targetGroups).toHaveLength(PLATFORMS.length + withNetwork + count("dedicated-saas"));
        expect(vaults).toHaveLength(2 * (PLATFORMS.length + SPECS.length - count("saas")));
        for (const name of [...loadBalancers, ...targetGroups]) {
            expect(name.length, name).toBeLessThanOrEqual(32);
        }
        for (const name of vaults) {
            expect(name.length, name).toBeLessThanOrEqual(50);
        }
        expect(loadBalancers.filter((name) => name.startsWith("internal-"))).toEqual([]);
    });

    it("GIVEN ids beginning with a prefix AWS reserves WHEN planned THEN their security groups and buckets are named t-<name>-<hash>, and ids without one keep the provider's names", () => {
        const named = (type: string, property: string) =>
            document.tenants.flatMap((plan) => plan.resources.filter((resource) => resource.type === type).map((resource) => ({ tenant: plan.tenant, logical: resource.name, name: String(resource.inputs[property]) })));
        const groups = named("aws:ec2/securityGroup:SecurityGroup", "name");
        const buckets = named("aws:s3/bucket:Bucket", "bucket");
        const reserved = (name: string, prefixes: readonly string[]) => prefixes.some((prefix) => name.startsWith(prefix));
        expect(groups.filter((group) => group.tenant.startsWith("sg-")).length).toBeGreaterThan(0);
        expect(buckets.filter((bucket) => reserved(bucket.tenant, ["xn--", "sthree-", "amzn-s3-demo-"])).length).toBeGreaterThan(0);
        for (const { tenant, name } of groups) {
            expect(name.startsWith("sg-"), name).toBe(false);
            expect(name, tenant).toMatch(tenant.startsWith("sg-") ? /^t-sg-.*-[0-9a-f]{8}$/ : /-[0-9a-f]{7}$/);
        }
        // By the resource's name: a platform recovery holds its dedicated-saas tenants' buckets (`<tenant>-files`).
        for (const { logical, name } of buckets) {
            expect(reserved(name, ["xn--", "sthree-", "amzn-s3-demo-"]), name).toBe(false);
            expect(name, logical).toMatch(reserved(logical, ["xn--", "sthree-", "amzn-s3-demo-"]) ? /^t-.*-[0-9a-f]{8}$/ : /-[0-9a-f]{7}$/);
        }
    });

    it("GIVEN host names over 64 characters WHEN planned THEN each certificate's first name is the platform's short name, the host name its SAN, and every name has its validation record", () => {
        const plan = (prefix: string) => document.tenants.find((stack) => stack.tenant === longId(prefix))!;
        const resource = (stack: ReturnType<typeof plan>, suffix: string) => stack.resources.find((candidate) => candidate.name === `${stack.tenant}-front-door${suffix}`)!;
        const validationName = (record: { inputs: Record<string, unknown> }) => String(record.inputs.name);

        for (const [prefix, host] of [
            ["sg-cloud-", `${LONG_LABEL}.${BASE_DOMAIN}`],
            ["sg-dedicated-saas-", `${OTHER_LONG_LABEL}.${BASE_DOMAIN}`],
        ] as const) {
            const stack = plan(prefix);
            expect(host.length).toBe(79);
            expect(resource(stack, "-cert").inputs).toMatchObject({ domainName: firstNameFor(host, BASE_DOMAIN), subjectAlternativeNames: [host] });
            const hostRecord = resource(stack, "-cert-validation");
            const firstRecord = resource(stack, "-cert-first-name-validation");
            expect(validationName(hostRecord)).toMatch(new RegExp(`^_[0-9a-f]{32}\\.${host.replace(/\./g, "\\.")}\\.$`));
            expect(validationName(firstRecord).endsWith(`.${firstNameFor(host, BASE_DOMAIN)}.`)).toBe(true);
            expect(hostRecord.inputs.zoneId).toBe(firstRecord.inputs.zoneId);
            expect(resource(stack, "-cert-validated").inputs.validationRecordFqdns).toEqual([validationName(hostRecord), validationName(firstRecord)].map((name) => name.replace(/\.$/, "")));
            expect(stack.outputs.customerDnsRecords ?? []).toEqual([]);
        }

        for (const [prefix, host] of [
            ["xn--dedicated-saas-", longOwn("x")],
            ["sthree-vpn-", longOwn("y")],
        ] as const) {
            const stack = plan(prefix);
            expect(host).toHaveLength(200);
            expect(resource(stack, "-cert").inputs).toMatchObject({ domainName: firstNameFor(host, BASE_DOMAIN), subjectAlternativeNames: [host] });
            expect(resource(stack, "-cert-validation")).toBeUndefined();
            expect(validationName(resource(stack, "-cert-first-name-validation")).endsWith(`.${firstNameFor(host, BASE_DOMAIN)}.`)).toBe(true);
            const customer = stack.outputs.customerDnsRecords as { name: string; value: string }[];
            expect(customer.map((record) => record.name)).toEqual([expect.stringMatching(new RegExp(`^_[0-9a-f]{32}\\.${host.replace(/\./g, "\\.")}$`)), host]);
        }
    });
});
