// The policy framework: running rules over a stack, the plan adapter, the CrossGuard wrapper, and
// `npm run policy` on saved (and broken) plan documents.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { UnknownValueError } from "@pulumi/policy";
import * as crossGuardProxy from "@pulumi/policy/proxy";
import type { PolicyResource as CrossGuardResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";

import { crossGuardPolicies, kindFromProvider } from "../../policy/pack";
import { FIXTURE_TENANTS } from "../fixtures/fleet";
import { RULES } from "../../policy/rules";
import { MODES } from "../../lib/modes";
import planSchema from "../../scripts/lib/plan/plan.schema.json";
import { evaluate } from "../../policy/rules/evaluate";
import { ofType } from "../../policy/rules/graph";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { PolicyResource, PolicyStack, Rule } from "../../policy/rules/types";
import { planExitCode, withViolations } from "../../scripts/lib/plan/policy";
import { main, readPlanDocument, renderViolations } from "../../scripts/policy";
import { runCli } from "../cli-harness";

const ROOT = path.resolve(__dirname, "..", "..");

/** Flags every bucket whose name says "open", and every stack with no bucket at all. */
const bucketRule: Rule = {
    kind: "resource",
    name: "s3-bucket-test",
    description: "buckets are not named open",
    why: "a test",
    enforcement: "mandatory",
    resourceTypes: ["aws:s3/bucket:Bucket"],
    validate: (resource) => (String(resource.props.bucket).includes("open") ? [`bucket ${String(resource.props.bucket)} is open`] : []),
};
const stackRule: Rule = {
    kind: "stack",
    name: "stack-has-bucket",
    description: "a stack has a bucket",
    why: "a test",
    enforcement: "advisory",
    validate: (stack) => (stack.resources.some((resource) => resource.type === "aws:s3/bucket:Bucket") ? [] : [{ resource: stack.stack, message: "no bucket" }]),
};
const offlineRule: Rule = { ...stackRule, name: "offline-only", offlineOnly: "CrossGuard cannot see it" };

function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<{ id: string; parent: string | null }> = {}) {
    return { type, name, id: extra.id ?? `${name}-id`, parent: extra.parent ?? null, inputs, protect: false, retainOnDelete: false };
}

const DOCUMENT = {
    version: 1,
    tenants: [
        {
            tenant: "acme",
            mode: "cloud",
            region: "eu-west-1",
            source: "tenant-configs/acme.yaml",
            resources: [
                resource("aws:s3/bucket:Bucket", "acme-open", { bucket: "acme-open-bucket" }),
                resource("aws:ec2/vpc:Vpc", "acme-vpc", { cidrBlock: "10.20.0.0/16" }, { id: "vpc-0acme" }),
            ],
            outputs: {},
        },
        { tenant: "globex", mode: "saas", region: "eu-west-1", source: "tenant-configs/globex.yaml", resources: [], outputs: {} },
        { tenant: "platform-eu-west-1", mode: "platform", region: "eu-west-1", source: "stacks/platform.ts", resources: [], outputs: { operationsCidrs: ["10.15.64.0/19"] } },
    ],
    errors: [],
};

