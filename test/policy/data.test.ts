// The data rules: encryption with customer-managed keys, S3 bucket hardening and data protection.
// Each rule passes the compliant baseline, fails once per condition with its exact message, and the
// whole planned fixture fleet shows no mandatory violation.

import { beforeAll, describe, expect, it } from "vitest";

import { PlanDocument } from "../../scripts/lib/plan/fleet";
import { planOfFixtureFleet } from "../fixtures/fleet";
import { DATA_RULES } from "../../policy/rules/data";
import { globMatches } from "../../policy/rules/data/buckets";
import { enableKmsKeyRotation } from "../../policy/rules/data/enableKmsKeyRotation";
import { enforceKmsKeyPolicyRestricted } from "../../policy/rules/data/enforceKmsKeyPolicyRestricted";
import { enableS3BucketVersioning } from "../../policy/rules/data/enableS3BucketVersioning";
import { enforceBackupVaultEncryption } from "../../policy/rules/data/enforceBackupVaultEncryption";
import { enforceBackupVaultRetention } from "../../policy/rules/data/enforceBackupVaultRetention";
import { enforceEbsVolumeEncryption } from "../../policy/rules/data/enforceEbsVolumeEncryption";
import { enforceEc2InstanceBlockDeviceEncryption } from "../../policy/rules/data/enforceEc2InstanceBlockDeviceEncryption";
import { enforceKmsKeyRetention } from "../../policy/rules/data/enforceKmsKeyRetention";
import { enforceLogGroupEncryption } from "../../policy/rules/data/enforceLogGroupEncryption";
import { enforceRdsInstanceFinalSnapshot } from "../../policy/rules/data/enforceRdsInstanceFinalSnapshot";
import { enforceRdsInstanceStorageEncryption } from "../../policy/rules/data/enforceRdsInstanceStorageEncryption";
import { enforceS3BucketKmsEncryption } from "../../policy/rules/data/enforceS3BucketKmsEncryption";
import { enforceS3BucketPublicAccessBlock } from "../../policy/rules/data/enforceS3BucketPublicAccessBlock";
import { enforceS3BucketTlsOnly } from "../../policy/rules/data/enforceS3BucketTlsOnly";
import { enforceS3DataBucketRetention } from "../../policy/rules/data/enforceS3DataBucketRetention";
import { enforceSecretEncryption } from "../../policy/rules/data/enforceSecretEncryption";
import { enforceSnsTopicEncryption } from "../../policy/rules/data/enforceSnsTopicEncryption";
import { evaluate, findingsOf } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { Finding, PolicyStack, Rule } from "../../policy/rules/types";
import { BASELINE, BUCKET_ARN, BUCKET_ID, changed, DATA_KEY_ARN, resource, SETTINGS, withProps, withResource, without } from "./fixtures-data";

const AWS_EBS = "arn:aws:kms:eu-west-1:123456789012:alias/aws/ebs";
const CMK = "set it to a customer-managed KMS key";
const MANAGED = "is an AWS-managed key, which the tenant's key policy cannot govern or revoke";

function findings(rule: Rule, stack: PolicyStack): Finding[] {
    return findingsOf(rule, stack, SETTINGS);
}

function on(resource: string, ...messages: string[]): Finding[] {
    return messages.map((message) => ({ resource, message }));
}

