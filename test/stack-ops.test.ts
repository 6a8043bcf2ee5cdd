// The stack operations CLI (scripts/stack-ops.ts) end to end against the stub `pulumi` and `aws` of
// test/fixtures/stub-pulumi, driven by the real Automation API: main called in this process, one
// smoke test through tsx. The pure parts are test/stack-ops-plan.test.ts (the unit project).

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { runCli } from "./cli-harness";
import { projectWithFixtureTenants } from "./fixtures/fleet";

const REPO = path.resolve(__dirname, "..");
const STUBS = path.join(REPO, "test", "fixtures", "stub-pulumi");
const TSX = path.join(REPO, "node_modules", "tsx", "dist", "cli.mjs");
const SYSTEM_PATH = [path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter);
// The CLI runs in a project beside this one whose tenant-configs/ is the fixture fleet (the
// examples' shape), never this repository's; its dist/ is a copy of the build global-setup made.
const PROJECT = projectWithFixtureTenants({
    prefix: "stack-ops-project-",
    copy: ["index.ts", "stacks", "components", "scripts", "Pulumi.yaml", "package.json", "tsconfig.json", "dist"],
    link: ["policy"],
});
afterAll(() => fs.rmSync(PROJECT, { recursive: true, force: true }));

// --- the CLI against the stubs ---------------------------------------------------------------

interface Call {
    readonly tool?: string;
    readonly phase: string;
    readonly argv: string[];
    readonly stack?: string;
    readonly at: number;
    readonly env: Record<string, string | undefined>;
}

const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function stubState(outputs: Record<string, unknown> = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-ops-"));
    temporary.push(dir);
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs));
    return dir;
}

type StackOps = [typeof import("../scripts/stack-ops"), typeof import("../scripts/lib/cli")];
const loaded = new Map<string, Promise<StackOps>>();
/** A project's own scripts/stack-ops.ts (its repository root is the project's), loaded once into this process. */
function stackOps(repo: string): Promise<StackOps> {
    if (!loaded.has(repo)) {
        loaded.set(repo, Promise.all([import(path.join(repo, "scripts", "stack-ops.ts")), import(path.join(repo, "scripts", "lib", "cli.ts"))]) as Promise<StackOps>);
    }
    return loaded.get(repo)!;
}

/** The environment of a run: the stubs first on PATH, their state in `dir`, never the real home or CLIs. */
function stubEnv(options: { dir: string; env?: Record<string, string>; path?: string }): Record<string, string> {
    return {
        // Not the real home: bash started by node (stdin a socket) sources ~/.bashrc, which may put real CLIs first on PATH.
        HOME: options.dir,
        PATH: options.path ?? `${STUBS}${path.delimiter}${SYSTEM_PATH}`,
        STUB_PULUMI_DIR: options.dir,
        BACKUP_POLL_SECONDS: "0",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        ...options.env,
    };
}

function callsOf(dir: string): Call[] {
    const file = path.join(dir, "calls.jsonl");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Call) : [];
}

/** `npm run up|preview|destroy -- ARGS` in the project, its main called in this process; the stubs are real processes. */
async function cli(args: string[], options: { dir: string; env?: Record<string, string>; input?: string; path?: string; repo?: string }) {
    const repo = options.repo ?? PROJECT;
    const [ops, lib] = await stackOps(repo);
    const result = await runCli("stack-ops", (io) => ops.main(args, io), { cwd: repo, input: options.input ?? "", env: stubEnv(options), exitCodeOf: lib.exitCodeOf });
    return { ...result, calls: callsOf(options.dir) };
}

const pulumiOp = (calls: Call[], op: string, phase = "start") => calls.filter((call) => call.tool === undefined && call.argv[0] === op && call.phase === phase);

/** The most stacks whose operation overlapped in time. */
function maxConcurrent(calls: Call[], op: string): number {
    const edges = calls
        .filter((call) => call.tool === undefined && call.argv[0] === op && (call.phase === "start" || call.phase === "end"))
        .map((call) => ({ at: call.at, delta: call.phase === "start" ? 1 : -1 }))
        .sort((a, b) => a.at - b.at || a.delta - b.delta);
    let current = 0;
    let max = 0;
    for (const edge of edges) {
        current += edge.delta;
        max = Math.max(max, current);
    }
    return max;
}