describe("evaluate", () => {
    it("GIVEN a resource rule and a stack rule WHEN evaluated THEN each finding becomes a violation with the rule's name and enforcement, sorted", () => {
        const document = withViolations(DOCUMENT, [stackRule, bucketRule]);
        expect(document.tenants.map((plan) => plan.violations)).toEqual([
            [{ policy: "s3-bucket-test", resource: "acme-open", message: "bucket acme-open-bucket is open", enforcement: "mandatory" }],
            [{ policy: "stack-has-bucket", resource: "globex", message: "no bucket", enforcement: "advisory" }],
            [{ policy: "stack-has-bucket", resource: "platform-eu-west-1", message: "no bucket", enforcement: "advisory" }],
        ]);
        expect(planExitCode({ errors: [], tenants: document.tenants })).toBe(3);
        expect(planExitCode({ errors: [{}], tenants: document.tenants })).toBe(1);
        expect(planExitCode({ errors: [], tenants: withViolations(DOCUMENT, [stackRule]).tenants })).toBe(0);
    });

    it("GIVEN a plan document WHEN adapted THEN kinds come from modes and the settings name the other tenants' markers, not the platform's", () => {
        const acme = DOCUMENT.tenants[0]!;
        const stack = stackFromPlan(acme);
        expect(stack).toMatchObject({ stack: "acme", kind: "cloud" });
        expect(stack.resources[0]).toMatchObject({ type: "aws:s3/bucket:Bucket", id: "acme-open-id", props: { bucket: "acme-open-bucket" } });
        expect(settingsFor(DOCUMENT.tenants[1]!, DOCUMENT, new Date("2026-12-06T23:59:59Z"))).toEqual({
            operationsCidrs: ["10.15.64.0/19"],
            // One list for the whole fleet: the rule ignores the stack's own entry.
            otherTenants: [
                { tenant: "acme", markers: ["10.20.0.0/16", "acme-open-id", "vpc-0acme"] },
                { tenant: "globex", markers: [] },
            ],
            // The day calendar rules judge on, handed in (UTC).
            today: "2026-12-06",
            // No url of their own (acme's says nothing, globex is saas); the default base domain without a platform output.
            hosts: { baseDomain: "itm.example.net", tenants: [] },
            // Every stack of the document, for the fleet rules (recovery environments).
            fleet: [
                { stack: "acme", mode: "cloud", region: "eu-west-1" },
                { stack: "globex", mode: "saas", region: "eu-west-1" },
                { stack: "platform-eu-west-1", mode: "platform", region: "eu-west-1" },
            ],
        });
        expect(settingsFor(DOCUMENT.tenants[0]!, DOCUMENT).otherTenants).toBe(settingsFor(DOCUMENT.tenants[1]!, DOCUMENT).otherTenants);
        expect(settingsFor(DOCUMENT.tenants[2]!, DOCUMENT).otherTenants).toEqual([]);
        expect(stackFromPlan({ ...acme, mode: "nonsense" }).kind).toBeUndefined();
    });

    it("GIVEN a stack WHEN the rules ask for its resources of a type THEN they get them in the stack's order, in an array of their own", () => {
        const resource = (type: string, name: string): PolicyResource => ({ type, name, id: `${name}-id`, parent: null, props: {}, protect: false, retainOnDelete: false });
        const stack: PolicyStack = {
            stack: "acme",
            kind: "cloud",
            resources: [resource("aws:s3/bucket:Bucket", "b1"), resource("aws:kms/key:Key", "k1"), resource("aws:s3/bucket:Bucket", "b2"), resource("aws:kms/key:Key", "k2")],
        };
        const buckets = ofType(stack, "aws:s3/bucket:Bucket");
        expect(buckets.map((found) => found.name)).toEqual(["b1", "b2"]);
        // A rule that sorts or empties what it was given changes nothing for the next rule.
        buckets.reverse().pop();
        expect(ofType(stack, "aws:s3/bucket:Bucket").map((found) => found.name)).toEqual(["b1", "b2"]);
        expect(ofType(stack, "aws:kms/key:Key", "aws:s3/bucket:Bucket").map((found) => found.name)).toEqual(["b1", "k1", "b2", "k2"]);
        expect(ofType(stack, "aws:ec2/vpc:Vpc")).toEqual([]);
        // Another stack (another resources array) is indexed on its own.
        expect(ofType({ ...stack, resources: stack.resources.slice(1) }, "aws:s3/bucket:Bucket").map((found) => found.name)).toEqual(["b2"]);
    });

    it("GIVEN the violations WHEN rendered THEN each stack and each violation is one line, with totals", () => {
        const document = withViolations(DOCUMENT, [bucketRule]);
        expect(renderViolations(document.tenants)).toBe(
            [
                "acme (cloud): 1 violation(s)",
                "  [mandatory] s3-bucket-test on acme-open: bucket acme-open-bucket is open",
                "globex (saas): no violation",
                "platform-eu-west-1 (platform): no violation",
                "3 stack(s) checked; 1 mandatory and 0 advisory policy violation(s)",
                "",
            ].join("\n"),
        );
        expect(evaluate(stackFromPlan(DOCUMENT.tenants[1]!), settingsFor(DOCUMENT.tenants[1]!, DOCUMENT), [])).toEqual([]);
    });
});

