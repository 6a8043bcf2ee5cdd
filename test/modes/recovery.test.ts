// The recovery environment of dedicated tenants (stacks/recovery.ts), on the graph the offline plan
// registers: idle (ready and cheap), active (the same promises as production, in the off-site
// region), the drill's copy (never DNS), and the plan document's recovery entries.

import { beforeAll, describe, expect, it } from "vitest";

import { planStack, qualifiedStackName } from "../../scripts/lib/plan/engine";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { platformProgram } from "../../stacks";
import { recoveryProgram } from "../../stacks/recovery";
import { resolveTenant, Tenant, TenantDocument } from "../../stacks/config/tenant";
import { validateTenantFile } from "../../stacks/config/validate";
import { drillStackName, recoveryOf, recoveryStackName, recoveryTargetOf } from "../../lib/platform";
import { platformFixture } from "../fixtures/platform-configs";
import { evaluate } from "../../policy/rules/evaluate";
import { restoreTestingProblems } from "../../components/restore-testing";
import { appServersProblems } from "../../components/app-servers";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { enforceBackupPromise } from "../../policy/rules/operations/enforceBackupPromise";
import { byId, interfacesOf, ofType, stackOf, strings, T } from "../graph";

const DOCS: Record<string, TenantDocument> = {
    acme: { tenant: "acme", company: "ACME", mode: "cloud", region: "eu-west-1", domain: { subdomain: "acme" }, network: { cidr: "10.20.0.0/16" } },
    initech: {
        tenant: "initech",
        company: "Initech",
        mode: "vpn",
        region: "eu-west-1",
        domain: { own: "pm.initech.com" },
        network: { cidr: "172.20.0.0/20" },
        vpn: { customerGatewayIp: "85.214.132.117", corporateCidrs: ["192.168.0.0/16"] },
    },
    vault: { tenant: "vault", company: "Vault AG", mode: "physical", region: "eu-west-1", domain: { subdomain: "vault" }, network: { cidr: "10.30.0.0/16" } },
};
const tenants: Tenant[] = Object.values(DOCS).map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const RESTORE_TESTING_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan";
const RESTORE_TESTING_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection";

let idle: PlanDocument;
let active: PlanDocument;

beforeAll(async () => {
    idle = await planFleet({ tenants });
    active = await planFleet({ tenants: tenants.filter((tenant) => tenant.mode !== "physical"), config: { recoveryActive: "true", restoredDatabase: "restored-db-1", recoveryRedirect: "true" } });
    // Physical: the restored database is the database server's EC2 instance.
    const physical = await planFleet({ tenants: tenants.filter((tenant) => tenant.mode === "physical"), config: { recoveryActive: "true", restoredDatabase: "i-0123456789abcdef0", recoveryRedirect: "true" } });
    active = { ...active, tenants: [...active.tenants, ...physical.tenants], errors: [...active.errors, ...physical.errors] };
    expect(idle.errors).toEqual([]);
    expect(active.errors).toEqual([]);
});

const recovery = (document: PlanDocument, id: string): TenantPlan => stackOf(document, recoveryStackName(id));
const IDS = Object.keys(DOCS).map((id) => [id] as const);

describe("the plan document", () => {
    it("GIVEN dedicated tenants WHEN planned THEN each recovery stack follows its tenant, in the off-site region, with recoveryOf", () => {
        expect(idle.tenants.filter((plan) => plan.mode !== "platform").map((plan) => [plan.tenant, plan.recoveryOf, plan.region])).toEqual([
            ["acme", undefined, "eu-west-1"],
            ["acme-recovery", "acme", tenants[0]!.offsiteRegion],
            ["initech", undefined, "eu-west-1"],
            ["initech-recovery", "initech", tenants[1]!.offsiteRegion],
            ["vault", undefined, "eu-west-1"],
            ["vault-recovery", "vault", tenants[2]!.offsiteRegion],
        ]);
        expect(tenants[0]!.offsiteRegion).not.toBe("eu-west-1");
        expect(recovery(idle, "acme").source).toBe("fixtures/acme.yaml");
    });

    it("GIVEN a saas tenant WHEN planned THEN it has no recovery stack of its own", async () => {
        const saas = resolveTenant({ tenant: "small", company: "Small", mode: "saas", region: "eu-west-1" } as TenantDocument, "fixtures/small.yaml");
        const document = await planFleet({ tenants: [saas] });
        expect(document.tenants.map((plan) => plan.tenant)).not.toContain("small-recovery");
    });
});

