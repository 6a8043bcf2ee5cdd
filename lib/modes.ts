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
