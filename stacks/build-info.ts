// The compiled program and the sources it was compiled from. Pulumi's language host runs the build
// in dist/ (Pulumi.yaml `main`: no ts-node, about a second of start-up saved on every stack), so a
// build that no longer matches its sources must refuse to run instead of deploying old code.
// `npm run build` (scripts/build.ts) writes dist/build-info.json; the entry checks it.

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { findProjectRoot } from "./config/project";

export const BUILD_DIR = "dist";
export const BUILD_INFO_FILE = "build-info.json";
export const BUILD_COMMAND = "npm run build";

/**
 * Folders of files the compiled program reads at run time (the database server's setup script):
 * `npm run build` copies them into ${BUILD_DIR}/ as they are and records their digests with the
 * sources, so a changed file means a stale build.
 */
export const PROGRAM_FILE_DIRS: readonly string[] = ["components/scripts"];

/** What `npm run build` records beside the compiled program. */
export interface BuildInfo {
    readonly version: 1;
    /** Project-relative path of every source compiled (and tsconfig.json, and every file of PROGRAM_FILE_DIRS) -> SHA-256 of its text. */
    readonly sources: Readonly<Record<string, string>>;
}

export function digestOf(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The recorded sources that are missing or differ now, in the record's order. */
export function changedSources(root: string, info: BuildInfo): string[] {
    return Object.entries(info.sources)
        .filter(([relative, digest]) => {
            const file = path.join(root, relative);
            return !fs.existsSync(file) || digestOf(file) !== digest;
        })
        .map(([relative]) => relative);
}

/** The build-info in `file`; undefined when it is missing or not one. */
export function readBuildInfo(file: string): BuildInfo | undefined {
    try {
        const info = JSON.parse(fs.readFileSync(file, "utf8")) as BuildInfo;
        return info.version === 1 && typeof info.sources === "object" && info.sources !== null ? info : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Fails the run (a RunError: one message, no stack) when the compiled entry `entryFile` was not
 * built by `npm run build` from the sources now in the project. From the TypeScript sources
 * themselves (ts-node, tsx, tests) there is no build to compare and nothing is checked.
 */
export function assertCurrentBuild(entryFile: string): void {
    if (!entryFile.endsWith(".js")) {
        return;
    }
    const root = findProjectRoot(path.dirname(entryFile));
    const infoFile = path.join(path.dirname(entryFile), BUILD_INFO_FILE);
    const info = readBuildInfo(infoFile);
    if (info === undefined) {
        throw new pulumi.RunError(
            `${path.relative(root, infoFile)} is missing or unreadable, so nothing says what ${path.relative(root, entryFile)} was built from: ` +
                `run \`${BUILD_COMMAND}\` and try again`,
        );
    }
    const changed = changedSources(root, info);
    if (changed.length > 0) {
        const named = changed.slice(0, 5).join(", ") + (changed.length > 5 ? ` and ${changed.length - 5} more` : "");
        throw new pulumi.RunError(
            `the compiled program in ${path.relative(root, path.dirname(entryFile))}/ is older than its sources (changed since the build: ${named}): ` +
                `run \`${BUILD_COMMAND}\` and try again (npm run preview and npm run up build first)`,
        );
    }
}
