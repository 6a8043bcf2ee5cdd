// The plan of a git ref: the ref checked out in a temporary worktree (the user's checkout and index
// are never touched) and planned by ITS OWN plan command, as a child process, since its code may
// differ from the working tree's. It runs with the current node_modules (symlinked), so an old ref
// whose dependencies differ may fail: that is reported as "the base ref cannot be planned".
// The worktree is always removed: on success, on failure, on Ctrl-C and at process exit.

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { CACHE_PRUNED_BY_CALLER } from "./stream/cache";
import { IndexedDocument, indexDocument } from "./stream/document";

/** The base ref cannot be planned (not a commit, no plan command, its plan failed): exit 2. */
export class BasePlanError extends Error {
    constructor(
        reason: string,
        /** 2 (the ref cannot be planned) or 130 (interrupted). */
        readonly exitCode = 2,
    ) {
        super(`the base ref cannot be planned: ${reason}`);
    }
}

export interface BasePlanOptions {
    /** The repository whose ref is planned (its node_modules is lent to the worktree). */
    readonly repo: string;
    readonly ref: string;
    /** Arguments for the base's plan command besides --json (the same stacks as the head's plan). */
    readonly planArgs: readonly string[];
    /** Progress lines (stderr). */
    readonly log?: (message: string, fields?: Record<string, unknown>) => void;
    /** The longest the base's plan may take. */
    readonly timeoutMs?: number;
    /** The folder the base's plan document is written to (default: a new temporary folder, removed at exit). */
    readonly outputDir?: string;
    /** Arguments given only to a base whose plan command knows their flag (the first one): e.g. --cache DIR. */
    readonly ifSupported?: readonly string[];
}

export interface BasePlan {
    /** The commit the ref resolved to. */
    readonly commit: string;
    /**
     * The base's plan document as its plan command printed it, on disk (a fleet's plan is too large
     * to hold), indexed stack by stack; a document not in canonical form is rewritten canonically.
     */
    readonly file: string;
    readonly document: IndexedDocument;
    /** The base's plan command exit code (0, 1 an invalid file, 3 a policy): the document is there either way. */
    readonly exitCode: number;
}

function git(repo: string, args: readonly string[]): { ok: boolean; stdout: string; stderr: string } {
    const result = spawnSync("git", ["-C", repo, ...args], { encoding: "utf8" });
    return { ok: result.status === 0, stdout: (result.stdout ?? "").trim(), stderr: (result.stderr ?? "").trim() };
}

/** The last lines of a child's stderr, for an error message. */
const tail = (text: string, lines = 15): string => text.trimEnd().split("\n").slice(-lines).join("\n");

/**
 * Arguments of the head's plan for the base: a tenant file inside the repository is the base's own
 * copy (same relative path in the worktree); one outside stays where it is.
 */
export function baseArgs(repo: string, worktree: string, args: readonly string[], cwd = process.cwd()): string[] {
    return args.map((arg) => {
        if (arg.startsWith("-") || !(arg.endsWith(".yaml") || arg.includes("/") || arg.includes(path.sep))) {
            return arg;
        }
        const absolute = path.resolve(cwd, arg);
        const relative = path.relative(repo, absolute);
        return relative.startsWith("..") || path.isAbsolute(relative) ? absolute : path.join(worktree, relative);
    });
}

