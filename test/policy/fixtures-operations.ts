// Compliant baselines for the operations rules, shaped like the offline plan's stacks (ids and ARNs
// as the mocks make them): a tenant stack with its backups, database, files bucket and network,
// and a platform stack that adds the audit trail and threat detection. Each test changes one field.

import { BACKUP_PROMISE, BackupTarget, rulesFor } from "../../lib/promises/backup-schedule";
import { PolicyResource, PolicySettings, PolicyStack, StackKind } from "../../policy/rules/types";

export const ACCOUNT = "123456789012";
export const HOME_REGION = "eu-west-1";
export const OFFSITE_REGION = "eu-central-1";

function resource(type: string, name: string, id: string | undefined, props: Record<string, unknown>, parent: string | null = null): PolicyResource {
    return { type, name, id, parent, props, protect: false, retainOnDelete: false };
}

/** The names and ids of a data stack's resources, for tests to change them. */
export function idsOf(stack: string): {
    vault: string;
    offsiteVault: string;
    offsiteVaultArn: string;
    databasePlan: string;
    filesPlan: string;
    databaseArn: string;
    bucket: string;
    vpc: string;
} {
    return {
        vault: `${stack}-backup-vault-2ad6088`,
        offsiteVault: `${stack}-backup-offsite-vault-cdc97f2`,
        offsiteVaultArn: `arn:aws:backup:${OFFSITE_REGION}:${ACCOUNT}:backup-vault:${stack}-backup-offsite-vault-cdc97f2`,
        databasePlan: "a4f8195a-f4c8-469b-ab6c-fd2f6c3790e2",
        filesPlan: "b9348594-119f-4357-aa03-7458f0789fe5",
        databaseArn: `arn:aws:rds:${HOME_REGION}:${ACCOUNT}:db:${stack}-database-db-90abff8`,
        bucket: `${stack}-files-bucket-1a2ff47`,
        vpc: "vpc-ea0664e7e1cd95584",
    };
}

function planRules(stack: string, target: BackupTarget): Record<string, unknown>[] {
    const ids = idsOf(stack);
    return rulesFor(target, BACKUP_PROMISE).map((rule) => ({
        ruleName: rule.name,
        targetVaultName: ids.vault,
        schedule: rule.schedule,
        startWindow: rule.startWindowMinutes,
        completionWindow: rule.completionWindowMinutes,
        lifecycle: { deleteAfter: rule.keepDays.home },
        copyActions: [{ destinationVaultArn: ids.offsiteVaultArn, lifecycle: { deleteAfter: rule.keepDays.offsite } }],
        recoveryPointTags: { "backup-rule": rule.name },
    }));
}

function provider(stack: string, kind: StackKind, name: string, id: string, region: string): PolicyResource {
    return resource("pulumi:providers:aws", name, id, {
        region,
        defaultTags: { tags: { tenant: stack, mode: kind, "managed-by": "pulumi/tenant-platform", environment: "production" } },
    });
}

