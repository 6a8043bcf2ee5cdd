import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

import { containsCidr, formatCidr, isCanonicalCidr, overlaps, parseCidr, PRIVATE_NETWORKS } from "../lib/ipv4";
import * as aws from "./aws";
import { reservedPrefixFreeName } from "../lib/naming";
import { EVIDENCE_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS } from "../lib/network-plan";
import { componentType } from "./types";

/** Session lengths (hours) a Client VPN endpoint accepts. */
export const SESSION_TIMEOUT_HOURS: readonly number[] = [8, 10, 12, 24];
/** Client address pools AWS accepts: /12 (largest) to /22 (smallest). */
export const CLIENT_CIDR_PREFIXES = { largest: 12, smallest: 22 } as const;
/**
 * Every key of the VPN is RSA 2048: Client VPN endpoints accept only 1024- and 2048-bit RSA
 * certificates (not ECDSA, although ACM would import P-256/P-384), and 1024 bits is too weak.
 */
export const KEY_ALGORITHM = { algorithm: "RSA", rsaBits: 2048 } as const;
/** easy-rsa's profiles, the ones AWS documents for Client VPN (RFC 5280 key usages). */
export const CA_USES: readonly string[] = ["cert_signing", "crl_signing"];
export const SERVER_USES: readonly string[] = ["server_auth", "digital_signature", "key_encipherment"];
export const CLIENT_USES: readonly string[] = ["client_auth", "digital_signature"];

export interface OperationsVpnArgs {
    /** The VPC of the platform's administration network. Required. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * The admin-tier subnets, at most one per availability zone (two zones: two subnets); the
     * endpoint gets one network association in each. Required, at least one.
     */
    readonly subnetIds: pulumi.Input<string>[];
    /**
     * The admin-tier networks operations staff may reach, inside the VPC, e.g. `10.10.8.0/24`: one
     * authorization rule and one security-group egress rule each, and nothing else is reachable.
     * Required, at least one, each a canonical private (RFC 1918) network.
     */
    readonly authorizedCidrs: readonly string[];
    /**
     * Networks outside the VPC that staff reach through it (the tenants' administration tiers,
     * behind the Transit Gateway the admin subnets route to): authorized like `authorizedCidrs`,
     * plus a Client VPN route through every associated subnet. Default: none.
     */
    readonly routedCidrs?: readonly string[];
    /**
     * Address pool of connected staff, e.g. `10.14.0.0/22`: /12 to /22 (AWS's limits), not
     * overlapping `authorizedCidrs` nor the VPC. It cannot change once the endpoint exists. Required.
     */
    readonly clientCidrBlock: string;
    /** The endpoint's name in its server certificate (common name and DNS SAN), e.g. `vpn.ops.itm.example.net`. Required. */
    readonly serverName: string;
    /** KMS key encrypting the connection-log group; its policy must admit CloudWatch Logs. Required. */
    readonly logKeyArn: pulumi.Input<string>;
    /**
     * Hours the server and client certificates are valid, at least 24; re-issued on the first
     * deployment in their last twelfth. Default: 8760 (a year).
     */
    readonly validityHours?: number;
    /**
     * Hours the certificate authority is valid; must exceed `validityHours`. Re-issuing it
     * re-issues every certificate and client configuration. Default: 43800 (five years).
     */
    readonly caValidityHours?: number;
    /** Hours after which a session ends and the client must connect anew: 8, 10, 12 or 24. Default: 8, a working day. */
    readonly sessionTimeoutHours?: number;
    /**
     * True: only traffic to the authorized networks enters the tunnel. False: all of the client's
     * traffic does, and everything but the authorized networks is dropped (no internet route).
     * Default: true.
     */
    readonly splitTunnel?: boolean;
    /** Up to two DNS servers for connected clients, e.g. the VPC resolver. Default: none, the device's own resolver. */
    readonly dnsServers?: pulumi.Input<string>[];
    /** Days connection logs are kept, one of CloudWatch Logs' retention periods. Default: EVIDENCE_LOG_RETENTION_DAYS (365), a year of evidence of who connected. */
    readonly logRetentionDays?: number;
}

