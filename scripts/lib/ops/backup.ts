// The final on-demand backup ("special snapshot") taken before a tenant stack is destroyed: which
// resources to back up, read from the stack's outputs (pure, `finalBackupPlan`), and the AWS CLI
// calls that take and wait for it.

import { $ } from "zx";

import { FINAL_BACKUP_RETENTION_DAYS } from "../../../lib/promises/backup-schedule";

/**
 * How long the final recovery points are kept: 12 months, like the weekly backups (defined with the
 * promise, lib/promises/backup-schedule.ts, because the home vault's lock must admit it). The vault
 * locks accept at most 366 days, and a job without a lifecycle (kept forever) would be refused by them.
 */
export { FINAL_BACKUP_RETENTION_DAYS };

export interface BackupJobRequest {
    /** `database` or `files`, for logs and the summary. */
    readonly label: "database" | "files";
    readonly resourceArn: string;
}

export interface FinalBackupPlan {
    readonly region: string;
    readonly vaultName: string;
    readonly roleArn: string;
    readonly jobs: readonly BackupJobRequest[];
}

export type FinalBackupDecision =
    | { readonly kind: "backup"; readonly plan: FinalBackupPlan }
    /** The stack owns no data (a `saas` tenant's data lives in the platform's database and backups). */
    | { readonly kind: "nothing"; readonly reason: string }
    | { readonly kind: "invalid"; readonly problems: readonly string[] };

const ARN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$/;
const RDS_ADDRESS = /^([a-z][a-z0-9-]*)\.[a-z0-9]+\.([a-z]{2}(?:-[a-z]+)+-\d)\.rds\.amazonaws\.com(?:\.cn)?$/;

function text(outputs: Record<string, unknown>, key: string): string | undefined {
    const value = outputs[key];
    return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * What to back up before destroying a stack, from its outputs: `backupVaultArn` (the vault, and the
 * partition, region and account), `backupRoleArn` (the role AWS Backup assumes), the database
 * (`databaseArn`, or derived from an RDS `databaseAddress`) and the files bucket (`filesBucketArn`,
 * or derived from `filesBucket`). A deployed stack (it has outputs) with none of the data outputs owns no
 * data; a stack without any output cannot be judged.
 */
export function finalBackupPlan(outputs: Record<string, unknown>): FinalBackupDecision {
    const dataKeys = ["databaseAddress", "databaseArn", "filesBucket", "filesBucketArn", "backupVaultArn"];
    if (Object.keys(outputs).length === 0) {
        return {
            kind: "invalid",
            problems: ["the stack has no outputs at all (never fully deployed?), so whether it holds data cannot be told; if it really holds none, destroy it with `pulumi destroy` yourself"],
        };
    }
    if (!dataKeys.some((key) => outputs[key] !== undefined)) {
        return { kind: "nothing", reason: "the stack has no database, files bucket or backup vault outputs: it owns no data of its own" };
    }
    const problems: string[] = [];
    const vaultArn = text(outputs, "backupVaultArn");
    const vault = vaultArn ? ARN.exec(vaultArn) : null;
    if (!vault || vault[2] !== "backup" || !vault[5]!.startsWith("backup-vault:")) {
        problems.push(`output backupVaultArn is ${JSON.stringify(outputs.backupVaultArn ?? null)}: expected a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)`);
    }
    const roleArn = text(outputs, "backupRoleArn");
    if (!roleArn || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn)) {
        problems.push(`output backupRoleArn is ${JSON.stringify(outputs.backupRoleArn ?? null)}: expected the ARN of the IAM role AWS Backup assumes for the stack's backup plans`);
    }
    const jobs: BackupJobRequest[] = [];
    const [, partition, , region, account] = vault ?? [];
    const databaseArn = text(outputs, "databaseArn");
    const databaseAddress = text(outputs, "databaseAddress");
    const rds = databaseAddress ? RDS_ADDRESS.exec(databaseAddress) : null;
    if (databaseArn) {
        jobs.push({ label: "database", resourceArn: databaseArn });
    } else if (rds && partition) {
        jobs.push({ label: "database", resourceArn: `arn:${partition}:rds:${rds[2]}:${account}:db:${rds[1]}` });
    } else if (databaseAddress) {
        problems.push(`output databaseAddress is ${JSON.stringify(databaseAddress)}, not an RDS endpoint, and there is no databaseArn output: cannot tell which resource to back up`);
    }
    const bucketArn = text(outputs, "filesBucketArn");
    const bucket = text(outputs, "filesBucket");
    if (bucketArn) {
        jobs.push({ label: "files", resourceArn: bucketArn });
    } else if (bucket && partition) {
        jobs.push({ label: "files", resourceArn: `arn:${partition}:s3:::${bucket}` });
    }
    if (problems.length > 0 || !vault || !roleArn) {
        return { kind: "invalid", problems };
    }
    if (jobs.length === 0) {
        problems.push("the stack has a backup vault but neither a database nor a files bucket output");
        return { kind: "invalid", problems };
    }
    return { kind: "backup", plan: { region: region!, vaultName: vault[5]!.slice("backup-vault:".length), roleArn, jobs } };
}

