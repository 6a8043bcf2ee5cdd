// A failing stack still reports a useful stack trace although the plan engine turns stack traces
// off for speed (the patches themselves: test/pulumi-internals.test.ts); threads per fleet.

import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";

import { planStack, PlanError } from "../scripts/lib/plan/engine";
import { planThreads } from "../scripts/lib/plan/fleet-weights";
import { Tenant } from "../stacks/config/tenant";

function failingHelper(): never {
    throw new Error("boom in the program");
}

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
