import * as pulumi from "@pulumi/pulumi";

import { VpnSyncTenant } from "./config/tenant";
import { tenantContext } from "./context";
import { foundationOutputs, tenantFoundation } from "./foundation";

/** `vpn-sync`: as `vpn`, with users from the customer's directory synced across the tunnels. */
export function vpnSync(tenant: VpnSyncTenant): Record<string, pulumi.Input<unknown>> {
    const ctx = tenantContext(tenant);
    const foundation = tenantFoundation(ctx, { dedicatedKeys: true, identityProvider: "directory" });
    return foundationOutputs(ctx, foundation);
}
