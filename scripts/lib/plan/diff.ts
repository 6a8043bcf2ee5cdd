// What a change does to the fleet: two plan documents (the base ref's and the working tree's)
// compared stack by stack, resource by resource (matched by type + logical name), property by
// property. Pure and deterministic: the same two plans always give the same diff, in the same order.
//
// Secrets are already the placeholder "[secret]" in a plan. A property that is secret on either
// side is reported as a secret change, never with a value, and the placeholder is never shown as if
// it were one. Two secrets cannot be compared (both are the placeholder), so they count as unchanged.
//
// Replacements: a change of a force-new input (./replacements.ts) replaces the resource, which then
// gets a new id. The plan's mock ids derive from the stack, type and name, so they stay the same on
// both sides; what a real preview shows is that every input holding the replaced resource's old id
// (or an ARN, name or policy carrying it) becomes unknown. So the diff follows the replacement: any
// input of the base plan that carries a replaced resource's id is changed (to "[unknown]"), and
// replaces its resource in turn when that input is force-new, to a fixed point. Platform stacks'
// replacements are followed into the tenant stacks that read them.

import { SECRET_PLACEHOLDER } from "./engine";
import { atStake, ForceNewVerdict, forceNewVerdict, holdsData, pointerSegments } from "./replacements";

/** A stack's resource as far as the diff reads it (a `PlannedResource` of the plan contract fits). */
export interface DiffResource {
    readonly type: string;
    readonly name: string;
    /** The plan's (mock) id; references to the resource in other inputs carry it. */
    readonly id?: string;
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** Its explicit dependencies (logical names), as the plan records them; absent: none. */
    readonly dependsOn?: readonly string[];
    /** Replaced delete-before-create. */
    readonly deleteBeforeReplace?: true;
    /** Its `replaceOnChanges` option: inputs whose change replaces it. */
    readonly replaceOnChanges?: readonly string[];
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
    /** The input is force-new: this change alone makes the provider replace the resource. */
    readonly replaces?: true;
    /** The value carries the id of this resource, which is replaced: its new value is known only after. */
    readonly replacedReference?: ResourceRef & { readonly stack?: string };
}

export interface ResourceRef {
    readonly type: string;
    readonly name: string;
}

export interface ResourceChange extends ResourceRef {
    readonly changes: PropertyChange[];
    /** The provider deletes and creates the resource again (a new id) instead of updating it. */
    readonly replace: boolean;
    /** The type has no row in the force-new table: counted as replaced, since it may be. */
    readonly replaceUnknown?: true;
    /** The resource holds data that a replacement destroys (database, volume, bucket, key, vault ...). */
    readonly holdsData?: true;
    /** With `replace`: what the replacement destroys or breaks, in words for a reviewer. */
    readonly atStake?: string;
}

/** The value shown for an input that a replacement makes unknown (as `pulumi preview` shows it). */
export const UNKNOWN_AFTER_REPLACEMENT = "[unknown]";

export interface StackDiff {
    readonly status: DiffStatus;
    readonly added: ResourceRef[];
    readonly removed: ResourceRef[];
    readonly changed: ResourceChange[];
    /** Changed stack outputs (secret outputs as secret changes). */
    readonly outputs: PropertyChange[];
    /** The replaced servers in the order `pulumi up` replaces them (absent when no server is replaced). */
    readonly serverReplacements?: ServerReplacement[];
}

/** The EC2 instances: a replacement of one is a server going away for a new one. */
export const SERVER_TYPE = "aws:ec2/instance:Instance";

/**
 * One replaced server of a stack and its place in the rolling replacement. `pulumi up` registers a
 * resource only after every resource it depends on (its `dependsOn`, and every resource an input
 * of it carries) has completed its step, so a server whose `dependsOn` leads, through any chain of
 * dependencies, to another replaced server is replaced after it. Only a server's own `dependsOn`
 * starts the chain: what its inputs carry (its subnet, its image) is ordered before it anyway and
 * orders no other server.
 */
