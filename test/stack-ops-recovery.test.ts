// npm run preview|up|destroy of the recovery side of a production stack: a tenant's or platform's
// recovery environment (`acme-recovery`, `platform-eu-west-1-recovery`) and a drill copy
// (`acme-drill`), against the stub `pulumi` of test/fixtures/stub-pulumi through the real Automation
// API, main called in this process (as test/stack-ops.test.ts does for production stacks).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { runCli } from "./cli-harness";
import { projectWithFixtureTenants } from "./fixtures/fleet";

const REPO = path.resolve(__dirname, "..");
const STUBS = path.join(REPO, "test", "fixtures", "stub-pulumi");
const SYSTEM_PATH = [path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter);
const PROJECT = projectWithFixtureTenants({
    prefix: "stack-ops-recovery-",
    copy: ["index.ts", "stacks", "components", "scripts", "Pulumi.yaml", "package.json", "tsconfig.json", "dist"],
    link: ["policy"],
});
const temporary: string[] = [PROJECT];
afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

interface Call {
    readonly tool?: string;
    readonly phase: string;
    readonly argv: string[];
    readonly stack?: string;
}

/** The stub backend: `outputs` per stack, the stacks that already exist, and `config` per stack. */
function stubState(options: { outputs?: Record<string, unknown>; stacks?: string[]; config?: Record<string, Record<string, string>> } = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-ops-recovery-"));
    temporary.push(dir);
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(options.outputs ?? {}));
    fs.mkdirSync(path.join(dir, "stacks"), { recursive: true });
    for (const stack of options.stacks ?? []) {
        fs.writeFileSync(path.join(dir, "stacks", `${stack}.json`), JSON.stringify({ config: options.config?.[stack] ?? {}, resources: [] }));
    }
    return dir;
}

function callsOf(dir: string): Call[] {
    const file = path.join(dir, "calls.jsonl");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Call) : [];
}

type StackOps = [typeof import("../scripts/stack-ops"), typeof import("../scripts/lib/cli")];
let loaded: Promise<StackOps> | undefined;

async function cli(args: string[], options: { dir: string; input?: string }) {
    loaded ??= Promise.all([import(path.join(PROJECT, "scripts", "stack-ops.ts")), import(path.join(PROJECT, "scripts", "lib", "cli.ts"))]) as Promise<StackOps>;
    const [ops, lib] = await loaded;
    const env = { HOME: options.dir, PATH: `${STUBS}${path.delimiter}${SYSTEM_PATH}`, STUB_PULUMI_DIR: options.dir, PULUMI_SKIP_UPDATE_CHECK: "true" };
    const result = await runCli("stack-ops", (io) => ops.main(args, io), { cwd: PROJECT, input: options.input ?? "", env, exitCodeOf: lib.exitCodeOf });
    return { ...result, calls: callsOf(options.dir) };
}

const regionsSet = (calls: Call[]) =>
    Object.fromEntries(calls.filter((call) => call.argv[0] === "config" && call.argv[2] === "aws:region").map((call) => [call.stack, call.argv[call.argv.indexOf("--") + 1]]));
const stackOps = (calls: Call[], op: string) => calls.filter((call) => call.tool === undefined && call.argv[0] === op && call.phase === "start").map((call) => call.stack);

