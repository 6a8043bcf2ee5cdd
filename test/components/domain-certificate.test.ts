import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { describe, expect, it } from "vitest";

import { DomainCertificate, DomainCertificateArgs, firstNameFor } from "../../components/domain-certificate";
import { FIRST_NAME_MAX } from "../../lib/naming";
import { FrontDoor } from "../../components/front-door";
import { named, ofType, planProgram, TEST_REGION } from "../helpers";
import { CERTIFICATE, RECORD, VALIDATION } from "./resource-types";

const ZONE = "Z0123456789ABCDEFGHIJ";
const ALB_ZONE = "Z32O12XQLNTSW2";
const ALB_DNS = "platform-eu-west-1-alb-1234567890.eu-west-1.elb.amazonaws.com";
const BASE = "itm.example.net";
const PLATFORM_ZONE = "ZPLATFORM0123456789AB";
/** A 63-character label (the contract's longest subdomain): 79 characters under the base domain. */
const LONG_LABEL = `h${"x".repeat(61)}h`;
/** A customer's own domain of 200 characters in valid labels (at most 63 each). */
const LONG_OWN = `${"a".repeat(63)}.${"b".repeat(60)}.${"c".repeat(63)}.example.com`;
const CERTIFICATE_ARN = new RegExp(`^arn:aws:acm:${TEST_REGION}:123456789012:certificate/[0-9a-f-]{36}$`);

async function planCertificate(name: string, args: DomainCertificateArgs) {
    const { plan } = await planProgram((provider) => {
        const certificate = new DomainCertificate(name, args, { provider });
        return { certificateArn: certificate.certificateArn, customerDnsRecords: certificate.customerDnsRecords };
    });
    return plan;
}

function expectAllParentedTo(resources: readonly { type: string; name: string; parent: string | null }[], parent: string): void {
    for (const resource of resources.filter((r) => r.type !== "pulumi:providers:aws" && r.name !== parent)) {
        expect(resource.parent, resource.name).toBe(parent);
    }
}