export interface ServerReplacement {
    /** The instance's logical name. */
    readonly name: string;
    /** Its step: 1 for the first servers replaced; the servers of one step are replaced at the same time. */
    readonly step: number;
    /** What its replacement waits for: its `dependsOn` (e.g. the previous server's target group registration). */
    readonly after: string[];
    /** Replaced delete-before-create (a server on a Dedicated Host): it is down until its replacement runs. */
    readonly deleteFirst: boolean;
    /** Why it is replaced: the change of its image name when that changed, else the first force-new change. */
    readonly reason: string;
}

/**
 * The replaced servers of a stack in replacement order (by step, then name), from the head plan's
 * `dependsOn` (what `pulumi up` will run). A plan made before `dependsOn` was recorded gives every
 * server step 1: replaced at the same time, as far as the plan can tell.
 */
export function serverReplacementOrder(changed: readonly ResourceChange[], head: DiffStack): ServerReplacement[] {
    const replaced = new Map(changed.filter((change) => change.type === SERVER_TYPE && change.replace).map((change) => [change.name, change]));
    if (replaced.size === 0) {
        return [];
    }
    const byName = new Map<string, DiffResource[]>();
    for (const resource of head.resources) {
        byName.set(resource.name, [...(byName.get(resource.name) ?? []), resource]);
    }
    const server = (name: string): DiffResource | undefined => byName.get(name)?.find((resource) => resource.type === SERVER_TYPE);
    // What each resource waits for: its dependsOn, and the resources whose id its inputs carry.
    const index = new ReferenceIndex<DiffResource>();
    head.resources.forEach((resource) => index.add(resource, stringLeaves(INPUTS, resource.inputs)));
    const referencedBy = new Map<DiffResource, Set<string>>();
    for (const resource of head.resources) {
        if (typeof resource.id === "string") {
            for (const { holder } of index.carriers(resource.id)) {
                if (holder !== resource) {
                    referencedBy.set(holder, (referencedBy.get(holder) ?? new Set()).add(resource.name));
                }
            }
        }
    }
    const predecessors = (resource: DiffResource): string[] => [...(resource.dependsOn ?? []), ...(referencedBy.get(resource) ?? [])];
    // The replaced servers each one waits for, through any chain of dependencies.
    const waitsFor = (name: string): Set<string> => {
        const seen = new Set<string>([name]);
        const found = new Set<string>();
        const stack = [...(server(name)?.dependsOn ?? [])];
        while (stack.length > 0) {
            const next = stack.pop()!;
            if (seen.has(next)) {
                continue;
            }
            seen.add(next);
            if (replaced.has(next) && server(next)) {
                found.add(next);
            }
            for (const resource of byName.get(next) ?? []) {
                stack.push(...predecessors(resource));
            }
        }
        return found;
    };
    const steps = new Map<string, number>();
    const stepOf = (name: string, visiting: Set<string> = new Set()): number => {
        const known = steps.get(name);
        if (known !== undefined) {
            return known;
        }
        // A cycle cannot be deployed (Pulumi refuses it); counted once, it cannot loop here.
        visiting.add(name);
        const before = [...waitsFor(name)].filter((other) => !visiting.has(other));
        const step = 1 + Math.max(0, ...before.map((other) => stepOf(other, visiting)));
        steps.set(name, step);
        return step;
    };
    return [...replaced.values()]
        .map((change): ServerReplacement => {
            const imageName = change.changes.find((entry) => entry.path === "/inputs/tags/ImageName");
            const forcing = change.changes.find((entry) => entry.replaces);
            const reason = imageName
                ? `image ${describeChange(imageName).replace(/^\/inputs\/tags\/ImageName: /, "")}`
                : forcing
                  ? describeChange(forcing)
                  : "a replaced resource it depends on";
            return { name: change.name, step: stepOf(change.name), after: [...(server(change.name)?.dependsOn ?? [])], deleteFirst: server(change.name)?.deleteBeforeReplace === true, reason };
        })
        .sort((a, b) => a.step - b.step || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The rolling replacement for people: a title, then one line per server, in order (`step N: ...`). */
export function describeServerReplacements(replacements: readonly ServerReplacement[]): string[] {
    const steps = new Set(replacements.map((replacement) => replacement.step)).size;
    const head =
        steps === replacements.length && steps > 1
            ? `${replacements.length} servers replaced one at a time, in this order (each after the previous one's step has completed):`
            : `${replacements.length} server(s) replaced in ${steps} step(s) (the servers of one step at the same time):`;
    return [
        head,
        ...replacements.map(
            (replacement) =>
                `step ${replacement.step}: ${replacement.name}: ${replacement.reason}` +
                (replacement.after.length > 0 ? `; after ${replacement.after.join(", ")}` : "") +
                (replacement.deleteFirst ? "; deleted before its replacement is created (down meanwhile)" : "; its replacement is created before it is deleted"),
        ),
    ];
}

/** The order in one line: `a → b → c`, the servers of one step joined with ` + `. */
export function serverReplacementSequence(replacements: readonly ServerReplacement[], quote: (name: string) => string = (name) => name): string {
    const steps = [...new Set(replacements.map((replacement) => replacement.step))].sort((a, b) => a - b);
    return steps.map((step) => replacements.filter((replacement) => replacement.step === step).map((replacement) => quote(replacement.name)).join(" + ")).join(" → ");
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

/**
 * A top-level input the provider generated from the logical name (`<name>-<7 hex>`, lower-cased for
 * some types, without the hyphen for RDS: scripts/lib/plan/mocks.ts). Plans made before contract
 * v1.1 recorded only the program's inputs, so such a name is absent on their side; the deployed
 * resource has had a generated name all along, which its state keeps: not a change.
 */
function generatedNameAppeared(resource: DiffResource, before: Readonly<Record<string, unknown>>, key: string, value: unknown): boolean {
    if (key in before || typeof value !== "string" || !/[0-9a-f]{7}$/.test(value)) {
        return false;
    }
    const stem = value.slice(0, -7);
    return [resource.name, resource.name.toLowerCase()].some((name) => stem === `${name}-` || stem === name);
}

function resourceChanges(before: DiffResource, after: DiffResource): PropertyChange[] {
    const afterInputs = Object.fromEntries(Object.entries(after.inputs).filter(([key, value]) => !generatedNameAppeared(after, before.inputs, key, value)));
    return [
        ...diffValues("/inputs", before.inputs, afterInputs),
        ...diffValues("/protect", before.protect, after.protect),
        ...diffValues("/retainOnDelete", before.retainOnDelete, after.retainOnDelete),
    ];
}

const EMPTY_STACK: DiffStack = { tenant: "", mode: "", resources: [], outputs: {} };

/** A replaced resource as other inputs refer to it: its (base) id. */
export interface ReplacedIdentity {
    readonly id: string;
    readonly ref: ResourceRef & { readonly stack?: string };
}

/** Characters an id is made of: an id found inside a longer run of them is another value. */
const ID_CHAR = /[A-Za-z0-9_-]/;
const NOT_ID_CHARS = /[^A-Za-z0-9_-]+/;

/** A string value of a plan entry, with its JSON pointer and the id-shaped runs of its text. */
interface Leaf {
    readonly path: string;
    readonly value: string;
    readonly tokens: readonly string[];
}

/** Every string leaf of `value` (secrets left out: they carry nothing readable), under `path`. */
function stringLeaves(path: string, value: unknown, out: Leaf[] = []): Leaf[] {
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
function carries(text: string, id: string): boolean {
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
class ReferenceIndex<T> {
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

const INPUTS = "/inputs";

/**
 * Whether a resource's `replaceOnChanges` option covers an input path: Pulumi's property paths, a
 * top-level name (`parameters`), a name and its elements (`tags.*`, `tags[*]`), or `*` for every input.
 */
export function replaceOnChangesCovers(options: readonly string[] | undefined, inputPath: readonly string[]): string | undefined {
    return (options ?? []).find((option) => {
        const head = option.split(/[.[]/)[0];
        return option === "*" || (head !== undefined && head === inputPath[0]);
    });
}

/**
 * The verdict on one change of a resource's inputs (other paths never replace): the resource's own
 * `replaceOnChanges` first (Pulumi replaces on those whatever the provider says), then the provider's
 * force-new table.
 */
function verdictOf(resource: Pick<DiffResource, "type" | "replaceOnChanges">, change: PropertyChange): ForceNewVerdict {
    if (!change.path.startsWith(`${INPUTS}/`)) {
        return { kind: "update" };
    }
    const inputPath = pointerSegments(change.path.slice(INPUTS.length));
    const option = replaceOnChangesCovers(resource.replaceOnChanges, inputPath);
    if (option !== undefined) {
        return { kind: "replace", rule: `replaceOnChanges: ${option}` };
    }
    return forceNewVerdict(resource.type, inputPath, "before" in change ? change.before : undefined, "after" in change ? change.after : undefined);
}

interface Working {
    readonly resource: DiffResource;
    readonly base: DiffResource;
    readonly changes: PropertyChange[];
    replace: boolean;
    unknown: boolean;
}

/**
 * The diff of one stack; `base` undefined for a new stack, `head` undefined for a removed one.
 * `external`: resources of other stacks (the platform's) that are replaced, followed into this one.
 */
export function diffStack(base: DiffStack | undefined, head: DiffStack | undefined, external: readonly ReplacedIdentity[] = []): StackDiff {
    const old = new Map((base ?? EMPTY_STACK).resources.map((resource) => [keyOf(resource), resource]));
    const now = new Map((head ?? EMPTY_STACK).resources.map((resource) => [keyOf(resource), resource]));
    const ref = (resource: DiffResource): ResourceRef => ({ type: resource.type, name: resource.name });
    const added = [...now.values()].filter((resource) => !old.has(keyOf(resource))).map(ref).sort(byTypeThenName);
    const removed = [...old.values()].filter((resource) => !now.has(keyOf(resource))).map(ref).sort(byTypeThenName);
    const matched: Working[] = [...now.values()].flatMap((resource) => {
        const was = old.get(keyOf(resource));
        if (!was) {
            return [];
        }
        let unknown = false;
        const changes = resourceChanges(was, resource).map((change) => {
            const verdict = verdictOf(resource, change);
            unknown ||= verdict.kind === "unknown";
            return verdict.kind === "replace" ? { ...change, replaces: true as const } : change;
        });
        return [{ resource, base: was, changes, replace: unknown || changes.some((change) => change.replaces), unknown }];
    });

    // Follow replacements to the inputs that carry the replaced resources' ids, to a fixed point.
    const outputs = diffValues("", (base ?? EMPTY_STACK).outputs, (head ?? EMPTY_STACK).outputs);
    const identity = (work: Working): ReplacedIdentity[] => (typeof work.base.id === "string" ? [{ id: work.base.id, ref: ref(work.resource) }] : []);
    let fresh: ReplacedIdentity[] = [...external, ...matched.filter((work) => work.replace).flatMap(identity)];
    let index: ReferenceIndex<Working | "outputs"> | undefined;
    while (fresh.length > 0) {
        if (index === undefined) {
            index = new ReferenceIndex();
            for (const work of matched) {
                index.add(work, stringLeaves(INPUTS, work.base.inputs));
            }
            index.add("outputs", stringLeaves("", (base ?? EMPTY_STACK).outputs));
        }
        const round = fresh;
        fresh = [];
        for (const replaced of round) {
            for (const { holder, leaf } of index.carriers(replaced.id)) {
                if (holder === "outputs") {
                    if (!outputs.some((change) => change.path === leaf.path || leaf.path.startsWith(`${change.path}/`))) {
                        outputs.push({ path: leaf.path, before: leaf.value, after: UNKNOWN_AFTER_REPLACEMENT, replacedReference: replaced.ref });
                    }
                    continue;
                }
                const work = holder;
                if (work.base.id === replaced.id) {
                    continue;
                }
                const at = work.changes.findIndex((change) => change.path === leaf.path);
                let change: PropertyChange;
                if (at >= 0) {
                    change = { ...work.changes[at]!, replacedReference: replaced.ref };
                    work.changes[at] = change;
                } else if (work.changes.some((change) => leaf.path.startsWith(`${change.path}/`))) {
                    continue; // a change of the whole subtree already says it changes
                } else {
                    change = { path: leaf.path, before: leaf.value, after: UNKNOWN_AFTER_REPLACEMENT, replacedReference: replaced.ref };
                    work.changes.push(change);
                }
                const verdict = verdictOf(work.resource, change);
                if (verdict.kind !== "update") {
                    work.changes[at >= 0 ? at : work.changes.length - 1] = { ...change, ...(verdict.kind === "replace" ? { replaces: true as const } : {}) };
                    work.unknown ||= verdict.kind === "unknown";
                    if (!work.replace) {
                        work.replace = true;
                        fresh.push(...identity(work));
                    }
                }
            }
        }
    }
    outputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

    const changed: ResourceChange[] = matched
        .filter((work) => work.changes.length > 0)
        .map((work) => {
            const stake = work.replace ? atStake(work.resource.type, work.resource.name, work.base.inputs) : undefined;
            const protectedNote = work.replace && work.base.protect ? `${work.resource.name} is protected: pulumi up refuses to replace it until protect is lifted` : undefined;
            const words = [stake, protectedNote].filter((text): text is string => text !== undefined).join("; ");
            return {
                ...ref(work.resource),
                changes: work.changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
                replace: work.replace,
                ...(work.unknown ? { replaceUnknown: true as const } : {}),
                ...(work.replace && holdsData(work.resource.type) ? { holdsData: true as const } : {}),
                ...(words ? { atStake: words } : {}),
            };
        })
        .sort(byTypeThenName);
    const status: DiffStatus =
        base === undefined ? "new" : head === undefined ? "removed" : added.length + removed.length + changed.length + outputs.length > 0 ? "changed" : "unchanged";
    const serverReplacements = head === undefined ? [] : serverReplacementOrder(changed, head);
    return { status, added, removed, changed, outputs, ...(serverReplacements.length > 0 ? { serverReplacements } : {}) };
}

/** The ids of the resources a stack's diff replaces (its base plan's ids), for stacks that read it. */
export function replacedIdentities(stack: string, base: DiffStack | undefined, diff: StackDiff): ReplacedIdentity[] {
    if (base === undefined) {
        return [];
    }
    const replaced = new Set(diff.changed.filter((change) => change.replace).map(keyOf));
    return base.resources
        .filter((resource) => replaced.has(keyOf(resource)) && typeof resource.id === "string")
        .map((resource) => ({ id: resource.id!, ref: { type: resource.type, name: resource.name, stack } }));
}

export interface StackDiffEntry {
    readonly tenant: string;
    readonly mode: string;
    readonly diff: StackDiff;
}

/**
 * The diff of every stack of either plan: the head's stacks in their order, then the stacks only
 * the base has (removed), sorted by name. The platform stacks are diffed first: what they replace
 * is followed into the tenant stacks (which read the platform's outputs).
 */
export function diffPlans(base: { readonly tenants: readonly DiffStack[] }, head: { readonly tenants: readonly DiffStack[] }): StackDiffEntry[] {
    const old = new Map(base.tenants.map((stack) => [stack.tenant, stack]));
    const now = new Set(head.tenants.map((stack) => stack.tenant));
    const platform = new Map(head.tenants.filter((stack) => stack.mode === "platform").map((stack) => [stack.tenant, diffStack(old.get(stack.tenant), stack)]));
    const external = [...platform.entries()].flatMap(([tenant, diff]) => replacedIdentities(tenant, old.get(tenant), diff));
    return [
        ...head.tenants.map((stack) => ({ tenant: stack.tenant, mode: stack.mode, diff: platform.get(stack.tenant) ?? diffStack(old.get(stack.tenant), stack, external) })),
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
    /** For changed: the change replaces the resource (a force-new input). */
    readonly replaces?: true;
    /** For changed: the value carries the id of a replaced resource (of this type and name). */
    readonly replacedReference?: ResourceRef;
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
                const { path, before, after, secret, replaces } = change;
                // A reference is grouped by what it refers to, tenant-neutral (its id differs per stack).
                const reference = change.replacedReference && { type: change.replacedReference.type, name: tenantNeutralName(entry.tenant, change.replacedReference.name) };
                add(
                    JSON.stringify([
                        "changed",
                        resource.type,
                        path,
                        reference ? reference : "before" in change ? before : "<absent>",
                        reference ? "<replaced>" : "after" in change ? after : "<absent>",
                        replaces === true,
                    ]),
                    {
                        kind: "changed",
                        type: resource.type,
                        path,
                        ...(reference ? { replacedReference: reference, after } : { ...("before" in change ? { before } : {}), ...("after" in change ? { after } : {}) }),
                        ...(secret ? { secret } : {}),
                        ...(replaces ? { replaces } : {}),
                    },
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

/**
 * One property change for people: `/path: 1 → 2`, `/path: (secret) changed`, `/path: added "x"`;
 * ` (forces replacement)` after a force-new one, and a reference to a replaced resource as
 * `/path: "[unknown]" (TYPE NAME is replaced)`.
 */
export function describeChange(change: Omit<PropertyChange, "replacedReference"> & { readonly replacedReference?: ResourceRef }, max = 120): string {
    const had = "before" in change;
    const has = "after" in change;
    const forces = change.replaces ? " (forces replacement)" : "";
    if (change.replacedReference) {
        const what = `${change.replacedReference.type} ${change.replacedReference.name}`;
        return `${change.path}: ${change.secret ? "(secret)" : showValue(change.after, max)} (${what} is replaced)${forces}`;
    }
    if (change.secret) {
        return `${change.path}: (secret) ${had && has ? "changed" : has ? "added" : "removed"}${forces}`;
    }
    if (!had) {
        return `${change.path}: added ${showValue(change.after, max)}${forces}`;
    }
    if (!has) {
        return `${change.path}: removed (was ${showValue(change.before, max)})${forces}`;
    }
    return `${change.path}: ${showValue(change.before, max)} → ${showValue(change.after, max)}${forces}`;
}

/** A blast-radius group for people: `14 tenants (cloud 6, vpn 8): TYPE /path 1 → 2`. */
export function describeGroup(group: BlastGroup, max = 120): string {
    const modes = Object.entries(group.modes)
        .map(([mode, count]) => `${mode} ${count}`)
        .join(", ");
    const who = `${group.tenants.length} stack${group.tenants.length === 1 ? "" : "s"} (${modes})`;
    const what =
        group.kind === "changed"
            ? `${group.type} ${describeChange(
                  {
                      path: group.path ?? "",
                      ...("before" in group ? { before: group.before } : {}),
                      ...("after" in group ? { after: group.after } : {}),
                      ...(group.secret ? { secret: true as const } : {}),
                      ...(group.replaces ? { replaces: true as const } : {}),
                      ...(group.replacedReference ? { replacedReference: group.replacedReference } : {}),
                  },
                  max,
              )}`
            : `${group.kind} ${group.type} ${group.name ?? ""}`;
    const spread = group.resources > group.tenants.length ? ` (${group.resources} resources)` : "";
    return `${who}: ${what}${spread}`;
}

/** Counts for a summary: `+added ~changed -removed` resources, and how many of the changed are replaced. */
export function diffCounts(diff: StackDiff): { added: number; changed: number; removed: number; replaced: number } {
    return { added: diff.added.length, changed: diff.changed.length, removed: diff.removed.length, replaced: diff.changed.filter((change) => change.replace).length };
}

/** Replaced first (those that hold data first of all), then the rest, each in type-then-name order. */
export function replacementsFirst(changed: readonly ResourceChange[]): ResourceChange[] {
    const rank = (change: ResourceChange): number => (change.replace ? (change.holdsData ? 0 : 1) : 2);
    return [...changed].sort((a, b) => rank(a) - rank(b) || byTypeThenName(a, b));
}

/** The heading of a changed resource: `-/+ TYPE NAME (replaced)` or `~ TYPE NAME`. */
export function describeResourceChange(change: ResourceChange): string {
    if (!change.replace) {
        return `~ ${change.type} ${change.name}`;
    }
    const why = change.replaceUnknown ? "may be replaced: its type is not in the force-new table (scripts/lib/plan/replacements.ts)" : "replaced";
    return `-/+ ${change.type} ${change.name} (${why})`;
}

/** The warning for a replacement that destroys data or breaks something outside the repository. */
export function replacementWarning(tenant: string, change: ResourceChange): string | undefined {
    return change.replace && change.atStake ? `${tenant}: ${change.holdsData ? "DATA LOSS: " : ""}${change.atStake}` : undefined;
}

/** The readable diff of one stack: one line when nothing changes, else its changes indented. */
export function renderStackDiff(entry: StackDiffEntry, max = 120): string {
    const { diff } = entry;
    if (diff.status === "unchanged") {
        return `${entry.tenant}: no change`;
    }
    const { added, changed, removed, replaced } = diffCounts(diff);
    const lines = [
        `${entry.tenant} (${entry.mode}): ${diff.status}, +${added} ~${changed} -${removed} resources${replaced ? ` (${replaced} replaced)` : ""}` +
            `${diff.outputs.length ? `, ${diff.outputs.length} output change(s)` : ""}`,
    ];
    if (diff.status === "new" || diff.status === "removed") {
        const list = diff.status === "new" ? diff.added : diff.removed;
        const tally = new Map<string, number>();
        list.forEach((resource) => tally.set(resource.type, (tally.get(resource.type) ?? 0) + 1));
        lines.push(...[...tally.entries()].map(([type, count]) => `  ${diff.status === "new" ? "+" : "-"} ${String(count).padStart(3)} ${type}`));
        return lines.join("\n");
    }
    const ordered = replacementsFirst(diff.changed);
    const detail = (resource: ResourceChange): string[] => [`  ${describeResourceChange(resource)}`, ...resource.changes.map((change) => `      ${describeChange(change, max)}`)];
    lines.push(...ordered.flatMap((resource) => (replacementWarning(entry.tenant, resource) ? [`  !! ${replacementWarning(entry.tenant, resource)}`] : [])));
    if (diff.serverReplacements) {
        const [title, ...steps] = describeServerReplacements(diff.serverReplacements);
        lines.push(`  >> ${title}`, ...steps.map((step) => `     ${step}`));
    }
    lines.push(...ordered.filter((resource) => resource.replace).flatMap(detail));
    lines.push(...diff.added.map((resource) => `  + ${resource.type} ${resource.name}`));
    lines.push(...diff.removed.map((resource) => `  - ${resource.type} ${resource.name}`));
    lines.push(...ordered.filter((resource) => !resource.replace).flatMap(detail));
    lines.push(...diff.outputs.map((change) => `  ~ output ${describeChange(change, max)}`));
    return lines.join("\n");
}
