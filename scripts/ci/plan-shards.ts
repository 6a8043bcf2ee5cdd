// CI only: how many shards the pull request's plan is split into (.github/workflows/infra.yml),
// from the fleet's weight: PLAN_WEIGHT (scripts/lib/plan/fleet-weights.ts, about the resources a
// tenant of each mode registers) summed over the tenant files' modes, one shard per
// --weight-per-shard. Each shard runs `npm run plan -- --all --shard I/N --out FILE`; one job merges.

import * as fs from "node:fs";

import { parse } from "yaml";

import { EXIT, parseFlags, run, UsageError, writeStdout, wholeNumber } from "../lib/cli";
import { PLAN_WEIGHT } from "../lib/plan/fleet-weights";
import { Mode, MODES } from "../../lib/modes";
import { tenantConfigDir } from "../../stacks/config/project";
import { listTenantDirectory, unreadableFolder } from "../../stacks/config/tenant-files";

/** About 1,000 tenants of the bench's mix: a shard a runner plans (with --base, twice) in well under a minute. */
export const WEIGHT_PER_SHARD = 150_000;
/** Enough for a fleet 64 times that, and few enough downloads for the merge. */
export const MAX_SHARDS = 64;

export const USAGE = `Usage: tsx scripts/ci/plan-shards.ts [--dir FOLDER] [--weight-per-shard W] [--max-shards N]

Prints one line of JSON for $GITHUB_OUTPUT,
  {"count":N,"weight":W,"tenants":T,"matrix":{"include":[{"shard":"1/N","name":"plan-shard-001"}, ...]}}:
the plan's shards for the tenant files of FOLDER (default tenant-configs/): the fleet's weight W (each
tenant weighs PLAN_WEIGHT of its mode; a file without a known mode weighs as the heaviest mode, the plan
reports it) cut into one shard per --weight-per-shard (default ${WEIGHT_PER_SHARD}, about 1,000 tenants of
the bench's mix), at least 1, at most --max-shards (default and at most ${MAX_SHARDS}).

Exit codes: 0 printed, 2 usage or an unreadable folder.
`;

export interface ShardMatrix {
    readonly count: number;
    readonly weight: number;
    readonly tenants: number;
    readonly matrix: { readonly include: readonly { readonly shard: string; readonly name: string }[] };
}

const HEAVIEST = Math.max(...Object.values(PLAN_WEIGHT));

/** The plan weight of a tenant of `mode`; a mode the plan will reject weighs as the heaviest (never under-counted). */
export function weightOf(mode: unknown): number {
    return MODES.includes(mode as Mode) ? PLAN_WEIGHT[mode as Mode] : HEAVIEST;
}

/** The shards of a fleet of this weight. */
export function shardMatrix(weights: readonly number[], weightPerShard: number = WEIGHT_PER_SHARD, maxShards: number = MAX_SHARDS): ShardMatrix {
    const weight = weights.reduce((sum, w) => sum + w, 0);
    const count = Math.max(1, Math.min(maxShards, Math.ceil(weight / weightPerShard)));
    const include = Array.from({ length: count }, (_, i) => ({ shard: `${i + 1}/${count}`, name: `plan-shard-${String(i + 1).padStart(3, "0")}` }));
    return { count, weight, tenants: weights.length, matrix: { include } };
}

/**
 * The modes of the tenant files of `dir` (*.yaml, as the plan reads them), read leniently: this
 * only sizes the work, and an invalid file is the plan's to report (validate runs before).
 */
export function tenantModes(dir: string): unknown[] {
    const listing = listTenantDirectory(dir);
    const unreadable = unreadableFolder(listing.problems);
    if (unreadable !== undefined) {
        throw new UsageError(`${dir}: ${unreadable.message}`);
    }
    return listing.files.map((file) => {
        try {
            const document: unknown = parse(fs.readFileSync(file, "utf8"));
            return typeof document === "object" && document !== null ? (document as { mode?: unknown }).mode : undefined;
        } catch {
            return undefined;
        }
    });
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        dir: { type: "string" },
        "weight-per-shard": { type: "string" },
        "max-shards": { type: "string" },
        help: { type: "boolean", short: "h" },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 60)}"`);
    }
    const weightPerShard = wholeNumber("weight-per-shard", values["weight-per-shard"] ?? String(WEIGHT_PER_SHARD), 100_000_000);
    const maxShards = wholeNumber("max-shards", values["max-shards"] ?? String(MAX_SHARDS), MAX_SHARDS);
    const matrix = shardMatrix(tenantModes(values.dir ?? tenantConfigDir()).map(weightOf), weightPerShard, maxShards);
    await writeStdout(`${JSON.stringify(matrix)}\n`);
    process.stderr.write(`plan-shards: ${matrix.tenants} tenants, weight ${matrix.weight}: ${matrix.count} shard(s)\n`);
    return EXIT.ok;
}

if (require.main === module) {
    void run("plan-shards", main, USAGE);
}
