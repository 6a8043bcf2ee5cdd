// DNS failover for one public host name: Route 53 answers with the production front door (the
// PRIMARY record) while its health check passes, and with the recovery environment's front door
// (the SECONDARY record, which the recovery stack creates when it is told to redirect) when it
// fails. Step 5 of the contingency plan (redirect client access to the backup servers) is then a
// record change the platform makes, never a customer's.
//
// AWS's rules, from Route 53's API model (botocore route53 `ResourceRecordSet`, `HealthCheckConfig`):
// - `Failover` is PRIMARY or SECONDARY and needs a `SetIdentifier` (1-128 characters), unique
//   among the records of one name and type; failover records cannot share a name and type with a
//   simple record (the host's record changes from simple to failover in place, never beside it).
// - An alias record carries `EvaluateTargetHealth`; for an Application Load Balancer, true makes
//   the record unhealthy when a target group has no healthy target.
// - A health check's `FullyQualifiedDomainName` is at most 255 characters, `ResourcePath` at most
//   255, `FailureThreshold` 1-10, `RequestInterval` 10-30 (the API reference: 10 or 30), never changed
//   after creation (the provider replaces the health check).
// - A health check whose FQDN is the name of the failover records it decides gives
//   "unpredictable" results (HealthCheckConfig.FullyQualifiedDomainName): once the name fails over,
//   the checker would resolve it to the recovery endpoint and judge that one. The health check
//   therefore names the production load balancer itself, and requests the page the load
//   balancer's own target health check requests (which answers whatever the Host header).
// - A DNS name is at most 255 octets on the wire (253 characters written without the final dot),
//   each label at most 63 (Route 53 Developer Guide, "DNS domain name format").

import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";

/** The set identifiers of the failover pair, shared by the production and the recovery stacks. */
export const FAILOVER_SET_IDENTIFIER = { PRIMARY: "production", SECONDARY: "recovery" } as const;

export type FailoverRole = keyof typeof FAILOVER_SET_IDENTIFIER;

/** The health check of a production front door: HTTPS on 443, every 30 s, unhealthy after 3 failures (90 s). */
export const FAILOVER_HEALTH_CHECK = { type: "HTTPS", port: 443, requestInterval: 30, failureThreshold: 3 } as const;

/** Route 53's limits (botocore route53 model, HealthCheckConfig; DNS name format). */
export const ROUTE53_LIMITS = { healthCheckFqdn: 255, resourcePath: 255, dnsName: 253, dnsLabel: 63, setIdentifier: 128 } as const;

/** A load balancer a failover record aliases. */
export interface AliasTarget {
    readonly dnsName: pulumi.Input<string>;
    /** The load balancer's canonical hosted zone. */
    readonly zoneId: pulumi.Input<string>;
}

/** Every problem AWS would refuse in a failover host name or health-check path, each naming the field, the value and what is allowed. */
export function failoverDnsProblems(args: { readonly hostName: string; readonly resourcePath?: string }): string[] {
    const problems: string[] = [];
    const name = args.hostName.replace(/\.$/, "");
    if (name.length > ROUTE53_LIMITS.dnsName) {
        problems.push(`hostName: "${name}" has ${name.length} characters; a DNS name has at most ${ROUTE53_LIMITS.dnsName} (255 octets on the wire)`);
    }
    for (const label of name.split(".")) {
        if (label.length === 0 || label.length > ROUTE53_LIMITS.dnsLabel) {
            problems.push(`hostName: "${name}" has the label "${label}" of ${label.length} characters; each label has 1 to ${ROUTE53_LIMITS.dnsLabel}`);
        }
    }
    // The door's target group requests the same path, and Elastic Load Balancing requires the leading "/".
    if (args.resourcePath !== undefined && (!args.resourcePath.startsWith("/") || args.resourcePath.length > ROUTE53_LIMITS.resourcePath)) {
        problems.push(`resourcePath: "${args.resourcePath}" is not allowed; expected a path starting with "/" of at most ${ROUTE53_LIMITS.resourcePath} characters`);
    }
    return problems;
}

