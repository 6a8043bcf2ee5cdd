// The plan document written piece by piece, byte for byte what canonicalJson of the whole document
// gives (keys sorted, two spaces of indentation): the top-level fields around `tenants`, then each
// stack as it comes. And the other way: a plan document on disk indexed stack by stack, so that a
// base of thousands of stacks is read one stack at a time.

import * as fs from "node:fs";

import { canonicalJson, canonicalText } from "../../../../lib/canonical-json";
import { BaseEntry } from "./record";

/** Writes text to a file descriptor, all of it (waiting on a non-blocking pipe whose reader is slower). */
export function fdSink(fd: number): (text: string) => void {
    return (text) => writeAllBytes(fd, Buffer.from(text, "utf8"));
}

/** Waits a few milliseconds, blocking: a non-blocking pipe (EAGAIN) is not ready, and these reads and writes are synchronous. */
export function pauseForPipe(): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
}

/** Writes bytes to a file descriptor, all of them (waiting on a non-blocking pipe whose reader is slower). */
export function writeAllBytes(fd: number, buffer: Uint8Array): void {
    let written = 0;
    while (written < buffer.length) {
        try {
            written += fs.writeSync(fd, buffer, written, buffer.length - written);
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EAGAIN") {
                throw error;
            }
            pauseForPipe();
        }
    }
}

/** Bytes copied to a file descriptor in blocks of about a MiB: lines of a file passed on as they are, never decoded. */
export class ByteWriter {
    private readonly block: Buffer;
    private used = 0;
    constructor(
        private readonly fd: number,
        size = 1 << 20,
    ) {
        this.block = Buffer.allocUnsafe(size);
    }

    write(bytes: Uint8Array): void {
        if (this.used + bytes.length > this.block.length) {
            this.flush();
        }
        if (bytes.length >= this.block.length) {
            writeAllBytes(this.fd, bytes);
            return;
        }
        this.block.set(bytes, this.used);
        this.used += bytes.length;
    }

    flush(): void {
        if (this.used > 0) {
            writeAllBytes(this.fd, this.block.subarray(0, this.used));
            this.used = 0;
        }
    }
}

/**
 * Text handed to a sink in blocks of about a MiB (few large writes, none held longer). The sink
 * writes synchronously (a file, or stdout: synchronous for files and pipes on Linux, Node's docs),
 * so nothing waits in memory for a slow reader.
 */
export class BlockWriter {
    private readonly parts: string[] = [];
    private size = 0;
    private readonly sink: (text: string) => void;
    constructor(
        sink: number | ((text: string) => void),
        private readonly block = 1 << 20,
    ) {
        this.sink = typeof sink === "number" ? fdSink(sink) : sink;
    }

    write(text: string): void {
        this.parts.push(text);
        this.size += text.length;
        if (this.size >= this.block) {
            this.flush();
        }
    }

    flush(): void {
        if (this.parts.length > 0) {
            this.sink(this.parts.join(""));
            this.parts.length = 0;
            this.size = 0;
        }
    }
}

/** The canonical text of a document around its `tenants` array: what comes before the first stack and after the last. */
export function documentFrame(fields: object): { readonly before: string; readonly after: string } {
    const text = canonicalJson({ ...fields, tenants: [] });
    const marker = '\n  "tenants": []';
    const at = text.indexOf(marker);
    if (at < 0) {
        throw new Error("the plan document's frame has no top-level tenants array");
    }
    return { before: text.slice(0, at + marker.length - 1), after: text.slice(at + marker.length - 1) };
}

/** One stack as it stands in the `tenants` array of the canonical document (indented by 4). */
export function stackText(stack: unknown): string {
    return canonicalText(stack, 2, "    ");
}

/** Writes a canonical document: the frame's first part, each stack, the frame's second part. */
export class DocumentWriter {
    private count = 0;
    constructor(
        private readonly out: BlockWriter,
        private readonly frame: { readonly before: string; readonly after: string },
    ) {
        out.write(frame.before);
    }

    stack(text: string): void {
        this.out.write(`${this.count === 0 ? "\n    " : ",\n    "}${text}`);
        this.count += 1;
    }

    end(): void {
        this.out.write(`${this.count > 0 ? "\n  " : ""}${this.frame.after}\n`);
        this.out.flush();
    }
}

/**
 * Calls `line` for every line of a file with its byte offset (the newline excluded), reading in
 * blocks; with `range`, only the lines of bytes [start, end) (which should begin and end lines).
 */
export function forEachLine(file: string, line: (text: string, offset: number, bytes: number) => void, range?: { readonly start: number; readonly end: number }): void {
    forEachLineBytes(file, (bytes, offset) => line(bytes.toString("utf8"), offset, bytes.length), range);
}

/**
 * The lines of a file (or of the byte range [start, end) of it, which must begin at a line's start)
 * as bytes, without their newline: a view the next line reuses, to be copied or hashed at once.
 */
export function forEachLineBytes(file: string, line: (bytes: Buffer, offset: number) => void, range?: { readonly start: number; readonly end: number }): void {
    forEachLineIn(file, (data, start, end, offset) => line(data.subarray(start, end), offset), range);
}

