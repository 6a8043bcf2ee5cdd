// How much planning each tenant costs (by its mode), and the fleet cut by that weight: into the
// chunks planFleet's threads claim (fleet-threads.ts), the shards of `plan --shard`, and the CI
// matrix's shards (scripts/ci/plan-shards.ts). Plain arithmetic: nothing of Pulumi is loaded here.

import * as os from "node:os";

import { Mode } from "../../../lib/modes";
import { Tenant } from "../../../stacks/config/tenant";

/**
 * Roughly how many resources a tenant of each mode registers (measured on the benchmark fleet), to
 * give each thread an equal share of the work rather than an equal number of tenants.
 */
export const PLAN_WEIGHT: Readonly<Record<Mode, number>> = {
    saas: 6,
    "dedicated-saas": 75,
    physical: 157,
    cloud: 138,
    vpn: 147,
    "vpn-sync": 149,
};

/**
 * How much cheaper a tenant read from the plan cache is than one planned: its stacks' JSON parsed,
 * judged by the stack rules and costed, against the program run under Pulumi's runtime. Measured on
 * the bench fleet (10,000 tenants, 2 threads): pass 1 took about 20 s from the cache and 145-165 s
 * planned, so about 8 times.
 */
export const CACHE_READ_SPEEDUP = 8;

/**
 * The weight of a tenant in a chunk: what planning it costs, or reading it from the plan cache.
 * Weighed as 1 each, cached tenants made chunks of a thousand tenants (12 for 10,000), which a
 * thread read seconds on end, holding their records, without letting the other thread's in: the
 * 10,000-tenant incremental plan peaked at 2.0 GiB.
 */
export function chunkWeightOf(mode: Mode, cached: boolean): number {
    return cached ? Math.ceil(PLAN_WEIGHT[mode] / CACHE_READ_SPEEDUP) : PLAN_WEIGHT[mode];
}

/**
 * A thread pays about 2 s loading the program before it plans anything, the cost of planning some
 * 5,000 resources; below that a thread of its own does not pay for itself.
 */
export const WEIGHT_PER_THREAD = 5_000;

/** The threads worth using for these tenants on this machine. */
export function planThreads(tenants: readonly Tenant[], cores: number = os.availableParallelism()): number {
    const weight = tenants.reduce((sum, tenant) => sum + PLAN_WEIGHT[tenant.mode], 0);
    return Math.max(1, Math.min(cores, Math.floor(weight / WEIGHT_PER_THREAD)));
}

/**
 * The weight of one unit of work that the threads claim in turn (a few dozen tenants): small
 * enough that the threads finish together whatever each one's start or speed, large enough that
 * claiming and posting back cost nothing next to planning.
 */
export const CHUNK_WEIGHT = 1_000;

/**
 * Cuts tenants (in plan order) into consecutive chunks of about `weight` each, so that
 * concatenating the chunks' results in order gives exactly the order of a plan in one thread.
 */
export function chunkByWeight<T extends { readonly mode: Mode }>(tenants: readonly T[], weight: number = CHUNK_WEIGHT, weightOf: (tenant: T) => number = (tenant) => PLAN_WEIGHT[tenant.mode]): T[][] {
    const chunks: T[][] = [];
    let current: T[] = [];
    let sum = 0;
    for (const tenant of tenants) {
        current.push(tenant);
        sum += weightOf(tenant);
        if (sum >= weight) {
            chunks.push(current);
            current = [];
            sum = 0;
        }
    }
    if (current.length > 0) {
        chunks.push(current);
    }
    return chunks;
}
