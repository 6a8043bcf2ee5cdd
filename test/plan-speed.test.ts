// What the plan engine turns off for speed (stack traces, Pulumi's promise bookkeeping and call
// sites) is turned back on afterwards, and a failing stack still reports a useful stack trace.

import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";

import { planStack, PlanError, withInProcessStructs, withoutDiagnostics } from "../scripts/lib/plan/engine";
import { planThreads } from "../scripts/lib/plan/fleet";
import { Tenant } from "../stacks/config/tenant";

const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: unknown };
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
    Struct: { fromJavaScript(value: object): { toJavaScript(): object; getFieldsMap(): { get(key: string): { toJavaScript(): unknown } } } };
};

function failingHelper(): never {
    throw new Error("boom in the program");
}

describe("withoutDiagnostics", () => {
    it("GIVEN work that throws WHEN it ends THEN the stack trace limit and Pulumi's promise wrapper are restored", async () => {
        const limit = Error.stackTraceLimit;
        const wrapper = debuggable.debuggablePromise;
        let inside: number | undefined;
        await expect(
            withoutDiagnostics(async () => {
                inside = Error.stackTraceLimit;
                expect(debuggable.debuggablePromise).not.toBe(wrapper);
                throw new Error("x");
            }),
        ).rejects.toThrow("x");
        expect(inside).toBe(0);
        expect(Error.stackTraceLimit).toBe(limit);
        expect(debuggable.debuggablePromise).toBe(wrapper);
    });
});

describe("withInProcessStructs", () => {
    const value = { name: "vpc", cidrs: ["10.0.0.0/16"], tags: { tenant: "acme" }, count: 2, on: true, none: null };

    it("GIVEN a value WHEN made into a Struct inside THEN it comes back as itself, and its encoded fields on demand", async () => {
        await withInProcessStructs(async () => {
            const struct = Struct.fromJavaScript(value);
            expect(struct.toJavaScript()).toBe(value);
            expect(struct.getFieldsMap().get("tags").toJavaScript()).toEqual({ tenant: "acme" });
        });
    });

    it("GIVEN work that throws WHEN it ends THEN Structs encode again (a copy comes back)", async () => {
        await expect(
            withInProcessStructs(async () => {
                throw new Error("x");
            }),
        ).rejects.toThrow("x");
        const back = Struct.fromJavaScript(value).toJavaScript();
        expect(back).not.toBe(value);
        expect(back).toEqual(value);
    });
});

describe("planStack", () => {
    it("GIVEN a program that fails WHEN planned THEN the error carries the program's stack trace (it is evaluated again with traces)", async () => {
        const error = await planStack({
            stack: "failing",
            region: "eu-west-1",
            program: () => {
                new aws.Provider("failing-aws", { region: "eu-west-1" });
                failingHelper();
            },
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PlanError);
        expect((error as Error).message).toBe("failing: the program failed: boom in the program");
        expect((error as Error).stack).toMatch(/at failingHelper/);
    });
});

describe("planThreads", () => {
    const tenant = (mode: Tenant["mode"], i: number) => ({ id: `t${i}`, mode }) as Tenant;
    it.each([
        ["20 saas tenants", Array.from({ length: 20 }, (_, i) => tenant("saas", i)), 8, 1],
        ["100 cloud tenants on 2 cores", Array.from({ length: 100 }, (_, i) => tenant("cloud", i)), 2, 2],
        ["100 cloud tenants on 1 core", Array.from({ length: 100 }, (_, i) => tenant("cloud", i)), 1, 1],
        ["40 cloud tenants on 8 cores", Array.from({ length: 40 }, (_, i) => tenant("cloud", i)), 8, 1],
        ["1,000 cloud tenants on 8 cores", Array.from({ length: 1000 }, (_, i) => tenant("cloud", i)), 8, 8],
    ])("GIVEN %s WHEN threads are chosen THEN %#: as many as the work repays, at most one per core", (_, tenants, cores, expected) => {
        expect(planThreads(tenants, cores)).toBe(expected);
    });
});
