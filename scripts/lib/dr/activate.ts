// The contingency plan of the security documentation (section 4), in its order, as steps:
// (1) production blocked with an incident notice, (2) the recovery environment's application
// version checked and updated, (3) the database and files restored from the off-site backups,
// (4) the general (functional) check, (5) client access redirected.

import { platformRegionOf, reservedSuffixOf } from "../../../lib/platform";
import { maintenancePage } from "./aws";
import { environmentCheck } from "./check";
import { DrContext, productionOutputs, recoveryOutputs, Refusal, Step } from "./context";
import { arnRegion, environmentUrls, OutputError, readTenantSourceOutputs, RecoveryOutputs } from "./outputs";
import { placeOnHost, restoredServerId } from "./placement";
import { restore, RestoreSource } from "./restore";

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
    const after = await recoveryOutputs(ctx, stack);
    if (after.serverImage !== production.serverImage) {
        throw new Error(`${stack} runs ${after.serverImage} after its update, production runs ${production.serverImage}: bring the recovery stack's image in step (npm run plan -- ${stack}) and resume`);
    }
    return { production: production.serverImage, before: before.serverImage, after: after.serverImage, updated: before.serverImage !== production.serverImage };
}

export function restoreStep(stackOf: (ctx: DrContext) => string): Step {
    return {
        name: "restore",
        title: "restore the newest off-site recovery points of the database and files (AWS Backup restore jobs; a platform: each dedicated-saas tenant's too), then activate the environment with them (pulumi up, recoveryActive=true)",
        async run(ctx, previous, save) {
            const production = await productionOutputs(ctx);
            const stack = stackOf(ctx);
            // Idle until now (a drill copy excepted): the restore lands in what an idle environment
            // keeps ready, and the update below activates it with its data at once, so the
            // environment never runs active without data (the policy pack would refuse that update:
            // servers with files no backup selects).
            const env = await recoveryOutputs(ctx, stack);
            const tenants = await dedicatedSaasSources(ctx, stack, env);
            const into = { stack, roleArn: env.restoreRoleArn, target: env.restoreTarget, ...(env.dataKeyArn ? { dataKeyArn: env.dataKeyArn } : {}) };
            const detail: Record<string, unknown> = { ...previous };
            const saved = { ...((previous.tenants as Record<string, Record<string, unknown>> | undefined) ?? {}) };
            const persist = () => save({ ...detail, ...(tenants.length > 0 ? { tenants: { ...saved } } : {}) });
            // The shared restore and every tenant's run side by side (their jobs together count
            // against the two hours); each saves its own progress, so a resume redoes only what is left.
            const shared = restore(ctx, { vaultArn: production.offsiteBackupVaultArn, resources: { database: production.databaseArn, files: production.filesBucketArn } }, into, pick(previous, SHARED_KEYS), (done) => {
                Object.assign(detail, done);
                persist();
            });
            const perTenant = tenants.map(async ({ id, source, filesBucketName }) => {
                if (saved[id]?.done === true) return;
                const kind = reservedSuffixOf(stack) ?? "";
                const done = await restore(ctx, source, { ...into, target: { ...env.restoreTarget, filesBucketName }, name: `${id}${kind}` }, saved[id] ?? {}, (progress) => {
                    saved[id] = progress;
                    persist();
                });
                saved[id] = { ...done, done: true };
                persist();
            });
            const settled = await Promise.allSettled([shared, ...perTenant]);
            const failures = settled.flatMap((result, index) => (result.status === "rejected" ? [{ index, error: result.reason as Error }] : []));
            if (failures.length > 0) {
                const refusal = failures.find((failure) => failure.error instanceof Refusal);
                const message = failures.map(({ index, error }) => (index === 0 || error.message.startsWith("tenant ") ? error.message : `tenant ${tenants[index - 1]!.id}: ${error.message}`)).join("; ");
                throw refusal ? new Refusal(message) : new Error(message);
            }
            Object.assign(detail, (settled[0] as PromiseFulfilledResult<Record<string, unknown>>).value);
            // The stack, activated, takes the restored databases and files over (its servers point at them).
            await ctx.pulumi.setConfig(stack, "recoveryActive", "true");
            // A database server (physical) is named by its instance id (stack config restoredDatabase).
            const server = restoredServerId((detail.created as Record<string, string> | undefined)?.database);
            await ctx.pulumi.setConfig(stack, "restoredDatabase", server ?? String(detail.restoredDatabase));
            await ctx.pulumi.setConfig(stack, "restoredFilesBucket", String(detail.restoredFilesBucket));
            if (tenants.length > 0) {
                const databases = Object.fromEntries(tenants.map(({ id }) => [id, String(saved[id]!.restoredDatabase)]));
                await ctx.pulumi.setConfig(stack, "restoredTenantDatabases", JSON.stringify(databases));
                detail.tenants = { ...saved };
            }
            await ctx.pulumi.up(stack);
            if (server !== undefined) {
                // The host exists once the environment is active: the restored server moves onto it now, before the check.
                const hostId = (await recoveryOutputs(ctx, stack)).restoreTarget.hostId;
                if (hostId === undefined) {
                    throw new OutputError(`stack ${stack} exports no restoreTarget.hostId although active: the restored database server ${server} must run on the environment's Dedicated Host (deploy ${stack} with npm run up, then resume)`);
                }
                const region = arnRegion((detail.created as Record<string, string>).database!);
                detail.placedOnHost = (await placeOnHost(ctx, { region, instanceId: server, hostId, availabilityZone: env.restoreTarget.availabilityZone })).hostId;
                persist();
            }
            return detail;
        },
    };
}

