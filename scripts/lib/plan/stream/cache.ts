// The plan cache (`plan --cache DIR`): what a tenant's stacks planned to, kept under a key of
// everything that decides it, so that a plan whose code is unchanged plans only the tenants whose
// files changed. The key of a tenant's entry digests:
// - the build: every file of the project but the tenant files, the build output and node_modules
//   (the lockfile stands for those), and the Node.js version: any change to code, platform
//   settings, dependencies or the lockfile misses every entry, so the whole fleet is planned;
// - the stack config of the plan (--config) and the outputs of every platform planned in the run
//   (the platforms are always planned: they read the fleet; a tenant's stacks read them);
// - the tenant file's path and bytes.
// An entry holds the tenant's stacks as planned (the records' JSON and facts) and their problems:
// what planning it gives, never what depends on the rest of the fleet (policy verdicts, quotas,
// diffs), which pass 2 works out afresh. Entries are written whole (a temporary file renamed),
// so a plan interrupted half-way leaves no entry a later plan could misread.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { Problem } from "../../../../stacks/config/validate";
import { StackFacts } from "./facts";

/** The files of the project that are not the program's input: skipped when the build is digested. */
const NOT_BUILD = new Set(["node_modules", "dist", ".git"]);

/** Every file under `dir` (sorted, relative to `root`), but node_modules, dist, dot-folders and tenant files. */
function buildFiles(root: string, dir: string, into: string[]): string[] {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const full = path.join(dir, entry.name);
        const relative = path.relative(root, full);
        if (entry.isDirectory()) {
            if (!NOT_BUILD.has(entry.name) && !entry.name.startsWith(".")) {
                buildFiles(root, full, into);
            }
        } else if (entry.isFile() && !isTenantFile(relative)) {
            into.push(relative);
        }
    }
    return into;
}

const isTenantFile = (relative: string): boolean => /^tenant-configs[\\/][^\\/]+\.yaml$/.test(relative);

/**
 * The project's files as git sees them, or undefined outside a git checkout: the files git tracks
 * (as they are in the working tree: an uncommitted edit counts, a deleted one too) and the
 * untracked files it does not ignore inside the project's folders (a component not yet added).
 * Untracked files at the top level are left out: that is where a CI job writes its outputs
 * (plan.json, the shard documents, the comment), which are not the build.
 */
function gitFiles(root: string): string[] | undefined {
    const list = (...args: string[]): string[] | undefined => {
        const listed = spawnSync("git", ["-C", root, "ls-files", "-z", ...args], { encoding: "utf8" });
        return listed.status === 0 ? listed.stdout.split("\0").filter((file) => file.length > 0) : undefined;
    };
    const tracked = list();
    const untracked = list("--others", "--exclude-standard");
    if (tracked === undefined || untracked === undefined) {
        return undefined;
    }
    return [...new Set([...tracked, ...untracked.filter((file) => file.includes("/"))])];
}

/**
 * The digest of the build: the Node.js version and the content of the project's files but the
 * tenant files: in a git checkout those of {@link gitFiles}, else every file but node_modules,
 * dist and dot-folders.
 */
export function buildDigest(root: string): string {
    const files = (gitFiles(root)?.filter((file) => !isTenantFile(file)) ?? buildFiles(root, root, [])).sort();
    const hash = createHash("sha256");
    hash.update(`node ${process.version}\n`);
    for (const file of files) {
        let digest = "(deleted)";
        try {
            digest = createHash("sha256").update(fs.readFileSync(path.join(root, file))).digest("hex");
        } catch {
            // A tracked file deleted in the working tree: its absence is part of the build.
        }
        hash.update(`${file}\0${digest}\n`);
    }
    return hash.digest("hex");
}

/** One tenant's stacks as planned: their record lines' parts and the problems planning them gave. */
export interface CacheEntry {
    readonly stacks: { readonly stack: string; readonly facts: StackFacts }[];
    readonly errors: Problem[];
}

/** What every entry of one plan shares: the build, the stack config, the platforms' outputs. */
export interface CacheScope {
    readonly dir: string;
    readonly digest: string;
}

