// A new tenant's topology as a Mermaid flowchart for the pull request: what a reviewer checks
// first (is the front door public, does each server sit in two tiers, where do the backups go).
// Read from the planned resources, never from the tenant file, so it shows what the program builds.
//
// Laid out for a comment's column (about 860 px on GitHub, where a wider diagram is scaled down
// until its text is unreadable): top to bottom, from the way in (internet or customer network)
// through the load balancer, the servers and the tiers to the backups, so that a row holds at most
// one node per server network interface or tier. Each interface is its own node inside its
// server's box, so every edge to a tier is attributable to one server. Checked by rendering in
// headless Chromium: scripts/ci/render-diagrams.ts.

import { SECRET_PLACEHOLDER } from "../../../lib/plan-document";
import { KNOWN_AFTER_DEPLOY } from "./unknowable";

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

/** A logical name without the stack's own prefix: the diagram is the stack's, the prefix says nothing. */
const short = (tenant: string, name: string): string => (name.startsWith(`${tenant}-`) ? name.slice(tenant.length + 1) : name);

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
    // Tighter spacing than Mermaid's defaults (50 px between nodes and ranks, 15 px padding): a row
    // of server interfaces is what sets the diagram's width. GitHub honours the init directive.
    const lines: string[] = ['%%{init: {"flowchart": {"nodeSpacing": 24, "rankSpacing": 36, "padding": 8}}}%%', "flowchart TB"];
    const edges: string[] = [];
    /** Nodes inside the shared platform's box (a stack without a network of its own). */
    const shared: string[] = [];

    const subnets = ofType("aws:ec2/subnet:Subnet");
    const tierOf = (subnet: (typeof subnets)[number]): string => String((subnet.inputs.tags as Record<string, unknown> | undefined)?.tier ?? "untiered");
    const tiers = [...new Set(subnets.map(tierOf))].sort((a, b) => {
        const rank = (tier: string) => (TIER_ORDER.includes(tier) ? TIER_ORDER.indexOf(tier) : TIER_ORDER.length);
        return rank(a) - rank(b) || a.localeCompare(b);
    });
    const tierNode = (tier: string) => node(`tier:${tier}`);
    const vpcs = ofType("aws:ec2/vpc:Vpc");
    const subnetTier = (subnetId: unknown): string | undefined => {
        const subnet = subnets.find((candidate) => candidate.id === subnetId);
        return subnet ? tierNode(tierOf(subnet)) : undefined;
    };
    const platformReference = ofType("pulumi:pulumi:StackReference")[0];
    const platformName = platformReference ? platformReference.name : "the shared platform";

    // The way in: the internet through the web firewall, or the customer's network through the VPN.
    const wafs = ofType("aws:wafv2/webAclAssociation:WebAclAssociation");
    const balancers = ofType("aws:lb/loadBalancer:LoadBalancer");
    for (const balancer of balancers) {
        const lb = node(`lb:${balancer.id}`);
        const internal = balancer.inputs.internal === true;
        const subnetsOfLb = (balancer.inputs.subnets as unknown[] | undefined) ?? [];
        const inShared = vpcs.length === 0 && subnetsOfLb.length > 0 && subnetsOfLb.every((id) => !byId.has(String(id)));
        // Its tier in words rather than an edge: that edge would run beside every server's box.
        const lbSubnet = subnets.find((subnet) => subnet.id === subnetsOfLb[0]);
        const where = lbSubnet ? [`in the ${tierOf(lbSubnet)} tier`] : [];
        const line = `  ${lb}[${label(`${internal ? "internal" : "public"} load balancer${inShared ? " (its own)" : ""}`, short(stack.tenant, balancer.name), ...where)}]`;
        if (inShared) {
            shared.push(line);
        } else {
            lines.push(line);
        }
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
    }

    const tunnels = Array.isArray(stack.outputs.vpnTunnels) ? stack.outputs.vpnTunnels.length : 0;
    for (const connection of ofType("aws:ec2/vpnConnection:VpnConnection")) {
        const vpn = node(`vpn:${connection.id}`);
        const gateway = byId.get(String(connection.inputs.customerGatewayId));
        const customer = node(`cgw:${String(connection.inputs.customerGatewayId)}`);
        const address = gateway && gateway.inputs.ipAddress !== SECRET_PLACEHOLDER ? [String(gateway.inputs.ipAddress)] : [];
        lines.push(`  ${customer}([${label("customer network", ...address)}])`);
        lines.push(`  ${vpn}[${label("VPN gateway")}]`);
        // AWS picks each tunnel's outside address on creation: the plan's are the mocks' stand-ins.
        const count = Math.max(tunnels, 2);
        edges.push(`  ${customer} <-->|${label(`${count} IPSec tunnels`, `AWS ends ${KNOWN_AFTER_DEPLOY}`)}| ${vpn}`);
    }

    // Inside the network: the load balancer, each server with one node per network interface, the tiers.
    const attachments = ofType("aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment");
    const instances = ofType("aws:ec2/instance:Instance");
    const serverLines: string[] = [];
    for (const instance of instances) {
        const host = instance.inputs.tenancy === "host" ? ["on a dedicated host"] : [];
        const nics: { device: number; tier: string | undefined }[] = [{ device: 0, tier: subnetTier(instance.inputs.subnetId) }];
        for (const attachment of attachments.filter((candidate) => candidate.inputs.instanceId === instance.id)) {
            nics.push({ device: Number(attachment.inputs.deviceIndex), tier: subnetTier(byId.get(String(attachment.inputs.networkInterfaceId))?.inputs.subnetId) });
        }
        serverLines.push(`    subgraph ${node(`server:${instance.id}`)}[${label(short(stack.tenant, instance.name).replace(/-instance$/, ""), String(instance.inputs.instanceType), ...host)}]`);
        for (const nic of nics.sort((a, b) => a.device - b.device)) {
            const nicNode = node(`nic:${instance.id}:${nic.device}`);
            serverLines.push(`      ${nicNode}((${label(`eth${nic.device}`)}))`);
            if (nic.tier) {
                edges.push(`  ${nicNode} --- ${nic.tier}`);
            }
        }
        serverLines.push("    end");
    }
    const tierLines = vpcs.flatMap((vpc) =>
        tiers.flatMap((tier) => {
            const inTier = subnets.filter((subnet) => tierOf(subnet) === tier && subnet.inputs.vpcId === vpc.id);
            const cidrs = inTier.map((subnet) => `${String(subnet.inputs.cidrBlock)} ${String(subnet.inputs.availabilityZone ?? "")}`.trim());
            return inTier.length === 0 ? [] : [`    ${tierNode(tier)}[${label(`${tier} tier`, ...cidrs)}]`];
        }),
    );
    for (const vpc of vpcs) {
        lines.push(`  subgraph ${node(`vpc:${vpc.id}`)}[${label(`VPC ${String(vpc.inputs.cidrBlock)}`)}]`, ...serverLines, ...tierLines, "  end");
    }
    if (vpcs.length === 0) {
        lines.push(...serverLines.map((line) => line.slice(2)));
    }

    for (const balancer of balancers) {
        const lb = node(`lb:${balancer.id}`);
        // A target is the instance: its traffic arrives on the primary interface (eth0).
        const targets = [...new Set(ofType("aws:lb/targetGroupAttachment:TargetGroupAttachment").map((attachment) => String(attachment.inputs.targetId)))];
        const own = targets.filter((target) => ids.has(`nic:${target}:0`));
        for (const target of own) {
            edges.push(`  ${lb} -->|HTTPS| ${node(`nic:${target}:0`)}`);
        }
        const others = targets.filter((target) => !byId.has(target));
        if (others.length > 0 && vpcs.length === 0) {
            shared.push(`  ${node("shared-servers")}[${label(`shared app servers (${others.length})`, `run ${stack.tenant}'s copy of the app`)}]`);
            edges.push(`  ${lb} -->|HTTPS| ${node("shared-servers")}`);
        }
    }
    if (ofType("aws:ec2transitgateway/vpcAttachment:VpcAttachment").length > 0 && tiers.includes("admin")) {
        lines.push(`  ${node("operations")}([${label("operations network", "(Transit Gateway)")}])`);
        edges.push(`  ${node("operations")} -->|SSH| ${tierNode("admin")}`);
    }
    for (const connection of ofType("aws:ec2/vpnConnection:VpnConnection")) {
        const vpcOfVgw = ofType("aws:ec2/vpnGateway:VpnGateway").find((candidate) => candidate.id === connection.inputs.vpnGatewayId)?.inputs.vpcId;
        if (tiers.includes("access") && (vpcOfVgw === undefined || vpcs.some((vpc) => vpc.id === vpcOfVgw))) {
            edges.push(`  ${node(`vpn:${connection.id}`)} --- ${tierNode("access")}`);
        }
    }

    // The data: the database in its tier (the platform's, for a stack on the shared platform).
    const associations = ofType("aws:ssm/association:Association");
    const databases = ofType("aws:rds/instance:Instance");
    for (const database of databases) {
        const db = node(`db:${database.id}`);
        const group = ofType("aws:rds/subnetGroup:SubnetGroup").find((candidate) => candidate.id === database.inputs.dbSubnetGroupName || candidate.inputs.name === database.inputs.dbSubnetGroupName);
        const firstSubnet = ((group?.inputs.subnetIds as unknown[] | undefined) ?? [])[0];
        const tier = subnetTier(firstSubnet);
        const line = `  ${db}[(${label(`database${vpcs.length === 0 ? " (its own)" : ""}`, `${String(database.inputs.engine ?? "")} ${String(database.inputs.instanceClass ?? "")}`.trim())})]`;
        if (tier) {
            lines.push(line);
            // Drawn from the tier down, so the database, then its backups, sit under the tiers.
            edges.push(`  ${tier} --- ${db}`);
        } else if (firstSubnet !== undefined && vpcs.length === 0) {
            const sharedTier = String((group?.inputs.tags as Record<string, unknown> | undefined)?.tier ?? "");
            shared.push(`  subgraph ${node(`shared-tier:${sharedTier}`)}[${label(`${sharedTier || "platform"} tier (shared)`)}]`, `  ${line}`, "  end");
        } else {
            lines.push(line);
        }
        // The app copy reaches the database through the host name its parameters carry.
        const identifier = String(database.inputs.identifier ?? "");
        if (ids.has("shared-servers") && associations.some((association) => String((association.inputs.parameters as Record<string, unknown> | undefined)?.databaseHost ?? "").startsWith(`${identifier}.`))) {
            edges.push(`  ${node("shared-servers")} --> ${db}`);
        }
    }
    if (shared.length > 0) {
        lines.push(`  subgraph ${node("platform")}[${label(`shared platform: ${platformName}`)}]`, ...shared.map((line) => `  ${line}`), "  end");
    }

    // The backups: what each backup selection names, into the local vault, copied off-site.
    const offsite = (vault: { readonly name: string; readonly inputs: Readonly<Record<string, unknown>> }): boolean => {
        const region = regionOfArn(vault.inputs.kmsKeyArn);
        return region !== undefined ? region !== stack.region : /offsite|off-site/.test(vault.name);
    };
    // Local vaults first: the diagram reads from where the backups start.
    const vaults = ofType("aws:backup/vault:Vault").sort((a, b) => Number(offsite(a)) - Number(offsite(b)));
    const local = vaults.filter((vault) => !offsite(vault));
    const selected = ofType("aws:backup/selection:Selection").flatMap((selection) => ((selection.inputs.resources as unknown[] | undefined) ?? []).map(String));
    const backedUpDatabases = databases.filter((database) => selected.some((arn) => arn.endsWith(`:db:${String(database.inputs.identifier ?? "")}`)));
    const buckets = selected.filter((arn) => arn.startsWith("arn:aws:s3:::")).length;
    const servers = selected.filter((arn) => /^arn:aws[\w-]*:ec2:.*:instance\//.test(arn)).length;
    const contents = [
        ...(backedUpDatabases.length > 0 ? [`database${backedUpDatabases.length > 1 ? `s (${backedUpDatabases.length})` : ""}`] : []),
        ...(buckets > 0 ? [`files${buckets > 1 ? ` (${buckets} buckets)` : ""}`] : []),
        ...(servers > 0 ? [`server volumes (${servers})`] : []),
    ];
    for (const vault of vaults) {
        const region = regionOfArn(vault.inputs.kmsKeyArn) ?? stack.region;
        const what = !offsite(vault) && vault === local[0] && contents.length > 0 ? [contents.join(", ")] : [];
        lines.push(`  ${node(`vault:${vault.id}`)}[(${label(`${offsite(vault) ? "off-site" : "local"} backup vault`, region, ...what)})]`);
    }
    for (const vault of vaults.filter(offsite)) {
        for (const source of local) {
            edges.push(`  ${node(`vault:${source.id}`)} -.->|copy| ${node(`vault:${vault.id}`)}`);
        }
    }
    if (local.length > 0) {
        const target = node(`vault:${local[0]!.id}`);
        if (backedUpDatabases.length > 0) {
            edges.push(...backedUpDatabases.map((database) => `  ${node(`db:${database.id}`)} -.->|backup| ${target}`));
        } else if (tiers.includes("data")) {
            edges.push(`  ${tierNode("data")} -.->|backup| ${target}`);
        }
    }

    if (vpcs.length === 0 && shared.length === 0) {
        lines.push(`  ${node("shared")}[${label(`${stack.tenant} (${stack.mode})`, "on the shared platform: no network of its own")}]`);
    }
    return [...lines, ...edges].join("\n");
}
