// npm run dr in process: the contingency plan's steps against the stub pulumi and the AWS SDK
// mocked with aws-sdk-client-mock, on a clock the test drives.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { DescribeRestoreJobCommand, ListRecoveryPointsByBackupVaultCommand, StartRestoreJobCommand } from "@aws-sdk/client-backup";
import { CreateRuleCommand, DeleteRuleCommand, DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DeleteDBInstanceCommand, ModifyDBInstanceCommand } from "@aws-sdk/client-rds";
import { PublishCommand } from "@aws-sdk/client-sns";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { UsageError } from "../scripts/lib/cli";
import { sdkAws } from "../scripts/lib/dr/aws";
import { pulumiCli } from "../scripts/lib/dr/pulumi-cli";
import type { RunState } from "../scripts/lib/dr/run-file";
import { createWorld, DATA_KEY, DATABASE, dr, LISTENER, output, PRODUCTION_OUTPUTS, pulumiCalls, recoveryPoints, START, STUBS, SYSTEM_PATH, TOPIC, VAULT, World, useStubPulumi } from "./dr-fixture";
import { installRdsFake } from "./dr-rds-fake";

useStubPulumi("dr-home");

let world: World;
const worlds: World[] = [];
beforeEach(() => {
    world = createWorld();
    worlds.push(world);
});
afterEach(() => {
    // Whatever a test did, production was never updated, configured or destroyed by dr.
    const production = pulumiCalls(world).filter((call) => call.stack === "acme" || (call.argv[0] === "stack" && call.argv.includes("rm") && call.argv.includes("acme")));
    expect(production.filter((call) => ["up", "destroy", "config", "preview", "refresh", "import", "state"].includes(call.argv[0]!)).map((call) => call.argv.join(" "))).toEqual([]);
    // And no AWS call deleted anything outside failback's removal of dr's own maintenance rule.
    const deletes = world.elb.commandCalls(DeleteRuleCommand).map((call) => call.args[0].input.RuleArn);
    expect(deletes.filter((arn) => arn !== `${LISTENER}/maintenance`)).toEqual([]);
    // Databases: a drill's, and the instance failback's restore job created (once re-encrypted into acme-<run>-back).
    expect(world.rds.commandCalls(DeleteDBInstanceCommand).map((call) => call.args[0].input.DBInstanceIdentifier).filter((id) => !id!.startsWith("acme-drill-") && id !== "acme-20260302t030000z")).toEqual([]);
});
afterAll(() => {
    for (const w of worlds) fs.rmSync(w.dir, { recursive: true, force: true });
});

const ACTIVATE_ORDER = ["block", "version", "restore", "check", "redirect"];
const DRILL_ORDER = ["version", "restore", "check", "teardown"];

function runState(world: World): RunState {
    const folder = path.join(world.runDir, "acme");
    const latest = fs.readdirSync(folder).filter((name) => name.endsWith(".json")).sort().pop()!;
    return JSON.parse(fs.readFileSync(path.join(folder, latest), "utf8")) as RunState;
}

/** The pulumi calls that change something, as `verb stack [key=value]`. */
function changes(world: World): string[] {
    return pulumiCalls(world)
        .filter((call) => call.phase !== "end" && ["up", "destroy", "config", "stack"].includes(call.argv[0]!) && !(call.argv[0] === "stack" && ["select", "output"].includes(call.argv[1]!)))
        .map((call) => (call.argv[0] === "config" ? `config ${call.stack} ${call.argv[2]}=${call.argv[call.argv.indexOf("--") + 1]}` : call.argv[0] === "stack" ? `stack ${call.argv[1]} ${call.argv[2]}` : `${call.argv[0]} ${call.stack}`));
}

