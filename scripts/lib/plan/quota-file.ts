// The account's applied quotas (stacks/config/service-quotas.json): its shape, checked when it is
// read, its problems positioned as FILE:LINE:COLUMN, and the value of one quota in a region.

import * as path from "node:path";

import { positionProblems, readJsonFile } from "../../../stacks/config/json-settings";
import { Problem } from "../../../stacks/config/validate";
import { isOptInRegion, REGIONS } from "../../../lib/regions";
import { QUOTA_KEYS, QuotaKey, QUOTAS } from "./quotas";

/** The checked-in quota file of the deployment account. */
export const QUOTA_FILE = path.join("stacks", "config", "service-quotas.json");

interface QuotaValue {
    readonly value: number;
    readonly source: string;
}

/** The file's shape: the account's applied value of each quota, raised per region where granted. */
export interface QuotaFile {
    readonly account?: string;
    readonly defaults: Readonly<Record<QuotaKey, QuotaValue>>;
    /** Per region: a quota's raised value; a per-family quota's per family, as `dedicatedHosts:m6i`. */
    readonly regions: Readonly<Record<string, Partial<Readonly<Record<string, QuotaValue>>>>>;
    /**
     * The opt-in regions (lib/regions.ts OPT_IN_REGIONS) the account has enabled, each as
     * `aws account get-region-opt-status --region-name REGION` reported it; absent or empty: none.
     * A stack in an opt-in region not recorded here is a plan error (scripts/lib/plan/opt-in-regions.ts).
     */
    readonly optInRegions?: Readonly<Record<string, OptInRecord>>;
}

/** An opt-in region the account has enabled: only ENABLED counts (ENABLING is not usable yet). */
export interface OptInRecord {
    readonly status: "ENABLED";
    readonly source: string;
}

/** The applied quotas, with where each value is written (for the error's file:line). */
export interface AppliedQuotas {
    readonly file: string;
    readonly quotas: QuotaFile;
    /** The file's text, to point at the line of a value; empty when the quotas came from elsewhere. */
    readonly text: string;
}

/** Problems with the file's content, each naming the path and what is expected. */
export function quotaFileProblems(quotas: unknown): string[] {
    const problems: string[] = [];
    const record = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
    const checkValue = (where: string, value: unknown, key: QuotaKey): void => {
        if (!record(value) || !Number.isInteger(value.value) || (value.value as number) < 0 || typeof value.source !== "string" || value.source === "") {
            problems.push(`${where}: expected { "value": a whole number, "source": where it comes from }`);
            return;
        }
        // A value AWS never grants is no record of the account: refused, not believed.
        const maximum = QUOTAS[key].maximum;
        if (maximum !== undefined && (value.value as number) > maximum.value) {
            problems.push(
                `${where}: ${value.value as number} is more than AWS grants for "${QUOTAS[key].name}" (at most ${maximum.value}: ${maximum.source}); ` +
                    `record the value AWS granted (aws service-quotas get-service-quota --region ${QUOTAS[key].accountWide?.region ?? "REGION"} --service-code ${QUOTAS[key].serviceCode} --quota-code ${QUOTAS[key].quotaCode ?? "CODE"})`,
            );
        }
    };
    if (!record(quotas) || !record(quotas.defaults) || !record(quotas.regions)) {
        return ['expected an object with "defaults" and "regions"'];
    }
    for (const key of QUOTA_KEYS) {
        checkValue(`/defaults/${key}`, quotas.defaults[key], key);
    }
    for (const key of Object.keys(quotas.defaults).filter((key) => !(QUOTA_KEYS as string[]).includes(key))) {
        problems.push(`/defaults/${key}: not a quota the plan counts; expected one of ${QUOTA_KEYS.join(", ")}`);
    }
    if (quotas.optInRegions !== undefined) {
        if (!record(quotas.optInRegions)) {
            problems.push('/optInRegions: expected an object of the opt-in regions the account has enabled, e.g. { "ap-south-2": { "status": "ENABLED", "source": "..." } }');
        } else {
            for (const [region, value] of Object.entries(quotas.optInRegions)) {
                if (!REGIONS.includes(region)) {
                    problems.push(`/optInRegions/${region}: not a supported AWS region (lib/regions.ts REGIONS)`);
                } else if (!isOptInRegion(region)) {
                    problems.push(`/optInRegions/${region}: not an opt-in region: AWS enables it in every account (lib/regions.ts OPT_IN_REGIONS); remove it`);
                } else if (!record(value) || value.status !== "ENABLED" || typeof value.source !== "string" || value.source === "") {
                    problems.push(
                        `/optInRegions/${region}: expected { "status": "ENABLED", "source": where it comes from } as aws account get-region-opt-status --region-name ${region} reports it; ` +
                            "record a region only once it says ENABLED (ENABLING is not usable yet)",
                    );
                }
            }
        }
    }
    for (const [region, values] of Object.entries(quotas.regions)) {
        if (!record(values)) {
            problems.push(`/regions/${region}: expected an object of quota values`);
            continue;
        }
        for (const [key, value] of Object.entries(values)) {
            const [base, family] = key.split(":", 2) as [string, string | undefined];
            const quota = (QUOTA_KEYS as string[]).includes(base) ? QUOTAS[base as QuotaKey] : undefined;
            if (quota === undefined) {
                problems.push(`/regions/${region}/${key}: not a quota the plan counts; expected one of ${QUOTA_KEYS.join(", ")}`);
            } else if (quota.perFamily === true && (family === undefined || !/^[a-z][a-z0-9-]*$/.test(family))) {
                problems.push(`/regions/${region}/${key}: ${base} is a quota of each instance family: write it as "${base}:FAMILY" (e.g. "${base}:m6i")`);
            } else if (quota.perFamily !== true && family !== undefined) {
                problems.push(`/regions/${region}/${key}: ${base} is not a quota per instance family: write it as "${base}"`);
            } else {
                checkValue(`/regions/${region}/${key}`, value, base as QuotaKey);
            }
        }
    }
    return problems;
}

/**
 * Reads the quota file (by default the checked-in one): its quotas, or its problems positioned as
 * the plan reports every problem (FILE:LINE:COLUMN: PATH: message), never an exception.
 */
export function readQuotas(root: string, file: string = QUOTA_FILE): { applied?: AppliedQuotas; problems: Problem[] } {
    const read = readJsonFile(root, file, "the plan counts quotas against it");
    if (read.text === undefined) {
        return { problems: read.problems };
    }
    const quotas = read.value;
    const problems = positionProblems(file, read.text, quotaFileProblems(quotas));
    return problems.length > 0 ? { problems } : { applied: { file, quotas: quotas as QuotaFile, text: read.text }, problems };
}

/** {@link readQuotas} for callers that cannot go on without the quotas: a broken file is thrown, naming it. */
export function loadQuotas(root: string, file: string = QUOTA_FILE): AppliedQuotas {
    const { applied, problems } = readQuotas(root, file);
    if (!applied) {
        throw new Error(problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`).join("\n"));
    }
    return applied;
}

/** The applied value of a quota in a region (of a per-family quota, for that family), and the JSON path it is written at. */
export function appliedQuota(quotas: QuotaFile, region: string, key: QuotaKey, family?: string): { value: number; path: string } {
    const written = family === undefined ? key : `${key}:${family}`;
    const raised = quotas.regions[region]?.[written];
    return raised ? { value: raised.value, path: `/regions/${region}/${written}` } : { value: quotas.defaults[key].value, path: `/defaults/${key}` };
}
