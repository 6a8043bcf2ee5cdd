// JSON with keys sorted at every level, so that equal values print byte-identical: the plan
// document's form (the contract's canonical JSON). Written straight to text in one walk; the same
// bytes as `JSON.stringify` of a copy whose objects have their keys sorted (sortedCopyJson below,
// what the plan printed before this writer, and what the tests compare it with).

import { boundedMemo } from "./bounded-memo";

/** The text `JSON.stringify` gives a copy of `value` with every object's keys sorted (`indent`: spaces, 0 for none). */
export function canonicalJson(value: unknown, indent = 2): string {
    return canonicalText(value, indent, "");
}

/**
 * {@link canonicalJson}, every line after the first indented by `margin` more: the text of a value
 * nested in a canonical document (a stack inside the plan's `tenants` array).
 */
export function canonicalText(value: unknown, indent: number, margin: string): string {
    const step = " ".repeat(Math.max(0, Math.min(10, Math.floor(indent))));
    const text = write(value, step, `\n${margin}`);
    if (text === undefined) {
        // What the writer does not take (a toJSON method, a bigint, nothing at the top): as before.
        const copied = sortedCopyJson(value, indent);
        return margin === "" || copied === undefined ? copied : copied.replace(/\n/g, `\n${margin}`);
    }
    return text;
}

/** The way the plan printed canonical JSON before {@link canonicalJson}: a sorted copy, stringified. */
export function sortedCopyJson(value: unknown, indent = 2): string {
    const sortKeys = (node: unknown): unknown => {
        if (Array.isArray(node)) {
            return node.map(sortKeys);
        }
        if (node !== null && typeof node === "object") {
            return Object.fromEntries(
                Object.keys(node as object)
                    .sort()
                    .map((key) => [key, sortKeys((node as Record<string, unknown>)[key])]),
            );
        }
        return node;
    };
    return JSON.stringify(sortKeys(value), null, indent);
}

/** Whether `key` is an array index (an integer below 2^32 - 1 written canonically): objects list those first, in numeric order. */
function isIndex(key: string): boolean {
    if (key.length === 0) {
        return false;
    }
    const code = key.charCodeAt(0);
    if (code < 48 || code > 57 || (code === 48 && key.length > 1) || key.length > 10) {
        return false;
    }
    for (let at = 1; at < key.length; at++) {
        const digit = key.charCodeAt(at);
        if (digit < 48 || digit > 57) {
            return false;
        }
    }
    return Number(key) < 4294967295;
}

/** An object's keys in the order its sorted copy lists them: indices first by number, then the rest sorted. */
function sortedKeys(object: object): string[] {
    const keys = Object.keys(object).sort();
    if (!keys.some(isIndex)) {
        return keys;
    }
    const indices = keys.filter(isIndex).sort((a, b) => Number(a) - Number(b));
    return [...indices, ...keys.filter((key) => !isIndex(key))];
}

/** Keys as JSON strings, remembered: the same few hundred keys recur in every stack. */
const quotedKey = boundedMemo((key) => JSON.stringify(key));

/**
 * The text of `value`; undefined where the writer cannot be sure of `JSON.stringify`'s text: a
 * `toJSON` method, a bigint or symbol value, nothing at the top. `newline` is the line break and
 * indentation the value's own lines start with. Built by concatenation (V8 joins the pieces once,
 * when the text is written), faster than collecting them.
 */
function write(value: unknown, step: string, newline: string): string | undefined {
    switch (typeof value) {
        case "string":
            return JSON.stringify(value);
        case "number":
            return Number.isFinite(value) ? String(value) : "null";
        case "boolean":
            return value ? "true" : "false";
        case "object":
            break;
        default:
            return undefined;
    }
    if (value === null) {
        return "null";
    }
    const compact = step === "";
    const inner = compact ? "" : newline + step;
    if (Array.isArray(value)) {
        if (value.length === 0) {
            return "[]";
        }
        let text = "[";
        for (let index = 0; index < value.length; index++) {
            const element: unknown = value[index];
            const type = typeof element;
            let child: string | undefined;
            if (type === "undefined" || type === "function") {
                child = "null";
            } else {
                child = write(element, step, inner);
                if (child === undefined) {
                    return undefined;
                }
            }
            text += index === 0 ? inner + child : "," + inner + child;
        }
        return text + (compact ? "]" : newline + "]");
    }
    const object = value as Record<string, unknown>;
    const colon = compact ? ":" : ": ";
    let text = "";
    for (const key of sortedKeys(object)) {
        const child = object[key];
        const type = typeof child;
        if (type === "undefined" || type === "function") {
            // Dropped from objects by JSON.stringify; a toJSON method is not the writer's to judge.
            if (key === "toJSON" && type === "function") {
                return undefined;
            }
            continue;
        }
        const written = write(child, step, inner);
        if (written === undefined) {
            return undefined;
        }
        text += (text === "" ? "{" : ",") + inner + quotedKey(key) + colon + written;
    }
    return text === "" ? "{}" : text + (compact ? "}" : newline + "}");
}
