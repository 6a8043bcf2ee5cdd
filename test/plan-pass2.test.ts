// Pass 2 of the streamed plan on two threads (scripts/lib/plan/stream/pass2.ts): the spill cut into
// runs of whole lines, a worker thread emitting the runs it claims, this thread writing them in
// order; the same stacks as one thread emits, and a worker's failure reported, not waited on.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MessageChannel } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadFixtureFleet } from "./fixtures/fleet";
import { fleetOfShown } from "../scripts/lib/plan/stream/facts";
import { EmittedStack, emitRuns, lineRanges, PARALLEL_MIN_BYTES, pass2Threads, runBytes, spillRuns, StackEmitContext, startRunWorker, workerLimits } from "../scripts/lib/plan/stream/pass2";
import { PassResult, planPass } from "../scripts/lib/plan/stream/run";
import { readShardHeader, ShardError, shardRuns, writeShard } from "../scripts/lib/plan/stream/shard";

let dir: string;
let spill: string;
let pass: PassResult;
let context: StackEmitContext;

beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-pass2-test-"));
    const tenants = loadFixtureFleet().tenants;
    spill = path.join(dir, "spill.jsonl");
    pass = await planPass({ tenants, platformRegions: [...new Set(tenants.map((tenant) => tenant.region))], config: {}, fleet: tenants, problems: [], spill, threads: 1 });
    context = { json: true, today: new Date(`${pass.today}T00:00:00Z`).toISOString(), fleet: fleetOfShown(pass.stackFacts), markdown: false };
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function emitted(file: string, options: Parameters<typeof emitRuns>[3]): Promise<EmittedStack[]> {
    const stacks: EmittedStack[] = [];
    await emitRuns(spillRuns(file, runBytes(fs.statSync(file).size, options.threads)), context, (stack) => stacks.push(stack), options);
    return stacks;
}

