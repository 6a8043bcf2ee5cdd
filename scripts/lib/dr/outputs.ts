// The stack outputs `dr` reads (`pulumi stack output --json`, never --show-secrets) and their
// validation: a missing or malformed output is named with its stack, so an operator at 3 a.m.
// knows which stack to look at instead of reading a TypeError.

import { TENANT_ID } from "../cli";

/** What production exports and the contingency plan needs (the recovery stacks' design). */
export interface ProductionOutputs {
    /** The public URL of the application (`https://acme.itm.example.net`). */
    readonly url: string;
    /** The production load balancer, and the HTTPS listener the maintenance page goes on. */
    readonly loadBalancerArn: string;
    readonly httpsListenerArn: string;
    /** The off-site copy vault, in the off-site region: where the recovery points come from. */
    readonly offsiteBackupVaultArn: string;
    /** The protected resources whose recovery points are restored. */
    readonly databaseArn: string;
    readonly filesBucketArn: string;
    /** The application's server image (the version the recovery environment must run). */
    readonly serverImage: string;
    /** The SNS topic of operations: incident notices go there. */
    readonly operationsTopicArn: string;
}

/**
 * Where a restore job lands in an environment's network. An RDS database lands in a DB subnet
 * group, an EC2 database server (physical) in a subnet: physical production has no DB subnet group
 * (no RDS at all), so a target names at least one of the two, and the restore of each type
 * requires its own (restore-plan.ts).
 */
export interface RestoreTarget {
    /** Where an RDS database is restored; absent for an environment whose database is an EC2 server (physical). */
    readonly dbSubnetGroupName?: string;
    readonly securityGroupIds: readonly string[];
    readonly filesBucketName: string;
    readonly availabilityZone: string;
    /** A database on EC2 (physical mode) is restored into this subnet. */
    readonly subnetId?: string;
    /**
     * A database on EC2 (physical mode, active recovery): the instance type production's database
     * server has (the one the recovery's Dedicated Host was sized for), and the instance profile of
     * the recovery's servers. The restore job launches the server with them.
     */
    readonly instanceType?: string;
    readonly instanceProfileName?: string;
    /** The recovery's Dedicated Host for the database server (placement: not yet sent, see restore-plan.ts). */
    readonly hostId?: string;
}

/** What a recovery stack (or its drill copy) exports. */
export interface RecoveryOutputs {
    /** The role AWS Backup assumes to restore into the recovery environment. */
    readonly restoreRoleArn: string;
    readonly restoreTarget: RestoreTarget;
    readonly serverImage: string;
    /** The recovery front door's URL; only while active. */
    readonly url?: string;
    readonly recoveryActive: boolean;
    /** The recovery environment's own backup vault (active only): failback restores from it. */
    readonly backupVaultArn?: string;
    /** The restored database (active only): failback restores its recovery points. */
    readonly databaseArn?: string;
    /** The environment's data key: the managed master secret of a restored RDS database is encrypted with it. */
    readonly dataKeyArn?: string;
    /** A platform recovery: its dedicated-saas tenants (always exported, empty when the region has none). */
    readonly dedicatedSaasTenants?: Readonly<Record<string, DedicatedSaasTenantOutputs>>;
    /**
     * Active only: the recovery's front door is internal (VPN modes), so an operator's machine
     * cannot reach `url`: the functional check is then the recovery's own availability canary.
     */
    readonly internalDoor?: boolean;
    /** Active only: the recovery's availability canary (CloudWatch Synthetics), the 5-minute check. */
    readonly checkCanaryName?: string;
    /** A platform recovery: the vault of its region a tenant's recovery points kept in another region are copied into first. */
    readonly tenantCopyVaultArn?: string;
}

/** One dedicated-saas tenant of a platform recovery stack (output `dedicatedSaasTenants`). */
export interface DedicatedSaasTenantOutputs {
    /** The recovery's bucket the tenant's files are restored into. */
    readonly filesBucketName: string;
    /** The name its failover records carry (the host, or `<tenant>.edge.<base>` for an own domain). */
    readonly failoverName: string;
    /** The tenant's check URL (active only). */
    readonly url?: string;
    /** Its restored database and its own backup vault (active only). */
    readonly databaseArn?: string;
    readonly backupVaultArn?: string;
    /** The copies of its own backups in the production region (active only): a failback restores from them. */
    readonly offsiteBackupVaultArn?: string;
}

