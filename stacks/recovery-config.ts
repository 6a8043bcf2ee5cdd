// The stack config of a recovery stack (`<production>-recovery`, `<production>-drill`), set by
// `npm run dr` only: one reader for the tenants' and the platforms' recovery environments.

import * as pulumi from "@pulumi/pulumi";

import { RecoveryKind } from "../lib/platform";
import { rdsIdentifierProblem } from "./config/stack-config";

/** The switches of a recovery stack. */
export interface RecoverySwitches {
    /** Servers, front door, database and backups exist (`recoveryActive`; default false; a drill copy always). */
    readonly active: boolean;
    /** The SECONDARY failover records exist (`recoveryRedirect`; default false; only when active, never on a drill). */
    readonly redirect: boolean;
    /** The database the restore job created (`restoredDatabase`): an RDS instance identifier, or (physical) an EC2 instance id. */
    readonly restoredDatabase?: string;
    /** The bucket the files were restored into (`restoredFilesBucket`; default the recovery files bucket). */
    readonly restoredFilesBucket?: string;
}

function flag(config: pulumi.Config, key: string): boolean {
    const raw = config.get(key);
    if (raw === undefined || raw === "false") {
        return false;
    }
    if (raw === "true") {
        return true;
    }
    throw new pulumi.RunError(`stack config ${key}: "${raw.slice(0, 40)}" is not allowed; expected true or false (set by npm run dr)`);
}

/** Reads and checks the switches: a drill copy is always active and never redirects; a redirect needs an active environment. */
export function recoverySwitches(config: pulumi.Config, kind: RecoveryKind): RecoverySwitches {
    const active = kind === "drill" || flag(config, "recoveryActive");
    const redirect = flag(config, "recoveryRedirect");
    if (redirect && kind === "drill") {
        throw new pulumi.RunError("stack config recoveryRedirect: a drill copy never takes client traffic (it is isolated from production); set it on the -recovery stack only");
    }
    if (redirect && !active) {
        throw new pulumi.RunError("stack config recoveryRedirect: true needs recoveryActive: true (clients are never sent to an idle environment)");
    }
    const restoredDatabase = config.get("restoredDatabase");
    const restoredFilesBucket = config.get("restoredFilesBucket");
    return { active, redirect, ...(restoredDatabase !== undefined ? { restoredDatabase } : {}), ...(restoredFilesBucket !== undefined ? { restoredFilesBucket } : {}) };
}

// The RDS identifier rule, one copy for every restored database (production's takeover too).
export { rdsIdentifierProblem };

/**
 * The restored databases of a platform recovery's dedicated-saas tenants (`restoredTenantDatabases`,
 * set by npm run dr): a JSON object { "<tenant id>": "<RDS DB instance identifier>" }; none: {}.
 */
export function restoredTenantDatabases(config: pulumi.Config): Readonly<Record<string, string>> {
    const raw = config.get("restoredTenantDatabases");
    if (raw === undefined) {
        return {};
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        throw new pulumi.RunError(`stack config restoredTenantDatabases: "${raw.slice(0, 80)}" is not JSON; expected an object {"<tenant id>": "<DB instance identifier>"} (set by npm run dr)`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new pulumi.RunError(`stack config restoredTenantDatabases: expected an object {"<tenant id>": "<DB instance identifier>"}, got ${Array.isArray(parsed) ? "an array" : JSON.stringify(parsed)?.slice(0, 40)}`);
    }
    const problems: string[] = [];
    for (const [tenant, id] of Object.entries(parsed)) {
        const problem = typeof id === "string" ? rdsIdentifierProblem(id) : `${JSON.stringify(id)?.slice(0, 40)} is not a string`;
        if (problem !== undefined) {
            problems.push(`restoredTenantDatabases.${tenant.slice(0, 40)}: ${problem}`);
        }
    }
    if (problems.length > 0) {
        throw new pulumi.RunError(`stack config ${problems.join("; ")}`);
    }
    return parsed as Record<string, string>;
}
