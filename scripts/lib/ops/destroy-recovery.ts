// npm run destroy of a recovery environment (`<x>-recovery`, only with --force, parsed in
// scripts/stack-ops.ts) or of a drill copy (`<x>-drill`): a plain `pulumi destroy`, no final backup.
// Neither owns data of record: a recovery environment's database is the one a restore job created
// (looked up by stack config `restoredDatabase`, never the stack's), and a drill copy holds restored
// copies of production for the length of a drill. An ACTIVE recovery environment is refused even
// with --force: it may be serving the clients; failback (npm run dr) brings them home first. Active
// is what either says: the output `recoveryActive` (the last update that succeeded) or the stack
// config `recoveryActive` (what dr set before the update that activates, which may have stopped
// part-way, leaving servers or the restored database behind outputs that still say idle).

import type { Stack } from "@pulumi/pulumi/automation";
import type { Logger } from "pino";

import type { RecoveryKind } from "../../../lib/platform";
import { EXIT, readLine, writeStdout } from "../cli";
import { classifySelectFailure, describeSelectFailure } from "./offboarding";
import { existingStack, outputValues, progress } from "./pulumi";
import { OpsIo, OpsRequest } from "./request";
import { firstLine } from "./rollout";
import { OpsSettings } from "./settings";

export interface RecoverySide {
    readonly stack: string;
    readonly production: string;
    readonly kind: RecoveryKind;
}

/** The CLI's word for a config key the stack does not have (`pulumi config get`): idle, the program's default. */
const NO_CONFIG_KEY = /configuration key '[^']*' not found for stack/;

/**
 * The stack config `recoveryActive`: true unless absent or "false" (a value the program would refuse,
 * e.g. "yes", is not taken for idle either). Any other failure to read it is thrown.
 */
async function configuredActive(stack: Stack): Promise<boolean> {
    try {
        return (await stack.getConfig("recoveryActive")).value !== "false";
    } catch (error) {
        if (NO_CONFIG_KEY.test((error as Error).message)) {
            return false;
        }
        throw error;
    }
}

/** The destroy of a recovery environment or drill copy; the caller has already required --force for a recovery. */
export async function destroyRecoverySide(side: RecoverySide, request: OpsRequest, settings: OpsSettings, log: Logger, io: OpsIo): Promise<number> {
    const outcome = await destroySide(side, request, settings, log, io);
    await writeStdout(outcome.report);
    return outcome.ok ? EXIT.ok : EXIT.invalid;
}

async function destroySide(side: RecoverySide, request: OpsRequest, settings: OpsSettings, log: Logger, io: OpsIo): Promise<{ ok: boolean; report: string }> {
    const stackLog = log.child({ stack: side.stack });
    let stack;
    try {
        stack = await existingStack(side.stack);
    } catch (error) {
        const failure = classifySelectFailure(error);
        stackLog.error({ event: "refused", reason: failure.kind, error: (error as Error).message }, "cannot select the stack");
        return { ok: false, report: `destroy: ${describeSelectFailure(failure, side.stack, settings.backendUrl ?? "pulumi login")}; nothing was destroyed.\n` };
    }
    let active = false;
    let configured = false;
    try {
        active = side.kind === "recovery" && (await outputValues(stack)).recoveryActive === true;
        configured = side.kind === "recovery" && (await configuredActive(stack));
    } catch (error) {
        const failure = classifySelectFailure(error);
        stackLog.error({ event: "refused", reason: failure.kind, error: (error as Error).message }, "cannot read the stack");
        return { ok: false, report: `destroy: ${describeSelectFailure(failure, side.stack, settings.backendUrl ?? "pulumi login", "read")}; nothing was destroyed.\n` };
    }
    if (active) {
        stackLog.error({ event: "refused", reason: "active" }, "the recovery environment is active");
        return {
            ok: false,
            report:
                `destroy: ${side.stack} is ACTIVE (it may be serving ${side.production}'s clients, on the database a restore created): ` +
                `fail back first (npm run dr -- failback ${side.production}); nothing was destroyed.\n`,
        };
    }
    if (configured) {
        stackLog.error({ event: "refused", reason: "configured-active" }, "the stack config says the recovery environment is active");
        return {
            ok: false,
            report:
                `destroy: ${side.stack} may be ACTIVE: its stack config says recoveryActive=true though its outputs say idle (an activation stopped part-way?), ` +
                `so it may be serving ${side.production}'s clients or hold the database a restore created: finish the activation (npm run dr -- activate ${side.production} --resume) ` +
                `and fail back (npm run dr -- failback ${side.production}), or idle it (pulumi config set recoveryActive false --stack ${side.stack}, then pulumi up --stack ${side.stack} --policy-pack policy); ` +
                "nothing was destroyed.\n",
        };
    }
    const steps = [`pulumi destroy --stack ${side.stack} --yes (no final backup: ${side.kind === "drill" ? "a drill copy holds restored copies only" : "a recovery environment owns no data of record while idle"})`];
    if (request.dryRun) {
        return { ok: true, report: `${steps.join("\n")}\ndry run: nothing was destroyed.\n` };
    }
    if (!request.yes) {
        io.stderr.write(`This will run:\n${steps.map((step) => `  ${step}`).join("\n")}\n`);
        const answer = await readLine(io.stdin, `Type the stack name (${side.stack}) to destroy it: `, io.stderr);
        if (answer?.trim() !== side.stack) {
            stackLog.warn({ event: "refused" }, "destroy not confirmed");
            return { ok: false, report: `destroy: not confirmed (expected "${side.stack}"); nothing was destroyed.\n` };
        }
    }
    stackLog.info({ event: "start", op: "destroy", kind: side.kind }, "destroy started");
    try {
        const result = await stack.destroy({ ...progress(stackLog) });
        if (result.summary.result !== "succeeded") {
            throw new Error(`the destroy ended "${result.summary.result}"`);
        }
    } catch (error) {
        stackLog.error({ event: "failed", op: "destroy", error: (error as Error).message }, "destroy failed");
        // A database a drill restored sits in the copy's subnets and security group, which AWS then
        // refuses to delete: dr's teardown deletes it (only drills' own, by name).
        const hint = side.kind === "drill" ? ` If a database a drill restored is still in its network, npm run dr -- drill ${side.production} --resume deletes it in its teardown.` : "";
        return { ok: false, report: `destroy: ${side.stack} failed part-way (${firstLine(error)}); some resources may remain: see the log and run it again.${hint}\n` };
    }
    stackLog.info({ event: "done", op: "destroy", kind: side.kind }, "destroy succeeded");
    return { ok: true, report: `destroy: ${side.stack} destroyed.\nThe stack ${side.stack} itself (its history and config) still exists: pulumi stack rm ${side.stack} when you no longer need it.\n` };
}
