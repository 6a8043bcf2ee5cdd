// Tenant files on disk: the listing of a tenant folder and the reading of files, where a missing,
// unreadable or misnamed file becomes a problem at its line 1, and the names files are shown by.

import * as fs from "node:fs";
import * as path from "node:path";

import { repoRoot, tenantConfigDir } from "./project";
import { MAX_FILE_BYTES, Problem } from "./source";

/** The schema's file in the tenant folder: the one JSON file there that is no tenant file. */
export const SCHEMA_FILE = "tenant.schema.json";

/** One tenant file's bytes, as read for validation. */
export interface FleetFile {
    /** The name used in messages (relative to the working directory where possible). */
    readonly file: string;
    readonly bytes: Uint8Array;
    /** The file's size on disk when only its first bytes were read. */
    readonly size?: number;
}

/** A problem with a file that is not a tenant file at all (wrong extension, unreadable). */
function fileProblem(file: string, message: string): Problem {
    return { file, line: 1, column: 1, path: "/", message };
}

/** The name to show for a path: relative to the working directory when inside it. */
export function displayName(file: string, cwd: string = process.cwd()): string {
    const relative = path.relative(cwd, file);
    return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/** The `source` recorded for a tenant: relative to the repository root when inside it. */
export function sourceName(file: string): string {
    const relative = path.relative(repoRoot(), path.resolve(file));
    return relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(file) : relative.split(path.sep).join("/");
}

export interface LoadedFiles {
    readonly files: FleetFile[];
    /** Problems found before reading any file: wrong extensions, unreadable or missing files. */
    readonly problems: Problem[];
}

/**
 * Lists the tenant files of a folder. Only `*.yaml` files are tenant files; anything else that
 * looks like one (`*.yml`, `*.json` other than the schema, other capitalisations) is an error,
 * never silently skipped.
 */
/** How a listing's problem begins when the folder itself cannot be read (absent, a file, no permission). */
export const UNREADABLE_FOLDER = "cannot read the tenant folder";

/** The listing's problem saying the folder itself cannot be read, if it is one: a usage error for the CLIs that take --dir. */
export function unreadableFolder(problems: readonly Problem[]): Problem | undefined {
    return problems.find((problem) => problem.message.startsWith(UNREADABLE_FOLDER));
}

export function listTenantDirectory(dir: string = tenantConfigDir()): { files: string[]; problems: Problem[] } {
    const files: string[] = [];
    const problems: Problem[] = [];
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
        return { files, problems: [fileProblem(displayName(dir), `${UNREADABLE_FOLDER} (${(error as NodeJS.ErrnoException).code ?? "error"})`)] };
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            // A folder is never read; one named like a tenant file holds what someone meant as one.
            if (/\.(ya?ml|json)$/i.test(entry.name)) {
                problems.push(fileProblem(displayName(full), "is a folder, not a tenant file; tenant files lie directly in the tenant folder (move the file out of it and remove the folder)"));
            }
            continue;
        }
        if (entry.name.endsWith(".yaml")) {
            files.push(full);
        } else if (entry.name === SCHEMA_FILE) {
            continue;
        } else if (/\.(ya?ml|json)$/i.test(entry.name)) {
            // Tenant ids are lowercase: Acme.Yaml becomes acme.yaml, not Acme.yaml.
            const stem = entry.name.replace(/\.(ya?ml|json)$/i, "").toLowerCase();
            problems.push(fileProblem(displayName(full), `only *.yaml files are tenant files; rename it to ${stem}.yaml (or move it out of the tenant folder)`));
        }
    }
    return { files, problems };
}

/**
 * Reads files for validation; unreadable ones become problems. Duplicate paths are read once: the
 * same file by the same name (a file named and also listed, through another path to its folder).
 * A link by another name to a file read already is read as the file of its own name, so that a
 * tenant file replaced by a link to another tenant's is refused (not its tenant), never dropped.
 */
function isFolder(real: string): boolean {
    try {
        return fs.statSync(real).isDirectory();
    } catch {
        return false;
    }
}

export function readTenantFiles(paths: readonly string[]): LoadedFiles {
    const files: FleetFile[] = [];
    const problems: Problem[] = [];
    const seen = new Set<string>();
    for (const file of paths) {
        let real: string;
        try {
            real = fs.realpathSync(file);
        } catch (error) {
            // Only a missing file is "no such file": a link loop or a folder without permission is said as such.
            const code = (error as NodeJS.ErrnoException).code;
            problems.push(
                fileProblem(
                    displayName(file),
                    code === "ENOENT" || code === undefined
                        ? "no such file"
                        : code === "ELOOP"
                          ? "is a symbolic link loop (ELOOP): a link in its path points back to itself; fix or remove the link"
                          : `cannot be read (${code})`,
                ),
            );
            continue;
        }
        const key = `${real}\u0000${path.basename(file)}`;
        if (seen.has(key)) {
            continue;
        }
        seen.add(key);
        const name = displayName(path.resolve(file));
        if (isFolder(real)) {
            problems.push(fileProblem(name, "is a folder, not a tenant file: give its <tenant>.yaml files, or the tenant ids"));
            continue;
        }
        if (!file.endsWith(".yaml")) {
            problems.push(fileProblem(name, "a tenant file must be named <tenant>.yaml"));
            continue;
        }
        try {
            const stat = fs.statSync(real);
            if (!stat.isFile()) {
                problems.push(fileProblem(name, "is not a regular file"));
                continue;
            }
            // Read no more than one byte past the limit: an oversized file is refused by its size.
            const fd = fs.openSync(real, "r");
            try {
                const buffer = Buffer.alloc(Math.min(stat.size, MAX_FILE_BYTES + 1));
                const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
                files.push({ file: name, bytes: buffer.subarray(0, read), size: stat.size });
            } finally {
                fs.closeSync(fd);
            }
        } catch (error) {
            problems.push(fileProblem(name, `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`));
        }
    }
    return { files, problems };
}
