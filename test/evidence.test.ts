// The security sheet (npm run evidence): each promise of the catalogue met on the fixture fleet's
// plan and not met on a plan broken for it (the rule naming the resource at fault), the sheet of one
// tenant of each mode pinned (read once by a person), the HTML's print structure, the CLI's errors.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { PROMISES, promiseById } from "../lib/promises/catalogue";
import { RULES } from "../policy/rules";
import { buildSheet, hasUnmet, SheetStack } from "../scripts/lib/evidence/sheet";
import { renderHtml, renderMarkdown, SECTIONS } from "../scripts/lib/evidence/render";
import { withViolations } from "../scripts/lib/plan/policy";
import type { PlanDocument } from "../scripts/lib/plan/fleet";
import { FIXTURE_TENANTS, planOfFixtureFleet } from "./fixtures/fleet";
import { runCli } from "./cli-harness";
import * as script from "../scripts/evidence";
import * as lib from "../scripts/lib/cli";

const KNOWN = new Set(RULES.map((rule) => rule.name));
const checked = (promiseId: string) => promiseById(promiseId)!.rules.every((rule) => KNOWN.has(rule));

let plan: PlanDocument;
const judged = (document: PlanDocument): SheetStack[] => withViolations(document).tenants as SheetStack[];

beforeAll(async () => {
    plan = await planOfFixtureFleet();
}, 300_000);

type Resource = PlanDocument["tenants"][number]["resources"][number];
function stackOf(document: PlanDocument, name: string) {
    const stack = document.tenants.find((candidate) => candidate.tenant === name);
    if (!stack) throw new Error(`no stack ${name}`);
    return stack;
}
function edit(document: PlanDocument, stack: string, name: string, change: (inputs: Record<string, unknown>) => void): void {
    const resource = stackOf(document, stack).resources.find((candidate) => candidate.name === name);
    if (!resource) throw new Error(`no ${name} in ${stack}`);
    change(resource.inputs as Record<string, unknown>);
}
/** Removes the resources `keep` refuses; `future`: the control's resources may not be in the plan yet (C1, C2). */
function remove(document: PlanDocument, stack: string, keep: (resource: Resource) => boolean, future = false): void {
    const target = stackOf(document, stack);
    const before = target.resources.length;
    target.resources.splice(0, target.resources.length, ...target.resources.filter(keep));
    if (target.resources.length === before && !future) throw new Error(`nothing removed from ${stack}`);
}

describe("the promise catalogue", () => {
    it("has unique ids and every promise in exactly one section of the sheet", () => {
        const ids = PROMISES.map((promise) => promise.id);
        expect(new Set(ids).size).toBe(ids.length);
        const placed = SECTIONS.flatMap((section) => section.ids);
        expect([...placed].sort()).toEqual([...ids].sort());
    });

    it("gives every promise either rules and resources, or the text saying what the infrastructure cannot show", () => {
        for (const promise of PROMISES) {
            if (promise.implementation) {
                expect(promise.rules.length, promise.id).toBeGreaterThan(0);
                expect(promise.notShown, promise.id).toBeUndefined();
            } else {
                expect(promise.notShown, promise.id).toMatch(/.{20}/);
                expect(promise.rules, promise.id).toEqual([]);
            }
        }
        expect(PROMISES.filter((promise) => promise.notShown).map((promise) => promise.id)).toEqual(
            expect.arrayContaining(["iso-27001", "antivirus-on-each-server", "quarterly-external-assessment", "password-hashed-salted"]),
        );
    });
});

// One tenant of each mode of the fixture fleet.
const TENANTS = { saas: "brightpath", "dedicated-saas": "northwind", physical: "helvetia-bank", cloud: "globex", vpn: "initech", "vpn-sync": "acme" } as const;

