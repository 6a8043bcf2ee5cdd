import { describe, expect, it } from "vitest";

import { blastRadius, tenantNeutralName } from "../scripts/lib/plan/diff/blast-radius";
import { DiffResource, DiffStack, PROVIDER_NAME } from "../scripts/lib/plan/diff/model";
import { describeChange, describeGroup, renderStackDiff } from "../scripts/lib/plan/diff/render";
import { diffPlans, diffStack } from "../scripts/lib/plan/diff/stacks";
import { diffValues } from "../scripts/lib/plan/diff/values";

const instance = (name: string, inputs: Record<string, unknown> = {}, options: Partial<DiffResource> = {}): DiffResource => ({
    type: "aws:ec2/instance:Instance",
    name,
    inputs: { instanceType: "m6i.large", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }, ...inputs },
    protect: false,
    retainOnDelete: false,
    ...options,
});

const stack = (tenant: string, mode: string, resources: DiffResource[], outputs: Record<string, unknown> = {}): DiffStack => ({ tenant, mode, resources, outputs });

describe("diffValues", () => {
    it.each([
        ["equal scalars", 1, 1, []],
        ["a changed scalar", 1, 2, [{ path: "/x", before: 1, after: 2 }]],
        ["a key added", {}, { a: 1 }, [{ path: "/x/a", after: 1 }]],
        ["a key removed", { a: 1 }, {}, [{ path: "/x/a", before: 1 }]],
        ["a nested change", { a: { b: [1, 2] } }, { a: { b: [1, 3] } }, [{ path: "/x/a/b/1", before: 2, after: 3 }]],
        ["an array changing length, as one change", [1], [1, 2], [{ path: "/x", before: [1], after: [1, 2] }]],
        ["a key with / and ~, escaped as a JSON pointer", { "a/b~c": 1 }, { "a/b~c": 2 }, [{ path: "/x/a~1b~0c", before: 1, after: 2 }]],
        ["two secrets (they cannot be compared)", "[secret]", "[secret]", []],
        ["a clear value becoming secret", "hunter2", "[secret]", [{ path: "/x", before: "[secret]", after: "[secret]", secret: true }]],
        ["a secret becoming clear", "[secret]", "hunter2", [{ path: "/x", before: "[secret]", after: "[secret]", secret: true }]],
        ["a subtree with a secret appearing, leaf by leaf", {}, { tunnel: { key: "[secret]", ike: "ikev2" } }, [{ path: "/x/tunnel/ike", after: "ikev2" }, { path: "/x/tunnel/key", after: "[secret]", secret: true }]],
        [
            "an array with a secret changing length, element by element",
            ["[secret]"],
            ["[secret]", "[secret]"],
            [{ path: "/x/1", after: "[secret]", secret: true }],
        ],
    ])("GIVEN %s WHEN diffed THEN the changes are exactly these", (_, before, after, expected) => {
        expect(diffValues("/x", before, after)).toEqual(expected);
    });
});

describe("blastRadius over production and recovery stacks", () => {
    it("GIVEN one change in two tenants and their recovery environments WHEN grouped THEN it is one group of four stacks", () => {
        const sg = (tenant: string, description: string): DiffResource => ({ type: "aws:ec2/securityGroup:SecurityGroup", name: `${tenant}-servers-access-sg`, id: `sg-${tenant}`, inputs: { description }, protect: false, retainOnDelete: false });
        const pair = (tenant: string, stackName: string, description: string) => stack(stackName, "cloud", [sg(tenant, description)]);
        const stacks = (description: string) => ["acme", "globex"].flatMap((tenant) => [pair(tenant, tenant, description), pair(tenant, `${tenant}-recovery`, description)]);
        const groups = blastRadius(diffPlans({ tenants: stacks("old") }, { tenants: stacks("new") }));
        expect(groups.map((group) => group.tenants)).toEqual([["acme", "acme-recovery", "globex", "globex-recovery"]]);
    });
});

