// Account-wide quotas counted over the whole plan: what one stack cannot see (the 51st load
// balancer of a region is nobody's own mistake) is counted here, per region, over every stack
// planned. A count over a quota AWS enforces at create time is an error of the plan, as AWS would
// refuse the create; the snapshots the backup promise keeps are refused only later, when a backup
// job runs, so they are a warning. Pure: the document in, problems out.

import * as path from "node:path";

import { recoveryPointsKept } from "../../../lib/promises/backup-schedule";
import { jsonPosition, positionProblems, readJsonFile } from "../../../stacks/config/json-settings";
import { Problem } from "../../../stacks/config/validate";
import type { PlannedResource } from "./engine";

/** The quotas the plan counts. */
export type QuotaKey =
    | "applicationLoadBalancers"
    | "wafWebAcls"
    | "wafIpSets"
    | "backupVaults"
    | "backupPlans"
    | "cloudTrailTrails"
    | "rdsInstances"
    | "rdsManualSnapshots"
    | "vpcs"
    | "internetGateways"
    | "vpnGateways";

export interface QuotaDefinition {
    /** Its name in Service Quotas. */
    readonly name: string;
    /** Service Quotas' service code. */
    readonly serviceCode: string;
    /** Service Quotas' quota code; null where it is not known here (then `adjustable` says whether AWS raises it). */
    readonly quotaCode: string | null;
    /** Whether AWS raises it on request. */
    readonly adjustable: boolean;
    /** AWS's default, per account and region. */
    readonly awsDefault: number;
    /** `error`: AWS refuses the create; `warning`: AWS accepts the deployment and fails later. */
    readonly severity: "error" | "warning";
    /** What is counted and what going over does, in the message. */
    readonly what: string;
    /** Where the name, code and default come from. */
    readonly source: string;
    /**
     * What the account holds in every region before any stack of ours (the default VPC and its
     * internet gateway): counted as if planned, so that the plan never promises room AWS does not
     * have. An account whose default VPCs were deleted has that much more room than the plan says.
     */
    readonly preexisting?: { readonly count: number; readonly what: string };
}

export const QUOTAS: Readonly<Record<QuotaKey, QuotaDefinition>> = {
    applicationLoadBalancers: {
        name: "Application Load Balancers per Region",
        serviceCode: "elasticloadbalancing",
        quotaCode: "L-53DA6B97",
        adjustable: true,
        awsDefault: 50,
        severity: "error",
        what: "application load balancers",
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html (50, adjustable); code from Service Quotas",
    },
    // Every internet-facing front door (the platform's, each dedicated-saas tenant's, each cloud
    // and physical tenant's) has a web ACL and an IP set of its own: with the load balancer quota
    // raised, these are the next wall.
    wafWebAcls: {
        name: "Maximum number of web ACLs (protection packs)",
        serviceCode: "wafv2",
        quotaCode: null,
        adjustable: true,
        awsDefault: 100,
        severity: "error",
        what: "regional AWS WAF web ACLs",
        source: "https://docs.aws.amazon.com/waf/latest/developerguide/limits.html (100 per account per Region, increase on request); quota code not verified here",
    },
    wafIpSets: {
        name: "Maximum number of IP sets",
        serviceCode: "wafv2",
        quotaCode: null,
        adjustable: true,
        awsDefault: 100,
        severity: "error",
        what: "regional AWS WAF IP sets",
        source: "https://docs.aws.amazon.com/waf/latest/developerguide/limits.html (100 per account per Region, increase on request); quota code not verified here",
    },
    backupVaults: {
        name: "Backup vaults per Region per account",
        serviceCode: "backup",
        quotaCode: "L-7705D2CB",
        adjustable: true,
        awsDefault: 100,
        severity: "error",
        what: "AWS Backup vaults (each tenant's vault here and the off-site vaults of other regions' tenants)",
        source: "https://docs.aws.amazon.com/general/latest/gr/bk.html (code L-7705D2CB; Service Quotas reported 100, the General Reference now 300)",
    },
    backupPlans: {
        name: "Backup plans per Region per account",
        serviceCode: "backup",
        quotaCode: "L-BD69F607",
        adjustable: true,
        awsDefault: 100,
        severity: "error",
        what: "AWS Backup plans (two per tenant: database and files)",
        source: "https://docs.aws.amazon.com/general/latest/gr/bk.html (code L-BD69F607; Service Quotas reported 100, the General Reference now 300)",
    },
    cloudTrailTrails: {
        name: "Trails per Region",
        serviceCode: "cloudtrail",
        quotaCode: null,
        adjustable: false,
        awsDefault: 5,
        severity: "error",
        what: "CloudTrail trails (a multi-region trail counts in every region: CloudTrail keeps a shadow copy of it in each)",
        source: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html (5, cannot be increased); shadow trails: CloudTrail UpdateTrail API, IsMultiRegionTrail",
    },
    rdsInstances: {
        name: "DB instances",
        serviceCode: "rds",
        quotaCode: "L-7B6409FD",
        adjustable: true,
        awsDefault: 40,
        severity: "error",
        what: "RDS DB instances",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html (40, adjustable); code from Service Quotas",
    },
    rdsManualSnapshots: {
        name: "Manual DB instance snapshots",
        serviceCode: "rds",
        quotaCode: "L-272F1212",
        adjustable: true,
        awsDefault: 100,
        severity: "warning",
        what: "RDS snapshots kept at the backup promise's peak (AWS Backup's snapshots of RDS and their off-site copies are manual snapshots)",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html (100, adjustable, console link .../rds/quotas/L-272F1212)",
    },
    // Every dedicated-cloud tenant (cloud, vpn, vpn-sync, physical) has a VPC of its own: the
    // sixth VPC of a region is refused (VpcLimitExceeded) unless the quota was raised.
    vpcs: {
        name: "VPCs per Region",
        serviceCode: "vpc",
        quotaCode: "L-F678F1CE",
        adjustable: true,
        awsDefault: 5,
        severity: "error",
        what: "VPCs (the platform's and each dedicated-cloud tenant's)",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html (5, adjustable; raising it raises internet gateways per Region by the same amount); code from Service Quotas",
        preexisting: { count: 1, what: "the region's default VPC" },
    },
    internetGateways: {
        name: "Internet gateways per Region",
        serviceCode: "vpc",
        quotaCode: "L-A4707A72",
        adjustable: true,
        awsDefault: 5,
        severity: "error",
        what: "internet gateways (the platform's and each public dedicated-cloud tenant's)",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html (5; raised through VPCs per Region); code from Service Quotas",
        preexisting: { count: 1, what: "the default VPC's internet gateway" },
    },
    // Each vpn and vpn-sync tenant's site-to-site VPN ends on a virtual private gateway of its own.
    vpnGateways: {
        name: "Virtual private gateways per Region",
        serviceCode: "ec2",
        quotaCode: null,
        adjustable: true,
        awsDefault: 5,
        severity: "error",
        what: "virtual private gateways (one per site-to-site VPN of a tenant)",
        source: "https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html (5 per Region, adjustable); quota code not verified here",
    },
};

