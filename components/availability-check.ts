import { createHash } from "node:crypto";

import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { DEFAULT_HEALTH_CHECK_PATH } from "./front-door";
import { AVAILABILITY_CHECK_MINUTES, AVAILABILITY_FAILED_RUNS_TO_ALARM, AVAILABILITY_SILENT_PERIODS_TO_ALARM, availabilityScheduleExpression } from "../lib/promises/availability";
import { tlsOnlyBucketPolicy } from "./files-bucket";
import { reservedPrefixFreeName } from "../lib/naming";
import { componentType } from "./types";

export interface AvailabilityCheckArgs {
    /** The URL whose login page must answer, e.g. `https://acme.itm.example.net`. Required. */
    readonly url: pulumi.Input<string>;
    /** Path the check requests. Default: `/login`, the page every user starts from. */
    readonly path?: string;
    /**
     * Minutes between checks, 1 to 5: the service promises a check every five minutes at least
     * (lib/promises/availability.ts; the policy rule `availability-check-every-5-minutes`). Default: 5.
     */
    readonly everyMinutes?: number;
    /** SNS topic warned when the check fails. Required. */
    readonly alarmTopicArn: pulumi.Input<string>;
    /** Key encrypting the check's artifacts. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * The CloudWatch Synthetics runtime, a Node.js Puppeteer one (the script's family). Required:
     * AWS deprecates runtimes on a schedule and refuses to create a canary on a deprecated one, so
     * the platform setting `canaryRuntime` (lib/canary-runtimes.json) decides.
     */
    readonly runtimeVersion: pulumi.Input<string>;
    /**
     * Run the check from inside the tenant's network (VPN modes, whose app is not on the internet):
     * the subnets and VPC to run in. Default: undefined, the check runs from the internet.
     *
     * A canary in a VPC without internet access reports only through a CloudWatch (`monitoring`)
     * interface endpoint and an S3 gateway endpoint (artifacts), which the VPC must have (AWS,
     * "Running a canary on a VPC": https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_VPC.html).
     */
    readonly vpc?: {
        readonly vpcId: pulumi.Input<string>;
        /** The VPC's CIDR: the check may reach only addresses inside it (the app, the interface endpoints). */
        readonly cidr: pulumi.Input<string>;
        readonly subnetIds: pulumi.Input<string>[];
        /** The prefix list of the VPC's S3 gateway endpoint: the artifacts go to S3 through it, on 443. */
        readonly s3PrefixListId: pulumi.Input<string>;
    };
}

/** CloudWatch Synthetics names: at most 21 characters of `[0-9a-z_-]`. */
export function canaryName(name: string): string {
    const clean = name.toLowerCase().replace(/[^0-9a-z_-]/g, "-");
    if (clean.length <= 21) {
        return clean;
    }
    const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
    return `${clean.slice(0, 12)}-${hash}`;
}

/** The check itself: a Synthetics API canary that fails unless the page answers 200. */
export const CANARY_SCRIPT = `const synthetics = require("Synthetics");

exports.handler = async () => {
    const target = new URL(process.env.CHECK_URL);
    await synthetics.executeHttpStep(
        "login-page",
        { hostname: target.hostname, method: "GET", path: process.env.CHECK_PATH, port: 443, protocol: "https:" },
        async (response) => {
            if (response.statusCode !== 200) {
                throw new Error("login page answered " + response.statusCode);
            }
        },
    );
};
`;

/**
 * A functional availability check of the tenant's application every five minutes: a CloudWatch
 * Synthetics canary requesting the login page, and an alarm to operations when it fails.
 */
export class AvailabilityCheck extends pulumi.ComponentResource {
    public readonly canaryName: pulumi.Output<string>;
    /** Fires when the login page fails twice in a row. */
    public readonly alarmArn: pulumi.Output<string>;
    /** That alarm's name: what a Route 53 health check of type CLOUDWATCH_METRIC names (an internal door's failover). */
    public readonly alarmName: pulumi.Output<string>;
    /** Fires when the check itself stops reporting. */
    public readonly silenceAlarmArn: pulumi.Output<string>;

