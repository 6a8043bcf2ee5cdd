// Pure IPv4 arithmetic for tenant validation and network planning. Addresses are unsigned 32-bit
// numbers; a CIDR is its network address plus prefix length. Nothing here accepts non-canonical
// text silently: callers get `undefined` and decide what to tell the user.

export interface Cidr {
    /** The network address as an unsigned 32-bit integer. */
    readonly network: number;
    readonly prefix: number;
}

const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const CANONICAL_ADDRESS = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const LOOSE_ADDRESS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a dotted-quad address written canonically (no leading zeros); `undefined` otherwise. */
export function parseAddress(text: string): number | undefined {
    const match = CANONICAL_ADDRESS.exec(text);
    if (!match) {
        return undefined;
    }
    return ((Number(match[1]) << 24) | (Number(match[2]) << 16) | (Number(match[3]) << 8) | Number(match[4])) >>> 0;
}

/** Explains why `text` is not a canonical address, for error messages. */
export function addressProblem(text: string): string | undefined {
    if (parseAddress(text) !== undefined) {
        return undefined;
    }
    const loose = LOOSE_ADDRESS.exec(text);
    if (loose && loose.slice(1).every((octet) => Number(octet) <= 255)) {
        return "octets must not have leading zeros";
    }
    return "expected four decimal octets 0-255 separated by dots";
}

export function formatAddress(address: number): string {
    return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join(".");
}

function maskOf(prefix: number): number {
    return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n`, allowing host bits; use {@link isCanonicalCidr} to insist on a network address. */
export function parseCidr(text: string): Cidr | undefined {
    const slash = text.indexOf("/");
    if (slash < 0) {
        return undefined;
    }
    const address = parseAddress(text.slice(0, slash));
    const prefixText = text.slice(slash + 1);
    if (address === undefined || !/^(3[0-2]|[12]?[0-9])$/.test(prefixText)) {
        return undefined;
    }
    const prefix = Number(prefixText);
    return { network: (address & maskOf(prefix)) >>> 0, prefix };
}

export function formatCidr(cidr: Cidr): string {
    return `${formatAddress(cidr.network)}/${cidr.prefix}`;
}

/** True when `text` is exactly the canonical form of the CIDR it denotes (network address, no zeros). */
export function isCanonicalCidr(text: string): boolean {
    const cidr = parseCidr(text);
    return cidr !== undefined && formatCidr(cidr) === text;
}

export function size(cidr: Cidr): number {
    return 2 ** (32 - cidr.prefix);
}

export function lastAddress(cidr: Cidr): number {
    return cidr.network + size(cidr) - 1;
}

export function containsAddress(cidr: Cidr, address: number): boolean {
    return address >= cidr.network && address <= lastAddress(cidr);
}

/** True when `inner` lies entirely inside `outer`. */
export function containsCidr(outer: Cidr, inner: Cidr): boolean {
    return inner.prefix >= outer.prefix && containsAddress(outer, inner.network);
}

/** True when the two networks share at least one address (touching ranges do not overlap). */
export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

/** Splits `cidr` into consecutive subnets of `prefix`; throws if the prefix is not longer. */
export function subnets(cidr: Cidr, prefix: number): Cidr[] {
    if (prefix < cidr.prefix || prefix > 32) {
        throw new RangeError(`cannot split ${formatCidr(cidr)} into /${prefix} subnets`);
    }
    const count = 2 ** (prefix - cidr.prefix);
    const step = 2 ** (32 - prefix);
    return Array.from({ length: count }, (_, i) => ({ network: cidr.network + i * step, prefix }));
}

function cidr(text: string): Cidr {
    const parsed = parseCidr(text);
    if (!parsed) {
        throw new Error(`invalid built-in CIDR ${text}`);
    }
    return parsed;
}

/** RFC 1918 private networks. */
export const PRIVATE_NETWORKS: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(cidr);

/**
 * The IANA IPv4 special-purpose address registry (RFC 6890 and its updates), plus multicast and the
 * reserved block. None of these can be the public address of a customer's VPN device.
 */
export const SPECIAL_PURPOSE_NETWORKS: readonly { readonly cidr: Cidr; readonly name: string }[] = [
    ["0.0.0.0/8", "'this network'"],
    ["10.0.0.0/8", "private-use (RFC 1918)"],
    ["100.64.0.0/10", "shared address space (CGNAT)"],
    ["127.0.0.0/8", "loopback"],
    ["169.254.0.0/16", "link-local"],
    ["172.16.0.0/12", "private-use (RFC 1918)"],
    ["192.0.0.0/24", "IETF protocol assignments"],
    ["192.0.2.0/24", "documentation (TEST-NET-1)"],
    ["192.31.196.0/24", "AS112-v4"],
    ["192.52.193.0/24", "AMT"],
    ["192.88.99.0/24", "deprecated 6to4 relay anycast"],
    ["192.168.0.0/16", "private-use (RFC 1918)"],
    ["192.175.48.0/24", "direct delegation AS112 service"],
    ["198.18.0.0/15", "benchmarking"],
    ["198.51.100.0/24", "documentation (TEST-NET-2)"],
    ["203.0.113.0/24", "documentation (TEST-NET-3)"],
    ["224.0.0.0/4", "multicast"],
    ["240.0.0.0/4", "reserved"],
    ["255.255.255.255/32", "limited broadcast"],
].map(([text, name]) => ({ cidr: cidr(text as string), name: name as string }));

/** The special-purpose range an address falls in, or `undefined` for an ordinary public address. */
export function specialPurposeRange(address: number): { readonly cidr: Cidr; readonly name: string } | undefined {
    // Most specific first, so 255.255.255.255 reads as broadcast rather than "reserved".
    return [...SPECIAL_PURPOSE_NETWORKS]
        .sort((a, b) => b.cidr.prefix - a.cidr.prefix)
        .find((range) => containsAddress(range.cidr, address));
}
