import { CloudTenant } from "./config/tenant";
import { StackOutputs } from "./context";
import { dedicatedCloud, DedicatedProfile } from "./dedicated";

export function cloudProfile(): DedicatedProfile {
    return { publicAccess: true, identityProvider: "app" };
}

/** `cloud`: a dedicated cloud network, servers and database, public over HTTPS. */
export function cloud(tenant: CloudTenant): Promise<StackOutputs> {
    return dedicatedCloud(tenant, cloudProfile());
}
