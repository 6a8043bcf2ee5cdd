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

function isolationFindings(stack: PolicyStack, settings: PolicySettings): Finding[] {
    return stack.resources.flatMap((resource) =>
        stringsOf(resource.props).flatMap(([path, text]) =>
            settings.otherTenants.flatMap((other) => {
                const marker = other.markers.find((candidate) => candidate !== "" && text.includes(candidate));
                if (marker !== undefined) {
                    return [{ resource: resource.name, message: `${path} mentions tenant "${other.tenant}" (its marker ${marker})` }];
                }
                // Our own id may contain theirs as a segment (`trial-lumen` holds `lumen`): it is no mention of them.
                const own = mentionsSegment(stack.stack, other.tenant) ? text.replace(new RegExp(escaped(stack.stack), "gi"), " ") : text;
                return mentionsSegment(own, other.tenant) ? [{ resource: resource.name, message: `${path} mentions tenant "${other.tenant}" (its id)` }] : [];
            }),
        ),
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
