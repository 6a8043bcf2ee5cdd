// `npm run up -- --waves "A;B,C"`: exactly the given stacks in the given waves and order (a CI
// rollout batch of scripts/ci/rollout-matrix.ts), regions and offboarding read from the tenant
// files, against the stub `pulumi` of test/fixtures/stub-pulumi in a copy of the project whose
// tenant folder holds fixtures (never tenant-configs/).

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
    "zeta.yaml": "tenant: zeta\ncompany: Zeta Ltd\nmode: saas\nregion: us-east-1\n",
    "leaving.yaml": "tenant: leaving\ncompany: Leaving Inc\nmode: cloud\nregion: us-east-1\nstatus: offboarding\ndomain:\n  subdomain: leaving\nnetwork:\n  cidr: 10.60.0.0/16\n",
};

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
    repo = projectCopy({ prefix: "waves-repo-", copy: ["index.ts", "stacks", "components", "scripts", "platform-configs", "Pulumi.yaml", "package.json", "tsconfig.json"], link: ["dist", "policy"] });
    temporary.push(repo);
    const tenants = path.join(repo, "tenant-configs");
    fs.mkdirSync(tenants);
    fs.copyFileSync(TENANT_SCHEMA, path.join(tenants, "tenant.schema.json"));
    for (const [file, text] of Object.entries(FIXTURES)) {
        fs.writeFileSync(path.join(tenants, file), text);
    }
});

type StackOps = [typeof import("../scripts/stack-ops"), typeof import("../scripts/lib/cli")];
let loaded: Promise<StackOps> | undefined;

/** `npm run up -- ARGS` in the copy, its own main called in this process; the stub pulumi is a real process. */
async function cli(args: string[]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-ops-waves-"));
    temporary.push(dir);
    fs.writeFileSync(path.join(dir, "outputs.json"), "{}");
    loaded ??= Promise.all([import(path.join(repo, "scripts", "stack-ops.ts")), import(path.join(repo, "scripts", "lib", "cli.ts"))]) as Promise<StackOps>;
    const [ops, lib] = await loaded;
    const result = await runCli("stack-ops", (io) => ops.main(args, io), {
        cwd: repo,
        exitCodeOf: lib.exitCodeOf,
        env: { HOME: dir, PATH: `${STUBS}${path.delimiter}${SYSTEM_PATH}`, STUB_PULUMI_DIR: dir, PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
    const file = path.join(dir, "calls.jsonl");
    const calls: Call[] = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Call) : [];
    return { ...result, calls };
}

describe("npm run up -- --waves (stub pulumi)", () => {
    it("GIVEN waves out of --all's order WHEN dry-run THEN exactly those waves in that order, each stack in its region, the offboarding one by destroy's steps", async () => {
        const run = await cli(["up", "--waves", "platform-us-east-1;zeta,stay;leaving", "--dry-run"]);
        expect(run.status).toBe(0);
        expect(run.stdout).toBe(
            [
                "wave 1 (platform):",
                "  pulumi config set aws:region us-east-1 --stack platform-us-east-1 && pulumi up --stack platform-us-east-1 --policy-pack policy --yes",
                "wave 2 (fleet):",
                "  pulumi config set aws:region us-east-1 --stack zeta && pulumi up --stack zeta --policy-pack policy --yes",
                "  pulumi config set aws:region eu-west-1 --stack stay && pulumi up --stack stay --policy-pack policy --yes",
                "wave 3 (offboarding):",
                "  npm run destroy -- leaving --yes (status: offboarding: final backup, deletion protection lifted, destroy; vaults, keys and backups kept)",
                "dry run: nothing was deployed.",
                "",
            ].join("\n"),
        );
    }, 60_000);

    it("GIVEN two waves WHEN rolled out THEN the stacks are updated wave after wave in the given order", async () => {
        const run = await cli(["up", "--waves", "zeta;stay"]);
        expect(run.stderr).not.toMatch(/internal error/);
        expect(run.status).toBe(0);
        const starts = run.calls.filter((call) => call.tool === undefined && call.phase === "start").map((call) => `${call.argv[0]} ${call.stack}`);
        expect(starts).toEqual(["up zeta", "up stay"]);
    }, 120_000);

    it("GIVEN a wave naming a tenant without a file WHEN rolled out THEN refused before anything runs, naming it", async () => {
        const run = await cli(["up", "--waves", "stay;ghost,zeta"]);
        expect(run.status).toBe(1);
        expect(run.stdout).toContain('no tenant "ghost": no such file in tenant-configs/');
        expect(run.calls.filter((call) => call.tool === undefined && call.phase === "start")).toEqual([]);
    }, 60_000);
});