describe("diffStack: a replaced provider", () => {
    const provider = (name: string, region: string): DiffResource => ({ type: "pulumi:providers:aws", name, inputs: { region }, protect: false, retainOnDelete: false });
    const bucket = (name: string): DiffResource => ({ type: "aws:s3/bucket:Bucket", name, id: name, inputs: { bucket: name }, protect: false, retainOnDelete: true });
    /** A head resource as the planning thread marks it: with its provider's logical name. */
    const through = <T extends DiffResource>(resource: T, providerName: string): T => Object.defineProperty({ ...resource }, PROVIDER_NAME, { value: providerName, enumerable: false });

    it("GIVEN the stack's provider replaced (its region changed) WHEN diffed THEN every resource it manages is replaced, the data-holding ones said so; one on another provider is not", () => {
        const base = stack("globex", "cloud", [provider("globex-aws", "us-east-1"), provider("globex-aws-offsite", "us-west-2"), bucket("globex-files"), bucket("globex-offsite")]);
        const head = stack("globex", "cloud", [
            provider("globex-aws", "eu-west-1"),
            provider("globex-aws-offsite", "us-west-2"),
            through(bucket("globex-files"), "globex-aws"),
            through(bucket("globex-offsite"), "globex-aws-offsite"),
        ]);
        const diff = diffStack(base, head);
        const files = diff.changed.find((change) => change.name === "globex-files")!;
        expect(files).toMatchObject({
            replace: true,
            holdsData: true,
            changes: [{ path: "/provider", before: "globex-aws", after: "[unknown]", replacedReference: { type: "pulumi:providers:aws", name: "globex-aws" }, replaces: true }],
        });
        expect(files.atStake).toContain("globex-files");
        expect(diff.changed.map((change) => change.name)).toEqual(["globex-files", "globex-aws"]);
    });

    it("GIVEN the fixture's cloud tenant moved to another region WHEN both are planned in this thread and diffed THEN its files bucket, VPC and keys are replaced", async () => {
        const { planFleet } = await import("../scripts/lib/plan/fleet");
        const { validateFleet } = await import("../stacks/config/validate");
        const fs = await import("node:fs");
        const path = await import("node:path");
        const { FIXTURE_TENANTS } = await import("./fixtures/fleet");
        const file = path.join(FIXTURE_TENANTS, "globex.yaml");
        const text = fs.readFileSync(file, "utf8");
        const planOf = async (source: string) => {
            const fleet = validateFleet([{ file, bytes: Buffer.from(source) }]);
            expect(fleet.problems).toEqual([]);
            return planFleet({ tenants: fleet.tenants, platformRegions: [], threads: 1 });
        };
        const before = await planOf(text);
        const after = await planOf(text.replace(/^region: us-east-1$/m, "region: eu-west-1"));
        const entry = diffPlans(before, after).find((candidate) => candidate.tenant === "globex")!;
        const replaced = new Set(entry.diff.changed.filter((change) => change.replace).map((change) => change.name));
        for (const name of ["globex-files-bucket", "globex-network-vpc", "globex-keys-data"]) {
            expect(replaced.has(name), name).toBe(true);
        }
    }, 60_000);

    it("GIVEN resources read back from a document (no provider marks) WHEN diffed THEN only the provider is replaced: the mark is what carries it", () => {
        const base = stack("globex", "cloud", [provider("globex-aws", "us-east-1"), bucket("globex-files")]);
        const head = stack("globex", "cloud", [provider("globex-aws", "eu-west-1"), bucket("globex-files")]);
        expect(diffStack(base, head).changed.map((change) => change.name)).toEqual(["globex-aws"]);
    });
});