describe("idle (recoveryActive false, the default)", () => {
    it.each(IDS)("GIVEN %s WHEN idle THEN no instance, database, load balancer nor Dedicated Host, but network, keys, launch template and restore landing", (id) => {
        const plan = recovery(idle, id);
        for (const type of [T.instance, T.rds, T.loadBalancer, T.dedicatedHost]) {
            expect(ofType(plan, type), type).toEqual([]);
        }
        // DNS: only the validation of its check name's certificate (ready for an activation), no name yet.
        expect(ofType(plan, T.record).map((record) => record.inputs.type)).toEqual(["CNAME"]);
        expect(ofType(plan, "aws:ec2/vpc:Vpc")).toHaveLength(1);
        expect(ofType(plan, T.kmsKey).length).toBeGreaterThanOrEqual(2);
        expect(ofType(plan, LAUNCH_TEMPLATE)).toHaveLength(1);
        expect(ofType(plan, "aws:rds/subnetGroup:SubnetGroup")).toHaveLength(1);
        expect(plan.outputs.recoveryActive).toBe(false);
        expect(plan.outputs.url).toBeUndefined();
        // Nothing billed by the hour that only running servers need.
        expect(ofType(plan, T.vpcEndpoint).filter((endpoint) => endpoint.inputs.vpcEndpointType === "Interface")).toEqual([]);
        expect(ofType(recovery(active, id), T.vpcEndpoint).filter((endpoint) => endpoint.inputs.vpcEndpointType === "Interface").length).toBeGreaterThan(0);
    });

    it.each(IDS)("GIVEN %s WHEN idle THEN its launch template boots two interfaces, access and administration, on volumes encrypted with the off-site region's key", (id) => {
        const plan = recovery(idle, id);
        const template = ofType(plan, LAUNCH_TEMPLATE)[0]!;
        const nics = template.inputs.networkInterfaces as { deviceIndex: number; subnetId: string; securityGroups: string[] }[];
        expect(nics.map((nic) => nic.deviceIndex)).toEqual([0, 1]);
        expect(nics.map((nic) => byId(plan, nic.subnetId)?.inputs.tags)).toEqual([expect.objectContaining({ tier: "access" }), expect.objectContaining({ tier: "admin" })]);
        const devices = template.inputs.blockDeviceMappings as { ebs: { encrypted: string; kmsKeyId: string } }[];
        expect(devices.length).toBe(2);
        for (const device of devices) {
            expect(device.ebs.encrypted).toBe("true");
            const key = byId(plan, device.ebs.kmsKeyId) ?? ofType(plan, T.kmsKey).find((candidate) => strings(candidate).includes(device.ebs.kmsKeyId));
            expect(device.ebs.kmsKeyId).toMatch(new RegExp(`^arn:aws:kms:${plan.region}:`));
            expect(key === undefined || key.type === T.kmsKey).toBe(true);
        }
        expect(template.inputs.metadataOptions).toMatchObject({ httpTokens: "required" });
    });

    it.each(IDS)("GIVEN %s WHEN idle THEN restore testing restores production's off-site copies monthly into the recovery network", (id) => {
        const plan = recovery(idle, id);
        const [testing] = ofType(plan, RESTORE_TESTING_PLAN);
        expect(testing!.inputs.name).toMatch(/^[a-zA-Z0-9_]{1,50}$/);
        const selection = testing!.inputs.recoveryPointSelection as { algorithm: string; includeVaults: string[]; selectionWindowDays: number };
        expect(selection.algorithm).toBe("LATEST_WITHIN_WINDOW");
        expect(selection.includeVaults).toEqual([expect.stringMatching(new RegExp(`^arn:aws:backup:${plan.region}:\\d{12}:backup-vault:${id}-backup-offsite-vault$`))]);
        // Production's off-site vault is the one production copies to.
        expect(stackOf(idle, id).outputs.offsiteBackupVaultArn).toBe(selection.includeVaults[0]);
        const selections = ofType(plan, RESTORE_TESTING_SELECTION);
        const database = DOCS[id]!.mode === "physical" ? "EC2" : "RDS";
        expect(selections.map((s) => s.inputs.protectedResourceType).sort()).toEqual([database, "S3"].sort());
        const landing = plan.outputs.restoreTarget as { dbSubnetGroupName: string; securityGroupIds: string[] };
        const overrides = selections.find((s) => s.inputs.protectedResourceType === database)!.inputs.restoreMetadataOverrides as Record<string, string>;
        if (database === "RDS") {
            expect(overrides).toEqual({ dbSubnetGroupName: landing.dbSubnetGroupName, vpcSecurityGroupIds: JSON.stringify(landing.securityGroupIds) });
        } else {
            expect(byId(plan, overrides.subnetId)?.inputs.tags).toMatchObject({ tier: "data" });
        }
        for (const s of selections) {
            expect(s.inputs.iamRoleArn).toBe(plan.outputs.restoreRoleArn);
            expect(s.inputs.name).toMatch(/^[a-zA-Z0-9_]{1,50}$/);
        }
    });

    it("GIVEN a vpn tenant WHEN idle THEN its recovery tunnels exist, their keys exported only as secrets", () => {
        const plan = recovery(idle, "initech");
        expect(ofType(plan, T.vpnConnection)).toHaveLength(1);
        expect(ofType(plan, T.customerGateway)[0]!.inputs.ipAddress).toBe("85.214.132.117");
        expect(plan.outputs.vpnTunnels).toBeDefined();
        expect(plan.outputs.vpnPresharedKeys).toBe("[secret]");
    });

    it("GIVEN the outputs WHEN read as dr reads them THEN they have the shape of RecoveryOutputs", async () => {
        const { readRecoveryOutputs } = await import("../../scripts/lib/dr/outputs");
        const plan = recovery(idle, "acme");
        expect(readRecoveryOutputs("acme-recovery", JSON.stringify(plan.outputs))).toMatchObject({ recoveryActive: false, serverImage: expect.any(String) });
        const production = stackOf(idle, "acme");
        const { readProductionOutputs } = await import("../../scripts/lib/dr/outputs");
        expect(readProductionOutputs("acme", JSON.stringify(production.outputs)).serverImage).toBe(plan.outputs.serverImage);
    });
});

