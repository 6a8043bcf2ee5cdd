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
} as const satisfies Record<string, StackConfigKey>;

export type TenantStackConfigKey = keyof typeof TENANT_STACK_CONFIG;

export const SECRET_CONFIG_KEYS: readonly string[] = Object.entries(TENANT_STACK_CONFIG)
    .filter(([, key]) => key.secret)
    .map(([name]) => name);
