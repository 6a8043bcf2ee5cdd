// A tenant's stack touches only what is its own: no reference to another tenant's network, keys,
// buckets, vaults or databases, and no name of another tenant.

import { Finding, PolicySettings, PolicyStack, StackRule } from "../types";

function escaped(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether `id` occurs in `text` as a whole name segment (`acme` in `acme-files`, `/tenants/acme/`; not in `nacme`, `acmes`). */
export function mentionsSegment(text: string, id: string): boolean {
    return new RegExp(`(^|[^a-z0-9])${escaped(id)}(?=[^a-z0-9]|$)`, "i").test(text);
}

/** Every string of a property tree with its path (`rules[0].copyActions[0].destinationVaultArn`). */
export function stringsOf(value: unknown, path = ""): [string, string][] {
    if (typeof value === "string") {
        return [[path, value]];
    }
    if (Array.isArray(value)) {
        return value.flatMap((item, index) => stringsOf(item, `${path}[${index}]`));
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => stringsOf(child, path === "" ? key : `${path}.${key}`));
    }
    return [];
}

/** Who a marker or an id belongs to, built once per list of tenants (shared by the whole fleet). */
interface FleetIndex {
    readonly markers: ReadonlyMap<string, string>;
    readonly ids: ReadonlyMap<string, string>;
}

const indexes = new WeakMap<PolicySettings["otherTenants"], FleetIndex>();

function indexOf(tenants: PolicySettings["otherTenants"]): FleetIndex {
    let index = indexes.get(tenants);
    if (!index) {
        const markers = new Map<string, string>();
        const ids = new Map<string, string>();
        for (const { tenant, markers: own } of tenants) {
            ids.set(tenant.toLowerCase(), tenant);
            for (const marker of own) {
                if (marker !== "") {
                    markers.set(marker, tenant);
                }
            }
        }
        index = { markers, ids };
        indexes.set(tenants, index);
    }
    return index;
}

// Markers are whole values (ids, ARNs' parts, bucket names, CIDRs): the tokens of a string between
// separators, plus any CIDR in it.
const TOKEN_SEPARATORS = /[\s"'`,;:()[\]{}<>=*|]+|\/(?!\d{1,2}(?![\d.]))/;
const CIDRS = /\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}/g;

/** The tenants (other than `self`) whose markers a string holds. */
function markersIn(text: string, index: FleetIndex, self: string): [string, string][] {
    const found: [string, string][] = [];
    const candidates = [text, ...text.split(TOKEN_SEPARATORS), ...(text.match(CIDRS) ?? [])];
    for (const candidate of candidates) {
        const tenant = index.markers.get(candidate);
        if (tenant !== undefined && tenant !== self) {
            found.push([tenant, candidate]);
        }
    }
    return found;
}

/**
 * The tenants (other than `self`) whose id a string holds as a whole name segment: runs of letters
 * and digits joined by single hyphens, bounded by anything else. Our own id is taken out first (it
 * may contain another's: `trial-lumen` holds `lumen`).
 */
function idsIn(text: string, index: FleetIndex, self: string): string[] {
    const lower = text.toLowerCase().split(self.toLowerCase()).join(" ");
    const found = new Set<string>();
    for (const piece of lower.split(/[^a-z0-9-]+/)) {
        const runs = piece.split("-");
        for (let start = 0; start < runs.length; start++) {
            let candidate = "";
            for (let end = start; end < runs.length && candidate.length <= 30; end++) {
                candidate = end === start ? (runs[end] ?? "") : `${candidate}-${runs[end] ?? ""}`;
                const tenant = candidate === "" ? undefined : index.ids.get(candidate);
                if (tenant !== undefined && tenant !== self) {
                    found.add(tenant);
                }
            }
        }
    }
    return [...found];
}

function isolationFindings(stack: PolicyStack, settings: PolicySettings): Finding[] {
    if (settings.otherTenants.length === 0) {
        return [];
    }
    const index = indexOf(settings.otherTenants);
    return stack.resources.flatMap((resource) =>
        stringsOf(resource.props).flatMap(([path, text]) => {
            const byMarker = new Map(markersIn(text, index, stack.stack));
            const findings = [...byMarker].map(([tenant, marker]) => ({ resource: resource.name, message: `${path} mentions tenant "${tenant}" (its marker ${marker})` }));
            for (const tenant of idsIn(text, index, stack.stack)) {
                if (!byMarker.has(tenant)) {
                    findings.push({ resource: resource.name, message: `${path} mentions tenant "${tenant}" (its id)` });
                }
            }
            return findings;
        }),
    );
}

export const disallowOtherTenantMarkers: StackRule = {
    kind: "stack",
    name: "tenant-isolation-markers",
    description:
        "No property of any resource of a tenant's stack mentions another tenant of the fleet: its id as a whole name segment (case-insensitive), or one of its markers " +
        "(the ids of its KMS keys, buckets, VPCs, subnets, backup vaults and RDS instances, and its network CIDRs) as an exact substring.",
    why:
        "Each tenant is promised a stack of its own: a reference to another tenant's key, bucket, network or name means one tenant's resources could reach, decrypt or " +
        "expose another's data, or a configuration was copied from the wrong tenant. Platform stacks serve every tenant: not applicable (they have no other tenants to avoid).",
    enforcement: "mandatory",
    validate: isolationFindings,
};
