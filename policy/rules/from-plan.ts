// Adapts the plan contract's document to what the rules read: one PolicyStack per planned stack,
// and the settings (operations CIDRs, the other tenants' markers) the document itself implies.

import { isoDay } from "../../lib/canary-runtimes";
import { isStackKind } from "../../lib/modes";
import { PRIVATE_INGRESS_CIDRS } from "../../lib/network-plan";
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
        ...(plan.outputs !== undefined ? { outputs: plan.outputs } : {}),
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
    // A network that is a whole RFC 1918 block (192.168.0.0/16 is a valid tenant network) names no
    // tenant: every tenant's network ACL admits those blocks as the private ranges.
    const networks = plan.resources
        .filter((resource) => resource.type === "aws:ec2/vpc:Vpc")
        .map((resource) => resource.inputs.cidrBlock)
        .filter((cidr): cidr is string => typeof cidr === "string" && !PRIVATE_INGRESS_CIDRS.includes(cidr));
    return [...new Set([...ids, ...networks])].sort();
}

/** Modes served by the shared app (`url` is the shared app's): they own no host name. */
const SHARED_APP_MODES: readonly string[] = ["saas"];

/** The host of a stack's `url` output, where it has one of its own. */
function hostOf(plan: Pick<PlannedStack, "tenant" | "mode" | "outputs">): string | undefined {
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

/**
 * What the fleet rules and the settings read of one stack, small enough to keep for every stack of
 * a fleet while the stacks themselves are not held (the streaming plan keeps these, not the stacks).
 */
export interface StackFleetFacts {
    readonly tenant: string;
    readonly mode: string;
    readonly region?: string;
    readonly recoveryOf?: string;
    /** A tenant's markers (tenantMarkers); absent for a platform stack. */
    readonly markers?: readonly string[];
    /** The host of its `url`, where it serves one of its own. */
    readonly host?: string;
    /** A platform's `operationsCidrs` output. */
    readonly operationsCidrs?: readonly string[];
    /** A platform's `baseDomain` output. */
    readonly baseDomain?: unknown;
}

export function stackFleetFacts(plan: PlannedStack): StackFleetFacts {
    const host = hostOf(plan);
    return {
        tenant: plan.tenant,
        mode: plan.mode,
        ...(typeof plan.region === "string" ? { region: plan.region } : {}),
        ...(typeof plan.recoveryOf === "string" ? { recoveryOf: plan.recoveryOf } : {}),
        ...(plan.mode !== "platform" ? { markers: tenantMarkers(plan) } : {}),
        ...(host !== undefined ? { host } : {}),
        ...(plan.mode === "platform" && Array.isArray(plan.outputs?.operationsCidrs) ? { operationsCidrs: plan.outputs.operationsCidrs as string[] } : {}),
        ...(plan.mode === "platform" ? { baseDomain: plan.outputs?.baseDomain } : {}),
    };
}

/** What the settings of every stack share: computed once per fleet (per stack it would cost N^2). */
export interface PolicyFleet {
    readonly operationsCidrs: readonly string[];
    readonly otherTenants: PolicySettings["otherTenants"];
    readonly hosts: HostOwnership;
    readonly fleet: NonNullable<PolicySettings["fleet"]>;
}

/** The fleet the settings are drawn from: the facts of the document's stacks, in its order. */
export function policyFleet(stacks: readonly StackFleetFacts[]): PolicyFleet {
    const platforms = stacks.filter((stack) => stack.mode === "platform");
    const fromPlatforms = platforms.flatMap((platform) => platform.operationsCidrs ?? []);
    const operationsCidrs = fromPlatforms.length > 0 ? [...new Set(fromPlatforms)] : operationsCidrsOf({ networkCidr: DEFAULT_PLATFORM_NETWORK });
    // A recovery environment's markers are its production tenant's (`acme-recovery`'s are acme's).
    const otherTenants = stacks
        .filter((stack) => stack.mode !== "platform")
        .map((stack) => ({ tenant: recoveryTargetOf(stack.tenant)?.production ?? stack.tenant, markers: stack.markers ?? [] }));
    const baseDomain = platforms.map((stack) => stack.baseDomain).find((base): base is string => typeof base === "string") ?? DEFAULT_BASE_DOMAIN;
    const hosts: HostOwnership = { baseDomain, tenants: stacks.flatMap((stack) => (stack.host === undefined ? [] : [{ tenant: stack.tenant, host: stack.host }])) };
    const fleet = stacks.map((stack) => ({
        stack: stack.tenant,
        mode: stack.mode,
        ...(stack.region !== undefined ? { region: stack.region } : {}),
        ...(stack.recoveryOf !== undefined ? { recoveryOf: stack.recoveryOf } : {}),
    }));
    return { operationsCidrs, otherTenants, hosts, fleet };
}

/** The settings of one stack of a fleet (see {@link settingsFor}). */
export function settingsFromFleet(plan: Pick<PlannedStack, "mode" | "outputs">, fleet: PolicyFleet, today: Date = new Date()): PolicySettings {
    const own = plan.outputs?.vpnCustomerNetworks;
    const ownNetworks = Array.isArray(own) ? own.filter((cidr): cidr is string => typeof cidr === "string") : [];
    return {
        operationsCidrs: fleet.operationsCidrs,
        otherTenants: plan.mode === "platform" ? [] : fleet.otherTenants,
        ...(ownNetworks.length > 0 ? { ownNetworks } : {}),
        hosts: fleet.hosts,
        fleet: fleet.fleet,
        today: isoDay(today),
    };
}

/** The fleet of a document held whole, computed once per document. */
const policyFleetOf = new WeakMap<object, PolicyFleet>();

/**
 * The settings a plan document implies: operations CIDRs from its platform stacks (the defaults
 * where it has none) and, for a tenant, the markers of the fleet's tenants (the rule ignores the
 * stack's own entry, so every tenant shares one list), and the host names the fleet declares.
 * `fleet`: every stack of the document, for the rules that judge the fleet.
 * `today`: the day calendar rules judge on (default: the current day, UTC; tests hand one in).
 */
export function settingsFor(plan: PlannedStack, document: { readonly tenants: readonly PlannedStack[] }, today: Date = new Date()): PolicySettings {
    let fleet = policyFleetOf.get(document);
    if (!fleet) {
        fleet = policyFleet(document.tenants.map(stackFleetFacts));
        policyFleetOf.set(document, fleet);
    }
    return settingsFromFleet(plan, fleet, today);
}
