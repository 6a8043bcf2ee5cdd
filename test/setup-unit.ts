// Run before each file of the `unit` project (vitest.config.ts): a unit test starts no process.
// Every way node:child_process starts one throws, naming the fix, so a slow process-level test
// cannot slip into the fast layer. Worker threads are not processes and stay allowed.

import { createRequire, syncBuiltinESMExports } from "node:module";

import { afterAll } from "vitest";

// The module object itself (an ESM namespace is read-only): what require() and, once synced, every import see.
const childProcess = createRequire(__filename)("node:child_process") as Record<string, unknown>;

const STARTERS = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;

for (const name of STARTERS) {
    childProcess[name] = (file: unknown) => {
        throw new Error(
            `unit tests start no process, but child_process.${name}(${JSON.stringify(String(file)).slice(0, 80)}) was called: ` +
                "call the CLI's main in-process (test/cli-harness.ts runCli), or add the test file to PROCESS_TESTS in vitest.config.ts",
        );
    };
}
// The named exports of `import { spawnSync } from "node:child_process"` follow the object only once synced.
syncBuiltinESMExports();

// The unit files share their worker's modules and globals: a file that leaves the offline plan's
// patches on (a stack trace limit of 0: no error of any later file would have a stack) fails here,
// itself, instead of a later file failing for it.
const stackTraceLimit = Error.stackTraceLimit;
afterAll(() => {
    if (Error.stackTraceLimit !== stackTraceLimit) {
        const left = Error.stackTraceLimit;
        Error.stackTraceLimit = stackTraceLimit;
        throw new Error(`this test file left Error.stackTraceLimit at ${left} (was ${stackTraceLimit}): a plan's patched window was never closed`);
    }
});
