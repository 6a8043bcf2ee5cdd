// Request logging over whole stacks of every mode with a load balancer (and saas, which has none):
// each door logs to its own stack's access-log bucket, each web firewall to its own stack's
// encrypted `aws-waf-logs-` group, the home platform's trail bucket is access-logged and left out
// of the trail's data events; a region opened after August 2022 grants ELB's service principal only.

import { beforeAll, describe, expect, it } from "vitest";

import { platformFixture } from "../fixtures/platform-configs";
import { quotasRaised } from "../helpers";
import { ELB_LOG_DELIVERY_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE } from "../../components/access-log-bucket";
import { evaluate } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { enforceS3BucketKmsEncryption } from "../../policy/rules/data/enforceS3BucketKmsEncryption";
import { enableLoadBalancerAccessLogs } from "../../policy/rules/network/enableLoadBalancerAccessLogs";
import { enableWebAclLogging } from "../../policy/rules/network/enableWebAclLogging";
import { disallowTrailLoggingLogBuckets } from "../../policy/rules/operations/disallowTrailLoggingLogBuckets";
import { enableAuditBucketAccessLogging } from "../../policy/rules/operations/enableAuditBucketAccessLogging";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { resolveTenant, Tenant, TenantDocument } from "../../stacks/config/tenant";
import { ofType, stackOf, T, tagsOf } from "../graph";

const HOME = "eu-west-1";
const NEW_REGION = "eu-central-2"; // opened after August 2022: no ELB log-delivery account

const DOCS: TenantDocument[] = [
    { tenant: "solo", company: "Solo", mode: "saas", region: HOME },
    { tenant: "stark", company: "Stark", mode: "dedicated-saas", region: HOME, domain: { subdomain: "stark" } },
    { tenant: "cloudy", company: "Cloudy", mode: "cloud", region: HOME, domain: { subdomain: "cloudy" }, network: { cidr: "10.61.0.0/16" } },
    {
        tenant: "hooli",
        company: "Hooli",
        mode: "vpn",
        region: HOME,
        domain: { subdomain: "hooli" },
        network: { cidr: "10.50.0.0/22" },
        vpn: { customerGatewayIp: "81.2.69.142", corporateCidrs: ["192.168.0.0/20"] },
    },
    {
        tenant: "fortknox",
        company: "Fort Knox",
        mode: "physical",
        region: HOME,
        domain: { own: "pm.fortknox.example" },
        network: { cidr: "10.60.0.0/16" },
        compute: { instanceType: "m6i.xlarge", instances: 2 },
    },
    { tenant: "zurich", company: "Zurich", mode: "cloud", region: NEW_REGION, domain: { subdomain: "zurich" }, network: { cidr: "10.62.0.0/16" } },
];
const tenants: Tenant[] = DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));

const LOG_BUCKET = T.bucket;
const WAF_LOGGING = T.webAclLogging;
const WEB_ACL = T.webAcl;
const BUCKET_LOGGING = T.bucketLogging;
const BUCKET_POLICY = T.bucketPolicy;
const TRAIL = T.trail;

let document: PlanDocument;
beforeAll(async () => {
    // Room for the recovery environments' VPCs, counted in their off-site regions; eu-central-2 is an
    // opt-in region: an account that enabled it.
    document = await planFleet({ tenants, platformRegions: [HOME, NEW_REGION], platforms: platformFixture([HOME, NEW_REGION]), quotas: quotasRaised({ vpcs: 10, internetGateways: 10 }, [NEW_REGION]) });
    expect(document.errors).toEqual([]);
});

const planOf = (id: string): TenantPlan => stackOf(document, id);
const accessLogBuckets = (plan: TenantPlan) => ofType(plan, LOG_BUCKET).filter((bucket) => tagsOf(bucket).role === "access-logs");
const WITH_DOORS = ["stark", "cloudy", "hooli", "fortknox", "zurich", `platform-${HOME}`, `platform-${NEW_REGION}`].map((id) => [id] as const);
const WITH_FIREWALLS = ["stark", "cloudy", "fortknox", "zurich", `platform-${HOME}`, `platform-${NEW_REGION}`].map((id) => [id] as const);

