import { SECRET_PLACEHOLDER } from "../../../lib/plan-document";
import { ResourceRule } from "../types";
import { T } from "./shared";
import { TUNNELS } from "./enforceVpnConnectionTunnelCrypto";

/**
 * What the rule can see, and where:
 * - Offline plan: inputs as the program registered them, every secret replaced by "[secret]". A
 *   pre-shared key that is any other string was passed in clear text: a violation.
 * - CrossGuard (`pulumi preview/up --policy-pack`): @pulumi/policy 1.21 hands validateResource and
 *   validateStack the PLAINTEXT of secret properties (deserialize.js, deserializeProperties(...,
 *   proxySecrets = false); only remediations get `Secret` wrappers), so a secret key and a clear one
 *   look the same there and this rule cannot tell them apart. The aws provider marks
 *   tunnel1/2PresharedKey as additionalSecretOutputs, so the state holds them encrypted whatever the
 *   program passed; what the program passes is checked by the plan. The CrossGuard pack must
 *   therefore not run this rule (or it would flag every key it is handed in plaintext).
 */
export const disallowVpnConnectionPlaintextPresharedKey: ResourceRule = {
    kind: "resource",
    name: "ec2-vpn-connection-psk-secret",
    description:
        'The tunnels\' pre-shared keys are Pulumi secrets (shown as "[secret]" in the offline plan) or unset (AWS generates them); a key in clear text is a violation. ' +
        "Meaningful in the offline plan only: CrossGuard hands policies secrets in plaintext.",
    why: "Whoever holds a tunnel's pre-shared key can impersonate the customer's VPN device: it must never sit in clear text in the program's inputs, the state or a plan.",
    enforcement: "mandatory",
    offlineOnly: "CrossGuard hands policies secret values in plaintext, so a secret key cannot be told from a clear one there",
    resourceTypes: [T.vpnConnection],
    validate(connection) {
        return TUNNELS.flatMap((tunnel) => {
            const key = connection.props[`${tunnel}PresharedKey`];
            return key === undefined || key === SECRET_PLACEHOLDER
                ? []
                : [`${tunnel}PresharedKey is in clear text; pass it as a Pulumi secret (pulumi.secret) or leave it unset for AWS to generate`];
        });
    },
};
