import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

import { loadStackTenant } from "../stacks";
import { platformRegionOf } from "../stacks/context";

const ROOT = path.resolve(__dirname, "..");

interface HostResult {
    outputs?: Record<string, unknown>;
    error?: string;
    runError?: boolean;
    crash?: string;
    registered: { type: string; name: string }[];
}

/** Runs the program in a fresh process the way Pulumi's nodejs language host loads it (ts-node). */
function loadLikeTheHost(stack: string): HostResult {
    const child = spawnSync(process.execPath, [path.join(ROOT, "test", "fixtures", "host-load.js"), stack], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "" },
        timeout: 120_000,
    });
    const line = child.stdout.trim().split("\n").pop() ?? "";
    expect(line, child.stderr).toMatch(/^\{/);
    return JSON.parse(line) as HostResult;
}

describe("the Pulumi entry point", () => {
    it("GIVEN a tenant stack WHEN the language host loads index.ts through ts-node THEN the tenant's mode program runs", () => {
        const result = loadLikeTheHost("acme");
        expect(result.crash).toBeUndefined();
        expect(result.error).toBeUndefined();
        expect(result.outputs).toMatchObject({ tenant: "acme", mode: "vpn-sync", region: "eu-west-1", url: "https://itm.acme.com" });
        const types = result.registered.map((resource) => resource.type);
        expect(types).toContain("pulumi:pulumi:Stack");
        expect(types).toContain("aws:kms/key:Key");
        expect(types).toContain("aws:ssm/parameter:Parameter");
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
        expect(result.error).toContain("tenant-configs/no-such-tenant.yaml");
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
