// The yearly incident simulation: steps 2-4 of the contingency plan into an isolated copy of the
// recovery environment (the stack `<target>-drill`: its own network and front door, never a DNS
// record of production's), timed against the two-hour promise, then the copy torn down.
// Production is only read (its outputs and its off-site recovery points).

import { checkStep, restoredRdsDatabases, restoreStep, versionStep } from "./activate";
import { DrContext, productionOutputs, recoveryOutputs, Step } from "./context";
import { arnRegion } from "./outputs";
import { verdict } from "./report";
import type { RunState } from "./run-file";

export const DRILL_STEPS: readonly Step[] = [
    {
        name: "version",
        title: "create the drill copy of the recovery environment, active, never redirected; check its application version against production's",
        async run(ctx) {
            const { drill, recovery } = ctx.target;
            if (!(await ctx.pulumi.exists(drill))) {
                await ctx.pulumi.copyStack(recovery, drill);
            }
            return { stack: drill, ...(await versionStep(ctx, drill, { recoveryActive: "true", recoveryRedirect: "false" })) };
        },
    },
    restoreStep((ctx) => ctx.target.drill),
    checkStep((ctx) => ctx.target.drill),
    {
        name: "teardown",
        title: "tear the drill copy down: the database the drill restored (RDS instance or EC2 server), then the -drill stack (production and the recovery stack untouched)",
        async run(ctx, previous, save) {
            const restored = ctx.state.steps.find((step) => step.name === "restore")?.detail;
            const database = restored?.restoredDatabase as string | undefined;
            const points = restored?.points as Record<string, { resourceType: string }> | undefined;
            const created = restored?.created as Record<string, string> | undefined;
            const detail: Record<string, unknown> = { stack: ctx.target.drill, ...previous };
            // AWS Backup created the databases (a platform: each dedicated-saas tenant's too), so no
            // stack owns them; they must be gone before their subnet group, subnet and security group
            // (the drill stack's) can be destroyed. Restore jobs create their resource in the vault's
            // region: the off-site one.
            const type = points?.database?.resourceType;
            const databases = restoredRdsDatabases(restored);
            const deleted = (detail.deletedDatabases as string[] | undefined) ?? [];
            if (databases.some((name) => !deleted.includes(name))) {
                const region = arnRegion((await productionOutputs(ctx)).offsiteBackupVaultArn);
                for (const name of databases.filter((name) => !deleted.includes(name))) {
                    while (!(await ctx.aws.deleteDrillDatabase(region, name))) {
                        await ctx.sleep(ctx.pollMs);
                    }
                    ctx.log.info({ event: "drill-database-deleted", database: name }, `the drill's database ${name} is deleted`);
                    deleted.push(name);
                    detail.deletedDatabases = [...deleted];
                    save(detail);
                }
            }
            if (type === "EC2" && detail.terminatedInstance === undefined) {
                const instance = created?.database;
                if (instance === undefined) {
                    throw new Error(`the restore job ${(restored?.jobs as Record<string, string> | undefined)?.database ?? "?"} of the database named no instance it created: terminate the drill's database server in ${ctx.target.drill}'s data subnet by hand, then resume`);
                }
                const region = arnRegion((await productionOutputs(ctx)).offsiteBackupVaultArn);
                // The guard: the instance this run's restore job created, and only while it sits in
                // the drill copy's own data subnet (no production or recovery resource lives there).
                const subnet = (await recoveryOutputs(ctx, ctx.target.drill)).restoreTarget.subnetId;
                if (subnet === undefined) {
                    throw new Error(`${ctx.target.drill} names no restoreTarget.subnetId: dr cannot tell that ${instance} is the drill's, so it terminates nothing`);
                }
                while (!(await ctx.aws.terminateDrillInstance(region, instance, subnet))) {
                    await ctx.sleep(ctx.pollMs);
                }
                ctx.log.info({ event: "drill-instance-terminated", instance }, `the drill's database server ${instance} is terminated`);
                detail.terminatedInstance = instance;
                save(detail);
            }
            if (await ctx.pulumi.exists(ctx.target.drill)) {
                await ctx.pulumi.destroy(ctx.target.drill);
            }
            return { ...detail, ...(database !== undefined && deleted.includes(database) ? { deletedDatabase: database } : {}) };
        },
    },
];

