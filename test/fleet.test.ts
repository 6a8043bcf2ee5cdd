// The rules across tenant files (validateFleet), the tenant folder (listTenantDirectory, the load-fleet functions),
// the `validate` CLI as sales ops run it (in a project whose tenant-configs/ is the fixture fleet), and
// the fixture fleet in test/fixtures/tenants (the examples' shape; tests never read tenant-configs/).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MODES } from "../lib/modes";
import { loadFleetDirectory, loadFleetFiles, loadFleetFilesAgainstDirectory } from "../stacks/config/load-fleet";
import { FleetFile, listTenantDirectory } from "../stacks/config/tenant-files";
import { formatProblem, Problem, validateFleet, validateTenantFile } from "../stacks/config/validate";
import { CliRun, runCli } from "./cli-harness";
import { FIXTURE_TENANTS, fixtureTenantFiles, loadFixtureFleet, projectWithFixtureTenants, TENANT_SCHEMA } from "./fixtures/fleet";

const ROOT = path.resolve(__dirname, "..");
const HEADER = "# yaml-language-server: $schema=./tenant.schema.json";

interface TenantSpec {
    readonly tenant: string;
    readonly mode?: "saas" | "cloud" | "vpn";
    readonly subdomain?: string;
    readonly own?: string;
    readonly cidr?: string;
    readonly corporateCidrs?: readonly string[];
}

// Fixed layout, so positions are known: tenant on line 2 (value at column 9), the domain's value on
// line 7 (subdomain at column 14, own at column 8), network.cidr on line 9 (column 9).
const TENANT_AT = { line: 2, column: 9 };
const SUBDOMAIN_AT = { line: 7, column: 14 };
const OWN_AT = { line: 7, column: 8 };
const CIDR_AT = { line: 9, column: 9 };

function tenantYaml(spec: TenantSpec): string {
    const mode = spec.mode ?? "cloud";
    const lines = [HEADER, `tenant: ${spec.tenant}`, `company: ${spec.tenant} Corporation`, `mode: ${mode}`, "region: eu-west-1"];
    if (mode !== "saas") {
        lines.push("domain:", spec.own !== undefined ? `  own: ${spec.own}` : `  subdomain: ${spec.subdomain ?? spec.tenant}`);
        lines.push("network:", `  cidr: ${spec.cidr ?? "10.20.0.0/16"}`);
    }
    if (mode === "vpn") {
        lines.push("vpn:", "  customerGatewayIp: 81.2.69.142", "  corporateCidrs:", ...(spec.corporateCidrs ?? ["192.168.0.0/16"]).map((cidr) => `    - ${cidr}`));
    }
    return `${lines.join("\n")}\n`;
}

function fleetFile(file: string, spec: TenantSpec): FleetFile {
    return { file, bytes: Buffer.from(tenantYaml(spec)) };
}

function problemsOf(problems: readonly Problem[], file: string): Problem[] {
    return problems.filter((problem) => problem.file === file);
}

