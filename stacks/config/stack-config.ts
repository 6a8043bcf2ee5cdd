// The stack config keys of tenant stacks (beside the tenant file): what they mean and which are
// secret. Only stacks read them; the offline plan uses this list to know what it must stand in for.

export interface StackConfigKey {
    readonly secret: boolean;
    readonly description: string;
}

export const TENANT_STACK_CONFIG = {
    platformStack: {
        secret: false,
        description: "fully qualified name of the platform stack to reference (default <org>/tenant-platform/platform-<region>)",
    },
    directoryPassword: {
        secret: true,
        description: "vpn-sync: the password of identity.serviceAccount (pulumi config set --secret directoryPassword)",
    },
    // Recovery stacks (`<tenant>-recovery`, `<tenant>-drill`; stacks/recovery.ts): set by `npm run dr` only.
    recoveryActive: {
        secret: false,
        description: "recovery stacks: true brings up the servers, front door and restored database (default false: idle, ready)",
    },
    recoveryRedirect: {
        secret: false,
        description: "recovery stacks: true adds the SECONDARY failover records that redirect users to the recovery environment (only with recoveryActive)",
    },
    restoredDatabase: {
        secret: false,
        description: "the database a restore job created: an RDS instance identifier, or (physical) an EC2 instance id",
    },
    restoredFilesBucket: {
        secret: false,
        description: "recovery stacks: the bucket the files were restored into (default the recovery files bucket)",
    },
} as const satisfies Record<string, StackConfigKey>;

export type TenantStackConfigKey = keyof typeof TENANT_STACK_CONFIG;

export const SECRET_CONFIG_KEYS: readonly string[] = Object.entries(TENANT_STACK_CONFIG)
    .filter(([, key]) => key.secret)
    .map(([name]) => name);

/**
 * The config keys of the platform stacks (stacks/config/platform-settings.ts and stacks/platform.ts read
 * them). Kept here, beside the tenant stacks' keys, so that the one list of known keys below is
 * edited in one place when a setting moves (e.g. into a versioned file).
 */
export const PLATFORM_STACK_CONFIG_KEYS: readonly string[] = [
    // The only platform stack config: a name in the state backend. The settings themselves live in
    // platform-configs/<region>.yaml, and one left in stack config fails the update (stacks/platform.ts).
    "homePlatformStack",
    // A platform's recovery stack (stacks/platform-recovery.ts): the production platform stack it
    // reads, by fully qualified name (default <org>/tenant-platform/platform-<region>).
    "productionStack",
];

/**
 * The config keys of recovery stacks (`<stack>-recovery`, `<stack>-drill`: stacks/platform-recovery.ts),
 * set by `npm run dr` only: recoveryActive and recoveryRedirect (true/false, default false),
 * restoredDatabase (the DB instance a restore job created), restoredFilesBucket (the bucket the files
 * were restored into), restoredTenantDatabases (a platform recovery's dedicated-saas tenants' restored
 * DB instances, JSON {"<tenant id>": "<DB instance identifier>"}).
 */
export const RECOVERY_STACK_CONFIG_KEYS: readonly string[] = ["recoveryActive", "recoveryRedirect", "restoredDatabase", "restoredFilesBucket", "restoredTenantDatabases"];

/**
 * Every stack config key the program reads (without the project's `tenant-platform:` prefix):
 * what `npm run plan -- --config KEY=VALUE` accepts. `offboardingFinalBackup` is set by
 * `npm run destroy` (lib/promises/offboarding.ts).
 */
export const KNOWN_STACK_CONFIG_KEYS: readonly string[] = [...new Set([...Object.keys(TENANT_STACK_CONFIG), "offboardingFinalBackup", ...PLATFORM_STACK_CONFIG_KEYS, ...RECOVERY_STACK_CONFIG_KEYS])].sort();