/** The `aws` arguments that start one job of the plan (shown by --dry-run, run otherwise). */
export function startBackupJobArgs(plan: FinalBackupPlan, job: BackupJobRequest, stack: string): string[] {
    return [
        "backup",
        "start-backup-job",
        "--region",
        plan.region,
        "--backup-vault-name",
        plan.vaultName,
        "--resource-arn",
        job.resourceArn,
        "--iam-role-arn",
        plan.roleArn,
        "--lifecycle",
        JSON.stringify({ DeleteAfterDays: FINAL_BACKUP_RETENTION_DAYS }),
        "--recovery-point-tags",
        JSON.stringify({ purpose: "final-before-destroy", tenant: stack, target: job.label }),
        "--output",
        "json",
    ];
}

/** Terminal states of a backup job; only COMPLETED means the data is safe. */
const FAILED_STATES = new Set(["ABORTED", "FAILED", "EXPIRED", "PARTIAL"]);

export interface FinishedBackup {
    readonly label: string;
    readonly jobId: string;
    readonly recoveryPointArn: string;
}

export interface BackupRunOptions {
    readonly pollSeconds: number;
    readonly timeoutMinutes: number;
    readonly onProgress: (event: { label: string; jobId: string; state: string }) => void;
}

async function aws(args: string[]): Promise<Record<string, unknown>> {
    const result = await $({ nothrow: true, quiet: true })`aws ${args}`;
    if (result.exitCode !== 0) {
        throw new Error(`aws ${args.slice(0, 2).join(" ")} failed (exit ${result.exitCode}): ${result.stderr.trim().split("\n").pop() ?? ""}`);
    }
    return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** Starts every job of the plan, then waits until all completed; throws on any failed job. */
export async function takeFinalBackup(plan: FinalBackupPlan, stack: string, options: BackupRunOptions): Promise<FinishedBackup[]> {
    const started: { label: string; jobId: string }[] = [];
    for (const job of plan.jobs) {
        const answer = await aws(startBackupJobArgs(plan, job, stack));
        const jobId = String(answer.BackupJobId ?? "");
        if (!jobId) {
            throw new Error(`aws backup start-backup-job returned no BackupJobId for the ${job.label}`);
        }
        options.onProgress({ label: job.label, jobId, state: "STARTED" });
        started.push({ label: job.label, jobId });
    }
    const deadline = Date.now() + options.timeoutMinutes * 60_000;
    const finished: FinishedBackup[] = [];
    for (const job of started) {
        for (;;) {
            const answer = await aws(["backup", "describe-backup-job", "--region", plan.region, "--backup-job-id", job.jobId, "--output", "json"]);
            const state = String(answer.State ?? "UNKNOWN");
            options.onProgress({ ...job, state });
            if (state === "COMPLETED") {
                finished.push({ ...job, recoveryPointArn: String(answer.RecoveryPointArn ?? "") });
                break;
            }
            if (FAILED_STATES.has(state)) {
                throw new Error(`the final backup of the ${job.label} (job ${job.jobId}) ended ${state}: ${String(answer.StatusMessage ?? "no message")}`);
            }
            if (Date.now() > deadline) {
                throw new Error(`the final backup of the ${job.label} (job ${job.jobId}) is still ${state} after ${options.timeoutMinutes} minutes`);
            }
            await new Promise((resolve) => setTimeout(resolve, options.pollSeconds * 1000));
        }
    }
    return finished;
}
