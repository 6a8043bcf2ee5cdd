// The yearly incident simulation: steps 2-4 of the contingency plan into an isolated copy of the
// recovery environment (the stack `<target>-drill`: its own network and front door, never a DNS
// record of production's), timed against the two-hour promise, then the copy torn down.
// Production is only read (its outputs and its off-site recovery points).

import { checkStep, restoreStep, versionStep } from "./activate";
import type { Step } from "./context";

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
        title: "tear the drill copy down (pulumi destroy of the -drill stack; production and the recovery stack untouched)",
        async run(ctx) {
            if (await ctx.pulumi.exists(ctx.target.drill)) {
                await ctx.pulumi.destroy(ctx.target.drill);
            }
            return { stack: ctx.target.drill };
        },
    },
];
