// The return to production after the incident: a planned, announced operation that restores the
// recovery environment's own backups (the data written during the incident) into production's
// network, waits for production to take the restored database over, opens production again and
// points client access back. `dr` never updates the production stack itself: taking the restored
// database over is a reviewed `npm run up` of production, which this run waits for.

import { redirectStep } from "./activate";
import { checkUntil } from "./check";
import { DrContext, productionOutputs, recoveryOutputs, Step } from "./context";
import { OutputError, readRecoveryOutputs } from "./outputs";
import { refuseFailbackWithTenants } from "./preconditions";
import { restore } from "./restore";

export const FAILBACK_NOTICE = "Planned return to our production environment: the service may be unavailable for a short time.";

/** Production's own restore role and target (the outputs a failback needs of production). */
async function productionRestoreInto(ctx: DrContext): Promise<{ roleArn: string; target: NonNullable<ReturnType<typeof readRecoveryOutputs>["restoreTarget"]>; dataKeyArn?: string }> {
    const json = await ctx.pulumi.outputs(ctx.target.production);
    const raw = JSON.parse(json) as Record<string, unknown>;
    // The same shape as a recovery stack's: validated by the same reader.
    const parsed = readRecoveryOutputs(ctx.target.production, JSON.stringify({ ...raw, recoveryActive: false }));
    return { roleArn: parsed.restoreRoleArn, target: parsed.restoreTarget, ...(parsed.dataKeyArn ? { dataKeyArn: parsed.dataKeyArn } : {}) };
}

export const FAILBACK_STEPS: readonly Step[] = [
    {
        name: "announce",
        title: "announce the planned return to production (operations topic)",
        async run(ctx) {
            const production = await productionOutputs(ctx);
            await ctx.aws.notify(production.operationsTopicArn, `[planned] ${ctx.target.production}: return to production`, `${FAILBACK_NOTICE} npm run dr -- failback ${ctx.target.production} started at ${ctx.state.startedAt} (run ${ctx.state.runId}).`);
            return { notified: true };
        },
    },
    {
        name: "restore",
        title: "restore the recovery environment's newest own backups into production's network",
        async run(ctx, previous, save) {
            const env = await recoveryOutputs(ctx, ctx.target.recovery, { active: true });
            refuseFailbackWithTenants(ctx.target.recovery, env.dedicatedSaasTenants);
            if (env.backupVaultArn === undefined || env.databaseArn === undefined) {
                throw new OutputError(`stack ${ctx.target.recovery}: backupVaultArn and databaseArn are needed for a failback (is the recovery environment active?)`);
            }
            const into = await productionRestoreInto(ctx);
            const filesBucketArn = `arn:aws:s3:::${env.restoreTarget.filesBucketName}`;
            return restore(ctx, { vaultArn: env.backupVaultArn, resources: { database: env.databaseArn, files: filesBucketArn } }, { stack: ctx.target.production, ...into }, previous, save);
        },
    },
    {
        name: "adopt",
        title: "production takes the restored database over (a reviewed npm run up of production; this step waits for it)",
        async run(ctx) {
            const restored = ctx.state.steps.find((step) => step.name === "restore")?.detail;
            const created = (restored?.created as Record<string, string> | undefined)?.database;
            const production = await productionOutputs(ctx);
            if (created === undefined || production.databaseArn !== created) {
                throw new Error(
                    `production's database is ${production.databaseArn}, not the restored ${created ?? String(restored?.restoredDatabase)}: ` +
                        `set it on production (pulumi config set restoredDatabase ${String(restored?.restoredDatabase)} --stack ${ctx.target.production}), ` +
                        `run npm run up -- ${ctx.target.production}, then npm run dr -- failback ${ctx.target.production} --resume`,
                );
            }
            return { databaseArn: created };
        },
    },
    {
        name: "reopen",
        title: "remove the maintenance page from production's front door",
        async run(ctx) {
            const production = await productionOutputs(ctx);
            return { removed: await ctx.aws.removeMaintenanceRule(production.httpsListenerArn) };
        },
    },
    redirectStep("point client access back to production (pulumi up of the recovery stack, recoveryRedirect=false)", false),
    {
        name: "check",
        title: "functional check of production (GET /login answers 200)",
        async run(ctx) {
            const production = await productionOutputs(ctx);
            const { result, attempts } = await checkUntil(ctx.check, production.url, { now: ctx.now, sleep: ctx.sleep, pollMs: ctx.pollMs, timeoutMs: ctx.checkTimeoutMs });
            if (!result.ok) {
                throw new Error(`${production.url} fails the functional check after ${attempts} attempt(s): ${result.error}`);
            }
            return { url: production.url, attempts };
        },
    },
];
