// The contingency plan of the security documentation (section 4), in its order, as steps:
// (1) production blocked with an incident notice, (2) the recovery environment's application
// version checked and updated, (3) the database and files restored from the off-site backups,
// (4) the general (functional) check, (5) client access redirected.

import { maintenancePage } from "./aws";
import { environmentCheck } from "./check";
import { DrContext, productionOutputs, recoveryOutputs, Refusal, Step } from "./context";
import { restore } from "./restore";

export const INCIDENT_NOTICE = "We are restoring the service in our backup environment after a major incident. It will be back shortly; no action is needed on your side.";

/** Production still answering its functional check is no collapse: refused unless --force. */
export async function refuseIfProductionHealthy(ctx: DrContext, url: string): Promise<void> {
    const result = await ctx.check(url);
    if (result.ok && !ctx.force) {
        throw new Refusal(`production ${ctx.target.production} still passes its functional check (${url} answered 200): activating the recovery environment would split the data between two live environments. Use --force if production is unusable all the same`);
    }
    ctx.log.info({ event: "production-check", ok: result.ok, ...(result.ok ? {} : { error: result.error }) }, result.ok ? "production answers (--force)" : `production fails its check: ${result.error}`);
}

/** Compares the application version (server image) of production and an environment; updates the environment with `config`. */
export async function versionStep(ctx: DrContext, stack: string, config: Record<string, string>): Promise<Record<string, unknown>> {
    const production = await productionOutputs(ctx);
    const before = await recoveryOutputs(ctx, stack);
    for (const [key, value] of Object.entries(config)) {
        await ctx.pulumi.setConfig(stack, key, value);
    }
    // The update also brings an environment whose image lags behind to production's: the recovery
    // stack's program pins the same application release as production's.
    await ctx.pulumi.up(stack);
    const after = await recoveryOutputs(ctx, stack, { active: true });
    if (after.serverImage !== production.serverImage) {
        throw new Error(`${stack} runs ${after.serverImage} after its update, production runs ${production.serverImage}: bring the recovery stack's image in step (npm run plan -- ${stack}) and resume`);
    }
    return { production: production.serverImage, before: before.serverImage, after: after.serverImage, updated: before.serverImage !== production.serverImage };
}

export function restoreStep(stackOf: (ctx: DrContext) => string): Step {
    return {
        name: "restore",
        title: "restore the newest off-site recovery points of the database and files (AWS Backup restore jobs)",
        async run(ctx, previous, save) {
            const production = await productionOutputs(ctx);
            const stack = stackOf(ctx);
            const env = await recoveryOutputs(ctx, stack, { active: true });
            const detail = await restore(
                ctx,
                { vaultArn: production.offsiteBackupVaultArn, resources: { database: production.databaseArn, files: production.filesBucketArn } },
                { stack, roleArn: env.restoreRoleArn, target: env.restoreTarget },
                previous,
                save,
            );
            // The active stack takes the restored database and files over (its servers point at them).
            await ctx.pulumi.setConfig(stack, "restoredDatabase", String(detail.restoredDatabase));
            await ctx.pulumi.setConfig(stack, "restoredFilesBucket", String(detail.restoredFilesBucket));
            await ctx.pulumi.up(stack);
            return detail;
        },
    };
}

/** The DNS step: the recovery stack's SECONDARY record on (activate) or off (failback), through `pulumi up`. */
export function redirectStep(title: string, redirect: boolean): Step {
    return {
        name: "redirect",
        title,
        async run(ctx) {
            await ctx.pulumi.setConfig(ctx.target.recovery, "recoveryRedirect", String(redirect));
            await ctx.pulumi.up(ctx.target.recovery);
            return { stack: ctx.target.recovery };
        },
    };
}

export function checkStep(stackOf: (ctx: DrContext) => string): Step {
    return {
        name: "check",
        title: "functional check of the recovery endpoint (GET /login answers 200, as the 5-minute availability check; behind an internal door, that check's canary)",
        run: (ctx) => environmentCheck(ctx, stackOf(ctx)),
    };
}

export const ACTIVATE_STEPS: readonly Step[] = [
    {
        name: "block",
        title: "block production: maintenance page (503 with the incident notice) on its front door, notice to operations",
        async run(ctx) {
            const production = await productionOutputs(ctx);
            const detail: Record<string, unknown> = {};
            try {
                detail.maintenanceRule = await ctx.aws.putMaintenanceRule(production.httpsListenerArn, maintenanceBody(ctx));
            } catch (error) {
                // A collapsed region may not answer at all: its clients get nothing either way.
                detail.maintenanceRule = null;
                detail.unreachable = (error as Error).message.split("\n")[0];
                ctx.log.warn({ event: "production-unreachable", error: detail.unreachable }, "the maintenance page could not be put on production's front door; continuing");
            }
            try {
                await ctx.aws.notify(production.operationsTopicArn, `[incident] ${ctx.target.production}: recovery environment activation started`, `npm run dr -- activate ${ctx.target.production} started at ${ctx.state.startedAt} (run ${ctx.state.runId}).`);
                detail.notified = true;
            } catch (error) {
                detail.notified = false;
                ctx.log.warn({ event: "notice-failed", error: (error as Error).message }, "the operations notice could not be sent; continuing");
            }
            return detail;
        },
    },
    {
        name: "version",
        title: "check the recovery environment's application version against production's and update it (pulumi up, recoveryActive=true)",
        run: (ctx) => versionStep(ctx, ctx.target.recovery, { recoveryActive: "true" }),
    },
    restoreStep((ctx) => ctx.target.recovery),
    checkStep((ctx) => ctx.target.recovery),
    redirectStep("redirect client access: DNS failover to the recovery environment (pulumi up, recoveryRedirect=true)", true),
];

function maintenanceBody(ctx: DrContext): string {
    return maintenancePage(ctx.target.production, INCIDENT_NOTICE);
}

export function refuseWithoutRecovery(exists: boolean, stack: string, target: string): void {
    if (!exists) {
        throw new Refusal(`there is no stack ${stack}: ${target} has no recovery environment (a target is a dedicated tenant or platform-<region>; saas and dedicated-saas tenants recover with their platform-<region>)`);
    }
}
