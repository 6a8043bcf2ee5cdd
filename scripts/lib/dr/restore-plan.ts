// Which recovery point each protected resource is restored from, whether it is recent enough for
// the backup promise, and the StartRestoreJob metadata that lands it in the recovery network.

import type { BackupTarget } from "../../../lib/promises/backup-schedule";
import type { RecoveryPoint } from "./aws";
import type { RestoreTarget } from "./outputs";
import { formatDuration, maxRecoveryPointAgeMs } from "./promise";

export interface ChosenPoint {
    readonly resource: BackupTarget;
    readonly point: RecoveryPoint;
    readonly ageMs: number;
    /** Older than the promise allows (only restored with --force). */
    readonly stale: boolean;
}

export type Choice = { readonly ok: true; readonly chosen: ChosenPoint } | { readonly ok: false; readonly message: string };

/** The newest COMPLETED point of one resource, or why there is none to restore from. */
export function choosePoint(resource: BackupTarget, resourceArn: string, vaultArn: string, points: readonly RecoveryPoint[], now: Date, force: boolean): Choice {
    const newest = [...points].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    if (newest === undefined) {
        return { ok: false, message: `no completed recovery point of the ${resource} (${resourceArn}) in the off-site vault ${vaultArn}: nothing to restore from` };
    }
    const ageMs = now.getTime() - newest.createdAt.getTime();
    const limit = maxRecoveryPointAgeMs(resource);
    const stale = ageMs > limit;
    if (stale && !force) {
        return {
            ok: false,
            message:
                `the newest recovery point of the ${resource} (${newest.arn}, ${newest.createdAt.toISOString()}) is ${formatDuration(ageMs)} old; ` +
                `the backup promise allows ${formatDuration(limit)}: restoring it loses more data than promised. Find out why the copies stopped; --force restores it anyway`,
        };
    }
    return { ok: true, chosen: { resource, point: newest, ageMs, stale } };
}

/**
 * The restore job's metadata for the resource type of the point (AWS Backup's per-service restore
 * metadata; keys as AWS Backup's developer guide names them, values strings, lists as JSON):
 * - RDS (https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-rds.html, and the RDS
 *   instance keys of restore-testing-inferred-metadata.html): DBInstanceIdentifier (the new
 *   instance, RestoreDBInstanceFromDBSnapshot's rules), DBSubnetGroupName, VpcSecurityGroupIds,
 *   AvailabilityZone.
 * - EC2 (restoring-ec2.html; restore-testing-inferred-metadata.html lists subnetId,
 *   securityGroupIds, requireImdsV2, instanceType, iamInstanceProfileName, placement as the EC2 keys;
 *   no availabilityZone: the subnet decides it): SubnetId, SecurityGroupIds, RequireIMDSv2 (the
 *   launch template's metadata rule: tokens required), and when the target names them (an active
 *   physical recovery) InstanceType and IamInstanceProfileName. AWS's text, Restore testing
 *   inferred metadata (docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html),
 *   Amazon EC2 row: "instanceType, where value is set to the InstanceType of the recovery point
 *   being restored" and "iamInstanceProfileName (null or UseBackedUpValue)"; the page: "Note that
 *   key values are not case sensitive" (sent here in the casing of SubnetId and SecurityGroupIds).
 *   The Dedicated Host placement (target.hostId) is NOT sent as `Placement`: AWS's pages give no
 *   example of its value with Tenancy host and a HostId; the restore then moves the server onto
 *   the host with EC2's documented calls (placement.ts) before the check.
 * - S3 (https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-s3.html):
 *   DestinationBucketName, NewBucket false (the environment's bucket exists), Encrypted true,
 *   EncryptionType SSE-KMS with KMSKey: the environment's data key, since the bucket's default
 *   encryption is that key (components/files-bucket.ts) and the original objects' key lives in
 *   production's region. Restores into a bucket whose ACLs are disabled work because production's
 *   bucket has them disabled too (restoring-s3.html: a destination needs ACLs only when the backup had them).
 */
export function restoreMetadata(chosen: ChosenPoint, target: RestoreTarget, name: string, dataKeyArn?: string): { resourceType: string; metadata: Record<string, string> } {
    const type = chosen.point.resourceType;
    switch (type) {
        case "RDS":
            if (target.dbSubnetGroupName === undefined) {
                throw new Error(`the ${chosen.resource} is an RDS database: the restore target must name its dbSubnetGroupName (it names only subnetId, a database server on EC2)`);
            }
            return {
                resourceType: "RDS",
                metadata: {
                    DBInstanceIdentifier: name,
                    DBSubnetGroupName: target.dbSubnetGroupName,
                    VpcSecurityGroupIds: JSON.stringify(target.securityGroupIds),
                    AvailabilityZone: target.availabilityZone,
                },
            };
        case "EC2":
            if (target.subnetId === undefined) {
                throw new Error(`the ${chosen.resource} is an EC2 server: the restore target must name its subnetId (the data subnet of the database server)`);
            }
            return {
                resourceType: "EC2",
                metadata: {
                    SubnetId: target.subnetId,
                    SecurityGroupIds: JSON.stringify(target.securityGroupIds),
                    RequireIMDSv2: "true",
                    ...(target.instanceType !== undefined ? { InstanceType: target.instanceType } : {}),
                    ...(target.instanceProfileName !== undefined ? { IamInstanceProfileName: target.instanceProfileName } : {}),
                },
            };
        case "S3":
            if (dataKeyArn === undefined) {
                throw new Error(`the ${chosen.resource} are restored into ${target.filesBucketName}, encrypted with the environment's data key: the stack must export dataKeyArn`);
            }
            return {
                resourceType: "S3",
                metadata: { DestinationBucketName: target.filesBucketName, NewBucket: "false", Encrypted: "true", EncryptionType: "SSE-KMS", KMSKey: dataKeyArn },
            };
        default:
            throw new Error(`the recovery point ${chosen.point.arn} is of type "${type}": dr restores RDS, EC2 and S3`);
    }
}

/** The restored database's identifier: RDS identifiers are 1-63 letters, digits and hyphens, starting with a letter. */
export function restoredDatabaseName(stack: string, runId: string): string {
    return `${stack}-${runId}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").slice(0, 63).replace(/-$/, "");
}
