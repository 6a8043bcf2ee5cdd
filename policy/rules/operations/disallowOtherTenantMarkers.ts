// A tenant's stack touches only what is its own: no reference to another tenant's network, keys,
// buckets, vaults, databases, names or host. Isolation is a property of references, not of words:
// a script that runs `openssl req -new` refers to no tenant called `new`, but a script that copies
// from another tenant's bucket does.
//
// What counts as a reference to tenant X, and where it is looked for:
// - X's markers (the ids of its resources, its network CIDRs but a whole RFC 1918 block, which
//   every network ACL names) and its host name: anywhere, as a whole token (scripts, documents
//   and descriptions included: an id is no word). A range of the stack's own VPN customer
//   (`vpnCustomerNetworks`, the tenant file's corporateCidrs) is no marker in its stack, even
//   where X's network has the same range: its routes and firewall rules name its own customer;
// - the prefix `tenants/X/` (its files under a shared bucket, its parameters, its key aliases):
//   anywhere;
// - X as a whole value where a value names a tenant: the `tenant` and `PatchGroup` tags and
//   parameters, and targets selecting by those tags;
// - X as the first segment of a resource name (`X-files-bucket`), where a value is a name: the
//   resource's own `name`, `namePrefix`, `bucket`, `bucketPrefix`, `identifier`, `role` and `...Name`
//   properties and its `Name` tag. A name that holds the stack's own id as a segment is its own
//   (`aws-waf-logs-acme-front-door`, AWS's prefix before it).
// Free text (anything with white space: scripts, descriptions, document content) is read only for
// the first two; JSON documents (policies, settings) are read value by value like properties.

import { isReservedTenantId, recoveryTargetOf } from "../../../lib/platform";
import { Finding, PolicySettings, PolicyStack, StackRule } from "../types";

