import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

import { ensureBuilt } from "../scripts/build";
import { loadStackTenant } from "../stacks";
import { BUILD_INFO_FILE, BuildInfo } from "../stacks/build-info";
import { platformRegionOf } from "../lib/platform";
import { projectWithFixtureTenants } from "./fixtures/fleet";

const ROOT = path.resolve(__dirname, "..");

interface HostResult {
    outputs?: Record<string, unknown>;
    error?: string;
    runError?: boolean;
    crash?: string;
    registered: { type: string; name: string }[];
    awsIndexLoaded?: boolean;
    ajvCompilerLoaded?: boolean;
}

/** Runs the program in a fresh process the way Pulumi's nodejs language host loads it (Pulumi.yaml's main). */
function loadLikeTheHost(stack: string, options: { project?: string; env?: NodeJS.ProcessEnv } = {}): HostResult {
    const project = options.project ?? (SHARED ??= projectWithBuildCopy());
    const child = spawnSync(process.execPath, [path.join(ROOT, "bench", "host-load.js"), stack, project], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, ...options.env },
        timeout: 120_000,
    });
    const line = child.stdout.trim().split("\n").pop() ?? "";
    expect(line, child.stderr).toMatch(/^\{/);
    return JSON.parse(line) as HostResult;
}

/**
 * A project beside this one that runs this repository's build: its own Pulumi.yaml and a copy of
 * dist/ whose build-info the test may alter, the sources and node_modules linked, and a
 * tenant-configs/ holding the fixture fleet (the examples' shape), never this repository's.
 */
function projectWithBuildCopy(): string {
    return projectWithFixtureTenants({
        prefix: "built-project-",
        copy: ["Pulumi.yaml", "dist"],
        link: ["index.ts", "stacks", "components", "platform-configs", "tsconfig.json", "package.json"],
    });
}

/** The project the host loads stacks from unless a test makes its own. */
let SHARED: string | undefined;

describe("the Pulumi entry point", () => {
    // The host runs the build (Pulumi.yaml main: dist/index.js), made by test/global-setup.ts.
    beforeAll(() => {
        const result = ensureBuilt();
        expect(result.errors).toEqual([]);
        expect(result.rebuilt).toBe(false);
    });

    it("GIVEN a tenant stack WHEN the language host loads the built entry THEN the tenant's mode program runs", () => {
        const result = loadLikeTheHost("acme");
        expect(result.crash).toBeUndefined();
        expect(result.error).toBeUndefined();
        expect(result.outputs).toMatchObject({ tenant: "acme", mode: "vpn-sync", region: "eu-west-1", url: "https://itm.acme.com" });
        const types = result.registered.map((resource) => resource.type);
        expect(types).toContain("pulumi:pulumi:Stack");
        expect(types).toContain("aws:kms/key:Key");
        expect(types).toContain("aws:ssm/parameter:Parameter");
        // Only the AWS namespaces in use are loaded (components/aws.ts), not the package's index,
        // and the tenant schema's validator is the build's code, not compiled by ajv as it starts.
        expect(result.awsIndexLoaded).toBe(false);
        expect(result.ajvCompilerLoaded).toBe(false);
    });

    it("GIVEN a platform stack name WHEN loaded by the host THEN the platform program runs for that region", () => {
        const result = loadLikeTheHost("platform-eu-west-1");
        expect(result.error).toBeUndefined();
        expect(result.outputs).toMatchObject({ region: "eu-west-1" });
        expect(result.registered.map((resource) => resource.name)).toContain("platform-eu-west-1-operations");
    });

    it("GIVEN a stack with no tenant file WHEN loaded by the host THEN it fails with a RunError (no stack trace) and registers nothing", () => {
        const result = loadLikeTheHost("no-such-tenant");
        expect(result.runError).toBe(true);
        // Named from the project root, though the host runs the program in dist/.
        expect(result.error).toMatch(/^stack "no-such-tenant" has no tenant file tenant-configs\/no-such-tenant\.yaml: /);
        expect(result.registered.map((resource) => resource.type)).toEqual(["pulumi:pulumi:Stack"]);
    });

    it("GIVEN a build whose sources changed since WHEN the host runs it THEN it refuses with a RunError naming the file and npm run build, registering nothing", () => {
        const project = projectWithBuildCopy();
        const infoFile = path.join(project, "dist", BUILD_INFO_FILE);
        const info = JSON.parse(fs.readFileSync(infoFile, "utf8")) as BuildInfo;
        fs.writeFileSync(infoFile, JSON.stringify({ ...info, sources: { ...info.sources, "components/database.ts": "0".repeat(64) } }));
        const result = loadLikeTheHost("globex", { project });
        expect(result.runError).toBe(true);
        expect(result.error).toContain("changed since the build: components/database.ts");
        expect(result.error).toContain("npm run build");
        expect(result.registered.map((resource) => resource.type)).toEqual(["pulumi:pulumi:Stack"]);
    });

    it("GIVEN an invalid tenant file WHEN the host runs its stack THEN the RunError lists its problems named from the project root, registering nothing", () => {
        const project = projectWithBuildCopy();
        const file = path.join(project, "tenant-configs", "globex.yaml");
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^region: .*$/m, "region: mars-north-1"));
        const result = loadLikeTheHost("globex", { project });
        expect(result.runError).toBe(true);
        expect(result.error).toMatch(/^tenant file tenant-configs\/globex\.yaml is invalid:\ntenant-configs\/globex\.yaml:\d+:9: \/region: /);
        expect(result.registered.map((resource) => resource.type)).toEqual(["pulumi:pulumi:Stack"]);
    });

    it("GIVEN a build without its build-info WHEN the host runs it THEN it refuses with a RunError saying to run npm run build", () => {
        const project = projectWithBuildCopy();
        fs.rmSync(path.join(project, "dist", BUILD_INFO_FILE));
        const result = loadLikeTheHost("globex", { project });
        expect(result.runError).toBe(true);
        expect(result.error).toMatch(/dist\/build-info\.json is missing or unreadable.*npm run build/);
        expect(result.registered.map((resource) => resource.type)).toEqual(["pulumi:pulumi:Stack"]);
    });
});

