// The CI scripts that start a process (the process project): the workflow lint's shellcheck
// mapping, the repository's shell scripts and workflow linted with shellcheck when it is installed, and
// scripts/ci/preview-stacks.sh run by bash against a stub pulumi. The rest is test/ci.test.ts.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { projectWithFixtureTenants, TENANT_SCHEMA } from "./fixtures/fleet";
import { hasShellcheck, lintWorkflow, shellcheckFile, shellcheckRunBlocks, shellScriptsOf } from "../scripts/ci/lint-workflows";

describe("lint-workflows with shellcheck", () => {
    const workflow = (steps: string, job = "    timeout-minutes: 5\n") => `on: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n${job}    steps:\n${steps}`;

    it.runIf(hasShellcheck())("GIVEN an unquoted variable in a run block WHEN shellchecked THEN SC2086 at the workflow's line and column", () => {
        const text = workflow("      - run: |\n          echo ok\n          rm $FILE\n");
        expect(shellcheckRunBlocks(text, "w.yml")).toEqual([expect.objectContaining({ line: 11, column: 14, rule: "shellcheck SC2086" })]);
    });

    it.runIf(hasShellcheck())("GIVEN a script file with an unquoted variable WHEN shellchecked THEN SC2086 at its line and column", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shellcheck-")), "s.sh");
        fs.writeFileSync(file, "#!/bin/bash\necho ok\nrm $FILE\n");
        expect(shellcheckFile(file, "s.sh")).toEqual([expect.objectContaining({ file: "s.sh", line: 3, column: 4, rule: "shellcheck SC2086" })]);
    });

    it.runIf(hasShellcheck())("GIVEN the repository's shell scripts WHEN shellchecked THEN they are clean", () => {
        const root = path.resolve(__dirname, "..");
        expect(shellScriptsOf(root).flatMap((script) => shellcheckFile(script, path.relative(root, script)))).toEqual([]);
    });

    it("GIVEN the repository's workflow WHEN linted THEN it is clean", async () => {
        const file = path.resolve(__dirname, "..", ".github", "workflows", "infra.yml");
        expect(await lintWorkflow(fs.readFileSync(file, "utf8"), "infra.yml", hasShellcheck())).toEqual([]);
    });
});