/** Every problem with a door's DNS failover settings, each naming the field, the value and what is allowed. */
export function dnsFailoverProblems(args: {
    readonly internal: boolean;
    readonly dnsFailover: boolean;
    readonly edgeName?: string;
    readonly zoneGiven: boolean;
    readonly platformZoneGiven: boolean;
    /** A health check given from outside (an internal door's CLOUDWATCH_METRIC check on its availability alarm). */
    readonly healthCheckGiven?: boolean;
}): string[] {
    const problems: string[] = [];
    if (args.internal && args.dnsFailover && !args.healthCheckGiven) {
        problems.push(
            "dnsFailover: true for an internal front door, which Route 53's health checkers on the internet cannot reach; give failoverHealthCheckId (a CLOUDWATCH_METRIC check on the door's availability alarm), or leave it unset (false)",
        );
    }
    if (!args.internal && args.healthCheckGiven) {
        problems.push("failoverHealthCheckId: given for an internet-facing front door, which Route 53 checks over HTTPS itself; remove it");
    }
    if (args.healthCheckGiven && !args.dnsFailover) {
        problems.push("failoverHealthCheckId: given with dnsFailover false; remove it, or leave dnsFailover unset");
    }
    if (args.edgeName !== undefined) {
        if (!args.dnsFailover) {
            problems.push(`edgeName: "${args.edgeName}" given without DNS failover; a customer's domain points at it only to be redirected in a disaster: remove it, or enable dnsFailover`);
        }
        if (args.zoneGiven) {
            problems.push(`edgeName: "${args.edgeName}" given with zoneId; the edge name is for a customer's own domain, a name in the platform's zone fails over itself`);
        }
        if (!args.platformZoneGiven) {
            problems.push(`edgeName: "${args.edgeName}" given without platformZone, the zone that holds it`);
        }
    }
    return problems;
}

/** The record of one side of the failover pair: an A alias to `target`, Route 53's health of it evaluated. */
export function failoverRecordArgs(args: {
    readonly role: FailoverRole;
    readonly zoneId: pulumi.Input<string>;
    readonly hostName: string;
    readonly target: AliasTarget;
    /** The PRIMARY's health check; a SECONDARY without one is taken as healthy while the PRIMARY is not. */
    readonly healthCheckId?: pulumi.Input<string>;
}): aws.route53.RecordArgs {
    return {
        zoneId: args.zoneId,
        name: args.hostName,
        type: "A",
        setIdentifier: FAILOVER_SET_IDENTIFIER[args.role],
        failoverRoutingPolicies: [{ type: args.role }],
        ...(args.healthCheckId === undefined ? {} : { healthCheckId: args.healthCheckId }),
        aliases: [{ name: args.target.dnsName, zoneId: args.target.zoneId, evaluateTargetHealth: true }],
    };
}

/**
 * The health check that decides the PRIMARY records of a production front door: HTTPS to the load
 * balancer's own DNS name (not the failover name, see above) on 443, `resourcePath` (the door's
 * health-check page), every 30 seconds, unhealthy after 3 failures. The maintenance page of the
 * contingency plan's first step answers 503, so the check fails and the SECONDARY takes over.
 * Named `${name}-health`.
 */
export function failoverHealthCheck(name: string, args: { readonly endpoint: pulumi.Input<string>; readonly resourcePath: string; readonly hostName: string }, opts: pulumi.CustomResourceOptions): aws.route53.HealthCheck {
    return new aws.route53.HealthCheck(
        `${name}-health`,
        {
            type: FAILOVER_HEALTH_CHECK.type,
            port: FAILOVER_HEALTH_CHECK.port,
            fqdn: args.endpoint,
            resourcePath: args.resourcePath,
            requestInterval: FAILOVER_HEALTH_CHECK.requestInterval,
            failureThreshold: FAILOVER_HEALTH_CHECK.failureThreshold,
            // The load balancer's name is on none of its certificates: without SNI it answers with its
            // default one, which Route 53 does not validate (and no handshake is retried).
            enableSni: false,
            tags: { Name: `${args.hostName} (production)` },
        },
        opts,
    );
}

