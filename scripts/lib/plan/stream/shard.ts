// The shard document (`plan --all --shard I/N --out FILE`): pass 1 of a slice of the fleet, for
// `plan merge` to finish. One JSON document, written so that it is read a line at a time: the first
// line is everything but the stacks (the pass's facts, problems and diffs, and what the shard is);
// then one stack record per line. It is not the plan contract: only `plan merge` reads it.

import { createHash } from "node:crypto";
import * as fs from "node:fs";

import { BlockWriter, forEachLine } from "./document";
import { parseRecordLine } from "./record";
import { PassResult, RecordSource } from "./run";

export const SHARD_FORMAT = "tenant-platform/plan-shard@1";

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

/** Writes the shard document: its header line, then the spill's records, one per line. */
export function writeShard(out: string, header: Omit<ShardHeader, "format" | "stacks">, spill: string): void {
    let stacks = 0;
    forEachLine(spill, (line) => {
        if (line.length > 0) {
            stacks += 1;
        }
    });
    const fd = fs.openSync(out, "w");
    try {
        const writer = new BlockWriter(fd);
        const full: ShardHeader = { format: SHARD_FORMAT, shard: header.shard, key: header.key, stacks, pass: header.pass };
        writer.write(`${HEADER_START}${JSON.stringify(full)},\n${STACKS_LINE}\n`);
        let written = 0;
        forEachLine(spill, (line) => {
            if (line.length > 0) {
                written += 1;
                writer.write(written < stacks ? `${line},\n` : `${line}\n`);
            }
        });
        writer.write(`${END_LINE}\n`);
        writer.flush();
    } finally {
        fs.closeSync(fd);
    }
}

/** A shard document that cannot be merged: not one, truncated, or of another plan. */
export class ShardError extends Error {}

/** Reads a shard document's header (its first line) without reading its stacks. */
export function readShardHeader(file: string): ShardHeader {
    let first: string | undefined;
    let fd: number;
    try {
        fd = fs.openSync(file, "r");
    } catch (error) {
        throw new ShardError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    try {
        const chunks: Buffer[] = [];
        const block = Buffer.alloc(1 << 20);
        let position = 0;
        for (;;) {
            let read: number;
            try {
                read = fs.readSync(fd, block, 0, block.length, position);
            } catch (error) {
                throw new ShardError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
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
        first = Buffer.concat(chunks).toString("utf8");
    } finally {
        fs.closeSync(fd);
    }
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
    return header;
}

/** The records of a shard document, checked against its header's count (a truncated file is refused). */
export function shardSource(file: string, header: ShardHeader): RecordSource {
    return (each) => {
        let line = 0;
        let stacks = 0;
        let ended = false;
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
            let record: ReturnType<typeof parseRecordLine>;
            try {
                record = parseRecordLine(text.endsWith(",") ? text.slice(0, -1) : text);
            } catch {
                throw new ShardError(`${file}:${line}: a stack record that is not valid JSON (a truncated or edited shard document)`);
            }
            each(record);
        });
        if (!ended || stacks !== header.stacks) {
            throw new ShardError(`${file}: ${stacks} stack(s) where its header says ${header.stacks}${ended ? "" : ", and no end"}: a truncated shard document`);
        }
    };
}

/** Checks that the files are exactly the shards 1..N of one plan; returns them in shard order. */
export function orderShards(files: readonly string[]): { file: string; header: ShardHeader }[] {
    const shards = files.map((file) => ({ file, header: readShardHeader(file) }));
    const count = shards[0]!.header.shard.count;
    const key = shards[0]!.header.key;
    for (const shard of shards) {
        if (shard.header.key !== key) {
            throw new ShardError(`${shard.file}: a shard of another plan than ${shards[0]!.file} (another commit, selection, config, base or tenant files)`);
        }
        if (shard.header.shard.count !== count) {
            throw new ShardError(`${shard.file}: shard ${shard.header.shard.index}/${shard.header.shard.count}, but ${shards[0]!.file} is one of ${count}`);
        }
    }
    const byIndex = new Map<number, { file: string; header: ShardHeader }>();
    for (const shard of shards) {
        const twin = byIndex.get(shard.header.shard.index);
        if (twin) {
            throw new ShardError(`${shard.file}: shard ${shard.header.shard.index}/${count} again (also ${twin.file})`);
        }
        byIndex.set(shard.header.shard.index, shard);
    }
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
    if (missing.length > 0) {
        throw new ShardError(`missing shard(s) ${missing.map((index) => `${index}/${count}`).join(", ")}: merge needs all ${count}`);
    }
    return Array.from({ length: count }, (_, i) => byIndex.get(i + 1)!);
}
