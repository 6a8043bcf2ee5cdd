// A failed backup that nobody hears of breaks the promise as surely as no backup: every vault the
// stack's backups run into tells operations of failed and expired jobs and failed copies.

import { BACKUP_VAULT_EVENT_PURPOSES, BACKUP_VAULT_EVENTS, DEPRECATED_BACKUP_VAULT_EVENTS } from "../../../lib/promises/backup-schedule";
import { ofType } from "../graph";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";
import { planRulesOf, PLAN_TYPE, regionOfArn, stackRegion, VAULT_TYPE } from "./backups";

export const VAULT_NOTIFICATIONS_TYPE = "aws:backup/vaultNotifications:VaultNotifications";

function names(vault: PolicyResource): string[] {
    return [vault.id, vault.props.name].filter((name): name is string => typeof name === "string" && name !== "");
}

/**
 * The vault's region: its own ARN's (CrossGuard), else the region of a copy action's destination
 * ARN that names it (the off-site vault, in an offline plan), else undefined.
 */
function vaultRegion(stack: PolicyStack, vault: PolicyResource): string | undefined {
    const own = regionOfArn(vault.props.arn);
    if (own !== undefined) {
        return own;
    }
    const vaultNames = names(vault);
    for (const plan of ofType(stack, PLAN_TYPE)) {
        for (const rule of planRulesOf(plan)) {
            for (const copy of Array.isArray(rule.copyActions) ? rule.copyActions : []) {
                const arn = (copy as Record<string, unknown> | null)?.destinationVaultArn;
                const name = typeof arn === "string" ? /:backup-vault:(.+)$/.exec(arn)?.[1] : undefined;
                if (name !== undefined && vaultNames.includes(name)) {
                    return regionOfArn(arn);
                }
            }
        }
    }
    return undefined;
}

function notificationProblems(vault: PolicyResource, stack: PolicyStack): string[] {
    const home = stackRegion(stack);
    const region = vaultRegion(stack, vault) ?? home;
    // Off-site vaults only receive copies, which are jobs of the vault they leave (reported there as
    // COPY_JOB_FAILED); no job of the promise runs into them, and their region has no operations topic.
    if (home !== undefined && region !== home) {
        return [];
    }
    const vaultNames = names(vault);
    if (vaultNames.length === 0) {
        return ["cannot tell the vault's name, so no notifications can be shown to apply to it"];
    }
    const notifications = ofType(stack, VAULT_NOTIFICATIONS_TYPE).filter((candidate) => vaultNames.includes(candidate.props.backupVaultName as string));
    if (notifications.length === 0) {
        return [`no vault notifications (${VAULT_NOTIFICATIONS_TYPE} with backupVaultName ${vaultNames[0]}): failed and expired backup jobs and failed off-site copies reach nobody`];
    }
    const events = new Set(notifications.flatMap((candidate) => (Array.isArray(candidate.props.backupVaultEvents) ? candidate.props.backupVaultEvents : [])));
    const problems: string[] = [];
    const missing = BACKUP_VAULT_EVENTS.filter((event) => !events.has(event));
    if (missing.length > 0) {
        const deprecated = DEPRECATED_BACKUP_VAULT_EVENTS.filter((event) => events.has(event));
        problems.push(
            `its notifications omit ${missing.map((event) => `${event} (${BACKUP_VAULT_EVENT_PURPOSES[event]})`).join(", ")}` +
                (deprecated.length > 0 ? `; ${deprecated.join(", ")} ${deprecated.length === 1 ? "is" : "are"} deprecated: AWS Backup sends no notification for ${deprecated.length === 1 ? "it" : "them"}` : ""),
        );
    }
    for (const candidate of notifications) {
        const topic = candidate.props.snsTopicArn;
        const topicRegion = regionOfArn(topic);
        if (typeof topic !== "string" || !/^arn:[^:]+:sns:/.test(topic)) {
            problems.push(`its notifications ${candidate.name} name ${JSON.stringify(topic ?? null)} as snsTopicArn, not an SNS topic ARN`);
        } else if (region !== undefined && topicRegion !== region) {
            problems.push(`its notifications ${candidate.name} publish to ${topic}, outside the vault's region ${region}`);
        }
    }
    return problems;
}

/** A stack rule, not a resource rule: CrossGuard shows a resource policy that one resource alone, and the notifications are another. */
function notificationFindings(stack: PolicyStack): Finding[] {
    return ofType(stack, VAULT_TYPE).flatMap((vault) => notificationProblems(vault, stack).map((message) => ({ resource: vault.name, message })));
}

export const enableBackupVaultNotifications: StackRule = {
    kind: "stack",
    name: "backup-vault-notifications",
    description:
        `Every AWS Backup vault in the stack's region has vault notifications (${VAULT_NOTIFICATIONS_TYPE}) to an SNS topic of that region with the events ` +
        `${BACKUP_VAULT_EVENTS.join(", ")}: a failed, expired or aborted backup job is announced as BACKUP_JOB_COMPLETED with its State; BACKUP_JOB_FAILED and ` +
        "BACKUP_JOB_EXPIRED are deprecated and never sent (AWS Backup API reference, PutBackupVaultNotifications). Off-site vaults (another region, the destination " +
        "of copy actions) are not applicable: their copies are reported by the vault they leave.",
    why:
        "Backups fail silently: a full vault key, a revoked role or a resource gone makes every night's job FAILED or EXPIRED, and without a notification the first " +
        "person to notice is the customer asking for a restore that does not exist.",
    enforcement: "mandatory",
    validate: notificationFindings,
};