describe("npm run preview|up of recovery and drill stacks (stub pulumi)", () => {
    it("GIVEN a tenant's recovery, drill copy and a platform recovery named before their production stacks WHEN updated THEN each runs in its production's off-site region, after the production stacks", async () => {
        const dir = stubState();
        const run = await cli(["up", "acme-recovery", "platform-eu-west-1-recovery", "acme-drill", "acme", "platform-eu-west-1"], { dir });
        expect(run.stdout).toContain("up: 5 succeeded, 0 failed, 0 not started (of 5 stacks)");
        expect(run.status).toBe(0);
        expect(stackOps(run.calls, "up")).toEqual(["platform-eu-west-1", "acme", "acme-recovery", "platform-eu-west-1-recovery", "acme-drill"]);
        // acme (vpn-sync, eu-west-1) and the eu-west-1 platform keep their copies in the partner region (lib/regions.ts).
        expect(regionsSet(run.calls)).toEqual({
            "platform-eu-west-1": "eu-west-1",
            acme: "eu-west-1",
            "acme-recovery": "eu-central-1",
            "acme-drill": "eu-central-1",
            "platform-eu-west-1-recovery": "eu-central-1",
        });
    }, 120_000);

    it("GIVEN a tenant whose file names its off-site region WHEN its recovery is previewed with --dry-run THEN that region is the stack's", async () => {
        const dir = stubState();
        // northwind is dedicated-saas: no recovery of its own; globex (cloud, us-east-1) has one.
        const run = await cli(["preview", "globex-recovery", "--dry-run"], { dir });
        expect(run.status).toBe(0);
        expect(run.stdout).toContain("pulumi config set aws:region us-west-2 --stack globex-recovery && pulumi preview --stack globex-recovery --policy-pack policy --diff");
    }, 60_000);

    it.each([
        ["brightpath-recovery", "tenant brightpath (saas) has no brightpath-recovery stack: the platform's recovery (platform-eu-west-1-recovery) carries it"],
        ["northwind-drill", "tenant northwind (dedicated-saas) has no northwind-drill stack: the platform's recovery (platform-eu-west-1-drill) carries it"],
        ["nosuch-recovery", 'nosuch-recovery is the recovery side of nosuch: no tenant "nosuch"'],
        ["platform-ap-east-1-recovery", "platform-ap-east-1-recovery is the recovery side of platform-ap-east-1, whose platform file"],
    ])("GIVEN %s WHEN previewed THEN it is refused before any stack is touched", async (stack, message) => {
        const dir = stubState();
        const run = await cli(["preview", stack], { dir });
        expect(run.status).toBe(1);
        expect(run.stdout).toContain(message);
        expect(run.calls.map((call) => call.argv[0])).toEqual(["version"]);
    }, 60_000);
});

