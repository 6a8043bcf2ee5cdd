// The benchmark's figures: one row per task and fleet size (results.json), the table printed, and
// the budgets, each met or not.

export type Task = "validate" | "plan" | "diff" | "naive";

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

export function row(task: Task, n: number, seconds: number, resources: number, peakRss: number | null): Run {
    return {
        task,
        n,
        wallSeconds: round(seconds, 3),
        msPerTenant: round((seconds * 1000) / n, 2),
        resources,
        msPerResource: resources > 0 ? round((seconds * 1000) / resources, 3) : null,
        peakRssMiB: peakRss,
    };
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

/** The budgets, each met or not, for the summary. */
export function budgets(results: Results): string[] {
    const at = (task: Task, n: number) => results.runs.find((run) => run.task === task && run.n === n);
    const verdict = (label: string, value: number | null | undefined, limit: number, unit: string, atLeast = false): string => {
        if (value === null || value === undefined) {
            return `${label}: not measured`;
        }
        const met = atLeast ? value >= limit : value < limit;
        return `${label}: ${value.toFixed(unit === "x" ? 1 : 2)}${unit} (budget ${atLeast ? ">=" : "<"} ${limit}${unit}) ${met ? "met" : "MISSED"}`;
    };
    const peak = Math.max(...results.runs.filter((run) => run.task !== "naive").map((run) => run.peakRssMiB ?? 0));
    return [
        verdict("1,000 tenants validated", at("validate", 1000)?.wallSeconds, 2, " s"),
        verdict("1,000 tenants planned", at("plan", 1000)?.wallSeconds, 20, " s"),
        verdict("plan per registered resource", at("plan", 1000)?.msPerResource, 0.4, " ms"),
        verdict("peak RSS", Number.isFinite(peak) && peak > 0 ? peak / 1024 : null, 1.5, " GiB"),
        verdict("in-process vs one process per tenant", results.naiveRatio, 40, "x", true),
        verdict("one tenant's start-up", results.startupSeconds, 1.5, " s"),
    ];
}
