// The offboarding switch (stacks/context.ts `offboardingOf`) on the graph the tenant programs
// register: only with the stack config `offboardingFinalBackup` naming the completed final
// backup do the database and the load balancer lose their deletion protection, tagged with that
// backup, and the policy admits them; without it (every other update) protection stays on. And
// every tenant vault tells the platform's operations topic of failed jobs and copies.

import { beforeAll, describe, expect, it } from "vitest";

import { finalBackupConfigValue, OFFBOARDING_CONFIG_KEY, OFFBOARDING_TAG_KEY } from "../../lib/promises/offboarding";
import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
import { withViolations } from "../../scripts/lib/plan/policy";
import { resolveTenant, Tenant, TenantDocument } from "../../stacks/config/tenant";
import { ofType, stackOf, T, tagsOf } from "../graph";

const DOCS: TenantDocument[] = [
    { tenant: "acme", company: "ACME", mode: "cloud", region: "eu-west-1", domain: { subdomain: "acme" }, network: { cidr: "10.20.0.0/16" } },
    { tenant: "stark", company: "Stark", mode: "dedicated-saas", region: "eu-west-1", domain: { subdomain: "stark" } },
    { tenant: "wayne", company: "Wayne", mode: "physical", region: "eu-west-1", domain: { subdomain: "wayne" }, network: { cidr: "10.30.0.0/16" } },
];
const tenants: Tenant[] = DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));

const DATABASE_POINT = "arn:aws:rds:eu-west-1:123456789012:snapshot:awsbackup:job-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
const FILES_POINT = "arn:aws:backup:eu-west-1:123456789012:recovery-point:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d";
const FINAL_BACKUP = finalBackupConfigValue({ completedAt: "2026-12-06T05:00:00.000Z", recoveryPoints: { files: FILES_POINT, database: DATABASE_POINT } });

const VAULT_NOTIFICATIONS = T.vaultNotifications;

let protectedFleet: PlanDocument;
let offboarding: PlanDocument;

beforeAll(async () => {
    protectedFleet = withViolations(await planFleet({ tenants, platformRegions: ["eu-west-1"] }));
    offboarding = withViolations(await planFleet({ tenants, platformRegions: ["eu-west-1"], config: { [OFFBOARDING_CONFIG_KEY]: FINAL_BACKUP } }));
    expect(protectedFleet.errors).toEqual([]);
    expect(offboarding.errors).toEqual([]);
});

describe("deletion protection", () => {
    it.each(["acme", "stark"])("GIVEN %s without the offboarding config WHEN planned THEN its database and load balancer are protected and untagged", (id) => {
        const plan = stackOf(protectedFleet, id);
        const databases = ofType(plan, T.rds);
        const doors = ofType(plan, T.loadBalancer);
        expect(databases).toHaveLength(1);
        expect(doors).toHaveLength(1);
        expect(databases[0]!.inputs.deletionProtection).toBe(true);
        expect(doors[0]!.inputs.enableDeletionProtection).toBe(true);
        for (const resource of [...databases, ...doors]) {
            expect(tagsOf(resource)).not.toHaveProperty(OFFBOARDING_TAG_KEY);
        }
    });

    it.each(["acme", "stark"])("GIVEN %s with the final backup in its config WHEN planned THEN protection is off, tagged with the recovery points, and the policy admits it", (id) => {
        const plan = stackOf(offboarding, id);
        const [database] = ofType(plan, T.rds);
        const [door] = ofType(plan, T.loadBalancer);
        expect(database!.inputs.deletionProtection).toBe(false);
        expect(door!.inputs.enableDeletionProtection).toBe(false);
        // In label order: database, then files.
        expect(tagsOf(database)[OFFBOARDING_TAG_KEY]).toBe(`${DATABASE_POINT} ${FILES_POINT}`);
        expect(tagsOf(door)[OFFBOARDING_TAG_KEY]).toBe(`${DATABASE_POINT} ${FILES_POINT}`);
        expect(plan.violations).toEqual([]);
    });

    it("GIVEN the platform WHEN planned with the offboarding config THEN nothing of it changes: the switch is the tenants' alone", () => {
        const platform = stackOf(offboarding, "platform-eu-west-1");
        expect(ofType(platform, T.loadBalancer).map((door) => door.inputs.enableDeletionProtection)).toEqual([true]);
        expect(ofType(platform, T.rds).map((db) => db.inputs.deletionProtection)).toEqual([true]);
    });

    it.each([
        ["not JSON", "yes", "is not JSON"],
        ["no recovery points", JSON.stringify({ completedAt: "2026-12-06T05:00:00Z", recoveryPoints: {} }), "recoveryPoints names no recovery point"],
        ["a bucket instead of a recovery point", JSON.stringify({ completedAt: "2026-12-06T05:00:00Z", recoveryPoints: { files: "arn:aws:s3:::acme-files" } }), 'recoveryPoints.files is "arn:aws:s3:::acme-files"; expected an AWS Backup recovery point ARN'],
        ["no completion time", JSON.stringify({ recoveryPoints: { database: DATABASE_POINT } }), "completedAt is null; expected the ISO time the final backup completed"],
    ])("GIVEN an offboarding config with %s WHEN planned THEN the stack fails and protection is never lifted", async (_label, value, message) => {
        const document = await planFleet({ tenants: [tenants[0]!], config: { [OFFBOARDING_CONFIG_KEY]: value } });
        expect(document.errors.map((error) => error.message).join("\n")).toContain(`stack config ${OFFBOARDING_CONFIG_KEY}: `);
        expect(document.errors.map((error) => error.message).join("\n")).toContain(message);
        expect(document.tenants.find((plan) => plan.tenant === "acme")?.resources ?? []).toEqual([]);
    });
});