describe("validateFleet: rules across tenant files", () => {
    it("GIVEN three distinct tenants WHEN validated together THEN there is no problem and each is resolved", () => {
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", cidr: "10.20.0.0/16" }),
            fleetFile("globex.yaml", { tenant: "globex", own: "pm.globex.com", cidr: "10.21.0.0/16" }),
            fleetFile("brightpath.yaml", { tenant: "brightpath", mode: "saas" }),
        ]);
        expect(fleet.problems.map(formatProblem)).toEqual([]);
        expect(fleet.tenants.map((tenant) => [tenant.id, tenant.mode, tenant.source])).toEqual([
            ["acme", "cloud", "acme.yaml"],
            ["globex", "cloud", "globex.yaml"],
            ["brightpath", "saas", "brightpath.yaml"],
        ]);
    });

    it("GIVEN the same tenant id in two folders WHEN validated together THEN both files are reported, each naming the other", () => {
        const fleet = validateFleet([
            fleetFile("eu/acme.yaml", { tenant: "acme", subdomain: "acme-eu", cidr: "10.20.0.0/16" }),
            fleetFile("us/acme.yaml", { tenant: "acme", subdomain: "acme-us", cidr: "10.21.0.0/16" }),
        ]);
        expect(fleet.problems).toEqual([
            { file: "eu/acme.yaml", ...TENANT_AT, path: "/tenant", message: expect.stringContaining('tenant id "acme" is also used by us/acme.yaml:2:9') },
            { file: "us/acme.yaml", ...TENANT_AT, path: "/tenant", message: expect.stringContaining('tenant id "acme" is also used by eu/acme.yaml:2:9') },
        ]);
        expect(fleet.tenants).toEqual([]);
    });

    it("GIVEN two tenants with the same subdomain WHEN validated together THEN both are reported and the third tenant is unaffected", () => {
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", subdomain: "shared", cidr: "10.20.0.0/16" }),
            fleetFile("globex.yaml", { tenant: "globex", subdomain: "shared", cidr: "10.21.0.0/16" }),
            fleetFile("initech.yaml", { tenant: "initech", subdomain: "initech", cidr: "10.22.0.0/16" }),
        ]);
        expect(fleet.problems).toEqual([
            { file: "acme.yaml", ...SUBDOMAIN_AT, path: "/domain/subdomain", message: expect.stringContaining('subdomain "shared" is also used by globex.yaml:7:14') },
            { file: "globex.yaml", ...SUBDOMAIN_AT, path: "/domain/subdomain", message: expect.stringContaining('subdomain "shared" is also used by acme.yaml:7:14') },
        ]);
        expect(fleet.tenants.map((tenant) => tenant.id)).toEqual(["initech"]);
    });

    it("GIVEN two tenants with the same own domain WHEN validated together THEN both are reported", () => {
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", own: "itm.acme.com", cidr: "10.20.0.0/16" }),
            fleetFile("globex.yaml", { tenant: "globex", own: "itm.acme.com", cidr: "10.21.0.0/16" }),
        ]);
        expect(fleet.problems).toEqual([
            { file: "acme.yaml", ...OWN_AT, path: "/domain/own", message: expect.stringContaining('domain "itm.acme.com" is also used by globex.yaml:7:8') },
            { file: "globex.yaml", ...OWN_AT, path: "/domain/own", message: expect.stringContaining('domain "itm.acme.com" is also used by acme.yaml:7:8') },
        ]);
        expect(fleet.tenants).toEqual([]);
    });

    it("GIVEN own domains differing only in case WHEN validated together THEN they are duplicates (DNS names compare case-insensitively)", () => {
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", own: "itm.acme.com", cidr: "10.20.0.0/16" }),
            fleetFile("globex.yaml", { tenant: "globex", own: "ITM.Acme.COM", cidr: "10.21.0.0/16" }),
        ]);
        // The valid file learns about the clash; the other also hears that upper case is not allowed.
        expect(problemsOf(fleet.problems, "acme.yaml")).toEqual([
            { file: "acme.yaml", ...OWN_AT, path: "/domain/own", message: expect.stringContaining('domain "itm.acme.com" is also used by globex.yaml:7:8') },
        ]);
        expect(problemsOf(fleet.problems, "globex.yaml")).toContainEqual({
            file: "globex.yaml",
            ...OWN_AT,
            path: "/domain/own",
            message: expect.stringContaining('domain "itm.acme.com" is also used by acme.yaml:7:8'),
        });
        expect(fleet.tenants).toEqual([]);
    });

    it.each([
        ["a tenant id with a right-to-left override", 'tenant: "ac\\u202eme"\nmode: saas', 'tenant id "ac\\u202eme" is also used by'],
        ["a secret-looking tenant id", "tenant: AbCdEfGh12345678IjKlMnOp\nmode: saas", "tenant id (a value that looks like a secret, not shown) is also used by"],
        ["a secret-looking subdomain, lower-cased to compare", "tenant: acme\nmode: dedicated-saas\ndomain: {subdomain: AbCdEfGh12345678IjKlMnOpQr}", "subdomain (a value that looks like a secret, not shown) is also used by"],
        ["a tenant id of 300 characters", `tenant: ${"a".repeat(300)}\nmode: saas`, `tenant id "${"a".repeat(200)}..." is also used by`],
    ])("GIVEN two files sharing %s WHEN validated together THEN the clash quotes it as every message does", (_, fields, message) => {
        const bytes = Buffer.from(`${fields}\ncompany: X\nregion: eu-west-1\n`);
        const fleet = validateFleet([
            { file: "one.yaml", bytes },
            { file: "two.yaml", bytes },
        ]);
        const clashes = fleet.problems.filter((problem) => problem.message.includes("is also used by"));
        expect(clashes.filter((problem) => problem.message.includes(message))).toHaveLength(2);
        expect(JSON.stringify(clashes)).not.toMatch(/\u202e|AbCdEfGh|abcdefgh/i);
    });

    it("GIVEN a subdomain and another tenant's own domain starting with the same label WHEN validated together THEN they do not clash", () => {
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", subdomain: "acme", cidr: "10.20.0.0/16" }),
            fleetFile("globex.yaml", { tenant: "globex", own: "acme.globex.com", cidr: "10.21.0.0/16" }),
        ]);
        expect(fleet.problems).toEqual([]);
    });

    it("GIVEN overlapping tenant networks WHEN validated together THEN both files are reported, each naming the other file and network", () => {
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", cidr: "10.20.0.0/16" }),
            fleetFile("globex.yaml", { tenant: "globex", cidr: "10.20.128.0/24" }),
        ]);
        expect(fleet.problems).toEqual([
            { file: "acme.yaml", ...CIDR_AT, path: "/network/cidr", message: expect.stringContaining("network 10.20.0.0/16 overlaps 10.20.128.0/24 of tenant globex (globex.yaml:9:9)") },
            { file: "globex.yaml", ...CIDR_AT, path: "/network/cidr", message: expect.stringContaining("network 10.20.128.0/24 overlaps 10.20.0.0/16 of tenant acme (acme.yaml:9:9)") },
        ]);
        expect(fleet.tenants).toEqual([]);
    });

    it("GIVEN identical tenant networks WHEN validated together THEN they overlap", () => {
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", cidr: "172.20.0.0/20" }),
            fleetFile("globex.yaml", { tenant: "globex", cidr: "172.20.0.0/20" }),
        ]);
        expect(fleet.problems.map((problem) => [problem.file, problem.path])).toEqual([
            ["acme.yaml", "/network/cidr"],
            ["globex.yaml", "/network/cidr"],
        ]);
        expect(fleet.problems[0]!.message).toContain("of tenant globex (globex.yaml:9:9)");
    });

    it("GIVEN one network overlapping two others WHEN validated together THEN each overlapping pair is reported and the third pair is not", () => {
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", cidr: "10.20.0.0/16" }),
            fleetFile("globex.yaml", { tenant: "globex", cidr: "10.20.0.0/24" }),
            fleetFile("initech.yaml", { tenant: "initech", cidr: "10.20.1.0/24" }),
        ]);
        expect(problemsOf(fleet.problems, "acme.yaml").map((problem) => problem.message)).toEqual([
            expect.stringContaining("of tenant globex (globex.yaml:9:9)"),
            expect.stringContaining("of tenant initech (initech.yaml:9:9)"),
        ]);
        expect(problemsOf(fleet.problems, "globex.yaml")).toHaveLength(1);
        expect(problemsOf(fleet.problems, "initech.yaml")).toHaveLength(1);
    });

    it.each([
        ["10.20.0.0/16", "10.21.0.0/16"],
        ["10.20.0.0/24", "10.20.1.0/24"],
        ["172.20.0.0/20", "172.20.16.0/20"],
        ["192.168.0.0/17", "192.168.128.0/17"],
    ])("GIVEN touching networks %s and %s WHEN validated together THEN that is fine", (a, b) => {
        const fleet = validateFleet([fleetFile("acme.yaml", { tenant: "acme", cidr: a }), fleetFile("globex.yaml", { tenant: "globex", cidr: b })]);
        expect(fleet.problems).toEqual([]);
        expect(fleet.tenants.map((tenant) => tenant.id)).toEqual(["acme", "globex"]);
    });

    it("GIVEN two VPN tenants with the same corporate networks WHEN validated together THEN that is fine", () => {
        const corporateCidrs = ["192.168.0.0/16", "172.31.0.0/16"];
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", mode: "vpn", cidr: "10.20.0.0/16", corporateCidrs }),
            fleetFile("globex.yaml", { tenant: "globex", mode: "vpn", cidr: "10.21.0.0/16", corporateCidrs }),
        ]);
        expect(fleet.problems).toEqual([]);
        expect(fleet.tenants.map((tenant) => tenant.id)).toEqual(["acme", "globex"]);
    });

    it("GIVEN a file valid on its own but in conflict WHEN validated together THEN it has a document but yields no resolved tenant", () => {
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", cidr: "10.20.0.0/16" }),
            fleetFile("globex.yaml", { tenant: "globex", cidr: "10.20.0.0/16" }),
            fleetFile("initech.yaml", { tenant: "initech", cidr: "10.30.0.0/16" }),
        ]);
        expect(fleet.files.map((file) => file.document !== undefined)).toEqual([true, true, true]);
        expect(fleet.tenants.map((tenant) => tenant.id)).toEqual(["initech"]);
    });

    it("GIVEN a broken file beside valid ones WHEN validated together THEN only the broken file has problems", () => {
        const fleet = validateFleet([
            fleetFile("acme.yaml", { tenant: "acme", cidr: "10.20.0.0/16" }),
            { file: "junk.yaml", bytes: Buffer.from([0x00, 0xff, 0x00]) },
        ]);
        expect(fleet.problems.map((problem) => problem.file)).toEqual(["junk.yaml"]);
        expect(fleet.tenants.map((tenant) => tenant.id)).toEqual(["acme"]);
    });

    it("GIVEN a sourceName function WHEN tenants are resolved THEN it names their source", () => {
        const fleet = validateFleet([fleetFile("/abs/acme.yaml", { tenant: "acme" })], (file) => `tenant-configs/${path.basename(file)}`);
        expect(fleet.tenants.map((tenant) => tenant.source)).toEqual(["tenant-configs/acme.yaml"]);
    });
});

