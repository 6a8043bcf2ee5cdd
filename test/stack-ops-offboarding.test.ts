// main's rollout of a tenant whose file says `status: offboarding` (contract v1.1): `npm run up --
// --all` offboards it with destroy's own steps (final backup, the record that lifts deletion
// protection, the targeted update, destroy), without a prompt, after the rest of the fleet. Run
// end to end against the stub `pulumi` and `aws` of test/fixtures/stub-pulumi, in a copy of the
// project whose tenant folder holds fixtures (never tenant-configs/).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runCli } from "./cli-harness";
import { projectCopy } from "../bench/project-copy";
import { TENANT_SCHEMA } from "./fixtures/fleet";

const REPO = path.resolve(__dirname, "..");
const STUBS = path.join(REPO, "test", "fixtures", "stub-pulumi");
const SYSTEM_PATH = [path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter);

const FIXTURES: Record<string, string> = {
    "stay.yaml": "tenant: stay\ncompany: Stay Ltd\nmode: saas\nregion: eu-west-1\n",
    "leaving.yaml": "tenant: leaving\ncompany: Leaving Inc\nmode: cloud\nregion: us-east-1\nstatus: offboarding\ndomain:\n  subdomain: leaving\nnetwork:\n  cidr: 10.60.0.0/16\n",
};

const OUTPUTS = {
    leaving: {
        url: "https://leaving.itm.example.net",
        databaseAddress: "leaving-db-1a2b.cq1w2e3r4t5y.us-east-1.rds.amazonaws.com",
        filesBucket: "leaving-files-3c4d",
        backupVaultArn: "arn:aws:backup:us-east-1:123456789012:backup-vault:leaving-backup-vault-5e6f",
        backupRoleArn: "arn:aws:iam::123456789012:role/leaving-backup-role-7a8b",
    },
};
const urn = (type: string, name: string) => `urn:pulumi:leaving::tenant-platform::${type}::${name}`;
const DATABASE_URN = urn("tenant-platform:data:Database$aws:rds/instance:Instance", "leaving-database-db");
const DOOR_URN = urn("tenant-platform:edge:FrontDoor$aws:lb/loadBalancer:LoadBalancer", "leaving-front-door-alb");

interface Call {
    readonly tool?: string;
    readonly phase: string;
    readonly argv: string[];
    readonly stack?: string;
}

const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

let repo: string;
beforeAll(() => {
    // The sources copied (the scripts find the project, and its tenant folder, from their own
    // files); the compiled program linked, current for the same sources, so nothing is rebuilt.
    repo = projectCopy({ prefix: "offboarding-repo-", copy: ["index.ts", "stacks", "components", "scripts", "platform-configs", "Pulumi.yaml", "package.json", "tsconfig.json"], link: ["dist", "policy"] });
    temporary.push(repo);
    // The tenant folder holds the fixtures and the schema the program imports, nothing of the live fleet.
    const tenants = path.join(repo, "tenant-configs");
    fs.mkdirSync(tenants);
    fs.copyFileSync(TENANT_SCHEMA, path.join(tenants, "tenant.schema.json"));
    for (const [file, text] of Object.entries(FIXTURES)) {
        fs.writeFileSync(path.join(tenants, file), text);
    }
});

/** The stub backend: outputs, and the deployed state of the offboarding tenant unless `deployed` is false. */
function stubState(deployed = true): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-ops-offboarding-"));
    temporary.push(dir);
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(deployed ? OUTPUTS : {}));
    if (deployed) {
        fs.mkdirSync(path.join(dir, "stacks"));
        const resources = [
            { urn: urn("pulumi:pulumi:Stack", "tenant-platform-leaving"), type: "pulumi:pulumi:Stack" },
            { urn: DATABASE_URN, type: "aws:rds/instance:Instance" },
            { urn: DOOR_URN, type: "aws:lb/loadBalancer:LoadBalancer" },
        ];
        fs.writeFileSync(path.join(dir, "stacks", "leaving.json"), JSON.stringify({ config: { "aws:region": "us-east-1" }, resources }));
    }
    return dir;
}

type StackOps = [typeof import("../scripts/stack-ops"), typeof import("../scripts/lib/cli")];
let loaded: Promise<StackOps> | undefined;

/** `npm run up -- ARGS` in the copy, its own main called in this process (its root is the copy's); the stubs are real processes. */
async function cli(args: string[], dir: string, env: Record<string, string> = {}) {
    loaded ??= Promise.all([import(path.join(repo, "scripts", "stack-ops.ts")), import(path.join(repo, "scripts", "lib", "cli.ts"))]) as Promise<StackOps>;
    const [ops, lib] = await loaded;
    const result = await runCli("stack-ops", (io) => ops.main(args, io), {
        cwd: repo,
        exitCodeOf: lib.exitCodeOf,
        env: { HOME: dir, PATH: `${STUBS}${path.delimiter}${SYSTEM_PATH}`, STUB_PULUMI_DIR: dir, BACKUP_POLL_SECONDS: "0", PULUMI_SKIP_UPDATE_CHECK: "true", ...env },
    });
    const file = path.join(dir, "calls.jsonl");
    const calls: Call[] = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Call) : [];
    return { ...result, calls };
}

