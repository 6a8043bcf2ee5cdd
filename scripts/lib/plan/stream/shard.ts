// The shard document (`plan --all --shard I/N --out FILE`): pass 1 of a slice of the fleet, for
// `plan merge` to finish. One JSON document, written so that it is read a line at a time: the first
// line is everything but the stacks (the pass's facts, problems and diffs, and what the shard is);
// then one stack record per line. It is not the plan contract: only `plan merge` reads it.

import { createHash } from "node:crypto";
import * as fs from "node:fs";

import { deeperThan, MAX_PLAN_DEPTH } from "../../../../lib/json-depth";
import { writeWhole } from "../../write-whole";
import { ByteWriter, forEachLine, forEachLineBytes } from "./document";
import { LineRun } from "./pass2";
import { parseRecordLine, ReadRecord } from "./record";
import { PassResult, RecordSource } from "./run";

export const SHARD_FORMAT = "tenant-platform/plan-shard@2";

export interface ShardHeader {
    readonly format: typeof SHARD_FORMAT;
    readonly shard: { readonly index: number; readonly count: number };
    /**
     * What every shard of one plan shares: the selection, the stack config, the base, the program's
     * build and every input file's content. Shards of different plans are never merged.
     */
    readonly key: string;
    readonly stacks: number;
    readonly pass: PassResult;
    /**
     * SHA-256 (hex) of the whole document as written, these 64 characters hashed as "0"s: `plan merge`
     * refuses a shard that is not byte for byte what the plan wrote (truncated, edited, corrupted on
     * the way between runners) before it writes anything. Last, so that it ends the first line.
     */
    readonly digest: string;
}

/** The key of a plan's shards: a digest of everything that decides the plan but the slice. */
export function shardKey(parts: readonly string[]): string {
    const hash = createHash("sha256");
    for (const part of parts) {
        hash.update(`${part.length}:${part}\n`);
    }
    return hash.digest("hex");
}

const HEADER_START = '{"header":';
const STACKS_LINE = '"stacks":[';
const END_LINE = "]}";
const UNSIGNED = "0".repeat(64);
/** How the first line ends: the digest, then the header's and the line's ends. */
const DIGEST_END = /"digest":"[0-9a-f]{64}"\},$/;
const AFTER_DIGEST = '"},'.length;

/** Writes the shard document: its header line, then the spill's records, one per line, copied as bytes. */
export function writeShard(out: string, header: Omit<ShardHeader, "format" | "stacks" | "digest">, spill: string): void {
    let stacks = 0;
    forEachLineBytes(spill, (line) => {
        if (line.length > 0) {
            stacks += 1;
        }
    });
    const first = (digest: string): Buffer => {
        const full: ShardHeader = { format: SHARD_FORMAT, shard: header.shard, key: header.key, stacks, pass: header.pass, digest };
        return Buffer.from(`${HEADER_START}${JSON.stringify(full)},\n${STACKS_LINE}\n`);
    };
    // The same bytes twice: hashed (the digest zeroed), then written with their digest.
    const hash = createHash("sha256");
    writeShardBytes(first(UNSIGNED), spill, stacks, (bytes) => hash.update(bytes));
    // Whole or not at all: a disk that fills half-way leaves no half shard (nor the earlier one changed).
    writeWhole(out, (fd) => {
        const writer = new ByteWriter(fd);
        writeShardBytes(first(hash.digest("hex")), spill, stacks, (bytes) => writer.write(bytes));
        writer.flush();
    });
}

const COMMA_NEWLINE = Buffer.from(",\n");
const NEWLINE = Buffer.from("\n");
const END = Buffer.from(`${END_LINE}\n`);

function writeShardBytes(head: Buffer, spill: string, stacks: number, write: (bytes: Uint8Array) => void): void {
    write(head);
    let written = 0;
    forEachLineBytes(spill, (line) => {
        if (line.length > 0) {
            written += 1;
            write(line);
            write(written < stacks ? COMMA_NEWLINE : NEWLINE);
        }
    });
    write(END);
}

/** A shard document that cannot be merged: not one, truncated, edited, or of another plan. */
export class ShardError extends Error {}

