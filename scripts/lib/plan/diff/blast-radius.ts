// What changes in many stacks at once (shared code): the same change grouped across stacks.

import { recoveryTargetOf } from "../../../../lib/platform";
import { ResourceRef, StackDiffEntry } from "./model";

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

/**
 * A stack's logical names start with the stack's name: without it the same component reads the same
 * everywhere. A recovery environment's or drill copy's resources are named after its production
 * stack (`acme-servers-access-sg` in `acme-recovery`): that name is taken off too.
 */
export function tenantNeutralName(tenant: string, name: string): string {
    for (const prefix of [tenant, recoveryTargetOf(tenant)?.production]) {
        if (prefix === undefined) {
            continue;
        }
        if (name === prefix) {
            return "<tenant>";
        }
        if (name.startsWith(`${prefix}-`)) {
            return `<tenant>${name.slice(prefix.length)}`;
        }
    }
    return name;
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
