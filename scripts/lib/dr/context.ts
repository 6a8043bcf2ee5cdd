// What every step of `dr` works with: the target's stacks, the CLIs and clients, the clock, and
// the outputs of the stacks (read once per step, re-read after an update changed them).

import type { Logger } from "pino";

import type { DrAws } from "./aws";
import type { FunctionalCheck } from "./check";
import { ProductionOutputs, readProductionOutputs, readRecoveryOutputs, RecoveryOutputs } from "./outputs";
import type { PulumiCli } from "./pulumi-cli";
import type { RunState } from "./run-file";
import type { DrTarget } from "./targets";

export interface DrContext {
    readonly target: DrTarget;
    readonly pulumi: PulumiCli;
    readonly aws: DrAws;
    readonly check: FunctionalCheck;
    readonly now: () => Date;
    readonly sleep: (ms: number) => Promise<void>;
    readonly log: Logger;
    readonly force: boolean;
    /** How often restore jobs and the functional check are retried. */
    readonly pollMs: number;
    /** How long the functional check may keep failing before the step fails. */
    readonly checkTimeoutMs: number;
    readonly state: RunState;
}

/** A refusal: the step did nothing that needs undoing; the message says why and what to do. */
export class Refusal extends Error {}

export interface Step {
    readonly name: string;
    /** One line for the confirmation, the dry run and the report. */
    readonly title: string;
    /**
     * Runs the step; `previous` is what an earlier, interrupted attempt saved through `save`, so a
     * resumed step continues (awaits the restore jobs it started) instead of starting again.
     */
    run(ctx: DrContext, previous: Record<string, unknown>, save: (detail: Record<string, unknown>) => void): Promise<Record<string, unknown>>;
}

export async function productionOutputs(ctx: DrContext): Promise<ProductionOutputs> {
    return readProductionOutputs(ctx.target.production, await ctx.pulumi.outputs(ctx.target.production));
}

export async function recoveryOutputs(ctx: DrContext, stack: string, options: { active?: boolean } = {}): Promise<RecoveryOutputs> {
    return readRecoveryOutputs(stack, await ctx.pulumi.outputs(stack), options);
}