describe("readPlanDocument: broken plans are errors, never crashes", () => {
    it.each<[string, string, RegExp]>([
        ["not JSON", "{ nope", /^1:3: not valid JSON/],
        ["another version", JSON.stringify({ ...DOCUMENT, version: 2 }), /^\/version: unsupported plan version; expected 1$/],
        ["no tenants", JSON.stringify({ version: 1 }), /^\/: must have required property 'tenants'$/],
        ["a resource without a type", JSON.stringify({ version: 1, tenants: [{ tenant: "a", mode: "cloud", resources: [{ name: "x", id: "i", inputs: {} }] }] }), /^\/tenants\/0\/resources\/0: must have required property 'type'$/],
        ["inputs that are not an object", JSON.stringify({ version: 1, tenants: [{ tenant: "a", mode: "cloud", resources: [{ type: "t", name: "x", id: "i", inputs: [] }] }] }), /^\/tenants\/0\/resources\/0\/inputs: must be object$/],
        ["a list at the top", "[]", /^\/: must be object$/],
        ["a mode that is none", JSON.stringify({ version: 1, tenants: [{ tenant: "a", mode: "vpn-synch", resources: [] }] }), /^\/tenants\/0\/mode: is none of saas, dedicated-saas, physical, cloud, vpn, vpn-sync, platform$/],
        ["a stack twice", JSON.stringify({ version: 1, tenants: [0, 1].map(() => ({ tenant: "a", mode: "cloud", resources: [] })) }), /^\/tenants\/1\/tenant: "a" is the stack of \/tenants\/0 already: a plan has each stack once$/],
        ["binary junk", "\u0000\u00ff\u0007garbage\u001b[31m", /^1:1: not valid JSON: [\x20-\x7e]+$/],
        ["a Python literal (no position from V8)", '{\n  "version": 1,\n  "tenants": True\n}', /^3:14: not valid JSON: unexpected token 'T', /],
        ["NaN", '{"version": NaN}', /^1:13: not valid JSON: /],
        ["an end too soon", '{"version": 1,\n', /^2:1: not valid JSON: /],
        ["nothing but white space", " \n\t", /^2:2: not valid JSON: the document is empty$/],
    ])("GIVEN %s WHEN read THEN the problem names where and what", (_, text, expected) => {
        const { document, problems } = readPlanDocument(text);
        expect(document).toBeUndefined();
        expect(problems.map((problem) => `${problem.path}: ${problem.message}`)[0]).toMatch(expected);
    });

    it("GIVEN the plan schema WHEN its modes are read THEN they are the product's modes and the platform's", () => {
        expect(planSchema.properties.tenants.items.properties.mode.enum).toEqual([...MODES, "platform"]);
    });

    it("GIVEN a hand-edited plan without parent, protect or retainOnDelete WHEN read THEN they default to null and false", () => {
        const { document } = readPlanDocument(JSON.stringify({ version: 1, tenants: [{ tenant: "a", mode: "cloud", resources: [{ type: "t", name: "x", id: "i", inputs: {} }] }] }));
        expect(document?.tenants[0]?.resources[0]).toEqual({ type: "t", name: "x", id: "i", inputs: {}, parent: null, protect: false, retainOnDelete: false });
    });
});

