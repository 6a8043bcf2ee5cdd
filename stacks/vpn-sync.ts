import { VpnSyncTenant } from "./config/tenant";
import { StackOutputs } from "./context";
import { dedicatedCloud, DedicatedProfile } from "./dedicated";

export function vpnSyncProfile(tenant: VpnSyncTenant): DedicatedProfile {
    return { publicAccess: false, identityProvider: "directory", vpn: tenant.vpn, directory: tenant.identity };
}

/**
 * `vpn-sync`: as `vpn`, with users from the customer's directory, reached across the tunnels. It
 * comes up in two phases: the VPN first, the directory link once the tenant file's `identity.connect` is true.
 */
export function vpnSync(tenant: VpnSyncTenant): Promise<StackOutputs> {
    return dedicatedCloud(tenant, vpnSyncProfile(tenant));
}
