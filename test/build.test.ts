import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

import { databaseSetupScript } from "../components/database-server";
import { build } from "../scripts/build";
import { assertCurrentBuild, BUILD_INFO_FILE, BuildInfo, changedSources, digestOf } from "../stacks/build-info";
import { findProjectRoot } from "../stacks/config/project";
import { PRECOMPILED_VALIDATOR, standaloneValidatorCode, tenantSchemaValidator } from "../stacks/config/tenant-schema";

const ROOT = path.resolve(__dirname, "..");

/** A project folder with the given files (path -> text) and a Pulumi.yaml. */
function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "build-test-"));
    for (const [name, text] of Object.entries({ "Pulumi.yaml": "name: t\nruntime: nodejs\n", ...files })) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

/** Records a build of `sources` in dir/dist as `npm run build` would and returns the entry's path. */
function recordBuild(dir: string, sources: string[]): string {
    const info: BuildInfo = { version: 1, sources: Object.fromEntries(sources.map((source) => [source, digestOf(path.join(dir, source))])) };
    fs.mkdirSync(path.join(dir, "dist"), { recursive: true });
    fs.writeFileSync(path.join(dir, "dist", BUILD_INFO_FILE), JSON.stringify(info));
    const entry = path.join(dir, "dist", "index.js");
    fs.writeFileSync(entry, "module.exports = () => ({});\n");
    return entry;
}

function errorOf(work: () => void): Error | undefined {
    try {
        work();
    } catch (error) {
        return error as Error;
    }
    return undefined;
}