export function cacheScope(dir: string, parts: { readonly build: string; readonly config: Readonly<Record<string, string>>; readonly platformOutputs: string }): CacheScope {
    const hash = createHash("sha256");
    hash.update(`build ${parts.build}\n`);
    for (const [key, value] of Object.entries(parts.config).sort(([a], [b]) => (a < b ? -1 : 1))) {
        hash.update(`config ${key.length}:${key}=${value.length}:${value}\n`);
    }
    hash.update(`platforms ${createHash("sha256").update(parts.platformOutputs).digest("hex")}\n`);
    return { dir, digest: hash.digest("hex") };
}

/** The key of a tenant's entry: the scope, the file's path (it is in the plan, as `source`) and bytes. */
export function entryKey(scope: CacheScope, source: string): string {
    return createHash("sha256").update(`${scope.digest}\n${source}\n`).update(fs.readFileSync(source)).digest("hex");
}

const entryFile = (scope: CacheScope, key: string): string => path.join(scope.dir, key.slice(0, 2), `${key}.json`);

export function hasEntry(scope: CacheScope, key: string): boolean {
    return fs.existsSync(entryFile(scope, key));
}

/**
 * An entry as written: the entry's JSON and its SHA-256, so that an entry changed since (edited by
 * hand, cut short, a disk's fault) is a miss and its tenant planned, never read as its plan.
 */
interface SealedEntry {
    readonly sha256: string;
    readonly entry: string;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The entry, or undefined when there is none, it cannot be read or it is not the one written (then the tenant is planned). */
export function readEntry(scope: CacheScope, key: string): CacheEntry | undefined {
    try {
        const file = entryFile(scope, key);
        const sealed = JSON.parse(fs.readFileSync(file, "utf8")) as SealedEntry;
        if (typeof sealed?.entry !== "string" || sealed.sha256 !== sha256(sealed.entry)) {
            return undefined;
        }
        const entry = JSON.parse(sealed.entry) as CacheEntry;
        if (!Array.isArray(entry?.stacks) || !Array.isArray(entry.errors)) {
            return undefined;
        }
        // Used now: a prune after this plan keeps it.
        const now = new Date();
        fs.utimesSync(file, now, now);
        return entry;
    } catch {
        return undefined;
    }
}

/**
 * Removes the entries no plan used since `since` (read or written), so that a cache kept from run
 * to run (CI's) holds about one fleet's entries instead of every fleet it ever planned.
 */
/**
 * Set in the environment of a base plan (`plan --base REF --cache DIR` runs REF's own plan with the
 * same cache): the caller prunes once both plans are done. A base that pruned on its own would
 * remove the entries the head wrote the run before (the changed tenants'), planning them again on
 * every run.
 */
export const CACHE_PRUNED_BY_CALLER = "PLAN_CACHE_PRUNED_BY_CALLER";

/** Whether a plan of the whole fleet prunes the cache itself: not when the plan that started it will. */
export function prunesOwnCache(env: NodeJS.ProcessEnv = process.env): boolean {
    return env[CACHE_PRUNED_BY_CALLER] !== "1";
}

export function pruneCache(dir: string, since: Date): number {
    let removed = 0;
    if (!fs.existsSync(dir)) {
        return removed;
    }
    for (const shard of fs.readdirSync(dir, { withFileTypes: true })) {
        if (!shard.isDirectory() || !/^[0-9a-f]{2}$/.test(shard.name)) {
            continue;
        }
        for (const entry of fs.readdirSync(path.join(dir, shard.name))) {
            const file = path.join(dir, shard.name, entry);
            if (/^[0-9a-f]{64}\.json$/.test(entry) && fs.statSync(file).mtimeMs < since.getTime()) {
                // An entry's name on a folder is no entry (nothing reads it): removed all the same.
                fs.rmSync(file, { force: true, recursive: true });
                removed += 1;
            }
        }
    }
    return removed;
}

/**
 * Writes an entry whole: a temporary file of this process, renamed into place. The cache only
 * spares work: an entry that cannot be written (the disk full, a folder where the entry goes, a
 * read-only part of the cache) is not written, and the plan goes on; its tenant is planned next time.
 */
export function writeEntry(scope: CacheScope, key: string, entry: CacheEntry): void {
    const file = entryFile(scope, key);
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const text = JSON.stringify(entry);
        const sealed: SealedEntry = { sha256: sha256(text), entry: text };
        fs.writeFileSync(temporary, JSON.stringify(sealed));
        fs.renameSync(temporary, file);
    } catch {
        fs.rmSync(temporary, { force: true });
    }
}
