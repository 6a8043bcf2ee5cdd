// The guard of the fast layer (test/setup-unit.ts): in the unit project, starting a process fails
// with a message naming the fix, through node:child_process's named exports and through zx.

import { execFileSync, spawn, spawnSync } from "node:child_process";

import { describe, expect, it } from "vitest";
import { $ } from "zx";

describe("unit project guard", () => {
    it("GIVEN a unit test WHEN it starts a process through child_process THEN it throws naming the process project", () => {
        expect(() => spawnSync("true")).toThrow(/unit tests start no process.*PROCESS_TESTS in vitest\.config\.ts/);
        expect(() => spawn("true")).toThrow(/child_process\.spawn\("true"\)/);
        expect(() => execFileSync("true")).toThrow(/unit tests start no process/);
    });

    it("GIVEN a unit test WHEN it starts a process through zx THEN it fails the same way", async () => {
        await expect($`true`).rejects.toThrow(/unit tests start no process/);
    });
});
