// The return to production after the incident: a planned, announced operation that restores the
// recovery environment's own backups (the data written during the incident) into production's
// network, waits for production to take the restored database over, opens production again and
// points client access back. `dr` never updates the production stack itself: taking the restored
// database over is a reviewed `npm run up` of production, which this run waits for.

import { redirectStep } from "./activate";
import { checkUntil } from "./check";
import { DrContext, productionOutputs, recoveryOutputs, Step } from "./context";
import { arnRegion, OutputError, readRecoveryOutputs } from "./outputs";
import { refuseFailbackWithTenants } from "./preconditions";
import { reencrypt } from "./reencrypt";
import { restore } from "./restore";

/**
 * The restored database's id in stack config `restoredDatabase`, from the ARN the restore job
 * created: an RDS instance (`arn:aws:rds:REGION:ACCOUNT:db:ID`) or an EC2 instance
 * (`arn:aws:ec2:REGION:ACCOUNT:instance/i-...`, physical's database server).
 */
export function restoredDatabaseId(createdArn: string): { kind: "rds" | "ec2"; id: string } | undefined {
    const rds = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:db:([a-zA-Z][a-zA-Z0-9-]*)$/.exec(createdArn);
    if (rds) return { kind: "rds", id: rds[1]! };
    const ec2 = /^arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:instance\/(i-[0-9a-f]+)$/.exec(createdArn);
    if (ec2) return { kind: "ec2", id: ec2[1]! };
    return undefined;
}

/**
 * Why production has not taken the restored database over yet, with the operator's exact commands;
 * undefined when production's `databaseArn` output is the restored instance. Production's program
 * takes an RDS instance over with stack config `restoredDatabase` (components/database.ts: the
 * restored instance imported with production's settings, the former kept and retained); dr never
 * updates production itself: the takeover is a reviewed update.
 */
export function adoptProblem(production: string, productionDatabaseArn: string, createdArn: string): string | undefined {
    if (productionDatabaseArn === createdArn) {
        return undefined;
    }
    const restored = restoredDatabaseId(createdArn);
    const now = `production's database is ${productionDatabaseArn}, not the restored ${createdArn}`;
    if (restored === undefined) {
        return `${now}, and that ARN names no RDS or EC2 instance: check the restore job in AWS Backup`;
    }
    if (restored.kind === "ec2") {
        return (
            `${now}: the restored database server ${restored.id} cannot be taken over by production's program yet (README, failback, "Not yet"): ` +
            `move its data into production's database server by hand (pg_dump from ${restored.id}, pg_restore into production's), then npm run dr -- failback ${production} --resume --force (--force: you confirm production's database server holds the restored data)`
        );
    }
    return (
        `${now}: take it over, then resume: ` +
        `(1) pulumi config set restoredDatabase ${restored.id} --stack ${production}; ` +
        `(2) npm run plan -- ${production} --config restoredDatabase=${restored.id} (review: ${restored.id} imported as production's database with its settings, the former instance kept and retained, 0 problems, 0 violations); ` +
        `(3) npm run up -- ${production}; ` +
        `(4) npm run dr -- failback ${production} --resume`
    );
}

export const FAILBACK_NOTICE = "Planned return to our production environment: the service may be unavailable for a short time.";

/** Production's own restore role and target (the outputs a failback needs of production). */
async function productionRestoreInto(ctx: DrContext): Promise<{ roleArn: string; target: NonNullable<ReturnType<typeof readRecoveryOutputs>["restoreTarget"]>; dataKeyArn?: string }> {
    const json = await ctx.pulumi.outputs(ctx.target.production);
    const raw = JSON.parse(json) as Record<string, unknown>;
    // The same shape as a recovery stack's: validated by the same reader.
    const parsed = readRecoveryOutputs(ctx.target.production, JSON.stringify({ ...raw, recoveryActive: false }));
    return { roleArn: parsed.restoreRoleArn, target: parsed.restoreTarget, ...(parsed.dataKeyArn ? { dataKeyArn: parsed.dataKeyArn } : {}) };
}

