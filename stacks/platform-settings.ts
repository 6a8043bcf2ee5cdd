// The platform's settings: the platform stack's config with documented defaults, validated before
// anything is registered. Its outputs (PlatformOutputs) are what tenant stacks read.

import * as pulumi from "@pulumi/pulumi";

import { isCanonicalCidr } from "./config/ipv4";

export interface PlatformSettings {
    /** `baseDomain`: tenants get `<subdomain>.<baseDomain>`, the shared app `app.<baseDomain>`. Default `itm.example.net`. */
    readonly baseDomain: string;
    /**
     * `operationsCidrs`: the operations network (the operations staff's Client VPN range), the only
     * source of administration traffic and the only destination of tenants' admin tiers.
     * Default `["10.15.0.0/16"]`, inside the platform's block 10.0.0.0/12.
     */
    readonly operationsCidrs: readonly string[];
    /**
     * `suspiciousNetworks`: networks denied by every tenant's network ACLs and web firewall.
     * Default: a short list of ranges seen in abuse reports; operations keep it current in config.
     */
    readonly suspiciousNetworks: readonly string[];
}

export const PLATFORM_DEFAULTS: PlatformSettings = {
    baseDomain: "itm.example.net",
    operationsCidrs: ["10.15.0.0/16"],
    suspiciousNetworks: ["45.155.205.0/24", "185.156.73.0/24", "193.32.162.0/24"],
};

/** Network ACLs hold 20 rules per direction; the tenant network keeps room for its allow rules. */
export const MAX_SUSPICIOUS_NETWORKS = 16;

/** Problems with platform settings, each naming the config key, the value and what is allowed. */
export function platformSettingsProblems(settings: PlatformSettings): string[] {
    const problems: string[] = [];
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(settings.baseDomain)) {
        problems.push(`baseDomain: "${settings.baseDomain.slice(0, 100)}" is not a lowercase DNS name (e.g. itm.example.net)`);
    }
    const cidrList = (key: string, values: readonly string[], min: number, max: number): void => {
        if (values.length < min || values.length > max) {
            problems.push(`${key}: has ${values.length} entries; expected ${min} to ${max}`);
        }
        values.forEach((value, i) => {
            if (typeof value !== "string" || !isCanonicalCidr(value)) {
                problems.push(`${key}[${i}]: "${String(value).slice(0, 60)}" is not an IPv4 CIDR in canonical form (e.g. 10.15.0.0/16)`);
            }
        });
    };
    cidrList("operationsCidrs", settings.operationsCidrs, 1, 10);
    cidrList("suspiciousNetworks", settings.suspiciousNetworks, 0, MAX_SUSPICIOUS_NETWORKS);
    return problems;
}

function list(config: pulumi.Config, key: string, fallback: readonly string[]): readonly string[] {
    const raw = config.get(key);
    if (raw === undefined) {
        return fallback;
    }
    try {
        const parsed: unknown = JSON.parse(raw);
        if (Array.isArray(parsed)) {
            return parsed as string[];
        }
    } catch {
        // fall through to the error below
    }
    throw new pulumi.RunError(`platform config ${key}: expected a JSON list of CIDRs, e.g. ["10.15.0.0/16"]`);
}

/** Reads and validates the platform settings; a bad value fails the update before any resource. */
export function readPlatformSettings(config: pulumi.Config): PlatformSettings {
    const settings: PlatformSettings = {
        baseDomain: config.get("baseDomain") ?? PLATFORM_DEFAULTS.baseDomain,
        operationsCidrs: list(config, "operationsCidrs", PLATFORM_DEFAULTS.operationsCidrs),
        suspiciousNetworks: list(config, "suspiciousNetworks", PLATFORM_DEFAULTS.suspiciousNetworks),
    };
    const problems = platformSettingsProblems(settings);
    if (problems.length > 0) {
        throw new pulumi.RunError(`invalid platform config:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    }
    return settings;
}