/**
 * The SECONDARY record of `hostName`: the recovery environment's front door, answered while the
 * production door's health check fails. The recovery stack creates it when told to redirect
 * (`recoveryRedirect`), in the platform's public zone, and removes it on failback.
 */
export function secondaryFailoverRecord(
    name: string,
    args: { readonly zoneId: pulumi.Input<string>; readonly hostName: string; readonly target: AliasTarget },
    opts?: pulumi.CustomResourceOptions,
): aws.route53.Record {
    const problems = failoverDnsProblems({ hostName: args.hostName });
    if (problems.length > 0) {
        throw new Error(`${name}: ${problems.join("; ")}`);
    }
    return new aws.route53.Record(name, failoverRecordArgs({ role: "SECONDARY", ...args }), opts);
}

/**
 * The regions Route 53 accepts for the alarm of a CLOUDWATCH_METRIC health check
 * (`AlarmIdentifier.Region`, shape `CloudWatchRegion`, an enum: any other value is refused), as
 * botocore's route53 model 2013-04-01 lists them (botocore 1.43.11; Debian's python3-botocore
 * 1.29.27 lacks the regions opened since: `python3 -c "import botocore.session; print(botocore.session.get_session().get_service_model('route53').shape_for('CloudWatchRegion').enum)"`).
 * test/failover-alarm-regions.test.ts keeps it equal to the newest model installed.
 */
export const CLOUDWATCH_ALARM_REGIONS: readonly string[] = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-central-2", "eu-west-1",
    "eu-west-2", "eu-west-3", "ap-east-1", "me-south-1", "me-central-1", "ap-south-1", "ap-south-2", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "eu-north-1", "sa-east-1",
    "cn-northwest-1", "cn-north-1", "af-south-1", "eu-south-1", "eu-south-2", "us-gov-west-1", "us-gov-east-1",
    "us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "ap-southeast-4", "il-central-1", "ca-west-1", "ap-southeast-5",
    "mx-central-1", "us-isof-south-1", "us-isof-east-1", "ap-southeast-7", "ap-east-2", "eu-isoe-west-1",
    "ap-southeast-6", "us-isob-west-1", "eusc-de-east-1",
];

/**
 * What Route 53 assumes of an internal door's health when its availability alarm has no data
 * (`InsufficientDataHealthStatus`): Unhealthy. The alarm runs out of data exactly when production's
 * region collapses (the canary stops running, or CloudWatch there stops answering): Healthy or
 * LastKnownStatus (healthy for a new check, Route 53 API Reference) would keep users on a dead
 * production. Unhealthy costs nothing while the recovery has no SECONDARY record: Route 53 answers
 * a failover name whose every record is unhealthy as if they were healthy (Route 53 Developer
 * Guide, "How Amazon Route 53 chooses records when health checking is configured").
 */
export const ALARM_HEALTH_CHECK_INSUFFICIENT_DATA = "Unhealthy";

/** Every problem Route 53 would refuse in a CLOUDWATCH_METRIC health check's alarm (AlarmIdentifier), naming the field, the value and what is allowed. */
export function alarmHealthCheckProblems(args: { readonly alarmRegion: string }): string[] {
    return CLOUDWATCH_ALARM_REGIONS.includes(args.alarmRegion)
        ? []
        : [`alarmRegion: "${args.alarmRegion}" is not a region Route 53 accepts for a health check's CloudWatch alarm (AlarmIdentifier.Region: ${CLOUDWATCH_ALARM_REGIONS.join(", ")}); an internal door there cannot fail over by DNS`];
}

/**
 * The health check deciding the PRIMARY records of an internal front door (VPN modes), which
 * Route 53's checkers on the internet cannot reach: type CLOUDWATCH_METRIC on the alarm of the
 * door's availability check (the canary inside the VPC requesting the login page,
 * components/availability-check.ts), healthy while the alarm is OK, unhealthy in ALARM (the
 * maintenance page of the contingency plan's first step answers 503, so the alarm fires within two
 * checks) and unhealthy without data ({@link ALARM_HEALTH_CHECK_INSUFFICIENT_DATA}). Route 53
 * supports the alarm's standard-resolution metric and Average statistic (botocore route53
 * AlarmIdentifier.Name). While redirected, production's canary resolves the name to the recovery
 * door too and judges that one or nothing reachable: harmless, since the failback removes the
 * SECONDARY first and Route 53 answers a lone PRIMARY whatever its health. Named `${name}-health`.
 */
