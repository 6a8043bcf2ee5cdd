import { describe, expect, it } from "vitest";

import { blastRadius } from "../scripts/lib/plan/diff/blast-radius";
import { DiffResource, DiffStack, StackDiff } from "../scripts/lib/plan/diff/model";
import { diffPlans } from "../scripts/lib/plan/diff/stacks";
import { code, CommentInput, CommentStack, renderComments, sectionHeading, truncateSection, usd } from "../scripts/lib/plan/markdown";
import { topologyDiagram, TopologyStack } from "../scripts/lib/plan/mermaid";
import { TenantPlan } from "../scripts/lib/plan/fleet";
import { renderTenant } from "../scripts/lib/plan/summary";
import { assignedByAws, KNOWN_AFTER_DEPLOY } from "../scripts/lib/plan/unknowable";
import { mulberry32 } from "../scripts/lib/prng";

type Resource = TopologyStack["resources"][number] & DiffResource;

const resource = (type: string, name: string, id: string, inputs: Record<string, unknown>): Resource => ({ type, name, id, inputs, protect: false, retainOnDelete: false });

/** Backup selections as the Backup component makes them: the database, then the files and any servers. */
const backupSelections = (tenant: string, region: string, servers: string[]): Resource[] => [
    resource("aws:backup/selection:Selection", `${tenant}-backup-database-selection`, `${tenant}-backup-database-selection`, { resources: [`arn:aws:rds:${region}:123456789012:db:${tenant}-database`] }),
    resource("aws:backup/selection:Selection", `${tenant}-backup-files-selection`, `${tenant}-backup-files-selection`, { resources: [`arn:aws:s3:::${tenant}-files-bucket-1a2b3c4`, ...servers] }),
];

/** A dedicated-saas tenant shaped like the real plan: its own door, database and backups on the platform's network and servers. */
function dedicatedSaas(tenant: string): TopologyStack {
    const region = "eu-west-1";
    const lbArn = `arn:aws:elasticloadbalancing:${region}:123456789012:loadbalancer/app/${tenant}-front-door-alb/abc`;
    return {
        tenant,
        mode: "dedicated-saas",
        region,
        outputs: {},
        resources: [
            resource("pulumi:pulumi:StackReference", "platform-eu-west-1", "organization/tenant-platform/platform-eu-west-1", { name: "organization/tenant-platform/platform-eu-west-1" }),
            // The platform's access subnets and servers: ids the stack reads, not resources of its own.
            resource("aws:lb/loadBalancer:LoadBalancer", `${tenant}-front-door-alb`, lbArn, { internal: false, name: `${tenant}-front-door-alb`, subnets: ["subnet-platform-access-0", "subnet-platform-access-1"] }),
            resource("aws:wafv2/webAclAssociation:WebAclAssociation", `${tenant}-front-door-waf-association`, `waf-${tenant}`, { resourceArn: lbArn }),
            ...[0, 1].map((i) => resource("aws:lb/targetGroupAttachment:TargetGroupAttachment", `${tenant}-app-target-${i}`, `tga-${tenant}-${i}`, { targetId: `i-platform-${i}` })),
            resource("aws:ssm/association:Association", `${tenant}-app-install`, `association-${tenant}`, { parameters: { databaseHost: `${tenant}-database.c0ffee.${region}.rds.amazonaws.com` } }),
            resource("aws:rds/subnetGroup:SubnetGroup", `${tenant}-database-subnets`, `${tenant}-database-subnets-1`, { subnetIds: ["subnet-platform-data-0", "subnet-platform-data-1"], tags: { tier: "data" } }),
            resource("aws:rds/instance:Instance", `${tenant}-database-db`, `db-${tenant}`, { engine: "postgres", instanceClass: "db.m6g.large", identifier: `${tenant}-database`, dbSubnetGroupName: `${tenant}-database-subnets-1` }),
            resource("aws:backup/vault:Vault", `${tenant}-backup-vault`, `${tenant}-vault`, { kmsKeyArn: `arn:aws:kms:${region}:123456789012:key/2` }),
            resource("aws:backup/vault:Vault", `${tenant}-backup-offsite-vault`, `${tenant}-offsite-vault`, { kmsKeyArn: "arn:aws:kms:eu-west-2:123456789012:key/1" }),
            ...backupSelections(tenant, region, []),
        ],
    };
}

