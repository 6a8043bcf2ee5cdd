// The yearly incident simulation: steps 2-4 of the contingency plan into an isolated copy of the
// recovery environment (the stack `<target>-drill`: its own network and front door, never a DNS
// record of production's), timed against the two-hour promise, then the copy torn down.
// Production is only read (its outputs and its off-site recovery points).

import { checkStep, restoredRdsDatabases, restoreStep, versionStep } from "./activate";
import { productionOutputs, Step } from "./context";
import { arnRegion } from "./outputs";

export const DRILL_STEPS: readonly Step[] = [
    {
        name: "version",
        title: "create the drill copy of the recovery environment, active, never redirected; check its application version against production's",
        async run(ctx) {
            const { drill, recovery } = ctx.target;
            if (!(await ctx.pulumi.exists(drill))) {
                await ctx.pulumi.copyStack(recovery, drill);
            }
            return { stack: drill, ...(await versionStep(ctx, drill, { recoveryActive: "true", recoveryRedirect: "false" })) };
        },
    },
    restoreStep((ctx) => ctx.target.drill),
    checkStep((ctx) => ctx.target.drill),
    {
        name: "teardown",
        title: "tear the drill copy down: the database the drill restored, then the -drill stack (production and the recovery stack untouched)",
        async run(ctx) {
            const restored = ctx.state.steps.find((step) => step.name === "restore")?.detail;
            const database = restored?.restoredDatabase as string | undefined;
            // AWS Backup created the databases (a platform: each dedicated-saas tenant's too), so no
            // stack owns them; they must be gone before their subnet group and security group (the
            // drill stack's) can be destroyed.
            const databases = restoredRdsDatabases(restored);
            if (databases.length > 0) {
                // Restore jobs create their resource in the vault's region: the off-site one.
                const region = arnRegion((await productionOutputs(ctx)).offsiteBackupVaultArn);
                for (const name of databases) {
                    while (!(await ctx.aws.deleteDrillDatabase(region, name))) {
                        await ctx.sleep(ctx.pollMs);
                    }
                    ctx.log.info({ event: "drill-database-deleted", database: name }, `the drill's database ${name} is deleted`);
                }
            }
            if (await ctx.pulumi.exists(ctx.target.drill)) {
                await ctx.pulumi.destroy(ctx.target.drill);
            }
            return { stack: ctx.target.drill, ...(database !== undefined ? { deletedDatabase: database } : {}), ...(databases.length > 1 ? { deletedDatabases: databases } : {}) };
        },
    },
];