describe("findProjectRoot", () => {
    it("GIVEN a module's folder in the sources or in dist/ WHEN the root is looked up THEN it is the folder of Pulumi.yaml", () => {
        const dir = project({ "stacks/config/x.ts": "", "dist/stacks/config/x.js": "" });
        expect(findProjectRoot(path.join(dir, "stacks", "config"))).toBe(dir);
        expect(findProjectRoot(path.join(dir, "dist", "stacks", "config"))).toBe(dir);
        expect(findProjectRoot(dir)).toBe(dir);
    });

    it("GIVEN a folder with no Pulumi.yaml above it WHEN the root is looked up THEN it fails naming the folder", () => {
        expect(() => findProjectRoot("/")).toThrow(/no Pulumi\.yaml at or above \//);
    });

    it("GIVEN this repository WHEN the tenant folder is resolved THEN it is the repository's tenant-configs", async () => {
        const { repoRoot, tenantConfigDir } = await import("../stacks/config/project");
        expect(repoRoot()).toBe(ROOT);
        expect(tenantConfigDir()).toBe(path.join(ROOT, "tenant-configs"));
    });
});

describe("assertCurrentBuild", () => {
    const sources = { "index.ts": "export = 1;\n", "stacks/a.ts": "export const a = 1;\n", "tsconfig.json": "{}\n" };

    it("GIVEN a build recorded from the sources now in the project WHEN the entry starts THEN it runs", () => {
        const dir = project(sources);
        const entry = recordBuild(dir, Object.keys(sources));
        expect(changedSources(dir, JSON.parse(fs.readFileSync(path.join(dir, "dist", BUILD_INFO_FILE), "utf8")) as BuildInfo)).toEqual([]);
        expect(() => assertCurrentBuild(entry)).not.toThrow();
    });

    it("GIVEN a source edited after the build WHEN the entry starts THEN a RunError names it and npm run build", () => {
        const dir = project(sources);
        const entry = recordBuild(dir, Object.keys(sources));
        fs.appendFileSync(path.join(dir, "stacks", "a.ts"), "export const b = 2;\n");
        const error = errorOf(() => assertCurrentBuild(entry));
        expect(pulumi.RunError.isInstance(error)).toBe(true);
        expect(error?.message).toBe(
            "the compiled program in dist/ is older than its sources (changed since the build: stacks/a.ts): run `npm run build` and try again (npm run preview and npm run up build first)",
        );
    });

    it("GIVEN a source deleted and six changed WHEN the entry starts THEN the first five are named and the rest counted", () => {
        const many = Object.fromEntries(Array.from({ length: 7 }, (_, index) => [`components/c${index}.ts`, `export const c = ${index};\n`]));
        const dir = project(many);
        const entry = recordBuild(dir, Object.keys(many));
        fs.rmSync(path.join(dir, "components", "c0.ts"));
        for (let index = 1; index < 7; index++) {
            fs.writeFileSync(path.join(dir, "components", `c${index}.ts`), "export const c = -1;\n");
        }
        expect(errorOf(() => assertCurrentBuild(entry))?.message).toContain(
            "changed since the build: components/c0.ts, components/c1.ts, components/c2.ts, components/c3.ts, components/c4.ts and 2 more)",
        );
    });

    it.each([
        ["missing", undefined],
        ["not JSON", "{"],
        ["of another version", JSON.stringify({ version: 2, sources: {} })],
    ])("GIVEN a build-info that is %s WHEN the entry starts THEN a RunError says to run npm run build", (_, text) => {
        const dir = project(sources);
        const entry = recordBuild(dir, Object.keys(sources));
        const infoFile = path.join(dir, "dist", BUILD_INFO_FILE);
        if (text === undefined) {
            fs.rmSync(infoFile);
        } else {
            fs.writeFileSync(infoFile, text);
        }
        const error = errorOf(() => assertCurrentBuild(entry));
        expect(pulumi.RunError.isInstance(error)).toBe(true);
        expect(error?.message).toBe("dist/build-info.json is missing or unreadable, so nothing says what dist/index.js was built from: run `npm run build` and try again");
    });

    it("GIVEN the TypeScript entry itself (ts-node, tsx, tests) WHEN it starts THEN there is no build to compare and nothing is checked", () => {
        const dir = project(sources);
        expect(() => assertCurrentBuild(path.join(dir, "index.ts"))).not.toThrow();
    });
});

describe("build", () => {
    it("GIVEN a program with a type error WHEN built THEN the error is reported as FILE(LINE,COL) and no build is left behind", () => {
        const dir = project({
            "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, module: "commonjs", target: "ES2022", types: [] } }),
            "index.ts": 'import { n } from "./lib";\nexport = n;\n',
            "lib.ts": 'export const n: number = "one";\n',
            "dist/stale.js": "old build\n",
        });
        const result = build({ root: dir });
        expect(result.errors, result.errors.join("\n")).toHaveLength(1);
        expect(result.errors[0]).toMatch(/^lib\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'\./);
        expect(result.sources).toEqual([]);
        expect(fs.existsSync(path.join(dir, "dist"))).toBe(false);
    });

    it("GIVEN a valid program WHEN built THEN dist/ holds its JavaScript and a build-info of every source it imports and tsconfig.json", () => {
        const dir = project({
            "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, module: "commonjs", target: "ES2022", types: [], resolveJsonModule: true, esModuleInterop: true } }),
            "index.ts": 'import { n } from "./lib/n";\nimport data from "./data.json";\nexport = n + data.k;\n',
            "lib/n.ts": "export const n: number = 1;\n",
            "unused.ts": "export const never = 0;\n",
            "data.json": '{ "k": 2 }\n',
            "dist/stale.js": "old build\n",
        });
        const result = build({ root: dir });
        expect(result.errors).toEqual([]);
        expect(result.sources).toEqual(["data.json", "index.ts", "lib/n.ts", "tsconfig.json"]);
        expect(fs.existsSync(path.join(dir, "dist", "stale.js"))).toBe(false);
        expect(require(path.join(dir, "dist", "index.js"))).toBe(3);
        const info = JSON.parse(fs.readFileSync(path.join(dir, "dist", BUILD_INFO_FILE), "utf8")) as BuildInfo;
        expect(Object.keys(info.sources)).toEqual(result.sources);
        expect(info.sources["lib/n.ts"]).toBe(digestOf(path.join(dir, "lib", "n.ts")));
        expect(() => assertCurrentBuild(path.join(dir, "dist", "index.js"))).not.toThrow();
    });

    it("GIVEN a program whose module reads a file of components/scripts WHEN built THEN dist/ carries the file, the module finds it and an edit to it makes the build stale", () => {
        const dir = project({
            "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, module: "commonjs", target: "ES2022", types: ["node"] } }),
            "index.ts": 'import { script } from "./components/c";\nexport = script;\n',
            "components/c.ts": 'import * as fs from "node:fs";\nimport * as path from "node:path";\nexport const script = (): string => fs.readFileSync(path.join(__dirname, "scripts", "s.sh"), "utf8");\n',
            "components/scripts/s.sh": "#!/bin/bash\necho set up\n",
        });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
        const result = build({ root: dir });
        expect(result.errors).toEqual([]);
        expect(result.sources).toEqual(["components/c.ts", "components/scripts/s.sh", "index.ts", "tsconfig.json"]);
        expect((require(path.join(dir, "dist", "index.js")) as () => string)()).toBe("#!/bin/bash\necho set up\n");
        const info = JSON.parse(fs.readFileSync(path.join(dir, "dist", BUILD_INFO_FILE), "utf8")) as BuildInfo;
        expect(info.sources["components/scripts/s.sh"]).toBe(digestOf(path.join(dir, "components", "scripts", "s.sh")));
        fs.appendFileSync(path.join(dir, "components", "scripts", "s.sh"), "echo changed\n");
        expect(errorOf(() => assertCurrentBuild(path.join(dir, "dist", "index.js")))?.message).toContain("changed since the build: components/scripts/s.sh)");
    });

    it("GIVEN this repository's build in dist/ WHEN the compiled database server renders its setup THEN it reads the script dist/ carries, as the sources render it", () => {
        const shipped = path.join(ROOT, "dist", "components", "scripts", "database-setup.sh");
        expect(fs.readFileSync(shipped, "utf8")).toBe(fs.readFileSync(path.join(ROOT, "components", "scripts", "database-setup.sh"), "utf8"));
        const info = JSON.parse(fs.readFileSync(path.join(ROOT, "dist", BUILD_INFO_FILE), "utf8")) as BuildInfo;
        expect(info.sources["components/scripts/database-setup.sh"]).toBe(digestOf(shipped));
        const compiled = require(path.join(ROOT, "dist", "components", "database-server.js")) as typeof import("../components/database-server");
        expect(compiled.DATABASE_SETUP_TEMPLATE).toBe(shipped);
        const settings = { engineVersion: "16", port: 5432, listenAddress: "10.1.2.3", clientCidr: "10.1.0.0/16", secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", databaseName: "itm", masterUsername: "itm_admin" };
        const rendered = compiled.databaseSetupScript(settings);
        expect(rendered).toBe(databaseSetupScript(settings));
        expect(rendered).toContain("hostssl all   all      10.1.0.0/16   scram-sha-256");
    });
});

describe("the precompiled tenant schema validator", () => {
    const precompiledDir = fs.mkdtempSync(path.join(os.tmpdir(), "validator-"));
    // The code requires ajv's runtime helpers, as dist/ finds them in the project's node_modules.
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(precompiledDir, "node_modules"));
    fs.writeFileSync(path.join(precompiledDir, PRECOMPILED_VALIDATOR), standaloneValidatorCode());
    const precompiled = tenantSchemaValidator(precompiledDir);
    const compiled = tenantSchemaValidator(fs.mkdtempSync(path.join(os.tmpdir(), "no-validator-")));

    // One valid document of each mode (fixtures: tests never read tenant-configs/, which sales ops change).
    const acme: Record<string, unknown> = {
        tenant: "acme",
        company: "ACME Corporation",
        mode: "vpn-sync",
        region: "eu-west-1",
        domain: { own: "itm.acme.com" },
        network: { cidr: "10.20.0.0/16" },
        vpn: { customerGatewayIp: "81.2.69.142", bgpAsn: 65010, corporateCidrs: ["192.168.0.0/16"] },
        identity: { directoryName: "corp.acme.com", dnsIps: ["192.168.10.10", "192.168.10.11"], serviceAccount: "svc-itm" },
        compute: { instanceType: "m6i.large", instances: 2, volumeGiB: 100 },
        database: { instanceClass: "db.m6g.large", storageGiB: 100 },
        security: { passwordMinLength: 14 },
        backup: { offsiteRegion: "eu-central-1" },
    };
    const examples: [string, unknown][] = [
        ["vpn-sync", acme],
        ["saas", { tenant: "solo", company: "Solo", mode: "saas", region: "us-east-1", environment: "test" }],
        ["dedicated-saas", { tenant: "globex", company: "Globex", mode: "dedicated-saas", region: "eu-west-1", domain: { subdomain: "globex" } }],
        ["physical", { tenant: "bank", company: "Bank", mode: "physical", region: "eu-west-2", domain: { subdomain: "bank" }, network: { cidr: "10.30.0.0/16" } }],
        ["cloud", { tenant: "initech", company: "Initech", mode: "cloud", region: "us-east-1", domain: { subdomain: "initech" }, network: { cidr: "10.40.0.0/24" } }],
        ["vpn", { tenant: "north", company: "North", mode: "vpn", region: "eu-west-1", domain: { subdomain: "north" }, network: { cidr: "10.50.0.0/16" }, vpn: { customerGatewayIp: "81.2.69.160", corporateCidrs: ["172.16.0.0/12"] } }],
    ];
    const broken: [string, unknown][] = [
        ["an unknown mode", { ...acme, mode: "bogus" }],
        ["a number for the id", { ...acme, tenant: 42 }],
        ["an unknown field", { ...acme, colour: "red" }],
        ["no region", Object.fromEntries(Object.entries(acme).filter(([key]) => key !== "region"))],
        ["a malformed network", { ...acme, network: { cidr: "ten/8" } }],
        ["a list for the domain", { ...acme, domain: ["itm.acme.com"] }],
        ["VPN fields of the wrong types", { ...acme, vpn: { customerGatewayIp: 81, bgpAsn: "x", corporateCidrs: "all" } }],
        ["null", null],
        ["a string", "tenant: acme"],
    ];

    it("GIVEN the build's standalone code WHEN loaded THEN it is a different function from the compiled one (the test compares two things)", () => {
        expect(precompiled).not.toBe(compiled);
        expect(typeof precompiled).toBe("function");
    });

    it.each([...examples, ...broken])("GIVEN %s WHEN validated both ways THEN the verdict and every error are the same", (_, document) => {
        const verdict = compiled(document);
        expect(precompiled(document)).toBe(verdict);
        expect(precompiled.errors ?? null).toEqual(compiled.errors ?? null);
    });

    it("GIVEN the examples WHEN validated THEN each is accepted (so the comparison above covers valid documents)", () => {
        for (const [name, document] of examples) {
            expect(compiled(document), `${name}: ${JSON.stringify(compiled.errors)}`).toBe(true);
        }
    });

    it("GIVEN the broken documents WHEN validated THEN each is refused (so the comparison above covers errors)", () => {
        for (const [name, document] of broken) {
            expect(precompiled(document), name).toBe(false);
        }
    });
});