describe("diffStack", () => {
    it("GIVEN a resource added, one removed and one changed WHEN diffed THEN each is reported once, matched by type and name", () => {
        const base = stack("acme", "vpn", [instance("acme-a"), instance("acme-b"), { ...instance("acme-c"), type: "aws:ebs/volume:Volume" }]);
        const head = stack("acme", "vpn", [instance("acme-a", { instanceType: "m6i.xlarge" }), instance("acme-c"), instance("acme-d")]);
        const diff = diffStack(base, head);
        expect(diff.status).toBe("changed");
        expect(diff.added).toEqual([
            { type: "aws:ec2/instance:Instance", name: "acme-c" },
            { type: "aws:ec2/instance:Instance", name: "acme-d" },
        ]);
        expect(diff.removed).toEqual([
            { type: "aws:ebs/volume:Volume", name: "acme-c" },
            { type: "aws:ec2/instance:Instance", name: "acme-b" },
        ]);
        expect(diff.changed).toEqual([{ type: "aws:ec2/instance:Instance", name: "acme-a", changes: [{ path: "/inputs/instanceType", before: "m6i.large", after: "m6i.xlarge" }], replace: false }]);
        expect(diff.outputs).toEqual([]);
    });

    it("GIVEN a resource with replaceOnChanges WHEN a covered input changes THEN it is replaced, naming the option; an uncovered input updates it in place", () => {
        const association = (parameters: Record<string, string>, complianceSeverity = "HIGH"): DiffResource => ({
            type: "aws:ssm/association:Association",
            name: "acme-app-install",
            inputs: { name: "doc", parameters, complianceSeverity },
            protect: false,
            retainOnDelete: false,
            replaceOnChanges: ["name", "parameters"],
            deleteBeforeReplace: true,
        });
        const replaced = diffStack(stack("acme", "saas", [association({ host: "a" })]), stack("acme", "saas", [association({ host: "b" })]));
        expect(replaced.changed).toEqual([
            expect.objectContaining({ name: "acme-app-install", replace: true, changes: [{ path: "/inputs/parameters/host", before: "a", after: "b", replaces: true }] }),
        ]);
        const updated = diffStack(stack("acme", "saas", [association({ host: "a" })]), stack("acme", "saas", [association({ host: "a" }, "MEDIUM")]));
        expect(updated.changed).toEqual([expect.objectContaining({ name: "acme-app-install", replace: false })]);
        // Without the option the provider's table decides: parameters are updated in place.
        const plain = diffStack(stack("acme", "saas", [{ ...association({ host: "a" }), replaceOnChanges: undefined }]), stack("acme", "saas", [{ ...association({ host: "b" }), replaceOnChanges: undefined }]));
        expect(plain.changed).toEqual([expect.objectContaining({ replace: false })]);
    });

    it("GIVEN protect and retainOnDelete flipped WHEN diffed THEN they are changes at /protect and /retainOnDelete", () => {
        const diff = diffStack(stack("acme", "cloud", [instance("acme-a")]), stack("acme", "cloud", [instance("acme-a", {}, { protect: true, retainOnDelete: true })]));
        expect(diff.changed[0]!.changes).toEqual([
            { path: "/protect", before: false, after: true },
            { path: "/retainOnDelete", before: false, after: true },
        ]);
    });

    it("GIVEN only an output changes WHEN diffed THEN the stack is changed with that output, a secret one without its value", () => {
        const diff = diffStack(stack("acme", "vpn", [], { url: "https://a", key: "old" }), stack("acme", "vpn", [], { url: "https://b", key: "[secret]" }));
        expect(diff.status).toBe("changed");
        expect(diff.outputs).toEqual([
            { path: "/key", before: "[secret]", after: "[secret]", secret: true },
            { path: "/url", before: "https://a", after: "https://b" },
        ]);
        expect(JSON.stringify(diff)).not.toContain("old");
    });

    it("GIVEN identical stacks WHEN diffed THEN unchanged, and the readable diff is one line", () => {
        const entry = { tenant: "acme", mode: "vpn", diff: diffStack(stack("acme", "vpn", [instance("acme-a")]), stack("acme", "vpn", [instance("acme-a")])) };
        expect(entry.diff).toEqual({ status: "unchanged", added: [], removed: [], changed: [], outputs: [] });
        expect(renderStackDiff(entry)).toBe("acme: no change");
    });

    it("GIVEN a secret input that changes to a clear value WHEN rendered THEN it reads (secret) changed and neither value appears", () => {
        const base = stack("acme", "vpn", [instance("acme-a", { psk: "[secret]" })]);
        const head = stack("acme", "vpn", [instance("acme-a", { psk: "s3cr3t-now-clear" })]);
        const entry = { tenant: "acme", mode: "vpn", diff: diffStack(base, head) };
        const text = renderStackDiff(entry);
        expect(text).toContain("/inputs/psk: (secret) changed");
        expect(text).not.toContain("s3cr3t-now-clear");
        expect(text).not.toContain("[secret]");
    });
});

describe("diffPlans", () => {
    it("GIVEN a stack only in head and one only in base WHEN diffed THEN new and removed, head order first then removed sorted", () => {
        const base = { tenants: [stack("acme", "vpn", [instance("acme-a")]), stack("zeta", "saas", [instance("zeta-a")]), stack("beta", "cloud", [instance("beta-a")])] };
        const head = { tenants: [stack("globex", "cloud", [instance("globex-a")]), stack("acme", "vpn", [instance("acme-a")])] };
        const entries = diffPlans(base, head);
        expect(entries.map((entry) => [entry.tenant, entry.diff.status])).toEqual([
            ["globex", "new"],
            ["acme", "unchanged"],
            ["beta", "removed"],
            ["zeta", "removed"],
        ]);
        expect(entries[0]!.diff.added).toEqual([{ type: "aws:ec2/instance:Instance", name: "globex-a" }]);
        expect(entries[2]!.diff.removed).toEqual([{ type: "aws:ec2/instance:Instance", name: "beta-a" }]);
    });
});

