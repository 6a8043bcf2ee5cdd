// DNS failover of one front door (components/failover-dns.ts through FrontDoor): the health check,
// the PRIMARY record(s) it decides, the edge name of a customer's own domain, the SECONDARY record
// the recovery stacks build, and AWS's rules as problems.

import { describe, expect, it } from "vitest";

import { alarmFailoverHealthCheck, dnsFailoverProblems, failoverDnsProblems, secondaryFailoverRecord } from "../../components/failover-dns";
import { FrontDoor, FrontDoorArgs } from "../../components/front-door";
import { named, ofType, planProgram } from "../helpers";
import { RECORD } from "./resource-types";

const ZONE = "Z0123456789ABCDEFGHIJ";
const PLATFORM_ZONE = "ZPLATFORM0123456789";
const BASE = {
    vpcId: "vpc-0123",
    vpcCidr: "172.20.0.0/20",
    subnetIds: ["subnet-a", "subnet-b"],
    suspiciousNetworks: [],
    accessLogBucket: "test-access-logs-bucket",
    logKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555",
};
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";

async function planDoor(name: string, args: Partial<FrontDoorArgs> & Pick<FrontDoorArgs, "internal" | "domainName">) {
    const { plan } = await planProgram((provider) => {
        const door = new FrontDoor(name, { ...BASE, ...args }, { provider });
        return { customerDnsRecords: door.customerDnsRecords, dnsName: door.dnsName, healthCheckId: door.healthCheckId };
    });
    return plan;
}

