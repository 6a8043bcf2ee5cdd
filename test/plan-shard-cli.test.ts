import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { planCliProject } from "./fixtures/plan-cli-project";

interface EditableHeader {
    pass: { stackFacts: unknown[] };
}

/** The header of a shard document's text (its first line is `{"header":HEADER,`). */
function headerOf(text: string): EditableHeader {
    const first = text.slice(0, text.indexOf("\n"));
    return JSON.parse(first.slice('{"header":'.length, -1)) as EditableHeader;
}

/** The text with its header edited (its fields in their order: the digest stays last). */
function withHeader(text: string, edit: (header: EditableHeader) => void): string {
    const header = headerOf(text);
    edit(header);
    return `{"header":${JSON.stringify(header)},${text.slice(text.indexOf("\n"))}`;
}

/** A shard document's text with the digest its writer would give it (SHA-256 with the digest's 64 characters as "0"s). */
function resigned(text: string): string {
    const unsigned = text.replace(/"digest":"[0-9a-f]{64}"/, `"digest":"${"0".repeat(64)}"`);
    return unsigned.replace(`"digest":"${"0".repeat(64)}"`, `"digest":"${createHash("sha256").update(unsigned).digest("hex")}"`);
}

const project = planCliProject("plan-shard-cli-");
const plan = project.plan;
afterAll(() => project.remove());

