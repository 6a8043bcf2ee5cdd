import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { DEFAULT_PATCH_SCHEDULE, PATCH_APPROVAL_DAYS, weekendCloseProblem, weekendScheduleProblem } from "../lib/promises/maintenance";
import { componentType } from "./types";

/**
 * Operating systems whose patch metadata has the dnf/yum classifications and severities the
 * baseline's rules filter on (Security with Critical/Important severity, Bugfix).
 */
export type PatchedOperatingSystem = "AMAZON_LINUX_2023" | "AMAZON_LINUX_2" | "REDHAT_ENTERPRISE_LINUX";

export interface PatchingArgs {
    /** The `PatchGroup` tag value of the instances to patch (AppServers' `patchGroup`). Required. */
    readonly patchGroup: string;
    /**
     * When the window opens, a six-field SSM `cron(...)` expression in UTC whose day-of-week is
     * SAT and/or SUN. Default: `cron(0 2 ? * SAT *)`, Saturdays 02:00 UTC.
     */
    readonly schedule?: string;
    /** Hours the window stays open, 1 to 24. Default: 4. */
    readonly durationHours?: number;
    /** Hours before the window closes after which no new patching starts, 0 to durationHours - 1. Default: 1. */
    readonly cutoffHours?: number;
    /** Operating system of the baseline. Default: `AMAZON_LINUX_2023`. */
    readonly operatingSystem?: PatchedOperatingSystem;
    /**
     * How many servers are patched (and possibly rebooted) at the same time. Default: "1", one at a
     * time, so the others keep serving behind the load balancer.
     */
    readonly maxConcurrency?: string;
}

export { DEFAULT_PATCH_SCHEDULE, weekendScheduleProblem } from "../lib/promises/maintenance";

/** What is wrong with the window's timing, one sentence per problem; empty when it is valid. */
export function patchWindowProblems(args: { readonly schedule: string; readonly durationHours: number; readonly cutoffHours: number }): string[] {
    const problems: string[] = [];
    const scheduleProblem = weekendScheduleProblem(args.schedule);
    if (scheduleProblem) {
        problems.push(scheduleProblem);
    }
    if (!Number.isInteger(args.durationHours) || args.durationHours < 1 || args.durationHours > 24) {
        problems.push(`durationHours: ${args.durationHours} is not allowed; expected a whole number of hours from 1 to 24`);
    } else {
        const closeProblem = scheduleProblem ? undefined : weekendCloseProblem(args.schedule, args.durationHours);
        if (closeProblem) {
            problems.push(closeProblem);
        }
        if (!Number.isInteger(args.cutoffHours) || args.cutoffHours < 0 || args.cutoffHours >= args.durationHours) {
            problems.push(`cutoffHours: ${args.cutoffHours} is not allowed; expected a whole number of hours from 0 to ${args.durationHours - 1} (less than durationHours)`);
        }
    }
    return problems;
}

/**
 * Weekend patching through SSM: a patch baseline approving security (Critical, Important) and
 * bugfix updates seven days after release, registered for the patch group, and a maintenance
 * window that runs `AWS-RunPatchBaseline` (install, reboot if needed) on the group's instances one
 * at a time. The first failed server stops the run (`maxErrors` 0), so a bad patch never reaches
 * the rest of the fleet.
 */
export class Patching extends pulumi.ComponentResource {
    public readonly windowId: pulumi.Output<string>;
    public readonly baselineId: pulumi.Output<string>;

    constructor(name: string, args: PatchingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("operations", "Patching"), name, {}, opts);

        const schedule = args.schedule ?? DEFAULT_PATCH_SCHEDULE;
        const durationHours = args.durationHours ?? 4;
        const cutoffHours = args.cutoffHours ?? 1;
        const operatingSystem = args.operatingSystem ?? "AMAZON_LINUX_2023";
        const maxConcurrency = args.maxConcurrency ?? "1";
        const problems = patchWindowProblems({ schedule, durationHours, cutoffHours });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }

        const baseline = new aws.ssm.PatchBaseline(
            `${name}-baseline`,
            {
                description: `Security and bugfix updates for patch group ${args.patchGroup}`,
                operatingSystem,
                // Seven days lets a broken update be withdrawn upstream before it reaches a tenant.
                approvalRules: [
                    {
                        approveAfterDays: PATCH_APPROVAL_DAYS,
                        complianceLevel: "CRITICAL",
                        patchFilters: [
                            { key: "CLASSIFICATION", values: ["Security"] },
                            { key: "SEVERITY", values: ["Critical", "Important"] },
                        ],
                    },
                    {
                        approveAfterDays: PATCH_APPROVAL_DAYS,
                        complianceLevel: "MEDIUM",
                        patchFilters: [{ key: "CLASSIFICATION", values: ["Bugfix"] }],
                    },
                ],
            },
            { parent: this },
        );
        new aws.ssm.PatchGroup(`${name}-patch-group`, { baselineId: baseline.id, patchGroup: args.patchGroup }, { parent: this });

        const window = new aws.ssm.MaintenanceWindow(
            `${name}-window`,
            {
                description: `Weekend patching of patch group ${args.patchGroup}`,
                schedule,
                scheduleTimezone: "UTC",
                duration: durationHours,
                cutoff: cutoffHours,
                allowUnassociatedTargets: false,
            },
            { parent: this },
        );
        const target = new aws.ssm.MaintenanceWindowTarget(
            `${name}-target`,
            {
                windowId: window.id,
                resourceType: "INSTANCE",
                description: `Instances tagged PatchGroup=${args.patchGroup}`,
                targets: [{ key: "tag:PatchGroup", values: [args.patchGroup] }],
            },
            { parent: this },
        );
        new aws.ssm.MaintenanceWindowTask(
            `${name}-install`,
            {
                windowId: window.id,
                description: "Install approved patches, rebooting where a patch needs it",
                taskType: "RUN_COMMAND",
                taskArn: "AWS-RunPatchBaseline",
                priority: 1,
                maxConcurrency,
                maxErrors: "0",
                targets: [{ key: "WindowTargetIds", values: [target.id] }],
                taskInvocationParameters: {
                    runCommandParameters: {
                        parameters: [
                            { name: "Operation", values: ["Install"] },
                            { name: "RebootOption", values: ["RebootIfNeeded"] },
                        ],
                    },
                },
            },
            { parent: this },
        );

        this.windowId = window.id;
        this.baselineId = baseline.id;
        this.registerOutputs({ windowId: this.windowId, baselineId: this.baselineId });
    }
}
