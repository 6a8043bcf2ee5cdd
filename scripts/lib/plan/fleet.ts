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
import { planStack, PlannedResource, qualifiedStackName } from "./engine";
import { PlanSliceResult, secretKeys } from "./fleet-slice";
import { chunkByWeight, ChunkMessage, ChunkWork, planClaimedChunks, planThreads, startChunkWorker } from "./fleet-threads";
import { pulumiInternalsSupported } from "./pulumi-internals";
import { StackOutputsSnapshot } from "./mocks";
import { OffboardingPlan } from "./offboarding";
import { AppliedQuotas, readQuotas } from "./quota-file";
import { fleetQuotaProblems } from "./quota-problems";
import { configRecorderProblems } from "./config-recorders";
import { detectorProblems } from "./guardduty-detectors";
import { dataSyncProblems } from "./data-syncs";
import { recordSetProblems } from "./route53-records";
import { awsRuleErrors, planFailure } from "./stack-errors";

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

/**
 * Plans the platforms of the tenants' regions in this thread, then the tenants in chunks claimed by
 * this thread and the worker threads (fleet-threads.ts); the document is the same whatever the number.
 */
export async function planFleet(options: PlanFleetOptions): Promise<PlanDocument> {
    const placeholderSecrets = SECRET_CONFIG_KEYS.filter((key) => options.config?.[key] === undefined);
    const config: Record<string, string> = {
        ...Object.fromEntries(placeholderSecrets.map((key) => [key, PLACEHOLDER_SECRET])),
        ...options.config,
    };
    const platformFiles = options.platforms ?? loadPlatformFleet();
    // Decided once, here: the threads are told, so that a plan without the patches says so once.
    const patchInternals = options.patchInternals !== false && pulumiInternalsSupported();
    // Every server of every stack boots a pinned image: a broken pin file leaves nothing to plan,
    // and is the plan's one error, positioned (FILE:LINE:COLUMN: PATH), like a broken tenant file.
    const images = readServerImages(repoRoot());
    if (images.problems.length > 0) {
        return { version: PLAN_VERSION, tenants: [], errors: [...platformFiles.problems, ...images.problems], placeholderSecrets, standInConfig: [] };
    }
    const shownRegions = new Set(options.platformRegions ?? []);
    const home = homeRegionOf(platformFiles);
    const regions = platformPlanOrder(home, [...options.tenants.map((tenant) => tenant.region), ...shownRegions]);
    // Whenever platforms are shown, the home one is: it owns the account's trail and zone.
    if (shownRegions.size > 0) {
        shownRegions.add(home);
    }
    // Every platform planned, shown or not: the account's quotas count them all.
    const platforms: TenantPlan[] = [];
    const stackOutputs = new Map<string, StackOutputsSnapshot>();
    const tenants: TenantPlan[] = [];
    // A broken platform file is the plan's problem like a broken tenant file; its region is not planned.
    const errors: Problem[] = [...platformFiles.problems];
    const ordered = [...options.tenants].sort((a, b) => a.id.localeCompare(b.id));
    const chunks = chunkByWeight(ordered);
    // Per chunk, its plan or the defect met planning it; filled by whichever thread claimed it.
    const outcomes: (PlanSliceResult | Error | undefined)[] = chunks.map(() => undefined);
    const record = (message: ChunkMessage): void => {
        if ("result" in message) {
            outcomes[message.chunk] = message.result;
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
        for (const region of regions) {
            const stack = platformStackName(region);
            const settings = platformFiles.settings.get(region);
            if (settings === undefined) {
                if (!platformFiles.regions.has(region)) {
                    const file = `${platformFiles.dir}/${region}.yaml`;
                    errors.push({ file, line: 1, column: 1, path: "/", message: `no such file: ${stack} has no platform settings; add ${file} (copy another region's file, set region: ${region}, its offsiteGatewayIp and alertEmails)` });
                }
                continue;
            }
            try {
                const { plan, snapshot } = await planStack({
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
                platforms.push(planned);
                errors.push(...awsRuleErrors(stack, planned.source, plan.resources));
                if (shownRegions.has(region)) {
                    tenants.push(planned);
                }
            } catch (error) {
                errors.push(planFailure(platformSource(platformFiles.dir, region), error));
                continue;
            }
            // Its recovery environment, right after it (it reads the production platform's outputs).
            const recoveryStack = platformRecoveryStackName(region, "recovery");
            try {
                const { plan } = await planStack({
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
                platforms.push(planned);
                errors.push(...awsRuleErrors(recoveryStack, planned.source, plan.resources));
                if (shownRegions.has(region)) {
                    tenants.push(planned);
                }
            } catch (error) {
                errors.push(planFailure(platformSource(platformFiles.dir, region), error));
            }
        }
        const work: ChunkWork = { chunks, config, stackOutputs: [...stackOutputs], claims: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT), patchInternals };
        for (const { start } of workers) {
            start(work);
        }
        await planClaimedChunks(work, record);
        await Promise.all(workers.map(({ finished }) => finished));
        // A defect is thrown as one thread would have met it: the first in plan order. Only chunks
        // after a defect can be unplanned (every thread stopped at one).
        outcomes.forEach((outcome, chunk) => {
            if (outcome instanceof Error) {
                throw outcome;
            }
            if (outcome === undefined) {
                throw new Error(`chunk ${chunk} of the fleet was claimed by no thread`);
            }
            tenants.push(...outcome.tenants);
            errors.push(...outcome.errors);
        });
    } finally {
        await Promise.all(workers.map(({ worker }) => worker.terminate()));
    }
    // A broken quota file is the plan's problem, like a broken tenant file: nothing is counted then.
    const read = options.quotas ? { applied: options.quotas, problems: [] } : readQuotas(repoRoot());
    const quotas = read.applied
        ? fleetQuotaProblems([...platforms, ...tenants.filter((plan) => plan.mode !== "platform")], read.applied)
        : { errors: read.problems, warnings: [] };
    errors.push(...quotas.errors);
    // Records of one name written by several stacks (a failover pair's two sides): Route 53's rules over the fleet.
    errors.push(...recordSetProblems([...platforms, ...tenants.filter((plan) => plan.mode !== "platform")]));
    // One GuardDuty detector per account and region: GuardDuty's rule over the fleet.
    errors.push(...detectorProblems([...platforms, ...tenants.filter((plan) => plan.mode !== "platform")]));
    // One AWS Config recorder and delivery channel per account and region: Config's rule over the fleet.
    errors.push(...configRecorderProblems([...platforms, ...tenants.filter((plan) => plan.mode !== "platform")]));
    // One resource data sync of a name per account and region: SSM's rule over the fleet.
    errors.push(...dataSyncProblems([...platforms, ...tenants.filter((plan) => plan.mode !== "platform")]));
    return {
        version: PLAN_VERSION,
        tenants,
        errors,
        ...(quotas.warnings.length > 0 ? { warnings: quotas.warnings } : {}),
        placeholderSecrets,
        standInConfig: [],
    };
}
