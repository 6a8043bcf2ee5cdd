// tenant-isolation-markers judges references, not words (issue 13: a tenant called `new` made the
// plan exit 3 on every physical tenant, whose database setup script runs `openssl req -new`). A
// fixture fleet of every mode is planned in-process; every word of every string it registers
// (scripts, SSM documents, policies, descriptions, names) that could be a tenant id becomes a
// tenant of the fleet: a few planned for real (their markers, hosts and names in the fleet), the
// rest by id. No stack may then mention any of them; another tenant's real references still do.

import { beforeAll, describe, expect, it } from "vitest";

import { findingsOf } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { disallowOtherTenantMarkers } from "../../policy/rules/operations/disallowOtherTenantMarkers";
import { Finding, PolicySettings, PolicyStack } from "../../policy/rules/types";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { isReservedTenantId } from "../../lib/platform";
import { resolveTenant, TenantDocument } from "../../stacks/config/tenant";
import { stackOf } from "../graph";
import { quotasRaised } from "../helpers";

const REGION = "eu-west-1";
/** A fleet of every mode twice in one region: an account granted the VPCs it needs. */
const ROOMY = quotasRaised({ vpcs: 20, internetGateways: 20, vpnGateways: 20 });
/** The tenant id pattern of the contract (tenant-yaml.md). */
const TENANT_ID = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;

function docsOf(ids: { saas: string; subdomain: string; own: string; physical: string; cloud: string; vpn: string; sync: string }, octet: number): TenantDocument[] {
    return [
        { tenant: ids.saas, company: `${ids.saas} Co`, mode: "saas", region: REGION },
        { tenant: ids.subdomain, company: `${ids.subdomain} Co`, mode: "dedicated-saas", region: REGION, domain: { subdomain: ids.subdomain } },
        { tenant: ids.own, company: `${ids.own} Co`, mode: "dedicated-saas", region: REGION, domain: { own: `pm.${ids.own}.example` } },
        { tenant: ids.physical, company: `${ids.physical} Co`, mode: "physical", region: REGION, domain: { own: `pm.${ids.physical}.example` }, network: { cidr: `10.${octet}.0.0/16` } },
        { tenant: ids.cloud, company: `${ids.cloud} Co`, mode: "cloud", region: REGION, domain: { subdomain: ids.cloud }, network: { cidr: `10.${octet + 1}.0.0/16` } },
        {
            tenant: ids.vpn,
            company: `${ids.vpn} Co`,
            mode: "vpn",
            region: REGION,
            domain: { subdomain: ids.vpn },
            network: { cidr: `10.${octet + 2}.0.0/16` },
            vpn: { customerGatewayIp: `81.2.69.${octet}`, corporateCidrs: [`192.168.${octet}.0/24`] },
        },
        {
            tenant: ids.sync,
            company: `${ids.sync} Co`,
            mode: "vpn-sync",
            region: REGION,
            domain: { own: `itm.${ids.sync}.example` },
            network: { cidr: `10.${octet + 3}.0.0/16` },
            vpn: { customerGatewayIp: `93.184.216.${octet}`, corporateCidrs: [`172.16.${octet}.0/24`] },
            identity: { directoryName: `corp.${ids.sync}.example`, dnsIps: [`172.16.${octet}.10`, `172.16.${octet}.11`], serviceAccount: "svc-itm" },
        },
    ];
}

const FIXTURE_IDS = { saas: "solo", subdomain: "stark", own: "wayne", physical: "vault", cloud: "cloudy", vpn: "hooli", sync: "umbrella" };
/**
 * The words planned as tenants of their own, one per mode, chosen for what they collide with:
 * `new` (openssl's flag in the database setup script), `aws` (AWS-RunShellScript, /aws/ log
 * groups), `cloud` (cloud-watch-logs), `database` (backup rule names, RDS names), `tenants`, `data`
 * and `vpc` (an id prefix, /vpc/flow-logs/). Each must be a word of the planned fleet.
 */
const WORD_IDS = { saas: "tenants", subdomain: "aws", own: "data", physical: "new", cloud: "cloud", vpn: "database", sync: "vpc" };

let fixtures: PlanDocument;
let words: string[];
let fleet: PlanDocument;

/** Every string of a value, JSON documents inside strings included (their text is split anyway). */
function stringsIn(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(stringsIn);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value as Record<string, unknown>).flatMap(stringsIn);
    }
    return [];
}

/** The words of a text that are valid tenant ids: hyphenated runs (`get-secret-value`) and their parts. */
function wordsOf(text: string): string[] {
    return text
        .toLowerCase()
        .split(/[^a-z0-9-]+/)
        .flatMap((run) => [run, ...run.split("-"), ...run.split("-").flatMap((_, i, parts) => (i + 1 < parts.length ? [`${parts[i]}-${parts[i + 1]}`] : []))])
        .filter((word) => TENANT_ID.test(word));
}

