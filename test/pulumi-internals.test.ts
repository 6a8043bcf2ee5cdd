// The offline plan's patches of Pulumi's internals (scripts/lib/plan/pulumi-internals.ts): the same
// plan with and without them, on only with the versions they were written for, restored after each
// stack, and never silent when off or at fault.

import * as fs from "node:fs";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ensureBuilt } from "../scripts/build";
import { canonicalJson, planStack } from "../scripts/lib/plan/engine";
import { planFleet } from "../scripts/lib/plan/fleet";
import { checkPulumiInternals, deepFreeze, internalsGate, pulumiInternalsSupported, specialValueTests, withPulumiInternalsPatched } from "../scripts/lib/plan/pulumi-internals";
import { inRange, InstalledPackages, installedPackages, SUPPORTED_VERSIONS } from "../scripts/lib/plan/pulumi-versions";
import { loadFixtureFleet } from "./fixtures/fleet";

const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: unknown };
const resource = pulumi.Resource as unknown as { callsites: () => unknown[] };
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
    Struct: { fromJavaScript(value: object): { toJavaScript(): object; getFieldsMap(): { get(key: string): { toJavaScript(): unknown } } } };
};

/** Every `plan: ` line written on stderr while `work` runs (and nothing is written). */
async function stderrNotes<T>(work: () => Promise<T>): Promise<{ result: T; notes: string[] }> {
    const notes: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
        notes.push(String(chunk));
        return true;
    });
    try {
        return { result: await work(), notes };
    } finally {
        spy.mockRestore();
    }
}

const installed = (pulumiVersion: string, protobufVersion: string): InstalledPackages => {
    const real = installedPackages();
    return {
        "@pulumi/pulumi": { ...real["@pulumi/pulumi"], version: pulumiVersion },
        "google-protobuf": { ...real["google-protobuf"], version: protobufVersion },
    };
};

describe("the offline plan of the fixture fleet with and without the patches", () => {
    it("GIVEN the installed versions WHEN planned with the patches and without THEN the documents are byte-identical, and the patched plan fell back on no stack", async () => {
        // An upgrade outside SUPPORTED_VERSIONS fails here: check each patch against the new version, then widen the range.
        expect(pulumiInternalsSupported()).toBe(true);
        const fleet = loadFixtureFleet();
        expect(fleet.problems).toEqual([]);
        const platformRegions = [...new Set(fleet.tenants.map((tenant) => tenant.region))];
        const patched = await stderrNotes(() => planFleet({ tenants: fleet.tenants, platformRegions }));
        const unpatched = await planFleet({ tenants: fleet.tenants, platformRegions, patchInternals: false });
        expect(patched.notes.filter((note) => note.includes("speed patches"))).toEqual([]);
        expect(patched.result.errors).toEqual([]);
        expect(patched.result.tenants.length).toBeGreaterThan(fleet.tenants.length);
        expect(canonicalJson(patched.result)).toBe(canonicalJson(unpatched));
        // The unpatched plan runs at Pulumi's own speed (16 s on an idle 2-core machine): room for a busy one.
    }, 300_000);
});

describe("the deployed program", () => {
    it("GIVEN the build Pulumi runs WHEN its sources are listed THEN none is the offline plan's: Pulumi's internals are patched by the plan only", () => {
        const { sources, errors } = ensureBuilt();
        expect(errors).toEqual([]);
        expect(sources).toContain("index.ts");
        expect(sources.filter((source) => source.startsWith("scripts/") || /internals|promise-traces/.test(source))).toEqual([]);
    });
});

