// A count over its applied quota as a problem of the plan: where it is written, what AWS does
// beyond it, the stacks that hold most of it, and how to raise it.

import { jsonPosition } from "../../../stacks/config/json-settings";
import { Problem } from "../../../stacks/config/validate";
import { appliedQuota, AppliedQuotas } from "./quota-file";
import { countUsage, CountedStack, FleetUsage } from "./quota-usage";
import { forFamily, QuotaKey, quotaOfUsage, QUOTAS } from "./quotas";

function largest(byStack: ReadonlyMap<string, number>, shown = 5): string {
    const sorted = [...byStack.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const listed = sorted.slice(0, shown).map(([stack, count]) => `${stack} ${count}`);
    return `${listed.join(", ").replace(/Infinity/g, "unbounded")}${sorted.length > shown ? ` and ${sorted.length - shown} more stack(s)` : ""}`;
}

/** How the quota is raised, or why it cannot be; a per-family quota's for `family`. */
export function raiseAdvice(key: QuotaKey, region: string, needed: number, file: string, family?: string): string {
    const quota = { ...QUOTAS[key], name: forFamily(QUOTAS[key].name, family) };
    const recorded = family === undefined ? key : `"${key}:${family}"`;
    if (!quota.adjustable) {
        return `AWS does not raise this quota: remove trails from the region (one multi-region trail, or the organisation's, records the whole account)`;
    }
    if (quota.maximum !== undefined && needed > quota.maximum.value) {
        return (
            `AWS raises this quota to at most ${quota.maximum.value} (${quota.maximum.source}), less than the ${needed} planned: ` +
            `no raise holds them in one account; deploy part of the fleet into another account, or create fewer`
        );
    }
    if (quota.quotaCode === null) {
        return (
            `Raise it: request ${needed} for "${quota.name}" in the Service Quotas console (https://console.aws.amazon.com/servicequotas/home/services/${quota.serviceCode}/quotas, region ${region}) ` +
            `or aws service-quotas request-service-quota-increase --region ${region} --service-code ${quota.serviceCode} --quota-code <its code from aws service-quotas list-service-quotas --service-code ${quota.serviceCode}> --desired-value ${needed}, ` +
            `then record the granted value under regions.${region}.${recorded} in ${file}`
        );
    }
    return (
        `Raise it: aws service-quotas request-service-quota-increase --region ${region} --service-code ${quota.serviceCode} --quota-code ${quota.quotaCode} --desired-value ${needed}, ` +
        `then record the granted value under regions.${region}.${recorded} in ${file}`
    );
}

export interface QuotaProblems {
    readonly errors: Problem[];
    readonly warnings: Problem[];
}

/** Every count over its applied quota: errors where AWS refuses the create, warnings where it fails later. */
export function quotaProblems(usage: FleetUsage, applied: AppliedQuotas): QuotaProblems {
    const errors: Problem[] = [];
    const warnings: Problem[] = [];
    for (const region of [...usage.keys()].sort()) {
        // In the quotas' order, a per-family quota's families by name.
        const order = Object.keys(QUOTAS);
        const keys = [...(usage.get(region)?.keys() ?? [])].sort((a, b) => order.indexOf(quotaOfUsage(a).key) - order.indexOf(quotaOfUsage(b).key) || a.localeCompare(b));
        for (const usageKey of keys) {
            const counted = usage.get(region)!.get(usageKey)!;
            const { key, family } = quotaOfUsage(usageKey);
            const limit = appliedQuota(applied.quotas, region, key, family);
            if (counted.count <= limit.value) {
                continue;
            }
            const quota = { ...QUOTAS[key], name: forFamily(QUOTAS[key].name, family), what: forFamily(QUOTAS[key].what, family) };
            const code = !quota.adjustable ? `${quota.serviceCode}, not adjustable` : `${quota.serviceCode} ${quota.quotaCode ?? "quota code: see Service Quotas"}`;
            const consequence = quota.severity === "error" ? "AWS refuses what goes beyond it" : "AWS accepts the deployment, and backup jobs fail once the quota is reached";
            const count = Number.isFinite(counted.count) ? String(counted.count) : "an unbounded number (a rule keeps them for good, or its schedule cannot be counted)";
            const where = quota.accountWide === undefined ? region : `the account (every region; Service Quotas shows it in ${region})`;
            const message =
                `${where}: ${count} planned of ${quota.what}; the quota "${quota.name}" (${code}) is ${limit.value} in ${applied.file} (${limit.path}); ` +
                `${consequence}. Largest: ${largest(counted.byStack)}. ${Number.isFinite(counted.count) ? raiseAdvice(key, region, counted.count, applied.file, family) : "Give every rule a lifecycle (deleteAfter) and a schedule the plan can count."}`;
            const problem: Problem = { file: applied.file, ...jsonPosition(applied.text, limit.path), path: limit.path, message };
            (quota.severity === "error" ? errors : warnings).push(problem);
        }
    }
    return { errors, warnings };
}

/** Counts the stacks and judges them against the applied quotas. */
export function fleetQuotaProblems(stacks: readonly CountedStack[], applied: AppliedQuotas): QuotaProblems {
    return quotaProblems(countUsage(stacks), applied);
}
