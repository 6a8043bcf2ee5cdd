import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { certificateFirstName, FIRST_NAME_DOMAIN_MAX, FIRST_NAME_MAX } from "../lib/naming";
import { failoverRecordArgs } from "./failover-dns";
import { componentType } from "./types";

export interface DomainCertificateArgs {
    /**
     * The host name the certificate is for, e.g. `acme.itm.example.net` or the customer's
     * `pm.initech.com`. Required, and known when the program runs: a name longer than ACM allows
     * for a certificate's first name ({@link FIRST_NAME_MAX}) shapes the certificate differently.
     */
    readonly domainName: string;
    /**
     * The Route 53 zone that holds `domainName` (a name under the platform's base domain): the
     * validation record (and the alias to `target`) are created in it and the validation waits for
     * them. Default: undefined, the customer's own domain; nothing is written to DNS, the
     * validation waits for the customer's records and `customerDnsRecords` lists them.
     */
    readonly zoneId?: pulumi.Input<string>;
    /**
     * The platform's public zone and the domain it holds (the base domain). Where `domainName` is
     * longer than a certificate's first name may be ({@link FIRST_NAME_MAX}; a 63-character
     * subdomain label under the base domain, or a customer's long own domain, both contract-valid),
     * the certificate's first name is a short name the platform controls, {@link firstNameFor}
     * (`<hash>.cert.<domain>`), validated by a record in this zone, and `domainName` is its Subject
     * Alternative Name (up to 253 characters). Default: undefined; such a host name is then an error.
     * Shorter host names never use it: their certificate stays exactly as before.
     */
    readonly platformZone?: { readonly zoneId: pulumi.Input<string>; readonly domain: string };
    /**
     * The load balancer users reach at `domainName`: an alias A record in `zoneId`, or a CNAME the
     * customer must create. Default: undefined, the name is only certified; whoever owns the load
     * balancer points DNS at it.
     */
    readonly target?: {
        readonly dnsName: pulumi.Input<string>;
        /** The load balancer's canonical hosted zone. */
        readonly zoneId: pulumi.Input<string>;
        /**
         * The production door's Route 53 health check: the alias in `zoneId` is then the PRIMARY
         * record of a failover pair (components/failover-dns.ts), whose SECONDARY the recovery
         * environment adds to redirect users. Default: undefined, a simple alias record (an
         * internal door, which Route 53's health checkers on the internet cannot reach).
         */
        readonly healthCheckId?: pulumi.Input<string>;
    };
    /**
     * For the customer's own domain (no `zoneId`): the name the customer's CNAME points at instead
     * of the load balancer, a failover name the platform controls (`<tenant>.edge.<base domain>`,
     * lib/hosts.ts), so that a disaster recovery redirect needs no change from the customer.
     * Default: undefined, the CNAME points at the load balancer.
     */
    readonly edgeName?: string;
    /**
     * The component that created these resources, under the same names, before DomainCertificate
     * existed (FrontDoor): every child carries an alias to its former URN under it, so stacks
     * deployed earlier keep their certificate and records instead of replacing them (and the
     * listener using the certificate). Default: undefined, nothing to adopt.
     */
    readonly formerParent?: pulumi.Resource;
}

/** A DNS record the customer must create in their own zone, as the plan and the runbook show it. */
export interface CustomerDnsRecord {
    /** Fully qualified, without the trailing dot. */
    name: string;
    type: "CNAME";
    /** Fully qualified, without the trailing dot. */
    value: string;
    purpose: string;
}

/** What ACM tells about a DNS-validated name (a subset of `domainValidationOptions`). */
export interface ValidationOption {
    readonly domainName?: string;
    readonly resourceRecordName?: string;
    readonly resourceRecordType?: string;
    readonly resourceRecordValue?: string;
}

const withoutDot = (fqdn: string): string => fqdn.replace(/\.$/, "");

/**
 * The certificate's first name when `hostName` is too long to be it: `<hash of hostName>.cert.<domain>`,
 * deterministic, under the platform's zone. The `cert` label keeps it apart from every host name
 * the platform serves (a tenant's subdomain is one label under the base domain, the shared app's
 * `app.` or `app.<region>.`). Throws when even this name cannot fit, i.e. the platform's base
 * domain is longer than 64 - 18 = 46 characters.
 */
