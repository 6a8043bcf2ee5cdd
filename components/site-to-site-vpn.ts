import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

import { formatCidr, isCanonicalCidr, parseAddress, parseCidr, specialPurposeRange } from "../lib/ipv4";
import * as aws from "./aws";
import { componentType } from "./types";

export type IkeVersion = "ikev1" | "ikev2";
/** AES-256 only: AWS also offers AES-128, which these tunnels never negotiate. */
export type TunnelEncryptionAlgorithm = "AES256" | "AES256-GCM-16";
/** SHA-2 only: AWS also offers SHA-1, which these tunnels never negotiate. */
export type TunnelIntegrityAlgorithm = "SHA2-256" | "SHA2-384" | "SHA2-512";
/**
 * Diffie-Hellman groups of at least 2048-bit MODP or 256-bit ECP strength. AWS also allows 2 and 5
 * (too weak) and 22-24 (MODP groups with small prime-order subgroups; RFC 8247 says SHOULD NOT).
 */
export type TunnelDhGroup = 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21;

/** Amazon's own default ASN of a virtual private gateway (EC2 CreateVpnGateway: "Default: 64512"). */
export const DEFAULT_AMAZON_SIDE_ASN = 64512;

/**
 * The AWS side's ASN for a customer's: Amazon's default 64512, unless the customer's own ASN is
 * 64512 (a private ASN the contract allows), then 64513. The two ends of a BGP session need
 * different ASNs, and a virtual private gateway's `amazonSideAsn` cannot change without replacing
 * it (and the VPN on it), so the choice depends on the customer's ASN alone and never moves.
 */
export function amazonSideAsnFor(customerAsn: number | undefined): number {
    return customerAsn === DEFAULT_AMAZON_SIDE_ASN ? DEFAULT_AMAZON_SIDE_ASN + 1 : DEFAULT_AMAZON_SIDE_ASN;
}
/** What the customer gateway declares with static routing: AWS requires an ASN even when BGP is off. */
export const STATIC_ROUTING_CUSTOMER_ASN = 65000;
export const DEFAULT_IKE_VERSIONS: readonly IkeVersion[] = ["ikev2"];
export const DEFAULT_ENCRYPTION_ALGORITHMS: readonly TunnelEncryptionAlgorithm[] = ["AES256", "AES256-GCM-16"];
export const DEFAULT_INTEGRITY_ALGORITHMS: readonly TunnelIntegrityAlgorithm[] = ["SHA2-256", "SHA2-384", "SHA2-512"];
export const DEFAULT_DH_GROUPS: readonly TunnelDhGroup[] = [14, 15, 16, 17, 18, 19, 20, 21];

const ALLOWED = {
    ikeVersions: ["ikev1", "ikev2"],
    encryption: DEFAULT_ENCRYPTION_ALGORITHMS,
    integrity: DEFAULT_INTEGRITY_ALGORITHMS,
    dhGroups: DEFAULT_DH_GROUPS,
} as const;

/**
 * How the pre-shared keys are generated. AWS accepts 8-64 characters of letters, digits, `.` and
 * `_`, not starting with `0`: a random letter followed by random characters of that alphabet
 * satisfies every rule whatever the generator draws.
 */
export const PRESHARED_KEY_RULES = {
    /** Total length of a key: the leading letter plus the body. */
    length: 32,
    /** The leading character: one letter, never a digit, so never `0`. */
    lead: { length: 1, upper: true, lower: true, numeric: false, special: false },
    /** The rest: letters, digits and the two special characters AWS allows. */
    body: { length: 31, upper: true, lower: true, numeric: true, special: true, overrideSpecial: "._" },
} as const;

