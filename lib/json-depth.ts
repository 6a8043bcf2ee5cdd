// How deep a parsed JSON value nests, found without recursion: JSON.parse takes a document nested a
// million levels deep (V8 parses iteratively), but everything that then walks it recursively (the
// policy rules, the canonical writer, ajv) runs out of stack. A plan nests about 13 levels deep.

import { escapePointerSegment } from "./json-pointer";

/**
 * How deep a plan document may nest: a plan nests about 13 levels (a resource's inputs about 8 of
 * them). Deeper is no plan, and would exhaust the stack of what walks it recursively (a RangeError).
 */
export const MAX_PLAN_DEPTH = 64;

/**
 * The JSON pointer of the first value (in document order) nested deeper than `limit` levels below
 * `value` (its children are level 1), or undefined when none is. Iterative: any depth is walked.
 */
export function deeperThan(value: unknown, limit: number): string | undefined {
    // The walk that runs on every plan keeps no names (a plan checked stack by stack walks its ~1 GiB
    // of values): only when it finds a value too deep is the way to it named, by a second walk.
    return tooDeepFound(value, limit) ? firstTooDeep(value, limit) : undefined;
}

/** Whether some value of `value` is deeper than `limit`: containers only, by an explicit stack. */
function tooDeepFound(value: unknown, limit: number): boolean {
    const nodes: object[] = [];
    const depths: number[] = [];
    if (typeof value === "object" && value !== null) {
        nodes.push(value);
        depths.push(0);
    }
    while (nodes.length > 0) {
        const node = nodes.pop()!;
        const depth = depths.pop()! + 1;
        if (Array.isArray(node)) {
            for (const child of node) {
                if (depth > limit) {
                    return true;
                }
                if (typeof child === "object" && child !== null) {
                    nodes.push(child);
                    depths.push(depth);
                }
            }
        } else {
            for (const key in node) {
                if (depth > limit) {
                    return true;
                }
                const child = (node as Record<string, unknown>)[key];
                if (typeof child === "object" && child !== null) {
                    nodes.push(child);
                    depths.push(depth);
                }
            }
        }
    }
    return false;
}

/** The pointer of the first value deeper than `limit`, in document order (children visited in order). */
function firstTooDeep(value: unknown, limit: number): string | undefined {
    const stack: [unknown, string, number][] = [[value, "", 0]];
    while (stack.length > 0) {
        const [node, pointer, depth] = stack.pop()!;
        if (depth > limit) {
            return pointer;
        }
        if (typeof node !== "object" || node === null) {
            continue;
        }
        const entries: [string, unknown][] = Array.isArray(node) ? node.map((child, i) => [String(i), child]) : Object.entries(node);
        for (let i = entries.length - 1; i >= 0; i--) {
            const [key, child] = entries[i]!;
            stack.push([child, `${pointer}/${escapePointerSegment(key)}`, depth + 1]);
        }
    }
    return undefined;
}
