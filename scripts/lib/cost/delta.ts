// What a change of a stack does to its monthly cost: two estimates compared resource by resource.

import { toCents } from "./cents";
import { StackEstimate, UnknownCost } from "./estimate";

export interface ResourceCostChange {
    readonly resource: string;
    readonly type: string;
    readonly change: "added" | "removed" | "changed";
    /** The resource's known monthly cost before; null when absent or unknown (see `change`). */
    readonly beforeUsd: number | null;
    readonly afterUsd: number | null;
    /** null when either side is unknown. */
    readonly deltaUsd: number | null;
    /** Its charges before / after, e.g. "m6i.large × 730 h" -> "m6i.xlarge × 730 h". */
    readonly whatBefore: string | null;
    readonly whatAfter: string | null;
}

export interface CostDelta {
    readonly tenant: string;
    readonly beforeUsd: number;
    readonly afterUsd: number;
    /** Known after minus known before. */
    readonly deltaUsd: number;
    /** Resources whose charges appear, disappear or change, in the after-plan's order then removals. */
    readonly changes: ResourceCostChange[];
    /** The unknown items after the change, so a reader knows what the delta leaves out. */
    readonly unknown: UnknownCost[];
}

interface ResourceCost {
    readonly type: string;
    readonly cents: number | null;
    readonly what: string;
}

function byResource(estimate: StackEstimate | undefined): Map<string, ResourceCost> {
    const resources = new Map<string, ResourceCost>();
    for (const item of estimate?.items ?? []) {
        const key = `${item.type}::${item.resource}`;
        const previous = resources.get(key);
        const cents = item.monthlyUsd === null ? null : toCents(item.monthlyUsd);
        resources.set(key, {
            type: item.type,
            cents: previous === undefined ? cents : previous.cents === null || cents === null ? null : previous.cents + cents,
            what: previous === undefined ? item.what : `${previous.what}; ${item.what}`,
        });
    }
    return resources;
}

/** What a change of a stack does to its monthly cost; `before` undefined for a new stack, `after` for a removed one. */
export function costDelta(before: StackEstimate | undefined, after: StackEstimate | undefined): CostDelta {
    const tenant = after?.tenant ?? before?.tenant;
    if (tenant === undefined) {
        throw new Error("costDelta needs an estimate before or after the change");
    }
    const old = byResource(before);
    const now = byResource(after);
    const usd = (cents: number | null | undefined): number | null => (cents === null || cents === undefined ? null : cents / 100);
    const changes: ResourceCostChange[] = [];
    for (const [key, cost] of now) {
        const was = old.get(key);
        if (was !== undefined && was.cents === cost.cents && was.what === cost.what) {
            continue;
        }
        changes.push({
            resource: key.slice(cost.type.length + 2),
            type: cost.type,
            change: was === undefined ? "added" : "changed",
            beforeUsd: usd(was?.cents),
            afterUsd: usd(cost.cents),
            deltaUsd: cost.cents === null || was?.cents === null ? null : usd(cost.cents - (was?.cents ?? 0)),
            whatBefore: was?.what ?? null,
            whatAfter: cost.what,
        });
    }
    for (const [key, cost] of old) {
        if (!now.has(key)) {
            changes.push({
                resource: key.slice(cost.type.length + 2),
                type: cost.type,
                change: "removed",
                beforeUsd: usd(cost.cents),
                afterUsd: null,
                deltaUsd: cost.cents === null ? null : usd(-cost.cents),
                whatBefore: cost.what,
                whatAfter: null,
            });
        }
    }
    const beforeCents = toCents(before?.monthlyUsd ?? 0);
    const afterCents = toCents(after?.monthlyUsd ?? 0);
    return { tenant, beforeUsd: beforeCents / 100, afterUsd: afterCents / 100, deltaUsd: (afterCents - beforeCents) / 100, changes, unknown: after?.unknown ?? [] };
}
