// Runs a CLI's main in this process, as `tsx scripts/X.ts ARGS` would run it (scripts/lib/cli.ts
// `run`: a usage error is one line and exit 2, a defect a stack and exit 70), and captures what it
// writes to stdout and stderr. The unit project starts no process (test/setup-unit.ts): every CLI
// test but one smoke test per CLI goes through here.

import { Readable } from "node:stream";

import { exitCodeOf } from "../scripts/lib/cli";

export interface CliRun {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

export interface CliRunOptions {
    /** The working folder while main runs (restored after). */
    readonly cwd?: string;
    /** Variables set (a string) or removed (undefined) while main runs (restored after). */
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** What main reads on stdin, through the `io.stdin` it is given. */
    readonly input?: string;
    /** The exit-code mapping of the scripts/lib/cli.ts main comes from (a project copy has its own error classes). */
    readonly exitCodeOf?: typeof exitCodeOf;
}

/** What a CLI's main is given instead of the process's streams. */
export interface CliIo {
    readonly stdin: NodeJS.ReadableStream;
    readonly stdout: NodeJS.WriteStream;
    readonly stderr: NodeJS.WriteStream;
}

type Write = typeof process.stdout.write;

/** Calls `main(io)` under the CLI's `name`, in `cwd` and `env`, and returns its exit code and output. */
export async function runCli(name: string, main: (io: CliIo) => Promise<number>, options: CliRunOptions = {}): Promise<CliRun> {
    const out: string[] = [];
    const err: string[] = [];
    const capture = (into: string[]): Write =>
        ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
            into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
            const done = typeof encoding === "function" ? encoding : callback;
            if (typeof done === "function") queueMicrotask(() => (done as (error?: Error | null) => void)(null));
            return true;
        }) as Write;
    const saved = { stdout: process.stdout.write, stderr: process.stderr.write, cwd: process.cwd(), exitCode: process.exitCode };
    const savedEnv = Object.fromEntries(Object.keys(options.env ?? {}).map((key) => [key, process.env[key]]));
    const setEnv = (values: Record<string, string | undefined>) => {
        for (const [key, value] of Object.entries(values)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
    };
    process.stdout.write = capture(out);
    process.stderr.write = capture(err);
    setEnv(options.env ?? {});
    if (options.cwd !== undefined) process.chdir(options.cwd);
    try {
        const io: CliIo = { stdin: Readable.from([options.input ?? ""]), stdout: process.stdout, stderr: process.stderr };
        const status = await (options.exitCodeOf ?? exitCodeOf)(name, () => main(io));
        return { status, stdout: out.join(""), stderr: err.join("") };
    } finally {
        process.stdout.write = saved.stdout;
        process.stderr.write = saved.stderr;
        process.chdir(saved.cwd);
        setEnv(savedEnv);
        process.exitCode = saved.exitCode;
    }
}
