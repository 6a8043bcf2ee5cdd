// The tenants the platform's recovery carries (issue 16): every saas tenant through one association
// configuring the restored shared database's tenants, and every dedicated-saas tenant of the region
// (a fixture fleet, never tenant-configs/) with its bucket idle and its door, check, copy, restored
// database, backups and failover record active.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

import { countUsage } from "../../scripts/lib/plan/quota-usage";
import { readRecoveryOutputs } from "../../scripts/lib/dr/outputs";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { PlannedResource, planStack, qualifiedStackName } from "../../scripts/lib/plan/engine";
import { platformProgram, platformRecoveryProgram } from "../../stacks";
import { DEFAULT_SIZES, DedicatedSaasTenant, Tenant } from "../../stacks/config/tenant";
import { PLATFORM_DEFAULTS } from "../../stacks/config/platform-settings";
import { KNOWN_STACK_CONFIG_KEYS } from "../../stacks/config/stack-config";
import { sharedTenantsDocument, tenantAppDocument } from "../../stacks/platform-documents";
import { dedicatedSaasTenantsOf, loadTenantFleet, SAAS_DATABASE_PREFIX, SAAS_FILES_PREFIX_ROOT, tenantDatabasesProblems } from "../../stacks/platform-recovery-tenants";
import { restoredTenantDatabases } from "../../stacks/recovery-config";
import { sharedDatabaseName, sharedFilesPrefix } from "../../stacks/saas";
import { FIXTURE_TENANTS, writeFixtureTenants } from "../fixtures/fleet";
import { RESTORE_TEST_COPY_DAYS } from "../../lib/promises/recovery";
import { platformFixture } from "../fixtures/platform-configs";
import { ofType, stackOf, T } from "../graph";

const REGION = "eu-west-1";
const OFFSITE = "eu-central-1";
const RECOVERY = `platform-${REGION}-recovery`;
const BASE = PLATFORM_DEFAULTS.baseDomain;

const FILES = "aws:s3/bucket:Bucket";
const ASSOCIATION = "aws:ssm/association:Association";
const DOCUMENT = "aws:ssm/document:Document";
const ATTACHMENT = "aws:lb/targetGroupAttachment:TargetGroupAttachment";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";
const LISTENER_CERTIFICATE = "aws:lb/listenerCertificate:ListenerCertificate";
const CERTIFICATE = "aws:acm/certificate:Certificate";
const CANARY = "aws:synthetics/canary:Canary";
const SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const SELECTION = "aws:backup/selection:Selection";
const RECORD = "aws:route53/record:Record";
const RESTORE_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan";

function dedicatedSaas(id: string, domain: DedicatedSaasTenant["domain"], extra: Partial<DedicatedSaasTenant> = {}): DedicatedSaasTenant {
    return {
        id,
        company: `${id} Ltd`,
        region: REGION,
        environment: "production",
        status: "active",
        passwordMinLength: 14,
        offsiteRegion: OFFSITE,
        source: `tenant-configs/${id}.yaml`,
        mode: "dedicated-saas",
        domain,
        compute: DEFAULT_SIZES.production.compute,
        database: DEFAULT_SIZES.production.database,
        ...extra,
    };
}

// Two carried (an own domain whose copies are in the recovery's region, a subdomain whose copies
// are elsewhere), and four that are not: another region's, an offboarding one, a saas and a cloud tenant.
const FLEET: Tenant[] = [
    dedicatedSaas("northwind", { kind: "subdomain", label: "northwind" }, { offsiteRegion: "eu-west-2" }),
    dedicatedSaas("globex", { kind: "own", fqdn: "pm.globex.example.com" }),
    dedicatedSaas("umbrella", { kind: "subdomain", label: "umbrella" }, { region: "eu-central-1", offsiteRegion: "eu-west-1" }),
    dedicatedSaas("leaving", { kind: "subdomain", label: "leaving" }, { status: "offboarding" }),
    { id: "lumen", company: "Lumen", region: REGION, environment: "production", status: "active", passwordMinLength: 14, offsiteRegion: OFFSITE, source: "tenant-configs/lumen.yaml", mode: "saas" },
];
const CARRIED = ["globex", "northwind"];
const DATABASES = { globex: "globex-restored-1", northwind: "northwind-restored-1" };
const ACTIVE = { recoveryActive: "true", restoredDatabase: "platform-eu-west-1-recovery-run1", restoredTenantDatabases: JSON.stringify(DATABASES) };

