// The CI scripts that start a process (the process project): the workflow lint's shellcheck
// mapping, the repository's shell scripts and workflow linted with shellcheck when it is installed, and
// scripts/ci/preview-stacks.sh run by bash against a stub pulumi. The rest is test/ci.test.ts.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { hasShellcheck, lintWorkflow, shellcheckFile, shellcheckRunBlocks, shellScriptsOf } from "../scripts/ci/lint-workflows";

describe("lint-workflows with shellcheck", () => {
    const workflow = (steps: string, job = "    timeout-minutes: 5\n") => `on: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n${job}    steps:\n${steps}`;

    it.runIf(hasShellcheck())("GIVEN an unquoted variable in a run block WHEN shellchecked THEN SC2086 at the workflow's line and column", () => {
        const text = workflow("      - run: |\n          echo ok\n          rm $FILE\n");
        expect(shellcheckRunBlocks(text, "w.yml")).toEqual([expect.objectContaining({ line: 11, column: 14, rule: "shellcheck SC2086" })]);
    });

    it.runIf(hasShellcheck())("GIVEN a script file with an unquoted variable WHEN shellchecked THEN SC2086 at its line and column", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shellcheck-")), "s.sh");
        fs.writeFileSync(file, "#!/bin/bash\necho ok\nrm $FILE\n");
        expect(shellcheckFile(file, "s.sh")).toEqual([expect.objectContaining({ file: "s.sh", line: 3, column: 4, rule: "shellcheck SC2086" })]);
    });

    it.runIf(hasShellcheck())("GIVEN the repository's shell scripts WHEN shellchecked THEN they are clean", () => {
        const root = path.resolve(__dirname, "..");
        expect(shellScriptsOf(root).flatMap((script) => shellcheckFile(script, path.relative(root, script)))).toEqual([]);
    });

    it("GIVEN the repository's workflow WHEN linted THEN it is clean", async () => {
        const file = path.resolve(__dirname, "..", ".github", "workflows", "infra.yml");
        expect(await lintWorkflow(fs.readFileSync(file, "utf8"), "infra.yml", hasShellcheck())).toEqual([]);
    });
});

describe("scripts/ci/preview-stacks.sh against a stub pulumi", () => {
    it("GIVEN an existing and a new stack WHEN previewed THEN the existing one is previewed read-only and the new one reported, not created", () => {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "stub-pulumi-"));
        const log = path.join(bin, "calls.log");
        fs.writeFileSync(
            path.join(bin, "pulumi"),
            `#!/usr/bin/env bash\necho "$*" >> "${log}"\nif [ "$1 $2" = "stack select" ] && [ "$3" = "newco" ]; then echo "error: no stack named 'newco' found" >&2; exit 255; fi\nexit 0\n`,
            { mode: 0o755 },
        );
        const result = spawnSync("bash", [path.resolve(__dirname, "..", "scripts", "ci", "preview-stacks.sh")], {
            env: { PATH: `${bin}${path.delimiter}${process.env.PATH}`, STACKS: "platform-eu-west-1 newco" },
            encoding: "utf8",
        });
        expect(result.status).toBe(0);
        expect(fs.readFileSync(log, "utf8").trim().split("\n")).toEqual([
            "stack select platform-eu-west-1 --non-interactive",
            "config set aws:region eu-west-1 --stack platform-eu-west-1 --non-interactive",
            "preview --diff --policy-pack policy --stack platform-eu-west-1 --non-interactive",
            "stack select newco --non-interactive",
        ]);
        expect(result.stdout).toContain("::notice::newco: no such stack in the backend yet");
        expect(result.stdout).toContain("2 stack(s): 1 previewed, 1 new (not previewed), 0 failed");
    });

    it("GIVEN a stack that cannot be selected for another reason WHEN previewed THEN it fails, naming the reason", () => {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "stub-pulumi-"));
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/usr/bin/env bash\necho "error: [401] Unauthorized" >&2\nexit 255\n`, { mode: 0o755 });
        const result = spawnSync("bash", [path.resolve(__dirname, "..", "scripts", "ci", "preview-stacks.sh")], {
            env: { PATH: `${bin}${path.delimiter}${process.env.PATH}`, STACKS: "platform-eu-west-1" },
            encoding: "utf8",
        });
        expect(result.status).toBe(1);
        expect(result.stdout).toContain("::error::platform-eu-west-1: cannot select the stack: error: [401] Unauthorized");
    });
});
