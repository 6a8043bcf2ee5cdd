// The return to production after the incident: a planned, announced operation that restores the
// recovery environment's own backups (the data written during the incident) into production's
// network, waits for production to take the restored database over, opens production again and
// points client access back. `dr` never updates the production stack itself: taking the restored
// database over is a reviewed `npm run up` of production, which this run waits for.

import { redirectStep } from "./activate";
import { checkUntil } from "./check";
import { DrContext, productionOutputs, recoveryOutputs, Refusal, Step } from "./context";
import { arnRegion, DedicatedSaasTenantOutputs, OutputError, readRestoreIntoOutputs, readTenantSourceOutputs, RestoreTarget } from "./outputs";
import { DATA_VOLUME_DEVICE } from "../../../components/dual-nic-server";
import { reencrypt } from "./reencrypt";
import { reencryptVolume } from "./reencrypt-volume";
import { restore, RestoreInto, RestoreSource } from "./restore";

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
export function adoptProblem(production: string, productionDatabaseArn: string, createdArn: string, target: string = production): string | undefined {
    if (productionDatabaseArn === createdArn) {
        return undefined;
    }
    const restored = restoredDatabaseId(createdArn);
    const now = `production's database is ${productionDatabaseArn}, not the restored ${createdArn}`;
    if (restored === undefined) {
        return `${now}, and that ARN names no RDS or EC2 instance: check the restore job in AWS Backup`;
    }
    if (restored.kind === "ec2") {
        return `${now}: a restored database server's data is taken over as a volume (the reencrypt step makes it): resume the failback (npm run dr -- failback ${target} --resume)`;
    }
    return (
        `${now}: take it over, then resume: ` +
        `(1) pulumi config set restoredDatabase ${restored.id} --stack ${production}; ` +
        `(2) npm run plan -- ${production} --config restoredDatabase=${restored.id} (review: ${restored.id} imported as production's database with its settings, the former instance kept and retained, 0 problems, 0 violations); ` +
        `(3) npm run up -- ${production}; ` +
        `(4) npm run dr -- failback ${target} --resume`
    );
}

/**
 * Why physical production's database server does not run on the restored data volume yet, with the
 * operator's exact commands; undefined when the volume is attached at the data device and the
 * server runs. Production's program takes the volume over with stack config `restoredDataVolume`
 * (components/dual-nic-server.ts: imported, attached instead, the former volume detached and
 * retained); dr never updates production itself: the takeover is a reviewed update.
 */
export function adoptVolumeProblem(production: string, server: string, attached: { volume?: string; state?: string } | undefined, volumeId: string): string | undefined {
    if (attached?.volume === volumeId && attached.state === "running") {
        return undefined;
    }
    const now =
        attached === undefined
            ? `production's database server ${server} is not found`
            : attached.volume === volumeId
              ? `production's database server ${server} has the restored data volume ${volumeId} but is ${attached.state ?? "in an unknown state"}: start it (npm run up -- ${production} does), then resume`
              : `production's database server ${server} runs on the data volume ${attached.volume ?? "(none)"}, not the restored ${volumeId}`;
    if (attached?.volume === volumeId) return now;
    return (
        `${now}: take it over, then resume: ` +
        `(1) pulumi config set restoredDataVolume ${volumeId} --stack ${production}; ` +
        `(2) npm run plan -- ${production} --config restoredDataVolume=${volumeId} (review: ${volumeId} imported as the database server's data volume and attached, the former volume detached, tagged DataVolume=former and retained, the server started again and its setup run again, 0 problems, 0 violations); ` +
        `(3) npm run up -- ${production} (the database server stops for the swap); ` +
        `(4) npm run dr -- failback ${production} --resume`
    );
}

export const FAILBACK_NOTICE = "Planned return to our production environment: the service may be unavailable for a short time.";

