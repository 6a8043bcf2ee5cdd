#!/usr/bin/env tsx
// npm run bench: how fast the fleet-wide checks are at 10, 100 and 1,000 tenants (and 10,000 with
// --sizes). Generates a synthetic fleet (bench/generate.ts), then measures each task in a fresh
// child process of its own, so that each task's peak RSS is its own and nothing is warm that CI
// would have cold:
// - validate: loadFleetDirectory over the folder (schema, rules, cross-tenant checks);
// - plan: the offline plan as `npm run plan -- --all --json` makes it, streamed (pass 1 plans every
//   stack into a spill file, pass 2 judges (policy), costs and writes the JSON to a file);
// - diff: a one-line change in a shared component, as `plan --all --base REF --json` plans it: the
//   unchanged program's plan document written to a file, then the changed program's plan diffed
//   against it stack by stack and written;
// - shard4: the plan as 4 shards on this machine (4 processes `plan --shard I/4` at once, then
//   `plan merge`), the merged JSON checked byte for byte against the plan's; then each shard alone,
//   as on a runner of its own (the matrix's critical path in the note);
// - incremental: `plan --all --json --cache DIR` after one tenant file changed (the cache filled
//   by a first plan, not timed), which must read every other tenant from the cache;
// - naive (N = 10): one fresh `scripts/plan.ts FILE --isolated --json` process per tenant, as a CI
//   loop calling a tool per stack would;
// - start-up: one tenant loaded the way Pulumi's nodejs language host loads the entry
//   (bench/host-load.js: Pulumi.yaml's main, the build in dist/, runtime mocks); the
//   program is built first if dist/ is not current (not timed: `npm run build` is paid once per
//   change, the start-up on every stack of every `pulumi` command);
// - hostile: the slowest of a few 64 KiB tenant files of hostile shapes, validated in this process
//   (bench/hostile.ts: the contract's "well under a second whatever it contains"), printed only.
// Prints a table and writes bench/results.json. Not a test: the figures depend on the machine.
// This file is the command; the processes are started in processes.ts, a child's task runs in
// tasks.ts, the table and budgets are in table.ts.

// First: before anything loads @pulumi/pulumi.
import "../scripts/lib/plan/defer-unused-modules";

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { checkOutputPath, EXIT, parseFlags, run, UsageError, writeOutputFile, writeStdout } from "../scripts/lib/cli";
import { DEFAULT_SEED, generateFleet, writeFleet } from "./generate";
import type { HostileFigure } from "./hostile";
import { MeasurementError } from "./measurement-error";
import { claimCacheOf, fleetProject, log, measure, measureIncremental, measureNaive, measureShard4, measureStartup } from "./processes";
import { budgets, FleetStartup, renderTable, Results, round, Run, STARTUP_RUNS, TASK_ORDER } from "./table";
import { child } from "./tasks";

/** What --tasks selects from (default: all of them). */
export const TASKS = ["validate", "plan", "diff", "shard4", "incremental", "naive", "startup", "hostile"] as const;
export type TaskName = (typeof TASKS)[number];

/** The largest fleet: the generator's networks (3,840 /20s) hold the dedicated tenants of about 10,900 of the mix. */
export const MAX_SIZE = 10_000;

/** Parses --tasks (and --skip-naive, which drops naive and start-up) into the tasks to run. */
export function parseTasks(list: string | undefined, skipNaive: boolean): Set<TaskName> {
    const names = list === undefined ? [...TASKS] : list.split(",").map((name) => name.trim());
    const unknown = names.filter((name) => !(TASKS as readonly string[]).includes(name));
    if (unknown.length > 0 || names.length === 0) {
        throw new UsageError(`--tasks expects some of ${TASKS.join(", ")} separated by commas, got "${(list ?? "").slice(0, 80)}"`);
    }
    const tasks = new Set(names as TaskName[]);
    if (skipNaive) {
        tasks.delete("naive");
        tasks.delete("startup");
    }
    if (tasks.has("shard4") && !tasks.has("plan")) {
        throw new UsageError("--tasks shard4 needs plan too: the merged shards are checked byte for byte against the plan's JSON");
    }
    return tasks;
}

