// Writes tenant:new's file.

import * as fs from "node:fs";
import * as path from "node:path";

/** Writes the file without ever replacing one: a hard link from a temporary file fails if the name exists. */
export function writeNew(file: string, content: string): "written" | "exists" {
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(temporary, content, { flag: "wx", mode: 0o644 });
    try {
        fs.linkSync(temporary, file);
        return "written";
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") {
            return "exists";
        }
        // Filesystems without hard links: check, then rename (atomic, though not exclusive).
        if (fs.existsSync(file)) {
            return "exists";
        }
        fs.renameSync(temporary, file);
        return "written";
    } finally {
        fs.rmSync(temporary, { force: true });
    }
}