/** A dedicated tenant shaped like the real plan: three tiers over two AZs, two dual-NIC servers, a front door, backups, optionally a VPN. */
function dedicated(tenant: string, mode: "cloud" | "vpn", cidr: string): TopologyStack & DiffStack {
    const region = "eu-west-1";
    const [a, b] = cidr.split(".");
    const vpcId = `vpc-${tenant}`;
    const subnets = ["access", "admin", "data"].flatMap((tier, t) =>
        [0, 1].map((az) =>
            resource("aws:ec2/subnet:Subnet", `${tenant}-network-${tier}-${az}`, `subnet-${tenant}-${tier}-${az}`, {
                vpcId,
                cidrBlock: `${a}.${b}.${(t * 2 + az) * 32}.0/19`,
                availabilityZone: `${region}${az === 0 ? "a" : "b"}`,
                tags: { tier },
            }),
        ),
    );
    const servers = [0, 1].flatMap((i) => [
        resource("aws:ec2/instance:Instance", `${tenant}-servers-${i}-instance`, `i-${tenant}-${i}`, { instanceType: "m6i.large", subnetId: `subnet-${tenant}-access-${i}` }),
        resource("aws:ec2/networkInterface:NetworkInterface", `${tenant}-servers-${i}-admin-eni`, `eni-${tenant}-${i}`, { subnetId: `subnet-${tenant}-admin-${i}` }),
        resource("aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment", `${tenant}-servers-${i}-admin-eni-attachment`, `eni-attach-${tenant}-${i}`, {
            deviceIndex: 1,
            instanceId: `i-${tenant}-${i}`,
            networkInterfaceId: `eni-${tenant}-${i}`,
        }),
        resource("aws:lb/targetGroupAttachment:TargetGroupAttachment", `${tenant}-front-door-target-${i}`, `tga-${tenant}-${i}`, { targetId: `i-${tenant}-${i}` }),
    ]);
    const lbArn = `arn:aws:elasticloadbalancing:${region}:123456789012:loadbalancer/app/${tenant}-front-door-alb/abc`;
    const front = [
        resource("aws:lb/loadBalancer:LoadBalancer", `${tenant}-front-door-alb`, lbArn, { internal: mode === "vpn", subnets: [`subnet-${tenant}-access-0`, `subnet-${tenant}-access-1`] }),
        ...(mode === "cloud" ? [resource("aws:wafv2/webAclAssociation:WebAclAssociation", `${tenant}-front-door-waf-association`, `waf-${tenant}`, { resourceArn: lbArn })] : []),
    ];
    const vpn =
        mode === "vpn"
            ? [
                  resource("aws:ec2/customerGateway:CustomerGateway", `${tenant}-vpn-cgw`, `cgw-${tenant}`, { ipAddress: "81.2.69.142", bgpAsn: "65010" }),
                  resource("aws:ec2/vpnConnection:VpnConnection", `${tenant}-vpn-connection`, `vpn-${tenant}`, { customerGatewayId: `cgw-${tenant}`, tunnel1PresharedKey: "[secret]" }),
              ]
            : [];
    const data = [
        resource("aws:rds/subnetGroup:SubnetGroup", `${tenant}-database-subnets`, `${tenant}-database-subnets-1`, { subnetIds: [`subnet-${tenant}-data-0`, `subnet-${tenant}-data-1`] }),
        resource("aws:rds/instance:Instance", `${tenant}-database`, `db-${tenant}`, {
            engine: "postgres",
            instanceClass: "db.m6g.large",
            identifier: `${tenant}-database`,
            dbSubnetGroupName: `${tenant}-database-subnets-1`,
        }),
        resource("aws:backup/vault:Vault", `${tenant}-backup-offsite-vault`, `${tenant}-offsite-vault`, { kmsKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/1" }),
        resource("aws:backup/vault:Vault", `${tenant}-backup-vault`, `${tenant}-vault`, { kmsKeyArn: `arn:aws:kms:${region}:123456789012:key/2` }),
        resource("aws:ec2transitgateway/vpcAttachment:VpcAttachment", `${tenant}-network-tgw`, `tgw-attach-${tenant}`, { vpcId }),
        ...backupSelections(tenant, region, [`arn:aws:ec2:${region}:123456789012:instance/i-${tenant}-0`, `arn:aws:ec2:${region}:123456789012:instance/i-${tenant}-1`]),
    ];
    return {
        tenant,
        mode,
        region,
        resources: [resource("aws:ec2/vpc:Vpc", `${tenant}-network-vpc`, vpcId, { cidrBlock: cidr }), ...subnets, ...servers, ...front, ...vpn, ...data],
        outputs:
            mode === "vpn"
                ? {
                      vpnTunnels: [
                          { outsideAddress: "34.206.187.168", insideCidr: "169.254.196.120/30" },
                          { outsideAddress: "34.212.125.98", insideCidr: "169.254.26.44/30" },
                      ],
                      vpnPresharedKeys: "[secret]",
                  }
                : {},
    };
}

/** A diagram read back: each node's label and the boxes (subgraphs) it sits in, and its edges. */
function readDiagram(diagram: string): { labels: Map<string, string>; boxes: Map<string, string[]>; edges: { from: string; to: string; text: string }[] } {
    const labels = new Map<string, string>();
    const boxes = new Map<string, string[]>();
    const edges: { from: string; to: string; text: string }[] = [];
    const open: string[] = [];
    for (const line of diagram.split("\n").map((text) => text.trim())) {
        const box = /^subgraph (n\d+)\["(.*)"\]$/.exec(line);
        const edge = /^(n\d+) (?:---|-->|<-->|-\.->)(?:\|(.*)\|)? (n\d+)$/.exec(line);
        const node = /^(n\d+)[[({]+"(.*?)"[\])}]+$/.exec(line);
        if (box) {
            labels.set(box[1]!, box[2]!);
            boxes.set(box[1]!, [...open]);
            open.push(box[1]!);
        } else if (line === "end") {
            open.pop();
        } else if (edge) {
            edges.push({ from: edge[1]!, to: edge[3]!, text: edge[2] ?? "" });
        } else if (node) {
            labels.set(node[1]!, node[2]!);
            boxes.set(node[1]!, [...open]);
        }
    }
    return { labels, boxes, edges };
}

const nodeLabelled = (read: ReturnType<typeof readDiagram>, pattern: RegExp): string[] => [...read.labels.entries()].filter(([, text]) => pattern.test(text)).map(([id]) => id);

describe("topologyDiagram", () => {
    it("GIVEN a cloud tenant WHEN drawn THEN the internet reaches the load balancer through its WAF, and each NIC edge starts from a node in its own server's box", () => {
        const diagram = topologyDiagram(dedicated("globex", "cloud", "10.20.0.0/16"));
        const read = readDiagram(diagram);
        expect(diagram.split("\n")[1]).toBe("flowchart TB");
        const [internet] = nodeLabelled(read, /^internet$/);
        const [waf] = nodeLabelled(read, /^WAF$/);
        const [lb] = nodeLabelled(read, /^public load balancer/);
        expect(read.edges).toContainEqual({ from: internet, to: waf, text: "HTTPS" });
        expect(read.edges).toContainEqual({ from: waf, to: lb, text: "" });
        const [access] = nodeLabelled(read, /^access tier/);
        const [admin] = nodeLabelled(read, /^admin tier/);
        for (const server of ["servers-0", "servers-1"]) {
            const [box] = nodeLabelled(read, new RegExp(`^${server}<br/>m6i.large$`));
            const nics = [...read.boxes.entries()].filter(([, boxes]) => boxes.at(-1) === box).map(([id]) => id);
            expect(nics.map((id) => read.labels.get(id))).toEqual(["eth0", "eth1"]);
            // eth0 in the access tier and the load balancer's target, eth1 in the admin tier.
            expect(read.edges.filter((edge) => edge.from === nics[0])).toEqual([{ from: nics[0], to: access, text: "" }]);
            expect(read.edges.filter((edge) => edge.from === nics[1])).toEqual([{ from: nics[1], to: admin, text: "" }]);
            expect(read.edges).toContainEqual({ from: lb, to: nics[0], text: "HTTPS" });
        }
        // No edge carries an interface's name: which server an edge belongs to is its node's box.
        expect(read.edges.some((edge) => /eth\d/.test(edge.text))).toBe(false);
        const [database] = nodeLabelled(read, /^database/);
        const [local] = nodeLabelled(read, /^local backup vault/);
        const [offsite] = nodeLabelled(read, /^off-site backup vault/);
        expect(read.labels.get(local!)).toBe("local backup vault<br/>eu-west-1<br/>database, files, server volumes (2)");
        expect(read.edges).toContainEqual({ from: database, to: local, text: "backup" });
        expect(read.edges).toContainEqual({ from: local, to: offsite, text: "copy" });
        expect(diagram).toMatchSnapshot();
    });

    it("GIVEN a vpn tenant WHEN drawn THEN the tunnels reach the customer's network, their AWS addresses are marked unknown, and no secret or mock address shows", () => {
        const diagram = topologyDiagram(dedicated("initech", "vpn", "10.30.0.0/16"));
        const read = readDiagram(diagram);
        expect(diagram).not.toContain("internet");
        expect(diagram).not.toContain("secret");
        // The mocks' stand-ins for the addresses AWS assigns never appear as if real.
        expect(diagram).not.toContain("34.206.187.168");
        expect(diagram).not.toContain("34.212.125.98");
        const [customer] = nodeLabelled(read, /^customer network<br\/>81\.2\.69\.142$/);
        const [gateway] = nodeLabelled(read, /^VPN gateway$/);
        expect(read.edges).toContainEqual({ from: customer, to: gateway, text: '"2 IPSec tunnels<br/>AWS ends (known after deploy)"' });
        expect(diagram).toMatchSnapshot();
    });

    it("GIVEN a dedicated-saas tenant WHEN drawn THEN its own load balancer, database and backups are connected to the shared platform's servers and data tier", () => {
        const read = readDiagram(topologyDiagram(dedicatedSaas("northwind")));
        const [platform] = nodeLabelled(read, /^shared platform: platform-eu-west-1$/);
        const [internet] = nodeLabelled(read, /^internet$/);
        const [waf] = nodeLabelled(read, /^WAF$/);
        const [lb] = nodeLabelled(read, /^public load balancer \(its own\)<br\/>front-door-alb$/);
        const [servers] = nodeLabelled(read, /^shared app servers \(2\)/);
        const [dataTier] = nodeLabelled(read, /^data tier \(shared\)$/);
        const [database] = nodeLabelled(read, /^database \(its own\)/);
        const [local] = nodeLabelled(read, /^local backup vault<br\/>eu-west-1<br\/>database, files$/);
        const [offsite] = nodeLabelled(read, /^off-site backup vault/);
        expect(read.boxes.get(lb!)).toEqual([platform]);
        expect(read.boxes.get(servers!)).toEqual([platform]);
        expect(read.boxes.get(database!)).toEqual([platform, dataTier]);
        expect(read.edges).toEqual(
            expect.arrayContaining([
                { from: internet, to: waf, text: "HTTPS" },
                { from: waf, to: lb, text: "" },
                { from: lb, to: servers, text: "HTTPS" },
                { from: servers, to: database, text: "" },
                { from: database, to: local, text: "backup" },
                { from: local, to: offsite, text: "copy" },
            ]),
        );
        // One piece: every node is reached from the internet, following edges either way.
        const seen = new Set([internet!]);
        for (let grew = true; grew; ) {
            grew = false;
            for (const edge of read.edges) {
                if (seen.has(edge.from) !== seen.has(edge.to)) {
                    seen.add(edge.from).add(edge.to);
                    grew = true;
                }
            }
        }
        const nodes = [...read.labels.keys()].filter((id) => id !== platform && id !== dataTier);
        expect(nodes.filter((id) => !seen.has(id))).toEqual([]);
    });

    it("GIVEN a tenant on the shared platform WHEN drawn THEN the diagram says it has no network of its own", () => {
        expect(topologyDiagram({ tenant: "lumen", mode: "saas", region: "eu-west-1", resources: [], outputs: {} }).split("\n").slice(1)).toEqual([
            "flowchart TB",
            '  n0["lumen (saas)<br/>on the shared platform: no network of its own"]',
        ]);
    });
});

describe("values the plan cannot know", () => {
    it("GIVEN a vpn tenant's plan WHEN summarised THEN the tunnels' AWS addresses, the load balancer's DNS name and ACM's validation record are marked, the customer's own values are not", () => {
        const stack = dedicated("initech", "vpn", "10.30.0.0/16");
        const summary = renderTenant({
            ...stack,
            mode: "vpn" as const,
            resources: [...stack.resources] as TenantPlan["resources"],
            source: "initech.yaml",
            outputs: {
                ...stack.outputs,
                vpcId: "vpc-0a1b2c3d4e5f60789",
                customerDnsRecords: [
                    { name: "_ec3a94d94d6af84844b6fead67f7a36e.itm.initech.com", type: "CNAME", value: "_9c83dc21f679f6f8743daaf956ae9158.f3a7189035.acm-validations.aws", purpose: "proves" },
                    { name: "itm.initech.com", type: "CNAME", value: "internal-initech-front-door-alb-188734522.eu-west-1.elb.amazonaws.com" },
                ],
            },
        });
        for (const mock of ["169.254.196.120", "34.206.187.168", "34.212.125.98", "vpc-0a1b2c3d4e5f60789", "_ec3a94d9", "acm-validations.aws", "elb.amazonaws.com"]) {
            expect(summary).not.toContain(mock);
        }
        expect(summary).toContain(`  tunnel 1: AWS endpoint ${KNOWN_AFTER_DEPLOY}, inside ${KNOWN_AFTER_DEPLOY}`);
        expect(summary).toContain(`    itm.initech.com CNAME ${KNOWN_AFTER_DEPLOY}`);
        expect(summary).toContain(`  output vpcId: ${KNOWN_AFTER_DEPLOY}`);
        // From the tenant file: known.
        expect(summary).toContain("network 10.30.0.0/16");
    });

    it.each([
        ["internal-a-front-door-alb-188734522.eu-west-1.elb.amazonaws.com", true],
        ["acme-database.caecc908c897.eu-west-1.rds.amazonaws.com:5432", true],
        ["subnet-0a1b2c3d4e5f60789", true],
        ["arn:aws:kms:eu-west-1:123456789012:key/33179d18-48bd-488e-a123-5714bf2a36da", true],
        ["itm.acme.com", false],
        ["10.30.0.0/16", false],
        ["acme-files-bucket", false],
    ])("GIVEN %s WHEN judged THEN assigned by AWS: %s", (value, assigned) => {
        expect(assignedByAws(value)).toBe(assigned);
    });
});

const withDiffs = (base: DiffStack[], head: (DiffStack & TopologyStack)[]): { stacks: CommentStack[]; input: Omit<CommentInput, "stacks"> } => {
    const entries = diffPlans({ tenants: base }, { tenants: head });
    const byTenant = new Map(head.map((stack) => [stack.tenant, stack]));
    const stacks = entries.map((entry) => ({
        ...(byTenant.get(entry.tenant) ?? { tenant: entry.tenant, mode: entry.mode, region: "eu-west-1", resources: [], outputs: {} }),
        diff: entry.diff,
    }));
    return { stacks, input: { baseRef: "origin/main", blastRadius: blastRadius(entries) } };
};

describe("renderComments", () => {
    it("GIVEN a small fleet with a shared change, a new tenant, a removed one and a violation WHEN rendered THEN one comment as snapshotted", () => {
        const base = [dedicated("acme", "vpn", "10.40.0.0/16"), dedicated("globex", "cloud", "10.20.0.0/16"), dedicated("gone", "cloud", "10.50.0.0/16")];
        const head = [dedicated("acme", "vpn", "10.40.0.0/16"), dedicated("globex", "cloud", "10.20.0.0/16"), dedicated("initech", "vpn", "10.30.0.0/16")].map((stack) => ({
            ...stack,
            resources: (stack.resources as Resource[]).map((r) => (r.type === "aws:ec2/instance:Instance" ? { ...r, inputs: { ...r.inputs, instanceType: "m6i.xlarge" } } : r)),
        }));
        const { stacks, input } = withDiffs(base, head);
        const checked = stacks.map((stack) =>
            stack.tenant === "acme" ? { ...stack, violations: [{ policy: "enforce-imdsv2", resource: "acme-servers-0-instance", message: "IMDSv1 <allowed>", enforcement: "mandatory" as const }] } : stack,
        );
        const costs = new Map([
            ["acme", { beforeUsd: 1000, afterUsd: 1140.5, deltaUsd: 140.5, unknownItems: 2 }],
            ["globex", { beforeUsd: 900, afterUsd: 1040.5, deltaUsd: 140.5, unknownItems: 0 }],
            ["initech", { beforeUsd: 0, afterUsd: 1234.56, deltaUsd: 1234.56, unknownItems: 0 }],
            ["gone", { beforeUsd: 800, afterUsd: 0, deltaUsd: -800, unknownItems: 0 }],
        ]);
        const comments = renderComments({ ...input, stacks: checked, costs, notes: ["secret config planned with a placeholder: directoryPassword"] });
        expect(comments).toHaveLength(1);
        expect(comments[0]).toContain("- `2 stacks (cloud 1, vpn 1): aws:ec2/instance:Instance /inputs/instanceType: \"m6i.large\" → \"m6i.xlarge\" (4 resources)`<br/>stacks: acme, globex\n");
        expect(comments[0]).toContain("```mermaid");
        expect(comments[0]).toContain("IMDSv1 &lt;allowed&gt;");
        // The new vpn tenant's tunnel addresses are the mocks' stand-ins: marked, in the diagram and the outputs.
        expect(comments[0]).not.toMatch(/34\.206\.187\.168|34\.212\.125\.98|169\.254\.196\.120/);
        expect(comments[0]).toContain('! output /vpnTunnels: added [{"outsideAddress":"(known after deploy)","insideCidr":"(known after deploy)"}');
        expect(comments[0]).toMatchSnapshot();
    });

    it("GIVEN a tenant whose CIDR changes WHEN rendered THEN the replacements come first, the servers' data loss in a caution block no reviewer can miss", () => {
        const base = [dedicated("acme", "vpn", "10.40.0.0/16"), dedicated("globex", "cloud", "10.20.0.0/16")];
        const head = [dedicated("acme", "vpn", "10.41.0.0/16"), dedicated("globex", "cloud", "10.20.0.0/16")];
        const { stacks, input } = withDiffs(base, head);
        const [comment] = renderComments({ ...input, stacks });
        const lines = comment!.split("\n");
        const caution = lines.indexOf("> [!CAUTION]");
        expect(caution).toBeGreaterThan(0);
        expect(caution).toBeLessThan(lines.findIndex((line) => line.startsWith("| stack |")));
        expect(lines[caution + 1]).toBe("> **2 replacement(s) destroy data or need action outside this repository.** Read each before merging:");
        expect(lines[caution + 2]).toBe(
            "> - **acme** `aws:ec2/instance:Instance`: **data loss**: the server acme-servers-0-instance is terminated and launched anew from its image: its root volume and everything written to it are destroyed",
        );
        expect(comment).toContain("| acme | vpn | changed | 0 | 19 | 0 | **17** | 0 | not estimated |");
        expect(comment).toContain("**17 resource(s) replaced**");
        // In the stack's folded diff, the replaced resources come before the ones updated in place.
        const diffBlock = comment!.slice(comment!.indexOf("```diff"));
        expect(diffBlock.indexOf("-/+ aws:ec2/vpc:Vpc acme-network-vpc (replaced)")).toBeGreaterThan(0);
        expect(diffBlock.indexOf("-/+ aws:ec2/vpc:Vpc acme-network-vpc (replaced)")).toBeLessThan(diffBlock.indexOf("! aws:lb/loadBalancer:LoadBalancer acme-front-door-alb"));
        expect(comment).toMatchSnapshot();
    });

    it("GIVEN a shared change in more than 10 stacks WHEN rendered THEN it names every stack, folded under the change", () => {
        const names = Array.from({ length: 12 }, (_, i) => `tenant-${String.fromCharCode(97 + i)}`);
        const base = names.map((name, i) => dedicated(name, i % 2 === 0 ? "cloud" : "vpn", `10.${100 + i}.0.0/16`));
        const head = base.map((stack) => ({ ...stack, resources: (stack.resources as Resource[]).map((r) => (r.type === "aws:ec2/instance:Instance" ? { ...r, inputs: { ...r.inputs, instanceType: "m6i.xlarge" } } : r)) }));
        const { stacks, input } = withDiffs(base, head);
        const [comment] = renderComments({ ...input, stacks });
        const shared = comment!.slice(comment!.indexOf("### Changes shared by several stacks"));
        expect(shared).toContain(
            [
                "- `12 stacks (cloud 6, vpn 6): aws:ec2/instance:Instance /inputs/instanceType: \"m6i.large\" → \"m6i.xlarge\" (24 resources)`",
                "  <details><summary>the 12 stacks</summary>",
                "",
                `  ${names.join(", ")}`,
                "",
                "  </details>",
            ].join("\n"),
        );
    });

    it("GIVEN a shared change whose stacks' names hold Markdown WHEN rendered THEN the names are shown as text", () => {
        const base = ["a|b", "c<d>"].map((name, i) => dedicated(name, "cloud", `10.${60 + i}.0.0/16`));
        const head = base.map((stack) => ({ ...stack, resources: (stack.resources as Resource[]).map((r) => (r.type === "aws:ec2/instance:Instance" ? { ...r, inputs: { ...r.inputs, instanceType: "m6i.xlarge" } } : r)) }));
        const { stacks, input } = withDiffs(base, head);
        const [comment] = renderComments({ ...input, stacks });
        expect(comment).toContain("<br/>stacks: a\\|b, c&lt;d&gt;\n");
    });

    it("GIVEN no cost estimate WHEN rendered THEN the table and summary say cost: not estimated", () => {
        const { stacks, input } = withDiffs([dedicated("acme", "vpn", "10.40.0.0/16")], [dedicated("acme", "vpn", "10.40.0.0/16")]);
        const [comment] = renderComments({ ...input, stacks });
        expect(comment).toContain("| acme | vpn | unchanged | 0 | 0 | 0 | 0 | 0 | not estimated |");
        expect(comment).toContain("cost: not estimated");
    });

    it.each([
        [0, "±$0.00"],
        [1234.5, "+$1,234.50"],
        [-0.004, "±$0.00"],
        [-12, "-$12.00"],
    ])("GIVEN a delta of %d WHEN shown THEN %s", (value, text) => {
        expect(usd(value, true)).toBe(text);
    });

    it.each([
        ["plain", "`plain`"],
        ["a`b", "`` a`b ``"],
    ])("GIVEN %s WHEN put in a code span THEN %s", (text, span) => {
        expect(code(text)).toBe(span);
    });

    it("GIVEN a section cut inside a folded fence WHEN truncated THEN the fence and the details are closed and the note points to the JSON", () => {
        const section = ["### big (cloud): changed", "<details><summary>x</summary>", "", "```diff", ...Array.from({ length: 500 }, (_, i) => `+ line ${i}`), "```", "</details>"].join("\n");
        const cut = truncateSection(section, 2000, "big", "npm run plan -- --json");
        expect(cut.length).toBeLessThanOrEqual(2000);
        expect(cut).toMatch(/```\n<\/details>\n\n> \*\*Truncated:\*\* the section of big .* \(npm run plan -- --json\)\.\n$/);
    });
});


function randomFleet(seed: number): CommentStack[] {
    const next = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const count = 1 + Math.floor(next() * 120);
    return Array.from({ length: count }, (_, t): CommentStack => {
        const tenant = `t${t}-${pick(["a", "bb", "ccc"])}`;
        const status = pick(["new", "removed", "changed", "changed", "unchanged"] as const);
        // Some stacks are huge (thousands of changes), most small.
        const size = next() < 0.05 ? 3000 + Math.floor(next() * 3000) : Math.floor(next() * 60);
        const refs = Array.from({ length: size }, (_, i) => ({ type: pick(["aws:ec2/instance:Instance", "aws:s3/bucket:Bucket"]), name: `${tenant}-r${i}` }));
        const diff: StackDiff = {
            status,
            added: status === "new" || (status === "changed" && next() < 0.3) ? refs : [],
            removed: status === "removed" ? refs : [],
            changed:
                status === "changed"
                    ? refs.map((ref, i) => ({
                          ...ref,
                          changes: [{ path: `/inputs/${"x".repeat(Math.floor(next() * 100))}`, before: next(), after: "[secret]", ...(next() < 0.5 ? { secret: true as const } : {}) }],
                          // Some replaced, a few of them losing data (a warning line each at the top).
                          replace: i % 7 === 0,
                          ...(i % 21 === 0 ? { holdsData: true as const, atStake: `the volume ${ref.name} and its data are destroyed` } : {}),
                      }))
                    : [],
            outputs: [],
        };
        const violations = next() < 0.2 ? [{ policy: "p", resource: `${tenant}-r0`, message: "m".repeat(200), enforcement: "advisory" as const }] : [];
        return { tenant, mode: pick(["cloud", "vpn", "saas"]), region: "eu-west-1", resources: [], outputs: {}, violations, diff };
    });
}

/** The property's inputs: 25 seeds, each with its comment limit. */
const SEEDS: readonly [number, number][] = Array.from({ length: 25 }, (_, i) => [i + 1, i % 3 === 0 ? 65_536 : 6_000 + i * 500]);

const renderedSeeds = new Map<number, { stacks: ReturnType<typeof randomFleet>; comments: string[] }>();

/** The random fleet of a seed and its comments, rendered once for both tests of the property. */
function renderedSeed(seed: number, limit: number): { stacks: ReturnType<typeof randomFleet>; comments: string[] } {
    let rendered = renderedSeeds.get(seed);
    if (rendered === undefined) {
        const stacks = randomFleet(seed);
        rendered = { stacks, comments: renderComments({ baseRef: "origin/main", stacks, blastRadius: [] }, { limit }) };
        renderedSeeds.set(seed, rendered);
    }
    return rendered;
}

describe("renderComments splitting (property)", () => {
    it.each(SEEDS)(
        "GIVEN random large diffs (seed %d) WHEN rendered with a limit of %d THEN every comment fits, the table is in the first and every stack's section is in exactly one",
        (seed, limit) => {
            const { stacks, comments } = renderedSeed(seed, limit);
            for (const comment of comments) {
                expect(comment.length).toBeLessThanOrEqual(limit);
                expect(comment.split("\n").filter((line) => line.startsWith("```")).length % 2).toBe(0);
                expect((comment.match(/<details>/g) ?? []).length).toBe((comment.match(/<\/details>/g) ?? []).length);
            }
            expect(comments[0]).toContain("| stack | mode | status |");
            const tableRows = comments[0]!.split("\n").filter((line) => /^\| t\d+-/.test(line)).length;
            const cut = comments[0]!.includes("more line(s) of the summary table left out");
            expect(cut || tableRows === stacks.length).toBe(true);
            for (const stack of stacks.filter((s) => s.diff.status !== "unchanged" || (s.violations?.length ?? 0) > 0)) {
                const heading = sectionHeading(stack);
                const holders = comments.filter((comment) => comment.split("\n").includes(heading));
                expect(holders, heading).toHaveLength(1);
                expect(holders[0]!.split("\n").filter((line) => line === heading)).toHaveLength(1);
            }
            for (const stack of stacks.filter((s) => s.diff.status === "unchanged" && (s.violations?.length ?? 0) === 0)) {
                expect(comments.some((comment) => comment.split("\n").includes(sectionHeading(stack)))).toBe(false);
            }
            if (comments.length > 1) {
                expect(comments[1]).toContain(`: part 2 of ${comments.length}`);
            }
        },
    );
});

describe("renderComments splitting (the property's inputs)", () => {
    it("GIVEN the seeds above WHEN rendered THEN they do exercise several comments and truncated sections", () => {
        let split = 0;
        let truncated = 0;
        for (const [seed, limit] of SEEDS) {
            const { comments } = renderedSeed(seed, limit);
            split += comments.length > 1 ? 1 : 0;
            truncated += comments.some((comment) => comment.includes("**Truncated:**")) ? 1 : 0;
        }
        expect(split).toBeGreaterThan(10);
        expect(truncated).toBeGreaterThan(0);
    });
});