describe("each promise on the fixture fleet", () => {
    it.each(Object.entries(TENANTS))("%s (%s): every applicable promise checked by existing rules is met; one whose rule does not exist yet is not met, and says so", (mode, tenant) => {
        const sheet = buildSheet(tenant, judged(plan));
        expect(sheet.mode).toBe(mode);
        for (const line of sheet.lines) {
            if (!line.promise.modes.includes(sheet.mode)) {
                expect(line.status, line.promise.id).toBe("not applicable to this mode");
            } else if (line.promise.notShown) {
                expect(line.status, line.promise.id).toBe("not shown by the infrastructure");
            } else if (checked(line.promise.id)) {
                expect({ id: line.promise.id, status: line.status, reasons: line.reasons }).toEqual({ id: line.promise.id, status: "met", reasons: [] });
                expect(line.resources.length, line.promise.id).toBeGreaterThan(0);
            } else {
                // Never "met" for what no rule checks (the rules of C1, C2 and C4 arrive with their branches).
                expect(line.status, line.promise.id).toBe("not met");
                expect(line.reasons.join("\n"), line.promise.id).toMatch(/no rule checks it yet/);
            }
        }
    });
});

interface Mutation {
    readonly promise: string;
    readonly tenant: string;
    /** Breaks the promise in the plan; returns the resource the rule must name. */
    readonly mutate: (document: PlanDocument) => string;
    /** Other promises the same change breaks (they share a rule or a resource). */
    readonly alsoBreaks?: readonly string[];
}

