// The offline plan's lazy resource properties, plain-first serialization and direct dependency URNs
// (scripts/lib/plan/pulumi-internals.ts): each compared with the @pulumi/pulumi function it stands
// in for, on the same inputs, so that what a program observes is the same.

import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

import {
    directDependencyUrns,
    lazyTransferProperties,
    noDependenciesAtOnce,
    plainFirstSerialization,
    resourceKinds,
    withPulumiInternalsPatched,
} from "../scripts/lib/plan/pulumi-internals";
import { installedPackages } from "../scripts/lib/plan/pulumi-versions";

type Resolver = (value: unknown, isKnown: boolean, isSecret: boolean, deps?: unknown[], error?: unknown) => void;
type Transfer = (onto: object, label: string, props: Record<string, unknown>) => Record<string, Resolver>;

const rpc = require("@pulumi/pulumi/runtime/rpc") as {
    transferProperties: Transfer;
    serializeProperty: (context: string, value: unknown, deps?: Set<unknown>, options?: object) => Promise<unknown>;
    serializeProperties: (label: string, props: Record<string, unknown>) => Promise<Record<string, unknown>>;
    serializeResourceProperties: (label: string, props: Record<string, unknown>, options?: object) => Promise<[Record<string, unknown>, Map<string, Set<unknown>>]>;
};
const { Output } = require("@pulumi/pulumi/output") as { Output: ConstructorParameters<typeof Object>[0] };
const { isGrpcError } = require("@pulumi/pulumi/errors") as { isGrpcError: (error: unknown) => boolean };
const settings = require("@pulumi/pulumi/runtime/settings") as { excessiveDebugOutput: boolean };
type ReferencedUrns = (resources: Iterable<unknown> | undefined, exclude: ReadonlySet<unknown>) => Promise<Set<string>>;
const dependsOn = require("@pulumi/pulumi/runtime/dependsOn") as {
    getAllTransitivelyReferencedResourceURNs: ReferencedUrns;
    gatherExplicitDependencies: (dependsOn: unknown) => Promise<unknown[]>;
};

/** Counts the Outputs made, each an @pulumi/pulumi Output. */
function countingOutput(): { made: () => number; Output: never } {
    let made = 0;
    const Counted = function (...args: unknown[]) {
        made += 1;
        return new (Output as new (...a: unknown[]) => object)(...args);
    };
    return { made: () => made, Output: Counted as never };
}

/** What a program can observe of an Output: its value, known-ness, secretness and resources, or its error. */
async function observed(output: pulumi.Output<unknown>): Promise<unknown> {
    const internal = output as unknown as { promise(withUnknowns?: boolean): Promise<unknown>; isKnown: Promise<boolean>; isSecret: Promise<boolean>; allResources(): Promise<Set<unknown>> };
    try {
        const [value, isKnown, isSecret, resources] = await Promise.all([internal.promise(true), internal.isKnown, internal.isSecret, internal.allResources()]);
        return { value, isKnown, isSecret, resources: [...resources].length };
    } catch (error) {
        return { error: (error as Error).message };
    }
}

/** The internal side of an Output that Pulumi's runtime awaits. */
const promised = (output: unknown): Promise<unknown> => (output as { promise(): Promise<unknown> }).promise();

const grpcError = Object.assign(new Error("monitor gone"), { code: 14, details: "x", metadata: {} });

/** The resolver calls of a registration, as resolveProperties makes them (and pending.fail). */
const scenarios: [string, Parameters<Resolver>[]][] = [
    ["a value", [["vpc-123", true, false, []]]],
    ["a secret", [["s3cr3t", true, true, []]]],
    ["an unknown", [[undefined, false, false]]],
    ["a nested value", [[{ cidrs: ["10.0.0.0/16"], tags: { tenant: "acme" } }, true, false, []]]],
    ["an error", [[undefined, true, false, [], new Error("registration failed")]]],
    ["a second call after the first (ignored)", [["first", true, false, []], ["second", true, false, []]]],
];

