// The region each stack runs in, as `npm run preview|up` and CI's preview job (scripts/ci/stack-regions.ts)
// resolve it: a platform stack's from its name, a tenant's from its file, a recovery environment's or
// drill copy's from its production's off-site region.

import * as path from "node:path";

import { platformRegionOf, recoveryTargetOf } from "../../../lib/platform";
import { claimCacheFile } from "../../../stacks/config/claims";
import { loadFleetFilesAgainstDirectory } from "../../../stacks/config/load-fleet";
import { loadPlatformFleet } from "../../../stacks/config/platform-file";
import { platformConfigDir } from "../../../stacks/config/platform-index";
import { repoRoot, tenantConfigDir } from "../../../stacks/config/project";
import type { Tenant } from "../../../stacks/config/tenant";
import { formatProblem } from "../../../stacks/config/validate";

/** Why a stack's region cannot be known: one line, and the tenant or platform file's problems after it (each on a line of its own). */
export interface Unresolved {
    readonly ok: false;
    readonly message: string;
    readonly problems: string;
}

/** A stack's region, as preview and up run it; with its tenant (validated against the folder) for a tenant's stack. */
export type ResolvedStack = { ok: true; region: string; tenant?: Tenant } | Unresolved;

/**
 * The region a stack runs in: a platform stack's from its name, a tenant's from its file (validated
 * against the folder, claims included), a recovery environment's or drill copy's from its
 * production's off-site region. The preview job of CI takes its stacks' regions from here too
 * (scripts/ci/stack-regions.ts).
 */
export function stackRegion(stack: string): ResolvedStack {
    const region = platformRegionOf(stack);
    if (region !== undefined) {
        // Its program reads platform-configs/<region>.yaml: without a valid one, nothing is run (as for a tenant without a file).
        const fleet = loadPlatformFleet(platformConfigDir(), repoRoot());
        if (!fleet.settings.has(region)) {
            return {
                ok: false,
                message: `no platform "${stack}": its platform file ${fleet.dir}/${region}.yaml is missing or invalid (a region gets its file before its first stack)`,
                problems: fleet.problems.map((problem) => `\n${formatProblem(problem)}`).join(""),
            };
        }
        return { ok: true, region };
    }
    const recoverySide = recoveryTargetOf(stack);
    if (recoverySide !== undefined) {
        return recoverySideRegion(stack, recoverySide.production);
    }
    const loaded = tenantOf(stack);
    return loaded.ok ? { ok: true, region: loaded.tenant.region, tenant: loaded.tenant } : loaded;
}

/** A tenant's file, validated against the folder (claims included); or why it cannot be used. */
function tenantOf(stack: string): { ok: true; tenant: Tenant } | Unresolved {
    const fleet = loadFleetFilesAgainstDirectory([path.join(tenantConfigDir(), `${stack}.yaml`)], { claimCache: claimCacheFile() });
    const tenant = fleet.tenants[0];
    if (fleet.problems.some((problem) => problem.message === "no such file")) {
        return { ok: false, message: `no tenant "${stack}": there is no tenant-configs/${stack}.yaml (platform stacks are named platform-<region>, recovery environments <tenant>-recovery, drill copies <tenant>-drill)`, problems: "" };
    }
    if (fleet.problems.length > 0 || tenant === undefined) {
        return { ok: false, message: `tenant file of ${stack} is invalid`, problems: fleet.problems.map((problem) => `\n${formatProblem(problem)}`).join("") };
    }
    return { ok: true, tenant };
}

/**
 * The region of a recovery environment (`acme-recovery`, `platform-eu-west-1-recovery`) or drill
 * copy (`acme-drill`): its production's off-site region, where the backups are copied and the
 * program puts it (stacks/recovery.ts, stacks/platform-recovery.ts), read from the production's
 * tenant file or platform file. saas and dedicated-saas tenants have none of their own.
 */
export function recoverySideRegion(stack: string, production: string): { ok: true; region: string } | Unresolved {
    const platformRegion = platformRegionOf(production);
    if (platformRegion !== undefined) {
        const fleet = loadPlatformFleet(platformConfigDir(), repoRoot());
        const settings = fleet.settings.get(platformRegion);
        if (settings === undefined) {
            return {
                ok: false,
                message: `${stack} is the recovery side of ${production}, whose platform file ${fleet.dir}/${platformRegion}.yaml is missing or invalid`,
                problems: fleet.problems.map((problem) => `\n${formatProblem(problem)}`).join(""),
            };
        }
        return { ok: true, region: settings.offsiteRegion };
    }
    const loaded = tenantOf(production);
    if (!loaded.ok) {
        return { ...loaded, message: `${stack} is the recovery side of ${production}: ${loaded.message}` };
    }
    const { tenant } = loaded;
    if (tenant.mode === "saas" || tenant.mode === "dedicated-saas") {
        return { ok: false, message: `tenant ${tenant.id} (${tenant.mode}) has no ${stack} stack: the platform's recovery (platform-${tenant.region}${stack.slice(production.length)}) carries it`, problems: "" };
    }
    return { ok: true, region: tenant.offsiteRegion };
}
