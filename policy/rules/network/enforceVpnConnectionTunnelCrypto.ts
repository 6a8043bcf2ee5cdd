import { ResourceRule } from "../types";
import { T } from "./shared";

export const TUNNELS = ["tunnel1", "tunnel2"] as const;
export const PHASES = ["Phase1", "Phase2"] as const;
export const STRONG_ENCRYPTION: readonly string[] = ["AES256", "AES256-GCM-16"];
export const STRONG_INTEGRITY: readonly string[] = ["SHA2-256", "SHA2-384", "SHA2-512"];
/**
 * Diffie-Hellman groups of at least 2048-bit MODP or 256-bit ECP strength. "At least 14" by number
 * would let in 22-24, which AWS offers but which are 1024/2048-bit MODP groups with small
 * prime-order subgroups (RFC 8247: SHOULD NOT); components/site-to-site-vpn.ts excludes them too.
 */
export const STRONG_DH_GROUPS: readonly number[] = [14, 15, 16, 17, 18, 19, 20, 21];

/** A list property: its values, or undefined when unset or empty (AWS then applies its permissive defaults). */
function valuesOf(value: unknown): unknown[] | undefined {
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
        return undefined;
    }
    return Array.isArray(value) ? value : [value];
}

function check(field: string, value: unknown, allowed: readonly unknown[], unsetMeans: string, expected: string): string[] {
    const values = valuesOf(value);
    if (values === undefined) {
        return [`${field} is not set (AWS then accepts ${unsetMeans}); expected ${expected}`];
    }
    const weak = values.filter((entry) => !allowed.includes(entry));
    return weak.length === 0 ? [] : [`${field} allows ${weak.map((entry) => JSON.stringify(entry)).join(", ")}; expected ${expected}`];
}

export const enforceVpnConnectionTunnelCrypto: ResourceRule = {
    kind: "resource",
    name: "ec2-vpn-connection-tunnel-crypto",
    description:
        'Both tunnels of every site-to-site VPN connection accept IKEv2 only (tunnelNIkeVersions exactly ["ikev2"]), and in phase 1 and 2 AES-256 encryption only, SHA-2 integrity only and Diffie-Hellman groups 14-21 only. ' +
        "An unset list is AWS's permissive default and a violation.",
    why: "The tunnels carry the customer's and the off-site provider's traffic over the internet: the promise is that neither side can negotiate them down to IKEv1, AES-128, SHA-1 or weak Diffie-Hellman groups.",
    enforcement: "mandatory",
    resourceTypes: [T.vpnConnection],
    validate(connection) {
        const props = connection.props;
        return TUNNELS.flatMap((tunnel) => {
            const ike = props[`${tunnel}IkeVersions`];
            const ikeValues = valuesOf(ike);
            const problems =
                ikeValues === undefined
                    ? [`${tunnel}IkeVersions is not set (AWS then accepts ikev1 and ikev2); expected exactly ["ikev2"]`]
                    : ikeValues.length === 1 && ikeValues[0] === "ikev2"
                      ? []
                      : [`${tunnel}IkeVersions is ${JSON.stringify(ikeValues)}; expected exactly ["ikev2"]`];
            for (const phase of PHASES) {
                problems.push(
                    ...check(`${tunnel}${phase}EncryptionAlgorithms`, props[`${tunnel}${phase}EncryptionAlgorithms`], STRONG_ENCRYPTION, "AES128 too", "AES256 and AES256-GCM-16 only"),
                    ...check(`${tunnel}${phase}IntegrityAlgorithms`, props[`${tunnel}${phase}IntegrityAlgorithms`], STRONG_INTEGRITY, "SHA1 too", "SHA2-256, SHA2-384 and SHA2-512 only"),
                    ...check(`${tunnel}${phase}DhGroupNumbers`, props[`${tunnel}${phase}DhGroupNumbers`], STRONG_DH_GROUPS, "groups 2, 5 and 22-24 too", "groups 14 to 21 only"),
                );
            }
            return problems;
        });
    },
};
