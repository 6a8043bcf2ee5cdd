// How a message quotes text a person reads in a terminal.

/**
 * A quoted string with the characters a terminal does not show as themselves written as \u escapes:
 * JSON.stringify escapes the control characters but not the invisible ones (format characters such
 * as a zero-width space or the bidirectional overrides, which reorder the rest of the line as it is
 * shown, and the line and paragraph separators).
 */
export function quoteVisibly(text: string): string {
    return JSON.stringify(text).replace(/[\p{Cf}\u2028\u2029]/gu, (char) =>
        // A character beyond U+FFFF (the tag characters) as its two UTF-16 halves, as JSON writes one.
        Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
    );
}
