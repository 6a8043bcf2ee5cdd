// Where the project is on disk. The program runs from its TypeScript sources (tests, the plan) and
// from the build in dist/ (Pulumi's language host), so paths are found from Pulumi.yaml, never
// counted in `..` from a module's own folder.

import * as fs from "node:fs";
import * as path from "node:path";

export const PROJECT_FILE = "Pulumi.yaml";

/** The nearest folder at or above `from` that holds Pulumi.yaml. */
export function findProjectRoot(from: string): string {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, PROJECT_FILE))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no ${PROJECT_FILE} at or above ${from}: the program must run inside its project`);
        }
    }
}

let root: string | undefined;

/**
 * This project's root (the folder of Pulumi.yaml at or above this module), looked up on first use
 * and kept: importing a module costs no file-system walk.
 */
export function repoRoot(): string {
    return (root ??= findProjectRoot(__dirname));
}

/** The folder of tenant files, tenant-configs/ at the project's root. */
export function tenantConfigDir(): string {
    return path.join(repoRoot(), "tenant-configs");
}
