// The fleet has its backup environment: every dedicated tenant and every platform region of the plan
// has a recovery stack (`recoveryOf`), in another region, of the same mode.

import { Finding, PolicySettings, PolicyStack, StackRule } from "../types";
import { isRecoveryStack, RECOVERED_KINDS, RECOVERY_SUFFIX } from "./recovery";

type Fleet = NonNullable<PolicySettings["fleet"]>;

/** The fleet's stacks by name (the first of a name) and by the stack they recover, built once per fleet. */
const fleetIndexes = new WeakMap<Fleet, { byName: ReadonlyMap<string, Fleet[number]>; byRecoveryOf: ReadonlyMap<string, Fleet[number][]> }>();

function indexOf(fleet: Fleet): { byName: ReadonlyMap<string, Fleet[number]>; byRecoveryOf: ReadonlyMap<string, Fleet[number][]> } {
    let index = fleetIndexes.get(fleet);
    if (!index) {
        const byName = new Map<string, Fleet[number]>();
        const byRecoveryOf = new Map<string, Fleet[number][]>();
        for (const entry of fleet) {
            if (!byName.has(entry.stack)) {
                byName.set(entry.stack, entry);
            }
            if (entry.recoveryOf !== undefined) {
                byRecoveryOf.set(entry.recoveryOf, [...(byRecoveryOf.get(entry.recoveryOf) ?? []), entry]);
            }
        }
        index = { byName, byRecoveryOf };
        fleetIndexes.set(fleet, index);
    }
    return index;
}

function recoveryFindings(stack: PolicyStack, settings: PolicySettings): Finding[] {
    const fleet = settings.fleet;
    if (fleet === undefined || isRecoveryStack(stack.stack)) {
        return [];
    }
    // Indexed once per fleet: a search of the fleet per stack made a fleet of N stacks cost N^2.
    const index = indexOf(fleet);
    const self = index.byName.get(stack.stack);
    if (self === undefined || self.recoveryOf !== undefined || !RECOVERED_KINDS.includes(self.mode)) {
        return [];
    }
    const recoveries = (index.byRecoveryOf.get(stack.stack) ?? []).filter((entry) => entry.stack === `${stack.stack}${RECOVERY_SUFFIX}`);
    if (recoveries.length === 0) {
        return [
            {
                resource: stack.stack,
                message: `no recovery environment in the plan: a ${self.mode} stack needs the stack ${stack.stack}${RECOVERY_SUFFIX} (recoveryOf: ${stack.stack}) in its off-site region, or nothing can be restored into when ${self.region ?? "its region"} is lost`,
            },
        ];
    }
    return recoveries.flatMap((recovery) => {
        const problems: string[] = [];
        if (recovery.mode !== self.mode) {
            problems.push(`is planned as mode ${recovery.mode}, not ${self.mode}: it would not run what production runs`);
        }
        if (recovery.region !== undefined && recovery.region === self.region) {
            problems.push(`is in ${recovery.region}, the production region: a regional incident takes both`);
        }
        return problems.map((problem) => ({ resource: stack.stack, message: `the recovery environment ${recovery.stack} ${problem}` }));
    });
}

export const missingRecoveryEnvironment: StackRule = {
    kind: "stack",
    name: "stack-recovery-environment",
    description:
        "Every dedicated tenant (physical, cloud, vpn, vpn-sync) and every platform region in the plan has its recovery environment in the plan: the stack " +
        "`<stack>-recovery` with `recoveryOf: <stack>`, of the same mode, in a region other than production's. Saas and dedicated-saas tenants are recovered " +
        "with their platform region.",
    why:
        "The security documentation (section 4) promises a backup environment apart from the production servers, active within two hours of a collapse: a tenant " +
        "without one has off-site copies and nowhere to restore them.",
    enforcement: "mandatory",
    offlineOnly:
        "CrossGuard shows one stack, never the fleet: whether another stack recovers this one is known only to the plan document, where every stack " +
        "(production and recovery) is listed with its mode, region and recoveryOf",
    validate: recoveryFindings,
};
