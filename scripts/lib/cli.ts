// What every script shares: strict flag parsing with usage errors (exit 2), and one place that
// tells a user mistake (a message) from a defect (a stack trace worth reporting).

import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import { parseArgs, ParseArgsConfig } from "node:util";

import { REGIONS } from "../../lib/regions";
import { RECOVERY_SUFFIX } from "../../lib/platform";
import { writeWhole } from "./write-whole";

/** Exit codes shared by every script. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, policy: 3, internal: 70 } as const;

/** A mistake in how the script was called or in what the user gave it: printed without a stack. */
export class UsageError extends Error {
    constructor(
        message: string,
        readonly exitCode: number = EXIT.usage,
    ) {
        super(message);
    }
}

export type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses argv strictly: unknown flags and missing values are usage errors naming the flag, and so
 * is a flag of one value given twice (`--plan a.json --plan b.json` would take b without a word).
 */
export function parseFlags<T extends Options>(argv: readonly string[], options: T) {
    let parsed;
    try {
        parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
    } catch (error) {
        throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
    }
    const seen = new Set<string>();
    for (const token of parsed.tokens) {
        if (token.kind !== "option" || options[token.name]?.type !== "string" || options[token.name]?.multiple) {
            continue;
        }
        if (seen.has(token.name)) {
            throw new UsageError(`--${token.name} given more than once; give it once`);
        }
        seen.add(token.name);
    }
    const { values, positionals } = parsed;
    return { values, positionals };
}

/** What a user sees of a usage error: its one line and where to read more, never the whole help. */
export function usageLine(name: string, message: string): string {
    return `${name}: ${message}; see --help\n`;
}

/** The reason an operating system call failed, in words and with its code (`permission denied (EACCES)`). */
export function fsReason(error: NodeJS.ErrnoException): string {
    const words: Record<string, string> = {
        EACCES: "permission denied",
        EPERM: "operation not permitted",
        ENOENT: "no such file or folder",
        ENOTDIR: "a part of the path is not a folder",
        EISDIR: "is a folder",
        ELOOP: "a symbolic link loop (too many levels of symbolic links)",
        EROFS: "read-only file system",
        ENOSPC: "no space left on the device",
        EDQUOT: "disk quota exceeded",
        ENAMETOOLONG: "the name is too long",
        EEXIST: "already exists",
        EBUSY: "busy",
    };
    const code = error.code ?? "error";
    return `${words[code] ?? error.message.split("\n")[0]} (${code})`;
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
    return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && typeof (error as NodeJS.ErrnoException).syscall === "string";
}

/**
 * Why `file` cannot be written, or undefined when it can (as far as can be known before writing):
 * the folder missing or not a folder, a symlink loop, a folder in the file's place, no permission.
 */
export function outputPathProblem(file: string, options: { readonly createFolder?: boolean } = {}): string | undefined {
    const target = path.resolve(file);
    const dir = path.dirname(target);
    if (options.createFolder) {
        try {
            fs.mkdirSync(dir, { recursive: true });
        } catch (error) {
            return `cannot be written: the folder ${dir} cannot be created: ${fsReason(error as NodeJS.ErrnoException)}`;
        }
    }
    try {
        const stat = fs.statSync(target);
        if (stat.isDirectory()) {
            return `is a folder (EISDIR)`;
        }
        fs.accessSync(target, fs.constants.W_OK);
        return undefined;
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOENT") {
            return `cannot be written: ${fsReason(error as NodeJS.ErrnoException)}`;
        }
    }
    // The file does not exist (or is a dangling link): its folder must exist and be writable.
    try {
        fs.lstatSync(target);
        return `is a symbolic link to nothing (ENOENT)`;
    } catch {
        // not there at all: look at the folder
    }
    try {
        if (!fs.statSync(dir).isDirectory()) {
            return `cannot be written: ${dir} is not a folder (ENOTDIR)`;
        }
        fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
        return undefined;
    } catch (error) {
        const errno = error as NodeJS.ErrnoException;
        return errno.code === "ENOENT" ? `cannot be written: the folder ${dir} does not exist (ENOENT)` : `cannot be written: the folder ${dir}: ${fsReason(errno)}`;
    }
}

/** Refuses an output path that cannot be written before any work is done (a usage error naming the flag). */
export function checkOutputPath(flag: string, file: string, options: { readonly createFolder?: boolean } = {}): void {
    const problem = outputPathProblem(file, options);
    if (problem !== undefined) {
        throw new UsageError(`${flag} ${file}: ${problem}`);
    }
}

/**
 * Writes an output file whole or not at all (write-whole.ts: a disk that fills half-way leaves no
 * half file); a failure (disk full, permissions changed meanwhile) is a usage error naming the flag and path.
 */
export function writeOutputFile(flag: string, file: string, text: string): void {
    try {
        writeWhole(file, (fd) => fs.writeFileSync(fd, text));
    } catch (error) {
        if (isErrno(error)) {
            throw new UsageError(`${flag} ${file}: cannot be written: ${fsReason(error)}`);
        }
        throw error;
    }
}

/** A tenant id as people type it (the file name of tenant-configs/TENANT.yaml). */
export const TENANT_ID = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;

export type StackTarget =
    | { readonly kind: "file"; readonly file: string }
    | { readonly kind: "tenant"; readonly id: string }
    | { readonly kind: "platform"; readonly region: string };