beforeAll(async () => {
    fixtures = await planFleet({ tenants: docsOf(FIXTURE_IDS, 40).map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`)), platformRegions: [REGION], quotas: ROOMY });
    expect(fixtures.errors).toEqual([]);
    const own = new Set<string>(Object.values(FIXTURE_IDS));
    words = [...new Set(fixtures.tenants.flatMap((plan) => plan.resources.flatMap((resource) => stringsIn(resource.inputs).flatMap(wordsOf))))]
        .filter((word) => !own.has(word) && !isReservedTenantId(word))
        .sort();
    const planned = await planFleet({ tenants: docsOf(WORD_IDS, 60).map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`)), quotas: ROOMY });
    expect(planned.errors).toEqual([]);
    fleet = { ...fixtures, tenants: [...fixtures.tenants, ...planned.tenants.filter((plan) => plan.mode !== "platform")] };
});

/** The settings of the fleet, plus every other word as a tenant known by id only. */
function settingsOf(plan: TenantPlan): PolicySettings {
    const settings = settingsFor(plan, fleet);
    const planned = new Set(fleet.tenants.map((candidate) => candidate.tenant));
    return { ...settings, otherTenants: [...settings.otherTenants, ...words.filter((word) => !planned.has(word)).map((tenant) => ({ tenant, markers: [] }))] };
}

function findings(plan: TenantPlan, stack: PolicyStack = stackFromPlan(plan)): Finding[] {
    return findingsOf(disallowOtherTenantMarkers, stack, settingsOf(plan));
}

describe("tenant-isolation-markers: tenants named after the program's own words", () => {
    it("GIVEN the words of every script and document of every mode WHEN listed THEN they are many and hold the ones that broke the plan", () => {
        expect(words.length).toBeGreaterThan(300);
        expect(words).toEqual(expect.arrayContaining(Object.values(WORD_IDS)));
        const script = stackOf(fixtures, "vault").resources.flatMap((resource) => stringsIn(resource.inputs)).find((text) => text.includes("openssl req -new"));
        expect(script).toBeDefined();
    });

    it("GIVEN a fleet whose tenants are named after those words WHEN every tenant's stack is checked THEN none mentions another", () => {
        const tenants = fleet.tenants.filter((plan) => plan.mode !== "platform");
        // The 14 tenants, and the recovery stack of each dedicated one.
        expect(tenants.filter((plan) => plan.recoveryOf === undefined)).toHaveLength(14);
        expect(tenants.filter((plan) => plan.recoveryOf !== undefined).length).toBeGreaterThan(0);
        for (const plan of tenants) {
            expect(findings(plan), plan.tenant).toEqual([]);
        }
    });

    it("GIVEN the same fleet WHEN a stack refers to a word-named tenant's key, bucket, VPC, CIDR, host, prefix or name THEN each is still reported", () => {
        const vault = stackOf(fleet, "vault");
        const victim = stackOf(fleet, "new");
        const key = victim.resources.find((resource) => resource.type === "aws:kms/key:Key")!;
        const bucket = victim.resources.find((resource) => resource.type === "aws:s3/bucket:Bucket")!;
        const vpc = victim.resources.find((resource) => resource.type === "aws:ec2/vpc:Vpc")!;
        const role = victim.resources.find((resource) => resource.type === "aws:iam/role:Role")!;
        const secret = victim.resources.find((resource) => resource.type === "aws:secretsmanager/secret:Secret")!;
        const stack = stackFromPlan(vault);
        const log = stack.resources.find((resource) => resource.type === "aws:ec2/flowLog:FlowLog")!;
        const tampered: PolicyStack = {
            ...stack,
            resources: stack.resources.map((resource) =>
                resource !== log
                    ? resource
                    : {
                          ...resource,
                          props: {
                              ...resource.props,
                              vpcId: vpc.id,
                              description: `aws kms decrypt --key-id ${key.id} && aws s3 cp s3://${bucket.id}/dump - && curl https://pm.new.example/ && ls tenants/new/ # allow 10.60.0.0/16`,
                              logGroupName: "new-network-flow-logs",
                          },
                      },
            ),
        };
        expect(findings(vault, tampered).map((finding) => finding.message)).toEqual([
            `vpcId mentions tenant "new" (its marker ${vpc.id})`,
            `description mentions tenant "new" (its marker ${key.id})`,
            `logGroupName mentions tenant "new" (its id)`,
        ]);
        // One message per property and tenant: the first reference found names it; each kind alone is caught.
        for (const [text, how] of [
            [`s3://${bucket.id}/dump`, `its marker ${bucket.id}`],
            ["curl https://pm.new.example/", "its host name pm.new.example"],
            ["ls tenants/new/", "its id, in tenants/new/"],
            ["allow 10.60.0.0/16", "its marker 10.60.0.0/16"],
            [`aws sts assume-role --role-arn arn:aws:iam::123456789012:role/${role.id} --role-session-name x`, `its marker ${role.id}`],
            [`aws secretsmanager get-secret-value --secret-id ${secret.id}`, `its marker ${secret.id}`],
        ]) {
            const one: PolicyStack = { ...stack, resources: stack.resources.map((resource) => (resource !== log ? resource : { ...resource, props: { ...resource.props, description: text } })) };
            expect(findings(vault, one), text).toEqual([{ resource: log.name, message: `description mentions tenant "new" (${how})` }]);
        }
    });
});