describe("the data rules", () => {
    it("GIVEN the group WHEN listed THEN every rule has a unique kebab-case name, a description and a why", () => {
        const names = DATA_RULES.map((rule) => rule.name);
        expect(new Set(names).size).toBe(names.length);
        for (const rule of DATA_RULES) {
            expect(rule.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
            expect(rule.description.length, rule.name).toBeGreaterThan(20);
            expect(rule.why.length, rule.name).toBeGreaterThan(20);
        }
        expect(names).toHaveLength(21);
    });

    it.each(DATA_RULES.map((rule) => [rule.name, rule] as const))("GIVEN the compliant baseline WHEN %s judges it THEN it finds nothing", (_, rule) => {
        expect(findings(rule, BASELINE)).toEqual([]);
    });

    it("GIVEN the rules that need retainOnDelete or the secrecy of values WHEN listed THEN exactly they are offline-only, with the reason", () => {
        const offline = DATA_RULES.filter((rule) => rule.offlineOnly !== undefined).map((rule) => rule.name);
        expect(offline.sort()).toEqual(["any-resource-no-clear-text-secret", "backup-vault-retained-on-delete", "kms-key-retained-on-delete", "s3-bucket-access-logs-retained", "s3-bucket-tenant-data-retained"]);
        expect(enforceKmsKeyRetention.offlineOnly).toMatch(/CrossGuard shows protect but not retainOnDelete/);
    });
});

describe("ebs-volume-encrypted-cmk", () => {
    it.each([
        ["encryption off", { encrypted: false }, ["encrypted is false: the volume would be stored unencrypted; set encrypted: true"]],
        ["encryption not set", { encrypted: undefined }, ["encrypted is not set: the volume would be stored unencrypted; set encrypted: true"]],
        ["no key", { kmsKeyId: undefined }, ["kmsKeyId is not set: AWS encrypts the volume with the AWS-managed key aws/ebs; set kmsKeyId to a customer-managed KMS key"]],
        ["the AWS-managed key", { kmsKeyId: AWS_EBS }, [`kmsKeyId "${AWS_EBS}" ${MANAGED}; set kmsKeyId to a customer-managed KMS key`]],
        ["the AWS-managed key by alias", { kmsKeyId: "alias/aws/ebs" }, [`kmsKeyId "alias/aws/ebs" ${MANAGED}; set kmsKeyId to a customer-managed KMS key`]],
        ["a key that is no id", { kmsKeyId: 42 }, ["kmsKeyId is 42, not a KMS key id or ARN; set kmsKeyId to a customer-managed KMS key"]],
    ])("GIVEN a volume with %s WHEN judged THEN the exact problem is named", (_, props, messages) => {
        expect(findings(enforceEbsVolumeEncryption, withProps("acme-servers-0-data", props))).toEqual(on("acme-servers-0-data", ...messages));
    });
});

describe("ec2-instance-block-devices-encrypted-cmk", () => {
    const ROOT = { deleteOnTermination: true, encrypted: true, kmsKeyId: DATA_KEY_ARN, volumeSize: 30, volumeType: "gp3" };
    const DEVICE = { deviceName: "/dev/sdf", encrypted: true, kmsKeyId: DATA_KEY_ARN, volumeSize: 20 };
    it.each([
        [
            "no root block device",
            { rootBlockDevice: undefined },
            [
                "rootBlockDevice is not set: the root volume takes the AMI snapshot's encryption, none for most AMIs; set rootBlockDevice with encrypted: true and a customer-managed kmsKeyId",
            ],
        ],
        ["an unencrypted root volume", { rootBlockDevice: { ...ROOT, encrypted: false } }, ["rootBlockDevice.encrypted is false: the root volume would be stored unencrypted; set rootBlockDevice.encrypted: true"]],
        [
            "a root volume without a key",
            { rootBlockDevice: { ...ROOT, kmsKeyId: undefined } },
            ["rootBlockDevice.kmsKeyId is not set: AWS encrypts the volume with the AWS-managed key aws/ebs; set rootBlockDevice.kmsKeyId to a customer-managed KMS key"],
        ],
        [
            "an unencrypted extra volume",
            { ebsBlockDevices: [{ ...DEVICE, encrypted: undefined }] },
            ['ebsBlockDevices[0].encrypted is not set: the volume "/dev/sdf" would be stored unencrypted; set ebsBlockDevices[0].encrypted: true'],
        ],
        [
            "an extra volume with the AWS-managed key",
            { ebsBlockDevices: [DEVICE, { ...DEVICE, deviceName: "/dev/sdg", kmsKeyId: "alias/aws/ebs" }] },
            [`ebsBlockDevices[1].kmsKeyId "alias/aws/ebs" ${MANAGED}; set ebsBlockDevices[1].kmsKeyId to a customer-managed KMS key`],
        ],
        ["block devices that are no list", { ebsBlockDevices: "sdf" }, ['ebsBlockDevices is "sdf", not a list of block devices']],
    ])("GIVEN an instance with %s WHEN judged THEN the exact problem is named", (_, props, messages) => {
        expect(findings(enforceEc2InstanceBlockDeviceEncryption, withProps("acme-servers-0-instance", props))).toEqual(on("acme-servers-0-instance", ...messages));
    });

    it("GIVEN an instance with no extra volumes WHEN judged THEN only its root volume counts", () => {
        expect(findings(enforceEc2InstanceBlockDeviceEncryption, withProps("acme-servers-0-instance", { ebsBlockDevices: undefined }))).toEqual([]);
    });
});

describe("rds-instance-storage-encrypted-cmk", () => {
    it.each([
        ["storage encryption off", { storageEncrypted: false }, ["storageEncrypted is false: the database, its backups and snapshots would be stored unencrypted; set storageEncrypted: true"]],
        ["no key", { kmsKeyId: undefined }, ["kmsKeyId is not set: RDS encrypts with the AWS-managed key aws/rds; set kmsKeyId to a customer-managed KMS key"]],
        ["the AWS-managed key", { kmsKeyId: "alias/aws/rds" }, [`kmsKeyId "alias/aws/rds" ${MANAGED}; set kmsKeyId to a customer-managed KMS key`]],
    ])("GIVEN a database with %s WHEN judged THEN the exact problem is named", (_, props, messages) => {
        expect(findings(enforceRdsInstanceStorageEncryption, withProps("acme-database-db", props))).toEqual(on("acme-database-db", ...messages));
    });
});

describe("single-key encryption rules", () => {
    it.each([
        [enforceLogGroupEncryption, "acme-network-flow-logs", "kmsKeyId", "CloudWatch Logs encrypts the group with a key it owns, outside any key policy of ours", "alias/aws/logs"],
        [enforceBackupVaultEncryption, "acme-backup-vault", "kmsKeyArn", "AWS Backup encrypts the recovery points with the AWS-managed key aws/backup", "arn:aws:kms:eu-west-1:123456789012:alias/aws/backup"],
        [enforceSnsTopicEncryption, "acme-operations-topic", "kmsMasterKeyId", "SNS stores the topic's messages unencrypted", "alias/aws/sns"],
        [enforceSecretEncryption, "acme-database-master-secret", "kmsKeyId", "Secrets Manager encrypts with the AWS-managed key aws/secretsmanager", "alias/aws/secretsmanager"],
    ])("GIVEN %s WHEN the key is missing or AWS-managed THEN the exact problem is named", (rule, name, field, fallback, managed) => {
        expect(findings(rule, withProps(name, { [field]: undefined }))).toEqual(on(name, `${field} is not set: ${fallback}; set ${field} to a customer-managed KMS key`));
        expect(findings(rule, withProps(name, { [field]: "" }))).toEqual(on(name, `${field} is not set: ${fallback}; set ${field} to a customer-managed KMS key`));
        expect(findings(rule, withProps(name, { [field]: managed }))).toEqual(on(name, `${field} "${managed}" ${MANAGED}; set ${field} to a customer-managed KMS key`));
    });
});

describe("kms-key-rotation-enabled", () => {
    it.each([
        ["rotation off", { enableKeyRotation: false }, "enableKeyRotation is false: the key material is never rotated; set enableKeyRotation: true"],
        ["rotation not set", { enableKeyRotation: undefined }, "enableKeyRotation is not set: the key material is never rotated; set enableKeyRotation: true"],
    ])("GIVEN a symmetric key with %s WHEN judged THEN the exact problem is named", (_, props, message) => {
        expect(findings(enableKmsKeyRotation, withProps("acme-keys-data", props))).toEqual(on("acme-keys-data", message));
    });

    it.each([
        ["an asymmetric key", { customerMasterKeySpec: "RSA_3072", keyUsage: "SIGN_VERIFY" }],
        ["an HMAC key", { customerMasterKeySpec: "HMAC_384", keyUsage: "GENERATE_VERIFY_MAC" }],
        ["a key in a custom key store", { customKeyStoreId: "cks-1234567890abcdef0" }],
    ])("GIVEN %s without rotation WHEN judged THEN it is waived: KMS cannot rotate it", (_, props) => {
        expect(findings(enableKmsKeyRotation, withProps("acme-keys-data", { ...props, enableKeyRotation: false }))).toEqual([]);
    });
});

describe("kms-key-policy-restricted", () => {
    // The statements EncryptionKeys writes: the account administers, AWS services of the account use it.
    const ADMINISTRATION = { Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: ["kms:Create*", "kms:Describe*"], Resource: "*" };
    const THROUGH_SERVICES = {
        Sid: "UseThroughAwsServices",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Encrypt", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "kms:CallerAccount": "123456789012", "kms:ViaService": ["ec2.eu-west-1.amazonaws.com"] } },
    };
    const withPolicy = (...statements: unknown[]) => withProps("acme-keys-data", { policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });
    const ANYONE = "anyone with an AWS account could use the key; expected the key kept to the account";
    const CONDITIONS = "kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalArn";

    it("GIVEN the program's policy (the account administers, the account's AWS services use it) or none WHEN judged THEN nothing is found", () => {
        expect(findings(enforceKmsKeyPolicyRestricted, withPolicy(ADMINISTRATION, THROUGH_SERVICES))).toEqual([]);
        expect(findings(enforceKmsKeyPolicyRestricted, BASELINE)).toEqual([]);
    });

    it.each([
        ["kms:* to every principal", { Sid: "Open", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*" }, `statement "Open" allows "kms:*" to every principal ("*") with no condition naming the account (${CONDITIONS}): ${ANYONE}`],
        ["the services' statement without its condition", { ...THROUGH_SERVICES, Condition: undefined }, `statement "UseThroughAwsServices" allows ["kms:Encrypt","kms:Decrypt"] to every principal ("*") with no condition naming the account (${CONDITIONS}): ${ANYONE}`],
        [
            "the services' statement kept to a service only (any account's caller through it)",
            { ...THROUGH_SERVICES, Condition: { StringEquals: { "kms:ViaService": ["ec2.eu-west-1.amazonaws.com"] } } },
            `statement "UseThroughAwsServices" allows ["kms:Encrypt","kms:Decrypt"] to every principal ("*") with no condition naming the account (${CONDITIONS}): ${ANYONE}`,
        ],
        [
            "an account condition with a wildcard",
            { ...THROUGH_SERVICES, Condition: { StringLike: { "kms:CallerAccount": "*" } } },
            `statement "UseThroughAwsServices" allows ["kms:Encrypt","kms:Decrypt"] to every principal ("*") with no condition naming the account (${CONDITIONS}): ${ANYONE}`,
        ],
        ["NotPrincipal", { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:Decrypt", Resource: "*" }, "statement [2] allows with NotPrincipal: every principal but those named, in any account, may use the key; expected named principals of the account"],
    ])("GIVEN a statement allowing %s WHEN judged THEN it is reported", (_, statement, message) => {
        expect(findings(enforceKmsKeyPolicyRestricted, withPolicy(ADMINISTRATION, THROUGH_SERVICES, statement))).toEqual(on("acme-keys-data", message));
    });

    it("GIVEN a policy that is not JSON WHEN judged THEN it cannot be judged and is reported", () => {
        expect(findings(enforceKmsKeyPolicyRestricted, withProps("acme-keys-data", { policy: "{" }))).toEqual(on("acme-keys-data", "policy is not JSON: who may use the key cannot be told"));
    });
});

describe("s3-bucket-sse-kms-cmk", () => {
    it.each([
        [
            "no encryption configuration",
            without("acme-files-encryption"),
            'the bucket has no BucketServerSideEncryptionConfiguration: S3 encrypts its objects with S3-managed keys (SSE-S3); add one with sseAlgorithm "aws:kms" and a customer-managed kmsMasterKeyId',
        ],
        [
            "SSE-S3",
            withProps("acme-files-encryption", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }),
            'acme-files-encryption: sseAlgorithm is "AES256": S3 encrypts with S3-managed keys, outside any key policy of ours; set sseAlgorithm "aws:kms" with a customer-managed kmsMasterKeyId',
        ],
        [
            "SSE-KMS with the AWS-managed key",
            withProps("acme-files-encryption", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }),
            "acme-files-encryption: kmsMasterKeyId is not set: S3 encrypts with the AWS-managed key aws/s3; set kmsMasterKeyId to a customer-managed KMS key",
        ],
        [
            "no default rule",
            withProps("acme-files-encryption", { rules: [{ bucketKeyEnabled: true }] }),
            'acme-files-encryption: no rule sets applyServerSideEncryptionByDefault: S3 encrypts with S3-managed keys (SSE-S3); add one with sseAlgorithm "aws:kms" and a customer-managed kmsMasterKeyId',
        ],
    ])("GIVEN a bucket with %s WHEN judged THEN the bucket is named with the exact problem", (_, stack, message) => {
        expect(findings(enforceS3BucketKmsEncryption, stack)).toEqual(on("acme-files-bucket", message));
    });

    it("GIVEN dual-layer SSE-KMS with the tenant's key WHEN judged THEN it passes", () => {
        const stack = withProps("acme-files-encryption", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse", kmsMasterKeyId: DATA_KEY_ARN } }] });
        expect(findings(enforceS3BucketKmsEncryption, stack)).toEqual([]);
    });

    it("GIVEN a bucket named explicitly WHEN its configuration names it by that name THEN it is found", () => {
        const stack = withProps("acme-files-encryption", { bucket: "acme-files" }, changed("acme-files-bucket", (bucket) => ({ ...bucket, props: { ...bucket.props, bucket: "acme-files" } })));
        expect(findings(enforceS3BucketKmsEncryption, stack)).toEqual([]);
    });

    it("GIVEN a configuration of a bucket outside the stack WHEN it weakens the bucket THEN the configuration itself is named", () => {
        const stack = withResource(
            resource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "acme-shared-encryption", "bucket-server-side-encryption-configuration-1", {
                bucket: "platform-eu-west-1-files-bucket-80bb8ef",
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            }),
        );
        expect(findings(enforceS3BucketKmsEncryption, stack)).toEqual(
            on("acme-shared-encryption", 'sseAlgorithm is "AES256": S3 encrypts with S3-managed keys, outside any key policy of ours; set sseAlgorithm "aws:kms" with a customer-managed kmsMasterKeyId'),
        );
    });
});

describe("s3-bucket-public-access-blocked", () => {
    it("GIVEN a bucket without a public access block WHEN judged THEN the bucket is named", () => {
        expect(findings(enforceS3BucketPublicAccessBlock, without("acme-files-public-access"))).toEqual(
            on(
                "acme-files-bucket",
                "the bucket has no BucketPublicAccessBlock: only an account-wide block, if any, keeps it private; add one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true",
            ),
        );
    });

    it.each([
        ["blockPublicAcls", false, "acme-files-public-access: blockPublicAcls is false: S3 accepts new public ACLs on the bucket and its objects; set blockPublicAcls: true"],
        ["blockPublicPolicy", undefined, "acme-files-public-access: blockPublicPolicy is not set: S3 accepts a bucket policy that makes the bucket public; set blockPublicPolicy: true"],
        ["ignorePublicAcls", false, "acme-files-public-access: ignorePublicAcls is false: S3 honours public ACLs already on the bucket and its objects; set ignorePublicAcls: true"],
        ["restrictPublicBuckets", false, "acme-files-public-access: restrictPublicBuckets is false: a public bucket policy grants anonymous and cross-account access; set restrictPublicBuckets: true"],
    ])("GIVEN %s set to %s WHEN judged THEN the bucket is named with the flag", (flag, value, message) => {
        expect(findings(enforceS3BucketPublicAccessBlock, withProps("acme-files-public-access", { [flag]: value }))).toEqual(on("acme-files-bucket", message));
    });
});

describe("s3-bucket-versioning-enabled", () => {
    it.each([
        [
            "no versioning",
            without("acme-files-versioning"),
            'the bucket has no BucketVersioning: an overwritten or deleted object is gone for good; add one with versioningConfiguration.status "Enabled"',
        ],
        [
            "versioning suspended",
            withProps("acme-files-versioning", { versioningConfiguration: { status: "Suspended" } }),
            'acme-files-versioning: versioningConfiguration.status is "Suspended": an overwritten or deleted object is gone for good; set status "Enabled"',
        ],
        [
            "no versioning configuration",
            withProps("acme-files-versioning", { versioningConfiguration: undefined }),
            'acme-files-versioning: versioningConfiguration.status is not set: an overwritten or deleted object is gone for good; set status "Enabled"',
        ],
    ])("GIVEN a bucket with %s WHEN judged THEN the bucket is named with the exact problem", (_, stack, message) => {
        expect(findings(enableS3BucketVersioning, stack)).toEqual(on("acme-files-bucket", message));
    });
});

describe("s3-bucket-tls-only-policy", () => {
    const ADVICE = `deny Principal "*" every "s3:*" action on ${BUCKET_ARN} and ${BUCKET_ARN}/* with condition Bool aws:SecureTransport "false"`;
    const DENY = { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } };
    const policy = (...statements: Record<string, unknown>[]): string => JSON.stringify({ Version: "2012-10-17", Statement: statements });

    it.each([
        ["no bucket policy", without("acme-files-tls-only"), 'the bucket has no BucketPolicy: S3 accepts plain HTTP; add one that denies every request to the bucket and its objects with condition Bool aws:SecureTransport "false"'],
        ["a policy that is no JSON", withProps("acme-files-tls-only", { policy: "{not json" }), `acme-files-tls-only: policy is not a JSON policy document, so it cannot refuse requests without TLS; ${ADVICE}`],
        ["an Allow instead of a Deny", withProps("acme-files-tls-only", { policy: policy({ ...DENY, Effect: "Allow" }) }), `acme-files-tls-only: no statement denies requests made without TLS: S3 accepts plain HTTP; ${ADVICE}`],
        ["a Deny for one principal only", withProps("acme-files-tls-only", { policy: policy({ ...DENY, Principal: { AWS: "arn:aws:iam::123456789012:root" } }) }), `acme-files-tls-only: no statement denies requests made without TLS: S3 accepts plain HTTP; ${ADVICE}`],
        ["a Deny of some actions only", withProps("acme-files-tls-only", { policy: policy({ ...DENY, Action: ["s3:GetObject"] }) }), `acme-files-tls-only: no statement denies requests made without TLS: S3 accepts plain HTTP; ${ADVICE}`],
        ["a Deny on TLS being used", withProps("acme-files-tls-only", { policy: policy({ ...DENY, Condition: { Bool: { "aws:SecureTransport": "true" } } }) }), `acme-files-tls-only: no statement denies requests made without TLS: S3 accepts plain HTTP; ${ADVICE}`],
        [
            "a Deny that leaves out the objects",
            withProps("acme-files-tls-only", { policy: policy({ ...DENY, Resource: BUCKET_ARN }) }),
            `acme-files-tls-only: the statement denying requests without TLS does not cover ${BUCKET_ARN}/*: S3 accepts plain HTTP there; add it to the statement's Resource`,
        ],
        [
            "a Deny that leaves out the bucket",
            withProps("acme-files-tls-only", { policy: policy({ ...DENY, Resource: [`${BUCKET_ARN}/*`] }) }),
            `acme-files-tls-only: the statement denying requests without TLS does not cover ${BUCKET_ARN}: S3 accepts plain HTTP there; add it to the statement's Resource`,
        ],
    ])("GIVEN a bucket with %s WHEN judged THEN the bucket is named with the exact problem", (_, stack, message) => {
        expect(findings(enforceS3BucketTlsOnly, stack)).toEqual(on("acme-files-bucket", message));
    });

    it.each([
        ["the policy as a document object", { Version: "2012-10-17", Statement: [DENY] }],
        ["a wildcard resource, principal { AWS: * } and a boolean condition", policy({ ...DENY, Principal: { AWS: ["*"] }, Action: "*", Resource: `arn:aws:s3:::${BUCKET_ID}*`, Condition: { Bool: { "aws:SecureTransport": false } } })],
        ["the bucket and its objects in two statements", policy({ ...DENY, Resource: BUCKET_ARN }, { ...DENY, Sid: "Objects", Resource: `${BUCKET_ARN}/*` })],
    ])("GIVEN %s WHEN judged THEN it passes", (_, value) => {
        expect(findings(enforceS3BucketTlsOnly, withProps("acme-files-tls-only", { policy: value }))).toEqual([]);
    });
});

describe("kms-key-retained-on-delete and backup-vault-retained-on-delete", () => {
    it("GIVEN a key neither protected nor retained WHEN judged THEN the key is named", () => {
        const stack = changed("acme-keys-data", (key) => ({ ...key, retainOnDelete: false }));
        expect(findings(enforceKmsKeyRetention, stack)).toEqual(
            on(
                "acme-keys-data",
                "the key is neither protected nor retained on delete: destroying the stack would schedule its deletion, leaving whatever it encrypts unreadable; set retainOnDelete: true (or protect: true) on it",
            ),
        );
    });

    it("GIVEN a vault neither protected nor retained WHEN judged THEN the vault is named", () => {
        const stack = changed("acme-backup-vault", (vault) => ({ ...vault, retainOnDelete: false }));
        expect(findings(enforceBackupVaultRetention, stack)).toEqual(
            on("acme-backup-vault", "the vault is neither protected nor retained on delete: destroying the stack would delete it with its recovery points; set retainOnDelete: true (or protect: true) on it"),
        );
    });

    it.each([
        ["acme-keys-data", enforceKmsKeyRetention],
        ["acme-backup-vault", enforceBackupVaultRetention],
    ] as const)("GIVEN %s protected instead of retained WHEN judged THEN it passes", (name, rule) => {
        expect(findings(rule, changed(name, (found) => ({ ...found, retainOnDelete: false, protect: true })))).toEqual([]);
    });
});

describe("rds-instance-final-snapshot", () => {
    it.each([
        ["skipping the final snapshot", { skipFinalSnapshot: true }, ["skipFinalSnapshot is true: deleting the database would keep no final snapshot; set skipFinalSnapshot: false"]],
        ["no final snapshot name", { finalSnapshotIdentifier: undefined }, ["finalSnapshotIdentifier is not set: no final snapshot can be taken when the database is deleted; set a finalSnapshotIdentifier"]],
        ["an empty final snapshot name", { finalSnapshotIdentifier: "" }, ['finalSnapshotIdentifier is "": no final snapshot can be taken when the database is deleted; set a finalSnapshotIdentifier']],
    ])("GIVEN a database %s WHEN judged THEN the exact problem is named", (_, props, messages) => {
        expect(findings(enforceRdsInstanceFinalSnapshot, withProps("acme-database-db", props))).toEqual(on("acme-database-db", ...messages));
    });

    it("GIVEN a database without deletion protection WHEN judged THEN this rule leaves it to rds-instance-deletion-protection", () => {
        expect(findings(enforceRdsInstanceFinalSnapshot, withProps("acme-database-db", { deletionProtection: false }))).toEqual([]);
    });
});

describe("s3-bucket-tenant-data-retained", () => {
    const MESSAGE =
        "the bucket holds tenant data (backed up by acme-backup-files-selection) but is neither protected nor retained on delete: destroying the stack would delete it; set retainOnDelete: true (or protect: true) on it";

    it("GIVEN a backed-up bucket neither protected nor retained WHEN judged THEN the bucket is named with its selection", () => {
        expect(findings(enforceS3DataBucketRetention, changed("acme-files-bucket", (bucket) => ({ ...bucket, retainOnDelete: false })))).toEqual(on("acme-files-bucket", MESSAGE));
    });

    it("GIVEN a selection of every bucket by pattern WHEN the bucket is not retained THEN it counts as tenant data", () => {
        const stack = withProps("acme-backup-files-selection", { resources: ["arn:aws:s3:::acme-files-*"] }, changed("acme-files-bucket", (bucket) => ({ ...bucket, retainOnDelete: false })));
        expect(findings(enforceS3DataBucketRetention, stack)).toEqual(on("acme-files-bucket", MESSAGE));
    });

    it("GIVEN a bucket no selection backs up WHEN it is not retained THEN it holds nothing to keep", () => {
        const stack = withProps("acme-backup-files-selection", { resources: ["arn:aws:ec2:eu-west-1:123456789012:instance/i-f22faf6e2acd8926a"] }, changed("acme-files-bucket", (bucket) => ({ ...bucket, retainOnDelete: false })));
        expect(findings(enforceS3DataBucketRetention, stack)).toEqual([]);
    });
});

describe("globMatches", () => {
    it.each([
        ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket", true],
        ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/*", true],
        ["arn:aws:s3:::bucket*", "arn:aws:s3:::bucket/*", true],
        ["*", "arn:aws:s3:::bucket", true],
        ["arn:aws:s3:::bucket/a*", "arn:aws:s3:::bucket/*", false],
        ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*", false],
        ["arn:aws:s3:::bucket.name", "arn:aws:s3:::bucketXname", false],
    ])("GIVEN the pattern %s WHEN matched against %s THEN it is %s", (pattern, text, expected) => {
        expect(globMatches(pattern, text)).toBe(expected);
    });
});

describe("the planned fixture fleet", () => {
    let document: PlanDocument;

    beforeAll(async () => {
        document = await planOfFixtureFleet();
    });

    it("GIVEN every fixture tenant and platform WHEN judged by the data rules THEN there is no mandatory violation", () => {
        expect(document.errors).toEqual([]);
        const violations = document.tenants.flatMap((plan) => evaluate(stackFromPlan(plan), settingsFor(plan, document), DATA_RULES).map((violation) => ({ stack: plan.tenant, ...violation })));
        expect(violations.filter((violation) => violation.enforcement === "mandatory")).toEqual([]);
    });

    it("GIVEN the fleet WHEN its data stores are counted THEN the rules had something to judge in every non-saas stack, and saas stacks own none", () => {
        const judged = new Set(DATA_RULES.flatMap((rule) => (rule.kind === "resource" ? rule.resourceTypes : [])));
        judged.add("aws:s3/bucket:Bucket");
        for (const plan of document.tenants) {
            const owned = plan.resources.filter((found) => judged.has(found.type));
            if (plan.mode === "saas") {
                expect(owned, plan.tenant).toEqual([]);
            } else if (plan.recoveryOf !== undefined) {
                // An idle recovery environment: its keys and its empty files bucket; vaults once restored into.
                expect(owned.map((found) => found.type), plan.tenant).toEqual(expect.arrayContaining(["aws:kms/key:Key", "aws:s3/bucket:Bucket"]));
            } else {
                expect(owned.map((found) => found.type), plan.tenant).toEqual(expect.arrayContaining(["aws:kms/key:Key", "aws:backup/vault:Vault", "aws:s3/bucket:Bucket"]));
            }
        }
    });
});
