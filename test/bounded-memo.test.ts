import { describe, expect, it } from "vitest";

import { boundedMemo } from "../lib/bounded-memo";

describe("boundedMemo", () => {
    it("GIVEN a key asked again WHEN remembered THEN it is computed once, an undefined answer included", () => {
        const asked: string[] = [];
        const length = boundedMemo((key) => {
            asked.push(key);
            return key === "none" ? undefined : key.length;
        });
        expect([length("ab"), length("ab"), length("none"), length("none")]).toEqual([2, 2, undefined, undefined]);
        expect(asked).toEqual(["ab", "none"]);
    });

    it("GIVEN more keys than its limit WHEN asked THEN it starts again rather than grow, and still answers right", () => {
        const asked: string[] = [];
        const upper = boundedMemo((key) => {
            asked.push(key);
            return key.toUpperCase();
        }, 2);
        expect(["a", "b", "c", "a"].map(upper)).toEqual(["A", "B", "C", "A"]);
        // "c" emptied the two remembered, so "a" was computed again.
        expect(asked).toEqual(["a", "b", "c", "a"]);
    });
});
