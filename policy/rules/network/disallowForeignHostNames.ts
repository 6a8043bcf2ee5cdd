// A tenant's stack routes, certifies and writes DNS only for the host name it owns: a host rule or a
// certificate for another name on a listener other customers' traffic passes through (the shared
// app's, another tenant's) would take their traffic.

import { edgeHostName, normalHostName } from "../../../lib/hosts";
import { certificateFirstName as firstNameUnder, FIRST_NAME_MAX } from "../../../lib/naming";
import { isReservedTenantId, recoveryTargetOf, RESERVED_SUBDOMAINS } from "../../../lib/platform";
import { ofType } from "../graph";
import { Finding, HostOwnership, PolicyResource, PolicyStack, StackRule } from "../types";
import { LISTENER_RULE_TYPES, LISTENER_TYPES, refersTo } from "./shared";

const CERTIFICATE = "aws:acm/certificate:Certificate";
const RECORD = "aws:route53/record:Record";
const LISTENER_CERTIFICATE_TYPES = ["aws:lb/listenerCertificate:ListenerCertificate", "aws:alb/listenerCertificate:ListenerCertificate"];

/** The certificate first name the platform gives `host` under `baseDomain` (lib/naming.ts). */
export function certificateFirstName(host: string, baseDomain: string): string {
    return firstNameUnder(host, normalHostName(baseDomain));
}

/** What a stack owns: its host name (and the certificate's first name for a long one), or why nothing. */
interface Owned {
    readonly host: string | undefined;
    readonly names: ReadonlySet<string>;
    /** Why the stack owns no host name. */
    readonly none?: string;
}

/** Whose a name is, for the message: the platform's or another tenant's, where that is known. */
function whose(name: string, stack: string, hosts: HostOwnership): string | undefined {
    const base = normalHostName(hosts.baseDomain);
    const tenant = hostIndexOf(hosts).byHost.get(name)?.find((entry) => entry.tenant !== stack)?.tenant;
    if (tenant !== undefined) {
        return `tenant ${tenant}'s host name`;
    }
    if (name === base) {
        return "the platform's base domain";
    }
    if (name.endsWith(`.${base}`)) {
        const label = name.slice(0, -(base.length + 1));
        if (RESERVED_SUBDOMAINS.some((reserved) => label === reserved || label.startsWith(`${reserved}.`))) {
            return "the platform's shared app";
        }
        return `a name under the platform's domain ${base}`;
    }
    return undefined;
}

/**
 * The fleet's declared hosts, indexed once per fleet (a search of them per stack made a fleet of N
 * stacks cost N^2: a third of the 10,000-tenant plan's pass 2): each tenant's first declared host,
 * and the declarations of each host name (normalized, in the fleet's order).
 */
interface HostIndex {
    readonly firstOf: ReadonlyMap<string, HostOwnership["tenants"][number]>;
    readonly byHost: ReadonlyMap<string, readonly HostOwnership["tenants"][number][]>;
}

const hostIndexes = new WeakMap<HostOwnership, HostIndex>();

function hostIndexOf(hosts: HostOwnership): HostIndex {
    let index = hostIndexes.get(hosts);
    if (!index) {
        const firstOf = new Map<string, HostOwnership["tenants"][number]>();
        const byHost = new Map<string, HostOwnership["tenants"][number][]>();
        for (const entry of hosts.tenants) {
            if (!firstOf.has(entry.tenant)) {
                firstOf.set(entry.tenant, entry);
            }
            const name = normalHostName(entry.host);
            const declared = byHost.get(name);
            if (declared === undefined) {
                byHost.set(name, [entry]);
            } else {
                declared.push(entry);
            }
        }
        index = { firstOf, byHost };
        hostIndexes.set(hosts, index);
    }
    return index;
}

function ownedBy(stack: PolicyStack, hosts: HostOwnership): Owned {
    // A recovery environment (`acme-recovery`, `acme-drill`) serves its production tenant's host name.
    const owner = recoveryTargetOf(stack.stack)?.production ?? stack.stack;
    const index = hostIndexOf(hosts);
    const entry = index.firstOf.get(owner);
    if (entry === undefined) {
        return { host: undefined, names: new Set(), none: `${stack.stack} serves no host name of its own (a saas tenant is served by the shared app)` };
    }
    const host = normalHostName(entry.host);
    const base = normalHostName(hosts.baseDomain);
    let refusal: string | undefined;
    if (host === base || host.endsWith(`.${base}`)) {
        const label = host === base ? "" : host.slice(0, -(base.length + 1));
        if (host === base) {
            refusal = "it is the platform's base domain";
        } else if (label.includes(".")) {
            refusal = `it is more than one label under the platform's domain ${base}; a tenant owns exactly one, <subdomain>.${base}`;
        } else if (RESERVED_SUBDOMAINS.includes(label)) {
            refusal = "it is the platform's shared app";
        }
    }
    const sharing = (index.byHost.get(host) ?? []).filter((candidate) => candidate.tenant !== owner).map((candidate) => candidate.tenant);
    if (refusal === undefined && sharing.length > 0) {
        refusal = `tenant ${sharing.join(", ")} declares it too`;
    }
    // The edge name a customer's own domain points at (DNS failover) is the platform's name for this
    // tenant, derived from its id (a recovery environment's: its production tenant's): no other
    // tenant's name can be it (a subdomain is one label).
    const edge = edgeHostName(owner, base);
    if (refusal !== undefined) {
        return { host, names: new Set([edge]), none: `${stack.stack} declares the host name ${host}, which it cannot own: ${refusal}` };
    }
    const names = new Set([host, edge]);
    // A recovery environment's own check name, where the functional check reaches it before the
    // redirect: `<kind>.<failover name>` (the host, or the edge name for an own domain;
    // components/failover-dns.ts checkHostName).
    const target = recoveryTargetOf(stack.stack);
    const checkName = target === undefined ? undefined : `${target.kind}.${host.endsWith(`.${base}`) ? host : edge}`;
    for (const name of [host, ...(checkName === undefined ? [] : [checkName])]) {
        names.add(name);
        if (name.length > FIRST_NAME_MAX) {
            names.add(certificateFirstName(name, base));
        }
    }
    return { host, names };
}

