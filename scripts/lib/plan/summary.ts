// The readable plan: per stack, what it would create and the facts a reviewer looks for. Each fact
// is read from the planned resources, never from the tenant file, so the summary shows what the
// program really registers.

import { describeCron } from "../../../lib/promises/backup-schedule";
import { estimateByMode, StackEstimate } from "../cost/estimate";
import { Violation } from "../../../policy/rules/types";
import { SECRET_PLACEHOLDER } from "../../../lib/plan-document";
import { PlanDocument, TenantPlan } from "./fleet";
import { describeOffboarding } from "./offboarding";
import { knowableOutput, knowableTunnels, markUnknowable } from "./unknowable";
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
    byType(plan, "aws:ssm/parameter:Parameter").map((parameter) => `settings ${String(parameter.inputs.name)}: ${String(parameter.inputs.insecureValue ?? parameter.inputs.value)}`);

const tagsOf = (inputs: Record<string, unknown>): Record<string, unknown> => (inputs.tags as Record<string, unknown> | undefined) ?? {};

const networks: Fact = (plan) => {
    const lines = byType(plan, "aws:ec2/vpc:Vpc").map((vpc) => `network ${String(vpc.inputs.cidrBlock)} (${vpc.name})`);
    const tiers = new Map<string, string[]>();
    for (const subnet of byType(plan, "aws:ec2/subnet:Subnet")) {
        const tier = String(tagsOf(subnet.inputs).tier ?? "untiered");
        tiers.set(tier, [...(tiers.get(tier) ?? []), `${String(subnet.inputs.cidrBlock)} ${String(subnet.inputs.availabilityZone ?? "")}`.trim()]);
    }
    for (const [tier, subnets] of [...tiers.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`  ${tier} tier: ${subnets.join(", ")}`);
    }
    return lines;
};

const serverNics: Fact = (plan) => {
    const tierOfSubnet = (id: unknown): string => {
        const subnet = plan.resources.find((resource) => resource.type === "aws:ec2/subnet:Subnet" && resource.id === id);
        return subnet ? String(tagsOf(subnet.inputs).tier ?? "?") : String(id);
    };
    return byType(plan, "aws:ec2/instance:Instance").map((instance) => {
        const attachments = byType(plan, "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment").filter((attachment) => attachment.inputs.instanceId === instance.id);
        const extra = attachments.map((attachment) => {
            const eni = plan.resources.find((resource) => resource.id === attachment.inputs.networkInterfaceId);
            return `eth${String(attachment.inputs.deviceIndex)} ${tierOfSubnet(eni?.inputs.subnetId)}`;
        });
        const placement = instance.inputs.tenancy === "host" ? `, on dedicated host` : "";
        return `server ${instance.name} (${String(instance.inputs.instanceType)}${placement}): eth0 ${tierOfSubnet(instance.inputs.subnetId)}${extra.length ? `, ${extra.join(", ")}` : ""}`;
    });
};

/** Who a rule admits: a CIDR, a security group, or a prefix list (shown with its entries). */
function ruleSource(plan: TenantPlan, inputs: Record<string, unknown>, direction: "from" | "to"): string {
    if (inputs.cidrIpv4 !== undefined || inputs.cidrIpv6 !== undefined) {
        return String(inputs.cidrIpv4 ?? inputs.cidrIpv6);
    }
    const group = plan.resources.find((resource) => resource.id === inputs.referencedSecurityGroupId);
    if (group) {
        return `group ${group.name}`;
    }
    const prefixList = plan.resources.find((resource) => resource.id === inputs.prefixListId);
    if (prefixList) {
        const entries = ((prefixList.inputs.entries as { cidr?: unknown }[] | undefined) ?? []).map((entry) => String(entry.cidr));
        return `prefix list ${prefixList.name} (${entries.join(", ") || "no entries"})`;
    }
    return String(inputs.referencedSecurityGroupId ?? inputs.prefixListId ?? `anywhere ${direction}`);
}

const openPorts: Fact = (plan) =>
    byType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((rule) => {
        const group = plan.resources.find((resource) => resource.id === rule.inputs.securityGroupId);
        const ports = rule.inputs.fromPort === rule.inputs.toPort ? String(rule.inputs.fromPort) : `${String(rule.inputs.fromPort)}-${String(rule.inputs.toPort)}`;
        return `open ${String(rule.inputs.ipProtocol)}/${ports} on ${group?.name ?? String(rule.inputs.securityGroupId)} from ${ruleSource(plan, rule.inputs, "from")}`;
    });

