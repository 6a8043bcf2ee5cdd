// The project's layers point one way (README "Layout"): lib/ (pure helpers and the shared promises)
// imports nothing of the project; stacks/config/ only lib/; components/ only lib/; the stack
// programs config, components and lib/; the policy pack only lib/ (it stands alone: never the
// program it judges); scripts/ and bench/ anything but the tests. Read from the sources' import
// statements, so a new import across a layer fails here, naming the file and the line.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");

/** Each layer, by path prefix (most specific first), with the layers it may import. */
const LAYERS: readonly { readonly name: string; readonly prefix: string; readonly may: readonly string[] }[] = [
    { name: "lib", prefix: "lib/", may: ["lib"] },
    { name: "config", prefix: "stacks/config/", may: ["config", "lib", "tenant-configs", "platform-configs"] },
    { name: "components", prefix: "components/", may: ["components", "lib"] },
    { name: "stacks", prefix: "stacks/", may: ["stacks", "config", "components", "lib"] },
    { name: "policy", prefix: "policy/", may: ["policy", "lib"] },
    { name: "scripts", prefix: "scripts/", may: ["scripts", "policy", "stacks", "config", "components", "lib", "tenant-configs", "platform-configs"] },
    { name: "bench", prefix: "bench/", may: ["bench", "scripts", "policy", "stacks", "config", "components", "lib"] },
    { name: "entry", prefix: "index.ts", may: ["stacks"] },
];

/** The layer of a project-relative path; data folders are layers of their own. */
function layerOf(file: string): string {
    const layer = LAYERS.find((candidate) => file === candidate.prefix || file.startsWith(candidate.prefix));
    return layer?.name ?? file.split("/")[0]!;
}

/** A package imported by an import or export statement (not a word "from" in a comment). */
const PACKAGE_IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^."'][^"']*)["']/gm;

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']*)["']/gm;

interface Import {
    readonly file: string;
    readonly line: number;
    readonly target: string;
}

function sourcesUnder(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
        const relative = path.posix.join(dir, entry.name);
        if (entry.isDirectory()) {
            return entry.name === "node_modules" ? [] : sourcesUnder(relative);
        }
        return /\.(ts|js|cjs|mjs)$/.test(entry.name) ? [relative] : [];
    });
}

function importsOf(file: string, root: string): Import[] {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    return [...text.matchAll(SPECIFIER)].map((match) => ({
        file,
        line: text.slice(0, match.index).split("\n").length,
        target: path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]!)),
    }));
}

/** Every import that crosses into a layer its file may not use, as `file:line imports target`. */
function crossings(files: readonly string[], root: string = ROOT): string[] {
    return files.flatMap((file) => {
        const layer = LAYERS.find((candidate) => candidate.name === layerOf(file));
        return importsOf(file, root)
            .filter((entry) => layer !== undefined && !layer.may.includes(layerOf(entry.target)))
            .map((entry) => `${entry.file}:${entry.line} (${layerOf(entry.file)}) imports ${entry.target} (${layerOf(entry.target)})`);
    });
}

const PROGRAM = ["index.ts", ...["lib", "stacks", "components", "policy", "scripts", "bench"].flatMap(sourcesUnder)];

describe("the layers", () => {
    it("GIVEN every source of the program, the pack, the scripts and the bench WHEN their imports are read THEN none crosses into a layer it may not use", () => {
        expect(PROGRAM.length).toBeGreaterThan(100);
        expect(crossings(PROGRAM)).toEqual([]);
    });

    it("GIVEN lib/ WHEN its imports are read THEN it uses no package but Node's own (pure helpers, no Pulumi)", () => {
        const packages = sourcesUnder("lib").flatMap((file) =>
            [...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(PACKAGE_IMPORT)].map((match) => `${file}: ${match[1]}`),
        );
        expect(packages.filter((entry) => !/: node:/.test(entry))).toEqual([]);
    });

    it("GIVEN the policy pack WHEN its packages are read THEN it needs only the policy SDK and a YAML parser", () => {
        const packages = new Set(
            sourcesUnder("policy").flatMap((file) => [...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(PACKAGE_IMPORT)].map((match) => match[1]!)),
        );
        expect([...packages].filter((name) => !name.startsWith("node:")).sort()).toEqual(["@pulumi/policy", "yaml"]);
    });

    it("GIVEN the bench WHEN its sources are read THEN none reaches into test/ (by import or by path)", () => {
        for (const file of sourcesUnder("bench")) {
            expect(fs.readFileSync(path.join(ROOT, file), "utf8"), file).not.toMatch(/["']test["']\s*,|["'][^"']*\btest\/(fixtures|helpers)/);
        }
    });

    it("GIVEN an import across layers WHEN checked THEN it is named with its file, line and both layers", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layers-"));
        const file = "lib/helpers/bad.ts";
        try {
            fs.mkdirSync(path.join(dir, "lib", "helpers"), { recursive: true });
            fs.writeFileSync(path.join(dir, file), '// a helper\nimport { x } from "../../components/aws";\nexport const y = require("../../stacks/context");\n');
            expect(crossings([file], dir)).toEqual([`${file}:2 (lib) imports components/aws (components)`, `${file}:3 (lib) imports stacks/context (stacks)`]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