describe("npm run up -- --all (stub pulumi)", () => {
    it("GIVEN the fixture fleet WHEN rolled out with --parallel 2 THEN platforms go first, canaries one by one, each stack with its region and the policy pack, never more than 2 at once", async () => {
        const dir = stubState();
        // The two platform stacks of the second wave wait for each other (a barrier, no delay): run one
        // after the other, they would fail instead.
        const run = await cli(["up", "--all", "--parallel", "2"], { dir, env: { AWS_PROFILE: "deploy-test", STUB_PULUMI_TOGETHER: "platform-eu-central-1,platform-us-east-1" } });
        expect(run.stderr).not.toMatch(/internal error/);
        expect(run.status).toBe(0);
        const ups = pulumiOp(run.calls, "up");
        expect(ups.map((call) => call.stack)).toEqual([
            // The home platform alone, then the others together.
            "platform-eu-west-1",
            expect.stringMatching(/^platform-(eu-central|us-east)-1$/),
            expect.stringMatching(/^platform-(eu-central|us-east)-1$/),
            "initech",
            "trial-lumen",
            "brightpath",
            "northwind",
            "helvetia-bank",
            "globex",
            "acme",
        ]);
        expect(maxConcurrent(run.calls, "up")).toBe(2);
        for (const call of ups) {
            expect(call.argv).toEqual(expect.arrayContaining(["--yes", "--policy-pack", path.join(PROJECT, "policy")]));
            expect(call.env.AWS_PROFILE).toBe("deploy-test");
        }
        const regions = Object.fromEntries(
            run.calls.filter((call) => call.argv[0] === "config" && call.argv[1] === "set" && call.argv[2] === "aws:region").map((call) => [call.stack, call.argv[call.argv.indexOf("--") + 1]]),
        );
        expect(regions).toEqual({
            "platform-eu-central-1": "eu-central-1",
            "platform-eu-west-1": "eu-west-1",
            "platform-us-east-1": "us-east-1",
            initech: "us-east-1",
            "trial-lumen": "us-east-1",
            brightpath: "eu-west-1",
            northwind: "eu-west-1",
            "helvetia-bank": "eu-central-1",
            globex: "us-east-1",
            acme: "eu-west-1",
        });
        // Every region is set before the stack's update starts.
        for (const call of ups) {
            const set = run.calls.find((c) => c.argv[2] === "aws:region" && c.stack === call.stack)!;
            expect(set.at).toBeLessThanOrEqual(call.at);
        }
        expect(run.stdout).toContain("up: 10 succeeded, 0 failed, 0 not started (of 10 stacks)");
        // The compiled program Pulumi runs was checked first (built by the tests' global setup).
        expect(run.stderr).toContain("dist/ is current");
    }, 120_000);

    it("GIVEN a canary that fails WHEN rolled out THEN no later stack starts and the summary names succeeded, failed and not started", async () => {
        const dir = stubState();
        const run = await cli(["up", "--all", "--parallel", "3"], { dir, env: { STUB_PULUMI_FAIL: "trial-lumen" } });
        expect(run.status).toBe(1);
        expect(pulumiOp(run.calls, "up").map((call) => call.stack).slice(3)).toEqual(["initech", "trial-lumen"]);
        expect(run.stdout).toContain("up: 4 succeeded, 1 failed, 5 not started (of 10 stacks)");
        expect(run.stdout).toContain("failed:      trial-lumen: error: update failed (stub: trial-lumen is in STUB_PULUMI_FAIL)");
        expect(run.stdout).toContain("not started: brightpath, northwind, helvetia-bank, globex, acme");
        expect(run.stdout).not.toMatch(/trial-lumen.*succeeded/);
    }, 120_000);

    it("GIVEN --dry-run WHEN run THEN it prints the waves and runs no stack operation", async () => {
        const dir = stubState();
        const run = await cli(["up", "--all", "--dry-run", "--parallel", "4"], { dir });
        expect(run.status).toBe(0);
        // The home platform alone first: the others read its trail and zone.
        expect(run.stdout).toContain("wave 1 (platform):\n  pulumi config set aws:region eu-west-1 --stack platform-eu-west-1 && pulumi up --stack platform-eu-west-1 --policy-pack policy --yes\n");
        expect(run.stdout).toContain("wave 2 (platform):\n  pulumi config set aws:region eu-central-1 --stack platform-eu-central-1 && pulumi up --stack platform-eu-central-1 --policy-pack policy --yes");
        expect(run.stdout).toContain("dry run: nothing was deployed.");
        expect(run.calls.map((call) => call.argv[0])).toEqual(["version"]);
    }, 60_000);
});

