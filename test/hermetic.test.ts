// The guard that keeps the tests off tenant-configs/ (test/setup-hermetic.ts, loaded before every
// test file): each way a test could reach the live fleet is refused and recorded, the schema stays
// readable, and what is refused is recorded even where the code swallows the error.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { FleetUnreadable } from "../policy/fleet-files";
import { otherTenantsFromFiles } from "../policy/pack";
import { loadFleetDirectory } from "../stacks/config/load-fleet";
import { tenantConfigDir } from "../stacks/config/project";
import { FIXTURE_TENANTS, loadFixtureFleet } from "./fixtures/fleet";

const REFUSED = /^hermetic tests: \w+\(.*tenant-configs.*\) touches the live tenant folder; tests never read tenant-configs\//;
const TENANT_CONFIG_DIR = tenantConfigDir();
const TENANT_FILE = path.join(TENANT_CONFIG_DIR, "any-tenant.yaml");

interface Entry {
    readonly pid: number;
    readonly operation: string;
    readonly file: string;
}

describe("the tenant-configs guard", () => {
    // The refusals below are meant: recorded in a log of this test's own, not the setup file's.
    let suiteLog: string | undefined;
    let dir: string;
    let log: string;
    const entries = (): Entry[] => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as Entry) : []);

    beforeEach(() => {
        suiteLog = process.env.TENANT_CONFIGS_GUARD_LOG;
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hermetic-"));
        log = path.join(dir, "violations.jsonl");
        process.env.TENANT_CONFIGS_GUARD_LOG = log;
    });
    afterEach(() => {
        process.env.TENANT_CONFIGS_GUARD_LOG = suiteLog;
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("GIVEN this test process WHEN a tenant file or the folder's listing is read, by any fs entry point THEN each call throws EHERMETIC and is recorded", async () => {
        const relative = path.relative(process.cwd(), TENANT_FILE);
        const calls: [string, () => unknown][] = [
            ["readFileSync", () => fs.readFileSync(TENANT_FILE)],
            ["readFileSync", () => fs.readFileSync(relative, "utf8")],
            ["readFileSync", () => fs.readFileSync(new URL(`file://${TENANT_FILE}`))],
            ["readdirSync", () => fs.readdirSync(TENANT_CONFIG_DIR)],
            ["existsSync", () => fs.existsSync(TENANT_FILE)],
            ["statSync", () => fs.statSync(TENANT_FILE)],
            ["openSync", () => fs.openSync(TENANT_FILE, "r")],
            ["cpSync", () => fs.cpSync(TENANT_CONFIG_DIR, path.join(dir, "copy"), { recursive: true })],
            ["writeFileSync", () => fs.writeFileSync(TENANT_FILE, "tenant: x\n")],
        ];
        for (const [, call] of calls) {
            expect(call).toThrow(REFUSED);
        }
        await expect(fsp.readFile(TENANT_FILE)).rejects.toThrow(REFUSED);
        await expect(fsp.readdir(TENANT_CONFIG_DIR)).rejects.toThrow(REFUSED);
        await expect(new Promise((resolve, reject) => fs.readFile(TENANT_FILE, (error, data) => (error ? reject(error) : resolve(data))))).rejects.toThrow(REFUSED);
        // The program's own default folder: refused and recorded, whatever the caller makes of the error.
        expect(loadFleetDirectory().tenants).toEqual([]);
        expect(entries().map((entry) => entry.operation)).toEqual([...calls.map(([name]) => name), "readFile", "readdir", "readFile", "readdirSync"]);
        expect(entries().every((entry) => entry.pid === process.pid)).toBe(true);
    });

    it("GIVEN the code swallows the guard's error WHEN the pack reads the other tenants from its default folder THEN it cannot judge (never an empty fleet) and the read is still recorded (the setup file fails the test file)", () => {
        expect(() => otherTenantsFromFiles("acme")).toThrow(FleetUnreadable);
        expect(entries()).toEqual([{ pid: process.pid, operation: "readdirSync", file: TENANT_CONFIG_DIR, stack: expect.any(String) }]);
    });

    it("GIVEN the schema (program, not fleet), the folder's existence and the fixture fleet WHEN read THEN nothing is refused", () => {
        expect(JSON.parse(fs.readFileSync(path.join(TENANT_CONFIG_DIR, "tenant.schema.json"), "utf8"))).toHaveProperty("$schema");
        expect(fs.existsSync(TENANT_CONFIG_DIR)).toBe(true);
        expect(loadFixtureFleet().problems).toEqual([]);
        expect(fs.readdirSync(FIXTURE_TENANTS).length).toBeGreaterThan(0);
        expect(entries()).toEqual([]);
    });

    it("GIVEN a project copy that links tenant-configs WHEN linked, or a tenant file read through a link made elsewhere THEN each is refused", () => {
        const project = path.join(dir, "project");
        fs.mkdirSync(project);
        expect(() => fs.symlinkSync(TENANT_CONFIG_DIR, path.join(project, "tenant-configs"))).toThrow(REFUSED);
        expect(spawnSync("ln", ["-s", TENANT_CONFIG_DIR, path.join(project, "tenant-configs")]).status).toBe(0);
        expect(() => fs.readdirSync(path.join(project, "tenant-configs"))).toThrow(REFUSED);
        expect(() => fs.readFileSync(path.join(project, "tenant-configs", "any-tenant.yaml"))).toThrow(REFUSED);
        expect(fs.readFileSync(path.join(project, "tenant-configs", "tenant.schema.json")).length).toBeGreaterThan(0);
        expect(entries().map((entry) => entry.operation)).toEqual(["symlinkSync", "readdirSync", "readFileSync"]);
    });

    it("GIVEN a worker thread (as planFleet starts, with execArgv []) WHEN it reads a tenant file THEN it is refused and recorded", async () => {
        const worker = new Worker(
            `const fs = require("node:fs"); const { parentPort } = require("node:worker_threads");
             try { fs.readFileSync(${JSON.stringify(TENANT_FILE)}); parentPort.postMessage("read"); } catch (error) { parentPort.postMessage(error.code); }`,
            { eval: true, execArgv: [], env: process.env },
        );
        const message = await new Promise((resolve, reject) => {
            worker.once("message", resolve);
            worker.once("error", reject);
        });
        await worker.terminate();
        expect(message).toBe("EHERMETIC");
        expect(entries().map((entry) => entry.operation)).toEqual(["readFileSync"]);
    });

    it("GIVEN a node child process started with this environment WHEN it lists the tenant folder THEN it is refused and recorded with its own pid", () => {
        const child = spawnSync(process.execPath, ["-e", `try { require("node:fs").readdirSync(${JSON.stringify(TENANT_CONFIG_DIR)}) } catch { /* swallowed */ }`], { encoding: "utf8", env: process.env });
        expect(child.status).toBe(0);
        const [entry, ...rest] = entries();
        expect(rest).toEqual([]);
        expect(entry).toMatchObject({ operation: "readdirSync", file: TENANT_CONFIG_DIR });
        expect(entry!.pid).not.toBe(process.pid);
    });
});
