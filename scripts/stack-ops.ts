#!/usr/bin/env tsx
// npm run preview|up|destroy -- ...: the real stack operations of platform engineers, through
// Pulumi's Automation API over this repository's program, with the policy pack on every preview
// and update. `up --all` rolls the fleet out platform first, canaries next, then waves. This file
// is the command (flags, settings, log, build); preview and up are in lib/ops/preview-up.ts, destroy
// and the offboarding of a tenant in lib/ops/destroy.ts.

import * as fs from "node:fs";

import { platformRegionOf, recoveryTargetOf } from "../lib/platform";
import { ensureBuilt } from "./build";
import { checkOutputPath, EXIT, parseFlags, run, UsageError, writeStdout } from "./lib/cli";
import { changedStacks } from "./lib/ops/changed";
import { destroy } from "./lib/ops/destroy";
import { createLogger } from "./lib/ops/log";
import { previewOrUp } from "./lib/ops/preview-up";
import { parseWaves } from "./lib/ops/rollout";
import { MissingToolError, requireTool } from "./lib/ops/pulumi";
import { Command, COMMANDS, OpsIo, OpsRequest } from "./lib/ops/request";
import { loadDotenv, readSettings } from "./lib/ops/settings";

export { COMMANDS } from "./lib/ops/request";
export type { Command, OpsIo, OpsRequest } from "./lib/ops/request";

export const USAGE = `Usage: npm run preview -- (STACK ... | --all) [--parallel N] [--dry-run] [--log-file FILE]
       npm run up      -- (STACK ... | --all) [--parallel N] [--dry-run] [--log-file FILE]
       npm run up      -- --waves "A,B;C,D" [--dry-run] [--log-file FILE]
       npm run destroy -- TENANT [--yes] [--dry-run] [--log-file FILE]
       npm run destroy -- TENANT-drill | TENANT-recovery --force [--yes] [--dry-run]
       tsx scripts/stack-ops.ts changed --plan PLAN.json

Runs the real Pulumi program of each stack (Pulumi CLI and AWS credentials needed), with the policy
pack in policy/. STACK is a tenant id (tenant-configs/STACK.yaml), platform-<region>, or the
recovery environment or drill copy of either (acme-recovery, platform-eu-west-1-recovery, acme-drill),
deployed in its production's off-site region.

  preview        what each stack would change (read-only): a stack the backend does not have yet (a
                 new tenant) is reported as new, never created (up creates it)
  up             deploys; --all: the platform stacks first, then the canaries one by one (test and
                 demo tenants, then one production tenant per mode), then the other tenants in
                 waves; stops at the first failure (no stack is started after it). A tenant
                 whose file says status: offboarding is not updated but offboarded, last, by
                 destroy's own steps without asking (the merged file is the confirmation); one
                 whose stack is already gone counts as done. preview shows those steps.
  destroy        takes a final on-demand backup of the tenant's database and files bucket with
                 AWS Backup (the AWS CLI is needed) and waits until it COMPLETED; then records it in
                 the stack config (offboardingFinalBackup), lifts the deletion protection of the
                 database and load balancer by an update targeted at them alone, destroys the stack
                 and removes the record; asks you to type the tenant id unless --yes. Vaults, keys
                 and backups are retained. A failed or unconfirmed backup leaves protection on;
                 so does Ctrl-C (or SIGTERM) once the record is set: it is removed before the
                 command ends (exit 130, 143), or the command to remove it is printed.
                 A drill copy (<x>-drill) is destroyed without a final backup (it holds restored
                 copies only). A recovery environment (<x>-recovery) only with --force, and never
                 while it is active, by its outputs or its stack config recoveryActive (fail back
                 first).
  changed        prints the JSON list of stacks whose plan diff shows a change (for CI); a plan
                 that lists a stack twice is refused

  --all          every tenant in tenant-configs/ and the platform of every region in use
  --parallel N   stacks at once (default: STACK_PARALLEL, else 1)
  --waves W      preview|up exactly these stacks in these waves, in this order: waves separated by
                 ";", the stacks of a wave (run at once) by ","; no reordering, stops at the first
                 failure like --all. CI's rollout batches (scripts/ci/rollout-matrix.ts) use it.
  --dry-run      print what would run; change nothing
  --yes          destroy without asking for the tenant id
  --force        destroy a recovery environment (<x>-recovery): the tenant or platform is then
                 left without a place to recover into, and its monthly restore tests stop
  --log-file F   JSON logs to F (default: LOG_FILE, else stderr; readable on a terminal)
  --plan FILE    with changed: the plan document (npm run plan -- --all --base REF --json)
  -h, --help     show this help

Settings come from the environment and an optional .env (see .env.example).
Exit codes: 0 done, 1 a stack operation failed or was refused (nothing further was started),
2 usage error or a missing CLI (pulumi, aws), 130 / 143 a destroy interrupted by Ctrl-C / SIGTERM.
`;

function checkStackName(stack: string): void {
    if (!/^[a-z][a-z0-9-]{1,40}[a-z0-9]$/.test(stack)) {
        throw new UsageError(`"${stack.slice(0, 60)}" is not a stack name (a tenant id, platform-<region>, or <either>-recovery / <either>-drill)`);
    }
}