describe("npm run preview (stub pulumi)", () => {
    /** The stub backend's stacks: those named exist. */
    const existing = (dir: string, ...stacks: string[]) => stacks.forEach((stack) => fs.writeFileSync(path.join(dir, "stacks", `${stack}.json`), JSON.stringify({ config: {} })));

    it("GIVEN a tenant WHEN previewed THEN its stack is selected, its region set and the preview runs with --diff and the policy pack; logs go to --log-file as JSON", async () => {
        const dir = stubState();
        fs.mkdirSync(path.join(dir, "stacks"));
        existing(dir, "acme");
        const log = path.join(dir, "ops.jsonl");
        const run = await cli(["preview", "acme", "--log-file", log], { dir });
        expect(run.status).toBe(0);
        const calls = run.calls.filter((call) => call.tool === undefined && call.phase !== "end").map((call) => call.argv.slice(0, 2).join(" "));
        expect(calls.filter((call) => call !== "version")).toEqual(["stack select", "config set", "preview --diff"]);
        const preview = pulumiOp(run.calls, "preview")[0]!;
        expect(preview.argv).toEqual(expect.arrayContaining(["--diff", "--policy-pack", path.join(PROJECT, "policy"), "--stack", "acme"]));
        expect(run.calls.find((call) => call.argv[2] === "aws:region")!.argv).toEqual(["config", "set", "aws:region", "--stack", "acme", "--plaintext", "--non-interactive", "--", "eu-west-1"]);
        const events = fs.readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(events.map((event) => event.event)).toEqual(expect.arrayContaining(["start", "output", "summary", "done", "outcome"]));
        expect(run.stdout).toContain("preview: 1 succeeded, 0 failed, 0 not started (of 1 stacks)");
    }, 60_000);

    it("GIVEN a stack the backend does not have (a new tenant) WHEN previewed THEN it is reported as new, never created, and the others are previewed", async () => {
        const dir = stubState();
        fs.mkdirSync(path.join(dir, "stacks"));
        existing(dir, "acme");
        const run = await cli(["preview", "acme", "globex"], { dir });
        expect(run.status).toBe(0);
        expect(run.calls.filter((call) => call.argv[0] === "stack" && call.argv[1] === "init")).toEqual([]);
        expect(run.calls.filter((call) => call.argv[0] === "config" && call.stack === "globex")).toEqual([]);
        expect(pulumiOp(run.calls, "preview").map((call) => call.stack)).toEqual(["acme"]);
        expect(fs.existsSync(path.join(dir, "stacks", "globex.json"))).toBe(false);
        expect(run.stdout).toContain("preview: 1 succeeded, 0 failed, 0 not started, 1 new (not previewed) (of 2 stacks)");
        expect(run.stdout).toContain("  succeeded:   acme\n  new:         globex: no such stack in the backend yet; a preview creates none");
    }, 60_000);

    it("GIVEN a tenant named before its platform WHEN previewed with --dry-run THEN the platform stack still goes first", async () => {
        const dir = stubState();
        const run = await cli(["preview", "trial-lumen", "platform-us-east-1", "--dry-run"], { dir });
        expect(run.status).toBe(0);
        expect(run.stdout.indexOf("--stack platform-us-east-1")).toBeLessThan(run.stdout.indexOf("--stack trial-lumen"));
        expect(run.stdout).toContain("pulumi preview --stack trial-lumen --policy-pack policy --diff");
        expect(run.stdout).toContain("dry run: nothing was previewed.");
    }, 60_000);

    it("GIVEN an unknown tenant WHEN previewed THEN it is refused before any stack is touched", async () => {
        const dir = stubState();
        const run = await cli(["preview", "nosuch-tenant"], { dir });
        expect(run.status).toBe(1);
        expect(run.stdout).toContain('no tenant "nosuch-tenant": there is no tenant-configs/nosuch-tenant.yaml');
        expect(run.calls.map((call) => call.argv[0])).toEqual(["version"]);
    }, 60_000);

    it("GIVEN a platform of a region without a platform file WHEN updated THEN it is refused before any stack is touched", async () => {
        const dir = stubState();
        const run = await cli(["up", "platform-ap-south-2"], { dir });
        expect(run.status).toBe(1);
        expect(run.stdout).toBe('no platform "platform-ap-south-2": its platform file platform-configs/ap-south-2.yaml is missing or invalid (a region gets its file before its first stack); nothing was run\n');
        expect(run.calls.map((call) => call.argv[0])).toEqual(["version"]);
    }, 60_000);
});

