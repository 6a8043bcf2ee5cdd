// The monthly cost estimate (scripts/lib/cost): the price table's shape, each resource kind priced
// from the table to the cent, unknowns reported as unknown (never zero), the per-mode totals, the
// delta between two estimates, and the estimate of the planned fixture fleet (test/fixtures/tenants, the examples' shape).

import { beforeAll, describe, expect, it } from "vitest";

import { toCents } from "../scripts/lib/cost/cents";
import { costDelta } from "../scripts/lib/cost/delta";
import { estimateByMode, estimateStack, PlannedStack, StackEstimate } from "../scripts/lib/cost/estimate";
import { FREE_TYPES } from "../scripts/lib/cost/free-types";
import { priceTableProblems, PRICES, USAGE_BASED } from "../scripts/lib/cost/price-table";
import { PRICED_TYPES } from "../scripts/lib/cost/pricers";
import { runsPerMonth } from "../scripts/lib/cost/pricers/management";
import { planFleet } from "../scripts/lib/plan/fleet";
import { loadFixtureFleet } from "./fixtures/fleet";

const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "eu-west-2", "us-west-2"];

type Resource = PlannedStack["resources"][number];

function stack(region: string, resources: Resource[], tenant = "acme"): PlannedStack {
    return { tenant, mode: "cloud", region, resources };
}

function resource(type: string, inputs: Record<string, unknown>, name = "acme-thing"): Resource {
    return { type, name, inputs };
}

/** [what, monthlyUsd] of every item of one resource priced alone. */
function charges(region: string, type: string, inputs: Record<string, unknown>): [string, number | null][] {
    return estimateStack(stack(region, [resource(type, inputs)])).items.map((item) => [item.what, item.monthlyUsd]);
}

