// What a change does to the fleet: two plan documents (the base ref's and the working tree's)
// compared stack by stack, resource by resource (matched by type + logical name), property by
// property. Pure and deterministic: the same two plans always give the same diff, in the same order.
//
// Secrets are already the placeholder "[secret]" in a plan. A property that is secret on either
// side is reported as a secret change, never with a value, and the placeholder is never shown as if
// it were one. Two secrets cannot be compared (both are the placeholder), so they count as unchanged.

import { SECRET_PLACEHOLDER } from "./engine";

/** A stack's resource as far as the diff reads it (a `PlannedResource` of the plan contract fits). */
export interface DiffResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
}

/** A stack as far as the diff reads it (a `TenantPlan` fits). */
export interface DiffStack {
    readonly tenant: string;
    readonly mode: string;
    readonly resources: readonly DiffResource[];
    readonly outputs: Readonly<Record<string, unknown>>;
}

export type DiffStatus = "new" | "removed" | "changed" | "unchanged";

/**
 * One changed property. `path` is a JSON pointer into the resource's plan entry
 * (`/inputs/metadataOptions/httpPutResponseHopLimit`, `/protect`, `/retainOnDelete`) or into the
 * stack's outputs (`/url`). `before` / `after` are absent when the property is absent on that side;
 * with `secret` both are the placeholder and say nothing about the value.
 */
export interface PropertyChange {
    readonly path: string;
    readonly before?: unknown;
    readonly after?: unknown;
    readonly secret?: true;
}

export interface ResourceRef {
    readonly type: string;
    readonly name: string;
}

export interface ResourceChange extends ResourceRef {
    readonly changes: PropertyChange[];
}

export interface StackDiff {
    readonly status: DiffStatus;
    readonly added: ResourceRef[];
    readonly removed: ResourceRef[];
    readonly changed: ResourceChange[];
    /** Changed stack outputs (secret outputs as secret changes). */
    readonly outputs: PropertyChange[];
}

