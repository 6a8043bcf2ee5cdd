// The benchmark's tasks run end to end at a tiny size (6 tenants: one of each mode), each in its
// own processes as `npm run bench` runs them: validate, plan, diff, the plan as 4 shards merged
// and the incremental plan of a one-tenant change. The bench itself checks that the merged shards'
// JSON is the plan's byte for byte and that the incremental plan read every other tenant from the
// cache (it fails the measurement otherwise); this asserts that it did, and what results.json holds.

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { generateFleet } from "../bench/generate";
import { Results, Run } from "../bench/table";
import { MODE_TRAITS } from "../lib/modes";
import { PARTNER_REGIONS } from "../lib/regions";
import { optInRegionProblems, RegionStack } from "../scripts/lib/plan/opt-in-regions";
import { AppliedQuotas, loadQuotas } from "../scripts/lib/plan/quota-file";

const ROOT = path.resolve(__dirname, "..");
const N = 6;

describe(`npm run bench at ${N} tenants`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-tasks-"));
    const out = path.join(dir, "results.json");
    let status: number | null;
    let stderr: string;
    let results: Results;
    const at = (task: Run["task"]): Run => {
        const run = results.runs.find((each) => each.task === task && each.n === N);
        expect(run, `${task} at ${N}`).toBeDefined();
        return run!;
    };

    beforeAll(() => {
        const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "run.ts"), "--sizes", String(N), "--repeat", "1", "--skip-naive", "--out", out], {
            cwd: ROOT,
            encoding: "utf8",
            maxBuffer: 64 * 2 ** 20,
        });
        status = run.status;
        stderr = run.stderr;
        results = JSON.parse(fs.readFileSync(out, "utf8")) as Results;
    }, 180_000);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("GIVEN every task WHEN measured THEN each has one row of the results' shape, in size and task order", () => {
        expect(status, stderr.slice(-4000)).toBe(0);
        expect(results.runs.map((run) => run.task)).toEqual(["validate", "plan", "diff", "shard4", "incremental"]);
        for (const run of results.runs) {
            expect(Object.keys(run).sort()).toEqual(["msPerResource", "msPerTenant", "n", "note", "peakRssMiB", "resources", "task", "wallSeconds"].filter((key) => key !== "note" || run.note !== undefined).sort());
            expect(run.n).toBe(N);
            expect(run.wallSeconds).toBeGreaterThan(0);
            expect(run.peakRssMiB).toBeGreaterThan(0);
        }
        expect(results.startupSeconds).toBeNull();
        expect(results.naiveRatio).toBeNull();
    });

    it("GIVEN the plan WHEN measured THEN it registered resources, and its note gives pass 1, pass 2 and the JSON's size", () => {
        const plan = at("plan");
        expect(plan.resources).toBeGreaterThan(0);
        expect(plan.note).toMatch(/^pass 1 \d+\.\d\d s, pass 2 \d+\.\d\d s \(policy, cost, JSON of \d+ MiB\); \d+ stacks, exit 0; AWS rules /);
    });

    it("GIVEN the one-line change WHEN diffed THEN both plans count and stacks changed", () => {
        const diff = at("diff");
        expect(diff.resources).toBe(2 * at("plan").resources);
        const changed = Number(/; (\d+) stack\(s\) changed, widest change in \d+; /.exec(diff.note ?? "")?.[1]);
        expect(changed).toBeGreaterThan(0);
        // The base planned again from the cache its first plan filled (every tenant read, the same JSON), beside the figure.
        const head = Number(/, head plan with the diff (\d+\.\d\d) s /.exec(diff.note ?? "")![1]);
        const cached = /; the base read from the plan cache \(a pull request's base plan, main's plan cached\) (\d+\.\d\d) s, so (\d+\.\d\d) s with the head$/.exec(diff.note ?? "");
        expect(cached).not.toBeNull();
        expect(Number(cached![2])).toBeCloseTo(Number(cached![1]) + head, 1);
    });

    it("GIVEN the plan as 4 shards WHEN merged THEN the JSON is the plan's byte for byte (the bench hashed both) and every resource is there", () => {
        const shard4 = at("shard4");
        expect(shard4.resources).toBe(at("plan").resources);
        expect(shard4.note).toMatch(/^shards \d+\.\d\d s together \(slowest \d+\.\d\d s\), merge \d+\.\d\d s \(4 shards, \d+ stacks, /);
        expect(shard4.note).toMatch(/peak RSS of the shards \d+ \/ \d+ \/ \d+ \/ \d+ MiB/);
        expect(shard4.note).toMatch(/merged JSON byte-identical to the plan's \(sha256 [0-9a-f]{12}\)$/);
        // Each shard again alone (its document the same as planned together), the 4-runner matrix's critical path beside it.
        const alone = /each shard alone \(as on a runner of its own\) (\d+\.\d\d) \/ (\d+\.\d\d) \/ (\d+\.\d\d) \/ (\d+\.\d\d) s, so on 4 runners (\d+\.\d\d) s with the merge/.exec(shard4.note ?? "");
        expect(alone).not.toBeNull();
        const merge = Number(/merge (\d+\.\d\d) s/.exec(shard4.note ?? "")![1]);
        expect(Number(alone![5])).toBeCloseTo(Math.max(...alone!.slice(1, 5).map(Number)) + merge, 1);
    });

    it("GIVEN one tenant file changed WHEN planned with the cache THEN every other tenant came from it, and the plan that filled it is the plan's JSON", () => {
        const incremental = at("incremental");
        expect(incremental.resources).toBe(at("plan").resources);
        expect(incremental.note).toMatch(new RegExp(`^${N - 1} of ${N} tenant\\(s\\) from the plan cache, 1 planned \\([a-z0-9-]+\\.yaml: its company line changed\\)`));
        expect(incremental.note).toMatch(/its JSON byte-identical to the plan's$/);
    });
});

describe("npm run bench stopped half-way", () => {
    it("GIVEN a run killed after its first figure WHEN the results file is read THEN it holds that figure over the file's other rows, whole", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-stopped-"));
        // The bench's scratch folder, which a killed bench leaves, inside this test's.
        const tmp = path.join(dir, "tmp");
        const outDir = path.join(dir, "out");
        fs.mkdirSync(tmp);
        fs.mkdirSync(outDir);
        try {
            const out = path.join(outDir, "results.json");
            const older: Run = { task: "plan", n: 1000, wallSeconds: 20, msPerTenant: 20, resources: 100, msPerResource: 0.2, peakRssMiB: 800 };
            fs.writeFileSync(out, JSON.stringify({ runs: [older], startupSeconds: 1.5, naiveRatio: 130 }));
            const bench = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "run.ts"), "--sizes", String(N), "--tasks", "validate,plan", "--repeat", "1", "--out", out], {
                cwd: ROOT,
                stdio: "ignore",
                env: { ...process.env, TMPDIR: tmp },
                // A process group of its own: killed with the child it runs.
                detached: true,
            });
            const ended = new Promise<void>((resolve) => bench.on("exit", () => resolve()));
            let running = true;
            void ended.then(() => (running = false));
            // The validate figure, seen in the file while the bench still runs (its plan takes seconds).
            let seen: Results | undefined;
            while (running && seen === undefined) {
                await new Promise((resolve) => setTimeout(resolve, 20));
                if (!running) {
                    break;
                }
                const text = fs.readFileSync(out, "utf8");
                const results = JSON.parse(text) as Results;
                seen = results.runs.some((run) => run.task === "validate" && run.n === N) ? results : undefined;
            }
            if (running) {
                process.kill(-bench.pid!, "SIGKILL");
            }
            await ended;
            expect(seen, "the validate figure was on disk before the bench ended").toBeDefined();
            expect(seen!.runs.map((run) => [run.task, run.n])).toEqual([
                ["validate", N],
                ["plan", 1000],
            ]);
            expect([seen!.startupSeconds, seen!.naiveRatio]).toEqual([1.5, 130]);
            expect(JSON.parse(fs.readFileSync(out, "utf8")).runs.length).toBeGreaterThanOrEqual(2);
            expect(fs.readdirSync(outDir)).toEqual(["results.json"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }, 120_000);
});

