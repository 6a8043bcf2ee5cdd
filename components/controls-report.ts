import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { EVIDENCE_LOG_RETENTION_DAYS } from "../lib/network-plan";
import { reservedPrefixFreeName } from "../lib/naming";
import { componentType } from "./types";

/** The report's handler, a plain ES module the Lambda runtime loads as is (copied into dist/ by `npm run build`). */
export const REPORT_HANDLER_FILE = path.join(__dirname, "scripts", "weekly-controls-report.mjs");

/** Lambda runtime of the handler: the newest Node.js both the provider's enum and AWS's Lambda API (botocore lambda model, Runtime) list. */
export const REPORT_RUNTIME = "nodejs24.x";

/**
 * When the report runs: Mondays 06:00 UTC, after the weekend's patching, the Monday 01:00 inventory
 * and 02:00 compliance scan (components/patching.ts), before the working week. An EventBridge
 * schedule: six-field cron, at most 256 characters (PutRule ScheduleExpression, botocore events model).
 */
export const DEFAULT_REPORT_SCHEDULE = "cron(0 6 ? * MON *)";

/**
 * The resource data sync's name: one name for every region, so that a second owner in a region is
 * refused as AWS refuses it (a sync's name is unique per account and region: CreateResourceDataSync
 * ResourceDataSyncAlreadyExistsException, botocore ssm model) and the offline plan says so
 * (scripts/lib/plan/data-syncs.ts), instead of two syncs copying the same inventory twice.
 */
export const INVENTORY_SYNC_NAME = "controls-inventory";

/** Where the resource data sync writes inventory and compliance in the bucket; the reports go under `controls-reports/`. */
export const INVENTORY_PREFIX = "inventory";
export const REPORTS_PREFIX = "controls-reports";

/**
 * The saved Logs Insights queries (the handler's, components/scripts/weekly-controls-report.mjs;
 * the tests hold them equal), for an auditor to rerun over the region's `/vpc/flow-logs/` groups:
 * the groups of tenant stacks come and go, so the definitions name none and the first line says which.
 */
export const REJECTED_SOURCES_QUERY =
    'filter action = "REJECT"\n| stats count(*) as flows, sum(packets) as packets by @log, srcAddr\n| sort flows desc\n| limit 10000';
export const REJECTED_PORTS_QUERY =
    'filter action = "REJECT"\n| stats count(*) as flows, sum(packets) as packets by @log, dstPort, protocol\n| sort flows desc\n| limit 10000';
const QUERY_HEADER = "# Run over the region's VPC flow log groups (/vpc/flow-logs/<network>: each tenant network and the platform's)\n";

export interface ControlsReportArgs {
    /** The stack owning the region's controls (lib/guardduty-owner.ts): names the sync, the function and the queries. Required. */
    readonly stack: string;
    /** The region's operations topic, which receives the report. Required. */
    readonly operationsTopicArn: pulumi.Input<string>;
    /** The topic's KMS key: the function encrypts its message through SNS with it. Required. */
    readonly topicKeyArn: pulumi.Input<string>;
    /** Customer-managed key of the function's log group (its policy lets CloudWatch Logs use it). Required. */
    readonly logKeyArn: pulumi.Input<string>;
    /** The bucket receiving the evidence bucket's server access logs. Default: none (no access logging). */
    readonly accessLogBucket?: pulumi.Input<string>;
    /** When the report runs, an EventBridge `cron(...)` or `rate(...)` expression in UTC. Default: {@link DEFAULT_REPORT_SCHEDULE}. */
    readonly schedule?: string;
}