/** JSON pointer escaping (RFC 6901). */
function pointer(parent: string, key: string | number): string {
    return `${parent}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

function containsSecret(value: unknown): boolean {
    if (value === SECRET_PLACEHOLDER) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsSecret);
    }
    return isObject(value) && Object.values(value).some(containsSecret);
}

const ABSENT = Symbol("absent");
type Side = unknown | typeof ABSENT;

function leafChange(path: string, before: Side, after: Side): PropertyChange {
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

const keyOf = (resource: ResourceRef): string => `${resource.type}\u0000${resource.name}`;

const byTypeThenName = (a: ResourceRef, b: ResourceRef): number => (a.type === b.type ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.type < b.type ? -1 : 1);

function resourceChanges(before: DiffResource, after: DiffResource): PropertyChange[] {
    return [
        ...diffValues("/inputs", before.inputs, after.inputs),
        ...diffValues("/protect", before.protect, after.protect),
        ...diffValues("/retainOnDelete", before.retainOnDelete, after.retainOnDelete),
    ];
}

const EMPTY_STACK: DiffStack = { tenant: "", mode: "", resources: [], outputs: {} };

/** The diff of one stack; `base` undefined for a new stack, `head` undefined for a removed one. */
export function diffStack(base: DiffStack | undefined, head: DiffStack | undefined): StackDiff {
    const old = new Map((base ?? EMPTY_STACK).resources.map((resource) => [keyOf(resource), resource]));
    const now = new Map((head ?? EMPTY_STACK).resources.map((resource) => [keyOf(resource), resource]));
    const ref = (resource: DiffResource): ResourceRef => ({ type: resource.type, name: resource.name });
    const added = [...now.values()].filter((resource) => !old.has(keyOf(resource))).map(ref).sort(byTypeThenName);
    const removed = [...old.values()].filter((resource) => !now.has(keyOf(resource))).map(ref).sort(byTypeThenName);
    const changed = [...now.values()]
        .flatMap((resource) => {
            const was = old.get(keyOf(resource));
            const changes = was ? resourceChanges(was, resource) : [];
            return changes.length > 0 ? [{ ...ref(resource), changes }] : [];
        })
        .sort(byTypeThenName);
    const outputs = diffValues("", (base ?? EMPTY_STACK).outputs, (head ?? EMPTY_STACK).outputs);
    const status: DiffStatus =
        base === undefined ? "new" : head === undefined ? "removed" : added.length + removed.length + changed.length + outputs.length > 0 ? "changed" : "unchanged";
    return { status, added, removed, changed, outputs };
}

export interface StackDiffEntry {
    readonly tenant: string;
    readonly mode: string;
    readonly diff: StackDiff;
}

/**
 * The diff of every stack of either plan: the head's stacks in their order, then the stacks only
 * the base has (removed), sorted by name.
 */
export function diffPlans(base: { readonly tenants: readonly DiffStack[] }, head: { readonly tenants: readonly DiffStack[] }): StackDiffEntry[] {
    const old = new Map(base.tenants.map((stack) => [stack.tenant, stack]));
    const now = new Set(head.tenants.map((stack) => stack.tenant));
    return [
        ...head.tenants.map((stack) => ({ tenant: stack.tenant, mode: stack.mode, diff: diffStack(old.get(stack.tenant), stack) })),
        ...base.tenants
            .filter((stack) => !now.has(stack.tenant))
            .sort((a, b) => (a.tenant < b.tenant ? -1 : 1))
            .map((stack) => ({ tenant: stack.tenant, mode: stack.mode, diff: diffStack(stack, undefined) })),
    ];
}

/** One change shared by several stacks: the same kind, type, (tenant-neutral) name or path, and values. */
export interface BlastGroup {
    readonly kind: "added" | "removed" | "changed";
    readonly type: string;
    /** For added / removed: the logical name with the stack's own name replaced by `<tenant>`. */
    readonly name?: string;
    /** For changed: the property's path. */
    readonly path?: string;
    readonly before?: unknown;
    readonly after?: unknown;
    readonly secret?: true;
    /** The stacks it appears in, sorted. */
    readonly tenants: string[];
    /** How many of those stacks per mode, modes sorted. */
    readonly modes: Record<string, number>;
    /** How many resources it appears on, over all those stacks. */
    readonly resources: number;
}

/** A stack's logical names start with the stack's name: without it the same component reads the same everywhere. */
export function tenantNeutralName(tenant: string, name: string): string {
    return name === tenant ? "<tenant>" : name.startsWith(`${tenant}-`) ? `<tenant>${name.slice(tenant.length)}` : name;
}

/**
 * What changes in many stacks at once (shared code): identical changes grouped across stacks, the
 * widest first. New and removed stacks are left out: everything in them is new or gone, which
 * their status already says.
 */
export function blastRadius(entries: readonly StackDiffEntry[]): BlastGroup[] {
    const groups = new Map<string, { group: Omit<BlastGroup, "tenants" | "modes" | "resources">; tenants: Map<string, string>; resources: number }>();
    const add = (key: string, group: Omit<BlastGroup, "tenants" | "modes" | "resources">, entry: StackDiffEntry): void => {
        const found = groups.get(key) ?? { group, tenants: new Map<string, string>(), resources: 0 };
        found.tenants.set(entry.tenant, entry.mode);
        found.resources += 1;
        groups.set(key, found);
    };
    for (const entry of entries.filter((candidate) => candidate.diff.status === "changed")) {
        for (const kind of ["added", "removed"] as const) {
            for (const resource of entry.diff[kind]) {
                const name = tenantNeutralName(entry.tenant, resource.name);
                add(JSON.stringify([kind, resource.type, name]), { kind, type: resource.type, name }, entry);
            }
        }
        for (const resource of entry.diff.changed) {
            for (const change of resource.changes) {
                const { path, before, after, secret } = change;
                add(
                    JSON.stringify(["changed", resource.type, path, "before" in change ? before : "<absent>", "after" in change ? after : "<absent>"]),
                    { kind: "changed", type: resource.type, path, ...("before" in change ? { before } : {}), ...("after" in change ? { after } : {}), ...(secret ? { secret } : {}) },
                    entry,
                );
            }
        }
    }
    const result = [...groups.entries()].map(([key, { group, tenants, resources }]) => {
        const modes: Record<string, number> = {};
        for (const mode of [...tenants.values()].sort()) {
            modes[mode] = (modes[mode] ?? 0) + 1;
        }
        return { key, group: { ...group, tenants: [...tenants.keys()].sort(), modes, resources } };
    });
    return result.sort((a, b) => b.group.tenants.length - a.group.tenants.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ group }) => group);
}

/** A value for people: JSON on one line, cut at `max` characters; a secret never shows. */
export function showValue(value: unknown, max = 120): string {
    if (value === SECRET_PLACEHOLDER) {
        return "(secret)";
    }
    const text = JSON.stringify(value) ?? String(value);
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One property change for people: `/path: 1 → 2`, `/path: (secret) changed`, `/path: added "x"`. */
export function describeChange(change: PropertyChange, max = 120): string {
    const had = "before" in change;
    const has = "after" in change;
    if (change.secret) {
        return `${change.path}: (secret) ${had && has ? "changed" : has ? "added" : "removed"}`;
    }
    if (!had) {
        return `${change.path}: added ${showValue(change.after, max)}`;
    }
    if (!has) {
        return `${change.path}: removed (was ${showValue(change.before, max)})`;
    }
    return `${change.path}: ${showValue(change.before, max)} → ${showValue(change.after, max)}`;
}

/** A blast-radius group for people: `14 tenants (cloud 6, vpn 8): TYPE /path 1 → 2`. */
export function describeGroup(group: BlastGroup, max = 120): string {
    const modes = Object.entries(group.modes)
        .map(([mode, count]) => `${mode} ${count}`)
        .join(", ");
    const who = `${group.tenants.length} stack${group.tenants.length === 1 ? "" : "s"} (${modes})`;
    const what =
        group.kind === "changed"
            ? `${group.type} ${describeChange({ path: group.path ?? "", ...("before" in group ? { before: group.before } : {}), ...("after" in group ? { after: group.after } : {}), ...(group.secret ? { secret: true as const } : {}) }, max)}`
            : `${group.kind} ${group.type} ${group.name ?? ""}`;
    const spread = group.resources > group.tenants.length ? ` (${group.resources} resources)` : "";
    return `${who}: ${what}${spread}`;
}

/** Counts for a summary: `+added ~changed -removed` resources. */
export function diffCounts(diff: StackDiff): { added: number; changed: number; removed: number } {
    return { added: diff.added.length, changed: diff.changed.length, removed: diff.removed.length };
}

/** The readable diff of one stack: one line when nothing changes, else its changes indented. */
export function renderStackDiff(entry: StackDiffEntry, max = 120): string {
    const { diff } = entry;
    if (diff.status === "unchanged") {
        return `${entry.tenant}: no change`;
    }
    const { added, changed, removed } = diffCounts(diff);
    const lines = [`${entry.tenant} (${entry.mode}): ${diff.status}, +${added} ~${changed} -${removed} resources${diff.outputs.length ? `, ${diff.outputs.length} output change(s)` : ""}`];
    if (diff.status === "new" || diff.status === "removed") {
        const list = diff.status === "new" ? diff.added : diff.removed;
        const tally = new Map<string, number>();
        list.forEach((resource) => tally.set(resource.type, (tally.get(resource.type) ?? 0) + 1));
        lines.push(...[...tally.entries()].map(([type, count]) => `  ${diff.status === "new" ? "+" : "-"} ${String(count).padStart(3)} ${type}`));
        return lines.join("\n");
    }
    lines.push(...diff.added.map((resource) => `  + ${resource.type} ${resource.name}`));
    lines.push(...diff.removed.map((resource) => `  - ${resource.type} ${resource.name}`));
    for (const resource of diff.changed) {
        lines.push(`  ~ ${resource.type} ${resource.name}`, ...resource.changes.map((change) => `      ${describeChange(change, max)}`));
    }
    lines.push(...diff.outputs.map((change) => `  ~ output ${describeChange(change, max)}`));
    return lines.join("\n");
}
