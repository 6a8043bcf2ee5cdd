// The AWS side of `dr` through the AWS SDK v3: the maintenance page on production's listener,
// the notice to operations, the off-site recovery points and the restore jobs. Each client is made
// for the region of the ARN it acts on (the off-site vault lives in the off-site region). Nothing
// here deletes anything but the maintenance rule `dr` itself created.

import {
    BackupClient,
    DescribeCopyJobCommand,
    DescribeRestoreJobCommand,
    ListRecoveryPointsByBackupVaultCommand,
    StartCopyJobCommand,
    RecoveryPointByBackupVault,
    StartRestoreJobCommand,
} from "@aws-sdk/client-backup";
import { CreateRuleCommand, DeleteRuleCommand, DescribeRulesCommand, ElasticLoadBalancingV2Client, Rule } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
    CopyDBSnapshotCommand,
    CreateDBSnapshotCommand,
    DBInstanceNotFoundFault,
    DBSnapshotNotFoundFault,
    DeleteDBInstanceCommand,
    DeleteDBSnapshotCommand,
    DescribeDBInstancesCommand,
    DescribeDBSnapshotsCommand,
    ModifyDBInstanceCommand,
    RDSClient,
    RestoreDBInstanceFromDBSnapshotCommand,
} from "@aws-sdk/client-rds";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCanaryCommand, GetCanaryRunsCommand, StartCanaryCommand, SyntheticsClient } from "@aws-sdk/client-synthetics";

import { DrEc2, sdkEc2 } from "./aws-ec2";
import { arnName, arnRegion } from "./outputs";
import { failbackNames } from "./reencrypt-names";

/** Node's codes for a service that could not be reached at all. */
const UNREACHABLE = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH"]);

/**
 * What an AWS SDK error means for the operator, when it is theirs to fix (no credentials, an
 * expired session, a permission AWS refused, AWS out of reach), not a defect of dr: one line naming
 * the cause and what to do; undefined for anything else. The SDK names a missing credential chain
 * CredentialsProviderError (@smithy/property-provider); AWS's own answers carry `$metadata`.
 */
export function awsProblem(error: unknown): string | undefined {
    if (!(error instanceof Error)) {
        return undefined;
    }
    const message = error.message.split("\n")[0]!;
    if (error.name === "CredentialsProviderError" || error.name === "TokenProviderError") {
        return `no AWS credentials (${message}): set AWS_PROFILE (in the environment or .env) or log in (aws sso login), then run this again`;
    }
    if ("$metadata" in error) {
        return `AWS refused a call (${error.name}: ${message}): check the credentials' account, session and permissions (AWS_PROFILE), then run this again`;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && UNREACHABLE.has(code)) {
        return `AWS could not be reached (${code}: ${message}): check the network, a proxy or VPN, then run this again`;
    }
    return undefined;
}

/** Marks the maintenance rule as dr's own, so a rerun finds it and failback removes only it. */
export const MAINTENANCE_MARKER = "<!-- dr-maintenance -->";

export function maintenancePage(target: string, notice: string): string {
    const escaped = notice.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
    // ELB fixed responses carry at most 1024 bytes (ElasticLoadBalancingV2 FixedResponseActionConfig.MessageBody).
    return `${MAINTENANCE_MARKER}<!doctype html><title>Service interruption</title><h1>Service interruption</h1><p>${escaped}</p><p>Ref: ${target}</p>`.slice(0, 1024);
}

export interface RecoveryPoint {
    readonly arn: string;
    readonly resourceArn: string;
    readonly resourceType: string;
    readonly createdAt: Date;
}

export type RestoreJobState = { readonly status: "running" | "completed"; readonly createdResourceArn?: string } | { readonly status: "failed"; readonly message: string };

