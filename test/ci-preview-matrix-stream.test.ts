// The preview matrix (scripts/ci/preview-matrix.ts) reads a plan document in the plan's own form
// stack by stack (scripts/lib/plan/stream/read.ts): the same matrix as the whole document gives,
// which any other form still gets, with the same messages for a broken one.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { changedStacksOf, main, previewMatrix, previewMatrixOfFile } from "../scripts/ci/preview-matrix";
import { openStackedPlan } from "../scripts/lib/plan/stream/read";
import { canonicalJson } from "../scripts/lib/plan/engine";
import { runCli } from "./cli-harness";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-matrix-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const STATUSES = ["changed", "unchanged", "new", "removed"];

/** A diffed plan of `count` stacks, listed in plan order (not sorted), each with a status in turn, a few with none. */
function diffedPlan(count: number) {
    return {
        version: 1,
        base: { ref: "main", commit: "0123456789abcdef" },
        blastRadius: [],
        errors: [],
        tenants: Array.from({ length: count }, (_, i) => ({
            tenant: `t${String((i * 37) % count).padStart(4, "0")}`,
            mode: "saas",
            resources: [{ type: "aws:s3/bucket:Bucket", name: `b${i}`, id: `b${i}`, inputs: {} }],
            ...(i % 11 === 5 ? {} : { diff: { status: STATUSES[i % 4], added: [], removed: [], changed: [] } }),
        })),
    };
}

function written(name: string, document: unknown): { canonical: string; compact: string } {
    const canonical = path.join(dir, `${name}.json`);
    const compact = path.join(dir, `${name}.compact.json`);
    fs.writeFileSync(canonical, `${canonicalJson(document)}\n`);
    fs.writeFileSync(compact, JSON.stringify(document));
    return { canonical, compact };
}

