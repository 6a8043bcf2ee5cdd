// Plans tenants one after another in one thread, against the platforms' outputs planned before: the
// unit of work of planFleet's threads (fleet-threads.ts).

import { isSecretLikeKey } from "../../../lib/secrets";
import { SECRET_CONFIG_KEYS } from "../../../stacks/config/stack-config";
import { Tenant } from "../../../stacks/config/tenant";
import { Problem } from "../../../stacks/config/validate";
import { tenantProgram } from "../../../stacks";
import { hasRecoveryEnvironment, recoveryProgram } from "../../../stacks/recovery";
import { recoveryStackName } from "../../../lib/platform";
import { planStack } from "./engine";
import type { TenantPlan } from "./fleet";
import { StackOutputsSnapshot } from "./mocks";
import { offboardingPlan } from "./offboarding";
import { awsRuleErrors, planFailure } from "./stack-errors";
import { BaseSource, cachedRecord, StackJudge, StackRecord, toRecord } from "./stream/record";
import { CacheEntry, CacheScope, readEntry, writeEntry } from "./stream/cache";
import type { StackFacts } from "./stream/facts";

/** Config keys whose values the plan treats as secret: the program's secret keys and any secret-looking one. */
export function secretKeys(config: Readonly<Record<string, string>>): string[] {
    return Object.keys(config).filter((key) => {
        const bare = key.split(":").pop() ?? key;
        return SECRET_CONFIG_KEYS.includes(bare) || isSecretLikeKey(bare);
    });
}

/** What one thread plans: tenants in order, against the platforms' outputs planned before. */
export interface PlanSliceInput {
    readonly tenants: readonly Tenant[];
    readonly config: Readonly<Record<string, string>>;
    readonly stackOutputs: ReadonlyArray<readonly [string, StackOutputsSnapshot]>;
    /** PlanStackOptions.patchInternals. */
    readonly patchInternals?: boolean;
    /**
     * Hand each stack on as a record (stream/record.ts: its JSON line, facts, and with `base` its
     * diff) instead of the plan itself: the streaming plan's form, made in the planning thread.
     */
    readonly records?: { readonly base?: BaseSource; readonly cache?: SliceCache; readonly judge: StackJudge };
}

/** The plan cache as a slice uses it: the scope, each tenant's key, and the tenants found in it. */
export interface SliceCache {
    readonly scope: CacheScope;
    readonly keys: Readonly<Record<string, string>>;
    readonly hits: readonly string[];
}

export interface PlanSliceResult {
    /** The stacks planned, in order (empty when `records` was asked for). */
    readonly tenants: TenantPlan[];
    /** With `records`: the stacks' records, in order. */
    readonly records?: StackRecord[];
    readonly errors: Problem[];
    /** With a cache: how many of the tenants were read from it (an entry found but unreadable is planned, not counted). */
    readonly cached?: number;
}

/** The records of a cache entry, or undefined when one of its stacks is not of a stack's shape. */
function cachedRecords(entry: CacheEntry, base: BaseSource | undefined, judge: StackJudge): StackRecord[] | undefined {
    try {
        return entry.stacks.map((stack) => {
            const facts = stack?.facts as Partial<StackFacts> | undefined;
            if (typeof stack?.stack !== "string" || typeof facts?.tenant !== "string" || !Array.isArray(facts.resources)) {
                throw new Error("not a cached stack");
            }
            return cachedRecord(stack.stack, stack.facts, base, judge);
        });
    } catch {
        return undefined;
    }
}

/** Plans tenants one after another in this thread. */
export async function planSlice(input: PlanSliceInput): Promise<PlanSliceResult> {
    const stackOutputs = new Map(input.stackOutputs);
    const planned: TenantPlan[] = [];
    const errors: Problem[] = [];
    // Records are made as each stack is planned, so that a chunk never holds its plans twice.
    const records: StackRecord[] | undefined = input.records ? [] : undefined;
    const tenants = {
        push(plan: TenantPlan): void {
            if (records) {
                records.push(toRecord(plan, input.records!.base, input.records!.judge));
            } else {
                planned.push(plan);
            }
        },
    };
    const cache = input.records?.cache;
    const hits = new Set(cache?.hits ?? []);
    let read = 0;
    for (const tenant of input.tenants) {
        const key = cache?.keys[tenant.id];
        // A tenant whose file, build, config and platforms are unchanged: its stacks as planned before.
        const cached = cache && key !== undefined && hits.has(tenant.id) ? readEntry(cache.scope, key) : undefined;
        if (cached && records) {
            const fromCache = cachedRecords(cached, input.records!.base, input.records!.judge);
            // An entry this code cannot read (sealed, yet not of its shape) is a miss: planned below.
            if (fromCache !== undefined) {
                records.push(...fromCache);
                errors.push(...cached.errors);
                read += 1;
                continue;
            }
        }
        const firstRecord = records?.length ?? 0;
        const firstError = errors.length;
        try {
            const { plan, secretRuleBreaks } = await planStack({
                stack: tenant.id,
                region: tenant.region,
                config: input.config,
                secretConfigKeys: secretKeys(input.config),
                stackOutputs,
                program: () => tenantProgram(tenant),
                patchInternals: input.patchInternals,
            });
            if (tenant.status === "offboarding") {
                // Its stack is on its way out: nothing of today's program is deployed again.
                tenants.push({ tenant: tenant.id, mode: tenant.mode, region: tenant.region, source: tenant.source, resources: [], outputs: {}, offboarding: offboardingPlan(plan.resources, plan.outputs) });
                continue;
            }
            tenants.push({ tenant: tenant.id, mode: tenant.mode, region: tenant.region, source: tenant.source, resources: plan.resources, outputs: plan.outputs });
            errors.push(...awsRuleErrors(tenant.id, tenant.source, plan.resources, tenant, secretRuleBreaks));
        } catch (error) {
            errors.push(planFailure(tenant.source, error));
        }
        // Its recovery environment, right after it, in its off-site region (plan contract v1.1: `recoveryOf`).
        if (tenant.status !== "offboarding" && hasRecoveryEnvironment(tenant.mode)) {
            const stack = recoveryStackName(tenant.id);
            try {
                const { plan, secretRuleBreaks } = await planStack({
                    stack,
                    region: tenant.offsiteRegion,
                    config: input.config,
                    secretConfigKeys: secretKeys(input.config),
                    stackOutputs,
                    program: () => recoveryProgram(tenant, "recovery"),
                    patchInternals: input.patchInternals,
                });
                tenants.push({ tenant: stack, mode: tenant.mode, region: tenant.offsiteRegion, source: tenant.source, recoveryOf: tenant.id, resources: plan.resources, outputs: plan.outputs });
                errors.push(...awsRuleErrors(stack, tenant.source, plan.resources, tenant, secretRuleBreaks));
            } catch (error) {
                errors.push(planFailure(tenant.source, error));
            }
        }
        if (cache && key !== undefined && records) {
            writeEntry(cache.scope, key, { stacks: records.slice(firstRecord).map((record) => ({ stack: record.stack, facts: record.facts })), errors: errors.slice(firstError) });
        }
    }
    return { tenants: planned, ...(records ? { records } : {}), errors, ...(cache ? { cached: read } : {}) };
}
