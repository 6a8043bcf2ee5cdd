import * as pulumi from "@pulumi/pulumi";

import { isCanonicalCidr, parseCidr } from "../lib/ipv4";
import { APP_PORT } from "./app-servers";
import * as aws from "./aws";
import { CustomerDnsRecord, DomainCertificate, DomainCertificateArgs } from "./domain-certificate";
import { dnsFailoverProblems, failoverDnsProblems, failoverHealthCheck, failoverRecordArgs } from "./failover-dns";
import { loadBalancerLogPrefix, loadBalancerLogPrefixProblems } from "./access-log-bucket";
import { fittedName, loadBalancerName, NAME_LIMITS, reservedPrefixFreeName } from "../lib/naming";
import { OFFBOARDING_TAG_KEY, offboardingTagProblem } from "../lib/promises/offboarding";
import { DEFAULT_SSL_POLICY, isTls12OrLaterPolicy } from "../lib/promises/tls";
import { componentType } from "./types";
import { webFirewall } from "./web-firewall";

// Moved to DomainCertificate; re-exported so that existing imports keep working.
export { customerDnsRecordsFor } from "./domain-certificate";
export type { CustomerDnsRecord, ValidationOption } from "./domain-certificate";

export interface FrontDoorArgs {
    /** The tenant's VPC. Required. */
    readonly vpcId: pulumi.Input<string>;
    /** The VPC's CIDR, where the targets live: the load balancer may reach nothing else. Required. */
    readonly vpcCidr: string;
    /** The access tier's subnets, one in each of two availability zones. Required. */
    readonly subnetIds: pulumi.Input<string>[];
    /**
     * False: internet-facing (HTTPS for everyone, HTTP only to redirect). True: internal, reachable
     * only over the site-to-site VPN from `allowedCidrs`. Required: exposure is never implied.
     */
    readonly internal: boolean;
    /**
     * The corporate networks that may reach HTTPS. Required when `internal` (an internal door
     * nobody may reach is a mistake), not allowed otherwise (an internet-facing door is open to
     * everyone and the list would suggest otherwise).
     */
    readonly allowedCidrs?: string[];
    /** The host name users open, e.g. `acme.itm.example.net` or the customer's `pm.initech.com`. Required. */
    readonly domainName: string;
    /**
     * The Route 53 zone that holds `domainName` (a name under the platform's base domain): the
     * certificate's validation record and an alias to the load balancer are created in it.
     * Default: undefined, the customer's own domain; nothing is written to DNS and
     * `customerDnsRecords` lists what the customer must create.
     */
    readonly zoneId?: pulumi.Input<string>;
    /**
     * The platform's public zone and its domain, where a host name over 64 characters gets the
     * certificate's short first name (DomainCertificate's `platformZone`). Default: undefined; such
     * a host name is then an error.
     */
    readonly platformZone?: DomainCertificateArgs["platformZone"];
    /**
     * DNS failover for the door's public names: a Route 53 health check on the load balancer
     * (`healthCheckPath`, components/failover-dns.ts) and the name in `zoneId` (and `edgeName`)
     * as the PRIMARY record of a failover pair, whose SECONDARY the recovery environment adds to
     * redirect users. Default: true for an internet-facing door; false for an internal one, which
     * Route 53's health checkers (on the internet) cannot reach: its name keeps a simple record.
     * True on an internal door is an error; a door with neither `zoneId` nor `edgeName` has no
     * name of the platform's to fail over, and gets no health check.
     */
    readonly dnsFailover?: boolean;
    /**
     * For the customer's own domain (no `zoneId`): the name in `platformZone` the customer's
     * domain points at (`<tenant>.edge.<base domain>`, lib/hosts.ts edgeHostName), a PRIMARY
     * failover record to this door; `customerDnsRecords` then names it instead of the load
     * balancer. Default: undefined, the customer points at the load balancer. Requires
     * `platformZone` and DNS failover; not allowed with `zoneId`.
     */
    readonly edgeName?: string;
    /** Networks the web firewall blocks (CIDRs, e.g. a threat feed's list). Required, may be empty. */
    readonly suspiciousNetworks: pulumi.Input<string[]>;
    /** Port the targets listen on; they speak HTTPS. Default: 443. */
    readonly targetPort?: number;
    /** Page whose answer (200-399) makes a target healthy. Default: `/login`. */
    readonly healthCheckPath?: string;
    /**
     * The HTTPS listener's TLS policy; only TLS 1.2 or later is accepted. Default:
     * `ELBSecurityPolicy-TLS13-1-2-2021-06` (TLS 1.3 and 1.2, forward-secret ciphers).
     */
    readonly sslPolicy?: string;
    /**
     * The final backup of the stack's offboarding (its recovery point ARNs, space-separated;
     * lib/promises/offboarding.ts), which alone turns the load balancer's deletion protection off and
     * is tagged on it as `offboarding-final-backup`. Default: undefined, deletion protection on.
     */
    readonly offboardingFinalBackup?: string;
    /**
     * The door of a copy that is torn down (a drill's): no deletion protection, so that the stack's
     * destroy can delete it (nobody points a CNAME at a drill's load balancer). The policy rule
     * lb-load-balancer-deletion-protection admits it for drill stacks only. Default: false,
     * deletion protection on.
     */
    readonly disposable?: boolean;
    /** Requests one client IP may make in five minutes before the web firewall blocks it. Default: 2000. */
    readonly requestsPerFiveMinutes?: number;
    /**
     * Put a web firewall in front of the load balancer. Default: true when internet-facing, false
     * when internal (only the customer's own networks reach it).
     */
    readonly webFirewall?: boolean;
    /**
     * Security groups the load balancer also carries beside its own, e.g. the platform's group
     * that the shared servers admit (a tenant's door in front of them). Default: none.
     */
    readonly extraSecurityGroupIds?: pulumi.Input<string>[];
    /**
     * The bucket of this stack the load balancer writes its access logs to (an AccessLogBucket's
     * `bucketName`: SSE-S3, in the door's region, with a policy admitting ELB's log delivery), under
     * `load-balancers/<name>/`. Required: every request to a door is on record.
     */
    readonly accessLogBucket: pulumi.Input<string>;
    /**
     * Customer-managed KMS key encrypting the web firewall's log group (its policy must admit
     * `logs.<region>.amazonaws.com`, as EncryptionKeys' `allowCloudWatchLogs` does). Required when
     * the door has a web firewall, whose every blocked or counted request is logged.
     */
    readonly logKeyArn?: pulumi.Input<string>;
}