describe("npm run destroy (stub pulumi, stub aws)", () => {
    const outputs = {
        globex: {
            url: "https://globex.itm.example.net",
            databaseAddress: "globex-db-1a2b.cq1w2e3r4t5y.us-east-1.rds.amazonaws.com",
            filesBucket: "globex-files-3c4d",
            backupVaultArn: "arn:aws:backup:us-east-1:123456789012:backup-vault:globex-backup-vault-5e6f",
            backupRoleArn: "arn:aws:iam::123456789012:role/globex-backup-role-7a8b",
        },
    };
    const urn = (type: string, name: string) => `urn:pulumi:globex::tenant-platform::${type}::${name}`;
    const DATABASE_URN = urn("tenant-platform:data:Database$aws:rds/instance:Instance", "globex-database-db");
    const DOOR_URN = urn("tenant-platform:edge:FrontDoor$aws:lb/loadBalancer:LoadBalancer", "globex-front-door-alb");
    /** The stub backend already holds the deployed stack. */
    const seed = (dir: string) => {
        fs.mkdirSync(path.join(dir, "stacks"), { recursive: true });
        const resources = [
            { urn: urn("pulumi:pulumi:Stack", "tenant-platform-globex"), type: "pulumi:pulumi:Stack" },
            { urn: urn("tenant-platform:data:Database", "globex-database"), type: "tenant-platform:data:Database" },
            { urn: DATABASE_URN, type: "aws:rds/instance:Instance" },
            { urn: urn("tenant-platform:data:FilesBucket$aws:s3/bucket:Bucket", "globex-files-bucket"), type: "aws:s3/bucket:Bucket" },
            { urn: DOOR_URN, type: "aws:lb/loadBalancer:LoadBalancer" },
            { urn: urn("tenant-platform:edge:FrontDoor$aws:lb/listener:Listener", "globex-front-door-https"), type: "aws:lb/listener:Listener" },
        ];
        fs.writeFileSync(path.join(dir, "stacks", "globex.json"), JSON.stringify({ config: { "aws:region": "us-east-1" }, resources }));
    };
    const offboardingSets = (calls: Call[]) => calls.filter((call) => call.argv[0] === "config" && call.argv[1] === "set" && call.argv[2] === "offboardingFinalBackup");

    it("GIVEN a confirmed destroy WHEN run THEN both final backups are started and completed before the stack is destroyed, and the summary says what is retained", async () => {
        const dir = stubState(outputs);
        seed(dir);
        const run = await cli(["destroy", "globex"], { dir, input: "globex\n" });
        expect(run.status).toBe(0);
        const starts = run.calls.filter((call) => call.tool === "aws" && call.argv[1] === "start-backup-job");
        expect(starts.map((call) => call.argv[call.argv.indexOf("--resource-arn") + 1])).toEqual([
            "arn:aws:rds:us-east-1:123456789012:db:globex-db-1a2b",
            "arn:aws:s3:::globex-files-3c4d",
        ]);
        const lastBackupCall = Math.max(...run.calls.map((call, index) => (call.tool === "aws" && call.argv[0] === "backup" ? index : -1)));
        const destroyAt = run.calls.findIndex((call) => call.argv[0] === "destroy");
        expect(run.calls[lastBackupCall]!.argv[1]).toBe("describe-backup-job");
        expect(destroyAt).toBeGreaterThan(lastBackupCall);
        expect(run.calls[destroyAt]!.stack).toBe("globex");
        expect(run.calls.some((call) => call.argv[0] === "stack" && call.argv[1] === "init")).toBe(false);
        // After the backup and before the destroy: the record of the backup, then an update of the
        // protected resources alone, which runs with the record in the stack's config.
        const recordAt = run.calls.findIndex((call) => call.argv[0] === "config" && call.argv[2] === "offboardingFinalBackup");
        const liftAt = run.calls.findIndex((call) => call.argv[0] === "up" && call.phase === "start");
        expect(recordAt).toBeGreaterThan(lastBackupCall);
        expect(liftAt).toBeGreaterThan(recordAt);
        expect(destroyAt).toBeGreaterThan(liftAt);
        const record = JSON.parse(offboardingSets(run.calls)[0]!.argv.at(-1)!) as { completedAt: string; recoveryPoints: Record<string, string> };
        expect(record.recoveryPoints).toEqual({
            database: "arn:aws:backup:eu-west-1:123456789012:recovery-point:database-final",
            files: "arn:aws:backup:eu-west-1:123456789012:recovery-point:files-final",
        });
        expect(Date.parse(record.completedAt)).not.toBeNaN();
        const lift = run.calls[liftAt]!;
        const targets = lift.argv.flatMap((arg, index) => (lift.argv[index - 1] === "--target" ? [arg] : []));
        expect(targets).toEqual([DATABASE_URN, DOOR_URN]);
        expect(lift.argv).not.toContain("--target-dependents");
        expect(lift.argv).toEqual(expect.arrayContaining(["--policy-pack", path.join(PROJECT, "policy")]));
        expect((lift as Call & { config: Record<string, string> }).config.offboardingFinalBackup).toBe(offboardingSets(run.calls)[0]!.argv.at(-1));
        // Once destroyed, the record is removed: a stack brought up again under the name is protected.
        const removeAt = run.calls.findIndex((call) => call.argv[0] === "config" && call.argv[1] === "rm" && call.argv[2] === "offboardingFinalBackup");
        expect(removeAt).toBeGreaterThan(destroyAt);
        expect(run.stdout).toContain("destroy: globex destroyed.");
        expect(run.stdout).toContain("Retained on purpose (retainOnDelete): the backup vaults (globex-backup-vault-5e6f and its off-site copy)");
    }, 60_000);

    it("GIVEN a destroy WHEN the offboarding record is set THEN a Ctrl-C/SIGTERM guard listens until it is removed, and not after", async () => {
        const dir = stubState(outputs);
        seed(dir);
        const guarding = () => ["SIGINT", "SIGTERM"].map((signal) => process.listeners(signal as NodeJS.Signals).filter((listener) => listener.name === "forgetOffboardingOnInterrupt").length);
        let seen = [0, 0];
        const poll = setInterval(() => {
            const now = guarding();
            seen = [Math.max(seen[0]!, now[0]!), Math.max(seen[1]!, now[1]!)];
        }, 1);
        try {
            const run = await cli(["destroy", "globex", "--yes"], { dir });
            expect(run.status).toBe(0);
        } finally {
            clearInterval(poll);
        }
        expect(seen).toEqual([1, 1]);
        expect(guarding()).toEqual([0, 0]);
    }, 60_000);

    it("GIVEN a wrong answer to the confirmation WHEN run THEN nothing is backed up or destroyed", async () => {
        const dir = stubState(outputs);
        seed(dir);
        const run = await cli(["destroy", "globex"], { dir, input: "acme\n" });
        expect(run.status).toBe(1);
        expect(run.stdout).toContain('destroy: not confirmed (expected "globex"); nothing was backed up or destroyed.');
        expect(run.calls.filter((call) => call.argv[0] === "backup" || call.argv[0] === "destroy")).toEqual([]);
    }, 60_000);

    it("GIVEN a final backup that fails WHEN destroying with --yes THEN the stack is not destroyed", async () => {
        const dir = stubState(outputs);
        seed(dir);
        const run = await cli(["destroy", "globex", "--yes"], { dir, env: { STUB_AWS_BACKUP_STATE: "FAILED" } });
        expect(run.status).toBe(1);
        expect(run.stdout).toContain("the final backup of globex failed, so the stack was not destroyed: the final backup of the database (job job-database) ended FAILED");
        expect(run.calls.filter((call) => call.argv[0] === "destroy" || call.argv[0] === "up")).toEqual([]);
        // Protection stays on: the switch was never set.
        expect(offboardingSets(run.calls)).toEqual([]);
    }, 60_000);

    it("GIVEN a stack whose config cannot be set WHEN destroying THEN protection stays on and nothing is destroyed", async () => {
        const dir = stubState(outputs);
        seed(dir);
        const run = await cli(["destroy", "globex", "--yes"], { dir, env: { STUB_PULUMI_CONFIG_FAIL: "offboardingFinalBackup" } });
        expect(run.status).toBe(1);
        expect(run.stdout).toContain(
            "destroy: its stack config offboardingFinalBackup could not be set (error: could not save configuration of 'globex' (stub: offboardingFinalBackup is in STUB_PULUMI_CONFIG_FAIL)), so deletion protection stays on, and nothing was destroyed. The final backup is kept:\n" +
                "  final backup of the database: arn:aws:backup:eu-west-1:123456789012:recovery-point:database-final\n",
        );
        expect(run.calls.filter((call) => call.argv[0] === "destroy" || call.argv[0] === "up")).toEqual([]);
    }, 60_000);

    it("GIVEN the update that lifts protection fails WHEN destroying THEN nothing is destroyed and the record is removed again", async () => {
        const dir = stubState(outputs);
        seed(dir);
        const run = await cli(["destroy", "globex", "--yes"], { dir, env: { STUB_PULUMI_FAIL: "globex" } });
        expect(run.status).toBe(1);
        expect(run.stdout).toContain("destroy: the update that lifts deletion protection failed (error: update failed (stub: globex is in STUB_PULUMI_FAIL)); the database and load balancer may still be protected, and nothing was destroyed.");
        expect(run.calls.filter((call) => call.argv[0] === "destroy")).toEqual([]);
        expect(run.calls.filter((call) => call.argv[0] === "config" && call.argv[1] === "rm").map((call) => call.argv[2])).toEqual(["offboardingFinalBackup"]);
        const state = JSON.parse(fs.readFileSync(path.join(dir, "stacks", "globex.json"), "utf8")) as { config: Record<string, string> };
        expect(state.config).not.toHaveProperty("offboardingFinalBackup");
    }, 60_000);

    it.each([
        {
            name: "an expired access token",
            stderr: "error: getting user info: [401] Unauthorized: No credentials provided or are invalid.",
            message:
                'destroy: the Pulumi backend (pulumi login) refused the login, so stack "globex" could not be read (error: getting user info: [401] Unauthorized: No credentials provided or are invalid.): ' +
                "log in again (`pulumi login`, or a fresh PULUMI_ACCESS_TOKEN; for a self-managed backend, fresh cloud credentials), then run destroy again; nothing was destroyed.\n",
        },
        {
            name: "a network error",
            stderr: 'error: could not get stack: Get "https://api.pulumi.com/api/stacks/acme-org/tenant-platform/globex": dial tcp: lookup api.pulumi.com: no such host',
            message:
                'destroy: the Pulumi backend (pulumi login) could not be reached, so stack "globex" could not be read (error: could not get stack: Get "https://api.pulumi.com/api/stacks/acme-org/tenant-platform/globex": dial tcp: lookup api.pulumi.com: no such host): ' +
                "check the network, a proxy or VPN, and the backend URL (PULUMI_BACKEND_URL), then run destroy again; nothing was destroyed.\n",
        },
        {
            name: "an unknown failure",
            stderr: "error: failed to load checkpoint: unexpected end of JSON input",
            message: 'destroy: stack "globex" could not be selected (error: failed to load checkpoint: unexpected end of JSON input): see the log for the CLI\'s whole output; nothing was destroyed.\n',
        },
    ])("GIVEN $name when selecting the stack WHEN destroying THEN it is reported as what it is, not as a missing stack", async ({ stderr, message }) => {
        const dir = stubState(outputs);
        seed(dir);
        const run = await cli(["destroy", "globex", "--yes"], { dir, env: { STUB_PULUMI_SELECT_ERROR: stderr } });
        expect(run.status).toBe(1);
        expect(run.stdout).toBe(message);
        expect(run.stdout).not.toContain("there is no stack");
        expect(run.calls.filter((call) => call.tool === "aws" && call.argv[0] === "backup")).toEqual([]);
        expect(run.calls.filter((call) => call.argv[0] === "destroy")).toEqual([]);
    }, 60_000);

    it.each([
        ["globex", "globex"],
        ["globex-recovery --force", "globex-recovery"],
    ])("GIVEN a login that expires after the select WHEN destroying %s THEN one line says so, exit 1, nothing backed up or destroyed", async (args, stack) => {
        const dir = stubState(outputs);
        seed(dir);
        if (stack !== "globex") {
            fs.writeFileSync(path.join(dir, "stacks", `${stack}.json`), JSON.stringify({ config: {} }));
        }
        const run = await cli(["destroy", ...args.split(" "), "--yes"], { dir, env: { STUB_PULUMI_OUTPUT_ERROR: "error: [403] Forbidden: token expired" } });
        expect(run.stderr).not.toMatch(/internal error/);
        expect(run.stdout).toContain(`destroy: the Pulumi backend (pulumi login) refused the login, so stack "${stack}" could not be read (`);
        expect(run.stdout).toContain("nothing was destroyed.");
        expect(run.status).toBe(1);
        expect(run.calls.filter((call) => call.tool === "aws" && call.argv[0] === "backup")).toEqual([]);
        expect(run.calls.filter((call) => call.argv[0] === "destroy" || call.argv[0] === "up")).toEqual([]);
    }, 60_000);

    it("GIVEN --dry-run WHEN destroying THEN it prints the backup, the record, the targeted update, the destroy and the clean-up, in that order, and runs none", async () => {
        const dir = stubState(outputs);
        seed(dir);
        const run = await cli(["destroy", "globex", "--dry-run"], { dir });
        expect(run.status).toBe(0);
        const lines = run.stdout.trim().split("\n");
        expect(lines.slice(3)).toEqual([
            `pulumi config set offboardingFinalBackup '{"completedAt":"<when the backup completed>","recoveryPoints":{...}}' --stack globex`,
            "pulumi up --stack globex --policy-pack policy --yes --target <each RDS instance and load balancer of the stack> (deletion protection off, nothing else changes)",
            "pulumi destroy --stack globex --yes",
            "pulumi config rm offboardingFinalBackup --stack globex",
            "dry run: nothing was backed up or destroyed.",
        ]);
        expect(run.calls.filter((call) => ["up", "destroy", "config"].includes(call.argv[0]!) || call.tool === "aws")).toEqual([]);
        // The backup lines paste into a shell as they are: each JSON argument reaches aws whole.
        const words = spawnSync("bash", ["-c", `printf '%s\\n' ${lines[0]!}`], { encoding: "utf8" }).stdout.trim().split("\n");
        expect(words.slice(0, 3)).toEqual(["aws", "backup", "start-backup-job"]);
        expect(words[words.indexOf("--lifecycle") + 1]).toBe('{"DeleteAfterDays":365}');
        expect(JSON.parse(words[words.indexOf("--recovery-point-tags") + 1]!)).toEqual({ purpose: "final-before-destroy", tenant: "globex", target: "database" });
    }, 60_000);

    it("GIVEN no such stack WHEN destroying THEN it says there is none", async () => {
        const dir = stubState(outputs);
        const run = await cli(["destroy", "globex", "--yes"], { dir });
        expect(run.status).toBe(1);
        expect(run.stdout).toBe('destroy: there is no stack "globex" in the current backend (pulumi login); nothing was destroyed.\n');
        expect(run.calls.filter((call) => call.tool === "aws" && call.argv[0] === "backup")).toEqual([]);
    }, 60_000);

    it("GIVEN no aws CLI on PATH WHEN destroying THEN exit 2 with one line saying how to install it, and nothing runs", async () => {
        const dir = stubState(outputs);
        seed(dir);
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "only-pulumi-"));
        temporary.push(bin);
        fs.symlinkSync(path.join(STUBS, "pulumi"), path.join(bin, "pulumi"));
        const run = await cli(["destroy", "globex", "--yes"], { dir, path: `${bin}${path.delimiter}${SYSTEM_PATH}` });
        expect(run.status).toBe(2);
        expect(run.stderr.trim().split("\n").filter((line) => !line.startsWith("{"))).toEqual([
            "destroy: the AWS CLI (`aws`) is not on PATH; destroy needs it for the final backup: install it (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html), then run this again",
        ]);
        expect(run.calls.filter((call) => call.argv[0] === "destroy" || call.argv[0] === "stack")).toEqual([]);
    }, 60_000);
});