describe("load balancer access logs", () => {
    it.each(WITH_DOORS)("GIVEN %s WHEN planned THEN every load balancer logs to the one access-log bucket of its own stack, under load-balancers/<door>", (id) => {
        const plan = planOf(id);
        const buckets = accessLogBuckets(plan);
        expect(buckets.map((bucket) => bucket.name)).toEqual([`${id}-access-logs-bucket`]);
        const balancers = ofType(plan, T.loadBalancer);
        expect(balancers.length).toBeGreaterThan(0);
        for (const balancer of balancers) {
            expect(balancer.inputs.accessLogs, balancer.name).toEqual({ enabled: true, bucket: buckets[0]!.id, prefix: `load-balancers/${balancer.name.replace(/-alb$/, "")}` });
        }
    });

    it("GIVEN a saas tenant WHEN planned THEN it has no load balancer and no log bucket of its own (the platform's door logs its requests)", () => {
        expect(ofType(planOf("solo"), T.loadBalancer)).toEqual([]);
        expect(ofType(planOf("solo"), LOG_BUCKET)).toEqual([]);
    });

    it.each([
        ["cloudy", HOME],
        ["zurich", NEW_REGION],
    ])("GIVEN %s in %s WHEN planned THEN its bucket policy names ELB's service principal, and the region's ELB account only where the region has one", (id, region) => {
        const plan = planOf(id);
        const bucket = accessLogBuckets(plan)[0]!;
        const policy = ofType(plan, BUCKET_POLICY).find((candidate) => candidate.inputs.bucket === bucket.id)!;
        const principals = (JSON.parse(String(policy.inputs.policy)) as { Statement: { Sid: string; Principal: unknown }[] }).Statement.filter((statement) => statement.Sid.startsWith("Elb")).map(
            (statement) => statement.Principal,
        );
        const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
        expect(principals).toEqual([{ Service: ELB_LOG_DELIVERY_SERVICE }, ...(account === undefined ? [] : [{ AWS: `arn:aws:iam::${account}:root` }])]);
    });
});

describe("web firewall logs", () => {
    it.each(WITH_FIREWALLS)("GIVEN %s WHEN planned THEN every web ACL logs to an aws-waf-logs- group of its stack, encrypted with the stack's own data key, credentials redacted", (id) => {
        const plan = planOf(id);
        const acls = ofType(plan, WEB_ACL);
        const loggings = ofType(plan, WAF_LOGGING);
        expect(loggings).toHaveLength(acls.length);
        const keys = ofType(plan, T.kmsKey).filter((key) => key.name.endsWith("-keys-data"));
        expect(keys).toHaveLength(1);
        for (const logging of loggings) {
            const [destination] = logging.inputs.logDestinationConfigs as string[];
            const group = ofType(plan, T.logGroup).find((candidate) => destination === `arn:aws:logs:${plan.region}:${String(destination).split(":")[4]}:log-group:${String(candidate.inputs.name)}`);
            expect(group, logging.name).toBeDefined();
            expect(String(group!.inputs.name)).toMatch(/^aws-waf-logs-/);
            expect(group!.inputs.kmsKeyId).toBe(`arn:aws:kms:${plan.region}:${String(destination).split(":")[4]}:key/${keys[0]!.id}`);
            expect(logging.inputs.redactedFields).toEqual([{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }]);
        }
    });

    it("GIVEN a vpn tenant (internal door, no firewall) WHEN planned THEN there is nothing to log but the load balancer's access logs", () => {
        expect(ofType(planOf("hooli"), WEB_ACL)).toEqual([]);
        expect(ofType(planOf("hooli"), WAF_LOGGING)).toEqual([]);
    });
});

describe("the audit trail's buckets", () => {
    it("GIVEN the home platform WHEN planned THEN the trail's bucket is access-logged into the platform's access-log bucket and the trail leaves both out of its data events", () => {
        const plan = planOf(`platform-${HOME}`);
        const [trail] = ofType(plan, TRAIL);
        const logBucket = accessLogBuckets(plan)[0]!;
        const loggings = ofType(plan, BUCKET_LOGGING);
        // The trail's bucket and the weekly controls' evidence bucket, both into the request-log bucket.
        expect(loggings.filter((logging) => logging.inputs.bucket === trail!.inputs.s3BucketName).map((logging) => logging.inputs.targetBucket)).toEqual([logBucket.id]);
        expect(loggings.map((logging) => [logging.parent, logging.inputs.targetBucket]).sort()).toEqual(
            [[`platform-${HOME}-audit`, logBucket.id], [`platform-${HOME}-controls`, logBucket.id]].sort(),
        );
        const s3 = (trail!.inputs.advancedEventSelectors as { fieldSelectors: { field: string; notStartsWiths?: string[] }[] }[])[1]!;
        expect(s3.fieldSelectors.find((field) => field.field === "resources.ARN")).toEqual({
            field: "resources.ARN",
            notStartsWiths: [`arn:aws:s3:::${String(trail!.inputs.s3BucketName)}/`, `arn:aws:s3:::${logBucket.id}/`],
        });
    });

    it("GIVEN a platform that reads the home region's trail WHEN planned THEN it has no trail bucket to log", () => {
        expect(ofType(planOf(`platform-${NEW_REGION}`), TRAIL)).toEqual([]);
        // Only the weekly controls' evidence bucket of its own is logged there.
        expect(ofType(planOf(`platform-${NEW_REGION}`), BUCKET_LOGGING).map((logging) => logging.parent)).toEqual([`platform-${NEW_REGION}-controls`]);
    });
});

describe("the fleet under the request-logging rules", () => {
    const REQUEST_LOGGING = [enforceS3BucketKmsEncryption, enableLoadBalancerAccessLogs, enableWebAclLogging, enableAuditBucketAccessLogging, disallowTrailLoggingLogBuckets];

    it("GIVEN every stack WHEN judged THEN nothing is found (the access-log buckets' SSE-S3 included)", () => {
        const violations = document.tenants.flatMap((plan) => evaluate(stackFromPlan(plan), settingsFor(plan, document), REQUEST_LOGGING));
        expect(violations).toEqual([]);
    });
});
