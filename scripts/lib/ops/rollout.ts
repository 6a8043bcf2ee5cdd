// The order a fleet is deployed in, as data (`rolloutPlan`, pure), and the runner that walks it
// (`runRollout`), halting at the first failure so that a bad change reaches as few tenants as possible.

import { Environment, TenantStatus } from "../../../stacks/config/tenant";
import { Mode, MODES } from "../../../lib/modes";
import { HOME_REGION } from "../../../lib/platform";

/** What the rollout order needs to know of a tenant. */
export interface RolloutTenant {
    readonly id: string;
    readonly mode: Mode;
    readonly region: string;
    readonly environment: Environment;
    /** `offboarding`: the rollout backs the stack up and destroys it, last (default active). */
    readonly status?: TenantStatus;
}

/**
 * One wave: its stacks run concurrently; the next wave starts once all of them succeeded.
 * `platform`: the shared platform stacks (every tenant of a region references its platform);
 * `canary`: one tenant at a time, the tenants whose breakage hurts least or that stand for a mode;
 * `fleet`: the rest, at most `parallel` at once;
 * `offboarding`: the tenants whose file says `status: offboarding`, backed up and destroyed.
 */
export interface RolloutWave {
    readonly stage: "platform" | "canary" | "fleet" | "offboarding";
    readonly stacks: readonly string[];
}

export function platformStackName(region: string): string {
    return `platform-${region}`;
}

/** `items` in consecutive groups of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
    const result: T[][] = [];
    for (let at = 0; at < items.length; at += size) {
        result.push(items.slice(at, at + size));
    }
    return result;
}

const byId = (a: RolloutTenant, b: RolloutTenant) => a.id.localeCompare(b.id);

/**
 * The canaries, in order: the `test` tenants, the `demo` tenants, then the first production tenant
 * (by id) of each mode in the order of MODES. A mode without a production tenant has no canary.
 */
export function canaries(tenants: readonly RolloutTenant[]): RolloutTenant[] {
    const sorted = [...tenants].sort(byId);
    const production = MODES.map((mode) => sorted.find((tenant) => tenant.environment === "production" && tenant.mode === mode)).filter(
        (tenant): tenant is RolloutTenant => tenant !== undefined,
    );
    return [...sorted.filter((tenant) => tenant.environment === "test"), ...sorted.filter((tenant) => tenant.environment === "demo"), ...production];
}

/**
 * The waves of a fleet deployment: the home platform (`homeRegion`: it owns the account's trail and
 * public zone, which the other platforms read) alone and always, then the platform stack of every
 * other region in use (at most `parallel` at once), before any tenant, so that every tenant finds its
 * platform's outputs up to date; then the canaries one per wave; then the other tenants by id in
 * waves of at most `parallel`; last the offboarding tenants, in waves of at most `parallel`: the
 * update that lifts their deletion protection runs the program against their platform (so their
 * region's platform is in the rollout), and a fleet that fails halts before any stack is destroyed.
 */
export function rolloutPlan(all: readonly RolloutTenant[], parallel: number, homeRegion: string = HOME_REGION): RolloutWave[] {
    if (!Number.isInteger(parallel) || parallel < 1) {
        throw new RangeError(`parallel must be a whole number of at least 1, got ${parallel}`);
    }
    const regions = [...new Set(all.map((tenant) => tenant.region))].filter((region) => region !== homeRegion).sort();
    const leaving = all.filter((tenant) => tenant.status === "offboarding").sort(byId);
    const tenants = all.filter((tenant) => tenant.status !== "offboarding");
    const first = canaries(tenants);
    const rest = [...tenants].sort(byId).filter((tenant) => !first.includes(tenant));
    return [
        { stage: "platform" as const, stacks: [platformStackName(homeRegion)] },
        ...chunks(regions.map(platformStackName), parallel).map((stacks) => ({ stage: "platform" as const, stacks })),
        ...first.map((tenant) => ({ stage: "canary" as const, stacks: [tenant.id] })),
        ...chunks(rest.map((tenant) => tenant.id), parallel).map((stacks) => ({ stage: "fleet" as const, stacks })),
        ...chunks(leaving.map((tenant) => tenant.id), parallel).map((stacks) => ({ stage: "offboarding" as const, stacks })),
    ];
}

/** The stages of a rollout, in the order rolloutPlan gives them. */
export const ROLLOUT_STAGES = ["platform", "canary", "fleet", "offboarding"] as const;
export type RolloutStage = (typeof ROLLOUT_STAGES)[number];

/**
 * The waves of each stage cut into batches of consecutive whole waves, for a CI matrix of one job
 * per batch: at most `maxJobs` batches per stage (GitHub's matrix holds 256 jobs), each at least
 * `wavesPerJob` waves long where the stage has that many (a job pays its setup once for them), the
 * waves spread evenly (the first batches one wave longer). A wave is never split, and concatenating
 * a stage's batches gives its waves in order. A stage without waves has no batch.
 */