describe("the supported versions", () => {
    it("GIVEN the installed packages WHEN read THEN their versions are those of their package.json files, google-protobuf the copy @pulumi/pulumi loads", () => {
        const found = installedPackages();
        expect(found["@pulumi/pulumi"].version).toBe((require("@pulumi/pulumi/package.json") as { version: string }).version);
        expect(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [found["@pulumi/pulumi"].dir] }).startsWith(found["google-protobuf"].dir)).toBe(true);
        expect(found["google-protobuf"].version).toBe(JSON.parse(fs.readFileSync(`${found["google-protobuf"].dir}/package.json`, "utf8")).version);
    });

    it("GIVEN package.json WHEN read THEN every patched package is a direct dependency pinned to a supported version", () => {
        const manifest = JSON.parse(fs.readFileSync(`${__dirname}/../package.json`, "utf8")) as { dependencies: Record<string, string> };
        for (const [name, range] of Object.entries(SUPPORTED_VERSIONS)) {
            expect(inRange(manifest.dependencies[name] ?? "missing", range), name).toBe(true);
        }
    });

    it.each([
        ["3.270.0", { from: "3.270.0", through: "3.270.0" }, true],
        ["3.271.0", { from: "3.270.0", through: "3.270.0" }, false],
        ["3.269.9", { from: "3.270.0", through: "3.270.0" }, false],
        ["3.270.0-alpha.1", { from: "3.270.0", through: "3.270.0" }, false],
        ["3.272.1", { from: "3.270.0", through: "3.280.0" }, true],
        ["3.280.1", { from: "3.270.0", through: "3.280.0" }, false],
        ["4.0.0", { from: "3.270.0", through: "3.280.0" }, false],
        ["not a version", { from: "3.270.0", through: "3.280.0" }, false],
    ])("GIVEN version %s and range %o WHEN compared THEN in range: %s", (version, range, expected) => {
        expect(inRange(version, range)).toBe(expected);
    });

    it("GIVEN the supported versions WHEN checked THEN the patches are on and nothing is said", () => {
        const report = vi.fn();
        expect(checkPulumiInternals(installed(SUPPORTED_VERSIONS["@pulumi/pulumi"].from, SUPPORTED_VERSIONS["google-protobuf"].from), report)).toBe(true);
        expect(report).not.toHaveBeenCalled();
    });

    it.each([
        ["a newer @pulumi/pulumi", "3.271.0", "3.21.4", "@pulumi/pulumi 3.271.0 (supported: 3.270.0 through 3.270.0)"],
        ["an older @pulumi/pulumi", "3.200.0", "3.21.4", "@pulumi/pulumi 3.200.0 (supported: 3.270.0 through 3.270.0)"],
        ["another google-protobuf", "3.270.0", "4.0.0", "google-protobuf 4.0.0 (supported: 3.21.4 through 3.21.4)"],
    ])("GIVEN %s WHEN checked THEN the patches are off, and it says so naming the version and the supported range", (_, pulumiVersion, protobufVersion, named) => {
        const report = vi.fn();
        expect(checkPulumiInternals(installed(pulumiVersion, protobufVersion), report)).toBe(false);
        expect(report).toHaveBeenCalledTimes(1);
        expect(report.mock.calls[0]![0]).toBe(
            `planning without the speed patches of Pulumi's internals (slower, the same plan): installed ${named}; see scripts/lib/plan/pulumi-internals.ts`,
        );
    });

    it("GIVEN an unsupported version WHEN the gate is asked for every stack THEN it answers off each time and says so once", () => {
        const report = vi.fn();
        const read = vi.fn(() => installed("3.271.0", "3.21.4"));
        const gate = internalsGate(read, report);
        expect([gate(), gate(), gate()]).toEqual([false, false, false]);
        expect(read).toHaveBeenCalledTimes(1);
        expect(report).toHaveBeenCalledTimes(1);
    });
});

describe("planStack and the patches", () => {
    /** What a program sees of the patches while it is evaluated. */
    const observe = (seen: unknown[]) => () => {
        seen.push({ stackTraceLimit: Error.stackTraceLimit, callsites: resource.callsites().length > 0, debuggable: debuggable.debuggablePromise });
        new aws.Provider("observed-aws", { region: "eu-west-1" });
        return {};
    };

    it("GIVEN patchInternals false WHEN a stack is planned THEN the program runs with Pulumi as it ships", async () => {
        const original = debuggable.debuggablePromise;
        const seen: unknown[] = [];
        await planStack({ stack: "unpatched", region: "eu-west-1", program: observe(seen), patchInternals: false });
        expect(seen).toEqual([{ stackTraceLimit: Error.stackTraceLimit, callsites: true, debuggable: original }]);
    });

    it("GIVEN the default WHEN a stack is planned THEN the program runs patched, and everything is restored after", async () => {
        const original = debuggable.debuggablePromise;
        const limit = Error.stackTraceLimit;
        const seen: { stackTraceLimit: number; callsites: boolean; debuggable: unknown }[] = [];
        await planStack({ stack: "patched", region: "eu-west-1", program: observe(seen) });
        expect(seen).toHaveLength(1);
        expect(seen[0]!.stackTraceLimit).toBe(0);
        expect(seen[0]!.callsites).toBe(false);
        expect(seen[0]!.debuggable).not.toBe(original);
        expect(Error.stackTraceLimit).toBe(limit);
        expect(debuggable.debuggablePromise).toBe(original);
    });

    it("GIVEN a stack that fails only with the patches WHEN planned THEN it is planned without them and the plan says so", async () => {
        const { result, notes } = await stderrNotes(() =>
            planStack({
                stack: "patch-sensitive",
                region: "eu-west-1",
                program: () => {
                    if (Error.stackTraceLimit === 0) {
                        throw new Error("needs stack traces");
                    }
                    new aws.Provider("sensitive-aws", { region: "eu-west-1" });
                    return {};
                },
            }),
        );
        expect(result.plan.resources.map((planned) => planned.name)).toEqual(["sensitive-aws"]);
        expect(notes).toEqual([
            "plan: patch-sensitive: planned without the speed patches of Pulumi's internals, with which it failed (patch-sensitive: the program failed: needs stack traces); they do not fit the installed @pulumi/pulumi: see scripts/lib/plan/pulumi-internals.ts\n",
        ]);
    });
});