    constructor(name: string, args: AvailabilityCheckArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("operations", "AvailabilityCheck"), name, {}, opts);

        const everyMinutes = args.everyMinutes ?? AVAILABILITY_CHECK_MINUTES;
        const path = args.path ?? DEFAULT_HEALTH_CHECK_PATH;
        if (!Number.isInteger(everyMinutes) || everyMinutes < 1 || everyMinutes > AVAILABILITY_CHECK_MINUTES) {
            throw new pulumi.ResourceError(
                `everyMinutes: ${everyMinutes} is not allowed; expected a whole number of minutes from 1 to ${AVAILABILITY_CHECK_MINUTES} (the service checks every ${AVAILABILITY_CHECK_MINUTES} minutes)`,
                this,
            );
        }

        const artifacts = new aws.s3.Bucket(
            `${name}-artifacts`,
            { bucket: reservedPrefixFreeName("bucket", `${name}-artifacts`, `${pulumi.getOrganization()}/${pulumi.getProject()}`), forceDestroy: true },
            { parent: this },
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-artifacts-encryption`,
            {
                bucket: artifacts.id,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }],
            },
            { parent: this },
        );
        const versioning = new aws.s3.BucketVersioning(
            `${name}-artifacts-versioning`,
            { bucket: artifacts.id, versioningConfiguration: { status: "Enabled" } },
            { parent: this },
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-artifacts-public-access`,
            { bucket: artifacts.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        // S3 answers OperationAborted to concurrent configuration writes on one bucket; the policy
        // waits for the public-access block, the write it most often races.
        new aws.s3.BucketPolicy(
            `${name}-artifacts-tls-only`,
            { bucket: artifacts.id, policy: artifacts.arn.apply(tlsOnlyBucketPolicy) },
            { parent: this, dependsOn: [publicAccess] },
        );
        // Versioned, an expired artifact becomes a previous version, kept 7 more days; S3 then
        // removes the delete marker left alone.
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-artifacts-expiry`,
            {
                bucket: artifacts.id,
                rules: [{ id: "expire-check-artifacts", status: "Enabled", filter: {}, expiration: { days: 31 }, noncurrentVersionExpiration: { noncurrentDays: 7 } }],
            },
            { parent: this, dependsOn: [versioning] },
        );
        const code = new aws.s3.BucketObjectv2(
            `${name}-code`,
            {
                bucket: artifacts.id,
                key: "canary/check.zip",
                source: new pulumi.asset.AssetArchive({ "nodejs/node_modules/check.js": new pulumi.asset.StringAsset(CANARY_SCRIPT) }),
            },
            // The canary pins the code's version: upload it once versioning gives it a real one.
            { parent: this, dependsOn: [versioning] },
        );

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-role-policy`,
            {
                role: role.id,
                policy: pulumi.all([artifacts.arn, args.kmsKeyArn]).apply(([bucketArn, keyArn]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            { Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `${bucketArn}/*` },
                            { Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListAllMyBuckets"], Resource: "*" },
                            { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: keyArn },
                            { Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: "arn:aws:logs:*:*:log-group:/aws/lambda/cwsyn-*" },
                            { Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "CloudWatchSynthetics" } } },
                            // Only a canary in a VPC manages network interfaces (AWS, "Required roles
                            // and permissions for canaries": the VPC variant adds exactly these three).
                            ...(args.vpc
                                ? [{ Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"], Resource: "*" }]
                                : []),
                        ],
                    }),
                ),
            },
            { parent: this },
        );

