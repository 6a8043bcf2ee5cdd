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

/**
 * The weekly patch compliance scan (AWS-RunPatchBaseline, Operation=Scan): Mondays 02:00 UTC, after
 * the weekend's installs, so the week's report (Mondays 06:00 UTC, components/controls-report.ts)
 * reads what the servers still lack; never inside the install window (checked).
 */
export const PATCH_SCAN_SCHEDULE = "cron(0 2 ? * MON *)";
/** The weekly software inventory (AWS-GatherSoftwareInventory): Mondays 01:00 UTC, before the report. */
export const INVENTORY_SCHEDULE = "cron(0 1 ? * MON *)";

/**
 * The key files whose versions the inventory records (name, size, modification time, version):
 * the application and its installer, shipped on the server image (`/opt/itm`, the path the SSM
 * documents run `/opt/itm/bin/itm-tenant` from), and the remote-access configuration (`/etc/ssh`).
 * Paths absent on a server are skipped by the inventory, so one list serves application and
 * database servers. `/etc/itm` and `/etc/nginx` are left out: nothing of this project installs them.
 */
export const INVENTORY_FILE_PATHS = ["/opt/itm", "/etc/ssh"] as const;

/** AWS-GatherSoftwareInventory's `files` parameter for {@link INVENTORY_FILE_PATHS}: every file, recursively. */
export function inventoryFilesParameter(paths: readonly string[] = INVENTORY_FILE_PATHS): string {
    return JSON.stringify(paths.map((path) => ({ Path: path, Pattern: ["*"], Recursive: true })));
}

const DAY_NUMBERS: Readonly<Record<string, number>> = { MON: 0, TUE: 1, WED: 2, THU: 3, FRI: 4, SAT: 5, SUN: 6, "2": 0, "3": 1, "4": 2, "5": 3, "6": 4, "7": 5, "1": 6 };
const MINUTES_PER_WEEK = 7 * 24 * 60;

/** The minutes of the week (Monday 00:00 = 0) a six-field cron starts at; undefined unless minutes, hours and days are plain lists. */
function weeklyStarts(schedule: string): number[] | undefined {
    const fields = /^cron\((.*)\)$/.exec(schedule.trim())?.[1]?.trim().split(/\s+/) ?? [];
    if (fields.length !== 6) {
        return undefined;
    }
    const numbers = (field: string, max: number): number[] | undefined => {
        const items = field.split(",").map((item) => (/^\d{1,2}$/.test(item) ? Number(item) : NaN));
        return items.every((item) => item <= max) ? items : undefined;
    };
    const minutes = numbers(fields[0]!, 59);
    const hours = numbers(fields[1]!, 23);
    const days = fields[4]!.toUpperCase().split(",").map((item) => DAY_NUMBERS[item.replace(/(#[1-5]|L)$/, "")]);
    if (minutes === undefined || hours === undefined || days.some((day) => day === undefined)) {
        return undefined;
    }
    return days.flatMap((day) => hours.flatMap((hour) => minutes.map((minute) => day! * 1440 + hour * 60 + minute)));
}

/**
 * Why the weekly scan at `scanSchedule` would run inside the install window (`schedule`, open
 * `durationHours`), or `undefined` when it never does: a scan while patches install reports a
 * half-patched server. A window whose start this cannot read (steps, ranges) is a problem too.
 */
export function scanOutsideWindowProblem(args: { readonly schedule: string; readonly durationHours: number }, scanSchedule: string = PATCH_SCAN_SCHEDULE): string | undefined {
    const windows = weeklyStarts(args.schedule);
    const scans = weeklyStarts(scanSchedule);
    if (windows === undefined || scans === undefined) {
        return `schedule: ${args.schedule} cannot be checked against the weekly compliance scan (${scanSchedule}); expected plain minutes, hours and days, e.g. ${DEFAULT_PATCH_SCHEDULE}`;
    }
    const inside = scans.some((scan) => windows.some((start) => (scan - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK < args.durationHours * 60));
    return inside
        ? `schedule: ${args.schedule} with durationHours ${args.durationHours} is still open at the weekly compliance scan (${scanSchedule}), which would report half-installed patches; close the window before Monday 02:00 UTC`
        : undefined;
}

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
    if (problems.length === 0) {
        const scanProblem = scanOutsideWindowProblem(args);
        if (scanProblem) {
            problems.push(scanProblem);
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
 *
 * And what the weekly and monthly controls read of the group: its software inventory (applications,
 * services, the key files' versions; one inventory association per managed node is all SSM allows,
 * so it targets this patch group only, never every instance) and a weekly patch compliance scan,
 * both State Manager associations on the `PatchGroup` tag. The region's resource data sync copies
 * both to the auditors' bucket (components/controls-report.ts).
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
        // The associations are named after the group (CreateAssociation AssociationName:
        // ^[a-zA-Z0-9_\-.]{3,128}$, botocore ssm model; the longest suffix is "-patch-scan").
        if (!/^[a-zA-Z0-9_\-.]{3,117}$/.test(args.patchGroup)) {
            problems.push(`patchGroup: "${args.patchGroup.slice(0, 60)}" is not allowed; expected 3 to 117 letters, digits, "_", "-" or "." (it names the group's State Manager associations)`);
        }
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

        // Inventory: installed packages, services and the key files (INVENTORY_FILE_PATHS), what the
        // monthly review compares; network and instance details too, what an auditor asks next.
        const patchGroupTarget = [{ key: "tag:PatchGroup", values: [args.patchGroup] }];
        new aws.ssm.Association(
            `${name}-inventory`,
            {
                name: "AWS-GatherSoftwareInventory",
                associationName: `${args.patchGroup}-inventory`,
                scheduleExpression: INVENTORY_SCHEDULE,
                targets: patchGroupTarget,
                parameters: {
                    applications: "Enabled",
                    awsComponents: "Enabled",
                    networkConfig: "Enabled",
                    instanceDetailedInformation: "Enabled",
                    services: "Enabled",
                    files: inventoryFilesParameter(),
                },
            },
            { parent: this },
        );
        // Scan only: reports each server's missing approved patches as Patch compliance, installs nothing.
        new aws.ssm.Association(
            `${name}-compliance-scan`,
            {
                name: "AWS-RunPatchBaseline",
                associationName: `${args.patchGroup}-patch-scan`,
                scheduleExpression: PATCH_SCAN_SCHEDULE,
                targets: patchGroupTarget,
                parameters: { Operation: "Scan" },
                complianceSeverity: "HIGH",
            },
            { parent: this },
        );

        this.windowId = window.id;
        this.baselineId = baseline.id;
        this.registerOutputs({ windowId: this.windowId, baselineId: this.baselineId });
    }
}
