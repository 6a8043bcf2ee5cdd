// The stack operations' pure parts (scripts/stack-ops.ts, scripts/lib/ops/): the rollout order,
// the rollout runner, the final-backup plan, the offboarding helpers, the changed stacks, the
// request parser and the log format. The CLI against the stub `pulumi` is test/stack-ops.test.ts.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { main, parseRequest } from "../scripts/stack-ops";
import { runCli } from "./cli-harness";
import { finalBackupPlan, FINAL_BACKUP_RETENTION_DAYS, startBackupJobArgs } from "../scripts/lib/ops/backup";
import { changedStacks } from "../scripts/lib/ops/changed";
import { classifySelectFailure, finalBackupRecord, protectedUrns } from "../scripts/lib/ops/offboarding";
import { formatLine } from "../scripts/lib/ops/log";
import { loadDotenv, readSettings, withoutPassword } from "../scripts/lib/ops/settings";
import { firstLine, RolloutTenant, rolloutPlan, runRollout } from "../scripts/lib/ops/rollout";

const t = (id: string, mode: RolloutTenant["mode"], region: string, environment: RolloutTenant["environment"] = "production"): RolloutTenant => ({ id, mode, region, environment });

describe("rolloutPlan", () => {
    const fleet = [
        t("zeta", "cloud", "eu-west-1"),
        t("alpha", "cloud", "eu-west-1"),
        t("beta", "saas", "us-east-1"),
        t("gamma", "saas", "us-east-1"),
        t("delta", "vpn", "eu-central-1", "test"),
        t("epsilon", "saas", "eu-west-1", "demo"),
        t("eta", "physical", "eu-west-1"),
        t("theta", "cloud", "us-east-1"),
        t("iota", "saas", "eu-west-1"),
    ];
    it.each([
        {
            parallel: 2,
            waves: [
                ["platform", ["platform-eu-west-1"]],
                ["platform", ["platform-eu-central-1", "platform-us-east-1"]],
                ["canary", ["delta"]],
                ["canary", ["epsilon"]],
                ["canary", ["beta"]],
                ["canary", ["eta"]],
                ["canary", ["alpha"]],
                ["fleet", ["gamma", "iota"]],
                ["fleet", ["theta", "zeta"]],
            ],
        },
        {
            parallel: 4,
            waves: [
                ["platform", ["platform-eu-west-1"]],
                ["platform", ["platform-eu-central-1", "platform-us-east-1"]],
                ["canary", ["delta"]],
                ["canary", ["epsilon"]],
                ["canary", ["beta"]],
                ["canary", ["eta"]],
                ["canary", ["alpha"]],
                ["fleet", ["gamma", "iota", "theta", "zeta"]],
            ],
        },
    ])("GIVEN a mixed fleet WHEN planned with parallel $parallel THEN platforms, then test/demo and one production canary per mode, then waves of at most $parallel", ({ parallel, waves }) => {
        expect(rolloutPlan(fleet, parallel).map((wave) => [wave.stage, wave.stacks])).toEqual(waves);
    });

    it("GIVEN only canaries WHEN planned THEN there is no fleet wave and every tenant appears exactly once", () => {
        const plan = rolloutPlan([t("a-one", "saas", "eu-west-1"), t("b-two", "saas", "eu-west-1", "test")], 3);
        expect(plan.map((wave) => [wave.stage, wave.stacks])).toEqual([
            ["platform", ["platform-eu-west-1"]],
            ["canary", ["b-two"]],
            ["canary", ["a-one"]],
        ]);
    });

    it("GIVEN no tenant in the home region WHEN planned THEN the home platform still comes first, alone; another home region is honoured", () => {
        expect(rolloutPlan([t("a-one", "saas", "us-east-1")], 3).map((wave) => [wave.stage, wave.stacks])).toEqual([
            ["platform", ["platform-eu-west-1"]],
            ["platform", ["platform-us-east-1"]],
            ["canary", ["a-one"]],
        ]);
        expect(rolloutPlan([t("a-one", "saas", "eu-west-1")], 3, "us-east-1").map((wave) => wave.stacks)[0]).toEqual(["platform-us-east-1"]);
    });

    it.each([0, -1, 1.5])("GIVEN parallel %s WHEN planned THEN it is refused", (parallel) => {
        expect(() => rolloutPlan(fleet, parallel)).toThrow(`parallel must be a whole number of at least 1, got ${parallel}`);
    });
});