/** What `dr` restores from a dedicated-saas tenant's production stack (its own outputs). */
export interface TenantSourceOutputs {
    readonly offsiteBackupVaultArn: string;
    readonly databaseArn: string;
    readonly filesBucketArn: string;
}

/** An output missing or of the wrong shape: one line naming the stack and the output. */
export class OutputError extends Error {}

type Raw = Record<string, unknown>;

function parse(stack: string, json: string): Raw {
    let value: unknown;
    try {
        value = JSON.parse(json);
    } catch {
        throw new OutputError(`the outputs of stack ${stack} are not JSON (pulumi stack output --json --stack ${stack})`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new OutputError(`the outputs of stack ${stack} are not an object`);
    }
    return value as Raw;
}

function text(stack: string, raw: Raw, key: string, problems: string[], optional = false): string | undefined {
    const value = raw[key];
    if (value === undefined || value === null) {
        if (!optional) problems.push(`${key} is missing`);
        return undefined;
    }
    if (value === "[secret]") {
        problems.push(`${key} is a secret: dr needs it in clear (it must not be exported as a secret)`);
        return undefined;
    }
    if (typeof value !== "string" || value.length === 0) {
        problems.push(`${key} is ${JSON.stringify(value)?.slice(0, 60)}: expected a non-empty string`);
        return undefined;
    }
    return value;
}

function arn(stack: string, raw: Raw, key: string, problems: string[], optional = false): string | undefined {
    const value = text(stack, raw, key, problems, optional);
    if (value !== undefined && !/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/.test(value)) {
        problems.push(`${key} is "${value.slice(0, 80)}": expected an ARN`);
        return undefined;
    }
    return value;
}

function fail(stack: string, problems: string[]): never {
    throw new OutputError(`stack ${stack}: ${problems.join("; ")} (pulumi stack output --json --stack ${stack}; deploy the stack with npm run up first if it is new)`);
}

export function readProductionOutputs(stack: string, json: string): ProductionOutputs {
    const raw = parse(stack, json);
    const problems: string[] = [];
    const outputs = {
        url: text(stack, raw, "url", problems),
        loadBalancerArn: arn(stack, raw, "loadBalancerArn", problems),
        httpsListenerArn: arn(stack, raw, "httpsListenerArn", problems),
        offsiteBackupVaultArn: arn(stack, raw, "offsiteBackupVaultArn", problems),
        databaseArn: arn(stack, raw, "databaseArn", problems),
        filesBucketArn: arn(stack, raw, "filesBucketArn", problems),
        serverImage: text(stack, raw, "serverImage", problems),
        operationsTopicArn: arn(stack, raw, "operationsTopicArn", problems),
    };
    if (outputs.url !== undefined && !/^https:\/\/[^/\s]+/.test(outputs.url)) {
        problems.push(`url is "${outputs.url.slice(0, 80)}": expected https://HOST`);
    }
    if (problems.length > 0) fail(stack, problems);
    return outputs as ProductionOutputs;
}

function restoreTarget(raw: Raw, problems: string[]): RestoreTarget | undefined {
    const value = raw.restoreTarget;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.push(value === undefined ? "restoreTarget is missing" : "restoreTarget is not an object");
        return undefined;
    }
    const target = value as Raw;
    const inner: string[] = [];
    const result = {
        dbSubnetGroupName: text("", target, "dbSubnetGroupName", inner, true),
        filesBucketName: text("", target, "filesBucketName", inner),
        availabilityZone: text("", target, "availabilityZone", inner),
        subnetId: text("", target, "subnetId", inner, true),
        instanceType: text("", target, "instanceType", inner, true),
        instanceProfileName: text("", target, "instanceProfileName", inner, true),
        hostId: text("", target, "hostId", inner, true),
        securityGroupIds: target.securityGroupIds,
    };
    // EC2's rules: instance types are `family.size` (botocore ec2 model: InstanceType enum, e.g.
    // m5.large); IAM names 1-128 of [\w+=,.@-] (botocore iam model, instanceProfileNameType);
    // Dedicated Host ids `h-` and hex (EC2 AllocateHosts' HostIds).
    if (result.instanceType !== undefined && !/^[a-z0-9-]+\.[a-z0-9-]+$/.test(result.instanceType)) inner.push(`instanceType is "${result.instanceType.slice(0, 40)}": expected an EC2 instance type (family.size)`);
    if (result.instanceProfileName !== undefined && !/^[\w+=,.@-]{1,128}$/.test(result.instanceProfileName)) inner.push(`instanceProfileName is "${result.instanceProfileName.slice(0, 40)}": expected an IAM instance profile name`);
    if (result.hostId !== undefined && !/^h-[0-9a-f]+$/.test(result.hostId)) inner.push(`hostId is "${result.hostId.slice(0, 40)}": expected a Dedicated Host id (h-...)`);
    if (!Array.isArray(result.securityGroupIds) || result.securityGroupIds.length === 0 || !result.securityGroupIds.every((id) => typeof id === "string" && /^sg-[0-9a-f]+$/.test(id))) {
        inner.push("securityGroupIds must be a non-empty list of sg-... ids");
    }
    if (target.dbSubnetGroupName === undefined && target.subnetId === undefined) {
        // An RDS database is restored into a DB subnet group, a database server on EC2 (physical) into a subnet.
        inner.push("dbSubnetGroupName is missing: the restore target names the DB subnet group (an RDS database) or subnetId (a database server on EC2, physical mode)");
    }
    problems.push(...inner.map((problem) => `restoreTarget.${problem}`));
    if (inner.length > 0) return undefined;
    return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)) as unknown as RestoreTarget;
}