describe("active (recoveryActive true)", () => {
    it.each(IDS)("GIVEN %s WHEN active THEN its servers have two interfaces, access and administration, and volumes under the off-site key", (id) => {
        const plan = recovery(active, id);
        const instances = ofType(plan, T.instance);
        // As many servers as production, where production's database runs on RDS (physical: its database server too).
        expect(instances).toHaveLength(ofType(stackOf(active, id), T.instance).length - (DOCS[id]!.mode === "physical" ? 1 : 0));
        for (const instance of instances) {
            expect(interfacesOf(plan, instance).map((nic) => [nic.deviceIndex, nic.tier])).toEqual([
                [0, "access"],
                [1, "admin"],
            ]);
            const root = instance.inputs.rootBlockDevice as { encrypted: boolean; kmsKeyId: string };
            expect(root.encrypted).toBe(true);
            expect(root.kmsKeyId).toMatch(new RegExp(`^arn:aws:kms:${plan.region}:`));
            expect(root.kmsKeyId).toBe(plan.outputs.dataKeyArn);
        }
        expect(ofType(plan, T.loadBalancer)).toHaveLength(1);
        // Checked on a name of its own (the host answers with production until the redirect); users open production's.
        expect(plan.outputs.url).toMatch(/^https:\/\/recovery\./);
        expect(plan.outputs.appUrl).toBe(stackOf(active, id).outputs.url);
        expect(plan.outputs.databaseArn).toMatch(DOCS[id]!.mode === "physical" ? /:instance\/i-0123456789abcdef0$/ : /:db:restored-db-1$/);
        expect(ofType(plan, T.backupPlan).length).toBeGreaterThan(0);
    });

    it("GIVEN a physical tenant THEN its recovery uses a Dedicated Host only when active", () => {
        expect(ofType(recovery(idle, "vault"), T.dedicatedHost)).toEqual([]);
        const hosts = ofType(recovery(active, "vault"), T.dedicatedHost);
        expect(hosts.length).toBeGreaterThan(0);
        const hostIds = new Set(hosts.map((host) => host.id));
        for (const instance of ofType(recovery(active, "vault"), T.instance)) {
            expect(instance.inputs.tenancy).toBe("host");
            expect(hostIds.has(String(instance.inputs.hostId))).toBe(true);
        }
    });

    it("GIVEN a physical tenant THEN its restore target names production's database server type and the servers' instance profile idle or active (dr restores before it activates), the database host while active", () => {
        const idleTarget = recovery(idle, "vault").outputs.restoreTarget as { instanceType: string; instanceProfileName: string };
        expect(idleTarget).not.toHaveProperty("hostId");
        expect(idleTarget.instanceType).toBe((recovery(active, "vault").outputs.restoreTarget as { instanceType: string }).instanceType);
        expect(typeof idleTarget.instanceProfileName).toBe("string");
        const plan = recovery(active, "vault");
        const target = plan.outputs.restoreTarget as { hostId: string; instanceType: string; instanceProfileName: string };
        // A host of the recovery's own (allocated while active), and production's database server's type.
        expect(ofType(plan, T.dedicatedHost).map((host) => host.id)).toContain(target.hostId);
        const databaseServer = ofType(stackOf(active, "vault"), T.instance).find((instance) => instance.name.includes("database"));
        expect(databaseServer).toBeDefined();
        expect(target.instanceType).toBe(databaseServer!.inputs.instanceType);
        const profiles = ofType(plan, "aws:iam/instanceProfile:InstanceProfile");
        expect(profiles.map((profile) => profile.inputs.name ?? profile.name)).toContain(target.instanceProfileName);
    });

    it("GIVEN recoveryRedirect WHEN active THEN the SECONDARY failover record of the host aliases the recovery front door", () => {
        const plan = recovery(active, "acme");
        const [record] = ofType(plan, T.record).filter((r) => r.inputs.setIdentifier === "recovery");
        expect(record!.inputs).toMatchObject({ name: "acme.itm.example.net", type: "A", failoverRoutingPolicies: [{ type: "SECONDARY" }] });
        const lb = ofType(plan, T.loadBalancer)[0]!;
        expect((record!.inputs.aliases as { name: string }[])[0]!.name).toBe(lb.inputs.dnsName ?? plan.outputs.loadBalancerDnsName);
    });

    it("GIVEN a restoredDatabase AWS would refuse WHEN planned THEN the stack fails naming the config", async () => {
        const document = await planFleet({ tenants: [tenants[2]!], config: { recoveryActive: "true", restoredDatabase: "restored-db-1" } });
        expect(document.errors.map((e) => e.message).join("\n")).toMatch(/restoredDatabase: "restored-db-1" is not an EC2 instance id/);
    });

    it("GIVEN recoveryRedirect without recoveryActive WHEN planned THEN the stack fails saying why", async () => {
        const document = await planFleet({ tenants: [tenants[0]!], config: { recoveryRedirect: "true" } });
        expect(document.errors.map((e) => e.message).join("\n")).toMatch(/recoveryRedirect: true needs recoveryActive: true/);
    });
});

