// The password policy as sold (Capacity Planner security policies, "User authentication": "a
// minimum length of 10 characters"). The tenant contract (tenant-configs/tenant.schema.json,
// `security.passwordMinLength`, 10 to 128) admits no less; the settings component refuses less and
// the policy rule judges the settings the app reads (test/policy/promise-rules.test.ts keeps the
// schema's minimum equal to this).

/** The shortest password the app may accept. */
export const PASSWORD_MIN_LENGTH = 10;

/** The key of the tenant settings (the JSON the app reads from its SSM parameter) that holds the minimum. */
export const PASSWORD_MIN_LENGTH_SETTING = "passwordMinLength";

/** Where a tenant's settings land: the plain SSM parameter the app reads at start-up. */
export function tenantSettingsParameterName(tenant: string): string {
    return `/tenants/${tenant}/settings`;
}

/** Whether an SSM parameter name is a tenant's settings ({@link tenantSettingsParameterName}). */
export function isTenantSettingsParameterName(name: unknown): boolean {
    return typeof name === "string" && /^\/tenants\/[^/]+\/settings$/.test(name);
}