export interface SiteToSiteVpnArgs {
    /** The tenant's VPC, to which the virtual private gateway is attached. Required. */
    readonly vpcId: pulumi.Input<string>;
    /** Public IPv4 address of the customer's VPN device. Required. */
    readonly customerGatewayIp: string;
    /**
     * The customer's BGP ASN: dynamic (BGP) routing when given; static routes to each corporate
     * CIDR when undefined. Required (pass `undefined` explicitly for static routing).
     */
    readonly bgpAsn: number | undefined;
    /** The customer's networks reachable through the tunnels. Required, at least one. */
    readonly corporateCidrs: readonly string[];
    /**
     * Route tables that learn the customer's routes from the gateway: only those whose subnets must
     * reach the corporate network. Required (may be empty).
     */
    readonly propagateToRouteTableIds: pulumi.Input<string>[];
    /** ASN of the AWS side of the BGP session. Default: 64512, or 64513 when the customer's `bgpAsn` is 64512 (amazonSideAsnFor). */
    readonly amazonSideAsn?: number;
    /** IKE versions the tunnels accept. Default: `["ikev2"]` only. */
    readonly ikeVersions?: readonly IkeVersion[];
    /** Phase 1 and phase 2 encryption. Default: AES256 and AES256-GCM-16. */
    readonly encryptionAlgorithms?: readonly TunnelEncryptionAlgorithm[];
    /** Phase 1 and phase 2 integrity. Default: SHA2-256, SHA2-384 and SHA2-512. */
    readonly integrityAlgorithms?: readonly TunnelIntegrityAlgorithm[];
    /** Phase 1 and phase 2 Diffie-Hellman groups. Default: 14 to 21. */
    readonly dhGroupNumbers?: readonly TunnelDhGroup[];
}

/** What a tunnel's customer side must be configured with (besides its pre-shared key). */
export interface VpnTunnel {
    /** AWS's public endpoint of the tunnel. */
    readonly outsideAddress: string;
    /** The /30 link-local network inside the tunnel (AWS side .1, customer side .2). */
    readonly insideCidr: string;
}

/** Problems with the VPN's arguments, each naming the field, the value and what is allowed. */
export function siteToSiteVpnProblems(args: {
    customerGatewayIp: string;
    bgpAsn: number | undefined;
    amazonSideAsn: number;
    corporateCidrs: readonly string[];
    ikeVersions: readonly string[];
    encryptionAlgorithms: readonly string[];
    integrityAlgorithms: readonly string[];
    dhGroupNumbers: readonly number[];
}): string[] {
    const problems: string[] = [];
    const address = parseAddress(args.customerGatewayIp);
    const range = address === undefined ? undefined : specialPurposeRange(address);
    if (address === undefined) {
        problems.push(`customerGatewayIp: "${args.customerGatewayIp}" is not an IPv4 address; expected the device's public address, e.g. 85.214.132.117`);
    } else if (range) {
        problems.push(`customerGatewayIp: "${args.customerGatewayIp}" is in ${formatCidr(range.cidr)} (${range.name}); expected the device's public internet address`);
    }
    // Customer gateways take 2-byte and 4-byte ASNs up to 2^31-1 in `bgpAsn`.
    if (args.bgpAsn !== undefined && (!Number.isInteger(args.bgpAsn) || args.bgpAsn < 1 || args.bgpAsn > 2_147_483_647)) {
        problems.push(`bgpAsn: ${args.bgpAsn} is not allowed; expected a whole number from 1 to 2147483647, or undefined for static routing`);
    }
    const privateAsn = (asn: number): boolean => (asn >= 64512 && asn <= 65534) || (asn >= 4_200_000_000 && asn <= 4_294_967_294);
    if (!Number.isInteger(args.amazonSideAsn) || !privateAsn(args.amazonSideAsn)) {
        problems.push(`amazonSideAsn: ${args.amazonSideAsn} is not allowed; expected a private ASN, 64512-65534 or 4200000000-4294967294`);
    } else if (args.bgpAsn === args.amazonSideAsn) {
        problems.push(`bgpAsn: ${args.bgpAsn} equals amazonSideAsn; the two sides of a BGP session need different ASNs`);
    }
    if (args.corporateCidrs.length === 0) {
        problems.push("corporateCidrs: none given; expected at least one network of the customer, e.g. 192.168.0.0/16");
    }
    for (const cidr of args.corporateCidrs) {
        if (!isCanonicalCidr(cidr)) {
            const parsed = parseCidr(cidr);
            problems.push(`corporateCidrs: "${cidr}" is not a network address; expected ${parsed ? formatCidr(parsed) : "a.b.c.d/n"}`);
        }
    }
    const duplicates = args.corporateCidrs.filter((cidr, index) => args.corporateCidrs.indexOf(cidr) !== index);
    if (duplicates.length > 0) {
        problems.push(`corporateCidrs: ${[...new Set(duplicates)].join(", ")} listed twice; expected each network once`);
    }
    const list = (field: string, values: readonly (string | number)[], allowed: readonly (string | number)[]): void => {
        const wrong = values.filter((value) => !allowed.includes(value));
        if (values.length === 0 || wrong.length > 0) {
            problems.push(`${field}: [${values.join(", ")}] is not allowed; expected a non-empty subset of ${allowed.join(", ")}`);
        }
    };
    list("ikeVersions", args.ikeVersions, ALLOWED.ikeVersions);
    list("encryptionAlgorithms", args.encryptionAlgorithms, ALLOWED.encryption);
    list("integrityAlgorithms", args.integrityAlgorithms, ALLOWED.integrity);
    list("dhGroupNumbers", args.dhGroupNumbers, ALLOWED.dhGroups);
    return problems;
}

