// The request-logging rules: load balancer access logs, web ACL logging, the audit bucket's access
// logging, trails leaving their log buckets out, and the KMS rule's narrow SSE-S3 exception. The
// compliant baseline is what the real components plan (AccessLogBucket, FrontDoor, AuditTrail);
// each case changes one thing and asserts the exact message.

import { beforeAll, describe, expect, it } from "vitest";

import { AccessLogBucket } from "../../components/access-log-bucket";
import { AuditTrail } from "../../components/audit-trail";
import { FrontDoor } from "../../components/front-door";
import { DATA_RULES } from "../../policy/rules/data";
import { enforceS3BucketKmsEncryption } from "../../policy/rules/data/enforceS3BucketKmsEncryption";
import { findingsOf } from "../../policy/rules/evaluate";
import { stackFromPlan } from "../../policy/rules/from-plan";
import { NETWORK_RULES } from "../../policy/rules/network";
import { enableLoadBalancerAccessLogs } from "../../policy/rules/network/enableLoadBalancerAccessLogs";
import { enableWebAclLogging } from "../../policy/rules/network/enableWebAclLogging";
import { OPERATIONS_RULES } from "../../policy/rules/operations";
import { disallowTrailLoggingLogBuckets } from "../../policy/rules/operations/disallowTrailLoggingLogBuckets";
import { enableAuditBucketAccessLogging } from "../../policy/rules/operations/enableAuditBucketAccessLogging";
import { Finding, PolicyResource, PolicyStack, Rule } from "../../policy/rules/types";
import { planProgram } from "../helpers";
import { changed, resource, SETTINGS, withProps, withResource, without } from "./fixtures-data";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const RULES: readonly Rule[] = [enforceS3BucketKmsEncryption, enableLoadBalancerAccessLogs, enableWebAclLogging, enableAuditBucketAccessLogging, disallowTrailLoggingLogBuckets];

let BASE: PolicyStack;

beforeAll(async () => {
    const { plan } = await planProgram(
        (provider) => {
            const logs = new AccessLogBucket("platform-access-logs", {}, { provider });
            new FrontDoor(
                "platform-front-door",
                {
                    vpcId: "vpc-0123",
                    vpcCidr: "10.15.0.0/16",
                    subnetIds: ["subnet-a", "subnet-b"],
                    internal: false,
                    domainName: "app.itm.example.net",
                    zoneId: "Z0123456789ABCDEFGHIJ",
                    suspiciousNetworks: [],
                    accessLogBucket: logs.bucketName,
                    logKeyArn: KEY,
                },
                { provider },
            );
            new AuditTrail("platform-audit", { kmsKeyArn: KEY, accessLogBucket: logs }, { provider });
        },
        { stack: "platform-eu-west-1" },
    );
    BASE = stackFromPlan({ tenant: "platform-eu-west-1", mode: "platform", resources: plan.resources });
});

function findings(rule: Rule, stack: PolicyStack): Finding[] {
    return findingsOf(rule, stack, SETTINGS);
}

function find(stack: PolicyStack, name: string): PolicyResource {
    const found = stack.resources.find((candidate) => candidate.name === name);
    if (found === undefined) {
        throw new Error(`no ${name}`);
    }
    return found;
}

const LOG_BUCKET = () => find(BASE, "platform-access-logs-bucket").id!;

describe("the request-logging rules", () => {
    it("are registered in their groups", () => {
        expect(DATA_RULES).toContain(enforceS3BucketKmsEncryption);
        expect(NETWORK_RULES).toContain(enableLoadBalancerAccessLogs);
        expect(NETWORK_RULES).toContain(enableWebAclLogging);
        expect(OPERATIONS_RULES).toContain(enableAuditBucketAccessLogging);
        expect(OPERATIONS_RULES).toContain(disallowTrailLoggingLogBuckets);
    });

    it.each(RULES.map((rule) => [rule.name, rule]))("GIVEN what the components plan WHEN judged by %s THEN it passes", (_, rule) => {
        expect(findings(rule, BASE)).toEqual([]);
    });
});