/** The evidence key's policy: the account administers it; S3 uses it for the account's callers; SSM's resource data syncs of the account encrypt with it. */
export function evidenceKeyPolicy(args: { accountId: string; region: string }): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "KeyAdministration",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${args.accountId}:root` },
                Action: [
                    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
                    "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
                    "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
                ],
                Resource: "*",
            },
            {
                Sid: "UseThroughS3",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": args.accountId, "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
            },
            {
                // Systems Manager User Guide, "Creating a resource data sync for Inventory": an encrypted
                // destination's key lets ssm.amazonaws.com generate data keys.
                Sid: "ResourceDataSyncsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "ssm.amazonaws.com" },
                Action: "kms:GenerateDataKey",
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": args.accountId }, ArnLike: { "aws:SourceArn": `arn:aws:ssm:*:${args.accountId}:resource-data-sync/*` } },
            },
        ],
    });
}

/** The evidence bucket's policy: TLS 1.2 or later only; SSM's resource data syncs of the account deliver under `inventory/`. */
export function evidenceBucketPolicy(args: { bucketArn: string; accountId: string }): string {
    const resources = [args.bucketArn, `${args.bucketArn}/*`];
    const fromSyncs = { StringEquals: { "aws:SourceAccount": args.accountId }, ArnLike: { "aws:SourceArn": `arn:aws:ssm:*:${args.accountId}:resource-data-sync/*` } };
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: resources, Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: resources, Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
            // Systems Manager User Guide, "Creating a resource data sync for Inventory": the bucket check and the delivery.
            { Sid: "ResourceDataSyncChecksBucket", Effect: "Allow", Principal: { Service: "ssm.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: args.bucketArn, Condition: fromSyncs },
            {
                Sid: "ResourceDataSyncDelivers",
                Effect: "Allow",
                Principal: { Service: "ssm.amazonaws.com" },
                Action: ["s3:PutObject", "s3:PutObjectTagging"],
                Resource: `${args.bucketArn}/${INVENTORY_PREFIX}/*/accountid=${args.accountId}/*`,
                Condition: { ...fromSyncs, StringEquals: { ...fromSyncs.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
        ],
    });
}

/** The function's permissions, nothing more: what the handler calls, on the resources it calls them on. */
export function reportRolePolicy(args: {
    accountId: string;
    region: string;
    topicArn: string;
    topicKeyArn: string;
    bucketArn: string;
    evidenceKeyArn: string;
    logGroupArn: string;
}): string {
    const logGroups = `arn:aws:logs:${args.region}:${args.accountId}:log-group`;
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${args.logGroupArn}:*` },
            { Sid: "FindFlowLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: `${logGroups}:*` },
            { Sid: "QueryFlowLogs", Effect: "Allow", Action: "logs:StartQuery", Resource: `${logGroups}:/vpc/flow-logs/*` },
            // GetQueryResults and ListResourceComplianceSummaries take no resource (Service Authorization Reference).
            { Sid: "ReadQueryResults", Effect: "Allow", Action: "logs:GetQueryResults", Resource: "*" },
            { Sid: "ReadPatchCompliance", Effect: "Allow", Action: "ssm:ListResourceComplianceSummaries", Resource: "*" },
            { Sid: "WriteReports", Effect: "Allow", Action: "s3:PutObject", Resource: `${args.bucketArn}/${REPORTS_PREFIX}/*` },
            {
                Sid: "EncryptReports",
                Effect: "Allow",
                Action: "kms:GenerateDataKey",
                Resource: args.evidenceKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
            },
            { Sid: "PublishReport", Effect: "Allow", Action: "sns:Publish", Resource: args.topicArn },
            {
                Sid: "EncryptReportMessage",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: args.topicKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `sns.${args.region}.amazonaws.com` } },
            },
        ],
    });
}

/** What the auditor reads: the evidence bucket (through S3, with its key) and the saved queries over the flow logs. */
export function auditorPolicy(args: { accountId: string; region: string; bucketArn: string; evidenceKeyArn: string }): string {
    const logGroups = `arn:aws:logs:${args.region}:${args.accountId}:log-group`;
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "ListEvidence", Effect: "Allow", Action: "s3:ListBucket", Resource: args.bucketArn },
            { Sid: "ReadEvidence", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: `${args.bucketArn}/*` },
            { Sid: "DecryptEvidence", Effect: "Allow", Action: "kms:Decrypt", Resource: args.evidenceKeyArn, Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } } },
            { Sid: "RerunSavedQueries", Effect: "Allow", Action: ["logs:DescribeQueryDefinitions", "logs:GetQueryResults", "logs:StopQuery"], Resource: "*" },
            { Sid: "FindFlowLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: `${logGroups}:*` },
            { Sid: "QueryFlowLogs", Effect: "Allow", Action: "logs:StartQuery", Resource: `${logGroups}:/vpc/flow-logs/*` },
        ],
    });
}

