// How a message quotes text a person reads in a terminal.

import { looksLikeSecret } from "./secrets";

/**
 * A quoted string with the characters a terminal does not show as themselves written as \u escapes:
 * JSON.stringify escapes the C0 control characters but not DEL and the C1 controls (U+0080-U+009F,
 * among them CSI, which starts an escape sequence on a terminal that honours C1 controls), nor the
 * invisible ones (format characters such as a zero-width space or the bidirectional overrides,
 * which reorder the rest of the line as it is shown, and the line and paragraph separators), and
 * those no font shows as anything (private-use and unassigned code points), which a value is
 * refused for and would otherwise be quoted as if it were not there.
 */
export function quoteVisibly(text: string): string {
    return JSON.stringify(text).replace(/[\p{C}\u2028\u2029]/gu, (char) =>
        // A character beyond U+FFFF (the tag characters) as its two UTF-16 halves, as JSON writes one.
        Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
    );
}

/** Quoted visibly, at most its first 200 characters (the most a message quotes of a value). */
export function quoteClipped(text: string): string {
    return quoteVisibly(text.length > 200 ? `${text.slice(0, 200)}...` : text);
}

/** Quotes an offending value for a message: at most 200 characters, never anything secret-looking. */
export function quote(value: unknown): string {
    if (typeof value === "string") {
        if (looksLikeSecret(value)) {
            return "(a value that looks like a secret, not shown)";
        }
        return quoteClipped(value);
    }
    if (value === null) {
        return "an empty value";
    }
    if (Array.isArray(value)) {
        return `a list of ${value.length}`;
    }
    if (typeof value === "object") {
        return "a mapping";
    }
    return String(value);
}
