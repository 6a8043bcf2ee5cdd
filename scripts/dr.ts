#!/usr/bin/env tsx
// npm run dr -- activate|failback|drill TARGET, status: the contingency plan of the security
// documentation (section 4, "Backup Environment") as code. See README "Disaster recovery: the runbook".

import * as fs from "node:fs";
import * as path from "node:path";

import { ensureBuilt } from "./build";
import { checkOutputPath, EXIT, parseFlags, readLine, run, UsageError, writeOutputFile, writeStdout } from "./lib/cli";
import { ACTIVATE_STEPS } from "./lib/dr/activate";
import { awsProblem, DrAws, sdkAws } from "./lib/dr/aws";
import { FunctionalCheck, httpCheck } from "./lib/dr/check";
import { DrContext, Refusal, Step } from "./lib/dr/context";
import { DRILL_STEPS, recordDrill } from "./lib/dr/drill";
import { FAILBACK_STEPS } from "./lib/dr/failback";
import { OutputError } from "./lib/dr/outputs";
import { preconditions } from "./lib/dr/preconditions";
import { RECOVERY_TIME_PROMISE_MINUTES } from "./lib/dr/promise";
import { PulumiCli, pulumiCli, PulumiError } from "./lib/dr/pulumi-cli";
import { renderReport, verdict } from "./lib/dr/report";
import { newRunId, Operation, resumable, RunState, runFile, saveRun } from "./lib/dr/run-file";
import { runSteps } from "./lib/dr/runner";
import { targetStatus } from "./lib/dr/status";
import { drTarget } from "./lib/dr/targets";
import { fleetTargets } from "./lib/dr/fleet-targets";
import { createLogger } from "./lib/ops/log";
import { MissingToolError, requireTool } from "./lib/ops/pulumi";
import { loadDotenv, readSettings } from "./lib/ops/settings";
import { loadFleetDirectory } from "../stacks/config/load-fleet";
import { repoRoot } from "../stacks/config/project";
import { formatProblem } from "../stacks/config/validate";

export const USAGE = `Usage: npm run dr -- activate TARGET [--since TIME] [--force] [--yes] [--resume] [--report FILE.md]
       npm run dr -- failback TARGET [--yes] [--resume] [--report FILE.md]
       npm run dr -- drill TARGET [--dry-run] [--yes] [--resume] [--report FILE.md]
       npm run dr -- status TARGET ...

The contingency plan: TARGET is a dedicated tenant's id or platform-<region> (which carries the
shared app and every saas and dedicated-saas tenant of the region). Promise: the recovery
environment active within ${RECOVERY_TIME_PROMISE_MINUTES / 60} hours of the collapse.

  activate   1 block production (maintenance page, notice to operations), 2 check and update the
             recovery environment's version (recoveryActive=true), 3 restore the newest off-site
             recovery points of the database and files, 4 functional check of the recovery
             endpoint, 5 redirect DNS (recoveryRedirect=true). Refused while production still
             passes its functional check, without a recovery point, or with one older than the
             backup promise allows (--force overrides these refusals).
  failback   the planned return: announce, restore the recovery environment's own backups into
             production's network, wait for production to take the database over (npm run up),
             remove the maintenance page, redirect back, check production.
  drill      steps 2-4 into an isolated copy (<TARGET>-drill), timed against the promise, then torn
             down; production and DNS untouched. --dry-run prints the steps, no credentials needed.
  status     readiness of each target (all of tenant-configs/ without TARGET): recovery stack,
             recovery point ages, last drill

  --yes          do not ask for confirmation (type the target's name otherwise)
  --resume       continue the last unfinished run of this operation after its last completed step
  --force        override the refusals above (say why in the incident record)
  --since TIME   when production collapsed (ISO 8601); the two hours count from it (default: now)
  --report FILE  the Markdown report there too (always: .dr/<TARGET>/<run-id>.md)
  --dry-run      print the steps; change nothing
  --log-file F   JSON logs to F (default: LOG_FILE, else stderr)

Exit codes: 0 done (drill: within the promise), 1 refused, failed or (drill) the promise breached,
2 usage error or a missing CLI.
`;

const OPERATIONS: Record<Operation, readonly Step[]> = { activate: ACTIVATE_STEPS, failback: FAILBACK_STEPS, drill: DRILL_STEPS };

