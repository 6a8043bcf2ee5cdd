// The external check checks this stack (security documentation, 8: "checks that the platform is
// offering a correct service"): a canary requesting another host (example.com, the shared app,
// another tenant's) runs every five minutes and alarms, and proves nothing about this stack.

import { edgeHostName, normalHostName } from "../../../lib/hosts";
import { isReservedTenantId, recoveryTargetOf } from "../../../lib/platform";
import { ofType } from "../graph";
import { PolicyResource, PolicyStack, PolicySettings, ResourceRule } from "../types";
import { CANARY_TYPE } from "./enforceAvailabilityCheckSchedule";

const CERTIFICATE = "aws:acm/certificate:Certificate";

/** The environment variable the check's script reads its target from (components/availability-check.ts CANARY_SCRIPT). */
export const CHECK_URL_VARIABLE = "CHECK_URL";

/** The host names a canary of this stack may check, and where they come from (for the message); or why none can be told. */
type Expected = { readonly hosts: readonly string[]; readonly of: string } | { readonly none: string };

/** The host of a URL the program builds (`https://<host>`), or undefined. */
function hostOfUrl(url: unknown): string | undefined {
    if (typeof url !== "string") {
        return undefined;
    }
    try {
        return normalHostName(new URL(url).hostname);
    } catch {
        return undefined;
    }
}

/** A tenant's host name: the fleet's (the plan's `url` outputs, the pack's tenant files), else the stack's own `url` output. */
function tenantHost(tenant: string, stack: PolicyStack, settings: PolicySettings): string | undefined {
    const declared = settings.hosts?.tenants.find((entry) => entry.tenant === tenant)?.host;
    if (declared !== undefined) {
        return normalHostName(declared);
    }
    return tenant === stack.stack ? hostOfUrl(stack.outputs?.url) : undefined;
}

/** The names the stack's ACM certificates are requested for: what its front door serves. */
function certificateNames(stack: PolicyStack): string[] {
    return ofType(stack, CERTIFICATE)
        .map((certificate) => certificate.props.domainName)
        .filter((name): name is string => typeof name === "string")
        .map(normalHostName);
}

/**
 * The host name this stack's front door for a tenant serves (a platform recovery's `<tenant>-front-door`,
 * stacks/platform-recovery-tenants.ts): its certificate's name, or the alternative name when the name
 * is too long to be the first (components/domain-certificate.ts). For a plan of the platform's
 * recovery alone, whose document holds no stack of the tenant to declare its host.
 */
function doorHost(tenant: string, stack: PolicyStack): string | undefined {
    const names = ofType(stack, CERTIFICATE)
        .filter((certificate) => certificate.parent === `${tenant}-front-door`)
        .map((certificate) => {
            const alternatives = certificate.props.subjectAlternativeNames;
            return Array.isArray(alternatives) && alternatives.length === 1 ? alternatives[0] : certificate.props.domainName;
        })
        .filter((name): name is string => typeof name === "string")
        .map(normalHostName);
    return names.length === 1 ? names[0] : undefined;
}

/** The shared app's names of a platform region: `app.<base>` (home region) or `app.<region>.<base>` (stacks/platform.ts appHostNameOf). */
function appHostNames(production: string, base: string): string[] {
    const region = production.startsWith("platform-") ? production.slice("platform-".length) : undefined;
    return [`app.${base}`, ...(region ? [`app.${region}.${base}`] : [])];
}

/**
 * What the program points each stack's canaries at:
 * - a tenant's production stack (cloud, physical, vpn, vpn-sync, dedicated-saas): its host name, the
 *   stack's `url` (stacks/context.ts tenantUrl), which is also the name its front door serves, the
 *   internal door's on a VPN (stacks/dedicated.ts hostName); a saas stack's `url` is the shared app;
 * - a platform: the shared app's host, its `url` output (`app.<base>` or `app.<region>.<base>`);
 * - a recovery environment or drill copy: its check name `<kind>.<failover name>` (the host under the
 *   base domain, or the edge name `<tenant>.edge.<base>` for an own domain; stacks/recovery.ts); a
 *   platform's: `<kind>.<app host>`, and for each dedicated-saas tenant it recovers (canary
 *   `<tenant>-check-canary`) that tenant's check name (stacks/platform-recovery*.ts). A platform
 *   name must also be one the stack's certificates serve.
 */