/** The application's page whose answer says it is up: the load balancer's health check and the availability check. */
export const DEFAULT_HEALTH_CHECK_PATH = "/login";

export { MANAGED_RULE_GROUPS, WAF_LOG_GROUP_PREFIX, WAF_LOG_RETENTION_DAYS, WAF_REDACTED_HEADERS, wafLogGroupName } from "./web-firewall";

/** AWS accepts rate-based limits from 10 to 2,000,000,000 requests per evaluation window. */
const RATE_LIMIT = { min: 10, max: 2_000_000_000 } as const;

/** Every problem with a front door's settings, each naming the field, the value and what is allowed. */
export function frontDoorProblems(args: {
    readonly internal: boolean;
    readonly allowedCidrs?: readonly string[];
    readonly vpcCidr: string;
    readonly targetPort: number;
    readonly sslPolicy: string;
    readonly requestsPerFiveMinutes: number;
}): string[] {
    const problems: string[] = [];
    const allowed = args.allowedCidrs ?? [];
    if (args.internal && allowed.length === 0) {
        problems.push("allowedCidrs: none given for an internal front door; expected the corporate CIDRs that may reach HTTPS over the VPN, e.g. [\"10.20.0.0/16\"]");
    }
    if (!args.internal && args.allowedCidrs !== undefined) {
        problems.push(
            `allowedCidrs: ${JSON.stringify(args.allowedCidrs)} given for an internet-facing front door, which is open to everyone; remove it, or set internal: true to restrict HTTPS to these networks`,
        );
    }
    if (args.internal) {
        for (const cidr of allowed) {
            if (!isCanonicalCidr(cidr)) {
                problems.push(`allowedCidrs: "${cidr}" is not a canonical IPv4 CIDR; expected a network address and prefix, e.g. "10.20.0.0/16"`);
            } else if (parseCidr(cidr)?.prefix === 0) {
                problems.push(`allowedCidrs: "${cidr}" opens an internal front door to the whole internet; list the corporate networks instead`);
            }
        }
    }
    if (!isCanonicalCidr(args.vpcCidr)) {
        problems.push(`vpcCidr: "${args.vpcCidr}" is not a canonical IPv4 CIDR; expected the VPC's network, e.g. "172.20.0.0/20"`);
    }
    if (!Number.isInteger(args.targetPort) || args.targetPort < 1 || args.targetPort > 65535) {
        problems.push(`targetPort: ${args.targetPort} is not a port; expected a whole number from 1 to 65535`);
    }
    if (!isTls12OrLaterPolicy(args.sslPolicy)) {
        problems.push(`sslPolicy: "${args.sslPolicy}" allows TLS older than 1.2; expected a TLS 1.2+ policy such as "${DEFAULT_SSL_POLICY}"`);
    }
    if (!Number.isInteger(args.requestsPerFiveMinutes) || args.requestsPerFiveMinutes < RATE_LIMIT.min || args.requestsPerFiveMinutes > RATE_LIMIT.max) {
        problems.push(
            `requestsPerFiveMinutes: ${args.requestsPerFiveMinutes} is not allowed; expected a whole number from ${RATE_LIMIT.min} to ${RATE_LIMIT.max}`,
        );
    }
    return problems;
}

