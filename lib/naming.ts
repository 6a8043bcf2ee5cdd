// Explicit physical names for resources whose provider-generated name (`<logical name>-<7 hex>`)
// cannot fit AWS's limit for every contract-valid tenant id and region (a load balancer or target
// group: 32 characters; a backup vault: 50). One pure helper, so that every such name is built the
// same way and tested once.

import { createHash } from "node:crypto";

/** How many hex characters of the hash end a fitted name: 2^32 values keep names apart. */
export const NAME_HASH_LENGTH = 8;

/**
 * A name of at most `max` characters that stays readable and unique: the logical name itself when
 * it fits, else its longest prefix that fits followed by `-` and a hash of the whole logical name
 * (deterministic: the same logical name always gives the same physical name).
 *
 * The characters are the common ground of the names it serves (letters, digits and hyphens; no
 * leading or trailing hyphen), which load balancers, target groups, backup vaults and IAM roles all
 * accept. Doubled hyphens are among them (a contract-valid tenant id such as `a--b` has them, and
 * ELB, AWS Backup and IAM accept them). Anything else in the logical name is a programming error
 * and throws.
 */
export function fittedName(logicalName: string, max: number): string {
    if (!/^[A-Za-z0-9]+(-+[A-Za-z0-9]+)*$/.test(logicalName)) {
        throw new Error(`fittedName: "${logicalName}" must be letters and digits joined by hyphens, neither beginning nor ending with one`);
    }
    if (max < NAME_HASH_LENGTH + 2) {
        throw new Error(`fittedName: a maximum of ${max} leaves no room for a readable prefix and the ${NAME_HASH_LENGTH}-character hash`);
    }
    if (logicalName.length <= max) {
        return logicalName;
    }
    const hash = createHash("sha256").update(logicalName).digest("hex").slice(0, NAME_HASH_LENGTH);
    const prefix = logicalName.slice(0, max - NAME_HASH_LENGTH - 1).replace(/-+$/, "");
    return `${prefix}-${hash}`;
}

/**
 * AWS's limits for the names this program sets explicitly (AWS's own API descriptions, see
 * stacks/config/aws-catalogue.json): Elastic Load Balancing's load balancer and target group names
 * (32, CreateLoadBalancer / CreateTargetGroup), AWS Backup's vault and selection names (50).
 */
export const NAME_LIMITS = { loadBalancer: 32, targetGroup: 32, backupVault: 50, backupSelection: 50 } as const;

/**
 * A load balancer's name: {@link fittedName} within 32 characters, and never starting with
 * `internal-`, which Elastic Load Balancing reserves (CreateLoadBalancer: "must not begin with
 * internal-"); such a logical name (a tenant id may start so) is prefixed with `lb-`.
 */
export function loadBalancerName(logicalName: string): string {
    return fittedName(logicalName.startsWith("internal-") ? `lb-${logicalName}` : logicalName, NAME_LIMITS.loadBalancer);
}

/**
 * Name prefixes AWS reserves, by the kind of name, with the kind's maximum length:
 * - a security group's name: "Cannot start with sg-" (Amazon EC2 API Reference, CreateSecurityGroup,
 *   GroupName; up to 255 characters);
 * - a general purpose bucket's name: "must not start with the prefix xn--", "sthree-",
 *   "amzn-s3-demo-" (Amazon S3 User Guide, General purpose bucket naming rules; 3 to 63 characters).
 * The catalogue holds the same rules (stacks/config/aws-catalogue.json), which the plan checks.
 */
export const RESERVED_NAME_PREFIXES = {
    securityGroup: { prefixes: ["sg-"], max: 255 },
    bucket: { prefixes: ["xn--", "sthree-", "amzn-s3-demo-"], max: 63 },
} as const;

/** What {@link reservedPrefixFreeName} puts before a logical name that begins with a reserved prefix. */
export const RESERVED_PREFIX_ESCAPE = "t-";

/**
 * The explicit name of a security group or bucket whose provider-generated name
 * (`<logical name>-<7 hex>`) would begin with a prefix AWS reserves ({@link RESERVED_NAME_PREFIXES}),
 * as a contract-valid tenant id such as `sg-acme` or `xn--acme` makes it; else `undefined`, and the
 * provider names it as always: a group or bucket deployed under its generated name keeps it
 * (renaming either replaces it). The name is `t-<logical name>-<hash>` within the kind's maximum;
 * the hash covers `scope` (give the organisation and project, so that another deployment of the
 * program, e.g. a staging organisation, does not claim the same bucket name in S3's global
 * namespace) and the logical name. Being fixed, a change that replaces such a resource needs a new
 * logical name (the replacement would be created under the same name first).
 */
export function reservedPrefixFreeName(kind: keyof typeof RESERVED_NAME_PREFIXES, logicalName: string, scope = ""): string | undefined {
    const rule = RESERVED_NAME_PREFIXES[kind];
    if (!rule.prefixes.some((prefix) => logicalName.startsWith(prefix))) {
        return undefined;
    }
    const hash = createHash("sha256").update(`${scope}\u0000${logicalName}`).digest("hex").slice(0, NAME_HASH_LENGTH);
    const body = `${RESERVED_PREFIX_ESCAPE}${logicalName}`.slice(0, rule.max - NAME_HASH_LENGTH - 1).replace(/-+$/, "");
    return `${body}-${hash}`;
}

/**
 * The longest name ACM accepts as a certificate's first name (RequestCertificate `DomainName`,
 * which becomes the Common Name: RFC 5280's upper bound ub-common-name is 64). Subject Alternative
 * Names may be up to 253 characters (RequestCertificate `SubjectAlternativeNames`). Source: AWS
 * Certificate Manager API Reference, RequestCertificate; the catalogue's rule on `domainName`
 * (stacks/config/aws-catalogue.json).
 */
export const FIRST_NAME_MAX = 64;

/** Hex characters of the host name's hash in firstNameFor (components/domain-certificate.ts): 2^48 values keep hosts apart. */
export const FIRST_NAME_HASH_LENGTH = 12;

/** The longest platform domain under which firstNameFor (components/domain-certificate.ts) fits: 64 - 12 hex - `.cert.` = 46. */
export const FIRST_NAME_DOMAIN_MAX = FIRST_NAME_MAX - FIRST_NAME_HASH_LENGTH - ".cert.".length;

/**
 * The certificate's first name the platform gives a host name longer than {@link FIRST_NAME_MAX}:
 * `<first 12 hex of sha256(host)>.cert.<domain>`, deterministic, under the platform's zone
 * (components/domain-certificate.ts `firstNameFor` checks that it fits; the policy pack knows a
 * tenant owns exactly its own host's).
 */
export function certificateFirstName(hostName: string, domain: string): string {
    const hash = createHash("sha256").update(hostName.toLowerCase()).digest("hex").slice(0, FIRST_NAME_HASH_LENGTH);
    return `${hash}.cert.${domain.replace(/\.$/, "")}`;
}