export interface DrAws extends DrEc2 {
    /** Puts (or finds) the 503 maintenance rule; returns its ARN. */
    putMaintenanceRule(listenerArn: string, body: string): Promise<string>;
    /** Removes dr's maintenance rule (and only it); false when there was none. */
    removeMaintenanceRule(listenerArn: string): Promise<boolean>;
    notify(topicArn: string, subject: string, message: string): Promise<void>;
    /** The COMPLETED recovery points of one resource in a vault, newest first. */
    recoveryPoints(vaultArn: string, resourceArn: string): Promise<RecoveryPoint[]>;
    startRestore(args: { region: string; recoveryPointArn: string; resourceType: string; roleArn: string; metadata: Record<string, string>; token: string }): Promise<string>;
    restoreJob(region: string, jobId: string): Promise<RestoreJobState>;
    /**
     * Deletes a database a drill restored (AWS Backup created it, so no stack owns it) without a
     * final snapshot; true once it is gone. Refuses any identifier that is not a drill's.
     */
    deleteDrillDatabase(region: string, identifier: string): Promise<boolean>;
    /** A restored RDS instance's state and its RDS-managed master secret (none until turned on). */
    masterSecret(region: string, identifier: string): Promise<MasterSecretState>;
    /**
     * Turns the RDS-managed master password on (the secret in Secrets Manager, encrypted with
     * `kmsKeyId`), applied immediately. A Postgres instance restored from a snapshot has none
     * (botocore RDS RestoreDBInstanceFromDBSnapshot.ManageMasterUserPassword: "Applies to RDS for Oracle only").
     */
    manageMasterSecret(region: string, identifier: string, kmsKeyId: string): Promise<void>;
    /** The state of a CloudWatch Synthetics canary (GetCanary: `RUNNING`, `STOPPED`, ...). */
    canaryState(region: string, name: string): Promise<string>;
    /** Starts a canary that is not running (StartCanary). */
    startCanary(region: string, name: string): Promise<void>;
    /** The canary's recent runs, newest first (GetCanaryRuns). */
    canaryRuns(region: string, name: string): Promise<CanaryRun[]>;
    /** Writes an SSM String parameter, overwriting it (PutParameter). */
    putParameter(region: string, name: string, value: string): Promise<void>;
    /** An SSM parameter's value, or undefined when there is none (GetParameter: ParameterNotFound). */
    getParameter(region: string, name: string): Promise<string | undefined>;
    /**
     * Terminates the EC2 instance a drill's restore job created (physical mode: no stack owns it);
     * true once it is gone. Refuses any instance that is not in `drillSubnetId`, the drill copy's own
     * data subnet, which no production or recovery resource lives in.
     */
    terminateDrillInstance(region: string, instanceArn: string, drillSubnetId: string): Promise<boolean>;
    /** An RDS instance (DescribeDBInstances), or undefined when there is none (DBInstanceNotFoundFault). */
    dbInstance(region: string, identifier: string): Promise<DbInstanceState | undefined>;
    /** A manual DB snapshot (DescribeDBSnapshots), or undefined when there is none (DBSnapshotNotFoundFault). */
    dbSnapshot(region: string, identifier: string): Promise<DbSnapshotState | undefined>;
    /** CreateDBSnapshot of an available instance. */
    createDbSnapshot(region: string, snapshotId: string, instanceId: string): Promise<void>;
    /** CopyDBSnapshot in the same region, the copy encrypted with `kmsKeyId`. */
    copyDbSnapshot(region: string, sourceId: string, targetId: string, kmsKeyId: string): Promise<void>;
    /** RestoreDBInstanceFromDBSnapshot into a DB subnet group and security groups (the snapshot's key is kept: the call takes none). */
    restoreDbInstanceFromSnapshot(region: string, args: { identifier: string; snapshotId: string; instanceClass: string; dbSubnetGroupName: string; securityGroupIds: readonly string[]; availabilityZone?: string }): Promise<void>;
    /**
     * Deletes the instance failback's restore job created for `production` in run `runId` (no final
     * snapshot: its data lives on in the re-encrypted instance); true once it is gone. Refuses every
     * other identifier (scripts/lib/dr/reencrypt-names.ts failbackNames).
     */
    deleteFailbackIntermediate(region: string, identifier: string, production: string, runId: string): Promise<boolean>;
    /** Deletes one of the intermediate snapshots of failback's re-encryption (only those of `production`'s run `runId`); true once it is gone. */
    deleteFailbackSnapshot(region: string, identifier: string, production: string, runId: string): Promise<boolean>;
    /**
     * StartCopyJob of a recovery point from its vault (in `region`) into another region's vault,
     * kept `deleteAfterDays`; returns the job id. The token makes a retried start a no-op.
     */
    startCopy(args: { region: string; sourceVaultName: string; recoveryPointArn: string; destinationVaultArn: string; roleArn: string; token: string; deleteAfterDays: number }): Promise<string>;
    /** DescribeCopyJob: the copy's state, and once COMPLETED the copy's recovery point (DestinationRecoveryPointArn). */
    copyJob(region: string, jobId: string): Promise<CopyJobState>;
}