describe("npm run plan -- --shard and merge", () => {
    it("GIVEN the fleet planned in two shards WHEN merged THEN stdout is the unsharded plan's, JSON and summary, whatever the order of the files", async () => {
        const whole = await plan("--all", "--json");
        expect(whole.status).toBe(0);
        const summary = await plan("--all");
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-shards-"));
        try {
            for (const index of [1, 2]) {
                const shard = await plan("--all", "--shard", `${index}/2`, "--out", path.join(out, `s${index}.json`));
                expect(shard.status, shard.stderr).toBe(0);
                expect(shard.stdout).toBe("");
                expect(shard.stderr).toContain(`wrote the shard file=${path.join(out, `s${index}.json`)} shard=${index}/2`);
            }
            const merged = await plan("merge", path.join(out, "s2.json"), path.join(out, "s1.json"), "--json");
            expect(merged.status, merged.stderr).toBe(0);
            expect(merged.stdout).toBe(whole.stdout);
            expect((await plan("merge", path.join(out, "s1.json"), path.join(out, "s2.json"))).stdout).toBe(summary.stdout);
            // Without --out the shard document is printed.
            const printed = await plan("--all", "--shard", "1/2");
            expect(printed.stdout).toBe(fs.readFileSync(path.join(out, "s1.json"), "utf8"));
            // One shard missing: refused, nothing of the plan printed (with --json, the one document says why).
            const missing = await plan("merge", path.join(out, "s1.json"), "--json");
            expect(missing.status).toBe(2);
            expect(JSON.parse(missing.stdout)).toEqual({ version: 1, tenants: [], errors: [{ file: "", line: 1, column: 1, path: "/", message: expect.stringContaining("missing shard(s) 2/2") }] });
            expect(missing.stderr).toContain("plan merge: missing shard(s) 2/2: merge needs all 2");
            // One shard cut short or edited on the way: refused before a byte of the plan is printed.
            const whole2 = fs.readFileSync(path.join(out, "s2.json"), "utf8");
            for (const [name, text, reason] of [
                ["cut.json", whole2.slice(0, Math.floor(whole2.length * 0.8)), "a truncated or edited shard document"],
                ["edited.json", whole2.replace('"monthlyUsd":', '"monthlyUsd": '), "not the document its shard wrote"],
                // Edited and its digest made again (a digest is no signature): a record nested past any
                // recursion's stack is refused at its line, not a RangeError half-way through the merge.
                ["deep.json", resigned(whole2.replace(/(\n.*?"stack":\{.*?"inputs":\{)/, `$1"deep":${"[".repeat(200_000)}${"]".repeat(200_000)},`)), ".json:3: a stack record nested more than 64 levels deep as a plan (at /stack/resources/0/inputs/deep/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0; a plan nests about 13): an edited shard document"],
                // The same in the record's facts (what the fleet-wide checks read, before its stack on the line).
                ["deepfacts.json", resigned(whole2.replace(/(\n.*?"facts":\{.*?"inputs":\{)/, `$1"deep":${"[".repeat(200_000)}${"]".repeat(200_000)},`)), ".json:3: a stack record nested more than 64 levels deep as a plan (at /facts/resources/0/inputs/deep/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0; a plan nests about 13): an edited shard document"],
                // Headers edited into other valid JSON, their digests made again: refused before anything is printed.
                ["today.json", resigned(whole2.replace(/"today":"[^"]*"/, '"today":"not-a-date"')), 'its header\'s pass today "not-a-date" is no day (YYYY-MM-DD)'],
                ["facts.json", resigned(whole2.replace('"stackFacts":[', '"stackFacts":[7,')), "its header's pass stackFacts[0] is no stack's facts"],
                ["errors.json", resigned(whole2.replace('"sliceErrors":[]', '"sliceErrors":[{"file":"x","line":0,"column":-3,"path":"/","message":"m"}]')), "its header's pass sliceErrors[0] is no problem"],
                ["twice.json", resigned(withHeader(whole2, (header) => header.pass.stackFacts.push(headerOf(fs.readFileSync(path.join(out, "s1.json"), "utf8")).pass.stackFacts[0]))), "a stack is planned in one shard only"],
                ["count.json", resigned(whole2.replace('"count":2', `"count":${2 ** 40}`)), `shard 2/${2 ** 40}, but a plan is cut into at most 9999 shards`],
            ] as const) {
                fs.writeFileSync(path.join(out, name), text);
                for (const format of [["--json"], []]) {
                    const refused = await plan("merge", path.join(out, "s1.json"), path.join(out, name), ...format);
                    expect(refused.status, name).toBe(2);
                    const reasonOnStderr = /^plan merge: (.*)$/m.exec(refused.stderr)?.[1];
                    expect(format.length > 0 ? JSON.parse(refused.stdout) : refused.stdout, name).toEqual(
                        format.length > 0 ? { version: 1, tenants: [], errors: [{ file: "", line: 1, column: 1, path: "/", message: reasonOnStderr }] } : "",
                    );
                    expect(refused.stderr).toContain(`plan merge: ${path.join(out, name)}`);
                    expect(refused.stderr).toContain(reason);
                    expect(refused.stderr).not.toMatch(/\n\s+at /);
                }
            }
            const markdown = await plan("merge", path.join(out, "s1.json"), path.join(out, "s2.json"), "--markdown", path.join(out, "c.md"));
            expect(markdown.status).toBe(2);
            expect(markdown.stderr).toContain("--markdown needs shards planned with --base REF");
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it("GIVEN an invalid tenant file changed between the shards' runs WHEN merged THEN the shards are refused as of another plan (every file of the tenant folder is an input)", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-shards-invalid-"));
        const broken = path.join(project.root, "tenant-configs", "broken.yaml");
        try {
            // No tenant of the fleet (its mode is none), yet its problem is in the plan.
            fs.writeFileSync(broken, "tenant: broken\ncompany: Broken\nmode: nope\nregion: eu-west-1\n");
            const first = await plan("--all", "--shard", "1/2", "--out", path.join(out, "s1.json"));
            expect(first.status, first.stderr).toBe(0);
            fs.writeFileSync(broken, "tenant: broken\ncompany: Broken\nmode: saas\nregion: eu-west-1\nbogus: 1\n");
            const second = await plan("--all", "--shard", "2/2", "--out", path.join(out, "s2.json"));
            expect(second.status, second.stderr).toBe(0);
            const merged = await plan("merge", path.join(out, "s1.json"), path.join(out, "s2.json"), "--json");
            expect(merged.status).toBe(2);
            // With --json, the refusal as the one document stdout carries: nothing merged.
            expect(JSON.parse(merged.stdout)).toEqual({ version: 1, tenants: [], errors: [{ file: "", line: 1, column: 1, path: "/", message: expect.stringContaining("a shard of another plan than") }] });
            expect(merged.stderr).toContain(`plan merge: ${path.join(out, "s2.json")}: a shard of another plan than ${path.join(out, "s1.json")}`);
        } finally {
            fs.rmSync(broken, { force: true });
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it.each([
        [["--all", "--shard", "0/2"], "--shard expects I/N with 1 <= I <= N <= 9999 (e.g. 2/4), got \"0/2\""],
        [["--all", "--shard", "3/2"], "--shard expects I/N"],
        [["--all", "--shard", "1-2"], "--shard expects I/N"],
        [["acme", "--shard", "1/2"], "--shard slices the whole fleet: use it with --all"],
        [["--all", "--shard", "1/2", "--json"], "--shard writes a shard document, not the plan"],
        [["--all", "--out", "x.json"], "--out is where a shard document goes: it needs --shard I/N"],
        [["merge"], "merge needs the shard documents"],
        [["--all", "--cache", "/dev/null/x"], "--cache /dev/null/x: not a folder the plan can write (ENOTDIR)"],
    ])("GIVEN %j WHEN run THEN a usage error (exit 2) says why", async (args, message) => {
        const result = await plan(...args);
        expect(result.status).toBe(2);
        expect(result.stderr).toContain(message);
        // With --json, stdout is still one plan document: nothing planned, the reason its one error.
        expect(args.includes("--json") ? JSON.parse(result.stdout) : result.stdout).toEqual(
            args.includes("--json") ? { version: 1, tenants: [], errors: [{ file: "", line: 1, column: 1, path: "/", message: expect.stringContaining(message) }] } : "",
        );
    });

    it.runIf(process.platform === "linux")("GIVEN --out on a disk that fills half-way through the shard WHEN planned THEN a usage error names --out and its file, no stack trace, and no half shard is left", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-shard-full-"));
        // Node's own fs, as every module sees it: a write into that folder writes half its bytes, then the disk is full.
        const nodeFs = createRequire(__filename)("node:fs") as typeof fs;
        const original = nodeFs.writeSync;
        nodeFs.writeSync = ((fd: number, buffer: Uint8Array, ...rest: unknown[]) => {
            if (!nodeFs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(`${out}/`)) {
                return (original as (...args: unknown[]) => number)(fd, buffer, ...rest);
            }
            original(fd, buffer.subarray(0, Math.ceil(buffer.length / 2)));
            throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
        }) as typeof fs.writeSync;
        syncBuiltinESMExports();
        let result: Awaited<ReturnType<typeof plan>>;
        try {
            result = await plan("--all", "--shard", "1/2", "--out", path.join(out, "s1.json"));
        } finally {
            nodeFs.writeSync = original;
            syncBuiltinESMExports();
        }
        try {
            expect(result.status).toBe(2);
            expect(result.stderr).toContain(`plan: --out ${path.join(out, "s1.json")}: cannot be written: no space left on the device (ENOSPC); see --help`);
            expect(result.stderr).not.toContain("internal error");
            expect(fs.readdirSync(out)).toEqual([]);
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});
