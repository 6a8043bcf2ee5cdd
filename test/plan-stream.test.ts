// The streamed plan (scripts/lib/plan/stream/): the same bytes as the whole document held in memory
// (JSON, summary, diff against a base, pull-request comments), whether planned in one pass or in
// shards merged; the shard documents refused when they are not all of one plan.

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadFixtureFleet } from "./fixtures/fleet";
import { estimateStack } from "../scripts/lib/cost/estimate";
import { costDelta } from "../scripts/lib/cost/delta";
import { blastRadius } from "../scripts/lib/plan/diff/blast-radius";
import { diffPlans } from "../scripts/lib/plan/diff/stacks";
import { canonicalJson } from "../scripts/lib/plan/engine";
import { planFleet, shardOf, TenantPlan } from "../scripts/lib/plan/fleet";
import { CommentStack, CostSummary, renderComments } from "../scripts/lib/plan/markdown";
import { withViolations } from "../scripts/lib/plan/policy";
import { renderSummary } from "../scripts/lib/plan/summary";
import { ByteWriter, documentFrame, forEachLine, forEachLineBytes, indexCanonicalDocument, indexDocument } from "../scripts/lib/plan/stream/document";
import { FLEET_CHECKED_TYPES } from "../scripts/lib/plan/stream/facts";
import { readBaseStack } from "../scripts/lib/plan/stream/record";
import { emitPlan, notes, PassResult, planPass, PlanBase, spillSource } from "../scripts/lib/plan/stream/run";
import { orderShards, readShardHeader, shardKey, ShardError, shardRuns, shardSource, writeShard } from "../scripts/lib/plan/stream/shard";
import { PLAN_WEIGHT } from "../scripts/lib/plan/fleet-weights";
import { sortProblems } from "../stacks/config/validate";
import { FLEET_RULE_NAMES, FLEET_RULES, RULES, STACK_RULES } from "../policy/rules";
import { Tenant } from "../stacks/config/tenant";

const ROOT = path.resolve(__dirname, "..");
const TODAY = new Date();
let dir: string;

beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-stream-test-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const fleet = loadFixtureFleet();
const regionsOf = (tenants: readonly Tenant[]) => [...new Set(tenants.map((tenant) => tenant.region))];

/** The document as the plan command made it before it streamed: whole, in memory. */
async function wholeDocument(tenants: readonly Tenant[]) {
    const planned = await planFleet({ tenants, platformRegions: regionsOf(tenants), fleet: tenants, threads: 1 });
    const checked = withViolations({ ...planned, errors: sortProblems(planned.errors) });
    return { ...checked, tenants: checked.tenants.map((plan) => ({ ...plan, cost: estimateStack(plan) })) };
}

let files = 0;
const file = (name: string) => path.join(dir, `${files++}-${name}`);

/** Runs pass 2 into a file and returns what it wrote. */
async function emitted(passes: readonly PassResult[], sources: Parameters<typeof emitPlan>[1], options: Partial<Parameters<typeof emitPlan>[2]> = {}): Promise<{ text: string; exitCode: number }> {
    const out = file("out");
    const fd = fs.openSync(out, "w");
    let exitCode: number;
    try {
        exitCode = (await emitPlan(passes, sources, { out: fd, json: true, today: TODAY, ...options })).exitCode;
    } finally {
        fs.closeSync(fd);
    }
    return { text: fs.readFileSync(out, "utf8"), exitCode };
}

async function pass(tenants: readonly Tenant[], extra: { shard?: { index: number; count: number }; base?: PlanBase } = {}): Promise<{ pass: PassResult; spill: string }> {
    const spill = file("spill.jsonl");
    const result = await planPass({ tenants, platformRegions: regionsOf(tenants), config: {}, fleet: tenants, problems: [], spill, threads: 1, ...extra });
    return { pass: result, spill };
}

