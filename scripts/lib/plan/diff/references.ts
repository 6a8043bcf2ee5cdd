// Where a plan's inputs carry a resource's id: every string value of a plan entry indexed by the
// id-shaped runs of its text, to find the ones that carry a replaced resource's id (as the whole
// value, or inside an ARN, a path, a host name or a JSON policy).

import { SECRET_PLACEHOLDER } from "../../../../lib/plan-document";
import { isObject, pointer } from "./values";

/** Characters an id is made of: an id found inside a longer run of them is another value. */
export const ID_CHAR = /[A-Za-z0-9_-]/;
export const NOT_ID_CHARS = /[^A-Za-z0-9_-]+/;

/** A string value of a plan entry, with its JSON pointer and the id-shaped runs of its text. */
export interface Leaf {
    readonly path: string;
    readonly value: string;
    readonly tokens: readonly string[];
}

/** Every string leaf of `value` (secrets left out: they carry nothing readable), under `path`. */
export function stringLeaves(path: string, value: unknown, out: Leaf[] = []): Leaf[] {
    if (typeof value === "string") {
        if (value !== SECRET_PLACEHOLDER) {
            out.push({ path, value, tokens: value.split(NOT_ID_CHARS).filter((token) => token.length > 0) });
        }
    } else if (Array.isArray(value)) {
        value.forEach((child, i) => stringLeaves(pointer(path, i), child, out));
    } else if (isObject(value)) {
        Object.keys(value)
            .sort()
            .forEach((key) => stringLeaves(pointer(path, key), value[key], out));
    }
    return out;
}

/** `id` occurs in `text` bounded by characters that cannot be part of an id. */
export function carries(text: string, id: string): boolean {
    for (let at = text.indexOf(id); at >= 0; at = text.indexOf(id, at + 1)) {
        if (!ID_CHAR.test(at === 0 ? "" : text[at - 1]!) && !ID_CHAR.test(text[at + id.length] ?? "")) {
            return true;
        }
    }
    return false;
}

/**
 * The string leaves of a stack's base plan by the id-shaped runs of their text, to find the ones
 * that carry an id (as the whole value, or inside an ARN, a path, a host name or a JSON policy).
 */
export class ReferenceIndex<T> {
    private readonly byToken = new Map<string, { readonly holder: T; readonly leaf: Leaf }[]>();

    add(holder: T, leaves: readonly Leaf[]): void {
        for (const leaf of leaves) {
            for (const token of new Set(leaf.tokens)) {
                const list = this.byToken.get(token);
                if (list) {
                    list.push({ holder, leaf });
                } else {
                    this.byToken.set(token, [{ holder, leaf }]);
                }
            }
        }
    }

    /** The leaves that carry `id`, in the order they were added. */
    carriers(id: string): { readonly holder: T; readonly leaf: Leaf }[] {
        const tokens = id.split(NOT_ID_CHARS).filter((token) => token.length > 0);
        if (id.length < 6 || tokens.length === 0) {
            return []; // too short to tell from other text (no mock or AWS id is this short)
        }
        const key = tokens.reduce((longest, token) => (token.length > longest.length ? token : longest));
        const candidates = this.byToken.get(key) ?? [];
        return tokens.length === 1 && key === id ? candidates : candidates.filter(({ leaf }) => carries(leaf.value, id));
    }
}
