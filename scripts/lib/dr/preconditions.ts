// What is checked before an operation starts (a new run, not a resumed one), so that a refusal
// leaves production exactly as it was: the stacks exist, their outputs are complete, a recent
// enough recovery point exists for every resource, and (activate) production has really collapsed.

import { platformRegionOf } from "../../../lib/platform";
import { dedicatedSaasSources, refuseIfProductionHealthy, refuseWithoutRecovery } from "./activate";
import { DrContext, productionOutputs, recoveryOutputs, Refusal } from "./context";
import type { Operation } from "./run-file";
import { choosePoints } from "./restore";

export async function preconditions(ctx: DrContext, operation: Operation): Promise<string[]> {
    const { production, recovery, drill } = ctx.target;
    if (!(await ctx.pulumi.exists(production))) {
        throw new Refusal(`there is no stack ${production}: not a deployed tenant or platform region`);
    }
    refuseWithoutRecovery(await ctx.pulumi.exists(recovery), recovery, production);
    const outputs = await productionOutputs(ctx);
    const env = await recoveryOutputs(ctx, recovery);
    const notes: string[] = [];
    if (operation === "failback") {
        if (!env.recoveryActive) {
            throw new Refusal(`${recovery} is not active: there is nothing to return from`);
        }
        return notes;
    }
    if (operation === "activate" && env.recoveryActive) {
        notes.push(`${recovery} is already active: the steps make sure of each part`);
    }
    if (operation === "drill" && (await ctx.pulumi.exists(drill))) {
        throw new Refusal(`a drill copy ${drill} exists from an earlier drill: resume that drill (--resume) or tear it down (pulumi destroy --stack ${drill})`);
    }
    const points = await choosePoints(ctx, { vaultArn: outputs.offsiteBackupVaultArn, resources: { database: outputs.databaseArn, files: outputs.filesBucketArn } });
    notes.push(...points.map((chosen) => `${chosen.resource}: newest off-site recovery point ${chosen.point.createdAt.toISOString()}${chosen.stale ? " (older than the promise: --force)" : ""}`));
    // A platform: every dedicated-saas tenant it carries must have points to restore too, checked
    // before anything changes (the refusal names the tenant). A recovery stack deployed before it
    // exported its tenants is not refused here: the version step's update brings the output, and
    // the restore step requires it (and checks the tenants' points) before any restore job.
    if (platformRegionOf(production) !== undefined && env.dedicatedSaasTenants === undefined) {
        notes.push(`${recovery} does not export dedicatedSaasTenants yet: its tenants are read after the version step's update`);
    }
    for (const tenant of await dedicatedSaasSources(ctx, recovery, env, { required: false })) {
        const chosen = await choosePoints(ctx, tenant.source);
        notes.push(...chosen.map((point) => `tenant ${tenant.id} ${point.resource}: newest off-site recovery point ${point.point.createdAt.toISOString()}${point.stale ? " (older than the promise: --force)" : ""}`));
    }
    if (operation === "activate") {
        await refuseIfProductionHealthy(ctx, outputs.url);
    }
    return notes;
}