export function parseRequest(argv: string[]): OpsRequest | "help" {
    const { values, positionals } = parseFlags(argv, {
        all: { type: "boolean", default: false },
        parallel: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        yes: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        "log-file": { type: "string" },
        plan: { type: "string" },
        waves: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        return "help";
    }
    const [command, ...stacks] = positionals;
    if (!COMMANDS.includes(command as Command)) {
        throw new UsageError(command === undefined ? "missing command: preview, up, destroy or changed" : `unknown command "${command.slice(0, 40)}": expected preview, up, destroy or changed`);
    }
    stacks.forEach(checkStackName);
    let parallel: number | undefined;
    if (values.parallel !== undefined) {
        parallel = Number(values.parallel);
        if (!Number.isInteger(parallel) || parallel < 1) {
            throw new UsageError(`--parallel expects a whole number of at least 1, got "${values.parallel.slice(0, 20)}"`);
        }
    }
    let waves: string[][] | undefined;
    if (values.waves !== undefined) {
        if (command !== "preview" && command !== "up") {
            throw new UsageError("--waves applies to preview and up only");
        }
        if (stacks.length > 0 || values.all === true || parallel !== undefined) {
            throw new UsageError("--waves names every stack and its wave: no STACK, --all or --parallel with it");
        }
        try {
            waves = parseWaves(values.waves);
        } catch (error) {
            throw new UsageError(`--waves: ${(error as Error).message}`);
        }
        for (const stack of waves.flat()) {
            checkStackName(stack);
        }
    }
    const request: OpsRequest = {
        command: command as Command,
        stacks,
        all: values.all === true,
        parallel,
        dryRun: values["dry-run"] === true,
        yes: values.yes === true,
        force: values.force === true,
        logFile: values["log-file"],
        plan: values.plan,
        ...(waves === undefined ? {} : { waves }),
    };
    if (request.command === "changed") {
        if (!request.plan || stacks.length > 0 || request.all) {
            throw new UsageError("changed takes --plan FILE and nothing else");
        }
    } else if (request.command === "destroy") {
        if (stacks.length !== 1 || request.all) {
            throw new UsageError("destroy takes exactly one tenant id (there is no --all)");
        }
        if (platformRegionOf(stacks[0]!) !== undefined) {
            throw new UsageError(`${stacks[0]} is a platform stack that every tenant of its region uses: destroy handles tenant stacks only`);
        }
        const recoverySide = recoveryTargetOf(stacks[0]!);
        if (recoverySide?.kind === "recovery" && !request.force) {
            throw new UsageError(
                `${stacks[0]} is the recovery environment of ${recoverySide.production}: destroying it leaves ${recoverySide.production} with nowhere to recover into ` +
                    "(its recovery network, VPN endpoints, keys and restore role gone) and stops its monthly restore tests; add --force if that is really meant",
            );
        }
    } else if (waves === undefined && request.all === stacks.length > 0) {
        throw new UsageError(`${request.command} takes either stack names or --all`);
    }
    if (request.yes && request.command !== "destroy") {
        throw new UsageError("--yes applies to destroy only");
    }
    if (request.force && (request.command !== "destroy" || recoveryTargetOf(stacks[0] ?? "")?.kind !== "recovery")) {
        throw new UsageError("--force applies to destroy of a recovery environment (<x>-recovery) only");
    }
    return request;
}

export async function main(argv: string[], io: OpsIo = { stdin: process.stdin, stderr: process.stderr }): Promise<number> {
    const request = parseRequest(argv);
    if (request === "help") {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    loadDotenv();
    const settings = readSettings();
    if (request.command === "changed") {
        let document: unknown;
        try {
            document = JSON.parse(fs.readFileSync(request.plan!, "utf8"));
        } catch (error) {
            throw new UsageError(`cannot read the plan document ${request.plan}: ${(error as Error).message}`);
        }
        let changed: string[];
        try {
            changed = changedStacks(document);
        } catch (error) {
            throw new UsageError(`${request.plan}: ${(error as Error).message}`);
        }
        await writeStdout(`${JSON.stringify(changed)}\n`);
        return EXIT.ok;
    }
    // Before anything runs: a log file that cannot be written is the caller's to fix, in one line.
    if (request.logFile !== undefined) {
        checkOutputPath("--log-file", request.logFile, { createFolder: true });
    } else if (settings.logFile !== undefined) {
        checkOutputPath("LOG_FILE", settings.logFile, { createFolder: true });
    }
    try {
        const version = await requireTool("pulumi", ["version"]);
        const log = createLogger({ level: settings.logLevel, file: request.logFile ?? settings.logFile, stream: io.stderr });
        log.info({ event: "cli", pulumi: version, command: request.command, dryRun: request.dryRun }, `pulumi ${version}`);
        if (!request.dryRun) {
            // Pulumi runs the compiled program (Pulumi.yaml main: dist/index.js); destroy runs it too,
            // for the update that lifts deletion protection.
            const built = ensureBuilt();
            if (built.errors.length > 0) {
                log.error({ event: "build-failed", errors: built.errors }, "the program does not compile");
                await writeStdout(`${request.command}: the program does not compile, so no stack was started:\n${built.errors.join("\n")}\n`);
                return EXIT.invalid;
            }
            log.info({ event: "build", rebuilt: built.rebuilt, sources: built.sources.length }, built.rebuilt ? "program built into dist/" : "dist/ is current");
        }
        return request.command === "destroy" ? await destroy(request, settings, log, io) : await previewOrUp(request.command, request, settings, log);
    } catch (error) {
        if (error instanceof MissingToolError) {
            io.stderr.write(`${request.command}: ${error.message}\n`);
            return EXIT.usage;
        }
        throw error;
    }
}

if (require.main === module) {
    void run("stack-ops", (argv) => main(argv), USAGE);
}
