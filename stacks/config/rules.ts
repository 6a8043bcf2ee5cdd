// The rules of the tenant contract that a JSON Schema cannot express, as pure functions over one
// parsed document. Each rule looks only at values the schema already accepted (so a malformed value
// gets one clear message, not two) and returns findings as pointer + message.

import {
    addressProblem,
    containsAddress,
    containsCidr,
    formatCidr,
    isCanonicalCidr,
    overlaps,
    parseAddress,
    parseCidr,
    PRIVATE_NETWORKS,
    specialPurposeRange,
} from "../../lib/ipv4";
import { AWS_DIRECTORY_NAME, DNS_LABEL, fakeALabel, isUnderDomain, nonPublicSuffix, normalHostName } from "../../lib/hosts";
import { DEFAULT_BASE_DOMAIN, isReservedTenantId, PLATFORM_BLOCK, RESERVED_SUBDOMAINS, reservedSuffixOf } from "../../lib/platform";
import { sizingFindings } from "./sizing-rules";

export interface Finding {
    readonly pointer: string;
    readonly message: string;
    /** Point at the key rather than the value (for fields that should not be there at all). */
    readonly at?: "key" | "value";
    /**
     * The node to point at when it is not the one `pointer` names: a field whose name is never
     * shown (its path is its section's) is still placed at its own key.
     */
    readonly node?: string;
}

const PLATFORM_CIDR = parseCidr(PLATFORM_BLOCK)!;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** Reads `data` at a path of object keys, or undefined when any step is missing or not a mapping. */
function get(data: unknown, ...path: string[]): unknown {
    let node = data;
    for (const segment of path) {
        if (!isObject(node)) {
            return undefined;
        }
        node = node[segment];
    }
    return node;
}

function networkCidrFindings(text: string): Finding[] {
    const pointer = "/network/cidr";
    const cidr = parseCidr(text);
    if (!cidr) {
        return [];
    }
    const findings: Finding[] = [];
    if (!isCanonicalCidr(text)) {
        findings.push({ pointer, message: `"${text}" is not a network address: the bits after /${cidr.prefix} must be zero (did you mean ${formatCidr(cidr)}?)` });
    }
    if (cidr.prefix < 16 || cidr.prefix > 24) {
        findings.push({ pointer, message: `"${text}" has prefix /${cidr.prefix}; a tenant network is /16 to /24` });
    }
    if (!PRIVATE_NETWORKS.some((network) => containsCidr(network, cidr))) {
        findings.push({ pointer, message: `"${text}" is not a private network; use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)` });
    } else if (overlaps(cidr, PLATFORM_CIDR)) {
        findings.push({ pointer, message: `"${text}" overlaps the platform's block ${PLATFORM_BLOCK}; choose a range outside it (e.g. 10.20.0.0/16)` });
    }
    return findings;
}

function vpnFindings(data: unknown): Finding[] {
    const findings: Finding[] = [];
    const gateway = str(get(data, "vpn", "customerGatewayIp"));
    if (gateway !== undefined) {
        const address = parseAddress(gateway);
        if (address !== undefined) {
            const range = specialPurposeRange(address);
            if (range) {
                findings.push({
                    pointer: "/vpn/customerGatewayIp",
                    message: `"${gateway}" is in ${formatCidr(range.cidr)} (${range.name}); the customer's VPN device needs its public internet address`,
                });
            }
        } else {
            const problem = addressProblem(gateway);
            if (problem) {
                findings.push({ pointer: "/vpn/customerGatewayIp", message: `"${gateway.slice(0, 200)}" is not an IPv4 address: ${problem}` });
            }
        }
    }
    const corporate = get(data, "vpn", "corporateCidrs");
    const network = parseCidr(str(get(data, "network", "cidr")) ?? "");
    if (Array.isArray(corporate)) {
        const seen = new Map<string, number>();
        corporate.forEach((item, index) => {
            const text = str(item);
            const cidr = text === undefined ? undefined : parseCidr(text);
            if (text === undefined || cidr === undefined) {
                return;
            }
            const pointer = `/vpn/corporateCidrs/${index}`;
            if (!isCanonicalCidr(text)) {
                findings.push({ pointer, message: `"${text}" is not a network address: the bits after /${cidr.prefix} must be zero (did you mean ${formatCidr(cidr)}?)` });
                return;
            }
            const first = seen.get(text);
            if (first !== undefined) {
                findings.push({ pointer, message: `"${text}" is listed twice (also at /vpn/corporateCidrs/${first}); list each network once` });
            } else {
                seen.set(text, index);
            }
            if (network && overlaps(network, cidr)) {
                findings.push({ pointer, message: `"${text}" overlaps the tenant network ${formatCidr(network)} (network.cidr); the two sides of the VPN need distinct ranges` });
            }
        });
    }
    return findings;
}

