// What every tenant stack has, whatever its mode: its settings, and (for dedicated modes) its own
// encryption keys. Mode programs add to it; the differences between modes are the options.

import * as pulumi from "@pulumi/pulumi";

import { EncryptionKeys } from "../components/encryption-keys";
import { TenantSettings } from "../components/tenant-settings";
import { tenantSettingsParameterName } from "../lib/promises/passwords";
import { TenantContext, tenantUrl } from "./context";

export interface FoundationOptions {
    /** Whether the tenant has customer-managed keys of its own (every mode but saas). */
    readonly dedicatedKeys: boolean;
    /** How users sign in. */
    readonly identityProvider: "app" | "directory";
    /** Roles besides AWS services that may use the tenant's keys (the operations role). Default: none. */
    readonly keyUserArns?: pulumi.Input<string>[];
}

export interface Foundation {
    readonly url: pulumi.Output<string>;
    readonly settings: TenantSettings;
    readonly keys?: EncryptionKeys;
}

export function tenantFoundation(ctx: TenantContext, options: FoundationOptions): Foundation {
    const { tenant } = ctx;
    const url = tenantUrl(ctx);
    const settings = new TenantSettings(
        `${tenant.id}-settings`,
        {
            parameterName: tenantSettingsParameterName(tenant.id),
            settings: {
                tenant: tenant.id,
                company: tenant.company,
                environment: tenant.environment,
                url,
                passwordMinLength: tenant.passwordMinLength,
                identityProvider: options.identityProvider,
            },
        },
        ctx.opts,
    );
    const keys = options.dedicatedKeys
        ? new EncryptionKeys(
              `${tenant.id}-keys`,
              { aliasPrefix: `tenants/${tenant.id}`, owner: `tenant ${tenant.id}`, userArns: options.keyUserArns ?? [] },
              ctx.opts,
          )
        : undefined;
    return { url, settings, keys };
}

/** The stack outputs every tenant exports; modes add their own. */
export function foundationOutputs(ctx: TenantContext, foundation: Foundation): Record<string, pulumi.Input<unknown>> {
    return {
        tenant: ctx.tenant.id,
        mode: ctx.tenant.mode,
        region: ctx.tenant.region,
        url: foundation.url,
        settingsParameter: foundation.settings.parameterName,
        ...(foundation.keys ? { dataKeyArn: foundation.keys.dataKeyArn, backupKeyArn: foundation.keys.backupKeyArn } : {}),
    };
}

/** The outputs of a tenant's own data: where it is, and what a final backup before a destroy needs. */
export function dataOutputs(data: {
    readonly database: { readonly address: pulumi.Output<string>; readonly instanceArn: pulumi.Output<string> };
    readonly files: { readonly bucketName: pulumi.Output<string>; readonly bucketArn: pulumi.Output<string> };
    readonly backup: { readonly roleArn: pulumi.Output<string>; readonly vaultArn: pulumi.Output<string>; readonly offsiteVaultArn: pulumi.Output<string> };
}): Record<string, pulumi.Input<unknown>> {
    return {
        databaseAddress: data.database.address,
        filesBucket: data.files.bucketName,
        // What `npm run destroy` backs up, and as whom, before it destroys.
        databaseArn: data.database.instanceArn,
        filesBucketArn: data.files.bucketArn,
        backupRoleArn: data.backup.roleArn,
        backupVaultArn: data.backup.vaultArn,
        offsiteBackupVaultArn: data.backup.offsiteVaultArn,
    };
}
