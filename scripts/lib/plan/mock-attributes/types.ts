/**
 * What a type-specific mock sees of a resource being registered, to derive the attributes AWS
 * would return (addresses, DNS names, tunnel endpoints ...).
 */
export interface MockAttributeContext {
    /** The resource's inputs as the program passed them, with auto-naming applied. */
    readonly inputs: Readonly<Record<string, unknown>>;
    /** The id the mocks gave the resource. */
    readonly id: string;
    readonly region: string;
    readonly account: string;
    /** Deterministic hex of the given length, unique to this resource (and `salt`). */
    hex(length: number, salt?: string): string;
    /** The state of an earlier resource of the same stack by its id (e.g. the subnet of an ENI). */
    stateOf(id: string): Readonly<Record<string, unknown>> | undefined;
}

/** Extra attributes per Pulumi type token, merged over the inputs and the generic id/arn. */
export type MockAttributes = Readonly<Record<string, (ctx: MockAttributeContext) => Record<string, unknown>>>;