export const QUOTA_KEYS = Object.keys(QUOTAS) as QuotaKey[];

/** The checked-in quota file of the deployment account. */
export const QUOTA_FILE = path.join("stacks", "config", "service-quotas.json");

interface QuotaValue {
    readonly value: number;
    readonly source: string;
}

/** The file's shape: the account's applied value of each quota, raised per region where granted. */
export interface QuotaFile {
    readonly account?: string;
    readonly defaults: Readonly<Record<QuotaKey, QuotaValue>>;
    readonly regions: Readonly<Record<string, Partial<Readonly<Record<QuotaKey, QuotaValue>>>>>;
}

/** The applied quotas, with where each value is written (for the error's file:line). */
export interface AppliedQuotas {
    readonly file: string;
    readonly quotas: QuotaFile;
    /** The file's text, to point at the line of a value; empty when the quotas came from elsewhere. */
    readonly text: string;
}

/** Problems with the file's content, each naming the path and what is expected. */
export function quotaFileProblems(quotas: unknown): string[] {
    const problems: string[] = [];
    const record = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
    const checkValue = (where: string, value: unknown): void => {
        if (!record(value) || !Number.isInteger(value.value) || (value.value as number) < 0 || typeof value.source !== "string" || value.source === "") {
            problems.push(`${where}: expected { "value": a whole number, "source": where it comes from }`);
        }
    };
    if (!record(quotas) || !record(quotas.defaults) || !record(quotas.regions)) {
        return ['expected an object with "defaults" and "regions"'];
    }
    for (const key of QUOTA_KEYS) {
        checkValue(`/defaults/${key}`, quotas.defaults[key]);
    }
    for (const key of Object.keys(quotas.defaults).filter((key) => !(QUOTA_KEYS as string[]).includes(key))) {
        problems.push(`/defaults/${key}: not a quota the plan counts; expected one of ${QUOTA_KEYS.join(", ")}`);
    }
    for (const [region, values] of Object.entries(quotas.regions)) {
        if (!record(values)) {
            problems.push(`/regions/${region}: expected an object of quota values`);
            continue;
        }
        for (const [key, value] of Object.entries(values)) {
            if (!(QUOTA_KEYS as string[]).includes(key)) {
                problems.push(`/regions/${region}/${key}: not a quota the plan counts; expected one of ${QUOTA_KEYS.join(", ")}`);
            } else {
                checkValue(`/regions/${region}/${key}`, value);
            }
        }
    }
    return problems;
}

/**
 * Reads the quota file (by default the checked-in one): its quotas, or its problems positioned as
 * the plan reports every problem (FILE:LINE:COLUMN: PATH: message), never an exception.
 */