/** A compliant stack that owns data: providers, locked vaults, both backup plans and their selections, RDS, files bucket, VPC with flow log. */
export function dataStack(stack = "acme", kind: StackKind = "cloud"): PolicyStack {
    const ids = idsOf(stack);
    const backup = `${stack}-backup`;
    return {
        stack,
        kind,
        resources: [
            provider(stack, kind, `${stack}-aws`, "8252d724-45bd-4776-a10c-63f0fe6ff7c3", HOME_REGION),
            provider(stack, kind, `${stack}-aws-offsite`, "c8b2a073-98fb-4c89-a3ba-e2df60d99512", OFFSITE_REGION),
            resource("aws:backup/vault:Vault", `${backup}-vault`, ids.vault, {
                forceDestroy: false,
                kmsKeyArn: `arn:aws:kms:${HOME_REGION}:${ACCOUNT}:key/19c07a3a-acb3-4b46-a5fe-b3f5adaa1b3b`,
                tags: { tier: "data" },
            }, backup),
            resource("aws:backup/vaultLockConfiguration:VaultLockConfiguration", `${backup}-vault-lock`, "vault-lock-configuration-42e67c5c6c9b57ab8", {
                backupVaultName: ids.vault,
                minRetentionDays: 7,
                maxRetentionDays: 366,
            }, backup),
            resource("aws:backup/vaultNotifications:VaultNotifications", `${backup}-vault-notifications`, ids.vault, {
                backupVaultName: ids.vault,
                snsTopicArn: `arn:aws:sns:${HOME_REGION}:${ACCOUNT}:platform-${HOME_REGION}-operations-8f3a2c1`,
                backupVaultEvents: ["BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED", "S3_BACKUP_OBJECT_FAILED"],
            }, backup),
            resource("aws:backup/vault:Vault", `${backup}-offsite-vault`, ids.offsiteVault, {
                forceDestroy: false,
                kmsKeyArn: `arn:aws:kms:${OFFSITE_REGION}:${ACCOUNT}:key/1676ac7f-2a22-43ff-a4ec-82c0666c7bf4`,
                tags: { tier: "data" },
            }, backup),
            resource("aws:backup/vaultLockConfiguration:VaultLockConfiguration", `${backup}-offsite-vault-lock`, "vault-lock-configuration-9c5ee8c75c6364940", {
                backupVaultName: ids.offsiteVault,
                minRetentionDays: 7,
                maxRetentionDays: 366,
            }, backup),
            resource("aws:backup/plan:Plan", `${backup}-database-plan`, ids.databasePlan, { rules: planRules(stack, "database"), tags: { tier: "data" } }, backup),
            resource("aws:backup/selection:Selection", `${backup}-database-selection`, "selection-c8ada7da5323a649e", {
                iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/${backup}-role-7b07079`,
                planId: ids.databasePlan,
                resources: [ids.databaseArn],
            }, backup),
            resource("aws:backup/plan:Plan", `${backup}-files-plan`, ids.filesPlan, { rules: planRules(stack, "files"), tags: { tier: "data" } }, backup),
            resource("aws:backup/selection:Selection", `${backup}-files-selection`, "selection-62ed227cec8a0912d", {
                iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/${backup}-role-7b07079`,
                planId: ids.filesPlan,
                resources: [`arn:aws:s3:::${ids.bucket}`],
            }, backup),
            resource("aws:rds/instance:Instance", `${stack}-database-db`, "db-90ABFF87DB3964DC174736660C", {
                backupRetentionPeriod: 7,
                deletionProtection: true,
                engine: "postgres",
                maintenanceWindow: "sun:02:00-sun:03:00",
                storageEncrypted: true,
                tags: { Name: `${stack}-database`, tier: "data" },
            }, `${stack}-database`),
            resource("aws:lb/loadBalancer:LoadBalancer", `${stack}-front-door-alb`, `arn:aws:elasticloadbalancing:${HOME_REGION}:${ACCOUNT}:loadbalancer/app/${stack}-front-door-alb/50dc6c495c0c9188`, {
                enableDeletionProtection: true,
                internal: false,
                loadBalancerType: "application",
                tags: { Name: `${stack}-front-door` },
            }, `${stack}-front-door`),
            resource("aws:s3/bucket:Bucket", `${stack}-files-bucket`, ids.bucket, { forceDestroy: false, tags: { Name: `${stack}-files-bucket`, tier: "data" } }, `${stack}-files`),
            // An artifacts bucket is no tenant data: no backup is demanded for it.
            resource("aws:s3/bucket:Bucket", `${stack}-check-artifacts`, `${stack}-check-artifacts-aebfed8`, { forceDestroy: true }, `${stack}-check`),
            resource("aws:ec2/vpc:Vpc", `${stack}-network-vpc`, ids.vpc, { cidrBlock: "10.32.0.0/16", tags: { Name: `${stack}-network-vpc` } }, `${stack}-network`),
            resource("aws:ec2/flowLog:FlowLog", `${stack}-network-flow-log`, "fl-7bd799f430340ced7", {
                logDestination: `arn:aws:logs:${HOME_REGION}:${ACCOUNT}:log-group:/vpc/flow-logs/${stack}-network`,
                logDestinationType: "cloud-watch-logs",
                trafficType: "ALL",
                vpcId: ids.vpc,
                tags: { Name: `${stack}-network-flow-log` },
            }, `${stack}-network`),
        ],
    };
}