describe("stack-ops smoke test (tsx, as npm runs it)", () => {
    it("GIVEN npm run up -- --all --dry-run WHEN started as a process THEN it prints the waves, exit 0, and runs no stack operation", () => {
        const dir = stubState();
        const result = spawnSync(process.execPath, [TSX, path.join(PROJECT, "scripts", "stack-ops.ts"), "up", "--all", "--dry-run"], { cwd: PROJECT, input: "", encoding: "utf8", env: stubEnv({ dir }) });
        expect(result.stderr).not.toMatch(/internal error/);
        expect(result.status).toBe(0);
        expect(result.stdout).toContain("wave 1 (platform):\n  pulumi config set aws:region eu-west-1 --stack platform-eu-west-1 && pulumi up --stack platform-eu-west-1 --policy-pack policy --yes\n");
        expect(result.stdout).toContain("dry run: nothing was deployed.");
        expect(callsOf(dir).map((call) => call.argv[0])).toEqual(["version"]);
    }, 120_000);

    it("GIVEN a usage error WHEN started as a process THEN one line ending in 'see --help', exit 2", () => {
        const result = spawnSync(process.execPath, [TSX, path.join(PROJECT, "scripts", "stack-ops.ts"), "deploy", "acme"], { cwd: PROJECT, input: "", encoding: "utf8", env: stubEnv({ dir: stubState() }) });
        expect(result.status).toBe(2);
        expect(result.stderr).toBe('stack-ops: unknown command "deploy": expected preview, up, destroy or changed; see --help\n');
    }, 120_000);
});

