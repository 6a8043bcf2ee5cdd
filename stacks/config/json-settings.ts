// Versioned settings in JSON files reviewed like code (stacks/config/server-images.json,
// stacks/config/service-quotas.json): read, parsed and positioned, so that a mistake is reported as
// every problem is (FILE:LINE:COLUMN: PATH: message), never as an exception with a stack trace.

import * as fs from "node:fs";
import * as path from "node:path";

import { Problem } from "./source";

/**
 * Where the value at a JSON pointer is written: the position of its key (each segment's key
 * searched after the previous one's), 1:1 when a segment is not found.
 */
export function jsonPosition(text: string, jsonPath: string): { line: number; column: number } {
    const parts = jsonPath.split("/").filter(Boolean);
    let from = 0;
    for (const part of parts) {
        const at = text.indexOf(`"${part}"`, from);
        if (at < 0) {
            return { line: 1, column: 1 };
        }
        from = at;
    }
    const before = text.slice(0, from);
    const line = before.split("\n").length;
    return { line, column: from - before.lastIndexOf("\n") };
}

/**
 * Reads and parses `file` (relative to `root`): its value and text, or one positioned problem
 * (`why` says what the file is for, in the message of a file that cannot be read).
 */
export function readJsonFile(root: string, file: string, why: string): { value?: unknown; text?: string; problems: Problem[] } {
    let text: string;
    try {
        text = fs.readFileSync(path.resolve(root, file), "utf8");
    } catch (error) {
        return { problems: [{ file, line: 1, column: 1, path: "/", message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ${why}` }] };
    }
    try {
        return { value: JSON.parse(text) as unknown, text, problems: [] };
    } catch (error) {
        // V8 says where for most mistakes (a trailing comma: "... in JSON at position N"); else 1:1.
        const offset = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
        const before = text.slice(0, offset);
        const message = (error as Error).message.replace(/ in JSON at position \d+.*$| at position \d+.*$/s, "");
        return { problems: [{ file, line: before.split("\n").length, column: offset - before.lastIndexOf("\n"), path: "/", message: `is not valid JSON: ${message}` }] };
    }
}

/**
 * Problems given as `"/pointer: message"` (or a message about the whole document) positioned in
 * the file's text.
 */
export function positionProblems(file: string, text: string, problems: readonly string[]): Problem[] {
    return problems.map((problem): Problem => {
        const split = problem.indexOf(": ");
        const pointer = problem.startsWith("/") && split > 0 ? problem.slice(0, split) : "/";
        return { file, ...(pointer === "/" ? { line: 1, column: 1 } : jsonPosition(text, pointer)), path: pointer, message: pointer === "/" ? problem : problem.slice(split + 2) };
    });
}
