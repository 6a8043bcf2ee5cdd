// `npm run dr -- status`: each environment's readiness: its recovery stack, the age of the newest
// off-site recovery point of each resource against the promise, the last drill and its time.

import type { BackupTarget } from "../../../lib/promises/backup-schedule";
import type { DrAws } from "./aws";
import { readProductionOutputs, readRecoveryOutputs } from "./outputs";
import { formatDuration, maxRecoveryPointAgeMs } from "./promise";
import type { PulumiCli } from "./pulumi-cli";
import { verdict } from "./report";
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
    try {
        if (!(await deps.pulumi.exists(target.recovery))) {
            problem(`no recovery stack ${target.recovery}`);
        } else {
            const recovery = readRecoveryOutputs(target.recovery, await deps.pulumi.outputs(target.recovery));
            lines.push(`  recovery stack ${target.recovery}: ${recovery.recoveryActive ? "ACTIVE" : "idle, ready"}`);
        }
        const production = readProductionOutputs(target.production, await deps.pulumi.outputs(target.production));
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
    const drill = listRuns(deps.runDir, arg).filter((run) => run.operation === "drill" && run.outcome === "completed").pop();
    if (drill === undefined) {
        lines.push("  last drill: none recorded here (.dr/; CI keeps its drill reports as artifacts)");
    } else {
        const result = verdict(drill, deps.now);
        lines.push(`  last drill: ${drill.startedAt}, active in ${formatDuration(result.elapsedMs ?? 0)}${result.kept ? "" : " (BREACHED the promise)"}`);
    }
    return { target: arg, ready, lines };
}
