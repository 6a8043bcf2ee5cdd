import { describe, expect, it } from "vitest";

import { wildcardMatches } from "../lib/wildcard";
import { mulberry32 } from "../scripts/lib/prng";

/** The reference: the pattern compiled to an anchored regular expression (what the rules did before). */
function byRegex(pattern: string, text: string, questionMark: boolean): boolean {
    const escaped = [...pattern]
        .map((char) => (char === "*" ? "[^]*" : questionMark && char === "?" ? "[^]" : char.replace(/[.+?^${}()|[\]\\*]/g, "\\$&")))
        .join("");
    return new RegExp(`^${escaped}$`).test(text);
}

// Few letters, so that generated patterns often match; the regex metacharacters; a newline (which
// `*` must cross, as it does in AWS); a lone surrogate (one code unit, as `?` counts).
const ALPHABET = ["a", "b", ":", "/", ".", "*", "?", "+", "(", "\\", "\n", "\ud800"];

describe("wildcardMatches", () => {
    it("agrees with the anchored regular expression on thousands of generated patterns and texts, with and without `?`", () => {
        // Seeded (scripts/lib/prng.ts), so a failure names a case that can be made again.
        const next = mulberry32(20261207);
        const word = (length: number, stars: boolean): string =>
            Array.from({ length }, () => ALPHABET[Math.floor(next() * (stars ? ALPHABET.length : ALPHABET.length - 2))]!).join("");
        let matched = 0;
        for (let round = 0; round < 5000; round++) {
            const pattern = word(Math.floor(next() * 7), true);
            // Half the texts are made from the pattern, so that the matching cases are exercised too.
            const text = next() < 0.5 ? pattern.replace(/\*/g, () => word(Math.floor(next() * 3), false)).replace(/\?/g, () => word(1, false)) : word(Math.floor(next() * 7), false);
            for (const questionMark of [false, true]) {
                const expected = byRegex(pattern, text, questionMark);
                matched += expected ? 1 : 0;
                expect(wildcardMatches(pattern, text, { questionMark }), `${JSON.stringify(pattern)} against ${JSON.stringify(text)}, questionMark ${questionMark}`).toBe(expected);
            }
        }
        expect(matched).toBeGreaterThan(1000);
    });

    it.each([
        ["", "", true],
        ["", "a", false],
        ["*", "", true],
        ["**", "anything/at all", true],
        ["arn:aws:s3:::acme-*/*", "arn:aws:s3:::acme-data/2026/report", true],
        ["arn:aws:s3:::acme-*/*", "arn:aws:s3:::acme-data", false],
        ["a*b*c", "abacbc", true],
        ["a*b*c", "abacb", false],
    ])("GIVEN the pattern %j WHEN matched against %j THEN it is %s", (pattern, text, expected) => {
        expect(wildcardMatches(pattern, text)).toBe(expected);
    });

    it("takes `?` for itself unless told it stands for one character", () => {
        expect(wildcardMatches("vault-?", "vault-a")).toBe(false);
        expect(wildcardMatches("vault-?", "vault-?")).toBe(true);
        expect(wildcardMatches("vault-?", "vault-a", { questionMark: true })).toBe(true);
        expect(wildcardMatches("vault-?", "vault-ab", { questionMark: true })).toBe(false);
    });
});