async function plan(config?: Record<string, string>): Promise<PlanDocument> {
    return planFleet({ tenants: [], fleet: FLEET, platformRegions: [REGION], platforms: platformFixture([REGION]), ...(config ? { config } : {}) });
}

let idle: PlanDocument;
let active: PlanDocument;
let redirected: PlanDocument;
beforeAll(async () => {
    // One plan at a time: Pulumi's runtime state is process-wide.
    idle = await plan();
    active = await plan(ACTIVE);
    redirected = await plan({ ...ACTIVE, recoveryRedirect: "true" });
    for (const document of [idle, active, redirected]) {
        expect(document.errors).toEqual([]);
    }
});

/** The resources under the component `name` (transitively), found by the parent chain. */
function under(stack: TenantPlan, name: string): PlannedResource[] {
    const byName = new Map(stack.resources.map((resource) => [resource.name, resource]));
    const isUnder = (resource: PlannedResource): boolean => {
        for (let parent = resource.parent; parent !== null; parent = byName.get(parent)?.parent ?? null) {
            if (parent === name) {
                return true;
            }
        }
        return false;
    };
    return stack.resources.filter(isUnder);
}

const one = (resources: PlannedResource[], what: string): PlannedResource => {
    expect(resources, what).toHaveLength(1);
    return resources[0]!;
};

type TenantOutputs = Record<string, { filesBucketName: string; failoverName: string; url?: string; databaseArn?: string; backupVaultArn?: string }>;

