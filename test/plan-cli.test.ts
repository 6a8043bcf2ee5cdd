import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { planCliProject } from "./fixtures/plan-cli-project";

const project = planCliProject("plan-cli-");
const ROOT = project.root;
const plan = project.plan;
afterAll(() => project.remove());

/** What made a plan exit non-zero, for the failure message: its violations, or the start of its output. */
function violationsOf(stdout: string): string {
    try {
        const document = JSON.parse(stdout) as { tenants: { tenant: string; violations?: unknown[] }[] };
        return JSON.stringify(document.tenants.flatMap((plan) => (plan.violations ?? []).map((violation) => ({ tenant: plan.tenant, violation }))).slice(0, 20), null, 1);
    } catch {
        return stdout.slice(0, 2000);
    }
}

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempTenant(id: string, body: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    tempDirs.push(dir);
    const file = path.join(dir, `${id}.yaml`);
    fs.writeFileSync(file, body);
    return file;
}

const cloudTenant = (id: string, cidr: string): string =>
    `tenant: ${id}\ncompany: ${id} Ltd\nmode: cloud\nregion: eu-west-1\ndomain:\n  subdomain: ${id}\nnetwork:\n  cidr: ${cidr}\n`;

interface Doc {
    version: number;
    tenants: { tenant: string; mode: string; region: string; source: string; resources: unknown[]; outputs: Record<string, unknown> }[];
    errors: { file: string; line: number; column: number; path: string; message: string }[];
}

