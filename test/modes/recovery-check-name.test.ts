// The tenant recovery's own check name and the DNS failover of VPN-only tenants (issue 16), on the
// graph the offline plan registers:
// - active, a recovery environment is checked on `recovery.<failover name>` (the drill copy on
//   `drill.<failover name>`): its own certificate, validated in the platform's zone, on the door's
//   listener; the availability check and the `url` output use it, `appUrl` is the users' URL;
// - a VPN-only tenant's name is a failover pair too: production's PRIMARY decided by a
//   CLOUDWATCH_METRIC health check on its availability alarm, the recovery's SECONDARY on redirect,
//   and Route 53 accepts the records of production, recovery and drill side by side.

import { beforeAll, describe, expect, it } from "vitest";

import { ACM_DNS_VALIDATED_NAME_MAX, alarmHealthCheckProblems, checkHostName, checkNameProblems, FAILOVER_SET_IDENTIFIER } from "../../components/failover-dns";
import { drillStackName, recoveryStackName } from "../../lib/platform";
import type { PlannedResource } from "../../scripts/lib/plan/engine";
import { planStack, qualifiedStackName } from "../../scripts/lib/plan/engine";
import { PlanDocument, planFleet, TenantPlan } from "../../scripts/lib/plan/fleet";
import { recordSetProblems } from "../../scripts/lib/plan/route53-records";
import { evaluate } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { NETWORK_RULES } from "../../policy/rules/network";
import { platformProgram } from "../../stacks";
import { resolveTenant, Tenant, TenantDocument } from "../../stacks/config/tenant";
import { recoveryProgram } from "../../stacks/recovery";
import { platformFixture } from "../fixtures/platform-configs";
import { byId, ofType, stackOf, T } from "../graph";

const BASE = "itm.example.net";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const DOCS: TenantDocument[] = [
    { tenant: "globex", company: "Globex", mode: "cloud", region: "eu-west-1", domain: { subdomain: "globex" }, network: { cidr: "10.20.0.0/16" } },
    {
        tenant: "hooli",
        company: "Hooli",
        mode: "vpn",
        region: "eu-west-1",
        domain: { subdomain: "hooli" },
        network: { cidr: "10.50.0.0/16" },
        vpn: { customerGatewayIp: "85.214.132.117", bgpAsn: 65010, corporateCidrs: ["192.168.0.0/16"] },
    },
    {
        tenant: "initech",
        company: "Initech",
        mode: "vpn",
        region: "eu-west-1",
        domain: { own: "pm.initech.com" },
        network: { cidr: "172.20.0.0/20" },
        vpn: { customerGatewayIp: "85.214.132.118", corporateCidrs: ["192.168.0.0/16"] },
    },
];
const tenants: Tenant[] = DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));
const tenant = (id: string): Tenant => tenants.find((candidate) => candidate.id === id)!;

let idle: PlanDocument;
let redirected: PlanDocument;
const drills = new Map<string, TenantPlan>();

beforeAll(async () => {
    idle = await planFleet({ tenants });
    redirected = await planFleet({ tenants, config: { recoveryActive: "true", restoredDatabase: "restored-db-1", recoveryRedirect: "true" } });
    expect(idle.errors).toEqual([]);
    expect(redirected.errors).toEqual([]);
    const region = "eu-west-1";
    const { snapshot } = await planStack({ stack: `platform-${region}`, region, config: {}, program: () => platformProgram(region, platformFixture([region]).settings.get(region)!) });
    for (const id of ["globex", "hooli"]) {
        const { plan } = await planStack({
            stack: drillStackName(id),
            region: tenant(id).offsiteRegion,
            config: {},
            stackOutputs: new Map([[qualifiedStackName(`platform-${region}`), snapshot]]),
            program: () => recoveryProgram(tenant(id), "drill"),
        });
        drills.set(id, { ...plan, tenant: drillStackName(id), source: `fixtures/${id}.yaml`, mode: tenant(id).mode, region: tenant(id).offsiteRegion });
    }
});

const recovery = (document: PlanDocument, id: string): TenantPlan => stackOf(document, recoveryStackName(id));
const recordsNamed = (plan: Pick<TenantPlan, "resources">, name: string): PlannedResource[] => ofType(plan, T.record).filter((record) => record.inputs.name === name);

