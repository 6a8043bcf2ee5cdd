import { CloudTenant } from "./config/tenant";
import { StackOutputs } from "./context";
import { dedicatedCloud } from "./dedicated";

/** `cloud`: a dedicated cloud network, servers and database, public over HTTPS. */
export function cloud(tenant: CloudTenant): Promise<StackOutputs> {
    return dedicatedCloud(tenant, { publicAccess: true, identityProvider: "app" });
}
