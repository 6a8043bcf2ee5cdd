// Where UTF-8 text breaks: the tenant files and the plan documents are UTF-8, and a byte that is not
// is reported at its line and column, never decoded into U+FFFD and read on.

/**
 * The line and column (1-based) of a byte offset in UTF-8 text, the column in characters (UTF-16
 * units, as JavaScript and JSON.parse's positions count them) of the line before it, a byte order
 * mark left out: where a reader of the decoded text would place it, not a byte count that moves it
 * right by one for each accented letter before it.
 */
export function utf8OffsetPosition(bytes: Uint8Array, offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
        if (bytes[i] === 10) {
            line++;
            lineStart = i + 1;
        }
    }
    const before = Buffer.from(bytes.buffer, bytes.byteOffset + lineStart, offset - lineStart).toString("utf8");
    return { line, column: (line === 1 ? before.replace(/^\ufeff/, "") : before).length + 1 };
}

/** The offset of the first byte that breaks UTF-8, or -1 when the whole buffer is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
    let i = 0;
    while (i < bytes.length) {
        const b = bytes[i]!;
        let needed: number;
        let min: number;
        if (b < 0x80) {
            i++;
            continue;
        } else if (b >= 0xc2 && b <= 0xdf) {
            needed = 1;
            min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            needed = 2;
            min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            needed = 3;
            min = 0x10000;
        } else {
            return i;
        }
        let codePoint = b & (0x3f >> needed);
        for (let k = 1; k <= needed; k++) {
            const next = bytes[i + k];
            if (next === undefined || (next & 0xc0) !== 0x80) {
                return i;
            }
            codePoint = (codePoint << 6) | (next & 0x3f);
        }
        if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
            return i;
        }
        i += needed + 1;
    }
    return -1;
}
