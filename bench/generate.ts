#!/usr/bin/env tsx
// A synthetic fleet for the benchmark and its CI smoke test: N valid tenant files of all six modes,
// in a realistic mix, from a seeded PRNG, so that the same seed gives the same bytes on every
// machine. Every file must pass the validator with zero problems: the fleet is only a fair load if
// the plan evaluates every tenant rather than refusing some.
//
// Usage: npx tsx bench/generate.ts --count N --out DIR [--seed S]

import * as fs from "node:fs";
import * as path from "node:path";

import { Cidr, formatAddress, formatCidr, parseCidr, specialPurposeRange, subnets } from "../lib/ipv4";
import { PARTNER_REGIONS } from "../lib/regions";
import { Environment, TenantDocument } from "../stacks/config/tenant";
import { Mode, MODE_TRAITS, MODES } from "../lib/modes";
import { EXIT, parseFlags, run, UsageError, writeStdout } from "../scripts/lib/cli";
import { mulberry32 } from "../scripts/lib/prng";

/** The share of each mode in a generated fleet: most customers buy the shared product. */
export const MODE_MIX: Readonly<Record<Mode, number>> = {
    saas: 0.5,
    "dedicated-saas": 0.15,
    physical: 0.05,
    cloud: 0.15,
    vpn: 0.1,
    "vpn-sync": 0.05,
};

/** A few regions the product is really sold in, weighted like a European-first customer base. */
export const REGION_MIX: Readonly<Record<string, number>> = {
    "eu-west-1": 0.4,
    "eu-central-1": 0.25,
    "us-east-1": 0.2,
    "us-west-2": 0.1,
    "ap-southeast-2": 0.05,
};

const ENVIRONMENT_MIX: Readonly<Record<Environment, number>> = { production: 0.85, demo: 0.1, test: 0.05 };

/**
 * Tenant networks are /20s (room for the VPC's tiers over two AZs), handed out in order from these
 * blocks: all of 10.0.0.0/8 outside the platform's 10.0.0.0/12, 3,840 networks in all.
 */
export const NETWORK_BLOCKS: readonly string[] = ["10.16.0.0/12", "10.32.0.0/11", "10.64.0.0/10", "10.128.0.0/9"];
export const NETWORK_PREFIX = 20;

const FIRST_WORDS = ["aurora", "birch", "cobalt", "delta", "ember", "fjord", "granite", "harbor", "iris", "juniper", "keystone", "lumen", "meridian", "nimbus", "orchid", "pioneer", "quarry", "summit", "tundra", "vertex"];
const SECOND_WORDS = ["logistics", "health", "capital", "foods", "energy", "labs", "media", "retail", "systems", "travel", "builders", "insurance"];
const SUFFIXES = ["GmbH", "Ltd", "Inc.", "AG", "SA", "BV", "LLC", "Group"];
const TOP_LEVEL = ["com", "de", "co.uk", "fr", "nl", "ch", "io"];
const INSTANCE_TYPES = ["m6i.large", "m6i.xlarge", "r6i.large", "t3.large"];
const DATABASE_CLASSES = ["db.m6g.large", "db.m6g.xlarge", "db.r6g.large", "db.t4g.medium"];
/** On physical the database runs on the servers' host as `<family>.<size>`: sizes every family above has. */
const PHYSICAL_DATABASE_CLASSES = ["db.m6g.large", "db.m6g.xlarge", "db.r6g.large", "db.t4g.large"];

/** The generator's random numbers: seeded, so the same seed writes the same fleet. */
export const prng = mulberry32;

function pick<T>(random: () => number, items: readonly T[]): T {
    return items[Math.floor(random() * items.length)]!;
}

function weighted<K extends string>(random: () => number, mix: Readonly<Record<K, number>>): K {
    const entries = Object.entries(mix) as [K, number][];
    let roll = random() * entries.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) {
            return key;
        }
    }
    return entries[entries.length - 1]![0];
}

/** Hands out tenant networks in order; throws once the blocks are exhausted. */
export function networkAllocator(blocks: readonly string[] = NETWORK_BLOCKS, prefix: number = NETWORK_PREFIX): () => string {
    const all: Cidr[] = blocks.flatMap((block) => subnets(parseCidr(block)!, prefix));
    let next = 0;
    return () => {
        const cidr = all[next++];
        if (cidr === undefined) {
            throw new RangeError(`the generator's network blocks hold ${all.length} /${prefix} networks; ask for fewer tenants`);
        }
        return formatCidr(cidr);
    };
}

