// Table tests for the IPv4 arithmetic behind the tenant rules, plus a seeded property test for
// `overlaps` (the fleet's non-overlap rule and the VPN's corporate ranges depend on it).

import { describe, expect, it } from "vitest";

import {
    addressProblem,
    Cidr,
    containsCidr,
    formatCidr,
    isCanonicalCidr,
    overlaps,
    parseAddress,
    parseCidr,
    specialPurposeRange,
    subnets,
} from "../lib/ipv4";
import { mulberry32 } from "../scripts/lib/prng";

/** a.b.c.d as an unsigned 32-bit number, computed independently of the module under test. */
function ip(a: number, b: number, c: number, d: number): number {
    return a * 2 ** 24 + b * 2 ** 16 + c * 2 ** 8 + d;
}

function cidr(text: string): Cidr {
    const parsed = parseCidr(text);
    if (!parsed) {
        throw new Error(`test fixture ${text} is not a CIDR`);
    }
    return parsed;
}

describe("parseAddress", () => {
    it.each([
        ["0.0.0.0", 0],
        ["1.2.3.4", ip(1, 2, 3, 4)],
        ["10.20.0.1", ip(10, 20, 0, 1)],
        ["81.2.69.142", ip(81, 2, 69, 142)],
        ["127.0.0.1", ip(127, 0, 0, 1)],
        ["192.168.100.200", ip(192, 168, 100, 200)],
        ["199.99.9.0", ip(199, 99, 9, 0)],
        ["249.250.251.252", ip(249, 250, 251, 252)],
        ["255.255.255.255", 4294967295],
    ])("GIVEN the canonical address %s WHEN parsed THEN it is the unsigned number %d", (text, expected) => {
        expect(parseAddress(text)).toBe(expected);
    });

    it.each([
        ["leading zero in the first octet", "01.2.3.4"],
        ["leading zero in an inner octet", "10.020.0.1"],
        ["a doubled zero", "10.00.0.1"],
        ["an octet above 255", "256.0.0.1"],
        ["an octet above 255 at the end", "1.2.3.300"],
        ["three octets", "1.2.3"],
        ["five octets", "1.2.3.4.5"],
        ["an empty octet", "1..3.4"],
        ["a trailing dot", "1.2.3.4."],
        ["a leading space", " 1.2.3.4"],
        ["a trailing newline", "1.2.3.4\n"],
        ["a sign", "+1.2.3.4"],
        ["a negative octet", "1.2.3.-4"],
        ["hexadecimal", "0x7f.0.0.1"],
        ["a CIDR", "1.2.3.4/32"],
        ["full-width digits", "\uff11.2.3.4"],
        ["words", "localhost"],
        ["nothing", ""],
    ])("GIVEN %s (%j) WHEN parsed THEN it is undefined", (_, text) => {
        expect(parseAddress(text)).toBeUndefined();
    });
});

describe("addressProblem", () => {
    it.each(["0.0.0.0", "81.2.69.142", "255.255.255.255"])("GIVEN the canonical address %s THEN there is no problem", (text) => {
        expect(addressProblem(text)).toBeUndefined();
    });

    it.each(["01.2.3.4", "10.020.0.1", "192.168.010.010", "00.0.0.0", "001.2.3.4"])(
        "GIVEN %s with leading zeros THEN the problem names the leading zeros",
        (text) => {
            expect(addressProblem(text)).toBe("octets must not have leading zeros");
        },
    );

    it.each(["256.1.1.1", "1.2.3", "1.2.3.4.5", "0256.1.1.1", "a.b.c.d", "", "1.2.3.4/32"])(
        "GIVEN %j which is not four octets 0-255 THEN the problem describes the expected form",
        (text) => {
            expect(addressProblem(text)).toBe("expected four decimal octets 0-255 separated by dots");
        },
    );
});

