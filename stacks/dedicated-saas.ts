import * as pulumi from "@pulumi/pulumi";

import { DedicatedSaasTenant } from "./config/tenant";
import { tenantContext } from "./context";
import { foundationOutputs, tenantFoundation } from "./foundation";

/** `dedicated-saas`: shared servers, a dedicated copy of the app and a database of its own. */
export function dedicatedSaas(tenant: DedicatedSaasTenant): Record<string, pulumi.Input<unknown>> {
    const ctx = tenantContext(tenant);
    const foundation = tenantFoundation(ctx, { dedicatedKeys: true, identityProvider: "app" });
    return foundationOutputs(ctx, foundation);
}
