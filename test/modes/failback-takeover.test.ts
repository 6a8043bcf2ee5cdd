// Failback's takeover on the graph the production programs register: with the stack config
// `restoredDatabase`, production's database is the restored instance (a logical resource of its
// own, with production's settings), its backups select it, and the former instance stays declared,
// unchanged and retained, until `releaseFormerDatabase` stops declaring it. Physical warns and changes nothing.

import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";

import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
import { withViolations } from "../../scripts/lib/plan/policy";
import { resolveTenant, Tenant, TenantDocument } from "../../stacks/config/tenant";
import { ofType, stackOf, T } from "../graph";

const DOCS: TenantDocument[] = [
    { tenant: "acme", company: "ACME", mode: "cloud", region: "eu-west-1", domain: { subdomain: "acme" }, network: { cidr: "10.20.0.0/16" } },
    { tenant: "stark", company: "Stark", mode: "dedicated-saas", region: "eu-west-1", domain: { subdomain: "stark" } },
];
const tenants: Tenant[] = DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));
const WAYNE = resolveTenant({ tenant: "wayne", company: "Wayne", mode: "physical", region: "eu-west-1", domain: { subdomain: "wayne" }, network: { cidr: "10.30.0.0/16" } }, "fixtures/wayne.yaml");

const RESTORED = "restored-db-0f1e2d3c";

let before: PlanDocument;
let after: PlanDocument;
let released: PlanDocument;

beforeAll(async () => {
    before = withViolations(await planFleet({ tenants, platformRegions: ["eu-west-1"] }));
    after = withViolations(await planFleet({ tenants, platformRegions: ["eu-west-1"], config: { restoredDatabase: RESTORED } }));
    released = withViolations(await planFleet({ tenants, platformRegions: ["eu-west-1"], config: { restoredDatabase: RESTORED, releaseFormerDatabase: "true" } }));
    for (const document of [before, after, released]) {
        expect(document.errors).toEqual([]);
    }
});

describe("production takes the restored database over", () => {
    it.each(["acme", "stark", "platform-eu-west-1"])("GIVEN %s with restoredDatabase WHEN planned THEN the restored instance is production's database, with production's settings", (id) => {
        const plan = stackOf(after, id);
        const databases = ofType(plan, T.rds);
        const restored = databases.find((db) => db.name.endsWith("-database-restored-db"));
        const former = databases.find((db) => db.name.endsWith("-database-db"));
        expect(restored?.inputs).toMatchObject({ identifier: RESTORED, deletionProtection: true, manageMasterUserPassword: true, storageEncrypted: true, skipFinalSnapshot: false, finalSnapshotIdentifier: `${RESTORED}-final` });
        expect(restored!.inputs.multiAz).toBe(former!.inputs.multiAz);
        expect(restored!.inputs.kmsKeyId).toBe(former!.inputs.kmsKeyId);
        expect(restored!.inputs.parameterGroupName).toBe(former!.inputs.parameterGroupName);
        expect(restored!.inputs.vpcSecurityGroupIds).toEqual(former!.inputs.vpcSecurityGroupIds);
        expect(restored!.retainOnDelete).toBe(true);
        expect(restored!.dependsOn).toEqual([`${restored!.name.replace(/-db$/, "-logs")}`]);
        // Its exported logs land in a group of its own name, encrypted, made before the instance exports.
        expect(ofType(plan, T.logGroup).map((group) => group.inputs.name)).toContain(`/aws/rds/instance/${RESTORED}/postgresql`);
        // The outputs dr reads and the backups select the restored instance.
        expect(plan.outputs.databaseArn).toBeDefined();
        expect(plan.outputs.databaseArn).not.toBe(plan.outputs.formerDatabaseArn);
        const selections = ofType(plan, T.backupSelection).flatMap((selection) => (selection.inputs.resources as string[] | undefined) ?? []);
        expect(selections).toContain(plan.outputs.databaseArn);
        expect(plan.outputs.formerDatabaseArn).toBeDefined();
        // The former instance, kept for forensics, is still backed up.
        expect(selections).toContain(plan.outputs.formerDatabaseArn);
        expect(plan.violations).toEqual([]);
    });

    it.each(["acme", "stark", "platform-eu-west-1"])("GIVEN %s WHEN taken over THEN the former instance is declared unchanged and retained (never deleted by the update)", (id) => {
        const [formerBefore] = ofType(stackOf(before, id), T.rds);
        const former = ofType(stackOf(after, id), T.rds).find((db) => db.name === formerBefore!.name);
        expect(formerBefore!.retainOnDelete).toBe(false);
        expect(former!.retainOnDelete).toBe(true);
        expect(former!.inputs).toEqual(formerBefore!.inputs);
    });

    it.each(["acme", "stark", "platform-eu-west-1"])("GIVEN %s with releaseFormerDatabase WHEN planned THEN only the restored instance is declared", (id) => {
        const plan = stackOf(released, id);
        expect(ofType(plan, T.rds).map((db) => db.inputs.identifier)).toEqual([RESTORED]);
        expect(plan.outputs.formerDatabaseArn).toBeUndefined();
    });

    it("GIVEN no takeover WHEN planned THEN the stack has its own instance only", () => {
        expect(ofType(stackOf(before, "acme"), T.rds).map((db) => db.name)).toEqual(["acme-database-db"]);
        expect(stackOf(before, "acme").outputs.formerDatabaseArn).toBeUndefined();
    });
});