/** Runs of each task but naive and start-up, the fastest kept, where --repeat does not say. */
export const DEFAULT_REPEAT = 3;

/**
 * Above this many tenants a task runs once where --repeat does not say: there each run takes
 * minutes (the 10,000-tenant diff about 9), so three of every task would take the 10,000-tenant
 * run from about half an hour to about an hour and a quarter on the 2-core machine.
 */
export const ONE_RUN_ABOVE = 2_000;

/** The runs of each task at `n` tenants: --repeat's where given, else by the fleet's size. */
export function repeatFor(n: number, given: number | undefined): number {
    return given ?? (n > ONE_RUN_ABOVE ? 1 : DEFAULT_REPEAT);
}

/**
 * Writes the results file whole or not at all (writeOutputFile: a temporary file beside it, renamed
 * over it): the bench writes it after each figure, and a run stopped while it writes must not leave
 * half a file.
 */
export function writeResults(out: string, results: Results): void {
    writeOutputFile("--out", out, `${JSON.stringify(results, null, 2)}\n`);
}

/** This run's rows with the rows of `previous` it did not measure (--keep), in size and task order. */
export function keepRuns(previous: readonly Run[], measured: readonly Run[]): Run[] {
    const key = (run: Run) => `${run.task} ${run.n}`;
    const fresh = new Set(measured.map(key));
    return [...previous.filter((run) => !fresh.has(key(run))), ...measured].sort((a, b) => a.n - b.n || TASK_ORDER.indexOf(a.task) - TASK_ORDER.indexOf(b.task));
}

/**
 * The results to write while the run goes on, after each figure, and when a step failed after
 * `measured` figures: those, over the rows of the file already at `out` (whatever --keep says: a
 * run that stops half-way replaces nothing it did not measure). Undefined when nothing was measured.
 */
export function partialResults(out: string, measured: readonly Run[]): Results | undefined {
    if (measured.length === 0) {
        return undefined;
    }
    let existing: Results | undefined;
    try {
        existing = JSON.parse(fs.readFileSync(out, "utf8")) as Results;
    } catch {
        existing = undefined;
    }
    const runs = keepRuns(Array.isArray(existing?.runs) ? existing.runs : [], measured);
    return { runs, startupSeconds: existing?.startupSeconds ?? null, naiveRatio: existing?.naiveRatio ?? null };
}

export const USAGE = `Usage: npm run bench [-- --sizes 10,100,1000] [--tasks LIST] [--seed S] [--out FILE [--keep]] [--threads N] [--repeat N] [--skip-naive]

Measures validating, planning and diffing a synthetic fleet of each size, its plan as 4 shards on
this machine, the incremental plan of a one-tenant change, the naive way (one process per tenant,
N = 10), one tenant's start-up under Pulumi's language host, and the slowest of a few hostile
64 KiB tenant files validated (printed, not written). Prints a table and writes it as JSON.

  --sizes LIST     fleet sizes from 1 to ${MAX_SIZE}, comma-separated (default 10,100,1000)
  --tasks LIST     only these, comma-separated: ${TASKS.join(", ")} (default all;
                   shard4 needs plan, whose JSON the merged shards must equal)
  --keep           keep the rows of the --out file this run does not measure (another size's)
  --seed S         the generator's seed (default ${DEFAULT_SEED})
  --out FILE       where to write the JSON (default bench/results.json)
  --threads N      plan threads (default: planFleet's choice for the fleet and machine)
  --semi-space MB  V8's --max-semi-space-size for the measured processes (default 128; 0: V8's own)
  --repeat N       runs of each task but naive and startup, the fastest kept (default 3;
                   1 above 2,000 tenants, where each run takes minutes)
  --skip-naive     do not measure the naive way (nor the start-up)
  -h, --help       show this help

Each figure is written to the --out file as soon as it is measured, over that file's rows of the
same task and size, so a run stopped half-way keeps what it measured; at the end the file is
written whole (without --keep, this run's rows only).

Exit codes: 0 measured, 1 a measurement failed (an invalid fleet, a plan error, merged shards
other than the plan, an incremental plan that did not read N-1 tenants from the cache), 2 usage error.
`;

