// The offline plan's lazy resource properties and plain-first serialization
// (scripts/lib/plan/pulumi-internals.ts): each compared with the @pulumi/pulumi function it stands
// in for, on the same inputs, so that what a program observes is the same.

import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";

import { lazyTransferProperties, plainFirstSerialization, withPulumiInternalsPatched } from "../scripts/lib/plan/pulumi-internals";

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
