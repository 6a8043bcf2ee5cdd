// npm run tenant:new: the network allocation (table + seeded property test), the tenant id
// derivation, non-interactive runs for every mode into a temporary copy of the fixture fleet, the
// refusals (missing flags, existing tenant, invalid values) and one interactive run over stdin.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";

import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

import { formatCidr, overlaps, parseCidr, subnets } from "../lib/ipv4";
import { loadFleetDirectory } from "../stacks/config/load-fleet";
import { validateTenantFile } from "../stacks/config/validate";
import { UsageError } from "../scripts/lib/cli";
import { allocateNetwork, NETWORK_POOL } from "../scripts/lib/tenant-new/allocate";
import { deriveTenantId } from "../scripts/lib/tenant-new/check";
import { main } from "../scripts/tenant-new";
import { mulberry32 } from "../scripts/lib/prng";
import { runCli } from "./cli-harness";
import { FIXTURE_TENANTS } from "./fixtures/fleet";

const ROOT = path.resolve(__dirname, "..");

const created: string[] = [];
afterAll(() => created.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/**
 * A temporary tenant folder holding a copy of the fixture fleet (test/fixtures/tenants, the
 * examples' shape): the next free network, the taken subdomains and ids are the fixtures', never
 * those of tenant-configs/, which sales ops change.
 */
function exampleFleet(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tenant-new-"));
    created.push(dir);
    for (const name of fs.readdirSync(FIXTURE_TENANTS).filter((file) => file.endsWith(".yaml"))) {
        fs.copyFileSync(path.join(FIXTURE_TENANTS, name), path.join(dir, name));
    }
    return dir;
}

function listing(dir: string): string[] {
    return fs.readdirSync(dir).sort();
}

async function runMain(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on("data", (chunk) => out.push(String(chunk)));
    stderr.on("data", (chunk) => err.push(String(chunk)));
    const stdin = new PassThrough();
    stdin.end();
    const code = await main(argv, { stdin, stdout, stderr });
    return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("allocateNetwork", () => {
    it.each<[string, string[], string | undefined]>([
        ["an empty fleet", [], "10.64.0.0/16"],
        ["the first block taken", ["10.64.0.0/16"], "10.65.0.0/16"],
        ["a /24 inside the first block", ["10.64.5.0/24"], "10.65.0.0/16"],
        ["a network touching the first block", ["10.63.0.0/16", "10.66.0.0/16"], "10.64.0.0/16"],
        ["holes filled first", ["10.64.0.0/16", "10.66.0.0/16"], "10.65.0.0/16"],
        ["the whole 10.64.0.0/10 taken", ["10.64.0.0/10"], "10.128.0.0/16"],
        ["10.64-10.255 taken", ["10.64.0.0/10", "10.128.0.0/9"], "10.16.0.0/16"],
        ["10.0.0.0/8 taken", ["10.0.0.0/8"], "172.16.0.0/16"],
        ["the whole pool taken", ["10.0.0.0/8", "172.16.0.0/12"], undefined],
        ["entries that are not CIDRs", ["not-a-cidr", "10.64.0.0", ""], "10.64.0.0/16"],
        ["the example fleet's networks", ["10.40.0.0/16", "10.20.0.0/16", "10.32.0.0/16", "172.20.0.0/20"], "10.64.0.0/16"],
    ])("GIVEN %s WHEN a network is allocated THEN it is %s", (_, taken, expected) => {
        expect(allocateNetwork(taken)).toBe(expected);
    });

    it("GIVEN a pool that covers the platform block WHEN a network is allocated THEN the platform block is skipped", () => {
        expect(allocateNetwork([], ["10.0.0.0/11"])).toBe("10.16.0.0/16");
    });

    it("GIVEN random fleets WHEN a network is allocated THEN it overlaps none of them, is the first free /16 of the pool and passes the validator", () => {
        // Seeded, so a failure reproduces.
        const random = mulberry32(0x7e4a17);
        const bases = [10 * 2 ** 24, (172 * 2 ** 24 + 16 * 2 ** 16) >>> 0, (192 * 2 ** 24 + 168 * 2 ** 16) >>> 0];
        const poolCandidates = NETWORK_POOL.flatMap((block) => subnets(parseCidr(block)!, 16));
        const platform = parseCidr("10.0.0.0/12")!;
        for (let run = 0; run < 300; run++) {
            // Up to 400 networks from /8 to /24, mostly inside the private ranges.
            const taken = Array.from({ length: Math.floor(random() * 400) }, () => {
                const prefix = 8 + Math.floor(random() * 17);
                const base = bases[Math.floor(random() * bases.length)]!;
                const address = random() < 0.9 ? base + Math.floor(random() * 2 ** 20) * 16 : Math.floor(random() * 2 ** 32);
                return formatCidr(parseCidr(`${[24, 16, 8, 0].map((s) => (address >>> s) & 0xff).join(".")}/${prefix}`)!);
            });
            const allocated = allocateNetwork(taken);
            const used = taken.map((text) => parseCidr(text)!);
            const free = poolCandidates.filter((candidate) => !overlaps(candidate, platform) && !used.some((cidr) => overlaps(cidr, candidate)));
            if (allocated === undefined) {
                expect(free).toEqual([]);
                continue;
            }
            const cidr = parseCidr(allocated)!;
            expect(used.filter((other) => overlaps(other, cidr))).toEqual([]);
            expect(overlaps(cidr, platform)).toBe(false);
            expect(formatCidr(free[0]!)).toBe(allocated);
            const doc = `tenant: probe\ncompany: Probe\nmode: cloud\nregion: eu-west-1\ndomain:\n  subdomain: probe\nnetwork:\n  cidr: ${allocated}\n`;
            expect(validateTenantFile("probe.yaml", Buffer.from(doc)).problems).toEqual([]);
        }
    });
});

describe("deriveTenantId", () => {
    it.each<[string, string[], string]>([
        ["Globex Corporation", [], "globex"],
        ["Northwind Traders GmbH", [], "northwind-traders"],
        ["Société Générale SA", [], "societe-generale"],
        ["3M", [], "tenant-m"],
        ["  ACME  ", ["acme"], "acme-2"],
        ["ACME", ["acme", "acme-2"], "acme-3"],
        ["Ltd", [], "ltd"],
        ["A very long company name that goes on and on Ltd", [], "a-very-long-company-name-that"],
    ])("GIVEN company %j and taken ids %j WHEN an id is derived THEN it is %s", (company, taken, expected) => {
        const id = deriveTenantId(company, new Set(taken));
        expect(id).toBe(expected);
        expect(id).toMatch(/^[a-z][a-z0-9-]{1,28}[a-z0-9]$/);
    });
});

const VPN_FLAGS = ["--customer-gateway-ip", "81.2.69.150", "--corporate-cidr", "192.168.0.0/16", "--corporate-cidr", "10.64.0.0/16"];
const SYNC_FLAGS = ["--directory-name", "corp.umbrella.com", "--dns-ip", "192.168.1.10,192.168.1.11", "--service-account", "svc-itm"];

describe("npm run tenant:new --yes (non-interactive)", () => {
    it.each<[string, string[], Record<string, unknown>]>([
        ["saas", [], {}],
        ["dedicated-saas", ["--own-domain", "pm.umbrella.com", "--db-storage-gib", "200"], { domain: { own: "pm.umbrella.com" }, database: { storageGiB: 200 } }],
        ["physical", ["--network-cidr", "10.50.0.0/16", "--instance-type", "m6i.xlarge"], { domain: { subdomain: "umbrella" }, network: { cidr: "10.50.0.0/16" }, compute: { instanceType: "m6i.xlarge" } }],
        ["cloud", ["--environment", "demo"], { environment: "demo", domain: { subdomain: "umbrella" }, network: { cidr: "10.64.0.0/16" } }],
        // The corporate range 10.64.0.0/16 is avoided: the allocation moves on to 10.65.0.0/16.
        ["vpn", [...VPN_FLAGS, "--bgp-asn", "65010"], { domain: { subdomain: "umbrella" }, network: { cidr: "10.65.0.0/16" }, vpn: { customerGatewayIp: "81.2.69.150", bgpAsn: 65010, corporateCidrs: ["192.168.0.0/16", "10.64.0.0/16"] } }],
        [
            "vpn-sync",
            [...VPN_FLAGS, ...SYNC_FLAGS],
            {
                domain: { subdomain: "umbrella" },
                network: { cidr: "10.65.0.0/16" },
                vpn: { customerGatewayIp: "81.2.69.150", corporateCidrs: ["192.168.0.0/16", "10.64.0.0/16"] },
                identity: { directoryName: "corp.umbrella.com", dnsIps: ["192.168.1.10", "192.168.1.11"], serviceAccount: "svc-itm" },
            },
        ],
    ])("GIVEN mode %s and its flags WHEN run THEN the commented file is written, the fleet re-validates and the tenant plans", async (mode, flags, expected) => {
        const dir = exampleFleet();
        const result = await runMain(["--yes", "--dir", dir, "--company", "Umbrella Corp", "--mode", mode, "--region", "eu-west-1", ...flags]);
        expect(result.stderr).not.toContain("problem(s); nothing written");
        expect(result.code).toBe(0);
        const file = path.join(dir, "umbrella.yaml");
        const text = fs.readFileSync(file, "utf8");
        expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./tenant.schema.json");
        expect(text).toMatch(/^mode: \S+ # configuration mode$/m);
        expect(parse(text)).toEqual({ tenant: "umbrella", company: "Umbrella Corp", mode, region: "eu-west-1", ...expected });
        expect(loadFleetDirectory(dir).problems).toEqual([]);
        expect(listing(dir).filter((name) => name.includes(".tmp"))).toEqual([]);
        expect(result.stdout).toMatch(new RegExp(`^umbrella \\(${mode}, eu-west-1\\) from .*umbrella\\.yaml: \\d+ resources$`, "m"));
        expect(result.stdout).toMatch(/^  estimated monthly cost: about \d+\.\d\d USD a month at list prices /m);
        expect(result.stderr).not.toMatch(/^.*umbrella\.yaml:\d+:\d+:/m);
    });

    it.each<[string, string[], string[]]>([
        ["nothing", [], ["--company", "--mode", "--region"]],
        ["a cloud tenant without a region", ["--company", "X Ltd", "--mode", "cloud"], ["--region"]],
        ["a vpn tenant without its VPN", ["--company", "X Ltd", "--mode", "vpn", "--region", "eu-west-1"], ["--customer-gateway-ip", "--corporate-cidr"]],
        [
            "a vpn-sync tenant with only a gateway",
            ["--company", "X Ltd", "--mode", "vpn-sync", "--region", "eu-west-1", "--customer-gateway-ip", "81.2.69.150"],
            ["--corporate-cidr", "--directory-name", "--dns-ip", "--service-account"],
        ],
    ])("GIVEN --yes and %s WHEN run THEN each missing required flag is named and nothing is written", async (_, flags, missing) => {
        const dir = exampleFleet();
        const before = listing(dir);
        const run = main(["--yes", "--dir", dir, ...flags], { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() });
        await expect(run).rejects.toThrow(UsageError);
        await expect(run).rejects.toThrow(`--yes asks nothing, so these flags are required: ${missing.join(", ")}`);
        expect(listing(dir)).toEqual(before);
    });

    it("GIVEN a tenant written WHEN run THEN the next step it names is the README's: a pull request, then the rollout or npm run up, never a bare pulumi up", async () => {
        const dir = exampleFleet();
        const result = await runMain(["--yes", "--dir", dir, "--company", "Umbrella Corp", "--mode", "saas", "--region", "eu-west-1", "--no-plan"]);
        expect(result.code).toBe(0);
        const next = result.stderr.split("\n").filter((line) => line.startsWith("tenant:new: next:"));
        expect(next).toEqual([`tenant:new: next: open a pull request with ${path.join(dir, "umbrella.yaml")}; once merged, the rollout of main deploys it (by hand: npm run up -- umbrella)`]);
    });

    it("GIVEN an existing tenant id WHEN run THEN it is refused with exit 1 and the file is untouched", async () => {
        const dir = exampleFleet();
        const original = fs.readFileSync(path.join(dir, "acme.yaml"), "utf8");
        const result = await runMain(["--yes", "--dir", dir, "--tenant", "acme", "--company", "Other", "--mode", "saas", "--region", "eu-west-1", "--no-plan"]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("acme.yaml already exists; a tenant is never overwritten");
        expect(fs.readFileSync(path.join(dir, "acme.yaml"), "utf8")).toBe(original);
    });

    it.each<[string, string[], string]>([
        ["a private gateway address", ["--mode", "vpn", "--customer-gateway-ip", "10.2.3.4", "--corporate-cidr", "192.168.0.0/16"],
            `--customer-gateway-ip (/vpn/customerGatewayIp): "10.2.3.4" is in 10.0.0.0/8 (private-use (RFC 1918)); the customer's VPN device needs its public internet address`],
        ["a network overlapping globex", ["--mode", "cloud", "--network-cidr", "10.20.128.0/17"],
            `--network-cidr (/network/cidr): network 10.20.128.0/17 overlaps 10.20.0.0/16 of tenant globex (`],
        ["a subdomain already used", ["--mode", "cloud", "--subdomain", "northwind"], `--subdomain (/domain/subdomain): subdomain "northwind" is also used by `],
        ["too many servers", ["--mode", "cloud", "--instances", "11"], `--instances (/compute/instances): 11 is out of range; expected the number of application servers, an integer from 1 to 10`],
        ["a text ASN", ["--mode", "vpn", "--customer-gateway-ip", "81.2.69.150", "--corporate-cidr", "192.168.0.0/16", "--bgp-asn", "abc"],
            `--bgp-asn (/vpn/bgpAsn): must be a whole number, got "abc"`],
        ["a network for saas", ["--mode", "saas", "--network-cidr", "10.50.0.0/16"], `--network-cidr (/network): is not allowed for mode saas`],
        ["both domains", ["--mode", "dedicated-saas", "--subdomain", "umbrella", "--own-domain", "pm.umbrella.com"], `--subdomain, --own-domain (/domain): needs exactly one of subdomain or own, not both`],
        ["an unknown mode", ["--mode", "clowd"], `--mode (/mode): "clowd" is not allowed (did you mean "cloud"?)`],
        ["the own region as off-site region", ["--mode", "saas", "--offsite-region", "eu-west-1"], `--offsite-region (/backup/offsiteRegion): "eu-west-1" is the tenant's own region`],
        ["an instance type EC2 has not got", ["--mode", "cloud", "--instance-type", "m6i.larg"],
            `--instance-type (/compute/instanceType): "m6i.larg" is not an EC2 instance type: m6i has no size "larg" (did you mean "m6i.large"?)`],
        ["an RDS class that does not exist", ["--mode", "cloud", "--db-instance-class", "db.m6g.larg"],
            `--db-instance-class (/database/instanceClass): "db.m6g.larg" is not an RDS instance class: db.m6g has no size "larg" (did you mean "db.m6g.large"?)`],
        ["a Mac instance type", ["--mode", "cloud", "--instance-type", "mac2.metal"], `--instance-type (/compute/instanceType): "mac2.metal" is an EC2 Mac instance`],
        ["a physical database size the host's family has not got", ["--mode", "physical", "--environment", "demo", "--instance-type", "m6i.large", "--db-instance-class", "db.t4g.medium"],
            `--db-instance-class (/database/instanceClass): "db.t4g.medium": a physical tenant's database server runs on its m6i Dedicated Host as m6i.medium, which EC2 has not got`],
    ])("GIVEN %s WHEN run THEN the validator's message names the flag, exit 1 and nothing is written", async (_, flags, message) => {
        const dir = exampleFleet();
        const before = listing(dir);
        const result = await runMain(["--yes", "--dir", dir, "--company", "Umbrella Corp", "--region", "eu-west-1", "--no-plan", ...flags]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(message);
        expect(result.stderr).toContain("nothing written");
        expect(listing(dir)).toEqual(before);
    });

    it("GIVEN --yes and a company name too long for any tenant file WHEN run THEN --company is named with its length, exit 1, nothing written", async () => {
        const dir = exampleFleet();
        const before = listing(dir);
        const result = await runMain(["--yes", "--dir", dir, "--tenant", "umbrella", "--company", "a".repeat(70_000), "--mode", "saas", "--region", "eu-west-1", "--no-plan"]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("--company (/company): is 70000 characters long, more than a tenant file can hold: the file is ");
        expect(result.stderr).toContain("nothing written");
        expect(listing(dir)).toEqual(before);
    });

    it("GIVEN --yes and a flag value decoded from bytes that are not UTF-8 WHEN run THEN a usage error names the flag, nothing written", async () => {
        const dir = exampleFleet();
        const before = listing(dir);
        const run = main(["--yes", "--dir", dir, "--company", "Soci\uFFFDt\uFFFD", "--mode", "saas", "--region", "eu-west-1", "--no-plan"], {
            stdin: new PassThrough(),
            stdout: new PassThrough(),
            stderr: new PassThrough(),
        });
        await expect(run).rejects.toThrow("--company: the value holds bytes that are not UTF-8");
        expect(listing(dir)).toEqual(before);
    });

    it("GIVEN --dry-run WHEN run THEN the file is printed, valid, and not written", async () => {
        const dir = exampleFleet();
        const before = listing(dir);
        const result = await runMain(["--yes", "--dry-run", "--dir", dir, "--company", "Umbrella Corp", "--mode", "cloud", "--region", "us-east-1"]);
        expect(result.code).toBe(0);
        expect(listing(dir)).toEqual(before);
        expect(parse(result.stdout)).toMatchObject({ tenant: "umbrella", network: { cidr: "10.64.0.0/16" } });
        expect(validateTenantFile("umbrella.yaml", Buffer.from(result.stdout)).problems).toEqual([]);
    });

    it.each(["yes", "Off", "y", "1_000", "12:30", "0b101"])(
        "GIVEN the company name %j, text in YAML 1.2 and not in 1.1 WHEN written THEN it is quoted, so a YAML 1.1 reader reads the same text",
        async (company) => {
            const dir = exampleFleet();
            const result = await runMain(["--yes", "--dry-run", "--dir", dir, "--tenant", "umbrella", "--company", company, "--mode", "saas", "--region", "eu-west-1"]);
            expect(result.code).toBe(0);
            expect(result.stdout).toContain(`company: "${company}" # the customer's company name`);
            expect(parse(result.stdout, { version: "1.1" }).company).toBe(company);
            expect(validateTenantFile("umbrella.yaml", Buffer.from(result.stdout)).problems).toEqual([]);
        },
    );

    it("GIVEN a tenant folder that is already invalid WHEN run THEN it refuses before asking anything and writes nothing", async () => {
        const dir = exampleFleet();
        fs.writeFileSync(path.join(dir, "broken.yml"), "tenant: broken\n");
        const result = await runMain(["--yes", "--dir", dir, "--company", "Umbrella Corp", "--mode", "saas", "--region", "eu-west-1"]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("only *.yaml files are tenant files");
        expect(fs.existsSync(path.join(dir, "umbrella.yaml"))).toBe(false);
    });
});

/** Runs the wizard (main, in this process), answering each prompt (a line ending with ": ") with the next answer. */
async function converse(dir: string, answers: readonly string[]): Promise<{ code: number | null; stderr: string; answered: number }> {
    const stdin = new PassThrough();
    const stderr = new PassThrough();
    const stdout = new PassThrough();
    stdout.resume();
    let text = "";
    let next = 0;
    stderr.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (text.endsWith(": ") && next < answers.length) {
            stdin.write(`${answers[next++]}\n`);
            if (next === answers.length) {
                stdin.end();
            }
        }
    });
    // As `npm run tenant:new` runs it: an error thrown out of main is its one line on stderr and its exit code.
    const run = await runCli("tenant:new", () => main(["--dir", dir, "--no-plan"], { stdin, stdout, stderr }), { cwd: ROOT });
    return { code: run.status, stderr: `${text}${run.stderr}`, answered: next };
}

describe("npm run tenant:new (interactive)", () => {
    it("GIVEN a physical tenant with a mistyped instance type and a database size its host family has not got WHEN answered THEN each is refused at its prompt with the fix, and asked again", async () => {
        const dir = exampleFleet();
        const { code, stderr, answered } = await converse(dir, [
            "Umbrella Corp", // company
            "", // tenant id
            "physical", // mode
            "", // region
            "demo", // environment
            "", // domain
            "", // network: allocated
            "m6i.larg", // instance type: refused, asked again
            "m6i.large", // instance type
            "", "", // instances, volume
            "db.t4g.medium", // database class: m6i has no medium, asked again
            "", // database class: the physical default, which fits
            "", "", "", // storage, password length, off-site region
        ]);
        expect(stderr).toContain('/compute/instanceType: "m6i.larg" is not an EC2 instance type: m6i has no size "larg" (did you mean "m6i.large"?)');
        expect(stderr.match(/App server instance type \[m6i\.large\]: /g)).toHaveLength(2);
        expect(stderr).toContain('/database/instanceClass: "db.t4g.medium": a physical tenant\'s database server runs on its m6i Dedicated Host as m6i.medium, which EC2 has not got; choose a class whose size m6i has');
        expect(stderr.match(/Database instance class \[db\.m6g\.large\]: /g)).toHaveLength(2);
        expect(code).toBe(0);
        expect(answered).toBe(16);
        expect(parse(fs.readFileSync(path.join(dir, "umbrella.yaml"), "utf8"))).toMatchObject({ mode: "physical", environment: "demo", compute: { instanceType: "m6i.large" } });
        expect(loadFleetDirectory(dir).problems).toEqual([]);
    });

    it("GIVEN the input ends before the last question WHEN run THEN it is cancelled with exit 130 and nothing is written", async () => {
        const dir = exampleFleet();
        const before = listing(dir);
        const stdin = new PassThrough();
        stdin.end("Umbrella Corp\n");
        const run = main(["--dir", dir], { stdin, stdout: new PassThrough(), stderr: new PassThrough() });
        await expect(run).rejects.toMatchObject({ exitCode: 130, message: expect.stringContaining("the input ended before every question was answered; nothing written") });
        expect(listing(dir)).toEqual(before);
    });

    it("GIVEN answers typed line by line, two of them invalid WHEN run THEN each invalid answer is explained and asked again, and Enter keeps defaults out of the file", async () => {
        const dir = exampleFleet();
        const answers = [
            "Wayne Enterprises Inc", // company
            "", // tenant id: the derived default
            "clowd", // mode: invalid, asked again
            "4", // mode: cloud
            "", // region: eu-west-1
            "", // environment: production, left out
            "", // domain: the tenant id as subdomain
            "10.20.0.0/16", // network: overlaps globex, asked again
            "", // network: the allocated default
            "", // instance type
            "3", // instances
            "", "", "", "", "", // volume, database class and storage, password length, off-site region
        ];
        const { code, stderr, answered: next } = await converse(dir, answers);
        expect(stderr).toContain('/mode: "clowd" is not allowed (did you mean "cloud"?)');
        expect(stderr.match(/Mode \(number or name\): /g)).toHaveLength(2);
        expect(stderr).toContain("/network/cidr: network 10.20.0.0/16 overlaps 10.20.0.0/16 of tenant globex");
        expect(stderr.match(/Tenant network CIDR \[10\.64\.0\.0\/16\]: /g)).toHaveLength(2);
        expect(code).toBe(0);
        expect(next).toBe(answers.length);
        const text = fs.readFileSync(path.join(dir, "wayne-enterprises.yaml"), "utf8");
        expect(parse(text)).toEqual({
            tenant: "wayne-enterprises",
            company: "Wayne Enterprises Inc",
            mode: "cloud",
            region: "eu-west-1",
            domain: { subdomain: "wayne-enterprises" },
            network: { cidr: "10.64.0.0/16" },
            compute: { instances: 3 },
        });
        expect(loadFleetDirectory(dir).problems).toEqual([]);
    });
});
