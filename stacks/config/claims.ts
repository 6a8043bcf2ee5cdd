// What the rules across tenant files read of the other files of the folder: each one's tenant id,
// subdomain, own domain and network. A stack checks its own tenant file against every other one
// as it starts; parsing them all took 0.4-0.5 s of every stack's start-up in a fleet of 1,000
// (bench/README.md). The values are kept in a cache by the SHA-256 of each file's bytes, so only a
// file that changed is parsed again; the cache holds nothing a file's bytes do not determine, and
// a file is parsed in full whenever a message must say where in it a value is. The cache is the
// CLIs' (they pass `claimCacheFile()`): a deployment reads and writes none.

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { repoRoot } from "./project";
import { parseTenantSource, TenantSource } from "./source";

/** Where the CLIs keep the claims of the project at `root` (by default this one): under node_modules/.cache. */
export function claimCacheFile(root: string = repoRoot()): string {
    return path.join(root, "node_modules", ".cache", "tenant-platform", "tenant-claims.json");
}

/** The values of a tenant file that rules across files compare (only strings are kept). */
export interface Claims {
    readonly tenant?: string;
    readonly domain?: { readonly subdomain?: string; readonly own?: string };
    readonly network?: { readonly cidr?: string };
}

/** Bumped whenever `claimsOf` reads something else: older caches are then ignored. */
export const CLAIMS_VERSION = 1;

interface CacheDocument {
    readonly version: number;
    /** SHA-256 of a file's bytes -> its claims, or null when the bytes are no tenant document. */
    readonly entries: Record<string, Claims | null>;
}

function stringAt(data: unknown, ...keys: string[]): string | undefined {
    let node = data;
    for (const key of keys) {
        node = typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
    }
    return typeof node === "string" ? node : undefined;
}

/** The claims of a parsed tenant document. */
export function claimsOf(data: unknown): Claims {
    const tenant = stringAt(data, "tenant");
    const subdomain = stringAt(data, "domain", "subdomain");
    const own = stringAt(data, "domain", "own");
    const cidr = stringAt(data, "network", "cidr");
    return {
        ...(tenant === undefined ? {} : { tenant }),
        ...(subdomain === undefined && own === undefined ? {} : { domain: { ...(subdomain === undefined ? {} : { subdomain }), ...(own === undefined ? {} : { own }) } }),
        ...(cidr === undefined ? {} : { network: { cidr } }),
    };
}

function isClaims(value: unknown): value is Claims | null {
    if (value === null) {
        return true;
    }
    const strings = (node: unknown, keys: string[]): boolean =>
        typeof node === "object" && node !== null && Object.entries(node).every(([key, child]) => keys.includes(key) && typeof child === "string");
    if (typeof value !== "object" || Array.isArray(value)) {
        return false;
    }
    const { tenant, domain, network, ...rest } = value as Record<string, unknown>;
    return (
        Object.keys(rest).length === 0 &&
        (tenant === undefined || typeof tenant === "string") &&
        (domain === undefined || strings(domain, ["subdomain", "own"])) &&
        (network === undefined || strings(network, ["cidr"]))
    );
}

/** Reads a cache file; anything missing, unreadable, of another version or shape is an empty cache. */
function readCache(file: string): Map<string, Claims | null> {
    try {
        const document = JSON.parse(fs.readFileSync(file, "utf8")) as CacheDocument;
        if (document.version !== CLAIMS_VERSION || typeof document.entries !== "object" || document.entries === null) {
            return new Map();
        }
        return new Map(Object.entries(document.entries).filter(([digest, claims]) => /^[0-9a-f]{64}$/.test(digest) && isClaims(claims)));
    } catch {
        return new Map();
    }
}

/** Writes the cache whole (through a temporary file, so a reader never sees half of it); best effort. */
function writeCache(file: string, entries: Map<string, Claims | null>): void {
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, JSON.stringify({ version: CLAIMS_VERSION, entries: Object.fromEntries(entries) } satisfies CacheDocument));
        fs.renameSync(temporary, file);
    } catch {
        // A cache that cannot be written only costs the next run its parsing.
    }
}

/** A file of the folder as the rules across files see it. */
export interface ClaimingFile {
    /** The name used in messages. */
    readonly file: string;
    /** Its claims as a document, with positions from the file parsed on demand; none when it does not parse. */
    readonly source?: TenantSource;
}

/** One tenant file's name and bytes (as `readTenantFiles` reads them). */
export interface ClaimInput {
    readonly file: string;
    readonly bytes: Uint8Array;
    readonly size?: number;
}

/**
 * The claiming files of `inputs`, from the cache at `cacheFile` where it knows their bytes (false:
 * no cache), parsing the others and then writing the cache with the entries of these files only.
 */
export function claimingFiles(inputs: readonly ClaimInput[], cacheFile: string | false): ClaimingFile[] {
    const cache = cacheFile === false ? new Map<string, Claims | null>() : readCache(cacheFile);
    const used = new Map<string, Claims | null>();
    let parsed = 0;
    const files = inputs.map((input): ClaimingFile => {
        const digest = crypto.createHash("sha256").update(input.bytes).update(`\0${input.size ?? input.bytes.length}`).digest("hex");
        let full: TenantSource | undefined;
        const parse = (): TenantSource | undefined => (full ??= parseTenantSource(input.file, input.bytes, input.size).source);
        let claims = cache.get(digest);
        if (claims === undefined) {
            parsed++;
            const source = parse();
            claims = source === undefined ? null : claimsOf(source.data);
        }
        used.set(digest, claims);
        if (claims === null) {
            return { file: input.file };
        }
        const data = claims;
        return {
            file: input.file,
            source: {
                file: input.file,
                data,
                locate: (pointer, target) => parse()!.locate(pointer, target),
                keys: () => parse()!.keys(),
            },
        };
    });
    if (cacheFile !== false && (parsed > 0 || used.size !== cache.size)) {
        writeCache(cacheFile, used);
    }
    return files;
}