describe("the recovery's own check name", () => {
    it.each([
        ["globex", "recovery.globex.itm.example.net", "https://globex.itm.example.net", false],
        ["hooli", "recovery.hooli.itm.example.net", "https://hooli.itm.example.net", true],
        ["initech", "recovery.initech.edge.itm.example.net", "https://pm.initech.com", true],
    ])("GIVEN %s active WHEN planned THEN it is checked on %s: certificate, validation and alias in the platform's zone, on the door's listener", (id, checkName, appUrl, internal) => {
        const plan = recovery(redirected, id);
        const [door] = ofType(plan, T.loadBalancer);
        expect(door!.inputs.internal).toBe(internal);

        const certificate = ofType(plan, T.certificate).find((candidate) => candidate.inputs.domainName === checkName)!;
        expect(certificate.inputs).toMatchObject({ domainName: checkName, validationMethod: "DNS" });
        const validated = ofType(plan, T.certificateValidation).find((candidate) => candidate.inputs.certificateArn === certificate.id)!;
        const validation = ofType(plan, T.record).find((record) => record.inputs.type === "CNAME" && String(record.inputs.name).endsWith(`.${checkName}.`))!;
        expect(validated.inputs.validationRecordFqdns).toEqual([expect.stringContaining(checkName)]);
        const zoneId = validation.inputs.zoneId;
        expect(zoneId).toBe(recordsNamed(plan, failoverNameOf(id))[0]!.inputs.zoneId);

        const [alias, ...more] = recordsNamed(plan, checkName);
        expect(more).toEqual([]);
        expect(alias!.inputs).toMatchObject({ zoneId, type: "A", aliases: [{ evaluateTargetHealth: true }] });
        expect(alias!.inputs.setIdentifier).toBeUndefined();

        const listenerCertificate = ofType(plan, T.listenerCertificate).find((candidate) => candidate.name === `${id}-check-certificate`)!;
        const https = ofType(plan, T.listener).find((listener) => listener.inputs.port === 443)!;
        // The validated certificate (CertificateValidation's output): a listener takes it only once issued.
        expect(listenerCertificate.inputs).toEqual({ listenerArn: https.id, certificateArn: validated.inputs.certificateArn });
        expect(byId(plan, https.inputs.loadBalancerArn)).toBe(door);

        // The availability check requests the check name; dr reads the outputs.
        const [canary] = ofType(plan, T.canary);
        expect((canary!.inputs.runConfig as { environmentVariables: Record<string, string> }).environmentVariables.CHECK_URL).toBe(`https://${checkName}`);
        expect(plan.outputs).toMatchObject({ url: `https://${checkName}`, appUrl, internalDoor: internal, checkCanaryName: canary!.inputs.name });
        expect(appUrl).toBe(stackOf(redirected, id).outputs.url);
        // The recovery stack owns its check name (tenant-host-names-owned); production does not.
        expect(violations(redirected, plan)).toEqual([]);
        expect(violations(redirected, { ...plan, tenant: id, recoveryOf: undefined }).filter((text) => text.startsWith("tenant-host-names-owned"))).toContainEqual(
            expect.stringContaining(`name is ${checkName}, a host name ${id} does not own`),
        );
    });

    it("GIVEN an idle recovery WHEN planned THEN its check name's certificate is ready (an activation never waits for ACM), but no name, no url, appUrl, internalDoor or checkCanaryName", () => {
        const plan = recovery(idle, "hooli");
        expect(ofType(plan, T.certificate).map((certificate) => certificate.inputs.domainName)).toEqual(["recovery.hooli.itm.example.net"]);
        expect(ofType(plan, T.certificateValidation)).toHaveLength(1);
        expect(recordsNamed(plan, "recovery.hooli.itm.example.net")).toEqual([]);
        expect(ofType(plan, T.listenerCertificate)).toEqual([]);
        for (const key of ["url", "appUrl", "internalDoor", "checkCanaryName"]) {
            expect(plan.outputs[key], key).toBeUndefined();
        }
    });

    it("GIVEN the drill copy WHEN planned THEN its check name is drill.<failover name>, and no failover record", () => {
        const plan = drills.get("hooli")!;
        expect(plan.outputs.url).toBe("https://drill.hooli.itm.example.net");
        expect(recordsNamed(plan, "drill.hooli.itm.example.net")).toHaveLength(1);
        expect(ofType(plan, T.record).filter((record) => record.inputs.failoverRoutingPolicies !== undefined)).toEqual([]);
    });

    it("GIVEN production, its redirected recovery and its drill WHEN their records are put together THEN Route 53 accepts them: no validation record or name collides", () => {
        for (const id of ["globex", "hooli"]) {
            const stacks = [stackOf(redirected, id), recovery(redirected, id), drills.get(id)!];
            expect(recordSetProblems(stacks)).toEqual([]);
            const validationNames = stacks.flatMap((plan) => ofType(plan, T.record).filter((record) => record.inputs.type === "CNAME").map((record) => String(record.inputs.name)));
            expect(new Set(validationNames).size, validationNames.join(", ")).toBe(validationNames.length);
            expect(validationNames.filter((name) => name.endsWith(`.recovery.${id}.${BASE}.`))).toHaveLength(1);
            expect(validationNames.filter((name) => name.endsWith(`.drill.${id}.${BASE}.`))).toHaveLength(1);
        }
    });
});

