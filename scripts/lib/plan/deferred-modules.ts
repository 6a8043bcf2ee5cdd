// Two modules @pulumi/pulumi loads as it starts and no plan uses, loaded when first used instead,
// in the offline plan's processes and threads only (their entry points import
// defer-unused-modules.ts first); never in the deployed program, which runs Pulumi as it ships.
//
// - `typescript`, through @pulumi/pulumi's typescript-shim.js (required by
//   runtime/closure/parseFunction.js): the TypeScript compiler, 9 MB of JavaScript, with which
//   Pulumi parses a function's text when a program serializes a closure
//   (`pulumi.runtime.serializeFunction`: a Lambda callback, a dynamic provider).
// - `@npmcli/arborist` (required by runtime/closure/codePaths.js) and the 440-odd modules it loads
//   (pacote, sigstore, ...), with which Pulumi finds the packages a serialized closure needs
//   (`pulumi.runtime.computeCodePaths`).
//
// No program here serializes a closure, and a plan process spent 0.4-0.7 s of its 1.5 s start-up
// loading these two (measured, bench/README.md). A program that does gets the same modules, loaded
// at its first use. Checked against the @pulumi/pulumi versions in SUPPORTED_VERSIONS: with another
// version nothing is deferred.

import * as fs from "node:fs";
import { Module } from "node:module";
import * as path from "node:path";

import { inRange, InstalledPackages, installedPackages, SUPPORTED_VERSIONS } from "./pulumi-versions";

/** A module to defer, and how its importers read it. */
export interface DeferredModule {
    /** The module's file, as require resolves it. */
    readonly file: string;
    /**
     * The stand-in answers `__esModule` with true, without loading: TypeScript's `__importStar`
     * then hands it over as it is instead of copying every export, which would load it. Only for a
     * module whose importers read nothing but its named exports (a copy would also have `default`).
     */
    readonly esModule: boolean;
}

/**
 * Puts a stand-in for the CommonJS module `file` into require's cache, so that requiring it costs
 * nothing until something reads what it exports: then the module is loaded, as require would have
 * loaded it, every operation on the stand-in is forwarded to its exports, and later requires get
 * the module itself. Defers nothing, and returns false, when the module is loaded already or
 * `file` is not a file.
 */
export function deferModule({ file, esModule }: DeferredModule): boolean {
    if (require.cache[file] !== undefined || fs.statSync(file, { throwIfNoEntry: false })?.isFile() !== true) {
        return false;
    }
    let exports: object | undefined;
    const load = (): object => {
        if (exports === undefined) {
            delete require.cache[file];
            exports = require(file) as object;
        }
        return exports;
    };
    // A proxy must report a property that cannot be reconfigured as its target has it: such a
    // property is copied onto the (otherwise empty) target as it is seen.
    const seen = (target: object, key: string | symbol, descriptor: PropertyDescriptor | undefined): PropertyDescriptor | undefined => {
        if (descriptor?.configurable === false && !Object.prototype.hasOwnProperty.call(target, key)) {
            Object.defineProperty(target, key, descriptor);
        }
        return descriptor;
    };
    const standIn = new Module(file);
    standIn.filename = file;
    standIn.loaded = true;
    standIn.exports = new Proxy(
        {},
        {
            get: (_target, key) => (esModule && key === "__esModule" ? true : Reflect.get(load(), key)),
            has: (_target, key) => Reflect.has(load(), key),
            ownKeys: () => Reflect.ownKeys(load()),
            getOwnPropertyDescriptor: (target, key) => seen(target, key, Reflect.getOwnPropertyDescriptor(load(), key)),
            getPrototypeOf: () => Reflect.getPrototypeOf(load()),
            set: (_target, key, value) => Reflect.set(load(), key, value),
            defineProperty: (target, key, descriptor) => Reflect.defineProperty(load(), key, descriptor) && seen(target, key, Reflect.getOwnPropertyDescriptor(load(), key)) !== undefined,
            deleteProperty: (_target, key) => Reflect.deleteProperty(load(), key),
        },
    );
    require.cache[file] = standIn;
    return true;
}

/** What is deferred for the @pulumi/pulumi installed: nothing for a version outside SUPPORTED_VERSIONS. */
export function unusedPulumiModules(installed: InstalledPackages): DeferredModule[] {
    const sdk = installed["@pulumi/pulumi"];
    if (!inRange(sdk.version, SUPPORTED_VERSIONS["@pulumi/pulumi"])) {
        return [];
    }
    const modules: DeferredModule[] = [{ file: path.join(sdk.dir, "typescript-shim.js"), esModule: false }];
    try {
        // runtime/closure/codePaths.js: `__importStar(require("@npmcli/arborist"))`, read only as `.Arborist`.
        modules.push({ file: require.resolve("@npmcli/arborist", { paths: [path.join(sdk.dir, "runtime", "closure")] }), esModule: true });
    } catch {
        // Not installed where Pulumi would find it: Pulumi's own require fails as it always did.
    }
    return modules;
}

/**
 * Defers {@link unusedPulumiModules}; returns the files deferred (none once @pulumi/pulumi is
 * loaded). Packages that cannot be read defer nothing: a command starts as it did without this,
 * and Pulumi's own loading reports what is missing.
 */
export function deferUnusedPulumiModules(read: () => InstalledPackages = installedPackages): string[] {
    let installed: InstalledPackages;
    try {
        installed = read();
    } catch {
        return [];
    }
    return unusedPulumiModules(installed)
        .filter((module) => deferModule(module))
        .map((module) => module.file);
}
