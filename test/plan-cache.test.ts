// The plan cache (scripts/lib/plan/stream/cache.ts): a plan that reads unchanged tenants from it is
// the same document as a full plan; a change to a tenant file replans that tenant only; a change to
// the build, the config or a broken entry replans what it touches.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { fixtureTenantFolder } from "./fixtures/fleet";
import { loadFleetDirectory } from "../stacks/config/load-fleet";
import { Tenant } from "../stacks/config/tenant";
import { buildDigest, pruneCache } from "../scripts/lib/plan/stream/cache";
import { emitPlan, planPass, spillSource } from "../scripts/lib/plan/stream/run";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cache-test-"));
const folders: string[] = [];
afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    folders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true }));
});

const TODAY = new Date();
let files = 0;

/** Plans the tenants (optionally with the cache) and returns the JSON document and how many came from the cache. */
async function plan(tenants: readonly Tenant[], cache?: { dir: string; build: string }, config: Record<string, string> = {}): Promise<{ json: string; cached?: number }> {
    const spill = path.join(dir, `${files++}.jsonl`);
    const pass = await planPass({ tenants, platformRegions: [...new Set(tenants.map((tenant) => tenant.region))], config, fleet: tenants, problems: [], spill, threads: 1, ...(cache ? { cache } : {}) });
    const out = path.join(dir, `${files++}.json`);
    const fd = fs.openSync(out, "w");
    try {
        await emitPlan([pass], [spillSource(spill)], { out: fd, json: true, today: TODAY });
    } finally {
        fs.closeSync(fd);
    }
    return { json: fs.readFileSync(out, "utf8"), ...(pass.cached !== undefined ? { cached: pass.cached } : {}) };
}

/** The sealed entry with its entry changed and its digest computed again (what no edit by mistake does). */
function reseal(sealed: { sha256: string; entry: string }, change: (entry: { stacks: Record<string, unknown>[]; errors: unknown[] }) => unknown): { sha256: string; entry: string } {
    const entry = JSON.stringify(change(JSON.parse(sealed.entry)));
    return { sha256: createHash("sha256").update(entry).digest("hex"), entry };
}

function fleetIn(folder: string): Tenant[] {
    const fleet = loadFleetDirectory(folder);
    expect(fleet.problems).toEqual([]);
    return [...fleet.tenants];
}