describe("preview-matrix on a plan in the plan's own form", () => {
    it.each([[12, 5], [300, 20]])("GIVEN a diffed plan of %i stacks WHEN the matrix is built (at most %i jobs) THEN read stack by stack, the whole document's matrix", (count, jobs) => {
        const document = diffedPlan(count);
        const files = written(`plan-${count}`, document);
        const streamed = previewMatrixOfFile(files.canonical, jobs);
        const whole = previewMatrixOfFile(files.compact, jobs);
        expect(streamed.reading).toBe("stacks");
        expect(whole.reading).toBe("whole");
        expect(streamed.matrix).toEqual(previewMatrix(document, jobs));
        expect(whole.matrix).toEqual(streamed.matrix);
        // changed, new and no status at all are previewed; unchanged and removed are not.
        expect(streamed.matrix.count).toBe(document.tenants.filter((stack) => stack.diff?.status !== "unchanged" && stack.diff?.status !== "removed").length);
    });

    it("GIVEN the CLI WHEN run on either form THEN the same line, exit 0", async () => {
        const files = written("cli", diffedPlan(40));
        const streamed = await runCli("preview-matrix", () => main(["--plan", files.canonical, "--max-jobs", "3"]));
        expect(streamed.status).toBe(0);
        expect(streamed).toEqual(await runCli("preview-matrix", () => main(["--plan", files.compact, "--max-jobs", "3"])));
        expect(JSON.parse(streamed.stdout)).toMatchObject({ jobs: 3 });
    });

    it.each<[string, (text: string) => string, RegExp]>([
        ["a value that is not JSON inside a stack", (text) => text.replace('"mode": "saas"', '"mode": nope'), /^preview-matrix: cannot read the plan document .*: Unexpected token/],
        ["a missing comma between two stacks", (text) => text.replace(/\n {4}\},\n {4}\{/, "\n    }\n    {"), /^preview-matrix: cannot read the plan document .*: Expected ','/],
    ])("GIVEN %s WHEN the matrix is built THEN the whole document's parse says why, exit 2, as before", async (what, edit, message) => {
        const file = path.join(dir, `${what.replace(/\W+/g, "-")}.json`);
        const text = edit(`${canonicalJson(diffedPlan(5))}\n`);
        fs.writeFileSync(file, text);
        let parseError = "";
        try {
            JSON.parse(text);
        } catch (error) {
            parseError = (error as Error).message;
        }
        const result = await runCli("preview-matrix", () => main(["--plan", file]));
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(message);
        expect(result.stderr).toContain(`cannot read the plan document ${file}: ${parseError}`);
    });

    it("GIVEN a plan rewritten after it was opened, still a valid plan of the same length, WHEN its stacks are read THEN it is refused as changed, not read as a mix of two documents", () => {
        const files = written("rewritten", diffedPlan(20));
        const plan = openStackedPlan(files.canonical)!;
        expect(changedStacksOf(plan)).toBeDefined();
        const text = fs.readFileSync(files.canonical, "utf8");
        fs.writeFileSync(files.canonical, text.replace('"status": "unchanged"', '"status": "changed!!"'));
        expect(() => changedStacksOf(plan)).toThrow(/^changed while it was read \(another process wrote it\)/);
    });

    it("GIVEN a missing file or a document without stacks WHEN the matrix is built THEN a usage error, as before", async () => {
        const missing = path.join(dir, "missing.json");
        expect((await runCli("preview-matrix", () => main(["--plan", missing]))).stderr).toMatch(/^preview-matrix: cannot read the plan document .*missing\.json: ENOENT/);
        const file = path.join(dir, "no-stacks.json");
        fs.writeFileSync(file, `${canonicalJson({ version: 1 })}\n`);
        const result = await runCli("preview-matrix", () => main(["--plan", file]));
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/not a plan document: expected a `tenants` array/);
    });

    it("GIVEN the plan document after a byte order mark (as an editor saves it) WHEN the matrix is built THEN it is the document's, as npm run policy reads it; a device is refused at once, not read for ever", async () => {
        const files = written("bom", diffedPlan(8));
        const bom = path.join(dir, "bom-marked.json");
        fs.writeFileSync(bom, `\ufeff${fs.readFileSync(files.canonical, "utf8")}`);
        const expected = await runCli("preview-matrix", () => main(["--plan", files.canonical]));
        expect(expected.status).toBe(0);
        expect(await runCli("preview-matrix", () => main(["--plan", bom]))).toEqual(expected);
        if (fs.existsSync("/dev/zero")) {
            const device = await runCli("preview-matrix", () => main(["--plan", "/dev/zero"]));
            expect(device).toMatchObject({ status: 2, stdout: "" });
            expect(device.stderr).toBe("preview-matrix: cannot read the plan document /dev/zero: not a file (a device or a socket); give the plan document's file; see --help\n");
        }
    });

    it.each(["unchanged", "changed"])("GIVEN a stack listed twice, the second time %s, WHEN the matrix is built from either form THEN it is refused naming the stack and both entries, exit 2, nothing printed", async (status) => {
        const document = diffedPlan(6);
        const twice = { ...document.tenants[4]!, diff: { status, added: [], removed: [], changed: [] } };
        document.tenants.splice(2, 0, twice);
        const files = written(`twice-${status}`, document);
        for (const file of [files.canonical, files.compact]) {
            const result = await runCli("preview-matrix", () => main(["--plan", file]));
            expect(result).toMatchObject({ status: 2, stdout: "" });
            expect(result.stderr).toBe(`preview-matrix: ${file}: the stack "${twice.tenant}" is listed twice (tenants[2] and tenants[5]): a plan lists each stack once; see --help\n`);
        }
    });

    it.each<[string, unknown, string]>([
        ["null", null, "/tenants/3 is null, not a stack: it would get no preview; expected a stack with a string `tenant`"],
        ["a stack without its tenant", { mode: "saas", resources: [], diff: { status: "changed", added: [], removed: [], changed: [] } }, "/tenants/3/tenant is missing: the stack would get no preview; expected its name, a string"],
        ["a stack whose tenant is a number", { tenant: 7, mode: "saas", resources: [] }, "/tenants/3/tenant is 7: the stack would get no preview; expected its name, a string"],
    ])("GIVEN %s among the stacks WHEN the matrix is built from either form THEN it is refused naming the file and the entry, exit 2, nothing printed (not skipped, leaving a stack unpreviewed)", async (what, entry, message) => {
        const document = diffedPlan(6) as { tenants: unknown[] };
        document.tenants.splice(3, 0, entry);
        const files = written(`unnamed-${what.replace(/\W+/g, "-")}`, document);
        for (const file of [files.canonical, files.compact]) {
            const result = await runCli("preview-matrix", () => main(["--plan", file]));
            expect(result).toMatchObject({ status: 2, stdout: "" });
            expect(result.stderr).toBe(`preview-matrix: ${file}: ${message}; see --help\n`);
        }
    });
});
