#!/usr/bin/env tsx
// npm run preview|up|destroy -- ...: the real stack operations of platform engineers, through
// Pulumi's Automation API over this repository's program, with the policy pack on every preview
// and update. `up --all` rolls the fleet out platform first, canaries next, then waves.

import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";

import type { Stack } from "@pulumi/pulumi/automation";
import type { Logger } from "pino";

import { finalBackupConfigValue, FinalBackupRecord, OFFBOARDING_CONFIG_KEY } from "../lib/promises/offboarding";
import { claimCacheFile } from "../stacks/config/claims";
import { loadFleetDirectory, loadFleetFilesAgainstDirectory } from "../stacks/config/load-fleet";
import { tenantConfigDir } from "../stacks/config/project";
import { formatProblem } from "../stacks/config/validate";
import { platformRegionOf } from "../lib/platform";
import { ensureBuilt } from "./build";
import { checkOutputPath, EXIT, parseFlags, run, UsageError, writeStdout } from "./lib/cli";
import { FINAL_BACKUP_RETENTION_DAYS, FinalBackupPlan, finalBackupPlan, FinishedBackup, startBackupJobArgs, takeFinalBackup } from "./lib/ops/backup";
import { changedStacks } from "./lib/ops/changed";
import { createLogger } from "./lib/ops/log";
import { classifySelectFailure, describeSelectFailure, finalBackupRecord, protectedUrns } from "./lib/ops/offboarding";
import { existingStack, MissingToolError, outputValues, policyPack, prepareStack, progress, requireTool, StackTarget } from "./lib/ops/pulumi";
import { chunks, firstLine, RolloutOutcome, rolloutPlan, RolloutWave, runRollout } from "./lib/ops/rollout";
import { loadDotenv, OpsSettings, readSettings } from "./lib/ops/settings";

export const USAGE = `Usage: npm run preview -- (STACK ... | --all) [--parallel N] [--dry-run] [--log-file FILE]
       npm run up      -- (STACK ... | --all) [--parallel N] [--dry-run] [--log-file FILE]
       npm run destroy -- TENANT [--yes] [--dry-run] [--log-file FILE]
       tsx scripts/stack-ops.ts changed --plan PLAN.json

Runs the real Pulumi program of each stack (Pulumi CLI and AWS credentials needed), with the policy
pack in policy/. STACK is a tenant id (tenant-configs/STACK.yaml) or platform-<region>.

  preview        what each stack would change (read-only)
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
                 and backups are retained. A failed or unconfirmed backup leaves protection on.
  changed        prints the JSON list of stacks whose plan diff shows a change (for CI)

  --all          every tenant in tenant-configs/ and the platform of every region in use
  --parallel N   stacks at once (default: STACK_PARALLEL, else 1)
  --dry-run      print what would run; change nothing
  --yes          destroy without asking for the tenant id
  --log-file F   JSON logs to F (default: LOG_FILE, else stderr; readable on a terminal)
  --plan FILE    with changed: the plan document (npm run plan -- --all --base REF --json)
  -h, --help     show this help

Settings come from the environment and an optional .env (see .env.example).
Exit codes: 0 done, 1 a stack operation failed or was refused (nothing further was started),
2 usage error or a missing CLI (pulumi, aws).
`;

export const COMMANDS = ["preview", "up", "destroy", "changed"] as const;
export type Command = (typeof COMMANDS)[number];

export interface OpsRequest {
    readonly command: Command;
    readonly stacks: string[];
    readonly all: boolean;
    readonly parallel: number | undefined;
    readonly dryRun: boolean;
    readonly yes: boolean;
    readonly logFile: string | undefined;
    readonly plan: string | undefined;
}