describe("the streamed plan", () => {
    it("GIVEN the fixture fleet WHEN planned in two passes THEN the JSON and the summary are byte for byte the whole document's", async () => {
        const whole = await wholeDocument(fleet.tenants);
        const { pass: result, spill } = await pass(fleet.tenants);
        expect((await emitted([result], [spillSource(spill)])).text).toBe(`${canonicalJson(whole)}\n`);
        expect((await emitted([result], [spillSource(spill)], { json: false })).text).toBe(renderSummary(whole));
        // Pass 2 on two threads (a worker claiming ranges of the spill too): the same bytes.
        expect((await emitted([result], [spillSource(spill)], { threads: 2 })).text).toBe(`${canonicalJson(whole)}\n`);
        expect((await emitted([result], [spillSource(spill)], { json: false, threads: 2 })).text).toBe(renderSummary(whole));
        // Nothing of the stacks is kept but their facts: the spill holds them, one per line.
        expect(fs.readFileSync(spill, "utf8").trimEnd().split("\n")).toHaveLength(whole.tenants.length);
    });

    it("GIVEN the fleet cut into 1 to 4 shards WHEN the shard documents are merged in any order THEN the plan is the unsharded one, byte for byte", async () => {
        const { pass: result, spill } = await pass(fleet.tenants);
        const expected = (await emitted([result], [spillSource(spill)])).text;
        for (const count of [1, 2, 3, 4]) {
            const shards: string[] = [];
            for (let index = 1; index <= count; index++) {
                const part = await pass(fleet.tenants, { shard: { index, count } });
                const out = file(`shard-${index}.json`);
                writeShard(out, { shard: { index, count }, key: "k", pass: part.pass }, part.spill);
                // A shard document is one JSON document (read line by line by merge).
                expect(() => JSON.parse(fs.readFileSync(out, "utf8"))).not.toThrow();
                shards.push(out);
            }
            const ordered = orderShards([...shards].reverse());
            expect(ordered.map((shard) => shard.header.shard.index)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
            const merged = await emitted(
                ordered.map((shard) => shard.header.pass),
                ordered.map((shard) => shardSource(shard.file, shard.header)),
            );
            expect(merged.text).toBe(expected);
            // Merged on two threads (runs of every shard's records claimed by a worker too): the same.
            const parallel = await emitted(
                ordered.map((shard) => shard.header.pass),
                ordered.map((shard) => shardSource(shard.file, shard.header)),
                { threads: 2 },
            );
            expect(parallel.text).toBe(expected);
            // Each shard's body cut into runs: they cover its records exactly, each numbered by its first line.
            for (const shard of ordered) {
                const text = fs.readFileSync(shard.file);
                const runs = shardRuns(shard.file, shard.header, 1)!;
                expect(runs).toHaveLength(shard.header.stacks);
                const body = Buffer.concat(runs.map((run) => text.subarray(run.start, run.end))).toString("utf8");
                const lines = text.toString("utf8").trimEnd().split("\n");
                expect(body).toBe(lines.slice(2, -1).map((line) => `${line}\n`).join(""));
                for (const run of runs) {
                    expect(run.shard!.firstLine).toBe(text.subarray(0, run.start).toString("utf8").split("\n").length);
                }
                expect(shardRuns(shard.file, shard.header, 1 << 30)).toHaveLength(shard.header.stacks > 0 ? 1 : 0);
            }
        }
    });

    it("GIVEN a base plan with a tenant the head lacks and the head with one the base lacks WHEN diffed streamed and sharded THEN the document and the comments are the whole document's", async () => {
        const tenants = [...fleet.tenants].sort((a, b) => a.id.localeCompare(b.id));
        const baseTenants = tenants.slice(1);
        const headTenants = tenants.slice(0, -1);
        // The base's plan document on disk, as its plan command prints it.
        const baseWhole = await wholeDocument(baseTenants);
        const baseFile = file("base.json");
        fs.writeFileSync(baseFile, `${canonicalJson(baseWhole)}\n`);
        const indexed = indexCanonicalDocument(baseFile)!;
        expect(indexed.stacks.map((entry) => entry[0])).toEqual(baseWhole.tenants.map((stack) => stack.tenant));
        expect(readBaseStack(baseFile, indexed.stacks[1]!)).toEqual(JSON.parse(JSON.stringify(baseWhole.tenants[1])));
        const base: PlanBase = { ref: "main", commit: "0".repeat(40), file: baseFile, document: indexed };

        // The reference: the whole documents diffed in memory, as plan.ts did before it streamed.
        const head = await wholeDocument(headTenants);
        const entries = diffPlans(baseWhole, head);
        const diffs = new Map(entries.map((entry) => [entry.tenant, entry.diff]));
        const present = new Set(head.tenants.map((stack) => stack.tenant));
        const removed = baseWhole.tenants
            .filter((stack) => !present.has(stack.tenant))
            .map((stack) => ({ tenant: stack.tenant, mode: stack.mode, region: stack.region, source: stack.source, resources: [], outputs: {}, violations: [] }));
        const stacks = [...head.tenants, ...removed].map((stack) => ({ ...stack, diff: diffs.get(stack.tenant)! }));
        const groups = blastRadius(entries);
        expect(stacks.some((stack) => stack.diff.status === "new")).toBe(true);
        expect(stacks.some((stack) => stack.diff.status === "removed")).toBe(true);
        const expected = `${canonicalJson({ ...head, tenants: stacks, blastRadius: groups, base: { ref: base.ref, commit: base.commit } })}\n`;
        const costs = new Map<string, CostSummary>();
        const before = new Map(baseWhole.tenants.map((stack) => [stack.tenant, estimateStack(stack)]));
        const after = new Map(head.tenants.map((stack) => [stack.tenant, estimateStack(stack)]));
        for (const tenant of new Set([...before.keys(), ...after.keys()])) {
            const delta = costDelta(before.get(tenant), after.get(tenant));
            costs.set(tenant, { beforeUsd: delta.beforeUsd, afterUsd: delta.afterUsd, deltaUsd: delta.deltaUsd, unknownItems: delta.unknown.length });
        }
        const expectedComments = renderComments({ baseRef: "main", stacks: stacks as CommentStack[], blastRadius: groups, costs, notes: notes(head) });

        const comments: string[][] = [];
        const markdown = (input: Omit<Parameters<typeof renderComments>[0], "baseRef">) => comments.push(renderComments({ baseRef: "main", ...input }));
        const one = await pass(headTenants, { base });
        expect((await emitted([one.pass], [spillSource(one.spill)], { markdown })).text).toBe(expected);
        expect(comments.at(-1)).toEqual(expectedComments);
        expect((await emitted([one.pass], [spillSource(one.spill)], { markdown, threads: 2 })).text).toBe(expected);
        expect(comments.at(-1)).toEqual(expectedComments);

        // Each shard compares with the whole base; the merge still reports each stack once.
        const shards = [];
        for (let index = 1; index <= 3; index++) {
            const part = await pass(headTenants, { shard: { index, count: 3 }, base });
            const out = file(`base-shard-${index}.json`);
            writeShard(out, { shard: { index, count: 3 }, key: "k", pass: part.pass }, part.spill);
            shards.push(out);
        }
        const ordered = orderShards(shards);
        const merged = await emitted(
            ordered.map((shard) => shard.header.pass),
            ordered.map((shard) => shardSource(shard.file, shard.header)),
            { markdown },
        );
        expect(merged.text).toBe(expected);
        expect(comments.at(-1)).toEqual(expectedComments);
    });

    it("GIVEN shard documents that are not all of one plan WHEN merged THEN each case is refused, naming the file", async () => {
        const parts: string[] = [];
        for (let index = 1; index <= 2; index++) {
            const part = await pass(fleet.tenants.slice(0, 3), { shard: { index, count: 2 } });
            const out = file(`refuse-${index}.json`);
            writeShard(out, { shard: { index, count: 2 }, key: "k1", pass: part.pass }, part.spill);
            parts.push(out);
        }
        expect(() => orderShards([parts[0]!])).toThrow(/missing shard\(s\) 2\/2: merge needs all 2/);
        expect(() => orderShards([parts[0]!, parts[0]!, parts[1]!])).toThrow(/shard 1\/2 again/);
        const other = file("other-plan.json");
        fs.writeFileSync(other, fs.readFileSync(parts[1]!, "utf8").replace('"key":"k1"', '"key":"k2"'));
        expect(() => orderShards([parts[0]!, other])).toThrow(ShardError);
        expect(() => orderShards([parts[0]!, other])).toThrow(/a shard of another plan/);
        // The same plan's shard 2 planned on another day (a run past midnight): its stacks judged on that day.
        const part2 = await pass(fleet.tenants.slice(0, 3), { shard: { index: 2, count: 2 } });
        const otherDay = file("other-day.json");
        writeShard(otherDay, { shard: { index: 2, count: 2 }, key: "k1", pass: { ...part2.pass, today: "2000-01-01" } }, part2.spill);
        expect(() => orderShards([parts[0]!, otherDay])).toThrow(/other-day\.json: planned on 2000-01-01, but .*refuse-1\.json on \d{4}-\d{2}-\d{2}: a plan judges every stack on one day/);
        const notAShard = file("plan.json");
        fs.writeFileSync(notAShard, '{\n  "tenants": []\n}\n');
        expect(() => orderShards([notAShard])).toThrow(/not a plan shard document/);
        expect(() => orderShards([file("missing.json")])).toThrow(/cannot be read \(ENOENT\)/);
        // A truncated shard: its stacks fewer than its header says. Refused before merge writes a byte.
        const lines = fs.readFileSync(parts[1]!, "utf8").trimEnd().split("\n");
        const truncated = file("truncated.json");
        fs.writeFileSync(truncated, `${lines.slice(0, -2).join("\n")}\n`);
        expect(() => orderShards([parts[0]!, truncated])).toThrow(/truncated\.json: \d+ stack\(s\) where its header says \d+, and no end: a truncated shard document/);
        const header = readShardHeader(truncated);
        await expect(emitted([header.pass], [shardSource(truncated, header)])).rejects.toThrow(/a truncated shard document/);
        // A stack line edited by hand, and a folder given for a file: refused, naming them.
        const edited = file("edited.json");
        fs.writeFileSync(edited, fs.readFileSync(parts[1]!, "utf8").replace(/\n\{"tenant"/, '\n{"tenant" x'));
        await expect(emitted([header.pass], [shardSource(edited, header)])).rejects.toThrow(/edited\.json:3: a stack record that is not valid JSON/);
        await expect(emitted([header.pass], [shardSource(edited, header)], { threads: 2 })).rejects.toThrow(ShardError);
        // Valid JSON that is no stack record: refused naming the line too, in order or in runs.
        const notRecord = file("not-a-record.json");
        fs.writeFileSync(notRecord, fs.readFileSync(parts[1]!, "utf8").replace(/\n\{"tenant"[^\n]*?(,?)\n/, '\n{"tenant":"x","stack":{}}$1\n'));
        for (const threads of [1, 2]) {
            await expect(emitted([header.pass], [shardSource(notRecord, header)], { threads })).rejects.toThrow(/not-a-record\.json:3: not a stack record/);
        }
        // The line numbers hold beyond the first run: the last record broken, the runs a line each.
        const body = fs.readFileSync(parts[1]!, "utf8").split("\n");
        const lastRecord = body.length - 3;
        const editedLast = file("edited-last.json");
        fs.writeFileSync(editedLast, body.map((line, index) => (index === lastRecord ? line.slice(0, 30) : line)).join("\n"));
        await expect(emitted([header.pass], [shardSource(editedLast, header)], { threads: 2 })).rejects.toThrow(new RegExp(`edited-last\\.json:${lastRecord + 1}: a stack record`));
        // Not whole (a line after its end, a record more than its header says): no runs; read in order and refused as before.
        const after = file("after-end.json");
        fs.writeFileSync(after, `${fs.readFileSync(parts[1]!, "utf8")}x\n`);
        expect(shardRuns(after, header, 1)).toBeUndefined();
        await expect(emitted([header.pass], [shardSource(after, header)], { threads: 2 })).rejects.toThrow(/after-end\.json:\d+: not a plan shard document's line/);
        expect(shardRuns(parts[1]!, { ...header, stacks: header.stacks + 1 }, 1)).toBeUndefined();
        expect(() => orderShards([dir])).toThrow(/cannot be read \(EISDIR\)/);
        // A device (read for ever) or a pipe (read once; merge reads each shard more than once): refused at once.
        expect(() => orderShards(["/dev/zero"])).toThrow(/\/dev\/zero: not a file \(a pipe, a device or a socket\)/);
    });

    it("GIVEN a shard document edited into other valid JSON, corrupted, or of the old format WHEN merged THEN it is refused before anything is written, naming the file", async () => {
        const parts: string[] = [];
        for (let index = 1; index <= 2; index++) {
            const part = await pass(fleet.tenants.slice(0, 3), { shard: { index, count: 2 } });
            const out = file(`digest-${index}.json`);
            // Text of more than one byte a character in the header: the digest's place is counted in bytes.
            const withAccents: PassResult = { ...part.pass, sharedErrors: [{ file: "tenant-configs/société.yaml", line: 1, column: 1, path: "/company", message: "Société Générale ✓" }] };
            writeShard(out, { shard: { index, count: 2 }, key: "k", pass: withAccents }, part.spill);
            parts.push(out);
        }
        const written = fs.readFileSync(parts[1]!);
        const header = readShardHeader(parts[1]!);
        // The digest is the SHA-256 of the document with its own 64 characters read as zeros.
        const zeroed = Buffer.from(written.toString("utf8").replace(`"digest":"${header.digest}"`, `"digest":"${"0".repeat(64)}"`));
        expect(createHash("sha256").update(zeroed).digest("hex")).toBe(header.digest);
        expect(orderShards(parts).map((shard) => shard.file)).toEqual(parts);
        const lines = written.toString("utf8").split("\n");
        const record = JSON.parse(lines[2]!.replace(/,$/, "")) as { stack: { tenant: string }; cost: { monthlyUsd: number } };
        const variants: [string, string, RegExp][] = [
            // A record edited into another valid one: the tenant renamed, its cost lowered.
            ["renamed.json", [lines[0], lines[1], `${JSON.stringify({ ...record, stack: { ...record.stack, tenant: "someone-else" } })},`, ...lines.slice(3)].join("\n"), /renamed\.json:3: a stack record of "[^"]+" whose stack is "someone-else": an edited shard document/],
            ["cheaper.json", [lines[0], lines[1], `${JSON.stringify({ ...record, cost: { ...record.cost, monthlyUsd: record.cost.monthlyUsd - 1 } })},`, ...lines.slice(3)].join("\n"), /cheaper\.json: not the document its shard wrote/],
            // A record's separator dropped: still readable, not what was written.
            ["no-comma.json", [lines[0], lines[1], lines[2]!.replace(/,$/, ""), ...lines.slice(3)].join("\n"), /no-comma\.json: not the document its shard wrote/],
            // The header's errors edited away, the document still valid JSON.
            ["header.json", [lines[0]!.replace(/"sharedErrors":\[[^\]]*\]/, '"sharedErrors":[]'), ...lines.slice(1)].join("\n"), /header\.json: not the document its shard wrote/],
            // One character changed inside a string (corruption on the way between runners).
            ["flipped.json", written.toString("utf8").replace("Société", "Sociétf"), /flipped\.json: not the document its shard wrote/],
            // Broken lines keep their precise reasons.
            ["cut.json", [lines[0], lines[1], lines[2]!.slice(0, 40), ...lines.slice(3)].join("\n"), /cut\.json:3: a stack record that is not valid JSON/],
            ["extra-line.json", `${written.toString("utf8")}x\n`, /extra-line\.json:\d+: not a plan shard document's line/],
            ["twice.json", [lines[0], lines[1], lines[2], ...lines.slice(2)].join("\n"), /twice\.json: \d+ stack\(s\) where its header says \d+: an edited shard document/],
            // A header without its digest last, or with a shard out of range: refused before any field is used.
            ["no-digest.json", written.toString("utf8").replace(/,"digest":"[0-9a-f]{64}"\}/, "}"), /no-digest\.json: its header lacks what a shard's has/],
            ["index.json", written.toString("utf8").replace('"shard":{"index":2,"count":2}', '"shard":{"index":3,"count":2}'), /index\.json: its header lacks what a shard's has/],
            ["no-pass.json", written.toString("utf8").replace(/"pass":\{.*\},"digest"/, '"pass":null,"digest"'), /no-pass\.json: its header lacks what a shard's has/],
            // A shard of the format before the digest.
            ["old.json", written.toString("utf8").replace("plan-shard@2", "plan-shard@1"), /old\.json: a shard document of format "tenant-platform\/plan-shard@1"; this plan reads tenant-platform\/plan-shard@2/],
        ];
        for (const [name, text, refusal] of variants) {
            expect(text, name).not.toBe(written.toString("utf8"));
            const broken = file(name);
            fs.writeFileSync(broken, text);
            expect(() => orderShards([parts[0]!, broken]), name).toThrow(refusal);
            expect(() => orderShards([parts[0]!, broken]), name).toThrow(ShardError);
        }
    });

    it("GIVEN a shard document edited into shapes merge cannot read, its digest made again WHEN merged THEN it is refused naming the file, the line and the field, not an internal error", async () => {
        const parts: string[] = [];
        for (let index = 1; index <= 2; index++) {
            const part = await pass(fleet.tenants.slice(0, 3), { shard: { index, count: 2 } });
            const out = file(`shapes-${index}.json`);
            writeShard(out, { shard: { index, count: 2 }, key: "k", pass: part.pass }, part.spill);
            parts.push(out);
        }
        const text = fs.readFileSync(parts[1]!, "utf8");
        const lines = text.split("\n");
        /** The document with its header's pass or its first record edited, and the digest its writer would give it. */
        const edited = (edit: { pass?: (pass: Record<string, unknown>) => void; record?: (record: Record<string, unknown>) => void }): string => {
            const header = JSON.parse(lines[0]!.slice('{"header":'.length, -1)) as { pass: Record<string, unknown>; digest: string };
            edit.pass?.(header.pass);
            header.digest = "0".repeat(64);
            const record = JSON.parse(lines[2]!.replace(/,$/, "")) as Record<string, unknown>;
            edit.record?.(record);
            const unsigned = [`{"header":${JSON.stringify(header)},`, lines[1], `${JSON.stringify(record)}${lines[2]!.endsWith(",") ? "," : ""}`, ...lines.slice(3)].join("\n");
            return unsigned.replace(`"digest":"${"0".repeat(64)}"`, `"digest":"${createHash("sha256").update(unsigned).digest("hex")}"`);
        };
        const changed = { status: "changed", added: [], removed: [], outputs: [] };
        const variants: [string, string, RegExp][] = [
            ["entry-null.json", edited({ pass: (p) => (p.entries = [null]) }), /entry-null\.json: its header's pass entries\[0\] is no stack's diff \(it has no tenant and mode\)/],
            ["entry-diff.json", edited({ pass: (p) => (p.entries = [{ tenant: "acme", mode: "cloud", diff: null }]) }), /entry-diff\.json: its header's pass entries\[0\] is no stack's diff \(its status is none of new, removed, changed, unchanged\)/],
            ["entry-changes.json", edited({ pass: (p) => (p.entries = [{ tenant: "acme", mode: "cloud", diff: { ...changed, changed: [{ type: "t", name: "n", changes: null, replace: true }] } }]) }), /entries\[0\] is no stack's diff \(a changed resource has no type, name or list of changes\)/],
            ["removed-null.json", edited({ pass: (p) => (p.removed = [null]) }), /removed-null\.json: its header's pass removed\[0\] is no stack's diff/],
            ["base.json", edited({ pass: (p) => (p.base = "main") }), /base\.json: its header's pass base is no git ref and commit/],
        ];
        for (const [name, broken, refusal] of variants) {
            const at = file(name);
            fs.writeFileSync(at, broken);
            expect(() => orderShards([parts[0]!, at]), name).toThrow(refusal);
        }
        const records: [string, string, RegExp][] = [
            ["violation.json", edited({ record: (r) => (r.violations = [null]) }), /violation\.json:3: a stack record whose violations\[0\] is no violation \(policy, resource, message, enforcement\)/],
            ["resource.json", edited({ record: (r) => ((r.stack as { resources: unknown[] }).resources[0] = null) }), /resource\.json:3: a stack record whose stack\.resources\[0\] is no resource \(type, name, inputs\)/],
            ["diff.json", edited({ record: (r) => (r.diff = { status: "weird" }) }), /diff\.json:3: a stack record whose diff is no stack's diff \(its status is none of/],
        ];
        for (const [name, broken, refusal] of records) {
            const at = file(name);
            fs.writeFileSync(at, broken);
            const ordered = orderShards([parts[0]!, at]);
            for (const threads of [1, 2]) {
                await expect(emitted(ordered.map((shard) => shard.header.pass), ordered.map((shard) => shardSource(shard.file, shard.header)), { threads }), name).rejects.toThrow(refusal);
            }
        }
    });

    it("GIVEN a shard document whose records were moved, its digest made again WHEN merged THEN it is refused naming the file and the line, never merged in another order", async () => {
        const parts: string[] = [];
        for (let index = 1; index <= 2; index++) {
            const part = await pass(fleet.tenants.slice(0, 4), { shard: { index, count: 2 } });
            const out = file(`moved-${index}.json`);
            writeShard(out, { shard: { index, count: 2 }, key: "k", pass: part.pass }, part.spill);
            parts.push(out);
        }
        const lines = fs.readFileSync(parts[0]!, "utf8").split("\n");
        // Line 0 the header, line 1 "stacks":[, then the records, the last without its comma, then "]}".
        const records = lines.slice(2, -2).map((line) => line.replace(/,$/, ""));
        expect(records.length).toBeGreaterThan(1);
        const resigned = (body: string[]): string => {
            const unsigned = [lines[0]!.replace(/"digest":"[0-9a-f]{64}"/, `"digest":"${"0".repeat(64)}"`), lines[1], body.join(",\n"), ...lines.slice(-2)].join("\n");
            return unsigned.replace(`"digest":"${"0".repeat(64)}"`, `"digest":"${createHash("sha256").update(unsigned).digest("hex")}"`);
        };
        const first = JSON.parse(records[0]!) as { tenant: string; stack: unknown };
        const second = JSON.parse(records[1]!) as Record<string, unknown>;
        const variants: [string, string, RegExp][] = [
            // The first two records swapped: every record whole and valid, the order not the plan's.
            ["swapped.json", resigned([records[1]!, records[0]!, ...records.slice(2)]), /swapped\.json:3: not the stack its header lists as stack 1/],
            // The second record's stack given the first's name.
            ["renamed.json", resigned([records[0]!, JSON.stringify({ ...second, tenant: first.tenant, stack: { ...(second.stack as object), tenant: first.tenant } }), ...records.slice(2)]), /renamed\.json:4: not the stack its header lists as stack 2/],
            // The record's name kept, its stack another's.
            ["other-stack.json", resigned([records[0]!, JSON.stringify({ ...second, stack: first.stack }), ...records.slice(2)]), /other-stack\.json:4: a stack record of "[^"]+" whose stack is "[^"]+": an edited shard document/],
        ];
        for (const [name, text, refusal] of variants) {
            const at = file(name);
            fs.writeFileSync(at, text);
            const ordered = orderShards([at, parts[1]!]);
            for (const threads of [1, 2]) {
                await expect(emitted(ordered.map((shard) => shard.header.pass), ordered.map((shard) => shardSource(shard.file, shard.header)), { threads }), name).rejects.toThrow(refusal);
            }
            // Read in order (a document that is not whole) too.
            expect(() => shardSource(at, ordered[0]!.header)(() => undefined), name).toThrow(refusal);
        }
    });

    it("GIVEN the fleet's modes WHEN sharded THEN every tenant is in exactly one shard, in plan order, and the shards' weights are balanced", () => {
        const modes = Object.keys(PLAN_WEIGHT) as (keyof typeof PLAN_WEIGHT)[];
        const tenants = Array.from({ length: 1000 }, (_, i) => ({ id: `t${String(i).padStart(4, "0")}`, mode: modes[(i * 7) % modes.length]! }));
        for (const count of [1, 2, 4, 7, 64]) {
            const shards = Array.from({ length: count }, (_, i) => shardOf(tenants, { index: i + 1, count }));
            expect(shards.flat()).toEqual(tenants);
            const weights = shards.map((shard) => shard.reduce((sum, tenant) => sum + PLAN_WEIGHT[tenant.mode], 0));
            const mean = weights.reduce((a, b) => a + b, 0) / count;
            // At most one heaviest tenant's weight from the mean.
            for (const weight of weights) {
                expect(Math.abs(weight - mean)).toBeLessThanOrEqual(Math.max(...Object.values(PLAN_WEIGHT)));
            }
        }
        expect(shardOf([], { index: 1, count: 3 })).toEqual([]);
    });

    it("GIVEN the modules of the fleet-wide checks WHEN their resource types are read THEN the facts keep every one of them", () => {
        const modules = ["quota-usage", "route53-records", "guardduty-detectors", "config-recorders", "data-syncs", "subnet-addresses", "customer-gateways"];
        for (const module of modules) {
            const text = fs.readFileSync(path.join(ROOT, "scripts", "lib", "plan", `${module}.ts`), "utf8");
            for (const type of text.match(/"aws:[a-z0-9]+\/[A-Za-z0-9]+:[A-Za-z0-9]+"/g) ?? []) {
                expect(FLEET_CHECKED_TYPES.has(JSON.parse(type) as string), `${module}.ts reads ${type}`).toBe(true);
            }
        }
    });
});

describe("the rules judged once the fleet is known", () => {
    it("GIVEN every rule of the pack WHEN its source reads the fleet (otherTenants, hosts, fleet) THEN it is one of FLEET_RULES, judged in pass 2", () => {
        const readers: string[] = [];
        const walk = (at: string): void => {
            for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
                const full = path.join(at, entry.name);
                if (entry.isDirectory()) {
                    walk(full);
                } else if (entry.name.endsWith(".ts") && !["types.ts", "from-plan.ts", "index.ts", "evaluate.ts"].includes(entry.name)) {
                    // `settings.hosts`, `settings?.fleet`, `const { otherTenants } = settings`.
                    if (/settings\??\.(otherTenants|hosts|fleet)\b|\b(otherTenants|hosts|fleet)\b[^;\n]*=\s*settings\b/.test(fs.readFileSync(full, "utf8"))) {
                        readers.push(full);
                    }
                }
            }
        };
        walk(path.join(ROOT, "policy", "rules"));
        expect(readers.length).toBeGreaterThan(0);
        for (const file of readers) {
            const names = [...fs.readFileSync(file, "utf8").matchAll(/^\s+name: "([^"]+)"/gm)].map((match) => match[1]!);
            expect(names.length, file).toBeGreaterThan(0);
            for (const name of names) {
                expect(FLEET_RULE_NAMES, `${path.relative(ROOT, file)} reads the fleet`).toContain(name);
            }
        }
        expect(STACK_RULES.length + FLEET_RULES.length).toBe(RULES.length);
    });
});

describe("plan documents on disk", () => {
    it("GIVEN lines across the read blocks, empty, multi-byte and unterminated WHEN read as bytes and as text, and copied by ByteWriter THEN every line comes once with its offset, and every byte is copied", () => {
        // A line longer than the 8 MiB block, one that straddles blocks, an empty one, text of several bytes a character, a last line without its newline.
        const lines = ["a".repeat(9 << 20), "é✓".repeat(3 << 20), "", "short", "x".repeat(100), "last"];
        const text = lines.join("\n");
        const source = file("lines.txt");
        fs.writeFileSync(source, text);
        const expected = lines.map((line, index) => ({ line, offset: Buffer.byteLength(lines.slice(0, index).map((previous) => `${previous}\n`).join("")) }));
        const asBytes: { line: string; offset: number }[] = [];
        forEachLineBytes(source, (bytes, offset) => asBytes.push({ line: bytes.toString("utf8"), offset }));
        expect(asBytes).toEqual(expected);
        const asText: { line: string; offset: number; bytes: number }[] = [];
        forEachLine(source, (line, offset, bytes) => asText.push({ line, offset, bytes }));
        expect(asText).toEqual(expected.map((entry) => ({ ...entry, bytes: Buffer.byteLength(entry.line) })));
        // Only a range: the lines from the fourth on.
        const fromFourth: string[] = [];
        forEachLineBytes(source, (bytes) => fromFourth.push(bytes.toString("utf8")), { start: expected[3]!.offset, end: Buffer.byteLength(text) });
        expect(fromFourth).toEqual(lines.slice(3));
        // ByteWriter: pieces smaller than its block, as large, larger, and one that would overflow it.
        const copy = file("copy.txt");
        const fd = fs.openSync(copy, "w");
        const pieces = [Buffer.from("ab"), Buffer.alloc(16, 1), Buffer.from("c"), Buffer.alloc(40, 2), Buffer.alloc(15, 3), Buffer.from("end")];
        try {
            const writer = new ByteWriter(fd, 16);
            pieces.forEach((piece) => writer.write(piece));
            writer.flush();
        } finally {
            fs.closeSync(fd);
        }
        expect(fs.readFileSync(copy)).toEqual(Buffer.concat(pieces));
    });

    it("GIVEN a document's fields WHEN framed THEN the frame around no stacks is canonicalJson's", () => {
        const fields = { version: 1, errors: [{ message: 'a "tenants": [] in a string' }], warnings: [] };
        const frame = documentFrame(fields);
        expect(`${frame.before}${frame.after}`).toBe(canonicalJson({ ...fields, tenants: [] }));
    });

    it("GIVEN a document printed in another form WHEN indexed THEN it is rewritten canonically and its stacks found", () => {
        const stacks: TenantPlan[] = [
            { tenant: "a", mode: "saas", region: "eu-west-1", source: "a.yaml", resources: [], outputs: { tenant: "x" } },
            { tenant: "b", mode: "cloud", region: "eu-west-1", source: "b.yaml", resources: [], outputs: {} },
        ];
        const compact = file("compact.json");
        fs.writeFileSync(compact, JSON.stringify({ version: 1, tenants: stacks, errors: [] }));
        expect(indexCanonicalDocument(compact)).toBeUndefined();
        const { file: rewritten, document } = indexDocument(compact, file("rewritten.json"));
        expect(document.fields).toEqual({ version: 1, errors: [] });
        expect(document.stacks.map((entry) => entry[0])).toEqual(["a", "b"]);
        expect(readBaseStack(rewritten, document.stacks[0]!)).toEqual(stacks[0]);
        const empty = file("empty.json");
        fs.writeFileSync(empty, `${canonicalJson({ version: 1, tenants: [] })}\n`);
        expect(indexCanonicalDocument(empty)).toEqual({ fields: { version: 1 }, stacks: [] });
        const broken = file("broken.json");
        fs.writeFileSync(broken, "{ not json");
        expect(() => indexDocument(broken, file("x.json"))).toThrow();
    });

    it("GIVEN the parts of a plan WHEN keyed THEN a change in any part changes the key", () => {
        const key = shardKey(["a", "b"]);
        expect(shardKey(["a", "b"])).toBe(key);
        expect(shardKey(["ab", ""])).not.toBe(key);
        expect(shardKey(["a", "c"])).not.toBe(key);
    });
});
