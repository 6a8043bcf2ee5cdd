// Plans a set of tenants (and the platform stacks they stand on) into the plan contract's document.
// Every tenant's StackReference to its region's platform is fed with the outputs of that platform
// stack as planned in the same run, so the whole graph is consistent. The threads are in
// fleet-threads.ts, what one thread plans in fleet-slice.ts, a stack's errors in stack-errors.ts.

import { Violation } from "../../../policy/rules/types";
import { StackEstimate } from "../cost/estimate";
import { readServerImages } from "../../../stacks/config/server-images";
import { SECRET_CONFIG_KEYS } from "../../../stacks/config/stack-config";
import { Tenant } from "../../../stacks/config/tenant";
import { Mode } from "../../../lib/modes";
import { repoRoot } from "../../../stacks/config/project";
import { Problem } from "../../../stacks/config/validate";
import { platformStackName } from "../../../lib/platform";
import { loadPlatformFleet, PlatformFleet } from "../../../stacks/config/platform-file";
import { PLATFORM_DEFAULTS } from "../../../stacks/config/platform-settings";
import { platformProgram, platformRecoveryProgram } from "../../../stacks";
import { platformRecoveryStackName } from "../../../stacks/platform-recovery";
import { planStack, PlannedResource, qualifiedStackName, qualifyConfigKey } from "./engine";
import { PlanSliceResult, secretKeys, SliceCache } from "./fleet-slice";
import { ChunkMessage, ChunkWork, planClaimedChunks, startChunkWorker } from "./fleet-threads";
import { CHUNK_WEIGHT, chunkByWeight, chunkWeightOf, PLAN_WEIGHT, planThreads } from "./fleet-weights";
import { cacheScope, entryKey, hasEntry } from "./stream/cache";
import { canonicalJson } from "./engine";
import { pulumiInternalsSupported } from "./pulumi-internals";
import { StackOutputsSnapshot } from "./mocks";
import { OffboardingPlan } from "./offboarding";
import { AppliedQuotas, readQuotas } from "./quota-file";
import { awsRuleErrors, planFailure } from "./stack-errors";
import { factsOf, fleetProblems, StackFacts } from "./stream/facts";
import { BaseSource, baseEntryOf, readBaseStack, StackJudge, StackRecord, toRecord } from "./stream/record";
import { policyFleet, stackFleetFacts } from "../../../policy/rules/from-plan";
import { diffStack, replacedIdentities } from "./diff/stacks";
import { ReplacedIdentity } from "./diff/model";

export const PLAN_VERSION = 1;

/** One stack of the plan document. */
export interface TenantPlan {
    readonly tenant: string;
    readonly mode: Mode | "platform";
    readonly region: string;
    /** A recovery environment's production stack (contract v1.1); absent for production stacks. */
    readonly recoveryOf?: string;
    readonly source: string;
    readonly resources: PlannedResource[];
    readonly outputs: Record<string, unknown>;
    /** What the policy rules found (added by the plan command, after planning). */
    readonly violations?: Violation[];
    /** The monthly cost estimate at list prices (added by the plan command). */
    readonly cost?: StackEstimate;
    /**
     * Present when the tenant file says `status: offboarding`: the rollout backs the stack up and
     * destroys it, so `resources` and `outputs` are empty (what the stack holds afterwards) and this
     * says what is backed up, destroyed and kept, from the resources the program registers today.
     */
    readonly offboarding?: OffboardingPlan;
}

export interface PlanDocument {
    readonly version: typeof PLAN_VERSION;
    readonly tenants: TenantPlan[];
    readonly errors: Problem[];
    /**
     * What AWS accepts now and fails later (an account quota the backup jobs will reach), in the
     * errors' shape; they do not change the exit code. Absent when there is none.
     */
    readonly warnings?: Problem[];
    /** Secret config keys the plan could not know and stood in for with a placeholder secret. */
    readonly placeholderSecrets?: string[];
    /**
     * Platform config the plan stood in for (`key=value`). Always empty since the settings live in
     * platform-configs/: a region without a file is an error, never stood in for.
     */
    readonly standInConfig?: string[];
}

/** The value standing in for secret config the plan cannot know; secret, so never printed. */
export const PLACEHOLDER_SECRET = "offline-plan-placeholder-secret";