describe("the regions the benchmark's fleet deploys into", () => {
    it("GIVEN a generated fleet of 1,000 WHEN every stack's region (tenants, recoveries, platforms and theirs) is judged THEN the bench's account has enabled each opt-in one, which the checked-in account has not", () => {
        const stacks: RegionStack[] = [];
        for (const { document } of generateFleet({ count: 1000 })) {
            const source = `${document.tenant}.yaml`;
            stacks.push({ tenant: document.tenant, mode: document.mode, region: document.region, source });
            if (MODE_TRAITS[document.mode].network) {
                const offsite = document.backup?.offsiteRegion ?? PARTNER_REGIONS[document.region]!;
                stacks.push({ tenant: `${document.tenant}-recovery`, mode: document.mode, region: offsite, source, recoveryOf: document.tenant });
            }
        }
        for (const region of new Set(stacks.filter((stack) => stack.recoveryOf === undefined).map((stack) => stack.region))) {
            stacks.push({ tenant: `platform-${region}`, mode: "platform", region, source: `${region}.yaml` });
            stacks.push({ tenant: `platform-${region}-recovery`, mode: "platform", region: PARTNER_REGIONS[region]!, source: `${region}.yaml`, recoveryOf: `platform-${region}` });
        }
        // ap-southeast-2's default off-site region, ap-southeast-4 (Melbourne), is an opt-in region.
        const refused = optInRegionProblems(stacks, loadQuotas(ROOT)).map((problem) => /deploys into (\S+)/.exec(problem.message)![1]);
        expect(new Set(refused)).toEqual(new Set(["ap-southeast-4"]));
        // bench/tasks.ts requires its modules as each task runs (under tsx): its account read in a child.
        const child = spawnSync(process.execPath, ["--import", "tsx", "-e", 'process.stdout.write(JSON.stringify(require("./bench/tasks.ts").raisedQuotas()))'], { cwd: ROOT, encoding: "utf8" });
        expect(child.status, child.stderr).toBe(0);
        expect(optInRegionProblems(stacks, JSON.parse(child.stdout) as AppliedQuotas)).toEqual([]);
    });
});
