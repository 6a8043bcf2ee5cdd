// The benchmark's figures: one row per task and fleet size (results.json), the table printed, and
// the issue's budgets, each met or not.

export type Task = "validate" | "plan" | "diff" | "shard4" | "incremental" | "naive";

/** The order of the tasks in the table and in results.json, within one fleet size. */
export const TASK_ORDER: readonly Task[] = ["validate", "plan", "diff", "shard4", "incremental", "naive"];

/** One row of the table and of results.json, exactly as the issue specifies them. */
export interface Run {
    readonly task: Task;
    readonly n: number;
    readonly wallSeconds: number;
    readonly msPerTenant: number;
    /** Resources registered (0 for validate, which registers none). */
    readonly resources: number;
    readonly msPerResource: number | null;
    readonly peakRssMiB: number | null;
    /** What the task's figure is made of (its parts' seconds, the checks it passed). */
    readonly note?: string;
}

export interface Results {
    readonly runs: Run[];
    /** One tenant's start-up under the language host (the built entry), the fastest of STARTUP_RUNS. */
    readonly startupSeconds: number | null;
    /** Naive ms per tenant (N = 10) over the in-process plan's ms per tenant at the largest N. */
    readonly naiveRatio: number | null;
}

export const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** How many times the start-up is measured: the host's start-up varies with what else the machine does. */
export const STARTUP_RUNS = 5;

/** One tenant's start-up in a project of `n` tenant files: the first time, and with the claims cache warm. */
export interface FleetStartup {
    readonly n: number;
    readonly cold: number;
    readonly warm: number;
}

export function row(task: Task, n: number, seconds: number, resources: number, peakRss: number | null, note?: string): Run {
    return {
        task,
        n,
        wallSeconds: round(seconds, 3),
        msPerTenant: round((seconds * 1000) / n, 2),
        resources,
        msPerResource: resources > 0 ? round((seconds * 1000) / resources, 3) : null,
        peakRssMiB: peakRss,
        ...(note !== undefined ? { note } : {}),
    };
}

/** The plan's peak RSS per 1,000 tenants at each size from 1,000 up: flat when the plan's memory is bounded. */
export function rssPerThousand(results: Results): { n: number; peakRssMiB: number; perThousand: number }[] {
    return results.runs
        .filter((run) => run.task === "plan" && run.n >= 1000 && run.peakRssMiB !== null)
        .sort((a, b) => a.n - b.n)
        .map((run) => ({ n: run.n, peakRssMiB: run.peakRssMiB!, perThousand: round(run.peakRssMiB! / (run.n / 1000), 1) }));
}

export function renderTable(results: Results, startupMedian: number | null, amongFleet: FleetStartup | null = null): string {
    const header = ["task", "N", "wall s", "ms/tenant", "resources", "ms/resource", "peak RSS MiB"];
    const rows = results.runs.map((run) => [
        run.task,
        String(run.n),
        run.wallSeconds.toFixed(2),
        run.msPerTenant.toFixed(1),
        String(run.resources),
        run.msPerResource === null ? "-" : run.msPerResource.toFixed(3),
        run.peakRssMiB === null ? "-" : run.peakRssMiB.toFixed(0),
    ]);
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column]!.length)));
    const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
    const lines = [line(header), ...rows.map(line)];
    const perThousand = rssPerThousand(results);
    if (perThousand.length > 0) {
        lines.push(
            "",
            `plan peak RSS per 1,000 tenants: ${perThousand.map((at) => `${at.perThousand.toFixed(0)} MiB at ${at.n.toLocaleString("en-US")} (peak ${at.peakRssMiB.toFixed(0)} MiB)`).join(", ")}`,
        );
    }
    const notes = results.runs.filter((run) => run.note !== undefined);
    if (notes.length > 0) {
        lines.push("", ...notes.map((run) => `${run.task} N=${run.n}: ${run.note}`));
    }
    if (results.startupSeconds !== null) {
        lines.push(
            "",
            `one tenant's start-up under the language host: ${results.startupSeconds.toFixed(2)} s (fastest of ${STARTUP_RUNS}` +
                (startupMedian === null ? ")" : `; median ${startupMedian.toFixed(2)} s)`),
        );
    }
    if (amongFleet !== null) {
        lines.push(
            `the same among ${amongFleet.n} tenant files: ${amongFleet.warm.toFixed(2)} s (fastest of 3, claims cache warm; ${amongFleet.cold.toFixed(2)} s the first time)`,
        );
    }
    if (results.naiveRatio !== null) {
        lines.push(`in-process plan vs one process per tenant: ${results.naiveRatio.toFixed(1)}x faster per tenant`);
    }
    return `${lines.join("\n")}\n`;
}

/**
 * The 1,000-tenant figures before issue 18 (bench/results.json of 2026-12-06, after issue 13): the
 * streamed plan and diff must be no slower.
 */
export const BEFORE_ISSUE_18 = { plan: 20.249, diff: 38.334 } as const;

/** The issue's budgets, each met or not, for the summary (never a failing test: the figures depend on the machine). */
export function budgets(results: Results): string[] {
    const at = (task: Task, n: number) => results.runs.find((run) => run.task === task && run.n === n);
    const verdict = (label: string, value: number | null | undefined, limit: number, unit: string, compare: "<" | "<=" | ">=" = "<"): string => {
        if (value === null || value === undefined) {
            return `${label}: not measured`;
        }
        const met = compare === "<" ? value < limit : compare === "<=" ? value <= limit : value >= limit;
        return `${label}: ${value.toFixed(unit === "x" ? 1 : 2)}${unit} (budget ${compare} ${limit}${unit}) ${met ? "met" : "MISSED"}`;
    };
    const at10k = results.runs.filter((run) => run.n === 10_000 && run.task !== "naive" && run.peakRssMiB !== null);
    const peak = at10k.length > 0 ? Math.max(...at10k.map((run) => run.peakRssMiB!)) / 1024 : null;
    return [
        verdict("1,000 tenants validated", at("validate", 1000)?.wallSeconds, 2, " s"),
        verdict("1,000 tenants planned (no slower than before issue 18)", at("plan", 1000)?.wallSeconds, BEFORE_ISSUE_18.plan, " s", "<="),
        verdict("1,000 tenants' diff (no slower than before issue 18)", at("diff", 1000)?.wallSeconds, BEFORE_ISSUE_18.diff, " s", "<="),
        verdict("10,000 tenants planned", at("plan", 10_000)?.wallSeconds, 120, " s"),
        verdict("peak RSS of a process at 10,000 tenants", peak, 2, " GiB"),
        verdict("plan per registered resource", at("plan", 1000)?.msPerResource, 0.4, " ms"),
        verdict("in-process vs one process per tenant", results.naiveRatio, 40, "x", ">="),
        verdict("one tenant's start-up", results.startupSeconds, 1.5, " s"),
    ];
}
