// The guard of the fast layer (test/setup-unit.ts): in the unit project, starting a process fails
// with a message naming the fix, through node:child_process's named exports and through zx.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";
import { $ } from "zx";

import { OWN_MODULES, PROCESS_TESTS } from "../vitest.config";

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

describe("the unit project's shared modules", () => {
    it("GIVEN every test file WHEN it replaces modules (vi.mock, vi.doMock, vi.resetModules) THEN it runs with modules of its own (OWN_MODULES), never in the shared graph", () => {
        const root = path.resolve(__dirname, "..");
        const files = (fs.readdirSync(__dirname, { recursive: true }) as string[])
            .filter((file) => file.endsWith(".test.ts"))
            .map((file) => path.posix.join("test", file.split(path.sep).join("/")));
        const replacing = files.filter((file) => /\bvi\.(mock|doMock|resetModules)\(/.test(fs.readFileSync(path.join(root, file), "utf8")) && file !== "test/setup-unit.test.ts");
        expect(replacing.length).toBeGreaterThan(0);
        expect(replacing.filter((file) => !OWN_MODULES.includes(file) && !PROCESS_TESTS.includes(file))).toEqual([]);
    });
});