describe("s3-bucket-sse-kms-cmk on a request-log bucket", () => {
    const SSE_S3 = 'platform-access-logs-encryption: sseAlgorithm is "AES256": S3 encrypts with S3-managed keys, outside any key policy of ours; set sseAlgorithm "aws:kms" with a customer-managed kmsMasterKeyId';

    it("GIVEN the bucket without its role=access-logs marker WHEN judged THEN SSE-S3 is a violation again", () => {
        const stack = changed("platform-access-logs-bucket", (bucket) => ({ ...bucket, props: { ...bucket.props, tags: { Name: "platform-access-logs-bucket" } } }), BASE);
        expect(findings(enforceS3BucketKmsEncryption, stack)).toEqual([{ resource: "platform-access-logs-bucket", message: SSE_S3 }]);
    });

    it("GIVEN a marked bucket whose policy also lets a role write WHEN judged THEN the marker does not admit SSE-S3, naming the statement", () => {
        const policy = JSON.parse(String(find(BASE, "platform-access-logs-policy").props.policy)) as { Statement: unknown[] };
        policy.Statement.push({ Sid: "AppWrites", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/app" }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${LOG_BUCKET()}/*` });
        const stack = withProps("platform-access-logs-policy", { policy: JSON.stringify(policy) }, BASE);
        expect(findings(enforceS3BucketKmsEncryption, stack)).toEqual([
            {
                resource: "platform-access-logs-bucket",
                message:
                    'platform-access-logs-encryption: the bucket is tagged role: access-logs, which admits SSE-S3 only for a bucket that log delivery alone writes to, but its policy statement "AppWrites" allows AWS:arn:aws:iam::123456789012:role/app, which is no log delivery service; move other data to a KMS-encrypted bucket',
            },
        ]);
    });

    it("GIVEN a marked bucket with no encryption default at all WHEN judged THEN it is still a violation", () => {
        const stack = withProps("platform-access-logs-encryption", { rules: [{ bucketKeyEnabled: true }] }, BASE);
        expect(findings(enforceS3BucketKmsEncryption, stack)).toEqual([
            {
                resource: "platform-access-logs-bucket",
                message:
                    'platform-access-logs-encryption: no rule sets applyServerSideEncryptionByDefault: S3 encrypts with S3-managed keys (SSE-S3); add one with sseAlgorithm "aws:kms" and a customer-managed kmsMasterKeyId',
            },
        ]);
    });
});

describe("lb-access-logs-to-stack-bucket", () => {
    const ALB = "platform-front-door-alb";
    const onAlb = (message: string) => [{ resource: ALB, message }];
    const accessLogs = () => find(BASE, ALB).props.accessLogs as Record<string, unknown>;

    it("GIVEN access logs turned off WHEN judged THEN the load balancer is named", () => {
        const stack = withProps(ALB, { accessLogs: { ...accessLogs(), enabled: false } }, BASE);
        expect(findings(enableLoadBalancerAccessLogs, stack)).toEqual(
            onAlb("has no access logs (accessLogs.enabled is not true): the requests it serves are nowhere on record; enable them to a bucket of this stack (an AccessLogBucket)"),
        );
    });

    it("GIVEN no accessLogs at all WHEN judged THEN the load balancer is named", () => {
        expect(findings(enableLoadBalancerAccessLogs, withProps(ALB, { accessLogs: undefined }, BASE))).toEqual(
            onAlb("has no access logs (accessLogs.enabled is not true): the requests it serves are nowhere on record; enable them to a bucket of this stack (an AccessLogBucket)"),
        );
    });

    it("GIVEN a bucket of another stack WHEN judged THEN it is refused", () => {
        const stack = withProps(ALB, { accessLogs: { ...accessLogs(), bucket: "platform-eu-west-1-shared-logs" } }, BASE);
        expect(findings(enableLoadBalancerAccessLogs, stack)).toEqual(
            onAlb(
                'accessLogs.bucket "platform-eu-west-1-shared-logs" is no bucket of this stack: a tenant\'s requests belong in its own stack\'s log bucket, kept and deleted with its own retention',
            ),
        );
    });

    it("GIVEN a KMS-encrypted log bucket WHEN judged THEN ELB's SSE-S3-only rule is cited", () => {
        const stack = withProps("platform-access-logs-encryption", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY } }] }, BASE);
        expect(findings(enableLoadBalancerAccessLogs, stack)).toEqual(
            onAlb('its log bucket platform-access-logs-bucket is encrypted with "aws:kms": Elastic Load Balancing delivers access logs only to SSE-S3 buckets; set sseAlgorithm "AES256" on it'),
        );
    });

    it("GIVEN a log bucket whose policy does not admit ELB WHEN judged THEN AWS's refusal is predicted", () => {
        const policy = JSON.parse(String(find(BASE, "platform-access-logs-policy").props.policy)) as { Statement: { Sid: string }[] };
        const stack = withProps("platform-access-logs-policy", { policy: JSON.stringify({ ...policy, Statement: policy.Statement.filter((statement) => !statement.Sid.startsWith("Elb")) }) }, BASE);
        expect(findings(enableLoadBalancerAccessLogs, stack)).toEqual(
            onAlb(
                "its log bucket platform-access-logs-bucket's policy does not let Elastic Load Balancing's log delivery (logdelivery.elasticloadbalancing.amazonaws.com, or the region's ELB account) put objects under load-balancers/platform-front-door/AWSLogs/<account>/: AWS refuses to turn access logs on",
            ),
        );
    });

    it("GIVEN a prefix outside what the policy admits WHEN judged THEN the policy is found wanting", () => {
        const stack = withProps(ALB, { accessLogs: { ...accessLogs(), prefix: "elb/platform" } }, BASE);
        expect(findings(enableLoadBalancerAccessLogs, stack).map((finding) => finding.message)).toEqual([
            expect.stringContaining("does not let Elastic Load Balancing's log delivery") as unknown as string,
        ]);
    });

    it("GIVEN a prefix holding AWSLogs WHEN judged THEN ELB's refusal is named", () => {
        const stack = withProps(ALB, { accessLogs: { ...accessLogs(), prefix: "load-balancers/AWSLogs" } }, BASE);
        expect(findings(enableLoadBalancerAccessLogs, stack)[0]).toEqual({ resource: ALB, message: 'accessLogs.prefix "load-balancers/AWSLogs" includes "AWSLogs", which Elastic Load Balancing refuses' });
    });

    it("GIVEN a network load balancer WHEN judged THEN it is not applicable (its access logs cover TLS listeners only)", () => {
        expect(findings(enableLoadBalancerAccessLogs, withProps(ALB, { loadBalancerType: "network", accessLogs: undefined }, BASE))).toEqual([]);
    });
});