/** `10.20.0.0/16` -> `10-20-0-0-16`: rule names follow the network, not its position in a list. */
function cidrSlug(cidr: string): string {
    return cidr.replace(/[./]/g, "-");
}

/**
 * The tenant's front door: an application load balancer terminating TLS with an ACM certificate
 * for the tenant's host name and forwarding HTTPS to the servers. Internet-facing doors redirect
 * HTTP and sit behind a web firewall (suspicious networks, floods, AWS managed rules); internal
 * doors answer HTTPS only to the customer's networks across the VPN. DNS is written for names under
 * the platform's zone, and handed to the customer as `customerDnsRecords` for their own domain.
 * Every request is logged: the load balancer's access logs to the stack's log bucket, the web
 * firewall's decisions to an encrypted `aws-waf-logs-<door>` log group, credentials redacted.
 */
export class FrontDoor extends pulumi.ComponentResource {
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly loadBalancerArn: pulumi.Output<string>;
    public readonly dnsName: pulumi.Output<string>;
    /** The load balancer's canonical hosted zone, for alias records. */
    public readonly zoneIdOfLoadBalancer: pulumi.Output<string>;
    public readonly targetGroupArn: pulumi.Output<string>;
    /** The HTTPS listener: further host rules and certificates (dedicated copies of the app) attach here. */
    public readonly httpsListenerArn: pulumi.Output<string>;
    /** The certificate, once validated: only then may a listener use it. */
    public readonly certificateArn: pulumi.Output<string>;
    /** Undefined when the door has no web firewall. */
    public readonly webAclArn: pulumi.Output<string> | undefined;
    /** What the customer must create in their own zone; empty when `zoneId` is given. */
    public readonly customerDnsRecords: pulumi.Output<CustomerDnsRecord[]>;
    /** The Route 53 health check deciding the door's PRIMARY records; undefined without DNS failover. */
    public readonly healthCheckId: pulumi.Output<string> | undefined;

