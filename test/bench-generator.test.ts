// The benchmark's synthetic fleet (bench/generate.ts) stays valid and plannable: CI generates 20
// tenants, validates them with zero problems and plans them all, in one thread and in two.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { generateFleet, networkAllocator, platformDirOf, prng, publicAddress, writeFleet } from "../bench/generate";
import { loadPlatformFleet } from "../stacks/config/platform-file";
import { canonicalJson } from "../scripts/lib/plan/engine";
import { planFleet, PlanDocument } from "../scripts/lib/plan/fleet";
import { ChunkMessage, planClaimedChunks } from "../scripts/lib/plan/fleet-threads";
import { CACHE_READ_SPEEDUP, chunkByWeight, chunkWeightOf, PLAN_WEIGHT } from "../scripts/lib/plan/fleet-weights";
import { parseAddress, specialPurposeRange } from "../lib/ipv4";
import { MODE_TRAITS } from "../lib/modes";
import { Tenant } from "../stacks/config/tenant";
import { MODES } from "../lib/modes";
import { loadFleetDirectory } from "../stacks/config/load-fleet";
import { FleetValidation } from "../stacks/config/validate";
import { quotasRaised } from "./helpers";

/** The generated fleet puts more dedicated-cloud tenants in a region than the default 5 VPCs hold: an account granted them. */
const ROOMY = quotasRaised({ vpcs: 100, internetGateways: 100, vpnGateways: 100 });

const N = 20;

describe("the generator", () => {
    it("GIVEN the same seed WHEN generated twice THEN the files are byte-identical, and another seed gives others", () => {
        const first = generateFleet({ count: 50, seed: 7 }).map((tenant) => tenant.text);
        expect(generateFleet({ count: 50, seed: 7 }).map((tenant) => tenant.text)).toEqual(first);
        expect(generateFleet({ count: 50, seed: 8 }).map((tenant) => tenant.text)).not.toEqual(first);
    });

    it("GIVEN 1,000 tenants WHEN generated THEN every mode appears near its share and ids, domains and networks are unique", () => {
        const tenants = generateFleet({ count: 1000 });
        const count = (mode: string) => tenants.filter((tenant) => tenant.document.mode === mode).length;
        expect(count("saas")).toBeGreaterThan(430);
        expect(count("saas")).toBeLessThan(570);
        for (const mode of MODES) {
            expect(count(mode), mode).toBeGreaterThan(20);
        }
        const unique = (values: (string | undefined)[]) => {
            const present = values.filter((value): value is string => value !== undefined);
            expect(new Set(present).size).toBe(present.length);
        };
        unique(tenants.map((tenant) => tenant.document.tenant));
        unique(tenants.map((tenant) => tenant.document.domain?.subdomain));
        unique(tenants.map((tenant) => tenant.document.domain?.own));
        unique(tenants.map((tenant) => tenant.document.network?.cidr));
    });

    it("GIVEN the first six tenants WHEN generated THEN they are one of each mode, so even N = 10 covers all six", () => {
        expect(generateFleet({ count: 6 }).map((tenant) => tenant.document.mode)).toEqual([...MODES]);
    });

    it("GIVEN many draws WHEN a customer gateway address is made THEN none is in a special-purpose range", () => {
        const random = prng(1);
        for (let i = 0; i < 5000; i++) {
            expect(specialPurposeRange(parseAddress(publicAddress(random))!)).toBeUndefined();
        }
    });

    it("GIVEN the network blocks WHEN exhausted THEN the allocator says so instead of reusing a network", () => {
        const next = networkAllocator(["10.16.0.0/19"], 20);
        expect([next(), next()]).toEqual(["10.16.0.0/20", "10.16.16.0/20"]);
        expect(() => next()).toThrow(/hold 2 \/20 networks/);
    });
});

