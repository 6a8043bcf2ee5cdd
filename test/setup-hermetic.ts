// Run before each test file (vitest.config.ts setupFiles): installs the tenant-configs guard
// (test/fixtures/tenant-configs-guard.cjs) in this process and, through NODE_OPTIONS, in the
// worker threads and node child processes it starts, and fails the test file if any of them
// touched the live tenant folder, even where the code swallowed the guard's error.

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll } from "vitest";

const GUARD = path.join(__dirname, "fixtures", "tenant-configs-guard.cjs");
createRequire(__filename)(GUARD);

const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "tenant-configs-guard-"));
const log = path.join(logDir, "violations.jsonl");
process.env.TENANT_CONFIGS_GUARD_LOG = log;
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(GUARD)}`.trim();

afterAll(() => {
    const text = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    fs.rmSync(logDir, { recursive: true, force: true });
    const violations = text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as { pid: number; operation: string; file: string; stack: string });
    if (violations.length > 0) {
        const shown = violations.map((v) => `  ${v.operation}(${v.file}) in process ${v.pid}${v.pid === process.pid ? " (this test file)" : ""}\n${v.stack.split("\n").slice(1, 8).join("\n")}`);
        throw new Error(`hermetic tests: this test file touched tenant-configs/ ${violations.length} time(s); build the fleet from fixtures (test/fixtures/fleet.ts):\n${shown.join("\n")}`);
    }
});