describe("runRollout", () => {
    it("GIVEN a failure in the second wave WHEN run THEN its wave-mates finish, no later stack starts, and the outcome says so", async () => {
        const started: string[] = [];
        let inFlight = 0;
        let maxInFlight = 0;
        const outcome = await runRollout(
            [
                { stage: "platform", stacks: ["p1", "p2"] },
                { stage: "fleet", stacks: ["a", "bad"] },
                { stage: "fleet", stacks: ["c", "d"] },
            ],
            async (stack) => {
                started.push(stack);
                inFlight += 1;
                maxInFlight = Math.max(maxInFlight, inFlight);
                await new Promise((resolve) => setTimeout(resolve, 5));
                inFlight -= 1;
                if (stack === "bad") {
                    throw new Error("code: 255\n stdout: Updating (bad):\n stderr: error: update failed\n");
                }
            },
        );
        expect(started).toEqual(["p1", "p2", "a", "bad"]);
        expect(maxInFlight).toBe(2);
        expect(outcome).toEqual({ succeeded: ["p1", "p2", "a"], failed: [{ stack: "bad", error: "error: update failed" }], notStarted: ["c", "d"] });
    });

    it("GIVEN continueOnFailure WHEN a stack fails THEN the later waves still run", async () => {
        const outcome = await runRollout(
            [
                { stage: "fleet", stacks: ["bad"] },
                { stage: "fleet", stacks: ["b"] },
            ],
            async (stack) => {
                if (stack === "bad") throw new Error("boom");
            },
            { continueOnFailure: true },
        );
        expect(outcome).toEqual({ succeeded: ["b"], failed: [{ stack: "bad", error: "boom" }], notStarted: [] });
    });

    it.each([
        [new Error("code: 255\n stdout: x\n stderr: error: no stack named 'acme' found\n"), "error: no stack named 'acme' found"],
        [new Error("\n\nplain failure\nmore"), "plain failure"],
        ["a string", "a string"],
    ])("GIVEN %j WHEN summarised THEN the summary keeps %j", (error, line) => {
        expect(firstLine(error)).toBe(line);
    });
});