describe("parseCidr", () => {
    it.each([
        ["10.20.0.0/16", ip(10, 20, 0, 0), 16],
        ["192.168.1.128/25", ip(192, 168, 1, 128), 25],
        ["0.0.0.0/0", 0, 0],
        ["255.255.255.255/32", ip(255, 255, 255, 255), 32],
        ["8.8.8.8/32", ip(8, 8, 8, 8), 32],
        // Host bits are accepted and cleared: isCanonicalCidr is the check that refuses them.
        ["10.20.0.1/16", ip(10, 20, 0, 0), 16],
        ["192.168.1.255/24", ip(192, 168, 1, 0), 24],
        ["255.255.255.255/1", ip(128, 0, 0, 0), 1],
        ["1.2.3.4/0", 0, 0],
    ])("GIVEN %s WHEN parsed THEN the network is %d and the prefix /%d", (text, network, prefix) => {
        expect(parseCidr(text)).toEqual({ network, prefix });
    });

    it.each([
        ["no prefix", "10.20.0.0"],
        ["an empty prefix", "10.20.0.0/"],
        ["a prefix above 32", "10.20.0.0/33"],
        ["a prefix with a leading zero", "10.20.0.0/016"],
        ["a zero-padded small prefix", "10.20.0.0/08"],
        ["a negative prefix", "10.20.0.0/-1"],
        ["a prefix in exponent notation", "10.20.0.0/1e1"],
        ["a space before the prefix", "10.20.0.0/ 16"],
        ["two prefixes", "10.20.0.0/16/8"],
        ["an address with a leading zero", "010.20.0.0/16"],
        ["an octet above 255", "10.256.0.0/16"],
        ["a netmask instead of a prefix", "10.20.0.0/255.255.0.0"],
        ["nothing", ""],
    ])("GIVEN %s (%j) WHEN parsed THEN it is undefined", (_, text) => {
        expect(parseCidr(text)).toBeUndefined();
    });
});

describe("isCanonicalCidr", () => {
    it.each(["10.20.0.0/16", "172.20.0.0/20", "192.168.1.128/25", "0.0.0.0/0", "255.255.255.255/32", "10.0.0.0/8"])(
        "GIVEN the network address form %s THEN it is canonical",
        (text) => {
            expect(isCanonicalCidr(text)).toBe(true);
        },
    );

    it.each([
        ["host bits set", "10.20.0.1/16"],
        ["host bits set below a short prefix", "192.168.1.0/16"],
        ["host bits set in the last octet", "192.168.1.129/25"],
        ["a leading zero", "010.20.0.0/16"],
        ["a zero-padded prefix", "10.20.0.0/08"],
        ["no prefix", "10.20.0.0"],
        ["a prefix above 32", "10.20.0.0/33"],
        ["garbage", "ten-twenty"],
    ])("GIVEN %s (%s) THEN it is not canonical", (_, text) => {
        expect(isCanonicalCidr(text)).toBe(false);
    });
});

describe("overlaps", () => {
    it.each([
        ["10.20.0.0/16", "10.20.0.0/16", true],
        ["10.20.0.0/16", "10.20.128.0/24", true],
        ["10.20.128.0/24", "10.20.0.0/16", true],
        ["10.0.0.0/12", "10.15.0.0/16", true],
        ["10.0.0.0/12", "10.15.255.0/24", true],
        ["0.0.0.0/0", "203.0.113.7/32", true],
        ["255.255.255.254/31", "255.255.255.255/32", true],
        ["10.20.0.0/16", "10.21.0.0/16", false],
        ["10.21.0.0/16", "10.20.0.0/16", false],
        ["10.0.0.0/12", "10.16.0.0/16", false],
        ["192.168.0.0/24", "192.168.1.0/24", false],
        ["192.168.0.0/16", "172.16.0.0/12", false],
        ["0.0.0.0/1", "128.0.0.0/1", false],
        ["10.20.0.0/32", "10.20.0.1/32", false],
    ])("GIVEN %s and %s THEN overlaps is %s", (a, b, expected) => {
        expect(overlaps(cidr(a), cidr(b))).toBe(expected);
    });
});

describe("containsCidr", () => {
    it.each([
        ["10.0.0.0/8", "10.20.0.0/16", true],
        ["10.20.0.0/16", "10.20.0.0/16", true],
        ["10.0.0.0/12", "10.15.255.0/24", true],
        ["0.0.0.0/0", "255.255.255.255/32", true],
        ["192.168.0.0/16", "192.168.255.255/32", true],
        ["10.20.0.0/16", "10.0.0.0/8", false],
        ["10.20.0.0/16", "10.20.0.0/15", false],
        ["10.0.0.0/12", "10.16.0.0/16", false],
        ["172.16.0.0/12", "172.32.0.0/16", false],
        ["192.168.0.0/24", "192.168.1.0/24", false],
    ])("GIVEN outer %s and inner %s THEN containsCidr is %s", (outer, inner, expected) => {
        expect(containsCidr(cidr(outer), cidr(inner))).toBe(expected);
    });
});