export function readRecoveryOutputs(stack: string, json: string, options: { readonly active?: boolean } = {}): RecoveryOutputs {
    const raw = parse(stack, json);
    const problems: string[] = [];
    const active = raw.recoveryActive;
    if (typeof active !== "boolean") {
        problems.push(active === undefined ? "recoveryActive is missing" : `recoveryActive is ${JSON.stringify(active)?.slice(0, 40)}: expected true or false`);
    }
    const outputs = {
        restoreRoleArn: arn(stack, raw, "restoreRoleArn", problems),
        restoreTarget: restoreTarget(raw, problems),
        serverImage: text(stack, raw, "serverImage", problems),
        url: text(stack, raw, "url", problems, !options.active),
        recoveryActive: active === true,
        backupVaultArn: arn(stack, raw, "backupVaultArn", problems, true),
        databaseArn: arn(stack, raw, "databaseArn", problems, true),
        dataKeyArn: arn(stack, raw, "dataKeyArn", problems, true),
        dedicatedSaasTenants: dedicatedSaasTenants(raw, problems),
        ...checkOutputs(raw, problems),
        tenantCopyVaultArn: arn(stack, raw, "tenantCopyVaultArn", problems, true),
    };
    if (problems.length > 0) fail(stack, problems);
    return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined)) as unknown as RecoveryOutputs;
}

/** The region of an ARN (`arn:aws:backup:eu-central-1:...` -> eu-central-1). */
export function arnRegion(value: string): string {
    const region = value.split(":")[3];
    if (!region) throw new OutputError(`"${value.slice(0, 80)}" names no region`);
    return region;
}

/** The last part of an ARN after `:` or `/` (a vault's or bucket's name). */
export function arnName(value: string): string {
    return value.split(/[:/]/).pop()!;
}

function dedicatedSaasTenants(raw: Raw, problems: string[]): Record<string, DedicatedSaasTenantOutputs> | undefined {
    const value = raw.dedicatedSaasTenants;
    if (value === undefined) return undefined;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.push("dedicatedSaasTenants is not an object ({ \"<tenant id>\": { filesBucketName, failoverName, ... } })");
        return undefined;
    }
    const tenants: Record<string, DedicatedSaasTenantOutputs> = {};
    for (const [id, entry] of Object.entries(value as Raw)) {
        const inner: string[] = [];
        if (!TENANT_ID.test(id)) {
            problems.push(`dedicatedSaasTenants: "${id.slice(0, 40)}" is not a tenant id`);
            continue;
        }
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            problems.push(`dedicatedSaasTenants.${id.slice(0, 40)} is not an object`);
            continue;
        }
        const fields = entry as Raw;
        const tenant = {
            filesBucketName: text("", fields, "filesBucketName", inner),
            failoverName: text("", fields, "failoverName", inner),
            url: text("", fields, "url", inner, true),
            databaseArn: arn("", fields, "databaseArn", inner, true),
            backupVaultArn: arn("", fields, "backupVaultArn", inner, true),
            offsiteBackupVaultArn: arn("", fields, "offsiteBackupVaultArn", inner, true),
        };
        if (tenant.url !== undefined && !/^https:\/\/[^/\s]+/.test(tenant.url)) inner.push(`url is "${tenant.url.slice(0, 80)}": expected https://HOST`);
        problems.push(...inner.map((problem) => `dedicatedSaasTenants.${id}.${problem}`));
        if (inner.length === 0) tenants[id] = Object.fromEntries(Object.entries(tenant).filter(([, v]) => v !== undefined)) as unknown as DedicatedSaasTenantOutputs;
    }
    return tenants;
}

