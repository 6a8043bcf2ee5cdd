// A stateful RDS for failback's re-encryption tests (aws-sdk-client-mock handlers on an RDSClient
// stub): instances and manual snapshots that become available one describe after they are made,
// AWS's refusals of the calls (botocore RDS model error shapes: DBSnapshotAlreadyExistsFault,
// InvalidDBInstanceStateFault, DBInstanceAlreadyExistsFault, DBSnapshotNotFoundFault, ...), a copy
// under the KmsKeyId it was asked for, an instance restored under its snapshot's key, and failures
// injected once per command, before or after AWS acted (a lost response).

import {
    CopyDBSnapshotCommand,
    CreateDBSnapshotCommand,
    DBInstanceAlreadyExistsFault,
    DBInstanceNotFoundFault,
    DBSnapshotAlreadyExistsFault,
    DBSnapshotNotFoundFault,
    DeleteDBInstanceCommand,
    DeleteDBSnapshotCommand,
    DescribeDBInstancesCommand,
    DescribeDBSnapshotsCommand,
    InvalidDBInstanceStateFault,
    InvalidDBSnapshotStateFault,
    ModifyDBInstanceCommand,
    RDSClientResolvedConfig,
    RestoreDBInstanceFromDBSnapshotCommand,
    ServiceInputTypes,
    ServiceOutputTypes,
} from "@aws-sdk/client-rds";
import type { AwsStub } from "aws-sdk-client-mock";

export const ACCOUNT = "123456789012";

export interface FakeInstance {
    status: string;
    kmsKeyId: string;
    instanceClass: string;
    secret?: string;
    secretKey?: string;
    deletionProtection?: boolean;
    /** Describes left before a transitional status settles. */
    settle: number;
}

export interface FakeSnapshot {
    status: string;
    kmsKeyId: string;
    settle: number;
}

export interface RdsFake {
    readonly instances: Map<string, FakeInstance>;
    readonly snapshots: Map<string, FakeSnapshot>;
    /** The next call of this command fails: "before" AWS acts, or "after" (the change is made, the answer lost). */
    failNext(command: string, when: "before" | "after"): void;
    /** The calls that changed something, in order: "<command> <identifier>". */
    readonly writes: string[];
}

const meta = { $metadata: {} };