describe("backup notifications", () => {
    it.each(["acme", "stark", "wayne"])("GIVEN %s WHEN planned THEN its home vault (not the off-site one) notifies the platform's operations topic", (id) => {
        const plan = stackOf(protectedFleet, id);
        const platform = stackOf(protectedFleet, "platform-eu-west-1");
        const topic = platform.outputs.operationsTopicArn;
        expect(topic).toMatch(/^arn:aws:sns:eu-west-1:\d{12}:platform-eu-west-1-operations/);
        const vault = plan.resources.find((resource) => resource.name === `${id}-backup-vault`)!;
        expect(ofType(plan, VAULT_NOTIFICATIONS).map((notification) => notification.inputs)).toEqual([
            { backupVaultName: vault.id, snsTopicArn: topic, backupVaultEvents: ["BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED", "S3_BACKUP_OBJECT_FAILED"] },
        ]);
        expect(plan.violations).toEqual([]);
    });
});

describe("the operations topic admits the tenants' vaults", () => {
    type Statement = { Sid?: string; Effect: string; Principal?: { Service?: string | string[] }; Action: string | string[]; Condition?: Record<string, Record<string, string>> };
    const services = (statement: Statement) => [statement.Principal?.Service ?? []].flat();
    const actions = (statement: Statement) => [statement.Action].flat();

    it("GIVEN the platform WHEN planned THEN backup.amazonaws.com of this account may publish to the topic and use its key (tenant vaults are in the same account)", () => {
        const platform = stackOf(protectedFleet, "platform-eu-west-1");
        const topic = platform.resources.find((resource) => resource.name === "platform-eu-west-1-operations-topic")!;
        const [topicPolicy] = ofType(platform, "aws:sns/topicPolicy:TopicPolicy");
        const policy = JSON.parse(topicPolicy!.inputs.policy as string) as { Statement: Statement[] };
        const publish = policy.Statement.filter((statement) => statement.Effect === "Allow" && services(statement).includes("backup.amazonaws.com") && actions(statement).includes("sns:Publish"));
        expect(publish).toHaveLength(1);
        expect(Object.keys(publish[0]!.Condition?.StringEquals ?? {})).toEqual(["aws:SourceAccount"]);
        const keyArn = topic.inputs.kmsMasterKeyId as string;
        const key = ofType(platform, T.kmsKey).find((candidate) => keyArn.endsWith(`/${candidate.id}`))!;
        expect(key, keyArn).toBeDefined();
        const keyPolicy = JSON.parse(key.inputs.policy as string) as { Statement: Statement[] };
        const encrypt = keyPolicy.Statement.filter((statement) => statement.Effect === "Allow" && services(statement).includes("backup.amazonaws.com"));
        expect(encrypt.flatMap(actions)).toEqual(expect.arrayContaining(["kms:GenerateDataKey*", "kms:Decrypt"]));
    });
});
