// DNS failover of an internal door (VPN modes): the PRIMARY record of its name follows a
// CLOUDWATCH_METRIC health check on the door's availability alarm, which Route 53 accepts for an
// internal door only (route53-record-failover-health-check) and only on the availability check's
// alarm, Unhealthy without data (route53-health-check-https). A compliant baseline, one change per
// failing case, exact messages.

import { describe, expect, it } from "vitest";

import { findingsOf } from "../../policy/rules/evaluate";
import { enforceFailoverRecordHealthCheck } from "../../policy/rules/network/enforceFailoverRecordHealthCheck";
import { enforceHealthCheckHttps } from "../../policy/rules/network/enforceHealthCheckHttps";
import { Finding, PolicyStack, Rule } from "../../policy/rules/types";
import { policyResource, SETTINGS, withProps } from "./fixtures-operations";

const CHECK_ID = "3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b";
const ALARM = "acme-check-alarm-ef3e491";
const LB_DNS = "internal-acme-front-door-alb-3482446784.eu-west-1.elb.amazonaws.com";

/** A compliant VPN-only production: its internal door, its availability alarm, the alarm's health check and the PRIMARY of the edge name. */
function vpnStack(): PolicyStack {
    return {
        stack: "acme",
        kind: "vpn-sync",
        resources: [
            policyResource("aws:lb/loadBalancer:LoadBalancer", "acme-front-door-alb", "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/acme-front-door-alb/0b3f", {
                internal: true,
                loadBalancerType: "application",
            }),
            policyResource("aws:cloudwatch/metricAlarm:MetricAlarm", "acme-check-alarm", ALARM, {
                name: ALARM,
                namespace: "CloudWatchSynthetics",
                metricName: "SuccessPercent",
                statistic: "Average",
                dimensions: { CanaryName: "acme-check" },
            }),
            policyResource("aws:route53/healthCheck:HealthCheck", "acme-failover-health", CHECK_ID, {
                type: "CLOUDWATCH_METRIC",
                cloudwatchAlarmName: ALARM,
                cloudwatchAlarmRegion: "eu-west-1",
                insufficientDataHealthStatus: "Unhealthy",
            }),
            policyResource("aws:route53/record:Record", "acme-front-door-edge", "Z0123456789ABCDEFGHIJ_acme.edge.itm.example.net_A_production", {
                zoneId: "Z0123456789ABCDEFGHIJ",
                name: "acme.edge.itm.example.net",
                type: "A",
                setIdentifier: "production",
                failoverRoutingPolicies: [{ type: "PRIMARY" }],
                healthCheckId: CHECK_ID,
                aliases: [{ name: LB_DNS, zoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: true }],
            }),
        ],
    };
}

const findings = (rule: Rule, stack: PolicyStack): Finding[] => findingsOf(rule, stack, SETTINGS);

describe("route53-record-failover-health-check: an alarm decides an internal door only", () => {
    it("GIVEN the internal door's PRIMARY on its alarm's health check WHEN checked THEN nothing is found", () => {
        expect(findings(enforceFailoverRecordHealthCheck, vpnStack())).toEqual([]);
        expect(findings(enforceHealthCheckHttps, vpnStack())).toEqual([]);
    });

    it("GIVEN the same record aliasing an internet-facing door WHEN checked THEN it is reported", () => {
        const stack = withProps(vpnStack(), "acme-front-door-alb", (props) => void (props.internal = false));
        expect(findings(enforceFailoverRecordHealthCheck, stack)).toEqual([
            {
                resource: "acme-front-door-edge",
                message: "decided by a CLOUDWATCH_METRIC health check while it may alias the internet-facing load balancer acme-front-door-alb; check a public door over HTTPS (type HTTPS, port 443)",
            },
        ]);
    });

    it("GIVEN deployed DNS names WHEN the record names the internal door THEN the other, public door of the stack does not matter", () => {
        const publicDoor = policyResource("aws:lb/loadBalancer:LoadBalancer", "other-alb", "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/other/1", {
            internal: false,
            dnsName: "other-1.eu-west-1.elb.amazonaws.com",
        });
        const base = withProps(vpnStack(), "acme-front-door-alb", (props) => void (props.dnsName = LB_DNS));
        expect(findings(enforceFailoverRecordHealthCheck, { ...base, resources: [...base.resources, publicDoor] })).toEqual([]);
    });

    it("GIVEN a record decided by an alarm and no load balancer in the stack WHEN checked THEN it is reported", () => {
        const stack = { ...vpnStack(), resources: vpnStack().resources.filter((resource) => resource.name !== "acme-front-door-alb") };
        expect(findings(enforceFailoverRecordHealthCheck, stack)).toEqual([
            { resource: "acme-front-door-edge", message: "decided by a CLOUDWATCH_METRIC health check but aliases no load balancer of this stack: only an internal door may be judged by an alarm" },
        ]);
    });
});

describe("route53-health-check-https: a CLOUDWATCH_METRIC check follows the availability alarm", () => {
    it("GIVEN an alarm of another metric WHEN checked THEN it is reported", () => {
        const stack = withProps(vpnStack(), "acme-check-alarm", (props) => void ((props.namespace = "AWS/EC2"), (props.metricName = "CPUUtilization")));
        expect(findings(enforceHealthCheckHttps, stack)).toEqual([
            {
                resource: "acme-failover-health",
                message: `cloudwatchAlarmName "${ALARM}" is no availability check alarm of this stack (CloudWatchSynthetics SuccessPercent); only the functional check of the login page may decide a failover`,
            },
        ]);
    });

    it("GIVEN no alarm name WHEN checked THEN it is reported, not passed", () => {
        const stack = withProps(vpnStack(), "acme-failover-health", (props) => void delete props.cloudwatchAlarmName);
        expect(findings(enforceHealthCheckHttps, stack)).toEqual([
            { resource: "acme-failover-health", message: "a CLOUDWATCH_METRIC health check without a known cloudwatchAlarmName: the alarm it follows cannot be judged" },
        ]);
    });

    it.each([["Healthy"], ["LastKnownStatus"], [undefined]])("GIVEN insufficientDataHealthStatus %s WHEN checked THEN it is reported", (status) => {
        const stack = withProps(vpnStack(), "acme-failover-health", (props) => void (status === undefined ? delete props.insufficientDataHealthStatus : (props.insufficientDataHealthStatus = status)));
        expect(findings(enforceHealthCheckHttps, stack)).toEqual([
            {
                resource: "acme-failover-health",
                message: `insufficientDataHealthStatus is ${JSON.stringify(status ?? null)}; expected "Unhealthy": the alarm runs out of data when production's region collapses, and users must then be redirected`,
            },
        ]);
    });
});
