// npm run destroy, and the offboarding of a tenant whose file says status: offboarding: the final
// backup, the record that lifts deletion protection, the targeted update, the destroy and the
// removal of the record. One implementation for both.


import type { Stack } from "@pulumi/pulumi/automation";
import type { Logger } from "pino";

import { recoveryTargetOf } from "../../../lib/platform";
import { finalBackupConfigValue, FinalBackupRecord, OFFBOARDING_CONFIG_KEY } from "../../../lib/promises/offboarding";
import { EXIT, readLine, writeStdout } from "../cli";
import { shellQuote } from "../tenant-new/resume";
import { FINAL_BACKUP_RETENTION_DAYS, FinalBackupPlan, finalBackupPlan, FinishedBackup, startBackupJobArgs, takeFinalBackup } from "./backup";
import { destroyRecoverySide } from "./destroy-recovery";
import { classifySelectFailure, describeSelectFailure, finalBackupRecord, protectedUrns } from "./offboarding";
import { existingStack, outputValues, policyPack, progress, requireTool } from "./pulumi";
import { OpsIo, OpsRequest } from "./request";
import { firstLine } from "./rollout";
import { OpsSettings } from "./settings";

function describeDestroy(stack: string, decision: ReturnType<typeof finalBackupPlan>): string[] {
    const lines: string[] = [];
    if (decision.kind === "backup") {
        for (const job of decision.plan.jobs) {
            // Quoted for a shell: the JSON arguments are pasted from here when a step is run by hand.
            lines.push(`aws ${startBackupJobArgs(decision.plan, job, stack).map(shellQuote).join(" ")}`);
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

/** What the interruption guard needs: the record's removal, where to say what it did, how to end. */
export interface InterruptionGuard {
    readonly forget: () => Promise<string>;
    readonly tenant: string;
    readonly stderr: { write(text: string): unknown };
    readonly exit: (code: number) => void;
    /** Where the signals come from (the process; a test's own emitter). */
    readonly signals?: Pick<NodeJS.EventEmitter, "on" | "removeListener">;
}

/**
 * While the offboarding record is in the stack config (the next update would leave deletion
 * protection off), Ctrl-C or a SIGTERM (a cancelled CI job) removes it before the process ends,
 * and says so, or says what to run by hand: the record is never left behind without a word. A
 * second signal while it is being removed ends the process at once, with the command to run.
 * Exit 130 after SIGINT, 143 after SIGTERM, as a shell reports them. Returns the function that
 * stops listening (once the record is gone by the normal path).
 */
export function forgetOffboardingOnSignal(guard: InterruptionGuard): () => void {
    const byHand = `pulumi config rm ${OFFBOARDING_CONFIG_KEY} --stack ${guard.tenant}`;
    let removing = false;
    // Named, so that a listener list shows whose it is.
    const onSignal = function forgetOffboardingOnInterrupt(signal: NodeJS.Signals): void {
        const code = signal === "SIGTERM" ? 143 : 130;
        if (removing) {
            guard.stderr.write(`destroy: interrupted again: ${OFFBOARDING_CONFIG_KEY} may still be set; run \`${byHand}\`, or the next update leaves deletion protection off.\n`);
            guard.exit(code);
            return;
        }
        removing = true;
        guard.stderr.write(`destroy: interrupted (${signal}): removing the stack config ${OFFBOARDING_CONFIG_KEY}, so that the next update turns deletion protection back on...\n`);
        void guard.forget().then((leftover) => {
            guard.stderr.write(
                leftover === ""
                    ? `destroy: ${OFFBOARDING_CONFIG_KEY} removed. The final backup is kept; the stack may be partly updated or destroyed: run destroy again.\n`
                    : leftover,
            );
            guard.exit(code);
        });
    };
    const signals = guard.signals ?? process;
    signals.on("SIGINT", onSignal);
    signals.on("SIGTERM", onSignal);
    return () => {
        signals.removeListener("SIGINT", onSignal);
        signals.removeListener("SIGTERM", onSignal);
    };
}

/** How an offboarding runs: `npm run destroy` (asks, unless --yes) or main's rollout (the tenant file's status is the confirmation). */
export interface OffboardOptions {
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
export async function offboard(tenant: string, settings: OpsSettings, log: Logger, options: OffboardOptions): Promise<{ ok: boolean; report: string }> {
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
    let outputs: Record<string, unknown>;
    let holdsNothing = false;
    try {
        outputs = await outputValues(stack);
        holdsNothing = options.goneIsDone === true && Object.keys(outputs).length === 0 && isEmptyDeployment(await stack.exportStack());
    } catch (error) {
        // The login expired or the backend went away between the select and the read.
        const failure = classifySelectFailure(error);
        stackLog.error({ event: "refused", reason: failure.kind, error: (error as Error).message }, "cannot read the stack");
        return { ok: false, report: `destroy: ${describeSelectFailure(failure, tenant, settings.backendUrl ?? "pulumi login", "read")}; nothing was destroyed.\n` };
    }
    if (holdsNothing) {
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
    // From here on, Ctrl-C or a SIGTERM removes the offboarding record before the process ends.
    const stopGuard =
        decision.kind === "backup" ? forgetOffboardingOnSignal({ forget: () => forgetOffboarding(stack, tenant, stackLog), tenant, stderr: process.stderr, exit: (code) => process.exit(code) }) : () => {};
    try {
        return await liftAndDestroy(stack, tenant, decision, backups, stackLog);
    } finally {
        stopGuard();
    }
}

/** The record that lifts deletion protection (with a final backup), the targeted update, the destroy and the record's removal. */
async function liftAndDestroy(
    stack: Stack,
    tenant: string,
    decision: ReturnType<typeof finalBackupPlan>,
    backups: FinishedBackup[],
    stackLog: Logger,
): Promise<{ ok: boolean; report: string }> {
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
export async function destroy(request: OpsRequest, settings: OpsSettings, log: Logger, io: OpsIo): Promise<number> {
    const tenant = request.stacks[0]!;
    const side = recoveryTargetOf(tenant);
    if (side !== undefined) {
        return destroyRecoverySide({ stack: tenant, ...side }, request, settings, log, io);
    }
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
