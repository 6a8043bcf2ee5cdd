// jsonErrorOffset (lib/json-syntax.ts): where a text stops being JSON, for the mistakes V8's
// JSON.parse names no position for; the same verdict as JSON.parse on every text.

import { describe, expect, it } from "vitest";

import { jsonErrorOffset } from "../lib/json-syntax";
import { mulberry32 } from "../scripts/lib/prng";

const SAMPLE = JSON.stringify(
    { version: 1, errors: [], tenants: [{ tenant: "acme", mode: "cloud", resources: [{ type: "aws:ec2/vpc:Vpc", name: "acme-vpc", id: "vpc-1", inputs: { cidrBlock: "10.20.0.0/16", tags: { a: "\u00e9\"\\/\n" }, n: -1.5e3, t: true, f: false, z: null } }] }] },
    null,
    2,
);

describe("jsonErrorOffset", () => {
    it.each([
        ["", 0],
        ["   ", 3],
        ['{"a": True}', 6],
        ['{"a": NaN}', 6],
        ['{"a": +30}', 6],
        ['{"a": 1,}', 8],
        ["[1 2]", 3],
        ['{"a":"x\ny"}', 7],
        ['"abc', 4],
        ['{"a":1} x', 8],
        ['{"a": "\\q"}', 8],
        ['{"a": "\\u12G4"}', 8],
        ["[01]", 2],
        ["{a:1}", 1],
        ['{"a" 1}', 5],
        ["[1,]", 3],
        ['{"a":[1}', 7],
        ["[", 1],
        ["nul", 0],
    ])("GIVEN %j WHEN scanned THEN it breaks at %d", (text, offset) => {
        expect(() => JSON.parse(text)).toThrow();
        expect(jsonErrorOffset(text)).toBe(offset);
    });

    it("GIVEN JSON.parse's own positions WHEN it gives one THEN the scan agrees", () => {
        const random = mulberry32(7);
        let compared = 0;
        for (let round = 0; round < 3000; round++) {
            const at = Math.floor(random() * SAMPLE.length);
            const edits = [(s: string) => s.slice(0, at) + s.slice(at + 1), (s: string) => s.slice(0, at) + "x" + s.slice(at), (s: string) => s.slice(0, at) + s.slice(at).replace(/[,:\]}"]/, "")];
            const text = edits[round % edits.length]!(SAMPLE);
            let position: number | undefined;
            let valid = true;
            try {
                JSON.parse(text);
            } catch (error) {
                valid = false;
                const found = /position (\d+)/.exec((error as Error).message);
                position = found ? Number(found[1]) : undefined;
            }
            const offset = jsonErrorOffset(text);
            expect(offset === undefined, text).toBe(valid);
            if (position !== undefined) {
                expect(offset, text).toBe(position);
                compared++;
            }
        }
        expect(compared).toBeGreaterThan(1000);
    });

    it("GIVEN valid JSON of any nesting WHEN scanned THEN no offset, and no recursion", () => {
        expect(jsonErrorOffset(SAMPLE)).toBeUndefined();
        expect(jsonErrorOffset(`${"[".repeat(200_000)}${"]".repeat(200_000)}`)).toBeUndefined();
        expect(jsonErrorOffset(`${"[".repeat(200_000)}${"]".repeat(199_999)}`)).toBe(399_999);
    });
});
