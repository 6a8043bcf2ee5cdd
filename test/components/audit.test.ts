import { describe, expect, it } from "vitest";

import {
    ALL_S3_OBJECTS,
    AuditTrail,
    auditTrailArgsProblems,
    cloudTrailKeyStatements,
    LOG_GROUP_RETENTION_DAYS,
    trailBucketPolicy,
    trailEventSelectors,
    trailName,
} from "../../components/audit-trail";
import {
    findingEventPattern,
    GUARDDUTY_FEATURES,
    ThreatDetection,
    threatDetectionArgsProblems,
    topicPolicyStatementsForEvents,
} from "../../components/threat-detection";
import { PLAN_ACCOUNT_ID } from "../../scripts/lib/plan/mocks";
import { named, ofType, planProgram, TEST_REGION } from "../helpers";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:platform-eu-west-1-operations";
const TRAIL_ARN = `arn:aws:cloudtrail:${TEST_REGION}:${PLAN_ACCOUNT_ID}:trail/platform-audit`;
const ACCESS_LOGS = { bucketName: "platform-access-logs-bucket", bucketArn: "arn:aws:s3:::platform-access-logs-bucket" };

interface Statement {
    Sid: string;
    Effect: string;
    Principal: unknown;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

function statementsOf(policy: unknown): Statement[] {
    return (JSON.parse(String(policy)) as { Statement: Statement[] }).Statement;
}

describe("AuditTrail", () => {
    it("GIVEN only a key WHEN planned THEN one multi-region, validated, KMS-encrypted trail logs management and all S3 object events into its retained bucket", async () => {
        const { plan } = await planProgram((provider) => {
            new AuditTrail("platform-audit", { kmsKeyArn: KEY, accessLogBucket: ACCESS_LOGS }, { provider });
        });
        const trails = ofType(plan.resources, "aws:cloudtrail/trail:Trail");
        expect(trails.map((trail) => trail.name)).toEqual(["platform-audit-trail"]);
        const trail = trails[0]!;
        const bucket = named(plan.resources, "platform-audit-logs");
        expect(trail.inputs).toMatchObject({
            name: "platform-audit",
            s3BucketName: bucket.id,
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
            enableLogging: true,
            kmsKeyId: KEY,
        });
        expect(trail.inputs.eventSelectors).toBeUndefined();
        expect(trail.inputs.advancedEventSelectors).toEqual([
            { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
            {
                name: "S3 object events",
                fieldSelectors: [
                    { field: "eventCategory", equals: ["Data"] },
                    { field: "resources.type", equals: ["AWS::S3::Object"] },
                    { field: "resources.ARN", notStartsWiths: [`arn:aws:s3:::${bucket.id}/`, `${ACCESS_LOGS.bucketArn}/`] },
                ],
            },
        ]);
        for (const resource of plan.resources.filter((r) => r.type !== "pulumi:providers:aws" && r.name !== "platform-audit")) {
            expect(resource.parent, resource.name).toBe("platform-audit");
        }
    });

    it("GIVEN the log bucket WHEN planned THEN it is retained, versioned, KMS-encrypted, private, owner-enforced and expires after 400 days", async () => {
        const { plan } = await planProgram((provider) => {
            new AuditTrail("platform-audit", { kmsKeyArn: KEY, accessLogBucket: ACCESS_LOGS }, { provider });
        });
        const buckets = ofType(plan.resources, "aws:s3/bucket:Bucket");
        expect(buckets.map((bucket) => bucket.name)).toEqual(["platform-audit-logs"]);
        const bucket = buckets[0]!;
        expect(bucket.retainOnDelete).toBe(true);
        expect(bucket.inputs.forceDestroy).toBe(false);
        expect(named(plan.resources, "platform-audit-logs-versioning").inputs).toMatchObject({ bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
        expect(named(plan.resources, "platform-audit-logs-encryption").inputs).toMatchObject({
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY }, bucketKeyEnabled: true }],
        });
        expect(named(plan.resources, "platform-audit-logs-public-access").inputs).toMatchObject({
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        expect(named(plan.resources, "platform-audit-logs-ownership").inputs).toMatchObject({ bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
        expect(named(plan.resources, "platform-audit-logs-expiry").inputs).toMatchObject({
            bucket: bucket.id,
            rules: [{ status: "Enabled", expiration: { days: 400 }, noncurrentVersionExpiration: { noncurrentDays: 400 } }],
        });
    });

    it("GIVEN an access-log bucket WHEN planned THEN S3 logs every request to the trail's bucket into it, under s3/<bucket>/", async () => {
        const { plan } = await planProgram((provider) => {
            new AuditTrail("platform-audit", { kmsKeyArn: KEY, accessLogBucket: ACCESS_LOGS }, { provider });
        });
        const bucket = named(plan.resources, "platform-audit-logs");
        const logging = ofType(plan.resources, "aws:s3/bucketLogging:BucketLogging");
        expect(logging.map((resource) => resource.name)).toEqual(["platform-audit-logs-access-logging"]);
        expect(logging[0]!.inputs).toMatchObject({ bucket: bucket.id, targetBucket: ACCESS_LOGS.bucketName, targetPrefix: `s3/${bucket.id}/` });
        expect(logging[0]!.parent).toBe("platform-audit");
    });

    it("GIVEN the log bucket's policy WHEN planned THEN only this trail may write, handing objects to the owner, and non-TLS use is denied", async () => {
        const { plan } = await planProgram((provider) => {
            new AuditTrail("platform-audit", { kmsKeyArn: KEY, accessLogBucket: ACCESS_LOGS }, { provider });
        });
        const bucket = named(plan.resources, "platform-audit-logs");
        const policies = ofType(plan.resources, "aws:s3/bucketPolicy:BucketPolicy");
        expect(policies.map((policy) => policy.name)).toEqual(["platform-audit-logs-policy"]);
        expect(policies[0]!.inputs.bucket).toBe(bucket.id);
        expect(policies[0]!.inputs.policy).toBe(trailBucketPolicy({ bucketArn: `arn:aws:s3:::${bucket.id}`, accountId: PLAN_ACCOUNT_ID, trailArn: TRAIL_ARN }));
    });

    it("GIVEN CloudWatch Logs by default WHEN planned THEN the trail delivers to an encrypted log group through a role only this trail may assume", async () => {
        const { plan } = await planProgram((provider) => {
            new AuditTrail("platform-audit", { kmsKeyArn: KEY, accessLogBucket: ACCESS_LOGS }, { provider });
        });
        const group = named(plan.resources, "platform-audit-log-group");
        expect(group.inputs).toMatchObject({ name: "/aws/cloudtrail/platform-audit", kmsKeyId: KEY, retentionInDays: LOG_GROUP_RETENTION_DAYS });
        const role = named(plan.resources, "platform-audit-logs-role");
        expect(statementsOf(role.inputs.assumeRolePolicy)).toEqual([
            { Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } } },
        ]);
        const rolePolicy = named(plan.resources, "platform-audit-logs-role-policy");
        expect(rolePolicy.inputs.role).toBe(role.id);
        const groupArn = `arn:aws:logs:${TEST_REGION}:${PLAN_ACCOUNT_ID}:log-group:/aws/cloudtrail/platform-audit`;
        expect(statementsOf(rolePolicy.inputs.policy)).toEqual([
            { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${groupArn}:log-stream:${PLAN_ACCOUNT_ID}_CloudTrail_*` },
        ]);
        const trail = named(plan.resources, "platform-audit-trail");
        expect(trail.inputs.cloudWatchLogsGroupArn).toBe(`${groupArn}:*`);
        expect(trail.inputs.cloudWatchLogsRoleArn).toBe(`arn:aws:iam::${PLAN_ACCOUNT_ID}:role/${role.id}`);
    });

    it("GIVEN no CloudWatch Logs, bucket prefixes and 731 days WHEN planned THEN only those buckets' objects are logged, kept 731 days, with no log group or role", async () => {
        const { plan } = await planProgram((provider) => {
            new AuditTrail(
                "platform-audit",
                { kmsKeyArn: KEY, accessLogBucket: ACCESS_LOGS, cloudWatchLogs: false, retentionDays: 731, dataEventBucketArnPrefixes: ["arn:aws:s3:::acme-files-", "arn:aws:s3:::initech-files-"] },
                { provider },
            );
        });
        expect(ofType(plan.resources, "aws:cloudwatch/logGroup:LogGroup")).toEqual([]);
        expect(ofType(plan.resources, "aws:iam/role:Role")).toEqual([]);
        const trail = named(plan.resources, "platform-audit-trail");
        expect(trail.inputs.cloudWatchLogsGroupArn).toBeUndefined();
        expect(trail.inputs.cloudWatchLogsRoleArn).toBeUndefined();
        expect((trail.inputs.advancedEventSelectors as { fieldSelectors: unknown[] }[])[1]!.fieldSelectors[2]).toEqual({
            field: "resources.ARN",
            startsWiths: ["arn:aws:s3:::acme-files-", "arn:aws:s3:::initech-files-"],
        });
        expect(named(plan.resources, "platform-audit-logs-expiry").inputs).toMatchObject({ rules: [{ expiration: { days: 731 }, noncurrentVersionExpiration: { noncurrentDays: 731 } }] });
    });

    it("GIVEN a retention of 0 days WHEN constructed THEN it fails naming the field", async () => {
        await expect(
            planProgram((provider) => {
                new AuditTrail("platform-audit", { kmsKeyArn: KEY, accessLogBucket: ACCESS_LOGS, retentionDays: 0 }, { provider });
            }),
        ).rejects.toThrow(/retentionDays: 0 is not allowed; expected a whole number of days of at least 1/);
    });

    it("GIVEN a data-event prefix that is not an S3 ARN WHEN constructed THEN it fails naming the field and the value", async () => {
        await expect(
            planProgram((provider) => {
                new AuditTrail("platform-audit", { kmsKeyArn: KEY, accessLogBucket: ACCESS_LOGS, dataEventBucketArnPrefixes: ["acme-files"] }, { provider });
            }),
        ).rejects.toThrow(/dataEventBucketArnPrefixes: "acme-files" is not allowed; expected "arn:aws:s3" \(every bucket\)/);
    });

    it("GIVEN a name with no usable characters WHEN constructed THEN it fails naming the trail name it gives", async () => {
        await expect(
            planProgram((provider) => {
                new AuditTrail("--", { kmsKeyArn: KEY, accessLogBucket: ACCESS_LOGS }, { provider });
            }),
        ).rejects.toThrow(/name: "--" gives the trail name ""; expected at least 3/);
    });
});

describe("AuditTrail pure functions", () => {
    it.each([
        ["platform-audit", "platform-audit"],
        ["Platform Audit", "Platform-Audit"],
        ["a--b__c", "a-b-c"],
        ["-edge-", "edge"],
        ["x".repeat(140), "x".repeat(128)],
    ])("GIVEN %s WHEN made a trail name THEN it is %s", (name, expected) => {
        expect(trailName(name)).toBe(expected);
    });

    it.each([
        [{}, []],
        [{ retentionDays: 1, dataEventBucketArnPrefixes: [ALL_S3_OBJECTS, "arn:aws:s3:::acme-files-", "arn:aws:s3:::acme/path/"] }, []],
        [{ retentionDays: 1.5 }, ["retentionDays: 1.5 is not allowed; expected a whole number of days of at least 1"]],
        [
            { retentionDays: -1, dataEventBucketArnPrefixes: ["arn:aws:s3:::Acme"] },
            [
                "retentionDays: -1 is not allowed; expected a whole number of days of at least 1",
                'dataEventBucketArnPrefixes: "arn:aws:s3:::Acme" is not allowed; expected "arn:aws:s3" (every bucket) or "arn:aws:s3:::" followed by a bucket name or its beginning',
            ],
        ],
    ])("GIVEN %j WHEN validated THEN the problems are %j", (args, expected) => {
        expect(auditTrailArgsProblems("platform-audit", args)).toEqual(expected);
    });

    it.each([
        [[], 1, undefined],
        [[ALL_S3_OBJECTS], 2, { field: "resources.ARN", notStartsWiths: ["arn:aws:s3:::logs/", "arn:aws:s3:::access-logs/"] }],
        [["arn:aws:s3:::acme-"], 2, { field: "resources.ARN", startsWiths: ["arn:aws:s3:::acme-"] }],
        // A narrowed prefix that reaches a log bucket still leaves that bucket out.
        [["arn:aws:s3:::acme-", "arn:aws:s3:::access-"], 2, { field: "resources.ARN", startsWiths: ["arn:aws:s3:::acme-", "arn:aws:s3:::access-"], notStartsWiths: ["arn:aws:s3:::access-logs/"] }],
        [["arn:aws:s3:::logs/2026/"], 2, { field: "resources.ARN", startsWiths: ["arn:aws:s3:::logs/2026/"], notStartsWiths: ["arn:aws:s3:::logs/"] }],
    ])("GIVEN prefixes %j WHEN selecting events THEN %i selectors, the S3 one limited by %j", (prefixes, count, arnSelector) => {
        const selectors = trailEventSelectors(prefixes, ["arn:aws:s3:::logs", "arn:aws:s3:::access-logs"]);
        expect(selectors).toHaveLength(count);
        expect(selectors[0]).toEqual({ name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] });
        expect(selectors[1]?.fieldSelectors).toEqual(
            arnSelector && [{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }, arnSelector],
        );
    });

    it("GIVEN a bucket and a trail WHEN the bucket policy is built THEN CloudTrail may only read the ACL and write this account's logs as the owner's, and TLS is required", () => {
        const statements = statementsOf(trailBucketPolicy({ bucketArn: "arn:aws:s3:::logs", accountId: "123456789012", trailArn: TRAIL_ARN }));
        const thisTrail = { "aws:SourceArn": TRAIL_ARN, "aws:SourceAccount": "123456789012" };
        expect(statements).toEqual([
            { Sid: "CloudTrailAclCheck", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: "arn:aws:s3:::logs", Condition: { StringEquals: thisTrail } },
            {
                Sid: "CloudTrailWrite",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: "arn:aws:s3:::logs/AWSLogs/123456789012/*",
                Condition: { StringEquals: { ...thisTrail, "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
                Sid: "DenyOutdatedTls",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
                Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
            },
        ]);
        expect(statements.filter((statement) => statement.Effect === "Allow").map((statement) => statement.Principal)).toEqual([
            { Service: "cloudtrail.amazonaws.com" },
            { Service: "cloudtrail.amazonaws.com" },
        ]);
    });

    it("GIVEN a trail WHEN the key statements are built THEN CloudTrail may generate data keys for this account's trails on this trail's behalf and describe the key", () => {
        expect(cloudTrailKeyStatements({ accountId: "123456789012", trailArn: TRAIL_ARN })).toEqual([
            {
                Sid: "CloudTrailEncryptLogs",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "kms:GenerateDataKey*",
                Resource: "*",
                Condition: {
                    StringEquals: { "aws:SourceArn": TRAIL_ARN },
                    StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*" },
                },
            },
            {
                Sid: "CloudTrailDescribeKey",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "kms:DescribeKey",
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
            },
        ]);
    });
});

describe("ThreatDetection", () => {
    it("GIVEN only a topic WHEN planned THEN an enabled detector publishes every 15 minutes with S3, EBS malware and RDS login protection on and the rest off", async () => {
        const { plan } = await planProgram((provider) => {
            new ThreatDetection("platform-threats", { alarmTopicArn: TOPIC }, { provider });
        });
        const detectors = ofType(plan.resources, "aws:guardduty/detector:Detector");
        expect(detectors.map((detector) => detector.name)).toEqual(["platform-threats-detector"]);
        expect(detectors[0]!.inputs).toMatchObject({ enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" });
        const features = ofType(plan.resources, "aws:guardduty/detectorFeature:DetectorFeature");
        // The plan lists resources by name.
        expect(features.map((feature) => [feature.name, feature.inputs.name, feature.inputs.status, feature.inputs.detectorId])).toEqual([
            ["platform-threats-ebs-malware-protection", "EBS_MALWARE_PROTECTION", "ENABLED", detectors[0]!.id],
            ["platform-threats-eks-audit-logs", "EKS_AUDIT_LOGS", "DISABLED", detectors[0]!.id],
            ["platform-threats-lambda-network-logs", "LAMBDA_NETWORK_LOGS", "DISABLED", detectors[0]!.id],
            ["platform-threats-rds-login-events", "RDS_LOGIN_EVENTS", "ENABLED", detectors[0]!.id],
            ["platform-threats-runtime-monitoring", "RUNTIME_MONITORING", "DISABLED", detectors[0]!.id],
            ["platform-threats-s3-data-events", "S3_DATA_EVENTS", "ENABLED", detectors[0]!.id],
        ]);
        for (const resource of plan.resources.filter((r) => r.type !== "pulumi:providers:aws" && r.name !== "platform-threats")) {
            expect(resource.parent, resource.name).toBe("platform-threats");
        }
    });

    it("GIVEN the findings rule WHEN planned THEN it matches GuardDuty findings of severity 4 and above and targets the operations topic", async () => {
        const { plan } = await planProgram((provider) => {
            new ThreatDetection("platform-threats", { alarmTopicArn: TOPIC }, { provider });
        });
        const rules = ofType(plan.resources, "aws:cloudwatch/eventRule:EventRule");
        expect(rules.map((rule) => rule.name)).toEqual(["platform-threats-findings"]);
        expect(rules[0]!.inputs.state).toBe("ENABLED");
        expect(JSON.parse(String(rules[0]!.inputs.eventPattern))).toEqual({
            source: ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            detail: { severity: [{ numeric: [">=", 4] }] },
        });
        const targets = ofType(plan.resources, "aws:cloudwatch/eventTarget:EventTarget");
        expect(targets.map((target) => [target.name, target.inputs.arn, target.inputs.rule])).toEqual([["platform-threats-findings-to-operations", TOPIC, rules[0]!.id]]);
    });

    it("GIVEN runtime monitoring only, hourly updates and severity 7 WHEN planned THEN only runtime monitoring is on and only high findings reach operations", async () => {
        const { plan } = await planProgram((provider) => {
            new ThreatDetection(
                "platform-threats",
                { alarmTopicArn: TOPIC, features: ["RUNTIME_MONITORING"], findingPublishingFrequency: "ONE_HOUR", minimumSeverity: 7 },
                { provider },
            );
        });
        expect(named(plan.resources, "platform-threats-detector").inputs.findingPublishingFrequency).toBe("ONE_HOUR");
        const features = ofType(plan.resources, "aws:guardduty/detectorFeature:DetectorFeature");
        expect(features.filter((feature) => feature.inputs.status === "ENABLED").map((feature) => feature.inputs.name)).toEqual(["RUNTIME_MONITORING"]);
        expect(features).toHaveLength(GUARDDUTY_FEATURES.length);
        const rule = named(plan.resources, "platform-threats-findings");
        expect(JSON.parse(String(rule.inputs.eventPattern)).detail).toEqual({ severity: [{ numeric: [">=", 7] }] });
    });

    it("GIVEN a severity of 0 WHEN constructed THEN it fails naming the field", async () => {
        await expect(
            planProgram((provider) => {
                new ThreatDetection("platform-threats", { alarmTopicArn: TOPIC, minimumSeverity: 0 }, { provider });
            }),
        ).rejects.toThrow(/minimumSeverity: 0 is not allowed; expected a number from 1 to 10/);
    });

    it("GIVEN an unknown publishing frequency WHEN constructed THEN it fails naming the field", async () => {
        await expect(
            planProgram((provider) => {
                new ThreatDetection("platform-threats", { alarmTopicArn: TOPIC, findingPublishingFrequency: "DAILY" as "ONE_HOUR" }, { provider });
            }),
        ).rejects.toThrow(/findingPublishingFrequency: "DAILY" is not allowed; expected one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS/);
    });

    it("GIVEN the account's existing detector WHEN planned THEN it is read, not created: no detector, only EBS malware protection turned on, the findings rule tagged with its id", async () => {
        const id = "0123456789abcdef0123456789abcdef";
        const { plan } = await planProgram((provider) => {
            const detection = new ThreatDetection("platform-threats", { alarmTopicArn: TOPIC, detectorId: id }, { provider });
            return { detectorId: detection.detectorId };
        });
        expect(ofType(plan.resources, "aws:guardduty/detector:Detector")).toEqual([]);
        // Malware scanning is promised in every region: the one plan set on the adopted detector.
        expect(ofType(plan.resources, "aws:guardduty/detectorFeature:DetectorFeature").map((feature) => [feature.name, feature.inputs])).toEqual([
            ["platform-threats-ebs-malware-protection", { detectorId: id, name: "EBS_MALWARE_PROTECTION", status: "ENABLED" }],
        ]);
        expect(named(plan.resources, "platform-threats-findings").inputs.tags).toEqual({ "guardduty-detector": id });
        expect(ofType(plan.resources, "aws:cloudwatch/eventTarget:EventTarget").map((target) => target.inputs.arn)).toEqual([TOPIC]);
        expect(plan.outputs.detectorId).toBe(id);
    });

    it.each([
        [{ detectorId: "not-a-detector" }, /detectorId: "not-a-detector" is not a GuardDuty detector id; expected 32 hexadecimal characters/],
        [{ detectorId: "0123456789abcdef0123456789abcdef", features: ["S3_DATA_EVENTS" as const] }, /features: given with detectorId; an adopted detector's protection plans belong to its owner/],
    ])("GIVEN adoption args %j WHEN constructed THEN it fails naming the field", async (args, message) => {
        await expect(
            planProgram((provider) => {
                new ThreatDetection("platform-threats", { alarmTopicArn: TOPIC, ...args }, { provider });
            }),
        ).rejects.toThrow(message);
    });

    it("GIVEN an unmanaged feature WHEN constructed THEN it fails naming the field", async () => {
        await expect(
            planProgram((provider) => {
                new ThreatDetection("platform-threats", { alarmTopicArn: TOPIC, features: ["EKS_RUNTIME_MONITORING" as "RUNTIME_MONITORING"] }, { provider });
            }),
        ).rejects.toThrow(/features: "EKS_RUNTIME_MONITORING" is not allowed; expected some of S3_DATA_EVENTS, /);
    });
});

describe("ThreatDetection pure functions", () => {
    it.each([
        [{}, []],
        [{ minimumSeverity: 1, findingPublishingFrequency: "SIX_HOURS" as const, features: [...GUARDDUTY_FEATURES] }, []],
        [{ minimumSeverity: 10 }, []],
        [{ minimumSeverity: 10.5 }, ["minimumSeverity: 10.5 is not allowed; expected a number from 1 to 10"]],
        [{ minimumSeverity: Number.NaN }, ["minimumSeverity: NaN is not allowed; expected a number from 1 to 10"]],
        [
            { minimumSeverity: 0, findingPublishingFrequency: "NEVER" as "ONE_HOUR" },
            ['findingPublishingFrequency: "NEVER" is not allowed; expected one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS', "minimumSeverity: 0 is not allowed; expected a number from 1 to 10"],
        ],
    ])("GIVEN %j WHEN validated THEN the problems are %j", (args, expected) => {
        expect(threatDetectionArgsProblems(args)).toEqual(expected);
    });

    it.each([[4], [7], [8.5]])("GIVEN severity %d WHEN the pattern is built THEN it matches GuardDuty findings at or above it", (severity) => {
        expect(JSON.parse(findingEventPattern(severity))).toEqual({
            source: ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            detail: { severity: [{ numeric: [">=", severity] }] },
        });
    });

    it("GIVEN a topic and a rule WHEN the topic statements are built THEN EventBridge may publish to that topic for that rule only", () => {
        const rule = "arn:aws:events:eu-west-1:123456789012:rule/platform-threats-findings";
        expect(topicPolicyStatementsForEvents(TOPIC, rule)).toEqual([
            {
                Sid: "GuardDutyFindingsFromEventBridge",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sns:Publish",
                Resource: TOPIC,
                Condition: { ArnEquals: { "aws:SourceArn": rule } },
            },
        ]);
    });
});