const networkAclDenies: Fact = (plan) =>
    byType(plan, "aws:ec2/networkAcl:NetworkAcl").flatMap((acl) => {
        const denied = (direction: "ingress" | "egress") =>
            ((acl.inputs[direction] as { action?: string; cidrBlock?: string }[] | undefined) ?? []).filter((rule) => rule.action === "deny").map((rule) => String(rule.cidrBlock));
        const inbound = denied("ingress");
        const outbound = denied("egress");
        return inbound.length + outbound.length > 0 ? [`network ACL ${acl.name} denies in: ${inbound.join(", ") || "-"}; out: ${outbound.join(", ") || "-"}`] : [];
    });

const tunnels: Fact = (plan) =>
    byType(plan, "aws:ec2/vpnConnection:VpnConnection").flatMap((connection) => {
        const routes = byType(plan, "aws:ec2/vpnConnectionRoute:VpnConnectionRoute").map((route) => String(route.inputs.destinationCidrBlock));
        const routing = connection.inputs.staticRoutesOnly === true ? `static routes ${routes.join(", ")}` : "BGP";
        const outsides = knowableTunnels(plan.outputs.vpnTunnels, connection);
        return [
            `vpn ${connection.name}: 2 tunnels, IKE ${JSON.stringify(connection.inputs.tunnel1IkeVersions)}, ${routing}, pre-shared keys ${String(connection.inputs.tunnel1PresharedKey)}`,
            ...outsides.map((tunnel, i) => `  tunnel ${i + 1}: AWS endpoint ${tunnel.outsideAddress}, inside ${tunnel.insideCidr}`),
        ];
    });

/** A schedule in words where it has a known shape, else as written. */
function readableSchedule(schedule: unknown): string {
    try {
        return `${describeCron(String(schedule))} (${String(schedule)})`;
    } catch {
        return String(schedule);
    }
}

const backupSchedule: Fact = (plan) =>
    byType(plan, "aws:backup/plan:Plan").flatMap((backupPlan) =>
        ((backupPlan.inputs.rules as Record<string, unknown>[] | undefined) ?? []).map((rule) => {
            const lifecycle = rule.lifecycle as { deleteAfter?: number } | undefined;
            const copyActions = (rule.copyActions as { lifecycle?: { deleteAfter?: number } }[] | undefined) ?? [];
            const copies = copyActions.length;
            // The home vault's retention and each copy's: they differ (the weekly points stay a week at home, a year off-site).
            const copyDays = copies === 0 ? "" : ` kept ${copyActions.map((copy) => String((copy.lifecycle ?? lifecycle)?.deleteAfter)).join(", ")} days`;
            return `backup ${backupPlan.name} ${String(rule.ruleName)}: ${readableSchedule(rule.schedule)}, kept ${String(lifecycle?.deleteAfter)} days here, ${copies} off-site cop${copies === 1 ? "y" : "ies"}${copyDays}`;
        }),
    );

const customerDns: Fact = (plan) => {
    const records = plan.outputs.customerDnsRecords;
    if (!Array.isArray(records) || records.length === 0) {
        return [];
    }
    return [
        "DNS records the customer must create:",
        ...records.map(
            (record: { name?: string; type?: string; value?: string; purpose?: string }) =>
                `  ${String(markUnknowable(record.name))} ${String(record.type)} ${String(markUnknowable(record.value))}${record.purpose ? ` (${record.purpose})` : ""}`,
        ),
    ];
};

const directoryPhase: Fact = (plan) => (typeof plan.outputs.directoryPhase === "string" ? [`directory sync: ${plan.outputs.directoryPhase}`] : []);

const FACTS: readonly Fact[] = [networks, serverNics, openPorts, networkAclDenies, tunnels, backupSchedule, customerDns, directoryPhase, encryptionKeys, settingsParameters];

function counts(plan: TenantPlan): string[] {
    const tally = new Map<string, number>();
    for (const resource of plan.resources) {
        tally.set(resource.type, (tally.get(resource.type) ?? 0) + 1);
    }
    return [...tally.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => `${String(count).padStart(4)}  ${type}`);
}

/** A multi-line value (a PEM certificate) as its first line and its size: the JSON has it whole. */
function oneLine(value: string): string {
    const lines = value.trimEnd().split("\n");
    return lines.length > 1 ? `${lines[0]} ... (${lines.length} lines)` : value;
}

function outputs(plan: TenantPlan): string[] {
    // What AWS assigns on deployment is a mock's stand-in in the plan (scripts/lib/plan/unknowable.ts): shown as unknown.
    return Object.entries(plan.outputs)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => {
            const shown = knowableOutput(key, value, plan.resources);
            return `${key}: ${value === SECRET_PLACEHOLDER ? "[secret]" : typeof shown === "string" ? oneLine(shown) : JSON.stringify(shown)}`;
        });
}

