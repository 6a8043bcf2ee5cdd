// .github/workflows/infra.yml at scale: the pull request's plan as a matrix of shards merged into one
// document (and one comment), and main's rollout as four stages of matrices of whole waves, one
// batch at a time. The wiring that a careless edit would break; test/ci.test.ts covers the rest.

import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

import { ROLLOUT_STAGES } from "../scripts/lib/ops/rollout";

type Step = { name?: string; run?: string; uses?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown> };
type Job = {
    name?: string;
    if?: string;
    needs?: string | string[];
    environment?: string;
    permissions?: Record<string, string>;
    outputs?: Record<string, string>;
    concurrency?: unknown;
    strategy?: { "fail-fast"?: boolean; "max-parallel"?: number; matrix: unknown };
    steps: Step[];
};

const text = fs.readFileSync(path.resolve(__dirname, "..", ".github", "workflows", "infra.yml"), "utf8");
const workflow = parseYaml(text) as { jobs: Record<string, Job> };
const job = (name: string): Job => workflow.jobs[name]!;
const runs = (name: string) => job(name).steps.map((step) => step.run ?? "").join("\n");
const secretsOf = (value: unknown) => [...JSON.stringify(value ?? {}).matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]!);

const STAGE_JOBS: Record<(typeof ROLLOUT_STAGES)[number], string> = {
    platform: "deploy-platforms",
    canary: "deploy-canaries",
    fleet: "deploy-fleet",
    offboarding: "deploy-offboarding",
};

describe("infra.yml: the pull request's plan in shards", () => {
    it("GIVEN the shards job WHEN it runs THEN it validates, then sizes the plan with plan-shards.ts, without secrets", () => {
        expect(runs("shards")).toMatch(/npm run validate[\s\S]*npx tsx scripts\/ci\/plan-shards\.ts/);
        expect(job("shards").outputs).toEqual({ count: "${{ steps.shards.outputs.count }}", matrix: "${{ steps.shards.outputs.matrix }}" });
        expect(job("shards").permissions).toEqual({ contents: "read" });
    });

    it("GIVEN the shard matrix WHEN it runs THEN every shard plans its slice to a file kept one day, none cancelling the others", () => {
        const shard = job("plan-shard");
        expect(shard.needs).toBe("shards");
        expect(shard.strategy).toEqual({ "fail-fast": false, matrix: "${{ fromJSON(needs.shards.outputs.matrix) }}" });
        expect(shard.permissions).toEqual({ contents: "read" });
        expect(runs("plan-shard")).toContain('npm run -s plan -- --all --base "origin/${BASE_REF}" --shard "${SHARD}" --out "${OUT}"');
        expect(runs("plan-shard")).toContain('npm run -s plan -- --all --shard "${SHARD}" --out "${OUT}"');
        const plan = shard.steps.find((step) => step.run?.includes("--shard"))!;
        expect(plan.env).toEqual({ BASE_REF: "${{ github.base_ref }}", SHARD: "${{ matrix.shard }}", OUT: "${{ matrix.name }}.json" });
        const upload = shard.steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"))!;
        expect(upload.with).toEqual({ name: "${{ matrix.name }}", path: "${{ matrix.name }}.json", "if-no-files-found": "error", "retention-days": 1 });
    });

    it("GIVEN the shards WHEN merged THEN the fleet check downloads them all, merges them into plan.json and the comment, and judges, comments and previews from that", () => {
        const fleet = job("fleet");
        expect(fleet.needs).toEqual(["shards", "plan-shard"]);
        // Runs when a shard failed (the merge names it; a skipped required check would pass).
        expect(fleet.if).toBe("${{ !cancelled() }}");
        const download = fleet.steps.find((step) => step.uses?.startsWith("actions/download-artifact@"))!;
        expect(download.with).toEqual({ pattern: "plan-shard-*", "merge-multiple": true, path: "plan-shards" });
        const steps = runs("fleet");
        expect(steps).toContain("npm run -s plan -- merge plan-shards/plan-shard-*.json --json --markdown plan-comment.md > plan.json");
        expect(steps).toContain("npm run -s plan -- merge plan-shards/plan-shard-*.json --json > plan.json");
        expect(steps.indexOf("plan -- merge")).toBeLessThan(steps.indexOf("npm run -s policy -- --plan plan.json"));
        expect(steps).toContain("npx tsx scripts/ci/preview-matrix.ts --plan plan.json --max-jobs 20");
        const fail = fleet.steps.at(-1)!;
        expect(fail.if).toContain("needs.plan-shard.result != 'success'");
        expect(fleet.steps[0]!.if).toBe("needs.shards.result != 'success'");
    });

    it("GIVEN a pull request WHEN its jobs run THEN no job of it sees a secret but the preview's, and the preview still reads the merged plan", () => {
        for (const name of ["checks", "shards", "plan-shard", "fleet"]) {
            expect(secretsOf(job(name)), name).toEqual([]);
            expect(job(name).environment, name).toBeUndefined();
        }
        expect(job("preview").needs).toBe("fleet");
    });
});