/** The outputs `dr` restores a dedicated-saas tenant from: its own production stack's, validated like production's. */
export function readTenantSourceOutputs(stack: string, json: string): TenantSourceOutputs {
    const raw = parse(stack, json);
    const problems: string[] = [];
    const outputs = {
        offsiteBackupVaultArn: arn(stack, raw, "offsiteBackupVaultArn", problems),
        databaseArn: arn(stack, raw, "databaseArn", problems),
        filesBucketArn: arn(stack, raw, "filesBucketArn", problems),
    };
    if (problems.length > 0) fail(stack, problems);
    return outputs as TenantSourceOutputs;
}

/**
 * The URLs an environment must pass the functional check on: its own, then each dedicated-saas
 * tenant's check URL (a platform recovery), sorted by tenant id. An active environment without a
 * tenant's URL is named, never skipped.
 */
export function environmentUrls(stack: string, env: RecoveryOutputs): string[] {
    const missing: string[] = [];
    const tenants = Object.entries(env.dedicatedSaasTenants ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const urls = tenants.map(([id, tenant]) => tenant.url ?? (missing.push(id), ""));
    if (env.url === undefined) missing.unshift("the environment");
    if (missing.length > 0) {
        throw new OutputError(`stack ${stack}: no url for ${missing.join(", ")} (is the recovery environment active? pulumi stack output --json --stack ${stack})`);
    }
    return [env.url!, ...urls];
}

/**
 * `internalDoor` and `checkCanaryName` of a recovery stack (optional: a stack deployed before they
 * existed has neither). An internal door needs the canary's name, since the canary is then the
 * only check that reaches it. The name rule is CloudWatch Synthetics' (botocore synthetics model,
 * CanaryName: 1-21 characters of `^[0-9a-z_\-]+$`).
 */
function checkOutputs(raw: Raw, problems: string[]): { internalDoor?: boolean; checkCanaryName?: string } {
    const result: { internalDoor?: boolean; checkCanaryName?: string } = {};
    const door = raw.internalDoor;
    if (door !== undefined && door !== null) {
        if (typeof door !== "boolean") problems.push(`internalDoor is ${JSON.stringify(door)?.slice(0, 40)}: expected true or false`);
        else result.internalDoor = door;
    }
    const canary = text("", raw, "checkCanaryName", problems, true);
    if (canary !== undefined) {
        if (!/^[0-9a-z_-]{1,21}$/.test(canary)) problems.push(`checkCanaryName is "${canary.slice(0, 40)}": expected a Synthetics canary name (1-21 of a-z, 0-9, _ and -)`);
        else result.checkCanaryName = canary;
    }
    if (result.internalDoor === true && canary === undefined) {
        problems.push("internalDoor is true but checkCanaryName is missing: the canary is the only check that reaches an internal door");
    }
    return result;
}

/**
 * Where a failback restores into a production stack (production's, or a dedicated-saas tenant's
 * own): its restore role, its restore target (the shape of a recovery stack's) and its data key.
 */
export function readRestoreIntoOutputs(stack: string, json: string): { readonly restoreRoleArn: string; readonly restoreTarget: RestoreTarget; readonly dataKeyArn?: string } {
    const raw = parse(stack, json);
    const problems: string[] = [];
    const outputs = {
        restoreRoleArn: arn(stack, raw, "restoreRoleArn", problems),
        restoreTarget: restoreTarget(raw, problems),
        dataKeyArn: arn(stack, raw, "dataKeyArn", problems, true),
    };
    if (problems.length > 0) fail(stack, problems);
    return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined)) as unknown as { restoreRoleArn: string; restoreTarget: RestoreTarget; dataKeyArn?: string };
}