export function parseRequest(argv: string[]): OpsRequest | "help" {
    const { values, positionals } = parseFlags(argv, {
        all: { type: "boolean", default: false },
        parallel: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        yes: { type: "boolean", default: false },
        "log-file": { type: "string" },
        plan: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        return "help";
    }
    const [command, ...stacks] = positionals;
    if (!COMMANDS.includes(command as Command)) {
        throw new UsageError(command === undefined ? "missing command: preview, up, destroy or changed" : `unknown command "${command.slice(0, 40)}": expected preview, up, destroy or changed`);
    }
    for (const stack of stacks) {
        if (!/^[a-z][a-z0-9-]{1,40}[a-z0-9]$/.test(stack)) {
            throw new UsageError(`"${stack.slice(0, 60)}" is not a stack name (a tenant id or platform-<region>)`);
        }
    }
    let parallel: number | undefined;
    if (values.parallel !== undefined) {
        parallel = Number(values.parallel);
        if (!Number.isInteger(parallel) || parallel < 1) {
            throw new UsageError(`--parallel expects a whole number of at least 1, got "${values.parallel.slice(0, 20)}"`);
        }
    }
    const request: OpsRequest = {
        command: command as Command,
        stacks,
        all: values.all === true,
        parallel,
        dryRun: values["dry-run"] === true,
        yes: values.yes === true,
        logFile: values["log-file"],
        plan: values.plan,
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
    } else if (request.all === stacks.length > 0) {
        throw new UsageError(`${request.command} takes either stack names or --all`);
    }
    if (request.yes && request.command !== "destroy") {
        throw new UsageError("--yes applies to destroy only");
    }
    return request;
}

/** What the operations need of the world outside: streams, for tests. */
export interface OpsIo {
    readonly stdin: NodeJS.ReadableStream;
    readonly stderr: NodeJS.WriteStream;
}

/** `offboarding`: the tenants whose file says `status: offboarding`, which up destroys (the same code as destroy). */
type Targets = { ok: true; waves: RolloutWave[]; regions: Map<string, string>; offboarding: Set<string> } | { ok: false; message: string };

/** The stacks of the request, their regions and the order to run them in; tenant files are validated first. */
export function resolveTargets(request: OpsRequest, parallel: number): Targets {
    if (request.all) {
        const fleet = loadFleetDirectory();
        if (fleet.problems.length > 0) {
            return { ok: false, message: `the tenant files are invalid; nothing was run:\n${fleet.problems.map(formatProblem).join("\n")}` };
        }
        const regions = new Map<string, string>(fleet.tenants.map((tenant) => [tenant.id, tenant.region]));
        for (const region of new Set(fleet.tenants.map((tenant) => tenant.region))) {
            regions.set(`platform-${region}`, region);
        }
        const offboarding = new Set(fleet.tenants.filter((tenant) => tenant.status === "offboarding").map((tenant) => tenant.id));
        return { ok: true, waves: rolloutPlan(fleet.tenants, parallel), regions, offboarding };
    }
    const regions = new Map<string, string>();
    const offboarding = new Set<string>();
    for (const stack of request.stacks) {
        const region = platformRegionOf(stack);
        if (region !== undefined) {
            regions.set(stack, region);
            continue;
        }
        const fleet = loadFleetFilesAgainstDirectory([path.join(tenantConfigDir(), `${stack}.yaml`)], { claimCache: claimCacheFile() });
        const tenant = fleet.tenants[0];
        if (fleet.problems.some((problem) => problem.message === "no such file")) {
            return { ok: false, message: `no tenant "${stack}": there is no tenant-configs/${stack}.yaml (platform stacks are named platform-<region>); nothing was run` };
        }
        if (fleet.problems.length > 0 || tenant === undefined) {
            return { ok: false, message: `tenant file of ${stack} is invalid; nothing was run:\n${fleet.problems.map(formatProblem).join("\n")}` };
        }
        regions.set(stack, tenant.region);
        if (tenant.status === "offboarding") {
            offboarding.add(stack);
        }
    }
    // Named platform stacks still go before the tenants that read their outputs.
    const ordered = [...request.stacks.filter((stack) => platformRegionOf(stack) !== undefined), ...request.stacks.filter((stack) => platformRegionOf(stack) === undefined)];
    return { ok: true, waves: chunks([...new Set(ordered)], parallel).map((stacks) => ({ stage: "fleet" as const, stacks })), regions, offboarding };
}

/** The equivalent CLI commands, for --dry-run. */
function describeOperation(command: "preview" | "up", target: StackTarget, settings: OpsSettings): string {
    const parallel = settings.resourceParallel ? ` --parallel ${settings.resourceParallel}` : "";
    const flags = command === "preview" ? " --diff" : " --yes";
    return `pulumi config set aws:region ${target.region} --stack ${target.stack} && pulumi ${command} --stack ${target.stack} --policy-pack policy${flags}${parallel}`;
}

/** The --dry-run line of an offboarding tenant: the destroy's own steps, without asking (the file's status confirms). */
function describeOffboard(command: "preview" | "up", stack: string): string {
    return command === "up"
        ? `npm run destroy -- ${stack} --yes (status: offboarding: final backup, deletion protection lifted, destroy; vaults, keys and backups kept)`
        : `npm run destroy -- ${stack} --dry-run (status: offboarding: the steps the rollout of main will run; nothing changes)`;
}

function renderOutcome(command: string, outcome: RolloutOutcome): string {
    const total = outcome.succeeded.length + outcome.failed.length + outcome.notStarted.length;
    const lines = [`${command}: ${outcome.succeeded.length} succeeded, ${outcome.failed.length} failed, ${outcome.notStarted.length} not started (of ${total} stacks)`];
    if (outcome.succeeded.length > 0) {
        lines.push(`  succeeded:   ${outcome.succeeded.join(", ")}`);
    }
    for (const failure of outcome.failed) {
        lines.push(`  failed:      ${failure.stack}: ${failure.error}`);
    }
    if (outcome.notStarted.length > 0) {
        lines.push(`  not started: ${outcome.notStarted.join(", ")}`);
    }
    if (command === "up" && outcome.failed.length + outcome.notStarted.length > 0) {
        lines.push("The failed stacks may be partly updated (see the log); the stacks not started were not touched.");
    }
    if (command === "preview") {
        lines.push("A preview changes no infrastructure.");
    }
    return `${lines.join("\n")}\n`;
}

async function previewOrUp(command: "preview" | "up", request: OpsRequest, settings: OpsSettings, log: Logger): Promise<number> {
    const parallel = request.parallel ?? settings.stackParallel;
    const targets = resolveTargets(request, parallel);
    if (!targets.ok) {
        log.error({ event: "refused" }, targets.message.split("\n")[0]!);
        await writeStdout(`${targets.message}\n`);
        return EXIT.invalid;
    }
    const target = (stack: string): StackTarget => ({ stack, region: targets.regions.get(stack)! });
    if (request.dryRun) {
        const describe = (stack: string): string => (targets.offboarding.has(stack) ? describeOffboard(command, stack) : describeOperation(command, target(stack), settings));
        const lines = targets.waves.map((wave, index) => `wave ${index + 1} (${wave.stage}):\n${wave.stacks.map((stack) => `  ${describe(stack)}`).join("\n")}`);
        await writeStdout(`${lines.join("\n")}\ndry run: nothing was ${command === "up" ? "deployed" : "previewed"}.\n`);
        return EXIT.ok;
    }
    if (command === "up" && targets.offboarding.size > 0) {
        // The final backups need the AWS CLI: missing, nothing starts (exit 2), as for destroy.
        await requireTool("aws", ["--version"]);
    }
    // What each offboarding printed (destroyed, kept, the final backups), after the summary.
    const reports: string[] = [];
    log.info({ event: "rollout", waves: targets.waves, offboarding: [...targets.offboarding], parallel, backend: settings.backendUrl ?? "(pulumi login)", awsProfile: settings.awsProfile ?? "(default)" }, `${command} of ${targets.regions.size} stack(s)`);
    const outcome = await runRollout(
        targets.waves,
        async (name) => {
            const stackLog = log.child({ stack: name });
            const { region } = target(name);
            stackLog.info({ event: "start", op: command, region }, `${command} started`);
            if (targets.offboarding.has(name)) {
                // status: offboarding. up destroys it with destroy's own code, without asking: the
                // merged file is the confirmation. preview shows those steps and changes nothing.
                const result = await offboard(name, settings, log, { dryRun: command === "preview", goneIsDone: true });
                reports.push(command === "preview" ? `${name} (status: offboarding), on the next up:\n${result.report}` : result.report);
                if (!result.ok) {
                    stackLog.error({ event: "failed", op: "offboard" }, "offboarding failed");
                    throw new Error(result.report.split("\n")[0]);
                }
                stackLog.info({ event: "done", op: command === "up" ? "offboard" : command }, command === "up" ? "offboarded" : "offboarding previewed");
                return;
            }
            try {
                const stack = await prepareStack(target(name));
                const options = { policyPacks: [policyPack()], parallel: settings.resourceParallel, ...progress(stackLog) };
                if (command === "preview") {
                    const result = await stack.preview({ ...options, diff: true });
                    stackLog.info({ event: "done", op: command, changes: result.changeSummary }, "preview finished");
                } else {
                    const result = await stack.up(options);
                    if (result.summary.result !== "succeeded") {
                        throw new Error(`error: the update ended "${result.summary.result}"`);
                    }
                    stackLog.info({ event: "done", op: command, changes: result.summary.resourceChanges }, "update succeeded");
                }
            } catch (error) {
                stackLog.error({ event: "failed", op: command, error: (error as Error).message }, `${command} failed`);
                throw error;
            }
        },
        { continueOnFailure: command === "preview" },
    );
    log.info({ event: "outcome", ...outcome }, `${command} finished`);
    await writeStdout(`${renderOutcome(command, outcome)}${reports.join("")}`);
    return outcome.failed.length > 0 ? EXIT.invalid : EXIT.ok;
}

/** Reads one line from `input`; undefined when it ends first. */
function readLine(input: NodeJS.ReadableStream, prompt: string, output: NodeJS.WritableStream): Promise<string | undefined> {
    return new Promise((resolve) => {
        const rl = readline.createInterface({ input, output, terminal: false });
        let answer: string | undefined;
        output.write(prompt);
        rl.once("line", (line) => {
            answer = line;
            rl.close();
        });
        rl.once("close", () => resolve(answer));
    });
}

function describeDestroy(stack: string, decision: ReturnType<typeof finalBackupPlan>): string[] {
    const lines: string[] = [];
    if (decision.kind === "backup") {
        for (const job of decision.plan.jobs) {
            lines.push(`aws ${startBackupJobArgs(decision.plan, job, stack).join(" ")}`);
        }
        lines.push(`(wait until every backup job is COMPLETED; the recovery points are kept ${FINAL_BACKUP_RETENTION_DAYS} days in vault ${decision.plan.vaultName})`);
    } else if (decision.kind === "nothing") {
        lines.push(`(no final backup: ${decision.reason})`);
    }
    if (decision.kind === "backup") {
        lines.push(`pulumi config set ${OFFBOARDING_CONFIG_KEY} '{"completedAt":"<when the backup completed>","recoveryPoints":{...}}' --stack ${stack}`);
        lines.push(`pulumi up --stack ${stack} --policy-pack policy --yes --target <each RDS instance and load balancer of the stack> (deletion protection off, nothing else changes)`);
    }
    lines.push(`pulumi destroy --stack ${stack} --yes`);
    if (decision.kind === "backup") {
        lines.push(`pulumi config rm ${OFFBOARDING_CONFIG_KEY} --stack ${stack}`);
    }
    return lines;
}

/**
 * Lifts the deletion protection of the stack's protected resources, after the final backup and only
 * then: records the backup in the stack config (the program's one switch, stacks/context.ts
 * `offboardingOf`), then an update targeted at exactly those resources (`targetDependents: false`),
 * so that nothing else of the stack changes on its way out: a full update would also roll out
 * whatever else differs (a new server image, a changed rule) and could fail or replace servers
 * for no purpose. Returns the error message, or undefined when protection is off.
 */
async function liftProtection(stack: Stack, record: FinalBackupRecord, log: Logger): Promise<{ stage: "config" | "state" | "update"; message: string } | undefined> {
    try {
        await stack.setConfig(OFFBOARDING_CONFIG_KEY, { value: finalBackupConfigValue(record) });
    } catch (error) {
        return { stage: "config", message: firstLine(error) };
    }
    let targets: string[];
    try {
        targets = protectedUrns(await stack.exportStack());
    } catch (error) {
        return { stage: "state", message: firstLine(error) };
    }
    log.info({ event: "start", op: "lift-protection", targets }, `lifting deletion protection of ${targets.length} resource(s)`);
    if (targets.length === 0) {
        return undefined;
    }
    try {
        const result = await stack.up({ target: targets, targetDependents: false, policyPacks: [policyPack()], ...progress(log) });
        if (result.summary.result !== "succeeded") {
            return { stage: "update", message: `the update ended "${result.summary.result}"` };
        }
    } catch (error) {
        return { stage: "update", message: firstLine(error) };
    }
    log.info({ event: "done", op: "lift-protection" }, "deletion protection lifted");
    return undefined;
}

/** Removes the offboarding record; what to run by hand when that fails. */
async function forgetOffboarding(stack: Stack, tenant: string, log: Logger): Promise<string> {
    try {
        await stack.removeConfig(OFFBOARDING_CONFIG_KEY);
        return "";
    } catch (error) {
        log.error({ event: "failed", op: "config-rm", error: (error as Error).message }, "cannot remove the offboarding record");
        return `  The stack config ${OFFBOARDING_CONFIG_KEY} could not be removed (${firstLine(error)}): run \`pulumi config rm ${OFFBOARDING_CONFIG_KEY} --stack ${tenant}\`, or the next update leaves deletion protection off.\n`;
    }
}

/** How an offboarding runs: `npm run destroy` (asks, unless --yes) or main's rollout (the tenant file's status is the confirmation). */
interface OffboardOptions {
    readonly dryRun: boolean;
    /** Asked with the steps before anything runs; absent: no question (--yes, or the rollout). */
    readonly confirm?: (steps: readonly string[]) => Promise<boolean>;
    /**
     * The rollout's reading of a stack that is gone or empty: a tenant whose file still says
     * offboarding after an earlier rollout destroyed its stack is done, not a failure.
     */
    readonly goneIsDone?: boolean;
}

/** Whether an exported deployment holds no resource at all (a stack destroyed, kept for its history). */
function isEmptyDeployment(deployment: unknown): boolean {
    const resources = (deployment as { deployment?: { resources?: unknown } } | undefined)?.deployment?.resources;
    return !Array.isArray(resources) || resources.length === 0;
}

/**
 * Offboards one tenant stack: the final backup, the record that lifts deletion protection, the
 * targeted update, the destroy and the removal of the record. The one implementation behind
 * `npm run destroy` and the rollout of tenants whose file says `status: offboarding`. Returns
 * whether it succeeded and the report for stdout; never prompts unless `confirm` is given.
 */
async function offboard(tenant: string, settings: OpsSettings, log: Logger, options: OffboardOptions): Promise<{ ok: boolean; report: string }> {
    const stackLog = log.child({ stack: tenant });
    let stack;
    try {
        stack = await existingStack(tenant);
    } catch (error) {
        const failure = classifySelectFailure(error);
        if (options.goneIsDone && failure.kind === "no-stack") {
            stackLog.info({ event: "done", op: "offboard" }, "no stack: already offboarded");
            return { ok: true, report: `destroy: ${tenant} has no stack: already offboarded; delete tenant-configs/${tenant}.yaml in a pull request.\n` };
        }
        stackLog.error({ event: "refused", reason: failure.kind, error: (error as Error).message }, "cannot select the stack");
        return { ok: false, report: `destroy: ${describeSelectFailure(failure, tenant, settings.backendUrl ?? "pulumi login")}; nothing was destroyed.\n` };
    }
    const outputs = await outputValues(stack);
    if (options.goneIsDone && Object.keys(outputs).length === 0 && isEmptyDeployment(await stack.exportStack())) {
        stackLog.info({ event: "done", op: "offboard" }, "the stack holds no resource: already offboarded");
        return { ok: true, report: `destroy: ${tenant} holds no resource: already offboarded; pulumi stack rm ${tenant}, and delete tenant-configs/${tenant}.yaml in a pull request.\n` };
    }
    const decision = finalBackupPlan(outputs);
    if (decision.kind === "invalid") {
        stackLog.error({ event: "refused", problems: decision.problems }, "cannot plan the final backup");
        return { ok: false, report: `destroy: cannot take the final backup of ${tenant}, so nothing was destroyed:\n${decision.problems.map((problem) => `  ${problem}`).join("\n")}\n` };
    }
    const steps = describeDestroy(tenant, decision);
    if (options.dryRun) {
        return { ok: true, report: `${steps.join("\n")}\ndry run: nothing was backed up or destroyed.\n` };
    }
    if (options.confirm && !(await options.confirm(steps))) {
        stackLog.warn({ event: "refused" }, "destroy not confirmed");
        return { ok: false, report: `destroy: not confirmed (expected "${tenant}"); nothing was backed up or destroyed.\n` };
    }
    let backups: FinishedBackup[] = [];
    if (decision.kind === "backup") {
        try {
            backups = await takeFinalBackup(decision.plan, tenant, {
                pollSeconds: settings.backupPollSeconds,
                timeoutMinutes: settings.backupTimeoutMinutes,
                onProgress: (event) => stackLog.info({ event: "backup", ...event }, `final backup of the ${event.label}: ${event.state}`),
            });
        } catch (error) {
            stackLog.error({ event: "failed", op: "backup", error: (error as Error).message }, "final backup failed");
            return { ok: false, report: `destroy: the final backup of ${tenant} failed, so the stack was not destroyed: ${(error as Error).message}\n` };
        }
    }
    const backupLines = backups.map((backup) => `  final backup of the ${backup.label}: ${backup.recoveryPointArn}\n`).join("");
    const offboarding = decision.kind === "backup";
    if (offboarding) {
        const confirmed = finalBackupRecord(backups, new Date());
        if ("problems" in confirmed) {
            stackLog.error({ event: "refused", op: "lift-protection", problems: confirmed.problems }, "final backup not confirmed");
            return { ok: false, report: `destroy: the final backup of ${tenant} is not confirmed (${confirmed.problems.join("; ")}), so deletion protection stays on and nothing was destroyed.\n${backupLines}` };
        }
        const lifted = await liftProtection(stack, confirmed.record, stackLog);
        if (lifted !== undefined) {
            stackLog.error({ event: "failed", op: "lift-protection", stage: lifted.stage, error: lifted.message }, "cannot lift deletion protection");
            // Without the record the next update turns protection back on wherever it went off.
            const leftover = lifted.stage === "config" ? "" : await forgetOffboarding(stack, tenant, stackLog);
            const what =
                lifted.stage === "config"
                    ? `its stack config ${OFFBOARDING_CONFIG_KEY} could not be set (${lifted.message}), so deletion protection stays on`
                    : lifted.stage === "state"
                      ? `its state could not be read to find the protected resources (${lifted.message}), so deletion protection stays on`
                      : `the update that lifts deletion protection failed (${lifted.message}); the database and load balancer may still be protected`;
            return { ok: false, report: `destroy: ${what}, and nothing was destroyed. The final backup is kept:\n${backupLines}${leftover}Fix the cause and run destroy again.\n` };
        }
    }
    stackLog.info({ event: "start", op: "destroy" }, "destroy started");
    try {
        const result = await stack.destroy({ ...progress(stackLog) });
        if (result.summary.result !== "succeeded") {
            throw new Error(`the destroy ended "${result.summary.result}"`);
        }
    } catch (error) {
        stackLog.error({ event: "failed", op: "destroy", error: (error as Error).message }, "destroy failed");
        const leftover = offboarding ? await forgetOffboarding(stack, tenant, stackLog) : "";
        return { ok: false, report: `destroy: ${tenant} failed part-way (${firstLine(error)}); some resources may remain: see the log and run it again.\n${backupLines}${leftover}` };
    }
    const leftover = offboarding ? await forgetOffboarding(stack, tenant, stackLog) : "";
    stackLog.info({ event: "done", op: "destroy", backups }, "destroy succeeded");
    return { ok: true, report: `${leftover}${renderDestroyed(tenant, decision.kind === "backup" ? decision.plan : undefined, backups)}` };
}

async function destroy(request: OpsRequest, settings: OpsSettings, log: Logger, io: OpsIo): Promise<number> {
    const tenant = request.stacks[0]!;
    if (!request.dryRun) {
        await requireTool("aws", ["--version"]);
    }
    const confirm = async (steps: readonly string[]): Promise<boolean> => {
        io.stderr.write(`This will run, in order:\n${steps.map((step) => `  ${step}`).join("\n")}\n`);
        const answer = await readLine(io.stdin, `Type the tenant id (${tenant}) to destroy its stack: `, io.stderr);
        return answer?.trim() === tenant;
    };
    const outcome = await offboard(tenant, settings, log, { dryRun: request.dryRun, ...(request.yes ? {} : { confirm }) });
    await writeStdout(outcome.report);
    return outcome.ok ? EXIT.ok : EXIT.invalid;
}

function renderDestroyed(tenant: string, plan: FinalBackupPlan | undefined, backups: readonly FinishedBackup[]): string {
    const lines = [`destroy: ${tenant} destroyed.`];
    for (const backup of backups) {
        lines.push(`  final backup of the ${backup.label}: ${backup.recoveryPointArn} (kept ${FINAL_BACKUP_RETENTION_DAYS} days)`);
    }
    if (plan) {
        lines.push(
            `Retained on purpose (retainOnDelete): the backup vaults (${plan.vaultName} and its off-site copy), their locks, the backup KMS keys ` +
                "and every recovery point; they are no longer managed by the stack and expire with their retention.",
        );
    }
    lines.push(`The stack ${tenant} itself (its history and config) still exists: pulumi stack rm ${tenant} when you no longer need it.`);
    return `${lines.join("\n")}\n`;
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
        await writeStdout(`${JSON.stringify(changedStacks(document))}\n`);
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
