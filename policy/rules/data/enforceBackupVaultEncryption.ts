import { ResourceRule } from "../types";
import { customerManagedKeyProblem } from "./encryption";

export const enforceBackupVaultEncryption: ResourceRule = {
    kind: "resource",
    name: "backup-vault-encrypted-cmk",
    description: "An AWS Backup vault encrypts its recovery points with a customer-managed KMS key (`kmsKeyArn`).",
    why: "Backups are tenant data too: encrypted with a backup key of our own, whose policy is separate from the data key's, so that a compromised data key or role cannot read or destroy the backups.",
    enforcement: "mandatory",
    resourceTypes: ["aws:backup/vault:Vault"],
    validate: (vault) => {
        const problem = customerManagedKeyProblem("kmsKeyArn", vault.props.kmsKeyArn, "AWS Backup encrypts the recovery points with the AWS-managed key aws/backup");
        return problem === undefined ? [] : [problem];
    },
};
