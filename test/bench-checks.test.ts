// The benchmark's checks and verdicts, in-process: the task list it accepts, the byte-identity of the
// merged shards and the cache count of the incremental plan (which fail a measurement), the rows
// kept with --keep, the budgets printed met or missed, and the plan's RSS per 1,000 tenants.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { HostileFigure, hostileFiles, hostileLines } from "../bench/hostile";
import { MeasurementError } from "../bench/measurement-error";
import { changedTenantFile, checkCached, checkMerged } from "../bench/processes";
import { DEFAULT_REPEAT, keepRuns, ONE_RUN_ABOVE, parseTasks, partialResults, repeatFor, writeResults } from "../bench/run";
import { BEFORE_ISSUE_18, budgets, renderTable, Results, row, rssPerThousand } from "../bench/table";
import { fileDigest } from "../bench/tasks";
import { UsageError } from "../scripts/lib/cli";
import { validateTenantFile } from "../stacks/config/validate";

describe("the bench's task list", () => {
    it("GIVEN no --tasks WHEN parsed THEN every task runs, and --skip-naive drops the naive way and the start-up", () => {
        expect([...parseTasks(undefined, false)]).toEqual(["validate", "plan", "diff", "shard4", "incremental", "naive", "startup", "hostile"]);
        expect([...parseTasks(undefined, true)]).toEqual(["validate", "plan", "diff", "shard4", "incremental", "hostile"]);
        expect([...parseTasks("plan, shard4", false)]).toEqual(["plan", "shard4"]);
    });

    it.each([
        ["plan,bogus", /--tasks expects some of validate, plan, diff, shard4, incremental, naive, startup, hostile separated by commas, got "plan,bogus"/],
        ["shard4", /--tasks shard4 needs plan too: the merged shards are checked byte for byte against the plan's JSON/],
    ])("GIVEN --tasks %s WHEN parsed THEN it is a usage error", (list, message) => {
        expect(() => parseTasks(list, false)).toThrow(UsageError);
        expect(() => parseTasks(list, false)).toThrow(message);
    });
});

describe("the hostile tenant files", () => {
    it("GIVEN each hostile shape WHEN built THEN it is a tenant file of at most 64 KiB, nearly full, that the validator reads to the end", () => {
        const files = hostileFiles();
        expect(files.length).toBeGreaterThanOrEqual(5);
        for (const { name, text } of files) {
            const bytes = Buffer.byteLength(text);
            expect(bytes, name).toBeLessThanOrEqual(64 * 1024);
            expect(bytes, name).toBeGreaterThan(64 * 1024 - 64);
            const { problems } = validateTenantFile("acme.yaml", Buffer.from(text));
            // Refused for what it holds, never for its size.
            expect(problems.length, name).toBeGreaterThan(0);
            expect(problems.some((problem) => /at most 65536 bytes/.test(problem.message)), name).toBe(false);
        }
    });

    it("GIVEN the figures WHEN summed up THEN the slowest shape is judged against the contract's second", () => {
        const figure = (name: string, seconds: number): HostileFigure => ({ name, bytes: 65_000, seconds, problems: 1 });
        expect(hostileLines([figure("keys", 0.25), figure("list", 0.05)]).at(-1)).toBe("a hostile tenant file validated (the slowest shape): 0.25 s (budget < 1 s) met");
        expect(hostileLines([figure("keys", 1.5)]).at(-1)).toMatch(/1\.50 s \(budget < 1 s\) MISSED$/);
        expect(hostileLines([])).toEqual([]);
    });
});

describe("the checks that fail a measurement", () => {
    it("GIVEN the merged shards' digest WHEN it is not the plan's THEN the measurement fails, naming both", () => {
        expect(() => checkMerged(12, "a".repeat(64), "a".repeat(64))).not.toThrow();
        expect(() => checkMerged(12, "b".repeat(64), "a".repeat(64))).toThrow(MeasurementError);
        expect(() => checkMerged(12, undefined, "a".repeat(64))).toThrow(/merged into other JSON than the plan's \(sha256 none, the plan's a{64}\)/);
    });

    it.each([
        [{ tenants: 12, cached: 11 }, undefined],
        [{ tenants: 12, cached: 12 }, /read 12 of 12 from the cache; expected 11/],
        [{ tenants: 12, cached: 10 }, /read 10 of 12 from the cache; expected 11/],
        [{ tenants: 12 }, /read 0 of 12 from the cache; expected 11/],
        [{ tenants: 11, cached: 11 }, /read 11 of 11 from the cache; expected 11/],
    ])("GIVEN an incremental plan of 12 tenants reporting %j WHEN checked THEN only N-1 from the cache passes", (report, message) => {
        if (message === undefined) {
            expect(checkCached(12, report)).toBe(11);
        } else {
            expect(() => checkCached(12, report)).toThrow(message);
        }
    });

    it("GIVEN a fleet folder WHEN the incremental task picks its tenant THEN it is the first file by name with a company line", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-checks-"));
        try {
            fs.writeFileSync(path.join(dir, "b.yaml"), "tenant: b\ncompany: B\n");
            fs.writeFileSync(path.join(dir, "a.yaml"), "tenant: a\n");
            fs.writeFileSync(path.join(dir, "c.yaml"), "tenant: c\ncompany: C\n");
            expect(changedTenantFile(dir)).toBe(path.join(dir, "b.yaml"));
            fs.rmSync(path.join(dir, "b.yaml"));
            fs.rmSync(path.join(dir, "c.yaml"));
            expect(() => changedTenantFile(dir)).toThrow(/has a company line to change/);
            // The digest the plan and the merge compare: of the bytes, read in blocks.
            fs.writeFileSync(path.join(dir, "x.json"), "{}\n");
            expect(fileDigest(path.join(dir, "x.json"))).toBe("ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

const results = (runs: Results["runs"], extra: Partial<Results> = {}): Results => ({ runs, startupSeconds: null, naiveRatio: null, ...extra });

describe("the bench's figures", () => {
    it("GIVEN --keep WHEN this run measured some rows THEN the other rows of the file stay, in size and task order", () => {
        const previous = [row("plan", 1000, 20, 100, 900), row("plan", 10, 1, 10, 300), row("diff", 1000, 38, 200, 1000)];
        const measured = [row("plan", 1000, 18, 100, 700), row("shard4", 1000, 12, 100, 500), row("plan", 10_000, 110, 1000, 1500)];
        expect(keepRuns(previous, measured).map((run) => [run.task, run.n, run.wallSeconds])).toEqual([
            ["plan", 10, 1],
            ["plan", 1000, 18],
            ["diff", 1000, 38],
            ["shard4", 1000, 12],
            ["plan", 10_000, 110],
        ]);
    });

    it("GIVEN a step that failed after some figures WHEN the results are kept THEN they go over the file's rows, nothing else lost; nothing measured, nothing written", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-partial-"));
        try {
            const out = path.join(dir, "results.json");
            const measured = [row("plan", 10_000, 110, 1000, 1500)];
            expect(partialResults(out, [])).toBeUndefined();
            // No file yet (or not the bench's): the figures alone.
            expect(partialResults(out, measured)).toEqual({ runs: measured, startupSeconds: null, naiveRatio: null });
            fs.writeFileSync(out, "not json");
            expect(partialResults(out, measured)?.runs).toEqual(measured);
            fs.writeFileSync(out, JSON.stringify({ runs: [row("plan", 1000, 20, 100, 900), row("plan", 10_000, 250, 1000, 1400)], startupSeconds: 1.5, naiveRatio: 130 }));
            const kept = partialResults(out, measured)!;
            expect(kept.runs.map((run) => [run.task, run.n, run.wallSeconds])).toEqual([
                ["plan", 1000, 20],
                ["plan", 10_000, 110],
            ]);
            expect([kept.startupSeconds, kept.naiveRatio]).toEqual([1.5, 130]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("GIVEN no --repeat WHEN a size is measured THEN 3 runs up to 2,000 tenants and one above; a --repeat given holds for every size", () => {
        expect([10, 1000, ONE_RUN_ABOVE, ONE_RUN_ABOVE + 1, 10_000].map((n) => repeatFor(n, undefined))).toEqual([DEFAULT_REPEAT, DEFAULT_REPEAT, DEFAULT_REPEAT, 1, 1]);
        expect(DEFAULT_REPEAT).toBe(3);
        expect([10, 10_000].map((n) => repeatFor(n, 2))).toEqual([2, 2]);
    });

    it("GIVEN results WHEN written, again and through a symbolic link THEN the file is replaced whole, the link kept, no temporary file left", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-write-"));
        try {
            const out = path.join(dir, "results.json");
            const first: Results = { runs: [row("validate", 10, 1, 0, 100)], startupSeconds: null, naiveRatio: null };
            writeResults(out, first);
            expect(JSON.parse(fs.readFileSync(out, "utf8"))).toEqual(first);
            const second: Results = { runs: [...first.runs, row("plan", 10, 2, 50, 300)], startupSeconds: 1.2, naiveRatio: 100 };
            writeResults(out, second);
            expect(fs.readFileSync(out, "utf8")).toBe(`${JSON.stringify(second, null, 2)}\n`);
            const link = path.join(dir, "link.json");
            fs.symlinkSync(out, link);
            writeResults(link, first);
            expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
            expect(JSON.parse(fs.readFileSync(out, "utf8"))).toEqual(first);
            expect(fs.readdirSync(dir).sort()).toEqual(["link.json", "results.json"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("GIVEN an --out in a folder that does not exist WHEN written THEN a usage error naming --out and the file, nothing left behind", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-write-"));
        try {
            const out = path.join(dir, "missing", "results.json");
            const results: Results = { runs: [row("validate", 10, 1, 0, 100)], startupSeconds: null, naiveRatio: null };
            expect(() => writeResults(out, results)).toThrow(UsageError);
            expect(() => writeResults(out, results)).toThrow(`--out ${out}: cannot be written`);
            expect(fs.readdirSync(dir)).toEqual([]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("GIVEN plan rows at 1,000 and 10,000 WHEN tabled THEN the peak RSS per 1,000 tenants is printed for each", () => {
        const figures = results([row("plan", 100, 5, 10, 400), row("plan", 1000, 18, 100, 800), row("plan", 10_000, 110, 1000, 1600, "pass 1 90 s")]);
        expect(rssPerThousand(figures)).toEqual([
            { n: 1000, peakRssMiB: 800, perThousand: 800 },
            { n: 10_000, peakRssMiB: 1600, perThousand: 160 },
        ]);
        const table = renderTable(figures, null);
        expect(table).toContain("plan peak RSS per 1,000 tenants: 800 MiB at 1,000 (peak 800 MiB), 160 MiB at 10,000 (peak 1600 MiB)");
        expect(table).toContain("plan N=10000: pass 1 90 s");
    });

    it("GIVEN figures WHEN judged THEN each of issue 18's budgets is met, missed or not measured", () => {
        const figures = results([
            row("plan", 1000, BEFORE_ISSUE_18.plan, 100_000, 900),
            row("diff", 1000, BEFORE_ISSUE_18.diff + 0.01, 200_000, 1000),
            row("plan", 10_000, 119, 1_000_000, 1900),
            row("shard4", 10_000, 60, 1_000_000, 2100),
        ]);
        const lines = budgets(figures);
        expect(lines).toContain("1,000 tenants validated: not measured");
        expect(lines).toContain(`1,000 tenants planned (no slower than before issue 18): ${BEFORE_ISSUE_18.plan.toFixed(2)} s (budget <= ${BEFORE_ISSUE_18.plan} s) met`);
        expect(lines).toContain(`1,000 tenants' diff (no slower than before issue 18): ${(BEFORE_ISSUE_18.diff + 0.01).toFixed(2)} s (budget <= ${BEFORE_ISSUE_18.diff} s) MISSED`);
        expect(lines).toContain("10,000 tenants planned: 119.00 s (budget < 120 s) met");
        // The largest process at 10,000, whichever task: here a shard4 row's.
        expect(lines).toContain("peak RSS of a process at 10,000 tenants: 2.05 GiB (budget < 2 GiB) MISSED");
    });
});
