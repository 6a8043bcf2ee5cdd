// What the plan uses of each quota: counted per region over every planned stack, in the region the
// plan shows a resource in (a load balancer's ARN, an off-site vault, a copy's destination).

import { recoveryPointsKept } from "../../../lib/promises/backup-schedule";
import type { PlannedResource } from "./engine";
import { QUOTA_KEYS, QuotaKey, QUOTAS, UsageKey } from "./quotas";

/** A stack of the plan, as far as the counting reads it. */
export interface CountedStack {
    readonly tenant: string;
    readonly region: string;
    readonly resources: readonly PlannedResource[];
}

export interface RegionUsage {
    readonly count: number;
    /** Stack name -> how much of the count it holds. */
    readonly byStack: ReadonlyMap<string, number>;
}

/** Per region, per quota (a per-family quota per family: `dedicatedHosts:m6i`): the count over the plan. */
export type FleetUsage = Map<string, Map<UsageKey, RegionUsage>>;

const ARN_REGION = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d):/;
const VAULT_ARN = /^arn:aws[a-z-]*:backup:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:backup-vault:(.+)$/;
const RDS_ARN = /^arn:aws[a-z-]*:rds:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:db:/;

function strings(value: unknown, into: string[] = []): string[] {
    if (typeof value === "string") {
        into.push(value);
    } else if (Array.isArray(value)) {
        value.forEach((item) => strings(item, into));
    } else if (value !== null && typeof value === "object") {
        Object.values(value).forEach((item) => strings(item, into));
    }
    return into;
}

/** Days a lifecycle keeps a recovery point; Infinity without `deleteAfter` (AWS Backup then keeps it for good). */
function deleteAfterOf(lifecycle: unknown): number {
    const days = records([lifecycle])[0]?.deleteAfter;
    return typeof days === "number" && Number.isFinite(days) ? days : Number.POSITIVE_INFINITY;
}

/** Recovery points a rule keeps at its peak; Infinity when kept for good or the schedule cannot be counted. */
function kept(schedule: string, deleteAfterDays: number): number {
    if (!Number.isFinite(deleteAfterDays)) {
        return Number.POSITIVE_INFINITY;
    }
    try {
        return recoveryPointsKept({ schedule, deleteAfterDays });
    } catch {
        // A schedule of a shape not counted: never a silent pass.
        return Number.POSITIVE_INFINITY;
    }
}

function records(value: unknown): Record<string, unknown>[] {
    return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => item !== null && typeof item === "object") : [];
}

/**
 * Counts every quota per region over the stacks. A resource's region is its stack's, except where
 * the plan shows otherwise: a load balancer's ARN (its id), a vault named in a backup plan's
 * copy action (the off-site vault, in its partner region), an off-site copy's destination.
 */