/** Plans `ref` of `repo` in a temporary worktree with the ref's own `npm run plan -- ... --json`. */
export async function planBase(options: BasePlanOptions): Promise<BasePlan> {
    const log = options.log ?? (() => undefined);
    const inside = git(options.repo, ["rev-parse", "--show-toplevel"]);
    if (!inside.ok) {
        throw new BasePlanError(`${options.repo} is not a git repository (${inside.stderr})`);
    }
    const resolved = git(options.repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${options.ref}^{commit}`]);
    if (!resolved.ok || !/^[0-9a-f]{40}$/.test(resolved.stdout)) {
        throw new BasePlanError(`"${options.ref}" is not a commit of ${inside.stdout} (fetch it first, e.g. git fetch origin)`);
    }
    const commit = resolved.stdout;
    const worktree = fs.mkdtempSync(path.join(os.tmpdir(), "plan-base-"));
    let removed = false;
    const remove = (): void => {
        if (removed) {
            return;
        }
        removed = true;
        const result = git(options.repo, ["worktree", "remove", "--force", worktree]);
        fs.rmSync(worktree, { recursive: true, force: true });
        if (!result.ok) {
            git(options.repo, ["worktree", "prune"]);
        }
        log("removed the base worktree", { worktree });
    };
    process.once("exit", remove);
    let child: ReturnType<typeof spawn> | undefined;
    let interrupted: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
        interrupted = signal;
        child?.kill("SIGTERM");
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
        const added = git(options.repo, ["worktree", "add", "--detach", worktree, commit]);
        if (!added.ok) {
            throw new BasePlanError(`git worktree add failed: ${added.stderr}`);
        }
        log("checked out the base in a temporary worktree", { ref: options.ref, commit: commit.slice(0, 12), worktree });
        const modules = path.join(options.repo, "node_modules");
        if (fs.existsSync(modules) && !fs.existsSync(path.join(worktree, "node_modules"))) {
            fs.symlinkSync(modules, path.join(worktree, "node_modules"), "dir");
        }
        let scripts: Record<string, unknown> = {};
        try {
            scripts = (JSON.parse(fs.readFileSync(path.join(worktree, "package.json"), "utf8")) as { scripts?: Record<string, unknown> }).scripts ?? {};
        } catch {
            throw new BasePlanError(`${options.ref} has no readable package.json`);
        }
        if (typeof scripts.plan !== "string") {
            throw new BasePlanError(`${options.ref} (${commit.slice(0, 12)}) has no "plan" script in package.json: it is older than the offline plan`);
        }
        const flag = options.ifSupported?.[0];
        const supported = flag !== undefined && fs.existsSync(path.join(worktree, "scripts", "plan.ts")) && fs.readFileSync(path.join(worktree, "scripts", "plan.ts"), "utf8").includes(flag);
        const args = ["run", "-s", "plan", "--", ...baseArgs(options.repo, worktree, options.planArgs), ...(supported ? options.ifSupported! : []), "--json"];
        log("planning the base", { command: `npm ${args.join(" ")}` });
        const outputDir = options.outputDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "plan-base-out-"));
        if (options.outputDir === undefined) {
            process.once("exit", () => fs.rmSync(outputDir, { recursive: true, force: true }));
        }
        const output = path.join(outputDir, "base.json");
        const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
            const err: Buffer[] = [];
            const out = fs.openSync(output, "w");
            // The caller prunes a shared plan cache once both plans are done (cache.ts CACHE_PRUNED_BY_CALLER).
            child = spawn("npm", args, { cwd: worktree, env: { ...process.env, FORCE_COLOR: "0", [CACHE_PRUNED_BY_CALLER]: "1" }, stdio: ["ignore", out, "pipe"], timeout: options.timeoutMs ?? 15 * 60_000 });
            fs.closeSync(out);
            child.stderr!.on("data", (chunk: Buffer) => err.push(chunk));
            child.on("error", reject);
            child.on("close", (status) => resolve({ code: status, stderr: Buffer.concat(err).toString("utf8") }));
        });
        if (interrupted) {
            throw new BasePlanError(`interrupted (${interrupted})`, 130);
        }
        if (code !== 0 && code !== 1 && code !== 3) {
            throw new BasePlanError(`its plan command exited ${String(code)}:\n${tail(stderr)}`);
        }
        let indexed: ReturnType<typeof indexDocument>;
        try {
            indexed = indexDocument(output, path.join(outputDir, "base.canonical.json"));
        } catch (error) {
            const printed = fs.statSync(output).size < 65_536 ? fs.readFileSync(output, "utf8") : "";
            throw new BasePlanError(`its plan command did not print a plan document (too old for --json?): ${(error as Error).message}:\n${tail(stderr || printed)}`);
        }
        const document = indexed.document;
        log("planned the base", { stacks: document.stacks.length, exitCode: code });
        return { commit, file: indexed.file, document, exitCode: code };
    } finally {
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
        remove();
        process.removeListener("exit", remove);
    }
}
