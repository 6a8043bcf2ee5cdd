// tenant-host-names-owned (policy/rules/network/disallowForeignHostNames.ts): a fixture fleet planned
// in-process (every mode with a host of its own, a long own domain), compliant as planned; then the
// attacks of issue 13 (the shared app's name, another tenant's name, names under the base domain),
// planned or added to a planned stack, each with its exact message.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { firstNameFor } from "../../components/domain-certificate";
import { FleetUnreadable } from "../../policy/fleet-files";
import { crossGuardPolicies, hostsFromFiles, packBaseDomain } from "../../policy/pack";
import { platformFileText } from "../fixtures/platform-configs";
import { findingsOf } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { NETWORK_RULES } from "../../policy/rules/network";
import { certificateFirstName, disallowForeignHostNames } from "../../policy/rules/network/disallowForeignHostNames";
import { Finding, PolicyResource, PolicySettings, PolicyStack } from "../../policy/rules/types";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { resolveTenant, TenantDocument } from "../../stacks/config/tenant";
import { stackOf } from "../graph";

const REGION = "eu-west-1";
const BASE = "itm.example.net";
/** 70 characters: over ACM's 64 for a first name, so its certificate's first name is the platform's. */
const LONG_HOST = `${"p".repeat(40)}.projects.long-customer.example.org`;

const DOCS: TenantDocument[] = [
    { tenant: "solo", company: "Solo", mode: "saas", region: REGION },
    { tenant: "stark", company: "Stark", mode: "dedicated-saas", region: REGION, domain: { subdomain: "stark" } },
    { tenant: "wayne", company: "Wayne", mode: "dedicated-saas", region: REGION, domain: { own: "pm.wayne.example" } },
    { tenant: "lengthy", company: "Lengthy", mode: "cloud", region: REGION, domain: { own: LONG_HOST }, network: { cidr: "10.62.0.0/16" } },
    { tenant: "cloudy", company: "Cloudy", mode: "cloud", region: REGION, domain: { subdomain: "cloudy" }, network: { cidr: "10.61.0.0/16" } },
    // The attacks, planned as the program would deploy them had the validator let them through (a
    // platform configured with another base domain is not known to the validator).
    { tenant: "mallory", company: "Mallory", mode: "dedicated-saas", region: REGION, domain: { own: `app.${BASE}` } },
    { tenant: "eve", company: "Eve", mode: "dedicated-saas", region: REGION, domain: { own: `cloudy.${BASE}` } },
    { tenant: "trudy", company: "Trudy", mode: "dedicated-saas", region: REGION, domain: { own: `shop.stark.${BASE}` } },
];
const ATTACKERS = ["mallory", "eve", "trudy"];

let document: PlanDocument;
let honest: PlanDocument;

beforeAll(async () => {
    const tenants = DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));
    document = await planFleet({ tenants, platformRegions: [REGION] });
    expect(document.errors).toEqual([]);
    honest = { ...document, tenants: document.tenants.filter((plan) => !ATTACKERS.includes(plan.tenant)) };
});

function findings(plan: TenantPlan, within: PlanDocument = document, stack: PolicyStack = stackFromPlan(plan)): Finding[] {
    return findingsOf(disallowForeignHostNames, stack, settingsFor(plan, within));
}

function adding(stack: PolicyStack, ...resources: PolicyResource[]): PolicyStack {
    return { ...stack, resources: [...stack.resources, ...resources] };
}

function resource(type: string, name: string, props: Record<string, unknown>): PolicyResource {
    return { type, name, id: `${name}-id`, parent: null, props, protect: false, retainOnDelete: false };
}

/** The platform's shared HTTPS listener, which the attack attaches a host rule to. */
function sharedListenerArn(): string {
    const listener = stackOf(document, `platform-${REGION}`).resources.find((candidate) => candidate.name === `platform-${REGION}-front-door-https`);
    expect(listener?.id).toMatch(/^arn:aws:elasticloadbalancing:/);
    return listener!.id;
}