const usd = (amount: number): string => `${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USD`;

function costLines(cost: StackEstimate | undefined): string[] {
    if (!cost) {
        return [];
    }
    const kinds = [...new Set(cost.unknown.map((item) => item.type.split(":").pop() ?? item.type))].sort();
    const unknown = cost.unknown.length > 0 ? `; not included: ${cost.unknown.length} item(s) of unknown cost (${kinds.join(", ")}; see the JSON's cost.unknown)` : "";
    return [`  monthly cost estimate: ${usd(cost.monthlyUsd)} at list prices ${cost.priceVersion}${unknown}`];
}

function violationLines(violations: readonly Violation[]): string[] {
    if (violations.length === 0) {
        return [];
    }
    return [`  policy violations (${violations.length}):`, ...violations.map((v) => `    [${v.enforcement}] ${v.policy} on ${v.resource}: ${v.message}`)];
}

export function renderTenant(plan: TenantPlan): string {
    if (plan.offboarding) {
        return [`${plan.tenant} (${plan.mode}, ${plan.region}) from ${plan.source}: offboarding`, ...describeOffboarding(plan.offboarding).map((line) => `  ${line}`), ...costLines(plan.cost)].join("\n");
    }
    const lines = [
        `${plan.tenant} (${plan.mode}, ${plan.region}) from ${plan.source}: ${plan.resources.length} resources`,
        ...counts(plan).map((line) => `  ${line}`),
        ...FACTS.flatMap((fact) => fact(plan)).map((line) => `  ${line}`),
        ...outputs(plan).map((line) => `  output ${line}`),
        ...costLines(plan.cost),
        ...violationLines(plan.violations ?? []),
    ];
    return lines.join("\n");
}

/** What the summary's closing sections read of a whole plan: its fields but the stacks, and totals over them. */
export interface SummaryTotals {
    readonly stacks: number;
    readonly resources: number;
    readonly estimates: readonly StackEstimate[];
    readonly violations: number;
    readonly mandatory: number;
}

export function summaryTotals(tenants: readonly TenantPlan[]): SummaryTotals {
    const violations = tenants.flatMap((plan) => plan.violations ?? []);
    return {
        stacks: tenants.length,
        resources: tenants.reduce((sum, plan) => sum + plan.resources.length, 0),
        estimates: tenants.flatMap((plan) => (plan.cost ? [plan.cost] : [])),
        violations: violations.length,
        mandatory: violations.filter((violation) => violation.enforcement === "mandatory").length,
    };
}

/** The sections after the stacks': problems, warnings, stand-ins, cost by mode, the count line. */
export function summaryClosing(document: Omit<PlanDocument, "tenants">, totals: SummaryTotals): string[] {
    const sections: string[] = [];
    if (document.errors.length > 0) {
        sections.push(["Problems (invalid files are not planned; a value AWS refuses, or a quota, fails the deployment):", ...document.errors.map((problem) => `  ${formatProblem(problem)}`)].join("\n"));
    }
    if (document.warnings && document.warnings.length > 0) {
        sections.push(["Warnings (AWS accepts the deployment, then fails later):", ...document.warnings.map((problem) => `  ${formatProblem(problem)}`)].join("\n"));
    }
    if (document.placeholderSecrets && document.placeholderSecrets.length > 0) {
        sections.push(`Secret config the plan cannot know was planned with a placeholder secret: ${document.placeholderSecrets.join(", ")}`);
    }
    if (document.standInConfig && document.standInConfig.length > 0) {
        sections.push(`Platform config without a default was planned with a stand-in (set it before a real update): ${document.standInConfig.join(", ")}`);
    }
    if (totals.estimates.length > 0) {
        sections.push(
            [
                "Monthly cost estimate by mode (known items, list prices):",
                ...estimateByMode(totals.estimates).map((mode) => `  ${mode.mode}: ${usd(mode.monthlyUsd)} for ${mode.tenants.length} stack(s)${mode.unknownItems > 0 ? `, ${mode.unknownItems} item(s) unknown` : ""}`),
            ].join("\n"),
        );
    }
    sections.push(
        `${totals.stacks} stack(s) planned, ${totals.resources} resources; ${document.errors.length} problem(s); ` +
            `${totals.mandatory} mandatory and ${totals.violations - totals.mandatory} advisory policy violation(s)`,
    );
    return sections;
}

export function renderSummary(document: PlanDocument): string {
    return `${[...document.tenants.map(renderTenant), ...summaryClosing(document, summaryTotals(document.tenants))].join("\n\n")}\n`;
}