describe("npm run plan", () => {
    it("GIVEN --json and no tenant WHEN run THEN stdout is exactly one plan document of every tenant and the platforms in use", async () => {
        const result = await plan("--json");
        expect(result.status, `${result.stderr}\n${violationsOf(result.stdout)}`).toBe(0);
        const doc = JSON.parse(result.stdout) as Doc;
        expect(doc.version).toBe(1);
        expect(doc.errors).toEqual([]);
        const names = doc.tenants.map((tenant) => tenant.tenant);
        // Each dedicated tenant and each platform with its recovery environment (issue 16).
        expect([...names].sort()).toEqual(["acme", "acme-recovery", "brightpath", "globex", "globex-recovery", "platform-eu-west-1", "platform-eu-west-1-recovery", "platform-us-east-1", "platform-us-east-1-recovery"]);
        expect(doc.tenants.find((tenant) => tenant.tenant === "acme-recovery")).toMatchObject({ mode: "vpn-sync", recoveryOf: "acme", source: "tenant-configs/acme.yaml" });
        const platform = doc.tenants.find((tenant) => tenant.tenant === "platform-eu-west-1");
        expect(platform).toMatchObject({ mode: "platform", region: "eu-west-1" });
        expect(doc.tenants.find((tenant) => tenant.tenant === "acme")).toMatchObject({ mode: "vpn-sync", source: "tenant-configs/acme.yaml" });
    });

    it("GIVEN plans run one after another in one process WHEN each is done THEN its temporary folder (the spill) is gone, not left until the process exits", async () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-tmpdir-"));
        tempDirs.push(tmp);
        const before = process.env.TMPDIR;
        process.env.TMPDIR = tmp;
        try {
            for (const args of [["globex", "--json"], ["--all"]]) {
                const result = await plan(...args);
                expect(result.status, result.stderr).toBe(0);
                expect(fs.readdirSync(tmp), args.join(" ")).toEqual([]);
            }
        } finally {
            if (before === undefined) {
                delete process.env.TMPDIR;
            } else {
                process.env.TMPDIR = before;
            }
        }
    });

    it("GIVEN tenant ids WHEN run without --json THEN a readable summary of just those tenants is printed", async () => {
        const result = await plan("acme", "brightpath");
        expect(result.status).toBe(0);
        expect(result.stdout).toContain("acme (vpn-sync, eu-west-1) from tenant-configs/acme.yaml");
        expect(result.stdout).toContain("brightpath (saas, eu-west-1)");
        expect(result.stdout).not.toContain("globex");
        expect(result.stdout).not.toContain("platform-eu-west-1 (platform");
    });

    it("GIVEN platform WHEN run THEN only the platform stacks of the regions in use appear", async () => {
        const doc = JSON.parse((await plan("platform", "--json")).stdout) as Doc;
        expect(doc.tenants.length).toBeGreaterThan(0);
        expect(doc.tenants.every((tenant) => tenant.mode === "platform")).toBe(true);
    });

    it("GIVEN a valid id and an invalid file WHEN run THEN exit 1, the errors are listed and the valid tenant is still planned", async () => {
        const bad = tempTenant("broken", "tenant: broken\ncompany: Broken\nmode: cloud\nregion: eu-west-1\n");
        const result = await plan("acme", bad, "--json");
        expect(result.status).toBe(1);
        const doc = JSON.parse(result.stdout) as Doc;
        expect(doc.tenants.map((tenant) => tenant.tenant)).toEqual(["acme", "acme-recovery"]);
        expect(doc.errors).toContainEqual(expect.objectContaining({ path: "/domain", line: 1, column: 1, message: expect.stringContaining("required for mode cloud") }));
        expect(doc.errors.every((error) => error.file.endsWith("broken.yaml"))).toBe(true);
    });

    it("GIVEN a malformed image pin WHEN run THEN exit 1 with one error at the pin's line, column and path, and nothing planned", async () => {
        const file = path.join(ROOT, "stacks", "config", "server-images.json");
        const original = fs.readFileSync(file, "utf8");
        const broken = original.replace(/"x86_64": "al2023-ami-[^"]*"/, '"x86_64": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"');
        expect(broken).not.toBe(original);
        const line = broken.split("\n").findIndex((row) => row.includes('"x86_64": "/aws/service')) + 1;
        const column = broken.split("\n")[line - 1]!.indexOf('"x86_64"') + 1;
        fs.writeFileSync(file, broken);
        try {
            const json = await plan("acme", "--json");
            expect(json.status).toBe(1);
            const doc = JSON.parse(json.stdout) as Doc;
            expect(doc.tenants).toEqual([]);
            expect(doc.errors).toEqual([
                { file: "stacks/config/server-images.json", line, column, path: "/default/x86_64", message: expect.stringContaining("is not the name of an Amazon Linux 2023 release") },
            ]);
            const text = await plan("acme");
            expect(text.status).toBe(1);
            expect(`${text.stdout}${text.stderr}`).toContain(`stacks/config/server-images.json:${line}:${column}: /default/x86_64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" is not`);
            expect(`${text.stdout}${text.stderr}`).not.toMatch(/\n\s+at /);
        } finally {
            fs.writeFileSync(file, original);
        }
    });

    it("GIVEN a file elsewhere overlapping a tenant in tenant-configs WHEN run THEN it is refused, unless --isolated", async () => {
        const file = tempTenant("newcomer", cloudTenant("newcomer", "10.20.0.0/16"));
        const checked = await plan(file, "--json");
        expect(checked.status).toBe(1);
        const doc = JSON.parse(checked.stdout) as Doc;
        expect(doc.errors[0]?.message).toContain("tenant-configs/globex.yaml");
        const isolated = await plan(file, "--isolated", "--json");
        expect(isolated.status).toBe(0);
        expect((JSON.parse(isolated.stdout) as Doc).tenants.map((tenant) => tenant.tenant)).toEqual(["newcomer", "newcomer-recovery"]);
    });

    it.each([
        [["--bogus"], /Unknown option '--bogus'/],
        [["--config", "novalue"], /--config expects KEY=VALUE/],
        [["Not_A_Tenant"], /neither a tenant id, platform-<region> nor a \.yaml file/],
        [["--config", "fooBar=1"], /--config fooBar: unknown config key; the program reads: .*homePlatformStack/],
        [["acme", "--isolated"], /--isolated applies to FILE\.yaml/],
    ])("GIVEN %j WHEN run THEN exit 2 with a one-line usage message pointing to --help and no stack trace", async (args, message) => {
        const result = await plan(...args);
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(message);
        expect(result.stderr).toMatch(/^plan: [^\n]*; see --help\n$/);
        expect(result.stderr).not.toMatch(/\n\s+at /);
    });

    it.each([
        [["--json", "--bogus"], "Unknown option '--bogus'"],
        [["globex", "--json", "--config", "=x"], '--config expects KEY=VALUE, got "=..."'],
        [["globex", "--config", "fooBar=1", "--json"], "--config fooBar: unknown config key"],
        [["--json", "Not_A_Tenant"], "neither a tenant id, platform-<region> nor a .yaml file"],
        [["merge", "--json"], "merge needs the shard documents"],
    ])("GIVEN %j (a usage error with --json) WHEN run THEN exit 2, stdout is exactly one plan document with nothing planned and the reason as its error, stderr the usual line", async (args, reason) => {
        const result = await plan(...args);
        expect(result.status).toBe(2);
        const doc = JSON.parse(result.stdout) as Doc;
        expect(doc).toEqual({ version: 1, tenants: [], errors: [{ file: "", line: 1, column: 1, path: "/", message: expect.stringContaining(reason) }] });
        expect(result.stderr).toMatch(/^plan: [^\n]*; see --help\n$/);
        expect(result.stderr).toContain(reason);
    });

    it.each([["directoryPassword=x"], ["tenant-platform:directoryPassword=x"]])("GIVEN --config %s WHEN planned THEN the secret is the one given, not a placeholder, whether its key is qualified or not", async (pair) => {
        const result = await plan("acme", "--json", "--config", pair);
        expect(result.status, result.stderr).toBe(0);
        expect((JSON.parse(result.stdout) as { placeholderSecrets: string[] }).placeholderSecrets).toEqual([]);
    });

    it("GIVEN an unknown tenant id WHEN run THEN exit 1 naming the missing file", async () => {
        const result = await plan("nobody-here", "--json");
        expect(result.status).toBe(1);
        expect((JSON.parse(result.stdout) as Doc).errors[0]).toMatchObject({ file: "tenant-configs/nobody-here.yaml", message: "no such file" });
    });
});