describe("loadStackTenant", () => {
    const folder = (files: Record<string, string>): string => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tenants-"));
        for (const [name, text] of Object.entries(files)) {
            fs.writeFileSync(path.join(dir, name), text);
        }
        return dir;
    };
    const valid = (id: string, cidr: string): string =>
        `tenant: ${id}\ncompany: ${id} Inc\nmode: cloud\nregion: eu-west-1\ndomain:\n  subdomain: ${id}\nnetwork:\n  cidr: ${cidr}\n`;

    it("GIVEN an invalid tenant file WHEN its stack runs THEN the update fails with the validator's FILE:LINE:COLUMN lines", () => {
        const dir = folder({ "bad-one.yaml": "tenant: bad-one\ncompany: Bad\nmode: cloud\nregion: eu-west-1\ndomain:\n  subdomain: bad\nnetwork:\n  cidr: 10.1.0.0/16\n" });
        let error: unknown;
        try {
            loadStackTenant("bad-one", dir);
        } catch (e) {
            error = e;
        }
        expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
        expect((error as Error).message).toMatch(/bad-one\.yaml:8:9: \/network\/cidr: "10\.1\.0\.0\/16" overlaps the platform's block/);
    });

    it("GIVEN a valid file that overlaps another tenant's network WHEN its stack runs THEN it fails naming the other file", () => {
        const dir = folder({ "first.yaml": valid("first", "10.20.0.0/16"), "second.yaml": valid("second", "10.20.128.0/17") });
        expect(() => loadStackTenant("second", dir)).toThrow(/second\.yaml:8:9: \/network\/cidr: .*first\.yaml:8:9/);
    });

    it("GIVEN a valid file and an unrelated broken file WHEN its stack runs THEN the valid tenant loads", () => {
        const dir = folder({ "first.yaml": valid("first", "10.20.0.0/16"), "broken.yaml": "tenant: [" });
        expect(loadStackTenant("first", dir)).toMatchObject({ id: "first", mode: "cloud", networkCidr: "10.20.0.0/16" });
    });

    it.each([
        ["platform-eu-west-1", "eu-west-1"],
        ["platform-ap-southeast-4", "ap-southeast-4"],
        ["platform", undefined],
        ["acme", undefined],
        ["platform-team", undefined],
    ])("GIVEN stack %s WHEN dispatched THEN the platform region is %s", (stack, region) => {
        expect(platformRegionOf(stack)).toBe(region);
    });
});