describe("activate", () => {
    it("GIVEN production down and fresh off-site points WHEN activated with --yes THEN the seed's five steps run in order, each once, and DNS is redirected last", async () => {
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(0);
        expect(runState(world).steps.map((step) => [step.name, step.status])).toEqual(ACTIVATE_ORDER.map((name) => [name, "done"]));
        expect(changes(world)).toEqual([
            // The version step brings the idle environment's release in step; the restore lands in the
            // idle environment, which one update then activates with its data.
            "up acme-recovery",
            "config acme-recovery recoveryActive=true",
            "config acme-recovery restoredDatabase=acme-recovery-20260302t030000z",
            "config acme-recovery restoredFilesBucket=acme-recovery-files",
            "up acme-recovery",
            "config acme-recovery recoveryRedirect=true",
            "up acme-recovery",
        ]);
        const rule = world.elb.commandCalls(CreateRuleCommand)[0]!.args[0].input;
        expect(rule).toMatchObject({ ListenerArn: LISTENER, Priority: 1, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/*"] } }] });
        expect(rule.Actions![0]!.FixedResponseConfig).toMatchObject({ StatusCode: "503", ContentType: "text/html" });
        expect(world.sns.commandCalls(PublishCommand)[0]!.args[0].input).toMatchObject({ TopicArn: TOPIC, Subject: "[incident] acme: recovery environment activation started" });
        const restores = world.backup.commandCalls(StartRestoreJobCommand).map((call) => call.args[0].input);
        expect(restores).toEqual([
            {
                RecoveryPointArn: `arn:aws:backup:eu-central-1:123456789012:recovery-point:${DATABASE}-newest`,
                ResourceType: "RDS",
                IamRoleArn: "arn:aws:iam::123456789012:role/acme-recovery-restore",
                Metadata: { DBInstanceIdentifier: "acme-recovery-20260302t030000z", DBSubnetGroupName: "acme-recovery-db", VpcSecurityGroupIds: '["sg-0a1b2c3d"]', AvailabilityZone: "eu-central-1a" },
                IdempotencyToken: "20260302t030000z-acme-recovery-database",
            },
            expect.objectContaining({
                ResourceType: "S3",
                Metadata: { DestinationBucketName: "acme-recovery-files", NewBucket: "false", Encrypted: "true", EncryptionType: "SSE-KMS", KMSKey: DATA_KEY },
                IdempotencyToken: "20260302t030000z-acme-recovery-files",
            }),
        ]);
        expect(world.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0]!.args[0].input).toMatchObject({ BackupVaultName: "acme-offsite", ByResourceArn: DATABASE });
        // Every point comes from the off-site vault (the backup server, which keeps the weekly points a
        // year), never from production's home vault (gone with its region; weekly points kept 7 days there).
        expect(new Set(world.backup.commandCalls(ListRecoveryPointsByBackupVaultCommand).map((call) => call.args[0].input.BackupVaultName))).toEqual(new Set(["acme-offsite"]));
        // The restored Postgres has no managed master secret: dr turns it on, with the recovery's data key, before the stack takes the database over.
        expect(world.rds.commandCalls(ModifyDBInstanceCommand).map((call) => call.args[0].input)).toEqual([
            { DBInstanceIdentifier: "acme-recovery-20260302t030000z", ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: DATA_KEY, ApplyImmediately: true },
        ]);
        expect(VAULT).toContain("acme-offsite");
    });

    it("GIVEN no --yes WHEN the operator types something else THEN nothing changes; typing the target goes on", async () => {
        expect(await dr(world, ["activate", "acme"], { stdin: "yes\n" })).toBe(1);
        expect(output(world)).toContain("not confirmed; nothing was changed");
        expect(changes(world)).toEqual([]);
        expect(world.elb.commandCalls(CreateRuleCommand)).toHaveLength(0);
        expect(await dr(world, ["activate", "acme"], { stdin: "acme\n" })).toBe(0);
        expect(world.log.join("")).toContain("Type the target (acme) to go on");
    });

    it.each(ACTIVATE_ORDER)("GIVEN a failure in step %s WHEN resumed THEN the steps done are not run again and the run completes", async (step) => {
        world.failInStep = step;
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain(`failed at step ${step}: injected failure`);
        expect(output(world)).toContain("npm run dr -- activate acme --resume");
        const failed = runState(world);
        expect(failed.steps.map((s) => s.status)).toEqual([...ACTIVATE_ORDER.slice(0, ACTIVATE_ORDER.indexOf(step)).map(() => "done"), "failed"]);
        // A new run is refused while this one is unfinished.
        expect(await dr(world, ["activate", "acme", "--yes"]).catch((error: UsageError) => error.message)).toMatch(/an unfinished activate of acme exists/);
        expect(await dr(world, ["activate", "acme", "--yes", "--resume"])).toBe(0);
        const resumed = runState(world);
        expect(resumed.runId).toBe(failed.runId);
        expect(resumed.steps.map((s) => [s.name, s.status])).toEqual(ACTIVATE_ORDER.map((name) => [name, "done"]));
        expect(world.elb.commandCalls(CreateRuleCommand)).toHaveLength(1);
        expect(world.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(2);
        expect(changes(world).filter((change) => change === "config acme-recovery recoveryRedirect=true")).toHaveLength(1);
    });

    it("GIVEN restore jobs that take 2 h 10 min WHEN activated THEN it completes, the report and the log say the promise was BREACHED and by how much", async () => {
        world.backup.on(DescribeRestoreJobCommand).callsFake(() => (world.now.getTime() - START.getTime() >= 130 * 60_000 ? { Status: "COMPLETED" } : { Status: "RUNNING" }));
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(0);
        expect(output(world)).toContain("the two-hour promise was BREACHED");
        expect(output(world)).toMatch(/\| Time to active \| 2 h 10 min \(active 2026-03-02T05:10:00.000Z\): \*\*BREACHED\*\*: 10 min over the 2 h promise \|/);
        expect(world.log.join("")).toContain('"event":"promise-breached"');
    });

    it("GIVEN --since 1 h 30 min before the run WHEN the run itself takes 40 min THEN the two hours count from the collapse: breached", async () => {
        world.backup.on(DescribeRestoreJobCommand).callsFake(() => (world.now.getTime() - START.getTime() >= 40 * 60_000 ? { Status: "COMPLETED" } : { Status: "RUNNING" }));
        expect(await dr(world, ["activate", "acme", "--yes", "--since", "2026-03-02T01:30:00Z"])).toBe(0);
        expect(output(world)).toContain("| Collapse (counted from) | 2026-03-02T01:30:00.000Z |");
        expect(output(world)).toContain("2 h 10 min");
        expect(output(world)).toContain("BREACHED");
    });

    it("GIVEN the report WHEN written THEN it lists every step with times, the points restored and the time to active within the promise", async () => {
        const file = path.join(world.dir, "out", "report.md");
        expect(await dr(world, ["activate", "acme", "--yes", "--report", file])).toBe(0);
        const report = fs.readFileSync(file, "utf8");
        expect(report).toContain("# Disaster recovery: activate acme");
        expect(report).toContain("| Outcome | completed |");
        expect(report).toContain("| Time to active | 0 min (active 2026-03-02T03:00:00.000Z): within the 2 h promise |");
        for (const [index, step] of ACTIVATE_ORDER.entries()) {
            expect(report).toMatch(new RegExp(`\\| ${index + 1} \\| ${step}: .* \\| 2026-03-02T03:00:00.000Z \\| 2026-03-02T03:00:00.000Z \\| 0 min \\| done \\|`));
        }
        expect(report).toContain(`| database | \`arn:aws:backup:eu-central-1:123456789012:recovery-point:${DATABASE}-newest\` | 2026-03-02T02:30:00.000Z | 30 min |`);
        expect(report).toContain("| files |");
        expect(fs.readFileSync(path.join(world.runDir, "acme", `${runState(world).runId}.md`), "utf8")).toBe(report);
        expect(report).not.toContain("[secret]");
    });
});

describe("refusals: nothing changes", () => {
    const nothingChanged = (w: World) => {
        expect(changes(w)).toEqual([]);
        expect(w.elb.commandCalls(CreateRuleCommand)).toHaveLength(0);
        expect(w.sns.commandCalls(PublishCommand)).toHaveLength(0);
        expect(w.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
    };

    it.each([["activate", "Not_A_Tenant"], ["activate", "platform-mars-1"], ["drill", "acme-recovery"], ["activate"], ["rollback", "acme"]])("GIVEN %s %s WHEN run THEN a usage error", async (...argv) => {
        await expect(dr(world, argv)).rejects.toThrow(UsageError);
        nothingChanged(world);
    });

    it("GIVEN a target without a stack WHEN activated THEN refused: not deployed", async () => {
        expect(await dr(world, ["activate", "ghost", "--yes"])).toBe(1);
        expect(output(world)).toContain("refused: there is no stack ghost");
        nothingChanged(world);
    });

    it("GIVEN a tenant without a recovery stack (saas) WHEN activated THEN refused, pointing at its platform", async () => {
        fs.rmSync(path.join(world.dir, "stacks", "acme-recovery.json"));
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("there is no stack acme-recovery: acme has no recovery environment");
        expect(output(world)).toContain("recover with their platform-<region>");
        nothingChanged(world);
    });

    it.each(["activate", "drill"])("GIVEN no completed database recovery point WHEN %s THEN refused", async (operation) => {
        recoveryPoints(world, { database: null });
        expect(await dr(world, [operation, "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain(`refused: no completed recovery point of the database (${DATABASE}) in the off-site vault ${VAULT}`);
        nothingChanged(world);
    });

    it.each([
        ["no credentials", Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }), "stopped: no AWS credentials (Could not load credentials from any providers): set AWS_PROFILE"],
        ["a permission AWS refused", Object.assign(new Error("User is not authorized to perform: backup:ListRecoveryPointsByBackupVault"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }), "stopped: AWS refused a call (AccessDeniedException: User is not authorized"],
        ["AWS out of reach", Object.assign(new Error("getaddrinfo ENOTFOUND backup.eu-central-1.amazonaws.com"), { code: "ENOTFOUND" }), "stopped: AWS could not be reached (ENOTFOUND: getaddrinfo"],
    ])("GIVEN %s WHEN a drill checks its recovery points THEN one line naming the cause, exit 1, nothing changed", async (_name, error, expected) => {
        world.backup.on(ListRecoveryPointsByBackupVaultCommand).rejects(error);
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain(`drill: ${expected}`);
        expect(output(world)).toContain("Nothing was changed.");
        nothingChanged(world);
    });

    it("GIVEN a database point 5 h 01 min old (promise: 5 h) WHEN activated THEN refused; --force restores it and the report says so", async () => {
        recoveryPoints(world, { database: 301 });
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("is 5 h 01 min old; the backup promise allows 5 h 00 min");
        nothingChanged(world);
        expect(await dr(world, ["activate", "acme", "--yes", "--force"])).toBe(0);
        expect(output(world)).toContain("5 h 01 min (older than the promise, --force)");
    });

    it("GIVEN a files point 33 h 01 min old (promise: 24 h + 1 h + 8 h) WHEN activated THEN refused", async () => {
        recoveryPoints(world, { files: 33 * 60 + 1 });
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("the newest recovery point of the files");
        nothingChanged(world);
    });

    it("GIVEN production still passing its functional check WHEN activated THEN refused; --force goes on", async () => {
        world.check = () => ({ ok: true, status: 200 });
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("refused: production acme still passes its functional check (https://acme.itm.example.net answered 200)");
        nothingChanged(world);
        expect(await dr(world, ["activate", "acme", "--yes", "--force"])).toBe(0);
    });

    it("GIVEN a production output missing WHEN activated THEN stopped with the stack and the output named", async () => {
        const outputs = JSON.parse(fs.readFileSync(path.join(world.dir, "outputs.json"), "utf8"));
        delete outputs.acme.httpsListenerArn;
        fs.writeFileSync(path.join(world.dir, "outputs.json"), JSON.stringify(outputs));
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("stack acme: httpsListenerArn is missing");
        nothingChanged(world);
    });

    it("GIVEN no pulumi on PATH WHEN activated THEN exit 2 with the install hint, and nothing runs", async () => {
        process.env.PATH = SYSTEM_PATH;
        try {
            expect(await dr(world, ["activate", "acme", "--yes"], { pulumi: false })).toBe(2);
        } finally {
            process.env.PATH = `${STUBS}${path.delimiter}${SYSTEM_PATH}`;
        }
        expect(world.log.join("")).toContain("dr: the Pulumi CLI (`pulumi`) is not on PATH");
        nothingChanged(world);
    });

    it("GIVEN a pulumi killed by a signal WHEN the CLI wrapper reads a stack THEN the error names the signal, not an exit code of null", async () => {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "killed-pulumi-"));
        fs.writeFileSync(path.join(bin, "pulumi"), "#!/usr/bin/env bash\nkill -KILL $$\n", { mode: 0o755 });
        process.env.PATH = `${bin}${path.delimiter}${SYSTEM_PATH}`;
        try {
            const cli = pulumiCli(pino({ level: "silent" }));
            await expect(cli.outputs("acme")).rejects.toThrow(/^pulumi stack output --json --stack acme was killed by SIGKILL$/);
            await expect(cli.exists("acme")).rejects.toThrow(/^pulumi stack output --json --stack acme was killed by SIGKILL$/);
        } finally {
            process.env.PATH = `${STUBS}${path.delimiter}${SYSTEM_PATH}`;
            fs.rmSync(bin, { recursive: true, force: true });
        }
    });

    it("GIVEN a passphrase-secured backend and no PULUMI_CONFIG_PASSPHRASE WHEN activated THEN dr stops with the CLI's reason; pulumi never waits on a prompt nobody sees", async () => {
        const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE;
        process.env.STUB_PULUMI_PASSPHRASE = "1";
        delete process.env.PULUMI_CONFIG_PASSPHRASE;
        try {
            expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        } finally {
            delete process.env.STUB_PULUMI_PASSPHRASE;
            if (passphrase !== undefined) process.env.PULUMI_CONFIG_PASSPHRASE = passphrase;
        }
        expect(output(world)).toContain("activate: stopped: pulumi stack output --stack acme failed: error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables");
        expect(pulumiCalls(world).filter((call) => call.phase === "prompt")).toEqual([]);
        nothingChanged(world);
    });

    it("GIVEN a passphrase-secured backend and no PULUMI_CONFIG_PASSPHRASE WHEN the CLI wrapper runs each of its commands THEN each fails with the CLI's reason, none prompts", async () => {
        const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE;
        process.env.STUB_PULUMI_PASSPHRASE = "1";
        delete process.env.PULUMI_CONFIG_PASSPHRASE;
        try {
            const cli = pulumiCli(pino({ level: "silent" }));
            const reason = "passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables";
            await expect(cli.exists("acme-recovery")).rejects.toThrow(reason);
            await expect(cli.outputs("acme-recovery")).rejects.toThrow(reason);
            await expect(cli.setConfig("acme-recovery", "recoveryActive", "true")).rejects.toThrow(reason);
            await expect(cli.copyStack("acme-recovery", "acme-drill")).rejects.toThrow(reason);
            await expect(cli.up("acme-recovery")).rejects.toThrow(reason);
            await expect(cli.destroy("acme-drill")).rejects.toThrow(reason);
        } finally {
            delete process.env.STUB_PULUMI_PASSPHRASE;
            if (passphrase !== undefined) process.env.PULUMI_CONFIG_PASSPHRASE = passphrase;
        }
        expect(pulumiCalls(world).filter((call) => call.phase === "prompt")).toEqual([]);
        expect(pulumiCalls(world)).toHaveLength(6);
    });

    it("GIVEN the CLI wrapper WHEN asked to update, configure or destroy a production stack THEN it refuses before running pulumi", async () => {
        const cli = pulumiCli(pino({ level: "silent" }));
        await expect(cli.up("acme")).rejects.toThrow("dr refuses to update acme");
        await expect(cli.destroy("platform-eu-west-1")).rejects.toThrow("dr refuses to destroy platform-eu-west-1");
        await expect(cli.setConfig("acme", "recoveryActive", "true")).rejects.toThrow("dr refuses to configure acme");
        expect(pulumiCalls(world)).toEqual([]);
        await expect(sdkAws().deleteDrillDatabase("eu-central-1", "acme-db")).rejects.toThrow("dr refuses to delete the database acme-db");
        await expect(sdkAws().deleteDrillDatabase("eu-central-1", "acme-recovery-20260302t030000z")).rejects.toThrow("dr refuses");
        expect(world.rds.calls()).toHaveLength(0);
    });
});

describe("drill", () => {
    it("GIVEN --dry-run without credentials or pulumi WHEN drilled THEN the steps are printed and nothing is called", async () => {
        const env = { PATH: process.env.PATH, AWS_PROFILE: process.env.AWS_PROFILE };
        process.env.PATH = "/nonexistent";
        delete process.env.AWS_PROFILE;
        try {
            expect(await dr(world, ["drill", "acme", "--dry-run"], { pulumi: false })).toBe(0);
        } finally {
            process.env.PATH = env.PATH;
        }
        expect(output(world).split("\n")[0]).toBe("drill acme would run, in order (nothing was changed; no credentials used):");
        expect(output(world)).toContain("Promise: active within 2 h of the collapse.");
        expect(output(world).split("\n").slice(1, 5).map((line) => line.trim().split(":")[0])).toEqual(DRILL_ORDER.map((name, index) => `${index + 1}. ${name}`));
        expect(pulumiCalls(world)).toEqual([]);
        expect(world.backup.calls()).toHaveLength(0);
        expect(world.elb.calls()).toHaveLength(0);
    });

    it("GIVEN a drill WHEN run THEN the copy is created, restored into, checked and torn down; production, its front door and DNS untouched", async () => {
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(0);
        expect(runState(world).steps.map((step) => [step.name, step.status])).toEqual(DRILL_ORDER.map((name) => [name, "done"]));
        expect(changes(world)).toEqual([
            "stack init acme-drill",
            "config acme-drill recoveryActive=true",
            "config acme-drill recoveryRedirect=false",
            "up acme-drill",
            "config acme-drill recoveryActive=true",
            "config acme-drill restoredDatabase=acme-drill-20260302t030000z",
            "config acme-drill restoredFilesBucket=acme-drill-files",
            "up acme-drill",
            "destroy acme-drill",
            "stack rm acme-drill",
        ]);
        expect(world.elb.calls()).toHaveLength(0);
        expect(world.sns.calls()).toHaveLength(0);
        // The database the restore job created is no stack's: deleted, without a final snapshot, before the stack.
        expect(world.rds.commandCalls(DeleteDBInstanceCommand).map((call) => call.args[0].input)).toEqual([{ DBInstanceIdentifier: "acme-drill-20260302t030000z", SkipFinalSnapshot: true, DeleteAutomatedBackups: true }]);
        expect(runState(world).steps.find((step) => step.name === "teardown")!.detail).toEqual({ stack: "acme-drill", deletedDatabase: "acme-drill-20260302t030000z", deletedDatabases: ["acme-drill-20260302t030000z"] });
        expect(world.backup.commandCalls(StartRestoreJobCommand).map((call) => call.args[0].input.Metadata)).toEqual([
            expect.objectContaining({ DBSubnetGroupName: "acme-drill-db" }),
            expect.objectContaining({ DestinationBucketName: "acme-drill-files" }),
        ]);
        expect(output(world)).toContain("| Time to active | 0 min");
    });

    it.each(DRILL_ORDER)("GIVEN a failure in step %s WHEN resumed THEN it completes without repeating the steps done", async (step) => {
        world.failInStep = step;
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(1);
        expect(await dr(world, ["drill", "acme", "--yes", "--resume"])).toBe(0);
        expect(runState(world).steps.map((s) => [s.name, s.status])).toEqual(DRILL_ORDER.map((name) => [name, "done"]));
        expect(world.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(2);
        expect(changes(world).filter((change) => change === "stack init acme-drill")).toHaveLength(1);
    });

    it("GIVEN a drill that takes 2 h 01 min WHEN run THEN exit 1: the drill proves the promise is not kept", async () => {
        world.backup.on(DescribeRestoreJobCommand).callsFake(() => (world.now.getTime() - START.getTime() >= 121 * 60_000 ? { Status: "COMPLETED" } : { Status: "RUNNING" }));
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("**BREACHED**: 1 min over the 2 h promise");
    });
});

describe("failback and status", () => {
    it("GIVEN an active recovery WHEN failing back THEN announced, restored into production's network, waits for production to adopt the database, then reopens and redirects back", async () => {
        const outputs = JSON.parse(fs.readFileSync(path.join(world.dir, "outputs.json"), "utf8"));
        outputs["acme-recovery"] = { ...outputs["acme-recovery"], recoveryActive: true, backupVaultArn: "arn:aws:backup:eu-central-1:123456789012:backup-vault:acme-recovery", offsiteBackupVaultArn: "arn:aws:backup:eu-west-1:123456789012:backup-vault:acme-recovery-offsite", databaseArn: "arn:aws:rds:eu-central-1:123456789012:db:restored" };
        outputs.acme = { ...outputs.acme, restoreRoleArn: "arn:aws:iam::123456789012:role/acme-restore", restoreTarget: { dbSubnetGroupName: "acme-db", securityGroupIds: ["sg-0f"], filesBucketName: "acme-files", availabilityZone: "eu-west-1a" } };
        fs.writeFileSync(path.join(world.dir, "outputs.json"), JSON.stringify(outputs));
        world.backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [{ RecoveryPointArn: "arn:rp", ResourceType: "RDS", Status: "COMPLETED", CreationDate: START }] });
        world.backup.on(DescribeRestoreJobCommand).resolves({ Status: "COMPLETED", CreatedResourceArn: "arn:aws:rds:eu-west-1:123456789012:db:acme-20260302t030000z" });
        // The restore job's instance, under the key of the vault its copy sat in: reencrypt makes acme-<run>-back under production's key.
        installRdsFake(world.rds, "eu-west-1").instances.set("acme-20260302t030000z", { status: "available", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-4777-9666-555555555555", instanceClass: "db.t4g.medium", settle: 0 });
        world.check = () => ({ ok: true, status: 200 });
        expect(await dr(world, ["failback", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("failed at step adopt: production's database is arn:aws:rds:eu-west-1:123456789012:db:acme-db, not the restored arn:aws:rds:eu-west-1:123456789012:db:acme-20260302t030000z-back");
        expect(world.elb.commandCalls(DeleteRuleCommand)).toHaveLength(0);
        // The operator runs npm run up -- acme with the restored database; production's output says so.
        outputs.acme.databaseArn = "arn:aws:rds:eu-west-1:123456789012:db:acme-20260302t030000z-back";
        fs.writeFileSync(path.join(world.dir, "outputs.json"), JSON.stringify(outputs));
        world.elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: `${LISTENER}/maintenance`, Priority: "1", Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "503", MessageBody: "<!-- dr-maintenance --> down" } }] }] });
        expect(await dr(world, ["failback", "acme", "--yes", "--resume"])).toBe(0);
        expect(runState(world).steps.map((step) => step.name)).toEqual(["announce", "restore", "reencrypt", "adopt", "reopen", "redirect", "check"]);
        expect(world.backup.commandCalls(StartRestoreJobCommand)[0]!.args[0].input).toMatchObject({ IamRoleArn: "arn:aws:iam::123456789012:role/acme-restore", Metadata: expect.objectContaining({ DBSubnetGroupName: "acme-db" }) });
        expect(world.elb.commandCalls(DeleteRuleCommand).map((call) => call.args[0].input.RuleArn)).toEqual([`${LISTENER}/maintenance`]);
        expect(changes(world)).toEqual(["config acme-recovery recoveryRedirect=false", "up acme-recovery"]);
        expect(world.sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject).toBe("[planned] acme: return to production");
    });

    it.each(["announce", "restore", "reencrypt", "adopt", "reopen", "redirect", "check"])("GIVEN production already on the restored database and a failure in step %s WHEN resumed THEN the failback completes, each change made once", async (step) => {
        const back = "arn:aws:rds:eu-west-1:123456789012:db:acme-20260302t030000z";
        const outputs = JSON.parse(fs.readFileSync(path.join(world.dir, "outputs.json"), "utf8"));
        outputs["acme-recovery"] = { ...outputs["acme-recovery"], recoveryActive: true, backupVaultArn: "arn:aws:backup:eu-central-1:123456789012:backup-vault:acme-recovery", offsiteBackupVaultArn: "arn:aws:backup:eu-west-1:123456789012:backup-vault:acme-recovery-offsite", databaseArn: "arn:aws:rds:eu-central-1:123456789012:db:restored" };
        outputs.acme = { ...outputs.acme, databaseArn: back, restoreRoleArn: "arn:aws:iam::123456789012:role/acme-restore", restoreTarget: { dbSubnetGroupName: "acme-db", securityGroupIds: ["sg-0f"], filesBucketName: "acme-files", availabilityZone: "eu-west-1a" } };
        fs.writeFileSync(path.join(world.dir, "outputs.json"), JSON.stringify(outputs));
        world.backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [{ RecoveryPointArn: "arn:rp", ResourceType: "RDS", Status: "COMPLETED", CreationDate: START }] });
        world.backup.on(DescribeRestoreJobCommand).resolves({ Status: "COMPLETED", CreatedResourceArn: back });
        // Already under production's data key (a vault whose copies use it): reencrypt moves nothing.
        installRdsFake(world.rds, "eu-west-1").instances.set("acme-20260302t030000z", { status: "available", kmsKeyId: PRODUCTION_OUTPUTS.dataKeyArn, instanceClass: "db.t4g.medium", settle: 0 });
        world.check = () => ({ ok: true, status: 200 });
        world.failInStep = step;
        expect(await dr(world, ["failback", "acme", "--yes"])).toBe(1);
        expect(await dr(world, ["failback", "acme", "--yes", "--resume"])).toBe(0);
        expect(runState(world).steps.map((s) => s.status)).toEqual(["done", "done", "done", "done", "done", "done", "done"]);
        expect(world.rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
        expect(world.sns.commandCalls(PublishCommand)).toHaveLength(1);
        expect(world.backup.commandCalls(StartRestoreJobCommand)).toHaveLength(2);
        expect(changes(world)).toEqual(["config acme-recovery recoveryRedirect=false", "up acme-recovery"]);
    });

    it("GIVEN a drill copy left by an earlier drill WHEN a new drill starts THEN refused, naming how to resume or tear it down", async () => {
        fs.writeFileSync(path.join(world.dir, "stacks", "acme-drill.json"), JSON.stringify({ config: {} }));
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("refused: a drill copy acme-drill exists from an earlier drill: resume that drill (--resume) or tear it down (pulumi destroy --stack acme-drill)");
        expect(changes(world)).toEqual([]);
    });

    it("GIVEN status WHEN it looks for the stacks THEN it reads them and never selects one (the workspace's current stack stays the operator's)", async () => {
        expect(await dr(world, ["status", "acme"])).toBe(0);
        const calls = pulumiCalls(world).map((call) => call.argv.slice(0, 2).join(" "));
        expect(calls).toContain("stack output");
        expect(calls).not.toContain("stack select");
    });

    it("GIVEN a login the backend refuses WHEN a drill looks for the stacks THEN it stops with the CLI's reason, never 'there is no stack'", async () => {
        process.env.STUB_PULUMI_OUTPUT_ERROR = "error: [401] Unauthorized: No credentials provided or are invalid.";
        try {
            expect(await dr(world, ["drill", "acme", "--yes"])).toBe(1);
        } finally {
            delete process.env.STUB_PULUMI_OUTPUT_ERROR;
        }
        expect(output(world)).toContain("drill: stopped: pulumi stack output --stack acme failed: error: [401] Unauthorized");
        expect(output(world)).not.toContain("there is no stack");
        expect(changes(world)).toEqual([]);
    });

    it("GIVEN a fresh target and a stale one WHEN status THEN each point's age against the promise and exit 1", async () => {
        fs.writeFileSync(path.join(world.dir, "stacks", "platform-eu-west-1.json"), JSON.stringify({ config: {} }));
        expect(await dr(world, ["status", "acme"])).toBe(0);
        expect(output(world)).toBe(
            "acme: ready\n  recovery stack acme-recovery: idle, ready\n  database: newest off-site recovery point 30 min old (promise: at most 5 h 00 min)\n  files: newest off-site recovery point 5 h 00 min old (promise: at most 33 h 00 min)\n  last drill: none recorded\n",
        );
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(0);
        world.now = new Date(START.getTime() + 6 * 3_600_000);
        expect(await dr(world, ["status", "acme", "platform-eu-west-1"])).toBe(1);
        expect(output(world)).toContain("acme: NOT READY\n  recovery stack acme-recovery: idle, ready\n  NOT READY: database: newest off-site recovery point 6 h 30 min old");
        expect(output(world)).toContain("last drill: 2026-03-02T03:00:00.000Z, active in 0 min");
        expect(output(world)).toContain("platform-eu-west-1: NOT READY\n  NOT READY: no recovery stack platform-eu-west-1-recovery");
    });
});