describe("missing Pulumi CLI", () => {
    it.each([["preview", "acme"], ["up", "--all"], ["destroy", "acme", "--yes"]])("GIVEN no pulumi on PATH WHEN %s runs THEN exit 2 with exactly one line pointing to the install page", async (...argv) => {
        const dir = stubState();
        const run = await cli(argv, { dir, path: SYSTEM_PATH });
        expect(run.status).toBe(2);
        expect(run.stdout).toBe("");
        expect(run.stderr).toBe(`${argv[0]}: the Pulumi CLI (\`pulumi\`) is not on PATH: install it (https://www.pulumi.com/docs/install/, e.g. \`curl -fsSL https://get.pulumi.com | sh\`), then run this again\n`);
    }, 60_000);

    it.each([
        ["killed", "kill -KILL $$\n", "preview: `pulumi version` was killed by SIGKILL\n"],
        ["failing with its reason on stdout", "echo 'error: this CLI install is broken'\nexit 3\n", "preview: `pulumi version` failed (exit 3): error: this CLI install is broken\n"],
    ])("GIVEN a pulumi %s WHEN preview runs THEN exit 2 with one line that says what happened", async (_, body, expected) => {
        const dir = stubState();
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "broken-pulumi-"));
        temporary.push(bin);
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/usr/bin/env bash\n${body}`, { mode: 0o755 });
        const run = await cli(["preview", "acme"], { dir, path: `${bin}${path.delimiter}${SYSTEM_PATH}` });
        expect(run.status).toBe(2);
        expect(run.stdout).toBe("");
        expect(run.stderr).toBe(expected);
    }, 60_000);
});

describe("npm run up of a program that does not compile (stub pulumi)", () => {
    it("GIVEN a type error in a component WHEN up runs THEN it exits 1 with the compiler's FILE(LINE,COL) line and no stack is started", async () => {
        // A copy of the project (its own dist/), node_modules linked, with one component broken.
        const repo = projectWithFixtureTenants({
            prefix: "stack-ops-repo-",
            copy: ["index.ts", "stacks", "components", "scripts", "platform-configs", "Pulumi.yaml", "package.json", "tsconfig.json"],
        });
        temporary.push(repo);
        fs.appendFileSync(path.join(repo, "components", "types.ts"), 'export const broken: number = "not a number";\n');
        const dir = stubState();
        const run = await cli(["up", "trial-lumen"], { dir, repo });
        expect(run.stderr).not.toMatch(/internal error/);
        expect(run.status).toBe(1);
        expect(run.stdout).toContain("up: the program does not compile, so no stack was started:");
        expect(run.stdout).toMatch(/components\/types\.ts\(\d+,14\): error TS2322: Type 'string' is not assignable to type 'number'\./);
        expect(pulumiOp(run.calls, "up")).toEqual([]);
        expect(fs.existsSync(path.join(repo, "dist"))).toBe(false);
    }, 120_000);
});
