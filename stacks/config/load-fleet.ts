// The ways tenant files are loaded: listed or named, read, validated together, one function per
// way. Each returns the files it validated, every problem sorted, and the tenants of the files
// without any problem. Nothing is read or resolved until one of them is called.

import * as path from "node:path";

import { claimingFiles } from "./claims";
import { platformConfigDir, platformIndex } from "./platform-index";
import { tenantConfigDir } from "./project";
import { displayName, listTenantDirectory, readTenantFiles, sourceName } from "./tenant-files";
import { FleetValidation, sortProblems, validateFleet } from "./validate";

export interface LoadOptions {
    /**
     * The platform's settings files (platform-configs/ of the project by default): a tenant in a
     * region without one is refused, and `domain.own` is checked against their base domain.
     */
    readonly platformDir?: string;
}

export interface AgainstDirectoryOptions extends LoadOptions {
    /** The tenant folder the files must fit: tenant-configs/ of the project by default. */
    readonly dir?: string;
    /**
     * A file where the claims of the folder's other files are kept by content between runs
     * (claims.ts; `claimCacheFile()` is the CLIs'). Default: none, every other file is parsed and
     * nothing is read or written besides the tenant files (what a deployment does).
     */
    readonly claimCache?: string;
}

/** Every tenant file of a folder (tenant-configs/ of the project by default), validated together. */
export function loadFleetDirectory(dir: string = tenantConfigDir(), options: LoadOptions = {}): FleetValidation {
    const platforms = platformIndex(options.platformDir ?? platformConfigDir());
    const listing = listTenantDirectory(dir);
    const loaded = readTenantFiles(listing.files);
    const fleet = validateFleet(loaded.files, sourceName, [], platforms);
    return { files: fleet.files, problems: sortProblems([...listing.problems, ...loaded.problems, ...fleet.problems]), tenants: fleet.tenants };
}

/** Only the named files, each on its own and against each other (no folder compared with). */
export function loadFleetFiles(files: readonly string[], options: LoadOptions = {}): FleetValidation {
    const platforms = platformIndex(options.platformDir ?? platformConfigDir());
    const loaded = readTenantFiles(files);
    const fleet = validateFleet(loaded.files, sourceName, [], platforms);
    return { files: fleet.files, problems: sortProblems([...loaded.problems, ...fleet.problems]), tenants: fleet.tenants };
}

/**
 * The named files validated in full and checked against the other files of a tenant folder
 * (uniqueness, overlaps), as a new or changed file must fit the fleet; of the folder's other files
 * only their claims are read, and only the named files' problems and tenants are returned.
 */
export function loadFleetFilesAgainstDirectory(files: readonly string[], options: AgainstDirectoryOptions = {}): FleetValidation {
    const dir = options.dir ?? tenantConfigDir();
    const platforms = platformIndex(options.platformDir ?? platformConfigDir());
    // Read together: a named file that is also in the folder is read once, as the named one.
    const loaded = readTenantFiles([...files, ...listTenantDirectory(dir).files]);
    const wanted = new Set(files.map((file) => displayName(path.resolve(file))));
    const named = loaded.files.filter((file) => wanted.has(file.file));
    const others = claimingFiles(
        loaded.files.filter((file) => !wanted.has(file.file)),
        options.claimCache ?? false,
    );
    const fleet = validateFleet(named, sourceName, others, platforms);
    const problems = sortProblems([...loaded.problems.filter((problem) => wanted.has(problem.file)), ...fleet.problems]);
    return { files: fleet.files, problems, tenants: fleet.tenants };
}
