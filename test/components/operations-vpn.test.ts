import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { describe, expect, it } from "vitest";

import { cidrSlug, earlyRenewalHours, OperationsVpn, OperationsVpnArgs, operationsVpnProblems } from "../../components/operations-vpn";
import { PlannedResource } from "../../scripts/lib/plan/engine";
import { byId, named, ofType, planProgram } from "../helpers";
import { T } from "../resource-types";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const SERVER_NAME = "vpn.ops.itm.example.net";
const BASE: OperationsVpnArgs = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
    authorizedCidrs: ["10.10.8.0/24", "10.10.9.0/24"],
    clientCidrBlock: "10.14.0.0/22",
    serverName: SERVER_NAME,
    logKeyArn: KEY,
};

/**
 * Plans the VPN and returns the plan plus the mocked state of each resource by logical name: the
 * plan records inputs only, and a certificate's PEM is state (what the tls provider computed).
 */
async function plan(overrides: Partial<OperationsVpnArgs> = {}) {
    const result = await planProgram((provider) => {
        const vpn = new OperationsVpn("ops-vpn", { ...BASE, ...overrides }, { provider });
        return {
            endpointId: vpn.endpointId,
            dnsName: vpn.dnsName,
            caCertificatePem: vpn.caCertificatePem,
            clientCertificatePem: vpn.clientCertificatePem,
            clientPrivateKeyPem: vpn.clientPrivateKeyPem,
            securityGroupId: vpn.securityGroupId,
        };
    });
    const registered = (settings.getMonitor() as unknown as MockMonitor).getRegisteredResources();
    const state = (name: string): Record<string, unknown> => {
        const found = [...registered.values()].find((resource) => resource.urn.endsWith(`::${name}`));
        if (!found) {
            throw new Error(`no state for ${name}`);
        }
        return found.state as Record<string, unknown>;
    };
    return { ...result, state };
}

function inputsOf(resources: readonly PlannedResource[], type: string): Record<string, unknown>[] {
    return ofType(resources, type).map((resource) => resource.inputs);
}

