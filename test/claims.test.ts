// A tenant file checked against its folder (loadFleetFilesAgainstDirectory, what every stack does
// as it starts and the CLIs do for named files) reads the other files only for their claims, cached
// by content for the CLIs (claims.ts): the answers must be those of parsing every file, whatever the
// cache holds.

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { claimingFiles, claimsOf, CLAIMS_VERSION } from "../stacks/config/claims";
import { loadFleetFilesAgainstDirectory } from "../stacks/config/load-fleet";

function tenantYaml(tenant: string, cidr: string, domain = `subdomain: ${tenant}`): string {
    return `tenant: ${tenant}\ncompany: ${tenant} Corporation\nmode: cloud\nregion: eu-west-1\ndomain:\n  ${domain}\nnetwork:\n  cidr: ${cidr}\n`;
}

function folder(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "claims-"));
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

const cacheFile = (): string => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "claims-cache-")), "nested", "claims.json");

describe("claimsOf", () => {
    it.each([
        ["a complete document", { tenant: "acme", domain: { subdomain: "acme", own: "itm.acme.com" }, network: { cidr: "10.1.0.0/16" }, mode: "cloud" }, { tenant: "acme", domain: { subdomain: "acme", own: "itm.acme.com" }, network: { cidr: "10.1.0.0/16" } }],
        ["values that are not strings", { tenant: 7, domain: { subdomain: ["a"] }, network: { cidr: null } }, {}],
        ["sections that are not mappings", { tenant: "acme", domain: "acme", network: ["10.1.0.0/16"] }, { tenant: "acme" }],
        ["not a mapping at all", "tenant: acme", {}],
    ])("GIVEN %s WHEN its claims are taken THEN only the string values compared across files are kept", (_, data, claims) => {
        expect(claimsOf(data)).toEqual(claims);
    });
});

describe("claimingFiles", () => {
    const input = (file: string, text: string) => ({ file, bytes: Buffer.from(text) });
    const digest = (text: string) => crypto.createHash("sha256").update(Buffer.from(text)).update(`\0${Buffer.byteLength(text)}`).digest("hex");

    it("GIVEN no cache WHEN files are read THEN their claims come from parsing them, positions on demand, and the cache is written", () => {
        const cache = cacheFile();
        const text = tenantYaml("acme", "10.1.0.0/16");
        const [acme, broken] = claimingFiles([input("acme.yaml", text), input("broken.yaml", "tenant: [")], cache);
        expect(acme!.source!.data).toEqual({ tenant: "acme", domain: { subdomain: "acme" }, network: { cidr: "10.1.0.0/16" } });
        expect(acme!.source!.locate("/network/cidr")).toEqual({ line: 8, column: 9 });
        expect(broken!.source).toBeUndefined();
        const written = JSON.parse(fs.readFileSync(cache, "utf8")) as { version: number; entries: Record<string, unknown> };
        expect(written.version).toBe(CLAIMS_VERSION);
        expect(Object.keys(written.entries).sort()).toEqual([digest(text), digest("tenant: [")].sort());
        expect(written.entries[digest("tenant: [")]).toBeNull();
    });

    it("GIVEN a cache entry for a file's bytes WHEN read THEN the cached claims are used (no parsing), and positions still come from the file", () => {
        const cache = cacheFile();
        const text = tenantYaml("acme", "10.1.0.0/16");
        fs.mkdirSync(path.dirname(cache), { recursive: true });
        // A planted entry that differs from the file, to see that the cache answered.
        fs.writeFileSync(cache, JSON.stringify({ version: CLAIMS_VERSION, entries: { [digest(text)]: { tenant: "from-the-cache" } } }));
        const [acme] = claimingFiles([input("acme.yaml", text)], cache);
        expect(acme!.source!.data).toEqual({ tenant: "from-the-cache" });
        expect(acme!.source!.locate("/tenant")).toEqual({ line: 1, column: 9 });
    });

    it("GIVEN a file whose bytes changed WHEN read THEN it is parsed again, and entries of files no longer read are dropped", () => {
        const cache = cacheFile();
        claimingFiles([input("acme.yaml", tenantYaml("acme", "10.1.0.0/16")), input("gone.yaml", tenantYaml("gone", "10.9.0.0/16"))], cache);
        const changed = tenantYaml("acme", "10.2.0.0/16");
        const [acme] = claimingFiles([input("acme.yaml", changed)], cache);
        expect(acme!.source!.data).toMatchObject({ network: { cidr: "10.2.0.0/16" } });
        expect(Object.keys((JSON.parse(fs.readFileSync(cache, "utf8")) as { entries: object }).entries)).toEqual([digest(changed)]);
    });

    it.each([
        ["not JSON", "{"],
        ["of another version", JSON.stringify({ version: CLAIMS_VERSION + 1, entries: {} })],
        ["holding entries of the wrong shape", JSON.stringify({ version: CLAIMS_VERSION, entries: { x: { tenant: "x" }, [`${"a".repeat(64)}`]: { tenant: 5 } } })],
    ])("GIVEN a cache that is %s WHEN read THEN it is ignored and rewritten", (_, text) => {
        const cache = cacheFile();
        fs.mkdirSync(path.dirname(cache), { recursive: true });
        fs.writeFileSync(cache, text);
        const yaml = tenantYaml("acme", "10.1.0.0/16");
        expect(claimingFiles([input("acme.yaml", yaml)], cache)[0]!.source!.data).toMatchObject({ tenant: "acme" });
        expect(JSON.parse(fs.readFileSync(cache, "utf8"))).toEqual({ version: CLAIMS_VERSION, entries: { [digest(yaml)]: claimsOf({ tenant: "acme", domain: { subdomain: "acme" }, network: { cidr: "10.1.0.0/16" } }) } });
    });

    it("GIVEN a cache that cannot be written WHEN read THEN the claims are still answered", () => {
        const blocker = fs.mkdtempSync(path.join(os.tmpdir(), "claims-blocked-"));
        fs.writeFileSync(path.join(blocker, "file"), "");
        const [acme] = claimingFiles([input("acme.yaml", tenantYaml("acme", "10.1.0.0/16"))], path.join(blocker, "file", "claims.json"));
        expect(acme!.source!.data).toMatchObject({ tenant: "acme" });
    });
});

