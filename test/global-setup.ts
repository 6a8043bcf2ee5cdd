// Before any test file: the program built into dist/ (what Pulumi's host runs and the entry tests
// load), unless dist/ already holds a build of these sources. Built once here so that no two test
// files rewrite dist/ at the same time.
//
// And one temporary folder for the whole run, os.tmpdir() in every test file and every process they
// start (TMPDIR, which the forks inherit), removed when the run ends: the files and folders a test
// makes there (fleets, plan documents, stub CLIs, clones) go with it, whatever the test did or
// failed to clean up. Before, each run of the suite left about 150 folders in /tmp.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { ensureBuilt } from "../scripts/build";

/** Names the run's temporary folder once it is made. */
const TEST_TMPDIR = "TENANT_PLATFORM_TEST_TMPDIR";

export default function setup(): () => void {
    const result = ensureBuilt();
    if (result.errors.length > 0) {
        throw new Error(`the program does not compile, so no test can load it:\n${result.errors.join("\n")}`);
    }
    // Each project of the run (vitest.config.ts) runs this: the first makes the folder, the others use it.
    if (process.env[TEST_TMPDIR] !== undefined) {
        return () => undefined;
    }
    // A short name: a socket's path (tsx's, under TMPDIR) must fit in 107 bytes.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "tp-tests-"));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = root;
    process.env[TEST_TMPDIR] = root;
    return () => {
        if (before === undefined) {
            delete process.env.TMPDIR;
        } else {
            process.env.TMPDIR = before;
        }
        delete process.env[TEST_TMPDIR];
        fs.rmSync(root, { recursive: true, force: true });
    };
}
