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
        description:
            "the database a restore job created: an RDS instance identifier, or (physical) an EC2 instance id; on a recovery stack the restored database it runs on, on production (after a failback) the instance production takes over as its database",
    },
    releaseFormerDatabase: {
        secret: false,
        description:
            "production after a failback (with restoredDatabase): true stops managing the former database instance, which AWS keeps (deletion-protected, retained); default false: still declared, unchanged and retained. An operator's decision once the incident's forensics are done",
    },
    restoredFilesBucket: {
        secret: false,
        description: "recovery stacks: the bucket the files were restored into (default the recovery files bucket)",
    },
    restoredDataVolume: {
        secret: false,
        description:
            "physical production after a failback: the EBS volume (vol-...) npm run dr -- failback made of the restored database server's data, under production's data key in the host's zone; production's database server takes it over as its data volume, its former one detached, tagged and retained",
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
    // After a failback: the shared database the platform takes over (stacks/platform.ts).
    "restoredDatabase",
    "releaseFormerDatabase",
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
/**
 * Stack config keys the program no longer reads, and what replaced each: `plan --config` takes them
 * (the plan contract's own example is `directoryLinkVerified=true`) and says they change nothing.
 */
export const RETIRED_STACK_CONFIG_KEYS: Readonly<Record<string, string>> = {
    directoryLinkVerified:
        "identity.connect in the tenant file replaces it (tenant contract v1.1): set connect: true there, in a pull request, to plan the AD Connector",
};

export const KNOWN_STACK_CONFIG_KEYS: readonly string[] = [...new Set([...Object.keys(TENANT_STACK_CONFIG), "offboardingFinalBackup", ...PLATFORM_STACK_CONFIG_KEYS, ...RECOVERY_STACK_CONFIG_KEYS])].sort();

/** What a `restoredDatabase` names: an RDS DB instance, or (physical) the database server's EC2 instance. */
export type RestoredDatabaseKind = "rds" | "ec2";

/**
 * What AWS would refuse in a `restoredDatabase` value, named before any lookup or import; undefined
 * when well-formed. EC2 instance ids: `i-` and 8 or 17 hex digits. RDS identifiers (botocore's RDS
 * model, CreateDBInstance DBInstanceIdentifier): 1 to 63 letters, digits or hyphens, starting with a
 * letter, no two consecutive hyphens, not ending in one.
 */
export function restoredDatabaseProblem(value: string, kind: RestoredDatabaseKind): string | undefined {
    const shown = value.slice(0, 80);
    if (kind === "ec2") {
        return /^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(value)
            ? undefined
            : `stack config restoredDatabase: "${shown}" is not an EC2 instance id (i-...); on physical the restored database is the database server's instance the restore job created`;
    }
    const problem = rdsIdentifierProblem(value);
    return problem === undefined ? undefined : `stack config restoredDatabase: ${problem}`;
}

/**
 * What RDS refuses in a DB instance identifier (botocore's RDS model, CreateDBInstance
 * DBInstanceIdentifier: 1 to 63 letters, digits or hyphens, starting with a letter, no two
 * consecutive hyphens, not ending in one), or undefined when it is one.
 */
export function rdsIdentifierProblem(id: string): string | undefined {
    if (/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/.test(id) && !id.includes("--") && !id.endsWith("-")) {
        return undefined;
    }
    return `"${id.slice(0, 80)}" is not an RDS DB instance identifier (1 to 63 letters, digits or hyphens, starting with a letter, no "--", not ending in "-")`;
}

/** A production stack's takeover of the database a failback restored (`restoredDatabase`, `releaseFormerDatabase`). */
export interface DatabaseTakeover {
    /** The restored instance: an RDS DB instance identifier, or (physical) an EC2 instance id. */
    readonly restored: string;
    /** The former instance is no longer declared (AWS keeps it: it was retained by the takeover's update). */
    readonly releaseFormer: boolean;
}

/**
 * Reads and checks a production stack's takeover config (`get` is a stack config reader, e.g.
 * `(key) => config.get(key)`). Returns the takeover or the problems (one sentence each);
 * undefined without `restoredDatabase` and `releaseFormerDatabase`.
 */
export function databaseTakeoverOf(get: (key: string) => string | undefined, kind: RestoredDatabaseKind): DatabaseTakeover | { readonly problems: string[] } | undefined {
    const restored = get("restoredDatabase");
    const release = get("releaseFormerDatabase");
    const problems: string[] = [];
    if (release !== undefined && release !== "true" && release !== "false") {
        problems.push(`stack config releaseFormerDatabase: "${release.slice(0, 40)}" is not allowed; expected true or false`);
    }
    if (restored === undefined) {
        if (release === "true") {
            problems.push("stack config releaseFormerDatabase: true needs restoredDatabase (the instance production took over); without it the former instance is production's database");
        }
        return problems.length > 0 ? { problems } : undefined;
    }
    const problem = restoredDatabaseProblem(restored, kind);
    if (problem !== undefined) {
        problems.push(problem);
    }
    return problems.length > 0 ? { problems } : { restored, releaseFormer: release === "true" };
}

/**
 * A physical production's `restoredDataVolume`, checked: an EBS volume id (`vol-` and 8 or 17 hex
 * digits, as EC2 gives them); undefined when unset. Only physical production has a data volume to
 * take over (elsewhere the database is RDS: `restoredDatabase`).
 */
export function restoredDataVolumeOf(get: (key: string) => string | undefined, physical: boolean): { readonly volumeId: string } | { readonly problem: string } | undefined {
    const value = get("restoredDataVolume");
    if (value === undefined) return undefined;
    if (!physical) {
        return { problem: `stack config restoredDataVolume: set on a tenant whose database is RDS; only a physical tenant's database server has a data volume to take over (for RDS, restoredDatabase)` };
    }
    return /^vol-([0-9a-f]{8}|[0-9a-f]{17})$/.test(value)
        ? { volumeId: value }
        : { problem: `stack config restoredDataVolume: "${value.slice(0, 80)}" is not an EBS volume id (vol-...); expected the volume npm run dr -- failback printed` };
}
