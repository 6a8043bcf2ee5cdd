import { AppInstall } from "../components/app-install";
import { SaasTenant } from "./config/tenant";
import { StackOutputs, tenantContext } from "./context";
import { SHARED_SERVERS_TAG_KEY } from "../lib/promises/tags";
import { foundationOutputs, tenantFoundation } from "./foundation";

/** The tenant's database inside the shared instance: Postgres names take underscores, not hyphens. */
export function sharedDatabaseName(tenant: string): string {
    return `tenant_${tenant.replace(/-/g, "_")}`;
}

/** The tenant's prefix in the shared files bucket. */
export function sharedFilesPrefix(tenant: string): string {
    return `tenants/${tenant}/`;
}

/**
 * `saas`: everything is shared; the stack holds only what is truly the tenant's own: its settings
 * and its place in the shared application (a database of its own inside the shared instance, a
 * prefix in the shared files bucket), which the platform's backups cover.
 *
 * Async: the number of shared servers, which bounds the wait for the install, is read from the
 * platform stack.
 */
export async function saas(tenant: SaasTenant): Promise<StackOutputs> {
    const ctx = tenantContext(tenant);
    const { platform } = ctx;
    // The install runs on every shared server in turn: the wait for it scales with their number
    // (known at preview as at update: the platform is deployed before its tenants).
    const serverCount = (await platform.value("appServerInstanceIds")).length;
    const foundation = tenantFoundation(ctx, { dedicatedKeys: false, identityProvider: "app" });
    const databaseName = sharedDatabaseName(tenant.id);
    const filesPrefix = sharedFilesPrefix(tenant.id);
    new AppInstall(
        `${tenant.id}-app`,
        {
            tenant: tenant.id,
            serversTag: { key: SHARED_SERVERS_TAG_KEY, value: platform.output("appServersTag").apply((tag) => tag.value) },
            documentName: platform.output("tenantAppDocument"),
            parameters: {
                tenant: tenant.id,
                copy: "shared",
                hostName: platform.output("appUrl").apply((url) => new URL(url).hostname),
                databaseHost: platform.output("sharedDatabaseAddress"),
                databaseName,
                filesBucket: platform.output("sharedFilesBucket"),
                filesPrefix,
            },
            serverCount,
        },
        ctx.opts,
    );
    return {
        ...foundationOutputs(ctx, foundation),
        database: databaseName,
        files: platform.output("sharedFilesBucket").apply((bucket) => `s3://${bucket}/${filesPrefix}`),
        backups: "the platform's: shared database and files bucket, same schedule and off-site copies",
    };
}