function hostRule(name: string, values: unknown, listenerArn = sharedListenerArn(), field: "values" | "regexValues" = "values"): PolicyResource {
    return resource("aws:lb/listenerRule:ListenerRule", name, {
        listenerArn,
        priority: 10,
        actions: [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/0" }],
        conditions: [{ hostHeader: { [field]: values } }],
    });
}

describe("tenant-host-names-owned on the planned fleet", () => {
    it("GIVEN the honest fleet (subdomains, own domains, a long own domain, saas, the platform) WHEN checked THEN nothing is found, and the rule had certificates and records to judge", () => {
        for (const plan of honest.tenants) {
            expect(findings(plan, honest), plan.tenant).toEqual([]);
        }
        const lengthy = stackOf(honest, "lengthy").resources.find((candidate) => candidate.type === "aws:acm/certificate:Certificate");
        expect(lengthy?.inputs).toMatchObject({ domainName: firstNameFor(LONG_HOST, BASE), subjectAlternativeNames: [LONG_HOST] });
        expect(stackOf(honest, "stark").resources.filter((candidate) => candidate.type === "aws:route53/record:Record").map((record) => String(record.inputs.name))).toEqual([
            `stark.${BASE}`,
            expect.stringMatching(/^_[0-9a-f]+\.stark\.itm\.example\.net\.$/),
        ]);
    });

    it("GIVEN the platform's first name for a long host WHEN the rule computes it THEN it is the component's (they must not drift apart)", () => {
        expect(certificateFirstName(LONG_HOST, BASE)).toBe(firstNameFor(LONG_HOST, BASE));
        expect(certificateFirstName(LONG_HOST.toUpperCase(), BASE)).toBe(firstNameFor(LONG_HOST, BASE));
    });

    it("GIVEN a dedicated-saas tenant with own domain app.<base> (the issue's attack) WHEN planned THEN its certificate is reported: the shared app is nobody's", () => {
        expect(findings(stackOf(document, "mallory"))).toEqual([
            {
                resource: "mallory-front-door-cert",
                message: `domainName is app.${BASE}, a host name mallory does not own (the platform's shared app); mallory declares the host name app.${BASE}, which it cannot own: it is the platform's shared app`,
            },
        ]);
    });

    it("GIVEN it adds a host rule for app.<base> on the shared listener WHEN checked THEN the rule is reported too", () => {
        const mallory = stackOf(document, "mallory");
        const stack = adding(stackFromPlan(mallory), hostRule("mallory-steal", [`app.${BASE}`]));
        expect(findings(mallory, document, stack).filter((finding) => finding.resource === "mallory-steal")).toEqual([
            {
                resource: "mallory-steal",
                message: `conditions[0].hostHeader.values[0] is app.${BASE}, a host name mallory does not own (the platform's shared app); mallory declares the host name app.${BASE}, which it cannot own: it is the platform's shared app`,
            },
        ]);
    });

    it("GIVEN a tenant with another tenant's <subdomain>.<base> as its own domain WHEN checked THEN both are reported: a name two tenants declare is owned by neither", () => {
        const message = (self: string, other: string) => `domainName is cloudy.${BASE}, a host name ${self} does not own${self === "eve" ? " (tenant cloudy's host name)" : " (tenant eve's host name)"}; ${self} declares the host name cloudy.${BASE}, which it cannot own: tenant ${other} declares it too`;
        expect(findings(stackOf(document, "eve"))).toEqual([{ resource: "eve-front-door-cert", message: message("eve", "cloudy") }]);
        expect(findings(stackOf(document, "cloudy")).find((finding) => finding.resource === "cloudy-front-door-cert")).toEqual({ resource: "cloudy-front-door-cert", message: message("cloudy", "eve") });
        // Without the intruder, cloudy owns its name again.
        expect(findings(stackOf(document, "cloudy"), honest)).toEqual([]);
    });

    it("GIVEN a tenant with an own domain two labels under the base domain WHEN checked THEN it is reported: a tenant owns one label under it", () => {
        expect(findings(stackOf(document, "trudy"))).toEqual([
            {
                resource: "trudy-front-door-cert",
                message: `domainName is shop.stark.${BASE}, a host name trudy does not own (a name under the platform's domain ${BASE}); trudy declares the host name shop.stark.${BASE}, which it cannot own: it is more than one label under the platform's domain ${BASE}; a tenant owns exactly one, <subdomain>.${BASE}`,
            },
        ]);
    });
});

describe("tenant-host-names-owned: what an honest tenant's stack may not add", () => {
    const stark = (): TenantPlan => stackOf(honest, "stark");
    const check = (...added: PolicyResource[]): Finding[] => findings(stark(), honest, adding(stackFromPlan(stark()), ...added));
    const OWNS = `stark owns stark.${BASE} only`;

    it.each<[string, unknown, string]>([
        ["the shared app", `app.${BASE}`, `is app.${BASE}, a host name stark does not own (the platform's shared app)`],
        ["the shared app of another region", `app.eu-central-1.${BASE}`, `is app.eu-central-1.${BASE}, a host name stark does not own (the platform's shared app)`],
        ["another tenant's subdomain", `cloudy.${BASE}`, `is cloudy.${BASE}, a host name stark does not own (tenant cloudy's host name)`],
        ["another tenant's own domain, in capitals", "PM.WAYNE.EXAMPLE", "is PM.WAYNE.EXAMPLE, a host name stark does not own (tenant wayne's host name)"],
        ["a free name under the base domain", `nobody.${BASE}`, `is nobody.${BASE}, a host name stark does not own (a name under the platform's domain ${BASE})`],
        ["the base domain", BASE, `is ${BASE}, a host name stark does not own (the platform's base domain)`],
        ["a name under its own", `www.stark.${BASE}`, `is www.stark.${BASE}, a host name stark does not own (a name under the platform's domain ${BASE})`],
        ["another tenant's certificate first name", firstNameFor(LONG_HOST, BASE), `is ${firstNameFor(LONG_HOST, BASE)}, a host name stark does not own (a name under the platform's domain ${BASE})`],
        ["a name outside", "login.example.com", "is login.example.com, a host name stark does not own"],
        [
            "a wildcard under the base domain",
            `*.${BASE}`,
            `is the pattern *.${BASE}, which matches host names stark does not own, e.g. app.${BASE} (the platform's shared app), cloudy.${BASE} (tenant cloudy's host name)`,
        ],
        ["a one-character wildcard", `?loudy.${BASE}`, `is the pattern ?loudy.${BASE}, which matches host names stark does not own, e.g. cloudy.${BASE} (tenant cloudy's host name)`],
        ["a wildcard that catches no known name", "*.stark.example.org", "is the pattern *.stark.example.org, which matches host names stark does not own"],
        ["a value that is no name", 42, "is 42, no host name that can be judged"],
    ])("GIVEN a host rule for %s on the shared listener WHEN checked THEN it is reported", (_label, value, what) => {
        expect(check(hostRule("stark-extra", ["stark." + BASE, value]))).toEqual([{ resource: "stark-extra", message: `conditions[0].hostHeader.values[1] ${what}; ${OWNS}` }]);
    });

    it("GIVEN a host rule for its own host (any case, a trailing dot) WHEN checked THEN it is compliant", () => {
        expect(check(hostRule("stark-extra", [`stark.${BASE}`, `Stark.${BASE.toUpperCase()}.`]))).toEqual([]);
    });

    it("GIVEN regular expressions WHEN checked THEN only an anchored literal of its own host passes", () => {
        expect(check(hostRule("stark-extra", [`^stark\\.itm\\.example\\.net$`], undefined, "regexValues"))).toEqual([]);
        expect(check(hostRule("stark-extra", [".*"], undefined, "regexValues"))).toEqual([
            {
                resource: "stark-extra",
                message: `conditions[0].hostHeader.regexValues[0] is the regular expression ".*", which cannot be shown to match only an owned host name (expected values: [host] or ^host$ with escaped dots); ${OWNS}`,
            },
        ]);
    });

    it("GIVEN a rule without a host condition WHEN on the shared listener THEN it matches every host and is reported; on the stack's own listener it is not", () => {
        const pathOnly = (listenerArn: string) => ({ ...hostRule("stark-path", [], listenerArn), props: { ...hostRule("stark-path", [], listenerArn).props, conditions: [{ pathPattern: { values: ["/*"] } }] } });
        expect(check(pathOnly(sharedListenerArn()))).toEqual([
            {
                resource: "stark-path",
                message: `has no host-header condition, so it matches every host name on listener ${sharedListenerArn()}, which is not one of this stack's; expected conditions: [{ hostHeader: { values: ["stark.${BASE}"] } }]`,
            },
        ]);
        const own = stackFromPlan(stark()).resources.find((candidate) => candidate.name === "stark-front-door-https")!;
        expect(check(pathOnly(own.id!))).toEqual([]);
    });

    it("GIVEN the older field/values condition shape WHEN it names another's host THEN it is judged the same", () => {
        const rule = resource("aws:alb/listenerRule:ListenerRule", "stark-old", { listenerArn: sharedListenerArn(), conditions: [{ field: "host-header", values: [`app.${BASE}`] }] });
        expect(check(rule)).toEqual([{ resource: "stark-old", message: `conditions[0].values[0] is app.${BASE}, a host name stark does not own (the platform's shared app); ${OWNS}` }]);
    });

    it("GIVEN a certificate, a listener certificate and a record for foreign names WHEN checked THEN each is reported", () => {
        const platformCertificate = stackOf(document, `platform-${REGION}`).resources.find((candidate) => candidate.type === "aws:acm/certificate:Certificate")!;
        expect(
            check(
                resource("aws:acm/certificate:Certificate", "stark-wild", { domainName: `stark.${BASE}`, subjectAlternativeNames: [`*.${BASE}`], validationMethod: "DNS" }),
                resource("aws:lb/listenerCertificate:ListenerCertificate", "stark-borrow", { listenerArn: sharedListenerArn(), certificateArn: platformCertificate.id }),
                resource("aws:route53/record:Record", "stark-hijack", { zoneId: "Z33DA23D779753FCF26DA", name: `app.${BASE}`, type: "A" }),
                resource("aws:route53/record:Record", "stark-validation", { zoneId: "Z33DA23D779753FCF26DA", name: `_0123abcd.stark.${BASE}.`, type: "CNAME" }),
            ),
        ).toEqual([
            {
                resource: "stark-wild",
                message: `subjectAlternativeNames[0] is the pattern *.${BASE}, which matches host names stark does not own, e.g. app.${BASE} (the platform's shared app), cloudy.${BASE} (tenant cloudy's host name); ${OWNS}`,
            },
            {
                resource: "stark-borrow",
                message: `certificateArn ${platformCertificate.id} is no certificate of this stack, so the host names it serves cannot be judged; serve a certificate the stack requests for its own host name`,
            },
            { resource: "stark-hijack", message: `name is app.${BASE}, a host name stark does not own (the platform's shared app); ${OWNS}` },
        ]);
    });

    it("GIVEN a record of its own edge name and of another tenant's WHEN checked THEN only the other's is reported (the edge name is the platform's name for the stack)", () => {
        expect(
            check(
                resource("aws:route53/record:Record", "stark-edge", { zoneId: "Z33DA23D779753FCF26DA", name: `stark.edge.${BASE}`, type: "A" }),
                resource("aws:route53/record:Record", "stark-steal", { zoneId: "Z33DA23D779753FCF26DA", name: `lengthy.edge.${BASE}`, type: "A" }),
            ),
        ).toEqual([{ resource: "stark-steal", message: `name is lengthy.edge.${BASE}, a host name stark does not own (a name under the platform's domain ${BASE}); ${OWNS}` }]);
    });

    it("GIVEN the recovery environment of a tenant WHEN it writes its tenant's edge name (a SECONDARY record) THEN compliant: it serves its production tenant's names", () => {
        const recovery = { ...stackFromPlan(stark()), stack: "stark-recovery" };
        const edge = resource("aws:route53/record:Record", "stark-recovery-edge", { zoneId: "Z33DA23D779753FCF26DA", name: `stark.edge.${BASE}`, type: "A" });
        const steal = resource("aws:route53/record:Record", "stark-recovery-steal", { zoneId: "Z33DA23D779753FCF26DA", name: `lengthy.edge.${BASE}`, type: "A" });
        expect(findingsOf(disallowForeignHostNames, adding(recovery, edge, steal), settingsFor(stark(), honest)).map((finding) => finding.resource)).toEqual(["stark-recovery-steal"]);
    });

    it("GIVEN a saas tenant's stack with a certificate WHEN checked THEN it is reported: it owns no host name", () => {
        const solo = stackOf(honest, "solo");
        const stack = adding(stackFromPlan(solo), resource("aws:acm/certificate:Certificate", "solo-cert", { domainName: `solo.${BASE}`, validationMethod: "DNS" }));
        expect(findings(solo, honest, stack)).toEqual([
            { resource: "solo-cert", message: `domainName is solo.${BASE}, a host name solo does not own (a name under the platform's domain ${BASE}); solo serves no host name of its own (a saas tenant is served by the shared app)` },
        ]);
    });

    it("GIVEN a platform stack or settings without host names WHEN checked THEN the rule is not applicable", () => {
        const platform = stackOf(document, `platform-${REGION}`);
        expect(findings(platform)).toEqual([]);
        // Told by its name where its provider's tags say nothing (CrossGuard).
        expect(findings(platform, document, { ...stackFromPlan(platform), kind: undefined })).toEqual([]);
        const settings: PolicySettings = { operationsCidrs: [], otherTenants: [] };
        expect(findingsOf(disallowForeignHostNames, adding(stackFromPlan(stark()), hostRule("stark-extra", [`app.${BASE}`])), settings)).toEqual([]);
    });
});

describe("where the rule learns the host names", () => {
    it("GIVEN a plan document WHEN its settings are read THEN the base domain is the platform's output and each tenant's host its url's, saas tenants none", () => {
        const hosts = settingsFor(stackOf(honest, "stark"), honest).hosts;
        expect(hosts?.baseDomain).toBe(BASE);
        expect(hosts?.tenants).toEqual([
            { tenant: "cloudy", host: `cloudy.${BASE}` },
            { tenant: "lengthy", host: LONG_HOST },
            { tenant: "stark", host: `stark.${BASE}` },
            { tenant: "wayne", host: "pm.wayne.example" },
        ]);
        const other = { ...honest, tenants: honest.tenants.map((plan) => (plan.mode === "platform" ? { ...plan, outputs: { ...plan.outputs, baseDomain: "pm.corp.example" } } : plan)) };
        expect(settingsFor(stackOf(other, "stark"), other).hosts?.baseDomain).toBe("pm.corp.example");
    });

    it("GIVEN tenant files beside the pack WHEN CrossGuard's settings are read THEN each file declares the host the contract lets it claim under the configured base domain; a refused claim, a name two files claim and a file that is no YAML declare none; a file with classic Mac line endings declares its own", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hosts-"));
        try {
            fs.writeFileSync(path.join(dir, "acme.yaml"), "tenant: acme\ncompany: ACME\nmode: dedicated-saas\nregion: eu-west-1\ndomain:\n  subdomain: acme\n");
            fs.writeFileSync(path.join(dir, "solo.yaml"), "tenant: solo\ncompany: Solo\nmode: saas\nregion: eu-west-1\n");
            fs.writeFileSync(path.join(dir, "initech.yaml"), "tenant: initech\ncompany: Initech\nmode: dedicated-saas\nregion: eu-west-1\ndomain:\n  own: pm.initech.com\n");
            fs.writeFileSync(path.join(dir, "mallory.yaml"), "tenant: mallory\ncompany: Mallory\nmode: dedicated-saas\nregion: eu-west-1\ndomain:\n  own: app.pm.corp.example\n");
            fs.writeFileSync(path.join(dir, "twin-a.yaml"), "tenant: twin-a\ncompany: Twin\nmode: cloud\nregion: eu-west-1\ndomain:\n  own: PM.twin.example\n");
            fs.writeFileSync(path.join(dir, "twin-b.yaml"), "tenant: twin-b\ncompany: Twin\nmode: cloud\nregion: eu-west-1\ndomain:\n  own: pm.twin.example\n");
            fs.writeFileSync(path.join(dir, "broken.yaml"), "tenant: broken\nmode: [cloud\n");
            fs.writeFileSync(path.join(dir, "app.yaml"), "tenant: app\ncompany: App\nmode: cloud\nregion: eu-west-1\ndomain:\n  subdomain: app\n");
            // Classic Mac line endings: a carriage return alone is a YAML 1.2 line break.
            fs.writeFileSync(path.join(dir, "mac.yaml"), "tenant: mac\rcompany: Mac\rmode: dedicated-saas\rregion: eu-west-1\rdomain:\r  subdomain: mac\r");
            expect(hostsFromFiles("pm.corp.example", dir)).toEqual({
                baseDomain: "pm.corp.example",
                tenants: [
                    { tenant: "acme", host: "acme.pm.corp.example" },
                    { tenant: "initech", host: "pm.initech.com" },
                    { tenant: "mac", host: "mac.pm.corp.example" },
                ],
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("GIVEN a tenant folder the pack cannot read WHEN a rule needs the fleet under CrossGuard THEN the rule reports that it cannot judge (a violation), never a pass", () => {
        const missing = path.join(os.tmpdir(), "no-such-tenant-configs");
        expect(() => hostsFromFiles(BASE, missing)).toThrow(FleetUnreadable);
        expect(() => hostsFromFiles(BASE, missing)).toThrow(`cannot read the tenant files in ${missing}: ENOENT`);
        const [policy] = crossGuardPolicies([disallowForeignHostNames], { tenantDir: missing, platformDir: missing });
        const violations: string[] = [];
        const provider = { type: "pulumi:providers:aws", name: "stark-aws", urn: "urn:pulumi:stark::p::pulumi:providers:aws::stark-aws", props: { defaultTags: { tags: { mode: "cloud" } } }, opts: { protect: false } };
        const cert = { type: "aws:acm/certificate:Certificate", name: "stark-cert", urn: "urn:pulumi:stark::p::aws:acm/certificate:Certificate::stark-cert", props: { domainName: `stark.${BASE}` }, opts: { protect: false } };
        policy!.validateStack({ resources: [provider, cert], getConfig: () => ({}) } as never, (message: string) => violations.push(message));
        expect(violations).toEqual([expect.stringMatching(/^cannot judge this stack: cannot read the tenant files in .*no-such-tenant-configs: ENOENT/)]);
    });

    it("GIVEN platform settings files beside the pack WHEN the pack's base domain is read THEN it is theirs unless the pack config names one; without files, the platform default", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-configs-"));
        try {
            expect(packBaseDomain({}, dir)).toBe(BASE);
            fs.writeFileSync(path.join(dir, "eu-west-1.yaml"), platformFileText("eu-west-1", { baseDomain: "pm.corp.example" }));
            expect(packBaseDomain({}, dir)).toBe("pm.corp.example");
            expect(packBaseDomain({ baseDomain: "other.example" }, dir)).toBe("other.example");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("GIVEN three tenants declaring one host name, spelled apart (case, a trailing dot, spaces), among many WHEN each is checked THEN neither owns it, the others named in the fleet's order, the first other as its owner", () => {
        const spelled = ["Shared.Example.org.", "shared.example.org", " SHARED.example.org"];
        const declared = ["x1", "x2", "x3"].map((tenant, i) => ({ tenant, host: spelled[i]! }));
        // Many other tenants before, between and after: the rule looks names up, never scans them in order of its own.
        const others = (from: number) => Array.from({ length: 50 }, (_, i) => ({ tenant: `t${from + i}`, host: `t${from + i}.${BASE}` }));
        const hosts = { baseDomain: BASE, tenants: [...others(0), declared[0]!, ...others(50), declared[1]!, declared[2]!, ...others(100)] };
        const settings: PolicySettings = { operationsCidrs: [], otherTenants: [], hosts };
        const certificate = (tenant: string): PolicyStack => ({
            stack: tenant,
            kind: "dedicated-saas",
            resources: [{ type: "aws:acm/certificate:Certificate", name: `${tenant}-cert`, id: `${tenant}-cert`, parent: null, props: { domainName: "shared.example.org" }, protect: false, retainOnDelete: false }],
        });
        const expected = (self: string, owner: string, sharing: string) =>
            `domainName is shared.example.org, a host name ${self} does not own (tenant ${owner}'s host name); ${self} declares the host name shared.example.org, which it cannot own: tenant ${sharing} declares it too`;
        expect(findingsOf(disallowForeignHostNames, certificate("x1"), settings)).toEqual([{ resource: "x1-cert", message: expected("x1", "x2", "x2, x3") }]);
        expect(findingsOf(disallowForeignHostNames, certificate("x2"), settings)).toEqual([{ resource: "x2-cert", message: expected("x2", "x1", "x1, x3") }]);
        expect(findingsOf(disallowForeignHostNames, certificate("x3"), settings)).toEqual([{ resource: "x3-cert", message: expected("x3", "x1", "x1, x2") }]);
        // One of the many owns its own name, and another's is named as that tenant's.
        const t7 = { ...certificate("t7"), resources: [{ ...certificate("t7").resources[0]!, props: { domainName: `t7.${BASE}`, subjectAlternativeNames: [`T120.${BASE}.`] } }] };
        expect(findingsOf(disallowForeignHostNames, t7, settings)).toEqual([{ resource: "t7-cert", message: `subjectAlternativeNames[0] is T120.${BASE}., a host name t7 does not own (tenant t120's host name); t7 owns t7.${BASE} only` }]);
    });

    it("GIVEN a fleet of 300 hosts WHEN 100 of its stacks are judged THEN the fleet's declarations are read once, not once per stack (a fleet of N stacks would cost N^2)", () => {
        const declared = Array.from({ length: 300 }, (_, i) => ({ tenant: `t${i}`, host: `t${i}.${BASE}` }));
        let reads = 0;
        const counted = new Proxy(declared, {
            get(target, key, receiver) {
                if (typeof key === "string" && /^\d+$/.test(key)) {
                    reads += 1;
                }
                return Reflect.get(target, key, receiver);
            },
        });
        const settings: PolicySettings = { operationsCidrs: [], otherTenants: [], hosts: { baseDomain: BASE, tenants: counted } };
        for (let i = 0; i < 100; i++) {
            const stack: PolicyStack = {
                stack: `t${i}`,
                kind: "cloud",
                resources: [{ type: "aws:acm/certificate:Certificate", name: `t${i}-cert`, id: `t${i}-cert`, parent: null, props: { domainName: `t${i}.${BASE}` }, protect: false, retainOnDelete: false }],
            };
            expect(findingsOf(disallowForeignHostNames, stack, settings)).toEqual([]);
        }
        expect(reads).toBe(300);
    });

    it("GIVEN the network rules WHEN listed THEN the host rule is among them", () => {
        expect(NETWORK_RULES).toContain(disallowForeignHostNames);
    });
});
