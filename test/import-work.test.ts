// Importing a module of the program or the CLIs does no work: no file read, no folder listed, no
// project root looked up, no schema compiled. Such work belongs to the first call that needs it
// (memoised there), so that a test, a CLI's --help or the stack program pays only for what it uses
// and an import never fails on a missing file.

import * as fs from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const ROOT = path.resolve(__dirname, "..");

/** The entry, the stack program, the pure helpers, the CLIs and what they import. */
function programModules(): string[] {
    const walk = (dir: string): string[] =>
        fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
            const relative = path.join(dir, entry.name);
            return entry.isDirectory() ? walk(relative) : entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [relative] : [];
        });
    const scripts = fs
        .readdirSync(path.join(ROOT, "scripts"))
        .filter((name) => name.endsWith(".ts"))
        .map((name) => path.join("scripts", name));
    return (
        ["index.ts", ...walk("stacks"), ...walk("components"), ...walk("lib"), ...scripts, ...walk(path.join("scripts", "lib"))]
            // A worker thread's entry does its work as it loads: that is what it is for.
            .filter((file) => !file.endsWith("-worker.ts"))
            .sort()
    );
}

/** The fs functions that read, list or look up a path (sync, callback and promise forms). */
const SYNC = ["readFileSync", "readdirSync", "existsSync", "statSync", "lstatSync", "realpathSync", "openSync", "accessSync", "opendirSync"] as const;
const ASYNC = ["readFile", "readdir", "stat", "lstat", "access", "open", "opendir"] as const;

interface Touch {
    readonly module: string;
    readonly operation: string;
    readonly file: string;
}

describe("importing the program's and the CLIs' modules", () => {
    const touches: Touch[] = [];
    const compiles: string[] = [];
    let importing = "";
    const restore: (() => void)[] = [];
    const load = createRequire(__filename);
    // The modules' own objects, not this file's read-only namespaces: patched in place.
    const nodeFs = load("node:fs") as typeof fs;
    const ajvCore = load("ajv/dist/core") as typeof import("ajv/dist/core");

    /** A path of the project itself: module loading reads node_modules, which is not our work. */
    const ours = (file: unknown): string | undefined => {
        const text = typeof file === "string" ? file : file instanceof URL ? file.pathname : Buffer.isBuffer(file) ? file.toString() : undefined;
        if (text === undefined) {
            return undefined;
        }
        const resolved = path.resolve(text);
        const relative = path.relative(ROOT, resolved);
        return relative.startsWith("..") || path.isAbsolute(relative) || relative.split(path.sep).includes("node_modules") ? undefined : resolved;
    };

    beforeAll(() => {
        // Evaluated afresh even where another test file of this worker imported them first.
        vi.resetModules();
        const record = (operation: string, file: unknown): void => {
            const mine = ours(file);
            if (importing !== "" && mine !== undefined) {
                touches.push({ module: importing, operation, file: path.relative(ROOT, mine) || "." });
            }
        };
        const wrap = (target: Record<string, unknown>, name: string, label: string): void => {
            const original = target[name] as (...args: unknown[]) => unknown;
            target[name] = function (this: unknown, ...args: unknown[]) {
                record(label, args[0]);
                return original.apply(this, args);
            };
            restore.push(() => void (target[name] = original));
        };
        const sync = nodeFs as unknown as Record<string, unknown>;
        SYNC.forEach((name) => wrap(sync, name, name));
        ASYNC.forEach((name) => wrap(sync, name, name));
        ASYNC.forEach((name) => wrap(nodeFs.promises as unknown as Record<string, unknown>, name, `promises.${name}`));
        const prototype = ajvCore.default.prototype as unknown as Record<string, unknown>;
        const compile = prototype.compile as (...args: unknown[]) => unknown;
        prototype.compile = function (this: unknown, ...args: unknown[]) {
            if (importing !== "") {
                compiles.push(importing);
            }
            return compile.apply(this, args);
        };
        restore.push(() => void (prototype.compile = compile));
        // Modules that import fs as an ES module see the wrapped functions only once synced.
        syncBuiltinESMExports();
    });
    afterAll(() => {
        restore.reverse().forEach((undo) => undo());
        syncBuiltinESMExports();
    });

    it("GIVEN the recorder WHEN a module reads a project file as it is imported THEN it is recorded (the check can see)", async () => {
        // A module of its own, outside the program, that does what the program's modules must not.
        const probe = path.join(ROOT, "test", "fixtures", "import-work-probe.ts");
        importing = "probe";
        try {
            await import(probe);
        } finally {
            importing = "";
        }
        expect(touches.splice(0)).toEqual([{ module: "probe", operation: "existsSync", file: "Pulumi.yaml" }]);
        expect(compiles.splice(0)).toEqual(["probe"]);
    });

    it("GIVEN every module of the entry, the stack program, the helpers and the CLIs WHEN imported THEN none reads a file, lists a folder or compiles a schema", async () => {
        const modules = programModules();
        expect(modules).toEqual(expect.arrayContaining(["index.ts", "stacks/config/validate.ts", "stacks/config/load-fleet.ts", "stacks/build-info.ts", "scripts/plan.ts", "scripts/lib/cli.ts"]));
        for (const module of modules) {
            importing = module;
            try {
                await import(path.join(ROOT, module));
            } finally {
                importing = "";
            }
        }
        expect(touches).toEqual([]);
        expect(compiles).toEqual([]);
    });
});
