// The rollout of main as CI matrices (scripts/ci/rollout-matrix.ts over batchRollout): whole waves,
// in rolloutPlan's order, at most 256 jobs per stage; the `--waves` argument each job runs; and the
// plan's shard count (scripts/ci/plan-shards.ts). Fixture fleets built here, never tenant-configs/.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { githubOutput, rolloutMatrix } from "../scripts/ci/rollout-matrix";
import { MAX_SHARDS, shardMatrix, tenantModes, WEIGHT_PER_SHARD, weightOf } from "../scripts/ci/plan-shards";
import { GITHUB_MATRIX_LIMIT } from "../scripts/lib/ops/changed";
import { batchRollout, formatWaves, parseWaves, ROLLOUT_STAGES, RolloutTenant, rolloutPlan, RolloutWave } from "../scripts/lib/ops/rollout";
import { PLAN_WEIGHT } from "../scripts/lib/plan/fleet-weights";
import { MODES } from "../lib/modes";
import { parseRequest } from "../scripts/stack-ops";

const REGIONS = ["eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2"];

/** A fleet of `n` tenants: every 10th in test or demo (canaries), every 97th offboarding, modes and regions spread. */
function fleet(n: number): RolloutTenant[] {
    return Array.from({ length: n }, (_, i) => ({
        id: `t${String(i).padStart(5, "0")}`,
        mode: MODES[i % MODES.length]!,
        region: REGIONS[i % REGIONS.length]!,
        environment: i % 1000 === 1 ? "test" : i % 1000 === 2 ? "demo" : "production",
        ...(i % 97 === 5 ? { status: "offboarding" as const } : {}),
    }));
}

const stacksOf = (waves: readonly RolloutWave[]) => waves.map((wave) => wave.stacks);