/** A copy job (botocore backup model CopyJob.State: CREATED | RUNNING | COMPLETED | FAILED | PARTIAL). */
export type CopyJobState = { readonly status: "running" } | { readonly status: "completed"; readonly recoveryPointArn: string } | { readonly status: "failed"; readonly message: string };

export interface DbInstanceState {
    readonly arn: string;
    /** DBInstanceStatus (`creating`, `available`, `backing-up`, `modifying`, `deleting`, ...). */
    readonly status: string;
    readonly instanceClass: string;
    /** The key the instance's storage is encrypted with (a key ARN, as DescribeDBInstances gives it). */
    readonly kmsKeyId?: string;
    readonly deletionProtection: boolean;
}

export interface DbSnapshotState {
    /** DBSnapshot.Status (`creating`, `available`, `copying`, ...). */
    readonly status: string;
    readonly kmsKeyId?: string;
}

export interface MasterSecretState {
    /** DBInstanceStatus (`available`, `modifying`, ...). */
    readonly instanceStatus: string;
    /** MasterUserSecret.SecretStatus (`creating`, `active`, `rotating`, `impaired`); absent while RDS manages none. */
    readonly secretStatus?: string;
    readonly secretArn?: string;
    readonly kmsKeyId?: string;
}

/** One run of a Synthetics canary (CanaryRun: Status.State RUNNING | PASSED | FAILED, Timeline.Started). */
export interface CanaryRun {
    readonly id: string;
    readonly state: string;
    readonly startedAt?: Date;
    readonly reason?: string;
}

/** The identifiers `dr` gives the databases a drill restores (`<target>-drill-<run id>`). */
export function isDrillDatabase(identifier: string): boolean {
    return /^[a-z][a-z0-9-]*-drill-\d{8}t\d{6}z$/.test(identifier);
}