describe("loadFleetFilesAgainstDirectory: the folder's other files by their claims", () => {
    const files = {
        "acme.yaml": tenantYaml("acme", "10.20.0.0/16"),
        "globex.yaml": tenantYaml("globex", "10.30.0.0/16", "own: itm.globex.com"),
        "initech.yaml": tenantYaml("initech", "10.40.0.0/16"),
        "broken.yaml": "tenant: [",
        "invalid.yaml": tenantYaml("invalid", "10.50.0.0/16").replace("mode: cloud", "mode: nonsense"),
        "shout.yaml": tenantYaml("shout", "10.70.0.0/16", "subdomain: SHOUT"),
    };
    const newcomer = (text: string): string => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "newcomer-"));
        fs.writeFileSync(path.join(dir, "umbrella.yaml"), text);
        return path.join(dir, "umbrella.yaml");
    };

    it.each([
        ["fits the fleet", tenantYaml("umbrella", "10.60.0.0/16"), 0],
        ["overlaps one network", tenantYaml("umbrella", "10.20.128.0/17"), 1],
        ["overlaps the network of a file invalid on its own", tenantYaml("umbrella", "10.50.0.0/24"), 1],
        ["takes a subdomain", tenantYaml("umbrella", "10.60.0.0/16", "subdomain: acme"), 1],
        ["takes the subdomain of a file invalid on its own, in other letter case", tenantYaml("umbrella", "10.60.0.0/16", "subdomain: shout"), 1],
        ["takes an own domain", tenantYaml("umbrella", "10.60.0.0/16", "own: itm.globex.com"), 1],
    ])("GIVEN a new file that %s WHEN checked against the folder THEN the problems are the same without a cache, with a cold one and with a warm one", (_, text, count) => {
        const dir = folder(files);
        const file = newcomer(text);
        const cache = cacheFile();
        const without = loadFleetFilesAgainstDirectory([file], { dir });
        const cold = loadFleetFilesAgainstDirectory([file], { dir, claimCache: cache });
        const warm = loadFleetFilesAgainstDirectory([file], { dir, claimCache: cache });
        expect(without.problems, JSON.stringify(without.problems, null, 1)).toHaveLength(count);
        for (const fleet of [cold, warm]) {
            expect(fleet.problems).toEqual(without.problems);
            expect(fleet.tenants).toEqual(without.tenants);
            expect(fleet.files.map((validation) => validation.file)).toEqual(without.files.map((validation) => validation.file));
        }
        // Positions in the other file are those of the file itself, cached or not.
        for (const problem of warm.problems) {
            expect(problem.file).toBe(file);
            expect(problem.message).toMatch(/\.yaml:\d+:\d+/);
        }
        expect(without.tenants.map((tenant) => tenant.id)).toEqual(count === 0 ? ["umbrella"] : []);
    });

    it("GIVEN an overlap WHEN reported THEN the message names the other file at the position of its network", () => {
        const dir = folder(files);
        const file = newcomer(tenantYaml("umbrella", "10.20.128.0/17"));
        const cache = cacheFile();
        loadFleetFilesAgainstDirectory([file], { dir, claimCache: cache });
        const [problem] = loadFleetFilesAgainstDirectory([file], { dir, claimCache: cache }).problems;
        expect(problem).toMatchObject({ file, line: 8, column: 9, path: "/network/cidr" });
        expect(problem!.message).toContain(`overlaps 10.20.0.0/16 of tenant acme (${path.join(dir, "acme.yaml")}:8:9)`);
    });
});
