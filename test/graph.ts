// Queries over a planned resource graph, for the mode tests: follow references by mock id, find
// what a subnet, interface or rule belongs to. Each returns what the plan really holds; nothing here
// knows what a mode is supposed to look like.

import { PlannedResource } from "../scripts/lib/plan/engine";
import { PlanDocument, TenantPlan } from "../scripts/lib/plan/fleet";
import { T } from "./resource-types";

/** The stack `id` of a plan document; throws naming the stacks planned when it is not there. */
export function stackOf(document: Pick<PlanDocument, "tenants">, id: string): TenantPlan {
    const plan = document.tenants.find((candidate) => candidate.tenant === id);
    if (!plan) {
        throw new Error(`${id} was not planned (planned: ${document.tenants.map((candidate) => candidate.tenant).join(", ")})`);
    }
    return plan;
}

export { T };

export function ofType(plan: Pick<TenantPlan, "resources">, type: string): PlannedResource[] {
    return plan.resources.filter((resource) => resource.type === type);
}

export function byId(plan: Pick<TenantPlan, "resources">, id: unknown): PlannedResource | undefined {
    return plan.resources.find((resource) => resource.id === id);
}

export function tagsOf(resource: PlannedResource | undefined): Record<string, unknown> {
    return (resource?.inputs.tags as Record<string, unknown> | undefined) ?? {};
}

/** The tier tag and AZ of a subnet id, or undefined when the id is no subnet of the plan. */
export function subnetOf(plan: TenantPlan, id: unknown): { tier: string; az: string } | undefined {
    const subnet = byId(plan, id);
    if (subnet?.type !== T.subnet) {
        return undefined;
    }
    return { tier: String(tagsOf(subnet).tier), az: String(subnet.inputs.availabilityZone) };
}

/** Every network interface of an instance: eth0 from the instance, the others from attachments. */
export function interfacesOf(plan: TenantPlan, instance: PlannedResource): { deviceIndex: number; tier?: string; az?: string }[] {
    const primary = { deviceIndex: 0, ...subnetOf(plan, instance.inputs.subnetId) };
    const attached = ofType(plan, T.eniAttachment)
        .filter((attachment) => attachment.inputs.instanceId === instance.id)
        .map((attachment) => ({ deviceIndex: Number(attachment.inputs.deviceIndex), ...subnetOf(plan, byId(plan, attachment.inputs.networkInterfaceId)?.inputs.subnetId) }));
    return [primary, ...attached];
}

/** Where an ingress rule admits traffic from, as CIDRs where it is CIDR-based (prefix lists expanded). */
export function ingressSources(plan: TenantPlan, rule: PlannedResource): { cidrs: string[]; group?: PlannedResource } {
    const { inputs } = rule;
    if (typeof inputs.cidrIpv4 === "string" || typeof inputs.cidrIpv6 === "string") {
        return { cidrs: [String(inputs.cidrIpv4 ?? inputs.cidrIpv6)] };
    }
    if (inputs.prefixListId !== undefined) {
        const list = byId(plan, inputs.prefixListId);
        return { cidrs: ((list?.inputs.entries as { cidr: string }[] | undefined) ?? []).map((entry) => entry.cidr) };
    }
    return { cidrs: [], group: byId(plan, inputs.referencedSecurityGroupId) };
}

/** Every string anywhere in a value, for "does this graph mention X" checks. */
export function strings(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(strings);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).flatMap(strings);
    }
    return [];
}

/** Port ranges that administer a system: SSH, RDP, WinRM, and database ports. */
export const ADMIN_PORTS = [22, 3389, 5985, 5986, 5432, 3306, 1433, 1521];

export function coversPort(rule: PlannedResource, port: number): boolean {
    if (rule.inputs.ipProtocol === "-1") {
        return true;
    }
    return Number(rule.inputs.fromPort) <= port && port <= Number(rule.inputs.toPort);
}
