// The versions of the packages whose internals the offline plan relies on, and what is installed:
// apart from pulumi-internals.ts because the plan's entry points read them before anything loads
// @pulumi/pulumi (deferred-modules.ts), so nothing here may import it.

import * as fs from "node:fs";
import * as path from "node:path";

/** An inclusive range of versions `major.minor.patch`; a pre-release is outside any range. */
export interface VersionRange {
    readonly from: string;
    readonly through: string;
}

/**
 * The packages whose internals the plan relies on, and the versions checked against: the patches
 * (pulumi-internals.ts) and the deferred modules (deferred-modules.ts).
 */
export const SUPPORTED_VERSIONS = {
    "@pulumi/pulumi": { from: "3.270.0", through: "3.270.0" },
    "google-protobuf": { from: "3.21.4", through: "3.21.4" },
} as const satisfies Record<string, VersionRange>;

export type PatchedPackage = keyof typeof SUPPORTED_VERSIONS;

/** What is installed: each package's version and the folder it is loaded from. */
export type InstalledPackages = Readonly<Record<PatchedPackage, { readonly version: string; readonly dir: string }>>;

/**
 * The versions installed, read from the package.json files that Node resolves: @pulumi/pulumi from
 * here, google-protobuf from @pulumi/pulumi's folder (the copy its runtime loads, which is the one
 * that must be patched).
 */
export function installedPackages(): InstalledPackages {
    const read = (name: string, from: string): { version: string; dir: string } => {
        const manifest = require.resolve(`${name}/package.json`, { paths: [from] });
        return { version: (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version, dir: path.dirname(manifest) };
    };
    const sdk = read("@pulumi/pulumi", __dirname);
    return { "@pulumi/pulumi": sdk, "google-protobuf": read("google-protobuf", sdk.dir) };
}

function versionParts(version: string): number[] | undefined {
    const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
    return match ? match.slice(1).map(Number) : undefined;
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
    return a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
}

/** Whether `version` is within `range` (both ends included); a pre-release or an unreadable version is not. */
export function inRange(version: string, range: VersionRange): boolean {
    const parts = versionParts(version);
    const from = versionParts(range.from);
    const through = versionParts(range.through);
    if (!parts || !from || !through) {
        return false;
    }
    return compareVersions(parts, from) >= 0 && compareVersions(parts, through) <= 0;
}
