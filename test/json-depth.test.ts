// deeperThan (lib/json-depth.ts): where a parsed JSON value nests too deep, found without recursion.

import { describe, expect, it } from "vitest";

import { deeperThan } from "../lib/json-depth";

/** `levels` arrays, one inside the next, around `inner`. */
function nested(levels: number, inner: unknown = 1): unknown {
    let value = inner;
    for (let i = 0; i < levels; i++) {
        value = [value];
    }
    return value;
}

describe("deeperThan", () => {
    it("GIVEN values nested exactly to the limit WHEN measured THEN none is deeper", () => {
        expect(deeperThan(1, 0)).toBeUndefined();
        expect(deeperThan({}, 0)).toBeUndefined();
        expect(deeperThan({ a: { b: [] } }, 2)).toBeUndefined();
        expect(deeperThan(nested(5), 5)).toBeUndefined();
    });

    it("GIVEN a value one level past the limit WHEN measured THEN its pointer, a leaf as much as an object", () => {
        expect(deeperThan({ a: 1 }, 0)).toBe("/a");
        expect(deeperThan(nested(5), 4)).toBe("/0/0/0/0/0");
        expect(deeperThan({ a: { b: {} } }, 1)).toBe("/a/b");
    });

    it("GIVEN two branches too deep WHEN measured THEN the first in document order, its keys escaped as RFC 6901 says", () => {
        expect(deeperThan({ a: { b: { c: 1 } }, d: { e: { f: { g: 1 } } } }, 3)).toBe("/d/e/f/g");
        expect(deeperThan({ x: [0, { "a/b": { "~": [[1]] } }], y: [[[[1]]]] }, 4)).toBe("/x/1/a~1b/~0/0");
    });

    it("GIVEN a million levels (what JSON.parse takes, and a recursive walk does not) WHEN measured THEN the pointer at the limit, no RangeError", () => {
        const deep = JSON.parse(`${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`) as unknown;
        expect(deeperThan(deep, 64)).toBe("/0".repeat(65));
        expect(() => JSON.stringify(deep)).toThrow(RangeError);
    });
});
