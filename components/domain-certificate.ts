import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { componentType } from "./types";

export interface DomainCertificateArgs {
    /** The host name the certificate is for, e.g. `acme.itm.example.net` or the customer's `pm.initech.com`. Required. */
    readonly domainName: pulumi.Input<string>;
    /**
     * The Route 53 zone that holds `domainName` (a name under the platform's base domain): the
     * validation record (and the alias to `target`) are created in it and the validation waits for
     * them. Default: undefined, the customer's own domain; nothing is written to DNS, the
     * validation waits for the customer's records and `customerDnsRecords` lists them.
     */
    readonly zoneId?: pulumi.Input<string>;
    /**
     * The load balancer users reach at `domainName`: an alias A record in `zoneId`, or a CNAME the
     * customer must create. Default: undefined, the name is only certified; whoever owns the load
     * balancer points DNS at it.
     */
    readonly target?: {
        readonly dnsName: pulumi.Input<string>;
        /** The load balancer's canonical hosted zone. */
        readonly zoneId: pulumi.Input<string>;
    };
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
 * The records a customer using their own domain must create: the certificate's validation CNAME
 * (one per distinct record ACM asks for) and, when the load balancer is known, a CNAME of the host
 * name to it.
 */
export function customerDnsRecordsFor(domainName: string, validationOptions: readonly ValidationOption[], loadBalancerDnsName?: string): CustomerDnsRecord[] {
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
    if (loadBalancerDnsName !== undefined) {
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
 * `-alias`: FrontDoor names this component after itself, so its certificate resources kept their names.
 */
export class DomainCertificate extends pulumi.ComponentResource {
    /** The certificate, once validated: only then may a listener use it. */
    public readonly certificateArn: pulumi.Output<string>;
    /** What the customer must create in their own zone; empty when `zoneId` is given. */
    public readonly customerDnsRecords: pulumi.Output<CustomerDnsRecord[]>;

    constructor(name: string, args: DomainCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("edge", "DomainCertificate"), name, {}, opts);

        const child: pulumi.CustomResourceOptions = { parent: this, aliases: args.formerParent ? [{ parent: args.formerParent }] : undefined };

        const certificate = new aws.acm.Certificate(`${name}-cert`, { domainName: args.domainName, validationMethod: "DNS" }, child);
        // A single-name certificate has exactly one validation option.
        const validationOption = certificate.domainValidationOptions.apply((options) => {
            const first = options[0];
            if (!first) {
                throw new pulumi.ResourceError(`ACM returned no DNS validation option for the certificate of ${name}`, this);
            }
            return first;
        });

        let validation: aws.acm.CertificateValidation;
        if (args.zoneId !== undefined) {
            const validationRecord = new aws.route53.Record(
                `${name}-cert-validation`,
                {
                    zoneId: args.zoneId,
                    name: validationOption.apply((option) => option.resourceRecordName),
                    type: validationOption.apply((option) => option.resourceRecordType),
                    records: [validationOption.apply((option) => option.resourceRecordValue)],
                    ttl: 300,
                },
                child,
            );
            validation = new aws.acm.CertificateValidation(
                `${name}-cert-validated`,
                { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
                child,
            );
            if (args.target) {
                new aws.route53.Record(
                    `${name}-alias`,
                    {
                        zoneId: args.zoneId,
                        name: args.domainName,
                        type: "A",
                        aliases: [{ name: args.target.dnsName, zoneId: args.target.zoneId, evaluateTargetHealth: true }],
                    },
                    child,
                );
            }
        } else {
            // The customer's own domain: the validation waits (the provider's 75-minute create
            // timeout) until the customer has created the CNAME in `customerDnsRecords`. ACM keeps
            // that record the same for this account and name, so the record can be handed over as
            // soon as the certificate exists (ACM console) and a later `pulumi up` finishes.
            validation = new aws.acm.CertificateValidation(`${name}-cert-validated`, { certificateArn: certificate.arn }, child);
        }

        this.certificateArn = validation.certificateArn;
        this.customerDnsRecords =
            args.zoneId !== undefined
                ? pulumi.output([])
                : pulumi
                      .all([args.domainName, certificate.domainValidationOptions, args.target?.dnsName])
                      .apply(([domainName, options, dnsName]) => customerDnsRecordsFor(domainName, options, dnsName));

        this.registerOutputs({ certificateArn: this.certificateArn, customerDnsRecords: this.customerDnsRecords });
    }
}
