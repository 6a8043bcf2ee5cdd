// Every target of the fleet: each dedicated tenant (its own recovery environment) and the platform
// of each region in use (whose recovery carries the saas and dedicated-saas tenants), and the
// month of the year each one's drill falls in.

import { createHash } from "node:crypto";

import type { Mode } from "../../../lib/modes";
import { platformStackName } from "../../../lib/platform";

/** Which modes have a recovery environment of their own (the others recover with their platform). */
export const OWN_RECOVERY: Readonly<Record<Mode, boolean>> = {
    saas: false,
    "dedicated-saas": false,
    physical: true,
    cloud: true,
    vpn: true,
    "vpn-sync": true,
};

export interface FleetTenant {
    readonly id: string;
    readonly mode: Mode;
    readonly region: string;
}

/** Sorted: the platforms first, then the tenants. */
export function fleetTargets(tenants: readonly FleetTenant[]): string[] {
    const platforms = [...new Set(tenants.map((tenant) => platformStackName(tenant.region)))].sort();
    const dedicated = tenants.filter((tenant) => OWN_RECOVERY[tenant.mode]).map((tenant) => tenant.id).sort();
    return [...platforms, ...dedicated];
}

/**
 * The month (1-12) of a target's yearly drill: a hash of its name, so it never moves when other
 * targets come or go, and the fleet spreads evenly over the year.
 */
export function drillMonth(target: string): number {
    return (createHash("sha256").update(target).digest().readUInt32BE(0) % 12) + 1;
}

export function drillTargets(targets: readonly string[], month: number): string[] {
    if (!Number.isInteger(month) || month < 1 || month > 12) {
        throw new Error(`month must be a whole number from 1 to 12, got ${month}`);
    }
    return targets.filter((target) => drillMonth(target) === month);
}