describe("FrontDoor's DNS failover", () => {
    it("GIVEN an internet-facing door on the platform's zone WHEN planned THEN a health check of the load balancer decides the host's record, now the PRIMARY of a failover pair", async () => {
        const { resources, outputs } = await planDoor("globex-front-door", { internal: false, domainName: "globex.itm.example.net", zoneId: ZONE });
        const [check, ...others] = ofType(resources, HEALTH_CHECK);
        expect(others).toEqual([]);
        expect(check!.name).toBe("globex-front-door-health");
        expect(check!.parent).toBe("globex-front-door");
        expect(check!.inputs).toEqual({
            type: "HTTPS",
            port: 443,
            fqdn: outputs.dnsName,
            resourcePath: "/login",
            requestInterval: 30,
            failureThreshold: 3,
            enableSni: false,
            tags: { Name: "globex.itm.example.net (production)" },
        });
        expect(outputs.healthCheckId).toBe(check!.id);
        // The record keeps its name (and URN): it changes from simple to failover in place.
        const record = named(resources, "globex-front-door-alias");
        expect(record.inputs).toEqual({
            zoneId: ZONE,
            name: "globex.itm.example.net",
            type: "A",
            setIdentifier: "production",
            failoverRoutingPolicies: [{ type: "PRIMARY" }],
            healthCheckId: check!.id,
            aliases: [{ name: outputs.dnsName, zoneId: expect.any(String), evaluateTargetHealth: true }],
        });
    });

    it("GIVEN a door whose target group checks another page WHEN planned THEN Route 53 checks that page too", async () => {
        const { resources } = await planDoor("northwind-front-door", { internal: false, domainName: "northwind.itm.example.net", zoneId: ZONE, healthCheckPath: "/healthz/northwind" });
        expect(ofType(resources, HEALTH_CHECK).map((check) => check.inputs.resourcePath)).toEqual(["/healthz/northwind"]);
    });

    it("GIVEN a customer's own domain with an edge name WHEN planned THEN the edge name is the PRIMARY in the platform's zone and the customer's CNAME names it", async () => {
        const { resources, outputs } = await planDoor("initech-front-door", {
            internal: false,
            domainName: "pm.initech.com",
            platformZone: { zoneId: PLATFORM_ZONE, domain: "itm.example.net" },
            edgeName: "initech.edge.itm.example.net",
        });
        const check = named(resources, "initech-front-door-health");
        expect(named(resources, "initech-front-door-edge").inputs).toEqual({
            zoneId: PLATFORM_ZONE,
            name: "initech.edge.itm.example.net",
            type: "A",
            setIdentifier: "production",
            failoverRoutingPolicies: [{ type: "PRIMARY" }],
            healthCheckId: check.id,
            aliases: [{ name: outputs.dnsName, zoneId: expect.any(String), evaluateTargetHealth: true }],
        });
        // Nothing written for the customer's own name.
        expect(ofType(resources, RECORD).filter((record) => String(record.inputs.name).includes("initech.com"))).toEqual([]);
        const records = outputs.customerDnsRecords as { name: string; value: string; purpose: string }[];
        expect(records.find((record) => record.name === "pm.initech.com")).toMatchObject({ value: "initech.edge.itm.example.net", purpose: expect.stringContaining("in advance") });
        expect(records.some((record) => record.value === outputs.dnsName)).toBe(false);
    });

    it("GIVEN a customer's own domain without an edge name WHEN planned THEN no health check (nothing of the platform's to fail over) and the CNAME names the load balancer", async () => {
        const { resources, outputs } = await planDoor("initech-front-door", { internal: false, domainName: "pm.initech.com" });
        expect(ofType(resources, HEALTH_CHECK)).toEqual([]);
        expect((outputs.customerDnsRecords as { name: string; value: string }[]).find((record) => record.name === "pm.initech.com")?.value).toBe(outputs.dnsName);
    });

    it("GIVEN an internal door WHEN planned THEN no health check and the host keeps its simple record (Route 53's checkers cannot reach it)", async () => {
        const { resources } = await planDoor("globex-front-door", { internal: true, allowedCidrs: ["10.20.0.0/16"], domainName: "globex.itm.example.net", zoneId: ZONE });
        expect(ofType(resources, HEALTH_CHECK)).toEqual([]);
        const record = named(resources, "globex-front-door-alias");
        expect(record.inputs.setIdentifier).toBeUndefined();
        expect(record.inputs.failoverRoutingPolicies).toBeUndefined();
    });

    it("GIVEN an internal door and its availability alarm's health check WHEN planned THEN the host's record is the PRIMARY it decides, and the door creates no check of its own", async () => {
        const { resources } = await planDoor("hooli-front-door", {
            internal: true,
            allowedCidrs: ["10.50.0.0/16"],
            domainName: "hooli.itm.example.net",
            zoneId: ZONE,
            failoverHealthCheckId: "alarm-health-check-1",
        });
        expect(ofType(resources, HEALTH_CHECK)).toEqual([]);
        expect(named(resources, "hooli-front-door-alias").inputs).toMatchObject({
            name: "hooli.itm.example.net",
            setIdentifier: "production",
            failoverRoutingPolicies: [{ type: "PRIMARY" }],
            healthCheckId: "alarm-health-check-1",
        });
    });

    it("GIVEN an internal door on a customer's own domain and its alarm's health check WHEN planned THEN its edge name is that PRIMARY and the customer points at it", async () => {
        const { resources, outputs } = await planDoor("initech-front-door", {
            internal: true,
            allowedCidrs: ["192.168.0.0/16"],
            domainName: "pm.initech.com",
            platformZone: { zoneId: PLATFORM_ZONE, domain: "itm.example.net" },
            edgeName: "initech.edge.itm.example.net",
            failoverHealthCheckId: "alarm-health-check-2",
        });
        expect(named(resources, "initech-front-door-edge").inputs).toMatchObject({ zoneId: PLATFORM_ZONE, name: "initech.edge.itm.example.net", healthCheckId: "alarm-health-check-2" });
        expect((outputs.customerDnsRecords as { name: string; value: string }[]).find((record) => record.name === "pm.initech.com")?.value).toBe("initech.edge.itm.example.net");
    });

    it("GIVEN the alarm's health check WHEN built THEN it is CLOUDWATCH_METRIC on the alarm, in its region, Unhealthy without data", async () => {
        const { plan } = await planProgram((provider) => {
            alarmFailoverHealthCheck("hooli-failover", { alarmName: "hooli-check-alarm-1", alarmRegion: "eu-west-1", hostName: "hooli.itm.example.net" }, { provider });
            return {};
        });
        expect(named(plan.resources, "hooli-failover-health").inputs).toEqual({
            type: "CLOUDWATCH_METRIC",
            cloudwatchAlarmName: "hooli-check-alarm-1",
            cloudwatchAlarmRegion: "eu-west-1",
            insufficientDataHealthStatus: "Unhealthy",
            tags: { Name: "hooli.itm.example.net (production)" },
        });
        expect(() => alarmFailoverHealthCheck("x", { alarmName: "a", alarmRegion: "eu-nowhere-1", hostName: "x.itm.example.net" }, {})).toThrow(/alarmRegion: "eu-nowhere-1" is not a region Route 53 accepts/);
    });

    it("GIVEN dnsFailover false on a public door WHEN planned THEN the simple record stays", async () => {
        const { resources } = await planDoor("globex-front-door", { internal: false, domainName: "globex.itm.example.net", zoneId: ZONE, dnsFailover: false });
        expect(ofType(resources, HEALTH_CHECK)).toEqual([]);
        expect(named(resources, "globex-front-door-alias").inputs.failoverRoutingPolicies).toBeUndefined();
    });

    describe("GIVEN invalid failover settings WHEN constructed THEN it fails naming the field", () => {
        const door = (args: Partial<FrontDoorArgs>) => planDoor("bad-front-door", { internal: false, domainName: "bad.itm.example.net", ...args });
        it("dnsFailover on an internal door", async () => {
            await expect(door({ internal: true, allowedCidrs: ["10.0.0.0/8"], dnsFailover: true })).rejects.toThrow(/dnsFailover: true for an internal front door/);
        });
        it("an alarm's health check on an internet-facing door", async () => {
            await expect(door({ zoneId: ZONE, failoverHealthCheckId: "hc-1" })).rejects.toThrow(/failoverHealthCheckId: given for an internet-facing front door/);
        });
        it("an alarm's health check with dnsFailover false", async () => {
            await expect(door({ internal: true, allowedCidrs: ["10.0.0.0/8"], zoneId: ZONE, dnsFailover: false, failoverHealthCheckId: "hc-1" })).rejects.toThrow(/failoverHealthCheckId: given with dnsFailover false/);
        });
        it("an edge name beside a zone", async () => {
            await expect(door({ zoneId: ZONE, platformZone: { zoneId: ZONE, domain: "itm.example.net" }, edgeName: "bad.edge.itm.example.net" })).rejects.toThrow(/edgeName: "bad.edge.itm.example.net" given with zoneId/);
        });
        it("an edge name without the zone that holds it", async () => {
            await expect(door({ edgeName: "bad.edge.itm.example.net" })).rejects.toThrow(/edgeName: "bad.edge.itm.example.net" given without platformZone/);
        });
    });
});

