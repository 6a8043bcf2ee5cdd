import { ResourceRule } from "../types";
import { encryptedWithCustomerKeyProblems } from "./encryption";

export const enforceRdsInstanceStorageEncryption: ResourceRule = {
    kind: "resource",
    name: "rds-instance-storage-encrypted-cmk",
    description: "An RDS instance's storage is encrypted (`storageEncrypted: true`) with a customer-managed KMS key (`kmsKeyId`).",
    why: "The tenant's database, its automated backups, snapshots and read replicas are encrypted with the tenant's own key; RDS cannot encrypt an instance after it is created, so this must hold from the start.",
    enforcement: "mandatory",
    resourceTypes: ["aws:rds/instance:Instance"],
    validate: (database) =>
        encryptedWithCustomerKeyProblems(
            "",
            database.props,
            { flag: "storageEncrypted", key: "kmsKeyId" },
            "the database, its backups and snapshots",
            "RDS encrypts with the AWS-managed key aws/rds",
        ),
};
