// The modules the offline plan loads when first used rather than at start-up
// (scripts/lib/plan/deferred-modules.ts): a stand-in that is the module once read, the modules
// chosen only for the versions checked, and a plan, in a thread of its own that deferred them, that
// never reads them and is the same plan.

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";

import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";

import { canonicalJson } from "../scripts/lib/plan/engine";
import { deferModule, deferUnusedPulumiModules, unusedPulumiModules } from "../scripts/lib/plan/deferred-modules";
import { installedPackages, SUPPORTED_VERSIONS } from "../scripts/lib/plan/pulumi-versions";
import { planOfFixtureFleet } from "./fixtures/fleet";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deferred-modules-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** How many times each fixture module's body ran, by name. */
const loads = ((globalThis as { deferredModuleLoads?: Record<string, number> }).deferredModuleLoads ??= {});

/** A CommonJS module that counts its loads, exports a value, a method and a property that cannot be reconfigured. */
function fixtureModule(name: string, body = ""): string {
    const file = path.join(dir, `${name}.js`);
    fs.writeFileSync(
        file,
        `globalThis.deferredModuleLoads[${JSON.stringify(name)}] = (globalThis.deferredModuleLoads[${JSON.stringify(name)}] ?? 0) + 1;\n` +
            `${body}\nexports.value = 42;\nexports.self = function () { return this; };\n` +
            `Object.defineProperty(exports, "fixed", { value: "fixed", enumerable: true, configurable: false });\n`,
    );
    return file;
}

/** TypeScript's `__importStar` helper, as @pulumi/pulumi's compiled modules carry it. */
function importStar(mod: Record<string, unknown>): Record<string, unknown> {
    if (mod && mod.__esModule) return mod;
    const result: Record<string, unknown> = {};
    if (mod != null) for (const k in mod) if (Object.hasOwnProperty.call(mod, k)) result[k] = mod[k];
    result["default"] = mod;
    return result;
}

describe("a deferred module", () => {
    it("GIVEN a module deferred WHEN required THEN nothing loads until something is read, and then it is the module", () => {
        const file = fixtureModule("plain");
        expect(deferModule({ file, esModule: false })).toBe(true);
        const standIn = require(file) as Record<string, unknown> & { self(): unknown };
        expect(loads.plain).toBeUndefined();
        expect(standIn.value).toBe(42);
        expect(loads.plain).toBe(1);
        const real = require(file) as Record<string, unknown>;
        expect(real).not.toBe(standIn);
        expect(loads.plain).toBe(1);
        // Every operation reaches the module's own exports.
        expect(Object.keys(standIn)).toEqual(Object.keys(real));
        expect("fixed" in standIn && !("missing" in standIn)).toBe(true);
        expect(Object.getOwnPropertyDescriptor(standIn, "fixed")).toEqual(Object.getOwnPropertyDescriptor(real, "fixed"));
        expect(standIn.self()).toBe(standIn);
        expect(standIn.self.call(real)).toBe(real);
        standIn.added = "through the stand-in";
        expect(real.added).toBe("through the stand-in");
        delete standIn.added;
        expect("added" in real).toBe(false);
        expect(Object.getPrototypeOf(standIn)).toBe(Object.getPrototypeOf(real));
        expect(importStar(standIn).value).toBe(42);
    });

    it("GIVEN a module deferred as an ES module WHEN taken by __importStar THEN the stand-in is handed over unloaded and loads when an export is read", () => {
        const file = fixtureModule("esm");
        expect(deferModule({ file, esModule: true })).toBe(true);
        const imported = importStar(require(file) as Record<string, unknown>);
        expect(loads.esm).toBeUndefined();
        expect(imported.__esModule).toBe(true);
        expect(imported.value).toBe(42);
        expect(loads.esm).toBe(1);
    });

    it("GIVEN a module that fails as it loads WHEN read THEN the read fails with its error, and the next read loads it again", () => {
        const file = fixtureModule("failing", 'if ((globalThis.deferredModuleLoads.failing ?? 0) < 2) throw new Error("not yet");');
        expect(deferModule({ file, esModule: false })).toBe(true);
        const standIn = require(file) as Record<string, unknown>;
        expect(() => standIn.value).toThrow("not yet");
        expect(standIn.value).toBe(42);
        expect(loads.failing).toBe(2);
    });

    it("GIVEN a module loaded already, a folder, a missing file WHEN deferred THEN nothing is", () => {
        const file = fixtureModule("loaded");
        const real = require(file) as unknown;
        expect(deferModule({ file, esModule: false })).toBe(false);
        expect(require(file)).toBe(real);
        expect(deferModule({ file: dir, esModule: false })).toBe(false);
        expect(deferModule({ file: path.join(dir, "missing.js"), esModule: false })).toBe(false);
        expect(require.cache[path.join(dir, "missing.js")]).toBeUndefined();
    });
});

