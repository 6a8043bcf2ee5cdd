import * as pulumi from "@pulumi/pulumi";

import { CloudTenant } from "./config/tenant";
import { tenantContext } from "./context";
import { foundationOutputs, tenantFoundation } from "./foundation";

/** `cloud`: a dedicated cloud network, servers and database, public over HTTPS. */
export function cloud(tenant: CloudTenant): Record<string, pulumi.Input<unknown>> {
    const ctx = tenantContext(tenant);
    const foundation = tenantFoundation(ctx, { dedicatedKeys: true, identityProvider: "app" });
    return foundationOutputs(ctx, foundation);
}
