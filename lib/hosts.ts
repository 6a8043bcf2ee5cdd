// The host names tenants may claim (tenant contract v1.1): one DNS label under the platform's base
// domain (`subdomain`), or a name the customer owns (`own`), never the base domain or a name under
// it. The validator reports a claim that breaks these; the policy pack, which reads tenant files
// without the validator, counts only the claims they allow.

import { domainToASCII } from "node:url";

import { RESERVED_SUBDOMAINS } from "./platform";

/**
 * AWS Directory Service's pattern for a directory's fully qualified name (the DirectoryName shape of
 * its API model, botocore's ds/2015-04-16): runs of letters and digits joined by one dot or one
 * hyphen. Unlike a DNS name it has no two hyphens in a row (no punycode "xn--" label).
 */
export const AWS_DIRECTORY_NAME = /^([a-zA-Z0-9]+[.-])+([a-zA-Z0-9])+$/;

/**
 * Names of private networks, for which no public certificate authority issues a certificate, by
 * their last label: the special-use .localhost (RFC 6761), .local (RFC 6762, mDNS), .onion (RFC 7686),
 * .arpa (home.arpa, RFC 8375, and the reverse zones), ICANN's private-use .internal (2024), and the
 * names ICANN never delegates for their collisions with private networks (.home, .corp, .mail; 2018).
 * The CA/Browser Forum's Baseline Requirements forbid certificates for internal names, so ACM could
 * never validate one and the front door would have no certificate. RFC 2606's documentation names
 * (.example, .test, .invalid) are left to the examples and fixtures that use them.
 */
export const NON_PUBLIC_SUFFIXES: readonly string[] = ["localhost", "local", "onion", "arpa", "internal", "home", "corp", "mail"];

/** The suffix of NON_PUBLIC_SUFFIXES a host name ends in, or undefined. */
export function nonPublicSuffix(name: string): string | undefined {
    const last = normalHostName(name).split(".").pop() ?? "";
    return NON_PUBLIC_SUFFIXES.find((suffix) => suffix === last);
}

/**
 * The first label of a host name that begins with `xn--` but is no valid punycode name (an IDNA
 * A-label: its punycode decodes, to a name IDNA allows), or undefined. RFC 5890 section 2.3.2.1 calls
 * such a label a "fake A-label", which must not be used; the WHATWG URL Standard's "domain to ASCII",
 * which browsers and Node.js apply to every URL's host, refuses a host holding one, so no user's
 * browser (nor the availability check's) could open https://<that name>.
 */
export function fakeALabel(name: string): string | undefined {
    return normalHostName(name)
        .split(".")
        .find((label) => label.startsWith("xn--") && domainToASCII(label) === "");
}

/** One lowercase DNS label: 1-63 letters, digits and inner hyphens. */
export const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A host name as DNS compares it: lower case, no trailing dot. */
export function normalHostName(name: string): string {
    return name.trim().toLowerCase().replace(/\.$/, "");
}

/** True when `name` is `domain` or a name under it (compared as DNS does). */
export function isUnderDomain(name: string, domain: string): boolean {
    const host = normalHostName(name);
    const base = normalHostName(domain);
    return host === base || host.endsWith(`.${base}`);
}

/**
 * The host name a tenant document claims under the platform's `baseDomain`: `<subdomain>.<base>`
 * or its own domain; undefined for saas (no domain of its own) and for a claim the contract
 * refuses (a subdomain that is not one label or is reserved, an own domain under the base domain).
 */
export function claimedHost(document: unknown, baseDomain: string): string | undefined {
    if (typeof document !== "object" || document === null) {
        return undefined;
    }
    const { mode, domain } = document as { mode?: unknown; domain?: unknown };
    if (mode === "saas" || typeof domain !== "object" || domain === null) {
        return undefined;
    }
    const { subdomain, own } = domain as { subdomain?: unknown; own?: unknown };
    if (typeof subdomain === "string" && own === undefined) {
        return DNS_LABEL.test(subdomain) && !RESERVED_SUBDOMAINS.includes(subdomain) ? `${subdomain}.${normalHostName(baseDomain)}` : undefined;
    }
    if (typeof own === "string" && subdomain === undefined) {
        return own.trim() !== "" && !isUnderDomain(own, baseDomain) ? own : undefined;
    }
    return undefined;
}

/** The label under the base domain that holds the names customers' own domains point at. */
export const EDGE_LABEL = "edge";

/**
 * The name a customer's own domain points at (a CNAME the customer creates once, in advance):
 * `<tenant>.edge.<baseDomain>`, in the platform's zone, so that the platform can send the
 * customer's users to the recovery environment with a record change of its own (DNS failover)
 * instead of waiting for the customer to change theirs.
 */
export function edgeHostName(tenant: string, baseDomain: string): string {
    return `${tenant}.${EDGE_LABEL}.${normalHostName(baseDomain)}`;
}