describe("infra.yml: main's rollout in batches", () => {
    it("GIVEN a push to main WHEN the rollout is planned THEN rollout-matrix.ts batches it at GitHub's limit, every stage's matrix and job count an output", () => {
        expect(runs("rollout")).toContain('npx tsx scripts/ci/rollout-matrix.ts --parallel 4 --max-jobs 256 --waves-per-job 10 >> "$GITHUB_OUTPUT"');
        expect(Object.keys(job("rollout").outputs!).sort()).toEqual(ROLLOUT_STAGES.flatMap((stage) => [stage, `${stage}_jobs`]).sort());
        expect(job("rollout").environment).toBeUndefined();
    });

    it("GIVEN the stages WHEN chained THEN platforms, canaries, fleet, offboarding, each after the one before and only if nothing before failed", () => {
        let previous = "rollout";
        for (const stage of ROLLOUT_STAGES) {
            const name = STAGE_JOBS[stage];
            const deploy = job(name);
            expect(deploy.needs, name).toEqual(previous === "rollout" ? "rollout" : ["rollout", previous]);
            expect(deploy.if, name).toContain(`needs.rollout.outputs.${stage}_jobs != '0'`);
            expect(deploy.if, name).toContain("needs.rollout.result == 'success'");
            if (previous !== "rollout") {
                // A skipped empty stage passes on; a failed or cancelled one stops every later stage.
                expect(deploy.if, name).toContain("!cancelled() && !failure()");
            }
            previous = name;
        }
    });

    it("GIVEN a stage's batches WHEN run THEN one at a time in order, a failure cancelling the batches not started, each running its own waves", () => {
        for (const stage of ROLLOUT_STAGES) {
            const deploy = job(STAGE_JOBS[stage]);
            expect(deploy.strategy, stage).toEqual({ "fail-fast": true, "max-parallel": 1, matrix: `\${{ fromJSON(needs.rollout.outputs.${stage}) }}` });
            // A job-level group shared by a matrix's jobs would cancel their pending places.
            expect(deploy.concurrency, stage).toBeUndefined();
            expect(deploy.name, stage).toContain("${{ matrix.batch }}");
            const log = deploy.steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"))!;
            expect(log.with?.name, stage).toBe("stack-ops-log-${{ matrix.name }}");
        }
    });

    it("GIVEN the four stage jobs WHEN compared THEN their steps are the same (one edited alone would drift)", () => {
        const [first, ...others] = ROLLOUT_STAGES.map((stage) => job(STAGE_JOBS[stage]));
        for (const other of others) {
            expect(other.steps).toEqual(first!.steps);
            expect(other.permissions).toEqual(first!.permissions);
        }
    });
});
