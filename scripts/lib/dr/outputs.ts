// The stack outputs `dr` reads (`pulumi stack output --json`, never --show-secrets) and their
// validation: a missing or malformed output is named with its stack, so an operator at 3 a.m.
// knows which stack to look at instead of reading a TypeError.

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

/** Where a restore job lands in an environment's network. */
export interface RestoreTarget {
    readonly dbSubnetGroupName: string;
    readonly securityGroupIds: readonly string[];
    readonly filesBucketName: string;
    readonly availabilityZone: string;
    /** A database on EC2 (physical mode) is restored into this subnet. */
    readonly subnetId?: string;
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
    /**
     * Active only: the recovery's front door is internal (VPN modes), so an operator's machine
     * cannot reach `url`: the functional check is then the recovery's own availability canary.
     */
    readonly internalDoor?: boolean;
    /** Active only: the recovery's availability canary (CloudWatch Synthetics), the 5-minute check. */
    readonly checkCanaryName?: string;
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
        dbSubnetGroupName: text("", target, "dbSubnetGroupName", inner),
        filesBucketName: text("", target, "filesBucketName", inner),
        availabilityZone: text("", target, "availabilityZone", inner),
        subnetId: text("", target, "subnetId", inner, true),
        securityGroupIds: target.securityGroupIds,
    };
    if (!Array.isArray(result.securityGroupIds) || result.securityGroupIds.length === 0 || !result.securityGroupIds.every((id) => typeof id === "string" && /^sg-[0-9a-f]+$/.test(id))) {
        inner.push("securityGroupIds must be a non-empty list of sg-... ids");
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
        ...checkOutputs(raw, problems),
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