describe("DomainCertificate", () => {
    it("GIVEN a subdomain of the platform's zone and a target WHEN planned THEN the validation record and an alias are in the zone and the customer has nothing to do", async () => {
        const { resources, outputs } = await planCertificate("acme-web", {
            domainName: "acme.itm.example.net",
            zoneId: ZONE,
            target: { dnsName: ALB_DNS, zoneId: ALB_ZONE },
        });
        const certificate = named(resources, "acme-web-cert");
        expect(certificate.type).toBe(CERTIFICATE);
        expect(certificate.inputs).toMatchObject({ domainName: "acme.itm.example.net", validationMethod: "DNS" });

        expect(ofType(resources, RECORD).map((record) => record.name).sort()).toEqual(["acme-web-alias", "acme-web-cert-validation"]);
        const validationRecord = named(resources, "acme-web-cert-validation");
        expect(validationRecord.inputs).toMatchObject({ zoneId: ZONE, type: "CNAME", ttl: 300 });
        expect(validationRecord.inputs.name).toMatch(/^_[0-9a-f]{32}\.acme\.itm\.example\.net\.$/);
        expect(validationRecord.inputs.records).toEqual([expect.stringMatching(/^_[0-9a-f]{32}\.[0-9a-f]{10}\.acm-validations\.aws\.$/)]);

        const validation = named(resources, "acme-web-cert-validated");
        expect(validation.type).toBe(VALIDATION);
        expect(validation.inputs.certificateArn).toBe(certificate.id);
        expect(validation.inputs.validationRecordFqdns).toEqual([String(validationRecord.inputs.name).replace(/\.$/, "")]);

        const alias = named(resources, "acme-web-alias");
        expect(alias.inputs).toMatchObject({ zoneId: ZONE, name: "acme.itm.example.net", type: "A" });
        expect(alias.inputs.aliases).toEqual([{ name: ALB_DNS, zoneId: ALB_ZONE, evaluateTargetHealth: true }]);

        expect(outputs.customerDnsRecords).toEqual([]);
        expect(outputs.certificateArn).toBe(certificate.id);
        expect(outputs.certificateArn).toMatch(CERTIFICATE_ARN);
        expectAllParentedTo(resources, "acme-web");
    });

    it("GIVEN the platform's zone and no target WHEN planned THEN only the validation record is written", async () => {
        const { resources, outputs } = await planCertificate("acme-web", { domainName: "acme.itm.example.net", zoneId: ZONE });
        expect(ofType(resources, RECORD).map((record) => record.name)).toEqual(["acme-web-cert-validation"]);
        expect(outputs.customerDnsRecords).toEqual([]);
    });

    it("GIVEN the customer's own domain and a target WHEN planned THEN nothing is written to DNS and the customer gets the validation CNAME and a CNAME to the target", async () => {
        const { resources, outputs } = await planCertificate("initech-web", { domainName: "pm.initech.com", target: { dnsName: `${ALB_DNS}.`, zoneId: ALB_ZONE } });
        expect(ofType(resources, RECORD)).toEqual([]);
        const certificate = named(resources, "initech-web-cert");
        const validation = named(resources, "initech-web-cert-validated");
        expect(validation.inputs.certificateArn).toBe(certificate.id);
        expect(validation.inputs.validationRecordFqdns).toBeUndefined();
        expect(outputs.customerDnsRecords).toEqual([
            {
                name: expect.stringMatching(/^_[0-9a-f]{32}\.pm\.initech\.com$/),
                type: "CNAME",
                value: expect.stringMatching(/^_[0-9a-f]{32}\.[0-9a-f]{10}\.acm-validations\.aws$/),
                purpose: expect.stringContaining("pm.initech.com"),
            },
            { name: "pm.initech.com", type: "CNAME", value: ALB_DNS, purpose: expect.stringContaining("load balancer") },
        ]);
        expect(outputs.certificateArn).toBe(certificate.id);
    });

    it("GIVEN the customer's own domain and no target WHEN planned THEN the customer gets only the validation CNAME", async () => {
        const { outputs } = await planCertificate("initech-web", { domainName: "pm.initech.com" });
        expect((outputs.customerDnsRecords as { name: string }[]).map((record) => record.name)).toEqual([expect.stringMatching(/^_[0-9a-f]{32}\.pm\.initech\.com$/)]);
    });

    it("GIVEN a validation that answers with another ARN WHEN planned THEN the output is the validation's, not the certificate's", async () => {
        // The mock echoes the certificate's ARN through the validation; to tell the two apart, the
        // validation is asked to report a marked ARN and the output must carry the mark.
        const { plan } = await planProgram((provider) => {
            const certificate = new DomainCertificate("acme-web", { domainName: "acme.itm.example.net", zoneId: ZONE }, {
                provider,
                transformations: [
                    ({ type, props, opts }) =>
                        type === "aws:acm/certificateValidation:CertificateValidation"
                            ? { props: { ...props, certificateArn: pulumi.interpolate`${props.certificateArn as pulumi.Input<string>}#validated` }, opts }
                            : undefined,
                ],
            });
            return { certificateArn: certificate.certificateArn };
        });
        expect(plan.outputs.certificateArn).toMatch(/^arn:aws:acm:.*#validated$/);
    });

    it("GIVEN a FrontDoor WHEN planned THEN its certificate resources keep their names and carry aliases to their former URNs directly under the door", async () => {
        const aliases = new Map<string, { parentUrn: string; name: string; type: string }[]>();
        const { plan } = await planProgram((provider) => {
            // Observe what the engine is told: the alias specs of every registration.
            const monitor = settings.getMonitor() as unknown as Record<string, (req: any, callback: unknown) => unknown>;
            const register = monitor.registerResource!.bind(monitor);
            monitor.registerResource = (req: any, callback: unknown) => {
                const specs = (req.getAliasesList() as any[]).map((alias) => alias.getSpec());
                aliases.set(req.getName(), specs.map((spec) => ({ parentUrn: spec.getParenturn(), name: spec.getName(), type: spec.getType() })));
                return register(req, callback);
            };
            new FrontDoor(
                "acme-front-door",
                { vpcId: "vpc-0123", vpcCidr: "172.20.0.0/20", subnetIds: ["subnet-a", "subnet-b"], suspiciousNetworks: [], internal: false, domainName: "acme.itm.example.net", zoneId: ZONE, accessLogBucket: "test-access-logs", logKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555" },
                { provider },
            );
        });
        const component = plan.resources.find((resource) => resource.type === "tenant-platform:edge:DomainCertificate");
        expect(component).toMatchObject({ name: "acme-front-door", parent: "acme-front-door" });
        const doorUrn = "urn:pulumi:test::tenant-platform::tenant-platform:edge:FrontDoor::acme-front-door";
        for (const moved of ["acme-front-door-cert", "acme-front-door-cert-validation", "acme-front-door-cert-validated", "acme-front-door-alias"]) {
            expect(named(plan.resources, moved).parent, moved).toBe("acme-front-door");
            // Same name and type (empty: the resource's own) under the door's URN: the URN it had before.
            expect(aliases.get(moved), moved).toEqual([{ parentUrn: doorUrn, name: "", type: "" }]);
        }
        // Nothing else is re-parented (an empty type marks an alias this code gave, not the provider's renames).
        const ours = [...aliases].filter(([, specs]) => specs.some((spec) => spec.type === "")).map(([name]) => name);
        expect(ours.sort()).toEqual(["acme-front-door-alias", "acme-front-door-cert", "acme-front-door-cert-validated", "acme-front-door-cert-validation"]);
    });

    describe("a host name longer than a certificate's first name may be", () => {
        it.each([
            ["a 63-character subdomain", `${LONG_LABEL}.${BASE}`],
            ["a 200-character own domain", LONG_OWN],
        ])("GIVEN %s WHEN its first name is made THEN it is a short, stable name under the platform's domain", (_, host) => {
            expect(host.length).toBeGreaterThan(FIRST_NAME_MAX);
            expect(LONG_OWN).toHaveLength(200);
            const first = firstNameFor(host, BASE);
            expect(first).toMatch(/^[0-9a-f]{12}\.cert\.itm\.example\.net$/);
            expect(first.length).toBeLessThanOrEqual(FIRST_NAME_MAX);
            expect(firstNameFor(host, BASE)).toBe(first);
            expect(firstNameFor(`z${host}`, BASE)).not.toBe(first);
        });

        it("GIVEN a base domain too long for even the short name WHEN its first name is made THEN it throws naming the base domain", () => {
            const base = `${"d".repeat(40)}.example.net`;
            expect(() => firstNameFor(LONG_OWN, base)).toThrow(`the platform's base domain "${base}" is too long (at most 46 characters)`);
        });

        it("GIVEN a 63-character subdomain in the platform's zone WHEN planned THEN the first name is the short name, the host a SAN, and both are validated by records in the zone", async () => {
            const host = `${LONG_LABEL}.${BASE}`;
            const { resources, outputs } = await planCertificate("long-web", {
                domainName: host,
                zoneId: PLATFORM_ZONE,
                platformZone: { zoneId: PLATFORM_ZONE, domain: BASE },
                target: { dnsName: ALB_DNS, zoneId: ALB_ZONE },
            });
            const first = firstNameFor(host, BASE);
            const certificate = named(resources, "long-web-cert");
            expect(certificate.inputs).toMatchObject({ domainName: first, subjectAlternativeNames: [host], validationMethod: "DNS" });

            expect(ofType(resources, RECORD).map((record) => record.name).sort()).toEqual(["long-web-alias", "long-web-cert-first-name-validation", "long-web-cert-validation"]);
            const hostRecord = named(resources, "long-web-cert-validation");
            const firstRecord = named(resources, "long-web-cert-first-name-validation");
            expect(hostRecord.inputs).toMatchObject({ zoneId: PLATFORM_ZONE, type: "CNAME", ttl: 300 });
            expect(hostRecord.inputs.name).toBe(`_${String(hostRecord.inputs.name).slice(1, 33)}.${host}.`);
            expect(firstRecord.inputs).toMatchObject({ zoneId: PLATFORM_ZONE, type: "CNAME", ttl: 300 });
            expect(firstRecord.inputs.name).toMatch(new RegExp(`^_[0-9a-f]{32}\\.${first.replace(/\./g, "\\.")}\\.$`));

            const validation = named(resources, "long-web-cert-validated");
            expect(validation.inputs.validationRecordFqdns).toEqual([hostRecord.inputs.name, firstRecord.inputs.name].map((fqdn) => String(fqdn).replace(/\.$/, "")));
            expect(named(resources, "long-web-alias").inputs).toMatchObject({ zoneId: PLATFORM_ZONE, name: host, type: "A" });
            expect(outputs.customerDnsRecords).toEqual([]);
            expectAllParentedTo(resources, "long-web");
        });

        it("GIVEN a 200-character own domain WHEN planned THEN the platform validates its short first name in its zone and the customer gets only their own domain's records", async () => {
            const { resources, outputs } = await planCertificate("long-own", {
                domainName: LONG_OWN,
                platformZone: { zoneId: PLATFORM_ZONE, domain: BASE },
                target: { dnsName: ALB_DNS, zoneId: ALB_ZONE },
            });
            const first = firstNameFor(LONG_OWN, BASE);
            const certificate = named(resources, "long-own-cert");
            expect(certificate.inputs).toMatchObject({ domainName: first, subjectAlternativeNames: [LONG_OWN] });

            expect(ofType(resources, RECORD).map((record) => record.name)).toEqual(["long-own-cert-first-name-validation"]);
            const firstRecord = named(resources, "long-own-cert-first-name-validation");
            expect(firstRecord.inputs.zoneId).toBe(PLATFORM_ZONE);
            expect(String(firstRecord.inputs.name).endsWith(`.${first}.`)).toBe(true);

            const validation = named(resources, "long-own-cert-validated");
            expect(validation.inputs.validationRecordFqdns).toBeUndefined();
            expect(outputs.customerDnsRecords).toEqual([
                {
                    name: expect.stringMatching(new RegExp(`^_[0-9a-f]{32}\\.${LONG_OWN.replace(/\./g, "\\.")}$`)),
                    type: "CNAME",
                    value: expect.stringMatching(/^_[0-9a-f]{32}\.[0-9a-f]{10}\.acm-validations\.aws$/),
                    purpose: expect.stringContaining(LONG_OWN),
                },
                { name: LONG_OWN, type: "CNAME", value: ALB_DNS, purpose: expect.stringContaining("load balancer") },
            ]);
        });

        it("GIVEN a host name of exactly 64 characters WHEN planned THEN the certificate stays a single-name one", async () => {
            const host = `${"k".repeat(64 - BASE.length - 1)}.${BASE}`;
            expect(host).toHaveLength(FIRST_NAME_MAX);
            const { resources } = await planCertificate("edge-web", { domainName: host, zoneId: PLATFORM_ZONE, platformZone: { zoneId: PLATFORM_ZONE, domain: BASE } });
            expect(named(resources, "edge-web-cert").inputs).toEqual({ domainName: host, validationMethod: "DNS" });
            expect(ofType(resources, RECORD).map((record) => record.name)).toEqual(["edge-web-cert-validation"]);
        });

        it("GIVEN a host name over 64 characters and no platform zone WHEN planned THEN it fails naming the host and the limit", async () => {
            await expect(planCertificate("orphan-web", { domainName: LONG_OWN })).rejects.toThrow(/orphan-web: a{63}\.b{60}.* has 200 characters, more than ACM's 64 for a certificate's first name/);
        });
    });
});