describe("listTenantDirectory and the ways of loading a folder", () => {
    let dir: string;
    let outside: string;

    beforeAll(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "tenant-configs-"));
        outside = fs.mkdtempSync(path.join(os.tmpdir(), "tenant-new-"));
        fs.writeFileSync(path.join(dir, "acme.yaml"), tenantYaml({ tenant: "acme", cidr: "10.20.0.0/16" }));
        fs.writeFileSync(path.join(dir, "broken.yaml"), tenantYaml({ tenant: "not-broken", cidr: "10.30.0.0/16" }));
        fs.writeFileSync(path.join(dir, "globex.yml"), tenantYaml({ tenant: "globex", cidr: "10.21.0.0/16" }));
        fs.writeFileSync(path.join(dir, "initech.json"), JSON.stringify({ tenant: "initech" }));
        fs.writeFileSync(path.join(dir, "Shouting.YAML"), tenantYaml({ tenant: "shouting", cidr: "10.22.0.0/16" }));
        fs.copyFileSync(TENANT_SCHEMA, path.join(dir, "tenant.schema.json"));
        fs.writeFileSync(path.join(dir, "README.md"), "# Tenants\n");
        fs.mkdirSync(path.join(dir, "archive"));
        fs.writeFileSync(path.join(dir, "archive", "old.yaml"), "this: is not a tenant\n");
        fs.mkdirSync(path.join(dir, "folder.yaml"));
        fs.writeFileSync(path.join(outside, "globex.yaml"), tenantYaml({ tenant: "globex", cidr: "10.20.128.0/24" }));
        fs.writeFileSync(path.join(outside, "initech.yaml"), tenantYaml({ tenant: "initech", cidr: "10.40.0.0/16" }));
        fs.writeFileSync(path.join(outside, "initech.yml"), tenantYaml({ tenant: "initech", cidr: "10.40.0.0/16" }));
        fs.writeFileSync(path.join(outside, "huge.yaml"), `${tenantYaml({ tenant: "huge" })}#${"x".repeat(100_000)}\n`);
    });

    afterAll(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(outside, { recursive: true, force: true });
    });

    it("GIVEN a folder WHEN listed THEN only *.yaml files are tenant files, *.yml and *.json are errors, so is a subfolder named like one; the schema, other files and subfolders are skipped", () => {
        const listing = listTenantDirectory(dir);
        expect(listing.files).toEqual([path.join(dir, "acme.yaml"), path.join(dir, "broken.yaml")]);
        expect(listing.problems).toEqual([
            { file: path.join(dir, "folder.yaml"), line: 1, column: 1, path: "/", message: expect.stringContaining("is a folder, not a tenant file; tenant files lie directly in the tenant folder") },
            { file: path.join(dir, "globex.yml"), line: 1, column: 1, path: "/", message: expect.stringContaining("only *.yaml files are tenant files; rename it to globex.yaml") },
            { file: path.join(dir, "initech.json"), line: 1, column: 1, path: "/", message: expect.stringContaining("rename it to initech.yaml") },
            { file: path.join(dir, "Shouting.YAML"), line: 1, column: 1, path: "/", message: expect.stringContaining("rename it to shouting.yaml") },
        ]);
    });

    it("GIVEN a folder that does not exist WHEN listed THEN that is a problem, not an exception", () => {
        const listing = listTenantDirectory(path.join(dir, "missing"));
        expect(listing.files).toEqual([]);
        expect(listing.problems).toEqual([{ file: path.join(dir, "missing"), line: 1, column: 1, path: "/", message: expect.stringContaining("cannot read the tenant folder (ENOENT)") }]);
    });

    it("GIVEN the folder WHEN the whole fleet is loaded THEN misnamed files and invalid tenants are reported and valid tenants resolved", () => {
        const fleet = loadFleetDirectory(dir);
        expect(fleet.files.map((file) => file.file)).toEqual([path.join(dir, "acme.yaml"), path.join(dir, "broken.yaml")]);
        expect(fleet.problems.map((problem) => [path.basename(problem.file), problem.path])).toEqual([
            ["broken.yaml", "/tenant"],
            ["folder.yaml", "/"],
            ["globex.yml", "/"],
            ["initech.json", "/"],
            ["Shouting.YAML", "/"],
        ]);
        expect(problemsOf(fleet.problems, path.join(dir, "broken.yaml"))[0]!.message).toContain('"not-broken" does not match the file name "broken.yaml"');
        expect(fleet.tenants.map((tenant) => tenant.id)).toEqual(["acme"]);
    });

    it("GIVEN a new file overlapping a tenant of the folder WHEN loaded against the folder THEN only the new file's problems are reported", () => {
        const file = path.join(outside, "globex.yaml");
        const fleet = loadFleetFilesAgainstDirectory([file], { dir });
        expect(fleet.problems).toEqual([
            { file, ...CIDR_AT, path: "/network/cidr", message: expect.stringContaining(`overlaps 10.20.0.0/16 of tenant acme (${path.join(dir, "acme.yaml")}:9:9)`) },
        ]);
        expect(fleet.tenants).toEqual([]);
    });

    it("GIVEN a new file that fits the folder WHEN loaded against the folder THEN there is no problem and only it is resolved", () => {
        const file = path.join(outside, "initech.yaml");
        const fleet = loadFleetFilesAgainstDirectory([file], { dir });
        expect(fleet.problems).toEqual([]);
        expect(fleet.tenants.map((tenant) => [tenant.id, tenant.source])).toEqual([["initech", file]]);
    });

    it("GIVEN a tenant file that is a link to another tenant's file WHEN the folder is loaded THEN it is read as a file of its own name and refused, never dropped", () => {
        const linked = fs.mkdtempSync(path.join(os.tmpdir(), "tenant-configs-"));
        try {
            fs.writeFileSync(path.join(linked, "acme.yaml"), tenantYaml({ tenant: "acme", cidr: "10.20.0.0/16" }));
            fs.symlinkSync("acme.yaml", path.join(linked, "globex.yaml"));
            const fleet = loadFleetDirectory(linked);
            expect(fleet.files.map((file) => file.file)).toEqual([path.join(linked, "acme.yaml"), path.join(linked, "globex.yaml")]);
            expect(problemsOf(fleet.problems, path.join(linked, "globex.yaml")).map((problem) => problem.message)).toContain(
                '"acme" does not match the file name "globex.yaml"; the file name is the tenant id (and the stack name): change tenant: to match the file (tenant: globex), or rename the file only if "acme" is the id this tenant was created with',
            );
            expect(fleet.tenants).toEqual([]);
        } finally {
            fs.rmSync(linked, { recursive: true, force: true });
        }
    });

    it("GIVEN a file of the folder itself WHEN loaded against the folder THEN it is read once and does not clash with itself", () => {
        const fleet = loadFleetFilesAgainstDirectory([path.join(dir, "acme.yaml")], { dir });
        expect(fleet.problems).toEqual([]);
        expect(fleet.tenants.map((tenant) => tenant.id)).toEqual(["acme"]);
    });

    it("GIVEN the overlapping new file WHEN loaded on its own THEN it is checked on its own and passes", () => {
        const fleet = loadFleetFiles([path.join(outside, "globex.yaml")]);
        expect(fleet.problems).toEqual([]);
        expect(fleet.tenants.map((tenant) => tenant.id)).toEqual(["globex"]);
    });

    it("GIVEN a requested *.yml file WHEN loaded THEN it is refused by name", () => {
        const file = path.join(outside, "initech.yml");
        expect(loadFleetFiles([file]).problems).toEqual([{ file, line: 1, column: 1, path: "/", message: expect.stringContaining("a tenant file must be named <tenant>.yaml") }]);
    });

    it.each([["a folder"], ["a folder named folder.yaml"]])("GIVEN %s where a tenant file is asked for WHEN loaded THEN it is refused as a folder, not for its name", (given) => {
        const folder = given === "a folder" ? outside : path.join(dir, "folder.yaml");
        expect(loadFleetFiles([folder]).problems).toEqual([{ file: folder, line: 1, column: 1, path: "/", message: "is a folder, not a tenant file: give its <tenant>.yaml files, or the tenant ids" }]);
    });

    it("GIVEN a requested file that does not exist WHEN loaded THEN it is reported as missing", () => {
        const file = path.join(outside, "nobody.yaml");
        expect(loadFleetFiles([file]).problems).toEqual([{ file, line: 1, column: 1, path: "/", message: "no such file" }]);
    });

    it("GIVEN a requested file over 64 KiB on disk WHEN loaded THEN its real size is refused", () => {
        const file = path.join(outside, "huge.yaml");
        const size = fs.statSync(file).size;
        expect(loadFleetFiles([file]).problems).toEqual([
            { file, line: 1, column: 1, path: "/", message: expect.stringContaining(`the file is ${size} bytes; a tenant file may be at most 65536 bytes`) },
        ]);
    });
});

