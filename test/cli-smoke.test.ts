// One smoke test per CLI as a process (the process project): `tsx scripts/X.ts` as npm runs it,
// through its `require.main` entry and scripts/lib/cli.ts `run` (a usage error: one line, exit 2).
// Everything else of the CLIs calls their main in-process (test/cli-harness.ts); stack-ops's smoke
// test is in test/stack-ops.test.ts.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { projectCopy } from "../bench/project-copy";

const REPO = path.resolve(__dirname, "..");
const TSX = path.join(REPO, "node_modules", ".bin", "tsx");

const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe("every CLI as a process (its smoke test)", () => {
    const ROOT = projectCopy({ prefix: "cli-", copy: ["stacks", "components", "scripts", "bench", "platform-configs", "Pulumi.yaml", "package.json", "tsconfig.json"], link: ["test", "policy"] });
    temporary.push(ROOT);
    fs.mkdirSync(path.join(ROOT, "tenant-configs"));
    fs.copyFileSync(path.join(REPO, "tenant-configs", "tenant.schema.json"), path.join(ROOT, "tenant-configs", "tenant.schema.json"));
    fs.writeFileSync(path.join(ROOT, "tenant-configs", "globex.yaml"), "tenant: globex\ncompany: Globex\nmode: cloud\nregion: us-east-1\ndomain:\n  subdomain: globex\nnetwork:\n  cidr: 10.20.0.0/16\n");
    const cli = (script: string, ...args: string[]) => spawnSync(TSX, [path.join(ROOT, script), ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });

    it.each<[string, string[], string]>([
        ["validate", ["scripts/validate.ts", "--bogus"], "validate: Unknown option '--bogus'; see --help\n"],
        // The plan's smoke test as a process (test/plan-cli.test.ts calls its main in-process).
        ["plan", ["scripts/plan.ts", "--bogus"], "plan: Unknown option '--bogus'; see --help\n"],
        // The tenant wizard's smoke test as a process (test/tenant-new.test.ts calls its main in-process).
        ["tenant:new", ["scripts/tenant-new.ts", "--bogus"], "tenant:new: Unknown option '--bogus'; see --help\n"],
        // The policy CLI's smoke test as a process (test/policy/framework.test.ts calls its main in-process).
        ["policy", ["scripts/policy.ts", "stray"], 'policy: unexpected argument "stray"; give the plan with --plan FILE.json; see --help\n'],
        ["build", ["scripts/build.ts", "--bogus"], "build: Unknown option '--bogus'; see --help\n"],
        ["lint-workflows", ["scripts/ci/lint-workflows.ts", "--bogus"], "lint-workflows: Unknown option '--bogus'; see --help\n"],
        ["plan-comment", ["scripts/ci/plan-comment.ts", "--bogus"], "plan-comment: Unknown option '--bogus'; see --help\n"],
        ["preview-matrix", ["scripts/ci/preview-matrix.ts", "--bogus"], "preview-matrix: Unknown option '--bogus'; see --help\n"],
        ["render-diagrams", ["scripts/ci/render-diagrams.ts", "--bogus"], "render-diagrams: Unknown option '--bogus'; see --help\n"],
        ["drift-report", ["scripts/ci/drift-report.ts", "merge", "--bogus"], "drift-report: Unknown option '--bogus'; see --help\n"],
        ["bench --out into a missing folder", ["bench/run.ts", "--out", "nowhere/results.json"], `bench: --out nowhere/results.json: cannot be written: the folder ${path.join("ROOT", "nowhere")} does not exist (ENOENT); see --help\n`],
    ])("GIVEN %s WHEN run THEN exactly one line ending in 'see --help', exit 2", (_, [script, ...args], expected) => {
        const result = cli(script!, ...args);
        expect(result.stderr).toBe(expected.replace("ROOT", fs.realpathSync(ROOT)));
        expect(result.status).toBe(2);
    });

    it("GIVEN a reader that stops early (plan ... | head) WHEN the plan writes on THEN it ends quietly with SIGPIPE's 141, no stack trace, its temporary folder removed", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-epipe-"));
        temporary.push(tmp);
        // Outputs larger than a pipe holds (64 KiB), so that the plan is still writing when head has gone.
        for (const args of ["--all --json", "--all --shard 1/1"]) {
            const result = spawnSync("bash", ["-c", `set -o pipefail; "${TSX}" scripts/plan.ts ${args} | head -c 1 > /dev/null`], { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, TMPDIR: tmp } });
            expect(result.status, `${args}: ${result.stderr}`).toBe(141);
            expect(result.stderr, args).not.toMatch(/EPIPE|\n\s+at |internal error/);
            expect(fs.readdirSync(tmp).filter((entry) => entry.startsWith("plan-")), args).toEqual([]);
        }
    });

    it("GIVEN the plan through a pipe (--plan <(...)) WHEN policy checks it THEN it is read once, as the file is: the same report and exit", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-pipe-"));
        temporary.push(tmp);
        const plan = path.join(tmp, "plan.json");
        const script = [
            `"${TSX}" scripts/plan.ts --all --json > "${plan}"`,
            `"${TSX}" scripts/policy.ts --plan "${plan}" > "${tmp}/file.txt"; echo "file $?"`,
            `"${TSX}" scripts/policy.ts --plan <(cat "${plan}") > "${tmp}/pipe.txt"; echo "pipe $?"`,
        ].join("\n");
        const result = spawnSync("bash", ["-c", script], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
        expect(result.stdout, result.stderr).toBe("file 0\npipe 0\n");
        const report = fs.readFileSync(path.join(tmp, "file.txt"), "utf8");
        expect(report).toMatch(/stack\(s\) checked/);
        expect(fs.readFileSync(path.join(tmp, "pipe.txt"), "utf8")).toBe(report);
    });

    it.each(["scripts/ci/preview-matrix.ts", "scripts/ci/plan-shards.ts", "scripts/validate.ts", "scripts/policy.ts"])("GIVEN %s (a step of every pull request's CI, or sales ops' check) WHEN loaded THEN nothing of @pulumi/ is (it reads files and plan documents, it plans nothing)", (script) => {
        const probe = `require(${JSON.stringify(`./${script}`)}); process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((file) => file.includes("/@pulumi/") && !file.endsWith("/typescript-shim.js"))));`;
        const result = spawnSync(process.execPath, ["--import", "tsx", "-e", probe], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
        expect(result.status, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual([]);
    });

    it("GIVEN npm run validate WHEN it checks the tenant and platform files THEN it never loads @pulumi/pulumi (sales ops run it on every change; Pulumi is most of a second of start-up)", () => {
        const script =
            'require("./scripts/validate.ts").main([]).then((code) => process.stdout.write(`\\n${JSON.stringify({ code, pulumi: Object.keys(require.cache).filter((file) => file.includes("/@pulumi/") && !file.endsWith("/typescript-shim.js")) })}`));';
        const result = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
        expect(result.status, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/^\d+ tenant and platform file\(s\) valid\n$/);
        expect(JSON.parse(result.stdout.trim())).toEqual({ code: 0, pulumi: [] });
    });
});
