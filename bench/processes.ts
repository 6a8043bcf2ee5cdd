// The benchmark's processes: each task run in a fresh process of bench/run.ts (--child), the naive
// way (one plan process per tenant) and one tenant's start-up under the language host, timed from
// outside with their peak RSS.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { claimCacheFile } from "../stacks/config/claims";
import { platformDirOf } from "./generate";
import { MeasurementError } from "./measurement-error";
import { projectCopy } from "./project-copy";
import { round, row, Run, Task } from "./table";
import type { ChildReport } from "./tasks";

const ROOT = path.resolve(__dirname, "..");

export function log(message: string, fields: Record<string, unknown> = {}): void {
    const extra = Object.entries(fields).map(([key, value]) => ` ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
    process.stderr.write(`bench: ${message}${extra.join("")}\n`);
}

function nodeFlags(semiSpace: number): string[] {
    return semiSpace > 0 ? [`--max-semi-space-size=${semiSpace}`] : [];
}

/**
 * Runs one task `repeat` times, each in a fresh process of bench/run.ts, and keeps the fastest run:
 * this VM's speed drifts by a quarter from minute to minute, and the fastest run is the one least
 * slowed by what else the host does. Every run is logged.
 */
export function measure(task: Task, n: number, dir: string, options: { threads?: number; semiSpace: number; repeat: number }): Run {
    const runs = Array.from({ length: options.repeat }, () => measureOnce(task, n, dir, options));
    return runs.reduce((fastest, run) => (run.wallSeconds < fastest.wallSeconds ? run : fastest));
}

/** Runs one task in a fresh process of bench/run.ts. */
function measureOnce(task: Task, n: number, dir: string, options: { threads?: number; semiSpace: number }): Run {
    const args = [...nodeFlags(options.semiSpace), "--import", "tsx", path.join(__dirname, "run.ts"), "--child", task, "--dir", dir];
    if (options.threads) {
        args.push("--threads", String(options.threads));
    }
    const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    const last = result.stdout.trim().split("\n").pop() ?? "";
    if (result.status !== 0 || !last.startsWith("{")) {
        throw new MeasurementError(`${task} of ${n} tenant(s) failed (exit ${result.status}):\n${result.stderr.slice(-4000)}`);
    }
    const report = JSON.parse(last) as ChildReport;
    log(`${task} n=${n}`, { seconds: round(report.seconds, 2), resources: report.resources, peakRssMiB: report.peakRssMiB, ...(report.note ? { note: report.note } : {}) });
    return row(task, n, report.seconds, report.resources, report.peakRssMiB);
}

/** `/usr/bin/time -f %M` around a command, for the peak RSS of a process we do not control; null without it. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): { seconds: number; stdout: string; stderr: string; status: number | null; peakRssMiB: number | null } {
    const gnuTime = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
    const rssFile = path.join(os.tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(16).slice(2)}`);
    const start = performance.now();
    const result = gnuTime
        ? spawnSync(gnuTime, ["-f", "%M", "-o", rssFile, command, ...args], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 })
        : spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    const seconds = (performance.now() - start) / 1000;
    let peak: number | null = null;
    if (gnuTime && fs.existsSync(rssFile)) {
        peak = round(Number(fs.readFileSync(rssFile, "utf8").trim().split("\n").pop()) / 1024, 1);
        fs.rmSync(rssFile, { force: true });
    }
    return { seconds, stdout: result.stdout, stderr: result.stderr, status: result.status, peakRssMiB: peak };
}

/** One fresh `scripts/plan.ts FILE --isolated --json` process per tenant, one after another. */
export function measureNaive(files: readonly string[], semiSpace: number): Run {
    const tsxCli = require.resolve("tsx/cli");
    let seconds = 0;
    let resources = 0;
    let peak: number | null = null;
    for (const file of files) {
        const run = timed(process.execPath, [...nodeFlags(semiSpace), tsxCli, path.join(ROOT, "scripts", "plan.ts"), file, "--isolated", "--json"], process.env);
        if (run.status !== 0) {
            throw new MeasurementError(`naive plan of ${file} failed (exit ${run.status}):\n${run.stderr.slice(-4000)}`);
        }
        const document = JSON.parse(run.stdout) as { tenants: { resources: unknown[] }[] };
        seconds += run.seconds;
        resources += document.tenants.reduce((sum, plan) => sum + plan.resources.length, 0);
        peak = run.peakRssMiB === null ? peak : Math.max(peak ?? 0, run.peakRssMiB);
    }
    log(`naive n=${files.length}`, { seconds: round(seconds, 2), resources, peakRssMiB: peak });
    return row("naive", files.length, seconds, resources, peak);
}

/** The example tenant whose start-up is measured: a dedicated cloud tenant, the common heavy case. */
export const STARTUP_STACK = "globex";

/**
 * One tenant's start-up as the language host pays it: a fresh process, the built entry, one tenant
 * (`stack`, in the project at `project`: by default this repository and its example tenants).
 */
export function measureStartup(stack: string = STARTUP_STACK, project: string = ROOT): { seconds: number; peakRssMiB: number | null } {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    delete env.PULUMI_DEBUG_PROMISE_LEAKS;
    const run = timed(process.execPath, [path.join(ROOT, "bench", "host-load.js"), stack, project], env);
    const result = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as { registered?: unknown[]; error?: string; crash?: string };
    if (run.status !== 0 || !result.registered || result.error || result.crash) {
        throw new MeasurementError(`start-up of ${stack} failed: ${result.error ?? result.crash ?? run.stderr.slice(-2000)}`);
    }
    log("start-up", { stack, project, seconds: round(run.seconds, 2), registered: result.registered.length, peakRssMiB: run.peakRssMiB });
    return { seconds: run.seconds, peakRssMiB: run.peakRssMiB };
}

/**
 * A project whose tenant-configs/ is a generated fleet: this repository's build (copied: the
 * program finds its project from its own files) and sources (linked), so that a stack's start-up
 * includes checking its file against all the others. Returns it and a cloud tenant of the fleet.
 */
export function fleetProject(fleetDir: string, scratch: string): { root: string; stack: string } {
    const root = projectCopy({ parent: scratch, copy: ["Pulumi.yaml", "dist"], link: ["index.ts", "stacks", "components", "tsconfig.json", "package.json"] });
    fs.cpSync(fleetDir, path.join(root, "tenant-configs"), { recursive: true });
    // The fleet's platform settings where the program reads them (the project's platform-configs/).
    fs.cpSync(platformDirOf(fleetDir), path.join(root, "platform-configs"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "tenant-configs", "tenant.schema.json"), path.join(root, "tenant-configs", "tenant.schema.json"));
    const cloud = fs.readdirSync(fleetDir).find((file) => /^mode: "?cloud"?$/m.test(fs.readFileSync(path.join(fleetDir, file), "utf8")));
    if (cloud === undefined) {
        throw new MeasurementError(`the generated fleet in ${fleetDir} has no cloud tenant`);
    }
    return { root, stack: cloud.replace(/\.yaml$/, "") };
}

/** Where the program of the project at `root` caches the tenant files' claims (stacks/config/validate.ts). */
export function claimCacheOf(root: string): string {
    return claimCacheFile(root);
}