/** Whether `id` occurs in `text` as a whole name segment (`acme` in `acme-files`, `/tenants/acme/`; not in `nacme`, `acmes`). */
export function mentionsSegment(text: string, id: string): boolean {
    return new RegExp(`(^|[^a-z0-9])${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=[^a-z0-9]|$)`, "i").test(text);
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

/** Who a marker, a host or an id belongs to, built once per list of tenants (shared by the whole fleet). */
interface FleetIndex {
    readonly markers: ReadonlyMap<string, string>;
    readonly ids: ReadonlySet<string>;
}

const indexes = new WeakMap<PolicySettings["otherTenants"], FleetIndex>();

function indexOf(tenants: PolicySettings["otherTenants"]): FleetIndex {
    let index = indexes.get(tenants);
    if (!index) {
        const markers = new Map<string, string>();
        const shared = new Set<string>();
        const ids = new Set<string>();
        for (const { tenant, markers: own } of tenants) {
            ids.add(tenant);
            for (const marker of own) {
                const owner = markers.get(marker);
                if (owner !== undefined && owner !== tenant) {
                    shared.add(marker);
                }
                if (marker !== "") {
                    markers.set(marker, tenant);
                }
            }
        }
        // A value two tenants hold identifies neither.
        for (const marker of shared) {
            markers.delete(marker);
        }
        index = { markers, ids };
        indexes.set(tenants, index);
    }
    return index;
}

/** Who declares a host: the tenants of each host name, in the fleet's order, built once per fleet. */
const hostOwners = new WeakMap<object, { readonly byHost: ReadonlyMap<string, readonly string[]>; readonly dotless: boolean }>();

/** Other tenants' host names, as the isolation rule looks them up. */
interface HostLookup {
    get(host: string): string | undefined;
    /** Whether a declared host has no dot (none should: then every token is looked up, not only dotted ones). */
    readonly dotless: boolean;
}

/**
 * Hosts of other tenants, by host (a host two tenants declare is the host rule's to report): the
 * last other tenant declaring it, none where the stack declares it too. One index per fleet, not one
 * per stack (a fleet of N stacks would otherwise cost N^2).
 */
function hostIndex(settings: PolicySettings, self: string): HostLookup {
    const declared = settings.hosts;
    if (declared === undefined) {
        return { get: () => undefined, dotless: false };
    }
    let owners = hostOwners.get(declared);
    if (!owners) {
        const byHost = new Map<string, string[]>();
        for (const { tenant, host } of declared.tenants) {
            const key = host.toLowerCase();
            byHost.set(key, [...(byHost.get(key) ?? []), tenant]);
        }
        owners = { byHost, dotless: [...byHost.keys()].some((host) => !host.includes(".")) };
        hostOwners.set(declared, owners);
    }
    const { byHost, dotless } = owners;
    return {
        get(host) {
            const tenants = byHost.get(host);
            return tenants === undefined || tenants.includes(self) ? undefined : tenants[tenants.length - 1];
        },
        dotless,
    };
}

// Markers are whole values (ids, ARNs' parts, bucket names, CIDRs, hosts): the tokens of a string
// between separators, plus any CIDR in it.
const TOKEN_SEPARATORS = /[\s"'`,;:()[\]{}<>=*|]+|\/(?!\d{1,2}(?![\d.]))/;
const CIDRS = /\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}/g;
const TENANT_PREFIXES = /(?:^|[^a-z0-9-])tenants\/([a-z][a-z0-9-]{1,28}[a-z0-9])(?=\/|$|[^a-z0-9-])/g;

/** Keys whose value names a tenant (tags, SSM parameters, JSON condition keys like `aws:ResourceTag/tenant`). */
const IDENTITY_KEYS = new Set(["tenant", "patchgroup"]);
/** Top-level keys whose value is a resource's name (besides any `...Name`). */
const NAME_KEYS = new Set(["name", "namePrefix", "bucket", "bucketPrefix", "identifier", "identifierPrefix", "role"]);
/** A resource name, as opposed to a path, a host, an ARN or a sentence. */
const NAME_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

type Kind = "identity" | "name" | "other";

/** Which kind of value `key` holds, at `depth` in the resource's properties (`parentKey` the key of its object). */
function kindOf(key: string, parentKey: string | undefined, depth: number): Kind {
    const last = key.slice(Math.max(key.lastIndexOf("/"), key.lastIndexOf(":")) + 1).toLowerCase();
    if (IDENTITY_KEYS.has(last)) {
        return "identity";
    }
    if (key === "Name" && (parentKey === "tags" || parentKey === "tagsAll")) {
        return "name";
    }
    if (depth === 0 && (NAME_KEYS.has(key) || /^[a-z][A-Za-z]*Name$/.test(key))) {
        return "name";
    }
    return "other";
}

/** Whether a name is the stack's own: the stack's id is one of its hyphen segments (or a run of them). */
function holdsOwnId(name: string, self: string): boolean {
    return `-${name}-`.includes(`-${self}-`);
}

interface Mention {
    readonly path: string;
    readonly tenant: string;
    readonly how: string;
}

class Reader {
    readonly mentions: Mention[] = [];

    constructor(
        private readonly index: FleetIndex,
        private readonly hosts: HostLookup,
        private readonly self: string,
        private readonly ownNetworks: ReadonlySet<string>,
    ) {}

    private add(path: string, tenant: string, how: string): void {
        if (tenant !== this.self && !this.mentions.some((mention) => mention.path === path && mention.tenant === tenant)) {
            this.mentions.push({ path, tenant, how });
        }
    }

    /** A value at `path`: a tree walked key by key; a string judged by its kind. */
    read(value: unknown, path: string, key: string | undefined, parentKey: string | undefined, depth: number): void {
        if (Array.isArray(value)) {
            value.forEach((item, i) => this.read(item, `${path}[${i}]`, key, parentKey, depth));
            return;
        }
        if (value !== null && typeof value === "object") {
            const entries = Object.entries(value as Record<string, unknown>);
            // SSM targets select by tag: { key: "tag:tenant", values: [...] } names tenants.
            const selector = (value as Record<string, unknown>).key;
            const targetKind = typeof selector === "string" && /^tag:/i.test(selector) ? kindOf(selector.slice(4), undefined, 1) : "other";
            for (const [childKey, child] of entries) {
                const childPath = path === "" ? childKey : `${path}.${childKey}`;
                this.read(child, childPath, childKey === "values" && targetKind === "identity" ? "tenant" : childKey, key, depth + (path === "" ? 0 : 1));
            }
            return;
        }
        if (typeof value === "string") {
            this.readString(value, path, key === undefined ? "other" : kindOf(key, parentKey, depth));
        }
    }

    /** A whole value, one of its tokens or a CIDR in it: another tenant's marker or host name? */
    private readToken(candidate: string, path: string): void {
        // The stack's own customer's network names that customer, whoever else's network has its range.
        const marker = this.ownNetworks.has(candidate) ? undefined : this.index.markers.get(candidate);
        if (marker !== undefined) {
            this.add(path, marker, `its marker ${candidate}`);
        }
        // A host name has a dot: a token without one is none of the fleet's (unless the fleet declares such a host).
        if (this.hosts.dotless || candidate.includes(".")) {
            const lower = candidate.toLowerCase();
            const host = this.hosts.get(lower.endsWith(".") ? lower.slice(0, -1) : lower);
            if (host !== undefined) {
                this.add(path, host, `its host name ${candidate}`);
            }
        }
    }

    private readString(text: string, path: string, kind: Kind): void {
        const trimmed = text.trim();
        if ((trimmed.startsWith("{") && trimmed.endsWith("}")) || (trimmed.startsWith("[") && trimmed.endsWith("]"))) {
            let parsed: unknown;
            try {
                parsed = JSON.parse(trimmed);
            } catch {
                parsed = undefined;
            }
            if (parsed !== undefined) {
                // A document's values are read like properties (its own depth: its keys name nothing top-level).
                this.read(parsed, path, undefined, undefined, 1);
                return;
            }
        }
        this.readToken(text, path);
        for (const token of text.split(TOKEN_SEPARATORS)) {
            this.readToken(token, path);
        }
        // A CIDR holds a slash (most texts do not).
        if (text.includes("/")) {
            for (const cidr of text.match(CIDRS) ?? []) {
                this.readToken(cidr, path);
            }
        }
        // TENANT_PREFIXES matches only where the text holds "tenants/" (most texts do not).
        if (text.includes("tenants/")) {
            for (const [, id] of text.matchAll(TENANT_PREFIXES)) {
                if (id !== undefined && this.index.ids.has(id)) {
                    this.add(path, id, `its id, in tenants/${id}/`);
                }
            }
        }
        if (kind === "identity" && this.index.ids.has(text)) {
            this.add(path, text, "its id");
        }
        if (kind === "name" && NAME_SHAPE.test(text) && !holdsOwnId(text, this.self)) {
            // The longest id the name starts with: `acme-eu-files` is acme-eu's, not acme's, and
            // `platform-eu-west-1-tenant-app` the platform's, whatever tenant `platform-eu` exists.
            const segments = text.split("-");
            for (let end = segments.length - 1; end >= 1; end--) {
                const id = segments.slice(0, end).join("-");
                if (isReservedTenantId(id)) {
                    break;
                }
                if (this.index.ids.has(id)) {
                    this.add(path, id, "its id");
                    break;
                }
            }
        }
    }
}

function isolationFindings(stack: PolicyStack, settings: PolicySettings): Finding[] {
    // Platform stacks serve every tenant (the pack, reading the tenant files, lists them all for any stack).
    if (settings.otherTenants.length === 0 || stack.kind === "platform" || isReservedTenantId(stack.stack)) {
        return [];
    }
    const index = indexOf(settings.otherTenants);
    // A recovery environment (`acme-recovery`, `acme-drill`) is its production tenant's: named after
    // it, restoring its recovery points. That tenant is its own, never another.
    const self = recoveryTargetOf(stack.stack)?.production ?? stack.stack;
    const hosts = hostIndex(settings, self);
    const ownNetworks = new Set(settings.ownNetworks ?? []);
    return stack.resources.flatMap((resource) => {
        const reader = new Reader(index, hosts, self, ownNetworks);
        reader.read(resource.props, "", undefined, undefined, 0);
        return reader.mentions.map((mention) => ({ resource: resource.name, message: `${mention.path} mentions tenant "${mention.tenant}" (${mention.how})` }));
    });
}

export const disallowOtherTenantMarkers: StackRule = {
    kind: "stack",
    name: "tenant-isolation-markers",
    description:
        "No property of any resource of a tenant's stack refers to another tenant of the fleet: one of its markers (the ids of its KMS keys, buckets, VPCs, subnets, backup " +
        "vaults, RDS and EC2 instances, security groups, IAM roles, secrets and log groups, its network CIDR unless it is a whole RFC 1918 block or a network of the stack's own VPN customer) or its host name as a whole token anywhere, scripts and documents included; the prefix tenants/<id>/ anywhere; its id " +
        "as the value of a tenant or PatchGroup tag, parameter or tag target; or its id as the first segment of a resource name (name properties, the Name tag). " +
        "Words in free text are no reference.",
    why:
        "Each tenant is promised a stack of its own: a reference to another tenant's key, bucket, network or name means one tenant's resources could reach, decrypt or " +
        "expose another's data, or a configuration was copied from the wrong tenant. Platform stacks serve every tenant: not applicable (they have no other tenants to avoid).",
    enforcement: "mandatory",
    validate: isolationFindings,
};
