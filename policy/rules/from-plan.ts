// Adapts the plan contract's document to what the rules read: one PolicyStack per planned stack,
// and the settings (operations CIDRs, the other tenants' markers) the document itself implies.

import { isoDay } from "../../lib/canary-runtimes";
import { isStackKind } from "../../lib/modes";
import type { PlannedResource } from "../../lib/plan-document";
import { DEFAULT_BASE_DOMAIN, DEFAULT_PLATFORM_NETWORK, operationsCidrsOf, recoveryTargetOf } from "../../lib/platform";
import { HostOwnership, PolicySettings, PolicyStack } from "./types";

/** A planned stack as the plan JSON holds it (the fields the rules need). */
export interface PlannedStack {
    readonly tenant: string;
    readonly mode: string;
    readonly region?: string;
    /** A recovery environment's production stack (contract v1.1). */
    readonly recoveryOf?: string;
    readonly resources: readonly PlannedResource[];
    readonly outputs?: Record<string, unknown>;
}

export function stackFromPlan(plan: PlannedStack): PolicyStack {
    return {
        stack: plan.tenant,
        kind: isStackKind(plan.mode) ? plan.mode : undefined,
        resources: plan.resources.map((resource) => ({
            type: resource.type,
            name: resource.name,
            id: resource.id,
            parent: resource.parent,
            props: resource.inputs,
            protect: resource.protect,
            retainOnDelete: resource.retainOnDelete,
        })),
    };
}

/** What identifies a tenant's own resources in other stacks' properties. */
export function tenantMarkers(plan: PlannedStack): string[] {
    const ownedTypes = new Set([
        "aws:kms/key:Key",
        "aws:s3/bucket:Bucket",
        "aws:ec2/vpc:Vpc",
        "aws:ec2/subnet:Subnet",
        "aws:backup/vault:Vault",
        "aws:rds/instance:Instance",
        // What a script or a policy could reach another tenant's data through: its servers, their
        // firewalls and roles, its database secret, its logs.
        "aws:ec2/instance:Instance",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:iam/role:Role",
        "aws:secretsmanager/secret:Secret",
        "aws:cloudwatch/logGroup:LogGroup",
    ]);
    const ids = plan.resources.filter((resource) => ownedTypes.has(resource.type)).map((resource) => resource.id);
    const networks = plan.resources
        .filter((resource) => resource.type === "aws:ec2/vpc:Vpc")
        .map((resource) => resource.inputs.cidrBlock)
        .filter((cidr): cidr is string => typeof cidr === "string");
    return [...new Set([...ids, ...networks])].sort();
}

/** Every tenant's markers, computed once per document (a fleet of N tenants would otherwise cost N^2). */
const fleetMarkersOf = new WeakMap<object, PolicySettings["otherTenants"]>();

function fleetMarkers(document: { readonly tenants: readonly PlannedStack[] }): PolicySettings["otherTenants"] {
    let markers = fleetMarkersOf.get(document);
    if (!markers) {
        // A recovery environment's markers are its production tenant's (`acme-recovery`'s are acme's).
        markers = document.tenants
            .filter((stack) => stack.mode !== "platform")
            .map((stack) => ({ tenant: recoveryTargetOf(stack.tenant)?.production ?? stack.tenant, markers: tenantMarkers(stack) }));
        fleetMarkersOf.set(document, markers);
    }
    return markers;
}

/** Modes served by the shared app (`url` is the shared app's): they own no host name. */
const SHARED_APP_MODES: readonly string[] = ["saas"];

/** The host of a stack's `url` output, where it has one of its own. */
function hostOf(plan: PlannedStack): string | undefined {
    const url = plan.outputs?.url;
    // A recovery environment serves its production tenant's host name: the production stack declares it.
    if (plan.mode === "platform" || SHARED_APP_MODES.includes(plan.mode) || typeof url !== "string" || recoveryTargetOf(plan.tenant) !== undefined) {
        return undefined;
    }
    try {
        return new URL(url).hostname;
    } catch {
        return undefined;
    }
}

const fleetHostsOf = new WeakMap<object, HostOwnership>();

/**
 * The platform's base domain (from its platform stacks' `baseDomain` output; the default where the
 * document has none) and the host each tenant declares, the host of its `url` output.
 */
function fleetHosts(document: { readonly tenants: readonly PlannedStack[] }): HostOwnership {
    let hosts = fleetHostsOf.get(document);
    if (!hosts) {
        const bases = document.tenants.filter((stack) => stack.mode === "platform").map((stack) => stack.outputs?.baseDomain);
        const baseDomain = bases.find((base): base is string => typeof base === "string") ?? DEFAULT_BASE_DOMAIN;
        const tenants = document.tenants.flatMap((stack) => {
            const host = hostOf(stack);
            return host === undefined ? [] : [{ tenant: stack.tenant, host }];
        });
        hosts = { baseDomain, tenants };
        fleetHostsOf.set(document, hosts);
    }
    return hosts;
}

type FleetStacks = NonNullable<PolicySettings["fleet"]>;

const fleetStacksOf = new WeakMap<object, FleetStacks>();

/** The stacks of the document: name, mode, region and `recoveryOf`, computed once per document. */
function fleetStacks(document: { readonly tenants: readonly PlannedStack[] }): FleetStacks {
    let fleet = fleetStacksOf.get(document);
    if (!fleet) {
        fleet = document.tenants.map((stack) => ({
            stack: stack.tenant,
            mode: stack.mode,
            ...(typeof stack.region === "string" ? { region: stack.region } : {}),
            ...(typeof stack.recoveryOf === "string" ? { recoveryOf: stack.recoveryOf } : {}),
        }));
        fleetStacksOf.set(document, fleet);
    }
    return fleet;
}

/**
 * The settings a plan document implies: operations CIDRs from its platform stacks (the defaults
 * where it has none) and, for a tenant, the markers of the fleet's tenants (the rule ignores the
 * stack's own entry, so every tenant shares one list), and the host names the fleet declares.
 * `fleet`: every stack of the document, for the rules that judge the fleet.
 * `today`: the day calendar rules judge on (default: the current day, UTC; tests hand one in).
 */
export function settingsFor(plan: PlannedStack, document: { readonly tenants: readonly PlannedStack[] }, today: Date = new Date()): PolicySettings {
    const platforms = document.tenants.filter((candidate) => candidate.mode === "platform");
    const fromPlatforms = platforms.flatMap((platform) => (Array.isArray(platform.outputs?.operationsCidrs) ? (platform.outputs.operationsCidrs as string[]) : []));
    const operationsCidrs = fromPlatforms.length > 0 ? [...new Set(fromPlatforms)] : operationsCidrsOf({ networkCidr: DEFAULT_PLATFORM_NETWORK });
    return { operationsCidrs, otherTenants: plan.mode === "platform" ? [] : fleetMarkers(document), hosts: fleetHosts(document), fleet: fleetStacks(document), today: isoDay(today) };
}