export function readQuotas(root: string, file: string = QUOTA_FILE): { applied?: AppliedQuotas; problems: Problem[] } {
    const read = readJsonFile(root, file, "the plan counts quotas against it");
    if (read.text === undefined) {
        return { problems: read.problems };
    }
    const quotas = read.value;
    const problems = positionProblems(file, read.text, quotaFileProblems(quotas));
    return problems.length > 0 ? { problems } : { applied: { file, quotas: quotas as QuotaFile, text: read.text }, problems };
}

/** {@link readQuotas} for callers that cannot go on without the quotas: a broken file is thrown, naming it. */
export function loadQuotas(root: string, file: string = QUOTA_FILE): AppliedQuotas {
    const { applied, problems } = readQuotas(root, file);
    if (!applied) {
        throw new Error(problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`).join("\n"));
    }
    return applied;
}

/** The applied value of a quota in a region, and the JSON path it is written at. */
export function appliedQuota(quotas: QuotaFile, region: string, key: QuotaKey): { value: number; path: string } {
    const raised = quotas.regions[region]?.[key];
    return raised ? { value: raised.value, path: `/regions/${region}/${key}` } : { value: quotas.defaults[key].value, path: `/defaults/${key}` };
}

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

/** Per region, per quota: the count over the plan. */
export type FleetUsage = Map<string, Map<QuotaKey, RegionUsage>>;

const LOAD_BALANCER_TYPES = new Set(["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]);
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
    const add = (region: string, key: QuotaKey, stack: string, amount = 1): void => {
        let regionUsage = usage.get(region);
        if (!regionUsage) {
            regionUsage = new Map();
            usage.set(region, regionUsage);
        }
        const current = regionUsage.get(key) ?? { count: 0, byStack: new Map<string, number>() };
        const byStack = new Map(current.byStack);
        byStack.set(stack, (byStack.get(stack) ?? 0) + amount);
        regionUsage.set(key, { count: current.count + amount, byStack });
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
                case "aws:wafv2/webAcl:WebAcl":
                    if (resource.inputs.scope !== "CLOUDFRONT") {
                        add(stack.region, "wafWebAcls", stack.tenant);
                    }
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

function largest(byStack: ReadonlyMap<string, number>, shown = 5): string {
    const sorted = [...byStack.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const listed = sorted.slice(0, shown).map(([stack, count]) => `${stack} ${count}`);
    return `${listed.join(", ").replace(/Infinity/g, "unbounded")}${sorted.length > shown ? ` and ${sorted.length - shown} more stack(s)` : ""}`;
}

/** How the quota is raised, or why it cannot be. */
export function raiseAdvice(key: QuotaKey, region: string, needed: number, file: string): string {
    const quota = QUOTAS[key];
    if (!quota.adjustable) {
        return `AWS does not raise this quota: remove trails from the region (one multi-region trail, or the organisation's, records the whole account)`;
    }
    if (quota.quotaCode === null) {
        return (
            `Raise it: request ${needed} for "${quota.name}" in the Service Quotas console (https://console.aws.amazon.com/servicequotas/home/services/${quota.serviceCode}/quotas, region ${region}) ` +
            `or aws service-quotas request-service-quota-increase --region ${region} --service-code ${quota.serviceCode} --quota-code <its code from aws service-quotas list-service-quotas --service-code ${quota.serviceCode}> --desired-value ${needed}, ` +
            `then record the granted value under regions.${region}.${key} in ${file}`
        );
    }
    return (
        `Raise it: aws service-quotas request-service-quota-increase --region ${region} --service-code ${quota.serviceCode} --quota-code ${quota.quotaCode} --desired-value ${needed}, ` +
        `then record the granted value under regions.${region}.${key} in ${file}`
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
        for (const key of QUOTA_KEYS) {
            const counted = usage.get(region)?.get(key);
            if (!counted) {
                continue;
            }
            const limit = appliedQuota(applied.quotas, region, key);
            if (counted.count <= limit.value) {
                continue;
            }
            const quota = QUOTAS[key];
            const code = !quota.adjustable ? `${quota.serviceCode}, not adjustable` : `${quota.serviceCode} ${quota.quotaCode ?? "quota code: see Service Quotas"}`;
            const consequence = quota.severity === "error" ? "AWS refuses what goes beyond it" : "AWS accepts the deployment, and backup jobs fail once the quota is reached";
            const count = Number.isFinite(counted.count) ? String(counted.count) : "an unbounded number (a rule keeps them for good, or its schedule cannot be counted)";
            const message =
                `${region}: ${count} planned of ${quota.what}; the quota "${quota.name}" (${code}) is ${limit.value} in ${applied.file} (${limit.path}); ` +
                `${consequence}. Largest: ${largest(counted.byStack)}. ${Number.isFinite(counted.count) ? raiseAdvice(key, region, counted.count, applied.file) : "Give every rule a lifecycle (deleteAfter) and a schedule the plan can count."}`;
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
