import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts"],
        // Pulumi's runtime keeps process-wide state: each test file runs in its own fork.
        pool: "forks",
        globalSetup: ["test/global-setup.ts"],
        // Tests never read tenant-configs/ (sales ops change it): test/setup-hermetic.ts fails a test file that does.
        setupFiles: ["test/setup-hermetic.ts"],
        testTimeout: 60_000,
        hookTimeout: 60_000,
    },
});