describe("takeover config refused as AWS would", () => {
    it.each([
        ["an identifier with --", { restoredDatabase: "restored--db" }, 'stack config restoredDatabase: "restored--db" is not an RDS DB instance identifier'],
        ["an identifier starting with a digit", { restoredDatabase: "1restored" }, "is not an RDS DB instance identifier"],
        ["production's own instance", { restoredDatabase: "acme-database" }, 'takeover: "acme-database" is this database\'s own instance'],
        ["a release without a takeover", { releaseFormerDatabase: "true" }, "stack config releaseFormerDatabase: true needs restoredDatabase"],
        ["a release that is not true/false", { restoredDatabase: RESTORED, releaseFormerDatabase: "yes" }, 'stack config releaseFormerDatabase: "yes" is not allowed; expected true or false'],
    ])("GIVEN %s WHEN planned THEN the stack fails naming the key", async (_label, config, message) => {
        const document = await planFleet({ tenants: [tenants[0]!], config });
        expect(document.errors.map((error) => error.message).join("\n")).toContain(message);
    });

    it("GIVEN physical production with a restored database server WHEN planned THEN a warning, and its database server stays as it is (no import)", async () => {
        const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
        try {
            const plain = await planFleet({ tenants: [WAYNE] });
            const document = await planFleet({ tenants: [WAYNE], config: { restoredDatabase: "i-0123456789abcdef0" } });
            expect(document.errors).toEqual([]);
            const names = (plan: PlanDocument) => stackOf(plan, "wayne").resources.map((resource) => resource.name);
            expect(names(document)).toEqual(names(plain));
            expect(warn.mock.calls.map(([message]) => message)).toContain(
                "stack config restoredDatabase: i-0123456789abcdef0 is a restored database server; production keeps its own database server and takes over only the restored data volume (stack config restoredDatabase is ignored here: set restoredDataVolume to the volume npm run dr -- failback prints)",
            );
        } finally {
            warn.mockRestore();
        }
    });

    it("GIVEN physical production with an RDS identifier WHEN planned THEN it names the EC2 rule", async () => {
        const document = await planFleet({ tenants: [WAYNE], config: { restoredDatabase: RESTORED } });
        expect(document.errors.map((error) => error.message).join("\n")).toContain(`stack config restoredDatabase: "${RESTORED}" is not an EC2 instance id`);
    });
});
