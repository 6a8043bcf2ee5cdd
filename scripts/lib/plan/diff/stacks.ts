// What a change does to the fleet: two plan documents (the base ref's and the working tree's)
// compared stack by stack, resource by resource (matched by type + logical name), property by
// property. Pure and deterministic: the same two plans always give the same diff, in the same order.
//
// Secrets are already the placeholder "[secret]" in a plan. A property that is secret on either
// side is reported as a secret change, never with a value, and the placeholder is never shown as if
// it were one. Two secrets cannot be compared (both are the placeholder), so they count as unchanged.
//
// Replacements: a change of a force-new input (../replacements.ts) replaces the resource, which then
// gets a new id. The plan's mock ids derive from the stack, type and name, so they stay the same on
// both sides; what a real preview shows is that every input holding the replaced resource's old id
// (or an ARN, name or policy carrying it) becomes unknown. So the diff follows the replacement: any
// input of the base plan that carries a replaced resource's id is changed (to "[unknown]"), and
// replaces its resource in turn when that input is force-new, to a fixed point. Platform stacks'
// replacements are followed into the tenant stacks that read them.
//
// This file computes the diff; ./model.ts is its shape, ./render.ts its text for people,
// ./blast-radius.ts the changes shared by many stacks.

import { atStake, ForceNewVerdict, forceNewVerdict, holdsData, pointerSegments } from "../force-new";
import {
    byTypeThenName,
    DiffResource,
    DiffStack,
    DiffStatus,
    INPUTS,
    keyOf,
    PropertyChange,
    providerNameOf,
    ReplacedIdentity,
    ResourceChange,
    ResourceRef,
    StackDiff,
    StackDiffEntry,
    UNKNOWN_AFTER_REPLACEMENT,
} from "./model";
import { ReferenceIndex, stringLeaves } from "./references";
import { serverReplacementOrder } from "./server-order";
import { diffValues } from "./values";

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

    // A replaced provider resource (a region changed) replaces every resource it manages: Pulumi
    // creates each anew through the new provider (pulumi/pulumi#2012). The head's resources name
    // their provider where this thread planned them (providerNameOf).
    const replacedProviders = new Map(matched.filter((work) => work.replace && work.resource.type.startsWith("pulumi:providers:")).map((work) => [work.resource.name, ref(work.resource)]));
    if (replacedProviders.size > 0) {
        for (const work of matched) {
            const provider = providerNameOf(work.resource);
            const replacedProvider = provider === undefined ? undefined : replacedProviders.get(provider);
            if (replacedProvider !== undefined && !work.resource.type.startsWith("pulumi:providers:")) {
                work.changes.push({ path: "/provider", before: provider, after: UNKNOWN_AFTER_REPLACEMENT, replacedReference: replacedProvider, replaces: true });
                work.replace = true;
            }
        }
    }

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
