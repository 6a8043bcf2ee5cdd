// The platform's names and defaults that every layer agrees on: its address block, the stack names
// of its regions, the tenant ids they reserve, its default base domain, network and home region,
// and the operations network carved from its network.

import { subnetPlan } from "./network-plan";
import { REGIONS } from "./regions";

/** The address block of the platform's own networks and the operations network (the validator keeps every tenant network out of it). */
export const PLATFORM_BLOCK = "10.0.0.0/12";

/**
 * The platform's base domain: tenants' subdomains and the shared app live under it. The default of
 * the platform setting `baseDomain` (stacks/config/platform-settings.ts); a file's `domain.own` is checked
 * against the one the platform files (platform-configs/) agree on, this one when they do not say.
 */
export const DEFAULT_BASE_DOMAIN = "itm.example.net";

/** The default of the platform setting `networkCidr`: the platform's VPC in each region. */
export const DEFAULT_PLATFORM_NETWORK = "10.15.0.0/16";

/**
 * The default home region. A constant, not derived from the fleet, so that every platform stack
 * agrees on it without seeing the others; `homeRegion` overrides it (on every platform stack).
 */
export const HOME_REGION = "eu-west-1";

/** Subdomains the platform itself serves under its base domain (`app.<base domain>` is the shared app). */
export const RESERVED_SUBDOMAINS: readonly string[] = ["app"];

/** The platform stack of a region: its name is part of the contract between the stacks. */
export function platformStackName(region: string): string {
    return `platform-${region}`;
}

/** The region of a platform stack name, or undefined when the name is not `platform-<region>`. */
export function platformRegionOf(stack: string): string | undefined {
    return /^platform-([a-z]{2}(-[a-z]+)+-\d)$/.exec(stack)?.[1];
}

/** Tenant ids that name the platform's stacks (`platform-<region>`), which the entry dispatches on. */
export function isReservedTenantId(id: string): boolean {
    return id === "platform" || REGIONS.some((region) => id === platformStackName(region));
}

/** The operations network tenants admit and route to: the platform's administration tier. */
export function operationsCidrsOf(settings: { readonly networkCidr: string }): string[] {
    return [...subnetPlan(settings.networkCidr).admin];
}

/**
 * The recovery environment of a production stack (the seed's backup environment, in the stack's
 * off-site region) is the stack `<production>-recovery`; the yearly drill's isolated copy of it is
 * `<production>-drill`. Tenant ids ending in either are refused (the validator), so no tenant's
 * stack can take one's name.
 */
export const RECOVERY_SUFFIX = "-recovery";
export const DRILL_SUFFIX = "-drill";

/** Which copy of a production stack a recovery-side stack is. */
export type RecoveryKind = "recovery" | "drill";

export function recoveryStackName(stack: string): string {
    return `${stack}${RECOVERY_SUFFIX}`;
}

export function drillStackName(stack: string): string {
    return `${stack}${DRILL_SUFFIX}`;
}

/** The production stack and kind of a `<production>-recovery` or `<production>-drill` name; else undefined. */
export function recoveryTargetOf(stack: string): { readonly production: string; readonly kind: RecoveryKind } | undefined {
    for (const [suffix, kind] of [[RECOVERY_SUFFIX, "recovery"], [DRILL_SUFFIX, "drill"]] as const) {
        if (stack.endsWith(suffix) && stack.length > suffix.length) {
            return { production: stack.slice(0, -suffix.length), kind };
        }
    }
    return undefined;
}

/** The production stack of a recovery stack name (`acme-recovery` -> acme), or undefined. */
export function recoveryOf(stack: string): string | undefined {
    const target = recoveryTargetOf(stack);
    return target?.kind === "recovery" ? target.production : undefined;
}

/**
 * The suffix a tenant id may not end in (it would name another tenant's recovery or drill stack),
 * or undefined. Kept apart from {@link isReservedTenantId}: policy rules exempt platform stacks by
 * that one, and recovery stacks are judged like every tenant stack.
 */
export function reservedSuffixOf(id: string): string | undefined {
    return [RECOVERY_SUFFIX, DRILL_SUFFIX].find((suffix) => id.endsWith(suffix));
}