describe("batchRollout", () => {
    it("GIVEN 10,000 tenants in waves of 4 WHEN batched at GitHub's limit THEN every stage fits 256 jobs, its waves whole and in rolloutPlan's order", () => {
        const waves = rolloutPlan(fleet(10_000), 4);
        const stages = batchRollout(waves, GITHUB_MATRIX_LIMIT, 10);
        const fleetWaves = waves.filter((wave) => wave.stage === "fleet").length;
        expect(fleetWaves).toBeGreaterThan(2_400);
        expect(stages.fleet.length).toBe(Math.ceil(fleetWaves / 10));
        // One wave a job would be 2,400 jobs: the limit binds, and the waves still stay whole and in order.
        const capped = batchRollout(waves, GITHUB_MATRIX_LIMIT, 1);
        expect(capped.fleet.length).toBe(GITHUB_MATRIX_LIMIT);
        expect(ROLLOUT_STAGES.flatMap((stage) => capped[stage].flat())).toEqual(waves);
        for (const stage of ROLLOUT_STAGES) {
            expect(stages[stage].length, stage).toBeLessThanOrEqual(GITHUB_MATRIX_LIMIT);
            expect(stages[stage].every((batch) => batch.length > 0 && batch.every((wave) => wave.stage === stage)), stage).toBe(true);
        }
        // Concatenated stage after stage, the batches are exactly the plan's waves: none split, moved or lost.
        expect(ROLLOUT_STAGES.flatMap((stage) => stages[stage].flat())).toEqual(waves);
        const sizes = stages.fleet.map((batch) => batch.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    });

    it.each([1, 7, 40, 100])("GIVEN a small fleet of %i tenants WHEN batched THEN each stage with stacks is one job", (n) => {
        const waves = rolloutPlan(fleet(n), 4);
        const stages = batchRollout(waves, GITHUB_MATRIX_LIMIT, 100);
        for (const stage of ROLLOUT_STAGES) {
            const count = waves.filter((wave) => wave.stage === stage).length;
            expect(stages[stage].length, stage).toBe(count === 0 ? 0 : 1);
            expect(stacksOf(stages[stage].flat()), stage).toEqual(stacksOf(waves.filter((wave) => wave.stage === stage)));
        }
    });

    it.each([
        // waves, maxJobs, wavesPerJob -> batch lengths
        [25, 256, 10, [9, 8, 8]],
        [10, 256, 10, [10]],
        [11, 256, 10, [6, 5]],
        [2500, 256, 10, Array(250).fill(10)],
        [3000, 256, 10, [...Array(184).fill(12), ...Array(72).fill(11)]],
        [5, 2, 1, [3, 2]],
    ])("GIVEN %i fleet waves, at most %i jobs, %i waves a job WHEN batched THEN the batches hold %j waves", (count, maxJobs, wavesPerJob, sizes) => {
        const waves: RolloutWave[] = Array.from({ length: count }, (_, i) => ({ stage: "fleet", stacks: [`s${i}`] }));
        const stages = batchRollout(waves, maxJobs, wavesPerJob);
        expect(stages.fleet.map((batch) => batch.length)).toEqual(sizes);
        expect(stages.fleet.flat()).toEqual(waves);
    });

    it("GIVEN a platform wave after a fleet wave WHEN batched THEN it is refused: the stages run in order", () => {
        const waves: RolloutWave[] = [
            { stage: "fleet", stacks: ["a"] },
            { stage: "platform", stacks: ["platform-eu-west-1"] },
        ];
        expect(() => batchRollout(waves, 256, 10)).toThrow("a platform wave comes after a fleet wave");
    });

    it.each([
        [0, 10],
        [10, 0],
        [2.5, 10],
    ])("GIVEN maxJobs %s and wavesPerJob %s WHEN batched THEN it is refused", (maxJobs, wavesPerJob) => {
        expect(() => batchRollout([], maxJobs, wavesPerJob)).toThrow(RangeError);
    });
});

describe("rolloutMatrix", () => {
    it("GIVEN 10,000 tenants WHEN made into matrices THEN each job's --waves argument parses back to its waves, stages in order, names unique", () => {
        const tenants = fleet(10_000);
        const waves = rolloutPlan(tenants, 4);
        const matrix = rolloutMatrix(tenants, { parallel: 4, maxJobs: GITHUB_MATRIX_LIMIT, wavesPerJob: 10 });
        const jobs = ROLLOUT_STAGES.flatMap((stage) => matrix[stage].include);
        expect(jobs.flatMap((job) => parseWaves(job.waves))).toEqual(stacksOf(waves));
        expect(new Set(jobs.map((job) => job.name)).size).toBe(jobs.length);
        expect(matrix.fleet.include[0]).toMatchObject({ batch: `1 of ${matrix.fleet.include.length}`, name: "fleet-001" });
        // Every offboarding tenant is in the last stage, after the whole fleet.
        expect(matrix.offboarding.include.flatMap((job) => parseWaves(job.waves).flat()).sort()).toEqual(tenants.filter((t) => t.status === "offboarding").map((t) => t.id));
        // What the workflow reads: STAGE_jobs and STAGE per stage, within GitHub's 1 MB of job outputs.
        const output = githubOutput(matrix);
        expect(output.split("\n").filter(Boolean).map((line) => line.split("=")[0])).toEqual(ROLLOUT_STAGES.flatMap((stage) => [`${stage}_jobs`, stage]));
        expect(Buffer.byteLength(output)).toBeLessThan(1_000_000);
    });

    it("GIVEN a fleet without offboarding tenants WHEN made into matrices THEN that stage has 0 jobs and an empty include (its job is skipped)", () => {
        const matrix = rolloutMatrix(fleet(5), { parallel: 4, maxJobs: 256, wavesPerJob: 10 });
        expect(githubOutput(matrix)).toContain('offboarding_jobs=0\noffboarding={"include":[]}\n');
        expect(matrix.platform.include).toHaveLength(1);
        // The home platform alone first, then the other regions' platforms in a wave.
        expect(parseWaves(matrix.platform.include[0]!.waves)).toEqual([["platform-eu-west-1"], ["platform-ap-southeast-2", "platform-eu-central-1", "platform-us-east-1"]]);
    });
});

describe("--waves", () => {
    it("GIVEN waves WHEN formatted and parsed THEN they round-trip", () => {
        const waves = [["platform-eu-west-1"], ["a", "b", "c", "d"], ["e"]];
        expect(formatWaves(waves.map((stacks) => ({ stacks })))).toBe("platform-eu-west-1;a,b,c,d;e");
        expect(parseWaves("platform-eu-west-1;a,b,c,d;e")).toEqual(waves);
    });

    it.each([
        ["a;;b", "wave 2 of \"a;;b\" has an empty stack name"],
        ["a,b;b", "b is named twice (wave 2)"],
        ["", "wave 1 of \"\" has an empty stack name"],
    ])("GIVEN --waves %j WHEN parsed THEN it is refused: %s", (text, message) => {
        expect(() => parseWaves(text)).toThrow(message);
    });

    it("GIVEN up --waves WHEN parsed THEN the request carries the waves in order, without --all or --parallel", () => {
        expect(parseRequest(["up", "--waves", "platform-eu-west-1;acme,globex"])).toMatchObject({ command: "up", all: false, stacks: [], parallel: undefined, waves: [["platform-eu-west-1"], ["acme", "globex"]] });
    });

    it.each([
        [["up", "--waves", "abc,bcd", "acme"], "--waves names every stack and its wave: no STACK, --all or --parallel with it"],
        [["up", "--waves", "abc,bcd", "--all"], "--waves names every stack and its wave"],
        [["up", "--waves", "abc,bcd", "--parallel", "2"], "--waves names every stack and its wave"],
        [["destroy", "acme", "--waves", "abc"], "--waves applies to preview and up only"],
        [["up", "--waves", "abc;Bad_Name"], '"Bad_Name" is not a stack name'],
        [["up", "--waves", "abc;abc"], "--waves: abc is named twice (wave 2)"],
    ])("GIVEN %j WHEN parsed THEN a usage error: %s", (argv, message) => {
        expect(() => parseRequest(argv)).toThrow(message);
    });
});

describe("plan-shards", () => {
    const temporary: string[] = [];
    afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it.each([
        [0, 1],
        [1, 1],
        [WEIGHT_PER_SHARD, 1],
        [WEIGHT_PER_SHARD + 1, 2],
        [10 * WEIGHT_PER_SHARD, 10],
        [1000 * WEIGHT_PER_SHARD, MAX_SHARDS],
    ])("GIVEN a fleet weighing %i WHEN sharded THEN %i shard(s), named and numbered in order", (weight, count) => {
        const matrix = shardMatrix(weight === 0 ? [] : [weight]);
        expect(matrix.count).toBe(count);
        expect(matrix.matrix.include).toHaveLength(count);
        expect(matrix.matrix.include[0]).toEqual({ shard: `1/${count}`, name: "plan-shard-001" });
        expect(matrix.matrix.include.at(-1)).toEqual({ shard: `${count}/${count}`, name: `plan-shard-${String(count).padStart(3, "0")}` });
    });

    it("GIVEN 10,000 saas tenants and 1,000 dedicated ones WHEN weighed THEN by PLAN_WEIGHT of their modes, not by count", () => {
        const weights = [...Array(10_000).fill(weightOf("saas")), ...Array(1_000).fill(weightOf("cloud"))];
        const weight = 10_000 * PLAN_WEIGHT.saas + 1_000 * PLAN_WEIGHT.cloud;
        expect(shardMatrix(weights)).toMatchObject({ weight, tenants: 11_000, count: Math.ceil(weight / WEIGHT_PER_SHARD) });
    });

    it("GIVEN tenant files, one without a known mode WHEN read THEN their modes, the unknown one weighing as the heaviest mode", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-shards-"));
        temporary.push(dir);
        fs.writeFileSync(path.join(dir, "a.yaml"), "tenant: a\nmode: saas\nregion: eu-west-1\n");
        fs.writeFileSync(path.join(dir, "b.yaml"), "tenant: b\nmode: cloud\n");
        fs.writeFileSync(path.join(dir, "c.yaml"), "tenant: c\nmode: [broken\n");
        fs.writeFileSync(path.join(dir, "notes.txt"), "not a tenant");
        const modes = tenantModes(dir);
        expect(modes).toEqual(["saas", "cloud", undefined]);
        expect(modes.map(weightOf)).toEqual([PLAN_WEIGHT.saas, PLAN_WEIGHT.cloud, Math.max(...Object.values(PLAN_WEIGHT))]);
    });
});
