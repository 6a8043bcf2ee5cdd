// 256-bit encryption of stored data (Capacity Planner security policies, "Application security").

import { PolicyResource, ResourceRule } from "../types";

/**
 * Encryption keys are AES-256: a KMS key for ENCRYPT_DECRYPT (the default usage) is
 * SYMMETRIC_DEFAULT, "a 256-bit AES-GCM algorithm key" (AWS KMS Developer Guide, "Symmetric
 * encryption KMS keys"). An RSA or SM2 key may also be made for ENCRYPT_DECRYPT, but S3, RDS, EBS,
 * AWS Backup, CloudWatch Logs and SNS encrypt stored data only with symmetric keys; signing and MAC
 * keys (other usages) encrypt nothing and are not judged.
 */
function keyProblems(key: PolicyResource): string[] {
    const usage = key.props.keyUsage ?? "ENCRYPT_DECRYPT";
    if (usage !== "ENCRYPT_DECRYPT") {
        return [];
    }
    const spec = key.props.customerMasterKeySpec ?? key.props.keySpec ?? "SYMMETRIC_DEFAULT";
    return spec === "SYMMETRIC_DEFAULT"
        ? []
        : [`key spec is ${JSON.stringify(spec)} for ENCRYPT_DECRYPT: not a 256-bit AES key, and the storage services encrypt data with symmetric keys only; expected SYMMETRIC_DEFAULT (AES-256-GCM)`];
}

export const enforceKmsKeyAes256: ResourceRule = {
    kind: "resource",
    name: "kms-key-aes-256",
    description: "Every KMS key that encrypts (keyUsage ENCRYPT_DECRYPT, the default) is a SYMMETRIC_DEFAULT key: AES-256-GCM.",
    why: "The service promises 256-bit encryption of stored data (Capacity Planner security policies): the keys that encrypt the tenants' databases, volumes, files and backups must be 256-bit AES keys.",
    enforcement: "mandatory",
    resourceTypes: ["aws:kms/key:Key"],
    validate: keyProblems,
};
