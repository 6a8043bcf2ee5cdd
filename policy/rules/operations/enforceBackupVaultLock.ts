// Recovery points nobody can delete early: every vault carries a lock that allows the promise.

import { BACKUP_PROMISE, BackupVaultSide, vaultLockBounds } from "../../../lib/promises/backup-schedule";
import { ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { keptDays, PLAN_TYPE, planRulesOf, ruleLabel, VAULT_LOCK_TYPE, VAULT_TYPE, vaultNameOfArn } from "./backups";

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
    // The lock must accept the promise's recovery points that land in this vault, or AWS Backup refuses them.
    const { sides, bounds } = vaultBounds(stack, names);
    const where =
        sides.length === 2
            ? "in a vault"
            : sides[0] === "home"
              ? "in its home vault (the plan rules' own points, and the final backup before a destroy)"
              : "in its off-site vault (the plan rules' copies)";
    return locks.flatMap((lock) => {
        const problems: string[] = [];
        const min = boundDays(lock.props.minRetentionDays);
        const max = boundDays(lock.props.maxRetentionDays);
        if (min !== undefined && !(min <= bounds.minDays)) {
            problems.push(`its lock ${lock.name} has minRetentionDays ${JSON.stringify(lock.props.minRetentionDays)}; the backup promise keeps recovery points ${where} from ${bounds.minDays} days`);
        }
        if (max !== undefined && !(max >= bounds.maxDays)) {
            problems.push(`its lock ${lock.name} has maxRetentionDays ${JSON.stringify(lock.props.maxRetentionDays)}; the backup promise keeps recovery points ${where} up to ${bounds.maxDays} days`);
        }
        problems.push(...jobsOutsideLock(stack, names, lock.name, min, max));
        return problems;
    });
}

/**
 * What the vault is to the stack's plans, and the retentions its lock must therefore admit
 * (vaultLockBounds): a plan rule's target is a home vault (the rules' home retentions, 7 to 31
 * days, and the final backup before a destroy, 365, so 7 to 365); a copy action's destination an
 * off-site vault (the off-site retentions, 7 to 365); a vault that is neither in this stack (filled
 * by another stack's copies, or by none) must admit both.
 */
function vaultBounds(stack: PolicyStack, names: readonly string[]): { sides: BackupVaultSide[]; bounds: { minDays: number; maxDays: number } } {
    const rules = ofType(stack, PLAN_TYPE).flatMap((plan) => planRulesOf(plan));
    const home = rules.some((planRule) => names.includes(planRule.targetVaultName as string));
    const offsite = rules.some((planRule) =>
        (Array.isArray(planRule.copyActions) ? planRule.copyActions : []).some((copy) => names.includes(vaultNameOfArn(((copy ?? {}) as Record<string, unknown>).destinationVaultArn) ?? "")),
    );
    const sides: BackupVaultSide[] = home === offsite ? ["home", "offsite"] : home ? ["home"] : ["offsite"];
    const each = sides.map((side) => vaultLockBounds(side, BACKUP_PROMISE));
    return { sides, bounds: { minDays: Math.min(...each.map((b) => b.minDays)), maxDays: Math.max(...each.map((b) => b.maxDays)) } };
}

/**
 * The backup and copy jobs into the vault whose retention its lock refuses: AWS Backup fails a job
 * whose recovery point would be kept less than the lock's minimum or more than its maximum (one
 * kept for good, no deleteAfter, among them) (AWS Backup Developer Guide, "AWS Backup Vault Lock").
 */
function jobsOutsideLock(stack: PolicyStack, vaultNames: readonly string[], lockName: string, min: number | undefined, max: number | undefined): string[] {
    if ((min === undefined || Number.isNaN(min)) && (max === undefined || Number.isNaN(max))) {
        return [];
    }
    const outside = (days: number | undefined): boolean => days === undefined || (min !== undefined && days < min) || (max !== undefined && days > max);
    const shown = (days: number | undefined): string => (days === Infinity ? "for good (no deleteAfter)" : days === undefined ? "for an unreadable time" : `${days} days`);
    const bounds = `${min ?? 0} to ${max ?? "any number of"} days`;
    const problems: string[] = [];
    for (const plan of ofType(stack, PLAN_TYPE)) {
        for (const planRule of planRulesOf(plan)) {
            const kept = keptDays(planRule.lifecycle);
            if (vaultNames.includes(planRule.targetVaultName as string) && outside(kept)) {
                problems.push(`${plan.name} ${ruleLabel(planRule)} keeps its recovery points here ${shown(kept)}, outside its lock ${lockName}'s ${bounds}: AWS Backup fails every such job`);
            }
            for (const copy of Array.isArray(planRule.copyActions) ? planRule.copyActions : []) {
                const action = (copy ?? {}) as Record<string, unknown>;
                // A copy without a lifecycle of its own keeps the rule's.
                const copyKept = action.lifecycle === undefined ? kept : keptDays(action.lifecycle);
                if (vaultNames.includes(vaultNameOfArn(action.destinationVaultArn) ?? "") && outside(copyKept)) {
                    problems.push(`${plan.name} ${ruleLabel(planRule)} copies recovery points here kept ${shown(copyKept)}, outside its lock ${lockName}'s ${bounds}: AWS Backup fails every such copy`);
                }
            }
        }
    }
    return problems;
}

export const enforceBackupVaultLock: ResourceRule = {
    kind: "resource",
    name: "backup-vault-lock",
    description:
        "Every AWS Backup vault has a vault lock (a VaultLockConfiguration whose backupVaultName is the vault's name), the lock's retention bounds admit the shortest and longest retention the backup promise lands in that vault " +
        "(a plan's target vault: the rules' home retentions and the final backup before a destroy, 7 to 365 days; a copy's destination: the off-site retentions, 7 to 365 days; any other vault: both), " +
        "and every backup rule and copy into the vault keeps its recovery points within them (AWS Backup fails a job outside them, one kept for good among them).",
    why:
        "Backups are the last line against ransomware and against an operator's mistake: a lock stops anyone without the lock-removal permission deleting recovery " +
        "points early or shortening their retention, so what the promise keeps stays kept.",
    enforcement: "mandatory",
    resourceTypes: [VAULT_TYPE],
    validate: vaultLockProblems,
};
