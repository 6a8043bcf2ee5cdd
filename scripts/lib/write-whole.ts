// An output file written whole or not at all: what a command's --out, --markdown or --report
// promises (a file that is either whole or absent), even when the disk fills half-way.

import * as fs from "node:fs";
import * as path from "node:path";

/** Opens `file` for writing (with `mode` when it is made), hands `write` its descriptor, closes it. */
function writeTo(file: string, write: (fd: number) => void, mode?: number): void {
    const fd = fs.openSync(file, "w", mode);
    try {
        write(fd);
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * Writes `file` through `write` (handed the descriptor to write to) whole or not at all: into a
 * temporary file beside it, renamed into place once written, so that a write that fails half-way
 * (no space left, a file size limit) or a process stopped meanwhile leaves no half file, and an
 * earlier file as it was. A symbolic link's target is replaced, never the link. Written in place:
 * a path that is no regular file (/dev/stdout, a pipe: a rename would replace the device or pipe
 * itself), and a file whose folder takes no new file (as it always was). fs errors propagate.
 */
export function writeWhole(file: string, write: (fd: number) => void): void {
    let target = file;
    let mode: number | undefined;
    try {
        const stat = fs.statSync(file);
        if (!stat.isFile()) {
            writeTo(file, write);
            return;
        }
        target = fs.realpathSync(file);
        mode = stat.mode & 0o777;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
            throw error;
        }
    }
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
    try {
        try {
            fs.closeSync(fs.openSync(temporary, "w", mode));
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (mode !== undefined && (code === "EACCES" || code === "EPERM" || code === "EROFS")) {
                writeTo(target, write);
                return;
            }
            throw error;
        }
        writeTo(temporary, write);
        fs.renameSync(temporary, target);
    } finally {
        fs.rmSync(temporary, { force: true });
    }
}
