// Weekend maintenance (security documentation, 5.2): the windows that patch the servers open on a
// Saturday or Sunday and close before Monday, in UTC, the service's clock (the documentation gives
// its operating times in UTC; customers are in many zones, no one of which is "the weekend").

import { isUtcZone, weekendCloseProblem, weekendScheduleProblem, weekendUtcProblem } from "../../../lib/promises/maintenance";
import { byRef, ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";

export const MAINTENANCE_WINDOW_TYPE = "aws:ssm/maintenanceWindow:MaintenanceWindow";
export const MAINTENANCE_WINDOW_TASK_TYPE = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
export const ASSOCIATION_TYPE = "aws:ssm/association:Association";

/** The `Operation` of an `AWS-RunPatchBaseline` run-command task (AWS's default is `Scan`). */
function patchOperation(task: PolicyResource): unknown {
    const invocation = (task.props.taskInvocationParameters ?? {}) as { runCommandParameters?: { parameters?: { name?: unknown; values?: unknown }[] } };
    const operation = (invocation.runCommandParameters?.parameters ?? []).find((parameter) => parameter.name === "Operation");
    return Array.isArray(operation?.values) ? operation.values.join(",") : "Scan";
}

/**
 * Whether the window only scans (every task `AWS-RunPatchBaseline` with `Operation` Scan, AWS's
 * default): a compliance scan installs nothing and may run on a weekday. Every other window,
 * one without tasks included, maintains the servers and is judged.
 */
function scansOnly(window: PolicyResource, stack: PolicyStack): boolean {
    const tasks = ofType(stack, MAINTENANCE_WINDOW_TASK_TYPE).filter((task) => byRef(stack, task.props.windowId) === window);
    return tasks.length > 0 && tasks.every((task) => task.props.taskArn === "AWS-RunPatchBaseline" && patchOperation(task) === "Scan");
}

/**
 * A State Manager association that runs AWS-RunPatchBaseline to install (any Operation but Scan)
 * patches the servers outside any maintenance window: it must run on the weekend too, and only at
 * its cron (State Manager otherwise runs an association once as soon as it is created or changed,
 * whatever the day).
 */
function associationProblems(association: PolicyResource): string[] {
    if (association.props.name !== "AWS-RunPatchBaseline") {
        return [];
    }
    const parameters = (association.props.parameters ?? {}) as Record<string, unknown>;
    const operation = Array.isArray(parameters.Operation) ? parameters.Operation.join(",") : (parameters.Operation ?? "Scan");
    if (operation === "Scan") {
        return [];
    }
    const problems: string[] = [];
    const schedule = association.props.scheduleExpression;
    if (typeof schedule !== "string") {
        problems.push(`scheduleExpression is ${JSON.stringify(schedule ?? null)} for an AWS-RunPatchBaseline ${JSON.stringify(operation)}: it runs whenever it is created or changed, any day; expected an SSM cron(...) expression on SAT and/or SUN`);
    } else {
        const scheduleProblem = weekendScheduleProblem(schedule);
        if (scheduleProblem) {
            problems.push(scheduleProblem);
        }
    }
    if (association.props.applyOnlyAtCronInterval !== true) {
        problems.push(`applyOnlyAtCronInterval is ${JSON.stringify(association.props.applyOnlyAtCronInterval ?? null)}: State Manager installs patches as soon as the association is created or changed, whatever the day; expected true`);
    }
    return problems;
}

function weekendProblems(window: PolicyResource, stack: PolicyStack): string[] {
    if (window.type === ASSOCIATION_TYPE) {
        return associationProblems(window);
    }
    if (scansOnly(window, stack)) {
        return [];
    }
    const problems: string[] = [];
    if (window.props.enabled === false) {
        problems.push("enabled is false: the window never opens and the servers are never patched; expected true");
    }
    const schedule = window.props.schedule;
    if (typeof schedule !== "string") {
        return [...problems, `schedule is ${JSON.stringify(schedule)}; expected an SSM cron(...) expression on SAT and/or SUN`];
    }
    const scheduleProblem = weekendScheduleProblem(schedule);
    if (scheduleProblem) {
        problems.push(scheduleProblem);
    } else {
        const duration = window.props.duration;
        // The weekend is the service's, in UTC: a window in another zone is judged where it falls in
        // UTC (its opening and its close), one in UTC (or without a zone) as written.
        const zone = window.props.scheduleTimezone;
        const closeProblem =
            typeof duration !== "number"
                ? `duration is ${JSON.stringify(duration)}; expected the window's hours (1 to 24)`
                : isUtcZone(zone)
                  ? weekendCloseProblem(schedule, duration)
                  : weekendUtcProblem(schedule, duration, zone);
        if (closeProblem) {
            problems.push(closeProblem);
        }
    }
    const offset = window.props.scheduleOffset;
    if (offset !== undefined && offset !== null && offset !== 0) {
        problems.push(`scheduleOffset is ${JSON.stringify(offset)}: the window opens that many days after its cron's weekend day, which may be a weekday; expected none`);
    }
    return problems;
}

export const enforcePatchWindowWeekend: ResourceRule = {
    kind: "resource",
    name: "patch-window-weekend",
    description:
        "Every SSM maintenance window that maintains servers (all but compliance scans: AWS-RunPatchBaseline with Operation Scan) is enabled, opens on Saturday and/or Sunday only (cron day-of-month ?, day-of-week SAT/SUN), closes by Sunday 24:00 and has no schedule offset; the weekend is the service's, in UTC: a window with a scheduleTimezone other than UTC opens and closes between Saturday 00:00 and Sunday 24:00 UTC at every offset its zone takes (an unknown zone is refused); a State Manager association that installs patches (AWS-RunPatchBaseline, Operation other than Scan) runs on that weekend cron and only at it (applyOnlyAtCronInterval).",
    why: "The service promises weekend maintenance (security documentation, 5.2): a window that installs patches and reboots servers on a weekday interrupts customers during their working week.",
    enforcement: "mandatory",
    resourceTypes: [MAINTENANCE_WINDOW_TYPE, ASSOCIATION_TYPE],
    validate: weekendProblems,
};