describe("blastRadius", () => {
    const hop = (tenant: string, value: number) => [instance(`${tenant}-servers-0-instance`, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: value } })];

    it("GIVEN the same change in stacks of several modes WHEN grouped THEN one group counts the stacks per mode, widest first", () => {
        const modes: Record<string, string> = { a1: "cloud", a2: "cloud", b1: "vpn", b2: "vpn", b3: "vpn", c1: "saas" };
        const tenants = Object.keys(modes);
        const base = { tenants: tenants.map((tenant) => stack(tenant, modes[tenant]!, hop(tenant, 1))) };
        const head = {
            tenants: tenants.map((tenant) =>
                tenant === "c1" ? stack(tenant, "saas", [instance("c1-servers-0-instance", { instanceType: "t3.small" })]) : stack(tenant, modes[tenant]!, [...hop(tenant, 2), instance(`${tenant}-extra`)]),
            ),
        };
        const groups = blastRadius(diffPlans(base, head));
        expect(groups.map((group) => describeGroup(group))).toEqual([
            "5 stacks (cloud 2, vpn 3): added aws:ec2/instance:Instance <tenant>-extra",
            "5 stacks (cloud 2, vpn 3): aws:ec2/instance:Instance /inputs/metadataOptions/httpPutResponseHopLimit: 1 → 2",
            "1 stack (saas 1): aws:ec2/instance:Instance /inputs/instanceType: \"m6i.large\" → \"t3.small\"",
        ]);
        expect(groups[1]).toMatchObject({ kind: "changed", tenants: ["a1", "a2", "b1", "b2", "b3"], modes: { cloud: 2, vpn: 3 }, resources: 5 });
    });

    it("GIVEN different values of the same property WHEN grouped THEN they are separate groups", () => {
        const base = { tenants: [stack("a", "cloud", hop("a", 1)), stack("b", "cloud", hop("b", 1))] };
        const head = { tenants: [stack("a", "cloud", hop("a", 2)), stack("b", "cloud", hop("b", 3))] };
        expect(blastRadius(diffPlans(base, head)).map((group) => [group.after, group.tenants])).toEqual([
            [2, ["a"]],
            [3, ["b"]],
        ]);
    });

    it("GIVEN a secret change in many stacks WHEN described THEN it reads (secret) changed", () => {
        const base = { tenants: ["a", "b"].map((t) => stack(t, "vpn", [instance(`${t}-vpn`, { key: "clear" })])) };
        const head = { tenants: ["a", "b"].map((t) => stack(t, "vpn", [instance(`${t}-vpn`, { key: "[secret]" })])) };
        expect(blastRadius(diffPlans(base, head)).map((group) => describeGroup(group))).toEqual(["2 stacks (vpn 2): aws:ec2/instance:Instance /inputs/key: (secret) changed"]);
    });

    it("GIVEN new and removed stacks WHEN grouped THEN they are not part of the blast radius", () => {
        expect(blastRadius(diffPlans({ tenants: [stack("old", "vpn", hop("old", 1))] }, { tenants: [stack("new", "vpn", hop("new", 1))] }))).toEqual([]);
    });
});

describe("readable changes", () => {
    it.each([
        [{ path: "/a", before: 1, after: 2 }, "/a: 1 → 2"],
        [{ path: "/a", after: "x" }, '/a: added "x"'],
        [{ path: "/a", before: "x" }, '/a: removed (was "x")'],
        [{ path: "/a", after: "[secret]", secret: true as const }, "/a: (secret) added"],
        [{ path: "/a", before: "a".repeat(300), after: 1 }, `/a: "${"a".repeat(118)}… → 1`],
    ])("GIVEN %j WHEN described THEN %s", (change, text) => {
        expect(describeChange(change)).toBe(text);
    });

    it.each([
        ["acme", "acme-servers-0", "<tenant>-servers-0"],
        ["acme", "acme", "<tenant>"],
        ["acme", "acmes-x", "acmes-x"],
        // A recovery environment's and a drill copy's resources are named after their production stack.
        ["acme-recovery", "acme-servers-access-sg", "<tenant>-servers-access-sg"],
        ["acme-recovery", "acme-recovery-aws", "<tenant>-aws"],
        ["acme-drill", "acme-database-db", "<tenant>-database-db"],
        ["platform-eu-west-1-recovery", "platform-eu-west-1-check-canary", "<tenant>-check-canary"],
        ["acme-recovery", "acmes-x", "acmes-x"],
    ])("GIVEN stack %s WHEN %s is neutralised THEN %s", (tenant, name, expected) => {
        expect(tenantNeutralName(tenant, name)).toBe(expected);
    });
});