/** Whether `name` is owned: one of the owned names, or ACM's validation record of one (`_<token>.<name>`). */
function isOwned(name: string, owned: Owned): boolean {
    if (owned.names.has(name)) {
        return true;
    }
    const dot = name.indexOf(".");
    return dot > 1 && /^_[a-z0-9_-]+$/.test(name.slice(0, dot)) && owned.names.has(name.slice(dot + 1));
}

function escapedRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A wildcard pattern as a regular expression. Load balancer host conditions: `*` any run of
 * characters (dots included), `?` exactly one, case-insensitive (Elastic Load Balancing, "Host
 * conditions"). ACM names: `*` is one whole leftmost label (ACM User Guide, "Wildcard names").
 */
function patternRegExp(pattern: string, dialect: "lb" | "acm"): RegExp {
    const body = [...pattern].map((char) => (char === "*" ? (dialect === "lb" ? ".*" : "[^.]+") : char === "?" && dialect === "lb" ? "." : escapedRegExp(char))).join("");
    return new RegExp(`^${body}$`, "i");
}

/** Names the platform and the fleet serve that a pattern may catch, for the message. */
function probes(stack: PolicyStack, hosts: HostOwnership): string[] {
    const base = normalHostName(hosts.baseDomain);
    return [`app.${base}`, base, ...hosts.tenants.filter((entry) => entry.tenant !== stack.stack).map((entry) => normalHostName(entry.host))];
}

interface Judge {
    readonly stack: PolicyStack;
    readonly hosts: HostOwnership;
    readonly owned: Owned;
}

/** Why a name or pattern at `path` is not the stack's own, or undefined when it is. */
function judgeName(judge: Judge, path: string, value: unknown, dialect: "lb" | "acm" | "dns"): string | undefined {
    const { stack, hosts, owned } = judge;
    const ownership = owned.none ?? `${stack.stack} owns ${owned.host ?? "no host name"} only`;
    if (typeof value !== "string" || value.trim() === "") {
        return `${path} is ${JSON.stringify(value)}, no host name that can be judged; ${ownership}`;
    }
    const name = normalHostName(value);
    if (dialect !== "dns" && /[*?]/.test(name)) {
        const regExp = patternRegExp(name, dialect);
        const caught = probes(stack, hosts).filter((probe) => regExp.test(probe) && !isOwned(probe, owned));
        const examples = caught.map((probe) => `${probe} (${whose(probe, stack.stack, hosts) ?? "another name"})`);
        return `${path} is the pattern ${value}, which matches host names ${stack.stack} does not own${examples.length > 0 ? `, e.g. ${examples.join(", ")}` : ""}; ${ownership}`;
    }
    if (isOwned(name, owned)) {
        return undefined;
    }
    const owner = whose(name, stack.stack, hosts);
    return `${path} is ${value}, a host name ${stack.stack} does not own${owner ? ` (${owner})` : ""}; ${ownership}`;
}

/** A host condition's regular expression, accepted only as exactly `^<owned host>$`. */
function judgeRegex(judge: Judge, path: string, value: unknown): string | undefined {
    if (typeof value === "string") {
        const literal = /^\^((?:[a-z0-9-]|\\\.)+)\$$/i.exec(value)?.[1]?.replace(/\\\./g, ".");
        if (literal !== undefined && isOwned(normalHostName(literal), judge.owned)) {
            return undefined;
        }
    }
    const ownership = judge.owned.none ?? `${judge.stack.stack} owns ${judge.owned.host ?? "no host name"} only`;
    return `${path} is the regular expression ${JSON.stringify(value)}, which cannot be shown to match only an owned host name (expected values: [host] or ^host$ with escaped dots); ${ownership}`;
}

interface HostCondition {
    readonly values?: unknown;
    readonly regexValues?: unknown;
}

function listOf(value: unknown): unknown[] {
    return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function listenerRuleFindings(judge: Judge, rule: PolicyResource): string[] {
    const { stack } = judge;
    const conditions = listOf(rule.props.conditions) as Record<string, unknown>[];
    const messages: string[] = [];
    let hostConditions = 0;
    conditions.forEach((condition, index) => {
        // The provider's `hostHeader` block, or the older `field: host-header` shape.
        const host: HostCondition | undefined =
            condition?.hostHeader !== undefined && condition.hostHeader !== null
                ? (condition.hostHeader as HostCondition)
                : condition?.field === "host-header"
                  ? { values: condition.values }
                  : undefined;
        if (host === undefined) {
            return;
        }
        hostConditions++;
        const at = condition.hostHeader !== undefined ? `conditions[${index}].hostHeader` : `conditions[${index}]`;
        listOf(host.values).forEach((value, i) => {
            const message = judgeName(judge, `${at}.values[${i}]`, value, "lb");
            if (message) messages.push(message);
        });
        listOf(host.regexValues).forEach((value, i) => {
            const message = judgeRegex(judge, `${at}.regexValues[${i}]`, value);
            if (message) messages.push(message);
        });
    });
    // Without a host condition a rule matches every host name: harmless only on the stack's own listener.
    const ownListener = ofType(stack, ...LISTENER_TYPES).some((listener) => refersTo(rule.props.listenerArn, listener));
    if (hostConditions === 0 && !ownListener) {
        messages.push(
            `has no host-header condition, so it matches every host name on listener ${String(rule.props.listenerArn)}, which is not one of this stack's; ` +
                (judge.owned.none ?? `expected conditions: [{ hostHeader: { values: ["${judge.owned.host}"] } }]`),
        );
    }
    return messages;
}

/** A certificate a listener serves must be one of the stack's own, whose names this rule judges. */
function certificateReferenceFindings(judge: Judge, resource: PolicyResource): string[] {
    const arn = resource.props.certificateArn;
    if (arn === undefined || arn === null) {
        return [];
    }
    const own = ofType(judge.stack, CERTIFICATE).some((certificate) => refersTo(arn, certificate));
    return own ? [] : [`certificateArn ${String(arn)} is no certificate of this stack, so the host names it serves cannot be judged; serve a certificate the stack requests for its own host name`];
}

function certificateFindings(judge: Judge, certificate: PolicyResource): string[] {
    const names: [string, unknown][] = [["domainName", certificate.props.domainName], ...listOf(certificate.props.subjectAlternativeNames).map((name, index): [string, unknown] => [`subjectAlternativeNames[${index}]`, name])];
    // An imported certificate (certificateBody, no domainName) names its hosts inside the PEM, which the rule does not parse.
    if (certificate.props.domainName === undefined && certificate.props.certificateBody !== undefined) {
        return [`is an imported certificate, whose host names cannot be judged; request one from ACM for ${judge.owned.host ?? "the stack's own host name"}`];
    }
    return names.map(([path, value]) => judgeName(judge, path, value, "acm")).filter((message): message is string => message !== undefined);
}

function hostFindings(stack: PolicyStack, hosts: HostOwnership | undefined): Finding[] {
    if (hosts === undefined || stack.kind === "platform" || isReservedTenantId(stack.stack)) {
        return [];
    }
    const judge: Judge = { stack, hosts, owned: ownedBy(stack, hosts) };
    const findings: Finding[] = [];
    const add = (resource: PolicyResource, messages: string[]): void => {
        findings.push(...messages.map((message) => ({ resource: resource.name, message })));
    };
    for (const resource of stack.resources) {
        if (LISTENER_RULE_TYPES.includes(resource.type)) {
            add(resource, listenerRuleFindings(judge, resource));
        } else if (LISTENER_CERTIFICATE_TYPES.includes(resource.type) || LISTENER_TYPES.includes(resource.type)) {
            add(resource, certificateReferenceFindings(judge, resource));
        } else if (resource.type === CERTIFICATE) {
            add(resource, certificateFindings(judge, resource));
        } else if (resource.type === RECORD) {
            const message = judgeName(judge, "name", resource.props.name, "dns");
            add(resource, message ? [message] : []);
        }
    }
    return findings;
}

export const disallowForeignHostNames: StackRule = {
    kind: "stack",
    name: "tenant-host-names-owned",
    description:
        "A tenant's listener rules (host-header values and regular expressions, wildcards judged by what they can match; a rule without one on a listener not its own " +
        "matches every host), listener certificates, ACM certificates and Route 53 records name only the host name the tenant owns: its <subdomain>.<base domain> " +
        "or its own domain, ACM's validation records under it (_<token>.<host>) and, for a host over 64 characters, its certificate's first name <hash>.cert.<base domain>. " +
        "A declared host name that is the base domain, more than one label under it, the shared app's or another tenant's is owned by nobody.",
    why:
        "A host rule or certificate for a name the tenant does not own, on a listener other customers' traffic passes through, takes their traffic: the shared app of " +
        "a region, another tenant, or a name the platform will give later. Platform stacks serve the shared names: not applicable.",
    enforcement: "mandatory",
    validate: (stack, settings) => hostFindings(stack, settings.hosts),
};
