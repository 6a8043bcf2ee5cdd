import * as pulumi from "@pulumi/pulumi";

import { VpnTenant } from "./config/tenant";
import { tenantContext } from "./context";
import { foundationOutputs, tenantFoundation } from "./foundation";

/** `vpn`: a dedicated cloud reachable only over a site-to-site IPSec VPN. */
export function vpn(tenant: VpnTenant): Record<string, pulumi.Input<unknown>> {
    const ctx = tenantContext(tenant);
    const foundation = tenantFoundation(ctx, { dedicatedKeys: true, identityProvider: "app" });
    return foundationOutputs(ctx, foundation);
}