/** One line saying how the customer's routes reach AWS, for the plan and the customer's instructions. */
export function routingSummary(args: { bgpAsn: number | undefined; amazonSideAsn: number; corporateCidrs: readonly string[] }): string {
    return args.bgpAsn === undefined
        ? `static: ${args.corporateCidrs.join(", ")}`
        : `bgp: customer asn ${args.bgpAsn}, amazon asn ${args.amazonSideAsn}`;
}

/**
 * A site-to-site IPSec VPN between the tenant's VPC and the customer's network: a virtual private
 * gateway on the VPC, the customer's gateway, and one connection of two tunnels (AWS's two
 * endpoints in different availability zones) with generated pre-shared keys and IKEv2, AES-256,
 * SHA-2 and DH 14+ only. Routing is BGP when the customer has an ASN, static routes otherwise; the
 * learnt routes reach only the route tables named.
 */
export class SiteToSiteVpn extends pulumi.ComponentResource {
    public readonly vpnGatewayId: pulumi.Output<string>;
    public readonly connectionId: pulumi.Output<string>;
    /** e.g. `static: 192.168.0.0/16, 172.31.0.0/16` or `bgp: customer asn 65010, amazon asn 64512`. */
    public readonly routing: pulumi.Output<string>;
    /** The ASN of the AWS side (the virtual private gateway's), which the customer's BGP peer expects. */
    public readonly amazonSideAsn: pulumi.Output<number>;
    /** What the customer configures on its device, tunnel 1 then tunnel 2. */
    public readonly tunnels: pulumi.Output<VpnTunnel[]>;
    /** The tunnels' pre-shared keys, tunnel 1 then tunnel 2. A secret. */
    public readonly presharedKeys: pulumi.Output<string[]>;

    constructor(name: string, args: SiteToSiteVpnArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("connectivity", "SiteToSiteVpn"), name, {}, opts);

