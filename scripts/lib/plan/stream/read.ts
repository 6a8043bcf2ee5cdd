// A saved plan document read stack by stack, for the commands that read one a plan command printed
// (`npm run policy -- --plan`, the CI's preview matrix): a fleet of 10,000 tenants is about 900 MiB
// of JSON, more than V8 holds in one string and several GiB once parsed, while one stack is a few
// hundred KiB. Only a document whose every byte outside its stacks is what the plan prints is read
// this way, so that reading it stack by stack means exactly what JSON.parse of the whole means;
// any other form is the caller's to read whole (or refuse).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

import { documentFrame, indexCanonicalDocument } from "./document";
import { BaseEntry, readBaseStack } from "./record";

/** A plan document on disk in the plan's canonical form: its fields but `tenants`, and where each stack is. */
export interface StackedPlan {
    readonly file: string;
    readonly fields: Record<string, unknown>;
    readonly stacks: readonly BaseEntry[];
    /** The file as it was opened (device, inode, size, modification time): see {@link changedSince}. */
    readonly stamp: string;
}

/** What tells one version of a file from the next without reading it: the same test as make's or rsync's. */
function stampOf(stat: fs.BigIntStats): string {
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}`;
}

/**
 * Whether the plan's file is no longer the one indexed (rewritten, replaced or gone): the index's
 * offsets then point into another document, and what was read from it is no check of either.
 */
export function changedSince(plan: StackedPlan): boolean {
    try {
        return stampOf(fs.statSync(plan.file, { bigint: true })) !== plan.stamp;
    } catch {
        return true;
    }
}

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
function bytesAt(fd: number, offset: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const read = fs.readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read);
}

/**
 * The document as canonicalJson printed it (stream/document.ts DocumentWriter: the frame of its
 * fields, each stack, one newline at the end), or undefined. Checked byte for byte around the
 * stacks: the frame re-printed from the fields read, the separators between stacks, nothing after
 * the end; a duplicate key, another indentation or a missing comma is another form. The stacks
 * themselves are parsed as they are read ({@link forEachStack}). fs errors propagate.
 */
export function openStackedPlan(file: string): StackedPlan | undefined {
    const fd = fs.openSync(file, "r");
    try {
        const stat = fs.fstatSync(fd, { bigint: true });
        const size = Number(stat.size);
        // Anything else (a list, binary junk, a file without newlines) is not indexed line by line at all.
        if (bytesAt(fd, 0, 5).toString("latin1") !== '{\n  "') {
            return undefined;
        }
        const index = indexCanonicalDocument(file);
        if (!index) {
            return undefined;
        }
        const frame = documentFrame(index.fields);
        const before = Buffer.from(frame.before, "utf8");
        if (!bytesAt(fd, 0, before.length).equals(before)) {
            return undefined;
        }
        // Stack i is the text from its line `    {` to `    }`: `[\n` before the first, `,\n` between two.
        let end = before.length;
        for (const [i, entry] of index.stacks.entries()) {
            const gap = i === 0 ? 1 : 2;
            if (entry[1] !== end + gap || (i > 0 && bytesAt(fd, end, 1)[0] !== 0x2c)) {
                return undefined;
            }
            end = entry[1] + entry[2];
        }
        const tail = Buffer.from(`${index.stacks.length > 0 ? "\n  " : ""}${frame.after}\n`, "utf8");
        if (size !== end + tail.length || !bytesAt(fd, end, tail.length).equals(tail)) {
            return undefined;
        }
        return { file, fields: index.fields, stacks: index.stacks, stamp: stampOf(stat) };
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * Visits each stack, parsed, in the document's order; false (having visited those before) when a
 * stack is not valid JSON: the caller reads the document whole to say where, as it always has.
 */
export function forEachStack(plan: StackedPlan, visit: (stack: Record<string, unknown>, index: number) => void): boolean {
    for (const [i, entry] of plan.stacks.entries()) {
        let stack: Record<string, unknown>;
        try {
            stack = readBaseStack(plan.file, entry) as unknown as Record<string, unknown>;
        } catch (error) {
            if (error instanceof SyntaxError) {
                return false;
            }
            throw error;
        }
        visit(stack, i);
    }
    return true;
}

/** Thrown by {@link spoolToFile} when the input is larger than its limit. */
export class SpoolLimitError extends Error {}

/**
 * Copies a stream (standard input) to a file in a new temporary folder, so that it can be read
 * stack by stack like any file; refused once it passes `limit` bytes. `remove` deletes the folder.
 */
export async function spoolToFile(input: NodeJS.ReadableStream, limit: number): Promise<{ readonly file: string; readonly remove: () => void }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-input-"));
    const remove = () => fs.rmSync(dir, { recursive: true, force: true });
    const file = path.join(dir, "plan.json");
    let size = 0;
    const counted = new Transform({
        transform(chunk: Buffer | string, _encoding, done) {
            size += Buffer.byteLength(chunk);
            done(size > limit ? new SpoolLimitError(`larger than ${limit} bytes`) : null, chunk);
        },
    });
    try {
        await pipeline(input, counted, fs.createWriteStream(file));
    } catch (error) {
        remove();
        throw error;
    }
    return { file, remove };
}
