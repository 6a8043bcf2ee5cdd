import { describe, expect, it } from "vitest";

import {
    ACCESS_LOG_BUCKET_TAG,
    ACCESS_LOG_RETENTION_DAYS,
    AccessLogBucket,
    accessLogBucketPolicy,
    ELB_LOG_DELIVERY_ACCOUNTS,
    ELB_LOG_DELIVERY_SERVICE,
    loadBalancerLogPrefixProblems,
    S3_LOG_DELIVERY_SERVICE,
} from "../../components/access-log-bucket";
import { PLAN_ACCOUNT_ID } from "../../scripts/lib/plan/mocks";
import { REGIONS } from "../../lib/regions";
import { named, ofType, planProgram, TEST_REGION } from "../helpers";

interface Statement {
    Sid: string;
    Effect: string;
    Principal: unknown;
    Action: string;
    Resource: string | string[];
    Condition?: unknown;
}

function statementsOf(policy: unknown): Statement[] {
    return (JSON.parse(String(policy)) as { Statement: Statement[] }).Statement;
}

const ARN = "arn:aws:s3:::acme-access-logs-bucket";

describe("AccessLogBucket", () => {
    it("GIVEN defaults WHEN planned THEN one retained, versioned, SSE-S3, private, owner-enforced bucket tagged as a log destination expires logs after 400 days", async () => {
        const { plan } = await planProgram((provider) => {
            new AccessLogBucket("acme-access-logs", {}, { provider });
        });
        const buckets = ofType(plan.resources, "aws:s3/bucket:Bucket");
        expect(buckets.map((bucket) => bucket.name)).toEqual(["acme-access-logs-bucket"]);
        const bucket = buckets[0]!;
        expect(bucket.retainOnDelete).toBe(true);
        expect(bucket.inputs).toMatchObject({ forceDestroy: false, tags: { [ACCESS_LOG_BUCKET_TAG.key]: ACCESS_LOG_BUCKET_TAG.value } });
        expect(bucket.inputs.objectLockEnabled).toBeUndefined();
        expect(named(plan.resources, "acme-access-logs-versioning").inputs).toMatchObject({ bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
        // ALB access logs accept SSE-S3 only; a KMS default would make ELB refuse the bucket.
        expect(named(plan.resources, "acme-access-logs-encryption").inputs).toEqual({ bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
        expect(named(plan.resources, "acme-access-logs-public-access").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        expect(named(plan.resources, "acme-access-logs-ownership").inputs).toMatchObject({ bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
        expect(ACCESS_LOG_RETENTION_DAYS).toBe(400);
        expect(named(plan.resources, "acme-access-logs-expiry").inputs).toMatchObject({
            bucket: bucket.id,
            rules: [{ status: "Enabled", expiration: { days: 400 }, noncurrentVersionExpiration: { noncurrentDays: 400 } }],
        });
        const policy = named(plan.resources, "acme-access-logs-policy");
        expect(policy.inputs.policy).toBe(accessLogBucketPolicy({ bucketArn: `arn:aws:s3:::${bucket.id}`, accountId: PLAN_ACCOUNT_ID, region: TEST_REGION }));
        for (const resource of plan.resources.filter((r) => r.type !== "pulumi:providers:aws" && r.name !== "acme-access-logs")) {
            expect(resource.parent, resource.name).toBe("acme-access-logs");
        }
    });

    it("GIVEN a retention of 0 days WHEN constructed THEN it fails naming the field", async () => {
        await expect(
            planProgram((provider) => {
                new AccessLogBucket("acme-access-logs", { retentionDays: 0 }, { provider });
            }),
        ).rejects.toThrow(/retentionDays: 0 is not allowed; expected a whole number of days of at least 1/);
    });
});

describe("accessLogBucketPolicy", () => {
    it("GIVEN a region opened before August 2022 WHEN built THEN ELB's service principal and the region's ELB account may write under load-balancers/*/AWSLogs/<account>/, S3 logging under s3/ for this account, TLS 1.2 required", () => {
        const statements = statementsOf(accessLogBucketPolicy({ bucketArn: ARN, accountId: "123456789012", region: "eu-west-1" }));
        const elbWrites = `${ARN}/load-balancers/*/AWSLogs/123456789012/*`;
        expect(statements).toEqual([
            { Sid: "ElbLogDelivery", Effect: "Allow", Principal: { Service: ELB_LOG_DELIVERY_SERVICE }, Action: "s3:PutObject", Resource: elbWrites },
            { Sid: "ElbLogDeliveryAccount", Effect: "Allow", Principal: { AWS: "arn:aws:iam::156460612806:root" }, Action: "s3:PutObject", Resource: elbWrites },
            {
                Sid: "S3ServerAccessLogDelivery",
                Effect: "Allow",
                Principal: { Service: S3_LOG_DELIVERY_SERVICE },
                Action: "s3:PutObject",
                Resource: `${ARN}/s3/*`,
                Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
            },
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [ARN, `${ARN}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [ARN, `${ARN}/*`], Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
        ]);
    });

    it("GIVEN a region opened after August 2022 WHEN built THEN only ELB's service principal is named (such regions have no ELB account)", () => {
        const statements = statementsOf(accessLogBucketPolicy({ bucketArn: ARN, accountId: "123456789012", region: "eu-central-2" }));
        expect(statements.map((statement) => statement.Sid)).toEqual(["ElbLogDelivery", "S3ServerAccessLogDelivery", "DenyInsecureTransport", "DenyOutdatedTls"]);
    });

    it.each(REGIONS.map((region) => [region]))("GIVEN %s, a region tenants may live in, WHEN built THEN ELB may deliver there", (region) => {
        const statements = statementsOf(accessLogBucketPolicy({ bucketArn: ARN, accountId: "123456789012", region }));
        const elb = statements.filter((statement) => statement.Sid.startsWith("ElbLogDelivery"));
        expect(elb[0]!.Principal).toEqual({ Service: ELB_LOG_DELIVERY_SERVICE });
        const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
        expect(elb.slice(1).map((statement) => statement.Principal)).toEqual(account === undefined ? [] : [{ AWS: `arn:aws:iam::${account}:root` }]);
    });

    it("GIVEN the ELB account table WHEN compared with the regions THEN every entry is a supported region with a 12-digit account", () => {
        for (const [region, account] of Object.entries(ELB_LOG_DELIVERY_ACCOUNTS)) {
            expect(REGIONS, region).toContain(region);
            expect(account).toMatch(/^\d{12}$/);
        }
        expect(Object.keys(ELB_LOG_DELIVERY_ACCOUNTS)).toHaveLength(22);
    });
});

describe("loadBalancerLogPrefixProblems", () => {
    it.each([
        ["load-balancers/acme-front-door", []],
        ["load-balancers/AWSLogs-door", ['access log prefix "load-balancers/AWSLogs-door" includes "AWSLogs", which Elastic Load Balancing refuses (it adds AWSLogs/<account>/ itself); choose another name']],
        ["/load-balancers", ['access log prefix "/load-balancers" is not allowed; expected a non-empty path without a leading or trailing "/"']],
        ["", ['access log prefix "" is not allowed; expected a non-empty path without a leading or trailing "/"']],
        ["load balancers", ["access log prefix \"load balancers\" has characters outside S3's safe key characters; expected letters, digits and ! - _ . * ' ( ) /"]],
    ])("GIVEN %j WHEN checked THEN the problems are %j", (prefix, expected) => {
        expect(loadBalancerLogPrefixProblems(prefix)).toEqual(expected);
    });
});