/** A compliant platform stack: a data stack plus the multi-region trail and the GuardDuty detector. */
export function platformStack(stack = `platform-${HOME_REGION}`): PolicyStack {
    const base = dataStack(stack, "platform");
    return {
        ...base,
        resources: [
            ...base.resources,
            resource("aws:cloudtrail/trail:Trail", `${stack}-audit-trail`, "trail-7b109618b64fd3a00", {
                advancedEventSelectors: [
                    { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
                    {
                        name: "S3 object events",
                        fieldSelectors: [
                            { field: "eventCategory", equals: ["Data"] },
                            { field: "resources.type", equals: ["AWS::S3::Object"] },
                            { field: "resources.ARN", notStartsWiths: [`arn:aws:s3:::${stack}-audit-logs-2fed280/`, `arn:aws:s3:::${stack}-access-logs-bucket-5b7e0c1/`] },
                        ],
                    },
                ],
                enableLogFileValidation: true,
                enableLogging: true,
                includeGlobalServiceEvents: true,
                isMultiRegionTrail: true,
                name: `${stack}-audit`,
                s3BucketName: `${stack}-audit-logs-2fed280`,
            }, `${stack}-audit`),
            // The trail's bucket, access-logged into the request-log bucket (AccessLogBucket).
            resource("aws:s3/bucket:Bucket", `${stack}-audit-logs`, `${stack}-audit-logs-2fed280`, { forceDestroy: false, tags: { tier: "audit" } }, `${stack}-audit`),
            resource("aws:s3/bucket:Bucket", `${stack}-access-logs-bucket`, `${stack}-access-logs-bucket-5b7e0c1`, { forceDestroy: false, tags: { role: "access-logs" } }, `${stack}-access-logs`),
            resource("aws:s3/bucketLogging:BucketLogging", `${stack}-audit-logs-access-logging`, `${stack}-audit-logs-2fed280`, {
                bucket: `${stack}-audit-logs-2fed280`,
                targetBucket: `${stack}-access-logs-bucket-5b7e0c1`,
                targetPrefix: `s3/${stack}-audit-logs-2fed280/`,
            }, `${stack}-audit`),
            resource("aws:guardduty/detector:Detector", `${stack}-detection-detector`, "detector-2ace75ec376b6d03c", {
                enable: true,
                findingPublishingFrequency: "FIFTEEN_MINUTES",
            }, `${stack}-detection`),
            // Its findings to operations (ThreatDetection): the rule, its target, the topic's policy admitting the rule.
            resource("aws:cloudwatch/eventRule:EventRule", `${stack}-detection-findings`, `${stack}-detection-findings-6f055ca`, {
                name: `${stack}-detection-findings-6f055ca`,
                eventPattern: JSON.stringify({ source: ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], detail: { severity: [{ numeric: [">=", 4] }] } }),
                state: "ENABLED",
            }, `${stack}-detection`),
            resource("aws:cloudwatch/eventTarget:EventTarget", `${stack}-detection-findings-to-operations`, "guardduty-findings-to-operations", {
                rule: `${stack}-detection-findings-6f055ca`,
                arn: `arn:aws:sns:${HOME_REGION}:${ACCOUNT}:${stack}-operations`,
                targetId: "guardduty-findings-to-operations",
            }, `${stack}-detection`),
            resource("aws:sns/topicPolicy:TopicPolicy", `${stack}-operations-topic-policy`, `arn:aws:sns:${HOME_REGION}:${ACCOUNT}:${stack}-operations`, {
                arn: `arn:aws:sns:${HOME_REGION}:${ACCOUNT}:${stack}-operations`,
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "GuardDutyFindings",
                            Effect: "Allow",
                            Principal: { Service: "events.amazonaws.com" },
                            Action: "sns:Publish",
                            Resource: `arn:aws:sns:${HOME_REGION}:${ACCOUNT}:${stack}-operations`,
                            Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:events:${HOME_REGION}:${ACCOUNT}:rule/${stack}-detection-findings-6f055ca` } },
                        },
                    ],
                }),
            }, `${stack}-operations`),
            // The region's weekly controls (ControlsReport): the inventory sync, the report on its schedule, the saved query.
            resource("aws:sns/topic:Topic", `${stack}-operations-topic`, `arn:aws:sns:${HOME_REGION}:${ACCOUNT}:${stack}-operations`, { name: `${stack}-operations` }),
            resource("aws:ssm/resourceDataSync:ResourceDataSync", `${stack}-controls-inventory-sync`, "controls-inventory", {
                name: "controls-inventory",
                s3Destination: { bucketName: `${stack}-controls-bucket-3c1d2e4`, region: HOME_REGION, prefix: "inventory", syncFormat: "JsonSerDe", kmsKeyArn: `arn:aws:kms:${HOME_REGION}:${ACCOUNT}:key/5d4c3b2a-0000-4000-8000-000000000009` },
            }, `${stack}-controls`),
            resource("aws:lambda/function:Function", `${stack}-controls-report`, `${stack}-controls-report`, {
                name: `${stack}-controls-report`,
                environment: { variables: { STACK: stack, TOPIC_ARN: `arn:aws:sns:${HOME_REGION}:${ACCOUNT}:${stack}-operations` } },
            }, `${stack}-controls`),
            resource("aws:cloudwatch/eventRule:EventRule", `${stack}-controls-schedule`, `${stack}-controls-schedule-6a1b2c3`, { scheduleExpression: "cron(0 6 ? * MON *)" }, `${stack}-controls`),
            resource("aws:cloudwatch/eventTarget:EventTarget", `${stack}-controls-schedule-target`, "weekly-controls-report", {
                rule: `${stack}-controls-schedule-6a1b2c3`,
                arn: `arn:aws:lambda:${HOME_REGION}:${ACCOUNT}:function:${stack}-controls-report`,
            }, `${stack}-controls`),
            resource("aws:cloudwatch/queryDefinition:QueryDefinition", `${stack}-controls-rejected-sources`, "7e6d5c4b-0000-4000-8000-000000000001", {
                queryString: 'filter action = "REJECT"\n| stats count(*) as flows by @log, srcAddr',
            }, `${stack}-controls`),
        ],
    };
}

/** A saas tenant's stack: only its provider (its data lives in the platform's stores). */
export function saasStack(stack = "brightpath"): PolicyStack {
    return { stack, kind: "saas", resources: [provider(stack, "saas", `${stack}-aws`, "0c8a3d0e-5f3b-4f0f-9a55-6f3e0e7b2d11", HOME_REGION)] };
}

export const GLOBEX_MARKERS = ["10.21.0.0/16", "globex-files-bucket-657cc6b", "vpc-0b7c3d2e1f4a5b6c7", "a1b2c3d4-0000-4000-8000-000000000001"];

/** Settings of a fleet where `globex` is the other tenant. */
export const SETTINGS: PolicySettings = {
    operationsCidrs: ["10.0.0.0/16"],
    otherTenants: [{ tenant: "globex", markers: GLOBEX_MARKERS }],
};

/** The stack with the named resource's props changed (`change` gets a deep copy to edit, or returns new props). */
export function withProps(stack: PolicyStack, name: string, change: (props: Record<string, unknown>) => Record<string, unknown> | void): PolicyStack {
    let found = false;
    const resources = stack.resources.map((candidate) => {
        if (candidate.name !== name) {
            return candidate;
        }
        found = true;
        const copy = structuredClone(candidate.props) as Record<string, unknown>;
        return { ...candidate, props: change(copy) ?? copy };
    });
    if (!found) {
        throw new Error(`no resource named ${name} in ${stack.stack}`);
    }
    return { ...stack, resources };
}

/** The stack with the named resource replaced (e.g. its id changed). */
export function withResource(stack: PolicyStack, name: string, change: (resource: PolicyResource) => PolicyResource): PolicyStack {
    if (!stack.resources.some((candidate) => candidate.name === name)) {
        throw new Error(`no resource named ${name} in ${stack.stack}`);
    }
    return { ...stack, resources: stack.resources.map((candidate) => (candidate.name === name ? change(candidate) : candidate)) };
}

export function without(stack: PolicyStack, ...names: string[]): PolicyStack {
    for (const name of names) {
        if (!stack.resources.some((candidate) => candidate.name === name)) {
            throw new Error(`no resource named ${name} in ${stack.stack}`);
        }
    }
    return { ...stack, resources: stack.resources.filter((candidate) => !names.includes(candidate.name)) };
}

export function adding(stack: PolicyStack, ...resources: PolicyResource[]): PolicyStack {
    return { ...stack, resources: [...stack.resources, ...resources] };
}

export { resource as policyResource };
