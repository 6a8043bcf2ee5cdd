// DNS failover on the production side (issue 16, step 5 of the contingency plan): every public host
// name is the PRIMARY record of a failover pair decided by a Route 53 health check on the
// production front door; customers' own domains point at the platform's edge name; VPN-only doors
// (internal, unreachable by Route 53's health checkers) are decided by their availability alarm.

import { beforeAll, describe, expect, it } from "vitest";

import { FAILOVER_HEALTH_CHECK, FAILOVER_SET_IDENTIFIER } from "../../components/failover-dns";
import { edgeHostName } from "../../lib/hosts";
import type { PlannedResource } from "../../scripts/lib/plan/engine";
import { PlanDocument, TenantPlan } from "../../scripts/lib/plan/fleet";
import { countUsage } from "../../scripts/lib/plan/quota-usage";
import { planOfFixtureFleet } from "../fixtures/fleet";
import { byId, ofType, stackOf, T } from "../graph";

const BASE = "itm.example.net";

let document: PlanDocument;
beforeAll(async () => {
    document = await planOfFixtureFleet();
});

const failoverRecords = (plan: TenantPlan): PlannedResource[] => ofType(plan, T.record).filter((record) => record.inputs.failoverRoutingPolicies !== undefined);

/** The PRIMARY record of `host` and the health check it names, asserted in full. */
function expectPrimary(plan: TenantPlan, host: string, resourcePath: string): void {
    const checks = ofType(plan, T.healthCheck);
    expect(checks, `${plan.tenant}: one health check`).toHaveLength(1);
    const check = checks[0]!;
    const loadBalancer = ofType(plan, T.loadBalancer).find((candidate) => candidate.inputs.internal === false)!;
    expect(check.inputs).toMatchObject({
        type: FAILOVER_HEALTH_CHECK.type,
        port: 443,
        resourcePath,
        requestInterval: 30,
        failureThreshold: 3,
    });
    // The load balancer's own name, never the failover name (AWS: "unpredictable" results).
    expect(check.inputs.fqdn).toMatch(/\.elb\.amazonaws\.com$/);
    expect(check.inputs.fqdn).not.toBe(host);

    const records = failoverRecords(plan);
    expect(records.map((record) => record.inputs.name)).toEqual([host]);
    const record = records[0]!;
    expect(record.inputs).toMatchObject({
        type: "A",
        setIdentifier: FAILOVER_SET_IDENTIFIER.PRIMARY,
        failoverRoutingPolicies: [{ type: "PRIMARY" }],
        healthCheckId: check.id,
        aliases: [{ name: check.inputs.fqdn, evaluateTargetHealth: true }],
    });
    expect(byId(plan, check.id)).toBe(check);
    expect(loadBalancer).toBeDefined();
    // The failover name is the only record of its name and type: Route 53 refuses a simple one beside it.
    expect(ofType(plan, T.record).filter((other) => other.inputs.name === host && other.inputs.type === "A")).toHaveLength(1);
}

