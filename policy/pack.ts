// The rules as CrossGuard policies: resource rules become resource policies, stack rules stack
// policies, each with the rule's name, description and enforcement. Separate from index.ts (which
// starts the pack's server) so that tests can run the policies with the arguments CrossGuard gives.

import { UnknownValueError } from "@pulumi/policy";
import type { PolicyResource as CrossGuardResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";

import { isoDay } from "../lib/canary-runtimes";
import { STACK_KINDS } from "../lib/modes";
import { DEFAULT_BASE_DOMAIN, DEFAULT_PLATFORM_NETWORK, operationsCidrsOf } from "../lib/platform";
import { DEFAULT_PLATFORM_DIR, DEFAULT_TENANT_DIR, FleetUnreadable, hostClaims, platformBaseDomain, tenantIds } from "./fleet-files";
import { findingsOf } from "./rules/evaluate";
import { HostOwnership, PolicyResource, PolicySettings, PolicyStack, Rule, StackKind } from "./rules/types";

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
    return typeof mode === "string" && (STACK_KINDS as readonly string[]).includes(mode) ? (mode as StackKind) : undefined;
}

/**
 * The other tenants, read from the tenant files beside the pack: CrossGuard sees one stack, and
 * isolation needs the names of the others. Their ids only; ids of their resources are not known here.
 * FleetUnreadable when the folder cannot be read.
 */
export function otherTenantsFromFiles(stack: string, dir: string = DEFAULT_TENANT_DIR): PolicySettings["otherTenants"] {
    return tenantIds(dir)
        .filter((tenant) => tenant !== stack)
        .map((tenant) => ({ tenant, markers: [] }));
}

/**
 * The host names of the fleet, from the tenant files beside the pack (as the program reads them:
 * CrossGuard shows neither the stack's outputs nor the other stacks). A claim the contract refuses
 * declares nothing (lib/hosts.ts). FleetUnreadable when the folder cannot be read.
 */
export function hostsFromFiles(baseDomain: string, dir: string = DEFAULT_TENANT_DIR): HostOwnership {
    return { baseDomain, tenants: hostClaims(baseDomain, dir) };
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
export function packBaseDomain(config: PackConfig, platformDir: string = DEFAULT_PLATFORM_DIR): string {
    return config.baseDomain ?? platformBaseDomain(platformDir) ?? DEFAULT_BASE_DOMAIN;
}

function settingsOf(config: PackConfig, stack: string, options: PackOptions): PolicySettings {
    return {
        operationsCidrs: config.operationsCidrs ?? operationsCidrsOf({ networkCidr: DEFAULT_PLATFORM_NETWORK }),
        today: config.today ?? isoDay(new Date()),
        // Read only when a rule asks: most policies never do.
        get otherTenants(): PolicySettings["otherTenants"] {
            return otherTenantsFromFiles(stack, options.tenantDir);
        },
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

/** The violation of a rule that could not see what it needs: never a silent pass. */
function cannotJudge(error: FleetUnreadable): string {
    return `cannot judge this stack: ${error.message}; run the pack from the repository (tenant-configs/ and platform-configs/ beside policy/)`;
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
            for (const [i, resource] of args.resources.entries()) {
                if (!rule.resourceTypes.includes(resource.type)) {
                    continue;
                }
                let messages: string[];
                try {
                    messages = rule.validate(stack.resources[i]!, stack, settings);
                } catch (error) {
                    if (isUnknownValue(error)) {
                        continue;
                    }
                    if (error instanceof FleetUnreadable) {
                        reportViolation(cannotJudge(error));
                        return;
                    }
                    throw error;
                }
                for (const message of messages) {
                    reportViolation(message, resource.urn);
                }
            }
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
            let findings: ReturnType<typeof rule.validate>;
            try {
                findings = rule.validate(stack, settingsOf(args.getConfig<PackConfig>(), stack.stack, options));
            } catch (error) {
                if (error instanceof FleetUnreadable) {
                    reportViolation(cannotJudge(error));
                    return;
                }
                throw error;
            }
            for (const finding of findings) {
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
