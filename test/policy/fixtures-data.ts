// A compliant baseline for the data rules: one tenant stack holding one of every resource they
// judge, shaped as the offline plan records it (ids are mock ids, references are those ids, KMS
// references are key ARNs). Each test case changes one field of it.

import { tlsOnlyBucketPolicy } from "../../components/files-bucket";
import { PolicyResource, PolicySettings, PolicyStack } from "../../policy/rules/types";

export const DATA_KEY_ID = "a96e7e14-f736-4623-a1d2-970c499c55ab";
export const DATA_KEY_ARN = `arn:aws:kms:eu-west-1:123456789012:key/${DATA_KEY_ID}`;
export const BACKUP_KEY_ID = "33179d18-48bd-488e-a123-5714bf2a36da";
export const BACKUP_KEY_ARN = `arn:aws:kms:eu-west-1:123456789012:key/${BACKUP_KEY_ID}`;
export const BUCKET_ID = "acme-files-bucket-7f92d4a";
export const BUCKET_ARN = `arn:aws:s3:::${BUCKET_ID}`;

export const SETTINGS: PolicySettings = { operationsCidrs: ["10.255.0.0/24"], otherTenants: [] };

function resource(type: string, name: string, id: string, props: Record<string, unknown>, options: Partial<Pick<PolicyResource, "protect" | "retainOnDelete" | "parent">> = {}): PolicyResource {
    return { type, name, id, parent: options.parent ?? null, props, protect: options.protect ?? false, retainOnDelete: options.retainOnDelete ?? false };
}

const KEY_PROPS = { customerMasterKeySpec: "SYMMETRIC_DEFAULT", keyUsage: "ENCRYPT_DECRYPT", enableKeyRotation: true, deletionWindowInDays: 30 };

export const BASELINE: PolicyStack = {
    stack: "acme",
    kind: "cloud",
    resources: [
        resource("aws:kms/key:Key", "acme-keys-data", DATA_KEY_ID, { ...KEY_PROPS, description: "Data-at-rest key of tenant acme" }, { parent: "acme-keys", retainOnDelete: true }),
        resource("aws:kms/key:Key", "acme-keys-backup", BACKUP_KEY_ID, { ...KEY_PROPS, description: "Backup key of tenant acme" }, { parent: "acme-keys", retainOnDelete: true }),
        resource("aws:ebs/volume:Volume", "acme-servers-0-data", "vol-efcb9c4c086322e0c", { availabilityZone: "eu-west-1a", encrypted: true, kmsKeyId: DATA_KEY_ARN, size: 100, type: "gp3" }),
        resource("aws:ec2/instance:Instance", "acme-servers-0-instance", "i-f22faf6e2acd8926a", {
            instanceType: "m6i.large",
            rootBlockDevice: { deleteOnTermination: true, encrypted: true, kmsKeyId: DATA_KEY_ARN, volumeSize: 30, volumeType: "gp3" },
            ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true, kmsKeyId: DATA_KEY_ARN, volumeSize: 20 }],
        }),
        resource("aws:rds/instance:Instance", "acme-database-db", "db-AECC908C897D3913105F14E861", {
            engine: "postgres",
            storageEncrypted: true,
            kmsKeyId: DATA_KEY_ARN,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "acme-database-final",
            parameterGroupName: "acme-database-params-5b7e789",
        }),
        resource("aws:rds/parameterGroup:ParameterGroup", "acme-database-params", "acme-database-params-5b7e789", {
            family: "postgres16",
            name: "acme-database-params-5b7e789",
            parameters: [{ applyMethod: "pending-reboot", name: "rds.force_ssl", value: "1" }],
        }),
        resource("aws:cloudwatch/logGroup:LogGroup", "acme-network-flow-logs", "/vpc/flow-logs/acme-network", { name: "/vpc/flow-logs/acme-network", kmsKeyId: DATA_KEY_ARN, retentionInDays: 365 }),
        resource("aws:backup/vault:Vault", "acme-backup-vault", "acme-backup-vault-948e3ba", { forceDestroy: false, kmsKeyArn: BACKUP_KEY_ARN }, { retainOnDelete: true }),
        resource("aws:sns/topic:Topic", "acme-operations-topic", "arn:aws:sns:eu-west-1:123456789012:acme-operations", { name: "acme-operations", kmsMasterKeyId: DATA_KEY_ARN }),
        resource("aws:secretsmanager/secret:Secret", "acme-database-master-secret", "secret-8e77deaa7a15b0886", { kmsKeyId: DATA_KEY_ARN, recoveryWindowInDays: 30 }),
        resource("aws:s3/bucket:Bucket", "acme-files-bucket", BUCKET_ID, { forceDestroy: false }, { retainOnDelete: true }),
        resource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "acme-files-encryption", "bucket-server-side-encryption-configuration-3128c72faf78264eb", {
            bucket: BUCKET_ID,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: DATA_KEY_ARN }, bucketKeyEnabled: true }],
        }),
        resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "acme-files-public-access", "bucket-public-access-block-f817899c7094495a1", {
            bucket: BUCKET_ID,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }),
        resource("aws:s3/bucketVersioning:BucketVersioning", "acme-files-versioning", "bucket-versioning-5701e19c2ba56910f", { bucket: BUCKET_ID, versioningConfiguration: { status: "Enabled" } }),
        resource("aws:s3/bucketPolicy:BucketPolicy", "acme-files-tls-only", "bucket-policy-981312ba9212b7943", { bucket: BUCKET_ID, policy: tlsOnlyBucketPolicy(BUCKET_ARN) }),
        resource("aws:backup/selection:Selection", "acme-backup-files-selection", "selection-fe132dd2dc3cb2419", {
            planId: "4d6f4c2c-3fef-4dca-a526-57a4aa784823",
            resources: [BUCKET_ARN, "arn:aws:ec2:eu-west-1:123456789012:instance/i-f22faf6e2acd8926a"],
        }),
    ],
};

function find(stack: PolicyStack, name: string): PolicyResource {
    const found = stack.resources.find((candidate) => candidate.name === name);
    if (!found) {
        throw new Error(`the baseline has no resource named ${name}`);
    }
    return found;
}

/** The baseline with one resource changed by `change` (its props, protect or retainOnDelete). */
export function changed(name: string, change: (resource: PolicyResource) => PolicyResource, stack: PolicyStack = BASELINE): PolicyStack {
    find(stack, name);
    return { ...stack, resources: stack.resources.map((candidate) => (candidate.name === name ? change(candidate) : candidate)) };
}

/** The baseline with some props of one resource set (a value of `undefined` removes the prop). */
export function withProps(name: string, props: Record<string, unknown>, stack: PolicyStack = BASELINE): PolicyStack {
    return changed(
        name,
        (resource) => ({
            ...resource,
            props: Object.fromEntries(Object.entries({ ...resource.props, ...props }).filter(([, value]) => value !== undefined)),
        }),
        stack,
    );
}

/** The baseline without one resource. */
export function without(name: string, stack: PolicyStack = BASELINE): PolicyStack {
    find(stack, name);
    return { ...stack, resources: stack.resources.filter((candidate) => candidate.name !== name) };
}

/** The baseline with one more resource. */
export function withResource(extra: PolicyResource, stack: PolicyStack = BASELINE): PolicyStack {
    return { ...stack, resources: [...stack.resources, extra] };
}

export { resource };