describe("finalBackupPlan", () => {
    const vault = "arn:aws:backup:eu-west-1:123456789012:backup-vault:acme-backup-vault-1f2e";
    const role = "arn:aws:iam::123456789012:role/acme-backup-role-3c4d";
    it.each([
        {
            name: "an RDS address and a bucket name (derived ARNs)",
            outputs: { url: "https://x", databaseAddress: "acme-db-7a8b.cq1w2e3r4t5y.eu-west-1.rds.amazonaws.com", filesBucket: "acme-files-9z", backupVaultArn: vault, backupRoleArn: role },
            jobs: [
                { label: "database", resourceArn: "arn:aws:rds:eu-west-1:123456789012:db:acme-db-7a8b" },
                { label: "files", resourceArn: "arn:aws:s3:::acme-files-9z" },
            ],
        },
        {
            name: "explicit databaseArn and filesBucketArn (preferred to derivation)",
            outputs: {
                databaseAddress: "10.20.3.4",
                databaseArn: "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0",
                filesBucketArn: "arn:aws:s3:::acme-files-explicit",
                filesBucket: "ignored",
                backupVaultArn: vault,
                backupRoleArn: role,
            },
            jobs: [
                { label: "database", resourceArn: "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0" },
                { label: "files", resourceArn: "arn:aws:s3:::acme-files-explicit" },
            ],
        },
    ])("GIVEN $name WHEN planned THEN it backs up the database and the files into the stack's vault", ({ outputs, jobs }) => {
        expect(finalBackupPlan(outputs)).toEqual({ kind: "backup", plan: { region: "eu-west-1", vaultName: "acme-backup-vault-1f2e", roleArn: role, jobs } });
    });

    it("GIVEN a deployed stack without data outputs (saas) WHEN planned THEN there is nothing to back up", () => {
        expect(finalBackupPlan({ url: "https://app.itm.example.net", tenantId: "brightpath" }).kind).toBe("nothing");
    });

    it.each([
        [{}, "the stack has no outputs at all (never fully deployed?)"],
        [{ databaseAddress: "acme-db.cq1w2e3r4t5y.eu-west-1.rds.amazonaws.com", backupVaultArn: vault }, 'output backupRoleArn is null: expected the ARN of the IAM role AWS Backup assumes'],
        [{ filesBucket: "b", backupVaultArn: "arn:aws:s3:::not-a-vault", backupRoleArn: role }, 'output backupVaultArn is "arn:aws:s3:::not-a-vault": expected a backup vault ARN'],
        [{ databaseAddress: "10.20.3.4", backupVaultArn: vault, backupRoleArn: role }, 'output databaseAddress is "10.20.3.4", not an RDS endpoint, and there is no databaseArn output'],
        [{ backupVaultArn: vault, backupRoleArn: role }, "the stack has a backup vault but neither a database nor a files bucket output"],
    ])("GIVEN outputs %j WHEN planned THEN it refuses: %s", (outputs, message) => {
        const decision = finalBackupPlan(outputs);
        expect(decision.kind).toBe("invalid");
        expect(decision.kind === "invalid" && decision.problems.join("\n")).toContain(message);
    });

    it("GIVEN a plan WHEN the job arguments are built THEN they name vault, resource, role, region and a lifecycle the vault lock accepts", () => {
        const decision = finalBackupPlan({ filesBucket: "acme-files", backupVaultArn: vault, backupRoleArn: role });
        if (decision.kind !== "backup") throw new Error("expected a backup plan");
        expect(startBackupJobArgs(decision.plan, decision.plan.jobs[0]!, "acme")).toEqual([
            "backup", "start-backup-job", "--region", "eu-west-1", "--backup-vault-name", "acme-backup-vault-1f2e", "--resource-arn", "arn:aws:s3:::acme-files",
            "--iam-role-arn", role, "--lifecycle", '{"DeleteAfterDays":365}', "--recovery-point-tags", '{"purpose":"final-before-destroy","tenant":"acme","target":"files"}', "--output", "json",
        ]);
        expect(FINAL_BACKUP_RETENTION_DAYS).toBeLessThanOrEqual(366);
    });
});