describe("withPulumiInternalsPatched", () => {
    const value = () => ({ name: "vpc", cidrs: ["10.0.0.0/16"], tags: { tenant: "acme" }, count: 2, on: true, none: null });
    afterEach(() => vi.restoreAllMocks());

    it("GIVEN two patched windows that overlap (two plans at once) WHEN both end, in either order THEN everything is restored, and patched while either is open", async () => {
        const limit = Error.stackTraceLimit;
        const wrapper = debuggable.debuggablePromise;
        for (const firstEnds of [true, false]) {
            let endFirst!: () => void;
            let endSecond!: () => void;
            const first = withPulumiInternalsPatched(() => new Promise<void>((resolve) => (endFirst = resolve)));
            const second = withPulumiInternalsPatched(() => new Promise<void>((resolve) => (endSecond = resolve)));
            expect(Error.stackTraceLimit).toBe(0);
            (firstEnds ? endFirst : endSecond)();
            await (firstEnds ? first : second);
            expect(Error.stackTraceLimit).toBe(0);
            expect(debuggable.debuggablePromise).not.toBe(wrapper);
            (firstEnds ? endSecond : endFirst)();
            await Promise.all([first, second]);
            expect(Error.stackTraceLimit).toBe(limit);
            expect(debuggable.debuggablePromise).toBe(wrapper);
        }
    });

    it("GIVEN work that throws WHEN it ends THEN the stack trace limit, Pulumi's promise wrapper, call sites and Structs are restored", async () => {
        const limit = Error.stackTraceLimit;
        const wrapper = debuggable.debuggablePromise;
        const callsites = resource.callsites;
        let inside: number | undefined;
        await expect(
            withPulumiInternalsPatched(async () => {
                inside = Error.stackTraceLimit;
                expect(debuggable.debuggablePromise).not.toBe(wrapper);
                expect(resource.callsites()).toEqual([]);
                throw new Error("x");
            }),
        ).rejects.toThrow("x");
        expect(inside).toBe(0);
        expect(Error.stackTraceLimit).toBe(limit);
        expect(debuggable.debuggablePromise).toBe(wrapper);
        expect(resource.callsites).toBe(callsites);
        const given = value();
        const back = Struct.fromJavaScript(given).toJavaScript();
        expect(back).not.toBe(given);
        expect(back).toEqual(given);
        expect(Object.isFrozen(given)).toBe(false);
    });

    it("GIVEN a value WHEN made into a Struct inside THEN it comes back as itself, and its encoded fields on demand", async () => {
        await withPulumiInternalsPatched(async () => {
            const given = value();
            const struct = Struct.fromJavaScript(given);
            expect(struct.toJavaScript()).toBe(given);
            expect(struct.getFieldsMap().get("tags").toJavaScript()).toEqual({ tenant: "acme" });
        });
    });

    it("GIVEN a value handed over inside WHEN either end changes it afterwards THEN the change throws (a wrong plan becomes a failure)", async () => {
        await withPulumiInternalsPatched(async () => {
            const given = value();
            const received = Struct.fromJavaScript(given).toJavaScript() as ReturnType<typeof value>;
            expect(() => {
                given.tags.tenant = "globex";
            }).toThrow(TypeError);
            expect(() => {
                received.cidrs.push("10.1.0.0/16");
            }).toThrow(TypeError);
            expect(() => {
                (received as Record<string, unknown>).added = 1;
            }).toThrow(TypeError);
            expect(given).toEqual(value());
        });
    });

    it("GIVEN a nested value WHEN frozen THEN every object and array in it is", () => {
        const nested = deepFreeze({ a: [{ b: { c: [1] } }], d: "x" });
        expect([nested, nested.a, nested.a[0], nested.a[0]!.b, nested.a[0]!.b.c].every(Object.isFrozen)).toBe(true);
    });
});

describe("the values serialized specially", () => {
    const dir = installedPackages()["@pulumi/pulumi"].dir;
    const resource = Object.create(pulumi.CustomResource.prototype) as object;

    it("GIVEN the installed @pulumi/pulumi WHEN its tests are read THEN they become one direct read of their members, answering as Pulumi's own tests", () => {
        const tests = specialValueTests(dir);
        // One test: every isInstance (and isUnknown) was of the shape whose member is read directly.
        expect(tests).toHaveLength(1);
        const pulumiTests = [pulumi.asset.Asset.isInstance, pulumi.asset.Archive.isInstance, pulumi.Output.isInstance, pulumi.CustomResource.isInstance, pulumi.ComponentResource.isInstance];
        const values: object[] = [
            new pulumi.asset.StringAsset("x"),
            new pulumi.asset.AssetArchive({}),
            pulumi.output(1),
            resource,
            { __pulumiComponentResource: true },
            { __pulumiUnknown: true },
            { __pulumiOutput: "true" },
            { plain: true },
            [1, 2],
            Object.create(null) as object,
        ];
        for (const value of values) {
            const expected = pulumiTests.some((test) => test(value)) || (value as { __pulumiUnknown?: unknown }).__pulumiUnknown === true;
            expect(tests[0]!(value), JSON.stringify(value)).toBe(expected);
        }
    });
});
