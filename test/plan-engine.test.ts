import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

import { MODE_TRAITS } from "../lib/modes";

import { loadFixtureFleet } from "./fixtures/fleet";
import { platformFixture } from "./fixtures/platform-configs";
import { SECRET_PLACEHOLDER } from "../lib/plan-document";
import { canonicalJson, planStack, PlanError } from "../scripts/lib/plan/engine";
import { planFleet } from "../scripts/lib/plan/fleet";
import { renderSummary } from "../scripts/lib/plan/summary";

const PLANTED = "PLANTED-s3cr3t-Value-0xC0FFEE";

function provider(name: string): aws.Provider {
    return new aws.Provider(name, { region: "eu-west-1", defaultTags: { tags: { tenant: name, mode: "cloud", "managed-by": "test" } } });
}

describe("the offline plan of the fixture fleet", () => {
    const fleet = loadFixtureFleet();

    it("GIVEN the fixture tenants WHEN validated THEN there is at least one per mode and no problem", () => {
        expect(fleet.problems).toEqual([]);
        expect(new Set(fleet.tenants.map((tenant) => tenant.mode))).toEqual(
            new Set(["saas", "dedicated-saas", "physical", "cloud", "vpn", "vpn-sync"]),
        );
    });

    it("GIVEN every fixture tenant WHEN planned THEN each plans without error, with its provider tagging tenant, mode and managed-by", async () => {
        const document = await planFleet({ tenants: fleet.tenants });
        expect(document.errors).toEqual([]);
        // Each tenant, and right after each dedicated one its recovery environment in its off-site region.
        const production = document.tenants.filter((plan) => plan.recoveryOf === undefined);
        expect(production.map((plan) => plan.tenant).sort()).toEqual(fleet.tenants.map((tenant) => tenant.id).sort());
        const byName = (a: string[], b: string[]): number => a[0]!.localeCompare(b[0]!);
        expect(document.tenants.filter((plan) => plan.recoveryOf !== undefined).map((plan) => [plan.tenant, plan.recoveryOf!, plan.region]).sort(byName)).toEqual(
            fleet.tenants.filter((tenant) => MODE_TRAITS[tenant.mode].network).map((tenant) => [`${tenant.id}-recovery`, tenant.id, tenant.offsiteRegion]).sort(byName),
        );
        for (const plan of production) {
            const providers = plan.resources.filter((resource) => resource.type === "pulumi:providers:aws");
            expect(providers.length, plan.tenant).toBeGreaterThan(0);
            for (const p of providers) {
                expect(p.inputs.defaultTags, plan.tenant).toEqual({
                    tags: expect.objectContaining({ tenant: plan.tenant, mode: plan.mode, "managed-by": expect.any(String) }),
                });
            }
            // Every provider works in the tenant's region, except the one for off-site backup copies.
            const tenant = fleet.tenants.find((candidate) => candidate.id === plan.tenant)!;
            expect(providers.map((p) => p.inputs.region).sort(), plan.tenant).toEqual(
                providers.map((p) => (p.name === `${plan.tenant}-aws-offsite` ? tenant.offsiteRegion : plan.region)).sort(),
            );
            expect(providers.filter((p) => p.inputs.region === plan.region).length, plan.tenant).toBeGreaterThan(0);
            const parameter = plan.resources.find((resource) => resource.type === "aws:ssm/parameter:Parameter");
            expect(parameter?.inputs.name).toBe(`/tenants/${plan.tenant}/settings`);
            expect(JSON.parse(String(parameter?.inputs.insecureValue))).toMatchObject({ tenant: plan.tenant });
        }
    });

    it("GIVEN every fixture tenant and the platforms WHEN planned THEN ids are unique within each stack (the plan contract) and every parent names a resource of the stack", async () => {
        const document = await planFleet({ tenants: fleet.tenants, platformRegions: ["eu-west-1"] });
        for (const plan of document.tenants) {
            const ids = plan.resources.map((resource) => resource.id);
            expect(ids.filter((id, i) => ids.indexOf(id) !== i), plan.tenant).toEqual([]);
            const names = new Set(plan.resources.map((resource) => resource.name));
            expect(plan.resources.filter((resource) => resource.parent !== null && !names.has(resource.parent)).map((resource) => resource.name), plan.tenant).toEqual([]);
        }
        // The network-change rules' targets share one target id: the provider's id joins it to the rule's name.
        const targets = document.tenants.flatMap((plan) => plan.resources).filter((resource) => resource.type === "aws:cloudwatch/eventTarget:EventTarget" && resource.inputs.targetId === "network-changes-to-operations");
        expect(targets.length).toBeGreaterThan(1);
        for (const target of targets) {
            expect(target.id).toBe(`${String(target.inputs.rule)}-network-changes-to-operations`);
        }
    });

    it("GIVEN dedicated tenants WHEN planned THEN each has its own rotating customer-managed keys kept on destroy, and saas has none", async () => {
        const document = await planFleet({ tenants: fleet.tenants });
        for (const plan of document.tenants.filter((candidate) => candidate.recoveryOf === undefined)) {
            const keys = plan.resources.filter((resource) => resource.type === "aws:kms/key:Key");
            if (plan.mode === "saas") {
                expect(keys, plan.tenant).toEqual([]);
                continue;
            }
            // The tenant's own two keys, plus the off-site copies' key where the mode keeps backups.
            const ownKeys = keys.filter((key) => key.parent === `${plan.tenant}-keys`);
            expect(ownKeys.map((key) => key.name).sort(), plan.tenant).toEqual([`${plan.tenant}-keys-backup`, `${plan.tenant}-keys-data`]);
            expect(keys.filter((key) => !ownKeys.includes(key)).map((key) => key.name), plan.tenant).toEqual(
                keys.length > 2 ? [`${plan.tenant}-backup-offsite-key`] : [],
            );
            for (const key of ownKeys) {
                expect(key.inputs.enableKeyRotation).toBe(true);
                expect(key.retainOnDelete).toBe(true);
                expect(key.parent).toBe(`${plan.tenant}-keys`);
                expect(key.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
            }
            const aliases = plan.resources.filter((resource) => resource.type === "aws:kms/alias:Alias");
            expect(aliases.map((alias) => alias.inputs.targetKeyId).sort()).toEqual(keys.map((key) => key.id).sort());
        }
    });

    it("GIVEN the same fleet WHEN planned twice THEN the JSON is byte-identical", async () => {
        const first = canonicalJson(await planFleet({ tenants: fleet.tenants, platformRegions: ["eu-west-1"] }));
        const second = canonicalJson(await planFleet({ tenants: fleet.tenants, platformRegions: ["eu-west-1"] }));
        expect(second).toBe(first);
    });

    it("GIVEN a platform base domain in its settings files WHEN a subdomain tenant is planned THEN its URL comes from the platform stack's outputs", async () => {
        const globex = fleet.tenants.filter((tenant) => tenant.id === "globex");
        const document = await planFleet({ tenants: globex, platformRegions: ["us-east-1"], platforms: platformFixture(["us-east-1"], { baseDomain: "pm.example.org" }) });
        expect(document.errors).toEqual([]);
        const platform = document.tenants.find((plan) => plan.tenant === "platform-us-east-1");
        const tenant = document.tenants.find((plan) => plan.tenant === "globex");
        expect(platform?.outputs.baseDomain).toBe("pm.example.org");
        expect(tenant?.outputs.url).toBe("https://globex.pm.example.org");
        const reference = tenant?.resources.find((resource) => resource.type === "pulumi:pulumi:StackReference");
        expect(reference?.inputs.name).toBe("organization/tenant-platform/platform-us-east-1");
    });
});

describe("planStack", () => {
    it("GIVEN a secret input, output and config value WHEN planned THEN the plan JSON and summary show [secret] and never the value", async () => {
        const { plan, snapshot } = await planStack({
            stack: "secretive",
            region: "eu-west-1",
            config: { directoryPassword: PLANTED },
            secretConfigKeys: ["directoryPassword"],
            program: () => {
                const config = new pulumi.Config();
                const p = provider("secretive");
                const fromConfig = config.requireSecret("directoryPassword");
                new aws.ssm.Parameter("secretive-parameter", { name: "/x", type: "SecureString", value: fromConfig }, { provider: p });
                new aws.ssm.Parameter(
                    "secretive-nested",
                    { name: "/y", type: "String", insecureValue: "plain", tags: { note: pulumi.secret(PLANTED) } },
                    { provider: p },
                );
                return { leaked: pulumi.secret(PLANTED), plain: "visible" };
            },
        });
        const json = canonicalJson(plan);
        expect(json).not.toContain(PLANTED);
        expect(plan.outputs).toEqual({ leaked: SECRET_PLACEHOLDER, plain: "visible" });
        const parameter = plan.resources.find((resource) => resource.name === "secretive-parameter");
        expect(parameter?.inputs.value).toBe(SECRET_PLACEHOLDER);
        const nested = plan.resources.find((resource) => resource.name === "secretive-nested");
        expect(nested?.inputs.tags).toEqual({ note: SECRET_PLACEHOLDER });
        const summary = renderSummary({
            version: 1,
            errors: [],
            tenants: [{ tenant: "secretive", mode: "cloud", region: "eu-west-1", source: "x.yaml", resources: plan.resources, outputs: plan.outputs }],
        });
        expect(summary).not.toContain(PLANTED);
        expect(summary).toContain("output leaked: [secret]");
        // The real value is still available to later stacks' StackReferences, marked secret.
        expect(snapshot.secretOutputNames).toEqual(["leaked"]);
    });

    it("GIVEN two stacks planned one after the other WHEN the first has a registration still in flight THEN it lands in the first plan only", async () => {
        const slow = new Promise<string>((resolve) => setTimeout(() => resolve("late"), 100));
        const { plan: first } = await planStack({
            stack: "tenant-a",
            region: "eu-west-1",
            program: () => {
                const p = provider("tenant-a");
                new aws.ssm.Parameter("tenant-a-late", { name: "/a", type: "String", insecureValue: slow }, { provider: p });
                return {};
            },
        });
        const { plan: second } = await planStack({
            stack: "tenant-b",
            region: "eu-west-1",
            program: () => {
                new aws.ssm.Parameter("tenant-b-param", { name: "/b", type: "String", insecureValue: "b" }, { provider: provider("tenant-b") });
                return {};
            },
        });
        expect(first.resources.map((resource) => resource.name).sort()).toEqual(["tenant-a", "tenant-a-late"]);
        expect(second.resources.map((resource) => resource.name).sort()).toEqual(["tenant-b", "tenant-b-param"]);
        expect(canonicalJson(second)).not.toContain("tenant-a");
    });

    it("GIVEN config set for one stack WHEN the next stack is planned without it THEN the next stack does not see it", async () => {
        let seen: string | undefined = "unset";
        await planStack({ stack: "with-config", region: "eu-west-1", config: { flag: "on" }, program: () => ({}) });
        await planStack({
            stack: "without-config",
            region: "eu-west-1",
            program: () => {
                seen = new pulumi.Config().get("flag");
                return {};
            },
        });
        expect(seen).toBeUndefined();
    });

    it("GIVEN two resources with the same type and name WHEN planned THEN it fails as the real engine would (duplicate URN)", async () => {
        await expect(
            planStack({
                stack: "dupes",
                region: "eu-west-1",
                program: () => {
                    const p = provider("dupes");
                    new aws.sns.Topic("same", {}, { provider: p });
                    new aws.sns.Topic("same", {}, { provider: p });
                    return {};
                },
            }),
        ).rejects.toThrow(/duplicate URNs/);
    });

    it("GIVEN a resource without the stack's provider WHEN planned THEN it fails naming the resource", async () => {
        await expect(
            planStack({
                stack: "untagged",
                region: "eu-west-1",
                program: () => {
                    new aws.sns.Topic("untagged-topic", {});
                    return {};
                },
            }),
        ).rejects.toThrow(/untagged-topic" uses the default AWS provider/);
    });

    it("GIVEN a StackReference to a stack the plan does not know WHEN planned THEN it fails with the name", async () => {
        const error = await planStack({
            stack: "orphan",
            region: "eu-west-1",
            program: () => {
                const ref = new pulumi.StackReference("platform", { name: "organization/tenant-platform/platform-xx-nowhere-1" });
                return { value: ref.getOutput("x") };
            },
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PlanError);
        expect((error as Error).message).toContain("platform-xx-nowhere-1");
    });

    it("GIVEN resources of common types WHEN planned THEN their ids and ARNs are shaped like AWS's", async () => {
        const { plan } = await planStack({
            stack: "shapes",
            region: "eu-west-1",
            program: () => {
                const p = provider("shapes");
                const vpc = new aws.ec2.Vpc("shapes-vpc", { cidrBlock: "10.20.0.0/16" }, { provider: p });
                const subnet = new aws.ec2.Subnet("shapes-subnet", { vpcId: vpc.id, cidrBlock: "10.20.0.0/24" }, { provider: p });
                const topic = new aws.sns.Topic("shapes-topic", {}, { provider: p });
                return { subnetVpc: subnet.vpcId, topicArn: topic.arn, topicName: topic.name };
            },
        });
        const byName = Object.fromEntries(plan.resources.map((resource) => [resource.name, resource]));
        expect(byName["shapes-vpc"]?.id).toMatch(/^vpc-[0-9a-f]{17}$/);
        expect(byName["shapes-subnet"]?.id).toMatch(/^subnet-[0-9a-f]{17}$/);
        expect(byName["shapes-subnet"]?.inputs.vpcId).toBe(byName["shapes-vpc"]?.id);
        expect(plan.outputs.topicName).toMatch(/^shapes-topic-[0-9a-f]{7}$/);
        expect(plan.outputs.topicArn).toBe(`arn:aws:sns:eu-west-1:123456789012:${String(plan.outputs.topicName)}`);
    });
});
