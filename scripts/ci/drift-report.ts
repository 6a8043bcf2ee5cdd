// CI only: the weekly drift check's three steps (.github/workflows/drift.yml): the fleet's stacks in
// matrix batches; one batch's `pulumi preview --refresh --expect-no-changes --json` outputs read
// into its JSON results; every batch merged into one Markdown report (the issue and the job
// summary). The reading itself is scripts/lib/ops/drift.ts (tested on recorded outputs under
// test/fixtures/drift/).

import * as fs from "node:fs";
import * as path from "node:path";

import { EXIT, parseFlags, run, UsageError, writeStdout } from "../lib/cli";
import { batchStacks, GITHUB_MATRIX_LIMIT } from "../lib/ops/changed";
import { DriftBatch, driftMarkdown, driftTargets, DriftTarget, formatTarget, mergeBatches, missingStack, needsAttention, parseTargets, readPreview, StackDrift, STATUSES } from "../lib/ops/drift";
import { loadFleetDirectory } from "../../stacks/config/load-fleet";
import { loadPlatformFleet } from "../../stacks/config/platform-file";
import { PLATFORM_DEFAULTS } from "../../stacks/config/platform-settings";
import { formatProblem } from "../../stacks/config/validate";

export const USAGE = `Usage: tsx scripts/ci/drift-report.ts stacks [--dir FOLDER] [--platform-dir FOLDER] [--max-jobs N]
       tsx scripts/ci/drift-report.ts batch --results DIR --stacks "STACK:REGION ..." --batch NAME --out FILE.json
       tsx scripts/ci/drift-report.ts merge --expect "STACK:REGION ..." --out REPORT.md [--issue ISSUE.md] [--run-url URL] [--date YYYY-MM-DD] BATCH.json ...

The weekly drift check (.github/workflows/drift.yml) previews every deployed stack against its real
state with \`pulumi preview --refresh --expect-no-changes --json\` and changes nothing.

  stacks   prints {"count":N,"jobs":J,"stacks":"STACK:REGION ...","matrix":{"include":[{"batch":"1 of J","index":1,"stacks":"..."}]}}:
           the platforms (home first), the tenants by id, then the recovery environments
           (platform-<region>-recovery, <tenant>-recovery), each with the region its program runs in,
           in at most N batches (default 40; at most ${GITHUB_MATRIX_LIMIT}). Offboarding tenants are left out.
  batch    reads, per stack of --stacks, what scripts/ci/drift-stacks.sh left in DIR: STACK.json (the
           preview's stdout), STACK.stderr, STACK.exit (its exit code), or STACK.missing (no such stack);
           writes the batch's results as JSON. How a preview is read: exit 0 and nothing proposed is
           "no changes"; proposed steps or changeSummary counts (other than same) are "drifted", with
           each resource's change (create / update / replace / delete) and the properties that differ;
           an error diagnostic, output that is not the JSON digest, or a non-zero exit with neither
           changes nor an error is "failed" (--expect-no-changes exits non-zero on changes as on errors).
  merge    merges the batches into one report in the fleet's order (a stack no batch reported is failed),
           writes it as Markdown (--out: the job summary; --issue: the same, compact when it would pass
           GitHub's 65,536-character issue limit) and prints {"total":..,"no-changes":..,"drifted":..,
           "failed":..,"missing":..,"attention":true|false,"skipped":..}.

Exit codes: 0 done, 1 invalid tenant or platform files (stacks), 2 usage or an unreadable input.
`;

/** GitHub's limit on an issue body (characters). */
export const ISSUE_BODY_LIMIT = 65_536;

function readText(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            return undefined;
        }
        throw error;
    }
}

/** One stack's result from the files drift-stacks.sh left (none: its loop never reached it). */
export function resultOf(dir: string, target: DriftTarget): StackDrift {
    const file = (ext: string) => path.join(dir, `${target.stack}.${ext}`);
    const missing = readText(file("missing"));
    if (missing !== undefined) {
        return missingStack(target, missing);
    }
    const exit = readText(file("exit"));
    if (exit === undefined || !/^\d+\s*$/.test(exit)) {
        return { stack: target.stack, region: target.region, status: "failed", summary: {}, changes: [], errors: ["no preview recorded for this stack (the batch stopped before it); see the job log"] };
    }
    return readPreview(target, { stdout: readText(file("json")) ?? "", stderr: readText(file("stderr")) ?? "", exitCode: Number(exit) });
}