export function installRdsFake(rds: AwsStub<ServiceInputTypes, ServiceOutputTypes, RDSClientResolvedConfig>, region: string): RdsFake {
    const instances = new Map<string, FakeInstance>();
    const snapshots = new Map<string, FakeSnapshot>();
    const failures = new Map<string, "before" | "after">();
    const writes: string[] = [];
    const fake: RdsFake = { instances, snapshots, writes, failNext: (command, when) => void failures.set(command, when) };
    const write = <T>(command: string, id: string, act: () => T): T => {
        const failure = failures.get(command);
        failures.delete(command);
        if (failure === "before") throw new Error(`injected failure of ${command} ${id} (before)`);
        const result = act();
        writes.push(`${command} ${id}`);
        if (failure === "after") throw new Error(`injected failure of ${command} ${id} (answer lost)`);
        return result;
    };
    const arn = (id: string) => `arn:aws:rds:${region}:${ACCOUNT}:db:${id}`;
    const settleInstance = (id: string, instance: FakeInstance) => {
        if (instance.settle > 0) {
            instance.settle -= 1;
            return;
        }
        if (instance.status === "deleting") instances.delete(id);
        else if (instance.status !== "available") instance.status = "available";
        if (instance.secret === "creating") instance.secret = "active";
    };
    rds.on(DescribeDBInstancesCommand).callsFake((input: { DBInstanceIdentifier: string }) => {
        const id = input.DBInstanceIdentifier.toLowerCase();
        const instance = instances.get(id);
        if (instance === undefined) throw new DBInstanceNotFoundFault({ message: `DBInstance ${id} not found.`, ...meta });
        const answer = {
            DBInstanceIdentifier: id,
            DBInstanceArn: arn(id),
            DBInstanceStatus: instance.status,
            DBInstanceClass: instance.instanceClass,
            KmsKeyId: instance.kmsKeyId,
            StorageEncrypted: true,
            DeletionProtection: instance.deletionProtection === true,
            ...(instance.secret ? { MasterUserSecret: { SecretArn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:rds!db-${id}`, SecretStatus: instance.secret, KmsKeyId: instance.secretKey } } : {}),
        };
        settleInstance(id, instance);
        return { DBInstances: [answer] };
    });
    rds.on(DescribeDBSnapshotsCommand).callsFake((input: { DBSnapshotIdentifier: string }) => {
        const id = input.DBSnapshotIdentifier.toLowerCase();
        const snapshot = snapshots.get(id);
        if (snapshot === undefined) throw new DBSnapshotNotFoundFault({ message: `DBSnapshot ${id} not found.`, ...meta });
        const answer = { DBSnapshotIdentifier: id, Status: snapshot.status, KmsKeyId: snapshot.kmsKeyId, Encrypted: true, SnapshotType: "manual" };
        if (snapshot.settle > 0) snapshot.settle -= 1;
        else if (snapshot.status === "deleting") snapshots.delete(id);
        else snapshot.status = "available";
        return { DBSnapshots: [answer] };
    });
    rds.on(CreateDBSnapshotCommand).callsFake((input: { DBSnapshotIdentifier: string; DBInstanceIdentifier: string }) =>
        write("CreateDBSnapshot", input.DBSnapshotIdentifier, () => {
            const instance = instances.get(input.DBInstanceIdentifier);
            if (instance === undefined) throw new DBInstanceNotFoundFault({ message: "not found", ...meta });
            if (instance.status !== "available") throw new InvalidDBInstanceStateFault({ message: `${input.DBInstanceIdentifier} is ${instance.status}`, ...meta });
            if (snapshots.has(input.DBSnapshotIdentifier)) throw new DBSnapshotAlreadyExistsFault({ message: "exists", ...meta });
            snapshots.set(input.DBSnapshotIdentifier, { status: "creating", kmsKeyId: instance.kmsKeyId, settle: 1 });
            instance.status = "backing-up";
            instance.settle = 1;
            return { DBSnapshot: { DBSnapshotIdentifier: input.DBSnapshotIdentifier, Status: "creating" } };
        }),
    );
    rds.on(CopyDBSnapshotCommand).callsFake((input: { SourceDBSnapshotIdentifier: string; TargetDBSnapshotIdentifier: string; KmsKeyId?: string }) =>
        write("CopyDBSnapshot", input.TargetDBSnapshotIdentifier, () => {
            const source = snapshots.get(input.SourceDBSnapshotIdentifier);
            if (source === undefined) throw new DBSnapshotNotFoundFault({ message: "not found", ...meta });
            if (source.status !== "available") throw new InvalidDBSnapshotStateFault({ message: source.status, ...meta });
            if (snapshots.has(input.TargetDBSnapshotIdentifier)) throw new DBSnapshotAlreadyExistsFault({ message: "exists", ...meta });
            // A KMS key of the copy's region; without KmsKeyId the copy keeps the source's key (botocore RDS CopyDBSnapshot.KmsKeyId).
            if (input.KmsKeyId !== undefined && input.KmsKeyId.split(":")[3] !== region) throw new Error(`KMSKeyNotAccessibleFault: ${input.KmsKeyId} is not in ${region}`);
            snapshots.set(input.TargetDBSnapshotIdentifier, { status: "copying", kmsKeyId: input.KmsKeyId ?? source.kmsKeyId, settle: 2 });
            return { DBSnapshot: { DBSnapshotIdentifier: input.TargetDBSnapshotIdentifier, Status: "copying" } };
        }),
    );
    rds.on(RestoreDBInstanceFromDBSnapshotCommand).callsFake((input: { DBInstanceIdentifier: string; DBSnapshotIdentifier: string; DBInstanceClass?: string }) =>
        write("RestoreDBInstanceFromDBSnapshot", input.DBInstanceIdentifier, () => {
            if (instances.has(input.DBInstanceIdentifier)) throw new DBInstanceAlreadyExistsFault({ message: "exists", ...meta });
            const snapshot = snapshots.get(input.DBSnapshotIdentifier);
            if (snapshot === undefined) throw new DBSnapshotNotFoundFault({ message: "not found", ...meta });
            if (snapshot.status !== "available") throw new InvalidDBSnapshotStateFault({ message: snapshot.status, ...meta });
            instances.set(input.DBInstanceIdentifier, { status: "creating", kmsKeyId: snapshot.kmsKeyId, instanceClass: input.DBInstanceClass ?? "db.t3.medium", settle: 2 });
            return { DBInstance: { DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: "creating" } };
        }),
    );
    rds.on(ModifyDBInstanceCommand).callsFake((input: { DBInstanceIdentifier: string; ManageMasterUserPassword?: boolean; MasterUserSecretKmsKeyId?: string }) =>
        write("ModifyDBInstance", input.DBInstanceIdentifier, () => {
            const instance = instances.get(input.DBInstanceIdentifier);
            if (instance === undefined) throw new DBInstanceNotFoundFault({ message: "not found", ...meta });
            if (instance.status !== "available") throw new InvalidDBInstanceStateFault({ message: instance.status, ...meta });
            if (input.ManageMasterUserPassword) {
                instance.secret = "creating";
                instance.secretKey = input.MasterUserSecretKmsKeyId;
            }
            instance.status = "modifying";
            instance.settle = 1;
            return { DBInstance: { DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: "modifying" } };
        }),
    );
    rds.on(DeleteDBInstanceCommand).callsFake((input: { DBInstanceIdentifier: string; SkipFinalSnapshot?: boolean }) =>
        write("DeleteDBInstance", input.DBInstanceIdentifier, () => {
            const instance = instances.get(input.DBInstanceIdentifier);
            if (instance === undefined) throw new DBInstanceNotFoundFault({ message: "not found", ...meta });
            if (instance.deletionProtection) throw new InvalidDBInstanceStateFault({ message: "deletion protection is enabled", ...meta });
            if (instance.status === "deleting") throw new InvalidDBInstanceStateFault({ message: "already being deleted", ...meta });
            instance.status = "deleting";
            instance.settle = 1;
            return { DBInstance: { DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: "deleting" } };
        }),
    );
    rds.on(DeleteDBSnapshotCommand).callsFake((input: { DBSnapshotIdentifier: string }) =>
        write("DeleteDBSnapshot", input.DBSnapshotIdentifier, () => {
            const snapshot = snapshots.get(input.DBSnapshotIdentifier);
            if (snapshot === undefined) throw new DBSnapshotNotFoundFault({ message: "not found", ...meta });
            // botocore RDS DeleteDBSnapshot: "Must be the name of an existing DB snapshot in the available state."
            if (snapshot.status !== "available") throw new InvalidDBSnapshotStateFault({ message: snapshot.status, ...meta });
            snapshot.status = "deleting";
            snapshot.settle = 0;
            return { DBSnapshot: { DBSnapshotIdentifier: input.DBSnapshotIdentifier, Status: "deleting" } };
        }),
    );
    return fake;
}
