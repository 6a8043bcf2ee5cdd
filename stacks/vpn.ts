import { VpnTenant } from "./config/tenant";
import { StackOutputs } from "./context";
import { dedicatedCloud, DedicatedProfile } from "./dedicated";

export function vpnProfile(tenant: VpnTenant): DedicatedProfile {
    return { publicAccess: false, identityProvider: "app", vpn: tenant.vpn };
}

/** `vpn`: a dedicated cloud reachable only over a site-to-site IPSec VPN. */
export function vpn(tenant: VpnTenant): Promise<StackOutputs> {
    return dedicatedCloud(tenant, vpnProfile(tenant));
}
