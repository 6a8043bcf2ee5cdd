import { PhysicalTenant } from "./config/tenant";
import { StackOutputs } from "./context";
import { dedicatedCloud, DedicatedProfile } from "./dedicated";

export function physicalProfile(): DedicatedProfile {
    return { publicAccess: true, identityProvider: "app", dedicatedHost: true };
}

/**
 * `physical`: a dedicated physical server (an EC2 Dedicated Host) in the tenant's own network,
 * public over HTTPS; servers and database on hardware no other tenant shares.
 */
export function physical(tenant: PhysicalTenant): Promise<StackOutputs> {
    return dedicatedCloud(tenant, physicalProfile());
}