describe("the price table", () => {
    it("GIVEN prices.json WHEN read THEN it carries its version, source, retrieval date and USD", () => {
        expect(PRICES.version).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
        expect(PRICES.source).toMatch(/list prices.*verify/s);
        expect(PRICES.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(PRICES.currency).toBe("USD");
        expect(PRICES.hoursPerMonth).toBe(730);
        expect(priceTableProblems(PRICES)).toEqual([]);
    });

    it.each(REGIONS)("GIVEN region %s WHEN its prices are listed THEN it has every regional price us-east-1 has, with the same variants", (region) => {
        const reference = PRICES.regions["us-east-1"]!;
        const prices = PRICES.regions[region]!;
        expect(Object.keys(prices).sort()).toEqual(Object.keys(reference).sort());
        for (const [key, price] of Object.entries(reference)) {
            if (typeof price === "object") {
                expect(Object.keys(prices[key] as object).sort(), `${region} ${key}`).toEqual(Object.keys(price).sort());
            }
        }
    });

    it("GIVEN the usage-based charges WHEN read THEN they are marked usage-based, not priced", () => {
        const usageBased = Object.entries(PRICES.uniform).filter(([, price]) => price === USAGE_BASED).map(([key]) => key).sort();
        expect(usageBased).toEqual(["backup.storage", "clientVpn.connection.hour", "cloudtrail.dataEvents", "config.items", "guardduty.analysis", "logs.ingestion", "s3.storage"]);
        for (const key of usageBased) {
            expect(PRICES.notes[key], key).toBeTruthy();
        }
    });

    it("GIVEN a table with a zero price, a missing currency and a bad date WHEN checked THEN each problem is named", () => {
        const bad = { ...PRICES, currency: "EUR", retrieved: "last year", regions: { "eu-west-1": { "elb.alb.hour": 0, "ec2.instance.hour": { "m6i.large": -1 } } } };
        expect(priceTableProblems(bad)).toEqual([
            'retrieved: "last year" is not a date (YYYY-MM-DD)',
            'currency: "EUR"; expected "USD"',
            'regions.eu-west-1.elb.alb.hour: 0; expected a positive number, positive numbers per variant, or "usage-based"',
            'regions.eu-west-1.ec2.instance.hour: {"m6i.large":-1}; expected a positive number, positive numbers per variant, or "usage-based"',
        ]);
    });

    it("GIVEN the free and the priced types WHEN compared THEN no type is both", () => {
        expect(PRICED_TYPES.filter((type) => FREE_TYPES[type] !== undefined)).toEqual([]);
    });
});

describe("estimateStack: each resource kind at the table's list prices", () => {
    const root30 = { volumeSize: 30, volumeType: "gp3" };
    it.each<[string, string, string, Record<string, unknown>, [string, number | null][]]>([
        // 0.107 $/h × 730 h; 30 GiB × 0.088; 7 metrics × 0.30
        ["an m6i.large", "eu-west-1", "aws:ec2/instance:Instance", { instanceType: "m6i.large", rootBlockDevice: root30, monitoring: true }, [
            ["m6i.large × 730 h", 78.11],
            ["root volume 30 GiB gp3", 2.64],
            ["detailed monitoring (7 metrics)", 2.1],
        ]],
        // 0.0416 × 730 = 30.368; 30 × 0.08
        ["a t3.medium", "us-east-1", "aws:ec2/instance:Instance", { instanceType: "t3.medium", rootBlockDevice: root30 }, [
            ["t3.medium × 730 h", 30.37],
            ["root volume 30 GiB gp3", 2.4],
        ]],
        // the host bills the instance; its root volume is still billed: 30 × 0.0952 = 2.856
        ["an instance on a Dedicated Host", "eu-central-1", "aws:ec2/instance:Instance", { instanceType: "m6i.xlarge", tenancy: "host", hostId: "h-1", rootBlockDevice: root30 }, [
            ["m6i.xlarge on a Dedicated Host (billed by the host)", 0],
            ["root volume 30 GiB gp3", 2.86],
        ]],
        // 8.096 × 730
        ["an m6i Dedicated Host", "eu-central-1", "aws:ec2/dedicatedHost:DedicatedHost", { instanceFamily: "m6i", availabilityZone: "eu-central-1a" }, [["m6i dedicated host × 730 h", 5910.08]]],
        // 5.069 × 730 = 3700.37: a host by instance type is priced by its family
        ["an m5 host by instance type", "us-east-1", "aws:ec2/dedicatedHost:DedicatedHost", { instanceType: "m5.24xlarge" }, [["m5 dedicated host × 730 h", 3700.37]]],
        ["a 500 GiB gp3 volume", "eu-central-1", "aws:ebs/volume:Volume", { size: 500, type: "gp3" }, [["volume 500 GiB gp3", 47.6]]],
        ["a volume of the default type (gp2)", "us-east-1", "aws:ebs/volume:Volume", { size: 100 }, [["volume 100 GiB gp2", 10]]],
        // 100 × 0.08 + 3000 extra IOPS × 0.005 + 125 extra MB/s × 0.04
        ["a gp3 volume with extra IOPS and throughput", "us-east-1", "aws:ebs/volume:Volume", { size: 100, type: "gp3", iops: 6000, throughput: 250 }, [
            ["volume 100 GiB gp3, 6000 IOPS, 250 MB/s", 28],
        ]],
        // 100 × 0.125 + 4000 × 0.065
        ["an io2 volume", "us-east-1", "aws:ebs/volume:Volume", { size: 100, type: "io2", iops: 4000 }, [["volume 100 GiB io2, 4000 IOPS", 272.5]]],
        // 0.176 × 730 × 2; 150 × 0.127 × 2
        ["a Multi-AZ PostgreSQL db.m6g.large", "eu-west-1", "aws:rds/instance:Instance", { engine: "postgres", instanceClass: "db.m6g.large", multiAz: true, allocatedStorage: 150, storageType: "gp3" }, [
            ["postgres db.m6g.large Multi-AZ × 730 h", 256.96],
            ["150 GiB gp3 Multi-AZ", 38.1],
        ]],
        // 0.065 × 730; 20 × 0.115
        ["a single-AZ PostgreSQL db.t4g.medium", "us-east-1", "aws:rds/instance:Instance", { engine: "postgres", instanceClass: "db.t4g.medium", multiAz: false, allocatedStorage: 20, storageType: "gp3" }, [
            ["postgres db.t4g.medium single-AZ × 730 h", 47.45],
            ["20 GiB gp3 single-AZ", 2.3],
        ]],
        // (0.0252 + 1 LCU × 0.008) × 730 = 24.236; 2 addresses × 0.005 × 730
        ["an internet-facing ALB in two subnets", "eu-west-1", "aws:lb/loadBalancer:LoadBalancer", { loadBalancerType: "application", internal: false, subnets: ["subnet-a", "subnet-b"] }, [
            ["application load balancer × 730 h + 1 LCU (assumed)", 24.24],
            ["2 public IPv4 addresses × 730 h", 7.3],
        ]],
        // (0.0225 + 0.008) × 730 = 22.265, rounded half up
        ["an internal ALB", "us-east-1", "aws:lb/loadBalancer:LoadBalancer", { internal: true, subnets: ["subnet-a", "subnet-b"] }, [["application load balancer × 730 h + 1 LCU (assumed)", 22.27]]],
        // 0.011 × 2 AZs × 730
        ["an interface endpoint in two subnets", "eu-west-1", "aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.eu-west-1.ssm", subnetIds: ["subnet-a", "subnet-b"] }, [
            ["interface endpoint com.amazonaws.eu-west-1.ssm in 2 AZs × 730 h", 16.06],
        ]],
        ["a gateway endpoint (free)", "eu-west-1", "aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.eu-west-1.s3" }, []],
        ["a transit gateway attachment", "us-east-1", "aws:ec2transitgateway/vpcAttachment:VpcAttachment", { subnetIds: ["subnet-a"] }, [["transit gateway attachment × 730 h", 36.5]]],
        ["a site-to-site VPN connection", "eu-west-2", "aws:ec2/vpnConnection:VpnConnection", { staticRoutesOnly: true }, [["site-to-site VPN connection × 730 h", 36.5]]],
        ["a Client VPN subnet association", "us-west-2", "aws:ec2clientvpn/networkAssociation:NetworkAssociation", { subnetId: "subnet-a" }, [["Client VPN subnet association × 730 h", 73]]],
        // 0.055 × 730
        ["a Small AD Connector", "eu-west-1", "aws:directoryservice/directory:Directory", { type: "ADConnector", size: "Small" }, [["AD Connector (Small) × 730 h", 40.15]]],
        ["a KMS key", "eu-central-1", "aws:kms/key:Key", { enableKeyRotation: true }, [["customer managed key", 1]]],
        ["a Secrets Manager secret", "eu-central-1", "aws:secretsmanager/secret:Secret", {}, [["secret", 0.4]]],
        ["a hosted zone", "us-east-1", "aws:route53/zone:Zone", { name: "itm.example.net" }, [["hosted zone", 0.5]]],
        // Route 53 pricing: 0.50 per health check of an AWS endpoint + 1.00 per optional feature (HTTPS, string matching, fast interval, latency).
        ["an HTTPS health check every 30 s", "eu-west-1", "aws:route53/healthCheck:HealthCheck", { type: "HTTPS", requestInterval: 30, failureThreshold: 3 }, [["health check of an AWS endpoint + HTTPS", 1.5]]],
        ["an HTTPS health check every 10 s", "eu-west-1", "aws:route53/healthCheck:HealthCheck", { type: "HTTPS", requestInterval: 10 }, [["health check of an AWS endpoint + HTTPS, fast interval", 2.5]]],
        [
            "an HTTPS string-matching health check measuring latency",
            "us-east-1",
            "aws:route53/healthCheck:HealthCheck",
            { type: "HTTPS_STR_MATCH", searchString: "Sign in", measureLatency: true },
            [["health check of an AWS endpoint + HTTPS, string matching, latency measurement", 3.5]],
        ],
        ["an HTTP health check", "us-east-1", "aws:route53/healthCheck:HealthCheck", { type: "HTTP" }, [["health check of an AWS endpoint", 0.5]]],
        // Free by themselves (free-types.ts): each test restore is billed as a restore, by usage.
        ["a restore testing plan (free)", "eu-central-1", "aws:backup/restoreTestingPlan:RestoreTestingPlan", { scheduleExpression: "cron(0 3 ? * 2#1 *)" }, []],
        ["a restore testing selection (free)", "eu-central-1", "aws:backup/restoreTestingSelection:RestoreTestingSelection", { protectedResourceType: "RDS" }, []],
        // 5 + 6 × 1
        ["a web ACL with six rules", "eu-west-1", "aws:wafv2/webAcl:WebAcl", { rules: [{}, {}, {}, {}, {}, {}] }, [["web ACL + 6 rules", 11]]],
        ["an advanced SSM parameter", "eu-west-1", "aws:ssm/parameter:Parameter", { tier: "Advanced" }, [["advanced parameter", 0.05]]],
        ["a standard SSM parameter (free)", "eu-west-1", "aws:ssm/parameter:Parameter", { tier: "Standard" }, []],
        // 43,200 min / 5 = 8,640 runs × 0.0012 = 10.368
        ["a canary every 5 minutes", "eu-west-1", "aws:synthetics/canary:Canary", { schedule: { expression: "rate(5 minutes)" } }, [["canary rate(5 minutes): 8640 runs", 10.37]]],
        ["a canary every hour", "us-east-1", "aws:synthetics/canary:Canary", { schedule: { expression: "rate(1 hour)" } }, [["canary rate(1 hour): 720 runs", 0.86]]],
        ["a standard alarm", "us-east-1", "aws:cloudwatch/metricAlarm:MetricAlarm", { period: 300 }, [["standard alarm", 0.1]]],
        ["a high-resolution alarm", "us-east-1", "aws:cloudwatch/metricAlarm:MetricAlarm", { period: 10 }, [["high-resolution alarm", 0.3]]],
        ["a log metric filter's custom metric", "us-east-1", "aws:cloudwatch/logMetricFilter:LogMetricFilter", {}, [["custom metric", 0.3]]],
        ["a trail of management events only (free)", "us-east-1", "aws:cloudtrail/trail:Trail", { advancedEventSelectors: [{ fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] }] }, []],
        ["a public ACM certificate (free)", "us-east-1", "aws:acm/certificate:Certificate", { domainName: "itm.example.net" }, []],
    ])("GIVEN %s in %s WHEN estimated THEN its charges are exactly these", (_label, region, type, inputs, expected) => {
        expect(charges(region, type, inputs)).toEqual(expected);
    });

    it("GIVEN several priced resources WHEN estimated THEN the total is the sum of the items in whole cents", () => {
        const alarm = (name: string): Resource => resource("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 300 }, name);
        const estimate = estimateStack(stack("us-east-1", [alarm("a"), alarm("b"), alarm("c"), resource("aws:route53/zone:Zone", {}, "z")]));
        expect(estimate.monthlyUsd).toBe(0.8);
        expect(estimate.unknown).toEqual([]);
        expect(estimate.priceVersion).toBe(PRICES.version);
    });

    it("GIVEN only free resources WHEN estimated THEN they cost a known zero and are not listed", () => {
        const estimate = estimateStack(
            stack("eu-west-1", [
                resource("aws:ec2/securityGroup:SecurityGroup", {}),
                resource("aws:ec2/subnet:Subnet", {}),
                resource("aws:iam/role:Role", {}),
                resource("aws:ssm/association:Association", {}),
                resource("pulumi:providers:aws", {}),
                resource("pulumi:pulumi:StackReference", {}),
                resource("random:index/randomPassword:RandomPassword", {}),
                resource("tenant-platform:network:TenantNetwork", {}),
            ]),
        );
        expect(estimate).toMatchObject({ monthlyUsd: 0, items: [], unknown: [] });
    });
});

