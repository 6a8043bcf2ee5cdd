// Two values compared property by property, as JSON pointers. A secret on either side is a secret
// change, never shown with a value; two secrets cannot be compared, so they count as unchanged.

import { SECRET_PLACEHOLDER } from "../../../../lib/plan-document";
import { PropertyChange } from "./model";

/** JSON pointer escaping (RFC 6901). */
export function pointer(parent: string, key: string | number): string {
    return `${parent}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

export const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

export function containsSecret(value: unknown): boolean {
    if (value === SECRET_PLACEHOLDER) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsSecret);
    }
    return isObject(value) && Object.values(value).some(containsSecret);
}

export const ABSENT = Symbol("absent");
export type Side = unknown | typeof ABSENT;

export function leafChange(path: string, before: Side, after: Side): PropertyChange {
    if (before === SECRET_PLACEHOLDER || after === SECRET_PLACEHOLDER) {
        return {
            path,
            ...(before === ABSENT ? {} : { before: SECRET_PLACEHOLDER }),
            ...(after === ABSENT ? {} : { after: SECRET_PLACEHOLDER }),
            secret: true,
        };
    }
    return { path, ...(before === ABSENT ? {} : { before }), ...(after === ABSENT ? {} : { after }) };
}

/**
 * The changed properties between two values, as JSON pointers under `path`. A subtree that appears,
 * disappears or changes shape is one change, unless it holds a secret: then it is split into its
 * leaves so that the secret ones are reported without a value.
 */
export function diffValues(path: string, before: Side, after: Side): PropertyChange[] {
    if (before === after) {
        return [];
    }
    if (before === SECRET_PLACEHOLDER && after === SECRET_PLACEHOLDER) {
        return [];
    }
    if (Array.isArray(before) && Array.isArray(after)) {
        if (before.length === after.length || containsSecret(before) || containsSecret(after)) {
            const length = Math.max(before.length, after.length);
            return Array.from({ length }, (_, i) => diffValues(pointer(path, i), i < before.length ? before[i] : ABSENT, i < after.length ? after[i] : ABSENT)).flat();
        }
        return [leafChange(path, before, after)];
    }
    if (isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((key) => diffValues(pointer(path, key), key in before ? before[key] : ABSENT, key in after ? after[key] : ABSENT));
    }
    // A subtree with a secret that appears or disappears (or changes shape): leaf by leaf.
    const split = (value: Side): boolean => (isObject(value) || Array.isArray(value)) && containsSecret(value);
    if (split(before) || split(after)) {
        const leaves = (value: Side): Map<string, unknown> => {
            const out = new Map<string, unknown>();
            const walk = (at: string, node: unknown): void => {
                if (isObject(node) && Object.keys(node).length > 0) {
                    Object.keys(node).sort().forEach((key) => walk(pointer(at, key), node[key]));
                } else if (Array.isArray(node) && node.length > 0) {
                    node.forEach((child, i) => walk(pointer(at, i), child));
                } else {
                    out.set(at, node);
                }
            };
            if (value !== ABSENT) {
                walk(path, value);
            }
            return out;
        };
        const old = leaves(before);
        const now = leaves(after);
        const paths = [...new Set([...old.keys(), ...now.keys()])].sort();
        return paths.flatMap((at) => {
            const b = old.has(at) ? old.get(at) : ABSENT;
            const a = now.has(at) ? now.get(at) : ABSENT;
            return b === a || (b === SECRET_PLACEHOLDER && a === SECRET_PLACEHOLDER) || JSON.stringify(b) === JSON.stringify(a) ? [] : [leafChange(at, b, a)];
        });
    }
    if (JSON.stringify(before) === JSON.stringify(after)) {
        return [];
    }
    return [leafChange(path, before, after)];
}