export interface PlanFleetOptions {
    readonly tenants: readonly Tenant[];
    /** Regions whose platform stack appears in the document (their resources are always planned). */
    readonly platformRegions?: readonly string[];
    /** Stack config for every stack planned (`--config KEY=VALUE`). */
    readonly config?: Readonly<Record<string, string>>;
    /**
     * Threads that plan the tenants (this one included); the document is the same whatever the
     * number. Default: one per core, as many as the fleet's size repays (see {@link planThreads}).
     */
    readonly threads?: number;
    /** The account's applied service quotas. Default: the checked-in stacks/config/service-quotas.json. */
    readonly quotas?: AppliedQuotas;
    /**
     * The platform settings files, validated (loadPlatformFleet). Default: the repository's
     * platform-configs/. Their problems are the plan's errors; a region without valid settings
     * has no platform planned.
     */
    readonly platforms?: PlatformFleet;
    /**
     * Whether stacks are planned with Pulumi's internals patched for speed (PlanStackOptions.patchInternals):
     * the same document either way. Default: yes, where the installed versions are supported (checked
     * once, at the start; otherwise the plan says so on stderr and runs without them).
     */
    readonly patchInternals?: boolean;
    /**
     * The whole fleet of tenant files, whose dedicated-saas tenants the platforms' recoveries carry
     * (a deployment reads them from tenant-configs/). Default: `tenants`.
     */
    readonly fleet?: readonly Tenant[];
}

/** The home region the platforms are planned with: the one the platform files name, else the default. */
export function homeRegionOf(platforms: Pick<PlatformFleet, "settings">): string {
    return [...platforms.settings.values()][0]?.homeRegion ?? PLATFORM_DEFAULTS.homeRegion;
}

/**
 * The platforms to plan, in order: the home region's first and always (the others read its trail
 * and zone through a StackReference, so it must be planned before them), then the others sorted.
 */
export function platformPlanOrder(home: string, regions: Iterable<string>): string[] {
    return [home, ...[...new Set(regions)].filter((region) => region !== home).sort()];
}

/**
 * The file a platform stack comes from, as the plan names it (`source`, and `file` of its errors:
 * contract v1.1, "the tenant (or platform settings) file that caused them"): its region's settings file.
 */
export function platformSource(dir: string, region: string): string {
    return `${dir}/${region}.yaml`;
}

/** A deterministic slice of the fleet: shard `index` (1-based) of `count` (`plan --shard I/N`). */
export interface FleetShard {
    readonly index: number;
    readonly count: number;
}

/**
 * The tenants of shard `index` of `count`: consecutive runs of the plan order (tenants by id), cut
 * where the running weight (PLAN_WEIGHT: about the resources each mode registers) crosses k/count
 * of the whole, so the shards plan about equal work whatever the mix, and their stacks, joined in
 * shard order, are the plan's order.
 */
export function shardOf<T extends { readonly mode: Mode }>(ordered: readonly T[], shard: FleetShard): T[] {
    const total = ordered.reduce((sum, tenant) => sum + PLAN_WEIGHT[tenant.mode], 0);
    const slice: T[] = [];
    let before = 0;
    for (const tenant of ordered) {
        const weight = PLAN_WEIGHT[tenant.mode];
        // A tenant belongs to the shard its weight's midpoint falls in.
        const owner = Math.min(shard.count, Math.floor(((before + weight / 2) * shard.count) / Math.max(1, total)) + 1);
        if (owner === shard.index) {
            slice.push(tenant);
        }
        before += weight;
    }
    return slice;
}

/** What planFleetStacks hands on, stack by stack, in plan order. */
export type PlannedItem = { readonly plan: TenantPlan } | { readonly record: StackRecord };

export interface FleetStacksOptions extends PlanFleetOptions {
    /**
     * Hand stacks on as records (stream/record.ts), made in the planning threads; with `base`,
     * diffed; with `cache`, a tenant whose entry is in the plan cache (stream/cache.ts) is read
     * from it instead of planned, and every tenant planned is written to it.
     */
    readonly records?: {
        readonly base?: Omit<BaseSource, "external">;
        readonly cache?: { readonly dir: string; readonly build: string };
        /** The day the plan judges on (YYYY-MM-DD, UTC); default today. */
        readonly today?: string;
    };
    /** Plan only this slice of the tenants (the platforms are planned by every shard, shown by the first). */
    readonly shard?: FleetShard;
}

