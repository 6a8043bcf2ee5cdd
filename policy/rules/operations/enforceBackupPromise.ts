// The backup promise, rule by rule: what is sold (lib/promises/backup-schedule.ts) is what the
// stack's backup plans do.

import { BACKUP_PROMISE, BackupRule, describeRule } from "../../../lib/promises/backup-schedule";
import { ofType } from "../graph";
import { Finding, PolicyStack, StackRule } from "../types";
import { homeRegionOf, ownVaultsOf, PLAN_TYPE, planRulesOf, ruleLabel, shortfallsOf } from "./backups";
import { isDrillStack, isIdleRecoveryStack } from "./recovery";
import { sameSchedule } from "./schedule";

/** What the stack's backup plans fail of a promise, one finding per shortfall. */
export function backupPromiseFindings(stack: PolicyStack, promise: readonly BackupRule[]): Finding[] {
    // A saas tenant owns no data store: its database and files live in the platform's, which the
    // platform stack backs up under this same rule.
    // An idle recovery environment holds no data yet (see isIdleRecoveryStack).
    // A drill's copy holds a throw-away copy for hours and is torn down: backups of its own would
    // be locked vaults kept after every drill (see isDrillStack).
    if (stack.kind === "saas" || isIdleRecoveryStack(stack) || isDrillStack(stack.stack)) {
        return [];
    }
    const plans = ofType(stack, PLAN_TYPE);
    if (plans.length === 0) {
        return [{ resource: stack.stack, message: `no backup plan (${PLAN_TYPE}): the stack owns data, and the backup promise demands ${promise.map((rule) => `"${rule.name}"`).join(", ")}` }];
    }
    const ownVaults = ownVaultsOf(stack);
    return promise.flatMap((promised) => {
        const candidates = plans.flatMap((plan) =>
            planRulesOf(plan)
                .filter((planRule) => sameSchedule(planRule.schedule, promised.schedule))
                .map((planRule) => ({ plan, planRule, shortfalls: shortfallsOf(planRule, promised, homeRegionOf(stack, planRule), ownVaults) })),
        );
        if (candidates.length === 0) {
            return [{ resource: stack.stack, message: `no backup plan rule runs on ${promised.schedule}, the schedule of the promise "${promised.name}" (${describeRule(promised)})` }];
        }
        if (candidates.some((candidate) => candidate.shortfalls.length === 0)) {
            return [];
        }
        // Report the rule written for this promise (same name) where there is one, not every rule
        // that shares its schedule (the daily database and files rules do).
        const named = candidates.filter((candidate) => candidate.planRule.ruleName === promised.name);
        return (named.length > 0 ? named : candidates).map(({ plan, planRule, shortfalls }) => ({
            resource: plan.name,
            message: `${ruleLabel(planRule)} runs on the schedule of the promise "${promised.name}" but ${shortfalls.join("; ")}`,
        }));
    });
}

export const enforceBackupPromise: StackRule = {
    kind: "stack",
    name: "backup-plan-promise",
    description:
        "Every stack that owns data (every kind but saas) has AWS Backup plan rules that meet each rule of BACKUP_PROMISE: the same schedule (compared by meaning, read in UTC), " +
        "recovery points kept in the home vault exactly the days promised there (`keepDays.home`; never for good: the data is kept for a limited time; the weekly ones 7 days, as they are promised a year " +
        "on the backup server only), and a copy to a vault of the stack in another region than the stack's kept the days promised off-site (`keepDays.offsite`), no off-site copy longer. " +
        "An idle recovery environment (no server, no database yet) holds no data: not applicable until it is active. A drill's copy (`<production>-drill`, torn down after the drill): not applicable.",
    why:
        "The service promises every tenant (and the platform, which holds the saas tenants' data) recoverable data at the promised points in time and for the promised " +
        "time, even when the whole region is lost; a saas stack owns no data store, its data is in the platform's backups, so the rule does not apply to it.",
    enforcement: "mandatory",
    validate: (stack) => backupPromiseFindings(stack, BACKUP_PROMISE),
};
