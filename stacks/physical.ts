import * as pulumi from "@pulumi/pulumi";

import { PhysicalTenant } from "./config/tenant";
import { tenantContext } from "./context";
import { foundationOutputs, tenantFoundation } from "./foundation";

/** `physical`: a dedicated physical server (EC2 Dedicated Host) in the tenant's own network. */
export function physical(tenant: PhysicalTenant): Record<string, pulumi.Input<unknown>> {
    const ctx = tenantContext(tenant);
    const foundation = tenantFoundation(ctx, { dedicatedKeys: true, identityProvider: "app" });
    return foundationOutputs(ctx, foundation);
}