describe("offboarding helpers", () => {
    it("GIVEN an exported deployment WHEN read THEN the targets are its RDS instances and load balancers, not what is pending deletion", () => {
        const deployment = {
            deployment: {
                resources: [
                    { urn: "urn:a", type: "pulumi:pulumi:Stack" },
                    { urn: "urn:db", type: "aws:rds/instance:Instance" },
                    { urn: "urn:old-db", type: "aws:rds/instance:Instance", delete: true },
                    { urn: "urn:alb", type: "aws:lb/loadBalancer:LoadBalancer" },
                    { urn: "urn:bucket", type: "aws:s3/bucket:Bucket" },
                ],
            },
        };
        expect(protectedUrns(deployment)).toEqual(["urn:db", "urn:alb"]);
        expect(protectedUrns({})).toEqual([]);
    });

    it.each([
        [[], ["no backup job finished"]],
        [[{ label: "database", jobId: "j1", recoveryPointArn: "" }], ['the database job j1 reported "", not a recovery point ARN']],
        [[{ label: "files", jobId: "j2", recoveryPointArn: "arn:aws:s3:::bucket" }], ['the files job j2 reported "arn:aws:s3:::bucket", not a recovery point ARN']],
    ])("GIVEN finished jobs %j WHEN recorded THEN the backup is not confirmed: %j", (backups, problems) => {
        expect(finalBackupRecord(backups, new Date(0))).toEqual({ problems });
    });

    it("GIVEN jobs with recovery points WHEN recorded THEN the record names them and when", () => {
        const arn = "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
        expect(finalBackupRecord([{ label: "database", jobId: "j1", recoveryPointArn: arn }], new Date(0))).toEqual({
            record: { completedAt: "1970-01-01T00:00:00.000Z", recoveryPoints: { database: arn } },
        });
    });

    const commandError = (stderr: string) => {
        const error = new Error(`code: 255\n stdout: \n stderr: ${stderr}\n`) as Error & { commandResult: { stderr: string } };
        error.commandResult = { stderr };
        return error;
    };
    it.each([
        ["error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions", "login"],
        ["error: getting user info: [401] Unauthorized: No credentials provided or are invalid.", "login"],
        ["error: failed to load checkpoint: ExpiredToken: The security token included in the request is expired", "login"],
        ['error: Get "https://api.pulumi.com/api/user": dial tcp 52.1.2.3:443: i/o timeout', "network"],
        ["error: connection refused", "network"],
        ["error: something else entirely", "other"],
    ])("GIVEN the CLI's %j WHEN classified THEN it is a %s problem", (stderr, kind) => {
        expect(classifySelectFailure(commandError(stderr))).toEqual({ kind, detail: stderr });
    });
});

