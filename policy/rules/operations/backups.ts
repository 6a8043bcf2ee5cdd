// How the operations rules read a stack's backups: its region, its plans' rules against the
// promise (lib/promises/backup-schedule.ts), and which data its selections cover.

import { wildcardMatches } from "../../../lib/wildcard";
import { BackupRule, BackupTarget } from "../../../lib/promises/backup-schedule";
import { byRef, ofType, tagsOf } from "../graph";
import { PolicyResource, PolicyStack } from "../types";
import { sameSchedule } from "./schedule";

export const PROVIDER_TYPE = "pulumi:providers:aws";
export const PLAN_TYPE = "aws:backup/plan:Plan";
export const SELECTION_TYPE = "aws:backup/selection:Selection";
export const VAULT_TYPE = "aws:backup/vault:Vault";
export const VAULT_LOCK_TYPE = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";

/** The region of an ARN, or undefined when it is no ARN or names no region. */
export function regionOfArn(arn: unknown): string | undefined {
    const region = typeof arn === "string" ? /^arn:[^:]+:[^:]+:([^:]*):/.exec(arn)?.[1] : undefined;
    return region === undefined || region === "" ? undefined : region;
}

function record(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/**
 * The stack's own region: the `region` of its provider `<stack>-aws` (the name stacks/context.ts and
 * stacks/platform.ts give it), else of its only AWS provider. Undefined when neither tells.
 */
export function stackRegion(stack: PolicyStack): string | undefined {
    const providers = ofType(stack, PROVIDER_TYPE);
    const own = providers.find((provider) => provider.name === `${stack.stack}-aws`) ?? (providers.length === 1 ? providers[0] : undefined);
    const region = own?.props.region;
    return typeof region === "string" && region !== "" ? region : undefined;
}

/** The vault a plan rule backs up into (by `targetVaultName`: a vault's id, which is its name, or `name`). */
export function vaultNamed(stack: PolicyStack, vaultName: unknown): PolicyResource | undefined {
    if (typeof vaultName !== "string" || vaultName === "") {
        return undefined;
    }
    return ofType(stack, VAULT_TYPE).find((vault) => vault.id === vaultName || vault.props.name === vaultName);
}

/**
 * Where a plan rule's recovery points are made: the region of its target vault's ARN where known
 * (CrossGuard), else the stack's own region.
 */
export function homeRegionOf(stack: PolicyStack, planRule: Readonly<Record<string, unknown>>): string | undefined {
    return regionOfArn(vaultNamed(stack, planRule.targetVaultName)?.props.arn) ?? stackRegion(stack);
}

/** A plan's rules as plain records. */
export function planRulesOf(plan: PolicyResource): Record<string, unknown>[] {
    return list(plan.props.rules)
        .map((rule) => record(rule))
        .filter((rule): rule is Record<string, unknown> => rule !== undefined);
}

/**
 * Days a lifecycle keeps a recovery point: `Infinity` when it sets no `deleteAfter` (AWS Backup
 * then never deletes it), undefined when the value is no number.
 */
export function keptDays(lifecycle: unknown): number | undefined {
    const deleteAfter = record(lifecycle)?.deleteAfter;
    if (deleteAfter === undefined || deleteAfter === null) {
        return Infinity;
    }
    const days = typeof deleteAfter === "string" && /^\d+$/.test(deleteAfter) ? Number(deleteAfter) : deleteAfter;
    return typeof days === "number" && Number.isFinite(days) ? days : undefined;
}

function days(value: number | undefined): string {
    return value === undefined ? "an unreadable number of" : String(value);
}

function keptFor(value: number): string {
    return value === Infinity ? "for good (no deleteAfter)" : `${value} days`;
}

/** The names of the stack's own backup vaults (each vault's id or name), where its copies may go. */
export function ownVaultsOf(stack: PolicyStack): ReadonlySet<string> {
    return new Set(ofType(stack, VAULT_TYPE).flatMap((vault) => [vault.id, vault.props.name].filter((name): name is string => typeof name === "string" && name !== "")));
}

/** The vault name of a backup vault ARN (`arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME`), or undefined. */
export function vaultNameOfArn(arn: unknown): string | undefined {
    return typeof arn === "string" ? /^arn:[^:]+:backup:[^:]*:[^:]*:backup-vault:(.+)$/.exec(arn)?.[1] : undefined;
}

/**
 * What keeps a plan rule from meeting a promised rule, given the region its recovery points are
 * made in: one sentence per shortfall, empty when it meets it. The schedule is matched by the caller.
 * The rule's own lifecycle is the home vault's retention (`keepDays.home`), its copies' to another
 * region the off-site retention (`keepDays.offsite`), each required exactly: a weekly rule kept a
 * year at home is refused as surely as one kept too briefly off-site.
 *
 * `ownVaults`: the stack's vaults (ownVaultsOf). An off-site copy counts only into one of them: a
 * vault the stack does not manage (the account's Default vault, another account's) has no lock, key
 * or retention this plan can show.
 */
export function shortfallsOf(planRule: Readonly<Record<string, unknown>>, promised: BackupRule, homeRegion: string | undefined, ownVaults?: ReadonlySet<string>): string[] {
    const shortfalls: string[] = [];
    // AWS Backup reads the schedule in this zone (UTC when absent); the promise's hours are UTC.
    const zone = planRule.scheduleExpressionTimezone;
    if (zone !== undefined && zone !== null && zone !== "UTC" && zone !== "Etc/UTC") {
        shortfalls.push(`runs its schedule in the time zone ${JSON.stringify(zone)}, not in UTC as promised`);
    }
    // The home vault (the promise's main server) keeps each point `keepDays.home`, exactly: the
    // weekly points are promised a year on the backup server only, so a year at home is refused too.
    const home = promised.keepDays.home;
    const kept = keptDays(planRule.lifecycle);
    if (kept === undefined || kept < home) {
        shortfalls.push(`keeps recovery points in its home vault ${days(kept)} days, less than the ${home} promised there`);
    } else if (kept > home) {
        // The promise is a limited time too: "deleted after seven days", "for a limited time, in the backup files".
        const offsiteOnly = promised.keepDays.offsite > home ? `; the ${promised.keepDays.offsite} days are promised on the backup server (the off-site copy) only` : "";
        shortfalls.push(`keeps recovery points in its home vault ${keptFor(kept)}, longer than the ${home} days promised there (a customer's data is kept for a limited time only${offsiteOnly})`);
    }
    if (homeRegion === undefined) {
        shortfalls.push("cannot tell the stack's region (no vault ARN, no provider with a region), so no copy can be shown off-site");
        return shortfalls;
    }
    const offsite = list(planRule.copyActions)
        .map((copy) => record(copy))
        .filter((copy) => {
            const region = regionOfArn(copy?.destinationVaultArn);
            return region !== undefined && region !== homeRegion;
        });
    const foreign = ownVaults === undefined ? [] : offsite.filter((copy) => !ownVaults.has(vaultNameOfArn(copy?.destinationVaultArn) ?? ""));
    // A copy without a lifecycle of its own keeps the rule's (the home retention).
    const copyKept = (copy: Record<string, unknown> | undefined): number => (copy?.lifecycle === undefined ? kept : keptDays(copy.lifecycle)) ?? -1;
    const longest = Math.max(-1, ...offsite.map(copyKept));
    const promisedOffsite = promised.keepDays.offsite;
    if (offsite.length === 0) {
        shortfalls.push(`copies recovery points to no vault outside ${homeRegion}`);
    } else if (foreign.length === offsite.length) {
        shortfalls.push(
            `copies recovery points off-site only to ${foreign.map((copy) => JSON.stringify(copy?.destinationVaultArn)).join(", ")}, no vault of this stack: its lock, key and retention cannot be shown`,
        );
    } else if (longest < promisedOffsite) {
        shortfalls.push(`keeps its off-site copies ${days(longest < 0 ? undefined : longest)} days, less than the ${promisedOffsite} promised off-site`);
    } else if (longest > promisedOffsite) {
        shortfalls.push(`keeps an off-site copy ${keptFor(longest)}, longer than the ${promisedOffsite} days promised off-site (a customer's data is kept for a limited time only)`);
    }
    return shortfalls;
}

/** A plan rule's name for messages. */
export function ruleLabel(planRule: Readonly<Record<string, unknown>>): string {
    return typeof planRule.ruleName === "string" ? `rule "${planRule.ruleName}"` : "a rule without a name";
}

/** Whether any rule of these plans meets the promised rule (same schedule, no shortfall). */
export function plansMeet(stack: PolicyStack, plans: readonly PolicyResource[], promised: BackupRule): boolean {
    return plans.some((plan) =>
        planRulesOf(plan).some((planRule) => sameSchedule(planRule.schedule, promised.schedule) && shortfallsOf(planRule, promised, homeRegionOf(stack, planRule), ownVaultsOf(stack)).length === 0),
    );
}

/**
 * What each target of the promise protects: databases are RDS instances and clusters and EC2
 * instances tagged `role: database` (components/database-server.ts); files are the S3 buckets
 * tagged `tier: data` (components/files-bucket.ts). Log and artifact buckets are not tenant data.
 */
export function dataOf(stack: PolicyStack, target: BackupTarget): PolicyResource[] {
    switch (target) {
        case "database":
            return stack.resources.filter(
                (resource) =>
                    resource.type === "aws:rds/instance:Instance" ||
                    resource.type === "aws:rds/cluster:Cluster" ||
                    (resource.type === "aws:ec2/instance:Instance" && tagsOf(resource).role === "database"),
            );
        case "files":
            return stack.resources.filter((resource) => resource.type === "aws:s3/bucket:Bucket" && tagsOf(resource).tier === "data");
        default: {
            const never: never = target;
            throw new Error(`unknown backup target ${String(never)}`);
        }
    }
}

/**
 * Whether a selection's `resources` (or `notResources`) entry names the resource: its `arn` where
 * known; else the ARN's resource part from what the resource holds (a bucket's name, an instance's
 * id, an RDS identifier). An RDS instance the program lets Pulumi name has no identifier in an
 * offline plan: its auto-name is its logical name plus `-` and 7 hex digits, which is matched.
 * Patterns with `*` are matched against a known ARN only (`*` alone matches everything).
 */
export function entryNames(entry: unknown, resource: PolicyResource): boolean {
    if (typeof entry !== "string" || entry === "") {
        return false;
    }
    if (entry === "*") {
        return true;
    }
    const arn = resource.props.arn;
    if (typeof arn === "string" && arn !== "") {
        return entry.includes("*") ? wildcardMatches(entry, arn) : entry === arn;
    }
    const parts = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:(.*)$/.exec(entry);
    if (!parts) {
        return false;
    }
    const [, service, rest = ""] = parts;
    switch (resource.type) {
        case "aws:s3/bucket:Bucket":
            return service === "s3" && rest === (resource.props.bucket ?? resource.id);
        case "aws:ec2/instance:Instance":
            return service === "ec2" && resource.id !== undefined && rest === `instance/${resource.id}`;
        case "aws:rds/instance:Instance":
        case "aws:rds/cluster:Cluster": {
            const kind = resource.type === "aws:rds/instance:Instance" ? "db" : "cluster";
            const identifier = resource.type === "aws:rds/instance:Instance" ? resource.props.identifier : resource.props.clusterIdentifier;
            if (service !== "rds" || !rest.startsWith(`${kind}:`)) {
                return false;
            }
            const named = rest.slice(kind.length + 1);
            return typeof identifier === "string" ? named === identifier : new RegExp(`^${resource.name.replace(/[.+?^${}()|[\]\\]/g, "\\$&")}-[0-9a-f]{7}$`, "i").test(named);
        }
        default:
            return false;
    }
}

/** The plans whose selections name the resource (and do not exclude it). */
export function plansSelecting(stack: PolicyStack, resource: PolicyResource): PolicyResource[] {
    const plans = ofType(stack, SELECTION_TYPE)
        .filter((selection) => list(selection.props.resources).some((entry) => entryNames(entry, resource)))
        .filter((selection) => !list(selection.props.notResources).some((entry) => entryNames(entry, resource)))
        .map((selection) => byRef(stack, selection.props.planId))
        .filter((plan): plan is PolicyResource => plan?.type === PLAN_TYPE);
    return [...new Set(plans)];
}