export function firstNameFor(hostName: string, domain: string): string {
    const name = certificateFirstName(hostName, domain);
    if (name.length > FIRST_NAME_MAX) {
        throw new Error(
            `the certificate of ${hostName} needs a first name of at most ${FIRST_NAME_MAX} characters under the platform's domain, ` +
                `but "${name}" has ${name.length}: the platform's base domain "${domain}" is too long (at most ${FIRST_NAME_DOMAIN_MAX} characters)`,
        );
    }
    return name;
}

/**
 * The records a customer using their own domain must create: the certificate's validation CNAME
 * (one per distinct record ACM asks for) and a CNAME of the host name to the platform's failover
 * name for it (`edgeName`, `<tenant>.edge.<base domain>`) or, without one, to the load balancer
 * when it is known.
 */
export function customerDnsRecordsFor(domainName: string, validationOptions: readonly ValidationOption[], loadBalancerDnsName?: string, edgeName?: string): CustomerDnsRecord[] {
    const records: CustomerDnsRecord[] = [];
    for (const option of validationOptions) {
        if (!option.resourceRecordName || !option.resourceRecordValue) {
            continue;
        }
        if (option.resourceRecordType !== "CNAME") {
            throw new Error(`ACM asked for a ${String(option.resourceRecordType)} record for ${String(option.domainName)}; only CNAME validation is supported`);
        }
        const name = withoutDot(option.resourceRecordName);
        if (records.some((record) => record.name === name)) {
            continue;
        }
        records.push({
            name,
            type: "CNAME",
            value: withoutDot(option.resourceRecordValue),
            purpose: `proves to AWS Certificate Manager that you own ${withoutDot(option.domainName ?? domainName)}; keep it for automatic renewal`,
        });
    }
    if (edgeName !== undefined) {
        records.push({
            name: withoutDot(domainName),
            type: "CNAME",
            value: withoutDot(edgeName),
            purpose:
                `sends users to the application through ${withoutDot(edgeName)}, a name the platform controls and redirects to the recovery environment in a disaster; ` +
                "create it once, in advance, and never replace it with the addresses it resolves to",
        });
    } else if (loadBalancerDnsName !== undefined) {
        records.push({
            name: withoutDot(domainName),
            type: "CNAME",
            value: withoutDot(loadBalancerDnsName),
            purpose: "sends users to the application's load balancer (its addresses change: never copy them into an A record)",
        });
    }
    return records;
}

/**
 * A DNS-validated ACM certificate for one host name, usable by a load balancer only once
 * validated. In the platform's zone it writes the validation record and the alias to the load
 * balancer itself; for a customer's own domain it writes nothing and lists the records the customer
 * must create. Children are `${name}-cert`, `-cert-validation` (record), `-cert-validated` and
 * `-alias`, and `-cert-first-name-validation` for a host name too long to be the first name: FrontDoor names this component after itself, so its certificate resources kept their names.
 */
export class DomainCertificate extends pulumi.ComponentResource {
    /** The certificate, once validated: only then may a listener use it. */
    public readonly certificateArn: pulumi.Output<string>;
    /** What the customer must create in their own zone; empty when `zoneId` is given. */
    public readonly customerDnsRecords: pulumi.Output<CustomerDnsRecord[]>;

    constructor(name: string, args: DomainCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("edge", "DomainCertificate"), name, {}, opts);

        const child: pulumi.CustomResourceOptions = { parent: this, aliases: args.formerParent ? [{ parent: args.formerParent }] : undefined };

        // A host name too long to be the first name is a Subject Alternative Name of a certificate
        // whose first name is the platform's short name (FIRST_NAME_MAX); shorter ones keep the
        // single-name certificate they always had.
        let firstName: string | undefined;
        if (args.domainName.length > FIRST_NAME_MAX) {
            if (args.platformZone === undefined) {
                throw new pulumi.ResourceError(
                    `${name}: ${args.domainName} has ${args.domainName.length} characters, more than ACM's ${FIRST_NAME_MAX} for a certificate's first name, and no platformZone was given for a short first name`,
                    this,
                );
            }
            firstName = firstNameFor(args.domainName, args.platformZone.domain);
        }