    constructor(name: string, args: FrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("edge", "FrontDoor"), name, {}, opts);

        const targetPort = args.targetPort ?? APP_PORT;
        const healthCheckPath = args.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;
        const sslPolicy = args.sslPolicy ?? DEFAULT_SSL_POLICY;
        const requestsPerFiveMinutes = args.requestsPerFiveMinutes ?? 2000;
        const withWebFirewall = args.webFirewall ?? !args.internal;
        const withDnsFailover = args.dnsFailover ?? !args.internal;
        const logPrefix = loadBalancerLogPrefix(name);
        const problems = [
            ...frontDoorProblems({ internal: args.internal, allowedCidrs: args.allowedCidrs, vpcCidr: args.vpcCidr, targetPort, sslPolicy, requestsPerFiveMinutes }),
            ...loadBalancerLogPrefixProblems(logPrefix).map((problem) => `name: "${name}" gives an ${problem}`),
            ...(withWebFirewall && args.logKeyArn === undefined ? ["logKeyArn: none given for a door with a web firewall; expected the KMS key that encrypts its log group"] : []),
            ...dnsFailoverProblems({ internal: args.internal, dnsFailover: withDnsFailover, edgeName: args.edgeName, zoneGiven: args.zoneId !== undefined, platformZoneGiven: args.platformZone !== undefined }),
            ...(withDnsFailover ? failoverDnsProblems({ hostName: args.edgeName ?? args.domainName, resourcePath: healthCheckPath }) : []),
        ];
        const offboardingProblem = args.offboardingFinalBackup === undefined ? undefined : offboardingTagProblem({ [OFFBOARDING_TAG_KEY]: args.offboardingFinalBackup });
        if (offboardingProblem !== undefined) {
            problems.push(`offboardingFinalBackup: ${offboardingProblem}`);
        }
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }
        const child = { parent: this };

        const group = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                name: reservedPrefixFreeName("securityGroup", `${name}-sg`),
                vpcId: args.vpcId,
                description: args.internal ? "Front door: HTTPS from the corporate networks over the VPN" : "Front door: HTTPS from the internet, HTTP only to redirect",
                tags: { Name: `${name}-lb` },
            },
            child,
        );
        const ingress = (suffix: string, port: number, cidr: string, description: string): void => {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-sg-${suffix}`,
                { securityGroupId: group.id, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: cidr, description },
                child,
            );
        };
        if (args.internal) {
            for (const cidr of args.allowedCidrs ?? []) {
                ingress(`https-from-${cidrSlug(cidr)}`, 443, cidr, "HTTPS from a corporate network");
            }
        } else {
            ingress("https-in", 443, "0.0.0.0/0", "HTTPS from the internet");
            ingress("http-in", 80, "0.0.0.0/0", "HTTP from the internet, only to redirect to HTTPS");
        }
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-sg-to-targets`,
            { securityGroupId: group.id, ipProtocol: "tcp", fromPort: targetPort, toPort: targetPort, cidrIpv4: args.vpcCidr, description: "HTTPS and health checks to the servers" },
            child,
        );

        const loadBalancer = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                // Fixed name (the generated `<name>-alb-<7 hex>` exceeds AWS's 32): a change that replaces it needs a new logical name.
                name: loadBalancerName(`${name}-alb`),
                loadBalancerType: "application",
                internal: args.internal,
                subnets: args.subnetIds,
                securityGroups: [group.id, ...(args.extraSecurityGroupIds ?? [])],
                dropInvalidHeaderFields: true,
                // Every request on record, in the stack's own log bucket (see AccessLogBucket).
                accessLogs: { enabled: true, bucket: args.accessLogBucket, prefix: logPrefix },
                // Its DNS name is what customers with their own domain point their CNAME at: deleting
                // the load balancer by accident would break their DNS. Offboarding turns this off first,
                // after the final backup (`offboardingFinalBackup`), and tags it with that backup.
                // A drill's disposable door has none: its stack is destroyed after the drill.
                enableDeletionProtection: args.offboardingFinalBackup === undefined && args.disposable !== true,
                // idleTimeout stays at the 60-second default: the application answers within it.
                tags: { Name: name, ...(args.offboardingFinalBackup === undefined ? {} : { [OFFBOARDING_TAG_KEY]: args.offboardingFinalBackup }) },
            },
            child,
        );

        const targetGroup = new aws.lb.TargetGroup(
            `${name}-tg`,
            {
                name: fittedName(`${name}-tg`, NAME_LIMITS.targetGroup),
                vpcId: args.vpcId,
                targetType: "instance",
                protocol: "HTTPS",
                port: targetPort,
                healthCheck: { enabled: true, protocol: "HTTPS", port: "traffic-port", path: healthCheckPath, matcher: "200-399" },
            },
            child,
        );

        // The production door's health, which decides its PRIMARY records (the host's and the edge name's).
        const healthCheck =
            withDnsFailover && (args.zoneId !== undefined || args.edgeName !== undefined)
                ? failoverHealthCheck(name, { endpoint: loadBalancer.dnsName, resourcePath: healthCheckPath, hostName: args.edgeName ?? args.domainName }, child)
                : undefined;

        // Named after the door so that its certificate, validation and records keep the names they
        // had when the door created them itself; `formerParent` aliases them to their old URNs.
        const certificate = new DomainCertificate(
            name,
            {
                domainName: args.domainName,
                zoneId: args.zoneId,
                platformZone: args.platformZone,
                target: { dnsName: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, healthCheckId: healthCheck?.id },
                edgeName: args.edgeName,
                formerParent: this,
            },
            child,
        );
        if (args.edgeName !== undefined && healthCheck !== undefined && args.platformZone !== undefined) {
            new aws.route53.Record(
                `${name}-edge`,
                failoverRecordArgs({
                    role: "PRIMARY",
                    zoneId: args.platformZone.zoneId,
                    hostName: args.edgeName,
                    target: { dnsName: loadBalancer.dnsName, zoneId: loadBalancer.zoneId },
                    healthCheckId: healthCheck.id,
                }),
                child,
            );
        }

        const httpsListener = new aws.lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: loadBalancer.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy,
                certificateArn: certificate.certificateArn,
                defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            },
            child,
        );
        if (!args.internal) {
            new aws.lb.Listener(
                `${name}-http`,
                {
                    loadBalancerArn: loadBalancer.arn,
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                },
                child,
            );
        }

        const webAclArn = withWebFirewall
            ? webFirewall(name, { loadBalancerArn: loadBalancer.arn, suspiciousNetworks: args.suspiciousNetworks, requestsPerFiveMinutes, logKeyArn: args.logKeyArn }, this)
            : undefined;

        this.securityGroupId = group.id;
        this.loadBalancerArn = loadBalancer.arn;
        this.dnsName = loadBalancer.dnsName;
        this.zoneIdOfLoadBalancer = loadBalancer.zoneId;
        this.targetGroupArn = targetGroup.arn;
        this.httpsListenerArn = httpsListener.arn;
        this.certificateArn = certificate.certificateArn;
        this.webAclArn = webAclArn;
        this.customerDnsRecords = certificate.customerDnsRecords;
        this.healthCheckId = healthCheck?.id;

        this.registerOutputs({
            securityGroupId: this.securityGroupId,
            loadBalancerArn: this.loadBalancerArn,
            dnsName: this.dnsName,
            zoneIdOfLoadBalancer: this.zoneIdOfLoadBalancer,
            targetGroupArn: this.targetGroupArn,
            httpsListenerArn: this.httpsListenerArn,
            certificateArn: this.certificateArn,
            webAclArn: this.webAclArn,
            customerDnsRecords: this.customerDnsRecords,
            healthCheckId: this.healthCheckId,
        });
    }
}
