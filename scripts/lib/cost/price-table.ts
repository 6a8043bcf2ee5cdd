// The versioned table of AWS list prices (prices.json): its shape, checked when it is read, and
// the price of one key in a region. A price the table does not have, or one that depends on usage,
// is a reason, never a zero.

import rawPrices from "./prices.json";

/** The value of a price that depends on usage: whatever it prices is reported as unknown. */
export const USAGE_BASED = "usage-based";

/** A number (USD per unit), per-variant numbers (instance type, size ...), or usage-based. */
export type Price = number | typeof USAGE_BASED | Readonly<Record<string, number>>;

export interface PriceTable {
    readonly version: string;
    readonly source: string;
    /** The date the table was compiled, YYYY-MM-DD. */
    readonly retrieved: string;
    readonly currency: "USD";
    readonly hoursPerMonth: number;
    readonly assumptions: {
        /** Load balancer capacity units charged every hour on top of an ALB's hourly fee. */
        readonly albLcuPerHour: number;
        /** Minutes in the month that schedules (canaries) run in: 30 days, so 5 minutes = 8,640 runs. */
        readonly scheduleMinutesPerMonth: number;
        /** Custom-metric-priced metrics of an instance with detailed monitoring. */
        readonly detailedMonitoringMetricsPerInstance: number;
    };
    /** Why a price key covers what it does, and what it leaves out. */
    readonly notes: Readonly<Record<string, string>>;
    /** Prices AWS lists the same in every commercial region. */
    readonly uniform: Readonly<Record<string, Price>>;
    /** Prices per region; a region missing here makes every regional price unknown. */
    readonly regions: Readonly<Record<string, Readonly<Record<string, Price>>>>;
}

function isPrice(value: unknown): value is Price {
    if (value === USAGE_BASED) {
        return true;
    }
    const positive = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v) && v > 0;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        return Object.values(value).length > 0 && Object.values(value).every(positive);
    }
    return positive(value);
}

/** Problems with a price table, each naming the field, the value and what is expected. */
export function priceTableProblems(raw: unknown): string[] {
    if (typeof raw !== "object" || raw === null) {
        return ["the price table is not a JSON object"];
    }
    const table = raw as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of ["version", "source"]) {
        if (typeof table[key] !== "string" || (table[key] as string).length === 0) {
            problems.push(`${key}: expected a non-empty string`);
        }
    }
    if (typeof table.retrieved !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(table.retrieved)) {
        problems.push(`retrieved: ${JSON.stringify(table.retrieved)} is not a date (YYYY-MM-DD)`);
    }
    if (table.currency !== "USD") {
        problems.push(`currency: ${JSON.stringify(table.currency)}; expected "USD"`);
    }
    if (typeof table.hoursPerMonth !== "number" || table.hoursPerMonth <= 0) {
        problems.push(`hoursPerMonth: ${JSON.stringify(table.hoursPerMonth)}; expected a positive number (730)`);
    }
    const assumptions = (table.assumptions ?? {}) as Record<string, unknown>;
    for (const key of ["albLcuPerHour", "scheduleMinutesPerMonth", "detailedMonitoringMetricsPerInstance"]) {
        if (typeof assumptions[key] !== "number" || (assumptions[key] as number) < 0) {
            problems.push(`assumptions.${key}: expected a number of at least 0`);
        }
    }
    const checkPrices = (where: string, prices: unknown): void => {
        if (typeof prices !== "object" || prices === null) {
            problems.push(`${where}: expected an object of prices`);
            return;
        }
        for (const [key, value] of Object.entries(prices)) {
            if (!isPrice(value)) {
                problems.push(`${where}.${key}: ${JSON.stringify(value)}; expected a positive number, positive numbers per variant, or "${USAGE_BASED}"`);
            }
        }
    };
    checkPrices("uniform", table.uniform);
    if (typeof table.regions !== "object" || table.regions === null) {
        problems.push("regions: expected an object of prices per region");
    } else {
        for (const [region, prices] of Object.entries(table.regions)) {
            checkPrices(`regions.${region}`, prices);
        }
    }
    return problems;
}

export function parsePriceTable(raw: unknown): PriceTable {
    const problems = priceTableProblems(raw);
    if (problems.length > 0) {
        throw new Error(`invalid price table:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    }
    return raw as PriceTable;
}

/** The repository's price table (scripts/lib/cost/prices.json). */
export const PRICES: PriceTable = parsePriceTable(rawPrices);

/** A price found in the table (`usd`), or why there is none (`reason`). */
export type Rate = { readonly usd: number; readonly reason?: undefined } | { readonly usd?: undefined; readonly reason: string };

/** The price of `key` (per `variant` when the table lists variants) in `region`, or why it is not known. */
export function rateIn(prices: PriceTable, region: string, key: string, variant: string | undefined): Rate {
    const regional = prices.regions[region];
    const price = regional?.[key] ?? prices.uniform[key];
    if (price === undefined) {
        return {
            reason: regional === undefined ? `price table ${prices.version} has no prices for region ${region}` : `price table ${prices.version} has no ${key} price in ${region}`,
        };
    }
    if (price === USAGE_BASED) {
        return { reason: `usage-based: ${prices.notes[key] ?? key}` };
    }
    if (typeof price === "number") {
        return variant === undefined ? { usd: price } : { reason: `price table ${prices.version} has ${key} without variants, asked for ${variant}` };
    }
    const usd = variant === undefined ? undefined : price[variant];
    return usd === undefined ? { reason: `price table ${prices.version} has no ${key} price for ${variant ?? "(no variant)"} in ${region}` } : { usd };
}