describe("subnets", () => {
    it.each([
        ["10.20.0.0/16", 18, ["10.20.0.0/18", "10.20.64.0/18", "10.20.128.0/18", "10.20.192.0/18"]],
        ["192.168.0.0/24", 26, ["192.168.0.0/26", "192.168.0.64/26", "192.168.0.128/26", "192.168.0.192/26"]],
        ["172.20.0.0/20", 21, ["172.20.0.0/21", "172.20.8.0/21"]],
        // The top of the address space: no signed 32-bit overflow.
        ["255.255.255.0/24", 25, ["255.255.255.0/25", "255.255.255.128/25"]],
        ["255.255.255.252/30", 32, ["255.255.255.252/32", "255.255.255.253/32", "255.255.255.254/32", "255.255.255.255/32"]],
    ])("GIVEN %s WHEN split into /%d THEN the subnets are %j", (parent, prefix, expected) => {
        expect(subnets(cidr(parent), prefix).map(formatCidr)).toEqual(expected);
    });

    it.each([
        ["10.20.0.0/16", 15],
        ["10.20.0.0/16", 8],
        ["10.20.0.0/16", 33],
    ])("GIVEN %s WHEN split into /%d THEN a RangeError names the request", (parent, prefix) => {
        expect(() => subnets(cidr(parent), prefix)).toThrow(RangeError);
        expect(() => subnets(cidr(parent), prefix)).toThrow(`cannot split ${parent} into /${prefix} subnets`);
    });
});

describe("specialPurposeRange", () => {
    it.each([
        ["0.1.2.3", "0.0.0.0/8", "this network"],
        ["10.1.2.3", "10.0.0.0/8", "RFC 1918"],
        ["100.64.0.0", "100.64.0.0/10", "CGNAT"],
        ["100.127.255.255", "100.64.0.0/10", "CGNAT"],
        ["127.0.0.1", "127.0.0.0/8", "loopback"],
        ["169.254.169.254", "169.254.0.0/16", "link-local"],
        ["172.16.0.1", "172.16.0.0/12", "RFC 1918"],
        ["172.31.255.255", "172.16.0.0/12", "RFC 1918"],
        ["192.0.0.9", "192.0.0.0/24", "IETF protocol assignments"],
        ["192.0.2.1", "192.0.2.0/24", "TEST-NET-1"],
        ["192.31.196.1", "192.31.196.0/24", "AS112"],
        ["192.52.193.1", "192.52.193.0/24", "AMT"],
        ["192.88.99.1", "192.88.99.0/24", "6to4"],
        ["192.168.1.1", "192.168.0.0/16", "RFC 1918"],
        ["192.175.48.1", "192.175.48.0/24", "AS112"],
        ["198.18.0.1", "198.18.0.0/15", "benchmarking"],
        ["198.19.255.255", "198.18.0.0/15", "benchmarking"],
        ["198.51.100.7", "198.51.100.0/24", "TEST-NET-2"],
        ["203.0.113.7", "203.0.113.0/24", "TEST-NET-3"],
        ["224.0.0.1", "224.0.0.0/4", "multicast"],
        ["239.255.255.255", "224.0.0.0/4", "multicast"],
        ["240.0.0.1", "240.0.0.0/4", "reserved"],
        // The most specific range wins: broadcast, not the reserved block around it.
        ["255.255.255.255", "255.255.255.255/32", "broadcast"],
    ])("GIVEN %s THEN it is in the special-purpose range %s (%s)", (address, expectedCidr, name) => {
        const range = specialPurposeRange(parseAddress(address)!);
        expect(range && formatCidr(range.cidr)).toBe(expectedCidr);
        expect(range?.name).toContain(name);
    });

    it.each([
        "81.2.69.142",
        "85.214.132.117",
        "1.1.1.1",
        "8.8.8.8",
        "9.255.255.255",
        "11.0.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "126.255.255.255",
        "128.0.0.0",
        "169.253.255.255",
        "172.15.255.255",
        "172.32.0.0",
        "192.0.1.1",
        "192.167.255.255",
        "192.169.0.0",
        "198.17.255.255",
        "198.20.0.0",
        "223.255.255.255",
    ])("GIVEN the ordinary public address %s THEN it is in no special-purpose range", (address) => {
        expect(specialPurposeRange(parseAddress(address)!)).toBeUndefined();
    });
});


const SEED = 0x5eed1234;
const RUNS = 2000;

function randomInt(random: () => number, min: number, max: number): number {
    return min + Math.floor(random() * (max - min + 1));
}