const index = (calls: readonly Call[], match: (call: Call) => boolean): number => calls.findIndex(match);

describe("npm run up -- --all with a tenant whose file says status: offboarding (stub pulumi, stub aws)", () => {
    it("GIVEN a deployed offboarding tenant WHEN rolled out THEN the fleet is updated first, then it is backed up, unprotected and destroyed with destroy's steps, without a prompt", async () => {
        const dir = stubState();
        const run = await cli(["up", "--all"], dir);
        expect(run.stderr).not.toMatch(/internal error/);
        expect(run.status).toBe(0);
        const starts = run.calls.filter((call) => call.tool === undefined && call.phase === "start");
        // Platforms (its region's included), the active tenant, then the targeted update of the
        // offboarding tenant's protected resources alone, never a full update of it.
        expect(starts.map((call) => `${call.argv[0]} ${call.stack}`)).toEqual(["up platform-eu-west-1", "up platform-us-east-1", "up stay", "up leaving", "destroy leaving"]);
        const lift = starts.find((call) => call.argv[0] === "up" && call.stack === "leaving")!;
        expect(lift.argv.flatMap((arg, at) => (lift.argv[at - 1] === "--target" ? [arg] : []))).toEqual([DATABASE_URN, DOOR_URN]);
        // Order: stay's update, both final backups, the record, the lift, the destroy, the record removed.
        const stayDone = index(run.calls, (call) => call.argv[0] === "up" && call.stack === "stay" && call.phase === "end");
        const backups = run.calls.flatMap((call, at) => (call.tool === "aws" && call.argv[1] === "start-backup-job" ? [at] : []));
        const record = index(run.calls, (call) => call.argv[0] === "config" && call.argv[1] === "set" && call.argv[2] === "offboardingFinalBackup");
        const liftAt = run.calls.indexOf(lift);
        const destroyAt = index(run.calls, (call) => call.argv[0] === "destroy" && call.phase === "start");
        const removed = index(run.calls, (call) => call.argv[0] === "config" && call.argv[1] === "rm" && call.argv[2] === "offboardingFinalBackup");
        expect(backups).toHaveLength(2);
        expect(stayDone).toBeLessThan(backups[0]!);
        expect(Math.max(...backups)).toBeLessThan(record);
        expect(record).toBeLessThan(liftAt);
        expect(liftAt).toBeLessThan(destroyAt);
        expect(destroyAt).toBeLessThan(removed);
        expect(run.stdout).toContain("up: 4 succeeded, 0 failed, 0 not started (of 4 stacks)");
        expect(run.stdout).toContain("destroy: leaving destroyed.");
        expect(run.stdout).toContain("Retained on purpose (retainOnDelete): the backup vaults (leaving-backup-vault-5e6f and its off-site copy)");
        expect(run.stderr).not.toContain("Type the tenant id");
    }, 120_000);

    it("GIVEN the offboarding tenant's final backup fails WHEN rolled out THEN its stack is not destroyed and the rollout fails", async () => {
        const dir = stubState();
        const result = await cli(["up", "--all"], dir, { STUB_AWS_BACKUP_STATE: "FAILED" });
        const calls = result.calls;
        expect(result.status).toBe(1);
        expect(calls.some((call) => call.argv[0] === "destroy")).toBe(false);
        expect(result.stdout).toContain("up: 3 succeeded, 1 failed, 0 not started (of 4 stacks)");
        expect(result.stdout).toMatch(/failed: {6}leaving: destroy: the final backup of leaving failed, so the stack was not destroyed/);
    }, 120_000);

    it("GIVEN the offboarding tenant's stack is already gone WHEN rolled out THEN it counts as done and nothing is backed up or destroyed", async () => {
        const dir = stubState(false);
        const run = await cli(["up", "--all"], dir);
        expect(run.status).toBe(0);
        expect(run.calls.some((call) => call.tool === "aws" && call.argv[0] === "backup")).toBe(false);
        expect(run.calls.some((call) => call.argv[0] === "destroy")).toBe(false);
        expect(run.stdout).toContain("destroy: leaving has no stack: already offboarded; delete tenant-configs/leaving.yaml in a pull request.");
    }, 120_000);

    it("GIVEN --dry-run WHEN run THEN the offboarding is its own last wave, named as destroy's steps", async () => {
        const dir = stubState();
        const run = await cli(["up", "--all", "--dry-run"], dir);
        expect(run.status).toBe(0);
        expect(run.stdout).toContain(
            "wave 4 (offboarding):\n  npm run destroy -- leaving --yes (status: offboarding: final backup, deletion protection lifted, destroy; vaults, keys and backups kept)\n",
        );
        expect(run.calls.map((call) => call.argv[0])).toEqual(["version"]);
    }, 60_000);
});
