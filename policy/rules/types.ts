// The shape every rule sees, whoever runs it: the offline plan (a plan JSON document) or the
// CrossGuard pack during `pulumi preview`/`up`. Rules are pure functions of these values.

import type { StackKind } from "../../lib/modes";

export type { StackKind };

/** How a violation is treated: mandatory stops a deployment (and makes the plan exit 3). */
export type Enforcement = "mandatory" | "advisory";

/** One resource as the rules see it. */
export interface PolicyResource {
    /** Pulumi type token, e.g. `aws:ec2/instance:Instance`. */
    readonly type: string;
    /** Logical name, e.g. `acme-servers-0-instance`. */
    readonly name: string;
    /**
     * The resource's id where known (the plan's mock id; a deployed resource's id), so that a
     * reference in another resource's properties can be followed. Undefined during a preview of a
     * resource not created yet.
     */
    readonly id: string | undefined;
    /** Logical name of the parent component, or null. */
    readonly parent: string | null;
    /** Its properties: the inputs in a plan, the state in CrossGuard. */
    readonly props: Readonly<Record<string, unknown>>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
}

/** Facts about the world outside the stack that some rules need. */
export interface PolicySettings {
    /** The operations network: the only CIDRs administration ports may admit. */
    readonly operationsCidrs: readonly string[];
    /**
     * What belongs to the tenants of the fleet (ids, network CIDRs, key and bucket ids): a tenant's
     * stack must mention none of the others'. The stack's own entry, where present, is ignored (one
     * list then serves the whole fleet). Empty where the fleet is unknown.
     */
    readonly otherTenants: readonly { readonly tenant: string; readonly markers: readonly string[] }[];
    /**
     * The customer's networks the stack reaches over its own site-to-site VPN (the stack's output
     * `vpnCustomerNetworks`, from its tenant file's corporateCidrs): references to its own
     * customer, whichever tenant's network has the same range. Undefined: none.
     */
    readonly ownNetworks?: readonly string[];
    /**
     * The day the rules judge on (`YYYY-MM-DD`, UTC), for rules with a calendar (a runtime AWS
     * deprecates on a date). Handed in by whoever runs the rules, never read from a clock inside
     * a rule. Undefined: those rules say they cannot judge.
     */
    readonly today?: string;
    /**
     * Who serves which host name, what a tenant's host rules, certificates and DNS records are judged
     * against. Undefined where the fleet's host names are not known (a rule's unit fixtures): the
     * host-name rule is then not applicable. The plan (`settingsFor`) and the pack always set it.
     */
    readonly hosts?: HostOwnership;
    /**
     * Every stack of the plan document (production and recovery stacks alike), for the rules that
     * judge the fleet, not one stack (every dedicated tenant has a recovery environment). Only the
     * offline plan knows it (`settingsFor`); undefined in CrossGuard, which shows one stack: such
     * rules are `offlineOnly`.
     */
    readonly fleet?: readonly FleetStack[];
}

/** One stack of the plan document, as a fleet rule sees it. */
export interface FleetStack {
    /** The stack name (`acme`, `acme-recovery`, `platform-eu-west-1`). */
    readonly stack: string;
    /** The plan's `mode` (a recovery stack carries its production stack's). */
    readonly mode: string;
    /** The plan's `region`, where the document gives one. */
    readonly region?: string;
    /** For a recovery environment: the production stack it recovers (plan contract v1.1 `recoveryOf`). */
    readonly recoveryOf?: string;
}

/** The host names of the platform and the fleet. */
export interface HostOwnership {
    /**
     * The platform's base domain (platform setting `baseDomain`): its zone holds tenants'
     * `<subdomain>.<base>`, the shared app's `app.<base>` (`app.<region>.<base>`) and the platform's
     * own names; no tenant owns it or a name more than one label under it.
     */
    readonly baseDomain: string;
    /**
     * The host name each tenant of the fleet serves, as it declares it (the host of its `url`: its
     * `<subdomain>.<base>` or its own domain), the stack's own entry included. A saas tenant (served
     * by the shared app) has no entry and owns no host name.
     */
    readonly tenants: readonly { readonly tenant: string; readonly host: string }[];
}

/** One stack under review. */
export interface PolicyStack {
    /** The stack name: the tenant id, or `platform-<region>`. */
    readonly stack: string;
    /** Undefined when it cannot be told (a stack whose provider tags say nothing). */
    readonly kind: StackKind | undefined;
    readonly resources: readonly PolicyResource[];
    /** The stack's outputs where the rules see them (the offline plan); CrossGuard shows none. */
    readonly outputs?: Readonly<Record<string, unknown>>;
}

/** A problem a rule found: which resource (logical name; the stack name for stack-wide findings) and what. */
export interface Finding {
    readonly resource: string;
    readonly message: string;
}

interface RuleBase {
    /** Kebab-case, carrying the resource type, e.g. `ec2-instance-imdsv2`. Unique. */
    readonly name: string;
    /** What the rule demands. */
    readonly description: string;
    /** Why it matters: the promise of the service it keeps. */
    readonly why: string;
    readonly enforcement: Enforcement;
    /**
     * Set (to the reason) when the rule can only be judged on the offline plan, because CrossGuard
     * does not show what it needs (e.g. `retainOnDelete`, or which values are secret): the pack
     * then leaves it out, and the plan of every pull request still enforces it.
     */
    readonly offlineOnly?: string;
}

/**
 * A rule over one resource at a time: `validate` returns the messages of what is wrong with it
 * (empty when compliant). Only called for `resourceTypes`.
 */
export interface ResourceRule extends RuleBase {
    readonly kind: "resource";
    readonly resourceTypes: readonly string[];
    validate(resource: PolicyResource, stack: PolicyStack, settings: PolicySettings): string[];
}

/** A rule over the whole stack (relations between resources, things that must exist). */
export interface StackRule extends RuleBase {
    readonly kind: "stack";
    validate(stack: PolicyStack, settings: PolicySettings): Finding[];
}

export type Rule = ResourceRule | StackRule;

/** A finding of a rule, as the plan JSON reports it. */
export interface Violation {
    readonly policy: string;
    readonly resource: string;
    readonly message: string;
    readonly enforcement: Enforcement;
}