/** The RDS databases a restore step's detail says it restored: the environment's, then each dedicated-saas tenant's. */
export function restoredRdsDatabases(detail: Record<string, unknown> | undefined): string[] {
    const of = (part: Record<string, unknown> | undefined): string[] => {
        const points = part?.points as Record<string, { resourceType: string }> | undefined;
        return typeof part?.restoredDatabase === "string" && points?.database?.resourceType === "RDS" ? [part.restoredDatabase] : [];
    };
    return [...of(detail), ...Object.values((detail?.tenants as Record<string, Record<string, unknown>> | undefined) ?? {}).flatMap(of)];
}

const SHARED_KEYS = ["points", "restoredDatabase", "restoredFilesBucket", "jobs", "attempts", "created", "masterUserSecretArn"];

function pick(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
    return Object.fromEntries(keys.filter((key) => record[key] !== undefined).map((key) => [key, record[key]]));
}

/**
 * A platform recovery's dedicated-saas tenants, each with the off-site recovery points of its own
 * production stack (its outputs, validated like production's) and the recovery bucket its files go
 * into; none for a tenant's own recovery environment.
 */
export async function dedicatedSaasSources(ctx: DrContext, stack: string, env: RecoveryOutputs, options: { readonly required?: boolean } = {}): Promise<{ id: string; source: RestoreSource; filesBucketName: string }[]> {
    if (platformRegionOf(ctx.target.production) === undefined) return [];
    if (env.dedicatedSaasTenants === undefined && options.required === false) return [];
    if (env.dedicatedSaasTenants === undefined) {
        throw new OutputError(`stack ${stack}: dedicatedSaasTenants is missing (a platform recovery exports its dedicated-saas tenants, {} when the region has none; deploy the stack with npm run up first)`);
    }
    const sources = [];
    // The environment's region: where its restores run (its copy vault's, else its data key's).
    const here = env.tenantCopyVaultArn ?? env.dataKeyArn;
    for (const [id, tenant] of Object.entries(env.dedicatedSaasTenants).sort(([a], [b]) => a.localeCompare(b))) {
        const outputs = readTenantSourceOutputs(id, await ctx.pulumi.outputs(id));
        // A tenant whose off-site region is not the platform's: its points are copied into this region first.
        const elsewhere = here !== undefined && arnRegion(outputs.offsiteBackupVaultArn) !== arnRegion(here);
        if (elsewhere && env.tenantCopyVaultArn === undefined) {
            throw new OutputError(`stack ${stack}: tenantCopyVaultArn is missing: tenant ${id}'s recovery points are in ${arnRegion(outputs.offsiteBackupVaultArn)} and must be copied into ${arnRegion(here)} first (deploy the stack with npm run up)`);
        }
        const copyInto = elsewhere ? { copyInto: { vaultArn: env.tenantCopyVaultArn!, roleArn: env.restoreRoleArn } } : {};
        sources.push({ id, filesBucketName: tenant.filesBucketName, source: { vaultArn: outputs.offsiteBackupVaultArn, resources: { database: outputs.databaseArn, files: outputs.filesBucketArn }, label: `tenant ${id}`, ...copyInto } });
    }
    return sources;
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
        title: "check the recovery environment's application version against production's and update it (pulumi up: its launch templates take production's release)",
        run: (ctx) => versionStep(ctx, ctx.target.recovery, {}),
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
