// The rules as CrossGuard policies: resource rules become resource policies, stack rules stack
// policies, each with the rule's name, description and enforcement. Separate from index.ts (which
// starts the pack's server) so that tests can run the policies with the arguments CrossGuard gives.

import * as fs from "node:fs";
import * as path from "node:path";

import { UnknownValueError } from "@pulumi/policy";
import type { PolicyResource as CrossGuardResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";

import { isoDay } from "../stacks/config/canary-runtimes";
import { Tenant } from "../stacks/config/tenant";
import { loadFleet, TENANT_CONFIG_DIR } from "../stacks/config/validate";
import { PLATFORM_CONFIG_DIR, platformIndex } from "../stacks/config/platform-index";
import { operationsCidrsOf, PLATFORM_DEFAULTS } from "../stacks/platform-settings";
import { findingsOf } from "./rules/evaluate";
import { HostOwnership, PolicyResource, PolicySettings, PolicyStack, Rule, StackKind } from "./rules/types";

const KINDS: readonly StackKind[] = ["saas", "dedicated-saas", "physical", "cloud", "vpn", "vpn-sync", "platform"];

/** Pack config (`pulumi config` of the policy pack, or `--policy-pack-config`). */
export interface PackConfig {
    /** The operations network: CIDRs administration ports may admit. Default: the platform default's admin tier. */
    readonly operationsCidrs?: string[];
    /** The day calendar rules judge on (`YYYY-MM-DD`). Default: the current day, UTC. */
    readonly today?: string;
    /** The platform's base domain (platform setting `baseDomain`). Default: the one platform-configs/ beside the pack names, else `itm.example.net`. */
    readonly baseDomain?: string;
}

export const CONFIG_SCHEMA = {
    properties: {
        operationsCidrs: { type: "array" as const, items: { type: "string" as const }, description: "The operations network (the platform's admin tier)" },
        today: { type: "string" as const, description: "The day calendar rules judge on (YYYY-MM-DD); default: the current day, UTC" },
        baseDomain: { type: "string" as const, description: "The platform's base domain (platform setting baseDomain)" },
    },
};

/** The stack's kind from the provider's default tags (`mode`), where they say it. */
export function kindFromProvider(props: Record<string, unknown> | undefined): StackKind | undefined {
    let tags = (props?.defaultTags as { tags?: Record<string, unknown> } | string | undefined) ?? undefined;
    if (typeof tags === "string") {
        try {
            tags = JSON.parse(tags) as { tags?: Record<string, unknown> };
        } catch {
            return undefined;
        }
    }
    const mode = (tags as { tags?: Record<string, unknown> } | undefined)?.tags?.mode;
    return typeof mode === "string" && (KINDS as readonly string[]).includes(mode) ? (mode as StackKind) : undefined;
}

/**
 * The other tenants, read from the tenant files beside the pack: CrossGuard sees one stack, and
 * isolation needs the names of the others. Their ids only; ids of their resources are not known here.
 */
export function otherTenantsFromFiles(stack: string, dir = path.resolve(__dirname, "..", "tenant-configs")): PolicySettings["otherTenants"] {
    let files: string[] = [];
    try {
        files = fs.readdirSync(dir).filter((file) => file.endsWith(".yaml"));
    } catch {
        return [];
    }
    return files
        .map((file) => file.slice(0, -".yaml".length))
        .filter((tenant) => tenant !== stack)
        .map((tenant) => ({ tenant, markers: [] }));
}

/** The host name each tenant serves: `<subdomain>.<baseDomain>` or its own domain; saas tenants none. */
export function hostsOfTenants(tenants: readonly Tenant[], baseDomain: string): HostOwnership {
    return {
        baseDomain,
        tenants: tenants.flatMap((tenant) =>
            tenant.mode === "saas" ? [] : [{ tenant: tenant.id, host: tenant.domain.kind === "own" ? tenant.domain.fqdn : `${tenant.domain.label}.${baseDomain}` }],
        ),
    };
}

const tenantsOfDirectory = new Map<string, readonly Tenant[]>();

/**
 * The host names of the fleet, from the tenant files beside the pack (as the program reads them:
 * CrossGuard shows neither the stack's outputs nor the other stacks). A file the validator refuses
 * declares nothing, so its stack owns no host name. Read once per directory per run.
 */
export function hostsFromFiles(baseDomain: string, dir = TENANT_CONFIG_DIR): HostOwnership {
    let tenants = tenantsOfDirectory.get(dir);
    if (tenants === undefined) {
        tenants = loadFleet({ dir }).tenants;
        tenantsOfDirectory.set(dir, tenants);
    }
    return hostsOfTenants(tenants, baseDomain);
}

/** Where the pack reads the fleet from. */
export interface PackOptions {
    /** The tenant folder the other tenants and the fleet's host names are read from. Default: tenant-configs/ beside the pack. */
    readonly tenantDir?: string;
    /** The platform settings folder the base domain is read from. Default: platform-configs/ beside the pack. */
    readonly platformDir?: string;
}

/**
 * The platform's base domain as the pack judges host names against it: the pack config's
 * `baseDomain` where set, else the one the platform settings files beside the pack agree on
 * (platform-configs/<region>.yaml, the platform's own source), else the platform default.
 */
export function packBaseDomain(config: PackConfig, platformDir: string = PLATFORM_CONFIG_DIR): string {
    return config.baseDomain ?? platformIndex(platformDir).baseDomain ?? PLATFORM_DEFAULTS.baseDomain;
}

function settingsOf(config: PackConfig, stack: string, options: PackOptions): PolicySettings {
    return {
        operationsCidrs: config.operationsCidrs ?? operationsCidrsOf(PLATFORM_DEFAULTS),
        otherTenants: otherTenantsFromFiles(stack, options.tenantDir),
        today: config.today ?? isoDay(new Date()),
        // Read (and the fleet validated) only when a rule asks: most policies never do.
        get hosts(): HostOwnership {
            return hostsFromFiles(packBaseDomain(config, options.platformDir), options.tenantDir);
        },
    };
}

function stackName(urn: string): string {
    // urn:pulumi:<stack>::<project>::<type>::<name>
    return urn.split(":")[2] ?? "";
}

/** The resource's id where CrossGuard shows it; undefined while unknown (a resource a preview creates). */
function idOf(resource: CrossGuardResource): string | undefined {
    try {
        return typeof resource.props.id === "string" ? resource.props.id : undefined;
    } catch (error) {
        if (isUnknownValue(error)) {
            return undefined;
        }
        throw error;
    }
}

function fromCrossGuard(resource: CrossGuardResource): PolicyResource {
    return {
        type: resource.type,
        name: resource.name,
        id: idOf(resource),
        parent: resource.parent?.name ?? null,
        props: resource.props,
        protect: resource.opts.protect,
        // CrossGuard does not show retainOnDelete; the rules that need it are offline-only.
        retainOnDelete: false,
    };
}

/** True for the error CrossGuard's proxy throws when a rule reads a value still unknown in a preview. */
function isUnknownValue(error: unknown): boolean {
    return error instanceof UnknownValueError;
}

/**
 * A resource rule as CrossGuard runs it: a stack policy that judges each resource of the rule's
 * types with the whole stack in view. A resource policy would see only its one resource, and most
 * rules follow references (the web ACL associated with a load balancer, the lock of a vault, the
 * flow log of a VPC): judged alone, every compliant resource would fail in every real preview.
 * A value still unknown during a preview skips that resource only (CrossGuard would skip it as a
 * resource policy too); every other resource is judged.
 */
export function resourcePolicy(rule: Extract<Rule, { kind: "resource" }>, options: PackOptions = {}): StackValidationPolicy {
    return {
        name: rule.name,
        description: `${rule.description} (${rule.why})`,
        enforcementLevel: rule.enforcement,
        configSchema: CONFIG_SCHEMA,
        validateStack: (args: StackValidationArgs, reportViolation) => {
            const stack = stackOf(args);
            const settings = settingsOf(args.getConfig<PackConfig>(), stack.stack, options);
            args.resources.forEach((resource, i) => {
                if (!rule.resourceTypes.includes(resource.type)) {
                    return;
                }
                let messages: string[];
                try {
                    messages = rule.validate(stack.resources[i]!, stack, settings);
                } catch (error) {
                    if (isUnknownValue(error)) {
                        return;
                    }
                    throw error;
                }
                for (const message of messages) {
                    reportViolation(message, resource.urn);
                }
            });
        },
    };
}

/** The stack CrossGuard shows, as the rules see it (resources in CrossGuard's order). */
function stackOf(args: StackValidationArgs): PolicyStack {
    const resources = args.resources.map(fromCrossGuard);
    const provider = args.resources.find((resource) => resource.type === "pulumi:providers:aws");
    const name = args.resources[0] ? stackName(args.resources[0].urn) : "";
    return { stack: name, kind: kindFromProvider(provider?.props), resources };
}

export function stackPolicy(rule: Extract<Rule, { kind: "stack" }>, options: PackOptions = {}): StackValidationPolicy {
    return {
        name: rule.name,
        description: `${rule.description} (${rule.why})`,
        enforcementLevel: rule.enforcement,
        configSchema: CONFIG_SCHEMA,
        validateStack: (args: StackValidationArgs, reportViolation) => {
            const stack = stackOf(args);
            const byName = new Map(args.resources.map((resource) => [resource.name, resource.urn]));
            for (const finding of rule.validate(stack, settingsOf(args.getConfig<PackConfig>(), stack.stack, options))) {
                reportViolation(finding.message, byName.get(finding.resource));
            }
        },
    };
}

/** Every rule CrossGuard can judge, as its policies (offline-only rules are left to the plan). */
export function crossGuardPolicies(rules: readonly Rule[], options: PackOptions = {}): StackValidationPolicy[] {
    return rules.filter((rule) => rule.offlineOnly === undefined).map((rule) => (rule.kind === "resource" ? resourcePolicy(rule, options) : stackPolicy(rule, options)));
}

export { findingsOf };
