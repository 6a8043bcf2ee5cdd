// Every server is patched at the weekend (security documentation, 5.2; Capacity Planner: "Patch our
// servers against vulnerabilities as soon as they are identified and updates are released").

import { PATCH_APPROVAL_DAYS } from "../../../lib/promises/maintenance";
import { byRef, ofType, tagsOf } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { MAINTENANCE_WINDOW_TASK_TYPE, MAINTENANCE_WINDOW_TYPE } from "./enforcePatchWindowWeekend";

const TARGET_TYPE = "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget";
const PATCH_GROUP_TYPE = "aws:ssm/patchGroup:PatchGroup";
const BASELINE_TYPE = "aws:ssm/patchBaseline:PatchBaseline";

type Targets = { key?: unknown; values?: unknown }[];

const valuesOf = (targets: unknown, key: string): unknown[] =>
    ((Array.isArray(targets) ? targets : []) as Targets).filter((target) => target.key === key).flatMap((target) => (Array.isArray(target.values) ? target.values : []));

/** Whether the task installs approved patches: AWS-RunPatchBaseline with Operation Install (AWS's default operation is Scan). */
function installsPatches(task: PolicyResource): boolean {
    const invocation = (task.props.taskInvocationParameters ?? {}) as { runCommandParameters?: { parameters?: { name?: unknown; values?: unknown }[] } };
    const operation = (invocation.runCommandParameters?.parameters ?? []).find((parameter) => parameter.name === "Operation");
    return task.props.taskArn === "AWS-RunPatchBaseline" && Array.isArray(operation?.values) && operation.values.includes("Install");
}

/** The window targets that select the instance: by its PatchGroup tag, or by its id. */
function targetsOf(instance: PolicyResource, group: unknown, stack: PolicyStack): PolicyResource[] {
    return ofType(stack, TARGET_TYPE).filter(
        (target) => (group !== undefined && valuesOf(target.props.targets, "tag:PatchGroup").includes(group)) || (instance.id !== undefined && valuesOf(target.props.targets, "InstanceIds").includes(instance.id)),
    );
}

/** Whether a Security approval rule of the baseline approves within the promise's days. */
function approvesSecurity(baseline: PolicyResource): boolean {
    const rules = (Array.isArray(baseline.props.approvalRules) ? baseline.props.approvalRules : []) as { approveAfterDays?: unknown; patchFilters?: { key?: unknown; values?: unknown }[] }[];
    return rules.some(
        (rule) =>
            typeof rule.approveAfterDays === "number" &&
            rule.approveAfterDays <= PATCH_APPROVAL_DAYS &&
            (rule.patchFilters ?? []).some((filter) => filter.key === "CLASSIFICATION" && Array.isArray(filter.values) && filter.values.includes("Security")),
    );
}

function patchingProblems(instance: PolicyResource, stack: PolicyStack): string[] {
    const group = tagsOf(instance).PatchGroup;
    const targets = targetsOf(instance, group, stack);
    const installing = targets.some((target) => {
        const window = byRef(stack, target.props.windowId);
        return (
            window?.type === MAINTENANCE_WINDOW_TYPE &&
            ofType(stack, MAINTENANCE_WINDOW_TASK_TYPE).some(
                (task) => byRef(stack, task.props.windowId) === window && installsPatches(task) && valuesOf(task.props.targets, "WindowTargetIds").includes(target.id),
            )
        );
    });
    const problems: string[] = [];
    if (!installing) {
        problems.push(
            `no maintenance window installs its patches (a MaintenanceWindowTarget selecting tag:PatchGroup ${JSON.stringify(group ?? null)} or the instance, targeted by an AWS-RunPatchBaseline task with Operation Install): the server is never patched`,
        );
    }
    const baselines = ofType(stack, PATCH_GROUP_TYPE)
        .filter((registration) => group !== undefined && registration.props.patchGroup === group)
        .map((registration) => byRef(stack, registration.props.baselineId))
        .filter((baseline): baseline is PolicyResource => baseline?.type === BASELINE_TYPE);
    if (!baselines.some(approvesSecurity)) {
        problems.push(
            `no patch baseline of its patch group ${JSON.stringify(group ?? null)} approves Security updates within ${PATCH_APPROVAL_DAYS} days (an aws:ssm/patchGroup:PatchGroup registering a baseline with a CLASSIFICATION Security approval rule, approveAfterDays at most ${PATCH_APPROVAL_DAYS}): AWS's default baseline would decide what is installed`,
        );
    }
    return problems;
}

export const enforceInstancePatching: ResourceRule = {
    kind: "resource",
    name: "ec2-instance-patched",
    description: `Every EC2 instance is in a maintenance window that installs patches (AWS-RunPatchBaseline, Operation Install, on a target selecting its PatchGroup tag or its id), and its patch group's baseline approves Security updates within ${PATCH_APPROVAL_DAYS} days.`,
    why: "The service promises servers patched against vulnerabilities as soon as updates are released, in the weekend maintenance (security documentation, 5.2; Capacity Planner): a window that only scans, a target that misses the server or a baseline without security updates leaves it unpatched while every window still looks right.",
    enforcement: "mandatory",
    resourceTypes: ["aws:ec2/instance:Instance"],
    validate: patchingProblems,
};
