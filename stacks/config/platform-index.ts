// What a tenant file needs to know of the platform's settings files (platform-configs/<region>.yaml,
// validated in full by platform-file.ts): which regions have one, and the base domain. Read cheaply,
// without the schema: every tenant stack reads it at start-up.

import * as fs from "node:fs";
import * as path from "node:path";

import { repoRoot } from "./project";
import { REGIONS } from "../../lib/regions";
import { parseTenantSource } from "./source";

/** The folder of the platform's settings files, beside tenant-configs/ (resolved on use, not at import). */
export function platformConfigDir(): string {
    return path.join(repoRoot(), "platform-configs");
}

/** The file's region as its name says it: `platform-configs/eu-west-1.yaml` is `eu-west-1`. */
export function fileRegion(file: string): string {
    return path.basename(file).replace(/\.yaml$/, "");
}

/** The name to show for a folder: relative to the working directory when inside it. */
function shownName(dir: string): string {
    const relative = path.relative(process.cwd(), dir);
    return relative.startsWith("..") || path.isAbsolute(relative) || relative === "" ? dir : relative;
}

/** What the tenant validator needs to know of the platform files: which regions have one, and the base domain. */
export interface PlatformIndex {
    readonly regions: ReadonlySet<string>;
    readonly baseDomain?: string;
    /** The folder's name in messages. */
    readonly dir: string;
}

/**
 * The tenants' view of a platform folder, cheaply: the regions with a file and the base domain the
 * files agree on, without the schema (every tenant stack reads it at start-up; the platform
 * stacks and `npm run validate` check the files in full).
 */
export function platformIndex(dir: string = platformConfigDir(), shown: string = shownName(dir)): PlatformIndex {
    let entries: string[] = [];
    try {
        entries = fs.readdirSync(dir).filter((entry) => entry.endsWith(".yaml"));
    } catch {
        // No folder: no region has platform settings, which every tenant is then told.
    }
    const domains = new Set<string>();
    for (const entry of entries) {
        try {
            const value = (parseTenantSource(entry, fs.readFileSync(path.join(dir, entry))).source?.data as { baseDomain?: unknown } | undefined)?.baseDomain;
            if (typeof value === "string") {
                domains.add(value);
            }
        } catch {
            // An unreadable file is the platform validation's problem.
        }
    }
    return { regions: new Set(entries.map(fileRegion)), dir: shown, ...(domains.size === 1 ? { baseDomain: [...domains][0]! } : {}) };
}

/**
 * A tenant in a region without platform settings cannot be deployed (its stack references the
 * region's platform): refused at the tenant file's `/region`, saying what to add.
 */
export function tenantRegionFinding(region: unknown, platforms: PlatformIndex): { pointer: string; message: string } | undefined {
    if (typeof region !== "string" || !REGIONS.includes(region) || platforms.regions.has(region)) {
        return undefined;
    }
    const example = [...platforms.regions].sort()[0];
    return {
        pointer: "/region",
        message:
            `${region} has no platform settings: add ${platforms.dir}/${region}.yaml` +
            (example ? ` (copy ${platforms.dir}/${example}.yaml, set region: ${region} and the region's offsiteGatewayIp and alertEmails)` : " (see the README, first deployment)") +
            `; an engineer deploys platform-${region} before the tenant`,
    };
}
