import { describe, expect, it } from "vitest";

import { customerDnsRecordsFor, FrontDoor, FrontDoorArgs, frontDoorProblems, MANAGED_RULE_GROUPS, WAF_LOG_RETENTION_DAYS } from "../../components/front-door";
import { DEFAULT_SSL_POLICY, isTls12OrLaterPolicy } from "../../lib/promises/tls";
import { PLAN_ACCOUNT_ID } from "../../scripts/lib/plan/mocks";
import { PlannedResource } from "../../scripts/lib/plan/engine";
import { named, ofType, planProgram, TEST_REGION } from "../helpers";
import { EGRESS, INGRESS, LISTENER, RECORD } from "./resource-types";

const ZONE = "Z0123456789ABCDEFGHIJ";
const SUSPICIOUS = ["203.0.113.0/24", "198.51.100.7/32"];
const LOG_BUCKET = "test-access-logs-bucket";
const LOG_KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const BASE = { vpcId: "vpc-0123", vpcCidr: "172.20.0.0/20", subnetIds: ["subnet-a", "subnet-b"], suspiciousNetworks: SUSPICIOUS, accessLogBucket: LOG_BUCKET, logKeyArn: LOG_KEY };

const ALB_ZONE = "Z32O12XQLNTSW2";

async function planDoor(name: string, args: Omit<FrontDoorArgs, "vpcId" | "vpcCidr" | "subnetIds" | "suspiciousNetworks" | "accessLogBucket">) {
    const { plan } = await planProgram((provider) => {
        const door = new FrontDoor(name, { ...BASE, ...args }, { provider });
        return { customerDnsRecords: door.customerDnsRecords, dnsName: door.dnsName, certificateArn: door.certificateArn, webAclArn: door.webAclArn };
    });
    return plan;
}

function rulesOf(resources: readonly PlannedResource[], type: string) {
    return ofType(resources, type).map((rule) => {
        const { securityGroupId, ipProtocol, fromPort, toPort, cidrIpv4 } = rule.inputs;
        return { securityGroupId, ipProtocol, fromPort, toPort, cidrIpv4 };
    }).sort((a, b) => `${a.cidrIpv4}:${a.fromPort}`.localeCompare(`${b.cidrIpv4}:${b.fromPort}`));
}

function expectAllParentedTo(resources: readonly PlannedResource[], parent: string): void {
    for (const resource of resources.filter((r) => r.type !== "pulumi:providers:aws" && r.name !== parent)) {
        expect(resource.parent, resource.name).toBe(parent);
    }
}