export async function main(argv: string[]): Promise<number> {
    const { values } = parseFlags(argv, {
        sizes: { type: "string", default: "10,100,1000" },
        seed: { type: "string" },
        out: { type: "string", default: path.join("bench", "results.json") },
        threads: { type: "string" },
        "semi-space": { type: "string", default: "128" },
        "skip-naive": { type: "boolean", default: false },
        repeat: { type: "string" },
        tasks: { type: "string" },
        keep: { type: "boolean", default: false },
        child: { type: "string" },
        dir: { type: "string" },
        work: { type: "string" },
        shard: { type: "string" },
        today: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) {
        throw new UsageError(`--threads expects an integer from 1 to 64, got "${values.threads}"`);
    }
    if (values.child !== undefined) {
        if (values.dir === undefined || values.work === undefined || values.today === undefined) {
            throw new UsageError("--child needs --dir, --work and --today");
        }
        const shard = values.shard === undefined ? undefined : /^(\d+)\/(\d+)$/.exec(values.shard);
        if (shard === null) {
            throw new UsageError(`--shard expects I/N, got "${values.shard}"`);
        }
        // The Pulumi runtime keeps timers of its own alive under mocks: once the report (or the
        // failure) is out, the child ends.
        try {
            const report = await child(values.child, values.dir, {
                work: values.work,
                today: new Date(values.today),
                ...(threads ? { threads } : {}),
                ...(shard ? { shard: { index: Number(shard[1]), count: Number(shard[2]) } } : {}),
            });
            await writeStdout(`${JSON.stringify(report)}\n`);
            process.exit(EXIT.ok);
        } catch (error) {
            process.stderr.write(`bench: ${values.child} failed: ${(error as Error).stack ?? String(error)}\n`);
            process.exit(EXIT.invalid);
        }
    }
    const sizes = values.sizes.split(",").map((text) => Number(text.trim()));
    if (sizes.some((size) => !Number.isInteger(size) || size < 1 || size > MAX_SIZE)) {
        throw new UsageError(`--sizes expects integers from 1 to ${MAX_SIZE} separated by commas, got "${values.sizes}"`);
    }
    const tasks = parseTasks(values.tasks, values["skip-naive"] === true);
    const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
    if (!Number.isInteger(seed)) {
        throw new UsageError(`--seed expects an integer, got "${values.seed}"`);
    }
    const semiSpace = Number(values["semi-space"]);
    if (!Number.isInteger(semiSpace) || semiSpace < 0 || semiSpace > 1024) {
        throw new UsageError(`--semi-space expects MiB from 0 to 1024, got "${values["semi-space"]}"`);
    }
    const repeat = values.repeat === undefined ? undefined : Number(values.repeat);
    if (repeat !== undefined && (!Number.isInteger(repeat) || repeat < 1 || repeat > 20)) {
        throw new UsageError(`--repeat expects an integer from 1 to 20, got "${values.repeat}"`);
    }
    const out = path.resolve(values.out);
    checkOutputPath("--out", values.out);
    let previous: Results | undefined;
    if (values.keep) {
        try {
            previous = JSON.parse(fs.readFileSync(out, "utf8")) as Results;
        } catch (error) {
            throw new UsageError(`--keep: ${values.out} cannot be read as the bench's results (${(error as Error).message.split("\n")[0]})`);
        }
    }

    const runs: Run[] = [];
    // Each figure on disk as soon as it is measured (a 10,000-tenant run takes half an hour).
    let saved = 0;
    const measuredOne = (run: Run): void => {
        runs.push(run);
        writeResults(out, partialResults(out, runs)!);
        saved = runs.length;
    };
    let startupSeconds: number | null = null;
    let startupMedian: number | null = null;
    let amongFleet: FleetStartup | null = null;
    let naiveRatio: number | null = null;
    let hostile: HostileFigure[] = [];
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-fleet-"));
    let failure: unknown;
    try {
        const today = new Date().toISOString();
        for (const n of [...sizes].sort((a, b) => a - b)) {
            const measured = { ...(threads ? { threads } : {}), semiSpace, repeat: repeatFor(n, repeat), scratch, today };
            const dir = path.join(scratch, String(n));
            const files = writeFleet(dir, generateFleet({ count: n, seed }));
            log(`generated ${n} tenant(s)`, { dir, seed });
            if (tasks.has("validate")) {
                measuredOne((await measure("validate", n, dir, measured)).run);
            }
            let planDigest: string | undefined;
            if (tasks.has("plan")) {
                const plan = await measure("plan", n, dir, measured);
                measuredOne(plan.run);
                planDigest = plan.digest;
            }
            if (tasks.has("diff")) {
                measuredOne((await measure("diff", n, dir, measured)).run);
            }
            if (tasks.has("shard4")) {
                measuredOne(await measureShard4(n, dir, measured, planDigest!));
            }
            if (tasks.has("incremental")) {
                measuredOne(await measureIncremental(n, dir, measured, planDigest));
            }
            if (n === 10 && tasks.has("naive")) {
                measuredOne(measureNaive(files, semiSpace));
            }
        }
        if (tasks.has("startup")) {
            // Required here: the build loads the TypeScript compiler, which no measured child needs.
            const { ensureBuilt } = require("../scripts/build") as typeof import("../scripts/build");
            const built = ensureBuilt();
            if (built.errors.length > 0) {
                throw new MeasurementError(`the program does not compile:\n${built.errors.join("\n")}`);
            }
            const seconds = Array.from({ length: STARTUP_RUNS }, () => measureStartup().seconds).sort((a, b) => a - b);
            startupSeconds = round(seconds[0]!, 3);
            startupMedian = round(seconds[Math.floor(seconds.length / 2)]!, 3);
            // The same among the largest fleet's files: first with no claims cache, then warm.
            const biggest = Math.max(...sizes);
            const project = fleetProject(path.join(scratch, String(biggest)), scratch);
            fs.rmSync(claimCacheOf(project.root), { force: true });
            const cold = measureStartup(project.stack, project.root).seconds;
            const warm = Math.min(...Array.from({ length: 3 }, () => measureStartup(project.stack, project.root).seconds));
            amongFleet = { n: biggest, cold: round(cold, 3), warm: round(warm, 3) };
        }
        if (tasks.has("hostile")) {
            // Required here: the validator is loaded by the measured children, not by this process, unless asked.
            const { measureHostile } = require("./hostile") as typeof import("./hostile");
            hostile = measureHostile();
        }
    } catch (error) {
        failure = error;
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
    if (failure !== undefined) {
        // What was measured before the failure is on disk already: a step that fails after an hour
        // of the 10,000-tenant run loses nothing measured before it.
        if (saved > 0) {
            process.stderr.write(`bench: a step failed; the ${saved} figure(s) measured before it are in ${path.relative(process.cwd(), out)} (its other rows kept)\n`);
        }
        throw failure;
    }
    const all = previous ? keepRuns(previous.runs, runs) : runs;
    const naive = all.find((run) => run.task === "naive");
    const largest = all.filter((run) => run.task === "plan").sort((a, b) => b.n - a.n)[0];
    naiveRatio = naive && largest ? round(naive.msPerTenant / largest.msPerTenant, 1) : null;
    const results: Results = { runs: all, startupSeconds: startupSeconds ?? previous?.startupSeconds ?? null, naiveRatio: naiveRatio ?? previous?.naiveRatio ?? null };
    writeResults(out, results);
    await writeStdout(renderTable(results, startupMedian, amongFleet));
    const hostileSummary = hostile.length > 0 ? (require("./hostile") as typeof import("./hostile")).hostileLines(hostile) : [];
    process.stderr.write(`${[...budgets(results), ...hostileSummary].join("\n")}\nbench: wrote ${path.relative(process.cwd(), out)}\n`);
    return EXIT.ok;
}

if (require.main === module) {
    void run("bench", main, USAGE);
}
