import { VpnTenant } from "./config/tenant";
import { StackOutputs } from "./context";
import { dedicatedCloud } from "./dedicated";

/** `vpn`: a dedicated cloud reachable only over a site-to-site IPSec VPN. */
export function vpn(tenant: VpnTenant): Promise<StackOutputs> {
    return dedicatedCloud(tenant, { publicAccess: false, identityProvider: "app", vpn: tenant.vpn });
}