describe("the modules of @pulumi/pulumi deferred", () => {
    const installed = installedPackages();

    it("GIVEN the installed @pulumi/pulumi WHEN its modules to defer are listed THEN they are its TypeScript shim and Arborist, and none for another version", () => {
        expect(installed["@pulumi/pulumi"].version).toBe(SUPPORTED_VERSIONS["@pulumi/pulumi"].from);
        const modules = unusedPulumiModules(installed);
        expect(modules.map(({ file, esModule }) => [path.relative(installed["@pulumi/pulumi"].dir, file), esModule])).toEqual([
            ["typescript-shim.js", false],
            [path.relative(installed["@pulumi/pulumi"].dir, require.resolve("@npmcli/arborist", { paths: [installed["@pulumi/pulumi"].dir] })), true],
        ]);
        expect(modules.every(({ file }) => fs.statSync(file).isFile())).toBe(true);
        expect(unusedPulumiModules({ ...installed, "@pulumi/pulumi": { ...installed["@pulumi/pulumi"], version: "3.271.0" } })).toEqual([]);
        // This thread has loaded @pulumi/pulumi (or deferred them already): nothing more to defer.
        expect(deferUnusedPulumiModules()).toEqual([]);
        // Packages that cannot be read: nothing deferred, and the command starts (the import never throws).
        expect(
            deferUnusedPulumiModules(() => {
                throw new Error("Cannot find module '@pulumi/pulumi/package.json'");
            }),
        ).toEqual([]);
    });

    it("GIVEN @pulumi/pulumi's sources WHEN read THEN the deferred modules are required as deferModule expects: the shim whole, Arborist through __importStar and read only as .Arborist", () => {
        const closure = path.join(installed["@pulumi/pulumi"].dir, "runtime", "closure");
        const parseFunction = fs.readFileSync(path.join(closure, "parseFunction.js"), "utf8");
        expect(parseFunction).toContain('const ts = require("../../typescript-shim");');
        const codePaths = fs.readFileSync(path.join(closure, "codePaths.js"), "utf8");
        expect(codePaths).toContain('const arborist = __importStar(require("@npmcli/arborist"));');
        expect(codePaths.match(/\barborist\.\w+/g)).toEqual(["arborist.Arborist"]);
    });

    it("GIVEN a thread that deferred them first WHEN it plans the fixture fleet THEN neither loads, the plan is this thread's, and each loads when Pulumi serializes a closure", async () => {
        const repo = path.resolve(__dirname, "..");
        const script = `
            require("tsx/cjs/api").register();
            const { parentPort } = require("node:worker_threads");
            const loaded = () => ({
                typescript: Object.keys(require.cache).some((file) => file.endsWith(${JSON.stringify(path.join("typescript", "lib", "typescript.js"))})),
                arborist: Object.keys(require.cache).some((file) => file.includes(${JSON.stringify(path.join("@npmcli", "arborist", "lib", "arborist") + path.sep)})),
            });
            require(${JSON.stringify(path.join(repo, "scripts", "lib", "plan", "defer-unused-modules.ts"))});
            const pulumi = require("@pulumi/pulumi");
            const { planFleet } = require(${JSON.stringify(path.join(repo, "scripts", "lib", "plan", "fleet.ts"))});
            const { canonicalJson } = require(${JSON.stringify(path.join(repo, "scripts", "lib", "plan", "engine.ts"))});
            const { loadFixtureFleet } = require(${JSON.stringify(path.join(repo, "test", "fixtures", "fleet.ts"))});
            (async () => {
                const atStart = loaded();
                const fleet = loadFixtureFleet();
                const plan = await planFleet({ tenants: fleet.tenants, platformRegions: [...new Set(fleet.tenants.map((tenant) => tenant.region))], threads: 1 });
                const afterPlan = loaded();
                const closure = await pulumi.runtime.serializeFunction(eval('(function answer() { "use strict"; return 42; })'));
                const afterClosure = loaded();
                const codePaths = [...(await pulumi.runtime.computeCodePaths()).keys()].sort();
                parentPort.postMessage({ atStart, afterPlan, afterClosure, plan: require("node:crypto").createHash("sha256").update(canonicalJson(plan)).digest("hex"), closure: closure.text, codePaths, afterCodePaths: loaded() });
            })().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
        `;
        const worker = new Worker(script, { eval: true, execArgv: [] });
        const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
            worker.once("message", resolve);
            worker.once("error", reject);
        }).finally(() => worker.terminate());
        expect(result.error).toBeUndefined();
        expect(result.atStart).toEqual({ typescript: false, arborist: false });
        expect(result.afterPlan).toEqual({ typescript: false, arborist: false });
        expect(result.afterClosure).toEqual({ typescript: true, arborist: false });
        expect(result.afterCodePaths).toEqual({ typescript: true, arborist: true });
        // The same as this thread, which loaded both at start-up.
        expect(result.plan).toBe(createHash("sha256").update(canonicalJson(await planOfFixtureFleet())).digest("hex"));
        expect(result.closure).toBe((await pulumi.runtime.serializeFunction(eval('(function answer() { "use strict"; return 42; })') as () => number)).text);
        expect(result.codePaths).toEqual([...(await pulumi.runtime.computeCodePaths()).keys()].sort());
    }, 180_000);
});