/**
 * A list of values for a message, cut after 200 characters (the contract's most quoted of a value)
 * with how many more there are.
 */
function quotedList(items: readonly string[]): string {
    let text = "";
    for (let i = 0; i < items.length; i++) {
        const next = text === "" ? items[i]! : `${text}, ${items[i]}`;
        if (next.length > 200) {
            return `${text}, and ${items.length - i} more`;
        }
        text = next;
    }
    return text;
}

/** The directory's DNS servers: exactly two (the schema's identity.dnsIps). */
const DNS_SERVERS = 2;

function identityFindings(data: unknown): Finding[] {
    const findings: Finding[] = [];
    const directoryName = str(get(data, "identity", "directoryName"));
    if (directoryName !== undefined && directoryName.length <= 253 && directoryName.includes("--") && AWS_DIRECTORY_NAME.test(directoryName.replace(/-{2,}/g, "-"))) {
        // Only the hyphens are wrong (the schema's DNS name pattern allows them): anything else the schema reports.
        findings.push({
            pointer: "/identity/directoryName",
            message: `"${directoryName}" has two hyphens in a row, which AWS Directory Service refuses in a directory's name (letters and digits joined by single dots or hyphens; a punycode name "xn--..." cannot be connected)`,
        });
    }
    const dnsIps = get(data, "identity", "dnsIps");
    const corporate = get(data, "vpn", "corporateCidrs");
    // More than the schema's two are refused there, and what is found under a refused list is
    // dropped: judging each against every corporate network would only cost time (a 64 KiB file
    // lists thousands).
    if (!Array.isArray(dnsIps) || dnsIps.length > DNS_SERVERS) {
        return findings;
    }
    const corporateCidrs = Array.isArray(corporate)
        ? corporate.map((item) => parseCidr(str(item) ?? "")).filter((cidr) => cidr !== undefined)
        : [];
    const seen = new Set<string>();
    // Built once (a file may list thousands, which the schema refuses, but within a second).
    let ranges: string | undefined;
    dnsIps.forEach((item, index) => {
        const text = str(item);
        const address = text === undefined ? undefined : parseAddress(text);
        if (text === undefined || address === undefined) {
            return;
        }
        const pointer = `/identity/dnsIps/${index}`;
        if (seen.has(text)) {
            findings.push({ pointer, message: `"${text}" is listed twice; the directory needs two distinct DNS servers` });
        }
        seen.add(text);
        if (Array.isArray(corporate) && !corporateCidrs.some((cidr) => containsAddress(cidr, address))) {
            ranges ??= quotedList(corporateCidrs.map(formatCidr)) || "none valid";
            findings.push({ pointer, message: `"${text}" is not inside any of vpn.corporateCidrs (${ranges}); the directory is reached across the VPN` });
        }
    });
    return findings;
}

/** Why a label beginning with xn-- that is no valid punycode cannot serve (lib/hosts.ts fakeALabel). */
const FAKE_A_LABEL = "an IDNA fake A-label, RFC 5890: browsers refuse a URL whose host holds one, so no user could open the tenant's address";

/**
 * `domain.own` is a name the customer owns (contract v1.1): never the platform's base domain or a
 * name under it (the shared app `app.<base>`, another tenant's `<subdomain>.<base>`, any other), whose
 * certificate and DNS the platform holds: a tenant front door answering for one would take traffic
 * that is not the tenant's.
 */
function ownDomainFindings(own: string, baseDomain: string): Finding[] {
    if (!isUnderDomain(own, baseDomain)) {
        return [];
    }
    const name = normalHostName(own);
    const label = name.slice(0, -(baseDomain.length + 1));
    const instead =
        name === baseDomain
            ? "it is the platform's own domain"
            : RESERVED_SUBDOMAINS.includes(label)
              ? `${label}.${baseDomain} is the platform's shared app`
              : DNS_LABEL.test(label)
                ? `for a name under it, write "subdomain: ${label}" instead (unique across tenants)`
                : "a tenant gets one label under it, as subdomain";
    return [
        {
            pointer: "/domain/own",
            message: `"${own.slice(0, 200)}" is under the platform's domain ${baseDomain}, which the platform holds, not the customer: ${instead}; an own domain is a name the customer owns`,
        },
    ];
}

