import { describe, expect, it } from "vitest";

import { canonicalJson, canonicalText, sortedCopyJson } from "../lib/canonical-json";
import { mulberry32 } from "../scripts/lib/prng";

// Keys JSON objects order in unexpected ways: array indices (listed first, by number) and
// near-indices that are not (leading zero, 2^32 - 1, signs, decimals), and the odd ones.
const KEYS = ["a", "b", "B", "tenant", "violations", "0", "1", "9", "10", "01", "-1", "1.5", "4294967294", "4294967295", "1e3", "__proto__", "", "é", "z\u2028", "toString", "😀"];
const STRINGS = ["", "plain", 'quote " and \\ backslash', "line\nbreak\ttab", "\u0000\u001f", "\u2028\u2029", "é 😀 \ud800 lone surrogate", "</script>"];
const NUMBERS = [0, -0, 1, -1.5, 1e21, 1e-7, 123456789.123, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity];

function valueOf(next: () => number, depth: number): unknown {
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const roll = next();
    if (depth > 4 || roll < 0.35) {
        return pick<unknown>([...STRINGS, ...NUMBERS, true, false, null, undefined, () => 1]);
    }
    if (roll < 0.6) {
        return Array.from({ length: Math.floor(next() * 5) }, () => valueOf(next, depth + 1));
    }
    const object: Record<string, unknown> = Object.create(next() < 0.1 ? null : Object.prototype) as Record<string, unknown>;
    for (let count = Math.floor(next() * 7); count > 0; count--) {
        Object.defineProperty(object, pick(KEYS), { value: valueOf(next, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return object;
}

describe("canonicalJson", () => {
    it("prints what a sorted copy stringified prints, for thousands of generated values and every indentation", () => {
        // Seeded (scripts/lib/prng.ts), so a failure names a value that can be made again.
        const next = mulberry32(20261206);
        for (let round = 0; round < 3000; round++) {
            const value = valueOf(next, 0);
            for (const indent of [2, 0, 4, 11]) {
                expect(canonicalJson(value, indent), `round ${round}, indent ${indent}`).toBe(sortedCopyJson(value, indent));
            }
        }
    });

    it("orders array-index keys first by number, and other keys by code unit", () => {
        expect(canonicalJson({ b: 1, "10": 2, "9": 3, "01": 4, a: 5, "4294967295": 6, "4294967294": 7 }, 0)).toBe(
            '{"9":3,"10":2,"4294967294":7,"01":4,"4294967295":6,"a":5,"b":1}',
        );
    });

    it("drops undefined and functions from objects and writes null for them, and for non-finite numbers, in arrays", () => {
        expect(canonicalJson({ a: undefined, b: () => 1, c: [undefined, () => 1, NaN, -0, Infinity] }, 0)).toBe('{"c":[null,null,null,0,null]}');
        expect(canonicalJson({}, 2)).toBe("{}");
        expect(canonicalJson({ a: [], b: {} }, 2)).toBe('{\n  "a": [],\n  "b": {}\n}');
    });

    it("leaves to JSON.stringify what only it knows: a toJSON method, nothing at the top, a bigint", () => {
        const withMethod = { b: 1, toJSON: () => ({ replaced: true }) };
        expect(canonicalJson({ outer: withMethod }, 2)).toBe(sortedCopyJson({ outer: withMethod }, 2));
        expect(canonicalJson(undefined)).toBeUndefined();
        expect(() => canonicalJson({ big: 1n })).toThrow(TypeError);
    });

    it("indents a nested value's lines by the margin, as the plan document nests a stack", () => {
        const stack = { tenant: "acme", resources: [{ name: "a", inputs: { text: "x\ny" } }], violations: [] };
        expect(canonicalText(stack, 2, "    ")).toBe(sortedCopyJson(stack, 2).replace(/\n/g, "\n    "));
        expect(canonicalText({ toJSON: () => "x" }, 2, "    ")).toBe('"x"');
    });
});
