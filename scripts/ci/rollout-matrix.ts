// CI only: the rollout of main (.github/workflows/infra.yml) as one matrix per stage. rolloutPlan
// (scripts/lib/ops/rollout.ts) orders the fleet in waves; batchRollout cuts each stage's waves into
// at most --max-jobs jobs of consecutive whole waves, each job running its waves in order with
// `npm run up -- --waves ...` and stopping at the first failure, as `npm run up -- --all` does.

import { EXIT, parseFlags, run, UsageError, writeStdout, wholeNumber } from "../lib/cli";
import { GITHUB_MATRIX_LIMIT } from "../lib/ops/changed";
import { batchRollout, formatWaves, ROLLOUT_STAGES, RolloutStage, rolloutPlan, RolloutTenant } from "../lib/ops/rollout";
import { loadFleetDirectory } from "../../stacks/config/load-fleet";
import { unreadableFolder } from "../../stacks/config/tenant-files";
import { formatProblem } from "../../stacks/config/validate";

export const USAGE = `Usage: tsx scripts/ci/rollout-matrix.ts [--parallel N] [--max-jobs N] [--waves-per-job N] [--dir FOLDER]

Prints, for $GITHUB_OUTPUT, two lines per stage of the rollout of the tenants of FOLDER (default
tenant-configs/), in order platform, canary, fleet, offboarding:
  STAGE_jobs=J
  STAGE={"include":[{"batch":"1 of J","name":"STAGE-001","waves":"a,b,c,d;e,f,g,h"}, ...]}
the waves of \`npm run up -- --all --parallel N\` (platforms, canaries one per wave, the other tenants
in waves of N, the offboarding tenants last), each stage's waves cut into at most --max-jobs jobs
(default and at most ${GITHUB_MATRIX_LIMIT}, GitHub's matrix limit) of consecutive whole waves, at
least --waves-per-job waves each where the stage has that many (default 10), for
\`npm run up -- --waves "\${WAVES}"\`. A stage without stacks has 0 jobs and "{"include":[]}".

  --parallel N        stacks per wave (default 4)
  --max-jobs N        jobs per stage at most (1-${GITHUB_MATRIX_LIMIT}, default ${GITHUB_MATRIX_LIMIT})
  --waves-per-job N   waves a job takes at least, where the stage has that many (default 10)

Exit codes: 0 printed, 1 invalid tenant files or a matrix larger than a job output holds, 2 usage or an unreadable folder.
`;

/** One job of a stage's matrix. */
export interface RolloutJob {
    /** "3 of 12", for the job's name. */
    readonly batch: string;
    /** Unique in the run (artifact names): stage and 1-based index. */
    readonly name: string;
    /** `npm run up -- --waves` argument: waves by ";", the stacks of a wave by ",". */
    readonly waves: string;
}

export type RolloutMatrix = Record<RolloutStage, { readonly include: readonly RolloutJob[] }>;

export interface RolloutMatrixOptions {
    readonly parallel: number;
    readonly maxJobs: number;
    readonly wavesPerJob: number;
}

/** GitHub keeps at most 1 MB of a job's outputs (all of them together). */
export const JOB_OUTPUTS_LIMIT = 1_000_000;

/** The matrix of each stage for these tenants. */
export function rolloutMatrix(tenants: readonly RolloutTenant[], options: RolloutMatrixOptions): RolloutMatrix {
    const stages = batchRollout(rolloutPlan(tenants, options.parallel), options.maxJobs, options.wavesPerJob);
    const matrix = {} as Record<RolloutStage, { include: RolloutJob[] }>;
    for (const stage of ROLLOUT_STAGES) {
        const batches = stages[stage];
        matrix[stage] = {
            include: batches.map((waves, index) => ({ batch: `${index + 1} of ${batches.length}`, name: `${stage}-${String(index + 1).padStart(3, "0")}`, waves: formatWaves(waves) })),
        };
    }
    return matrix;
}

/** The $GITHUB_OUTPUT lines of a matrix: STAGE_jobs=J and STAGE=JSON, per stage in order. */
export function githubOutput(matrix: RolloutMatrix): string {
    return ROLLOUT_STAGES.map((stage) => `${stage}_jobs=${matrix[stage].include.length}\n${stage}=${JSON.stringify(matrix[stage])}\n`).join("");
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        parallel: { type: "string" },
        "max-jobs": { type: "string" },
        "waves-per-job": { type: "string" },
        dir: { type: "string" },
        help: { type: "boolean", short: "h" },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 60)}"`);
    }
    const options: RolloutMatrixOptions = {
        parallel: wholeNumber("parallel", values.parallel ?? "4", 1_000),
        maxJobs: wholeNumber("max-jobs", values["max-jobs"] ?? String(GITHUB_MATRIX_LIMIT), GITHUB_MATRIX_LIMIT),
        wavesPerJob: wholeNumber("waves-per-job", values["waves-per-job"] ?? "10", 100_000),
    };
    const fleet = loadFleetDirectory(values.dir);
    const unreadable = unreadableFolder(fleet.problems);
    if (unreadable !== undefined) {
        throw new UsageError(`${values.dir ?? "tenant-configs/"}: ${unreadable.message}`);
    }
    if (fleet.problems.length > 0) {
        throw new UsageError(`the tenant files are invalid; no rollout:\n${fleet.problems.map(formatProblem).join("\n")}`, EXIT.invalid);
    }
    const output = githubOutput(rolloutMatrix(fleet.tenants, options));
    if (Buffer.byteLength(output) > JOB_OUTPUTS_LIMIT) {
        throw new UsageError(
            `the rollout matrix of ${fleet.tenants.length} tenants is ${Buffer.byteLength(output)} bytes, more than the ${JOB_OUTPUTS_LIMIT} bytes GitHub keeps of a job's outputs`,
            EXIT.invalid,
        );
    }
    await writeStdout(output);
    const jobs = ROLLOUT_STAGES.map((stage) => `${stage} ${output.match(new RegExp(`^${stage}_jobs=(\\d+)$`, "m"))![1]}`).join(", ");
    process.stderr.write(`rollout-matrix: ${fleet.tenants.length} tenants in waves of ${options.parallel}; jobs per stage: ${jobs}\n`);
    return EXIT.ok;
}

if (require.main === module) {
    void run("rollout-matrix", main, USAGE);
}
