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

/**
 * Shapes of values AWS assigns when it creates a resource, which the plan's mocks stand in for
 * (mocks.ts `awsResource`, mock-attributes/): a load balancer's DNS name
 * (`<name>-<number>.<region>.elb.amazonaws.com`, Elastic Load Balancing User Guide, "DNS name"),
 * a database endpoint (`<identifier>.<random>.<region>.rds.amazonaws.com`), the DNS validation
 * record ACM asks for (`_<32 hex>.<domain>` CNAME `_<32 hex>.<10 hex>.acm-validations.aws`, ACM
 * User Guide, "DNS validation"), an EC2-style id (`vpc-`, `subnet-`, `i-` ... then 17 hex, EC2
 * User Guide, "Resource IDs") and a KMS key's id (a UUID).
 */
const ASSIGNED_BY_AWS: readonly RegExp[] = [
    /\.elb\.amazonaws\.com\.?$/,
    /\.rds\.amazonaws\.com(:\d+)?$/,
    /^_[0-9a-f]{32}\./,
    /\.acm-validations\.aws\.?$/,
    /^[a-z]+(-[a-z]+)?-[0-9a-f]{17}$/,
    /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
];

/** Whether a planned string is a stand-in for a value AWS assigns on deployment. */
export function assignedByAws(value: string): boolean {
    return ASSIGNED_BY_AWS.some((pattern) => pattern.test(value));
}

/** A planned value for people: every stand-in for a value AWS assigns, at any depth, replaced by the marker. */
export function markUnknowable(value: unknown): unknown {
    if (typeof value === "string") {
        return assignedByAws(value) ? KNOWN_AFTER_DEPLOY : value;
    }
    if (Array.isArray(value)) {
        return value.map(markUnknowable);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, markUnknowable(entry)]));
    }
    return value;
}

/** A stack output for people: its tunnels' and every other AWS-assigned value marked (`resources` finds the VPN connection). */
export function knowableOutput(key: string, value: unknown, resources: readonly { readonly type: string; readonly inputs: Inputs }[]): unknown {
    const connection = resources.find((resource) => resource.type === "aws:ec2/vpnConnection:VpnConnection");
    return markUnknowable(key === "vpnTunnels" && Array.isArray(value) ? knowableTunnels(value, connection) : value);
}
