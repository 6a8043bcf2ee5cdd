// AWS Config in one region: what every resource's configuration was, and when it changed (the
// monthly review's "system configuration" and its history), kept in an encrypted bucket an auditor
// reads. AWS allows one configuration recorder and one delivery channel per account and region
// (PutConfigurationRecorder: MaxNumberOfConfigurationRecordersExceededException, "Currently, you can
// specify only one configuration recorder per region in your account"; PutDeliveryChannel:
// MaxNumberOfDeliveryChannelsExceededException; botocore config model), so exactly one stack of the
// region creates them: its regional owner (lib/guardduty-owner.ts).

import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { FilesBucket } from "./files-bucket";
import { componentType } from "./types";

/** How often Config writes a snapshot of every recorded resource (ConfigSnapshotDeliveryProperties deliveryFrequency, botocore config model). */
export const CONFIG_SNAPSHOT_FREQUENCIES = ["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"] as const;

export type ConfigSnapshotFrequency = (typeof CONFIG_SNAPSHOT_FREQUENCIES)[number];

/** The AWS managed policy that lets Config describe the account's resources (AWS Config Developer Guide, "Permissions for the IAM Role Assigned to AWS Config"). */
export const AWS_CONFIG_ROLE_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole";

export interface ConfigRecorderArgs {
    /**
     * The recorder's and the delivery channel's name: one of each per account and region, so the
     * owning stack's name, never AWS's "default" (a recorder the account already has under that
     * name would be silently taken over by PutConfigurationRecorder instead of refused). Required.
     */
    readonly recorderName: string;
    /** Customer-managed key of the history bucket and of every file Config delivers (same region: DeliveryChannel s3KmsKeyArn). Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * Record global resource types (IAM users, roles, policies) too. Their configuration is the same
     * in every region, so exactly one region records them (AWS Config Developer Guide: "To prevent
     * duplicate configuration items, you should consider customizing Config in only one region to
     * record global resources"): the home platform's. Default: false.
     */
    readonly includeGlobalResourceTypes?: boolean;
    /** How often a snapshot of every recorded resource is written. Default: `TwentyFour_Hours`. */
    readonly snapshotFrequency?: ConfigSnapshotFrequency;
    /**
     * Days an overwritten or deleted history file stays restorable. Default: 400 (more than a year
     * of monthly reviews, as the audit trail's logs).
     */
    readonly noncurrentVersionDays?: number;
}

/** What is wrong with the args, one message per problem (empty when they are valid). */
export function configRecorderArgsProblems(args: Pick<ConfigRecorderArgs, "recorderName" | "snapshotFrequency">): string[] {
    const problems: string[] = [];
    // ConfigurationRecorder.name and DeliveryChannel.name: 1 to 256 characters (botocore config model).
    if (args.recorderName.length < 1 || args.recorderName.length > 256) {
        problems.push(`recorderName: has ${args.recorderName.length} characters; expected 1 to 256`);
    }
    if (args.snapshotFrequency !== undefined && !(CONFIG_SNAPSHOT_FREQUENCIES as readonly string[]).includes(args.snapshotFrequency)) {
        problems.push(`snapshotFrequency: "${args.snapshotFrequency}" is not allowed; expected one of ${CONFIG_SNAPSHOT_FREQUENCIES.join(", ")}`);
    }
    return problems;
}

/**
 * What the recorder's role may do with the bucket: Config writes history and snapshots under
 * `AWSLogs/<account>/Config/` (no key prefix is set) after checking the bucket's ACL, encrypting
 * with the key (AWS Config Developer Guide, "Permissions for the IAM Role Assigned to AWS Config",
 * IAM Role Policy for your S3 Bucket: s3:PutObject and s3:PutObjectAcl with bucket-owner-full-control,
 * s3:GetBucketAcl; IAM Role Policy for KMS Key: kms:Decrypt, kms:GenerateDataKey). The bucket
 * enforces bucket-owner ownership, which accepts exactly that ACL.
 */
export function configDeliveryPolicy(args: { bucketArn: string; accountId: string; kmsKeyArn: string }): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "CheckBucket", Effect: "Allow", Action: ["s3:GetBucketAcl", "s3:ListBucket"], Resource: args.bucketArn },
            { Sid: "DeliverHistory", Effect: "Allow", Action: ["s3:PutObject", "s3:PutObjectAcl"], Resource: `${args.bucketArn}/AWSLogs/${args.accountId}/Config/*`, Condition: { StringLike: { "s3:x-amz-acl": "bucket-owner-full-control" } } },
            { Sid: "EncryptHistory", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: args.kmsKeyArn },
        ],
    });
}

/**
 * The region's configuration recorder (every supported resource type, continuously), its delivery
 * channel to a private, versioned, KMS-encrypted bucket kept when the stack goes, and the
 * recorder switched on (a recorder is created stopped).
 */
export class ConfigRecorder extends pulumi.ComponentResource {
    public readonly recorderName: pulumi.Output<string>;
    /** The history bucket, which the auditor reads (with the operations role). */
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: ConfigRecorderArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("audit", "ConfigRecorder"), name, {}, opts);

        const problems = configRecorderArgsProblems(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }
        const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

        const history = new FilesBucket(`${name}-history`, { kmsKeyArn: args.kmsKeyArn, noncurrentVersionDays: args.noncurrentVersionDays ?? 400, tier: "audit" }, { parent: this });

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: "AWS Config's recorder: reads resource configurations, writes their history",
                assumeRolePolicy: accountId.apply((id) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            // The confused-deputy guard AWS Config documents for its role's trust policy.
                            { Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "AWS:SourceAccount": id } } },
                        ],
                    }),
                ),
            },
            { parent: this },
        );
        const describe = new aws.iam.RolePolicyAttachment(`${name}-describe`, { role: role.name, policyArn: AWS_CONFIG_ROLE_POLICY_ARN }, { parent: this });
        const deliver = new aws.iam.RolePolicy(
            `${name}-deliver`,
            {
                role: role.name,
                policy: pulumi.all([history.bucketArn, accountId, args.kmsKeyArn]).apply(([bucketArn, id, kmsKeyArn]) => configDeliveryPolicy({ bucketArn, accountId: id, kmsKeyArn })),
            },
            { parent: this },
        );

        const recorder = new aws.cfg.Recorder(
            `${name}-recorder`,
            {
                name: args.recorderName,
                roleArn: role.arn,
                recordingGroup: { allSupported: true, includeGlobalResourceTypes: args.includeGlobalResourceTypes ?? false },
                recordingMode: { recordingFrequency: "CONTINUOUS" },
            },
            { parent: this, dependsOn: [describe] },
        );
        // PutDeliveryChannel: "Before you can create a delivery channel, you must create a configuration recorder".
        const channel = new aws.cfg.DeliveryChannel(
            `${name}-delivery`,
            {
                name: args.recorderName,
                s3BucketName: history.bucketName,
                s3KmsKeyArn: args.kmsKeyArn,
                snapshotDeliveryProperties: { deliveryFrequency: args.snapshotFrequency ?? "TwentyFour_Hours" },
            },
            { parent: this, dependsOn: [recorder, deliver] },
        );
        // StartConfigurationRecorder fails with NoAvailableDeliveryChannelException without a channel.
        new aws.cfg.RecorderStatus(`${name}-status`, { name: recorder.name, isEnabled: true }, { parent: this, dependsOn: [channel] });

        this.recorderName = recorder.name;
        this.bucketName = history.bucketName;
        this.bucketArn = history.bucketArn;
        this.registerOutputs({ recorderName: this.recorderName, bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