/** A production stack's own restore role and target (the outputs a failback needs of production, or of a dedicated-saas tenant's stack). */
async function productionRestoreInto(ctx: DrContext, stack: string = ctx.target.production): Promise<{ roleArn: string; target: RestoreTarget; dataKeyArn?: string }> {
    // The same shape as a recovery stack's restore target: validated by the same rules.
    const parsed = readRestoreIntoOutputs(stack, await ctx.pulumi.outputs(stack));
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
        title: "restore the recovery environment's newest own backups into production's network (a platform: each dedicated-saas tenant's into its own production stack)",
        async run(ctx, previous, save) {
            const env = await recoveryOutputs(ctx, ctx.target.recovery, { active: true });
            if (env.backupVaultArn === undefined || env.databaseArn === undefined) {
                throw new OutputError(`stack ${ctx.target.recovery}: backupVaultArn and databaseArn are needed for a failback (is the recovery environment active?)`);
            }
            const into = await productionRestoreInto(ctx);
            const productionDatabaseArn = (await productionOutputs(ctx)).databaseArn;
            const vaultArn = await homeCopyVault(ctx, productionDatabaseArn);
            const filesBucketArn = `arn:aws:s3:::${env.restoreTarget.filesBucketName}`;
            const tenants = await failbackTenants(ctx, env.dedicatedSaasTenants ?? {}, productionDatabaseArn);
            // The copies keep their source's ARN: the recovery environment's database and bucket.
            const shared = { source: { vaultArn, resources: { database: env.databaseArn, files: filesBucketArn } }, into: { stack: ctx.target.production, ...into } };
            return restoreAll(ctx, shared, tenants, previous, save);
        },
    },
    {
        name: "reencrypt",
        title: "move the restored database under production's data key (RDS: snapshot, copy with the key, restore the copy into production's network, managed master secret; physical: the restored server's data volume snapshotted, copied with the key, made a volume in the host's zone; intermediates deleted)",
        async run(ctx, previous, save) {
            const restored = ctx.state.steps.find((step) => step.name === "restore")?.detail;
            const tenantDetails = (restored?.tenants as Record<string, Record<string, unknown>> | undefined) ?? {};
            const one = async (stack: string, part: Record<string, unknown> | undefined, before: Record<string, unknown>, saveOne: (detail: Record<string, unknown>) => void): Promise<Record<string, unknown>> => {
                const created = (part?.created as Record<string, string> | undefined)?.database;
                const kind = created === undefined ? undefined : restoredDatabaseId(created)?.kind;
                if (created === undefined || kind === undefined) {
                    // A missing one is named at adopt.
                    return { skipped: created === undefined ? "no restored database" : "not an RDS or EC2 instance" };
                }
                const into = await productionRestoreInto(ctx, stack);
                if (into.dataKeyArn === undefined) {
                    throw new OutputError(`stack ${stack}: dataKeyArn is missing: the restored database is re-encrypted with production's data key (deploy ${stack} with npm run up first)`);
                }
                const databaseArn = stack === ctx.target.production ? (await productionOutputs(ctx)).databaseArn : readTenantSourceOutputs(stack, await ctx.pulumi.outputs(stack)).databaseArn;
                const input = { production: stack, region: arnRegion(created), restoredArn: created, dataKeyArn: into.dataKeyArn, target: into.target, productionDatabaseArn: databaseArn };
                // A database server (physical): its data volume, under production's key, for production's own server.
                return kind === "ec2" ? reencryptVolume(ctx, input, before, saveOne) : reencrypt(ctx, input, before, saveOne);
            };
            const detail: Record<string, unknown> = { ...pick(previous, (key) => key !== "tenants") };
            const saved = { ...((previous.tenants as Record<string, Record<string, unknown>> | undefined) ?? {}) };
            const ids = Object.keys(tenantDetails).sort();
            const persist = () => save({ ...detail, ...(ids.length > 0 ? { tenants: { ...saved } } : {}) });
            const settled = await Promise.allSettled([
                one(ctx.target.production, restored, detail, (done) => {
                    Object.assign(detail, done);
                    persist();
                }).then((done) => Object.assign(detail, done)),
                ...ids.map((id) =>
                    one(id, tenantDetails[id], saved[id] ?? {}, (done) => {
                        saved[id] = done;
                        persist();
                    }).then((done) => {
                        saved[id] = done;
                    }),
                ),
            ]);
            failOnRejections(settled, ids);
            persist();
            return { ...detail, ...(ids.length > 0 ? { tenants: { ...saved } } : {}) };
        },
    },
    {
        name: "adopt",
        title: "production takes the restored database over (a reviewed npm run up of production with restoredDatabase, physical: restoredDataVolume; this step waits for it)",
        async run(ctx) {
            const restored = ctx.state.steps.find((step) => step.name === "restore")?.detail;
            const reencrypted = ctx.state.steps.find((step) => step.name === "reencrypt")?.detail;
            // The re-encrypted instance when the reencrypt step made one, else the restore job's.
            const createdOf = (restoredPart: Record<string, unknown> | undefined, reencryptedPart: Record<string, unknown> | undefined) =>
                (reencryptedPart?.databaseArn as string | undefined) ?? (restoredPart?.created as Record<string, string> | undefined)?.database;
            const created = createdOf(restored, reencrypted);
            if (created === undefined) {
                throw new Error(`the restore step names no restored database; run npm run dr -- failback ${ctx.target.production} --resume after the restore completes`);
            }
            const production = await productionOutputs(ctx);
            // Physical: production's own database server on the restored data volume (the reencrypt step made it).
            const volumeId = reencrypted?.restoredDataVolume as string | undefined;
            if (restoredDatabaseId(created)?.kind === "ec2") {
                const server = restoredDatabaseId(production.databaseArn);
                if (volumeId === undefined || server?.kind !== "ec2") {
                    throw new Error(
                        volumeId === undefined
                            ? `the reencrypt step made no data volume of the restored server ${created}: resume the failback (npm run dr -- failback ${ctx.target.production} --resume)`
                            : `production's databaseArn ${production.databaseArn} names no EC2 instance: a physical production's database server takes the restored data volume ${volumeId} over`,
                    );
                }
                const instance = await ctx.aws.ec2Instance(arnRegion(production.databaseArn), server.id);
                const problem = adoptVolumeProblem(ctx.target.production, server.id, instance && { volume: instance.volumes[DATA_VOLUME_DEVICE], state: instance.state }, volumeId);
                if (problem !== undefined) throw new Error(problem);
                return { databaseArn: production.databaseArn, dataVolume: volumeId };
            }
            // A platform's dedicated-saas tenants: each production stack takes its own restored database over; all are awaited.
            const tenantParts = (restored?.tenants as Record<string, Record<string, unknown>> | undefined) ?? {};
            const tenantProblems: string[] = [];
            const tenants: Record<string, string> = {};
            for (const id of Object.keys(tenantParts).sort()) {
                const tenantCreated = createdOf(tenantParts[id], (reencrypted?.tenants as Record<string, Record<string, unknown>> | undefined)?.[id]);
                if (tenantCreated === undefined) {
                    tenantProblems.push(`tenant ${id}: the restore step names no restored database`);
                    continue;
                }
                const current = readTenantSourceOutputs(id, await ctx.pulumi.outputs(id)).databaseArn;
                const tenantProblem = adoptProblem(id, current, tenantCreated, ctx.target.production);
                if (tenantProblem !== undefined) tenantProblems.push(`tenant ${id}: ${tenantProblem}`);
                else tenants[id] = tenantCreated;
            }
            const ownProblem = adoptProblem(ctx.target.production, production.databaseArn, created);
            if (tenantProblems.length > 0) {
                throw new Error([...(ownProblem === undefined ? [] : [`${ctx.target.production}: ${ownProblem}`]), ...tenantProblems].join(" | "));
            }
            const problem = ownProblem;
            if (problem !== undefined) {
                throw new Error(problem);
            }
            return { databaseArn: created, ...(Object.keys(tenants).length > 0 ? { tenants } : {}) };
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

/** What a failback restores for one dedicated-saas tenant: the recovery's copies into the tenant's own production stack. */
interface TenantFailback {
    readonly id: string;
    readonly source: RestoreSource;
    readonly into: RestoreInto;
}

/**
 * A platform recovery's dedicated-saas tenants, each restored from the copies of the recovery's
 * backups of it in production's region (`dedicatedSaasTenants.<id>.offsiteBackupVaultArn`) into its
 * own production stack (its restoreRoleArn, restoreTarget, dataKeyArn). Every output is checked
 * before any restore job starts.
 */
async function failbackTenants(ctx: DrContext, tenants: Readonly<Record<string, DedicatedSaasTenantOutputs>>, productionDatabaseArn: string): Promise<TenantFailback[]> {
    const stack = ctx.target.recovery;
    const result: TenantFailback[] = [];
    const problems: string[] = [];
    for (const [id, tenant] of Object.entries(tenants).sort(([a], [b]) => a.localeCompare(b))) {
        if (tenant.databaseArn === undefined || tenant.offsiteBackupVaultArn === undefined) {
            problems.push(`dedicatedSaasTenants.${id}: databaseArn and offsiteBackupVaultArn are needed for a failback (the tenant's restored database and the copies of its backups in production's region)`);
            continue;
        }
        if (arnRegion(tenant.offsiteBackupVaultArn) !== arnRegion(productionDatabaseArn)) {
            problems.push(`dedicatedSaasTenants.${id}.offsiteBackupVaultArn ${tenant.offsiteBackupVaultArn} is in ${arnRegion(tenant.offsiteBackupVaultArn)}, production in ${arnRegion(productionDatabaseArn)}: a restore job lands only in its vault's region`);
            continue;
        }
        const into = await productionRestoreInto(ctx, id);
        result.push({
            id,
            source: { vaultArn: tenant.offsiteBackupVaultArn, resources: { database: tenant.databaseArn, files: `arn:aws:s3:::${tenant.filesBucketName}` }, label: `tenant ${id}` },
            into: { stack: id, ...into },
        });
    }
    if (problems.length > 0) {
        throw new OutputError(`stack ${stack}: ${problems.join("; ")} (pulumi stack output --json --stack ${stack})`);
    }
    return result;
}

/**
 * The shared restore and every tenant's side by side, each saving its own progress (the tenants'
 * under `tenants.<id>`), so a resume redoes only what is left; one failure fails the step once all
 * have settled.
 */
async function restoreAll(
    ctx: DrContext,
    shared: { readonly source: RestoreSource; readonly into: RestoreInto },
    tenants: readonly TenantFailback[],
    previous: Record<string, unknown>,
    save: (detail: Record<string, unknown>) => void,
): Promise<Record<string, unknown>> {
    const detail: Record<string, unknown> = { ...pick(previous, (key) => key !== "tenants") };
    const saved = { ...((previous.tenants as Record<string, Record<string, unknown>> | undefined) ?? {}) };
    const persist = () => save({ ...detail, ...(tenants.length > 0 ? { tenants: { ...saved } } : {}) });
    const settled = await Promise.allSettled([
        restore(ctx, shared.source, shared.into, { ...detail }, (done) => {
            Object.assign(detail, done);
            persist();
        }).then((done) => Object.assign(detail, done)),
        ...tenants.map(async ({ id, source, into }) => {
            if (saved[id]?.done === true) return;
            const done = await restore(ctx, source, into, saved[id] ?? {}, (progress) => {
                saved[id] = progress;
                persist();
            });
            saved[id] = { ...done, done: true };
            persist();
        }),
    ]);
    failOnRejections(
        settled,
        tenants.map((tenant) => tenant.id),
    );
    return { ...detail, ...(tenants.length > 0 ? { tenants: { ...saved } } : {}) };
}

/** Throws once every part has settled: the messages of the failed parts (a tenant's named), a Refusal when one refused. */
function failOnRejections(settled: readonly PromiseSettledResult<unknown>[], ids: readonly string[]): void {
    const failures = settled.flatMap((result, index) => (result.status === "rejected" ? [{ index, error: result.reason as Error }] : []));
    if (failures.length === 0) return;
    const message = failures.map(({ index, error }) => (index === 0 || error.message.startsWith("tenant ") ? error.message : `tenant ${ids[index - 1]!}: ${error.message}`)).join("; ");
    throw failures.some((failure) => failure.error instanceof Refusal) ? new Refusal(message) : new Error(message);
}

function pick(record: Record<string, unknown>, keep: (key: string) => boolean): Record<string, unknown> {
    return Object.fromEntries(Object.entries(record).filter(([key]) => keep(key)));
}