export function batchRollout(waves: readonly RolloutWave[], maxJobs: number, wavesPerJob: number): Record<RolloutStage, RolloutWave[][]> {
    for (const [name, value] of [["maxJobs", maxJobs], ["wavesPerJob", wavesPerJob]] as const) {
        if (!Number.isInteger(value) || value < 1) {
            throw new RangeError(`${name} must be a whole number of at least 1, got ${value}`);
        }
    }
    const byStage = Object.fromEntries(ROLLOUT_STAGES.map((stage) => [stage, [] as RolloutWave[]])) as Record<RolloutStage, RolloutWave[]>;
    let reached = 0;
    for (const wave of waves) {
        const at = ROLLOUT_STAGES.indexOf(wave.stage);
        // The stages run one after another in CI: a wave of an earlier stage after a later one would be reordered.
        if (at < reached) {
            throw new RangeError(`a ${wave.stage} wave comes after a ${ROLLOUT_STAGES[reached]} wave: the stages must be in the order ${ROLLOUT_STAGES.join(", ")}`);
        }
        reached = at;
        byStage[wave.stage].push(wave);
    }
    const batches = (stageWaves: RolloutWave[]): RolloutWave[][] => {
        const jobs = Math.min(maxJobs, Math.ceil(stageWaves.length / wavesPerJob));
        const result: RolloutWave[][] = [];
        let at = 0;
        for (let job = 0; job < jobs; job++) {
            const size = Math.floor(stageWaves.length / jobs) + (job < stageWaves.length % jobs ? 1 : 0);
            result.push(stageWaves.slice(at, at + size));
            at += size;
        }
        return result;
    };
    return Object.fromEntries(ROLLOUT_STAGES.map((stage) => [stage, batches(byStage[stage])])) as Record<RolloutStage, RolloutWave[][]>;
}

/** Waves as one argument of `npm run up -- --waves`: waves separated by `;`, the stacks of a wave by `,`. */
export function formatWaves(waves: readonly { readonly stacks: readonly string[] }[]): string {
    return waves.map((wave) => wave.stacks.join(",")).join(";");
}

/** The stacks of each wave of a `--waves` argument (formatWaves' inverse); throws on an empty wave or a stack named twice. */
export function parseWaves(text: string): string[][] {
    const waves = text.split(";").map((wave) => wave.split(",").map((stack) => stack.trim()));
    const seen = new Set<string>();
    waves.forEach((stacks, index) => {
        if (stacks.some((stack) => stack === "")) {
            throw new RangeError(`wave ${index + 1} of "${text.slice(0, 80)}" has an empty stack name (waves are separated by ";", the stacks of a wave by ",")`);
        }
        for (const stack of stacks) {
            if (seen.has(stack)) {
                throw new RangeError(`${stack} is named twice (wave ${index + 1}): a stack runs once per rollout`);
            }
            seen.add(stack);
        }
    });
    return waves;
}

export interface RolloutOutcome {
    readonly succeeded: string[];
    readonly failed: { readonly stack: string; readonly error: string }[];
    /** Stacks the rollout never started because an earlier one failed. */
    readonly notStarted: string[];
}

/**
 * Runs the waves in order, the stacks of a wave concurrently. After a wave with a failure no other
 * stack is started (unless `continueOnFailure`, for read-only operations such as preview).
 */
export async function runRollout(
    waves: readonly RolloutWave[],
    runStack: (stack: string) => Promise<void>,
    options: { continueOnFailure?: boolean } = {},
): Promise<RolloutOutcome> {
    const outcome: RolloutOutcome = { succeeded: [], failed: [], notStarted: [] };
    for (const wave of waves) {
        if (outcome.failed.length > 0 && !options.continueOnFailure) {
            outcome.notStarted.push(...wave.stacks);
            continue;
        }
        const results = await Promise.allSettled(wave.stacks.map((stack) => runStack(stack)));
        results.forEach((result, index) => {
            const stack = wave.stacks[index]!;
            if (result.status === "fulfilled") {
                outcome.succeeded.push(stack);
            } else {
                outcome.failed.push({ stack, error: firstLine(result.reason) });
            }
        });
    }
    return outcome;
}

/** The first meaningful line of an error, for summaries (the full text goes to the log). */
export function firstLine(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    const lines = text.split("\n").map((line) => line.trim());
    // The Automation API's errors carry the CLI's whole output; its `error:` line says what went wrong.
    const hit = lines.find((line) => /\berror:/i.test(line));
    return hit ? hit.slice(hit.search(/\berror:/i)) : (lines.find((line) => line.length > 0) ?? "failed");
}
