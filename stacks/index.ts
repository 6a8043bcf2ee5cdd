// The program behind every stack: `platform-<region>` runs the shared platform, any other stack
// name is a tenant id whose file is loaded, validated and dispatched to its mode's program.

import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { loadFleetFilesAgainstDirectory } from "./config/load-fleet";
import { repoRoot, tenantConfigDir } from "./config/project";
import { displayName } from "./config/tenant-files";
import { formatProblem } from "./config/validate";
import { Tenant } from "./config/tenant";
import { StackOutputs } from "./context";
import { platformRegionOf, RecoveryKind, recoveryTargetOf } from "../lib/platform";
import { cloud } from "./cloud";
import { dedicatedSaas } from "./dedicated-saas";
import { physical } from "./physical";
import { platform } from "./platform";
import { platformRecovery, platformRecoveryOf } from "./platform-recovery";
import { recoveryProgram } from "./recovery";
import { PlatformSettings } from "./config/platform-settings";
import type { PlatformFleet } from "./config/platform-file";
import { saas } from "./saas";
import { vpn } from "./vpn";
import { vpnSync } from "./vpn-sync";

export { StackOutputs };

/**
 * Registers the resources of one tenant's mode and returns its stack outputs (a promise where the
 * mode reads values of the platform stack first).
 */
export function tenantProgram(tenant: Tenant): StackOutputs | Promise<StackOutputs> {
    switch (tenant.mode) {
        case "saas":
            return saas(tenant);
        case "dedicated-saas":
            return dedicatedSaas(tenant);
        case "physical":
            return physical(tenant);
        case "cloud":
            return cloud(tenant);
        case "vpn":
            return vpn(tenant);
        case "vpn-sync":
            return vpnSync(tenant);
        default: {
            const unreachable: never = tenant;
            throw new Error(`unknown mode ${(unreachable as Tenant).mode}`);
        }
    }
}

/** `settings`: the region's platform settings; by default its file in platform-configs/. */
export function platformProgram(region: string, settings?: PlatformSettings): Promise<StackOutputs> {
    return platform(region, settings);
}

/** The recovery environment (or drill copy) of the platform of `region`, in its off-site region; `platforms`: the platform files
 * (default: platform-configs/); `fleet`: the tenants (default: the tenant files). */
export function platformRecoveryProgram(region: string, kind: RecoveryKind = "recovery", settings?: PlatformSettings, platforms?: PlatformFleet, fleet?: readonly Tenant[]): StackOutputs {
    return platformRecovery(region, kind, settings, platforms, fleet);
}

/**
 * Loads and validates the tenant of a stack against the whole fleet. An invalid file fails the
 * update with the validator's lines, before any resource is registered.
 */
export function loadStackTenant(stack: string, dir: string = tenantConfigDir()): Tenant {
    const file = path.join(dir, `${stack}.yaml`);
    // No claims cache: a deployment writes nothing beside the program and trusts no earlier run.
    const fleet = loadFleetFilesAgainstDirectory([file], { dir });
    // Files are named from the project root: the host runs the program in the folder of its main
    // (dist/), where names relative to the working directory would start with "../".
    const shown = (name: string): string => displayName(path.resolve(name), repoRoot());
    if (fleet.problems.some((problem) => problem.message === "no such file")) {
        throw new pulumi.RunError(
            `stack "${stack}" has no tenant file ${shown(file)}: a tenant stack's name is its tenant id ` +
                `(create that file to add the tenant), and platform stacks are named platform-<region>`,
        );
    }
    const tenant = fleet.tenants[0];
    if (fleet.problems.length > 0 || tenant === undefined) {
        const lines = fleet.problems.map((problem) => formatProblem({ ...problem, file: shown(problem.file) }));
        throw new pulumi.RunError(`tenant file ${shown(file)} is invalid:\n${lines.join("\n")}`);
    }
    return tenant;
}

/**
 * The stack's whole program, as Pulumi's language host runs it. `<tenant>-recovery` and
 * `<tenant>-drill` run the recovery environment of the tenant (stacks/recovery.ts), from its file.
 */
export function stackProgram(stack: string = pulumi.getStack()): StackOutputs | Promise<StackOutputs> {
    const region = platformRegionOf(stack);
    if (region !== undefined) {
        return platformProgram(region);
    }
    const platformRecovery = platformRecoveryOf(stack);
    if (platformRecovery !== undefined) {
        return platformRecoveryProgram(platformRecovery.region, platformRecovery.kind);
    }
    const recovery = recoveryTargetOf(stack);
    if (recovery !== undefined) {
        return recoveryProgram(loadStackTenant(recovery.production), recovery.kind);
    }
    return tenantProgram(loadStackTenant(stack));
}