describe("the backup promise", () => {
    const judged = (document: PlanDocument, plan: TenantPlan) => evaluate(stackFromPlan(plan), settingsFor(plan, document), [enforceBackupPromise]);

    it("GIVEN an idle recovery WHEN judged THEN it holds no data yet: the promise does not apply", () => {
        expect(judged(idle, recovery(idle, "acme"))).toEqual([]);
    });

    it("GIVEN a restored recovery WHEN judged THEN its own plans meet the promise, and without them it is reported", () => {
        const plan = recovery(active, "acme");
        expect(judged(active, plan)).toEqual([]);
        const withoutPlans = { ...plan, resources: plan.resources.filter((resource) => resource.type !== T.backupPlan && resource.type !== T.rds) };
        // A restored database but no plan: reported as any stack's.
        const restored = { ...withoutPlans, resources: [...withoutPlans.resources, { ...ofType(stackOf(active, "acme"), T.rds)[0]!, name: "acme-recovery-db" }] };
        expect(judged(active, restored).map((violation) => violation.policy)).toContain("backup-plan-promise");
    });
});

describe("the drill copy", () => {
    it("GIVEN acme-drill WHEN planned THEN it is active but has no failover record, only its own check name, and no restore testing", async () => {
        const region = "eu-west-1";
        const settings = platformFixture([region]).settings.get(region)!;
        const { snapshot } = await planStack({ stack: `platform-${region}`, region, config: {}, program: () => platformProgram(region, settings) });
        const tenant = tenants[0]!;
        const { plan } = await planStack({
            stack: drillStackName(tenant.id),
            region: tenant.offsiteRegion,
            config: {},
            stackOutputs: new Map([[qualifiedStackName(`platform-${region}`), snapshot]]),
            program: () => recoveryProgram(tenant, "drill"),
        });
        const drill = { resources: plan.resources };
        expect(ofType(drill, T.instance).length).toBeGreaterThan(0);
        expect(ofType(drill, T.record).filter((record) => record.inputs.setIdentifier !== undefined)).toEqual([]);
        expect(ofType(drill, T.record).filter((record) => record.inputs.type === "A").map((record) => record.inputs.name)).toEqual(["drill.acme.itm.example.net"]);
        expect(ofType(drill, RESTORE_TESTING_PLAN)).toEqual([]);
        // Its files bucket goes with its teardown; the recovery stack's outlives its stack.
        const bucket = ofType(drill, T.bucket).find((b) => b.name === "acme-files-bucket")!;
        expect([bucket.inputs.forceDestroy, bucket.retainOnDelete]).toEqual([true, false]);
        const kept = ofType(recovery(idle, "acme"), T.bucket).find((b) => b.name === "acme-files-bucket")!;
        expect([kept.inputs.forceDestroy, kept.retainOnDelete]).toEqual([false, true]);
        expect(plan.outputs.recoveryActive).toBe(true);
    });
});