/**
 * What a CLI argument names: a tenant file (ends in .yaml or has a folder), the platform stack of
 * a region (`platform-<region>`, as Pulumi names it), or a tenant id. Anything else is a usage error.
 */
export function parseStackTarget(arg: string): StackTarget {
    if (arg.endsWith(".yaml") || arg.includes("/") || arg.includes(path.sep)) {
        return { kind: "file", file: arg };
    }
    // `platform-<region>-recovery`: planning a platform plans its recovery environment right after it.
    const platform = /^platform-(.+)$/.exec(arg.endsWith(RECOVERY_SUFFIX) ? arg.slice(0, -RECOVERY_SUFFIX.length) : arg);
    if (platform) {
        if (!REGIONS.includes(platform[1]!)) {
            throw new UsageError(`"${arg.slice(0, 80)}": ${platform[1]!.slice(0, 40)} is not an AWS region the platform supports (platform-<region>, e.g. platform-eu-west-1)`);
        }
        return { kind: "platform", region: platform[1]! };
    }
    if (!TENANT_ID.test(arg)) {
        throw new UsageError(`"${arg.slice(0, 80)}" is neither a tenant id, platform-<region> nor a .yaml file`);
    }
    return { kind: "tenant", id: arg };
}

/**
 * Runs a script's `main`, mapping a UsageError to its message and exit code and anything else to
 * an internal error with its stack (that is a defect in this repository, not the user's doing).
 * A file system refusal (a path that cannot be read or written) is the user's environment, not a
 * defect: one line naming the path and the reason, exit 2.
 */
export async function run(name: string, main: (argv: string[]) => Promise<number>, _usage?: string): Promise<void> {
    process.stdout.on("error", stdoutClosed);
    process.exitCode = await exitCodeOf(name, () => main(process.argv.slice(2)));
}

/**
 * Exit code of a command whose reader stopped reading (`npm run plan -- --all --json | head`): what
 * a Unix tool killed by SIGPIPE returns (128 + 13). Node ignores SIGPIPE, so the write fails instead.
 */
export const EXIT_BROKEN_PIPE = 141;

/** Stdout's reader went away: nobody wants the rest, so the command ends, quietly (no stack trace), its temporary files removed by their exit handlers. */
export function stdoutClosed(error: NodeJS.ErrnoException): void {
    if (error.code !== "EPIPE") {
        throw error;
    }
    process.exit(EXIT_BROKEN_PIPE);
}

/**
 * How a command that threw `error` ends: what stderr says, the exit code, and the reason in one line
 * (what a command whose stdout is a JSON document puts in it). A usage error is its message, a file
 * system refusal the path and the reason, anything else an internal error with its stack on stderr.
 */
export function failureOf(name: string, error: unknown): { readonly exitCode: number; readonly stderr: string; readonly reason: string } {
    if (error instanceof UsageError) {
        return { exitCode: error.exitCode, stderr: error.exitCode === EXIT.usage ? usageLine(name, error.message) : `${name}: ${error.message}\n`, reason: error.message };
    }
    if (isErrno(error) && typeof error.path === "string") {
        const reason = `${error.path}: cannot ${error.syscall === "open" || error.syscall === "write" ? "be opened" : error.syscall}: ${fsReason(error)}`;
        return { exitCode: EXIT.usage, stderr: usageLine(name, reason), reason };
    }
    return {
        exitCode: EXIT.internal,
        stderr: `${name}: internal error, please report it with this output:\n${(error as Error).stack ?? String(error)}\n`,
        reason: `internal error, please report it with what stderr shows: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200)}`,
    };
}

/** What `run` does, returning the exit code instead of setting it (the tests call a CLI's main in-process). */
export async function exitCodeOf(name: string, call: () => Promise<number>): Promise<number> {
    try {
        return await call();
    } catch (error) {
        const failure = failureOf(name, error);
        process.stderr.write(failure.stderr);
        return failure.exitCode;
    }
}

/** Writes a string to stdout and resolves once it is flushed (large JSON documents to a pipe). */
export function writeStdout(text: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

/** Copies a file to stdout a MiB at a time (a shard document of 10,000 tenants is hundreds of MiB: never held whole). */
export async function copyToStdout(file: string): Promise<void> {
    const fd = fs.openSync(file, "r");
    try {
        const block = Buffer.alloc(1 << 20);
        for (let read = fs.readSync(fd, block); read > 0; read = fs.readSync(fd, block)) {
            // Written before the block is read into again.
            await writeStdout(block.subarray(0, read));
        }
    } finally {
        fs.closeSync(fd);
    }
}

/** Reads one line from `input`; undefined when it ends first. */
export function readLine(input: NodeJS.ReadableStream, prompt: string, output: NodeJS.WritableStream): Promise<string | undefined> {
    return new Promise((resolve) => {
        const rl = readline.createInterface({ input, output, terminal: false });
        let answer: string | undefined;
        output.write(prompt);
        rl.once("line", (line) => {
            answer = line;
            rl.close();
        });
        rl.once("close", () => resolve(answer));
    });
}

/** A flag's value as a whole number from 1 to `max`; anything else is a usage error naming the flag. */
export function wholeNumber(flag: string, raw: string, max: number): number {
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
        throw new UsageError(`--${flag} ${raw.slice(0, 20)}: expected a whole number from 1 to ${max}`);
    }
    return Number(raw);
}
