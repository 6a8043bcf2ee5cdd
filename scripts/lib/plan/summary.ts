// The readable plan: per stack, what it would create and the facts a reviewer looks for. Each fact
// is read from the planned resources, never from the tenant file, so the summary shows what the
// program really registers.

import { SECRET_PLACEHOLDER } from "./engine";
import { PlanDocument, TenantPlan } from "./fleet";
import { formatProblem } from "../../../stacks/config/validate";

type Fact = (plan: TenantPlan) => string[];

const byType = (plan: TenantPlan, type: string) => plan.resources.filter((resource) => resource.type === type);

const encryptionKeys: Fact = (plan) =>
    byType(plan, "aws:kms/alias:Alias").map((alias) => {
        const key = plan.resources.find((resource) => resource.type === "aws:kms/key:Key" && resource.id === alias.inputs.targetKeyId);
        const rotation = key?.inputs.enableKeyRotation === true ? "rotation on" : "ROTATION OFF";
        const kept = key?.retainOnDelete ? "kept on destroy" : "deleted on destroy";
        return `key ${String(alias.inputs.name)}: ${rotation}, ${kept}`;
    });

const settingsParameters: Fact = (plan) =>
    byType(plan, "aws:ssm/parameter:Parameter").map((parameter) => `settings ${String(parameter.inputs.name)}: ${String(parameter.inputs.value)}`);

const FACTS: readonly Fact[] = [encryptionKeys, settingsParameters];

function counts(plan: TenantPlan): string[] {
    const tally = new Map<string, number>();
    for (const resource of plan.resources) {
        tally.set(resource.type, (tally.get(resource.type) ?? 0) + 1);
    }
    return [...tally.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => `${String(count).padStart(4)}  ${type}`);
}

function outputs(plan: TenantPlan): string[] {
    return Object.entries(plan.outputs)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => `${key}: ${value === SECRET_PLACEHOLDER ? "[secret]" : typeof value === "string" ? value : JSON.stringify(value)}`);
}

export function renderTenant(plan: TenantPlan): string {
    const lines = [
        `${plan.tenant} (${plan.mode}, ${plan.region}) from ${plan.source}: ${plan.resources.length} resources`,
        ...counts(plan).map((line) => `  ${line}`),
        ...FACTS.flatMap((fact) => fact(plan)).map((line) => `  ${line}`),
        ...outputs(plan).map((line) => `  output ${line}`),
    ];
    return lines.join("\n");
}

export function renderSummary(document: PlanDocument): string {
    const sections = document.tenants.map(renderTenant);
    if (document.errors.length > 0) {
        sections.push(["Problems (nothing planned for these):", ...document.errors.map((problem) => `  ${formatProblem(problem)}`)].join("\n"));
    }
    const total = document.tenants.reduce((sum, plan) => sum + plan.resources.length, 0);
    sections.push(`${document.tenants.length} stack(s) planned, ${total} resources; ${document.errors.length} problem(s)`);
    return `${sections.join("\n\n")}\n`;
}
