// The claims cache (claims.ts) is the CLIs': they pass `claimCacheFile()` when they check a file
// against its folder. The deployed program passes none: under `pulumi up` a stack reads no cache
// and writes nothing beside the program. `claimingFiles` is wrapped to see which cache each caller
// passes (and to keep the CLIs' cache of this test in a temporary folder).

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";

import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

import { claimCacheFile } from "../stacks/config/claims";
import { loadStackTenant } from "../stacks";
import { main as tenantNew } from "../scripts/tenant-new";
import { FIXTURE_TENANTS } from "./fixtures/fleet";

const seen = vi.hoisted(() => ({ caches: [] as (string | false)[], redirect: "" }));

vi.mock("../stacks/config/claims", async (importOriginal) => {
    const actual = await importOriginal<typeof import("../stacks/config/claims")>();
    return {
        ...actual,
        claimingFiles: (inputs: Parameters<typeof actual.claimingFiles>[0], cacheFile: string | false) => {
            seen.caches.push(cacheFile);
            return actual.claimingFiles(inputs, cacheFile === false ? false : seen.redirect);
        },
    };
});

const created: string[] = [];
afterAll(() => created.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function temporary(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    created.push(dir);
    return dir;
}

/** A copy of the fixture fleet (tests never read tenant-configs/). */
function fixtureFleet(): string {
    const dir = temporary("claim-cache-fleet-");
    for (const name of fs.readdirSync(FIXTURE_TENANTS).filter((file) => file.endsWith(".yaml"))) {
        fs.copyFileSync(path.join(FIXTURE_TENANTS, name), path.join(dir, name));
    }
    return dir;
}

/** Records every fs call that writes, and every read of a path under a `.cache` folder, while `body` runs. */
function recordingFs<T>(body: () => T): { result: T; writes: string[]; cacheReads: string[] } {
    const nodeFs = createRequire(__filename)("node:fs") as Record<string, unknown>;
    const writes: string[] = [];
    const cacheReads: string[] = [];
    const wrapped: [string, unknown][] = [];
    const wrap = (name: string, onCall: (args: unknown[]) => void): void => {
        const original = nodeFs[name] as (...args: unknown[]) => unknown;
        wrapped.push([name, original]);
        nodeFs[name] = function (this: unknown, ...args: unknown[]) {
            onCall(args);
            return original.apply(this, args);
        };
    };
    for (const name of ["writeFileSync", "appendFileSync", "renameSync", "mkdirSync", "copyFileSync", "rmSync", "unlinkSync", "writeSync"]) {
        wrap(name, (args) => writes.push(`${name}(${String(args[0])})`));
    }
    wrap("openSync", (args) => {
        if (args[1] !== undefined && args[1] !== "r") {
            writes.push(`openSync(${String(args[0])}, ${String(args[1])})`);
        }
    });
    for (const name of ["readFileSync", "existsSync", "statSync", "openSync"]) {
        wrap(name, (args) => {
            if (String(args[0]).split(path.sep).includes(".cache")) {
                cacheReads.push(`${name}(${String(args[0])})`);
            }
        });
    }
    try {
        return { result: body(), writes, cacheReads };
    } finally {
        for (const [name, original] of wrapped.reverse()) {
            nodeFs[name] = original;
        }
    }
}

describe("the claims cache", () => {
    beforeEach(() => {
        seen.caches.length = 0;
        seen.redirect = path.join(temporary("claim-cache-"), "tenant-claims.json");
    });

    it("GIVEN a tenant folder WHEN a stack loads its tenant as under pulumi up THEN it uses no claims cache and writes nothing", () => {
        const dir = fixtureFleet();
        const { result, writes, cacheReads } = recordingFs(() => loadStackTenant("globex", dir));
        expect(result).toMatchObject({ id: "globex" });
        expect(seen.caches).toEqual([false]);
        expect(writes).toEqual([]);
        expect(cacheReads).toEqual([]);
        expect(fs.existsSync(seen.redirect)).toBe(false);
    });

    it("GIVEN a new tenant WHEN tenant:new checks and plans it THEN it checks it against the folder through the CLIs' claims cache", async () => {
        const dir = fixtureFleet();
        const others = fs.readdirSync(dir).length;
        const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
        io.stdin.end();
        const code = await tenantNew(["--yes", "--dir", dir, "--tenant", "umbrella", "--company", "Umbrella Corporation", "--mode", "saas", "--region", "eu-west-1"], io);
        expect(code).toBe(0);
        expect(seen.caches).toEqual([claimCacheFile()]);
        // The cache now knows every other file of the folder by its bytes.
        const cache = JSON.parse(fs.readFileSync(seen.redirect, "utf8")) as { entries: Record<string, unknown> };
        expect(Object.keys(cache.entries)).toHaveLength(others);
    });
});