/** A public IPv4 address outside every special-purpose range, as a customer's VPN device has. */
export function publicAddress(random: () => number): string {
    for (;;) {
        const address = Math.floor(random() * 2 ** 32) >>> 0;
        // Also skip .0 and .255 hosts: valid, but no one configures a VPN device on them.
        if (specialPurposeRange(address) === undefined && (address & 0xff) !== 0 && (address & 0xff) !== 255) {
            return formatAddress(address);
        }
    }
}

/** Corporate networks of a VPN customer: 1-3 /24s in 192.168.0.0/16 or 172.16.0.0/12, never 10/8 (ours). */
function corporateCidrs(random: () => number): string[] {
    const count = 1 + Math.floor(random() * 3);
    const chosen = new Set<string>();
    while (chosen.size < count) {
        chosen.add(random() < 0.6 ? `192.168.${Math.floor(random() * 256)}.0/24` : `172.${16 + Math.floor(random() * 16)}.${Math.floor(random() * 256)}.0/24`);
    }
    return [...chosen];
}

export interface GeneratedTenant {
    /** `<tenant>.yaml`. */
    readonly file: string;
    readonly document: TenantDocument;
    readonly text: string;
}

export interface GenerateOptions {
    readonly count: number;
    readonly seed?: number;
}

export const DEFAULT_SEED = 20240607;

/** The YAML of one tenant document: flat, block style, as a person would write it. */
export function renderTenant(document: TenantDocument): string {
    const lines = ["# yaml-language-server: $schema=./tenant.schema.json", "# Generated by bench/generate.ts (synthetic benchmark fleet)."];
    const emit = (value: unknown, indent: string, key: string): void => {
        if (Array.isArray(value)) {
            lines.push(`${indent}${key}:`, ...value.map((item) => `${indent}  - ${JSON.stringify(item)}`));
        } else if (value !== null && typeof value === "object") {
            lines.push(`${indent}${key}:`);
            for (const [child, inner] of Object.entries(value)) {
                emit(inner, `${indent}  `, child);
            }
        } else {
            lines.push(`${indent}${key}: ${typeof value === "string" ? JSON.stringify(value) : String(value)}`);
        }
    };
    for (const [key, value] of Object.entries(document)) {
        emit(value, "", key);
    }
    return `${lines.join("\n")}\n`;
}

/**
 * Generates `count` tenants. The first six are one of each mode (so even a fleet of ten covers
 * them all); the rest follow {@link MODE_MIX}. Ids, subdomains, own domains and networks are unique.
 */
export function generateFleet(options: GenerateOptions): GeneratedTenant[] {
    const random = prng(options.seed ?? DEFAULT_SEED);
    const nextNetwork = networkAllocator();
    const tenants: GeneratedTenant[] = [];
    for (let index = 0; index < options.count; index++) {
        const mode: Mode = index < MODES.length ? MODES[index]! : weighted(random, MODE_MIX);
        const first = pick(random, FIRST_WORDS);
        const second = pick(random, SECOND_WORDS);
        const id = `${first}-${second}-${String(index).padStart(4, "0")}`;
        const region = weighted(random, REGION_MIX);
        const environment = weighted(random, ENVIRONMENT_MIX);
        const company = `${first[0]!.toUpperCase()}${first.slice(1)} ${second[0]!.toUpperCase()}${second.slice(1)} ${pick(random, SUFFIXES)}`;
        const document: Record<string, unknown> = { tenant: id, company, mode, region };
        if (environment !== "production") {
            document.environment = environment;
        }
        const traits = MODE_TRAITS[mode];
        if (traits.domain) {
            document.domain = random() < 0.5 ? { subdomain: id } : { own: `itm.${id}.${pick(random, TOP_LEVEL)}` };
        }
        if (traits.network) {
            document.network = { cidr: nextNetwork() };
        }
        if (traits.vpn) {
            const corporate = corporateCidrs(random);
            document.vpn = {
                customerGatewayIp: publicAddress(random),
                // vpn-sync always routes with BGP (the directory's networks move); vpn half the time.
                ...(traits.directory || random() < 0.5 ? { bgpAsn: 64512 + Math.floor(random() * (65534 - 64512 + 1)) } : {}),
                corporateCidrs: corporate,
            };
            if (traits.directory) {
                const network = parseCidr(corporate[0]!)!.network;
                document.identity = {
                    directoryName: `corp.${id}.com`,
                    dnsIps: [formatAddress(network + 10), formatAddress(network + 11)],
                    serviceAccount: "svc-itm",
                };
            }
        }
        if (mode !== "saas" && random() < 0.3) {
            document.compute = { instanceType: pick(random, INSTANCE_TYPES), instances: 1 + Math.floor(random() * 4), volumeGiB: 50 + 50 * Math.floor(random() * 10) };
        }
        if (mode !== "saas" && random() < 0.3) {
            document.database = { instanceClass: pick(random, mode === "physical" ? PHYSICAL_DATABASE_CLASSES : DATABASE_CLASSES), storageGiB: 20 + 20 * Math.floor(random() * 25) };
        }
        if (random() < 0.2) {
            document.security = { passwordMinLength: 12 + Math.floor(random() * 13) };
        }
        if (mode !== "saas" && random() < 0.1) {
            const others = Object.keys(REGION_MIX).filter((other) => other !== region && other !== PARTNER_REGIONS[region]);
            document.backup = { offsiteRegion: pick(random, others) };
        }
        const typed = document as unknown as TenantDocument;
        tenants.push({ file: `${id}.yaml`, document: typed, text: renderTenant(typed) });
    }
    return tenants;
}

