// What the pack reads of the repository beside it: the tenant files (other tenants' ids and host
// names, which CrossGuard, seeing one stack, cannot show) and the platform settings files (the
// base domain). Read with `yaml` alone, as the contracts define them, so the pack needs nothing
// of the program it judges. A folder that cannot be read is never taken for an empty fleet: the
// rules that need it say they cannot judge (FleetUnreadable), as cdk-nag reports a rule that fails
// to evaluate instead of passing it.

import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { claimedHost } from "../lib/hosts";

/** The folder a rule needed could not be read: the rule cannot judge, which is not a pass. */
export class FleetUnreadable extends Error {}

/** The tenant folder beside the pack: `tenant-configs/` of the repository. */
export const DEFAULT_TENANT_DIR = path.resolve(__dirname, "..", "tenant-configs");
/** The platform settings folder beside the pack: `platform-configs/` of the repository. */
export const DEFAULT_PLATFORM_DIR = path.resolve(__dirname, "..", "platform-configs");

function reason(error: unknown): string {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${(error as Error).message.split(":")[0]} (${code})` : (error as Error).message;
}

/** The `.yaml` files of a folder, sorted; FleetUnreadable when the folder cannot be listed. */
export function yamlFiles(dir: string, what: string): string[] {
    try {
        return fs
            .readdirSync(dir)
            .filter((file) => file.endsWith(".yaml"))
            .sort();
    } catch (error) {
        throw new FleetUnreadable(`cannot read the ${what} in ${dir}: ${reason(error)}`);
    }
}

/** A file's YAML document, or undefined when it is not one (the validator reports it; it declares nothing). */
function documentOf(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new FleetUnreadable(`cannot read ${file}: ${reason(error)}`);
    }
    try {
        // A carriage return alone is a line break in YAML 1.2, which `yaml` reads as part of a line.
        return parse(text.replace(/\r(?!\n)/g, "\n"));
    } catch {
        return undefined;
    }
}

/** The tenant ids of the folder's files (a file's name is its tenant id and stack name). */
export function tenantIds(dir: string = DEFAULT_TENANT_DIR): string[] {
    return yamlFiles(dir, "tenant files").map((file) => file.slice(0, -".yaml".length));
}

/**
 * The host name each tenant file claims under `baseDomain` (lib/hosts.ts), in file order. A claim
 * the contract refuses, and a name two files claim (the validator refuses both), count for nobody.
 */
export function hostClaims(baseDomain: string, dir: string = DEFAULT_TENANT_DIR): { readonly tenant: string; readonly host: string }[] {
    const claims = yamlFiles(dir, "tenant files").flatMap((file) => {
        const host = claimedHost(documentOf(path.join(dir, file)), baseDomain);
        return host === undefined ? [] : [{ tenant: file.slice(0, -".yaml".length), host }];
    });
    const count = new Map<string, number>();
    for (const { host } of claims) {
        count.set(host.toLowerCase(), (count.get(host.toLowerCase()) ?? 0) + 1);
    }
    return claims.filter(({ host }) => count.get(host.toLowerCase()) === 1);
}

/**
 * The base domain the platform settings files agree on (`baseDomain` of platform-configs/<region>.yaml),
 * or undefined when they do not say or disagree (the platform's validator refuses disagreement). A
 * missing folder says nothing (a repository without platform files uses the default).
 */
export function platformBaseDomain(dir: string = DEFAULT_PLATFORM_DIR): string | undefined {
    if (!fs.existsSync(dir)) {
        return undefined;
    }
    const domains = new Set(
        yamlFiles(dir, "platform settings files").flatMap((file) => {
            const value = (documentOf(path.join(dir, file)) as { baseDomain?: unknown } | undefined)?.baseDomain;
            return typeof value === "string" ? [value] : [];
        }),
    );
    return domains.size === 1 ? [...domains][0] : undefined;
}
