// `npm run dr -- status`: each environment's readiness: its recovery stack, the age of the newest
// off-site recovery point of each resource against the promise, the last drill and its time (the
// newer of this machine's .dr/ run files and the durable record in SSM, which CI's drills write too).

import type { BackupTarget } from "../../../lib/promises/backup-schedule";
import type { DrAws } from "./aws";
import { DrillRecord, drillRecordName, drillRecordOf, parseDrillRecord } from "./drill";
import { arnRegion, readProductionOutputs, readRecoveryOutputs } from "./outputs";
import { formatDuration, maxRecoveryPointAgeMs } from "./promise";
import type { PulumiCli } from "./pulumi-cli";
import { listRuns } from "./run-file";
import { drTarget } from "./targets";

export interface TargetStatus {
    readonly target: string;
    readonly ready: boolean;
    readonly lines: string[];
}

export async function targetStatus(arg: string, deps: { pulumi: PulumiCli; aws: DrAws; now: Date; runDir: string }): Promise<TargetStatus> {
    const target = drTarget(arg);
    const lines: string[] = [];
    let ready = true;
    const problem = (text: string): void => {
        ready = false;
        lines.push(`  NOT READY: ${text}`);
    };
    let durable: DrillRecord | undefined;
    let durableNote = "";
    try {
        if (!(await deps.pulumi.exists(target.recovery))) {
            problem(`no recovery stack ${target.recovery}`);
        } else {
            const recovery = readRecoveryOutputs(target.recovery, await deps.pulumi.outputs(target.recovery));
            lines.push(`  recovery stack ${target.recovery}: ${recovery.recoveryActive ? "ACTIVE" : "idle, ready"}`);
        }
        const production = readProductionOutputs(target.production, await deps.pulumi.outputs(target.production));
        // The durable record of the last drill, in the recovery's (off-site) region.
        try {
            const value = await deps.aws.getParameter(arnRegion(production.offsiteBackupVaultArn), drillRecordName(target.production));
            durable = value === undefined ? undefined : parseDrillRecord(value);
            if (value !== undefined && durable === undefined) durableNote = ` (the SSM record ${drillRecordName(target.production)} is unreadable)`;
        } catch (error) {
            durableNote = ` (the SSM record could not be read: ${(error as Error).message.split("\n")[0]})`;
        }
        const resources: Record<BackupTarget, string> = { database: production.databaseArn, files: production.filesBucketArn };
        for (const [resource, arn] of Object.entries(resources) as [BackupTarget, string][]) {
            const newest = (await deps.aws.recoveryPoints(production.offsiteBackupVaultArn, arn))[0];
            const limit = maxRecoveryPointAgeMs(resource);
            if (newest === undefined) {
                problem(`${resource}: no off-site recovery point`);
                continue;
            }
            const age = deps.now.getTime() - newest.createdAt.getTime();
            const text = `${resource}: newest off-site recovery point ${formatDuration(age)} old (promise: at most ${formatDuration(limit)})`;
            if (age > limit) problem(text);
            else lines.push(`  ${text}`);
        }
    } catch (error) {
        problem((error as Error).message.split("\n")[0]!);
    }
    const local = listRuns(deps.runDir, arg).filter((run) => run.operation === "drill" && run.outcome === "completed").pop();
    const localRecord = local === undefined ? undefined : drillRecordOf(local, deps.now);
    const newest = [localRecord && { record: localRecord, source: ".dr/ run file" }, durable && { record: durable, source: `SSM ${drillRecordName(target.production)}` }]
        .filter((entry): entry is { record: DrillRecord; source: string } => entry !== undefined)
        .sort((a, b) => Date.parse(b.record.finishedAt) - Date.parse(a.record.finishedAt))[0];
    if (newest === undefined) {
        lines.push(`  last drill: none recorded${durableNote}`);
    } else {
        const { record, source } = newest;
        const time = record.timeToActiveMs === null ? "never active" : `active in ${formatDuration(record.timeToActiveMs)}${record.withinPromise ? "" : " (BREACHED the promise)"}`;
        lines.push(`  last drill: ${record.startedAt}, ${time}${record.ok ? "" : ", FAILED (did not finish)"} (${source})`);
    }
    return { target: arg, ready, lines };
}
