// CI only: the matrix of the real-preview job, from the offline plan's JSON document. The stacks
// whose plan diff shows a change (scripts/lib/ops/changed.ts) in at most --max-jobs batches, so a
// change to a shared component that marks the whole fleet still fits GitHub's 256-job matrix.
// The fleet's document (about 900 MiB at 10,000 tenants) is read stack by stack when it is in the
// form the plan prints (scripts/lib/plan/stream/read.ts), any other form whole, as before.

import * as fs from "node:fs";

import { batchStacks, ChangedStacks, changedStacks, GITHUB_MATRIX_LIMIT } from "../lib/ops/changed";
import { EXIT, parseFlags, run, UsageError, writeStdout } from "../lib/cli";
import { changedSince, forEachStack, openStackedPlan, StackedPlan } from "../lib/plan/stream/read";

export const USAGE = `Usage: tsx scripts/ci/preview-matrix.ts --plan PLAN.json [--max-jobs N]

Prints one line of JSON, {"count":STACKS,"jobs":JOBS,"matrix":{"include":[{"batch":"1 of JOBS","stacks":"a b c"}, ...]}},
for \`strategy.matrix: \${{ fromJSON(...) }}\`: the stacks whose plan diff (npm run plan -- --all --base REF --json)
shows a change, sorted, in at most N batches of nearly equal size (default 20; at most ${GITHUB_MATRIX_LIMIT}).

Exit codes: 0 printed, 2 usage, an unreadable plan document, one that lists a stack twice or one
with an entry in \`tenants\` that is not a stack with a string \`tenant\` (it would get no preview).
`;

/** One job of the preview matrix: its place and the stacks it previews, space-separated (stack names hold no space). */
export interface PreviewBatch {
    readonly batch: string;
    readonly stacks: string;
}

export interface PreviewMatrix {
    readonly count: number;
    readonly jobs: number;
    readonly matrix: { readonly include: readonly PreviewBatch[] };
}

/**
 * Throws unless the plan's entry at `index` is a stack with a string `tenant`: changedStacks skips
 * any other entry (null, a list, a stack without its name), and that stack would get no preview.
 */
function refuseUnnamed(entry: unknown, index: number): void {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        throw new Error(`/tenants/${index} is ${entry === null ? "null" : Array.isArray(entry) ? "a list" : typeof entry}, not a stack: it would get no preview; expected a stack with a string \`tenant\``);
    }
    const tenant = (entry as { tenant?: unknown }).tenant;
    if (typeof tenant !== "string") {
        throw new Error(`/tenants/${index}/tenant is ${tenant === undefined ? "missing" : JSON.stringify(tenant).slice(0, 60)}: the stack would get no preview; expected its name, a string`);
    }
}

/** The preview matrix of a plan document; an entry of `tenants` that is not a named stack throws. */
export function previewMatrix(document: unknown, maxJobs: number): PreviewMatrix {
    const stacks = (document as { tenants?: unknown } | null)?.tenants;
    if (Array.isArray(stacks)) {
        stacks.forEach(refuseUnnamed);
    }
    return matrixOf(changedStacks(document), maxJobs);
}

/**
 * The stacks that need a preview (changedStacks' choice), read one stack at a time; undefined when
 * a stack is not valid JSON (the whole document's parse then says where); a stack listed twice, an
 * entry that is not a stack with a string `tenant`, or the file written meanwhile, throws.
 */
export function changedStacksOf(plan: StackedPlan): string[] | undefined {
    const changed = new ChangedStacks();
    const complete = forEachStack(plan, (stack, index) => {
        refuseUnnamed(stack, index);
        changed.add(stack, index);
    });
    if (changedSince(plan)) {
        throw new Error("changed while it was read (another process wrote it); make the matrix again once it is written");
    }
    return complete ? changed.sorted() : undefined;
}

/** How the plan document was read: stack by stack (the plan's own form) or whole (any other). */
export type MatrixReading = "stacks" | "whole";

/** The preview matrix of the plan document in `file`, and how it was read; a document it cannot read throws. */
export function previewMatrixOfFile(file: string, maxJobs: number): { readonly matrix: PreviewMatrix; readonly reading: MatrixReading } {
    let stacked: StackedPlan | undefined;
    try {
        stacked = openStackedPlan(file);
    } catch {
        // Unreadable: the whole read below says why, as it always has.
        stacked = undefined;
    }
    let names: string[] | undefined;
    try {
        names = stacked === undefined ? undefined : changedStacksOf(stacked);
    } catch (error) {
        throw new UsageError(`${file}: ${(error as Error).message}`);
    }
    if (names !== undefined) {
        return { matrix: matrixOf(names, maxJobs), reading: "stacks" };
    }
    let document: unknown;
    try {
        // A device (/dev/zero) would be read for ever: no plan document, refused as npm run policy refuses it.
        const stat = fs.statSync(file);
        if (stat.isCharacterDevice() || stat.isBlockDevice() || stat.isSocket()) {
            throw new Error("not a file (a device or a socket); give the plan document's file");
        }
        const text = fs.readFileSync(file, "utf8");
        // A byte order mark before the document: RFC 8259 lets a reader ignore it, editors write one, and npm run policy reads it.
        document = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (error) {
        throw new UsageError(`cannot read the plan document ${file}: ${(error as Error).message}`);
    }
    try {
        return { matrix: previewMatrix(document, maxJobs), reading: "whole" };
    } catch (error) {
        throw new UsageError(`${file}: ${(error as Error).message}`);
    }
}

function matrixOf(stacks: readonly string[], maxJobs: number): PreviewMatrix {
    const batches = batchStacks(stacks, maxJobs);
    return {
        count: stacks.length,
        jobs: batches.length,
        matrix: { include: batches.map((batch, i) => ({ batch: `${i + 1} of ${batches.length}`, stacks: batch.join(" ") })) },
    };
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, { plan: { type: "string" }, "max-jobs": { type: "string" }, help: { type: "boolean", short: "h" } });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 60)}"`);
    }
    if (values.plan === undefined) {
        throw new UsageError("missing --plan PLAN.json");
    }
    const raw = values["max-jobs"] ?? "20";
    const maxJobs = Number(raw);
    if (!/^\d+$/.test(raw) || maxJobs < 1 || maxJobs > GITHUB_MATRIX_LIMIT) {
        throw new UsageError(`--max-jobs ${raw.slice(0, 20)}: expected a whole number from 1 to ${GITHUB_MATRIX_LIMIT} (GitHub's matrix limit)`);
    }
    const { matrix } = previewMatrixOfFile(values.plan, maxJobs);
    await writeStdout(`${JSON.stringify(matrix)}\n`);
    return EXIT.ok;
}

if (require.main === module) {
    void run("preview-matrix", main, USAGE);
}