export function countUsage(stacks: readonly CountedStack[]): FleetUsage {
    const usage: FleetUsage = new Map();
    const add = (region: string, key: UsageKey, stack: string, amount = 1): void => {
        let regionUsage = usage.get(region);
        if (!regionUsage) {
            regionUsage = new Map();
            usage.set(region, regionUsage);
        }
        // Counted in place: a copy per addition made a fleet of N stacks cost N^2.
        const current = (regionUsage.get(key) as { count: number; byStack: Map<string, number> } | undefined) ?? { count: 0, byStack: new Map<string, number>() };
        current.byStack.set(stack, (current.byStack.get(stack) ?? 0) + amount);
        current.count += amount;
        regionUsage.set(key, current);
    };
    const multiRegionTrails: string[] = [];
    for (const stack of stacks) {
        usage.has(stack.region) || usage.set(stack.region, new Map());
        const vaultRegions = new Map<string, string>();
        // The off-site vaults are named by ARN in the backup plans' copy actions.
        for (const text of stack.resources.filter((resource) => resource.type === "aws:backup/plan:Plan").flatMap((resource) => strings(resource.inputs))) {
            const vault = VAULT_ARN.exec(text);
            if (vault) {
                vaultRegions.set(vault[2]!, vault[1]!);
            }
        }
        const plans = new Map(stack.resources.filter((resource) => resource.type === "aws:backup/plan:Plan").map((plan) => [plan.id, plan]));
        for (const resource of stack.resources) {
            switch (resource.type) {
                case "aws:lb/loadBalancer:LoadBalancer":
                case "aws:alb/loadBalancer:LoadBalancer":
                    if ((resource.inputs.loadBalancerType ?? "application") === "application") {
                        add(ARN_REGION.exec(resource.id)?.[1] ?? stack.region, "applicationLoadBalancers", stack.tenant);
                    }
                    break;
                case "aws:backup/vault:Vault":
                    add(vaultRegions.get(resource.id) ?? stack.region, "backupVaults", stack.tenant);
                    break;
                case "aws:backup/plan:Plan":
                    add(stack.region, "backupPlans", stack.tenant);
                    break;
                case "aws:cloudtrail/trail:Trail":
                    if (resource.inputs.isMultiRegionTrail === true) {
                        multiRegionTrails.push(stack.tenant);
                    } else {
                        add(stack.region, "cloudTrailTrails", stack.tenant);
                    }
                    break;
                case "aws:rds/instance:Instance":
                    add(stack.region, "rdsInstances", stack.tenant);
                    break;
                case "aws:ec2/vpc:Vpc":
                    add(stack.region, "vpcs", stack.tenant);
                    break;
                case "aws:ec2/internetGateway:InternetGateway":
                    add(stack.region, "internetGateways", stack.tenant);
                    break;
                case "aws:ec2/vpnGateway:VpnGateway":
                    add(stack.region, "vpnGateways", stack.tenant);
                    break;
                case "aws:ec2transitgateway/transitGateway:TransitGateway":
                    add(stack.region, "transitGateways", stack.tenant);
                    break;
                case "aws:ec2/dedicatedHost:DedicatedHost": {
                    // Allocated for a family, or for one instance type of it (its family's quota all the same).
                    const family = typeof resource.inputs.instanceFamily === "string" ? resource.inputs.instanceFamily : String(resource.inputs.instanceType ?? "unknown").split(".")[0];
                    add(stack.region, `dedicatedHosts:${family}`, stack.tenant);
                    break;
                }
                case "aws:wafv2/webAcl:WebAcl":
                    if (resource.inputs.scope !== "CLOUDFRONT") {
                        add(stack.region, "wafWebAcls", stack.tenant);
                    }
                    break;
                case "aws:route53/healthCheck:HealthCheck":
                    add(QUOTAS.route53HealthChecks.accountWide!.region, "route53HealthChecks", stack.tenant);
                    break;
                case "aws:iam/role:Role":
                    add(QUOTAS.iamRoles.accountWide!.region, "iamRoles", stack.tenant);
                    break;
                case "aws:iam/instanceProfile:InstanceProfile":
                    add(QUOTAS.iamInstanceProfiles.accountWide!.region, "iamInstanceProfiles", stack.tenant);
                    break;
                case "aws:wafv2/ipSet:IpSet":
                    if (resource.inputs.scope !== "CLOUDFRONT") {
                        add(stack.region, "wafIpSets", stack.tenant);
                    }
                    break;
                case "aws:backup/selection:Selection": {
                    const databases = strings(resource.inputs.resources).filter((arn) => RDS_ARN.test(arn));
                    const plan = plans.get(String(resource.inputs.planId));
                    for (const database of databases) {
                        const home = RDS_ARN.exec(database)![1]!;
                        for (const rule of records(plan?.inputs.rules)) {
                            const schedule = String(rule.schedule);
                            const keptDays = deleteAfterOf(rule.lifecycle);
                            add(home, "rdsManualSnapshots", stack.tenant, kept(schedule, keptDays));
                            for (const copy of records(rule.copyActions)) {
                                const destination = VAULT_ARN.exec(String(copy.destinationVaultArn))?.[1] ?? home;
                                // A copy without a lifecycle of its own keeps the rule's.
                                const copyDays = copy.lifecycle === undefined ? keptDays : deleteAfterOf(copy.lifecycle);
                                add(destination, "rdsManualSnapshots", stack.tenant, kept(schedule, copyDays));
                            }
                        }
                    }
                    break;
                }
                default:
                    break;
            }
        }
    }
    // What every region of the account holds already, counted where the plan uses the quota.
    for (const [region, regionUsage] of usage) {
        for (const key of QUOTA_KEYS) {
            const preexisting = QUOTAS[key].preexisting;
            if (preexisting && regionUsage.has(key)) {
                add(region, key, `(${preexisting.what})`, preexisting.count);
            }
        }
    }
    // A multi-region trail is a trail in every region, the plan's regions included.
    for (const stack of multiRegionTrails) {
        for (const region of usage.keys()) {
            add(region, "cloudTrailTrails", stack);
        }
    }
    return usage;
}