/**
 * The region's weekly controls, once per account and region (its owner stack, lib/guardduty-owner.ts):
 * - an evidence bucket (KMS, versioned, private, TLS only, kept when the stack goes) and its own key,
 *   which an auditor role (MFA) reads;
 * - the SSM resource data sync copying every server's inventory and patch compliance into it
 *   (one sync name per account and region: CreateResourceDataSync ResourceDataSyncAlreadyExistsException);
 * - the weekly report: a Lambda function run Mondays by an EventBridge schedule, reading the week's
 *   rejected flows per flow log group with Logs Insights and the patch compliance, writing the
 *   report to the bucket and publishing it to the operations topic;
 * - the report's queries saved (CloudWatch Logs query definitions) for an auditor to rerun.
 */
export class ControlsReport extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly functionArn: pulumi.Output<string>;
    public readonly auditorRoleArn: pulumi.Output<string>;

    constructor(name: string, args: ControlsReportArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("operations", "ControlsReport"), name, {}, opts);

        const schedule = args.schedule ?? DEFAULT_REPORT_SCHEDULE;
        if (!/^(cron|rate)\(.+\)$/.test(schedule) || schedule.length > 256) {
            throw new pulumi.ResourceError(`schedule: ${schedule.slice(0, 80)} is not allowed; expected an EventBridge cron(...) or rate(...) expression of at most 256 characters, e.g. ${DEFAULT_REPORT_SCHEDULE}`, this);
        }
        const parent = { parent: this };
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
        const region = aws.getRegionOutput({}, parent).region;

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `Evidence of the weekly controls of ${args.stack}: inventory, patch compliance, reports`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.all([accountId, region]).apply(([id, regionName]) => evidenceKeyPolicy({ accountId: id, region: regionName })),
                tags: { Name: `${name}-key`, tier: "audit" },
            },
            { parent: this, retainOnDelete: true },
        );
        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            {
                bucket: reservedPrefixFreeName("bucket", `${name}-bucket`, `${pulumi.getOrganization()}/${pulumi.getProject()}`),
                forceDestroy: false,
                tags: { Name: `${name}-bucket`, tier: "audit" },
            },
            { parent: this, retainOnDelete: true },
        );
        new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }] },
            parent,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            parent,
        );
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
        // S3 answers OperationAborted to concurrent configuration writes on one bucket.
        const bucketPolicy = new aws.s3.BucketPolicy(
            `${name}-bucket-policy`,
            { bucket: bucket.id, policy: pulumi.all([bucket.arn, accountId]).apply(([bucketArn, id]) => evidenceBucketPolicy({ bucketArn, accountId: id })) },
            { parent: this, dependsOn: [publicAccess] },
        );
        if (args.accessLogBucket !== undefined) {
            new aws.s3.BucketLogging(`${name}-access-logging`, { bucket: bucket.id, targetBucket: args.accessLogBucket, targetPrefix: `${args.stack}-controls/` }, parent);
        }

        new aws.ssm.ResourceDataSync(
            `${name}-inventory-sync`,
            {
                name: INVENTORY_SYNC_NAME,
                s3Destination: { bucketName: bucket.bucket, region, prefix: INVENTORY_PREFIX, syncFormat: "JsonSerDe", kmsKeyArn: key.arn },
            },
            { parent: this, dependsOn: [bucketPolicy] },
        );

        const auditor = new aws.iam.Role(
            `${name}-auditor`,
            {
                name: `${args.stack}-auditor`,
                description: `Auditors reading the controls evidence of ${args.stack}`,
                assumeRolePolicy: accountId.apply((id) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${id}:root` }, Action: "sts:AssumeRole", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }],
                    }),
                ),
                maxSessionDuration: 3600,
            },
            parent,
        );
        new aws.iam.RolePolicy(
            `${name}-auditor-policy`,
            {
                role: auditor.id,
                policy: pulumi.all([accountId, region, bucket.arn, key.arn]).apply(([id, regionName, bucketArn, evidenceKeyArn]) => auditorPolicy({ accountId: id, region: regionName, bucketArn, evidenceKeyArn })),
            },
            parent,
        );

        const functionName = `${args.stack}-controls-report`;
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-report-logs`,
            { name: `/aws/lambda/${functionName}`, kmsKeyId: args.logKeyArn, retentionInDays: EVIDENCE_LOG_RETENTION_DAYS, tags: { Name: `${name}-report-logs`, tier: "audit" } },
            parent,
        );
        const role = new aws.iam.Role(
            `${name}-report-role`,
            {
                description: `Runs the weekly controls report of ${args.stack}`,
                assumeRolePolicy: accountId.apply((id) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": id } } }],
                    }),
                ),
            },
            parent,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-report-role-policy`,
            {
                role: role.id,
                policy: pulumi
                    .all([accountId, region, args.operationsTopicArn, args.topicKeyArn, bucket.arn, key.arn, logGroup.arn])
                    .apply(([id, regionName, topicArn, topicKeyArn, bucketArn, evidenceKeyArn, logGroupArn]) =>
                        reportRolePolicy({ accountId: id, region: regionName, topicArn, topicKeyArn, bucketArn, evidenceKeyArn, logGroupArn }),
                    ),
            },
            parent,
        );
        const fn = new aws.lambda.Function(
            `${name}-report`,
            {
                name: functionName,
                description: "Weekly controls report: rejected flows per flow log group, patch compliance; to the operations topic and the evidence bucket",
                runtime: REPORT_RUNTIME,
                handler: "index.handler",
                code: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.FileAsset(REPORT_HANDLER_FILE) }),
                role: role.arn,
                // Lambda's maximum: the Logs Insights queries run one after the other.
                timeout: 900,
                memorySize: 256,
                environment: { variables: { STACK: args.stack, TOPIC_ARN: args.operationsTopicArn, BUCKET: bucket.bucket, LOG_GROUP_PREFIX: "/vpc/flow-logs/" } },
                loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
                tags: { Name: `${name}-report`, tier: "audit" },
            },
            { parent: this, dependsOn: [logGroup, rolePolicy] },
        );
        const rule = new aws.cloudwatch.EventRule(
            `${name}-schedule`,
            { description: `Weekly controls report of ${args.stack}`, scheduleExpression: schedule, state: "ENABLED" },
            parent,
        );
        new aws.lambda.Permission(`${name}-schedule-invokes`, { action: "lambda:InvokeFunction", function: fn.name, principal: "events.amazonaws.com", sourceArn: rule.arn }, parent);
        new aws.cloudwatch.EventTarget(`${name}-schedule-target`, { rule: rule.name, arn: fn.arn, targetId: "weekly-controls-report" }, parent);

        new aws.cloudwatch.QueryDefinition(`${name}-rejected-sources`, { name: `controls/${args.stack}/rejected-sources`, queryString: `${QUERY_HEADER}${REJECTED_SOURCES_QUERY}` }, parent);
        new aws.cloudwatch.QueryDefinition(`${name}-rejected-ports`, { name: `controls/${args.stack}/rejected-ports`, queryString: `${QUERY_HEADER}${REJECTED_PORTS_QUERY}` }, parent);

        this.bucketName = bucket.bucket;
        this.functionArn = fn.arn;
        this.auditorRoleArn = auditor.arn;
        this.registerOutputs({ bucketName: this.bucketName, functionArn: this.functionArn, auditorRoleArn: this.auditorRoleArn });
    }
}
