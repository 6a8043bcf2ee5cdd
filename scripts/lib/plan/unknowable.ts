// Values the offline plan cannot know. The mocks (scripts/lib/plan/mocks.ts and mock-attributes/)
// answer every attribute AWS assigns with a plausible, deterministic stand-in so the program runs;
// a reader must never take one of those for the real thing. What people read (the summary, the
// pull-request comment and its diagrams) prints the marker below in their place.

/** What a reader sees where the plan holds a stand-in for a value AWS assigns on deployment. */
export const KNOWN_AFTER_DEPLOY = "(known after deploy)";

/** A VPN tunnel as the stacks export it (components/site-to-site-vpn.ts `tunnels`). */
export interface TunnelOutput {
    readonly outsideAddress?: unknown;
    readonly insideCidr?: unknown;
}

/** The inputs of a planned resource, as far as these rules read them. */
type Inputs = Readonly<Record<string, unknown>>;

/**
 * The tunnels of a planned stack as a reader may take them: AWS picks each tunnel's outside
 * address from its own ranges on creation (mock-attributes/connectivity.ts `outsideAddress` draws
 * one), so it is always unknown; an inside CIDR is known only when the program chose it
 * (`tunnel<N>InsideCidr` in the connection's inputs), else AWS picks it (connectivity.ts `insideCidr`).
 */
export function knowableTunnels(tunnels: unknown, connection: { readonly inputs: Inputs } | undefined): { outsideAddress: string; insideCidr: string }[] {
    if (!Array.isArray(tunnels)) {
        return [];
    }
    return (tunnels as TunnelOutput[]).map((tunnel, i) => {
        const chosen = connection?.inputs[`tunnel${i + 1}InsideCidr`];
        return {
            outsideAddress: KNOWN_AFTER_DEPLOY,
            insideCidr: typeof chosen === "string" ? chosen : tunnel.insideCidr === undefined ? "-" : KNOWN_AFTER_DEPLOY,
        };
    });
}
