#!/usr/bin/env tsx
// npm run build: type-checks and compiles the Pulumi program (index.ts and everything it imports)
// into dist/, which Pulumi.yaml's `main` runs, and records the sources it was built from
// (dist/build-info.json) so that a build older than its sources refuses to run.

import * as fs from "node:fs";
import * as path from "node:path";

import ts from "typescript";

import { BUILD_DIR, BUILD_INFO_FILE, BuildInfo, changedSources, digestOf, PROGRAM_FILE_DIRS, readBuildInfo } from "../stacks/build-info";
import { MODULE_DIR, PRECOMPILED_VALIDATOR, standaloneValidatorCode } from "../stacks/config/tenant-schema";
import { repoRoot } from "../stacks/config/project";
import { EXIT, parseFlags, run, UsageError, writeStdout } from "./lib/cli";

export const USAGE = `Usage: npm run build [-- --quiet]

Type-checks the Pulumi program (index.ts and what it imports) with the settings of tsconfig.json
and compiles it into ${BUILD_DIR}/, which Pulumi runs (Pulumi.yaml main: ${BUILD_DIR}/index.js), with the
files the program reads at run time (${PROGRAM_FILE_DIRS.join(", ")}). Writes
${BUILD_DIR}/${BUILD_INFO_FILE}: a build whose sources have changed since refuses to run.
npm run preview and npm run up build first; run this before a bare \`pulumi\` command.

  --quiet    print nothing on success
  -h, --help show this help

Exit codes: 0 built, 1 type errors (${BUILD_DIR}/ is left without a build), 2 usage error.
`;

export interface BuildOptions {
    /** The project (the folder of Pulumi.yaml, tsconfig.json and index.ts). */
    readonly root?: string;
    /** Where the compiled program goes (default: <root>/dist). */
    readonly outDir?: string;
}

export interface BuildResult {
    readonly outDir: string;
    /** Formatted type and syntax errors; when there are any, nothing was emitted. */
    readonly errors: string[];
    /** Project-relative sources compiled. */
    readonly sources: string[];
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[], root: string): string[] {
    const host: ts.FormatDiagnosticsHost = {
        getCanonicalFileName: (file) => file,
        getCurrentDirectory: () => root,
        getNewLine: () => "\n",
    };
    return diagnostics.map((diagnostic) => ts.formatDiagnostic(diagnostic, host).trimEnd());
}

/** Copies the files of PROGRAM_FILE_DIRS (those that exist) into outDir; returns their project-relative paths. */
function copyProgramFiles(root: string, outDir: string): string[] {
    return PROGRAM_FILE_DIRS.flatMap((dir) => {
        const from = path.join(root, dir);
        if (!fs.existsSync(from)) {
            return [];
        }
        return fs
            .readdirSync(from, { withFileTypes: true })
            .filter((entry) => entry.isFile())
            .map((entry) => {
                const relative = path.join(dir, entry.name);
                fs.mkdirSync(path.join(outDir, dir), { recursive: true });
                fs.copyFileSync(path.join(root, relative), path.join(outDir, relative));
                return relative;
            });
    });
}

/** Compiles the program; an error-free build replaces outDir whole, a failed one leaves it empty. */
export function build(options: BuildOptions = {}): BuildResult {
    const root = path.resolve(options.root ?? repoRoot());
    const outDir = path.resolve(options.outDir ?? path.join(root, BUILD_DIR));
    const configFile = path.join(root, "tsconfig.json");
    const config = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
    if (config.error) {
        return { outDir, errors: formatDiagnostics([config.error], root), sources: [] };
    }
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, { noEmit: false, outDir, rootDir: root, noEmitOnError: true }, configFile);
    const program = ts.createProgram({ rootNames: [path.join(root, "index.ts")], options: parsed.options });
    fs.rmSync(outDir, { recursive: true, force: true });
    const errorsOf = (diagnostics: readonly ts.Diagnostic[]): string[] =>
        formatDiagnostics(diagnostics.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error), root);
    const errors = errorsOf([...parsed.errors, ...ts.getPreEmitDiagnostics(program)]);
    if (errors.length > 0) {
        return { outDir, errors, sources: [] };
    }
    const emitted = program.emit();
    if (emitted.emitSkipped || errorsOf(emitted.diagnostics).length > 0) {
        fs.rmSync(outDir, { recursive: true, force: true });
        const emitErrors = errorsOf(emitted.diagnostics);
        return { outDir, errors: emitErrors.length > 0 ? emitErrors : ["the compiler emitted nothing"], sources: [] };
    }
    const sources = program
        .getSourceFiles()
        .filter((file) => !file.isDeclarationFile && !file.fileName.includes("/node_modules/"))
        .map((file) => path.relative(root, file.fileName))
        .concat(path.relative(root, configFile), copyProgramFiles(root, outDir))
        .sort();
    // The tenant schema's validator as code beside its module, so that a stack does not compile it
    // as it starts.
    if (sources.includes(path.join(MODULE_DIR, "tenant-schema.ts"))) {
        fs.writeFileSync(path.join(outDir, MODULE_DIR, PRECOMPILED_VALIDATOR), standaloneValidatorCode());
    }
    const info: BuildInfo = { version: 1, sources: Object.fromEntries(sources.map((source) => [source, digestOf(path.join(root, source))])) };
    fs.writeFileSync(path.join(outDir, BUILD_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
    return { outDir, errors: [], sources };
}

/**
 * Builds unless outDir already holds a build of the sources now in the project (what the stack
 * operations and the tests call: a current build is left alone, so nothing rewrites dist/ under
 * a program that runs it).
 */
export function ensureBuilt(options: BuildOptions = {}): BuildResult & { readonly rebuilt: boolean } {
    const root = path.resolve(options.root ?? repoRoot());
    const outDir = path.resolve(options.outDir ?? path.join(root, BUILD_DIR));
    const info = readBuildInfo(path.join(outDir, BUILD_INFO_FILE));
    if (info !== undefined && fs.existsSync(path.join(outDir, "index.js")) && changedSources(root, info).length === 0) {
        return { outDir, errors: [], sources: Object.keys(info.sources), rebuilt: false };
    }
    return { ...build({ root, outDir }), rebuilt: true };
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument ${positionals[0]}`);
    }
    const started = Date.now();
    const result = build();
    if (result.errors.length > 0) {
        process.stderr.write(`${result.errors.join("\n")}\nbuild: ${result.errors.length} error(s); nothing was built\n`);
        return EXIT.invalid;
    }
    if (!values.quiet) {
        process.stderr.write(`build: ${result.sources.length} sources compiled into ${path.relative(process.cwd(), result.outDir) || "."} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
    return EXIT.ok;
}

if (require.main === module) {
    void run("build", main, USAGE);
}