describe("the CrossGuard pack", () => {
    // The fleet the pack reads beside itself is the fixture fleet here, never tenant-configs/.
    const pack = { tenantDir: FIXTURE_TENANTS };
    const policies = crossGuardPolicies([bucketRule, stackRule, offlineRule], pack);
    const config = { getConfig: () => ({}) };

    it("GIVEN the rules WHEN wrapped THEN every rule is a stack policy (resource rules judged per resource with the whole stack in view), offline-only rules left out", () => {
        expect(policies.map((policy) => [policy.name, policy.enforcementLevel, "validateStack" in policy ? "stack" : "resource"])).toEqual([
            ["s3-bucket-test", "mandatory", "stack"],
            ["stack-has-bucket", "advisory", "stack"],
        ]);
    });

    const resourceOf = (type: string, name: string, props: Record<string, unknown>) =>
        ({ type, name, urn: `urn:pulumi:acme::tenant-platform::${type}::${name}`, props, opts: { protect: false } }) as unknown as CrossGuardResource;
    const runStack = (policy: StackValidationPolicy, resources: CrossGuardResource[]): [string, string | undefined][] => {
        const reported: [string, string | undefined][] = [];
        (policy.validateStack as (a: StackValidationArgs, r: (m: string, u?: string) => void) => void)({ resources, ...config } as unknown as StackValidationArgs, (message, urn) => reported.push([message, urn]));
        return reported;
    };

    it("GIVEN a stack CrossGuard validates WHEN a resource breaks a resource rule THEN the violation is reported against that resource's URN; other types are not looked at", () => {
        const reported = runStack(policies[0] as StackValidationPolicy, [
            resourceOf("aws:s3/bucket:Bucket", "acme-open", { bucket: "acme-open-bucket" }),
            resourceOf("aws:s3/bucket:Bucket", "acme-closed", { bucket: "acme-closed" }),
            resourceOf("aws:ec2/vpc:Vpc", "acme-vpc", { bucket: "open" }),
        ]);
        expect(reported).toEqual([["bucket acme-open-bucket is open", "urn:pulumi:acme::tenant-platform::aws:s3/bucket:Bucket::acme-open"]]);
    });

    it("GIVEN a resource rule that follows a reference WHEN CrossGuard validates the stack THEN the referenced resource is in view (a compliant stack passes, as in the offline plan)", () => {
        // The shape of missing-load-balancer-web-acl and friends: judged alone, every load balancer would fail.
        const needsAssociation: Rule = {
            kind: "resource",
            name: "lb-has-acl",
            description: "every load balancer has a web ACL associated",
            why: "a test",
            enforcement: "mandatory",
            resourceTypes: ["aws:lb/loadBalancer:LoadBalancer"],
            validate: (resource, stack) =>
                stack.resources.some((other) => other.type === "aws:wafv2/webAclAssociation:WebAclAssociation" && other.props.resourceArn === resource.props.arn) ? [] : ["no web ACL"],
        };
        const [policy] = crossGuardPolicies([needsAssociation], pack);
        const balancer = resourceOf("aws:lb/loadBalancer:LoadBalancer", "acme-alb", { arn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/acme/1" });
        const association = resourceOf("aws:wafv2/webAclAssociation:WebAclAssociation", "acme-acl", { resourceArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/acme/1" });
        expect(runStack(policy!, [balancer, association])).toEqual([]);
        expect(runStack(policy!, [balancer])).toEqual([["no web ACL", balancer.urn]]);
    });

    it("GIVEN a value unknown during preview WHEN a rule reads it THEN that resource alone is skipped (CrossGuard's UnknownValueError), the others are judged; any other error propagates", () => {
        const policy = policies[0] as StackValidationPolicy;
        // CrossGuard's own proxy over props whose bucket is still unknown: reading it throws UnknownValueError.
        // (@internal in @pulumi/policy's types, exported at run time: what the pack's server wraps props in.)
        const { unknownCheckingProxy, unknownStringValue } = crossGuardProxy as unknown as { unknownCheckingProxy: (props: object) => object; unknownStringValue: string };
        const unknown = unknownCheckingProxy({ bucket: unknownStringValue }) as Record<string, unknown>;
        expect(() => unknown.bucket).toThrow(UnknownValueError);
        const reported = runStack(policy, [resourceOf("aws:s3/bucket:Bucket", "acme-later", unknown), resourceOf("aws:s3/bucket:Bucket", "acme-open", { bucket: "acme-open-bucket" })]);
        expect(reported).toEqual([["bucket acme-open-bucket is open", "urn:pulumi:acme::tenant-platform::aws:s3/bucket:Bucket::acme-open"]]);
        const broken = new Proxy({}, { get: () => { throw new Error("a defect"); } });
        expect(() => runStack(policy, [resourceOf("aws:s3/bucket:Bucket", "acme-x", broken)])).toThrow("a defect");
    });

    it("GIVEN a stack CrossGuard validates WHEN a stack rule finds something THEN it is reported against the stack's resources", () => {
        const policy = policies[1] as StackValidationPolicy;
        const reported: [string, string | undefined][] = [];
        const provider = { type: "pulumi:providers:aws", name: "acme-aws", urn: "urn:pulumi:acme::tenant-platform::pulumi:providers:aws::acme-aws", props: { defaultTags: { tags: { mode: "cloud" } } }, opts: { protect: false } };
        const args = { resources: [provider as unknown as CrossGuardResource], ...config } as unknown as StackValidationArgs;
        (policy.validateStack as (a: StackValidationArgs, r: (m: string, u?: string) => void) => void)(args, (message, urn) => reported.push([message, urn]));
        expect(reported).toEqual([["no bucket", undefined]]);
        expect(kindFromProvider(provider.props)).toBe("cloud");
        expect(kindFromProvider({ defaultTags: JSON.stringify({ tags: { mode: "vpn" } }) })).toBe("vpn");
        expect(kindFromProvider({ defaultTags: { tags: { mode: "bogus" } } })).toBeUndefined();
    });

    it("GIVEN the pack's entry WHEN loaded by TypeScript THEN it compiles against @pulumi/policy (a PolicyPack of the repository's rules)", () => {
        const source = fs.readFileSync(path.join(ROOT, "policy", "index.ts"), "utf8");
        expect(source).toContain("new PolicyPack(");
        expect(source).toContain("crossGuardPolicies(RULES)");
        expect(fs.readFileSync(path.join(ROOT, "policy", "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    });
});

describe("the rule set", () => {
    it("GIVEN every rule WHEN listed THEN names are unique kebab-case, and each says what it demands and why", () => {
        const names = RULES.map((rule) => rule.name);
        expect(new Set(names).size).toBe(names.length);
        for (const rule of RULES) {
            expect(rule.name, rule.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
            expect(rule.description.length, rule.name).toBeGreaterThan(20);
            expect(rule.why.length, rule.name).toBeGreaterThan(20);
        }
        expect(RULES.length).toBeGreaterThanOrEqual(35);
        // What CrossGuard cannot see stays offline, with its reason; the rest runs in the pack too.
        expect(crossGuardPolicies(RULES).length).toBe(RULES.filter((rule) => rule.offlineOnly === undefined).length);
        expect(RULES.filter((rule) => rule.offlineOnly !== undefined).every((rule) => (rule.offlineOnly ?? "").length > 20)).toBe(true);
    });
});

describe("npm run policy", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
    // main called in-process (the smoke test as a process is in test/cli-smoke.test.ts).
    const runPolicy = (...args: string[]) => runCli("policy", () => main(args), { cwd: ROOT });

    it("GIVEN a broken plan file WHEN checked THEN exit 1 with FILE:PATH: message lines and no stack trace", async () => {
        const file = path.join(dir, "broken.json");
        fs.writeFileSync(file, JSON.stringify({ version: 1, tenants: [{ tenant: "a", mode: "cloud" }] }));
        const result = await runPolicy("--plan", file);
        expect(result.status).toBe(1);
        expect(result.stderr).toBe(`${file}:/tenants/0: must have required property 'resources'\n`);
    });

    it("GIVEN a saved plan with an unencrypted volume planted WHEN checked THEN exit 3 naming the policy and the resource; --json adds violations", async () => {
        const volume = { type: "aws:ebs/volume:Volume", name: "acme-planted-volume", id: "vol-0planted", parent: null, inputs: { size: 10, availabilityZone: "eu-west-1a" }, protect: false, retainOnDelete: false };
        const plan = { ...DOCUMENT, tenants: [{ ...DOCUMENT.tenants[0]!, resources: [volume] }] };
        const file = path.join(dir, "planted.json");
        fs.writeFileSync(file, JSON.stringify(plan));
        const text = await runPolicy("--plan", file);
        expect(text.status).toBe(3);
        expect(text.stdout).toMatch(/^  \[mandatory\] ebs-volume-encrypted-cmk on acme-planted-volume: /m);
        const json = await runPolicy("--plan", file, "--json");
        expect(json.status).toBe(3);
        const checked = JSON.parse(json.stdout) as { tenants: { violations: { policy: string; resource: string; enforcement: string }[] }[] };
        expect(checked.tenants[0]?.violations).toContainEqual(expect.objectContaining({ policy: "ebs-volume-encrypted-cmk", resource: "acme-planted-volume", enforcement: "mandatory" }));
    });

    it.each([[[]], [["--plan"]], [["--plan", "/nonexistent/plan.json"]], [["stray", "--plan", "x.json"]], [["--plan", "/dev/zero"]]])("GIVEN %j WHEN run THEN exit 2 with a usage message", async (args) => {
        const result = await runPolicy(...args);
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/^policy: /);
        if (args.includes("/dev/zero")) {
            // A device is no plan: refused at once (it would be read for ever).
            expect(result.stderr).toMatch(/^policy: cannot read \/dev\/zero: not a file \(a device or a socket\)/);
        }
        expect(result.stderr).not.toMatch(/\n\s+at /);
    });
});
