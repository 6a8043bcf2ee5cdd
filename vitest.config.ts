import { defineConfig } from "vitest/config";

// Two layers (README, "and the tests"): `unit` runs in-process only and is the fast feedback loop
// (`npm run test:unit`); `process` holds the tests that must start a process: one smoke test per
// CLI through tsx, the Pulumi language host, tsc on a broken copy, git, bash and the stub `pulumi`
// (`npm run test:process`). `npm test` runs both. test/setup-unit.ts makes starting a process
// from a unit test fail, naming this list.
export const PROCESS_TESTS = [
    // tsc: the build type-checks and compiles the program (the "process-level": CLIs, language host, tsc).
    "test/build.test.ts",
    // git: a shard's key digests the commit checked out; the plan cache's build, the files git tracks.
    "test/plan-shard-cli.test.ts",
    "test/plan-cache.test.ts",
    // The bench's tasks, each in processes of its own (4 shards at once).
    "test/bench-tasks.test.ts",
    "test/ci-processes.test.ts",
    // python3-botocore: the Route 53 model the alarm regions are read from.
    "test/failover-alarm-regions.test.ts",
    "test/cli-smoke.test.ts",
    "test/dr.test.ts",
    "test/dr-failback.test.ts",
    "test/dr-platform.test.ts",
    "test/dr-drill-record.test.ts",
    "test/dr-physical-placement.test.ts",
    "test/dr-failback-physical.test.ts",
    "test/entry.test.ts",
    "test/hermetic.test.ts",
    "test/plan-base.test.ts",
    "test/stack-ops.test.ts",
    "test/stack-ops-offboarding.test.ts",
    "test/stack-ops-recovery.test.ts",
    "test/stack-ops-waves.test.ts",
    "test/tenant-lifecycle.test.ts",
];

// Files that replace a module (vi.mock, vi.resetModules) run in a fresh module graph of their own:
// the unit project shares one (below) and would hand them, or the files after them, the other
// version (test/setup-unit.test.ts keeps this list complete). So do the files that swap Pulumi's
// internals on purpose, outside a plan (plan-speed.test.ts, pulumi-internals.test.ts:
// Error.stackTraceLimit, source maps, google-protobuf's Struct, Pulumi's debuggablePromise).
export const OWN_MODULES = ["test/claim-cache.test.ts", "test/import-work.test.ts", "test/plan-aws-rules.test.ts", "test/plan-speed.test.ts", "test/pulumi-internals.test.ts"];

const shared = {
    // Pulumi's runtime keeps process-wide state: test files run in forks (one per file unless `isolate: false`).
    pool: "forks",
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
} as const;

export default defineConfig({
    test: {
        projects: [
            {
                test: {
                    ...shared,
                    name: "unit",
                    include: ["test/**/*.test.ts"],
                    exclude: [...PROCESS_TESTS, ...OWN_MODULES],
                    // The files share their fork's modules: @pulumi/aws and the program load once, not once
                    // per file (three quarters of the layer's time otherwise). Each plan resets Pulumi's mocks
                    // and config (scripts/lib/plan/engine.ts), so files do not see each other's stacks.
                    isolate: false,
                    // Every core: this is the layer a developer waits for (vitest's default leaves one idle).
                    maxWorkers: "100%",
                    // Projects with their own maxWorkers run as groups, one after the other: unit first.
                    sequence: { groupOrder: 0 },
                    // Tests never read tenant-configs/ (sales ops change it): test/setup-hermetic.ts fails a test file that does.
                    setupFiles: ["test/setup-hermetic.ts", "test/setup-unit.ts"],
                },
            },
            {
                test: {
                    ...shared,
                    name: "unit-own-modules",
                    // With the unit files, in the same group: one fork each, on every core.
                    maxWorkers: "100%",
                    sequence: { groupOrder: 0 },
                    include: OWN_MODULES,
                    setupFiles: ["test/setup-hermetic.ts", "test/setup-unit.ts"],
                },
            },
            {
                test: {
                    ...shared,
                    name: "process",
                    sequence: { groupOrder: 2 },
                    include: PROCESS_TESTS,
                    setupFiles: ["test/setup-hermetic.ts"],
                },
            },
        ],
    },
});
