// The monthly restore test of the off-site copies (lib/promises/recovery.ts): a recovery environment
// restores its production's database and files from the off-site vault every month, into its own
// network, so that a broken copy is found within weeks and not at the incident.

import { BackupTarget } from "../../../lib/promises/backup-schedule";
import { RESTORE_TEST_ALGORITHM, RESTORE_TEST_MAX_SELECTION_WINDOW_DAYS, RESTORE_TEST_RESOURCE_TYPES } from "../../../lib/promises/recovery";
import { ofType } from "../graph";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";
import { isRecoveryEnvironment } from "./recovery";
import { runsEveryMonth } from "./schedule";

export const RESTORE_PLAN_TYPE = "aws:backup/restoreTestingPlan:RestoreTestingPlan";
export const RESTORE_SELECTION_TYPE = "aws:backup/restoreTestingSelection:RestoreTestingSelection";

const TARGETS = Object.keys(RESTORE_TEST_RESOURCE_TYPES) as BackupTarget[];

function record(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function orList(values: readonly string[]): string {
    return values.length === 1 ? values[0]! : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

/** What keeps a restore testing plan from testing the newest off-site copy every month. */
function planShortfalls(plan: PolicyResource): string[] {
    const shortfalls: string[] = [];
    if (!runsEveryMonth(plan.props.scheduleExpression)) {
        shortfalls.push(`its schedule ${JSON.stringify(plan.props.scheduleExpression ?? null)} does not run every month (the restore test is promised monthly)`);
    }
    const selection = record(plan.props.recoveryPointSelection);
    if (selection?.algorithm !== RESTORE_TEST_ALGORITHM) {
        shortfalls.push(`its recovery point algorithm is ${JSON.stringify(selection?.algorithm ?? null)}, not ${RESTORE_TEST_ALGORITHM}: the newest copy, the one an incident restores, must be the one tested`);
    }
    const window = selection?.selectionWindowDays;
    if (typeof window !== "number" || window > RESTORE_TEST_MAX_SELECTION_WINDOW_DAYS) {
        shortfalls.push(`its selection window is ${JSON.stringify(window ?? null)} days, not at most ${RESTORE_TEST_MAX_SELECTION_WINDOW_DAYS}`);
    }
    const vaults = Array.isArray(selection?.includeVaults) ? selection.includeVaults : [];
    if (vaults.length === 0) {
        shortfalls.push("it includes no vault: no recovery point is eligible");
    }
    return shortfalls;
}

/** The plan a selection belongs to (`restoreTestingPlanName`: the plan's `name`, which is its id). */
function planOf(stack: PolicyStack, selection: PolicyResource): PolicyResource | undefined {
    const name = selection.props.restoreTestingPlanName;
    if (typeof name !== "string" || name === "") {
        return undefined;
    }
    return ofType(stack, RESTORE_PLAN_TYPE).find((plan) => plan.props.name === name || plan.id === name);
}

/** An override value, by key compared without case (AWS Backup's inferred metadata keys). */
function override(selection: PolicyResource, key: string): unknown {
    const overrides = record(selection.props.restoreMetadataOverrides) ?? {};
    const found = Object.keys(overrides).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    return found === undefined ? undefined : overrides[found];
}

function namesOne(stack: PolicyStack, type: string, value: unknown, nameProp: string): boolean {
    return typeof value === "string" && value !== "" && ofType(stack, type).some((resource) => resource.id === value || resource.props[nameProp] === value);
}

/**
 * Where a test restore lands: an RDS or Aurora restore in a DB subnet group of the stack
 * (`dbSubnetGroupName` override), an EC2 restore in a subnet of the stack (`subnetId`);
 * without it AWS Backup restores into the region's default VPC, or fails where there is none
 * (AWS Backup Developer Guide, "Restore testing inferred metadata").
 */
function landingShortfall(stack: PolicyStack, selection: PolicyResource): string | undefined {
    const type = selection.props.protectedResourceType;
    if (type === "RDS" || type === "Aurora") {
        return namesOne(stack, "aws:rds/subnetGroup:SubnetGroup", override(selection, "dbSubnetGroupName"), "name")
            ? undefined
            : "its restoreMetadataOverrides.dbSubnetGroupName names no DB subnet group of this stack: the test restore would land outside the recovery network";
    }
    if (type === "EC2") {
        return namesOne(stack, "aws:ec2/subnet:Subnet", override(selection, "subnetId"), "id")
            ? undefined
            : "its restoreMetadataOverrides.subnetId names no subnet of this stack: the test restore would land outside the recovery network";
    }
    return undefined;
}

function restoreTestingFindings(stack: PolicyStack): Finding[] {
    if (!isRecoveryEnvironment(stack.stack)) {
        return [];
    }
    const plans = ofType(stack, RESTORE_PLAN_TYPE);
    if (plans.length === 0) {
        return [{ resource: stack.stack, message: `no restore testing plan (${RESTORE_PLAN_TYPE}): the off-site copies this environment would restore from are never restored before an incident` }];
    }
    const findings: Finding[] = [];
    const sound = new Set<PolicyResource>();
    for (const plan of plans) {
        const shortfalls = planShortfalls(plan);
        if (shortfalls.length === 0) {
            sound.add(plan);
        } else {
            findings.push({ resource: plan.name, message: `this restore testing plan does not keep the monthly restore test: ${shortfalls.join("; ")}` });
        }
    }
    const selections = ofType(stack, RESTORE_SELECTION_TYPE);
    for (const selection of selections) {
        const landing = landingShortfall(stack, selection);
        if (landing !== undefined) {
            findings.push({ resource: selection.name, message: landing });
        }
    }
    for (const target of TARGETS) {
        const types = RESTORE_TEST_RESOURCE_TYPES[target];
        const covering = selections.filter((selection) => types.includes(String(selection.props.protectedResourceType)));
        if (!covering.some((selection) => sound.has(planOf(stack, selection)!))) {
            findings.push({
                resource: stack.stack,
                message:
                    covering.length === 0
                        ? `no restore testing selection tests the ${target} (protectedResourceType ${orList(types)})`
                        : `the restore testing selections of the ${target} (${covering.map((selection) => selection.name).join(", ")}) belong to no restore testing plan of this stack that keeps the monthly test`,
            });
        }
    }
    return findings;
}

export const enforceRestoreTesting: StackRule = {
    kind: "stack",
    name: "backup-restore-testing-recovery",
    description:
        "A recovery environment (stack `<production>-recovery`) has an AWS Backup restore testing plan that runs every month, picks the newest recovery point " +
        `(${RESTORE_TEST_ALGORITHM}, selection window at most ${RESTORE_TEST_MAX_SELECTION_WINDOW_DAYS} days) from at least one vault, and restore testing ` +
        `selections of that plan for the database (${orList(RESTORE_TEST_RESOURCE_TYPES.database)}) and for the files (${orList(RESTORE_TEST_RESOURCE_TYPES.files)}); ` +
        "RDS/Aurora test restores land in a DB subnet group of the stack, EC2 ones in a subnet of it. A drill's copy " +
        "(`<production>-drill`) lives for hours and restores by itself: not applicable.",
    why:
        "A copy never restored is a hope, not a backup: the two-hour promise depends on the off-site recovery points restoring, and a monthly test of the " +
        "newest one finds a broken copy within weeks, not during the incident.",
    enforcement: "mandatory",
    validate: restoreTestingFindings,
};
