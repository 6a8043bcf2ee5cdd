// Plans a set of tenants (and the platform stacks they stand on) into the plan contract's document.
// Every tenant's StackReference to its region's platform is fed with the outputs of that platform
// stack as planned in the same run, so the whole graph is consistent.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";

import { Violation } from "../../../policy/rules/types";
import { StackEstimate } from "../cost/estimate";
import { isSecretLikeKey } from "../../../lib/secrets";
import { readServerImages } from "../../../stacks/config/server-images";
import { parseTenantSource } from "../../../stacks/config/source";
import { SECRET_CONFIG_KEYS } from "../../../stacks/config/stack-config";
import { Tenant, TenantDomain } from "../../../stacks/config/tenant";
import { Mode } from "../../../lib/modes";
import { repoRoot } from "../../../stacks/config/project";
import { Problem } from "../../../stacks/config/validate";
import { platformStackName } from "../../../lib/platform";
import { loadPlatformFleet, PlatformFleet } from "../../../stacks/config/platform-file";
import { PLATFORM_DEFAULTS } from "../../../stacks/config/platform-settings";
import { platformProgram, tenantProgram } from "../../../stacks";
import { awsRuleMessage, checkAwsRules } from "./aws-rules";
import { planStack, PlanError, PlannedResource, qualifiedStackName } from "./engine";
import { pulumiInternalsSupported } from "./pulumi-internals";
import { StackOutputsSnapshot } from "./mocks";
import { OffboardingPlan, offboardingPlan } from "./offboarding";
import { AppliedQuotas, fleetQuotaProblems, readQuotas } from "./quotas";

export const PLAN_VERSION = 1;