/** A shard document's file, its header, and where in it the digest is (bytes). */
export interface ShardFile {
    readonly file: string;
    readonly header: ShardHeader;
    readonly digestAt: number;
}

/** A shard document that cannot be read, as merge reports it. */
function unreadable(file: string, error: unknown): ShardError {
    return new ShardError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
}

/** Opens a shard document: a file (merge reads each more than once; a device such as /dev/zero would be read for ever). */
function openShard(file: string): number {
    let fd: number;
    try {
        fd = fs.openSync(file, "r");
    } catch (error) {
        throw unreadable(file, error);
    }
    const stat = fs.fstatSync(fd);
    // A folder is refused when read (EISDIR), as it always was.
    if (!stat.isFile() && !stat.isDirectory()) {
        fs.closeSync(fd);
        throw new ShardError(`${file}: not a file (a pipe, a device or a socket): merge reads each shard document, a file that plan --shard I/N --out FILE wrote, more than once`);
    }
    return fd;
}

/** Reads a shard document's header (its first line) without reading its stacks. */
export function readShardHeader(file: string): ShardHeader {
    return readShard(file).header;
}

/** Reads a shard document's first line: its header, checked for the fields merge reads before the digest is checked. */
export function readShard(file: string): ShardFile {
    let line: Buffer;
    const fd = openShard(file);
    try {
        const chunks: Buffer[] = [];
        const block = Buffer.alloc(1 << 20);
        let position = 0;
        for (;;) {
            let read: number;
            try {
                read = fs.readSync(fd, block, 0, block.length, position);
            } catch (error) {
                throw unreadable(file, error);
            }
            if (read === 0) {
                break;
            }
            const newline = block.subarray(0, read).indexOf(10);
            if (newline >= 0) {
                chunks.push(Buffer.from(block.subarray(0, newline)));
                break;
            }
            chunks.push(Buffer.from(block.subarray(0, read)));
            position += read;
        }
        line = Buffer.concat(chunks);
    } finally {
        fs.closeSync(fd);
    }
    const first = line.toString("utf8");
    if (!first.startsWith(HEADER_START) || !first.endsWith(",")) {
        throw new ShardError(`${file}: not a plan shard document (written by npm run plan -- --all --shard I/N --out FILE)`);
    }
    let header: ShardHeader;
    try {
        header = JSON.parse(first.slice(HEADER_START.length, -1)) as ShardHeader;
    } catch {
        throw new ShardError(`${file}: its header is not valid JSON (a truncated or edited shard document)`);
    }
    if (header?.format !== SHARD_FORMAT) {
        throw new ShardError(`${file}: a shard document of format ${JSON.stringify(header?.format)}; this plan reads ${SHARD_FORMAT}`);
    }
    const { shard, key, stacks, pass } = header;
    const count = shard?.count;
    if (
        !Number.isSafeInteger(count) ||
        count < 1 ||
        !Number.isSafeInteger(shard.index) ||
        shard.index < 1 ||
        shard.index > count ||
        typeof key !== "string" ||
        !Number.isSafeInteger(stacks) ||
        stacks < 0 ||
        typeof pass !== "object" ||
        pass === null ||
        !DIGEST_END.test(first)
    ) {
        throw new ShardError(`${file}: its header lacks what a shard's has (shard, key, stacks, pass, digest last): an edited shard document`);
    }
    if (count > MAX_SHARDS) {
        throw new ShardError(`${file}: shard ${shard.index}/${count}, but a plan is cut into at most ${MAX_SHARDS} shards: an edited shard document`);
    }
    const problem = passProblem(pass as unknown as Record<string, unknown>);
    if (problem !== undefined) {
        throw new ShardError(`${file}: its header's pass ${problem}: an edited shard document`);
    }
    return { file, header, digestAt: line.length - AFTER_DIGEST - UNSIGNED.length };
}

/** The most shards `--shard I/N` cuts a plan into (N <= 9999). */
export const MAX_SHARDS = 9999;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isPositiveInteger = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 1;