describe("chunks the plan threads claim", () => {
    const tenants = generateFleet({ count: 400 }).map((tenant) => ({ id: tenant.document.tenant, mode: tenant.document.mode }));
    const weight = (chunk: readonly (typeof tenants)[number][]) => chunk.reduce((sum, tenant) => sum + PLAN_WEIGHT[tenant.mode], 0);

    it("GIVEN tenants of uneven weight WHEN chunked THEN the chunks are consecutive, in order, each just reaching the weight but the last", () => {
        const chunks = chunkByWeight(tenants, 1000);
        expect(chunks.flat()).toEqual(tenants);
        expect(chunks.length).toBeGreaterThan(10);
        for (const chunk of chunks.slice(0, -1)) {
            expect(weight(chunk)).toBeGreaterThanOrEqual(1000);
            expect(weight(chunk.slice(0, -1))).toBeLessThan(1000);
        }
        expect(weight(chunks.at(-1)!)).toBeGreaterThan(0);
    });

    it("GIVEN tenants read from the plan cache WHEN chunked THEN they weigh a fraction of planned ones, so a chunk holds about as much work, not a thousand tenants", () => {
        for (const mode of MODES) {
            expect(chunkWeightOf(mode, false)).toBe(PLAN_WEIGHT[mode]);
            expect(chunkWeightOf(mode, true)).toBe(Math.ceil(PLAN_WEIGHT[mode] / CACHE_READ_SPEEDUP));
            expect(chunkWeightOf(mode, true)).toBeGreaterThanOrEqual(1);
        }
        const cached = chunkByWeight(tenants, 1000, (tenant) => chunkWeightOf(tenant.mode, true));
        const planned = chunkByWeight(tenants, 1000);
        expect(cached.flat()).toEqual(tenants);
        // About CACHE_READ_SPEEDUP times fewer chunks, each of about CACHE_READ_SPEEDUP times more tenants.
        expect(cached.length).toBeGreaterThan(1);
        expect(Math.max(...cached.map((chunk) => chunk.length))).toBeLessThan(tenants.length / 2);
        expect(planned.length / cached.length).toBeGreaterThan(CACHE_READ_SPEEDUP / 2);
    });

    it("GIVEN chunks that never wait on anything WHEN a thread plans them THEN the event loop turns between chunks (the other threads' messages get in)", async () => {
        const events: string[] = [];
        const work = { chunks: [[], [], []], config: {}, stackOutputs: [], claims: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT), patchInternals: false };
        setImmediate(() => events.push("message"));
        await planClaimedChunks(work, (message: ChunkMessage) => events.push("chunk" in message ? `chunk ${message.chunk}` : "done"));
        expect(events).toEqual(["chunk 0", "message", "chunk 1", "chunk 2", "done"]);
    });

    it("GIVEN no tenant or one heavier than the weight WHEN chunked THEN there is no chunk, or one of its own", () => {
        expect(chunkByWeight([], 1000)).toEqual([]);
        expect(chunkByWeight([{ mode: "cloud" as const }], 10)).toEqual([[{ mode: "cloud" }]]);
    });
});

describe(`a generated fleet of ${N}`, () => {
    let dir: string;
    let fleet: FleetValidation;
    let regions: string[];
    let inOneThread: PlanDocument;

    beforeAll(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-generator-"));
        writeFleet(dir, generateFleet({ count: N }));
        fleet = loadFleetDirectory(dir, { platformDir: platformDirOf(dir) });
        regions = [...new Set(fleet.tenants.map((tenant: Tenant) => tenant.region))];
        inOneThread = await planFleet({ tenants: fleet.tenants, platformRegions: regions, threads: 1, quotas: ROOMY, platforms: loadPlatformFleet(platformDirOf(dir)) });
    });

    afterAll(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("GIVEN the files WHEN validated together THEN there is no problem at all and every mode is there", () => {
        expect(fleet.problems).toEqual([]);
        expect(fleet.tenants).toHaveLength(N);
        expect(new Set(fleet.tenants.map((tenant) => tenant.mode))).toEqual(new Set(MODES));
    });

    it("GIVEN the fleet WHEN planned with every platform THEN every tenant and platform is planned without error", () => {
        expect(inOneThread.errors).toEqual([]);
        expect(inOneThread.tenants.map((plan) => plan.tenant).sort()).toEqual(
            // Each dedicated tenant and each platform with its recovery environment.
            [
                ...fleet.tenants.map((tenant) => tenant.id),
                ...fleet.tenants.filter((tenant) => MODE_TRAITS[tenant.mode].network).map((tenant) => `${tenant.id}-recovery`),
                ...regions.flatMap((region) => [`platform-${region}`, `platform-${region}-recovery`]),
            ].sort(),
        );
        for (const plan of inOneThread.tenants) {
            expect(plan.resources.length, plan.tenant).toBeGreaterThan(0);
        }
    });

    it("GIVEN the fleet WHEN planned in two threads THEN the document is byte-identical to one thread's", async () => {
        const inTwo = await planFleet({ tenants: fleet.tenants, platformRegions: regions, threads: 2, quotas: ROOMY, platforms: loadPlatformFleet(platformDirOf(dir)) });
        expect(canonicalJson(inTwo)).toBe(canonicalJson(inOneThread));
    });
});
