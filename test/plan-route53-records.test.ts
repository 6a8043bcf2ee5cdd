// Route 53's rules over the records of one name and type written by several stacks
// (scripts/lib/plan/route53-records.ts): the production stack's PRIMARY beside its recovery stack's
// SECONDARY is what AWS accepts; a simple record beside either, two PRIMARYs, a shared set identifier
// or a routing policy without one is refused, as ChangeResourceRecordSets would.

import { describe, expect, it } from "vitest";

import type { PlannedResource } from "../scripts/lib/plan/engine";
import { RecordStack, recordSetProblems } from "../scripts/lib/plan/route53-records";
import { planOfFixtureFleet } from "./fixtures/fleet";

const ZONE = "Z0123456789ABCDEFGHIJ";
const HOST = "acme.itm.example.net";

function record(name: string, inputs: Record<string, unknown>): PlannedResource {
    return { type: "aws:route53/record:Record", name, id: `${name}-id`, parent: null, inputs: { zoneId: ZONE, name: HOST, type: "A", ...inputs }, protect: false, retainOnDelete: false };
}
const stack = (tenant: string, ...resources: PlannedResource[]): RecordStack => ({ tenant, source: `tenant-configs/${tenant}.yaml`, resources });
const primary = (name: string, extra: Record<string, unknown> = {}) => record(name, { setIdentifier: "production", failoverRoutingPolicies: [{ type: "PRIMARY" }], healthCheckId: "hc-1", ...extra });
const secondary = (name: string, extra: Record<string, unknown> = {}) => record(name, { setIdentifier: "recovery", failoverRoutingPolicies: [{ type: "SECONDARY" }], ...extra });
const simple = (name: string) => record(name, { aliases: [{ name: "lb", zoneId: "Z1", evaluateTargetHealth: true }] });

describe("recordSetProblems", () => {
    it("GIVEN a PRIMARY in production and a SECONDARY in its recovery stack WHEN checked THEN nothing is refused", () => {
        expect(recordSetProblems([stack("acme", primary("acme-front-door-alias")), stack("acme-recovery", secondary("acme-recovery-dns"))])).toEqual([]);
    });

    it("GIVEN the same name in two zones or of two types WHEN checked THEN they are different record sets", () => {
        expect(recordSetProblems([stack("a", simple("a-1")), stack("b", { ...simple("b-1"), inputs: { ...simple("b-1").inputs, zoneId: "ZOTHER" } }), stack("c", { ...simple("c-1"), inputs: { ...simple("c-1").inputs, type: "AAAA" } })])).toEqual([]);
    });

    it.each([
        ["a simple record beside a SECONDARY", [stack("acme", simple("acme-front-door-alias")), stack("acme-recovery", secondary("acme-recovery-dns"))], "acme-recovery", "a simple record is the only record of its name and type"],
        ["two simple records (the trailing dot and case ignored)", [stack("acme", simple("a-1")), stack("evil", { ...simple("e-1"), inputs: { ...simple("e-1").inputs, name: "ACME.itm.example.net." } })], "evil", "is also written by acme's \"a-1\""],
        ["two PRIMARYs", [stack("acme", primary("a-1")), stack("acme-recovery", primary("r-1", { setIdentifier: "other" }))], "acme-recovery", "a second PRIMARY"],
        ["one set identifier twice", [stack("acme", primary("a-1")), stack("acme-recovery", secondary("r-1", { setIdentifier: "production" }))], "acme-recovery", 'the setIdentifier "production" of acme\'s "a-1" too'],
        ["failover beside weighted", [stack("acme", primary("a-1")), stack("acme-recovery", record("r-1", { setIdentifier: "w", weightedRoutingPolicies: [{ weight: 1 }] }))], "acme-recovery", "mixes routing policies (failover, weighted)"],
        ["a failover record without a set identifier", [stack("acme", primary("a-1", { setIdentifier: undefined }))], "acme", "a failover record needs a setIdentifier"],
        ["a set identifier on a simple record", [stack("acme", record("a-1", { setIdentifier: "production" }))], "acme", 'setIdentifier "production" on a simple record'],
    ])("GIVEN %s WHEN checked THEN Route 53's refusal is an error of the stack that adds it", (_case, stacks, tenant, text) => {
        const problems = recordSetProblems(stacks);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({ file: `tenant-configs/${tenant}.yaml`, line: 1, column: 1, path: "/" });
        expect(problems[0]!.message).toContain(text);
        expect(problems[0]!.message).toMatch(new RegExp(`^${tenant}: aws:route53/record:Record "`));
    });

    it("GIVEN a record whose name is not known yet WHEN checked THEN it is not compared (never guessed)", () => {
        expect(recordSetProblems([stack("acme", simple("a-1")), stack("b", { ...simple("b-1"), inputs: { ...simple("b-1").inputs, name: "[unknown]" } })])).toEqual([]);
    });

    it("GIVEN the fixture fleet WHEN planned THEN its records break none of these rules", async () => {
        const document = await planOfFixtureFleet();
        expect(document.errors.filter((error) => error.message.includes("ChangeResourceRecordSets"))).toEqual([]);
        expect(recordSetProblems(document.tenants)).toEqual([]);
    });
});