/**
 * Where a generated fleet's platform settings go: a folder inside the fleet's (the tenant folder's
 * listing skips folders), so that a fleet written anywhere never touches the repository's own.
 */
export function platformDirOf(dir: string): string {
    return path.join(dir, "platform-configs");
}

/** The platform settings file of one of the fleet's regions (every region of {@link REGION_MIX}; eu-west-1 the home). */
export function renderPlatform(region: string): string {
    return [
        "# yaml-language-server: $schema=../../platform-configs/platform.schema.json",
        "# Generated by bench/generate.ts: the benchmark's imagined account (example values).",
        `region: ${region}`,
        "baseDomain: itm.example.net",
        "homeRegion: eu-west-1",
        "offsiteGatewayIp: 81.2.69.160",
        "alertEmails: [operations@example.com]",
        "",
    ].join("\n");
}

/**
 * Writes the fleet into `dir` (created if missing) and the platform settings of its regions into
 * {@link platformDirOf}; returns the tenant files written.
 */
export function writeFleet(dir: string, tenants: readonly GeneratedTenant[]): string[] {
    fs.mkdirSync(platformDirOf(dir), { recursive: true });
    for (const region of Object.keys(REGION_MIX)) {
        fs.writeFileSync(path.join(platformDirOf(dir), `${region}.yaml`), renderPlatform(region));
    }
    return tenants.map((tenant) => {
        const file = path.join(dir, tenant.file);
        fs.writeFileSync(file, tenant.text);
        return file;
    });
}

export const USAGE = `Usage: npx tsx bench/generate.ts --count N --out DIR [--seed S]

Writes N synthetic, valid tenant files (all six modes, a realistic mix, unique ids, domains and
non-overlapping networks) into DIR, and the platform settings of their regions into
DIR/platform-configs/, for the benchmark. The same seed gives the same files.

  --count N   how many tenants, 1 to 10000
  --out DIR   the folder to write into (created if missing; existing generated files are overwritten)
  --seed S    the PRNG seed, an integer (default ${DEFAULT_SEED})
  -h, --help  show this help

Exit codes: 0 written, 2 usage error.
`;

export async function main(argv: string[]): Promise<number> {
    const { values } = parseFlags(argv, {
        count: { type: "string" },
        out: { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    const count = Number(values.count);
    if (!Number.isInteger(count) || count < 1 || count > 10000) {
        throw new UsageError(`--count expects an integer from 1 to 10000, got "${String(values.count ?? "")}"`);
    }
    if (values.out === undefined) {
        throw new UsageError("--out DIR is required");
    }
    const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
    if (!Number.isInteger(seed)) {
        throw new UsageError(`--seed expects an integer, got "${values.seed}"`);
    }
    const written = writeFleet(values.out, generateFleet({ count, seed }));
    process.stderr.write(`generate: wrote ${written.length} tenant file(s) to ${values.out} seed=${seed}\n`);
    return EXIT.ok;
}

if (require.main === module) {
    void run("generate", main, USAGE);
}
