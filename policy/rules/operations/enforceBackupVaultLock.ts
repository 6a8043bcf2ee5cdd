// Recovery points nobody can delete early: every vault carries a lock that allows the promise.

import { BACKUP_PROMISE, retentionBounds } from "../../../lib/promises/backup-schedule";
import { ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { VAULT_LOCK_TYPE, VAULT_TYPE } from "./backups";

/** Days a lock bound allows: undefined when unset (no bound), NaN when it cannot be read. */
function boundDays(value: unknown): number | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    return typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
}

function vaultLockProblems(vault: PolicyResource, stack: PolicyStack): string[] {
    const names = [vault.id, vault.props.name].filter((name): name is string => typeof name === "string" && name !== "");
    if (names.length === 0) {
        return ["cannot tell the vault's name, so no lock can be shown to apply to it"];
    }
    const locks = ofType(stack, VAULT_LOCK_TYPE).filter((lock) => names.includes(lock.props.backupVaultName as string));
    if (locks.length === 0) {
        return [`no vault lock (${VAULT_LOCK_TYPE} with backupVaultName ${names[0]})`];
    }
    // The lock must accept the promise's recovery points, or AWS Backup refuses them.
    const bounds = retentionBounds(BACKUP_PROMISE);
    return locks.flatMap((lock) => {
        const problems: string[] = [];
        const min = boundDays(lock.props.minRetentionDays);
        const max = boundDays(lock.props.maxRetentionDays);
        if (min !== undefined && !(min <= bounds.minDays)) {
            problems.push(`its lock ${lock.name} has minRetentionDays ${JSON.stringify(lock.props.minRetentionDays)}; the backup promise keeps recovery points from ${bounds.minDays} days`);
        }
        if (max !== undefined && !(max >= bounds.maxDays)) {
            problems.push(`its lock ${lock.name} has maxRetentionDays ${JSON.stringify(lock.props.maxRetentionDays)}; the backup promise keeps recovery points up to ${bounds.maxDays} days`);
        }
        return problems;
    });
}

export const enforceBackupVaultLock: ResourceRule = {
    kind: "resource",
    name: "backup-vault-lock",
    description:
        "Every AWS Backup vault has a vault lock (a VaultLockConfiguration whose backupVaultName is the vault's name), and the lock's retention bounds admit the backup promise's shortest and longest retention.",
    why:
        "Backups are the last line against ransomware and against an operator's mistake: a lock stops anyone without the lock-removal permission deleting recovery " +
        "points early or shortening their retention, so what the promise keeps stays kept.",
    enforcement: "mandatory",
    resourceTypes: [VAULT_TYPE],
    validate: vaultLockProblems,
};
