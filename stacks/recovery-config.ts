// The stack config of a recovery stack (`<production>-recovery`, `<production>-drill`), set by
// `npm run dr` only: one reader for the tenants' and the platforms' recovery environments.

import * as pulumi from "@pulumi/pulumi";

import { RecoveryKind } from "../lib/platform";

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
