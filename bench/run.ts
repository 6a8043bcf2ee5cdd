#!/usr/bin/env tsx
// npm run bench: how fast the fleet-wide checks are at 10, 100 and 1,000 tenants. Generates a
// synthetic fleet (bench/generate.ts), then measures each task in a fresh child process of its own,
// so that each task's peak RSS is its own and nothing is warm that CI would have cold:
// - validate: loadFleetDirectory over the folder (schema, rules, cross-tenant checks);
// - plan: the offline plan as `npm run plan -- --all` makes it (every platform shown, cost, the
//   canonical JSON); the policy rules are timed apart, up to 100 tenants (they are quadratic);
// - diff: the plan of a one-line change in a shared component against the unchanged program, and
//   the diff between the two (diffPlans + blastRadius), as `plan --base` does it;
// - naive (N = 10): one fresh `scripts/plan.ts FILE --isolated --json` process per tenant, as a CI
//   loop calling a tool per stack would;
// - start-up: one tenant loaded the way Pulumi's nodejs language host loads the entry
//   (bench/host-load.js: Pulumi.yaml's main, the build in dist/, runtime mocks); the
//   program is built first if dist/ is not current (not timed: `npm run build` is paid once per
//   change, the start-up on every stack of every `pulumi` command).
// Prints a table and writes bench/results.json. Not a test: the figures depend on the machine.
// This file is the command; the processes are started in processes.ts, a child's task runs in
// tasks.ts, the table and budgets are in table.ts.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { checkOutputPath, EXIT, parseFlags, run, UsageError, writeOutputFile, writeStdout } from "../scripts/lib/cli";
import { DEFAULT_SEED, generateFleet, writeFleet } from "./generate";
import { MeasurementError } from "./measurement-error";
import { claimCacheOf, fleetProject, log, measure, measureNaive, measureStartup } from "./processes";
import { budgets, FleetStartup, renderTable, Results, round, Run, STARTUP_RUNS } from "./table";
import { child } from "./tasks";

export const USAGE = `Usage: npm run bench [-- --sizes 10,100,1000] [--seed S] [--out FILE] [--threads N] [--repeat N] [--skip-naive]

Measures validating, planning and diffing a synthetic fleet of each size, the naive way (one process
per tenant, N = 10) and one tenant's start-up under Pulumi's language host. Prints a table and
writes it as JSON.

  --sizes LIST     fleet sizes, comma-separated (default 10,100,1000)
  --seed S         the generator's seed (default ${DEFAULT_SEED})
  --out FILE       where to write the JSON (default bench/results.json)
  --threads N      plan threads (default: planFleet's choice for the fleet and machine)
  --semi-space MB  V8's --max-semi-space-size for the measured processes (default 128; 0: V8's own)
  --repeat N       runs of each validate, plan and diff task, the fastest kept (default 3)
  --skip-naive     do not measure the naive way (nor the start-up)
  -h, --help       show this help

Exit codes: 0 measured, 1 a measurement failed (an invalid fleet, a plan error), 2 usage error.
`;

export async function main(argv: string[]): Promise<number> {
    const { values } = parseFlags(argv, {
        sizes: { type: "string", default: "10,100,1000" },
        seed: { type: "string" },
        out: { type: "string", default: path.join("bench", "results.json") },
        threads: { type: "string" },
        "semi-space": { type: "string", default: "128" },
        "skip-naive": { type: "boolean", default: false },
        repeat: { type: "string", default: "3" },
        child: { type: "string" },
        dir: { type: "string" },
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
        if (values.dir === undefined) {
            throw new UsageError("--child needs --dir");
        }
        // The Pulumi runtime keeps timers of its own alive under mocks: once the report (or the
        // failure) is out, the child ends.
        try {
            const report = await child(values.child, values.dir, threads);
            await writeStdout(`${JSON.stringify(report)}\n`);
            process.exit(EXIT.ok);
        } catch (error) {
            process.stderr.write(`bench: ${values.child} failed: ${(error as Error).stack ?? String(error)}\n`);
            process.exit(EXIT.invalid);
        }
    }
    const sizes = values.sizes.split(",").map((text) => Number(text.trim()));
    if (sizes.some((size) => !Number.isInteger(size) || size < 1 || size > 5000)) {
        throw new UsageError(`--sizes expects integers from 1 to 5000 separated by commas, got "${values.sizes}"`);
    }
    const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
    if (!Number.isInteger(seed)) {
        throw new UsageError(`--seed expects an integer, got "${values.seed}"`);
    }
    const semiSpace = Number(values["semi-space"]);
    if (!Number.isInteger(semiSpace) || semiSpace < 0 || semiSpace > 1024) {
        throw new UsageError(`--semi-space expects MiB from 0 to 1024, got "${values["semi-space"]}"`);
    }
    const repeat = Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) {
        throw new UsageError(`--repeat expects an integer from 1 to 20, got "${values.repeat}"`);
    }
    const out = path.resolve(values.out);
    checkOutputPath("--out", values.out);

    const runs: Run[] = [];
    let startupSeconds: number | null = null;
    let startupMedian: number | null = null;
    let amongFleet: FleetStartup | null = null;
    let naiveRatio: number | null = null;
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-fleet-"));
    try {
        const measured = { threads, semiSpace, repeat };
        for (const n of [...sizes].sort((a, b) => a - b)) {
            const dir = path.join(scratch, String(n));
            const files = writeFleet(dir, generateFleet({ count: n, seed }));
            log(`generated ${n} tenant(s)`, { dir, seed });
            runs.push(measure("validate", n, dir, measured), measure("plan", n, dir, measured), measure("diff", n, dir, measured));
            if (n === 10 && !values["skip-naive"]) {
                runs.push(measureNaive(files, semiSpace));
            }
        }
        if (!values["skip-naive"]) {
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
            const naive = runs.find((run) => run.task === "naive");
            const largest = runs.filter((run) => run.task === "plan").sort((a, b) => b.n - a.n)[0];
            naiveRatio = naive && largest ? round(naive.msPerTenant / largest.msPerTenant, 1) : null;
        }
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
    const results: Results = { runs, startupSeconds, naiveRatio };
    writeOutputFile("--out", out, `${JSON.stringify(results, null, 2)}\n`);
    await writeStdout(renderTable(results, startupMedian, amongFleet));
    process.stderr.write(`${budgets(results).join("\n")}\nbench: wrote ${path.relative(process.cwd(), out)}\n`);
    return EXIT.ok;
}

if (require.main === module) {
    void run("bench", main, USAGE);
}