export interface FleetStacksResult {
    /** The problems every shard of the plan meets alike: the platform files', the platform stacks'. */
    readonly sharedErrors: Problem[];
    /** The problems of the tenants planned (their stacks' AWS rule breaks, their failures), in plan order. */
    readonly sliceErrors: Problem[];
    /** Every platform planned, shown or not (the account's quotas count them all), in plan order. */
    readonly platformFacts: StackFacts[];
    /** The facts of every stack handed on, in plan order. */
    readonly stackFacts: StackFacts[];
    readonly placeholderSecrets: string[];
    /** With records and a base: the ids the platforms' diffs replace (for the tenants' diffs). */
    readonly external: ReplacedIdentity[];
    /** Nothing was planned: the pinned images file is broken (its problems are the shared errors). */
    readonly stopped?: true;
    /** With a cache: how many of the tenants planned came from it. */
    readonly cached?: number;
}

/**
 * Plans the platforms of the tenants' regions in this thread, then the tenants in chunks claimed by
 * this thread and the worker threads (fleet-threads.ts), handing every shown stack to `emit` in plan
 * order as soon as it and those before it are planned; nothing is kept of a stack but its facts.
 */
export async function planFleetStacks(options: FleetStacksOptions, emit: (item: PlannedItem) => void): Promise<FleetStacksResult> {
    // `--config tenant-platform:directoryPassword=...` gives the same key as `directoryPassword=...`.
    const given = new Set(Object.keys(options.config ?? {}).map(qualifyConfigKey));
    const placeholderSecrets = SECRET_CONFIG_KEYS.filter((key) => !given.has(qualifyConfigKey(key)));
    const config: Record<string, string> = {
        ...Object.fromEntries(placeholderSecrets.map((key) => [key, PLACEHOLDER_SECRET])),
        ...options.config,
    };
    const platformFiles = options.platforms ?? loadPlatformFleet();
    // Decided once, here: the threads are told, so that a plan without the patches says so once.
    const patchInternals = options.patchInternals !== false && pulumiInternalsSupported();
    const platformFacts: StackFacts[] = [];
    const stackFacts: StackFacts[] = [];
    const external: ReplacedIdentity[] = [];
    // Every server of every stack boots a pinned image: a broken pin file leaves nothing to plan,
    // and is the plan's one error, positioned (FILE:LINE:COLUMN: PATH), like a broken tenant file.
    const images = readServerImages(repoRoot());
    if (images.problems.length > 0) {
        return { sharedErrors: [...platformFiles.problems, ...images.problems], sliceErrors: [], platformFacts, stackFacts, placeholderSecrets, external, stopped: true };
    }
    const shownRegions = new Set(options.platformRegions ?? []);
    const home = homeRegionOf(platformFiles);
    const regions = platformPlanOrder(home, [...options.tenants.map((tenant) => tenant.region), ...shownRegions]);
    // Whenever platforms are shown, the home one is: it owns the account's trail and zone.
    if (shownRegions.size > 0) {
        shownRegions.add(home);
    }
    // Only the first shard shows the platforms: joined, the shards show them once, first.
    const showPlatforms = (options.shard?.index ?? 1) === 1;
    const stackOutputs = new Map<string, StackOutputsSnapshot>();
    // A broken platform file is the plan's problem like a broken tenant file; its region is not planned.
    const sharedErrors: Problem[] = [...platformFiles.problems];
    const sliceErrors: Problem[] = [];
    const everyTenant = [...options.tenants].sort((a, b) => a.id.localeCompare(b.id));
    const ordered = options.shard ? shardOf(everyTenant, options.shard) : everyTenant;
    const base = options.records?.base;
    // The tenants found in the plan cache weigh next to nothing: they are read, not planned.
    let cache: SliceCache | undefined;
    const cacheOf = (stackOutputs: ReadonlyMap<string, StackOutputsSnapshot>): SliceCache | undefined => {
        const wanted = options.records?.cache;
        if (wanted === undefined) {
            return undefined;
        }
        const scope = cacheScope(wanted.dir, { build: wanted.build, config, platformOutputs: canonicalJson([...stackOutputs].sort(([a], [b]) => (a < b ? -1 : 1))) });
        const keys = Object.fromEntries(ordered.map((tenant) => [tenant.id, entryKey(scope, tenant.source)]));
        return { scope, keys, hits: ordered.filter((tenant) => hasEntry(scope, keys[tenant.id]!)).map((tenant) => tenant.id) };
    };
    let chunks = chunkByWeight(ordered);
    let judge: StackJudge | undefined;
    const handOn = (plan: TenantPlan, withBase: BaseSource | undefined): void => {
        if (options.records) {
            const record = toRecord(plan, withBase, judge!);
            stackFacts.push(record.facts);
            emit({ record });
        } else {
            stackFacts.push(factsOf(plan));
            emit({ plan });
        }
    };
    // Per chunk, its plan or the defect met planning it; filled by whichever thread claimed it, and
    // emptied as soon as it and every chunk before it are handed on.
    const outcomes: (PlanSliceResult | Error | undefined)[] = chunks.map(() => undefined);
    let next = 0;
    // The tenants read from the plan cache: those its entries held (an entry found but unreadable is planned).
    let cached = 0;
    const flush = (): void => {
        for (; next < chunks.length && outcomes[next] !== undefined && !(outcomes[next] instanceof Error); next++) {
            const outcome = outcomes[next] as PlanSliceResult;
            for (const record of outcome.records ?? []) {
                stackFacts.push(record.facts);
                emit({ record });
            }
            for (const plan of outcome.tenants) {
                stackFacts.push(factsOf(plan));
                emit({ plan });
            }
            sliceErrors.push(...outcome.errors);
            cached += outcome.cached ?? 0;
            outcomes[next] = { tenants: [], errors: [] };
        }
    };
    const record = (message: ChunkMessage): void => {
        if ("result" in message) {
            outcomes[message.chunk] = message.result;
            flush();
        } else if ("failure" in message) {
            const error = new Error(message.failure.message);
            error.stack = message.failure.stack ?? error.stack;
            outcomes[message.chunk] = error;
        }
    };
    // Workers load the program while this thread plans the platforms; then every thread, this one
    // included (its program loaded and warm), claims chunks until none is left.
    const threads = Math.min(options.threads ?? planThreads(ordered), Math.max(1, chunks.length));
    const workers = Array.from({ length: threads - 1 }, () => startChunkWorker(record));
    try {
        // The shown platforms: handed on once all are planned (a tenant's diff follows what theirs replace).
        const shown: TenantPlan[] = [];
        for (const region of regions) {
            const stack = platformStackName(region);
            const settings = platformFiles.settings.get(region);
            if (settings === undefined) {
                if (!platformFiles.regions.has(region)) {
                    const file = `${platformFiles.dir}/${region}.yaml`;
                    sharedErrors.push({ file, line: 1, column: 1, path: "/", message: `no such file: ${stack} has no platform settings; add ${file} (copy another region's file, set region: ${region}, its offsiteGatewayIp and alertEmails)` });
                }
                continue;
            }
            try {
                const { plan, snapshot, secretRuleBreaks } = await planStack({
                    stack,
                    region,
                    config,
                    secretConfigKeys: secretKeys(config),
                    // The home platform's outputs, planned first, for the others' StackReference.
                    stackOutputs,
                    program: () => platformProgram(region, settings),
                    patchInternals,
                });
                stackOutputs.set(qualifiedStackName(stack), snapshot);
                const planned: TenantPlan = { tenant: stack, mode: "platform", region, source: platformSource(platformFiles.dir, region), resources: plan.resources, outputs: plan.outputs };
                platformFacts.push(factsOf(planned));
                sharedErrors.push(...awsRuleErrors(stack, planned.source, plan.resources, undefined, secretRuleBreaks));
                if (shownRegions.has(region)) {
                    shown.push(planned);
                }
            } catch (error) {
                sharedErrors.push(planFailure(platformSource(platformFiles.dir, region), error));
                continue;
            }
            // Its recovery environment, right after it (it reads the production platform's outputs).
            const recoveryStack = platformRecoveryStackName(region, "recovery");
            try {
                const { plan, secretRuleBreaks } = await planStack({
                    stack: recoveryStack,
                    region: settings.offsiteRegion,
                    config,
                    secretConfigKeys: secretKeys(config),
                    stackOutputs,
                    program: () => platformRecoveryProgram(region, "recovery", settings, platformFiles, options.fleet ?? options.tenants),
                    patchInternals,
                });
                const planned: TenantPlan = {
                    tenant: recoveryStack,
                    mode: "platform",
                    region: settings.offsiteRegion,
                    recoveryOf: stack,
                    source: platformSource(platformFiles.dir, region),
                    resources: plan.resources,
                    outputs: plan.outputs,
                };
                platformFacts.push(factsOf(planned));
                sharedErrors.push(...awsRuleErrors(recoveryStack, planned.source, plan.resources, undefined, secretRuleBreaks));
                if (shownRegions.has(region)) {
                    shown.push(planned);
                }
            } catch (error) {
                sharedErrors.push(planFailure(platformSource(platformFiles.dir, region), error));
            }
        }
        // What the shown platforms' diffs replace is followed into the tenants' diffs (diffPlans).
        if (base !== undefined) {
            for (const plan of shown) {
                const entry = baseEntryOf({ ...base, external: [] }, plan.tenant);
                const old = entry === undefined ? undefined : readBaseStack(base.file, entry);
                external.push(...replacedIdentities(plan.tenant, old, diffStack(old, plan)));
            }
        }
        // The rules that read one stack are told the shown platforms' operations CIDRs (as the
        // document's settings are) and one day for the whole plan.
        judge = { operationsCidrs: policyFleet(shown.map(stackFleetFacts)).operationsCidrs, today: options.records?.today ?? new Date().toISOString().slice(0, 10) };
        if (showPlatforms) {
            shown.forEach((plan) => handOn(plan, base === undefined ? undefined : { ...base, external: [] }));
        }
        cache = cacheOf(stackOutputs);
        if (cache) {
            const hits = new Set(cache.hits);
            chunks = chunkByWeight(ordered, CHUNK_WEIGHT, (tenant) => chunkWeightOf(tenant.mode, hits.has(tenant.id)));
            outcomes.length = 0;
            outcomes.push(...chunks.map(() => undefined));
        }
        const records = options.records ? { judge, ...(base !== undefined ? { base: { ...base, external } } : {}), ...(cache ? { cache } : {}) } : undefined;
        const work: ChunkWork = { chunks, config, stackOutputs: [...stackOutputs], claims: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT), patchInternals, ...(records ? { records } : {}) };
        for (const { start } of workers) {
            start(work);
        }
        await planClaimedChunks(work, record);
        await Promise.all(workers.map(({ finished }) => finished));
        flush();
        // A defect is thrown as one thread would have met it: the first in plan order. Only chunks
        // after a defect can be unplanned (every thread stopped at one).
        outcomes.forEach((outcome, chunk) => {
            if (outcome instanceof Error) {
                throw outcome;
            }
            if (outcome === undefined) {
                throw new Error(`chunk ${chunk} of the fleet was claimed by no thread`);
            }
        });
    } finally {
        await Promise.all(workers.map(({ worker }) => worker.terminate()));
    }
    return { sharedErrors, sliceErrors, platformFacts, stackFacts, placeholderSecrets, external, ...(cache ? { cached } : {}) };
}