function targetsFlag(value: string | undefined, flag: string): DriftTarget[] {
    if (value === undefined) {
        throw new UsageError(`missing ${flag} "STACK:REGION ..."`);
    }
    try {
        return parseTargets(value);
    } catch (error) {
        throw new UsageError(`${flag}: ${(error as Error).message}`);
    }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isStrings = (value: unknown): boolean => Array.isArray(value) && value.every((item) => typeof item === "string");

/** Whether a batch's entry has the shape of a stack's result (what the report reads of it). */
function isStackDrift(result: unknown): result is StackDrift {
    return (
        isObject(result) &&
        typeof result.stack === "string" &&
        typeof result.region === "string" &&
        STATUSES.includes(result.status as StackDrift["status"]) &&
        isObject(result.summary) &&
        Object.values(result.summary).every((count) => typeof count === "number") &&
        Array.isArray(result.changes) &&
        result.changes.every((change) => isObject(change) && typeof change.op === "string" && typeof change.type === "string" && typeof change.name === "string" && isStrings(change.properties)) &&
        isStrings(result.errors)
    );
}

function readBatch(file: string): DriftBatch {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new UsageError(`cannot read the batch ${file}: ${(error as Error).message}`);
    }
    const batch = parsed as Partial<DriftBatch> | null;
    if (batch === null || typeof batch !== "object" || batch.version !== 1 || !Array.isArray(batch.stacks)) {
        throw new UsageError(`${file}: not a drift batch (expected {"version":1,"batch":...,"stacks":[...]}, written by drift-report.ts batch)`);
    }
    // A result of another shape is refused, never counted: a status the report does not know would ask nobody's attention.
    const bad = batch.stacks.findIndex((result: unknown) => !isStackDrift(result));
    if (bad >= 0) {
        throw new UsageError(`${file}: /stacks/${bad} is not a stack's result (stack, region, a status of ${STATUSES.join(", ")}, summary, changes, errors), as drift-report.ts batch writes it`);
    }
    return batch as DriftBatch;
}

async function stacks(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, { dir: { type: "string" }, "platform-dir": { type: "string" }, "max-jobs": { type: "string" } });
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 60)}"`);
    }
    const raw = values["max-jobs"] ?? "40";
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > GITHUB_MATRIX_LIMIT) {
        throw new UsageError(`--max-jobs ${raw.slice(0, 20)}: expected a whole number from 1 to ${GITHUB_MATRIX_LIMIT} (GitHub's matrix limit)`);
    }
    const fleet = loadFleetDirectory(values.dir, values["platform-dir"] === undefined ? {} : { platformDir: values["platform-dir"] });
    const platforms = loadPlatformFleet(values["platform-dir"]);
    const problems = [...platforms.problems, ...fleet.problems];
    if (problems.length > 0) {
        throw new UsageError(`the tenant or platform files are invalid:\n${problems.map(formatProblem).join("\n")}`, EXIT.invalid);
    }
    const home = [...platforms.settings.values()][0]?.homeRegion ?? PLATFORM_DEFAULTS.homeRegion;
    let targets: DriftTarget[];
    try {
        targets = driftTargets(fleet.tenants, new Map([...platforms.settings].map(([region, settings]) => [region, settings.offsiteRegion])), home);
    } catch (error) {
        throw new UsageError((error as Error).message, EXIT.invalid);
    }
    const entries = targets.map(formatTarget);
    const batches = batchStacks(entries, Number(raw));
    const matrix = { include: batches.map((batch, i) => ({ batch: `${i + 1} of ${batches.length}`, index: i + 1, stacks: batch.join(" ") })) };
    await writeStdout(`${JSON.stringify({ count: entries.length, jobs: batches.length, stacks: entries.join(" "), matrix })}\n`);
    return EXIT.ok;
}

async function batch(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, { results: { type: "string" }, stacks: { type: "string" }, batch: { type: "string" }, out: { type: "string" } });
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 60)}"`);
    }
    for (const flag of ["results", "batch", "out"] as const) {
        if (values[flag] === undefined) {
            throw new UsageError(`missing --${flag}`);
        }
    }
    const targets = targetsFlag(values.stacks, "--stacks");
    const document: DriftBatch = { version: 1, batch: values.batch!, stacks: targets.map((target) => resultOf(values.results!, target)) };
    fs.writeFileSync(values.out!, `${JSON.stringify(document, null, 2)}\n`);
    const count = (status: string) => document.stacks.filter((result) => result.status === status).length;
    process.stderr.write(`drift-report: batch ${document.batch}: ${targets.length} stack(s): ${count("no-changes")} no changes, ${count("drifted")} drifted, ${count("failed")} failed, ${count("missing")} missing\n`);
    return EXIT.ok;
}

async function merge(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, { expect: { type: "string" }, out: { type: "string" }, issue: { type: "string" }, "run-url": { type: "string" }, date: { type: "string" } });
    const expected = targetsFlag(values.expect, "--expect");
    if (values.out === undefined) {
        throw new UsageError("missing --out REPORT.md");
    }
    const report = mergeBatches(positionals.map(readBatch), expected);
    const options = { runUrl: values["run-url"], date: values.date ?? new Date().toISOString().slice(0, 10) };
    const markdown = driftMarkdown(report, options);
    fs.writeFileSync(values.out, markdown);
    if (values.issue !== undefined) {
        fs.writeFileSync(values.issue, markdown.length < ISSUE_BODY_LIMIT ? markdown : driftMarkdown(report, { ...options, compact: true }).slice(0, ISSUE_BODY_LIMIT - 1));
    }
    await writeStdout(`${JSON.stringify({ ...report.counts, attention: needsAttention(report), ...(report.skipped === undefined ? {} : { skipped: report.skipped }) })}\n`);
    return EXIT.ok;
}

export async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    if (command === "--help" || command === "-h" || rest.includes("--help") || rest.includes("-h")) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (command === undefined) {
        throw new UsageError("missing command (stacks, batch or merge)");
    }
    switch (command) {
        case "stacks":
            return stacks(rest);
        case "batch":
            return batch(rest);
        case "merge":
            return merge(rest);
        default:
            throw new UsageError(`unknown command "${command.slice(0, 40)}" (stacks, batch or merge)`);
    }
}

if (require.main === module) {
    void run("drift-report", main, USAGE);
}