describe("DNS failover for every public host name", () => {
    it("GIVEN a cloud tenant on a platform subdomain WHEN planned THEN its host is a PRIMARY failover alias decided by a health check of its load balancer's login page", () => {
        expectPrimary(stackOf(document, "globex"), `globex.${BASE}`, "/login");
    });

    it("GIVEN a dedicated-saas tenant WHEN planned THEN its host fails over too, checked on its copy's page on the shared servers", () => {
        expectPrimary(stackOf(document, "northwind"), `northwind.${BASE}`, "/healthz/northwind");
    });

    it("GIVEN a public tenant on its own domain WHEN planned THEN the failover name is <tenant>.edge.<base> in the platform's zone and the customer's CNAME names it, in advance", () => {
        const plan = stackOf(document, "helvetia-bank");
        const edge = edgeHostName("helvetia-bank", BASE);
        expect(edge).toBe(`helvetia-bank.edge.${BASE}`);
        expectPrimary(plan, edge, "/login");
        const zoneIds = ofType(plan, T.record).map((record) => record.inputs.zoneId);
        expect(failoverRecords(plan)[0]!.inputs.zoneId).toBe(zoneIds.find((zone) => zone !== undefined));
        const records = plan.outputs.customerDnsRecords as { name: string; type: string; value: string; purpose: string }[];
        const hostRecord = records.find((record) => record.name === "projects.helvetia-bank.ch");
        expect(hostRecord).toMatchObject({ type: "CNAME", value: edge });
        expect(hostRecord!.purpose).toContain("recovery environment");
        // The certificate still covers the customer's name.
        expect(ofType(plan, T.certificate).map((certificate) => certificate.inputs.domainName)).toContain("projects.helvetia-bank.ch");
    });

    it.each(["acme", "initech"])(
        "GIVEN the VPN-only tenant %s on its own domain WHEN planned THEN its edge name is the PRIMARY, decided by a CLOUDWATCH_METRIC health check on its availability alarm (Route 53 cannot reach an internal door)",
        (tenant) => {
            const plan = stackOf(document, tenant);
            const edge = edgeHostName(tenant, BASE);
            const [check, ...others] = ofType(plan, T.healthCheck);
            expect(others).toEqual([]);
            const alarm = ofType(plan, "aws:cloudwatch/metricAlarm:MetricAlarm").find((candidate) => candidate.name === `${tenant}-check-alarm`)!;
            expect(check!.inputs).toEqual({
                type: "CLOUDWATCH_METRIC",
                cloudwatchAlarmName: alarm.inputs.name,
                cloudwatchAlarmRegion: plan.region,
                insufficientDataHealthStatus: "Unhealthy",
                tags: { Name: `${edge} (production)` },
            });
            expect(alarm.inputs).toMatchObject({ namespace: "CloudWatchSynthetics", metricName: "SuccessPercent" });
            const loadBalancer = ofType(plan, T.loadBalancer)[0]!;
            expect(loadBalancer.inputs.internal).toBe(true);
            const records = failoverRecords(plan);
            expect(records.map((record) => [record.inputs.name, record.inputs.setIdentifier, record.inputs.healthCheckId])).toEqual([[edge, FAILOVER_SET_IDENTIFIER.PRIMARY, check!.id]]);
            // The customer's name points at the edge name, and the instructions for its device say what to configure in advance.
            const customer = plan.outputs.customerDnsRecords as { name: string; value: string }[];
            expect(customer.filter((record) => record.value === edge)).toHaveLength(1);
            expect(plan.outputs.vpnFailover).toContain(`${tenant}-recovery`);
        },
    );

    it("GIVEN the platforms WHEN planned THEN the shared app fails over at app.<base> in the home region and app.<region>.<base> elsewhere", () => {
        expectPrimary(stackOf(document, "platform-eu-west-1"), `app.${BASE}`, "/login");
        expectPrimary(stackOf(document, "platform-us-east-1"), `app.us-east-1.${BASE}`, "/login");
        expectPrimary(stackOf(document, "platform-eu-central-1"), `app.eu-central-1.${BASE}`, "/login");
    });

    it("GIVEN the fleet WHEN its quotas are counted THEN every health check counts once against the account's Route 53 quota, whatever its region", () => {
        const checks = document.tenants.flatMap((plan) => ofType(plan, T.healthCheck).map(() => plan.tenant));
        expect(checks.sort()).toEqual(["acme", "globex", "helvetia-bank", "initech", "northwind", "platform-eu-central-1", "platform-eu-west-1", "platform-us-east-1"]);
        const usage = countUsage(document.tenants);
        const counted = [...usage.entries()].filter(([, regionUsage]) => regionUsage.has("route53HealthChecks"));
        expect(counted.map(([region, regionUsage]) => [region, regionUsage.get("route53HealthChecks")!.count])).toEqual([["us-east-1", 8]]);
    });
});
