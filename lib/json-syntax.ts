// Where a JSON text first breaks the grammar (RFC 8259), for the message that names its line and
// column: V8's JSON.parse says where for most mistakes, but not for an unexpected token (`True`,
// `NaN`, `+30`, a lone word) nor for an end of input that comes too soon. Run only once JSON.parse
// has refused a text; iterative, so a document nested however deep is scanned without recursion.

const enum Want {
    Value,
    ValueOrClose,
    Key,
    KeyOrClose,
    Colon,
    CommaOrClose,
    End,
}

const OBJECT = 0;
const ARRAY = 1;

const HEX4 = /^[0-9A-Fa-f]{4}$/;

/**
 * The offset of the first character where `text` stops being JSON (its length when it ends too
 * soon), or undefined when it is JSON.
 */
export function jsonErrorOffset(text: string): number | undefined {
    const containers: number[] = [];
    let want = Want.Value;
    let i = 0;
    const afterValue = (): Want => (containers.length === 0 ? Want.End : Want.CommaOrClose);
    /** Past the bracket that closes the innermost container. */
    const close = (): void => {
        i++;
        containers.pop();
        want = afterValue();
    };
    for (;;) {
        while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) {
            i++;
        }
        if (i >= text.length) {
            return want === Want.End ? undefined : text.length;
        }
        const c = text[i]!;
        switch (want) {
            case Want.End:
                return i;
            case Want.Colon:
                if (c !== ":") {
                    return i;
                }
                i++;
                want = Want.Value;
                continue;
            case Want.CommaOrClose: {
                const top = containers[containers.length - 1];
                if (c === ",") {
                    i++;
                    want = top === OBJECT ? Want.Key : Want.Value;
                } else if ((c === "}" && top === OBJECT) || (c === "]" && top === ARRAY)) {
                    close();
                } else {
                    return i;
                }
                continue;
            }
            case Want.KeyOrClose:
            case Want.Key: {
                if (want === Want.KeyOrClose && c === "}") {
                    close();
                    continue;
                }
                if (c !== '"') {
                    return i;
                }
                const end = stringEnd(text, i);
                if (end < 0) {
                    return -end - 1;
                }
                i = end;
                want = Want.Colon;
                continue;
            }
            case Want.ValueOrClose:
            case Want.Value: {
                if (want === Want.ValueOrClose && c === "]") {
                    close();
                    continue;
                }
                if (c === "{" || c === "[") {
                    containers.push(c === "{" ? OBJECT : ARRAY);
                    i++;
                    want = c === "{" ? Want.KeyOrClose : Want.ValueOrClose;
                    continue;
                }
                if (c === '"') {
                    const end = stringEnd(text, i);
                    if (end < 0) {
                        return -end - 1;
                    }
                    i = end;
                } else if (text.startsWith("true", i) || text.startsWith("null", i)) {
                    i += 4;
                } else if (text.startsWith("false", i)) {
                    i += 5;
                } else {
                    const end = numberEnd(text, i);
                    if (end < 0) {
                        return -end - 1;
                    }
                    i = end;
                }
                want = afterValue();
                continue;
            }
        }
    }
}

/**
 * The offset just past the string that starts at `start` (its opening quote), or, where it is no
 * JSON string, -(offset of the fault) - 1: a control character, a bad escape, no closing quote.
 */
function stringEnd(text: string, start: number): number {
    for (let i = start + 1; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code === 0x22) {
            return i + 1;
        }
        if (code < 0x20) {
            return -i - 1;
        }
        if (code === 0x5c) {
            const escaped = text[i + 1];
            if (escaped === "u") {
                if (!HEX4.test(text.slice(i + 2, i + 6))) {
                    return -(i + 1) - 1;
                }
                i += 5;
            } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
                i += 1;
            } else {
                return -(i + 1) - 1;
            }
        }
    }
    return -text.length - 1;
}

const isDigit = (text: string, i: number): boolean => i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39;

/**
 * The offset just past the number that starts at `start`, or -(offset of the fault) - 1 where it
 * is none: a digit missing after the sign, the point or the exponent (where V8 points too).
 */
function numberEnd(text: string, start: number): number {
    let i = start;
    if (text[i] === "-") {
        i++;
    }
    if (!isDigit(text, i)) {
        return -i - 1;
    }
    if (text[i] === "0") {
        i++;
    } else {
        while (isDigit(text, i)) {
            i++;
        }
    }
    if (text[i] === ".") {
        i++;
        if (!isDigit(text, i)) {
            return -i - 1;
        }
        while (isDigit(text, i)) {
            i++;
        }
    }
    if (text[i] === "e" || text[i] === "E") {
        i++;
        if (text[i] === "+" || text[i] === "-") {
            i++;
        }
        if (!isDigit(text, i)) {
            return -i - 1;
        }
        while (isDigit(text, i)) {
            i++;
        }
    }
    return i;
}