describe("failoverDnsProblems (Route 53's rules)", () => {
    it.each([
        ["a 253-character name", `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`, "/login", []],
        ["a 255-character name", `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}`, "/login", ["has 255 characters; a DNS name has at most 253"]],
        ["a 64-character label", `${"a".repeat(64)}.itm.example.net`, "/login", ["each label has 1 to 63"]],
        ["an empty label", "acme..itm.example.net", "/login", ["each label has 1 to 63"]],
        ["a path without its slash", "acme.itm.example.net", "login", ['resourcePath: "login" is not allowed']],
        ["a 256-character path", "acme.itm.example.net", `/${"p".repeat(255)}`, ["at most 255 characters"]],
    ])("GIVEN %s WHEN checked THEN %j", (_case, hostName, resourcePath, expected) => {
        const problems = failoverDnsProblems({ hostName, resourcePath });
        expect(problems).toHaveLength(expected.length);
        expected.forEach((text, i) => expect(problems[i]).toContain(text));
    });

    it("GIVEN an edge name without failover WHEN checked THEN it is refused", () => {
        expect(dnsFailoverProblems({ internal: false, dnsFailover: false, edgeName: "x.edge.itm.example.net", zoneGiven: false, platformZoneGiven: true })).toEqual([
            'edgeName: "x.edge.itm.example.net" given without DNS failover; a customer\'s domain points at it only to be redirected in a disaster: remove it, or enable dnsFailover',
        ]);
    });
});

describe("secondaryFailoverRecord (for the recovery stacks)", () => {
    it("GIVEN the recovery front door WHEN built THEN the SECONDARY alias of the same name, set identifier recovery, no health check", async () => {
        const { plan } = await planProgram((provider) => {
            secondaryFailoverRecord("acme-recovery-dns", { zoneId: ZONE, hostName: "acme.itm.example.net", target: { dnsName: "acme-recovery-alb-1.eu-central-1.elb.amazonaws.com", zoneId: "Z215JYRZR1TBD5" } }, { provider });
            return {};
        });
        expect(named(plan.resources, "acme-recovery-dns").inputs).toEqual({
            zoneId: ZONE,
            name: "acme.itm.example.net",
            type: "A",
            setIdentifier: "recovery",
            failoverRoutingPolicies: [{ type: "SECONDARY" }],
            aliases: [{ name: "acme-recovery-alb-1.eu-central-1.elb.amazonaws.com", zoneId: "Z215JYRZR1TBD5", evaluateTargetHealth: true }],
        });
    });

    it("GIVEN a name Route 53 refuses WHEN built THEN it throws naming it", () => {
        expect(() => secondaryFailoverRecord("bad", { zoneId: ZONE, hostName: `${"a".repeat(64)}.itm.example.net`, target: { dnsName: "x", zoneId: "y" } })).toThrow(/bad: hostName: .* each label has 1 to 63/);
    });
});