describe("names", () => {
    it("GIVEN recovery and drill stack names THEN their production is found", () => {
        expect(recoveryStackName("acme")).toBe("acme-recovery");
        expect(recoveryTargetOf("acme-recovery")).toEqual({ production: "acme", kind: "recovery" });
        expect(recoveryTargetOf("acme-drill")).toEqual({ production: "acme", kind: "drill" });
        expect(recoveryOf("acme-drill")).toBeUndefined();
        expect(recoveryTargetOf("acme")).toBeUndefined();
    });

    it("GIVEN restore testing names AWS Backup refuses WHEN checked THEN each is named with AWS's rule", () => {
        expect(restoreTestingProblems({ planName: "acme-recovery", resources: [{ name: "x".repeat(51), type: "S3" }, { name: "files", type: "S3" }, { name: "files", type: "RDS" }], selectionWindowDays: 366 })).toEqual([
            expect.stringMatching(/^planName: "acme-recovery" is refused by AWS Backup: only letters, digits and underscores/),
            expect.stringMatching(/^resources\[0\]\.name: "x{51}" is refused/),
            expect.stringMatching(/^resources: files named twice/),
            expect.stringMatching(/^selectionWindowDays: 366 is refused/),
        ]);
        expect(restoreTestingProblems({ planName: "a".repeat(50), resources: [{ name: "database", type: "RDS" }] })).toEqual([]);
    });

    it("GIVEN no server WHEN checked THEN only a launch template makes it a valid set of servers", () => {
        const args = { count: 0, subnetsPerZone: { accessSubnetIds: 2, adminSubnetIds: 2, availabilityZones: 2 }, appPort: 443, adminPorts: [22], egressPorts: [443], dataVolumeGiB: 100, hostIds: undefined };
        expect(appServersProblems(args)).toEqual([expect.stringMatching(/^count: 0 is not allowed; expected a whole number of servers from 1/)]);
        expect(appServersProblems({ ...args, launchTemplate: true })).toEqual([]);
    });

    it.each([["acme-recovery"], ["acme-drill"]])("GIVEN a tenant file with id %s WHEN validated THEN it is refused with the reason", (id) => {
        const yaml = `tenant: ${id}\ncompany: ACME\nmode: cloud\nregion: eu-west-1\ndomain:\n  subdomain: acme\nnetwork:\n  cidr: 10.20.0.0/16\n`;
        const { problems } = validateTenantFile(`tenant-configs/${id}.yaml`, Buffer.from(yaml));
        expect(problems.map((p) => `${p.path}: ${p.message}`)).toContainEqual(expect.stringMatching(/^\/tenant: .*ends in "-(recovery|drill)".*recovery environment/));
    });
});
