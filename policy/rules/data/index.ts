// The data group: encryption at rest with customer-managed keys, S3 bucket hardening, and data
// protection (what survives destroying a stack).

import { Rule } from "../types";
import { enforceKmsKeyAes256 } from "./enforceKmsKeyAes256";
import { enforceKmsKeyPolicyRestricted } from "./enforceKmsKeyPolicyRestricted";
import { enforceRdsInstanceTls } from "./enforceRdsInstanceTls";
import { enableKmsKeyRotation } from "./enableKmsKeyRotation";
import { enforceAccessLogBucketRetention } from "./enforceAccessLogBucketRetention";
import { enableS3BucketVersioning } from "./enableS3BucketVersioning";
import { enforceBackupVaultEncryption } from "./enforceBackupVaultEncryption";
import { enforceBackupVaultRetention } from "./enforceBackupVaultRetention";
import { enforceEbsVolumeEncryption } from "./enforceEbsVolumeEncryption";
import { enforceEc2InstanceBlockDeviceEncryption } from "./enforceEc2InstanceBlockDeviceEncryption";
import { enforceKmsKeyRetention } from "./enforceKmsKeyRetention";
import { enforceLogGroupEncryption } from "./enforceLogGroupEncryption";
import { enforceRdsInstanceFinalSnapshot } from "./enforceRdsInstanceFinalSnapshot";
import { enforceRdsInstanceStorageEncryption } from "./enforceRdsInstanceStorageEncryption";
import { enforceS3BucketKmsEncryption } from "./enforceS3BucketKmsEncryption";
import { enforceS3BucketPublicAccessBlock } from "./enforceS3BucketPublicAccessBlock";
import { enforceS3BucketTlsOnly } from "./enforceS3BucketTlsOnly";
import { enforceS3DataBucketRetention } from "./enforceS3DataBucketRetention";
import { enforceSecretEncryption } from "./enforceSecretEncryption";
import { enforceSnsTopicEncryption } from "./enforceSnsTopicEncryption";
import { disallowPlaintextSecrets } from "./disallowPlaintextSecrets";

export const DATA_RULES: readonly Rule[] = [
    disallowPlaintextSecrets,
    enforceEbsVolumeEncryption,
    enforceEc2InstanceBlockDeviceEncryption,
    enforceRdsInstanceStorageEncryption,
    enforceLogGroupEncryption,
    enforceBackupVaultEncryption,
    enforceSnsTopicEncryption,
    enforceSecretEncryption,
    enableKmsKeyRotation,
    enforceS3BucketKmsEncryption,
    enforceS3BucketPublicAccessBlock,
    enableS3BucketVersioning,
    enforceS3BucketTlsOnly,
    enforceKmsKeyRetention,
    enforceBackupVaultRetention,
    enforceRdsInstanceFinalSnapshot,
    enforceS3DataBucketRetention,
    enforceAccessLogBucketRetention,
    enforceKmsKeyAes256,
    enforceRdsInstanceTls,
    enforceKmsKeyPolicyRestricted,
];