describe("npm run destroy of recovery and drill stacks (stub pulumi)", () => {
    it("GIVEN a recovery environment WHEN destroyed without --force THEN a usage error names the consequence and nothing runs", async () => {
        const dir = stubState({ stacks: ["acme-recovery"] });
        const run = await cli(["destroy", "acme-recovery", "--yes"], { dir });
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(
            "acme-recovery is the recovery environment of acme: destroying it leaves acme with nowhere to recover into (its recovery network, VPN endpoints, keys and restore role gone) and stops its monthly restore tests; add --force if that is really meant",
        );
        expect(run.calls).toEqual([]);
    }, 60_000);

    it("GIVEN an idle recovery environment WHEN destroyed with --force --yes THEN only that stack is destroyed, without a final backup or the AWS CLI", async () => {
        const dir = stubState({ stacks: ["acme-recovery", "acme"], outputs: { "acme-recovery": { recoveryActive: false } } });
        const run = await cli(["destroy", "acme-recovery", "--force", "--yes"], { dir });
        expect(run.stdout).toContain("destroy: acme-recovery destroyed.");
        expect(run.status).toBe(0);
        expect(stackOps(run.calls, "destroy")).toEqual(["acme-recovery"]);
        expect(run.calls.filter((call) => call.tool === "aws" || (call.argv[0] === "config" && call.argv[1] === "set"))).toEqual([]);
    }, 60_000);

    it("GIVEN an ACTIVE recovery environment WHEN destroyed with --force THEN it is refused: fail back first", async () => {
        const dir = stubState({ stacks: ["acme-recovery"], outputs: { "acme-recovery": { recoveryActive: true } } });
        const run = await cli(["destroy", "acme-recovery", "--force", "--yes"], { dir });
        expect(run.status).toBe(1);
        expect(run.stdout).toBe("destroy: acme-recovery is ACTIVE (it may be serving acme's clients, on the database a restore created): fail back first (npm run dr -- failback acme); nothing was destroyed.\n");
        expect(stackOps(run.calls, "destroy")).toEqual([]);
    }, 60_000);

    it("GIVEN a recovery environment whose stack config says recoveryActive=true but whose outputs say idle (an activation stopped part-way) WHEN destroyed with --force THEN it is refused", async () => {
        const dir = stubState({ stacks: ["acme-recovery"], outputs: { "acme-recovery": { recoveryActive: false } }, config: { "acme-recovery": { recoveryActive: "true", restoredDatabase: "acme-recovery-20260302t030000z" } } });
        const run = await cli(["destroy", "acme-recovery", "--force", "--yes"], { dir });
        expect(run.status).toBe(1);
        expect(run.stdout).toBe(
            "destroy: acme-recovery may be ACTIVE: its stack config says recoveryActive=true though its outputs say idle (an activation stopped part-way?), " +
                "so it may be serving acme's clients or hold the database a restore created: finish the activation (npm run dr -- activate acme --resume) " +
                "and fail back (npm run dr -- failback acme), or idle it (pulumi config set recoveryActive false --stack acme-recovery, then pulumi up --stack acme-recovery --policy-pack policy); " +
                "nothing was destroyed.\n",
        );
        expect(stackOps(run.calls, "destroy")).toEqual([]);
    }, 60_000);

    it("GIVEN a recovery environment idled again (stack config recoveryActive=false, outputs idle) WHEN destroyed with --force --yes THEN it is destroyed", async () => {
        const dir = stubState({ stacks: ["acme-recovery"], outputs: { "acme-recovery": { recoveryActive: false } }, config: { "acme-recovery": { recoveryActive: "false" } } });
        const run = await cli(["destroy", "acme-recovery", "--force", "--yes"], { dir });
        expect(run.stdout).toContain("destroy: acme-recovery destroyed.");
        expect(run.status).toBe(0);
        expect(stackOps(run.calls, "destroy")).toEqual(["acme-recovery"]);
    }, 60_000);

    it("GIVEN a drill copy WHEN destroyed THEN it asks for the stack name and destroys only it; a wrong answer destroys nothing", async () => {
        const dir = stubState({ stacks: ["acme-drill", "acme-recovery", "acme"], outputs: { "acme-drill": { recoveryActive: true } } });
        const refused = await cli(["destroy", "acme-drill"], { dir, input: "acme\n" });
        expect(refused.status).toBe(1);
        expect(refused.stdout).toBe('destroy: not confirmed (expected "acme-drill"); nothing was destroyed.\n');
        expect(stackOps(refused.calls, "destroy")).toEqual([]);
        const run = await cli(["destroy", "acme-drill"], { dir, input: "acme-drill\n" });
        expect(run.status).toBe(0);
        expect(run.stderr).toContain("Type the stack name (acme-drill) to destroy it:");
        expect(stackOps(run.calls, "destroy")).toEqual(["acme-drill"]);
    }, 60_000);

    it("GIVEN --dry-run WHEN a drill copy is destroyed THEN it prints the destroy and runs none", async () => {
        const dir = stubState({ stacks: ["acme-drill"] });
        const run = await cli(["destroy", "acme-drill", "--dry-run"], { dir });
        expect(run.status).toBe(0);
        expect(run.stdout).toBe("pulumi destroy --stack acme-drill --yes (no final backup: a drill copy holds restored copies only)\ndry run: nothing was destroyed.\n");
        expect(stackOps(run.calls, "destroy")).toEqual([]);
    }, 60_000);

    it.each([
        [["up", "acme", "--force"], "--force applies to destroy of a recovery environment (<x>-recovery) only"],
        [["destroy", "acme-drill", "--force"], "--force applies to destroy of a recovery environment (<x>-recovery) only"],
    ])("GIVEN %j WHEN parsed THEN a usage error", async (argv, message) => {
        const dir = stubState();
        const run = await cli(argv, { dir });
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(message);
    });
});