describe("lazyTransferProperties", () => {
    it.each(scenarios)(
        "GIVEN %s WHEN the property is read before and after the registration settles THEN the Output is observed as transferProperties' is",
        async (_, calls) => {
            for (const readFirst of [true, false]) {
                const original: Record<string, unknown> = {};
                const lazy: Record<string, unknown> = {};
                const originalResolvers = rpc.transferProperties(original, "resource:x[t]", { arn: undefined, name: "n" });
                const lazyResolvers = lazyTransferProperties(Output as never, isGrpcError)(lazy, "resource:x[t]", { arn: undefined, name: "n" });
                expect(Object.keys(lazyResolvers)).toEqual(Object.keys(originalResolvers));
                const early = readFirst ? lazy.arn : undefined;
                for (const call of calls) {
                    originalResolvers.arn!(...call);
                    lazyResolvers.arn!(...call);
                }
                const late = lazy.arn;
                if (readFirst) {
                    expect(late).toBe(early);
                }
                expect(pulumi.Output.isInstance(late)).toBe(true);
                expect(await observed(late as pulumi.Output<unknown>)).toEqual(await observed(original.arn as pulumi.Output<unknown>));
            }
        },
    );

    it("GIVEN a monitor that went away (a gRPC error) WHEN the property is read THEN it never settles, as transferProperties' does not", async () => {
        const lazy: Record<string, unknown> = {};
        lazyTransferProperties(Output as never, isGrpcError)(lazy, "resource:x[t]", { arn: undefined }).arn!(undefined, true, false, [], grpcError);
        const settled = await Promise.race([promised(lazy.arn).then(() => "settled", () => "settled"), new Promise((resolve) => setTimeout(() => resolve("pending"), 50))]);
        expect(settled).toBe("pending");
    });

    it("GIVEN a resource's properties WHEN registered THEN they are own, enumerable properties as before, and an Output is made only for those read", async () => {
        const counting = countingOutput();
        const onto: Record<string, unknown> = {};
        const resolvers = lazyTransferProperties(counting.Output, isGrpcError)(onto, "resource:x[t]", { id: undefined, urn: undefined, arn: undefined, name: "n", tags: {} });
        expect(Object.keys(onto)).toEqual(["arn", "name", "tags"]);
        expect(Object.keys(resolvers)).toEqual(["arn", "name", "tags"]);
        expect(Object.prototype.hasOwnProperty.call(onto, "arn")).toBe(true);
        for (const [key, resolve] of Object.entries(resolvers)) {
            resolve(key === "name" ? "n" : undefined, true, false, []);
        }
        expect(counting.made()).toBe(0);
        expect(await promised(onto.name)).toBe("n");
        expect(onto.name).toBe(onto.name);
        expect(counting.made()).toBe(1);
    });

    it("GIVEN a property assigned before it is read WHEN read THEN it is the value assigned", () => {
        const onto: Record<string, unknown> = {};
        lazyTransferProperties(Output as never, isGrpcError)(onto, "resource:x[t]", { arn: undefined });
        onto.arn = "assigned";
        expect(onto.arn).toBe("assigned");
    });

    it("GIVEN a property already on the resource WHEN transferred THEN it fails with transferProperties' message", () => {
        const message = (transfer: Transfer): string => {
            try {
                transfer({ arn: 1 }, "resource:x[t]", { arn: undefined });
            } catch (error) {
                return (error as Error).message;
            }
            return "no error";
        };
        expect(message(lazyTransferProperties(Output as never, isGrpcError))).toBe(message(rpc.transferProperties));
    });
});

