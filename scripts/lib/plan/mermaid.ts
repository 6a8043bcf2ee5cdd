// A new tenant's topology as a Mermaid flowchart for the pull request: what a reviewer checks
// first (is the front door public, does each server sit in two tiers, where do the backups go).
// Read from the planned resources, never from the tenant file, so it shows what the program builds.

import { SECRET_PLACEHOLDER } from "./engine";

/** A planned stack as far as the diagram reads it (a `TenantPlan` fits). */
export interface TopologyStack {
    readonly tenant: string;
    readonly mode: string;
    readonly region: string;
    readonly resources: readonly { readonly type: string; readonly name: string; readonly id: string; readonly inputs: Readonly<Record<string, unknown>> }[];
    readonly outputs: Readonly<Record<string, unknown>>;
}

const TIER_ORDER = ["access", "admin", "data"];

/** A label Mermaid cannot misread (quotes and angle brackets as entities), one line per part. */
function label(...parts: string[]): string {
    return `"${parts.map((text) => text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;")).join("<br/>")}"`;
}

const regionOfArn = (arn: unknown): string | undefined => (typeof arn === "string" ? /^arn:aws[\w-]*:[\w-]+:([a-z0-9-]+):/.exec(arn)?.[1] : undefined);

/** The flowchart source (without the Markdown fence) of one stack's topology. */
export function topologyDiagram(stack: TopologyStack): string {
    const ofType = (type: string) => stack.resources.filter((resource) => resource.type === type);
    const byId = new Map(stack.resources.map((resource) => [resource.id, resource]));
    const ids = new Map<string, string>();
    const node = (key: string): string => {
        if (!ids.has(key)) {
            ids.set(key, `n${ids.size}`);
        }
        return ids.get(key)!;
    };
    const lines: string[] = ["flowchart LR"];
    const edges: string[] = [];

    const subnets = ofType("aws:ec2/subnet:Subnet");
    const tierOf = (subnet: (typeof subnets)[number]): string => String((subnet.inputs.tags as Record<string, unknown> | undefined)?.tier ?? "untiered");
    const tiers = [...new Set(subnets.map(tierOf))].sort((a, b) => {
        const rank = (tier: string) => (TIER_ORDER.includes(tier) ? TIER_ORDER.indexOf(tier) : TIER_ORDER.length);
        return rank(a) - rank(b) || a.localeCompare(b);
    });
    const tierNode = (tier: string) => node(`tier:${tier}`);
    const vpcs = ofType("aws:ec2/vpc:Vpc");
    for (const vpc of vpcs) {
        lines.push(`  subgraph ${node(`vpc:${vpc.id}`)}[${label(`VPC ${String(vpc.inputs.cidrBlock)}`)}]`);
        for (const tier of tiers) {
            const inTier = subnets.filter((subnet) => tierOf(subnet) === tier && subnet.inputs.vpcId === vpc.id);
            if (inTier.length === 0) {
                continue;
            }
            const cidrs = inTier.map((subnet) => `${String(subnet.inputs.cidrBlock)} ${String(subnet.inputs.availabilityZone ?? "")}`.trim());
            lines.push(`    ${tierNode(tier)}[${label(`${tier} tier`, ...cidrs)}]`);
        }
        lines.push("  end");
    }
    const subnetTier = (subnetId: unknown): string | undefined => {
        const subnet = subnets.find((candidate) => candidate.id === subnetId);
        return subnet ? tierNode(tierOf(subnet)) : undefined;
    };

    const attachments = ofType("aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment");
    for (const instance of ofType("aws:ec2/instance:Instance")) {
        const server = node(`server:${instance.id}`);
        const host = instance.inputs.tenancy === "host" ? ", dedicated host" : "";
        lines.push(`  ${server}[${label(`server ${instance.name}`, `${String(instance.inputs.instanceType)}${host}`)}]`);
        const nics: { device: number; tier: string | undefined }[] = [{ device: 0, tier: subnetTier(instance.inputs.subnetId) }];
        for (const attachment of attachments.filter((candidate) => candidate.inputs.instanceId === instance.id)) {
            nics.push({ device: Number(attachment.inputs.deviceIndex), tier: subnetTier(byId.get(String(attachment.inputs.networkInterfaceId))?.inputs.subnetId) });
        }
        for (const nic of nics.sort((a, b) => a.device - b.device)) {
            if (nic.tier) {
                edges.push(`  ${server} ---|eth${nic.device}| ${nic.tier}`);
            }
        }
    }

    for (const database of ofType("aws:rds/instance:Instance")) {
        const db = node(`db:${database.id}`);
        lines.push(`  ${db}[(${label(`database ${String(database.inputs.engine ?? "")} ${String(database.inputs.instanceClass ?? "")}`.replace(/\s+/g, " ").trim())})]`);
        const group = ofType("aws:rds/subnetGroup:SubnetGroup").find((candidate) => candidate.id === database.inputs.dbSubnetGroupName || candidate.inputs.name === database.inputs.dbSubnetGroupName);
        const tier = subnetTier(((group?.inputs.subnetIds as unknown[] | undefined) ?? [])[0]);
        if (tier) {
            edges.push(`  ${db} --- ${tier}`);
        }
    }

    const wafs = ofType("aws:wafv2/webAclAssociation:WebAclAssociation");
    for (const balancer of ofType("aws:lb/loadBalancer:LoadBalancer")) {
        const lb = node(`lb:${balancer.id}`);
        const internal = balancer.inputs.internal === true;
        lines.push(`  ${lb}[${label(`${internal ? "internal" : "public"} load balancer`, balancer.name)}]`);
        const waf = wafs.find((association) => association.inputs.resourceArn === balancer.id);
        let entry = lb;
        if (waf) {
            entry = node(`waf:${waf.id}`);
            lines.push(`  ${entry}{{${label("WAF")}}}`);
            edges.push(`  ${entry} --> ${lb}`);
        }
        if (!internal) {
            lines.push(`  ${node("internet")}((${label("internet")}))`);
            edges.push(`  ${node("internet")} -->|HTTPS| ${entry}`);
        }
        const subnetsOfLb = (balancer.inputs.subnets as unknown[] | undefined) ?? [];
        const tier = subnetTier(subnetsOfLb[0]);
        if (tier) {
            edges.push(`  ${lb} --- ${tier}`);
        }
        const groups = ofType("aws:lb/targetGroupAttachment:TargetGroupAttachment").filter((attachment) => ids.has(`server:${String(attachment.inputs.targetId)}`));
        for (const target of [...new Set(groups.map((attachment) => String(attachment.inputs.targetId)))]) {
            edges.push(`  ${lb} -->|HTTPS| ${node(`server:${target}`)}`);
        }
    }

    const tunnels = Array.isArray(stack.outputs.vpnTunnels) ? (stack.outputs.vpnTunnels as { outsideAddress?: unknown }[]) : [];
    for (const connection of ofType("aws:ec2/vpnConnection:VpnConnection")) {
        const vpn = node(`vpn:${connection.id}`);
        lines.push(`  ${vpn}[${label("VPN gateway")}]`);
        const gateway = byId.get(String(connection.inputs.customerGatewayId));
        const customer = node(`cgw:${String(connection.inputs.customerGatewayId)}`);
        const address = gateway && gateway.inputs.ipAddress !== SECRET_PLACEHOLDER ? [String(gateway.inputs.ipAddress)] : [];
        lines.push(`  ${customer}([${label("customer network", ...address)}])`);
        const count = Math.max(tunnels.length, 2);
        for (let i = 0; i < count; i++) {
            const outside = tunnels[i]?.outsideAddress;
            edges.push(`  ${vpn} <-->|${label(`IPSec tunnel ${i + 1}${typeof outside === "string" ? ` ${outside}` : ""}`)}| ${customer}`);
        }
        const vpcOfVgw = ofType("aws:ec2/vpnGateway:VpnGateway").find((candidate) => candidate.id === connection.inputs.vpnGatewayId)?.inputs.vpcId;
        const access = tiers.includes("access") ? tierNode("access") : undefined;
        if (access && (vpcOfVgw === undefined || vpcs.some((vpc) => vpc.id === vpcOfVgw))) {
            edges.push(`  ${vpn} --- ${access}`);
        }
    }

    if (ofType("aws:ec2transitgateway/vpcAttachment:VpcAttachment").length > 0 && tiers.includes("admin")) {
        lines.push(`  ${node("operations")}([${label("operations network (Transit Gateway)")}])`);
        edges.push(`  ${node("operations")} -->|SSH| ${tierNode("admin")}`);
    }

    const offsite = (vault: { readonly name: string; readonly inputs: Readonly<Record<string, unknown>> }): boolean => {
        const region = regionOfArn(vault.inputs.kmsKeyArn);
        return region !== undefined ? region !== stack.region : /offsite|off-site/.test(vault.name);
    };
    // Local vaults first: the diagram reads from where the backups start.
    const vaults = ofType("aws:backup/vault:Vault").sort((a, b) => Number(offsite(a)) - Number(offsite(b)));
    const local = vaults.filter((vault) => !offsite(vault));
    for (const vault of vaults) {
        const region = regionOfArn(vault.inputs.kmsKeyArn) ?? stack.region;
        lines.push(`  ${node(`vault:${vault.id}`)}[(${label(`${offsite(vault) ? "off-site" : "local"} backup vault`, region)})]`);
    }
    for (const vault of vaults.filter(offsite)) {
        for (const source of local) {
            edges.push(`  ${node(`vault:${source.id}`)} -.->|copy| ${node(`vault:${vault.id}`)}`);
        }
    }
    if (local.length > 0 && tiers.includes("data")) {
        edges.push(`  ${tierNode("data")} -.->|backup| ${node(`vault:${local[0]!.id}`)}`);
    }

    if (vpcs.length === 0) {
        lines.push(`  ${node("shared")}[${label(`${stack.tenant} (${stack.mode})`, "on the shared platform: no network of its own")}]`);
    }
    return [...lines, ...edges].join("\n");
}