/**
 * What is wrong with a header's pass, as merge reads it (a re-digested hand-made shard passes the
 * digest): lists that are lists, problems and stack facts of their shape, a day that is a date.
 * Undefined when it is what pass 1 writes.
 */
function passProblem(pass: Record<string, unknown>): string | undefined {
    for (const field of ["sharedErrors", "sliceErrors", "platformFacts", "stackFacts", "placeholderSecrets", "entries", "removed"]) {
        if (!Array.isArray(pass[field])) {
            return `has no list ${field}`;
        }
    }
    for (const field of ["sharedErrors", "sliceErrors"]) {
        const bad = (pass[field] as unknown[]).findIndex(
            (problem) =>
                !isObject(problem) ||
                typeof problem.file !== "string" ||
                !isPositiveInteger(problem.line) ||
                !isPositiveInteger(problem.column) ||
                typeof problem.path !== "string" ||
                typeof problem.message !== "string",
        );
        if (bad >= 0) {
            return `${field}[${bad}] is no problem (file, line and column from 1, path, message)`;
        }
    }
    for (const field of ["platformFacts", "stackFacts"]) {
        const bad = (pass[field] as unknown[]).findIndex(
            (facts) => !isObject(facts) || typeof facts.tenant !== "string" || typeof facts.mode !== "string" || typeof facts.region !== "string" || !Array.isArray(facts.resources) || !isObject(facts.policy),
        );
        if (bad >= 0) {
            return `${field}[${bad}] is no stack's facts (tenant, mode, region, resources, policy)`;
        }
    }
    for (const field of ["entries", "removed"]) {
        for (const [at, entry] of (pass[field] as unknown[]).entries()) {
            const problem = !isObject(entry) || typeof entry.tenant !== "string" || typeof entry.mode !== "string" ? "it has no tenant and mode" : diffProblem(entry.diff);
            if (problem !== undefined) {
                return `${field}[${at}] is no stack's diff (${problem})`;
            }
        }
    }
    if (pass.base !== undefined && (!isObject(pass.base) || typeof pass.base.ref !== "string" || typeof pass.base.commit !== "string")) {
        return "base is no git ref and commit";
    }
    if ((pass.placeholderSecrets as unknown[]).some((name) => typeof name !== "string")) {
        return "placeholderSecrets holds a value that is no name";
    }
    if (typeof pass.today !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(pass.today) || Number.isNaN(Date.parse(pass.today))) {
        return `today ${JSON.stringify(pass.today)?.slice(0, 40)} is no day (YYYY-MM-DD)`;
    }
    return undefined;
}

const DIFF_STATUSES: readonly unknown[] = ["new", "removed", "changed", "unchanged"];

/**
 * What is wrong with a stack's diff as merge reads it (its status, its lists of resources, each
 * changed resource's list of changes), or undefined when it has the shape the diff gives.
 */
function diffProblem(diff: unknown): string | undefined {
    if (!isObject(diff) || !DIFF_STATUSES.includes(diff.status)) {
        return `its status is none of ${DIFF_STATUSES.join(", ")}`;
    }
    for (const field of ["added", "removed", "changed", "outputs"]) {
        if (!Array.isArray(diff[field]) || (diff[field] as unknown[]).some((item) => !isObject(item))) {
            return `its ${field} is no list of objects`;
        }
    }
    if ((diff.changed as Record<string, unknown>[]).some((change) => typeof change.type !== "string" || typeof change.name !== "string" || !Array.isArray(change.changes) || change.changes.some((item) => !isObject(item)))) {
        return "a changed resource has no type, name or list of changes";
    }
    return undefined;
}

/**
 * Refuses a shard document that is not byte for byte what the plan wrote: its SHA-256, the digest's
 * characters hashed as "0"s, against the digest. Where they differ, the records are read in order for a
 * precise reason (the line that is not a record, fewer or more stacks than the header says);
 * failing that, the digest is the reason (a record or the header edited into other valid JSON).
 */