describe("estimateStack: what it cannot know is unknown, never zero", () => {
    it.each<[string, string, string, Record<string, unknown>, RegExp]>([
        ["a resource type the estimate does not know", "eu-west-1", "aws:neptune/cluster:Cluster", {}, /^resource type aws:neptune\/cluster:Cluster is neither priced nor known to be free/],
        ["a resource of another provider", "eu-west-1", "azure-native:compute:VirtualMachine", {}, /neither priced nor known to be free/],
        ["an instance in a region without prices", "ap-south-1", "aws:ec2/instance:Instance", { instanceType: "m6i.large", rootBlockDevice: { volumeSize: 30, volumeType: "gp3" } }, /^price table .* has no prices for region ap-south-1$/],
        ["an instance type without a price", "eu-west-1", "aws:ec2/instance:Instance", { instanceType: "x2iedn.32xlarge", rootBlockDevice: { volumeSize: 30, volumeType: "gp3" } }, /has no ec2\.instance\.hour price for x2iedn\.32xlarge in eu-west-1$/],
        ["a dedicated-tenancy instance", "eu-west-1", "aws:ec2/instance:Instance", { instanceType: "m6i.large", tenancy: "dedicated", rootBlockDevice: { volumeSize: 30, volumeType: "gp3" } }, /^tenancy dedicated: only shared-tenancy and Dedicated Host instances are priced$/],
        ["an st1 volume", "eu-west-1", "aws:ebs/volume:Volume", { size: 500, type: "st1" }, /has no ebs\.gb\.month price for st1 in eu-west-1$/],
        ["an io2 volume past the first IOPS tier", "us-east-1", "aws:ebs/volume:Volume", { size: 100, type: "io2", iops: 40000 }, /^io2 IOPS 40000: the table prices io2 IOPS up to 32000 only$/],
        ["a MySQL database", "us-east-1", "aws:rds/instance:Instance", { engine: "mysql", instanceClass: "db.m6g.large", allocatedStorage: 20, storageType: "gp3" }, /has no rds\.mysql\.hour price/],
        ["a network load balancer", "us-east-1", "aws:lb/loadBalancer:LoadBalancer", { loadBalancerType: "network", internal: true }, /^network load balancers are not in the price table$/],
        ["a Managed Microsoft AD", "us-east-1", "aws:directoryservice/directory:Directory", { type: "MicrosoftAD", edition: "Standard" }, /^MicrosoftAD directories are not in the price table$/],
        ["a canary on a cron schedule", "us-east-1", "aws:synthetics/canary:Canary", { schedule: { expression: "cron(0 * * * ? *)" } }, /is not a rate\(N minutes\|hours\|days\) expression$/],
        ["the Client VPN endpoint's connections", "eu-west-1", "aws:ec2clientvpn/endpoint:Endpoint", {}, /^usage-based: 0\.05 USD per connected client-hour/],
        ["GuardDuty", "eu-west-1", "aws:guardduty/detector:Detector", { enable: true }, /^usage-based: billed on the volume of CloudTrail events/],
        ["AWS Backup storage", "eu-west-1", "aws:backup/vault:Vault", {}, /^usage-based: billed per GB-month of backup data/],
        ["a calculated health check", "eu-west-1", "aws:route53/healthCheck:HealthCheck", { type: "CALCULATED" }, /^CALCULATED health check is not in the price table/],
        ["a bucket", "eu-west-1", "aws:s3/bucket:Bucket", {}, /^usage-based: billed per GB-month stored/],
        ["a log group", "eu-west-1", "aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 365 }, /^usage-based: billed per GB ingested/],
        ["a trail recording S3 data events", "eu-west-1", "aws:cloudtrail/trail:Trail", { advancedEventSelectors: [{ fieldSelectors: [{ field: "eventCategory", equals: ["Data"] }] }] }, /^usage-based: 0\.10 USD per 100,000 data events/],
        ["a volume of unknown size", "eu-west-1", "aws:ebs/volume:Volume", { type: "gp3" }, /^volume: size is not known at plan time/],
    ])("GIVEN %s (%s) WHEN estimated THEN it is listed as unknown with the reason", (_label, region, type, inputs, reason) => {
        const estimate = estimateStack(stack(region, [resource(type, inputs)]));
        expect(estimate.unknown.length).toBeGreaterThan(0);
        expect(estimate.unknown[0]).toEqual({ resource: "acme-thing", type, reason: expect.stringMatching(reason) });
        expect(estimate.items.find((item) => item.reason === estimate.unknown[0]!.reason)?.monthlyUsd).toBeNull();
    });

    it("GIVEN a region without prices WHEN a uniformly priced KMS key is estimated THEN it keeps its price and only regional prices are unknown", () => {
        const estimate = estimateStack(stack("ap-south-1", [resource("aws:kms/key:Key", {}, "key"), resource("aws:ec2/vpnConnection:VpnConnection", {}, "vpn")]));
        expect(estimate.monthlyUsd).toBe(1);
        expect(estimate.unknown).toEqual([{ resource: "vpn", type: "aws:ec2/vpnConnection:VpnConnection", reason: `price table ${PRICES.version} has no prices for region ap-south-1` }]);
    });
});

describe("toCents", () => {
    it.each([
        [1.005, 101],
        [22.265, 2227],
        [10.368, 1037],
        [0.1 + 0.2, 30],
        [0, 0],
    ])("GIVEN %f USD WHEN rounded THEN it is %i cents, half up despite binary floats", (usd, cents) => {
        expect(toCents(usd)).toBe(cents);
    });
});

describe("runsPerMonth", () => {
    it.each<[string, number | undefined]>([
        ["rate(5 minutes)", 8640],
        ["rate(1 minute)", 43200],
        ["rate(1 hour)", 720],
        ["rate(2 hours)", 360],
        ["rate(1 day)", 30],
        ["rate(0 minutes)", undefined],
        ["cron(0/5 * * * ? *)", undefined],
        ["", undefined],
    ])("GIVEN the schedule %j WHEN counted over a 30-day month THEN it runs %s times", (expression, runs) => {
        expect(runsPerMonth(expression, 43200)).toBe(runs);
    });
});

function estimateOf(tenant: string, mode: StackEstimate["mode"], monthlyUsd: number, unknown = 0): StackEstimate {
    return {
        tenant,
        mode,
        region: "eu-west-1",
        priceVersion: PRICES.version,
        monthlyUsd,
        items: [],
        unknown: Array.from({ length: unknown }, () => ({ resource: `${tenant}-files`, type: "aws:s3/bucket:Bucket", reason: "usage-based" })),
    };
}

describe("estimateByMode", () => {
    it("GIVEN stacks of several modes WHEN aggregated THEN each mode sums its stacks in the modes' order, platform last, absent modes left out", () => {
        const modes = estimateByMode([
            estimateOf("platform-eu-west-1", "platform", 1000.1, 3),
            estimateOf("globex", "cloud", 500.1, 2),
            estimateOf("acme", "cloud", 0.2, 1),
            estimateOf("brightpath", "saas", 0),
        ]);
        expect(modes).toEqual([
            { mode: "saas", tenants: ["brightpath"], monthlyUsd: 0, unknownItems: 0 },
            { mode: "cloud", tenants: ["acme", "globex"], monthlyUsd: 500.3, unknownItems: 3 },
            { mode: "platform", tenants: ["platform-eu-west-1"], monthlyUsd: 1000.1, unknownItems: 3 },
        ]);
    });
});

describe("costDelta", () => {
    const server = (type: string): Resource => resource("aws:ec2/instance:Instance", { instanceType: type, rootBlockDevice: { volumeSize: 30, volumeType: "gp3" } }, "acme-server");
    const key = resource("aws:kms/key:Key", {}, "acme-key");
    const secret = resource("aws:secretsmanager/secret:Secret", {}, "acme-secret");
    const bucket = resource("aws:s3/bucket:Bucket", {}, "acme-files");

    it("GIVEN a resized server, a new key, a removed secret and an unchanged bucket WHEN compared THEN each change and the exact delta are reported", () => {
        const before = estimateStack(stack("eu-west-1", [server("m6i.large"), secret, bucket]));
        const after = estimateStack(stack("eu-west-1", [server("m6i.xlarge"), key, bucket]));
        const delta = costDelta(before, after);
        // before: 78.11 + 2.64 + 0.40; after: 0.214 × 730 = 156.22, + 2.64 + 1.00
        expect(delta).toMatchObject({ tenant: "acme", beforeUsd: 81.15, afterUsd: 159.86, deltaUsd: 78.71 });
        expect(delta.changes).toEqual([
            {
                resource: "acme-server",
                type: "aws:ec2/instance:Instance",
                change: "changed",
                beforeUsd: 80.75,
                afterUsd: 158.86,
                deltaUsd: 78.11,
                whatBefore: "m6i.large × 730 h; root volume 30 GiB gp3",
                whatAfter: "m6i.xlarge × 730 h; root volume 30 GiB gp3",
            },
            { resource: "acme-key", type: "aws:kms/key:Key", change: "added", beforeUsd: null, afterUsd: 1, deltaUsd: 1, whatBefore: null, whatAfter: "customer managed key" },
            { resource: "acme-secret", type: "aws:secretsmanager/secret:Secret", change: "removed", beforeUsd: 0.4, afterUsd: null, deltaUsd: -0.4, whatBefore: "secret", whatAfter: null },
        ]);
        expect(delta.unknown).toEqual([{ resource: "acme-files", type: "aws:s3/bucket:Bucket", reason: expect.stringMatching(/^usage-based/) }]);
    });

    it("GIVEN a new stack WHEN compared with nothing THEN everything is added and the delta is its whole known cost", () => {
        const after = estimateStack(stack("eu-west-1", [key, bucket]));
        const delta = costDelta(undefined, after);
        expect(delta).toMatchObject({ beforeUsd: 0, afterUsd: 1, deltaUsd: 1 });
        expect(delta.changes.map((change) => [change.resource, change.change, change.deltaUsd])).toEqual([
            ["acme-key", "added", 1],
            ["acme-files", "added", null],
        ]);
    });

    it("GIVEN neither estimate WHEN compared THEN it refuses", () => {
        expect(() => costDelta(undefined, undefined)).toThrow(/^costDelta needs an estimate before or after the change$/);
    });
});

describe("the estimate of the planned fixture fleet", () => {
    let estimates: StackEstimate[];

    beforeAll(async () => {
        const fleet = loadFixtureFleet();
        expect(fleet.problems).toEqual([]);
        const regions = [...new Set(fleet.tenants.map((tenant) => tenant.region))];
        // phase two of vpn-sync (identity.connect), so the AD Connector is priced too
        const tenants = fleet.tenants.map((tenant) => (tenant.mode === "vpn-sync" ? { ...tenant, identity: { ...tenant.identity, connect: true } } : tenant));
        const document = await planFleet({ tenants, platformRegions: regions });
        expect(document.errors).toEqual([]);
        estimates = document.tenants.map((plan) => estimateStack(plan));
    }, 180_000);

    const tenants = (): StackEstimate[] => estimates.filter((estimate) => estimate.mode !== "platform");
    const byName = (tenant: string): StackEstimate => estimates.find((estimate) => estimate.tenant === tenant)!;

    it("GIVEN the fleet WHEN estimated THEN every fixture tenant with resources of its own has a positive known monthly cost", () => {
        expect(tenants().map((estimate) => estimate.tenant).sort()).toEqual([
            ...["acme", "acme-recovery", "brightpath", "globex", "globex-recovery", "helvetia-bank", "helvetia-bank-recovery", "initech", "initech-recovery", "northwind", "trial-lumen"],
        ]);
        for (const estimate of tenants().filter((estimate) => estimate.mode !== "saas")) {
            expect(estimate.monthlyUsd, estimate.tenant).toBeGreaterThan(0);
        }
        for (const estimate of estimates.filter((estimate) => estimate.mode === "platform")) {
            expect(estimate.monthlyUsd, estimate.tenant).toBeGreaterThan(0);
        }
    });

    it("GIVEN the fleet WHEN estimated THEN the saas tenants are the smallest: their own stack holds only free resources, a known zero", () => {
        const saas = tenants().filter((estimate) => estimate.mode === "saas");
        expect(saas.map((estimate) => [estimate.tenant, estimate.monthlyUsd, estimate.items, estimate.unknown])).toEqual([
            ["brightpath", 0, [], []],
            ["trial-lumen", 0, [], []],
        ]);
        const cheapestOther = Math.min(...tenants().filter((estimate) => estimate.mode !== "saas").map((estimate) => estimate.monthlyUsd));
        expect(Math.max(...saas.map((estimate) => estimate.monthlyUsd))).toBeLessThan(cheapestOther);
    });

    it("GIVEN the fleet WHEN estimated THEN only usage-based charges are unknown, and exactly these kinds", () => {
        const unknown = estimates.flatMap((estimate) => estimate.unknown);
        expect(unknown.filter((item) => !item.reason.startsWith("usage-based: "))).toEqual([]);
        expect([...new Set(unknown.map((item) => item.type))].sort()).toEqual([
            "aws:backup/vault:Vault",
            "aws:cfg/recorder:Recorder",
            "aws:cloudtrail/trail:Trail",
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:ec2clientvpn/endpoint:Endpoint",
            "aws:guardduty/detector:Detector",
            "aws:s3/bucket:Bucket",
        ]);
    });

    it("GIVEN the physical tenant WHEN estimated THEN its Dedicated Host is billed and the instances on it are not", () => {
        const items = byName("helvetia-bank").items;
        expect(items.filter((item) => item.type === "aws:ec2/dedicatedHost:DedicatedHost").map((item) => [item.what, item.monthlyUsd])).toEqual([["m6i dedicated host × 730 h", 5910.08]]);
        const instances = items.filter((item) => item.what.includes("on a Dedicated Host"));
        expect(instances.map((item) => item.monthlyUsd)).toEqual([0, 0, 0]);
    });

    it("GIVEN the vpn-sync tenant in phase two WHEN estimated THEN its AD Connector and VPN connection are priced", () => {
        const items = byName("acme").items.map((item) => [item.type, item.what, item.monthlyUsd]);
        expect(items).toContainEqual(["aws:directoryservice/directory:Directory", "AD Connector (Small) × 730 h", 40.15]);
        expect(items).toContainEqual(["aws:ec2/vpnConnection:VpnConnection", "site-to-site VPN connection × 730 h", 36.5]);
    });

    it("GIVEN the fleet WHEN aggregated per mode THEN the modes' totals add up to the stacks' totals", () => {
        const modes = estimateByMode(estimates);
        expect(modes.map((mode) => mode.mode)).toEqual(["saas", "dedicated-saas", "physical", "cloud", "vpn", "vpn-sync", "platform"]);
        const cents = (usd: number): number => Math.round(usd * 100);
        expect(modes.reduce((sum, mode) => sum + cents(mode.monthlyUsd), 0)).toBe(estimates.reduce((sum, estimate) => sum + cents(estimate.monthlyUsd), 0));
    });
});