describe("changedStacks", () => {
    const entry = (tenant: string, status?: string) => ({ tenant, mode: "cloud", resources: [], ...(status ? { diff: { status, added: [], removed: [], changed: [], outputs: [] } } : {}) });
    it.each([
        [[entry("acme", "unchanged"), entry("globex", "changed"), entry("zeta", "new")], ["globex", "zeta"]],
        [[entry("gone", "removed"), entry("platform-eu-west-1", "changed")], ["platform-eu-west-1"]],
        [[entry("b"), entry("a", "renamed-status")], ["a", "b"]],
        [[entry("c", "unchanged")], []],
    ])("GIVEN stacks %j WHEN read THEN %j need a preview (no or unknown status counts as changed; removed is not previewed)", (tenants, stacks) => {
        expect(changedStacks({ version: 1, tenants })).toEqual(stacks);
    });

    it("GIVEN something else WHEN read THEN it is refused", () => {
        expect(() => changedStacks({ version: 1 })).toThrow(/not a plan document: expected a `tenants` array/);
    });

    it("GIVEN a stack listed twice, whatever its statuses, WHEN read THEN it is refused naming it and both entries", () => {
        expect(() => changedStacks({ version: 1, tenants: [entry("acme", "unchanged"), entry("globex", "changed"), entry("acme", "removed")] })).toThrow(
            'the stack "acme" is listed twice (tenants[0] and tenants[2]): a plan lists each stack once',
        );
        expect(changedStacks({ version: 1, tenants: [entry("acme", "unchanged"), null, { mode: "cloud" }, entry("globex", "changed")] })).toEqual(["globex"]);
    });

    it.each<[string, unknown, string]>([
        ["not a plan document", { version: 1 }, "not a plan document: expected a `tenants` array (npm run plan -- --all --base <ref> --json)"],
        ["a stack listed twice", { version: 1, tenants: [entry("acme", "new"), entry("acme", "new")] }, 'the stack "acme" is listed twice (tenants[0] and tenants[1]): a plan lists each stack once'],
    ])("GIVEN %s WHEN `changed` reads it THEN one line naming the file, exit 2, no stack trace", async (_what, document, message) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-ops-changed-"));
        try {
            const file = path.join(dir, "plan.json");
            fs.writeFileSync(file, JSON.stringify(document));
            const result = await runCli("stack-ops", () => main(["changed", "--plan", file]));
            expect(result).toMatchObject({ status: 2, stdout: "" });
            expect(result.stderr).toBe(`stack-ops: ${file}: ${message}; see --help\n`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("GIVEN a diffed plan WHEN `changed` reads it THEN the stacks to preview, sorted, one line of JSON", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-ops-changed-"));
        try {
            const file = path.join(dir, "plan.json");
            fs.writeFileSync(file, JSON.stringify({ version: 1, tenants: [entry("zeta", "new"), entry("acme", "unchanged"), entry("globex", "changed")] }));
            expect(await runCli("stack-ops", () => main(["changed", "--plan", file]))).toEqual({ status: 0, stdout: '["globex","zeta"]\n', stderr: "" });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("parseRequest", () => {
    it.each([
        [["destroy", "platform-eu-west-1"], "platform-eu-west-1 is a platform stack that every tenant of its region uses"],
        [["destroy", "acme", "globex"], "destroy takes exactly one tenant id"],
        [["up", "--all", "acme"], "up takes either stack names or --all"],
        [["up"], "up takes either stack names or --all"],
        [["up", "--all", "--parallel", "0"], '--parallel expects a whole number of at least 1, got "0"'],
        [["up", "acme", "--yes"], "--yes applies to destroy only"],
        [["deploy", "acme"], 'unknown command "deploy"'],
    ])("GIVEN %j WHEN parsed THEN it is a usage error: %s", (argv, message) => {
        expect(() => parseRequest(argv)).toThrow(message);
    });
});

describe("loadDotenv", () => {
    it("GIVEN a .env copied from .env.example with AWS_PROFILE left empty WHEN loaded THEN the empty ones stay unset, so no CLI is handed a profile named \"\"", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dotenv-")), ".env");
        fs.writeFileSync(file, "PULUMI_BACKEND_URL=s3://state\nAWS_PROFILE=\nSTACK_PARALLEL=2\nLOG_LEVEL=debug\n");
        const env: NodeJS.ProcessEnv = { LOG_LEVEL: "warn" };
        try {
            loadDotenv(env, file);
        } finally {
            fs.rmSync(path.dirname(file), { recursive: true, force: true });
        }
        expect(env).toEqual({ PULUMI_BACKEND_URL: "s3://state", STACK_PARALLEL: "2", LOG_LEVEL: "warn" });
        expect(readSettings(env)).toMatchObject({ backendUrl: "s3://state", awsProfile: undefined, stackParallel: 2, logLevel: "warn" });
    });
});

describe("the backend URL in logs and messages", () => {
    it.each([
        ["postgres://itm:s3cret@db.internal:5432/pulumi", "postgres://itm:***@db.internal:5432/pulumi"],
        ["s3://itm-pulumi-state?region=eu-west-1", "s3://itm-pulumi-state?region=eu-west-1"],
        ["file://~/.pulumi-local", "file://~/.pulumi-local"],
        ["https://api.pulumi.com", "https://api.pulumi.com"],
    ])("GIVEN PULUMI_BACKEND_URL %s WHEN the settings are read THEN it is shown as %s", (url, shown) => {
        expect(readSettings({ PULUMI_BACKEND_URL: url }).backendUrl).toBe(shown);
        expect(withoutPassword(url)).toBe(shown);
    });
});

describe("formatLine", () => {
    it("GIVEN a line of the CLI's output WHEN formatted THEN it carries no event label", () => {
        expect(formatLine(JSON.stringify({ level: 30, time: Date.UTC(2025, 0, 1), stack: "acme", event: "output", msg: "Updating (acme):" }))).toBe("00:00:00 INFO  [acme] Updating (acme):");
    });

    it("GIVEN a JSON log line WHEN formatted for a terminal THEN it reads time, level, stack, message and extra fields", () => {
        const time = Date.UTC(2025, 0, 2, 3, 4, 5);
        expect(formatLine(JSON.stringify({ level: 30, time, stack: "acme", event: "start", op: "up", msg: "up started" }))).toBe("03:04:05 INFO  [acme] up started event=start op=up");
    });
});
