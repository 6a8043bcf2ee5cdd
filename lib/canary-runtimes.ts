// CloudWatch Synthetics runtimes and their deprecation dates (canary-runtimes.json, read from AWS's
// support policy page): what the platform setting `canaryRuntime` may name, and what the policy
// rules judge every canary's runtime against. Pure functions of the data and of a date handed in.

import data from "./canary-runtimes.json";

export interface CanaryRuntime {
    /** The runtime version as CreateCanary takes it, e.g. `syn-nodejs-puppeteer-15.0`. */
    readonly name: string;
    /** `nodejs-puppeteer`, `python-selenium`, ...: which scripts run on it. */
    readonly family: string;
    /** The day AWS deprecated it or will (`YYYY-MM-DD`), or null when none is announced. */
    readonly deprecation: string | null;
}

export interface CanaryRuntimeData {
    /** The day the data was read from AWS's pages (`YYYY-MM-DD`). */
    readonly readOn: string;
    /** Days before a deprecation that AWS starts warning by email. */
    readonly noticeDays: number;
    readonly runtimes: readonly CanaryRuntime[];
}

export const CANARY_RUNTIMES: CanaryRuntimeData = data;

/** Where the data lives, for messages that ask to extend it. */
export const CANARY_RUNTIMES_FILE = "lib/canary-runtimes.json";

/**
 * The family the availability check's script is written for (components/availability-check.ts
 * CANARY_SCRIPT: CommonJS, the Puppeteer runtime's `Synthetics.executeHttpStep`).
 */
export const CHECK_RUNTIME_FAMILY = "nodejs-puppeteer";

/**
 * The default of the platform setting `canaryRuntime`: the most recent Node.js Puppeteer runtime
 * AWS lists, with no deprecation announced (see the data's sources).
 */
export const DEFAULT_CANARY_RUNTIME = "syn-nodejs-puppeteer-15.0";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days from `from` to `to` (both `YYYY-MM-DD`, UTC); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
    return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** `YYYY-MM-DD` of a moment, in UTC: the calendar AWS's deprecation dates are given in. */
export function isoDay(moment: Date): string {
    return moment.toISOString().slice(0, 10);
}

export function isIsoDay(text: unknown): text is string {
    return typeof text === "string" && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && isoDay(new Date(`${text}T00:00:00Z`)) === text;
}

export function findCanaryRuntime(name: string, runtimes: CanaryRuntimeData = CANARY_RUNTIMES): CanaryRuntime | undefined {
    return runtimes.runtimes.find((runtime) => runtime.name === name);
}

/**
 * What is wrong with `name` as the availability check's runtime, or undefined: it must be listed,
 * of the script's family, and not deprecated as of the day the data was read (a canary cannot be
 * created on a deprecated runtime). A deprecation still ahead is the policy rules' business.
 */
export function canaryRuntimeProblem(name: string, runtimes: CanaryRuntimeData = CANARY_RUNTIMES): string | undefined {
    const usable = runtimes.runtimes.filter((runtime) => runtime.family === CHECK_RUNTIME_FAMILY && (runtime.deprecation === null || runtime.deprecation > runtimes.readOn));
    const expected = `expected one of ${usable.map((runtime) => runtime.name).join(", ") || "(none listed)"}`;
    const runtime = findCanaryRuntime(name, runtimes);
    if (!runtime) {
        return `"${String(name).slice(0, 60)}" is not a runtime listed in ${CANARY_RUNTIMES_FILE}; ${expected} (a newer one is added there with AWS's page as its source)`;
    }
    if (runtime.family !== CHECK_RUNTIME_FAMILY) {
        return `${name} is a ${runtime.family} runtime, but the availability check's script is Node.js Puppeteer; ${expected}`;
    }
    if (runtime.deprecation !== null && runtime.deprecation <= runtimes.readOn) {
        return `${name} was deprecated on ${runtime.deprecation} and AWS refuses to create a canary on it; ${expected}`;
    }
    return undefined;
}

export type CanaryRuntimeStatus =
    | { readonly kind: "supported" }
    | { readonly kind: "deprecating"; readonly date: string; readonly days: number }
    | { readonly kind: "deprecated"; readonly date: string }
    | { readonly kind: "unknown" };

/**
 * Where `name` stands on `today` (`YYYY-MM-DD`): deprecated (on or after its date), deprecating
 * (within `noticeDays`, when AWS starts warning), supported, or unknown to the data.
 */
export function canaryRuntimeStatus(name: string, today: string, runtimes: CanaryRuntimeData = CANARY_RUNTIMES): CanaryRuntimeStatus {
    const runtime = findCanaryRuntime(name, runtimes);
    if (!runtime) {
        return { kind: "unknown" };
    }
    if (runtime.deprecation === null) {
        return { kind: "supported" };
    }
    const days = daysBetween(today, runtime.deprecation);
    if (days <= 0) {
        return { kind: "deprecated", date: runtime.deprecation };
    }
    return days <= runtimes.noticeDays ? { kind: "deprecating", date: runtime.deprecation, days } : { kind: "supported" };
}
