import { describe, expect, it } from "vitest";

import { blastRadius, DiffResource, DiffStack, diffPlans, StackDiff } from "../scripts/lib/plan/diff";
import { code, CommentInput, CommentStack, renderComments, sectionHeading, truncateSection, usd } from "../scripts/lib/plan/markdown";
import { topologyDiagram, TopologyStack } from "../scripts/lib/plan/mermaid";
import { mulberry32 } from "../scripts/lib/prng";

type Resource = TopologyStack["resources"][number] & DiffResource;

const resource = (type: string, name: string, id: string, inputs: Record<string, unknown>): Resource => ({ type, name, id, inputs, protect: false, retainOnDelete: false });

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
        resource("aws:rds/instance:Instance", `${tenant}-database`, `db-${tenant}`, { engine: "postgres", instanceClass: "db.m6g.large", dbSubnetGroupName: `${tenant}-database-subnets-1` }),
        resource("aws:backup/vault:Vault", `${tenant}-backup-offsite-vault`, `${tenant}-offsite-vault`, { kmsKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/1" }),
        resource("aws:backup/vault:Vault", `${tenant}-backup-vault`, `${tenant}-vault`, { kmsKeyArn: `arn:aws:kms:${region}:123456789012:key/2` }),
        resource("aws:ec2transitgateway/vpcAttachment:VpcAttachment", `${tenant}-network-tgw`, `tgw-attach-${tenant}`, { vpcId }),
    ];
    return {
        tenant,
        mode,
        region,
        resources: [resource("aws:ec2/vpc:Vpc", `${tenant}-network-vpc`, vpcId, { cidrBlock: cidr }), ...subnets, ...servers, ...front, ...vpn, ...data],
        outputs: mode === "vpn" ? { vpnTunnels: [{ outsideAddress: "34.206.187.168" }, { outsideAddress: "34.212.125.98" }], vpnPresharedKeys: "[secret]" } : {},
    };
}

describe("topologyDiagram", () => {
    it("GIVEN a cloud tenant WHEN drawn THEN tiers, dual-NIC servers, the public load balancer behind its WAF and both backup vaults appear", () => {
        const diagram = topologyDiagram(dedicated("globex", "cloud", "10.20.0.0/16"));
        // internet -> WAF -> load balancer; each server on the access (eth0) and admin (eth1) tiers.
        expect(diagram).toContain('n9(("internet"))');
        expect(diagram).toContain("n9 -->|HTTPS| n8\n");
        expect(diagram).toContain('n8{{"WAF"}}');
        expect(diagram).toContain("n8 --> n7\n");
        expect(diagram.match(/---\|eth0\| n1/g)).toHaveLength(2);
        expect(diagram.match(/---\|eth1\| n2/g)).toHaveLength(2);
        expect(diagram).toMatchSnapshot();
    });

    it("GIVEN a vpn tenant WHEN drawn THEN the internal load balancer and two IPSec tunnels to the customer appear, and no secret", () => {
        const diagram = topologyDiagram(dedicated("initech", "vpn", "10.30.0.0/16"));
        expect(diagram).not.toContain("internet");
        expect(diagram).not.toContain("secret");
        expect(diagram.match(/IPSec tunnel/g)).toHaveLength(2);
        expect(diagram).toMatchSnapshot();
    });

    it("GIVEN a tenant on the shared platform WHEN drawn THEN the diagram says it has no network of its own", () => {
        expect(topologyDiagram({ tenant: "lumen", mode: "saas", region: "eu-west-1", resources: [], outputs: {} })).toBe(
            'flowchart LR\n  n0["lumen (saas)<br/>on the shared platform: no network of its own"]',
        );
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
        expect(comments[0]).toContain("- `2 stacks (cloud 1, vpn 1): aws:ec2/instance:Instance /inputs/instanceType: \"m6i.large\" → \"m6i.xlarge\" (4 resources)`");
        expect(comments[0]).toContain("```mermaid");
        expect(comments[0]).toContain("IMDSv1 &lt;allowed&gt;");
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
        expect(comment).toContain("| acme | vpn | changed | 0 | 18 | 0 | **16** | 0 | not estimated |");
        expect(comment).toContain("**16 resource(s) replaced**");
        // In the stack's folded diff, the replaced resources come before the ones updated in place.
        const diffBlock = comment!.slice(comment!.indexOf("```diff"));
        expect(diffBlock.indexOf("-/+ aws:ec2/vpc:Vpc acme-network-vpc (replaced)")).toBeGreaterThan(0);
        expect(diffBlock.indexOf("-/+ aws:ec2/vpc:Vpc acme-network-vpc (replaced)")).toBeLessThan(diffBlock.indexOf("! aws:lb/loadBalancer:LoadBalancer acme-front-door-alb"));
        expect(comment).toMatchSnapshot();
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

describe("renderComments splitting (property)", () => {
    it.each(Array.from({ length: 25 }, (_, i) => [i + 1, i % 3 === 0 ? 65_536 : 6_000 + i * 500]))(
        "GIVEN random large diffs (seed %d) WHEN rendered with a limit of %d THEN every comment fits, the table is in the first and every stack's section is in exactly one",
        (seed, limit) => {
            const stacks = randomFleet(seed);
            const comments = renderComments({ baseRef: "origin/main", stacks, blastRadius: [] }, { limit });
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
        for (let seed = 1; seed <= 25; seed++) {
            const comments = renderComments({ baseRef: "origin/main", stacks: randomFleet(seed), blastRadius: [] }, { limit: (seed - 1) % 3 === 0 ? 65_536 : 6_000 + (seed - 1) * 500 });
            split += comments.length > 1 ? 1 : 0;
            truncated += comments.some((comment) => comment.includes("**Truncated:**")) ? 1 : 0;
        }
        expect(split).toBeGreaterThan(10);
        expect(truncated).toBeGreaterThan(0);
    });
});