describe("plainFirstSerialization", () => {
    const special = [pulumi.asset.Asset.isInstance, pulumi.asset.Archive.isInstance, pulumi.Output.isInstance, pulumi.CustomResource.isInstance, pulumi.ComponentResource.isInstance, pulumi.isUnknown];
    const serialize = plainFirstSerialization(rpc.serializeProperty as never, special as never, settings);
    const cases: [string, () => Record<string, unknown>][] = [
        ["primitives and undefined", () => ({ a: "x", b: 1, c: true, d: null, e: undefined, f: () => 1 })],
        ["nested arrays and objects", () => ({ list: [1, undefined, () => 2, { k: undefined, v: [null] }], map: { x: { y: "z" }, gone: undefined } })],
        ["a key __proto__ and an object without prototype", () => ({ o: Object.assign(Object.create(null) as object, { k: "v" }), p: JSON.parse('{"__proto__": {"x": 1}}') as unknown })],
        ["Outputs, promises and secrets among plain values", () => ({ o: pulumi.output("v"), p: Promise.resolve({ n: 1 }), s: pulumi.secret("hidden"), list: ["a", pulumi.output("b")], plain: { q: 1 } })],
        ["an asset and a class instance", () => ({ asset: new pulumi.asset.StringAsset("text"), date: new Date(0), map: new Map([["k", "v"]]) })],
    ];

    it.each(cases)("GIVEN %s WHEN serialized THEN the same properties, values and dependencies as Pulumi's serializeResourceProperties", async (_, props) => {
        const accept = (key: string): boolean => key !== "id" && key !== "urn";
        const [ours, ourDependencies] = await serialize("label", props(), accept);
        const [pulumis, pulumiDependencies] = await rpc.serializeResourceProperties("label", props());
        expect(JSON.stringify(ours)).toBe(JSON.stringify(pulumis));
        expect(ours).toEqual(pulumis);
        expect([...ourDependencies.keys()]).toEqual([...pulumiDependencies.keys()]);
    });

    it("GIVEN a property that fails to serialize WHEN serialized THEN the same error, naming the property", async () => {
        const props = () => ({ ok: "x", bad: Promise.reject(new Error("boom")) });
        const ours = await serialize("label", props(), () => true).catch((error: Error) => error.message);
        const pulumis = await rpc.serializeResourceProperties("label", props()).catch((error: Error) => error.message);
        expect(ours).toBe('error serializing property "bad": boom');
        expect(ours).toBe(pulumis);
    });

    it("GIVEN the patched window WHEN it is open THEN Pulumi's serialization and transfer are swapped, and restored after", async () => {
        const originals = [rpc.transferProperties, rpc.serializeProperties, rpc.serializeResourceProperties];
        await withPulumiInternalsPatched(async () => {
            expect([rpc.transferProperties, rpc.serializeProperties, rpc.serializeResourceProperties].some((patched, index) => patched === originals[index])).toBe(false);
            expect(await rpc.serializeProperties("label", { a: [undefined], b: undefined })).toEqual({ a: [null] });
        });
        expect([rpc.transferProperties, rpc.serializeProperties, rpc.serializeResourceProperties]).toEqual(originals);
    });
});