/** Problems with the args known at registration, each naming the field, the value and what is allowed. */
export function operationsVpnProblems(args: {
    authorizedCidrs: readonly string[];
    clientCidrBlock: string;
    serverName: string;
    subnetCount: number;
    validityHours: number;
    caValidityHours: number;
    sessionTimeoutHours: number;
    dnsServerCount: number;
    logRetentionDays: number;
}): string[] {
    const problems: string[] = [];
    const client = parseCidr(args.clientCidrBlock);
    const { largest, smallest } = CLIENT_CIDR_PREFIXES;
    if (!client || !isCanonicalCidr(args.clientCidrBlock)) {
        problems.push(`clientCidrBlock: "${args.clientCidrBlock}" is not a network address; expected ${client ? formatCidr(client) : "a.b.c.d/n, e.g. 10.14.0.0/22"}`);
    } else if (client.prefix < largest || client.prefix > smallest) {
        problems.push(`clientCidrBlock: "${args.clientCidrBlock}" is a /${client.prefix}; AWS Client VPN expects a /${largest} to /${smallest}`);
    }
    if (args.authorizedCidrs.length === 0) {
        problems.push("authorizedCidrs: none given; expected at least one admin-tier network, e.g. 10.10.8.0/24");
    }
    for (const text of args.authorizedCidrs) {
        const cidr = parseCidr(text);
        if (!cidr || !isCanonicalCidr(text)) {
            problems.push(`authorizedCidrs: "${text}" is not a network address; expected ${cidr ? formatCidr(cidr) : "a.b.c.d/n"}`);
        } else if (!PRIVATE_NETWORKS.some((network) => containsCidr(network, cidr))) {
            problems.push(`authorizedCidrs: "${text}" is not inside a private network (${PRIVATE_NETWORKS.map(formatCidr).join(", ")}); expected admin-tier subnets only`);
        } else if (client && isCanonicalCidr(args.clientCidrBlock) && overlaps(client, cidr)) {
            problems.push(`clientCidrBlock: "${args.clientCidrBlock}" overlaps authorized network ${text}; expected a client pool apart from every network it reaches`);
        }
    }
    const duplicates = args.authorizedCidrs.filter((cidr, index) => args.authorizedCidrs.indexOf(cidr) !== index);
    if (duplicates.length > 0) {
        problems.push(`authorizedCidrs: ${[...new Set(duplicates)].join(", ")} listed twice; expected each network once`);
    }
    // A lowercase hostname: it is the certificate's common name and its only DNS SAN.
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(args.serverName)) {
        problems.push(`serverName: "${args.serverName}" is not a fully qualified lowercase DNS name; expected e.g. vpn.ops.itm.example.net`);
    }
    if (args.subnetCount === 0) {
        problems.push("subnetIds: none given; expected the admin-tier subnets, one per availability zone");
    }
    if (!Number.isInteger(args.validityHours) || args.validityHours < 24) {
        problems.push(`validityHours: ${args.validityHours} is not allowed; expected a whole number of hours of at least 24`);
    } else if (!Number.isInteger(args.caValidityHours) || args.caValidityHours <= args.validityHours) {
        problems.push(`caValidityHours: ${args.caValidityHours} is not allowed; expected a whole number of hours greater than validityHours (${args.validityHours}), so the CA outlives what it signs`);
    }
    if (!SESSION_TIMEOUT_HOURS.includes(args.sessionTimeoutHours)) {
        problems.push(`sessionTimeoutHours: ${args.sessionTimeoutHours} is not allowed; expected one of ${SESSION_TIMEOUT_HOURS.join(", ")}`);
    }
    if (args.dnsServerCount > 2) {
        problems.push(`dnsServers: ${args.dnsServerCount} given; a Client VPN endpoint takes at most 2`);
    }
    if (!LOG_RETENTION_DAYS.includes(args.logRetentionDays)) {
        problems.push(`logRetentionDays: ${args.logRetentionDays} is not allowed; expected one of ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    return problems;
}

/** `10.10.8.0/24` -> `10-10-8-0-24`: child names follow the network, so removing one renames no other. */
export function cidrSlug(cidr: string): string {
    return cidr.replace(/[./]/g, "-");
}

/** Hours before expiry from which a deployment re-issues a certificate: its last twelfth (a month of a year). */
export function earlyRenewalHours(validityHours: number): number {
    return Math.floor(validityHours / 12);
}

/**
 * An AWS Client VPN endpoint into the platform's administration network for operations staff,
 * authenticated by mutual TLS: a private CA (generated here, never leaving the state) signs the
 * endpoint's server certificate and the staff's client certificate, both imported into ACM.
 * Connected staff reach the authorized admin networks and nothing else; every connection is
 * logged to an encrypted log group.
 */
export class OperationsVpn extends pulumi.ComponentResource {
    public readonly endpointId: pulumi.Output<string>;
    /** The endpoint's wildcard DNS name (`*.cvpn-endpoint-....clientvpn.<region>.amazonaws.com`) for client configurations. */
    public readonly dnsName: pulumi.Output<string>;
    /** The CA certificate clients trust the endpoint by; public. */
    public readonly caCertificatePem: pulumi.Output<string>;
    /** The staff's client certificate; public. */
    public readonly clientCertificatePem: pulumi.Output<string>;
    /** The staff's client key: a secret, handed out only inside client configurations. */
    public readonly clientPrivateKeyPem: pulumi.Output<string>;
    /** The endpoint's group: admin-tier groups admit operations traffic from it. */
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: OperationsVpnArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("operations", "OperationsVpn"), name, {}, opts);

        const validityHours = args.validityHours ?? 8760;
        const caValidityHours = args.caValidityHours ?? 43800;
        const sessionTimeoutHours = args.sessionTimeoutHours ?? 8;
        const splitTunnel = args.splitTunnel ?? true;
        const logRetentionDays = args.logRetentionDays ?? EVIDENCE_LOG_RETENTION_DAYS;
        const problems = operationsVpnProblems({
            // Routed networks obey the same rules: private, canonical, apart from the client pool.
            authorizedCidrs: [...args.authorizedCidrs, ...(args.routedCidrs ?? [])],
            clientCidrBlock: args.clientCidrBlock,
            serverName: args.serverName,
            subnetCount: args.subnetIds.length,
            validityHours,
            caValidityHours,
            sessionTimeoutHours,
            dnsServerCount: args.dnsServers?.length ?? 0,
            logRetentionDays,
        });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }
        const parent = { parent: this };
        // The tls provider marks private keys secret itself; wrapping again keeps them secret
        // wherever they flow even if that marking were lost.
        const secretPem = (key: tls.PrivateKey): pulumi.Output<string> => pulumi.secret(key.privateKeyPem);

        const caKey = new tls.PrivateKey(`${name}-ca-key`, { ...KEY_ALGORITHM }, parent);
        const ca = new tls.SelfSignedCert(
            `${name}-ca`,
            {
                privateKeyPem: secretPem(caKey),
                subject: { commonName: `${args.serverName} CA`, organizationalUnit: "Operations" },
                isCaCertificate: true,
                setSubjectKeyId: true,
                setAuthorityKeyId: true,
                allowedUses: [...CA_USES],
                validityPeriodHours: caValidityHours,
                earlyRenewalHours: earlyRenewalHours(caValidityHours),
            },
            parent,
        );

        const issue = (role: "server" | "client", commonName: string, allowedUses: readonly string[], dnsNames?: string[]) => {
            const key = new tls.PrivateKey(`${name}-${role}-key`, { ...KEY_ALGORITHM }, parent);
            const request = new tls.CertRequest(
                `${name}-${role}-csr`,
                { privateKeyPem: secretPem(key), subject: { commonName, organizationalUnit: "Operations" }, dnsNames },
                parent,
            );
            const cert = new tls.LocallySignedCert(
                `${name}-${role}-cert`,
                {
                    certRequestPem: request.certRequestPem,
                    caPrivateKeyPem: secretPem(caKey),
                    caCertPem: ca.certPem,
                    setSubjectKeyId: true,
                    allowedUses: [...allowedUses],
                    validityPeriodHours: validityHours,
                    earlyRenewalHours: earlyRenewalHours(validityHours),
                },
                parent,
            );
            // ACM needs the private key to serve (server) or to hold the chain (client); it stays a secret input.
            const imported = new aws.acm.Certificate(
                `${name}-${role}-acm`,
                { privateKey: secretPem(key), certificateBody: cert.certPem, certificateChain: ca.certPem, tags: { Name: `${name}-${role}` } },
                parent,
            );
            return { key, cert, imported };
        };
        const server = issue("server", args.serverName, SERVER_USES, [args.serverName]);
        // Client VPN refuses client certificates without a common name in the subject.
        const client = issue("client", `operations.${args.serverName}`, CLIENT_USES);

        const group = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { name: reservedPrefixFreeName("securityGroup", `${name}-sg`), vpcId: args.vpcId, description: "Operations Client VPN: staff traffic to the authorized admin networks only", tags: { Name: `${name}-sg` } },
            parent,
        );
        // All protocols, but only to the authorized networks: which ports answer is for the admin
        // tier's own groups to decide; this group keeps the tunnel from reaching anything else.
        const routedCidrs = args.routedCidrs ?? [];
        const reachable = [...args.authorizedCidrs, ...routedCidrs];
        for (const cidr of reachable) {
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-sg-to-${cidrSlug(cidr)}`,
                { securityGroupId: group.id, ipProtocol: "-1", cidrIpv4: cidr, description: `Operations staff to ${cidr}` },
                parent,
            );
        }

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: `/operations/client-vpn/${name}`, kmsKeyId: args.logKeyArn, retentionInDays: logRetentionDays, tags: { Name: `${name}-logs` } },
            parent,
        );
        const logStream = new aws.cloudwatch.LogStream(`${name}-logs-connections`, { logGroupName: logGroup.name, name: "connections" }, parent);

        const endpoint = new aws.ec2clientvpn.Endpoint(
            `${name}-endpoint`,
            {
                description: `Operations access to the administration network (${args.serverName})`,
                serverCertificateArn: server.imported.arn,
                authenticationOptions: [{ type: "certificate-authentication", rootCertificateChainArn: client.imported.arn }],
                clientCidrBlock: args.clientCidrBlock,
                connectionLogOptions: { enabled: true, cloudwatchLogGroup: logGroup.name, cloudwatchLogStream: logStream.name },
                splitTunnel,
                dnsServers: args.dnsServers,
                vpcId: args.vpcId,
                securityGroupIds: [group.id],
                transportProtocol: "udp",
                sessionTimeoutHours,
                // At the timeout the session ends rather than silently re-authenticating.
                disconnectOnSessionTimeout: true,
                selfServicePortal: "disabled",
                tags: { Name: name },
            },
            parent,
        );
        args.subnetIds.forEach((subnetId, i) => {
            const association = new aws.ec2clientvpn.NetworkAssociation(`${name}-subnet-${i}`, { clientVpnEndpointId: endpoint.id, subnetId }, parent);
            for (const cidr of routedCidrs) {
                new aws.ec2clientvpn.Route(
                    `${name}-route-${cidrSlug(cidr)}-${i}`,
                    { clientVpnEndpointId: endpoint.id, destinationCidrBlock: cidr, targetVpcSubnetId: subnetId, description: `Operations staff to ${cidr}` },
                    { parent: this, dependsOn: [association] },
                );
            }
        });
        for (const cidr of reachable) {
            new aws.ec2clientvpn.AuthorizationRule(
                `${name}-allow-${cidrSlug(cidr)}`,
                { clientVpnEndpointId: endpoint.id, targetNetworkCidr: cidr, authorizeAllGroups: true, description: `Operations staff to ${cidr}` },
                parent,
            );
        }

        this.endpointId = endpoint.id;
        this.dnsName = endpoint.dnsName;
        this.caCertificatePem = ca.certPem;
        this.clientCertificatePem = client.cert.certPem;
        this.clientPrivateKeyPem = secretPem(client.key);
        this.securityGroupId = group.id;
        this.registerOutputs({
            endpointId: this.endpointId,
            dnsName: this.dnsName,
            caCertificatePem: this.caCertificatePem,
            clientCertificatePem: this.clientCertificatePem,
            clientPrivateKeyPem: this.clientPrivateKeyPem,
            securityGroupId: this.securityGroupId,
        });
    }
}
