// Structured logs of the stack operations: JSON lines (to a file, or to stderr when it is not a
// terminal), or a short readable line per event on a terminal.

import { Writable } from "node:stream";

import pino from "pino";

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname", "stack"]);

/** One JSON log line as a terminal line: `12:03:04 INFO  [acme] message key=value`. */
export function formatLine(json: string): string {
    let record: Record<string, unknown>;
    try {
        record = JSON.parse(json) as Record<string, unknown>;
    } catch {
        return json;
    }
    const time = typeof record.time === "number" ? new Date(record.time).toISOString().slice(11, 19) : "";
    const level = (LEVELS[record.level as number] ?? String(record.level)).padEnd(5);
    const stack = record.stack ? `[${String(record.stack)}] ` : "";
    const extra = Object.entries(record)
        // A line of the CLI's own output needs no label on a terminal.
        .filter(([key, value]) => !HIDDEN.has(key) && !(key === "event" && value === "output"))
        .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
        .join(" ");
    return `${time} ${level} ${stack}${String(record.msg ?? "")}${extra ? ` ${extra}` : ""}`;
}

function readable(target: NodeJS.WritableStream): Writable {
    return new Writable({
        write(chunk: Buffer, _encoding, done) {
            const lines = chunk.toString("utf8").split("\n").filter((line) => line.length > 0);
            target.write(lines.map((line) => `${formatLine(line)}\n`).join(""));
            done();
        },
    });
}

export interface LoggerOptions {
    readonly level: string;
    /** JSON lines appended to this file; otherwise to `stream`. */
    readonly file?: string | undefined;
    readonly stream?: NodeJS.WriteStream;
}

export function createLogger(options: LoggerOptions): pino.Logger {
    const settings: pino.LoggerOptions = { level: options.level, base: undefined };
    if (options.file) {
        return pino(settings, pino.destination({ dest: options.file, sync: true, mkdir: true, append: true }));
    }
    const stream = options.stream ?? process.stderr;
    return pino(settings, stream.isTTY ? readable(stream) : stream);
}
