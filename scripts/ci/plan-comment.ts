// CI only: one plan comment per pull request, updated in place. The plan's comment files
// (plan-comment.md, plan-comment-2.md, ...: npm run plan -- --base REF --markdown FILE) become
// the pull request's plan comments, each carrying a hidden marker with its part number; on the
// next push the comments with those markers are edited (PATCH), parts the plan no longer needs
// are deleted, and only a part that has no comment yet is posted. Talks to GitHub through `gh api`
// (preinstalled on GitHub's runners; GH_TOKEN in the environment), never through a shell.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { EXIT, parseFlags, run, UsageError, writeStdout } from "../lib/cli";

export const USAGE = `Usage: tsx scripts/ci/plan-comment.ts --repo OWNER/NAME --pr NUMBER --file plan-comment.md [--author LOGIN]

Posts the plan's comment files (FILE, then FILE-2.md, FILE-3.md ... as npm run plan --markdown
writes them) on the pull request, editing the comments an earlier run posted (found by a hidden
marker, and only among those written by --author, default github-actions[bot]) and deleting the
parts no longer needed. Needs \`gh\` and GH_TOKEN with pull-requests: write.

Exit codes: 0 done, 1 GitHub refused a request, 2 usage.
`;

/** The hidden marker of part `part` of the plan comment (HTML comments do not render). */
export function marker(part: number): string {
    return `<!-- tenant-platform:plan-comment part=${part} -->`;
}

const MARKER = /^<!-- tenant-platform:plan-comment part=(\d+) -->/;

/** An issue comment as far as this needs it (GitHub REST "List issue comments"). */
export interface IssueComment {
    readonly id: number;
    readonly body: string;
    readonly user: string;
}

/** What to do with GitHub: edit, post and delete, in this order. */
export type CommentAction =
    | { readonly kind: "update"; readonly id: number; readonly part: number; readonly body: string }
    | { readonly kind: "create"; readonly part: number; readonly body: string }
    | { readonly kind: "delete"; readonly id: number; readonly part: number };

/**
 * The actions that turn the pull request's earlier plan comments into `bodies` (part 1 first).
 * Only comments of `author` that begin with the marker count (a reviewer quoting the marker is not
 * edited); of several comments for one part, the oldest (lowest id) is kept and the others
 * deleted; a part whose body is unchanged is left alone.
 */
export function planActions(existing: readonly IssueComment[], bodies: readonly string[], author: string): CommentAction[] {
    const byPart = new Map<number, IssueComment[]>();
    for (const comment of [...existing].sort((a, b) => a.id - b.id)) {
        const part = comment.user === author ? MARKER.exec(comment.body)?.[1] : undefined;
        if (part !== undefined) {
            byPart.set(Number(part), [...(byPart.get(Number(part)) ?? []), comment]);
        }
    }
    const actions: CommentAction[] = [];
    bodies.forEach((text, i) => {
        const part = i + 1;
        const body = `${marker(part)}\n${text}`;
        const [kept, ...duplicates] = byPart.get(part) ?? [];
        if (kept === undefined) {
            actions.push({ kind: "create", part, body });
        } else if (kept.body !== body) {
            actions.push({ kind: "update", id: kept.id, part, body });
        }
        actions.push(...duplicates.map((comment) => ({ kind: "delete" as const, id: comment.id, part })));
    });
    for (const [part, comments] of [...byPart].sort(([a], [b]) => a - b)) {
        if (part > bodies.length) {
            actions.push(...comments.map((comment) => ({ kind: "delete" as const, id: comment.id, part })));
        }
    }
    return actions;
}

/** The comment files the plan wrote: FILE, then FILE-2.md, FILE-3.md ... while they exist. */
export function commentFiles(file: string): string[] {
    const { dir, name, ext } = path.parse(path.resolve(file));
    const files = [path.resolve(file)];
    for (let part = 2; fs.existsSync(path.join(dir, `${name}-${part}${ext}`)); part++) {
        files.push(path.join(dir, `${name}-${part}${ext}`));
    }
    return files;
}

/** Runs `gh api ARGS`, with `input` on stdin; resolves to stdout, rejects with gh's stderr. */
export type GhApi = (args: readonly string[], input?: string) => Promise<string>;

export const ghApi: GhApi = (args, input) =>
    new Promise((resolve, reject) => {
        const child = execFile("gh", ["api", ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error) {
                reject(new Error(`gh api ${args.slice(0, 3).join(" ")}: ${stderr.trim().split("\n")[0] || error.message}`));
            } else {
                resolve(stdout);
            }
        });
        child.stdin?.end(input ?? "");
    });

/** The pull request's comments, every page (`--paginate`, one JSON object a line through --jq). */
export async function listComments(gh: GhApi, repo: string, pr: number): Promise<IssueComment[]> {
    const out = await gh(["--paginate", `repos/${repo}/issues/${pr}/comments`, "--jq", ".[] | {id, body, user: .user.login}"]);
    return out
        .split("\n")
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as IssueComment);
}

/** Carries out the actions; returns one line per action for the summary. */
export async function applyActions(gh: GhApi, repo: string, pr: number, actions: readonly CommentAction[]): Promise<string[]> {
    const done: string[] = [];
    for (const action of actions) {
        if (action.kind === "update") {
            await gh(["--method", "PATCH", `repos/${repo}/issues/comments/${action.id}`, "--input", "-"], JSON.stringify({ body: action.body }));
            done.push(`part ${action.part}: updated comment ${action.id}`);
        } else if (action.kind === "create") {
            await gh(["--method", "POST", `repos/${repo}/issues/${pr}/comments`, "--input", "-"], JSON.stringify({ body: action.body }));
            done.push(`part ${action.part}: posted`);
        } else {
            await gh(["--method", "DELETE", `repos/${repo}/issues/comments/${action.id}`]);
            done.push(`part ${action.part}: deleted comment ${action.id} (no longer needed)`);
        }
    }
    return done;
}

export async function main(argv: string[], gh: GhApi = ghApi): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        repo: { type: "string" },
        pr: { type: "string" },
        file: { type: "string" },
        author: { type: "string" },
        help: { type: "boolean", short: "h" },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 60)}"`);
    }
    if (values.repo === undefined || !/^[\w.-]+\/[\w.-]+$/.test(values.repo)) {
        throw new UsageError(`--repo ${values.repo ?? "(missing)"}: expected OWNER/NAME`);
    }
    if (values.pr === undefined || !/^[1-9]\d*$/.test(values.pr)) {
        throw new UsageError(`--pr ${values.pr ?? "(missing)"}: expected the pull request's number`);
    }
    if (values.file === undefined || !fs.existsSync(values.file)) {
        throw new UsageError(`--file ${values.file ?? "(missing)"}: no such comment file (npm run plan -- --all --base REF --markdown FILE writes it)`);
    }
    const pr = Number(values.pr);
    const bodies = commentFiles(values.file).map((file) => fs.readFileSync(file, "utf8"));
    try {
        const existing = await listComments(gh, values.repo, pr);
        const actions = planActions(existing, bodies, values.author ?? "github-actions[bot]");
        const done = await applyActions(gh, values.repo, pr, actions);
        await writeStdout(`plan-comment: ${bodies.length} part(s) on #${pr}${done.length === 0 ? ", all unchanged" : `:\n${done.map((line) => `  ${line}`).join("\n")}`}\n`);
        return EXIT.ok;
    } catch (error) {
        process.stderr.write(`plan-comment: ${(error as Error).message}\n`);
        return EXIT.invalid;
    }
}

if (require.main === module) {
    void run("plan-comment", (argv) => main(argv), USAGE);
}
