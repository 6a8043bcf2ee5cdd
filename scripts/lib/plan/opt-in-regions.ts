// The regions the account can use: AWS enables in every account only the regions launched before
// 20 March 2019; an opt-in region (lib/regions.ts OPT_IN_REGIONS) is disabled until the account
// enables it, and `pulumi up` into it fails (AWS Account Management Reference Guide, "Specify which
// AWS Regions your account can use"). The account's enabled opt-in regions are a recorded fact,
// `optInRegions` of the quota file, as its granted quotas are: every planned stack (tenant,
// recovery, platform, platform recovery) in an opt-in region not recorded there is a plan error at
// the field of its file that put it there, and so is a region a stack's resources go into through
// another provider of its (offsiteRegionStacks: a dedicated-saas tenant's off-site vault). Pure but
// for reading that file, to point at the line.

import * as fs from "node:fs";
import * as path from "node:path";

import { OPT_IN_REGIONS, isOptInRegion, PARTNER_REGIONS } from "../../../lib/regions";
import { parseTenantSource } from "../../../stacks/config/source";
import { Problem } from "../../../stacks/config/validate";
import type { PlannedResource } from "./engine";
import type { AppliedQuotas } from "./quota-file";

/** A planned stack, as far as this check reads it. */
export interface RegionStack {
    readonly tenant: string;
    readonly mode: string;
    readonly region: string;
    readonly source: string;
    /** A recovery environment's production stack; absent for production stacks. */
    readonly recoveryOf?: string;
    /** Set when `region` is not the stack's own but its off-site provider's ({@link offsiteRegionStacks}). */
    readonly offsite?: true;
}

/** The type of the AWS providers a stack registers: its resources go into each one's `region`. */
export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

/**
 * The regions the stacks' resources go into besides their own, through another AWS provider of
 * theirs, where no stack of the same file is planned, each as a stack to judge at its file's
 * off-site field. A dedicated-saas tenant has no recovery environment, yet its off-site backup
 * vault and key are created by its own stack in its backup.offsiteRegion; a cloud tenant's off-site
 * region is its recovery stack's, and a platform's its recovery's, judged as those.
 */
export function offsiteRegionStacks(stacks: readonly (RegionStack & { readonly resources: readonly PlannedResource[] })[]): RegionStack[] {
    const planned = new Set(stacks.map((stack) => `${stack.source}\0${stack.region}`));
    const found: RegionStack[] = [];
    for (const stack of stacks) {
        for (const provider of stack.resources.filter((resource) => resource.type === AWS_PROVIDER_TYPE)) {
            const region = provider.inputs.region;
            if (typeof region === "string" && !planned.has(`${stack.source}\0${region}`)) {
                planned.add(`${stack.source}\0${region}`);
                found.push({ tenant: stack.tenant, mode: stack.mode, region, source: stack.source, ...(stack.recoveryOf !== undefined ? { recoveryOf: stack.recoveryOf } : {}), offsite: true });
            }
        }
    }
    return found;
}

/** The field of the stack's file that puts it in its region. */
function fieldOf(stack: RegionStack): string {
    if (stack.recoveryOf === undefined && stack.offsite === undefined) {
        return "/region";
    }
    return stack.mode === "platform" ? "/offsiteRegion" : "/backup/offsiteRegion";
}

/** Where `pointer` is written in the file, or (unwritten, a default) its `region`; line 1 when unreadable. */
function position(file: string, pointer: string): { line: number; column: number; written: boolean } {
    try {
        const bytes = fs.readFileSync(path.resolve(file));
        const { source } = parseTenantSource(file, bytes);
        if (source) {
            const segments = pointer.split("/").filter(Boolean);
            let node: unknown = source.data;
            for (const segment of segments) {
                node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[segment] : undefined;
            }
            const written = node !== undefined;
            return { ...source.locate(written ? pointer : "/region"), written };
        }
    } catch {
        // A file that is not on disk (a plan of documents built in memory): its first line.
    }
    return { line: 1, column: 1, written: true };
}

/** Every stack in an opt-in region the account has not recorded as enabled, at its file's field. */
export function optInRegionProblems(stacks: readonly RegionStack[], applied: AppliedQuotas): Problem[] {
    const enabled = applied.quotas.optInRegions ?? {};
    const problems: Problem[] = [];
    const read = new Map<string, ReturnType<typeof position>>();
    for (const stack of stacks) {
        if (!isOptInRegion(stack.region) || enabled[stack.region]?.status === "ENABLED") {
            continue;
        }
        const field = fieldOf(stack);
        const key = `${stack.source}\0${field}`;
        const at = read.get(key) ?? position(stack.source, field);
        read.set(key, at);
        const region = stack.region;
        const how = at.written ? field : `${field}, unwritten: the default off-site region of its region (lib/regions.ts PARTNER_REGIONS)`;
        const instead =
            field === "/region"
                ? "or choose a region AWS enables in every account"
                : `or set ${field === "/offsiteRegion" ? "offsiteRegion" : "backup.offsiteRegion"} to a region AWS enables in every account`;
        const partner = field !== "/region" && !at.written ? ` (${Object.keys(PARTNER_REGIONS).filter((home) => PARTNER_REGIONS[home] === region).join(", ")} back up there by default)` : "";
        problems.push({
            file: stack.source,
            line: at.line,
            column: at.column,
            path: field,
            message:
                `${stack.tenant} deploys into ${region} (${how}), an opt-in region launched ${OPT_IN_REGIONS[region]}: AWS keeps it disabled in an account until it is enabled, ` +
                `and ${applied.file} does not record it as enabled (optInRegions), so pulumi up there would fail${partner}. ` +
                `Enable it (aws account enable-region --region-name ${region}; wait until aws account get-region-opt-status --region-name ${region} says ENABLED), ` +
                `then record it as optInRegions."${region}": { "status": "ENABLED", "source": "..." } in ${applied.file}; ${instead}`,
        });
    }
    return problems;
}