describe("scripts/ci/preview-stacks.sh against a stub pulumi", () => {
    // A project of the fixture fleet: the script resolves each stack's region from the tenant and
    // platform files (scripts/ci/stack-regions.ts), never from the repository's tenant-configs/.
    let project: string;
    beforeAll(() => {
        project = projectWithFixtureTenants({ prefix: "preview-stacks-", copy: ["scripts", "stacks", "Pulumi.yaml", "package.json"], link: ["platform-configs"] });
    });
    afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

    /** The script run by bash in the project, a stub pulumi first on PATH; `pulumi` is the stub's body after its logging line. */
    function previewStacks(stacks: string, pulumi: string) {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "stub-pulumi-"));
        const log = path.join(bin, "calls.log");
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/usr/bin/env bash\necho "$*" >> "${log}"\n${pulumi}`, { mode: 0o755 });
        const result = spawnSync("bash", [path.join(project, "scripts", "ci", "preview-stacks.sh")], {
            env: { PATH: `${bin}${path.delimiter}${process.env.PATH}`, STACKS: stacks },
            encoding: "utf8",
            timeout: 120_000,
        });
        const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
        fs.rmSync(bin, { recursive: true, force: true });
        return { ...result, calls };
    }

    it("GIVEN an existing and a new stack WHEN previewed THEN the existing one is previewed read-only and the new one reported, not created", () => {
        const result = previewStacks("platform-eu-west-1 globex", `if [ "$1 $2" = "stack select" ] && [ "$3" = "globex" ]; then echo "error: no stack named 'globex' found" >&2; exit 255; fi\nexit 0\n`);
        expect(result.status).toBe(0);
        expect(result.calls).toEqual([
            "stack select platform-eu-west-1 --non-interactive",
            "config set aws:region eu-west-1 --stack platform-eu-west-1 --non-interactive",
            "preview --diff --policy-pack policy --stack platform-eu-west-1 --non-interactive",
            "stack select globex --non-interactive",
        ]);
        expect(result.stdout).toContain("::notice::globex: no such stack in the backend yet");
        expect(result.stdout).toContain("2 stack(s): 1 previewed, 1 new (not previewed), 0 failed");
    }, 120_000);

    it("GIVEN recovery environments WHEN previewed THEN each runs in its production's off-site region, not a region its name spells", () => {
        const result = previewStacks("platform-eu-west-1-recovery northwind globex-recovery", "exit 0\n");
        expect(result.calls.filter((call) => call.startsWith("config set"))).toEqual([
            // The platform's off-site region (its platform file), northwind's region and globex's default partner region.
            "config set aws:region eu-central-1 --stack platform-eu-west-1-recovery --non-interactive",
            "config set aws:region eu-west-1 --stack northwind --non-interactive",
            "config set aws:region us-west-2 --stack globex-recovery --non-interactive",
        ]);
        expect(result.stdout).toContain("3 stack(s): 3 previewed, 0 new (not previewed), 0 failed");
        expect(result.status).toBe(0);
    }, 120_000);

    it("GIVEN a stack whose region cannot be known WHEN previewed THEN it fails with the reason and the others are still previewed", () => {
        const result = previewStacks("brightpath-recovery nosuch globex", "exit 0\n");
        expect(result.stderr).toContain("stack-regions: brightpath-recovery: tenant brightpath (saas) has no brightpath-recovery stack");
        expect(result.stderr).toContain('stack-regions: nosuch: no tenant "nosuch"');
        expect(result.stdout).toContain("::error::brightpath-recovery: its region is not known (the reason is above); not previewed");
        expect(result.calls).toEqual(["stack select globex --non-interactive", "config set aws:region us-east-1 --stack globex --non-interactive", "preview --diff --policy-pack policy --stack globex --non-interactive"]);
        expect(result.stdout).toContain("3 stack(s): 1 previewed, 0 new (not previewed), 2 failed: brightpath-recovery nosuch");
        expect(result.status).toBe(1);
    }, 120_000);

    it("GIVEN a stack that cannot be selected for another reason WHEN previewed THEN it fails, naming the reason", () => {
        const result = previewStacks("platform-eu-west-1", `echo "error: [401] Unauthorized" >&2\nexit 255\n`);
        expect(result.status).toBe(1);
        expect(result.stdout).toContain("::error::platform-eu-west-1: cannot select the stack: error: [401] Unauthorized");
    }, 120_000);

    it("GIVEN a stack whose region cannot be set WHEN previewed THEN it fails and the next stack is still previewed, with the summary", () => {
        const result = previewStacks("platform-eu-west-1 globex", `if [ "$1 $2" = "config set" ] && [ "$6" = "platform-eu-west-1" ]; then echo "error: could not save configuration" >&2; exit 255; fi\nexit 0\n`);
        expect(result.calls).toEqual([
            "stack select platform-eu-west-1 --non-interactive",
            "config set aws:region eu-west-1 --stack platform-eu-west-1 --non-interactive",
            "stack select globex --non-interactive",
            "config set aws:region us-east-1 --stack globex --non-interactive",
            "preview --diff --policy-pack policy --stack globex --non-interactive",
        ]);
        expect(result.stdout).toContain("2 stack(s): 1 previewed, 0 new (not previewed), 1 failed: platform-eu-west-1");
        expect(result.status).toBe(1);
    }, 120_000);
});

describe("the CI matrix scripts as processes (their smoke tests)", () => {
    const ROOT = path.resolve(__dirname, "..");
    const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
    const cli = (script: string, ...args: string[]) => spawnSync(TSX, [path.join(ROOT, "scripts", "ci", script), ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });

    it.each([
        ["plan-shards.ts", ["--bogus"], "plan-shards: Unknown option '--bogus'; see --help\n"],
        ["plan-shards.ts", ["--max-shards", "65"], "plan-shards: --max-shards 65: expected a whole number from 1 to 64; see --help\n"],
        ["rollout-matrix.ts", ["--bogus"], "rollout-matrix: Unknown option '--bogus'; see --help\n"],
        ["rollout-matrix.ts", ["--max-jobs", "257"], "rollout-matrix: --max-jobs 257: expected a whole number from 1 to 256; see --help\n"],
    ])("GIVEN %s %j WHEN run THEN one line ending in 'see --help', exit 2", (script, args, expected) => {
        const result = cli(script, ...args);
        expect(result.stderr).toBe(expected);
        expect(result.status).toBe(2);
    });

    it("GIVEN a fixture tenant folder WHEN the CLIs run THEN plan-shards prints one shard and rollout-matrix the stages for $GITHUB_OUTPUT", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-matrix-"));
        try {
            fs.copyFileSync(TENANT_SCHEMA, path.join(dir, "tenant.schema.json"));
            fs.writeFileSync(path.join(dir, "globex.yaml"), "tenant: globex\ncompany: Globex\nmode: cloud\nregion: us-east-1\ndomain:\n  subdomain: globex\nnetwork:\n  cidr: 10.20.0.0/16\n");
            const shards = cli("plan-shards.ts", "--dir", dir);
            expect(shards.status).toBe(0);
            expect(JSON.parse(shards.stdout)).toEqual({ count: 1, weight: 138, tenants: 1, matrix: { include: [{ shard: "1/1", name: "plan-shard-001" }] } });
            const rollout = cli("rollout-matrix.ts", "--dir", dir);
            expect(rollout.stderr).toBe("rollout-matrix: 1 tenants in waves of 4; jobs per stage: platform 1, canary 1, fleet 0, offboarding 0\n");
            expect(rollout.stdout.split("\n").filter((line) => line.endsWith("_jobs=1") || line.endsWith("_jobs=0"))).toEqual(["platform_jobs=1", "canary_jobs=1", "fleet_jobs=0", "offboarding_jobs=0"]);
            expect(rollout.status).toBe(0);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }, 120_000);
});
