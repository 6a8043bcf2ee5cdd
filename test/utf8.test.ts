// Where UTF-8 text breaks (lib/utf8.ts): the first byte that is not UTF-8, and where a reader of the
// decoded text would place it (npm run policy names it so in a plan document).

import { describe, expect, it } from "vitest";

import { firstInvalidUtf8, utf8OffsetPosition } from "../lib/utf8";

/** The bytes of `before`, one byte that is not UTF-8 (é as Latin-1 writes it), then `after`. */
function broken(before: string, after = "\n"): Buffer {
    return Buffer.concat([Buffer.from(before, "utf8"), Buffer.from([0xe9]), Buffer.from(after, "utf8")]);
}

describe("utf8OffsetPosition", () => {
    it.each([
        ["plain ASCII", '{"a":"b', 1, 8],
        ["accented letters before it on its line (two bytes each, one character)", '{"company":"Société Générale ', 1, 30],
        ["a character beyond U+FFFF before it (four bytes, two UTF-16 units as JSON.parse counts)", '{"x":"\u{1F600}', 1, 9],
        ["a byte order mark first (left out, as the reader strips it)", '\ufeff{"a":"', 1, 7],
        ["accents on an earlier line only", '{"a":"é",\n  "b":"', 2, 8],
    ])("GIVEN %s WHEN the broken byte is placed THEN the column counts characters", (_, before, line, column) => {
        const bytes = broken(before);
        const at = firstInvalidUtf8(bytes);
        expect(at).toBe(Buffer.byteLength(before, "utf8"));
        expect(utf8OffsetPosition(bytes, at)).toEqual({ line, column });
        // The column is where the character after the valid text starts: one past the decoded line.
        const lineText = before.split("\n").pop()!.replace(/^\ufeff/, "");
        expect(column).toBe(lineText.length + 1);
    });

    it("GIVEN a byte order mark on line 1 only WHEN a later line starts with U+FEFF THEN that one is a character", () => {
        const bytes = broken("{}\n\ufeff");
        expect(utf8OffsetPosition(bytes, firstInvalidUtf8(bytes))).toEqual({ line: 2, column: 2 });
    });
});