describe("OperationsVpn", () => {
    it("GIVEN the admin tier WHEN planned THEN the endpoint serves the imported server certificate and authenticates clients against the imported client chain, both signed by the generated CA", async () => {
        const { plan: p, state, snapshot } = await plan();
        const r = p.resources;
        const endpoint = named(r, "ops-vpn-endpoint");
        const serverAcm = byId(r, endpoint.inputs.serverCertificateArn);
        const [auth, ...moreAuth] = endpoint.inputs.authenticationOptions as Record<string, unknown>[];
        expect(moreAuth).toEqual([]);
        expect(auth).toEqual({ type: "certificate-authentication", rootCertificateChainArn: expect.any(String) });
        const clientAcm = byId(r, auth?.rootCertificateChainArn);
        expect(serverAcm?.name).toBe("ops-vpn-server-acm");
        expect(clientAcm?.name).toBe("ops-vpn-client-acm");
        expect(ofType(r, T.certificate)).toHaveLength(2);

        const caPem = state("ops-vpn-ca").certPem;
        expect(caPem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
        for (const [role, acm] of [["server", serverAcm], ["client", clientAcm]] as const) {
            // ACM import <- the role's signed certificate <- its CSR <- its own key; chain = the CA.
            expect(acm?.inputs.certificateBody, role).toBe(state(`ops-vpn-${role}-cert`).certPem);
            expect(acm?.inputs.certificateChain, role).toBe(caPem);
            expect(acm?.inputs.privateKey, role).toBe("[secret]");
            const signed = named(r, `ops-vpn-${role}-cert`);
            expect(signed.inputs.certRequestPem, role).toBe(state(`ops-vpn-${role}-csr`).certRequestPem);
            expect(signed.inputs.caCertPem, role).toBe(caPem);
            expect(signed.inputs.caPrivateKeyPem, role).toBe("[secret]");
        }
        expect(state("ops-vpn-server-cert").certPem).not.toBe(state("ops-vpn-client-cert").certPem);
        expect(snapshot.outputs.caCertificatePem).toBe(caPem);
        expect(snapshot.outputs.clientCertificatePem).toBe(state("ops-vpn-client-cert").certPem);
        expect(snapshot.outputs.clientPrivateKeyPem).toBe(state("ops-vpn-client-key").privateKeyPem);
    });

    it("GIVEN default validity WHEN planned THEN three RSA 2048 keys, a CA for signing only, a server and a client certificate with easy-rsa's profiles, a year valid and renewed in the last month", async () => {
        const { plan: p } = await plan();
        const r = p.resources;
        expect(ofType(r, T.tlsPrivateKey).map((key) => [key.name, key.inputs])).toEqual([
            ["ops-vpn-ca-key", { algorithm: "RSA", rsaBits: 2048 }],
            ["ops-vpn-client-key", { algorithm: "RSA", rsaBits: 2048 }],
            ["ops-vpn-server-key", { algorithm: "RSA", rsaBits: 2048 }],
        ]);
        expect(ofType(r, T.tlsSelfSignedCert).map((ca) => ca.name)).toEqual(["ops-vpn-ca"]);
        expect(named(r, "ops-vpn-ca").inputs).toEqual({
            privateKeyPem: "[secret]",
            subject: { commonName: `${SERVER_NAME} CA`, organizationalUnit: "Operations" },
            isCaCertificate: true,
            setSubjectKeyId: true,
            setAuthorityKeyId: true,
            allowedUses: ["cert_signing", "crl_signing"],
            validityPeriodHours: 43800,
            earlyRenewalHours: 3650,
        });
        expect(named(r, "ops-vpn-server-csr").inputs).toEqual({
            privateKeyPem: "[secret]",
            subject: { commonName: SERVER_NAME, organizationalUnit: "Operations" },
            dnsNames: [SERVER_NAME],
        });
        // Client VPN refuses a client certificate without a common name.
        expect(named(r, "ops-vpn-client-csr").inputs).toEqual({
            privateKeyPem: "[secret]",
            subject: { commonName: `operations.${SERVER_NAME}`, organizationalUnit: "Operations" },
        });
        expect(named(r, "ops-vpn-server-cert").inputs).toMatchObject({ allowedUses: ["server_auth", "digital_signature", "key_encipherment"], validityPeriodHours: 8760, earlyRenewalHours: 730 });
        expect(named(r, "ops-vpn-client-cert").inputs).toMatchObject({ allowedUses: ["client_auth", "digital_signature"], validityPeriodHours: 8760, earlyRenewalHours: 730 });
        expect(ofType(r, T.tlsLocallySignedCert)).toHaveLength(2);
        expect(ofType(r, T.tlsCertRequest)).toHaveLength(2);
    });

    it("GIVEN other validity periods WHEN planned THEN the certificates and the CA use them", async () => {
        const { plan: p } = await plan({ validityHours: 2160, caValidityHours: 17520 });
        expect(named(p.resources, "ops-vpn-client-cert").inputs).toMatchObject({ validityPeriodHours: 2160, earlyRenewalHours: 180 });
        expect(named(p.resources, "ops-vpn-server-cert").inputs).toMatchObject({ validityPeriodHours: 2160, earlyRenewalHours: 180 });
        expect(named(p.resources, "ops-vpn-ca").inputs).toMatchObject({ validityPeriodHours: 17520, earlyRenewalHours: 1460 });
    });

    it("GIVEN the generated keys WHEN planned THEN every private key is a secret in every input and output, and only the client key is output", async () => {
        const { plan: p, snapshot } = await plan();
        const privateInputs = p.resources.flatMap((resource) =>
            Object.entries(resource.inputs)
                .filter(([key]) => /private/i.test(key))
                .map(([key, value]) => [`${resource.name}.${key}`, value]),
        );
        expect(privateInputs).toEqual([
            ["ops-vpn-ca.privateKeyPem", "[secret]"],
            ["ops-vpn-client-acm.privateKey", "[secret]"],
            ["ops-vpn-client-cert.caPrivateKeyPem", "[secret]"],
            ["ops-vpn-client-csr.privateKeyPem", "[secret]"],
            ["ops-vpn-server-acm.privateKey", "[secret]"],
            ["ops-vpn-server-cert.caPrivateKeyPem", "[secret]"],
            ["ops-vpn-server-csr.privateKeyPem", "[secret]"],
        ]);
        expect(JSON.stringify(p)).not.toMatch(/PRIVATE KEY-----/);
        expect(snapshot.secretOutputNames).toEqual(["clientPrivateKeyPem"]);
        expect(p.outputs.clientPrivateKeyPem).toBe("[secret]");
        expect(snapshot.outputs.clientPrivateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
        expect(p.outputs.caCertificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
        expect(p.outputs.clientCertificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    });

    it("GIVEN two admin networks and two subnets WHEN planned THEN staff are authorized to exactly those networks through exactly those subnets, with no route or rule to anywhere else", async () => {
        const { plan: p, snapshot } = await plan();
        const r = p.resources;
        const endpoint = named(r, "ops-vpn-endpoint");
        expect(ofType(r, T.clientVpnEndpoint)).toHaveLength(1);
        expect(ofType(r, T.clientVpnAuthorizationRule).map((rule) => [rule.name, rule.inputs])).toEqual([
            ["ops-vpn-allow-10-10-8-0-24", { clientVpnEndpointId: endpoint.id, targetNetworkCidr: "10.10.8.0/24", authorizeAllGroups: true, description: "Operations staff to 10.10.8.0/24" }],
            ["ops-vpn-allow-10-10-9-0-24", { clientVpnEndpointId: endpoint.id, targetNetworkCidr: "10.10.9.0/24", authorizeAllGroups: true, description: "Operations staff to 10.10.9.0/24" }],
        ]);
        expect(ofType(r, T.clientVpnNetworkAssociation).map((association) => [association.name, association.inputs])).toEqual([
            ["ops-vpn-subnet-0", { clientVpnEndpointId: endpoint.id, subnetId: "subnet-0aaaaaaaaaaaaaaa1" }],
            ["ops-vpn-subnet-1", { clientVpnEndpointId: endpoint.id, subnetId: "subnet-0bbbbbbbbbbbbbbb2" }],
        ]);
        expect(ofType(r, T.clientVpnRoute)).toEqual([]);
        expect(JSON.stringify(r.map((resource) => resource.inputs))).not.toContain("0.0.0.0/0");

        const group = named(r, "ops-vpn-sg");
        expect(ofType(r, T.securityGroup)).toHaveLength(1);
        // The provider's generated name is among the inputs, as a real preview shows it.
        expect(group.inputs).toEqual({
            name: expect.stringMatching(/^ops-vpn-sg-[0-9a-f]{7}$/),
            vpcId: BASE.vpcId,
            description: "Operations Client VPN: staff traffic to the authorized admin networks only",
            tags: { Name: "ops-vpn-sg" },
        });
        expect(ofType(r, T.egress).map((rule) => [rule.name, rule.inputs])).toEqual([
            ["ops-vpn-sg-to-10-10-8-0-24", { securityGroupId: group.id, ipProtocol: "-1", cidrIpv4: "10.10.8.0/24", description: "Operations staff to 10.10.8.0/24" }],
            ["ops-vpn-sg-to-10-10-9-0-24", { securityGroupId: group.id, ipProtocol: "-1", cidrIpv4: "10.10.9.0/24", description: "Operations staff to 10.10.9.0/24" }],
        ]);
        expect(ofType(r, T.ingress)).toEqual([]);
        expect(endpoint.inputs).toMatchObject({ vpcId: BASE.vpcId, securityGroupIds: [group.id], clientCidrBlock: "10.14.0.0/22" });
        expect(snapshot.outputs).toMatchObject({ endpointId: endpoint.id, securityGroupId: group.id });
    });

    it("GIVEN defaults WHEN planned THEN a split, UDP, 8-hour session without self-service portal, disconnected at the timeout, on the device's DNS", async () => {
        const { plan: p, snapshot } = await plan();
        const endpoint = named(p.resources, "ops-vpn-endpoint");
        expect(endpoint.inputs).toMatchObject({
            splitTunnel: true,
            transportProtocol: "udp",
            sessionTimeoutHours: 8,
            disconnectOnSessionTimeout: true,
            selfServicePortal: "disabled",
            description: `Operations access to the administration network (${SERVER_NAME})`,
            tags: { Name: "ops-vpn" },
        });
        expect(endpoint.inputs.dnsServers).toBeUndefined();
        expect(snapshot.outputs.dnsName).toMatch(/^\*\.cvpn-endpoint-[0-9a-f]{17}\.prod\.clientvpn\.eu-west-1\.amazonaws\.com$/);
        expect(snapshot.outputs.dnsName).toBe(`*.${endpoint.id}.prod.clientvpn.eu-west-1.amazonaws.com`);
    });

    it("GIVEN a full tunnel, a 12-hour session and the VPC resolver WHEN planned THEN the endpoint uses them", async () => {
        const { plan: p } = await plan({ splitTunnel: false, sessionTimeoutHours: 12, dnsServers: ["10.10.0.2"] });
        expect(named(p.resources, "ops-vpn-endpoint").inputs).toMatchObject({ splitTunnel: false, sessionTimeoutHours: 12, dnsServers: ["10.10.0.2"] });
        // A full tunnel still reaches nothing but the authorized networks.
        expect(ofType(p.resources, T.clientVpnRoute)).toEqual([]);
    });

    it("GIVEN the log key WHEN planned THEN every connection is logged to a stream of a KMS-encrypted group kept a year", async () => {
        const { plan: p } = await plan();
        const r = p.resources;
        const group = named(r, "ops-vpn-logs");
        const stream = named(r, "ops-vpn-logs-connections");
        expect(ofType(r, T.logGroup)).toHaveLength(1);
        expect(group.inputs).toEqual({ name: "/operations/client-vpn/ops-vpn", kmsKeyId: KEY, retentionInDays: 365, tags: { Name: "ops-vpn-logs" } });
        expect(stream.inputs).toEqual({ logGroupName: group.id, name: "connections" });
        expect(named(r, "ops-vpn-endpoint").inputs.connectionLogOptions).toEqual({ enabled: true, cloudwatchLogGroup: group.id, cloudwatchLogStream: "connections" });
    });

    it("GIVEN a longer log retention WHEN planned THEN the group keeps the logs that long", async () => {
        const { plan: p } = await plan({ logRetentionDays: 731 });
        expect(named(p.resources, "ops-vpn-logs").inputs.retentionInDays).toBe(731);
    });

    it("GIVEN the VPN WHEN planned THEN exactly its resources are registered, each a child of the component", async () => {
        const { plan: p } = await plan();
        const children = p.resources.filter((resource) => resource.type !== "pulumi:providers:aws" && resource.name !== "ops-vpn");
        expect(children.map((resource) => resource.name)).toEqual([
            "ops-vpn-allow-10-10-8-0-24",
            "ops-vpn-allow-10-10-9-0-24",
            "ops-vpn-ca",
            "ops-vpn-ca-key",
            "ops-vpn-client-acm",
            "ops-vpn-client-cert",
            "ops-vpn-client-csr",
            "ops-vpn-client-key",
            "ops-vpn-endpoint",
            "ops-vpn-logs",
            "ops-vpn-logs-connections",
            "ops-vpn-server-acm",
            "ops-vpn-server-cert",
            "ops-vpn-server-csr",
            "ops-vpn-server-key",
            "ops-vpn-sg",
            "ops-vpn-sg-to-10-10-8-0-24",
            "ops-vpn-sg-to-10-10-9-0-24",
            "ops-vpn-subnet-0",
            "ops-vpn-subnet-1",
        ]);
        for (const child of children) {
            expect(child.parent, child.name).toBe("ops-vpn");
        }
        expect(named(p.resources, "ops-vpn").type).toBe("tenant-platform:operations:OperationsVpn");
    });

    it("GIVEN the certificates WHEN planned THEN the mocks answer like the tls provider: PEMs, a validity window from the issue instant, no ARN", async () => {
        const { state } = await plan();
        expect(state("ops-vpn-server-cert")).toMatchObject({
            certPem: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/),
            validityStartTime: "2025-01-01T00:00:00Z",
            validityEndTime: "2026-01-01T00:00:00Z",
            readyForRenewal: false,
            caKeyAlgorithm: "RSA",
        });
        expect(state("ops-vpn-ca")).toMatchObject({ validityEndTime: "2029-12-31T00:00:00Z", keyAlgorithm: "RSA" });
        expect(state("ops-vpn-server-csr")).toMatchObject({ certRequestPem: expect.stringMatching(/^-----BEGIN CERTIFICATE REQUEST-----\n/), keyAlgorithm: "RSA" });
        expect(state("ops-vpn-ca-key")).toMatchObject({
            publicKeyPem: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/),
            publicKeyOpenssh: expect.stringMatching(/^ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ[A-Za-z0-9+/=]+\n$/),
            privateKeyPemPkcs8: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----\n/),
        });
        for (const name of ["ops-vpn-ca-key", "ops-vpn-ca", "ops-vpn-server-csr", "ops-vpn-server-cert"]) {
            expect(state(name), name).not.toHaveProperty("arn");
        }
    });

    it.each<[string, Partial<OperationsVpnArgs>, RegExp]>([
        ["a client pool overlapping an authorized network", { clientCidrBlock: "10.10.8.0/22" }, /clientCidrBlock: "10\.10\.8\.0\/22" overlaps authorized network 10\.10\.8\.0\/24; expected a client pool apart from every network it reaches/],
        ["a client pool smaller than /22", { clientCidrBlock: "10.14.0.0/24" }, /clientCidrBlock: "10\.14\.0\.0\/24" is a \/24; AWS Client VPN expects a \/12 to \/22/],
        ["a client pool larger than /12", { clientCidrBlock: "10.0.0.0/11" }, /clientCidrBlock: "10\.0\.0\.0\/11" is a \/11; AWS Client VPN expects a \/12 to \/22/],
        ["a client pool with host bits", { clientCidrBlock: "10.14.1.0/22" }, /clientCidrBlock: "10\.14\.1\.0\/22" is not a network address; expected 10\.14\.0\.0\/22/],
        ["no authorized network", { authorizedCidrs: [] }, /authorizedCidrs: none given; expected at least one admin-tier network/],
        ["the whole internet authorized", { authorizedCidrs: ["0.0.0.0/0"] }, /authorizedCidrs: "0\.0\.0\.0\/0" is not inside a private network \(10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16\); expected admin-tier subnets only/],
        ["an authorized network with host bits", { authorizedCidrs: ["10.10.8.1/24"] }, /authorizedCidrs: "10\.10\.8\.1\/24" is not a network address; expected 10\.10\.8\.0\/24/],
        ["an authorized network listed twice", { authorizedCidrs: ["10.10.8.0/24", "10.10.8.0/24"] }, /authorizedCidrs: 10\.10\.8\.0\/24 listed twice; expected each network once/],
        ["a server name that is no DNS name", { serverName: "VPN ops" }, /serverName: "VPN ops" is not a fully qualified lowercase DNS name; expected e\.g\. vpn\.ops\.itm\.example\.net/],
        ["no subnet", { subnetIds: [] }, /subnetIds: none given; expected the admin-tier subnets, one per availability zone/],
        ["certificates valid under a day", { validityHours: 12 }, /validityHours: 12 is not allowed; expected a whole number of hours of at least 24/],
        ["a CA expiring before its certificates", { validityHours: 8760, caValidityHours: 8760 }, /caValidityHours: 8760 is not allowed; expected a whole number of hours greater than validityHours \(8760\), so the CA outlives what it signs/],
        ["a session length AWS refuses", { sessionTimeoutHours: 9 }, /sessionTimeoutHours: 9 is not allowed; expected one of 8, 10, 12, 24/],
        ["three DNS servers", { dnsServers: ["10.10.0.2", "10.10.0.3", "10.10.0.4"] }, /dnsServers: 3 given; a Client VPN endpoint takes at most 2/],
        ["a log retention CloudWatch refuses", { logRetentionDays: 100 }, /logRetentionDays: 100 is not allowed; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400/],
    ])("GIVEN %s WHEN constructed THEN it fails naming the field, the value and what is allowed", async (_, overrides, message) => {
        await expect(plan(overrides)).rejects.toThrow(message);
    });
});

describe("operationsVpnProblems", () => {
    const valid = {
        authorizedCidrs: ["10.10.8.0/24", "10.10.9.0/24"],
        clientCidrBlock: "10.14.0.0/22",
        serverName: SERVER_NAME,
        subnetCount: 2,
        validityHours: 8760,
        caValidityHours: 43800,
        sessionTimeoutHours: 8,
        dnsServerCount: 0,
        logRetentionDays: 365,
    };

    it.each<[string, Partial<typeof valid>, string[]]>([
        ["the defaults", {}, []],
        ["the largest client pool", { clientCidrBlock: "100.64.0.0/12" }, []],
        ["a client pool touching an authorized network", { clientCidrBlock: "10.10.4.0/22" }, []],
        ["a 172.16/12 admin network", { authorizedCidrs: ["172.20.8.0/24"] }, []],
        ["a client pool containing an authorized network", { clientCidrBlock: "10.10.0.0/16" }, [
            'clientCidrBlock: "10.10.0.0/16" overlaps authorized network 10.10.8.0/24; expected a client pool apart from every network it reaches',
            'clientCidrBlock: "10.10.0.0/16" overlaps authorized network 10.10.9.0/24; expected a client pool apart from every network it reaches',
        ]],
        ["a public authorized network", { authorizedCidrs: ["8.8.8.0/24"] }, ['authorizedCidrs: "8.8.8.0/24" is not inside a private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16); expected admin-tier subnets only']],
        ["a client pool that is no CIDR", { clientCidrBlock: "10.14.0.0" }, ['clientCidrBlock: "10.14.0.0" is not a network address; expected a.b.c.d/n, e.g. 10.14.0.0/22']],
        ["several problems at once", { subnetCount: 0, sessionTimeoutHours: 1 }, [
            "subnetIds: none given; expected the admin-tier subnets, one per availability zone",
            "sessionTimeoutHours: 1 is not allowed; expected one of 8, 10, 12, 24",
        ]],
        ["fractional validity", { validityHours: 100.5 }, ["validityHours: 100.5 is not allowed; expected a whole number of hours of at least 24"]],
    ])("GIVEN %s WHEN checked THEN the problems are %j", (_, overrides, expected) => {
        expect(operationsVpnProblems({ ...valid, ...overrides })).toEqual(expected);
    });
});

describe("cidrSlug and earlyRenewalHours", () => {
    it.each([
        ["10.10.8.0/24", "10-10-8-0-24"],
        ["172.20.0.0/16", "172-20-0-0-16"],
    ])("GIVEN %s WHEN slugged THEN %s", (cidr, expected) => {
        expect(cidrSlug(cidr)).toBe(expected);
    });

    it.each([
        [8760, 730],
        [43800, 3650],
        [24, 2],
        [100, 8],
    ])("GIVEN %i hours of validity WHEN renewing THEN the last %i hours re-issue", (validity, expected) => {
        expect(earlyRenewalHours(validity)).toBe(expected);
    });
});