const MUTATIONS: readonly Mutation[] = [
    { promise: "two-network-cards", tenant: "globex", mutate: (d) => (remove(d, "globex", (r) => r.name !== "globex-servers-0-admin-eni-attachment" && r.name !== "globex-servers-0-admin-eni"), "globex-servers-0-instance") },
    {
        promise: "administration-network-restricted",
        tenant: "globex",
        mutate: (d) => (edit(d, "globex", "globex-servers-admin-from-operations-22", (i) => ((i.cidrIpv4 = "0.0.0.0/0"), delete i.prefixListId)), "globex-servers-admin-from-operations-22"),
        // The servers' administration interfaces then admit more than the operations network.
        alsoBreaks: ["port-blocking", "two-network-cards"],
    },
    {
        promise: "external-firewall",
        tenant: "globex",
        mutate: (d) => (remove(d, "globex", (r) => r.type !== "aws:wafv2/webAclAssociation:WebAclAssociation"), "globex-front-door-alb"),
        // Without the web ACL on the door, the suspicious networks are not blocked there either.
        alsoBreaks: ["suspicious-network-blocking"],
    },
    { promise: "port-blocking", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-network-endpoints-https-in", (i) => (i.cidrIpv4 = "0.0.0.0/0")), "globex-network-endpoints-https-in") },
    { promise: "blocked-access-warning", tenant: "globex", mutate: (d) => (remove(d, "globex", (r) => r.type !== "aws:ec2/flowLog:FlowLog"), "globex-network-vpc") },
    {
        promise: "suspicious-network-blocking",
        tenant: "globex",
        // The suspicious networks' rule counts instead of blocking.
        mutate: (d) => (edit(d, "globex", "globex-front-door-waf", (i) => ((i.rules as { name: string; action?: unknown }[]).find((rule) => rule.name === "block-suspicious-networks")!.action = { count: {} })), "globex-front-door-waf"),
    },
    { promise: "internet-facing-separated", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-servers-1-instance", (i) => (i.associatePublicIpAddress = true)), "globex-servers-1-instance") },
    { promise: "vpn-access", tenant: "initech", mutate: (d) => (edit(d, "initech", "initech-vpn-connection", (i) => (i.tunnel1Phase1EncryptionAlgorithms = ["AES128"])), "initech-vpn-connection") },
    { promise: "encryption-in-transit", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-front-door-https", (i) => (i.sslPolicy = "ELBSecurityPolicy-2016-08")), "globex-front-door-alb") },
    { promise: "encryption-at-rest", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-database-db", (i) => (i.storageEncrypted = false)), "globex-database-db") },
    { promise: "keys-kept-apart", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-keys-data", (i) => (i.enableKeyRotation = false)), "globex-keys-data") },
    { promise: "tenant-data-isolated", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-keys-data", (i) => (i.tags = { ...(i.tags as object), tenant: "acme" })), "globex-keys-data") },
    { promise: "dedicated-physical-server", tenant: "helvetia-bank", mutate: (d) => (edit(d, "helvetia-bank", "helvetia-bank-servers-0-instance", (i) => ((i.tenancy = "default"), delete i.hostId)), "helvetia-bank-servers-0-instance") },
    { promise: "database-backup", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-backup-database-plan", (i) => ((i.rules as { schedule: string }[])[0]!.schedule = "cron(0 0/6 * * ? *)")), "globex"), alsoBreaks: ["backup-off-site"] },
    { promise: "web-files-backup", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-backup-files-plan", (i) => ((i.rules as { lifecycle: { deleteAfter: number } }[])[1]!.lifecycle.deleteAfter = 30)), "globex-files-bucket"), alsoBreaks: ["backup-off-site"] },
    { promise: "backup-off-site", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-backup-files-plan", (i) => (i.rules as { copyActions?: unknown }[]).forEach((rule) => delete rule.copyActions)), "globex-files-bucket"), alsoBreaks: ["web-files-backup"] },
    { promise: "backup-encryption", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-backup-vault", (i) => delete i.kmsKeyArn), "globex-backup-vault") },
    { promise: "backup-environment", tenant: "globex", mutate: (d) => (remove(d, "globex-recovery", (r) => !r.type.startsWith("aws:backup/restoreTesting")), "globex-recovery") },
    { promise: "weekend-patching", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-patching-window", (i) => (i.schedule = "cron(0 2 ? * WED *)")), "globex-patching-window") },
    {
        promise: "weekly-update-check",
        tenant: "globex",
        mutate: (d) => (remove(d, "globex", (r) => !/RunPatchBaseline/.test(JSON.stringify(r.inputs)) || !/Scan/.test(JSON.stringify(r.inputs)), true), "globex"),
        // One rule (ssm-inventory-and-patch-scan) keeps the weekly scan and the inventory the monthly review reads.
        alsoBreaks: ["monthly-configuration-review"],
    },
    { promise: "weekly-antivirus-scan", tenant: "globex", mutate: (d) => (edit(d, "platform-us-east-1", "platform-us-east-1-detection-ebs-malware-protection", (i) => (i.status = "DISABLED")), "platform-us-east-1-detection-ebs-malware-protection") },
    { promise: "network-change-detection", tenant: "globex", mutate: (d) => (remove(d, "platform-us-east-1", (r) => !/AuthorizeSecurityGroupIngress/.test(JSON.stringify(r.inputs)), true), "platform-us-east-1") },
    { promise: "intrusion-detection", tenant: "globex", mutate: (d) => (edit(d, "platform-us-east-1", "platform-us-east-1-detection-detector", (i) => (i.enable = false)), "platform-us-east-1-detection-detector") },
    { promise: "denied-access-log-reading", tenant: "globex", mutate: (d) => (remove(d, "platform-us-east-1", (r) => r.type !== "aws:cloudwatch/queryDefinition:QueryDefinition" && !r.type.startsWith("aws:scheduler/"), true), "platform-us-east-1") },
    { promise: "monthly-configuration-review", tenant: "globex", mutate: (d) => (remove(d, "platform-us-east-1", (r) => !r.type.startsWith("aws:cfg/"), true), "platform-us-east-1") },
    { promise: "audit-logs", tenant: "globex", mutate: (d) => (edit(d, "platform-eu-west-1", "platform-eu-west-1-audit-trail", (i) => (i.advancedEventSelectors = [(i.advancedEventSelectors as unknown[])[0]])), "platform-eu-west-1-audit-trail") },
    { promise: "availability-check", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-check-canary", (i) => (i.schedule = { expression: "rate(1 hour)" })), "globex-check-canary") },
    { promise: "automated-server-build", tenant: "globex", mutate: (d) => (edit(d, "globex", "globex-servers-0-instance", (i) => (i.ami = "ami-0123456789abcdef0")), "globex-servers-0-instance") },
    {
        promise: "password-min-length",
        tenant: "globex",
        mutate: (d) => (edit(d, "globex", "globex-settings-parameter", (i) => (i.insecureValue = String(i.insecureValue).replace(/"passwordMinLength":\d+/, '"passwordMinLength":6'))), "globex-settings-parameter"),
    },
];

describe("each promise broken in the plan", () => {
    it("has one mutation per promise the infrastructure shows", () => {
        expect(MUTATIONS.map((mutation) => mutation.promise).sort()).toEqual(PROMISES.filter((promise) => promise.implementation).map((promise) => promise.id).sort());
    });

    it.each(MUTATIONS.map((mutation) => [mutation.promise, mutation] as const))("%s: not met, the rule naming the resource at fault", (_id, mutation) => {
        const broken = structuredClone(plan);
        const atFault = mutation.mutate(broken);
        const sheet = buildSheet(mutation.tenant, judged(broken));
        const line = sheet.lines.find((candidate) => candidate.promise.id === mutation.promise)!;
        expect(line.status).toBe("not met");
        const rules = line.promise.rules.filter((rule) => KNOWN.has(rule));
        if (rules.length === line.promise.rules.length) {
            // `<rule> on <stack>: <resource>: <message>`
            expect(line.reasons.some((reason) => rules.some((rule) => reason.startsWith(`${rule} on `)) && reason.includes(`: ${atFault}:`)), line.reasons.join("\n")).toBe(true);
        } else {
            expect(line.reasons.join("\n")).toMatch(/no rule checks it yet/);
        }
        // The other lines of the sheet keep their status: one mutation, one promise.
        const before = buildSheet(mutation.tenant, judged(plan));
        const changed = sheet.lines.filter((other, i) => other.status !== before.lines[i]!.status).map((other) => other.promise.id);
        expect(changed.filter((id) => id !== mutation.promise).sort()).toEqual([...(mutation.alsoBreaks ?? [])].sort());
    });
});

describe("the sheet fails closed on the policy's mandatory violations", () => {
    it.each<[string, string, (document: PlanDocument) => void]>([
        ["availability-check", "the canary's alarm silenced", (d) => edit(d, "globex", "globex-check-alarm", (i) => (i.actionsEnabled = false))],
        ["weekend-patching", "the database's maintenance on a Wednesday", (d) => edit(d, "globex", "globex-database-db", (i) => (i.maintenanceWindow = "wed:03:00-wed:04:00"))],
        ["keys-kept-apart", "an RSA data key", (d) => edit(d, "globex", "globex-keys-data", (i) => (i.customerMasterKeySpec = "RSA_2048"))],
    ])("GIVEN %s broken by %s WHEN the sheet is built THEN that line is not met, as the policy says", (promise, _how, mutate) => {
        const broken = structuredClone(plan);
        mutate(broken);
        const sheet = buildSheet("globex", judged(broken));
        expect(sheet.lines.find((line) => line.promise.id === promise)!.status).toBe("not met");
        expect(hasUnmet(sheet)).toBe(true);
    });

    it("GIVEN a mandatory violation of a rule no promise lists WHEN the sheet is built THEN it is listed apart and the sheet is not 'every promise met'", () => {
        const broken = structuredClone(plan);
        edit(broken, "globex", "globex-servers-0-instance", (i) => ((i.metadataOptions as Record<string, unknown>).httpTokens = "optional"));
        const sheet = buildSheet("globex", judged(broken));
        expect(sheet.lines.filter((line) => line.status === "not met")).toEqual([]);
        expect(sheet.unclaimed).toEqual([expect.stringMatching(/^globex: ec2-instance-imdsv2: globex-servers-0-instance: /)]);
        expect(hasUnmet(sheet)).toBe(true);
        expect(renderMarkdown(sheet)).toContain("## Mandatory policy violations no promise above counts");
        expect(renderHtml(sheet)).toContain("<h2>Mandatory policy violations no promise above counts</h2>");
        expect(buildSheet("globex", judged(plan)).unclaimed).toEqual([]);
    });
});

describe("a plan without the stacks a line reads", () => {
    it("turns the lines of the platform's resources to not met, saying which stack to plan", () => {
        const partial = structuredClone(plan);
        partial.tenants.splice(0, partial.tenants.length, ...partial.tenants.filter((stack) => !stack.tenant.startsWith("platform-us-east-1")));
        const line = buildSheet("globex", judged(partial)).lines.find((candidate) => candidate.promise.id === "intrusion-detection")!;
        expect(line.status).toBe("not met");
        expect(line.reasons).toEqual(["the plan has no stack platform-us-east-1 (plan them together: npm run plan -- globex platform-us-east-1 --json)"]);
    });

    it("names in its header only the stacks the plan holds, and the others as missing", () => {
        const partial = structuredClone(plan);
        partial.tenants.splice(0, partial.tenants.length, ...partial.tenants.filter((stack) => !stack.tenant.startsWith("platform-us-east-1")));
        const sheet = buildSheet("globex", judged(partial));
        const header = "Read from the plan of: globex, globex-recovery; not in the plan: platform-us-east-1 (the lines that read it are not met).";
        expect(renderMarkdown(sheet).split("\n")[2]).toBe(`Mode: cloud. Region: us-east-1. ${header}`);
        expect(renderHtml(sheet)).toContain(`<p>Mode: cloud. Region: us-east-1. ${header}</p>`);
    });
});

describe("the sheet's text", () => {
    // Read once by a person; a change to the catalogue, the rules or the fleet's plan shows here.
    it.each(Object.entries(TENANTS))("%s (%s) is pinned", async (_mode, tenant) => {
        await expect(renderMarkdown(buildSheet(tenant, judged(plan)))).toMatchFileSnapshot(`evidence/${tenant}.md`);
    });

    it("as HTML: one section per part of the sheet, each starting a page when printed, every value escaped", () => {
        const broken = structuredClone(plan);
        edit(broken, "globex", "globex-database-db", (i) => (i.storageEncrypted = false));
        const sheet = buildSheet("globex", judged(broken));
        const page = renderHtml(sheet);
        expect(page.startsWith("<!DOCTYPE html>\n")).toBe(true);
        // The first section shares its page with the header; every other starts a page.
        expect(page).toMatch(/@media print \{ section \+ section \{ break-before: page; page-break-before: always; \} \}/);
        const sections = [...page.matchAll(/<section>\n<h2>([^<]+)<\/h2>/g)].map((match) => match[1]);
        expect(sections).toEqual(SECTIONS.map((section) => section.title));
        expect((page.match(/<article class="/g) ?? []).length).toBe(PROMISES.length);
        expect(page).toMatch(/<article class="not-met">\n<h3>The servers&#39; file systems and databases are encrypted with 256-bit keys<\/h3>/);
        expect(page).toContain("<dt>Checked by</dt><dd><code>rds-instance-storage-encrypted-cmk</code>");
        expect(page).toMatch(/<article class="not-shown">\n<h3>ISO 27001 accreditation/);
        expect(page).not.toMatch(/<[a-z]+[^>]*>[^<]*'[^<]*</);
    });
});

describe("npm run evidence", () => {
    let dir: string;
    let planFile: string;
    beforeAll(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "evidence-"));
        planFile = path.join(dir, "plan.json");
        fs.writeFileSync(planFile, JSON.stringify(plan, null, 2));
    });
    const evidence = (...args: string[]) => runCli("evidence", () => script.main(args), { exitCodeOf: lib.exitCodeOf });

    it("prints the tenant's sheet from a saved plan; exit 3 when a promise is not met, naming it", async () => {
        const broken = structuredClone(plan);
        edit(broken, "globex", "globex-database-db", (i) => (i.storageEncrypted = false));
        const file = path.join(dir, "broken.json");
        fs.writeFileSync(file, JSON.stringify(broken));
        const run = await evidence("globex", "--plan", file);
        expect(run.status).toBe(3);
        expect(run.stdout).toMatch(/^# Security sheet: globex\n/);
        expect(run.stdout).toMatch(/### The servers' file systems and databases are encrypted with 256-bit keys\n\n- Status: \*\*not met\*\*/);
        expect(run.stderr).toMatch(/evidence: globex \(cloud\): \d+ promise\(s\) not met: .*encryption-at-rest/);
    });

    it("exits 0 only when every line is met, not applicable or not shown", async () => {
        const run = await evidence("brightpath", "--plan", planFile);
        expect(run.status).toBe(buildSheet("brightpath", judged(plan)).lines.some((line) => line.status === "not met") ? 3 : 0);
    });

    it("writes --out FILE, HTML with --html, and one file per tenant with --all", async () => {
        const out = path.join(dir, "northwind.html");
        expect((await evidence("northwind", "--plan", planFile, "--html", "--out", out)).stdout).toBe("");
        expect(fs.readFileSync(out, "utf8")).toMatch(/<h1>Security sheet: northwind<\/h1>/);
        const folder = path.join(dir, "all");
        await evidence("--all", "--plan", planFile, "--out", folder);
        expect(fs.readdirSync(folder).sort()).toEqual([...Object.values(TENANTS), "trial-lumen"].map((tenant) => `${tenant}.md`).sort());
    });

    it.each([
        [[], 2, /^evidence: name one TENANT \(or --all\); see --help\n$/],
        [["acme", "globex"], 2, /one TENANT at a time \(got 2\)/],
        [["acme", "--pdf"], 2, /Unknown option '--pdf'/],
        [["--all", "acme"], 2, /--all writes a sheet for every tenant/],
        [["Acme!"], 2, /"Acme!" is not a tenant id/],
    ])("%j: usage error, exit %i", async (args, status, message) => {
        const run = await evidence(...(args as string[]));
        expect(run.status).toBe(status);
        expect(run.stderr).toMatch(message as RegExp);
        expect(run.stdout).toBe("");
    });

    it("refuses a plan without the tenant, naming the file and the tenants it has", async () => {
        const run = await evidence("globexx", "--plan", planFile);
        expect(run.status).toBe(2);
        expect(run.stderr).toBe(`evidence: ${planFile}: has no stack "globexx" (did you mean "globex"?) (its tenants: acme, brightpath, globex, helvetia-bank, initech, northwind, trial-lumen); see --help\n`);
    });

    it("refuses a platform stack: its sheet is its tenants'", async () => {
        const run = await evidence("platform-eu-west-1", "--plan", planFile);
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(/"platform-eu-west-1" is a platform stack, not a tenant/);
    });

    it("says where a plan is not valid JSON (FILE:LINE:COLUMN), exit 1", async () => {
        const file = path.join(dir, "bad.json");
        fs.writeFileSync(file, '{\n  "version": 1,\n  "tenants": [,]\n}\n');
        const run = await evidence("acme", "--plan", file);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:15: not valid JSON: `));
    });

    it("refuses a stack whose region is not its provider's, or is missing: its platform cannot be told (exit 1)", async () => {
        const lying = structuredClone(plan);
        const index = lying.tenants.findIndex((stack) => stack.tenant === "globex");
        (lying.tenants[index] as { region: string }).region = "eu-west-1";
        const file = path.join(dir, "region-lie.json");
        fs.writeFileSync(file, JSON.stringify(lying));
        const run = await evidence("globex", "--plan", file);
        expect(run.status).toBe(1);
        expect(run.stderr).toContain(`${file}:/tenants/${index}/region: "eu-west-1" is not the region of the stack's own provider globex-aws ("us-east-1"): a stack is planned in one region`);
        const missing = structuredClone(plan);
        delete (missing.tenants[index] as { region?: string }).region;
        fs.writeFileSync(file, JSON.stringify(missing));
        const without = await evidence("globex", "--plan", file);
        expect(without.status).toBe(1);
        expect(without.stderr).toContain(`the stack "globex" has no region, so its platform cannot be told`);
    });

    it("says why a plan cannot be read, exit 2", async () => {
        const run = await evidence("acme", "--plan", path.join(dir, "missing.json"));
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(/--plan .*missing\.json: cannot be read: no such file or folder \(ENOENT\)/);
        // A device is no plan: refused at once (/dev/zero would be read for ever).
        const device = await evidence("acme", "--plan", "/dev/zero");
        expect(device.status).toBe(2);
        expect(device.stderr).toMatch(/--plan \/dev\/zero: cannot be read: not a file \(a device or a socket\)/);
    });

    it("refuses an --out folder that does not exist before planning", async () => {
        const run = await evidence("acme", "--plan", planFile, "--out", path.join(dir, "nowhere", "acme.md"));
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(/--out .*acme\.md: cannot be written: the folder .*nowhere does not exist \(ENOENT\)/);
    });

    it("names an unknown tenant (no tenant file of that id), with the nearest one", () => {
        expect(() => script.checkTenantFile("globexx", FIXTURE_TENANTS)).toThrow(/^unknown tenant "globexx": there is no .*globexx\.yaml \(did you mean "globex"\?\)$/);
        expect(() => script.checkTenantFile("globex", FIXTURE_TENANTS)).not.toThrow();
    });
});
