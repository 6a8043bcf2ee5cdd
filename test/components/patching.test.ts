import { describe, expect, it } from "vitest";

import { INVENTORY_SCHEDULE, PATCH_SCAN_SCHEDULE, Patching, patchWindowProblems, scanOutsideWindowProblem, weekendScheduleProblem } from "../../components/patching";
import { named, ofType, planProgram } from "../helpers";

describe("Patching", () => {
    it("GIVEN a patch group WHEN planned THEN a Saturday 02:00 UTC window installs approved patches on its instances one at a time", async () => {
        const { plan } = await planProgram((provider) => {
            const patching = new Patching("acme-patching", { patchGroup: "acme-app" }, { provider });
            return { windowId: patching.windowId, baselineId: patching.baselineId };
        });
        const resources = plan.resources;
        const window = named(resources, "acme-patching-window");
        expect(window.type).toBe("aws:ssm/maintenanceWindow:MaintenanceWindow");
        expect(window.inputs).toMatchObject({ schedule: "cron(0 2 ? * SAT *)", scheduleTimezone: "UTC", duration: 4, cutoff: 1, allowUnassociatedTargets: false });

        const target = named(resources, "acme-patching-target");
        expect(target.inputs).toMatchObject({ windowId: window.id, resourceType: "INSTANCE", targets: [{ key: "tag:PatchGroup", values: ["acme-app"] }] });

        const task = named(resources, "acme-patching-install");
        expect(task.type).toBe("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask");
        expect(task.inputs).toMatchObject({
            windowId: window.id,
            taskType: "RUN_COMMAND",
            taskArn: "AWS-RunPatchBaseline",
            maxConcurrency: "1",
            maxErrors: "0",
            targets: [{ key: "WindowTargetIds", values: [target.id] }],
        });
        expect(task.inputs.taskInvocationParameters).toEqual({
            runCommandParameters: {
                parameters: [
                    { name: "Operation", values: ["Install"] },
                    { name: "RebootOption", values: ["RebootIfNeeded"] },
                ],
            },
        });

        const baseline = named(resources, "acme-patching-baseline");
        expect(baseline.inputs.operatingSystem).toBe("AMAZON_LINUX_2023");
        expect(baseline.inputs.approvalRules).toEqual([
            {
                approveAfterDays: 7,
                complianceLevel: "CRITICAL",
                patchFilters: [
                    { key: "CLASSIFICATION", values: ["Security"] },
                    { key: "SEVERITY", values: ["Critical", "Important"] },
                ],
            },
            { approveAfterDays: 7, complianceLevel: "MEDIUM", patchFilters: [{ key: "CLASSIFICATION", values: ["Bugfix"] }] },
        ]);
        expect(named(resources, "acme-patching-patch-group").inputs).toEqual({ baselineId: baseline.id, patchGroup: "acme-app" });

        expect(plan.outputs).toEqual({ windowId: window.id, baselineId: baseline.id });
        expect(ofType(resources, "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask")).toHaveLength(1);
        for (const resource of resources.filter((r) => r.type.startsWith("aws:ssm/"))) {
            expect(resource.parent, resource.name).toBe("acme-patching");
        }
    });

    it("GIVEN a patch group WHEN planned THEN a weekly inventory (applications, services, key files) and a Monday compliance scan target that group only", async () => {
        const { plan } = await planProgram((provider) => {
            new Patching("acme-patching", { patchGroup: "acme-app" }, { provider });
        });
        const associations = ofType(plan.resources, "aws:ssm/association:Association");
        expect(associations.map((association) => association.name).sort()).toEqual(["acme-patching-compliance-scan", "acme-patching-inventory"]);
        const inventory = named(plan.resources, "acme-patching-inventory");
        expect(inventory.inputs).toMatchObject({
            name: "AWS-GatherSoftwareInventory",
            associationName: "acme-app-inventory",
            scheduleExpression: "cron(0 1 ? * MON *)",
            // One inventory association per managed node: never every instance.
            targets: [{ key: "tag:PatchGroup", values: ["acme-app"] }],
            parameters: { applications: "Enabled", services: "Enabled", awsComponents: "Enabled", networkConfig: "Enabled", instanceDetailedInformation: "Enabled" },
        });
        expect(JSON.parse((inventory.inputs.parameters as Record<string, string>).files!)).toEqual([
            { Path: "/opt/itm", Pattern: ["*"], Recursive: true },
            { Path: "/etc/ssh", Pattern: ["*"], Recursive: true },
        ]);
        expect(named(plan.resources, "acme-patching-compliance-scan").inputs).toMatchObject({
            name: "AWS-RunPatchBaseline",
            associationName: "acme-app-patch-scan",
            scheduleExpression: "cron(0 2 ? * MON *)",
            targets: [{ key: "tag:PatchGroup", values: ["acme-app"] }],
            parameters: { Operation: "Scan" },
        });
        expect([INVENTORY_SCHEDULE, PATCH_SCAN_SCHEDULE]).toEqual(["cron(0 1 ? * MON *)", "cron(0 2 ? * MON *)"]);
    });

    it("GIVEN a patch group no association name can carry WHEN constructed THEN it fails naming it", async () => {
        await expect(
            planProgram((provider) => {
                new Patching("acme-patching", { patchGroup: "acme app" }, { provider });
            }),
        ).rejects.toThrow(/patchGroup: "acme app" is not allowed; expected 3 to 117 letters/);
    });

    it.each([
        ["cron(0 2 ? * SAT *)", 4, undefined],
        ["cron(0 22 ? * SUN *)", 4, undefined],
        ["cron(0 22 ? * SUN *)", 5, /is still open at the weekly compliance scan \(cron\(0 2 \? \* MON \*\)\)/],
        ["cron(0 2 ? * SUN *)", 24, undefined],
        ["cron(0 3 ? * SUN *)", 24, /is still open at the weekly compliance scan/],
        ["cron(0 2 ? * SAT *)", 24, undefined],
        ["cron(30 23 ? * 1 *)", 3, /is still open/],
        ["cron(0 0/6 ? * SUN *)", 2, /cannot be checked against the weekly compliance scan/],
    ])("GIVEN a window %s open %i hours WHEN checked against the Monday scan THEN the problem is %s", (schedule, durationHours, expected) => {
        const problem = scanOutsideWindowProblem({ schedule, durationHours });
        if (expected === undefined) {
            expect(problem).toBeUndefined();
        } else {
            expect(problem).toMatch(expected);
        }
    });

    it("GIVEN a Sunday night window into Monday WHEN constructed THEN it fails: weekend maintenance ends by Sunday 24:00 (so it never meets Monday's compliance scan)", async () => {
        await expect(
            planProgram((provider) => {
                new Patching("acme-patching", { patchGroup: "acme-app", schedule: "cron(0 23 ? * SUN *)", durationHours: 4, cutoffHours: 1 }, { provider });
            }),
        ).rejects.toThrow(/schedule: cron\(0 23 \? \* SUN \*\) with a 4-hour window opens on Sunday as late as 23:00 and runs into Monday/);
    });

    it("GIVEN a Sunday window, longer hours, two servers at a time and Amazon Linux 2 WHEN planned THEN the window and task use them", async () => {
        const { plan } = await planProgram((provider) => {
            new Patching(
                "acme-patching",
                { patchGroup: "acme-app", schedule: "cron(30 1 ? * SUN *)", durationHours: 6, cutoffHours: 2, maxConcurrency: "2", operatingSystem: "AMAZON_LINUX_2" },
                { provider },
            );
        });
        expect(named(plan.resources, "acme-patching-window").inputs).toMatchObject({ schedule: "cron(30 1 ? * SUN *)", duration: 6, cutoff: 2 });
        expect(named(plan.resources, "acme-patching-install").inputs.maxConcurrency).toBe("2");
        expect(named(plan.resources, "acme-patching-baseline").inputs.operatingSystem).toBe("AMAZON_LINUX_2");
    });

    it("GIVEN a weekday schedule WHEN constructed THEN it fails naming the schedule", async () => {
        await expect(
            planProgram((provider) => {
                new Patching("acme-patching", { patchGroup: "acme-app", schedule: "cron(0 2 ? * WED *)" }, { provider });
            }),
        ).rejects.toThrow(/schedule: cron\(0 2 \? \* WED \*\) is not allowed; day-of-week WED is not only SAT\/SUN/);
    });

    it("GIVEN a cutoff as long as the window WHEN constructed THEN it fails naming the cutoff", async () => {
        await expect(
            planProgram((provider) => {
                new Patching("acme-patching", { patchGroup: "acme-app", durationHours: 2, cutoffHours: 2 }, { provider });
            }),
        ).rejects.toThrow(/cutoffHours: 2 is not allowed; expected a whole number of hours from 0 to 1/);
    });

    it("GIVEN a window of 25 hours WHEN constructed THEN it fails naming the duration", async () => {
        await expect(
            planProgram((provider) => {
                new Patching("acme-patching", { patchGroup: "acme-app", durationHours: 25 }, { provider });
            }),
        ).rejects.toThrow(/durationHours: 25 is not allowed; expected a whole number of hours from 1 to 24/);
    });

    it.each([
        ["cron(0 2 ? * SAT *)", undefined],
        ["cron(0 2 ? * SUN *)", undefined],
        ["cron(0 2 ? * SAT,SUN *)", undefined],
        ["cron(0 2 ? * sat *)", undefined],
        ["cron(0 2 ? * 7 *)", undefined],
        ["cron(0 2 ? * 1 *)", undefined],
        ["cron(0 2 ? * SAT#1 *)", undefined],
        ["cron(0 2 ? * 7L *)", undefined],
        ["cron(0 2 ? * SAT 2026)", undefined],
        ["cron(0 2 ? * MON *)", /day-of-week MON is not only SAT\/SUN/],
        ["cron(0 2 ? * FRI,SAT *)", /day-of-week FRI,SAT is not only SAT\/SUN/],
        ["cron(0 2 ? * FRI-SUN *)", /day-of-week FRI-SUN is not only SAT\/SUN/],
        ["cron(0 2 ? * SAT-SUN *)", /day-of-week SAT-SUN is not only SAT\/SUN/],
        ["cron(0 2 ? * * *)", /day-of-week \* is not only SAT\/SUN/],
        ["cron(0 2 ? * 2 *)", /day-of-week 2 is not only SAT\/SUN/],
        ["cron(0 2 ? * 1/7 *)", /day-of-week 1\/7 is not only SAT\/SUN/],
        ["cron(0 2 1 * ? *)", /day-of-month 1 can fall on a weekday/],
        ["cron(0 2 ? * SAT)", /^schedule: cron\(0 2 \? \* SAT\) is not allowed; expected cron\(minutes hours/],
        ["rate(7 days)", /^schedule: rate\(7 days\) is not allowed; expected cron/],
        ["at(2026-01-03T02:00:00)", /^schedule: at\(2026-01-03T02:00:00\) is not allowed/],
    ])("GIVEN %s WHEN checked for a weekend THEN the problem is %s", (schedule, expected) => {
        const problem = weekendScheduleProblem(schedule);
        if (expected === undefined) {
            expect(problem).toBeUndefined();
        } else {
            expect(problem).toMatch(expected);
        }
    });

    it.each([
        ["the defaults", { durationHours: 4, cutoffHours: 1 }, []],
        ["a one-hour window without cutoff", { durationHours: 1, cutoffHours: 0 }, []],
        ["a day-long window", { durationHours: 24, cutoffHours: 23 }, []],
        ["no window", { durationHours: 0, cutoffHours: 0 }, ["durationHours: 0 is not allowed; expected a whole number of hours from 1 to 24"]],
        ["a fractional window", { durationHours: 2.5, cutoffHours: 1 }, ["durationHours: 2.5 is not allowed; expected a whole number of hours from 1 to 24"]],
        ["a cutoff past the window", { durationHours: 3, cutoffHours: 5 }, ["cutoffHours: 5 is not allowed; expected a whole number of hours from 0 to 2 (less than durationHours)"]],
        ["a negative cutoff", { durationHours: 3, cutoffHours: -1 }, ["cutoffHours: -1 is not allowed; expected a whole number of hours from 0 to 2 (less than durationHours)"]],
    ])("GIVEN %s WHEN checked THEN exactly the expected problems are named", (_, timing, expected) => {
        expect(patchWindowProblems({ schedule: "cron(0 2 ? * SAT *)", ...timing })).toEqual(expected);
    });

    it("GIVEN a weekday schedule and a bad duration WHEN checked THEN both problems are named", () => {
        expect(patchWindowProblems({ schedule: "cron(0 2 ? * TUE *)", durationHours: 0, cutoffHours: 0 })).toEqual([
            expect.stringMatching(/^schedule: cron\(0 2 \? \* TUE \*\) is not allowed/),
            expect.stringMatching(/^durationHours: 0 is not allowed/),
        ]);
    });
});