export function verifyShard({ file, header, digestAt }: ShardFile): void {
    const hash = createHash("sha256");
    const fd = openShard(file);
    try {
        const block = Buffer.alloc(8 << 20);
        for (let position = 0; ; ) {
            const read = fs.readSync(fd, block, 0, block.length, position);
            if (read === 0) {
                break;
            }
            const data = block.subarray(0, read);
            // The digest's bytes, where this block holds them, hashed as the zeros the writer hashed.
            const from = Math.max(digestAt - position, 0);
            const to = Math.min(digestAt + UNSIGNED.length - position, read);
            if (from < to) {
                data.fill(0x30, from, to);
            }
            hash.update(data);
            position += read;
        }
    } finally {
        fs.closeSync(fd);
    }
    if (hash.digest("hex") === header.digest) {
        return;
    }
    shardSource(file, header)(() => undefined);
    throw new ShardError(`${file}: not the document its shard wrote (its SHA-256 is not the digest in its header): an edited or corrupted shard document`);
}

/**
 * Refuses the `at`-th record (1-based) of a shard document unless it is the stack its header lists
 * there: a record line starts with its stack's name (recordLine), read from `start` (its first
 * bytes). Records moved within a document, its digest made again, would merge into another order
 * than the plan's. A record beyond the header's stacks is left to the count's check; a line that
 * is no record at all (`whole`, read only then) keeps its own reason.
 */
function checkRecordOrder(file: string, line: number, header: ShardHeader, at: number, start: (length: number) => Buffer, whole?: () => string): void {
    const expected = header.pass.stackFacts[at - 1]?.tenant;
    if (expected === undefined || at > header.stacks) {
        return;
    }
    const prefix = Buffer.from(`{"tenant":${JSON.stringify(expected)},`);
    if (!start(prefix.length).equals(prefix)) {
        if (whole !== undefined) {
            parseShardRecordLine(file, line, whole());
        }
        throw new ShardError(`${file}:${line}: not the stack its header lists as stack ${at}, ${JSON.stringify(expected).slice(0, 80)} (the records moved or replaced): an edited shard document`);
    }
}

/**
 * The runs of records of a shard document's body, about `bytes` each, numbered by line; undefined
 * where the document is not whole (no end, a line after it, fewer or more records than its header
 * says), which the records read in order then refuse as they always did (shardSource). Reads the
 * bytes for their line ends only: no record is decoded.
 */
export function shardRuns(file: string, header: ShardHeader, bytes: number): LineRun[] | undefined {
    const runs: LineRun[] = [];
    const fd = fs.openSync(file, "r");
    try {
        const block = Buffer.alloc(8 << 20);
        const stacksLine = Buffer.from(STACKS_LINE);
        const endLine = Buffer.from(END_LINE);
        let line = 0;
        let lineStart = 0;
        let position = 0;
        let ended = false;
        let records = 0;
        let run: { start: number; firstLine: number } | undefined;
        // The line [lineStart, end) (newline excluded) is line number `line`.
        const take = (end: number, text: () => Buffer): boolean => {
            if (line === 1) {
                return true;
            }
            if (line === 2) {
                return text().equals(stacksLine);
            }
            if (ended) {
                return false;
            }
            if (end - lineStart === endLine.length && text().equals(endLine)) {
                ended = true;
                if (run) {
                    runs.push({ file, start: run.start, end: lineStart, shard: { firstLine: run.firstLine } });
                    run = undefined;
                }
                return true;
            }
            records += 1;
            checkRecordOrder(file, line, header, records, (length) => {
                const start = Buffer.alloc(Math.min(end - lineStart, length));
                fs.readSync(fd, start, 0, start.length, lineStart);
                return start;
            }, () => {
                const whole = Buffer.alloc(end - lineStart);
                fs.readSync(fd, whole, 0, whole.length, lineStart);
                return whole.toString("utf8");
            });
            run ??= { start: lineStart, firstLine: line };
            if (end + 1 - run.start >= bytes) {
                runs.push({ file, start: run.start, end: end + 1, shard: { firstLine: run.firstLine } });
                run = undefined;
            }
            return true;
        };
        for (;;) {
            const read = fs.readSync(fd, block, 0, block.length, position);
            if (read === 0) {
                break;
            }
            const data = block.subarray(0, read);
            for (let at = data.indexOf(10); at >= 0; at = data.indexOf(10, at + 1)) {
                line += 1;
                const end = position + at;
                const text = (): Buffer => {
                    // A short line (the only ones compared), read on its own whatever block it spans.
                    const bytesOfLine = Buffer.alloc(Math.min(end - lineStart, 64));
                    fs.readSync(fd, bytesOfLine, 0, bytesOfLine.length, lineStart);
                    return end - lineStart > 64 ? Buffer.alloc(0) : bytesOfLine;
                };
                if (!take(end, text)) {
                    return undefined;
                }
                lineStart = end + 1;
            }
            position += read;
        }
        // A last line without a newline, or a document without its end: not whole.
        if (lineStart !== position || !ended || records !== header.stacks) {
            return undefined;
        }
    } finally {
        fs.closeSync(fd);
    }
    return runs;
}