describe("pass 2 on two threads", () => {
    it("GIVEN a file of lines WHEN cut into ranges THEN they cover it end to end, each ending a line, a line longer than a range kept whole", () => {
        const file = path.join(dir, "lines.txt");
        const lines = ["a", "bb", "x".repeat(5000), "", "ccc", "last without a newline"];
        fs.writeFileSync(file, lines.join("\n"));
        const text = fs.readFileSync(file);
        for (const bytes of [1, 7, 100, 1 << 20]) {
            const ranges = lineRanges(file, bytes);
            expect(ranges[0]!.start).toBe(0);
            expect(ranges.at(-1)!.end).toBe(text.length);
            ranges.forEach((range, index) => {
                expect(range.end).toBeGreaterThan(range.start);
                if (index > 0) {
                    expect(range.start).toBe(ranges[index - 1]!.end);
                }
                if (range.end < text.length) {
                    expect(text[range.end - 1]).toBe(10);
                }
            });
        }
        // One line a range when a range is a byte.
        expect(lineRanges(file, 1)).toHaveLength(lines.length);
        expect(lineRanges(path.join(dir, "lines.txt"), 1 << 20)).toHaveLength(1);
    });

    it("GIVEN the fixture fleet's spill WHEN a worker thread emits every run THEN this thread writes the stacks one thread emits, in order", async () => {
        const alone = await emitted(spill, { threads: 1 });
        expect(alone.length).toBe(pass.stackFacts.length);
        expect(alone.every((stack) => typeof stack.text === "string" && stack.text.startsWith('{\n      "cost": '))).toBe(true);
        // The worker alone (this thread only writes): what crossed the thread boundary is the same.
        expect(await emitted(spill, { threads: 2, ownShare: false })).toEqual(alone);
        // Both threads claiming.
        expect(await emitted(spill, { threads: 2 })).toEqual(alone);
    }, 60_000);

    it("GIVEN a spill with a broken record WHEN the worker meets it THEN pass 2 fails naming the run and the file, whichever thread read it", async () => {
        const lines = fs.readFileSync(spill, "utf8").trimEnd().split("\n");
        const broken = path.join(dir, "broken.jsonl");
        lines[lines.length - 1] = lines.at(-1)!.slice(0, 40);
        fs.writeFileSync(broken, `${lines.join("\n")}\n`);
        await expect(emitted(broken, { threads: 2, ownShare: false })).rejects.toThrow(/pass 2's worker thread failed on run \d+ of \d+ \(.*broken\.jsonl\): .*JSON/);
        await expect(emitted(broken, { threads: 2 })).rejects.toThrow(/JSON/);
        await expect(emitted(broken, { threads: 1 })).rejects.toThrow(/JSON/);
    }, 60_000);

    it("GIVEN a shard document with a broken record WHEN the worker alone meets it THEN the merge's refusal comes back: the file and line, a ShardError", async () => {
        const shard = path.join(dir, "shard.json");
        writeShard(shard, { shard: { index: 1, count: 1 }, key: "k", pass }, spill);
        const header = readShardHeader(shard);
        const lines = fs.readFileSync(shard, "utf8").split("\n");
        const broken = path.join(dir, "broken-shard.json");
        const at = lines.length - 4;
        fs.writeFileSync(broken, lines.map((line, index) => (index === at ? line.slice(0, 25) : line)).join("\n"));
        const runs = shardRuns(broken, header, 1)!;
        expect(runs.length).toBe(header.stacks);
        const stacks: EmittedStack[] = [];
        const failed = emitRuns(runs, context, (stack) => stacks.push(stack), { threads: 2, ownShare: false });
        await expect(failed).rejects.toThrow(ShardError);
        await expect(emitRuns(runs, context, () => undefined, { threads: 2, ownShare: false })).rejects.toThrow(new RegExp(`broken-shard\\.json:${at + 1}: a stack record that is not valid JSON`));
        // Whole, the worker's runs are the spill's stacks.
        const whole: EmittedStack[] = [];
        await emitRuns(shardRuns(shard, header, 1)!, context, (stack) => whole.push(stack), { threads: 2, ownShare: false });
        expect(whole).toEqual(await emitted(spill, { threads: 1 }));
    }, 60_000);

    it("GIVEN the worker WHEN it has emitted every run THEN it stays until terminated (an exit before that would be taken for a crash)", async () => {
        const worker = startRunWorker(context);
        const { port1, port2 } = new MessageChannel();
        let exited = false;
        worker.once("exit", () => {
            exited = true;
        });
        const done = new Promise<unknown>((resolve) => port1.once("message", resolve));
        worker.postMessage({ runs: [], context, claims: new SharedArrayBuffer(8), port: port2 }, [port2]);
        expect(await done).toEqual({ done: true });
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(exited).toBe(false);
        port1.close();
        await worker.terminate();
        expect(exited).toBe(true);
    }, 60_000);

    it("GIVEN the fleet's facts WHEN the worker's heap is sized THEN it grows with them, under the process's caps", () => {
        expect(workerLimits(1).maxOldGenerationSizeMb).toBeLessThan(768);
        expect(workerLimits(40).maxOldGenerationSizeMb).toBeGreaterThan(workerLimits(1).maxOldGenerationSizeMb + 8 * 38);
        expect(workerLimits(1).maxYoungGenerationSizeMb).toBeLessThan(384);
    });

    it("GIVEN a spill's size and the cores WHEN choosing the threads THEN two only where there are two cores and a spill that repays the second", () => {
        expect(pass2Threads(PARALLEL_MIN_BYTES, 2)).toBe(2);
        expect(pass2Threads(PARALLEL_MIN_BYTES, 8)).toBe(2);
        expect(pass2Threads(PARALLEL_MIN_BYTES - 1, 8)).toBe(1);
        expect(pass2Threads(10 * PARALLEL_MIN_BYTES, 1)).toBe(1);
    });
});