/** The account's applied quotas: the option, else the checked-in file (whose problems are the plan's). */
export function appliedQuotas(quotas: AppliedQuotas | undefined): { applied?: AppliedQuotas; problems: Problem[] } {
    return quotas ? { applied: quotas, problems: [] } : readQuotas(repoRoot());
}

/**
 * Plans the platforms of the tenants' regions in this thread, then the tenants in chunks claimed by
 * this thread and the worker threads (fleet-threads.ts); the document is the same whatever the number.
 * The whole document is held: fleets of thousands stream instead (scripts/lib/plan/stream/).
 */
export async function planFleet(options: PlanFleetOptions): Promise<PlanDocument> {
    const tenants: TenantPlan[] = [];
    const planned = await planFleetStacks(options, (item) => {
        if ("plan" in item) {
            tenants.push(item.plan);
        }
    });
    // A broken quota file is the plan's problem, like a broken tenant file: nothing is counted then.
    const read = appliedQuotas(options.quotas);
    const fleet = planned.stopped ? { errors: [], warnings: [] } : fleetProblems(planned.platformFacts, planned.stackFacts, read.applied, read.problems);
    return {
        version: PLAN_VERSION,
        tenants,
        errors: [...planned.sharedErrors, ...planned.sliceErrors, ...fleet.errors],
        ...(fleet.warnings.length > 0 ? { warnings: fleet.warnings } : {}),
        placeholderSecrets: planned.placeholderSecrets,
        standInConfig: [],
    };
}