function randomCidr(random: () => number, minPrefix = 0, maxPrefix = 32): Cidr {
    const prefix = randomInt(random, minPrefix, maxPrefix);
    const address = Math.floor(random() * 2 ** 32);
    const block = 2 ** (32 - prefix);
    return { network: Math.floor(address / block) * block, prefix };
}

/** A second network near the first (often inside, around or next to it) so that both outcomes occur. */
function relatedCidr(random: () => number, a: Cidr): Cidr {
    const prefix = randomInt(random, 0, 32);
    const block = 2 ** (32 - prefix);
    const offset = Math.floor((random() - 0.5) * 4 * 2 ** (32 - a.prefix));
    const address = Math.min(Math.max(a.network + offset, 0), 2 ** 32 - 1);
    return { network: Math.floor(address / block) * block, prefix };
}

/** Overlap by brute force on the first and last address, independent of the implementation. */
function sharesAnAddress(a: Cidr, b: Cidr): boolean {
    const lastA = a.network + 2 ** (32 - a.prefix) - 1;
    const lastB = b.network + 2 ** (32 - b.prefix) - 1;
    return Math.max(a.network, b.network) <= Math.min(lastA, lastB);
}

describe("overlaps (property, seeded)", () => {
    it("GIVEN random pairs of networks WHEN compared both ways THEN overlaps is symmetric and agrees with an interval check", () => {
        const random = mulberry32(SEED);
        let overlapping = 0;
        for (let run = 0; run < RUNS; run++) {
            const a = randomCidr(random);
            const b = run % 2 === 0 ? relatedCidr(random, a) : randomCidr(random);
            const label = `${formatCidr(a)} vs ${formatCidr(b)} (seed ${SEED}, run ${run})`;
            expect(overlaps(a, b), label).toBe(overlaps(b, a));
            expect(overlaps(a, b), label).toBe(sharesAnAddress(a, b));
            // Aligned blocks overlap exactly when one contains the other.
            expect(overlaps(a, b), label).toBe(containsCidr(a, b) || containsCidr(b, a));
            overlapping += overlaps(a, b) ? 1 : 0;
        }
        // The generator must exercise both outcomes, or the properties above prove little.
        expect(overlapping).toBeGreaterThan(RUNS / 10);
        expect(overlapping).toBeLessThan(RUNS - RUNS / 10);
    });

    it("GIVEN a random network WHEN split into subnets THEN it overlaps and contains each of them", () => {
        const random = mulberry32(SEED + 1);
        for (let run = 0; run < RUNS / 4; run++) {
            const parent = randomCidr(random, 0, 32);
            const prefix = Math.min(32, parent.prefix + randomInt(random, 0, 6));
            for (const child of subnets(parent, prefix)) {
                const label = `${formatCidr(parent)} ⊇ ${formatCidr(child)} (seed ${SEED + 1}, run ${run})`;
                expect(overlaps(parent, child), label).toBe(true);
                expect(overlaps(child, parent), label).toBe(true);
                expect(containsCidr(parent, child), label).toBe(true);
            }
        }
    });

    it("GIVEN a random network WHEN compared with the networks just before and after it THEN they touch but do not overlap", () => {
        const random = mulberry32(SEED + 2);
        let compared = 0;
        for (let run = 0; run < RUNS; run++) {
            const a = randomCidr(random, 1, 32);
            const size = 2 ** (32 - a.prefix);
            const neighbours = [a.network - size, a.network + size]
                .filter((network) => network >= 0 && network + size <= 2 ** 32)
                .map((network) => ({ network, prefix: a.prefix }));
            for (const b of neighbours) {
                const label = `${formatCidr(a)} next to ${formatCidr(b)} (seed ${SEED + 2}, run ${run})`;
                expect(overlaps(a, b), label).toBe(false);
                expect(overlaps(b, a), label).toBe(false);
                compared++;
            }
        }
        expect(compared).toBeGreaterThan(RUNS);
    });

    it("GIVEN the subnets of a random network THEN no two distinct subnets overlap", () => {
        const random = mulberry32(SEED + 3);
        for (let run = 0; run < RUNS / 10; run++) {
            const parent = randomCidr(random, 0, 28);
            const parts = subnets(parent, parent.prefix + randomInt(random, 1, 4));
            parts.forEach((a, i) =>
                parts.forEach((b, j) => {
                    expect(overlaps(a, b), `${formatCidr(a)} vs ${formatCidr(b)} (seed ${SEED + 3}, run ${run})`).toBe(i === j);
                }),
            );
        }
    });
});