        const amazonSideAsn = args.amazonSideAsn ?? amazonSideAsnFor(args.bgpAsn);
        const ikeVersions = args.ikeVersions ?? DEFAULT_IKE_VERSIONS;
        const encryptionAlgorithms = args.encryptionAlgorithms ?? DEFAULT_ENCRYPTION_ALGORITHMS;
        const integrityAlgorithms = args.integrityAlgorithms ?? DEFAULT_INTEGRITY_ALGORITHMS;
        const dhGroupNumbers = args.dhGroupNumbers ?? DEFAULT_DH_GROUPS;
        const staticRouting = args.bgpAsn === undefined;
        const problems = siteToSiteVpnProblems({
            customerGatewayIp: args.customerGatewayIp,
            bgpAsn: args.bgpAsn,
            amazonSideAsn,
            corporateCidrs: args.corporateCidrs,
            ikeVersions,
            encryptionAlgorithms,
            integrityAlgorithms,
            dhGroupNumbers,
        });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }

        const customerGateway = new aws.ec2.CustomerGateway(
            `${name}-cgw`,
            {
                ipAddress: args.customerGatewayIp,
                type: "ipsec.1",
                bgpAsn: String(args.bgpAsn ?? STATIC_ROUTING_CUSTOMER_ASN),
                tags: { Name: `${name}-cgw` },
            },
            { parent: this },
        );
        const vpnGateway = new aws.ec2.VpnGateway(
            `${name}-vgw`,
            { vpcId: args.vpcId, amazonSideAsn: String(amazonSideAsn), tags: { Name: `${name}-vgw` } },
            { parent: this },
        );

        // The random provider's password is secret but may start with `0`; a random letter in front
        // fixes that. The letter is stored in clear (RandomString results are not secret), so the 31
        // secret characters after it carry the key's strength (about 186 bits); the joined key is a secret.
        const presharedKey = (tunnel: "tunnel1" | "tunnel2"): pulumi.Output<string> => {
            const lead = new random.RandomString(`${name}-${tunnel}-psk-lead`, PRESHARED_KEY_RULES.lead, { parent: this });
            const body = new random.RandomPassword(`${name}-${tunnel}-psk`, PRESHARED_KEY_RULES.body, { parent: this });
            return pulumi.secret(pulumi.interpolate`${lead.result}${body.result}`);
        };
        const key1 = presharedKey("tunnel1");
        const key2 = presharedKey("tunnel2");

        // IKEv2 lets AWS bring the tunnels up itself instead of waiting for the customer's traffic;
        // with IKEv1 allowed, AWS cannot initiate and the customer's device must.
        const startupAction = ikeVersions.includes("ikev1") ? "add" : "start";
        // A dead peer makes AWS renegotiate rather than drop the tunnel until the customer sends
        // traffic again.
        const dpdTimeoutAction = "restart";
        const dpdTimeoutSeconds = 30;
        const connection = new aws.ec2.VpnConnection(
            `${name}-connection`,
            {
                type: "ipsec.1",
                customerGatewayId: customerGateway.id,
                vpnGatewayId: vpnGateway.id,
                staticRoutesOnly: staticRouting,
                tunnel1PresharedKey: key1,
                tunnel1IkeVersions: [...ikeVersions],
                tunnel1Phase1EncryptionAlgorithms: [...encryptionAlgorithms],
                tunnel1Phase2EncryptionAlgorithms: [...encryptionAlgorithms],
                tunnel1Phase1IntegrityAlgorithms: [...integrityAlgorithms],
                tunnel1Phase2IntegrityAlgorithms: [...integrityAlgorithms],
                tunnel1Phase1DhGroupNumbers: [...dhGroupNumbers],
                tunnel1Phase2DhGroupNumbers: [...dhGroupNumbers],
                tunnel1StartupAction: startupAction,
                tunnel1DpdTimeoutAction: dpdTimeoutAction,
                tunnel1DpdTimeoutSeconds: dpdTimeoutSeconds,
                tunnel2PresharedKey: key2,
                tunnel2IkeVersions: [...ikeVersions],
                tunnel2Phase1EncryptionAlgorithms: [...encryptionAlgorithms],
                tunnel2Phase2EncryptionAlgorithms: [...encryptionAlgorithms],
                tunnel2Phase1IntegrityAlgorithms: [...integrityAlgorithms],
                tunnel2Phase2IntegrityAlgorithms: [...integrityAlgorithms],
                tunnel2Phase1DhGroupNumbers: [...dhGroupNumbers],
                tunnel2Phase2DhGroupNumbers: [...dhGroupNumbers],
                tunnel2StartupAction: startupAction,
                tunnel2DpdTimeoutAction: dpdTimeoutAction,
                tunnel2DpdTimeoutSeconds: dpdTimeoutSeconds,
                tags: { Name: `${name}-connection` },
            },
            { parent: this },
        );

        if (staticRouting) {
            args.corporateCidrs.forEach((cidr, index) => {
                new aws.ec2.VpnConnectionRoute(
                    `${name}-route-${index}`,
                    { vpnConnectionId: connection.id, destinationCidrBlock: cidr },
                    { parent: this },
                );
            });
        }
        args.propagateToRouteTableIds.forEach((routeTableId, index) => {
            new aws.ec2.VpnGatewayRoutePropagation(
                `${name}-propagation-${index}`,
                { vpnGatewayId: vpnGateway.id, routeTableId },
                { parent: this },
            );
        });

        this.vpnGatewayId = vpnGateway.id;
        this.connectionId = connection.id;
        this.routing = pulumi.output(routingSummary({ bgpAsn: args.bgpAsn, amazonSideAsn, corporateCidrs: args.corporateCidrs }));
        this.amazonSideAsn = pulumi.output(amazonSideAsn);
        this.tunnels = pulumi
            .all([connection.tunnel1Address, connection.tunnel1InsideCidr, connection.tunnel2Address, connection.tunnel2InsideCidr])
            .apply(([address1, inside1, address2, inside2]) => [
                { outsideAddress: address1, insideCidr: inside1 },
                { outsideAddress: address2, insideCidr: inside2 },
            ]);
        this.presharedKeys = pulumi.secret(pulumi.all([key1, key2]));
        this.registerOutputs({
            vpnGatewayId: this.vpnGatewayId,
            connectionId: this.connectionId,
            routing: this.routing,
            amazonSideAsn: this.amazonSideAsn,
            tunnels: this.tunnels,
            presharedKeys: this.presharedKeys,
        });
    }
}
