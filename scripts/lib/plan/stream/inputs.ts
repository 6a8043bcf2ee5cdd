// What a plan's shards have in common, as digests and arguments: the inputs every shard reads (so
// that shards of different plans are never merged), and the base's selection for one shard (only
// the stacks the shard compares, not the whole fleet again on every runner).

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import type { FleetShard } from "../fleet";

function git(repo: string, args: readonly string[]): string | undefined {
    const result = spawnSync("git", ["-C", repo, ...args], { encoding: "utf8" });
    return result.status === 0 ? result.stdout : undefined;
}

/** The entries of the tenant folder the plan reads or reports (listTenantDirectory; a folder named like a file is a problem): not an editor's swap file. */
const TENANT_FOLDER_FILE = /\.(ya?ml|json)$/i;

/**
 * A digest of the plan's inputs: the commit checked out and the content of every tenant file of
 * the fleet, every file of the tenant folder (an invalid tenant file is no tenant of the fleet, yet
 * its problems are in the plan) and every platform settings file (a working tree's uncommitted
 * edits included).
 */
export function inputDigest(repo: string, fleet: readonly { readonly source: string }[], platformDir = path.join(repo, "platform-configs"), tenantDir = path.join(repo, "tenant-configs")): string {
    const hash = createHash("sha256");
    hash.update(`commit ${git(repo, ["rev-parse", "HEAD"])?.trim() ?? "(none)"}\n`);
    const tenantFiles = fs.existsSync(tenantDir) ? fs.readdirSync(tenantDir, { withFileTypes: true }).filter((entry) => TENANT_FOLDER_FILE.test(entry.name)).map((entry) => path.join(tenantDir, entry.name)) : [];
    const files = [...fleet.map((tenant) => tenant.source), ...tenantFiles, ...(fs.existsSync(platformDir) ? fs.readdirSync(platformDir).filter((name) => name.endsWith(".yaml")).map((name) => path.join(platformDir, name)) : [])];
    for (const file of [...new Set(files.map((file) => path.resolve(repo, file)))].sort()) {
        let digest = "(unreadable)";
        try {
            digest = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
        } catch {
            // A tenant file the plan cannot read either: its problem is in the plan, and so in the key.
        }
        hash.update(`${path.relative(repo, file)} ${digest}\n`);
    }
    return hash.digest("hex");
}

/** The tenant ids of a git ref (its tenant-configs/*.yaml). */
export function tenantIdsAt(repo: string, ref: string, dir = "tenant-configs"): string[] {
    const listed = git(repo, ["ls-tree", "--name-only", `${ref}:${dir}`]);
    return (listed ?? "")
        .split("\n")
        .filter((name) => name.endsWith(".yaml"))
        .map((name) => name.slice(0, -".yaml".length));
}

export interface ShardBaseOptions {
    readonly repo: string;
    readonly ref: string;
    readonly shard: FleetShard;
    /** The ids this shard plans. */
    readonly slice: readonly string[];
    /** Every id of the head's fleet. */
    readonly fleet: readonly string[];
    readonly config: Readonly<Record<string, string>>;
}

/**
 * The base's plan command arguments for one shard: every platform (each shard diffs the platforms,
 * whose replacements it follows into its tenants), the shard's tenants the base has, and for the
 * first shard the tenants only the base has (removed: reported once, by the first shard).
 */
export function baseArgsForShard(options: ShardBaseOptions): string[] {
    const atBase = tenantIdsAt(options.repo, options.ref);
    const known = new Set(atBase);
    const head = new Set(options.fleet);
    const ids = [...options.slice.filter((id) => known.has(id)), ...(options.shard.index === 1 ? atBase.filter((id) => !head.has(id)) : [])];
    return ["platform", ...ids, ...Object.entries(options.config).flatMap(([key, value]) => ["--config", `${key}=${value}`])];
}
