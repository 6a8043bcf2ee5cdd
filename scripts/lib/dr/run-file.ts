// The run file of one `dr` operation (`.dr/<target>/<run-id>.json`): which steps finished, when,
// and what they produced (restore job ids, the restored database), written after every step so a
// crash, a closed laptop or a failed step resumes where it stopped (`--resume`).

import * as fs from "node:fs";
import * as path from "node:path";

export type Operation = "activate" | "failback" | "drill";

export interface StepRecord {
    readonly name: string;
    status: "running" | "done" | "failed";
    startedAt: string;
    endedAt?: string;
    /** What the step produced, for the report and for a resumed run. */
    detail: Record<string, unknown>;
    error?: string;
}

export interface RunState {
    readonly runId: string;
    readonly operation: Operation;
    readonly target: string;
    readonly startedAt: string;
    readonly force: boolean;
    /** When production collapsed (--since; default the start): the two hours count from there. */
    readonly since: string;
    steps: StepRecord[];
    finishedAt?: string;
    outcome?: "completed" | "failed" | "refused";
}

export function runFile(dir: string, target: string, runId: string): string {
    return path.join(dir, target, `${runId}.json`);
}

export function newRunId(now: Date): string {
    return now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "z").toLowerCase();
}

export function saveRun(dir: string, state: RunState): string {
    const file = runFile(dir, state.target, state.runId);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written beside, then renamed: a crash mid-write never leaves half a run file.
    fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
    fs.renameSync(`${file}.tmp`, file);
    return file;
}

/** Every run of a target, oldest first (run ids sort by time). */
export function listRuns(dir: string, target: string): RunState[] {
    const folder = path.join(dir, target);
    if (!fs.existsSync(folder)) return [];
    return fs
        .readdirSync(folder)
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => JSON.parse(fs.readFileSync(path.join(folder, name), "utf8")) as RunState);
}

/** The run `--resume` continues: the latest unfinished run of this operation on this target. */
export function resumable(dir: string, target: string, operation: Operation): RunState | undefined {
    const latest = listRuns(dir, target).filter((run) => run.operation === operation).pop();
    return latest !== undefined && latest.outcome !== "completed" ? latest : undefined;
}
