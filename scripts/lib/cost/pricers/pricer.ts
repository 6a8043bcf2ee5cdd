// What a pricer is (a resource's inputs in, its charges out) and the arithmetic the pricers share:
// a charge from rates and quantities, hourly and monthly charges, and readers of plan inputs that
// take an unknown value as unknown.

import { toCents } from "../cents";
import { PriceTable, Rate } from "../price-table";

export interface Line {
    readonly what: string;
    readonly monthlyUsd: number | null;
    readonly reason?: string;
}

export interface Context {
    readonly hours: number;
    readonly assumptions: PriceTable["assumptions"];
    rate(key: string, variant?: string): Rate;
}

export type Inputs = Readonly<Record<string, unknown>>;
export type Pricer = (inputs: Inputs, context: Context) => Line[];

export function line(what: string, terms: ReadonlyArray<readonly [Rate, number]>): Line {
    const missing = terms.find(([rate]) => rate.reason !== undefined);
    if (missing) {
        return { what, monthlyUsd: null, reason: missing[0].reason };
    }
    const usd = terms.reduce((sum, [rate, quantity]) => sum + (rate.usd ?? 0) * quantity, 0);
    return { what, monthlyUsd: toCents(usd) / 100 };
}

export function unknownLine(what: string, reason: string): Line {
    return { what, monthlyUsd: null, reason };
}

export function text(value: unknown): string | undefined {
    return typeof value === "string" && value.length > 0 ? value : undefined;
}

export function count(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function list(value: unknown): readonly unknown[] | undefined {
    return Array.isArray(value) ? value : undefined;
}

export function record(value: unknown): Inputs | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Inputs) : undefined;
}

export function hourly(context: Context, what: string, key: string, variant?: string, units = 1): Line {
    return line(`${what} × ${context.hours} h`, [[context.rate(key, variant), context.hours * units]]);
}

export function monthly(context: Context, what: string, key: string, units = 1): Line {
    return line(what, [[context.rate(key), units]]);
}