function expectedHosts(canary: PolicyResource, stack: PolicyStack, settings: PolicySettings): Expected {
    const base = settings.hosts?.baseDomain !== undefined ? normalHostName(settings.hosts.baseDomain) : undefined;
    const target = recoveryTargetOf(stack.stack);
    const platform = stack.kind === "platform" || isReservedTenantId(target?.production ?? stack.stack);
    if (target === undefined) {
        if (platform) {
            const url = hostOfUrl(stack.outputs?.url);
            if (url !== undefined) {
                return { hosts: [url], of: "the shared app's host, the stack's url output" };
            }
            // CrossGuard shows no outputs: the shared app's names this platform's certificates serve.
            const served = base === undefined ? [] : certificateNames(stack).filter((name) => appHostNames(stack.stack, base).includes(name));
            return served.length > 0 ? { hosts: served, of: "the shared app's host its front door serves" } : { none: "the shared app's host cannot be told (no url output, no certificate for app.<base>)" };
        }
        const host = tenantHost(stack.stack, stack, settings);
        return host !== undefined ? { hosts: [host], of: `${stack.stack}'s host name (its url)` } : { none: `${stack.stack}'s host name cannot be told (no url output, no declared host)` };
    }
    if (base === undefined) {
        return { none: "the check name of a recovery environment cannot be told without the platform's base domain" };
    }
    const checkNameOf = (tenant: string, host: string | undefined = tenantHost(tenant, stack, settings)): string | undefined => {
        if (host === undefined) {
            return undefined;
        }
        return `${target.kind}.${host.endsWith(`.${base}`) ? host : edgeHostName(tenant, base)}`;
    };
    if (platform) {
        // A dedicated-saas tenant recovered by the platform's environment: `<tenant>-check-canary`.
        const tenant = canary.name.endsWith("-check-canary") ? canary.name.slice(0, -"-check-canary".length) : undefined;
        if (tenant !== undefined && tenant !== stack.stack && !isReservedTenantId(tenant)) {
            const name = checkNameOf(tenant);
            if (name !== undefined) {
                return { hosts: [name], of: `tenant ${tenant}'s check name in this recovery environment` };
            }
            // The tenant's stack is not in the plan (the platform's recovery planned alone): the host its door here serves.
            const served = checkNameOf(tenant, doorHost(tenant, stack));
            return served !== undefined
                ? { hosts: [served], of: `tenant ${tenant}'s check name in this recovery environment, its host as this stack's front door for it serves it` }
                : { none: `tenant ${tenant}'s host name cannot be told` };
        }
        const served = new Set(certificateNames(stack));
        const names = appHostNames(target.production, base)
            .map((app) => `${target.kind}.${app}`)
            .filter((name) => served.has(name));
        return names.length > 0
            ? { hosts: names, of: "the shared app's check name in this recovery environment, which its certificate serves" }
            : { none: `no certificate of this stack serves the shared app's check name ${target.kind}.app.<base>` };
    }
    const name = checkNameOf(target.production);
    return name !== undefined ? { hosts: [name], of: `${target.production}'s check name in this ${target.kind} environment` } : { none: `${target.production}'s host name cannot be told` };
}

function targetProblems(canary: PolicyResource, stack: PolicyStack, settings: PolicySettings): string[] {
    // Neither the fleet's host names nor the stack's url (a rule's unit fixtures): not applicable,
    // like the host-name rule. The plan and the pack always know the hosts.
    if (settings.hosts === undefined && stack.outputs?.url === undefined) {
        return [];
    }
    const variables = (canary.props.runConfig as { environmentVariables?: Record<string, unknown> } | undefined)?.environmentVariables;
    const value = variables?.[CHECK_URL_VARIABLE];
    const path = `runConfig.environmentVariables.${CHECK_URL_VARIABLE}`;
    const expected = expectedHosts(canary, stack, settings);
    const expectation = "hosts" in expected ? `expected https://${expected.hosts[0]} (${expected.of})` : `${expected.none}`;
    if (typeof value !== "string" || value.trim() === "") {
        return [`${path} is ${value === undefined ? "not set" : JSON.stringify(value)}: the check's script requests no host of this stack; ${expectation}`];
    }
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return [`${path} is ${JSON.stringify(value)}, no URL: the check requests nothing that can be judged; ${expectation}`];
    }
    // The script requests https on 443 at the URL's host name (CHECK_PATH is the page): anything
    // else in the URL is not what it checks, and is not what the program builds.
    if (url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.port !== "" || url.pathname !== "/" || url.search !== "" || url.hash !== "") {
        return [`${path} is ${value}: the check requests https on port 443 at its host only (the page is CHECK_PATH), so the URL is https://<host>; ${expectation}`];
    }
    if (!("hosts" in expected)) {
        return [`${path} is ${value}, whose host cannot be shown to be this stack's: ${expected.none}`];
    }
    const host = normalHostName(url.hostname);
    if (expected.hosts.includes(host)) {
        return [];
    }
    return [`${path} is ${value}: the check requests ${host}, not this stack's own host, so it proves nothing about this stack's service; ${expectation}`];
}

export const enforceAvailabilityCheckTarget: ResourceRule = {
    kind: "resource",
    name: "availability-check-own-host",
    description:
        "Every CloudWatch Synthetics canary checks its own stack: its CHECK_URL is https://<host> on the host name the stack serves. A tenant's: its url (its subdomain or own domain, " +
        "on VPN modes the internal front door's name); a platform's: the shared app's url (app.<base> or app.<region>.<base>); a recovery environment or drill copy's: " +
        "its check name <kind>.<failover name> (the host, or <tenant>.edge.<base> for an own domain; a platform's <kind>.<app host>, served by its certificate).",
    why:
        "The five-minute check (security documentation, 8) is evidence about the stack only if it requests that stack's login page: a canary pointed at example.com, " +
        "the shared app or another tenant runs, passes and alarms as required while an outage of this tenant goes unnoticed.",
    enforcement: "mandatory",
    resourceTypes: [CANARY_TYPE],
    validate: targetProblems,
};