/** One stack of the plan document. */
export interface TenantPlan {
    readonly tenant: string;
    readonly mode: Mode | "platform";
    readonly region: string;
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

/** Config keys whose values the plan treats as secret: the program's secret keys and any secret-looking one. */
function secretKeys(config: Readonly<Record<string, string>>): string[] {
    return Object.keys(config).filter((key) => {
        const bare = key.split(":").pop() ?? key;
        return SECRET_CONFIG_KEYS.includes(bare) || isSecretLikeKey(bare);
    });
}

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
export function chunkByWeight<T extends { readonly mode: Mode }>(tenants: readonly T[], weight: number = CHUNK_WEIGHT): T[][] {
    const chunks: T[][] = [];
    let current: T[] = [];
    let sum = 0;
    for (const tenant of tenants) {
        current.push(tenant);
        sum += PLAN_WEIGHT[tenant.mode];
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

/** What one thread plans: tenants in order, against the platforms' outputs planned before. */
export interface PlanSliceInput {
    readonly tenants: readonly Tenant[];
    readonly config: Readonly<Record<string, string>>;
    readonly stackOutputs: ReadonlyArray<readonly [string, StackOutputsSnapshot]>;
    /** PlanStackOptions.patchInternals. */
    readonly patchInternals?: boolean;
}

export interface PlanSliceResult {
    readonly tenants: TenantPlan[];
    readonly errors: Problem[];
}

/** A tenant that cannot be planned is a problem of its file; anything else is a defect and thrown. */
function planFailure(source: string, error: unknown): Problem {
    if (!(error instanceof PlanError)) {
        throw error;
    }
    return { file: source, line: 1, column: 1, path: "/", message: error.message };
}

/**
 * The field of the tenant file a refused value was built from, so that the error points where the
 * fix goes: the domain for a host name (`<label>.` or the own domain in it), the instance type, the
 * tenant id; `/` when none is (a platform stack's values, a constant of the program).
 */
export function awsRuleFieldPath(value: string, tenant?: Pick<Tenant, "id"> & { readonly domain?: TenantDomain; readonly compute?: { readonly instanceType: string } }): string {
    if (tenant === undefined) {
        return "/";
    }
    if (tenant.domain?.kind === "subdomain" && value.includes(`${tenant.domain.label}.`)) {
        return "/domain/subdomain";
    }
    if (tenant.domain?.kind === "own" && value.includes(tenant.domain.fqdn)) {
        return "/domain/own";
    }
    if (tenant.compute !== undefined && value === tenant.compute.instanceType) {
        return "/compute/instanceType";
    }
    return value.includes(tenant.id) ? "/tenant" : "/";
}

/**
 * The values of a planned stack that AWS would refuse (stacks/config/aws-catalogue.json), as errors
 * of the file that caused them, at the field they were built from ({@link awsRuleFieldPath}). The
 * stack stays in the document (its plan is what a reviewer needs to see the name); the errors make
 * the plan fail (exit 1).
 */
export function awsRuleErrors(stack: string, source: string, resources: readonly PlannedResource[], tenant?: Parameters<typeof awsRuleFieldPath>[1]): Problem[] {
    return checkAwsRules(resources).map((item) => {
        const pointer = awsRuleFieldPath(item.value, tenant);
        return { file: source, ...fieldPosition(source, pointer), path: pointer, message: awsRuleMessage(stack, item) };
    });
}

/**
 * Where a field stands in a tenant file (`source` as the plan records it: relative to the
 * repository root, or absolute), read again only when one of its values breaks a rule; 1:1 for
 * the whole document, a file that is not on disk (a test's fixture) or one that no longer parses.
 */
function fieldPosition(source: string, pointer: string): { line: number; column: number } {
    if (pointer === "/") {
        return { line: 1, column: 1 };
    }
    try {
        const bytes = fs.readFileSync(path.resolve(repoRoot(), source));
        return parseTenantSource(source, bytes).source?.locate(pointer) ?? { line: 1, column: 1 };
    } catch {
        return { line: 1, column: 1 };
    }
}

/** Plans tenants one after another in this thread. */
export async function planSlice(input: PlanSliceInput): Promise<PlanSliceResult> {
    const stackOutputs = new Map(input.stackOutputs);
    const tenants: TenantPlan[] = [];
    const errors: Problem[] = [];
    for (const tenant of input.tenants) {
        try {
            const { plan } = await planStack({
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
            errors.push(...awsRuleErrors(tenant.id, tenant.source, plan.resources, tenant));
        } catch (error) {
            errors.push(planFailure(tenant.source, error));
        }
    }
    return { tenants, errors };
}

/** What every thread is given once: all the chunks, and the counter through which they claim them. */
export interface ChunkWork {
    readonly chunks: readonly (readonly Tenant[])[];
    readonly config: Readonly<Record<string, string>>;
    readonly stackOutputs: ReadonlyArray<readonly [string, StackOutputsSnapshot]>;
    /** An Int32 counter shared by the threads: the index of the next chunk nobody has claimed. */
    readonly claims: SharedArrayBuffer;
    /** PlanStackOptions.patchInternals, as decided once at the start of the plan. */
    readonly patchInternals: boolean;
}

/** What a worker thread posts back: each chunk it planned, a defect, or that it is done. */
export type ChunkMessage =
    | { readonly chunk: number; readonly result: PlanSliceResult }
    | { readonly chunk: number; readonly failure: { readonly message: string; readonly stack?: string } }
    | { readonly done: true };

/**
 * Claims chunks until none is left, planning each and handing it to `report`; stops at the first
 * defect (reported with its chunk), as one thread planning in order would.
 */
export async function planClaimedChunks(work: ChunkWork, report: (message: ChunkMessage) => void): Promise<void> {
    const claims = new Int32Array(work.claims);
    for (let chunk = Atomics.add(claims, 0, 1); chunk < work.chunks.length; chunk = Atomics.add(claims, 0, 1)) {
        try {
            report({ chunk, result: await planSlice({ tenants: work.chunks[chunk]!, config: work.config, stackOutputs: work.stackOutputs, patchInternals: work.patchInternals }) });
        } catch (error) {
            report({ chunk, failure: { message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined } });
            break;
        }
    }
    report({ done: true });
}

/**
 * Starts a worker thread: a fresh Pulumi runtime of its own (the runtime is per-thread state like
 * any module's), the program loaded again there, which takes it about 2 s, meanwhile this thread
 * plans the platforms; it then claims chunks like this thread does. TypeScript sources are loaded
 * through tsx's require hook, whatever the parent runs under (tsx, vitest, plain node).
 */
function startChunkWorker(report: (message: ChunkMessage) => void): { worker: Worker; start(work: ChunkWork): void; finished: Promise<void> } {
    const extension = path.extname(__filename);
    const entry = path.join(__dirname, `fleet-worker${extension}`);
    const bootstrap = `${extension === ".ts" ? 'require("tsx/cjs/api").register();\n' : ""}require(${JSON.stringify(entry)});`;
    const worker = new Worker(bootstrap, { eval: true, execArgv: [] });
    const finished = new Promise<void>((resolve, reject) => {
        worker.on("message", (message: ChunkMessage) => {
            report(message);
            if ("done" in message) {
                resolve();
            }
        });
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`a plan worker thread exited with code ${code} before it was done`)));
    });
    // Until the work is sent nobody awaits the outcome; a failure then is reported through `finished`.
    finished.catch(() => undefined);
    return { worker, start: (work) => worker.postMessage(work), finished };
}

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
    return {
        version: PLAN_VERSION,
        tenants,
        errors,
        ...(quotas.warnings.length > 0 ? { warnings: quotas.warnings } : {}),
        placeholderSecrets,
        standInConfig: [],
    };
}
