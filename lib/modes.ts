// The configuration modes the product sells and the kinds of stack the project deploys: every other
// list of them (the schema's enum aside, which a test keeps in step) is derived from these two.

/** The configuration modes, in the order of the contract and of `tenant.schema.json`'s enum. */
export const MODES = ["saas", "dedicated-saas", "physical", "cloud", "vpn", "vpn-sync"] as const;
export type Mode = (typeof MODES)[number];

/** What a stack is: a tenant's mode, or the shared platform of a region. */
export const STACK_KINDS = [...MODES, "platform"] as const;
export type StackKind = (typeof STACK_KINDS)[number];

export function isMode(value: unknown): value is Mode {
    return typeof value === "string" && (MODES as readonly string[]).includes(value);
}

export function isStackKind(value: unknown): value is StackKind {
    return typeof value === "string" && (STACK_KINDS as readonly string[]).includes(value);
}

/** What a mode sells, beside the application (the product's table of modes, README "Modes"). */
export interface ModeTraits {
    /** A host name of its own (a subdomain or the customer's domain); saas uses the shared app's. */
    readonly domain: boolean;
    /** A network (VPC) of its own, with its own CIDR. */
    readonly network: boolean;
    /** Reached only through the customer's site-to-site IPSec VPN. */
    readonly vpn: boolean;
    /** Users from the customer's directory, synced over the VPN. */
    readonly directory: boolean;
}

export const MODE_TRAITS: Readonly<Record<Mode, ModeTraits>> = {
    saas: { domain: false, network: false, vpn: false, directory: false },
    "dedicated-saas": { domain: true, network: false, vpn: false, directory: false },
    physical: { domain: true, network: true, vpn: false, directory: false },
    cloud: { domain: true, network: true, vpn: false, directory: false },
    vpn: { domain: true, network: true, vpn: true, directory: false },
    "vpn-sync": { domain: true, network: true, vpn: true, directory: true },
};

/** The modes that have `trait`, in the order of {@link MODES}. */
export function modesWith(trait: keyof ModeTraits): Mode[] {
    return MODES.filter((mode) => MODE_TRAITS[mode][trait]);
}
