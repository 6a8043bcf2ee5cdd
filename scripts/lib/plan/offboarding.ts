// What the plan shows for a tenant whose file says `status: offboarding` (contract v1.1): not an
// update but the steps main's rollout runs (the same code as `npm run destroy`): a final backup of
// the stack's data, deletion protection lifted, then destroy; and, per the planned resources,
// what is destroyed and what AWS keeps (the resources the program registers with retainOnDelete:
// backup vaults, their locks, KMS keys; and every recovery point, which no stack owns).

import { finalBackupPlan } from "../ops/backup";
import { PlannedResource } from "./engine";

export interface OffboardingResource {
    readonly type: string;
    readonly name: string;
}

export interface OffboardingPlan {
    /** What the final on-demand backup covers (`npm run destroy`'s jobs: "database", "files"), before anything is destroyed. */
    readonly finalBackup: string[];
    /** Why there is no final backup, or why the plan cannot tell its jobs (the stack's outputs). */
    readonly finalBackupNote?: string;
    /** The resources whose deletion protection the targeted update lifts after the backup. */
    readonly protectionLifted: OffboardingResource[];
    /** The stack's resources the destroy deletes in AWS. */
    readonly destroyed: OffboardingResource[];
    /** The stack's resources AWS keeps (retainOnDelete): no longer managed, they expire with their retention. */
    readonly retained: OffboardingResource[];
}

/** Custom resources only: components and providers exist in the stack, not in AWS. */
const isCloudResource = (resource: PlannedResource): boolean => !resource.type.startsWith("pulumi:") && !resource.type.startsWith("tenant-platform:");

/** The protection the program sets: RDS `deletionProtection`, load balancers' `enableDeletionProtection`. */
const isProtected = (resource: PlannedResource): boolean => resource.inputs.deletionProtection === true || resource.inputs.enableDeletionProtection === true;

const ref = (resource: PlannedResource): OffboardingResource => ({ type: resource.type, name: resource.name });

/** The offboarding of a stack planned with these resources and outputs. */
export function offboardingPlan(resources: readonly PlannedResource[], outputs: Readonly<Record<string, unknown>>): OffboardingPlan {
    const cloud = resources.filter(isCloudResource);
    const decision = finalBackupPlan({ ...outputs });
    return {
        finalBackup: decision.kind === "backup" ? decision.plan.jobs.map((job) => job.label) : [],
        ...(decision.kind === "nothing" ? { finalBackupNote: decision.reason } : {}),
        ...(decision.kind === "invalid" ? { finalBackupNote: `the rollout refuses to destroy the stack until this is fixed: ${decision.problems.join("; ")}` } : {}),
        protectionLifted: cloud.filter(isProtected).map(ref),
        destroyed: cloud.filter((resource) => !resource.retainOnDelete).map(ref),
        retained: cloud.filter((resource) => resource.retainOnDelete).map(ref),
    };
}

function tally(resources: readonly OffboardingResource[]): string {
    const counts = new Map<string, number>();
    resources.forEach((resource) => counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1));
    return [...counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, count]) => `${count} ${type.split(":").pop()}`)
        .join(", ");
}

/** The offboarding in readable lines, in the order the rollout runs it. */
export function describeOffboarding(plan: OffboardingPlan): string[] {
    const backup =
        plan.finalBackup.length > 0
            ? `1. final backup (AWS Backup, on demand, confirmed COMPLETED) of: ${plan.finalBackup.join(", ")}`
            : `1. no final backup${plan.finalBackupNote ? `: ${plan.finalBackupNote}` : ""}`;
    return [
        "OFFBOARDING (status: offboarding): the rollout of main takes a final backup, then destroys the stack",
        backup,
        plan.protectionLifted.length > 0
            ? `2. deletion protection lifted (targeted update, after the backup only): ${plan.protectionLifted.map((resource) => resource.name).join(", ")}`
            : "2. no deletion protection to lift",
        `3. destroyed: ${plan.destroyed.length} resource(s)${plan.destroyed.length > 0 ? ` (${tally(plan.destroyed)})` : ""}`,
        `kept (retainOnDelete, no longer managed, expire with their retention): ${plan.retained.length > 0 ? plan.retained.map((resource) => `${resource.name} (${resource.type.split(":").pop()})`).join(", ") : "none"}; and every recovery point, the final backup's included`,
        "then delete the tenant file in a later pull request, once the stack is gone",
    ];
}
