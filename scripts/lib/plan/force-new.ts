// Reading the force-new table (./replacements.ts): whether one change of an input replaces its
// resource, and what a replacement destroys.

import { COMPONENT_NAMESPACE } from "../../../components/types";
import { REPLACEMENTS } from "./replacements";

/** What a change of one input does to its resource. */
export type ForceNewVerdict =
    | { readonly kind: "replace"; readonly rule: string }
    | { readonly kind: "update" }
    /** The type has no row in {@link REPLACEMENTS}: whether it is replaced is not known. */
    | { readonly kind: "unknown" };

/** Component resources (the repository's own) have no cloud resource: nothing to replace. */
export const isComponentType = (type: string): boolean => type.startsWith(`${COMPONENT_NAMESPACE}:`);

/** The segments of a JSON pointer (RFC 6901). */
export function pointerSegments(pointer: string): string[] {
    return pointer === "" ? [] : pointer.slice(1).split("/").map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const matches = (rule: readonly string[], path: readonly string[], length: number): boolean => {
    for (let i = 0; i < length; i++) {
        if (rule[i] !== "*" && rule[i] !== path[i]) {
            return false;
        }
    }
    return true;
};

/** Every value at `path` (with `*` for any key or index) under `value`, as JSON, in order. */
function valuesAt(value: unknown, path: readonly string[]): string {
    const found: unknown[] = [];
    const walk = (node: unknown, depth: number): void => {
        if (depth === path.length) {
            found.push(node);
            return;
        }
        if (node === null || typeof node !== "object") {
            return;
        }
        const keys = path[depth] === "*" ? Object.keys(node) : [path[depth]!];
        for (const key of keys) {
            if (key in node) {
                walk((node as Record<string, unknown>)[key], depth + 1);
            }
        }
    };
    walk(value, 0);
    return JSON.stringify(found);
}

/**
 * Whether changing the input at `inputPath` (segments under `inputs`) from `before` to `after` (the
 * values at that path; `undefined` when absent) replaces a resource of `type`. A change of a whole
 * subtree (appearing, disappearing, an array changing length) replaces it when a force-new path
 * under it differs.
 */
export function forceNewVerdict(type: string, inputPath: readonly string[], before: unknown, after: unknown): ForceNewVerdict {
    if (isComponentType(type)) {
        return { kind: "update" };
    }
    const row = REPLACEMENTS[type];
    if (row === undefined) {
        return { kind: "unknown" };
    }
    for (const entry of row.forceNew) {
        if (typeof entry !== "string") {
            if (inputPath.join("/") === entry.path && entry.when(before, after)) {
                return { kind: "replace", rule: entry.path };
            }
            continue;
        }
        const rule = entry;
        const parts = rule.split("/");
        if (parts.length <= inputPath.length && matches(parts, inputPath, parts.length)) {
            return { kind: "replace", rule };
        }
        if (parts.length > inputPath.length && matches(parts, inputPath, inputPath.length)) {
            const rest = parts.slice(inputPath.length);
            if (valuesAt(before, rest) !== valuesAt(after, rest)) {
                return { kind: "replace", rule };
            }
        }
    }
    return { kind: "update" };
}

/** What replacing this resource destroys or breaks (undefined: nothing beyond the resource itself). */
export function atStake(type: string, name: string, inputs: Readonly<Record<string, unknown>>): string | undefined {
    return REPLACEMENTS[type]?.atStake?.(name, inputs);
}

export const holdsData = (type: string): boolean => REPLACEMENTS[type]?.holdsData === true;