        let vpcConfig: aws.types.input.synthetics.CanaryVpcConfig | undefined;
        if (args.vpc) {
            // Inside the VPC the check speaks only HTTPS: to the tenant's load balancer and the
            // CloudWatch interface endpoint (both inside the VPC), and to S3 through the gateway
            // endpoint (S3's public addresses, AWS's prefix list), where its artifacts go.
            const group = new aws.ec2.SecurityGroup(
                `${name}-sg`,
                { name: reservedPrefixFreeName("securityGroup", `${name}-sg`), vpcId: args.vpc.vpcId, description: "Availability check: HTTPS out only" },
                { parent: this },
            );
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-sg-https-out`,
                { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.vpc.cidr },
                { parent: this },
            );
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-sg-s3-out`,
                { securityGroupId: group.id, description: "HTTPS to S3 (artifacts) through the gateway endpoint", ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: args.vpc.s3PrefixListId },
                { parent: this },
            );
            vpcConfig = { subnetIds: args.vpc.subnetIds, securityGroupIds: [group.id] };
        }

        const canary = new aws.synthetics.Canary(
            `${name}-canary`,
            {
                name: canaryName(name),
                artifactS3Location: pulumi.interpolate`s3://${artifacts.bucket}/results/`,
                artifactConfig: { s3Encryption: { encryptionMode: "SSE_KMS", kmsKeyArn: args.kmsKeyArn } },
                executionRoleArn: role.arn,
                runtimeVersion: args.runtimeVersion,
                handler: "check.handler",
                s3Bucket: artifacts.bucket,
                s3Key: code.key,
                s3Version: code.versionId,
                schedule: { expression: availabilityScheduleExpression(everyMinutes) },
                runConfig: { timeoutInSeconds: 60, environmentVariables: { CHECK_URL: args.url, CHECK_PATH: path } },
                startCanary: true,
                successRetentionPeriod: 7,
                failureRetentionPeriod: 31,
                vpcConfig,
            },
            { parent: this },
        );

        // Two failed checks in a row (ten minutes) wake operations. A period without a run is not a
        // failure: runs drift across period boundaries, so one period may hold two and the next
        // none; "missing" judges on the runs there are. Silence is the next alarm's business.
        const alarm = new aws.cloudwatch.MetricAlarm(
            `${name}-alarm`,
            {
                alarmDescription: pulumi.interpolate`Availability check of ${args.url} failed: the login page did not answer 200 twice in a row`,
                namespace: "CloudWatchSynthetics",
                metricName: "SuccessPercent",
                dimensions: { CanaryName: canary.name },
                statistic: "Average",
                period: everyMinutes * 60,
                evaluationPeriods: AVAILABILITY_FAILED_RUNS_TO_ALARM,
                threshold: 100,
                comparisonOperator: "LessThanThreshold",
                treatMissingData: "missing",
                alarmActions: [args.alarmTopicArn],
                okActions: [args.alarmTopicArn],
            },
            { parent: this },
        );
        // A check that stops reporting alarms too, as itself: three periods in a row without a
        // single run (stopped, its runtime deprecated, or in a VPC without the CloudWatch and S3
        // endpoints) is a blind check, not a failing application. Missing data is what it watches.
        const silenceAlarm = new aws.cloudwatch.MetricAlarm(
            `${name}-silence-alarm`,
            {
                alarmDescription: pulumi.interpolate`Availability check of ${args.url} has not reported for ${AVAILABILITY_SILENT_PERIODS_TO_ALARM * everyMinutes} minutes: the check is blind (stopped, runtime deprecated, or no route to CloudWatch/S3), the application may be fine`,
                namespace: "CloudWatchSynthetics",
                metricName: "SuccessPercent",
                dimensions: { CanaryName: canary.name },
                statistic: "SampleCount",
                period: everyMinutes * 60,
                evaluationPeriods: AVAILABILITY_SILENT_PERIODS_TO_ALARM,
                datapointsToAlarm: AVAILABILITY_SILENT_PERIODS_TO_ALARM,
                threshold: 1,
                comparisonOperator: "LessThanThreshold",
                treatMissingData: "breaching",
                alarmActions: [args.alarmTopicArn],
                okActions: [args.alarmTopicArn],
            },
            { parent: this },
        );

        this.canaryName = canary.name;
        this.alarmArn = alarm.arn;
        this.alarmName = alarm.name;
        this.silenceAlarmArn = silenceAlarm.arn;
        this.registerOutputs({ canaryName: this.canaryName, alarmArn: this.alarmArn, alarmName: this.alarmName, silenceAlarmArn: this.silenceAlarmArn });
    }
}
