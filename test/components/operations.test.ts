import { describe, expect, it } from "vitest";

import { AvailabilityCheck, canaryName } from "../../components/availability-check";
import { tlsOnlyBucketPolicy } from "../../components/files-bucket";
import { named, ofType, planProgram } from "../helpers";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:platform-eu-west-1-operations";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const RUNTIME = "syn-nodejs-puppeteer-15.0";
const S3_PREFIX_LIST = "pl-6da54004";
const VPC = { vpcId: "vpc-0123", cidr: "172.20.0.0/20", subnetIds: ["subnet-a", "subnet-b"], s3PrefixListId: S3_PREFIX_LIST };

describe("AvailabilityCheck", () => {
    it("GIVEN a public URL WHEN planned THEN a canary checks the login page every 5 minutes from the internet and alarms operations", async () => {
        const { plan } = await planProgram((provider) => {
            new AvailabilityCheck("acme-check", { url: "https://acme.itm.example.net", alarmTopicArn: TOPIC, kmsKeyArn: KEY, runtimeVersion: RUNTIME }, { provider });
        });
        const canary = named(plan.resources, "acme-check-canary");
        expect(canary.inputs.schedule).toEqual({ expression: "rate(5 minutes)" });
        expect(canary.inputs.vpcConfig).toBeUndefined();
        expect(canary.inputs.runConfig).toMatchObject({ environmentVariables: { CHECK_URL: "https://acme.itm.example.net", CHECK_PATH: "/login" } });
        expect(canary.inputs.artifactConfig).toEqual({ s3Encryption: { encryptionMode: "SSE_KMS", kmsKeyArn: KEY } });
        const alarm = named(plan.resources, "acme-check-alarm");
        expect(alarm.inputs).toMatchObject({ namespace: "CloudWatchSynthetics", metricName: "SuccessPercent", period: 300, alarmActions: [TOPIC] });
        expect(alarm.inputs.dimensions).toEqual({ CanaryName: canary.inputs.name });
        for (const resource of plan.resources.filter((r) => r.type !== "pulumi:providers:aws" && r.name !== "acme-check")) {
            expect(resource.parent, resource.name).toBe("acme-check");
        }
    });

    it("GIVEN a check WHEN planned THEN its artifacts bucket is versioned, reachable only over TLS, and expires old artifacts and their versions", async () => {
        const { plan } = await planProgram((provider) => {
            new AvailabilityCheck("acme-check", { url: "https://acme.itm.example.net", alarmTopicArn: TOPIC, kmsKeyArn: KEY, runtimeVersion: RUNTIME }, { provider });
        });
        const bucket = named(plan.resources, "acme-check-artifacts");
        expect(named(plan.resources, "acme-check-artifacts-versioning").inputs).toEqual({ bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
        const policy = named(plan.resources, "acme-check-artifacts-tls-only");
        expect(policy.inputs.bucket).toBe(bucket.id);
        expect(policy.inputs.policy).toBe(tlsOnlyBucketPolicy(`arn:aws:s3:::${bucket.id}`));
        expect(named(plan.resources, "acme-check-artifacts-expiry").inputs.rules).toEqual([
            { id: "expire-check-artifacts", status: "Enabled", filter: {}, expiration: { days: 31 }, noncurrentVersionExpiration: { noncurrentDays: 7 } },
        ]);
        expect(ofType(plan.resources, "aws:s3/bucketPolicy:BucketPolicy")).toHaveLength(1);
        expect(ofType(plan.resources, "aws:s3/bucketVersioning:BucketVersioning")).toHaveLength(1);
    });

    it("GIVEN a VPN tenant's VPC WHEN planned THEN the canary runs inside it with HTTPS out to the VPC and to S3 through the gateway endpoint only", async () => {
        const { plan } = await planProgram((provider) => {
            new AvailabilityCheck("initech-check", { url: "https://pm.initech.com", alarmTopicArn: TOPIC, kmsKeyArn: KEY, runtimeVersion: RUNTIME, vpc: VPC }, { provider });
        });
        const canary = named(plan.resources, "initech-check-canary");
        const group = named(plan.resources, "initech-check-sg");
        expect(canary.inputs.vpcConfig).toEqual({ subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: [group.id] });
        const egress = ofType(plan.resources, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
        // The app and the CloudWatch (monitoring) interface endpoint are inside the VPC; the
        // artifacts go to S3's public addresses, which only the gateway endpoint's prefix list admits.
        expect(egress.map((rule) => rule.inputs)).toEqual([
            expect.objectContaining({ securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "172.20.0.0/20" }),
            expect.objectContaining({ securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: S3_PREFIX_LIST }),
        ]);
        expect(egress.every((rule) => rule.inputs.cidrIpv4 !== "0.0.0.0/0")).toBe(true);
        expect(ofType(plan.resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toEqual([]);
    });

    it("GIVEN a check in a VPC and one on the internet WHEN planned THEN only the VPC one may manage network interfaces", async () => {
        const statementsOf = async (vpc: typeof VPC | undefined): Promise<{ Action: string | string[] }[]> => {
            const { plan } = await planProgram((provider) => {
                new AvailabilityCheck("acme-check", { url: "https://acme.itm.example.net", alarmTopicArn: TOPIC, kmsKeyArn: KEY, runtimeVersion: RUNTIME, vpc }, { provider });
            });
            return JSON.parse(String(named(plan.resources, "acme-check-role-policy").inputs.policy)).Statement;
        };
        const ec2 = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"];
        expect((await statementsOf(VPC)).filter((statement) => String(statement.Action).startsWith("ec2:"))).toEqual([{ Effect: "Allow", Action: ec2, Resource: "*" }]);
        expect((await statementsOf(undefined)).flatMap((statement) => [statement.Action].flat()).filter((action) => action.startsWith("ec2:"))).toEqual([]);
    });

    it("GIVEN a runtime WHEN planned THEN the canary runs on exactly it (the platform setting decides, nothing is hard-coded)", async () => {
        const { plan } = await planProgram((provider) => {
            new AvailabilityCheck("acme-check", { url: "https://acme.itm.example.net", alarmTopicArn: TOPIC, kmsKeyArn: KEY, runtimeVersion: "syn-nodejs-puppeteer-99.0" }, { provider });
        });
        expect(named(plan.resources, "acme-check-canary").inputs.runtimeVersion).toBe("syn-nodejs-puppeteer-99.0");
    });

    it("GIVEN a check WHEN planned THEN a failing page and a silent check raise different alarms, and only silence counts missing runs", async () => {
        const { plan } = await planProgram((provider) => {
            new AvailabilityCheck("acme-check", { url: "https://acme.itm.example.net", alarmTopicArn: TOPIC, kmsKeyArn: KEY, runtimeVersion: RUNTIME }, { provider });
        });
        const canary = named(plan.resources, "acme-check-canary");
        const alarms = ofType(plan.resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
        expect(alarms.map((alarm) => alarm.name).sort()).toEqual(["acme-check-alarm", "acme-check-silence-alarm"]);
        expect(named(plan.resources, "acme-check-alarm").inputs).toMatchObject({
            statistic: "Average",
            threshold: 100,
            comparisonOperator: "LessThanThreshold",
            evaluationPeriods: 2,
            treatMissingData: "missing",
        });
        // No run in 15 minutes: SampleCount is missing, which this alarm counts as breaching.
        expect(named(plan.resources, "acme-check-silence-alarm").inputs).toMatchObject({
            namespace: "CloudWatchSynthetics",
            metricName: "SuccessPercent",
            dimensions: { CanaryName: canary.inputs.name },
            statistic: "SampleCount",
            period: 300,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            threshold: 1,
            comparisonOperator: "LessThanThreshold",
            treatMissingData: "breaching",
            alarmActions: [TOPIC],
            okActions: [TOPIC],
        });
        expect(String(named(plan.resources, "acme-check-silence-alarm").inputs.alarmDescription)).toContain("has not reported for 15 minutes");
    });

    it("GIVEN a check interval out of range WHEN constructed THEN it fails naming the field", async () => {
        await expect(
            planProgram((provider) => {
                new AvailabilityCheck("bad-check", { url: "https://x", alarmTopicArn: TOPIC, kmsKeyArn: KEY, runtimeVersion: RUNTIME, everyMinutes: 0 }, { provider });
            }),
        ).rejects.toThrow(/everyMinutes: 0 is not allowed/);
    });

    it.each([
        ["acme-check", "acme-check"],
        ["Acme.Check", "acme-check"],
        ["a-very-long-tenant-name-check", /^a-very-long--[0-9a-f]{8}$/],
    ])("GIVEN %s WHEN named THEN the canary name is %s", (name, expected) => {
        const result = canaryName(name);
        expect(result.length).toBeLessThanOrEqual(21);
        if (typeof expected === "string") {
            expect(result).toBe(expected);
        } else {
            expect(result).toMatch(expected);
        }
    });
});