/**
 * The vault holding the recovery environment's copies in production's region (its
 * `offsiteBackupVaultArn`: its backups are copied back home). A restore job restores in its
 * recovery point's region (StartRestoreJob takes no region: the recovery point's vault decides), so
 * the recovery region's own vault (`backupVaultArn`) cannot land anything in production's network.
 */
async function homeCopyVault(ctx: DrContext, productionDatabaseArn: string): Promise<string> {
    const stack = ctx.target.recovery;
    const raw = JSON.parse(await ctx.pulumi.outputs(stack)) as Record<string, unknown>;
    const vault = raw.offsiteBackupVaultArn;
    if (typeof vault !== "string" || !/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:.+$/.test(vault)) {
        throw new OutputError(`stack ${stack}: offsiteBackupVaultArn is ${vault === undefined ? "missing" : JSON.stringify(vault).slice(0, 80)}: a failback restores the copies of the recovery environment's backups in production's region (pulumi stack output --json --stack ${stack})`);
    }
    if (arnRegion(vault) !== arnRegion(productionDatabaseArn)) {
        throw new OutputError(`stack ${stack}: offsiteBackupVaultArn ${vault} is in ${arnRegion(vault)}, production ${ctx.target.production} in ${arnRegion(productionDatabaseArn)}: a restore job lands only in its vault's region`);
    }
    return vault;
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
            const vaultArn = await homeCopyVault(ctx, (await productionOutputs(ctx)).databaseArn);
            const filesBucketArn = `arn:aws:s3:::${env.restoreTarget.filesBucketName}`;
            // The copies keep their source's ARN: the recovery environment's database and bucket.
            return restore(ctx, { vaultArn, resources: { database: env.databaseArn, files: filesBucketArn } }, { stack: ctx.target.production, ...into }, previous, save);
        },
    },
    {
        name: "reencrypt",
        title: "move the restored RDS database under production's data key (snapshot, copy with the key, restore the copy into production's network, managed master secret, intermediates deleted)",
        async run(ctx, previous, save) {
            const restored = ctx.state.steps.find((step) => step.name === "restore")?.detail;
            const created = (restored?.created as Record<string, string> | undefined)?.database;
            if (created === undefined || restoredDatabaseId(created)?.kind !== "rds") {
                // A database server (physical) is moved by hand at adopt; a missing one is named there.
                return { skipped: created === undefined ? "no restored database" : "not an RDS instance" };
            }
            const into = await productionRestoreInto(ctx);
            if (into.dataKeyArn === undefined) {
                throw new OutputError(`stack ${ctx.target.production}: dataKeyArn is missing: the restored database is re-encrypted with production's data key (deploy production with npm run up first)`);
            }
            const production = await productionOutputs(ctx);
            return reencrypt(ctx, { production: ctx.target.production, region: arnRegion(created), restoredArn: created, dataKeyArn: into.dataKeyArn, target: into.target, productionDatabaseArn: production.databaseArn }, previous, save);
        },
    },
    {
        name: "adopt",
        title: "production takes the restored database over (a reviewed npm run up of production with restoredDatabase; this step waits for it)",
        async run(ctx) {
            const restored = ctx.state.steps.find((step) => step.name === "restore")?.detail;
            // The re-encrypted instance when the reencrypt step made one, else the restore job's.
            const reencrypted = ctx.state.steps.find((step) => step.name === "reencrypt")?.detail?.databaseArn as string | undefined;
            const created = reencrypted ?? (restored?.created as Record<string, string> | undefined)?.database;
            if (created === undefined) {
                throw new Error(`the restore step names no restored database; run npm run dr -- failback ${ctx.target.production} --resume after the restore completes`);
            }
            const production = await productionOutputs(ctx);
            const problem = adoptProblem(ctx.target.production, production.databaseArn, created);
            // A restored database server (physical) is moved by hand: --force is the operator's word that it was.
            if (problem !== undefined && ctx.force && restoredDatabaseId(created)?.kind === "ec2") {
                ctx.log.warn({ restored: created, database: production.databaseArn }, "adopt: --force: the operator moved the restored server's data into production's database server by hand");
                return { databaseArn: production.databaseArn, movedByHandFrom: created };
            }
            if (problem !== undefined) {
                throw new Error(problem);
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
