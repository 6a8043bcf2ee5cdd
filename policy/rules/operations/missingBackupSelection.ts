// The promise applies to the data it names: the database rules must back up the stack's databases
// and the files rules its file buckets, not just exist in some plan.

import { BACKUP_PROMISE, BackupTarget, rulesFor } from "../../../lib/promises/backup-schedule";
import { Finding, PolicyStack, StackRule } from "../types";
import { dataOf, plansMeet, plansSelecting } from "./backups";
import { isDrillStack, isIdleRecoveryStack } from "./recovery";

/** What one piece of data of each target is called in messages. */
const NOUNS: Readonly<Record<BackupTarget, string>> = { database: "database", files: "file bucket" };
const TARGETS = Object.keys(NOUNS) as BackupTarget[];

function selectionFindings(stack: PolicyStack): Finding[] {
    // A saas tenant owns no data store (see backup-plan-promise).
    // An idle recovery environment's files bucket is empty until a restore fills it (see isIdleRecoveryStack).
    // A drill's copy holds a throw-away copy for hours and is torn down: backups of its own would
    // be locked vaults kept after every drill (see isDrillStack).
    if (stack.kind === "saas" || isIdleRecoveryStack(stack) || isDrillStack(stack.stack)) {
        return [];
    }
    return TARGETS.flatMap((target) => {
        const promised = rulesFor(target, BACKUP_PROMISE);
        return dataOf(stack, target).flatMap((data) => {
            const plans = plansSelecting(stack, data);
            if (plans.length === 0) {
                return [{ resource: data.name, message: `no backup selection names this ${NOUNS[target]}; the ${target} rules of the backup promise (${promised.map((rule) => rule.name).join(", ")}) must back it up` }];
            }
            const unmet = promised.filter((rule) => !plansMeet(stack, plans, rule));
            if (unmet.length === 0) {
                return [];
            }
            return [
                {
                    resource: data.name,
                    message: `the backup plans selecting this ${NOUNS[target]} (${plans.map((plan) => plan.name).join(", ")}) do not meet ${unmet.map((rule) => `"${rule.name}"`).join(", ")} of the backup promise`,
                },
            ];
        });
    });
}

export const missingBackupSelection: StackRule = {
    kind: "stack",
    name: "backup-selection-data",
    description:
        "Every database of the stack (RDS instances and clusters, EC2 instances tagged role=database) is named by a backup selection whose plans meet every database rule of " +
        "BACKUP_PROMISE, and every file bucket (S3 buckets tagged tier=data) by one whose plans meet every files rule. Selections are followed by ARN (`resources`, less " +
        "`notResources`); tag- or condition-based selections are not followed, so data chosen only that way is reported. An idle recovery environment's files bucket is empty until " +
        "activation restores into it: not applicable until it is active (has a server or a database). A drill's copy (`<production>-drill`, torn down after the drill): not applicable.",
    why:
        "A plan that meets the promise protects nothing unless it selects the tenant's data: the promise is about the customer's database and files, and a database left " +
        "out of the database schedule would be recoverable only to last night's files backup, or not at all. Saas stacks own no data store, nor does a recovery environment before it is restored into: not applicable.",
    enforcement: "mandatory",
    validate: selectionFindings,
};
