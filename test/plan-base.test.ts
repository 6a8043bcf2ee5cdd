import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { baseArgs, planBase } from "../scripts/lib/plan/base";
import { prunesOwnCache } from "../scripts/lib/plan/stream/cache";
import { writeFixtureTenants } from "./fixtures/fleet";

const ROOT = path.resolve(__dirname, "..");
const temporary: string[] = [];

function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temporary.push(dir);
    return dir;
}

function git(cwd: string, ...args: string[]): string {
    const result = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });
    if (result.status !== 0) {
        throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
    }
    return result.stdout.trim();
}

const worktrees = (repo: string): string[] => git(repo, "worktree", "list", "--porcelain").split("\n").filter((line) => line.startsWith("worktree "));
const leftovers = (): string[] => fs.readdirSync(os.tmpdir()).filter((entry) => entry.startsWith("plan-base-"));

afterAll(() => {
    for (const dir of temporary) {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

describe("baseArgs", () => {
    it.each([
        [["--all", "acme", "--config", "k=v"], ["--all", "acme", "--config", "k=v"]],
        [["tenant-configs/acme.yaml"], ["/wt/tenant-configs/acme.yaml"]],
        [["/elsewhere/x.yaml"], ["/elsewhere/x.yaml"]],
    ])("GIVEN head arguments %j WHEN mapped for the base THEN %j (files in the repository are the base's own)", (args, expected) => {
        expect(baseArgs("/repo", "/wt", args, "/repo")).toEqual(expected);
    });
});

describe("planBase preconditions", () => {
    it("GIVEN a ref that is not a commit WHEN planned THEN the base ref cannot be planned, naming the ref, and no worktree is made", async () => {
        const before = leftovers().length;
        await expect(planBase({ repo: ROOT, ref: "no-such-ref-xyz", planArgs: [] })).rejects.toThrow(/^the base ref cannot be planned: "no-such-ref-xyz" is not a commit of /);
        expect(leftovers().length).toBe(before);
    });

    it("GIVEN a ref older than the plan command WHEN planned THEN it says so and its worktree is removed", async () => {
        const repo = tempDir("plan-base-test-old-");
        git(repo, "init", "--quiet");
        fs.writeFileSync(path.join(repo, "package.json"), JSON.stringify({ name: "old", scripts: { test: "true" } }));
        git(repo, "add", "package.json");
        git(repo, "commit", "--quiet", "-m", "before the plan");
        const before = leftovers().length;
        await expect(planBase({ repo, ref: "HEAD", planArgs: ["--all"] })).rejects.toThrow(/the base ref cannot be planned: HEAD \([0-9a-f]{12}\) has no "plan" script in package.json/);
        expect(worktrees(repo)).toHaveLength(1);
        expect(leftovers().length).toBe(before);
    });

    /** A one-commit repository whose plan command is `node plan.js` running `script`. */
    function repoWithPlan(prefix: string, script: string): string {
        const repo = tempDir(prefix);
        git(repo, "init", "--quiet");
        fs.writeFileSync(path.join(repo, "package.json"), JSON.stringify({ name: "base", scripts: { plan: "node plan.js" } }));
        fs.writeFileSync(path.join(repo, "plan.js"), script);
        git(repo, "add", "package.json", "plan.js");
        git(repo, "commit", "--quiet", "-m", "a plan command");
        return repo;
    }

    it("GIVEN a ref whose plan command fails WHEN planned THEN its exit code and stderr are reported and its worktree is removed", async () => {
        const repo = repoWithPlan("plan-base-test-broken-", "console.error('boom at base'); process.exitCode = 70;\n");
        await expect(planBase({ repo, ref: "HEAD", planArgs: [] })).rejects.toThrow(/the base ref cannot be planned: its plan command exited 70:\n.*boom at base/s);
        expect(worktrees(repo)).toHaveLength(1);
    });

    it("GIVEN a shared plan cache WHEN the base is planned THEN its plan command is told not to prune it (the caller prunes once both plans are done)", async () => {
        // Says what it was told, then fails, so that planBase reports its stderr.
        const repo = repoWithPlan("plan-base-test-env-", "console.error(`pruned by the caller: ${process.env.PLAN_CACHE_PRUNED_BY_CALLER}`); process.exitCode = 70;\n");
        await expect(planBase({ repo, ref: "HEAD", planArgs: [] })).rejects.toThrow(/pruned by the caller: 1/);
        expect(prunesOwnCache({ PLAN_CACHE_PRUNED_BY_CALLER: "1" })).toBe(false);
        expect(prunesOwnCache({})).toBe(true);
    });
});

interface Doc {
    tenants: {
        tenant: string;
        mode: string;
        resources: { type: string; name: string; inputs: { metadataOptions?: { httpPutResponseHopLimit?: number } } }[];
        diff: { status: string; added: unknown[]; removed: unknown[]; changed: { type: string; name: string; changes: unknown[]; replace: boolean }[]; outputs: unknown[] };
    }[];
    blastRadius: { kind: string; type: string; path?: string; tenants: string[] }[];
    base: { ref: string; commit: string };
}

/** The files of this change, copied into the clone as one commit: the clone's HEAD is then this code. */
const OWN_FILES = [
    "scripts/plan.ts",
    "scripts/lib/plan/base.ts",
    ...["blast-radius", "model", "references", "render", "server-order", "stacks", "values"].map((file) => `scripts/lib/plan/diff/${file}.ts`),
    "scripts/lib/plan/markdown.ts",
    "scripts/lib/plan/mermaid.ts",
    "scripts/lib/plan/force-new.ts",
    "scripts/lib/plan/replacements.ts",
];

describe("npm run plan -- --all --base HEAD (end to end, in a clone)", () => {
    it("GIVEN one line of a shared component changed WHEN planned against HEAD THEN every stack with that component shows exactly that change, and nothing else changes", async () => {
        const clone = tempDir("plan-base-test-clone-");
        git(os.tmpdir(), "clone", "--quiet", "--no-hardlinks", ROOT, clone);
        for (const file of OWN_FILES) {
            fs.copyFileSync(path.join(ROOT, file), path.join(clone, file));
        }
        // The clone's fleet is the fixture fleet (the examples' shape), committed with the code:
        // the tenants sales ops have committed to tenant-configs/ never reach a test.
        git(clone, "rm", "--quiet", "-r", "--ignore-unmatch", "--", "tenant-configs/*.yaml");
        writeFixtureTenants(path.join(clone, "tenant-configs"));
        git(clone, "add", "--", ...OWN_FILES, "tenant-configs");
        git(clone, "commit", "--quiet", "--allow-empty", "-m", "the plan diff");
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(clone, "node_modules"), "dir");
        const component = path.join(clone, "components", "dual-nic-server.ts");
        const source = fs.readFileSync(component, "utf8");
        expect(source).toContain("httpPutResponseHopLimit: 1 }");
        fs.writeFileSync(component, source.replace("httpPutResponseHopLimit: 1 }", "httpPutResponseHopLimit: 2 }"));

        const result = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/plan.ts", "--all", "--base", "HEAD", "--json", "--markdown", "plan-comment.md"], {
            cwd: clone,
            encoding: "utf8",
            timeout: 480_000,
            maxBuffer: 64 * 1024 * 1024,
        });
        expect(result.stderr).toContain("plan: removed the base worktree");
        expect(result.status, result.stderr).toBe(0);
        const doc = JSON.parse(result.stdout) as Doc;
        expect(doc.base).toEqual({ ref: "HEAD", commit: git(clone, "rev-parse", "HEAD") });

        const instances = (stack: Doc["tenants"][number]) =>
            stack.resources.filter((resource) => resource.type === "aws:ec2/instance:Instance" && resource.inputs.metadataOptions?.httpPutResponseHopLimit === 2).map((resource) => resource.name);
        const affected = doc.tenants.filter((stack) => instances(stack).length > 0);
        expect(affected.map((stack) => stack.mode)).toEqual(expect.arrayContaining(["platform", "cloud", "vpn", "vpn-sync", "physical"]));
        for (const stack of doc.tenants) {
            if (!affected.includes(stack)) {
                expect(stack.diff, stack.tenant).toEqual({ status: "unchanged", added: [], removed: [], changed: [], outputs: [] });
                continue;
            }
            expect(stack.diff.status).toBe("changed");
            expect(stack.diff.added).toEqual([]);
            expect(stack.diff.removed).toEqual([]);
            expect(stack.diff.outputs).toEqual([]);
            expect(stack.diff.changed).toEqual(
                instances(stack)
                    .sort()
                    // The hop limit updates in place (metadata_options is not force-new): no replacement.
                    .map((name) => ({ type: "aws:ec2/instance:Instance", name, changes: [{ path: "/inputs/metadataOptions/httpPutResponseHopLimit", before: 1, after: 2 }], replace: false })),
            );
        }
        expect(doc.blastRadius).toHaveLength(1);
        expect(doc.blastRadius[0]).toMatchObject({ kind: "changed", type: "aws:ec2/instance:Instance", path: "/inputs/metadataOptions/httpPutResponseHopLimit", tenants: affected.map((s) => s.tenant).sort() });

        const comment = fs.readFileSync(path.join(clone, "plan-comment.md"), "utf8");
        expect(comment).toContain(`stacks (`);
        expect(comment).toContain("/inputs/metadataOptions/httpPutResponseHopLimit: 1 → 2");
        expect(fs.existsSync(path.join(clone, "plan-comment-2.md"))).toBe(false);
        // The user's checkout is untouched: one worktree, and the changed line still uncommitted.
        expect(worktrees(clone)).toHaveLength(1);
        expect(git(clone, "status", "--porcelain", "--untracked-files=no")).toBe("M components/dual-nic-server.ts");
    }, 600_000);
});
