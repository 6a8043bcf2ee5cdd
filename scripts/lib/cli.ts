// What every script shares: strict flag parsing with usage errors (exit 2), and one place that
// tells a user mistake (a message) from a defect (a stack trace worth reporting).

import { parseArgs, ParseArgsConfig } from "node:util";

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

/** Parses argv strictly: unknown flags and missing values are usage errors naming the flag. */
export function parseFlags<T extends Options>(argv: readonly string[], options: T) {
    try {
        return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    } catch (error) {
        throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
    }
}

/**
 * Runs a script's `main`, mapping a UsageError to its message and exit code and anything else to
 * an internal error with its stack (that is a defect in this repository, not the user's doing).
 */
export async function run(name: string, main: (argv: string[]) => Promise<number>, usage: string): Promise<void> {
    try {
        process.exitCode = await main(process.argv.slice(2));
    } catch (error) {
        if (error instanceof UsageError) {
            process.stderr.write(`${name}: ${error.message}\n`);
            if (error.exitCode === EXIT.usage) {
                process.stderr.write(`\n${usage}`);
            }
            process.exitCode = error.exitCode;
            return;
        }
        process.stderr.write(`${name}: internal error, please report it with this output:\n${(error as Error).stack ?? String(error)}\n`);
        process.exitCode = EXIT.internal;
    }
}

/** Writes a string to stdout and resolves once it is flushed (large JSON documents to a pipe). */
export function writeStdout(text: string): Promise<void> {
    return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}