describe("idle", () => {
    it("GIVEN dedicated-saas tenants WHEN the recovery is idle THEN each has the bucket its files are restored into, and nothing else", () => {
        const recovery = stackOf(idle, RECOVERY);
        expect(ofType(recovery, T.loadBalancer)).toEqual([]);
        expect(ofType(recovery, ASSOCIATION)).toEqual([]);
        const outputs = recovery.outputs.dedicatedSaasTenants as TenantOutputs;
        expect(Object.keys(outputs)).toEqual(CARRIED);
        expect(outputs.globex?.failoverName).toBe(`globex.edge.${BASE}`);
        expect(outputs.northwind?.failoverName).toBe(`northwind.${BASE}`);
        for (const id of CARRIED) {
            const bucket = one(under(recovery, `${id}-files`).filter((resource) => resource.type === FILES), `${id} bucket`);
            expect(outputs[id]?.filesBucketName).toBe(bucket.id);
            expect(outputs[id]?.url).toBeUndefined();
            // Encrypted with the recovery's data key, and readable by the recovery servers (bucket policy).
            const encryption = under(recovery, `${id}-files`).find((resource) => resource.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
            expect(JSON.stringify(encryption?.inputs)).toContain(String(recovery.outputs.dataKeyArn));
            const policy = under(recovery, `${id}-files`).find((resource) => resource.type === "aws:s3/bucketPolicy:BucketPolicy");
            const serversRole = ofType(recovery, "aws:iam/role:Role").find((role) => role.name === `${RECOVERY}-servers-role`);
            expect(serversRole).toBeDefined();
            expect(String(policy?.inputs.policy)).toContain(`"AWS":["arn:aws:iam::`);
            expect(String(policy?.inputs.policy)).toContain(`:role/${serversRole!.id}`);
        }
        expect(recovery.resources.some((resource) => /^(umbrella|leaving|lumen)-/.test(resource.name))).toBe(false);
    });

    it("GIVEN a tenant's off-site copies in the recovery's region WHEN idle THEN the monthly restore test includes its vault; copies elsewhere are not", () => {
        const recovery = stackOf(idle, RECOVERY);
        const [testing] = ofType(recovery, RESTORE_PLAN);
        const vaults = (testing?.inputs.recoveryPointSelection as { includeVaults: string[] }).includeVaults;
        expect(vaults).toContain(stackOf(idle, `platform-${REGION}`).outputs.offsiteBackupVaultArn);
        expect(vaults.filter((vault) => vault.includes(":backup-vault:globex-backup-offsite-vault"))).toEqual([expect.stringMatching(new RegExp(`^arn:aws:backup:${OFFSITE}:\\d{12}:`))]);
        expect(vaults.some((vault) => vault.includes("northwind"))).toBe(false);
    });
});

describe("a tenant whose copies are in another region", () => {
    it("GIVEN northwind backed up to eu-west-2 WHEN the idle recovery is planned THEN a vault of its region under its backup key, locked and notifying, takes the copies; its restore role may copy", () => {
        const recovery = stackOf(idle, RECOVERY);
        const vault = ofType(recovery, "aws:backup/vault:Vault").find((v) => v.name === `${RECOVERY}-tenant-copies`)!;
        expect(vault).toBeDefined();
        expect(vault.inputs.name).toBe(`${RECOVERY}-tenant-copies`);
        expect(String(recovery.outputs.tenantCopyVaultArn)).toMatch(/^arn:aws:backup:/);
        const backupKey = ofType(recovery, "aws:kms/key:Key").find((key) => String(vault.inputs.kmsKeyArn).includes(key.id));
        expect(backupKey?.name).toMatch(/backup/);
        expect(ofType(recovery, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").filter((lock) => lock.inputs.backupVaultName === vault.inputs.name)).toHaveLength(1);
        expect(ofType(recovery, "aws:backup/vaultNotifications:VaultNotifications").filter((n) => n.inputs.backupVaultName === vault.inputs.name)).toHaveLength(1);
        expect(ofType(recovery, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn)).toContain("arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup");
    });
});

describe("active", () => {
    it("GIVEN recoveryActive WHEN planned THEN each tenant has its own internet-facing door carrying the group the recovery servers admit", () => {
        const recovery = stackOf(active, RECOVERY);
        expect(ofType(recovery, T.loadBalancer)).toHaveLength(1 + CARRIED.length);
        const clients = ofType(recovery, "aws:ec2/securityGroup:SecurityGroup").find((group) => group.name === `${RECOVERY}-front-door-clients`)!;
        for (const id of CARRIED) {
            const door = one(under(recovery, `${id}-front-door`).filter((resource) => resource.type === T.loadBalancer), `${id} door`);
            expect(door.inputs.internal).toBe(false);
            expect(door.inputs.securityGroups).toContain(clients.id);
            const subnets = door.inputs.subnets as string[];
            expect(subnets.map((subnet) => recovery.resources.find((resource) => resource.id === subnet)?.inputs.tags)).toMatchObject([{ tier: "access" }, { tier: "access" }]);
            // TLS, and HTTP only to redirect.
            const listeners = under(recovery, `${id}-front-door`).filter((resource) => resource.type === LISTENER);
            expect(listeners.map((listener) => listener.inputs.protocol).sort()).toEqual(["HTTP", "HTTPS"]);
            expect(under(recovery, `${id}-front-door`).some((resource) => resource.type === "aws:wafv2/webAclAssociation:WebAclAssociation")).toBe(true);
        }
    });

    it("GIVEN recoveryActive WHEN planned THEN each tenant's check name is <kind>.<failover name>, its certificate on the door, and the availability check requests it", () => {
        const recovery = stackOf(active, RECOVERY);
        const outputs = recovery.outputs.dedicatedSaasTenants as TenantOutputs;
        for (const [id, checkHost] of [
            ["globex", `recovery.globex.edge.${BASE}`],
            ["northwind", `recovery.northwind.${BASE}`],
        ] as const) {
            expect(outputs[id]?.url).toBe(`https://${checkHost}`);
            const certificate = one(under(recovery, `${id}-check-name`).filter((resource) => resource.type === CERTIFICATE), `${id} check certificate`);
            expect(certificate.inputs.domainName).toBe(checkHost);
            const https = under(recovery, `${id}-front-door`).find((resource) => resource.type === LISTENER && resource.inputs.protocol === "HTTPS")!;
            const attached = one(ofType(recovery, LISTENER_CERTIFICATE).filter((resource) => resource.name === `${id}-check-certificate`), `${id} listener certificate`);
            expect(attached.inputs.listenerArn).toBe(https.id);
            expect(attached.inputs.certificateArn).toBe(certificate.id);
            const canary = one(under(recovery, `${id}-check`).filter((resource) => resource.type === CANARY), `${id} canary`);
            expect(JSON.stringify(canary.inputs)).toContain(checkHost);
        }
        expect(recovery.outputs).toMatchObject({ internalDoor: false, checkCanaryName: expect.any(String) });
        const names = ofType(recovery, CANARY).map((canary) => canary.inputs.name);
        expect(names).toContain(recovery.outputs.checkCanaryName);
    });

    it("GIVEN the tenants' restored databases WHEN active THEN each app copy runs the recovery's own document on the recovery servers with its restored database and bucket", () => {
        const recovery = stackOf(active, RECOVERY);
        const instances = ofType(recovery, T.instance);
        expect(instances).toHaveLength(PLATFORM_DEFAULTS.appServerCount);
        const document = one(ofType(recovery, DOCUMENT).filter((resource) => resource.inputs.name === `${RECOVERY}-tenant-app`), "tenant app document");
        expect(document.inputs.content).toBe(tenantAppDocument());
        const outputs = recovery.outputs.dedicatedSaasTenants as TenantOutputs;
        for (const id of CARRIED) {
            const copy = under(recovery, `${id}-app`);
            const targetGroup = one(under(recovery, `${id}-front-door`).filter((resource) => resource.type === TARGET_GROUP), `${id} target group`);
            expect(targetGroup.inputs.healthCheck).toMatchObject({ path: `/healthz/${id}` });
            const attachments = copy.filter((resource) => resource.type === ATTACHMENT);
            expect(attachments.map((attachment) => attachment.inputs.targetGroupArn)).toEqual(instances.map(() => targetGroup.id));
            expect(attachments.map((attachment) => attachment.inputs.targetId).sort()).toEqual(instances.map((instance) => instance.id).sort());
            const association = one(copy.filter((resource) => resource.type === ASSOCIATION), `${id} association`);
            expect(association.inputs.name).toBe(document.id);
            expect(association.inputs.targets).toEqual([{ key: "tag:PatchGroup", values: [RECOVERY] }]);
            const databaseId = DATABASES[id as keyof typeof DATABASES];
            const parameters = association.inputs.parameters as Record<string, string>;
            expect(parameters).toMatchObject({ tenant: id, copy: "dedicated", filesBucket: outputs[id]?.filesBucketName, filesPrefix: "" });
            expect(parameters.databaseHost).toMatch(new RegExp(`^${databaseId}\\..*\\.${OFFSITE}\\.rds\\.amazonaws\\.com$`));
            expect(parameters.databaseSecretArn).toMatch(new RegExp(`^arn:aws:secretsmanager:${OFFSITE}:\\d{12}:secret:rds!db-`));
            expect(outputs[id]?.databaseArn).toBe(`arn:aws:rds:${OFFSITE}:${outputs[id]?.databaseArn?.split(":")[4]}:db:${databaseId}`);
            expect(parameters.hostName).toBe(id === "globex" ? "pm.globex.example.com" : `northwind.${BASE}`);
            // SSM refuses parameters its document's allowedPattern does not match.
            expectDocumentAccepts(tenantAppDocument(), parameters);
            // The servers read the restored secret through its resource policy, before the copy installs.
            const secretPolicy = one(ofType(recovery, SECRET_POLICY).filter((resource) => resource.name === `${id}-database-secret-policy`), `${id} secret policy`);
            expect(secretPolicy.inputs.secretArn).toBe(parameters.databaseSecretArn);
            const serversRole = ofType(recovery, "aws:iam/role:Role").find((role) => role.name === `${RECOVERY}-servers-role`)!;
            expect(JSON.parse(String(secretPolicy.inputs.policy)).Statement[0]).toMatchObject({ Principal: { AWS: [serversRole.inputs.arn ?? expect.stringContaining(`:role/${serversRole.id}`)] }, Resource: parameters.databaseSecretArn });
        }
    });

    it("GIVEN the tenants' restored databases WHEN active THEN each has backups of its own selecting its restored database and bucket, copied to the production region", () => {
        const recovery = stackOf(active, RECOVERY);
        const outputs = recovery.outputs.dedicatedSaasTenants as TenantOutputs;
        for (const id of CARRIED) {
            const selections = under(recovery, `${id}-recovery-backup`).filter((resource) => resource.type === SELECTION);
            const selected = selections.flatMap((selection) => selection.inputs.resources as string[]);
            expect(selected).toContain(outputs[id]?.databaseArn);
            expect(selected).toContain(`arn:aws:s3:::${outputs[id]?.filesBucketName}`);
            expect(outputs[id]?.backupVaultArn).toEqual(expect.stringMatching(new RegExp(`^arn:aws:backup:${OFFSITE}:`)));
            const plans = under(recovery, `${id}-recovery-backup`).filter((resource) => resource.type === "aws:backup/plan:Plan");
            expect(JSON.stringify(plans.map((p) => p.inputs.rules))).toContain(`arn:aws:backup:${REGION}:`);
        }
    });

    it("GIVEN the shared restored database WHEN active THEN one association configures every saas tenant it holds, and the servers may read its secret", () => {
        const recovery = stackOf(active, RECOVERY);
        const document = one(ofType(recovery, DOCUMENT).filter((resource) => resource.inputs.name === `${RECOVERY}-shared-tenants`), "shared tenants document");
        expect(document.inputs.content).toBe(sharedTenantsDocument());
        expect(String(document.inputs.content)).toContain("/opt/itm/bin/itm-tenant configure-all --copy shared");
        const shared = ofType(recovery, ASSOCIATION).filter((association) => association.inputs.name === document.id);
        const association = one(shared, "shared association");
        expect(association.inputs.targets).toEqual([{ key: "tag:PatchGroup", values: [RECOVERY] }]);
        const parameters = association.inputs.parameters as Record<string, string>;
        const databaseAddress = recovery.outputs.databaseAddress;
        const restoreTarget = recovery.outputs.restoreTarget as { filesBucketName: string };
        expect(parameters).toMatchObject({ hostName: `app.${BASE}`, databaseHost: databaseAddress, filesBucket: restoreTarget.filesBucketName, filesPrefixRoot: "tenants/", databaseNamePrefix: "tenant_" });
        expectDocumentAccepts(sharedTenantsDocument(), parameters);
        // Every association of the stack: the shared one and one per dedicated-saas tenant, none per saas tenant (the patching's inventory and scan aside).
        expect(ofType(recovery, ASSOCIATION).filter((association) => association.parent !== `${RECOVERY}-patching`)).toHaveLength(1 + CARRIED.length);
        // The shared servers' data access now names the restored shared database's managed secret.
        const access = one(under(recovery, `${RECOVERY}-servers-data`).filter((resource) => resource.type === ROLE_POLICY), "shared data access");
        const statements = JSON.parse(String(access.inputs.policy)).Statement as { Sid: string; Resource: unknown }[];
        expect(statements.find((statement) => statement.Sid === "ReadOwnDatabaseSecret")?.Resource).toEqual([parameters.databaseSecretArn]);
    });

    it("GIVEN the saas tenants' names WHEN configured all at once THEN the prefixes are those their production stacks use", () => {
        expect(sharedDatabaseName("acme")).toBe(`${SAAS_DATABASE_PREFIX}acme`);
        expect(sharedFilesPrefix("acme")).toBe(`${SAAS_FILES_PREFIX_ROOT}acme/`);
    });

    it("GIVEN recoveryActive without the tenants' databases yet WHEN planned THEN doors and checks exist, copies and backups wait for them", async () => {
        const early = await plan({ recoveryActive: "true" });
        expect(early.errors).toEqual([]);
        const recovery = stackOf(early, RECOVERY);
        expect(ofType(recovery, T.loadBalancer)).toHaveLength(1 + CARRIED.length);
        expect(ofType(recovery, ASSOCIATION).filter((association) => association.parent !== `${RECOVERY}-patching`)).toEqual([]);
        expect(ofType(recovery, "aws:backup/plan:Plan")).toEqual([]);
        const outputs = recovery.outputs.dedicatedSaasTenants as TenantOutputs;
        expect(outputs.globex).toMatchObject({ url: `https://recovery.globex.edge.${BASE}` });
        expect(outputs.globex?.databaseArn).toBeUndefined();
    });
});

describe("redirect", () => {
    it("GIVEN recoveryRedirect WHEN planned THEN every tenant's failover name gets a SECONDARY record to its own door", () => {
        const recovery = stackOf(redirected, RECOVERY);
        const records = ofType(recovery, RECORD).filter((record) => record.inputs.setIdentifier === "recovery");
        expect(records.map((record) => record.inputs.name).sort()).toEqual([`app.${BASE}`, `globex.edge.${BASE}`, `northwind.${BASE}`]);
        const zone = stackOf(redirected, `platform-${REGION}`).outputs.publicZoneId;
        for (const id of CARRIED) {
            const record = records.find((candidate) => candidate.name === `${id}-failover`)!;
            const door = under(recovery, `${id}-front-door`).find((resource) => resource.type === T.loadBalancer)!;
            expect(record.inputs).toMatchObject({ zoneId: zone, type: "A", failoverRoutingPolicies: [{ type: "SECONDARY" }], aliases: [{ name: door.inputs.dnsName ?? expect.any(String), evaluateTargetHealth: true }] });
        }
    });

    it("GIVEN a redirect missing a tenant's restored database WHEN planned THEN it is refused, naming the tenant", async () => {
        const document = await plan({ ...ACTIVE, restoredTenantDatabases: JSON.stringify({ globex: "globex-restored-1" }), recoveryRedirect: "true" });
        expect(document.errors.map((error) => error.message).join("\n")).toMatch(/recoveryRedirect: true needs restoredTenantDatabases entries for northwind/);
    });
});

describe("the stack config restoredTenantDatabases", () => {
    const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] }) as unknown as pulumi.Config;
    const carried = dedicatedSaasTenantsOf(FLEET, REGION);

    it("GIVEN tenant files WHEN a deployment reads them THEN the valid fleet is returned, and an invalid one fails with the validator's positioned lines", () => {
        expect(dedicatedSaasTenantsOf(loadTenantFleet(FIXTURE_TENANTS), REGION).map((tenant) => tenant.id)).toEqual(["northwind"]);
        const dir = writeFixtureTenants(fs.mkdtempSync(path.join(os.tmpdir(), "recovery-fleet-")));
        try {
            fs.writeFileSync(path.join(dir, "northwind.yaml"), fs.readFileSync(path.join(dir, "northwind.yaml"), "utf8").replace("mode: dedicated-saas", "mode: dedicated-sass"));
            expect(() => loadTenantFleet(dir)).toThrow(/the tenant files are invalid[^]*northwind\.yaml:\d+:\d+: \/mode: /);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("GIVEN the fleet WHEN the region's tenants are chosen THEN only its active dedicated-saas tenants, sorted", () => {
        expect(carried.map((tenant) => tenant.id)).toEqual(CARRIED);
        expect(dedicatedSaasTenantsOf(FLEET, "us-east-1")).toEqual([]);
    });

    it("GIVEN an entry for a tenant not carried WHEN checked THEN it is refused, naming it", () => {
        expect(tenantDatabasesProblems({ umbrella: "x1" }, carried, false, REGION)).toEqual([expect.stringMatching(/"umbrella" is not a dedicated-saas tenant of eu-west-1 \(carried: globex, northwind\)/)]);
        expect(tenantDatabasesProblems({}, carried, false, REGION)).toEqual([]);
        expect(tenantDatabasesProblems(DATABASES, carried, true, REGION)).toEqual([]);
    });

    it("GIVEN an unknown tenant in a planned config WHEN planned THEN the plan reports it", async () => {
        const document = await plan({ ...ACTIVE, restoredTenantDatabases: JSON.stringify({ ...DATABASES, initech: "initech-1" }) });
        expect(document.errors.map((error) => error.message).join("\n")).toMatch(/"initech" is not a dedicated-saas tenant/);
    });

    it("GIVEN identifiers RDS refuses or a value that is not an object WHEN read THEN each is refused as RDS would", () => {
        expect(restoredTenantDatabases(config({}))).toEqual({});
        expect(restoredTenantDatabases(config({ restoredTenantDatabases: JSON.stringify(DATABASES) }))).toEqual(DATABASES);
        for (const bad of ["1abc", "a--b", "abc-", "a_b", "a".repeat(64), ""]) {
            expect(() => restoredTenantDatabases(config({ restoredTenantDatabases: JSON.stringify({ globex: bad }) })), bad).toThrow(/restoredTenantDatabases\.globex: .* is not an RDS DB instance identifier/);
        }
        expect(restoredTenantDatabases(config({ restoredTenantDatabases: JSON.stringify({ globex: `a${"b".repeat(62)}` }) })).globex).toHaveLength(63);
        expect(() => restoredTenantDatabases(config({ restoredTenantDatabases: "{globex: x}" }))).toThrow(/is not JSON/);
        expect(() => restoredTenantDatabases(config({ restoredTenantDatabases: '["x"]' }))).toThrow(/expected an object/);
        expect(() => restoredTenantDatabases(config({ restoredTenantDatabases: '{"globex": 3}' }))).toThrow(/3 is not a string/);
        expect(KNOWN_STACK_CONFIG_KEYS).toContain("restoredTenantDatabases");
    });
});

describe("the drill copy, npm run dr and the quotas", () => {
    it("GIVEN platform-<region>-drill WHEN planned THEN its tenants are checked at drill.<failover name>, their buckets disposable, without backups or failover records", async () => {
        const settings = platformFixture([REGION]).settings.get(REGION)!;
        const production = await planStack({ stack: `platform-${REGION}`, region: REGION, program: () => platformProgram(REGION, settings) });
        const { plan: drill } = await planStack({
            stack: `platform-${REGION}-drill`,
            region: settings.offsiteRegion,
            config: { restoredDatabase: "platform-eu-west-1-drill-run1", restoredTenantDatabases: JSON.stringify(DATABASES) },
            stackOutputs: new Map([[qualifiedStackName(`platform-${REGION}`), production.snapshot]]),
            program: () => platformRecoveryProgram(REGION, "drill", settings, platformFixture([REGION]), FLEET),
        });
        const outputs = drill.outputs.dedicatedSaasTenants as TenantOutputs;
        expect(outputs.globex).toMatchObject({ url: `https://drill.globex.edge.${BASE}`, databaseArn: expect.stringContaining(":db:globex-restored-1") });
        expect(outputs.globex?.backupVaultArn).toBeUndefined();
        expect(drill.resources.filter((r) => r.type === "aws:backup/vault:Vault")).toEqual([]);
        // northwind's copies are elsewhere: the drill copies them into the recovery's vault (a vault of its own would outlive the drill).
        expect(drill.outputs.tenantCopyVaultArn).toMatch(new RegExp(`^arn:aws:backup:${OFFSITE}:\\d{12}:backup-vault:${RECOVERY}-tenant-copies$`));
        expect(drill.resources.filter((r) => r.type === RECORD && r.inputs.setIdentifier !== undefined)).toEqual([]);
        for (const id of CARRIED) {
            const buckets = drill.resources.filter((r) => r.type === FILES && r.name === `${id}-files-bucket`);
            expect(buckets.map((bucket) => bucket.inputs.forceDestroy)).toEqual([true]);
        }
    });


    it("GIVEN the active plan WHEN read as npm run dr reads it THEN the recovery outputs are accepted", () => {
        expect(readRecoveryOutputs(RECOVERY, JSON.stringify(stackOf(active, RECOVERY).outputs), { active: true })).toMatchObject({ recoveryActive: true });
    });

    it("GIVEN the tenants' doors WHEN the quotas are counted THEN they count in the off-site region against the recovery stack", () => {
        const recovery = stackOf(active, RECOVERY);
        expect(recovery.region).toBe(OFFSITE);
        const usage = countUsage([recovery]);
        expect(usage.get(OFFSITE)?.get("applicationLoadBalancers")?.byStack.get(RECOVERY)).toBe(1 + CARRIED.length);
        expect(usage.get(REGION)?.get("applicationLoadBalancers")).toBeUndefined();
    });
});

/** What SSM checks of an association's parameters against its document: declared, and matching the allowedPattern. */
function expectDocumentAccepts(documentText: string, parameters: Record<string, string>): void {
    const declared = (JSON.parse(documentText) as { parameters: Record<string, { allowedPattern?: string; allowedValues?: string[]; default?: string }> }).parameters;
    for (const [key, value] of Object.entries(parameters)) {
        const declaration = declared[key];
        expect(declaration, key).toBeDefined();
        if (declaration?.allowedPattern !== undefined) {
            expect(value, key).toMatch(new RegExp(declaration.allowedPattern));
        }
        if (declaration?.allowedValues !== undefined) {
            expect(declaration.allowedValues, key).toContain(value);
        }
    }
    for (const [key, declaration] of Object.entries(declared)) {
        if (declaration.default === undefined) {
            expect(parameters[key], `required parameter ${key}`).toBeDefined();
        }
    }
}

describe("the monthly restore test of a tenant whose copies are in another region", () => {
    it("GIVEN northwind backed up to eu-west-2 and globex to the recovery's region WHEN planned THEN northwind's weekly points are also copied into the recovery's copy vault, which the restore test reads; globex's are not", async () => {
        const document = await planFleet({ tenants: FLEET.filter((tenant) => CARRIED.includes(tenant.id)), fleet: FLEET, platformRegions: [REGION], platforms: platformFixture([REGION]) });
        expect(document.errors).toEqual([]);
        const copyVault = new RegExp(`^arn:aws:backup:${OFFSITE}:\\d{12}:backup-vault:${RECOVERY}-tenant-copies$`);
        const copies = (id: string) =>
            ofType(stackOf(document, id), "aws:backup/plan:Plan").flatMap((plan) =>
                (plan.inputs.rules as { ruleName: string; copyActions: { destinationVaultArn: string; lifecycle: { deleteAfter: number } }[] }[]).map((rule) => [
                    rule.ruleName,
                    rule.copyActions.filter((copy) => copyVault.test(copy.destinationVaultArn)).map((copy) => copy.lifecycle.deleteAfter),
                ]),
            );
        expect(copies("northwind").filter(([, kept]) => (kept as number[]).length > 0)).toEqual([
            ["database-weekly", [RESTORE_TEST_COPY_DAYS]],
            ["files-weekly", [RESTORE_TEST_COPY_DAYS]],
        ]);
        expect(copies("globex").filter(([, kept]) => (kept as number[]).length > 0)).toEqual([]);
        const testing = ofType(stackOf(document, RECOVERY), RESTORE_PLAN)[0]!;
        const vaults = (testing.inputs.recoveryPointSelection as { includeVaults: string[] }).includeVaults;
        expect(vaults.some((vault) => copyVault.test(vault))).toBe(true);
        // The copies are kept longer than the restore test's selection window, so a monthly test always finds one.
        expect((testing.inputs.recoveryPointSelection as { selectionWindowDays: number }).selectionWindowDays).toBeLessThan(RESTORE_TEST_COPY_DAYS);
    });
});