describe("FrontDoor", () => {
    describe("GIVEN an internet-facing door for a subdomain of the platform's zone", () => {
        const plan = () => planDoor("acme-front-door", { internal: false, domainName: "acme.itm.example.net", zoneId: ZONE });

        it("WHEN planned THEN the load balancer's group admits exactly 443 and 80 from anywhere and sends only HTTPS to the VPC", async () => {
            const { resources } = await plan();
            const group = named(resources, "acme-front-door-sg");
            expect(group.inputs).toMatchObject({ vpcId: "vpc-0123", description: expect.any(String) });
            expect(group.inputs.ingress ?? []).toEqual([]);
            expect(rulesOf(resources, INGRESS)).toEqual([
                { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" },
                { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0" },
            ]);
            expect(rulesOf(resources, EGRESS)).toEqual([{ securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "172.20.0.0/20" }]);
            const alb = named(resources, "acme-front-door-alb");
            expect(alb.type).toBe("aws:lb/loadBalancer:LoadBalancer");
            expect(alb.inputs).toMatchObject({
                loadBalancerType: "application",
                internal: false,
                subnets: ["subnet-a", "subnet-b"],
                securityGroups: [group.id],
                dropInvalidHeaderFields: true,
                enableDeletionProtection: true,
            });
            expectAllParentedTo(resources, "acme-front-door");
        });

        it("WHEN planned THEN HTTP only redirects to HTTPS and HTTPS forwards to the targets with TLS 1.2+ and the validated certificate", async () => {
            const { resources } = await plan();
            const alb = named(resources, "acme-front-door-alb");
            const listeners = ofType(resources, LISTENER);
            expect(listeners.map((listener) => listener.name).sort()).toEqual(["acme-front-door-http", "acme-front-door-https"]);

            const http = named(resources, "acme-front-door-http");
            expect(http.inputs.loadBalancerArn).toBe(alb.id);
            expect(http.inputs).toMatchObject({ port: 80, protocol: "HTTP" });
            expect(http.inputs.defaultActions).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
            expect(http.inputs.certificateArn).toBeUndefined();

            const https = named(resources, "acme-front-door-https");
            const certificate = named(resources, "acme-front-door-cert");
            const validation = named(resources, "acme-front-door-cert-validated");
            const targetGroup = named(resources, "acme-front-door-tg");
            expect(https.inputs).toMatchObject({ loadBalancerArn: alb.id, port: 443, protocol: "HTTPS", sslPolicy: DEFAULT_SSL_POLICY });
            expect(isTls12OrLaterPolicy(String(https.inputs.sslPolicy))).toBe(true);
            expect(certificate.inputs).toMatchObject({ domainName: "acme.itm.example.net", validationMethod: "DNS" });
            expect(validation.inputs.certificateArn).toBe(certificate.id);
            expect(https.inputs.certificateArn).toBe(certificate.id);
            expect(https.inputs.defaultActions).toEqual([{ type: "forward", targetGroupArn: targetGroup.id }]);
            expect(targetGroup.inputs).toMatchObject({
                vpcId: "vpc-0123",
                protocol: "HTTPS",
                port: 443,
                targetType: "instance",
                healthCheck: { enabled: true, protocol: "HTTPS", port: "traffic-port", path: "/login", matcher: "200-399" },
            });
        });

        it("WHEN planned THEN the web firewall on this load balancer blocks the suspicious networks, floods and the managed rules' findings", async () => {
            const { resources } = await plan();
            const alb = named(resources, "acme-front-door-alb");
            const acl = named(resources, "acme-front-door-waf");
            const ipSet = named(resources, "acme-front-door-suspicious");
            const association = named(resources, "acme-front-door-waf-association");
            expect(ofType(resources, "aws:wafv2/webAclAssociation:WebAclAssociation")).toHaveLength(1);
            expect(association.inputs.resourceArn).toBe(alb.id);
            expect(association.inputs.webAclArn).toMatch(new RegExp(`^arn:aws:wafv2:${TEST_REGION}:123456789012:regional/webacl/acme-front-door-waf-[0-9a-f]{7}/${acl.id}$`));

            expect(ipSet.inputs).toMatchObject({ scope: "REGIONAL", ipAddressVersion: "IPV4", addresses: SUSPICIOUS });
            expect(acl.inputs).toMatchObject({ scope: "REGIONAL", defaultAction: { allow: {} } });
            expect(acl.inputs.visibilityConfig).toEqual({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: "acme-front-door-waf" });

            const rules = acl.inputs.rules as Record<string, any>[];
            expect(rules.map((rule) => [rule.priority, rule.name])).toEqual([
                [0, "block-suspicious-networks"],
                [1, "block-floods-per-ip"],
                ...MANAGED_RULE_GROUPS.map((group, index) => [2 + index, group]),
            ]);
            expect(rules[0]!.action).toEqual({ block: {} });
            expect(rules[0]!.statement.ipSetReferenceStatement.arn).toMatch(new RegExp(`^arn:aws:wafv2:${TEST_REGION}:123456789012:regional/ipset/acme-front-door-suspicious-[0-9a-f]{7}/${ipSet.id}$`));
            expect(rules[1]!.action).toEqual({ block: {} });
            expect(rules[1]!.statement).toEqual({ rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } });
            expect(MANAGED_RULE_GROUPS).toEqual([
                "AWSManagedRulesCommonRuleSet",
                "AWSManagedRulesKnownBadInputsRuleSet",
                "AWSManagedRulesAmazonIpReputationList",
                "AWSManagedRulesSQLiRuleSet",
            ]);
            for (const rule of rules.slice(2)) {
                expect(rule.overrideAction, rule.name).toEqual({ none: {} });
                expect(rule.action, rule.name).toBeUndefined();
                expect(rule.statement.managedRuleGroupStatement, rule.name).toMatchObject({ vendorName: "AWS", name: rule.name });
            }
            // Only the common rule set's body-size rule is relaxed (to count), so that uploads over 8 KB work.
            expect(rules.slice(2).map((rule) => rule.statement.managedRuleGroupStatement.ruleActionOverrides)).toEqual([
                [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }],
                undefined,
                undefined,
                undefined,
            ]);
            for (const rule of rules) {
                expect(rule.visibilityConfig, rule.name).toMatchObject({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: expect.stringMatching(/^acme-front-door-/) });
            }
            expect(new Set(rules.map((rule) => rule.visibilityConfig.metricName)).size).toBe(rules.length);
        });

        it("WHEN planned THEN the validation record and an alias to the load balancer are written in the zone and the customer has nothing to do", async () => {
            const { resources, outputs } = await plan();
            const records = ofType(resources, RECORD);
            expect(records.map((record) => record.name).sort()).toEqual(["acme-front-door-alias", "acme-front-door-cert-validation"]);

            const validationRecord = named(resources, "acme-front-door-cert-validation");
            expect(validationRecord.inputs).toMatchObject({ zoneId: ZONE, type: "CNAME", ttl: 300 });
            expect(validationRecord.inputs.name).toMatch(/^_[0-9a-f]{32}\.acme\.itm\.example\.net\.$/);
            expect(validationRecord.inputs.records).toEqual([expect.stringMatching(/^_[0-9a-f]{32}\.[0-9a-f]{10}\.acm-validations\.aws\.$/)]);
            expect(named(resources, "acme-front-door-cert-validated").inputs.validationRecordFqdns).toEqual([String(validationRecord.inputs.name).replace(/\.$/, "")]);

            const alias = named(resources, "acme-front-door-alias");
            expect(alias.inputs).toMatchObject({ zoneId: ZONE, name: "acme.itm.example.net", type: "A" });
            expect(alias.inputs.aliases).toEqual([{ name: outputs.dnsName, zoneId: ALB_ZONE, evaluateTargetHealth: true }]);
            expect(outputs.dnsName).toMatch(/^acme-front-door-alb-\d+\.eu-west-1\.elb\.amazonaws\.com$/);
            expect(outputs.customerDnsRecords).toEqual([]);
        });
    });

    describe("GIVEN an internet-facing door WHEN planned THEN every request is on record", () => {
        const plan = () => planDoor("acme-front-door", { internal: false, domainName: "acme.itm.example.net", zoneId: ZONE, logKeyArn: LOG_KEY });

        it("the load balancer writes access logs to the given bucket under load-balancers/<door>", async () => {
            const { resources } = await plan();
            expect(named(resources, "acme-front-door-alb").inputs.accessLogs).toEqual({ enabled: true, bucket: LOG_BUCKET, prefix: "load-balancers/acme-front-door" });
        });

        it("the web firewall logs to an encrypted aws-waf-logs- group kept a year, with credentials and cookies redacted", async () => {
            const { resources, outputs } = await plan();
            const groups = ofType(resources, "aws:cloudwatch/logGroup:LogGroup");
            expect(groups.map((group) => group.name)).toEqual(["acme-front-door-waf-logs"]);
            expect(groups[0]!.inputs).toMatchObject({ name: "aws-waf-logs-acme-front-door", kmsKeyId: LOG_KEY, retentionInDays: WAF_LOG_RETENTION_DAYS });
            expect(WAF_LOG_RETENTION_DAYS).toBe(365);
            const logging = ofType(resources, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
            expect(logging.map((resource) => resource.name)).toEqual(["acme-front-door-waf-logging"]);
            expect(logging[0]!.inputs).toEqual({
                resourceArn: outputs.webAclArn,
                logDestinationConfigs: [`arn:aws:logs:${TEST_REGION}:${PLAN_ACCOUNT_ID}:log-group:aws-waf-logs-acme-front-door`],
                redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
            });
            expectAllParentedTo(resources, "acme-front-door");
        });
    });

    it("GIVEN the customer's own domain WHEN planned THEN nothing is written to DNS and the customer gets the validation CNAME and a CNAME to the load balancer", async () => {
        const { resources, outputs } = await planDoor("initech-front-door", { internal: false, domainName: "pm.initech.com" });
        expect(ofType(resources, RECORD)).toEqual([]);
        const validation = named(resources, "initech-front-door-cert-validated");
        expect(validation.inputs.certificateArn).toBe(named(resources, "initech-front-door-cert").id);
        expect(validation.inputs.validationRecordFqdns).toBeUndefined();
        expect(outputs.customerDnsRecords).toEqual([
            {
                name: expect.stringMatching(/^_[0-9a-f]{32}\.pm\.initech\.com$/),
                type: "CNAME",
                value: expect.stringMatching(/^_[0-9a-f]{32}\.[0-9a-f]{10}\.acm-validations\.aws$/),
                purpose: expect.stringContaining("pm.initech.com"),
            },
            { name: "pm.initech.com", type: "CNAME", value: outputs.dnsName, purpose: expect.stringContaining("load balancer") },
        ]);
        expect(outputs.dnsName).toMatch(/^initech-front-door-alb-\d+\.eu-west-1\.elb\.amazonaws\.com$/);
    });

    it("GIVEN an internal door for the VPN WHEN planned THEN HTTPS comes only from each corporate network, nothing listens on 80 and there is no web firewall", async () => {
        const plan = await planDoor("globex-front-door", {
            internal: true,
            allowedCidrs: ["10.20.0.0/16", "192.168.10.0/24"],
            domainName: "globex.itm.example.net",
            zoneId: ZONE,
            targetPort: 8443,
            healthCheckPath: "/health",
        });
        const { resources, outputs } = plan;
        const group = named(resources, "globex-front-door-sg");
        expect(named(resources, "globex-front-door-alb").inputs).toMatchObject({ internal: true, securityGroups: [group.id] });
        expect(JSON.stringify(resources)).not.toContain("0.0.0.0/0");
        expect(rulesOf(resources, INGRESS)).toEqual([
            { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.20.0.0/16" },
            { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "192.168.10.0/24" },
        ]);
        expect(ofType(resources, INGRESS).map((rule) => rule.name).sort()).toEqual([
            "globex-front-door-sg-https-from-10-20-0-0-16",
            "globex-front-door-sg-https-from-192-168-10-0-24",
        ]);
        expect(rulesOf(resources, EGRESS)).toEqual([{ securityGroupId: group.id, ipProtocol: "tcp", fromPort: 8443, toPort: 8443, cidrIpv4: "172.20.0.0/20" }]);
        expect(ofType(resources, LISTENER).map((listener) => [listener.name, listener.inputs.port])).toEqual([["globex-front-door-https", 443]]);
        expect(named(resources, "globex-front-door-tg").inputs).toMatchObject({ port: 8443, healthCheck: { path: "/health" } });
        expect(resources.filter((resource) => resource.type.startsWith("aws:wafv2/"))).toEqual([]);
        expect(ofType(resources, "aws:cloudwatch/logGroup:LogGroup")).toEqual([]);
        expect(named(resources, "globex-front-door-alb").inputs.accessLogs).toEqual({ enabled: true, bucket: LOG_BUCKET, prefix: "load-balancers/globex-front-door" });
        expect(outputs.webAclArn).toBeUndefined();
        expectAllParentedTo(resources, "globex-front-door");
    });

    it("GIVEN an internal door with webFirewall WHEN planned THEN the firewall is associated with it", async () => {
        const { resources, outputs } = await planDoor("globex-front-door", {
            internal: true,
            allowedCidrs: ["10.20.0.0/16"],
            domainName: "globex.itm.example.net",
            webFirewall: true,
            requestsPerFiveMinutes: 500,
        });
        const acl = named(resources, "globex-front-door-waf");
        expect(named(resources, "globex-front-door-waf-association").inputs.resourceArn).toBe(named(resources, "globex-front-door-alb").id);
        expect(outputs.webAclArn).toMatch(new RegExp(`/webacl/globex-front-door-waf-[0-9a-f]{7}/${acl.id}$`));
        expect((acl.inputs.rules as Record<string, any>[])[1]!.statement.rateBasedStatement.limit).toBe(500);
    });

    describe("GIVEN invalid settings WHEN constructed THEN it fails naming the field", () => {
        const door = (args: Partial<FrontDoorArgs>) =>
            planProgram((provider) => {
                new FrontDoor("bad-front-door", { ...BASE, internal: false, domainName: "bad.itm.example.net", ...args }, { provider });
            });

        it("a web firewall without logKeyArn", async () => {
            await expect(door({ logKeyArn: undefined })).rejects.toThrow(/logKeyArn: none given for a door with a web firewall; expected the KMS key that encrypts its log group/);
        });
        it("a name that puts AWSLogs in the access log prefix", async () => {
            await expect(
                planProgram((provider) => {
                    new FrontDoor("AWSLogs-front-door", { ...BASE, internal: false, domainName: "bad.itm.example.net" }, { provider });
                }),
            ).rejects.toThrow(/name: "AWSLogs-front-door" gives an access log prefix "load-balancers\/AWSLogs-front-door" includes "AWSLogs", which Elastic Load Balancing refuses/);
        });
        it("internal without allowedCidrs", async () => {
            await expect(door({ internal: true })).rejects.toThrow(/failed: allowedCidrs: none given for an internal front door; expected the corporate CIDRs/);
        });
        it("internal with an empty allowedCidrs", async () => {
            await expect(door({ internal: true, allowedCidrs: [] })).rejects.toThrow(/failed: allowedCidrs: none given for an internal front door/);
        });
        it("allowedCidrs on an internet-facing door", async () => {
            await expect(door({ allowedCidrs: ["10.20.0.0/16"] })).rejects.toThrow(
                'allowedCidrs: ["10.20.0.0/16"] given for an internet-facing front door, which is open to everyone; remove it, or set internal: true',
            );
        });
        it("the whole internet as an allowed CIDR", async () => {
            await expect(door({ internal: true, allowedCidrs: ["0.0.0.0/0"] })).rejects.toThrow('allowedCidrs: "0.0.0.0/0" opens an internal front door to the whole internet');
        });
        it("a malformed allowed CIDR", async () => {
            await expect(door({ internal: true, allowedCidrs: ["10.20.0.1/16"] })).rejects.toThrow('allowedCidrs: "10.20.0.1/16" is not a canonical IPv4 CIDR');
        });
        it("a malformed vpcCidr", async () => {
            await expect(door({ vpcCidr: "172.20.0.0" })).rejects.toThrow('vpcCidr: "172.20.0.0" is not a canonical IPv4 CIDR');
        });
        it("a TLS policy older than 1.2", async () => {
            await expect(door({ sslPolicy: "ELBSecurityPolicy-2016-08" })).rejects.toThrow('sslPolicy: "ELBSecurityPolicy-2016-08" allows TLS older than 1.2');
        });
        it("a target port out of range", async () => {
            await expect(door({ targetPort: 70000 })).rejects.toThrow("targetPort: 70000 is not a port; expected a whole number from 1 to 65535");
        });
        it("a rate limit below what AWS accepts", async () => {
            await expect(door({ requestsPerFiveMinutes: 5 })).rejects.toThrow("requestsPerFiveMinutes: 5 is not allowed; expected a whole number from 10 to 2000000000");
        });
    });

    it("GIVEN several problems WHEN validated THEN all are reported together", () => {
        expect(
            frontDoorProblems({ internal: true, vpcCidr: "172.20.0.0/20", targetPort: 0, sslPolicy: DEFAULT_SSL_POLICY, requestsPerFiveMinutes: 2000 }).map((problem) => problem.split(":")[0]),
        ).toEqual(["allowedCidrs", "targetPort"]);
        expect(frontDoorProblems({ internal: false, vpcCidr: "172.20.0.0/20", targetPort: 443, sslPolicy: DEFAULT_SSL_POLICY, requestsPerFiveMinutes: 2000 })).toEqual([]);
    });

    it.each([
        ["ELBSecurityPolicy-TLS13-1-2-2021-06", true],
        ["ELBSecurityPolicy-TLS13-1-2-Res-2021-06", true],
        ["ELBSecurityPolicy-TLS13-1-3-2021-06", true],
        ["ELBSecurityPolicy-TLS-1-2-Ext-2018-06", true],
        ["ELBSecurityPolicy-FS-1-2-Res-2020-10", true],
        ["ELBSecurityPolicy-2016-08", false],
        ["ELBSecurityPolicy-TLS13-1-1-2021-06", false],
        ["ELBSecurityPolicy-TLS13-1-0-2021-06", false],
        ["ELBSecurityPolicy-TLS-1-1-2017-01", false],
        ["ELBSecurityPolicy-FS-1-1-2019-08", false],
    ])("GIVEN the TLS policy %s WHEN checked THEN TLS 1.2+ is %s", (policy, expected) => {
        expect(isTls12OrLaterPolicy(policy)).toBe(expected);
    });

    const LB = "initech-front-door-alb-1234567-98765.eu-west-1.elb.amazonaws.com";
    const option = (domainName: string, name: string, value: string, type = "CNAME") => ({
        domainName,
        resourceRecordName: name,
        resourceRecordType: type,
        resourceRecordValue: value,
    });
    it.each([
        [
            "one validation option",
            "pm.initech.com",
            [option("pm.initech.com", "_abc.pm.initech.com.", "_def.xyz.acm-validations.aws.")],
            [
                ["_abc.pm.initech.com", "_def.xyz.acm-validations.aws"],
                ["pm.initech.com", LB],
            ],
        ],
        [
            "a name and its wildcard sharing one record",
            "pm.initech.com",
            [option("pm.initech.com", "_abc.pm.initech.com.", "_def.xyz.acm-validations.aws."), option("*.pm.initech.com", "_abc.pm.initech.com.", "_def.xyz.acm-validations.aws.")],
            [
                ["_abc.pm.initech.com", "_def.xyz.acm-validations.aws"],
                ["pm.initech.com", LB],
            ],
        ],
        ["no options yet", "pm.initech.com", [], [["pm.initech.com", LB]]],
        ["a host name given with its trailing dot", "pm.initech.com.", [], [["pm.initech.com", LB]]],
    ])("GIVEN %s WHEN the customer's records are derived THEN they are %j", (_case, domainName, options, expected) => {
        const records = customerDnsRecordsFor(domainName, options, `${LB}.`);
        expect(records.map((record) => [record.name, record.value])).toEqual(expected);
        expect(records.every((record) => record.type === "CNAME" && record.purpose.length > 0)).toBe(true);
    });

    it("GIVEN ACM asking for a record type other than CNAME WHEN the customer's records are derived THEN it fails", () => {
        expect(() => customerDnsRecordsFor("pm.initech.com", [option("pm.initech.com", "_a.pm.initech.com.", "x", "TXT")], LB)).toThrow(
            "ACM asked for a TXT record for pm.initech.com; only CNAME validation is supported",
        );
    });
});