/**
 * One stack line of a shard document's body (line `line` of `file`): its record, or a ShardError
 * naming the file and line when it is not one (a truncated or edited document).
 */
export function parseShardRecordLine(file: string, line: number, text: string): ReadRecord {
    let record: ReadRecord;
    try {
        record = parseRecordLine(text.endsWith(",") ? text.slice(0, -1) : text);
    } catch {
        throw new ShardError(`${file}:${line}: a stack record that is not valid JSON (a truncated or edited shard document)`);
    }
    const stack = (record as Partial<ReadRecord> | null)?.stack;
    if (
        typeof stack !== "object" ||
        stack === null ||
        typeof stack.tenant !== "string" ||
        !Array.isArray(stack.resources) ||
        !Array.isArray(record.violations) ||
        typeof record.cost !== "object" ||
        record.cost === null
    ) {
        throw new ShardError(`${file}:${line}: not a stack record (it needs stack.tenant, stack.resources, violations and cost; an edited shard document)`);
    }
    if (stack.tenant !== record.tenant) {
        throw new ShardError(`${file}:${line}: a stack record of ${JSON.stringify(record.tenant)?.slice(0, 80)} whose stack is ${JSON.stringify(stack.tenant).slice(0, 80)}: an edited shard document`);
    }
    // What pass 2 reads of each: a resource's type and name, a violation's fields, the diff's lists.
    const resource = stack.resources.findIndex((item: unknown) => !isObject(item) || typeof item.type !== "string" || typeof item.name !== "string" || !isObject(item.inputs));
    const violation = record.violations.findIndex((item: unknown) => !isObject(item) || typeof item.policy !== "string" || typeof item.resource !== "string" || typeof item.message !== "string" || typeof item.enforcement !== "string");
    const diff = record.diff === undefined ? undefined : diffProblem(record.diff);
    if (resource >= 0 || violation >= 0 || diff !== undefined) {
        const where = resource >= 0 ? `stack.resources[${resource}] is no resource (type, name, inputs)` : violation >= 0 ? `violations[${violation}] is no violation (policy, resource, message, enforcement)` : `diff is no stack's diff (${diff})`;
        throw new ShardError(`${file}:${line}: a stack record whose ${where}: an edited shard document`);
    }
    // The stack becomes /tenants/N of the plan: its fields two levels down, as are violations and cost.
    // Its facts (what the fleet-wide checks read of it) are no part of the plan, but are read as much.
    for (const [field, value, limit] of [["/stack", stack, MAX_PLAN_DEPTH - 2], ["/violations", record.violations, MAX_PLAN_DEPTH - 3], ["/cost", record.cost, MAX_PLAN_DEPTH - 3], ["/facts", record.facts, MAX_PLAN_DEPTH - 2]] as const) {
        const deep = deeperThan(value, limit);
        if (deep !== undefined) {
            throw new ShardError(`${file}:${line}: a stack record nested more than ${MAX_PLAN_DEPTH} levels deep as a plan (at ${field}${deep}; a plan nests about 13): an edited shard document`);
        }
    }
    return record;
}