/** The network rules' findings on a planned stack (the health-check rules and the host-name ownership among them). */
function violations(document: PlanDocument, plan: TenantPlan): string[] {
    return evaluate(stackFromPlan(plan), settingsFor(plan, document), NETWORK_RULES).map((violation) => `${violation.policy}: ${violation.message}`);
}

function failoverNameOf(id: string): string {
    return id === "initech" ? `initech.edge.${BASE}` : `${id}.${BASE}`;
}

describe("DNS failover of a VPN-only tenant (an internal door)", () => {
    it.each([["hooli"], ["initech"]])("GIVEN %s in production WHEN planned THEN its failover name is the PRIMARY, decided by a CLOUDWATCH_METRIC check on its availability alarm", (id) => {
        const plan = stackOf(idle, id);
        const name = failoverNameOf(id);
        const [check, ...others] = ofType(plan, T.healthCheck);
        expect(others).toEqual([]);
        const alarm = ofType(plan, METRIC_ALARM).find((candidate) => candidate.name === `${id}-check-alarm`)!;
        expect(check!.inputs).toMatchObject({ type: "CLOUDWATCH_METRIC", cloudwatchAlarmName: alarm.inputs.name, cloudwatchAlarmRegion: "eu-west-1", insufficientDataHealthStatus: "Unhealthy" });
        const [primary, ...simple] = recordsNamed(plan, name).filter((record) => record.inputs.type === "A");
        expect(simple).toEqual([]);
        expect(primary!.inputs).toMatchObject({
            setIdentifier: FAILOVER_SET_IDENTIFIER.PRIMARY,
            failoverRoutingPolicies: [{ type: "PRIMARY" }],
            healthCheckId: check!.id,
            aliases: [{ evaluateTargetHealth: true }],
        });
        expect(violations(idle, plan)).toEqual([]);
    });

    it.each([["hooli"], ["initech"]])("GIVEN %s's recovery told to redirect WHEN planned THEN the SECONDARY of the failover name aliases the recovery door", (id) => {
        const plan = recovery(redirected, id);
        const [secondary] = ofType(plan, T.record).filter((record) => record.inputs.setIdentifier === FAILOVER_SET_IDENTIFIER.SECONDARY);
        expect(secondary!.inputs).toMatchObject({ name: failoverNameOf(id), type: "A", failoverRoutingPolicies: [{ type: "SECONDARY" }] });
        expect((secondary!.inputs.aliases as { name: string }[])[0]!.name).toBe(plan.outputs.loadBalancerDnsName);
        expect(violations(redirected, plan)).toEqual([]);
        // Not without the redirect.
        expect(ofType(recovery(idle, id), T.record).filter((record) => record.inputs.setIdentifier !== undefined)).toEqual([]);
    });

    it("GIVEN the VPN customer's instructions WHEN read THEN they name the recovery tunnels, how routes move (BGP or static), and no secret", () => {
        const bgp = String(stackOf(idle, "hooli").outputs.vpnFailover);
        expect(bgp).toContain("hooli-recovery");
        expect(bgp).toMatch(/^Disaster recovery: hooli\.itm\.example\.net is redirected .* BGP: the recovery tunnels advertise the same network 10\.50\.0\.0\/16; give their routes a lower preference/);
        const staticRouting = String(recovery(idle, "initech").outputs.vpnFailover);
        expect(staticRouting).toMatch(/Static routing: .* switch the route to the recovery tunnels/);
        expect(staticRouting).toContain("initech.edge.itm.example.net");
        for (const text of [bgp, staticRouting]) {
            expect(text).not.toMatch(/presharedKey":|[A-Za-z0-9._]{32,}/);
        }
        // A public tenant has no such note.
        expect(stackOf(idle, "globex").outputs.vpnFailover).toBeUndefined();
    });
});

describe("a check name longer than a certificate's first name", () => {
    it("GIVEN a 63-character subdomain WHEN its recovery is active THEN the check name is the alternative name of a certificate with the platform's short first name, and nothing is refused", async () => {
        const label = "l".repeat(63);
        const long = resolveTenant({ tenant: "longname", company: "Long", mode: "cloud", region: "eu-west-1", domain: { subdomain: label }, network: { cidr: "10.60.0.0/16" } }, "fixtures/longname.yaml");
        const document = await planFleet({ tenants: [long], config: { recoveryActive: "true", restoredDatabase: "restored-db-1" } });
        expect(document.errors).toEqual([]);
        const plan = recovery(document, "longname");
        const checkName = `recovery.${label}.${BASE}`;
        const certificate = ofType(plan, T.certificate).find((candidate) => (candidate.inputs.subjectAlternativeNames as string[] | undefined)?.includes(checkName))!;
        expect(String(certificate.inputs.domainName)).toMatch(new RegExp(`^[0-9a-f]{12}\\.cert\\.${BASE.replace(/\./g, "\\.")}$`));
        expect(violations(document, plan)).toEqual([]);
    });
});

describe("AWS's rules for the check name and the alarm's region", () => {
    it.each([
        ["recovery", "acme.itm.example.net", "recovery.acme.itm.example.net"],
        ["drill", "acme.edge.itm.example.net.", "drill.acme.edge.itm.example.net"],
    ] as const)("GIVEN kind %s and %s THEN the check name is %s", (kind, failoverName, expected) => {
        expect(checkHostName(kind, failoverName)).toBe(expected);
    });

    it("GIVEN a failover name whose check name would pass 253 characters WHEN named THEN it is refused as Route 53 would", () => {
        const long = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(53)}`;
        expect(() => checkHostName("recovery", long)).toThrow(/has 254 characters; a DNS name has at most 253/);
    });

    it("GIVEN a check name ACM could not validate by DNS WHEN checked THEN it is refused, and the longest it validates passes", () => {
        const name = (length: number) => `recovery.${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(length - 205)}.net`;
        expect(ACM_DNS_VALIDATED_NAME_MAX).toBe(219);
        expect(checkNameProblems(name(219))).toEqual([]);
        expect(checkNameProblems(name(220))).toEqual([expect.stringMatching(/has 220 characters; ACM validates by DNS names of at most 219/)]);
    });

    it("GIVEN a label ACM refuses WHEN checked THEN it is named", () => {
        expect(checkNameProblems("recovery.-acme.itm.example.net")).toEqual([expect.stringContaining('label "-acme"')]);
    });

    it("GIVEN an alarm region outside Route 53's CloudWatchRegion enum WHEN checked THEN it is refused; the fleet's regions pass", () => {
        expect(alarmHealthCheckProblems({ alarmRegion: "eu-west-1" })).toEqual([]);
        expect(alarmHealthCheckProblems({ alarmRegion: "ap-southeast-4" })).toEqual([]);
        expect(alarmHealthCheckProblems({ alarmRegion: "il-central-1" })).toEqual([]);
        expect(alarmHealthCheckProblems({ alarmRegion: "eu-nowhere-1" })).toEqual([expect.stringMatching(/^alarmRegion: "eu-nowhere-1" is not a region Route 53 accepts/)]);
    });
});