describe("directDependencyUrns", () => {
    // Resources as runtime/dependsOn.js sees them: the members Pulumi's isInstance tests read, a URN
    // Output, and for a component its children once constructed.
    const custom = (name: string): object => ({ __pulumiResource: true, __pulumiCustomResource: true, urn: pulumi.output(`urn:${name}`) });
    const component = (name: string, children: object[], remote = false): object => ({
        __pulumiResource: true,
        __pulumiComponentResource: true,
        ...(remote ? { __remote: true } : {}),
        __data: Promise.resolve({}),
        __childResources: new Set(children),
        urn: pulumi.output(`urn:${name}`),
    });
    // Its URN as the walk reads it (`urn.promise()`): an Output of a rejected promise would also reject its other promises, unhandled.
    const failing = (): object => ({ __pulumiResource: true, __pulumiCustomResource: true, urn: { promise: () => Promise.reject(new Error("no urn")) } });
    const [a, b, c] = [custom("a"), custom("b"), custom("c")];
    const neither = { __pulumiResource: true, urn: pulumi.output("urn:neither") };
    const cases: [string, () => [Iterable<unknown> | undefined, Set<unknown>]][] = [
        ["nothing", () => [new Set(), new Set()]],
        ["no collection at all", () => [undefined, new Set()]],
        ["custom resources", () => [new Set([b, a, c]), new Set()]],
        ["a list with a resource twice", () => [[a, b, a], new Set()]],
        ["the registering resource among them (excluded)", () => [new Set([a, b]), new Set([a])]],
        ["a resource neither custom nor a component", () => [new Set([neither, a]), new Set()]],
        ["a component parenting custom resources and another component", () => [new Set([a, component("k", [b, component("k2", [c])])]), new Set()]],
        ["a remote component", () => [new Set([component("r", [a], true)]), new Set()]],
        ["a resource whose URN fails", () => [new Set([a, failing()]), new Set()]],
    ];
    // Pulumi's own kind tests, from the installed @pulumi/pulumi, as the patch gets them.
    const kinds = resourceKinds(installedPackages()["@pulumi/pulumi"].dir);
    const direct = directDependencyUrns(dependsOn.getAllTransitivelyReferencedResourceURNs, kinds);
    const outcome = (urns: Promise<Set<string>>): Promise<unknown> => urns.then((set) => ({ urns: [...set] }), (error: Error) => ({ error: error.message }));

    it.each(cases)("GIVEN %s WHEN their URNs are gathered THEN the same URNs in the same order, or the same error, as Pulumi's walk", async (_, input) => {
        const [resources, exclude] = input();
        const ours = await outcome(direct(resources, exclude));
        expect(ours).toEqual(await outcome(dependsOn.getAllTransitivelyReferencedResourceURNs(resources, exclude)));
    });

    it("GIVEN custom resources only WHEN gathered THEN Pulumi's walk is not called; with a component it is", async () => {
        let walked = 0;
        const counted = directDependencyUrns((resources, exclude) => {
            walked += 1;
            return dependsOn.getAllTransitivelyReferencedResourceURNs(resources, exclude);
        }, kinds);
        expect([...(await counted(new Set([a, b]), new Set()))]).toEqual(["urn:a", "urn:b"]);
        expect(walked).toBe(0);
        expect([...(await counted(new Set([component("k", [c])]), new Set()))]).toEqual(["urn:c"]);
        expect(walked).toBe(1);
    });

    it("GIVEN no dependsOn WHEN gathered THEN an empty list without Pulumi's function; with one, Pulumi's answer", async () => {
        const calls: unknown[] = [];
        const gather = noDependenciesAtOnce(async (value) => {
            calls.push(value);
            return dependsOn.gatherExplicitDependencies(value);
        });
        for (const none of [undefined, null, false, 0, ""]) {
            expect(await gather(none)).toEqual(await dependsOn.gatherExplicitDependencies(none));
        }
        expect(calls).toEqual([]);
        expect(await gather([a, Promise.resolve(b)])).toEqual([a, b]);
        expect(calls).toHaveLength(1);
    });

    it("GIVEN the patched window WHEN it is open THEN dependsOn's functions are swapped, and restored after", async () => {
        const originals = [dependsOn.getAllTransitivelyReferencedResourceURNs, dependsOn.gatherExplicitDependencies];
        await withPulumiInternalsPatched(async () => {
            expect(dependsOn.getAllTransitivelyReferencedResourceURNs).not.toBe(originals[0]);
            expect(dependsOn.gatherExplicitDependencies).not.toBe(originals[1]);
            expect([...(await dependsOn.getAllTransitivelyReferencedResourceURNs(new Set([a]), new Set()))]).toEqual(["urn:a"]);
        });
        expect([dependsOn.getAllTransitivelyReferencedResourceURNs, dependsOn.gatherExplicitDependencies]).toEqual(originals);
    });
});