/** The records of a shard document, checked against its header's count (a truncated file is refused). */
export function shardSource(file: string, header: ShardHeader): RecordSource {
    const source = (each: (record: ReadRecord) => void): void => {
        let line = 0;
        let stacks = 0;
        let ended = false;
        // A record out of its header's order: refused once the count is known (a record twice is that).
        let misplaced: ShardError | undefined;
        forEachLine(file, (text) => {
            line += 1;
            if (line === 1 || (line === 2 && text === STACKS_LINE)) {
                return;
            }
            if (line === 2 || ended) {
                throw new ShardError(`${file}:${line}: not a plan shard document's line`);
            }
            if (text === END_LINE) {
                ended = true;
                return;
            }
            stacks += 1;
            const record = parseShardRecordLine(file, line, text);
            try {
                checkRecordOrder(file, line, header, stacks, (length) => Buffer.from(text.slice(0, length)).subarray(0, length));
            } catch (error) {
                misplaced ??= error as ShardError;
            }
            each(record);
        });
        if (!ended || stacks !== header.stacks) {
            const what = stacks > header.stacks ? "an edited shard document" : "a truncated shard document";
            throw new ShardError(`${file}: ${stacks} stack(s) where its header says ${header.stacks}${ended ? "" : ", and no end"}: ${what}`);
        }
        if (misplaced) {
            throw misplaced;
        }
    };
    return Object.assign(source, { lines: { bytes: fs.statSync(file).size, runs: (bytes: number) => shardRuns(file, header, bytes) } });
}

/** Checks that the files are exactly the shards 1..N of one plan, each as its shard wrote it; returns them in shard order. */
export function orderShards(files: readonly string[]): ShardFile[] {
    const shards = files.map(readShard);
    const count = shards[0]!.header.shard.count;
    const key = shards[0]!.header.key;
    for (const shard of shards) {
        if (shard.header.key !== key) {
            throw new ShardError(`${shard.file}: a shard of another plan than ${shards[0]!.file} (another commit, selection, config, base or tenant files)`);
        }
        if (shard.header.shard.count !== count) {
            throw new ShardError(`${shard.file}: shard ${shard.header.shard.index}/${shard.header.shard.count}, but ${shards[0]!.file} is one of ${count}`);
        }
        // Each shard's stacks were judged on its day (the calendar rules): a plan judges every stack on one.
        if (shard.header.pass.today !== shards[0]!.header.pass.today) {
            throw new ShardError(`${shard.file}: planned on ${shard.header.pass.today}, but ${shards[0]!.file} on ${shards[0]!.header.pass.today}: a plan judges every stack on one day; plan the shards again`);
        }
    }
    const byIndex = new Map<number, ShardFile>();
    for (const shard of shards) {
        const twin = byIndex.get(shard.header.shard.index);
        if (twin) {
            throw new ShardError(`${shard.file}: shard ${shard.header.shard.index}/${count} again (also ${twin.file})`);
        }
        byIndex.set(shard.header.shard.index, shard);
    }
    // The first ten missing are named (a count of thousands is walked no further than they are).
    const missing: number[] = [];
    for (let index = 1; index <= count && missing.length < 10; index++) {
        if (!byIndex.has(index)) {
            missing.push(index);
        }
    }
    if (missing.length > 0) {
        const more = count - byIndex.size - missing.length;
        throw new ShardError(`missing shard(s) ${missing.map((index) => `${index}/${count}`).join(", ")}${more > 0 ? ` and ${more} more` : ""}: merge needs all ${count}`);
    }
    // Each stack in one shard only: a stack in two would be in the plan twice.
    const planned = new Map<string, string>();
    for (const shard of shards) {
        for (const facts of shard.header.pass.stackFacts) {
            const other = planned.get(facts.tenant);
            if (other !== undefined) {
                throw new ShardError(`${shard.file}: the stack ${JSON.stringify(facts.tenant).slice(0, 80)} is also in ${other}: a stack is planned in one shard only (an edited shard document)`);
            }
            planned.set(facts.tenant, shard.file);
        }
    }
    const ordered = Array.from({ length: count }, (_, i) => byIndex.get(i + 1)!);
    // Each whole and as written, before merge writes a byte.
    ordered.forEach(verifyShard);
    return ordered;
}
