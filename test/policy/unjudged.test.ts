// A rule that cannot read a value (a hand-edited plan's `parameters: 0`, `rules: [null]`) fails closed:
// a mandatory violation on what it was reading, never an internal error (policy/rules/evaluate.ts).

import { describe, expect, it } from "vitest";

import { evaluate } from "../../policy/rules/evaluate";
import { PolicyStack, Rule } from "../../policy/rules/types";

const STACK: PolicyStack = {
    stack: "acme",
    kind: "tenant",
    resources: [
        { type: "aws:wafv2/webAcl:WebAcl", name: "acme-waf", id: "waf-1", parent: null, props: { rules: [null] } },
        { type: "aws:wafv2/webAcl:WebAcl", name: "acme-waf-2", id: "waf-2", parent: null, props: { rules: [{ action: "block" }] } },
    ],
} as unknown as PolicyStack;

const SETTINGS = { operationsCidrs: [], otherTenants: [], today: "2026-12-07" } as never;

function resourceRule(enforcement: "mandatory" | "advisory", validate: (props: Record<string, unknown>) => string[]): Rule {
    return { kind: "resource", name: "waf-rules-read", description: "d", why: "w", enforcement, resourceTypes: ["aws:wafv2/webAcl:WebAcl"], validate: (resource) => validate(resource.props as Record<string, unknown>) };
}

const readsActions = (props: Record<string, unknown>) => (props.rules as { action: string }[]).filter((rule) => rule.action !== "block").map(() => "not blocking");

describe("a rule meeting a value it cannot read", () => {
    it.each(["mandatory", "advisory"] as const)("GIVEN an %s resource rule that throws a TypeError on one resource WHEN evaluated THEN that resource gets a mandatory 'cannot be judged' violation and the others are judged", (enforcement) => {
        const violations = evaluate(STACK, SETTINGS, [resourceRule(enforcement, readsActions)]);
        expect(violations).toEqual([
            { policy: "waf-rules-read", resource: "acme-waf", enforcement: "mandatory", message: expect.stringMatching(/^cannot be judged: it holds a value of a shape this rule cannot read \(Cannot read properties of null \(reading 'action'\)\); /) },
        ]);
    });

    it("GIVEN a stack rule that throws a TypeError WHEN evaluated THEN the stack gets the violation", () => {
        const rule: Rule = { kind: "stack", name: "stack-read", description: "d", why: "w", enforcement: "advisory", validate: () => (null as unknown as []).map(() => ({ resource: "x", message: "y" })) };
        expect(evaluate(STACK, SETTINGS, [rule])).toEqual([{ policy: "stack-read", resource: "acme", enforcement: "mandatory", message: expect.stringContaining("cannot be judged") }]);
    });

    it("GIVEN a rule that fails otherwise (a defect, not a value's shape) WHEN evaluated THEN the error is thrown, not hidden", () => {
        const rule = resourceRule("mandatory", () => {
            throw new RangeError("a defect");
        });
        expect(() => evaluate(STACK, SETTINGS, [rule])).toThrow("a defect");
    });
});