        const certificate = new aws.acm.Certificate(
            `${name}-cert`,
            firstName === undefined
                ? { domainName: args.domainName, validationMethod: "DNS" }
                : { domainName: firstName, subjectAlternativeNames: [args.domainName], validationMethod: "DNS" },
            child,
        );
        // ACM returns one validation option per name (a set: found by name, never by position).
        const optionFor = (domainName: string): pulumi.Output<ValidationOption> =>
            certificate.domainValidationOptions.apply((options) => {
                const found = firstName === undefined ? options[0] : options.find((option) => option.domainName === domainName);
                if (!found) {
                    throw new pulumi.ResourceError(`ACM returned no DNS validation option for ${domainName} on the certificate of ${name}`, this);
                }
                return found;
            });
        const validationRecord = (recordName: string, zoneId: pulumi.Input<string>, domainName: string): aws.route53.Record => {
            const option = optionFor(domainName);
            return new aws.route53.Record(
                recordName,
                {
                    zoneId,
                    name: option.apply((o) => o.resourceRecordName!),
                    type: option.apply((o) => o.resourceRecordType!),
                    records: [option.apply((o) => o.resourceRecordValue!)],
                    ttl: 300,
                },
                child,
            );
        };
        // The short first name's record, always in the platform's zone.
        const firstNameRecord =
            firstName === undefined ? undefined : validationRecord(`${name}-cert-first-name-validation`, args.platformZone!.zoneId, firstName);

        let validation: aws.acm.CertificateValidation;
        if (args.zoneId !== undefined) {
            const hostRecord = validationRecord(`${name}-cert-validation`, args.zoneId, args.domainName);
            validation = new aws.acm.CertificateValidation(
                `${name}-cert-validated`,
                { certificateArn: certificate.arn, validationRecordFqdns: [hostRecord.fqdn, ...(firstNameRecord ? [firstNameRecord.fqdn] : [])] },
                child,
            );
            if (args.target) {
                // With a health check, the same record (same name: Route 53 refuses a failover
                // record beside a simple one of the same name and type, and a new one would be
                // created before the old one is deleted) turns into the PRIMARY, in place.
                new aws.route53.Record(
                    `${name}-alias`,
                    args.target.healthCheckId === undefined
                        ? {
                              zoneId: args.zoneId,
                              name: args.domainName,
                              type: "A",
                              aliases: [{ name: args.target.dnsName, zoneId: args.target.zoneId, evaluateTargetHealth: true }],
                          }
                        : failoverRecordArgs({ role: "PRIMARY", zoneId: args.zoneId, hostName: args.domainName, target: args.target, healthCheckId: args.target.healthCheckId }),
                    child,
                );
            }
        } else {
            // The customer's own domain: the validation waits (the provider's 75-minute create
            // timeout) until the customer has created the CNAME in `customerDnsRecords`. ACM keeps
            // that record the same for this account and name, so the record can be handed over as
            // soon as the certificate exists (ACM console) and a later `pulumi up` finishes.
            // (No `validationRecordFqdns`: the provider would then require the customer's record
            // among them; it waits for every name instead, the platform's first name included.)
            validation = new aws.acm.CertificateValidation(
                `${name}-cert-validated`,
                { certificateArn: certificate.arn },
                firstNameRecord ? { ...child, dependsOn: [firstNameRecord] } : child,
            );
        }

        this.certificateArn = validation.certificateArn;
        this.customerDnsRecords =
            args.zoneId !== undefined
                ? pulumi.output([])
                : pulumi
                      .all([certificate.domainValidationOptions, args.target?.dnsName])
                      .apply(([options, dnsName]) =>
                          customerDnsRecordsFor(
                              args.domainName,
                              options.filter((option) => option.domainName !== firstName),
                              dnsName,
                              args.edgeName,
                          ),
                      );

        this.registerOutputs({ certificateArn: this.certificateArn, customerDnsRecords: this.customerDnsRecords });
    }
}