export function alarmFailoverHealthCheck(
    name: string,
    args: { readonly alarmName: pulumi.Input<string>; readonly alarmRegion: string; readonly hostName: string },
    opts: pulumi.CustomResourceOptions,
): aws.route53.HealthCheck {
    const problems = [...alarmHealthCheckProblems({ alarmRegion: args.alarmRegion }), ...failoverDnsProblems({ hostName: args.hostName })];
    if (problems.length > 0) {
        throw new Error(`${name}: ${problems.join("; ")}`);
    }
    return new aws.route53.HealthCheck(
        `${name}-health`,
        {
            type: "CLOUDWATCH_METRIC",
            cloudwatchAlarmName: args.alarmName,
            cloudwatchAlarmRegion: args.alarmRegion,
            insufficientDataHealthStatus: ALARM_HEALTH_CHECK_INSUFFICIENT_DATA,
            tags: { Name: `${args.hostName} (production)` },
        },
        opts,
    );
}

/** The kinds of environment with a check name of their own: the recovery and the drill's copy. */
export type CheckNameKind = "recovery" | "drill";

/**
 * The name the functional check (and `npm run dr`'s step 4) reaches a recovery environment on
 * before the redirect: `<kind>.<failover name>` in the platform's zone, an alias to the recovery
 * front door, with a certificate of its own on the door's listener. The failover name itself
 * answers with production until the redirect. Throws with every problem AWS would refuse
 * ({@link checkNameProblems}).
 */
export function checkHostName(kind: CheckNameKind, failoverName: string): string {
    const name = `${kind}.${failoverName.replace(/\.$/, "")}`;
    const problems = checkNameProblems(name);
    if (problems.length > 0) {
        throw new Error(`the check name of ${failoverName}: ${problems.join("; ")}`);
    }
    return name;
}

/**
 * ACM's longest DNS-validated name: its validation record is `_<32 hex>.<name>` (ACM User Guide, DNS
 * validation), itself a DNS name of at most 253 characters, so 253 - 34.
 */
export const ACM_DNS_VALIDATED_NAME_MAX = ROUTE53_LIMITS.dnsName - "_0123456789abcdef0123456789abcdef.".length;

/**
 * Every problem AWS would refuse in a check name: a DNS name (Route 53, labels of 1-63 characters,
 * at most 253) that ACM certifies (botocore acm RequestCertificate DomainNameString: labels of
 * letters, digits and inner hyphens, at most 253; validated by DNS, at most
 * {@link ACM_DNS_VALIDATED_NAME_MAX}). A name over 64 characters is no problem: ACM takes it as an
 * alternative name of a certificate with a short first name (DomainCertificate).
 */
export function checkNameProblems(name: string): string[] {
    const problems = failoverDnsProblems({ hostName: name }).map((problem) => problem.replace(/^hostName:/, "check name:"));
    const acmLabel = /^(?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9]$/;
    const badLabel = name.split(".").find((label) => label.length > 0 && label.length <= ROUTE53_LIMITS.dnsLabel && !acmLabel.test(label));
    if (badLabel !== undefined) {
        problems.push(`check name: "${name}" has the label "${badLabel}"; ACM certifies labels of letters, digits and inner hyphens only`);
    }
    if (name.length > ACM_DNS_VALIDATED_NAME_MAX && name.length <= ROUTE53_LIMITS.dnsName) {
        problems.push(`check name: "${name}" has ${name.length} characters; ACM validates by DNS names of at most ${ACM_DNS_VALIDATED_NAME_MAX} (its record _<32 hex>.<name> is a DNS name too)`);
    }
    return problems;
}