describe("the plan cache", () => {
    it("GIVEN a fleet WHEN planned with an empty cache, then again, then with one tenant file changed THEN each plan is the full plan's document, and only the changed tenant is planned again", async () => {
        const folder = fixtureTenantFolder("plan-cache-");
        folders.push(folder);
        const tenants = fleetIn(folder);
        const cache = { dir: path.join(dir, "cache"), build: "build-1" };
        const full = await plan(tenants);
        expect(full.cached).toBeUndefined();

        const first = await plan(tenants, cache);
        expect(first).toEqual({ json: full.json, cached: 0 });
        const second = await plan(tenants, cache);
        expect(second).toEqual({ json: full.json, cached: tenants.length });

        // A tenant file changed (its company name): that tenant is planned again, the others read.
        const changed = tenants.find((tenant) => tenant.mode === "cloud")!;
        const file = changed.source;
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^company: .*$/m, "company: Renamed Ltd"));
        const after = fleetIn(folder);
        const fullAfter = await plan(after);
        expect(fullAfter.json).not.toBe(full.json);
        const third = await plan(after, cache);
        expect(third).toEqual({ json: fullAfter.json, cached: tenants.length - 1 });
        // The other build misses every entry; so does other stack config.
        expect((await plan(after, { ...cache, build: "build-2" })).cached).toBe(0);
        expect((await plan(after, cache, { "tenant-platform:recoveryActive": "false" })).cached).toBe(0);
    });

    it("GIVEN a cache entry that cannot be read WHEN planned THEN the tenant is planned again, not counted as read from the cache, and the document is the full plan's", async () => {
        const folder = fixtureTenantFolder("plan-cache-broken-");
        folders.push(folder);
        const tenants = fleetIn(folder).slice(0, 3);
        const cache = { dir: path.join(dir, "cache-broken"), build: "build-1" };
        const full = await plan(tenants);
        await plan(tenants, cache);
        const entries: string[] = [];
        const walk = (at: string): void => fs.readdirSync(at, { withFileTypes: true }).forEach((entry) => (entry.isDirectory() ? walk(path.join(at, entry.name)) : entries.push(path.join(at, entry.name))));
        walk(cache.dir);
        expect(entries).toHaveLength(tenants.length);
        fs.writeFileSync(entries[0]!, '{"errors": [], "stacks": [');
        const again = await plan(tenants, cache);
        expect(again.json).toBe(full.json);
        // The broken entry was there, but its tenant is planned: the line on stderr does not count it as read from the cache.
        expect(again.cached).toBe(tenants.length - 1);
        expect(fs.readFileSync(entries[0]!, "utf8")).not.toBe('{"errors": [], "stacks": [');
    });

    it("GIVEN a cache where a tenant's entry cannot be written (a folder in its place) WHEN planned THEN the plan goes on to the full plan's document, and a prune removes the folder", async () => {
        const folder = fixtureTenantFolder("plan-cache-unwritable-");
        folders.push(folder);
        const tenants = fleetIn(folder).slice(0, 2);
        const cache = { dir: path.join(dir, "cache-unwritable"), build: "build-1" };
        const full = await plan(tenants);
        await plan(tenants, cache);
        const shard = fs.readdirSync(cache.dir).sort()[0]!;
        const entry = path.join(cache.dir, shard, fs.readdirSync(path.join(cache.dir, shard)).sort()[0]!);
        fs.rmSync(entry);
        fs.mkdirSync(entry);
        const again = await plan(tenants, cache);
        expect(again.json).toBe(full.json);
        expect(again.cached).toBe(tenants.length - 1);
        // No temporary file left beside it.
        expect(fs.readdirSync(path.join(cache.dir, shard)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
        expect(() => pruneCache(cache.dir, new Date(Date.now() + 60_000))).not.toThrow();
        expect(fs.existsSync(entry)).toBe(false);
    });

    it.each<[string, (entry: { sha256: string; entry: string }) => { sha256: string; entry: string } | unknown]>([
        // A value changed by hand, the entry still valid JSON: not the entry written.
        ["an instance type edited by hand", (sealed) => ({ ...sealed, entry: sealed.entry.replace(/m6i\.large/g, "m6i.metal") })],
        // A stack that is no JSON, and one that is no stack, with their digest recomputed: the shape is
        // read before anything uses it.
        ["a stack that is no JSON, resealed", (sealed) => reseal(sealed, (entry) => ({ ...entry, stacks: [{ ...entry.stacks[0], stack: "garbage" }] }))],
        ["a stack that is a number, resealed", (sealed) => reseal(sealed, (entry) => ({ ...entry, stacks: [{ stack: 5 }] }))],
        ["the entry of an older version (unsealed)", (sealed) => JSON.parse(sealed.entry)],
    ])("GIVEN a cache entry with %s WHEN planned THEN it is a miss: the tenant is planned, not counted as read from the cache, and the document is the full plan's", async (_, tamper) => {
        const folder = fixtureTenantFolder("plan-cache-tampered-");
        folders.push(folder);
        const tenants = fleetIn(folder).filter((tenant) => tenant.mode === "cloud");
        const cache = { dir: path.join(dir, `cache-tampered-${files}`), build: "build-1" };
        const full = await plan(tenants);
        await plan(tenants, cache);
        const shard = fs.readdirSync(cache.dir)[0]!;
        const file = path.join(cache.dir, shard, fs.readdirSync(path.join(cache.dir, shard))[0]!);
        fs.writeFileSync(file, JSON.stringify(tamper(JSON.parse(fs.readFileSync(file, "utf8")))));
        const again = await plan(tenants, cache);
        expect(again.json).toBe(full.json);
        expect(again.cached).toBe(tenants.length - 1);
    });

    it("GIVEN a cache with entries of an older fleet WHEN pruned since a plan began THEN only what that plan read or wrote is kept", async () => {
        const folder = fixtureTenantFolder("plan-cache-prune-");
        folders.push(folder);
        const tenants = fleetIn(folder).slice(0, 3);
        const cache = { dir: path.join(dir, "cache-prune"), build: "build-old" };
        await plan(tenants, cache);
        const old = new Date(Date.now() - 3_600_000);
        const entries: string[] = [];
        const walk = (at: string): void => fs.readdirSync(at, { withFileTypes: true }).forEach((entry) => (entry.isDirectory() ? walk(path.join(at, entry.name)) : entries.push(path.join(at, entry.name))));
        walk(cache.dir);
        entries.forEach((entry) => fs.utimesSync(entry, old, old));
        // An entry of another fleet (a tenant since changed or gone), as old as the others.
        const stray = path.join(cache.dir, "ab", `${"ab".repeat(32)}.json`);
        fs.mkdirSync(path.dirname(stray), { recursive: true });
        fs.writeFileSync(stray, '{"errors": [], "stacks": []}');
        fs.utimesSync(stray, old, old);
        const since = new Date(Date.now() - 1000);
        // The next plan reads every tenant from the cache: what it read is kept, the stray removed.
        expect((await plan(tenants, cache)).cached).toBe(3);
        expect(pruneCache(cache.dir, since)).toBe(1);
        expect(fs.existsSync(stray)).toBe(false);
        expect((await plan(tenants, cache)).cached).toBe(3);
        expect(pruneCache(path.join(dir, "no-such-cache"), since)).toBe(0);
    });

    it("GIVEN a project outside git WHEN its build is digested THEN a code change changes it and a tenant file change does not; in a git checkout, the tracked files and the untracked ones below the top level", () => {
        const project = fs.mkdtempSync(path.join(os.tmpdir(), "plan-build-"));
        folders.push(project);
        fs.mkdirSync(path.join(project, "tenant-configs"));
        fs.mkdirSync(path.join(project, "components"));
        fs.mkdirSync(path.join(project, "node_modules"));
        fs.writeFileSync(path.join(project, "components", "a.ts"), "export const a = 1;\n");
        fs.writeFileSync(path.join(project, "package-lock.json"), "{}\n");
        fs.writeFileSync(path.join(project, "tenant-configs", "acme.yaml"), "tenant: acme\n");
        fs.writeFileSync(path.join(project, "tenant-configs", "tenant.schema.json"), "{}\n");
        const before = buildDigest(project);
        fs.writeFileSync(path.join(project, "tenant-configs", "acme.yaml"), "tenant: acme\ncompany: X\n");
        fs.writeFileSync(path.join(project, "node_modules", "x.js"), "1");
        expect(buildDigest(project)).toBe(before);
        fs.writeFileSync(path.join(project, "tenant-configs", "tenant.schema.json"), '{"type": "object"}\n');
        const schema = buildDigest(project);
        expect(schema).not.toBe(before);
        fs.writeFileSync(path.join(project, "package-lock.json"), '{"lockfileVersion": 3}\n');
        expect(buildDigest(project)).not.toBe(schema);
        fs.writeFileSync(path.join(project, "components", "a.ts"), "export const a = 2;\n");
        expect(buildDigest(project)).not.toBe(schema);

        // In a git checkout: the files git tracks, as they are in the working tree.
        const git = (...args: string[]) => expect(spawnSync("git", ["-C", project, ...args], { encoding: "utf8" }).status).toBe(0);
        git("init", "-q");
        git("add", "components", "package-lock.json", "tenant-configs");
        git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "fleet");
        const tracked = buildDigest(project);
        // What a CI job writes beside the code (plan.json, the comment) is not the build.
        fs.writeFileSync(path.join(project, "plan.json"), "{}");
        fs.writeFileSync(path.join(project, "tenant-configs", "acme.yaml"), "tenant: acme\ncompany: Y\n");
        expect(buildDigest(project)).toBe(tracked);
        fs.writeFileSync(path.join(project, "components", "a.ts"), "export const a = 3;\n");
        const edited = buildDigest(project);
        expect(edited).not.toBe(tracked);

        // A module not yet added (git does not track it, nor ignore it) is the build, and so is each edit of it.
        fs.writeFileSync(path.join(project, "components", "b.ts"), "export const b = 1;\n");
        const added = buildDigest(project);
        expect(added).not.toBe(edited);
        fs.writeFileSync(path.join(project, "components", "b.ts"), "export const b = 2;\n");
        expect(buildDigest(project)).not.toBe(added);
        fs.rmSync(path.join(project, "components", "b.ts"));
        expect(buildDigest(project)).toBe(edited);
        // Not the build: what git ignores, wherever it is, and the untracked outputs at the top
        // level (a shard document, the node_modules a base worktree borrows as a symbolic link).
        fs.writeFileSync(path.join(project, ".gitignore"), "/components/generated/\n");
        git("add", ".gitignore");
        const ignoring = buildDigest(project);
        fs.mkdirSync(path.join(project, "components", "generated"));
        fs.writeFileSync(path.join(project, "components", "generated", "c.ts"), "export const c = 1;\n");
        fs.writeFileSync(path.join(project, "plan-shard-1.json"), "{}");
        fs.symlinkSync(path.join(project, "node_modules"), path.join(project, "modules-link"));
        expect(buildDigest(project)).toBe(ignoring);
    });
});