export function sdkAws(): DrAws {
    const clients = new Map<string, unknown>();
    const client = <T>(kind: string, region: string, make: () => T): T => {
        const key = `${kind}:${region}`;
        if (!clients.has(key)) clients.set(key, make());
        return clients.get(key) as T;
    };
    const elb = (arn: string) => client("elb", arnRegion(arn), () => new ElasticLoadBalancingV2Client({ region: arnRegion(arn) }));
    const backup = (region: string) => client("backup", region, () => new BackupClient({ region }));
    const ours = async (listenerArn: string): Promise<Rule | undefined> => {
        const rules = await elb(listenerArn).send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
        return (rules.Rules ?? []).find((rule) => (rule.Actions ?? []).some((action) => action.FixedResponseConfig?.MessageBody?.startsWith(MAINTENANCE_MARKER)));
    };
    return {
        ...sdkEc2((region) => client("ec2", region, () => new EC2Client({ region }))),
        async putMaintenanceRule(listenerArn, body) {
            const existing = await ours(listenerArn);
            if (existing?.RuleArn) return existing.RuleArn;
            const rules = await elb(listenerArn).send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
            const taken = new Set((rules.Rules ?? []).map((rule) => Number(rule.Priority)).filter(Number.isInteger));
            let priority = 1;
            while (taken.has(priority)) priority += 1;
            const created = await elb(listenerArn).send(
                new CreateRuleCommand({
                    ListenerArn: listenerArn,
                    Priority: priority,
                    Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/*"] } }],
                    Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "503", ContentType: "text/html", MessageBody: body } }],
                }),
            );
            const arn = created.Rules?.[0]?.RuleArn;
            if (!arn) throw new Error(`CreateRule on ${listenerArn} returned no rule`);
            return arn;
        },
        async removeMaintenanceRule(listenerArn) {
            const existing = await ours(listenerArn);
            if (!existing?.RuleArn) return false;
            await elb(listenerArn).send(new DeleteRuleCommand({ RuleArn: existing.RuleArn }));
            return true;
        },
        async notify(topicArn, subject, message) {
            const sns = client("sns", arnRegion(topicArn), () => new SNSClient({ region: arnRegion(topicArn) }));
            // SNS subjects: at most 100 printable ASCII characters (SNS Publish API).
            await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.replace(/[^\x20-\x7e]/g, "?").slice(0, 100), Message: message }));
        },
        async recoveryPoints(vaultArn, resourceArn) {
            const points: RecoveryPoint[] = [];
            let next: string | undefined;
            do {
                const page = await backup(arnRegion(vaultArn)).send(
                    new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: arnName(vaultArn), ByResourceArn: resourceArn, NextToken: next }),
                );
                points.push(...(page.RecoveryPoints ?? []).filter(isCompleted).map(toPoint));
                next = page.NextToken;
            } while (next);
            return points.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
        },
        async startRestore(args) {
            const started = await backup(args.region).send(
                new StartRestoreJobCommand({
                    RecoveryPointArn: args.recoveryPointArn,
                    ResourceType: args.resourceType,
                    IamRoleArn: args.roleArn,
                    Metadata: args.metadata,
                    // Retrying with the same token after a crash starts no second job (StartRestoreJob API).
                    IdempotencyToken: args.token,
                }),
            );
            if (!started.RestoreJobId) throw new Error(`StartRestoreJob of ${args.recoveryPointArn} returned no job id`);
            return started.RestoreJobId;
        },
        async restoreJob(region, jobId) {
            const job = await backup(region).send(new DescribeRestoreJobCommand({ RestoreJobId: jobId }));
            switch (job.Status) {
                case "COMPLETED":
                    return { status: "completed", ...(job.CreatedResourceArn ? { createdResourceArn: job.CreatedResourceArn } : {}) };
                case "ABORTED":
                case "FAILED":
                    return { status: "failed", message: `${job.Status}: ${job.StatusMessage ?? "no message"}` };
                default:
                    return { status: "running" };
            }
        },
        async deleteDrillDatabase(region, identifier) {
            if (!isDrillDatabase(identifier)) {
                throw new Error(`dr refuses to delete the database ${identifier}: only the databases drills restored (<target>-drill-<run>) are deleted`);
            }
            return deleteInstanceWithoutSnapshot(client("rds", region, () => new RDSClient({ region })), identifier);
        },
        async masterSecret(region, identifier) {
            const rds = client("rds", region, () => new RDSClient({ region }));
            const found = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
            const instance = found.DBInstances?.[0];
            if (instance === undefined) throw new Error(`DescribeDBInstances of ${identifier} in ${region} returned no instance`);
            const secret = instance.MasterUserSecret;
            return {
                instanceStatus: instance.DBInstanceStatus ?? "unknown",
                ...(secret?.SecretStatus ? { secretStatus: secret.SecretStatus } : {}),
                ...(secret?.SecretArn ? { secretArn: secret.SecretArn } : {}),
                ...(secret?.KmsKeyId ? { kmsKeyId: secret.KmsKeyId } : {}),
            };
        },
        async manageMasterSecret(region, identifier, kmsKeyId) {
            const rds = client("rds", region, () => new RDSClient({ region }));
            // botocore RDS ModifyDBInstance: ManageMasterUserPassword can't go with MasterUserPassword;
            // MasterUserSecretKmsKeyId is valid only while turning the management on (the key of an
            // existing secret can't be changed), so the caller asks only when no secret is managed.
            await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: identifier, ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: kmsKeyId, ApplyImmediately: true }));
        },
        async canaryState(region, name) {
            const synthetics = client("synthetics", region, () => new SyntheticsClient({ region }));
            return (await synthetics.send(new GetCanaryCommand({ Name: name }))).Canary?.Status?.State ?? "UNKNOWN";
        },
        async startCanary(region, name) {
            const synthetics = client("synthetics", region, () => new SyntheticsClient({ region }));
            await synthetics.send(new StartCanaryCommand({ Name: name }));
        },
        async canaryRuns(region, name) {
            const synthetics = client("synthetics", region, () => new SyntheticsClient({ region }));
            // GetCanaryRuns: MaxResults 1 to 100 (botocore synthetics model); the newest page is enough:
            // only runs started since the step began count, at one run per 5 minutes.
            const runs = (await synthetics.send(new GetCanaryRunsCommand({ Name: name, MaxResults: 100 }))).CanaryRuns ?? [];
            return runs
                .map(
                    (run): CanaryRun => ({
                        id: run.Id ?? "",
                        state: run.Status?.State ?? "UNKNOWN",
                        ...(run.Timeline?.Started ? { startedAt: run.Timeline.Started } : {}),
                        ...(run.Status?.StateReason ? { reason: run.Status.StateReason } : {}),
                    }),
                )
                .sort((a, b) => (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0));
        },
        async putParameter(region, name, value) {
            const ssm = client("ssm", region, () => new SSMClient({ region }));
            await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: "String", Overwrite: true }));
        },
        async getParameter(region, name) {
            const ssm = client("ssm", region, () => new SSMClient({ region }));
            try {
                return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
            } catch (error) {
                if (error instanceof ParameterNotFound || (error as Error).name === "ParameterNotFound") return undefined;
                throw error;
            }
        },
        async terminateDrillInstance(region, instanceArn, drillSubnetId) {
            const id = drillInstanceId(region, instanceArn);
            const ec2 = client("ec2", region, () => new EC2Client({ region }));
            let instance;
            try {
                instance = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
            } catch (error) {
                // EC2's error code for an instance id it does not know (EC2 API error codes).
                if ((error as Error).name === "InvalidInstanceID.NotFound") return true;
                throw error;
            }
            if (instance === undefined || instance.State?.Name === "terminated") return true;
            if (instance.SubnetId !== drillSubnetId) {
                throw new Error(`dr refuses to terminate ${id}: it is in subnet ${instance.SubnetId ?? "(none)"}, not in the drill copy's data subnet ${drillSubnetId}`);
            }
            if (instance.State?.Name !== "shutting-down") {
                await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
            }
            return false;
        },
        async dbInstance(region, identifier) {
            const rds = client("rds", region, () => new RDSClient({ region }));
            try {
                const instance = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances?.[0];
                if (instance === undefined) return undefined;
                return {
                    arn: instance.DBInstanceArn ?? "",
                    status: instance.DBInstanceStatus ?? "unknown",
                    instanceClass: instance.DBInstanceClass ?? "",
                    ...(instance.KmsKeyId ? { kmsKeyId: instance.KmsKeyId } : {}),
                    deletionProtection: instance.DeletionProtection === true,
                };
            } catch (error) {
                if (error instanceof DBInstanceNotFoundFault || (error as Error).name === "DBInstanceNotFoundFault") return undefined;
                throw error;
            }
        },
        async dbSnapshot(region, identifier) {
            const rds = client("rds", region, () => new RDSClient({ region }));
            try {
                const snapshot = (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }))).DBSnapshots?.[0];
                if (snapshot === undefined) return undefined;
                return { status: snapshot.Status ?? "unknown", ...(snapshot.KmsKeyId ? { kmsKeyId: snapshot.KmsKeyId } : {}) };
            } catch (error) {
                if (error instanceof DBSnapshotNotFoundFault || (error as Error).name === "DBSnapshotNotFoundFault") return undefined;
                throw error;
            }
        },
        async createDbSnapshot(region, snapshotId, instanceId) {
            const rds = client("rds", region, () => new RDSClient({ region }));
            await rds.send(new CreateDBSnapshotCommand({ DBSnapshotIdentifier: snapshotId, DBInstanceIdentifier: instanceId }));
        },
        async copyDbSnapshot(region, sourceId, targetId, kmsKeyId) {
            const rds = client("rds", region, () => new RDSClient({ region }));
            // botocore RDS CopyDBSnapshot: a same-region source is named by its identifier; KmsKeyId
            // encrypts the copy with another key of the copy's region (no SourceRegion/PreSignedUrl).
            await rds.send(new CopyDBSnapshotCommand({ SourceDBSnapshotIdentifier: sourceId, TargetDBSnapshotIdentifier: targetId, KmsKeyId: kmsKeyId }));
        },
        async restoreDbInstanceFromSnapshot(region, args) {
            const rds = client("rds", region, () => new RDSClient({ region }));
            await rds.send(
                new RestoreDBInstanceFromDBSnapshotCommand({
                    DBInstanceIdentifier: args.identifier,
                    DBSnapshotIdentifier: args.snapshotId,
                    DBInstanceClass: args.instanceClass,
                    DBSubnetGroupName: args.dbSubnetGroupName,
                    VpcSecurityGroupIds: [...args.securityGroupIds],
                    // Single-AZ here (MultiAZ not set): production's takeover gives it production's multi-AZ setting.
                    ...(args.availabilityZone ? { AvailabilityZone: args.availabilityZone } : {}),
                }),
            );
        },
        async deleteFailbackIntermediate(region, identifier, production, runId) {
            if (identifier !== failbackNames(production, runId).restored) {
                throw new Error(`dr refuses to delete the database ${identifier}: only the instance failback's restore job created in run ${runId} (${failbackNames(production, runId).restored}) is deleted`);
            }
            return deleteInstanceWithoutSnapshot(client("rds", region, () => new RDSClient({ region })), identifier);
        },
        async deleteFailbackSnapshot(region, identifier, production, runId) {
            const names = failbackNames(production, runId);
            if (identifier !== names.snapshot && identifier !== names.copy) {
                throw new Error(`dr refuses to delete the DB snapshot ${identifier}: only failback's intermediate snapshots of run ${runId} (${names.snapshot}, ${names.copy}) are deleted`);
            }
            const rds = client("rds", region, () => new RDSClient({ region }));
            try {
                const status = (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier }))).DBSnapshots?.[0]?.Status;
                if (status !== "deleting") {
                    await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: identifier }));
                }
                return false;
            } catch (error) {
                if (error instanceof DBSnapshotNotFoundFault || (error as Error).name === "DBSnapshotNotFoundFault") return true;
                throw error;
            }
        },
        async startCopy(args) {
            const started = await backup(args.region).send(
                new StartCopyJobCommand({
                    SourceBackupVaultName: args.sourceVaultName,
                    RecoveryPointArn: args.recoveryPointArn,
                    DestinationBackupVaultArn: args.destinationVaultArn,
                    IamRoleArn: args.roleArn,
                    IdempotencyToken: args.token,
                    Lifecycle: { DeleteAfterDays: args.deleteAfterDays },
                }),
            );
            if (!started.CopyJobId) throw new Error(`StartCopyJob of ${args.recoveryPointArn} returned no job id`);
            return started.CopyJobId;
        },
        async copyJob(region, jobId) {
            const job = (await backup(region).send(new DescribeCopyJobCommand({ CopyJobId: jobId }))).CopyJob;
            switch (job?.State) {
                case "COMPLETED":
                    if (!job.DestinationRecoveryPointArn) return { status: "failed", message: "COMPLETED without a DestinationRecoveryPointArn" };
                    return { status: "completed", recoveryPointArn: job.DestinationRecoveryPointArn };
                case "FAILED":
                case "PARTIAL":
                    return { status: "failed", message: `${job.State}: ${job.StatusMessage ?? "no message"}` };
                default:
                    return { status: "running" };
            }
        },
    };
}

/**
 * The instance id of an EC2 instance ARN in `region` (`arn:aws:ec2:<region>:<account>:instance/i-...`,
 * what DescribeRestoreJob's CreatedResourceArn is for an EC2 restore); anything else is refused.
 */
export function drillInstanceId(region: string, instanceArn: string): string {
    const match = /^arn:aws[a-z-]*:ec2:([a-z0-9-]+):\d{12}:instance\/(i-[0-9a-f]{8,17})$/.exec(instanceArn);
    if (match === null || match[1] !== region) {
        throw new Error(`dr refuses to terminate "${instanceArn.slice(0, 100)}": only an EC2 instance a drill's restore job created in ${region} is terminated`);
    }
    return match[2]!;
}

/**
 * Deletes an RDS instance no stack owns (a drill's, or failback's intermediate one: the callers
 * guard which) without a final snapshot; true once it is gone, false while RDS deletes it.
 */
async function deleteInstanceWithoutSnapshot(rds: RDSClient, identifier: string): Promise<boolean> {
    try {
        const status = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances?.[0]?.DBInstanceStatus;
        if (status !== "deleting") {
            await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: identifier, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
        }
        return false;
    } catch (error) {
        if (error instanceof DBInstanceNotFoundFault || (error as Error).name === "DBInstanceNotFoundFault") return true;
        throw error;
    }
}

function isCompleted(point: RecoveryPointByBackupVault): boolean {
    return point.Status === "COMPLETED" && point.RecoveryPointArn !== undefined && point.CreationDate !== undefined;
}

function toPoint(point: RecoveryPointByBackupVault): RecoveryPoint {
    return { arn: point.RecoveryPointArn!, resourceArn: point.ResourceArn ?? "", resourceType: point.ResourceType ?? "", createdAt: point.CreationDate! };
}
