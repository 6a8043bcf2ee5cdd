import * as pulumi from "@pulumi/pulumi";

import { SaasTenant } from "./config/tenant";
import { tenantContext } from "./context";
import { foundationOutputs, tenantFoundation } from "./foundation";

/** `saas`: everything is shared; the stack holds only what is truly the tenant's own. */
export function saas(tenant: SaasTenant): Record<string, pulumi.Input<unknown>> {
    const ctx = tenantContext(tenant);
    const foundation = tenantFoundation(ctx, { dedicatedKeys: false, identityProvider: "app" });
    return foundationOutputs(ctx, foundation);
}
