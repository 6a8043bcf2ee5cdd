// The names of failback's re-encryption (scripts/lib/dr/reencrypt.ts), derived from the production
// stack and the run id alone, so the delete guards (aws.ts) accept exactly what this run made and
// nothing a run file could be edited to name.

import { rdsIdentifierProblem } from "../../../stacks/config/stack-config";
import { restoredDatabaseName } from "./restore-plan";

export interface FailbackNames {
    /** The instance failback's restore job created (encrypted with the vault copy's key). */
    readonly restored: string;
    /** Its snapshot, and the snapshot's copy under production's data key. */
    readonly snapshot: string;
    readonly copy: string;
    /** The instance restored from the copy: the one production takes over. */
    readonly final: string;
}

/**
 * A DB snapshot identifier as RDS takes it (botocore RDS model, CreateDBSnapshot.DBSnapshotIdentifier
 * and CopyDBSnapshot.TargetDBSnapshotIdentifier: 1 to 255 letters, numbers or hyphens, first a
 * letter, no trailing hyphen, no two consecutive hyphens).
 */
export function dbSnapshotIdentifierProblem(id: string): string | undefined {
    if (/^[a-zA-Z][a-zA-Z0-9-]{0,254}$/.test(id) && !id.includes("--") && !id.endsWith("-")) {
        return undefined;
    }
    return `"${id.slice(0, 80)}" is not an RDS DB snapshot identifier (1 to 255 letters, digits or hyphens, starting with a letter, no "--", not ending in "-")`;
}

export function failbackNames(production: string, runId: string): FailbackNames {
    const restored = restoredDatabaseName(production, runId);
    // RestoreDBInstanceFromDBSnapshot.DBInstanceIdentifier: at most 63 characters (botocore RDS model).
    const final = `${restored.slice(0, 58).replace(/-+$/, "")}-back`;
    const names = { restored, snapshot: `${restored}-snapshot`, copy: `${restored}-production-key`, final };
    const problems = [
        rdsIdentifierProblem(names.restored),
        rdsIdentifierProblem(names.final),
        dbSnapshotIdentifierProblem(names.snapshot),
        dbSnapshotIdentifierProblem(names.copy),
        // RDS identifiers are not case-sensitive (stored lowercase): the final one must differ from the restored one.
        names.final.toLowerCase() === names.restored.toLowerCase() ? `the re-encrypted instance's name ${names.final} is the restored one's` : undefined,
    ].filter((problem): problem is string => problem !== undefined);
    if (problems.length > 0) {
        throw new Error(`failback of ${production} (run ${runId}): ${problems.join("; ")}`);
    }
    return names;
}