describe("wafv2-web-acl-logging", () => {
    const ACL = "platform-front-door-waf";
    const LOGGING = "platform-front-door-waf-logging";

    it("GIVEN no logging configuration WHEN judged THEN the web ACL is named", () => {
        expect(findings(enableWebAclLogging, without(LOGGING, BASE))).toEqual([
            {
                resource: ACL,
                message:
                    'has no logging configuration; expected an aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration whose resourceArn is this web ACL, to a "aws-waf-logs-..." log group of the stack',
            },
        ]);
    });

    it("GIVEN a logging configuration of another ACL WHEN judged THEN this one still has none", () => {
        const stack = withProps(LOGGING, { resourceArn: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/other/0f6b1d1e-1111-4222-8333-944444444444" }, BASE);
        expect(findings(enableWebAclLogging, stack)).toHaveLength(1);
    });

    it("GIVEN a log group not named aws-waf-logs- WHEN judged THEN WAF's naming rule is cited", () => {
        const stack = withProps("platform-front-door-waf-logs", { name: "/waf/platform-front-door" }, BASE);
        const renamed = withProps(LOGGING, { logDestinationConfigs: ["arn:aws:logs:eu-west-1:123456789012:log-group:/waf/platform-front-door"] }, stack);
        expect(findings(enableWebAclLogging, renamed)).toEqual([
            {
                resource: ACL,
                message: `${LOGGING} logs to log group platform-front-door-waf-logs named "/waf/platform-front-door"; WAF delivers only to a group whose name starts with "aws-waf-logs-"`,
            },
        ]);
    });

    it("GIVEN a destination outside the stack WHEN judged THEN it is named", () => {
        const stack = withProps(LOGGING, { logDestinationConfigs: ["arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-elsewhere"] }, BASE);
        expect(findings(enableWebAclLogging, stack)).toEqual([
            {
                resource: ACL,
                message: `${LOGGING} logs to "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-elsewhere", which is no log group of this stack; expected the stack's own encrypted log group`,
            },
        ]);
    });

    it.each([
        ["the cookie header", [{ singleHeader: { name: "authorization" } }], "cookie header"],
        ["both headers", undefined, "authorization and cookie headers"],
    ])("GIVEN %s not redacted WHEN judged THEN credentials in clear are named", (_, redactedFields, what) => {
        const stack = withProps(LOGGING, { redactedFields }, BASE);
        expect(findings(enableWebAclLogging, stack).map((finding) => finding.message)).toEqual([
            expect.stringMatching(new RegExp(`^${LOGGING} does not redact the ${what}: users' credentials would be logged in clear; add redactedFields singleHeader`)) as unknown as string,
        ]);
    });
});

describe("s3-audit-bucket-access-logging", () => {
    const LOGGING = "platform-audit-logs-access-logging";

    it("GIVEN the trail's bucket without server access logging WHEN judged THEN the bucket is named", () => {
        expect(findings(enableAuditBucketAccessLogging, without(LOGGING, BASE))).toEqual([
            {
                resource: "platform-audit-logs",
                message:
                    "the bucket of trail platform-audit-trail has no server access logging (aws:s3/bucketLogging:BucketLogging): nobody could tell who read or tried to read the audit record; log it to the stack's access-log bucket",
            },
        ]);
    });

    it("GIVEN the trail's bucket logging to itself WHEN judged THEN the loop is named", () => {
        const own = find(BASE, "platform-audit-logs").id;
        expect(findings(enableAuditBucketAccessLogging, withProps(LOGGING, { targetBucket: own }, BASE))).toEqual([
            { resource: "platform-audit-logs", message: `${LOGGING}: the bucket logs to itself, an endless loop of log deliveries (S3 advises against it); log to the stack's access-log bucket` },
        ]);
    });

    it("GIVEN a target that is no request-log bucket WHEN judged THEN the marker is asked for", () => {
        const stack = withResource(resource("aws:s3/bucket:Bucket", "platform-files-bucket", "platform-files-bucket-0a1b2c3", { forceDestroy: false }), BASE);
        expect(findings(enableAuditBucketAccessLogging, withProps(LOGGING, { targetBucket: "platform-files-bucket-0a1b2c3" }, stack))).toEqual([
            {
                resource: "platform-audit-logs",
                message: `${LOGGING}: targetBucket platform-files-bucket-0a1b2c3 is not a request-log bucket (tag role: access-logs), whose retention and writers the rules check; log to the stack's access-log bucket`,
            },
        ]);
    });

    it("GIVEN a target outside the stack WHEN judged THEN it is named", () => {
        expect(findings(enableAuditBucketAccessLogging, withProps(LOGGING, { targetBucket: "somewhere-else" }, BASE))).toEqual([
            { resource: "platform-audit-logs", message: `${LOGGING}: targetBucket "somewhere-else" is no bucket of this stack; log to the stack's access-log bucket` },
        ]);
    });

    it("GIVEN a stack without a trail WHEN judged THEN it is not applicable", () => {
        expect(findings(enableAuditBucketAccessLogging, without("platform-audit-trail", without(LOGGING, BASE)))).toEqual([]);
    });
});

describe("cloudtrail-data-events-exclude-log-buckets", () => {
    const TRAIL = "platform-audit-trail";
    const selectors = () => find(BASE, TRAIL).props.advancedEventSelectors as { name: string; fieldSelectors: Record<string, unknown>[] }[];
    const withArnField = (field: Record<string, unknown>) =>
        withProps(TRAIL, { advancedEventSelectors: selectors().map((selector) => ({ ...selector, fieldSelectors: selector.fieldSelectors.map((f) => (f.field === "resources.ARN" ? field : f)) })) }, BASE);

    it("GIVEN every S3 object but only the trail's own bucket left out WHEN judged THEN the access-log bucket's loop is named", () => {
        const own = find(BASE, "platform-audit-logs").id;
        expect(findings(disallowTrailLoggingLogBuckets, withArnField({ field: "resources.ARN", notStartsWiths: [`arn:aws:s3:::${own}/`] }))).toEqual([
            {
                resource: TRAIL,
                message: `its S3 data events include arn:aws:s3:::${LOG_BUCKET()}/*, a bucket its own deliveries go to: each delivery is recorded and delivered again, for ever; add it to resources.ARN notStartsWiths`,
            },
        ]);
    });

    it("GIVEN prefixes that reach no log bucket WHEN judged THEN it passes", () => {
        expect(findings(disallowTrailLoggingLogBuckets, withArnField({ field: "resources.ARN", startsWiths: ["arn:aws:s3:::acme-files-"] }))).toEqual([]);
    });

    it("GIVEN a prefix that reaches both log buckets WHEN judged THEN both are named", () => {
        expect(findings(disallowTrailLoggingLogBuckets, withArnField({ field: "resources.ARN", startsWiths: ["arn:aws:s3:::platform-"] }))).toHaveLength(2);
    });

    it("GIVEN classic S3 data event selectors WHEN judged THEN they are reported", () => {
        const stack = withProps(TRAIL, { advancedEventSelectors: undefined, eventSelectors: [{ dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }] }, BASE);
        expect(findings(disallowTrailLoggingLogBuckets, stack)).toEqual([
            {
                resource: TRAIL,
                message: "logs S3 object events through classic eventSelectors, which cannot leave out its own log buckets; use advancedEventSelectors with resources.ARN notStartsWiths",
            },
        ]);
    });
});