/** A drill's durable record (dr-design2.md): what `status` shows when the laptop that ran it is gone. */
export interface DrillRecord {
    readonly runId: string;
    readonly startedAt: string;
    readonly finishedAt: string;
    /** From the collapse (the run's start, or --since) to the functional check passing; null when it never did. */
    readonly timeToActiveMs: number | null;
    readonly withinPromise: boolean;
    /** Every step of the drill done (teardown included). */
    readonly ok: boolean;
}

/**
 * The SSM parameter of a target's last drill, checked against SSM's PutParameter naming rules
 * (botocore ssm model, PutParameter Name: only a-zA-Z0-9_.- and "/" between levels, at most 15
 * levels, no "aws"/"ssm" prefix, at most 1011 characters including the ARN before the name).
 */
export function drillRecordName(target: string): string {
    const name = `/itm/dr/${target}/last-drill`;
    const problems = ssmNameProblems(name);
    if (problems.length > 0) throw new Error(`the drill record's SSM parameter name ${name} is refused by SSM: ${problems.join("; ")}`);
    return name;
}

export function ssmNameProblems(name: string): string[] {
    const problems: string[] = [];
    if (!/^[a-zA-Z0-9_.\-/]+$/.test(name)) problems.push("only a-z, A-Z, 0-9, _ . - and / are allowed");
    if (/^\/?(aws|ssm)/i.test(name)) problems.push('a name may not begin with "aws" or "ssm"');
    if (name.startsWith("/") && name.split("/").length - 1 > 15) problems.push("at most 15 levels");
    if (name.includes("//") || (name.includes("/") && !name.startsWith("/"))) problems.push("a hierarchy starts with / and has no empty level");
    // The longest ARN before the name: arn:aws-us-gov:ssm:<longest region>:<account>:parameter (AWS's 1011 counts it).
    if (`arn:aws-us-gov:ssm:ap-southeast-5:123456789012:parameter${name}`.length > 1011) problems.push("longer than 1011 characters with its ARN");
    return problems;
}

export function drillRecordOf(state: RunState, now: Date): DrillRecord {
    const result = verdict(state, now);
    return {
        runId: state.runId,
        startedAt: state.startedAt,
        finishedAt: state.finishedAt ?? now.toISOString(),
        timeToActiveMs: result.activeAt !== undefined ? result.elapsedMs! : null,
        withinPromise: result.activeAt !== undefined && result.kept === true,
        ok: state.outcome === "completed",
    };
}

/** Reads a record back; undefined (with the reason logged by the caller) when it is not one. */
export function parseDrillRecord(value: string): DrillRecord | undefined {
    let raw: unknown;
    try {
        raw = JSON.parse(value);
    } catch {
        return undefined;
    }
    const r = raw as Record<string, unknown>;
    const iso = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v));
    if (typeof r !== "object" || r === null || typeof r.runId !== "string" || !iso(r.startedAt) || !iso(r.finishedAt)) return undefined;
    if (!(r.timeToActiveMs === null || (typeof r.timeToActiveMs === "number" && r.timeToActiveMs >= 0)) || typeof r.withinPromise !== "boolean" || typeof r.ok !== "boolean") return undefined;
    return r as unknown as DrillRecord;
}

/**
 * Writes the drill's record to SSM in the recovery's region (the off-site one), overwriting the
 * last. A failure is reported, never fatal: the run file and the report stay the local proof.
 */
export async function recordDrill(ctx: DrContext, now: Date): Promise<{ readonly written: boolean; readonly text: string }> {
    const name = drillRecordName(ctx.target.production);
    try {
        const region = arnRegion((await productionOutputs(ctx)).offsiteBackupVaultArn);
        const record = drillRecordOf(ctx.state, now);
        await ctx.aws.putParameter(region, name, JSON.stringify(record));
        ctx.log.info({ event: "drill-recorded", parameter: name, region, record }, `drill recorded in SSM ${name} (${region})`);
        return { written: true, text: `Drill recorded: SSM parameter ${name} in ${region}.` };
    } catch (error) {
        const message = (error as Error).message.split("\n")[0]!;
        ctx.log.warn({ event: "drill-record-failed", parameter: name, error: message }, "the drill's durable record could not be written");
        return { written: false, text: `The drill's durable record (SSM ${name}) could NOT be written: ${message}. Its run file and report are the only record.` };
    }
}