/**
 * The lines of a file as {@link forEachLineBytes} gives them, each as the bytes [start, end) of a
 * block the next lines reuse, so that a reader that looks at a few bytes of most lines makes
 * nothing of them.
 */
export function forEachLineIn(file: string, line: (data: Buffer, start: number, end: number, offset: number) => void, range?: { readonly start: number; readonly end: number }): void {
    const fd = fs.openSync(file, "r");
    try {
        const block = Buffer.alloc(8 << 20);
        let carry: Buffer = Buffer.alloc(0);
        let carryOffset = range?.start ?? 0;
        let position = range?.start ?? 0;
        const end = range?.end ?? Infinity;
        for (;;) {
            const read = fs.readSync(fd, block, 0, Math.min(block.length, end - position), position);
            if (read === 0) {
                break;
            }
            position += read;
            const data = carry.length > 0 ? Buffer.concat([carry, block.subarray(0, read)]) : block.subarray(0, read);
            let start = 0;
            for (let newline = data.indexOf(10, start); newline >= 0; newline = data.indexOf(10, start)) {
                line(data, start, newline, carryOffset + start);
                start = newline + 1;
            }
            carry = Buffer.from(data.subarray(start));
            carryOffset += start;
        }
        if (carry.length > 0) {
            line(carry, 0, carry.length, carryOffset);
        }
    } finally {
        fs.closeSync(fd);
    }
}

/** A plan document on disk: its top-level fields but `tenants`, and where each stack is. */
export interface IndexedDocument {
    readonly fields: Record<string, unknown>;
    readonly stacks: BaseEntry[];
}

const TENANT_LINE = /^ {6}"tenant": ("(?:[^"\\]|\\.)*"),?$/;

/** Whether the line [from, to) of `data` starts with seven spaces. */
function indentedBeyondSix(data: Buffer, from: number, to: number): boolean {
    if (to - from < 7) {
        return false;
    }
    for (let i = from; i < from + 7; i++) {
        if (data[i] !== 0x20) {
            return false;
        }
    }
    return true;
}

/**
 * Indexes a plan document in canonical form (as every plan command since the contract's v1 prints
 * it: two spaces, keys sorted): a stack is the lines from `    {` to `    }` inside `tenants`, its
 * name the line `      "tenant": ...`. Undefined when the file is not in that form.
 */
export function indexCanonicalDocument(file: string): IndexedDocument | undefined {
    const stacks: BaseEntry[] = [];
    const outside: string[] = [];
    let inTenants = false;
    let start = -1;
    let name: string | undefined;
    let valid = true;
    let first = true;
    let placeholder = -1;
    forEachLineIn(file, (data, from, to, offset) => {
        // Inside a stack, a line indented by seven spaces or more is the stack's content, which
        // none of the lines below is: not decoded (nearly every line of a document).
        if (!valid || (start >= 0 && indentedBeyondSix(data, from, to))) {
            return;
        }
        const text = data.toString("utf8", from, to);
        if (first) {
            first = false;
            valid = text === "{";
        }
        if (!inTenants) {
            if (text === '  "tenants": [') {
                inTenants = true;
                placeholder = outside.push('  "tenants": [],') - 1;
            } else {
                outside.push(text);
            }
            return;
        }
        if (start < 0) {
            if (text === "  ]," || text === "  ]") {
                inTenants = false;
                // `tenants` was the last field: no comma after it.
                outside[placeholder] = text === "  ]" ? '  "tenants": []' : '  "tenants": [],';
                return;
            }
            if (text !== "    {") {
                valid = false;
                return;
            }
            start = offset;
            name = undefined;
            return;
        }
        const tenant = TENANT_LINE.exec(text);
        if (tenant) {
            name = JSON.parse(tenant[1]!) as string;
            return;
        }
        if (text === "    }" || text === "    },") {
            if (name === undefined) {
                valid = false;
                return;
            }
            stacks.push([name, start, offset + 5 - start]);
            start = -1;
        }
    });
    if (!valid || inTenants || start >= 0) {
        return undefined;
    }
    try {
        const fields = JSON.parse(outside.join("\n")) as Record<string, unknown>;
        delete fields.tenants;
        return { fields, stacks };
    } catch {
        return undefined;
    }
}

/**
 * Indexes any plan document: the canonical form stack by stack; another form (an older or foreign
 * printer) is parsed whole once and written again canonically beside it (`rewritten`).
 */
export function indexDocument(file: string, rewritten: string): { readonly file: string; readonly document: IndexedDocument } {
    const canonical = indexCanonicalDocument(file);
    if (canonical) {
        return { file, document: canonical };
    }
    const whole = JSON.parse(fs.readFileSync(file, "utf8")) as { tenants?: unknown };
    if (!Array.isArray(whole?.tenants)) {
        throw new Error("the plan document has no tenants array");
    }
    fs.writeFileSync(rewritten, `${canonicalJson(whole)}\n`);
    const again = indexCanonicalDocument(rewritten);
    if (!again) {
        throw new Error("the plan document could not be indexed");
    }
    return { file: rewritten, document: again };
}