describe("the validate CLI", () => {
    type Run = CliRun;
    let dir: string;
    let good: string;
    let bad: string;
    let junk: string;
    // Each invocation calls the project's own main in this process (its root is the project's: the
    // fixture fleet), all of them once, up front. The smoke test as a process is in test/cli-smoke.test.ts.
    const runs: Record<string, Run> = {};

    // The CLI runs in a project beside this one whose tenant-configs/ is the fixture fleet.
    const project = projectWithFixtureTenants({ prefix: "validate-cli-", copy: ["stacks", "scripts", "Pulumi.yaml", "package.json", "tsconfig.json"] });

    type Validate = [typeof import("../scripts/validate"), typeof import("../scripts/lib/cli")];
    let loaded: Promise<Validate> | undefined;
    async function cli(...args: string[]): Promise<Run> {
        loaded ??= Promise.all([import(path.join(project, "scripts", "validate.ts")), import(path.join(project, "scripts", "lib", "cli.ts"))]) as Promise<Validate>;
        const [script, lib] = await loaded;
        return runCli("validate", () => script.main(args), { cwd: project, exitCodeOf: lib.exitCodeOf });
    }

    function run(name: string): Run {
        const result = runs[name];
        if (!result) {
            throw new Error(`no CLI run named ${name}`);
        }
        return result;
    }

    beforeAll(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "tenant-cli-"));
        good = path.join(dir, "acme.yaml");
        bad = path.join(dir, "globex.yaml");
        junk = path.join(dir, "junk.yaml");
        fs.writeFileSync(good, tenantYaml({ tenant: "acme", cidr: "10.20.0.0/16" }));
        // Two mistakes: the tenant id does not match the file name, and the network has host bits.
        fs.writeFileSync(bad, tenantYaml({ tenant: "globexx", cidr: "10.21.0.1/16" }));
        fs.writeFileSync(junk, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]));
        // --isolated: these files are judged alone (the fixture folder has an acme too); validating
        // against the folder is tested in test/cli.test.ts.
        runs.good = await cli("--isolated", good);
        runs.bad = await cli("--isolated", good, bad);
        runs.junk = await cli("--isolated", junk);
        runs.jsonBad = await cli("--json", "--isolated", good, bad);
        runs.jsonGood = await cli("--json", "--isolated", good);
        runs.unknownFlag = await cli("--bogus", good);
        runs.help = await cli("--help");
        runs.fleet = await cli();
    }, 600_000);

    afterAll(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(project, { recursive: true, force: true });
    });

    it("GIVEN a valid file WHEN validated by the CLI THEN it exits 0 and prints no problem", () => {
        const result = run("good");
        expect(result.status).toBe(0);
        expect(result.stdout).toBe("");
        expect(result.stderr).toContain("1 tenant file(s) valid");
    });

    it("GIVEN an invalid file WHEN validated by the CLI THEN it exits 1 and prints FILE:LINE:COLUMN: PATH: message lines", () => {
        const result = run("bad");
        expect(result.status).toBe(1);
        const lines = result.stdout.trimEnd().split("\n");
        for (const line of lines) {
            expect(line).toMatch(/^.+\.yaml:[1-9][0-9]*:[1-9][0-9]*: \/\S*: \S.*$/);
        }
        expect(lines).toEqual([
            expect.stringMatching(new RegExp(`^${escapeRegExp(bad)}:2:9: /tenant: "globexx" does not match the file name "globex\\.yaml"`)),
            expect.stringMatching(new RegExp(`^${escapeRegExp(bad)}:9:9: /network/cidr: "10\\.21\\.0\\.1/16" is not a network address`)),
        ]);
        expect(result.stderr).toContain("2 problem(s) in 1 file(s); 2 tenant file(s) checked");
    });

    it("GIVEN binary junk WHEN validated by the CLI THEN it exits 1 with a positioned problem", () => {
        const result = run("junk");
        expect(result.status).toBe(1);
        expect(result.stdout).toBe(`${junk}:1:1: /: the file is not valid UTF-8 (byte 0x89); save it as UTF-8 text\n`);
    });

    it("GIVEN --json and an invalid file WHEN validated by the CLI THEN stdout is exactly one JSON document with the problems", () => {
        const result = run("jsonBad");
        expect(result.status).toBe(1);
        const parsed = JSON.parse(result.stdout) as { version: number; files: string[]; errors: Problem[] };
        expect(parsed.version).toBe(1);
        expect(parsed.files).toEqual([good, bad]);
        expect(parsed.errors).toEqual([
            { file: bad, line: 2, column: 9, path: "/tenant", message: expect.stringContaining("does not match the file name") },
            { file: bad, line: 9, column: 9, path: "/network/cidr", message: expect.stringContaining("is not a network address") },
        ]);
    });

    it("GIVEN --json and a valid file WHEN validated by the CLI THEN it exits 0 with an empty error list", () => {
        const result = run("jsonGood");
        expect(result.status).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual({ version: 1, files: [good], errors: [] });
    });

    it("GIVEN an unknown flag WHEN the CLI runs THEN it exits 2 naming the flag in one line that points to --help", () => {
        const result = run("unknownFlag");
        expect(result.status).toBe(2);
        expect(result.stdout).toBe("");
        expect(result.stderr).toContain("--bogus");
        expect(result.stderr).toMatch(/^[^\n]*; see --help\n$/);
    });

    it("GIVEN --help WHEN the CLI runs THEN it exits 0 with the usage on stdout", () => {
        const result = run("help");
        expect(result.status).toBe(0);
        expect(result.stdout).toContain("Usage: npm run validate -- [--json] [--base REF] [--isolated] [TENANT | FILE ...]");
    });

    it("GIVEN no arguments WHEN the CLI runs THEN it validates every file of the project's tenant folder and exits 0", () => {
        const result = run("fleet");
        expect(result.status).toBe(0);
        expect(result.stdout).toBe("");
        // The fixture tenants and the project's platform settings files, checked together.
        const platformFiles = fs.readdirSync(path.join(project, "platform-configs")).filter((file) => file.endsWith(".yaml")).length;
        expect(platformFiles).toBeGreaterThan(0);
        expect(result.stderr).toContain(`${fixtureTenantFiles().length + platformFiles} tenant and platform file(s) valid`);
    });

    it.each(["good", "bad", "junk", "jsonBad", "jsonGood", "unknownFlag", "help", "fleet"])("GIVEN the %s run WHEN its output is read THEN no stack trace appears", (name) => {
        const result = run(name);
        // Not an internal error (exit 70: a defect, printed with its stack).
        expect(result.status).not.toBe(70);
        expect(`${result.stdout}${result.stderr}`).not.toContain("    at ");
    });
});

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("the fixture fleet in test/fixtures/tenants (the examples' shape)", () => {
    const examples = fixtureTenantFiles();

    it("GIVEN the folder WHEN listed THEN it holds example files", () => {
        expect(examples.length).toBeGreaterThan(0);
    });

    it.each(examples)("GIVEN %s WHEN read THEN its first line points editors at the schema", (name) => {
        const text = fs.readFileSync(path.join(FIXTURE_TENANTS, name), "utf8");
        expect(text.split(/\r?\n/)[0]).toBe(HEADER);
    });

    it.each(examples)("GIVEN %s WHEN validated on its own THEN it has no problem", (name) => {
        const file = path.join(FIXTURE_TENANTS, name);
        const result = validateTenantFile(name, fs.readFileSync(file));
        expect(result.problems.map(formatProblem)).toEqual([]);
    });

    it("GIVEN the whole fixture fleet WHEN loaded together THEN there is no problem, every file resolves to a tenant and every mode is there", () => {
        const fleet = loadFixtureFleet();
        expect(fleet.problems.map(formatProblem)).toEqual([]);
        expect(fleet.tenants.map((tenant) => `${tenant.id}.yaml`).sort()).toEqual(examples);
        for (const tenant of fleet.tenants) {
            expect(MODES).toContain(tenant.mode);
            expect(tenant.source).toBe(`test/fixtures/tenants/${tenant.id}.yaml`);
        }
        expect(new Set(fleet.tenants.map((tenant) => tenant.mode))).toEqual(new Set(MODES));
    });
});
