// Every server is inventoried and scanned for missing patches every week (the security
// documentation's weekly update check and monthly review of software and key files).

import { recoveryTargetOf } from "../../../lib/platform";
import { ofType, tagsOf } from "../graph";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";

export const INSTANCE_TYPE = "aws:ec2/instance:Instance";
export const ASSOCIATION_TYPE = "aws:ssm/association:Association";
export const INVENTORY_DOCUMENT = "AWS-GatherSoftwareInventory";
export const PATCH_DOCUMENT = "AWS-RunPatchBaseline";

/**
 * Whether a State Manager schedule runs at least once a week: `rate(...)` of minutes, hours or at
 * most 7 days; a `cron(...)` on every month whose days are every day or days of every week (no
 * day of the month, no `#n` or `L`, which run monthly).
 */
export function runsWeekly(schedule: unknown): boolean {
    if (typeof schedule !== "string") {
        return false;
    }
    const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(schedule.trim());
    if (rate) {
        return !rate[2]!.startsWith("day") || Number(rate[1]) <= 7;
    }
    const fields = /^cron\((.*)\)$/.exec(schedule.trim())?.[1]?.trim().split(/\s+/) ?? [];
    if (fields.length !== 6) {
        return false;
    }
    const [, , dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string, string];
    return (dayOfMonth === "?" || dayOfMonth === "*") && month === "*" && !/[#L]/i.test(dayOfWeek);
}

/** The patch groups an association targets by tag, or undefined when it targets anything else (instance ids, every node). */
function patchGroupsTargeted(association: PolicyResource): string[] | undefined {
    const targets = association.props.targets;
    if (!Array.isArray(targets) || targets.length === 0) {
        return undefined;
    }
    const groups: string[] = [];
    for (const target of targets as { key?: unknown; values?: unknown }[]) {
        if (target.key !== "tag:PatchGroup" || !Array.isArray(target.values)) {
            return undefined;
        }
        groups.push(...target.values.filter((value): value is string => typeof value === "string"));
    }
    return groups;
}

function parametersOf(association: PolicyResource): Record<string, unknown> {
    const parameters = association.props.parameters;
    return parameters !== null && typeof parameters === "object" ? (parameters as Record<string, unknown>) : {};
}

/** What is wrong with an inventory association: its targets, schedule and what it collects. */
function inventoryProblems(association: PolicyResource): string[] {
    const problems: string[] = [];
    if (patchGroupsTargeted(association) === undefined) {
        problems.push(
            `targets ${JSON.stringify(association.props.targets ?? null)}; expected tag:PatchGroup of the stack's servers only: SSM allows one inventory association per managed node, and one over every node takes the others' place`,
        );
    }
    if (!runsWeekly(association.props.scheduleExpression)) {
        problems.push(`scheduleExpression ${JSON.stringify(association.props.scheduleExpression ?? null)} does not run every week; expected e.g. cron(0 1 ? * MON *)`);
    }
    const parameters = parametersOf(association);
    for (const kind of ["applications", "services"]) {
        if (parameters[kind] === "Disabled") {
            problems.push(`parameters.${kind} is Disabled; the monthly review reads the servers' ${kind}`);
        }
    }
    let files: unknown;
    try {
        files = typeof parameters.files === "string" && parameters.files !== "" ? JSON.parse(parameters.files) : undefined;
    } catch {
        files = undefined;
    }
    if (!Array.isArray(files) || files.length === 0) {
        problems.push(`parameters.files ${JSON.stringify(parameters.files ?? null)} names no path; the monthly review compares the key files' versions (e.g. [{"Path":"/opt/itm","Pattern":["*"],"Recursive":true}])`);
    }
    return problems;
}

function isScan(association: PolicyResource): boolean {
    const operation = parametersOf(association).Operation;
    return association.props.name === PATCH_DOCUMENT && (operation === "Scan" || (Array.isArray(operation) && operation.includes("Scan")));
}

function inventoryFindings(stack: PolicyStack): Finding[] {
    const servers = ofType(stack, INSTANCE_TYPE);
    // A drill copy lives for hours (torn down after the drill): no week passes for it to report.
    if (servers.length === 0 || recoveryTargetOf(stack.stack)?.kind === "drill") {
        return [];
    }
    const findings: Finding[] = [];
    const associations = ofType(stack, ASSOCIATION_TYPE);
    const inventories = associations.filter((association) => association.props.name === INVENTORY_DOCUMENT);
    for (const inventory of inventories) {
        findings.push(...inventoryProblems(inventory).map((message) => ({ resource: inventory.name, message })));
    }
    const scans = associations.filter(isScan);
    for (const scan of scans.filter((candidate) => !runsWeekly(candidate.props.scheduleExpression))) {
        findings.push({ resource: scan.name, message: `scheduleExpression ${JSON.stringify(scan.props.scheduleExpression ?? null)} does not run every week; expected e.g. cron(0 2 ? * MON *)` });
    }
    const covers = (candidates: PolicyResource[], group: string) => candidates.some((candidate) => patchGroupsTargeted(candidate)?.includes(group) === true);
    const groups = new Map<string, string[]>();
    for (const server of servers) {
        const group = tagsOf(server).PatchGroup;
        if (typeof group !== "string" || group === "") {
            findings.push({ resource: server.name, message: "no PatchGroup tag: no patch window, inventory or compliance scan reaches the server" });
            continue;
        }
        groups.set(group, [...(groups.get(group) ?? []), server.name]);
    }
    for (const [group, names] of groups) {
        if (!covers(inventories, group)) {
            findings.push({
                resource: stack.stack,
                message: `patch group ${group} (${names.join(", ")}) has no software inventory: expected an ${ASSOCIATION_TYPE} of ${INVENTORY_DOCUMENT} targeting tag:PatchGroup=${group}, weekly`,
            });
        }
        if (!covers(scans, group)) {
            findings.push({
                resource: stack.stack,
                message: `patch group ${group} (${names.join(", ")}) has no patch compliance scan: expected an ${ASSOCIATION_TYPE} of ${PATCH_DOCUMENT} with Operation Scan targeting tag:PatchGroup=${group}, weekly`,
            });
        }
    }
    return findings;
}

export const missingInventoryAndPatchScan: StackRule = {
    kind: "stack",
    name: "ssm-inventory-and-patch-scan",
    description:
        `Every stack with servers (${INSTANCE_TYPE}) inventories each server's patch group weekly (${INVENTORY_DOCUMENT}: applications, services and key files, targeting tag:PatchGroup only) ` +
        `and scans it weekly for missing patches (${PATCH_DOCUMENT}, Operation Scan); every server carries a PatchGroup tag. Stacks without servers (an idle recovery environment) and drill copies (torn down within hours): not applicable.`,
    why: "The security documentation promises a weekly check of operating system and software updates and a monthly review of the server software and the version of every key file: without the inventory and the scan nothing records either.",
    enforcement: "mandatory",
    validate: inventoryFindings,
};