/** What `dr` needs of the world; tests replace any of it. */
export interface DrIo {
    readonly stdin: NodeJS.ReadableStream;
    readonly stderr: NodeJS.WriteStream;
    readonly stdout?: (text: string) => Promise<void>;
    readonly aws?: DrAws;
    readonly check?: FunctionalCheck;
    readonly pulumi?: PulumiCli;
    readonly now?: () => Date;
    readonly sleep?: (ms: number) => Promise<void>;
    /** Where run files and reports go. Default: <repo>/.dr */
    readonly runDir?: string;
    /** Targets of `status` without arguments. Default: the fleet in tenant-configs/. */
    readonly fleet?: () => string[];
}

/** Only `status` without targets reads the tenant files; the other commands never do. */
function fleetFromFiles(): string[] {
    const fleet = loadFleetDirectory();
    if (fleet.problems.length > 0) {
        throw new UsageError(`the tenant files are invalid:\n${fleet.problems.map(formatProblem).join("\n")}`, EXIT.invalid);
    }
    return fleetTargets(fleet.tenants);
}

export async function main(argv: string[], io: DrIo = { stdin: process.stdin, stderr: process.stderr }): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        yes: { type: "boolean", default: false },
        resume: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        since: { type: "string" },
        report: { type: "string" },
        "log-file": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
    });
    const out = io.stdout ?? writeStdout;
    if (values.help) {
        await out(USAGE);
        return EXIT.ok;
    }
    const [command, ...rest] = positionals;
    if (command !== "status" && !(command !== undefined && command in OPERATIONS)) {
        throw new UsageError(command === undefined ? "missing command: activate, failback, drill or status" : `unknown command "${command.slice(0, 40)}": expected activate, failback, drill or status`);
    }
    if (command !== "status" && rest.length !== 1) {
        throw new UsageError(`${command} takes exactly one TARGET (a dedicated tenant's id or platform-<region>)`);
    }
    const targets = rest.map(drTarget);
    const now = io.now ?? (() => new Date());
    let since: Date | undefined;
    if (values.since !== undefined) {
        since = new Date(values.since);
        if (Number.isNaN(since.getTime()) || since.getTime() > now().getTime()) {
            throw new UsageError(`--since "${values.since.slice(0, 40)}" is not a past time in ISO 8601 (e.g. 2026-03-01T02:40:00Z)`);
        }
    }
    const operation = command as Operation;
    if (values["dry-run"]) {
        if (command === "status") throw new UsageError("status changes nothing: it has no --dry-run");
        const steps = OPERATIONS[operation];
        await out(`${operation} ${targets[0]!.production} would run, in order (nothing was changed; no credentials used):\n${steps.map((step, i) => `  ${i + 1}. ${step.name}: ${step.title}`).join("\n")}\nPromise: active within ${RECOVERY_TIME_PROMISE_MINUTES / 60} h of the collapse.\n`);
        return EXIT.ok;
    }
    if (values.report !== undefined) checkOutputPath("--report", values.report, { createFolder: true });
    loadDotenv();
    const settings = readSettings();
    const runDir = io.runDir ?? path.join(repoRoot(), ".dr");
    const log = createLogger({ level: settings.logLevel, file: values["log-file"] ?? settings.logFile, stream: io.stderr });
    try {
        if (io.pulumi === undefined) await requireTool("pulumi", ["version"]);
        const pulumi = io.pulumi ?? pulumiCli(log);
        const aws = io.aws ?? sdkAws();
        if (command === "status") {
            const names = rest.length > 0 ? rest : (io.fleet ?? fleetFromFiles)();
            const results = [];
            for (const name of names) results.push(await targetStatus(name, { pulumi, aws, now: now(), runDir }));
            await out(results.map((result) => `${result.target}: ${result.ready ? "ready" : "NOT READY"}\n${result.lines.join("\n")}\n`).join(""));
            return results.every((result) => result.ready) ? EXIT.ok : EXIT.invalid;
        }
        const target = targets[0]!;
        const steps = OPERATIONS[operation];
        let state: RunState;
        const fresh = !values.resume;
        if (values.resume) {
            const previous = resumable(runDir, target.production, operation);
            if (previous === undefined) throw new UsageError(`no unfinished ${operation} of ${target.production} in ${runDir} to resume`, EXIT.invalid);
            state = previous;
            delete state.outcome;
        } else {
            const unfinished = resumable(runDir, target.production, operation);
            if (unfinished !== undefined && unfinished.outcome !== "refused") {
                throw new UsageError(`an unfinished ${operation} of ${target.production} exists (${runFile(runDir, target.production, unfinished.runId)}): continue it with --resume`, EXIT.invalid);
            }
            const started = now();
            state = { runId: newRunId(started), operation, target: target.production, startedAt: started.toISOString(), since: (since ?? started).toISOString(), force: values.force === true, steps: [] };
        }
        const ctx: DrContext = {
            target, pulumi, aws, check: io.check ?? httpCheck(), now, sleep: io.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
            log: log.child({ stack: target.production, run: state.runId }), force: state.force || values.force === true,
            pollMs: settings.backupPollSeconds * 1000, checkTimeoutMs: 15 * 60_000, state,
        };
        if (fresh) {
            const notes = await preconditions(ctx, operation);
            for (const note of notes) ctx.log.info({ event: "precondition" }, note);
        }
        if (!values.yes) {
            io.stderr.write(`${operation} ${target.production}${values.resume ? ` (resuming run ${state.runId})` : ""} will run, in order:\n${steps.map((step, i) => `  ${i + 1}. ${step.name}: ${step.title}`).join("\n")}\n`);
            const answer = await readLine(io.stdin, `Type the target (${target.production}) to go on: `, io.stderr);
            if (answer?.trim() !== target.production) {
                await out(`${operation}: not confirmed; nothing was changed.\n`);
                return EXIT.invalid;
            }
        }
        const built = io.pulumi === undefined ? ensureBuilt() : { errors: [] };
        if (built.errors.length > 0) {
            await out(`${operation}: the program does not compile, so nothing was started:\n${built.errors.join("\n")}\n`);
            return EXIT.invalid;
        }
        const outcome = await runSteps(ctx, steps, (current) => saveRun(runDir, current));
        // A drill's durable record (SSM, the recovery's region), unless it was refused before it ran.
        const recorded = operation === "drill" && !outcome.refused ? `${(await recordDrill(ctx, now())).text}\n` : "";
        const report = renderReport(state, steps, now());
        const reportFile = path.join(runDir, target.production, `${state.runId}.md`);
        fs.mkdirSync(path.dirname(reportFile), { recursive: true });
        fs.writeFileSync(reportFile, report);
        if (values.report !== undefined) writeOutputFile("--report", values.report, report);
        const result = verdict(state, now());
        const summary = outcome.ok
            ? `${operation} ${target.production}: completed${result.kept === false ? "; the two-hour promise was BREACHED" : ""}.`
            : `${operation} ${target.production}: ${outcome.refused ? "refused" : "failed"} at step ${outcome.failedStep}: ${outcome.error}\n${outcome.refused ? "" : `Fix it, then: npm run dr -- ${operation} ${target.production} --resume`}`;
        await out(`${summary.trimEnd()}\nReport: ${values.report ?? reportFile}\n${recorded}\n${report}`);
        if (!outcome.ok) return EXIT.invalid;
        return operation === "drill" && result.kept === false ? EXIT.invalid : EXIT.ok;
    } catch (error) {
        if (error instanceof MissingToolError) {
            io.stderr.write(`dr: ${error.message}\n`);
            return EXIT.usage;
        }
        if (error instanceof Refusal || error instanceof OutputError || error instanceof PulumiError) {
            log.error({ event: "refused" }, error.message);
            await out(`${command}: ${error instanceof Refusal ? "refused" : "stopped"}: ${error.message}\nNothing was changed.\n`);
            return EXIT.invalid;
        }
        // Only the checks before the first step call AWS outside runSteps (which records a step's
        // failure in the run): so nothing has changed when AWS refuses here.
        const problem = awsProblem(error);
        if (problem !== undefined) {
            log.error({ event: "refused" }, problem);
            await out(`${command}: stopped: ${problem}\nNothing was changed.\n`);
            return EXIT.invalid;
        }
        throw error;
    }
}

if (require.main === module) {
    void run("dr", (argv) => main(argv), USAGE);
}
