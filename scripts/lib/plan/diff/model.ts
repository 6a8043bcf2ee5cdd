// The shapes of a plan diff: what it reads of two plans (stacks and their resources) and what it
// gives (per stack, the resources added, removed and changed, property by property), with the
// orders every part of the diff shares.

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

/**
 * The property under which the planning thread marks a planned resource with its provider's logical
 * name (engine.ts withProviderName): never serialized, so a resource read back from a document, a
 * spill or the plan cache has none.
 */
export const PROVIDER_NAME = "__planProvider";

/** The provider resource a planned resource was registered with, where the planning thread marked it. */
export function providerNameOf(resource: object): string | undefined {
    const name = (resource as Record<string, unknown>)[PROVIDER_NAME];
    return typeof name === "string" ? name : undefined;
}

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

export interface StackDiffEntry {
    readonly tenant: string;
    readonly mode: string;
    readonly diff: StackDiff;
}

/** A replaced resource as other inputs refer to it: its (base) id. */
export interface ReplacedIdentity {
    readonly id: string;
    readonly ref: ResourceRef & { readonly stack?: string };
}

/** The JSON pointer of a resource's inputs in its plan entry. */
export const INPUTS = "/inputs";

/** The key a resource is matched by between two plans: its type and logical name. */
export const keyOf = (resource: ResourceRef): string => `${resource.type}\u0000${resource.name}`;

/** Resources in type-then-name order. */
export const byTypeThenName = (a: ResourceRef, b: ResourceRef): number => (a.type === b.type ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.type < b.type ? -1 : 1);