/**
 * The rules of one tenant file that the schema cannot express. `fileTenantId` is the file name
 * without `.yaml`, which must equal the `tenant` field; `baseDomain` the platform's (its files'
 * `baseDomain`, platform-configs/), which `domain.own` may not name. Default {@link DEFAULT_BASE_DOMAIN}.
 */
export function documentFindings(data: unknown, fileTenantId: string, baseDomain: string = DEFAULT_BASE_DOMAIN): Finding[] {
    const findings: Finding[] = [];
    const tenant = str(get(data, "tenant"));
    if (tenant !== undefined && /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/.test(tenant)) {
        if (tenant !== fileTenantId) {
            // A copied example keeps the example's id: advising to rename the file to it would
            // clash with the example, so the advice is to change the field.
            const advice = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/.test(fileTenantId)
                ? `change tenant: to match the file (tenant: ${fileTenantId}), or rename the file only if "${tenant}" is the id this tenant was created with`
                : `"${fileTenantId}" is not a tenant id, so name the file ${tenant}.yaml`;
            findings.push({ pointer: "/tenant", message: `"${tenant}" does not match the file name "${fileTenantId}.yaml"; the file name is the tenant id (and the stack name): ${advice}` });
        }
        if (isReservedTenantId(tenant)) {
            findings.push({ pointer: "/tenant", message: `"${tenant}" is reserved for the platform's stacks (platform-<region>); choose another tenant id` });
        }
        const suffix = reservedSuffixOf(tenant);
        if (suffix !== undefined) {
            findings.push({
                pointer: "/tenant",
                message: `"${tenant}" ends in "${suffix}", which names the recovery environment (<tenant>-recovery) or drill copy (<tenant>-drill) of a tenant's stack; choose a tenant id that does not end in -recovery or -drill`,
            });
        }
    }
    const company = str(get(data, "company"));
    if (company !== undefined && company.length > 0 && company.trim() === "") {
        findings.push({ pointer: "/company", message: "is only white space; write the customer's company name" });
    }
    const subdomain = str(get(data, "domain", "subdomain"));
    if (subdomain !== undefined && RESERVED_SUBDOMAINS.includes(subdomain)) {
        findings.push({ pointer: "/domain/subdomain", message: `"${subdomain}" is reserved for the platform (${RESERVED_SUBDOMAINS.join(", ")}); choose another subdomain` });
    }
    if (subdomain !== undefined && DNS_LABEL.test(subdomain) && fakeALabel(subdomain) !== undefined) {
        findings.push({ pointer: "/domain/subdomain", message: `"${subdomain}" begins with xn-- but is not valid punycode (${FAKE_A_LABEL}); write the punycode of a real name (e.g. xn--bcher-kva for bücher) or a label that does not begin with xn--` });
    }
    const own = str(get(data, "domain", "own"));
    if (own !== undefined) {
        findings.push(...ownDomainFindings(own, baseDomain));
        const fake = fakeALabel(own);
        if (fake !== undefined) {
            findings.push({
                pointer: "/domain/own",
                message: `"${own.slice(0, 200)}" has the label "${fake.slice(0, 63)}", which begins with xn-- but is not valid punycode (${FAKE_A_LABEL}); write the punycode of the customer's real name (e.g. xn--bcher-kva.example for bücher.example)`,
            });
        }
        const suffix = nonPublicSuffix(own);
        if (suffix !== undefined) {
            findings.push({
                pointer: "/domain/own",
                message: `"${own.slice(0, 200)}" ends in .${suffix}, a name no public certificate authority issues a certificate for (special-use or never delegated; lib/hosts.ts): ACM could never validate it; the own domain is a public name the customer owns`,
            });
        }
    }
    const cidr = str(get(data, "network", "cidr"));
    if (cidr !== undefined) {
        findings.push(...networkCidrFindings(cidr));
    }
    findings.push(...vpnFindings(data), ...identityFindings(data), ...sizingFindings(data));
    const region = str(get(data, "region"));
    const offsite = str(get(data, "backup", "offsiteRegion"));
    if (offsite !== undefined && offsite === region) {
        findings.push({ pointer: "/backup/offsiteRegion", message: `"${offsite}" is the tenant's own region; off-site copies must live in another region` });
    }
    return findings;
}
