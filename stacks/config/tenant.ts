// The tenant configuration as the program sees it: the document shape of the tenant YAML contract
// (`TenantDocument`, exactly what a valid file holds) and the resolved, per-mode `Tenant` with every
// default applied. Only `stacks/` looks at the mode.

import { Mode } from "../../lib/modes";
import { partnerRegion } from "../../lib/regions";


export const ENVIRONMENTS = ["production", "demo", "test"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The tenant's lifecycle (contract v1.1): offboarding tenants are backed up and destroyed by the next rollout. */
export const STATUSES = ["active", "offboarding"] as const;
export type TenantStatus = (typeof STATUSES)[number];

/** A tenant file exactly as the contract allows it (after validation). */
export interface TenantDocument {
    readonly tenant: string;
    readonly company: string;
    readonly mode: Mode;
    readonly region: string;
    readonly environment?: Environment;
    readonly status?: TenantStatus;
    readonly domain?: { readonly subdomain?: string; readonly own?: string };
    readonly network?: { readonly cidr: string };
    readonly vpn?: {
        readonly customerGatewayIp: string;
        readonly bgpAsn?: number;
        readonly corporateCidrs: readonly string[];
    };
    readonly identity?: {
        readonly directoryName: string;
        readonly dnsIps: readonly string[];
        readonly serviceAccount: string;
        readonly connect?: boolean;
    };
    readonly compute?: { readonly instanceType?: string; readonly instances?: number; readonly volumeGiB?: number };
    readonly database?: { readonly instanceClass?: string; readonly storageGiB?: number };
    readonly security?: { readonly passwordMinLength?: number };
    readonly backup?: { readonly offsiteRegion?: string };
}

/** Where the tenant's application is served: a name under the platform's base domain, or the customer's own. */
export type TenantDomain =
    | { readonly kind: "subdomain"; readonly label: string }
    | { readonly kind: "own"; readonly fqdn: string };

export interface ComputeSize {
    readonly instanceType: string;
    readonly instances: number;
    readonly volumeGiB: number;
}

export interface DatabaseSize {
    readonly instanceClass: string;
    readonly storageGiB: number;
}

export interface SiteToSiteVpnSettings {
    readonly customerGatewayIp: string;
    /** Dynamic (BGP) routing with this ASN; static routes to each corporate CIDR when undefined. */
    readonly bgpAsn: number | undefined;
    readonly corporateCidrs: readonly string[];
}

export interface DirectorySettings {
    readonly directoryName: string;
    readonly dnsIps: readonly string[];
    readonly serviceAccount: string;
    /**
     * Phase two of vpn-sync (`identity.connect`, default false): the customer's tunnels are up and
     * its DNS servers answer over them, so the stack creates the AD Connector; false removes it.
     */
    readonly connect: boolean;
}

interface TenantBase {
    readonly id: string;
    readonly company: string;
    readonly region: string;
    readonly environment: Environment;
    /** `status` (default active): an offboarding tenant is backed up and destroyed by the next rollout. */
    readonly status: TenantStatus;
    readonly passwordMinLength: number;
    readonly offsiteRegion: string;
    /** The file the tenant was loaded from, relative to the repository root where it lies inside it. */
    readonly source: string;
}

export interface SaasTenant extends TenantBase {
    readonly mode: "saas";
}

interface DedicatedBase extends TenantBase {
    readonly domain: TenantDomain;
    readonly compute: ComputeSize;
    readonly database: DatabaseSize;
}

export interface DedicatedSaasTenant extends DedicatedBase {
    readonly mode: "dedicated-saas";
}

export interface PhysicalTenant extends DedicatedBase {
    readonly mode: "physical";
    readonly networkCidr: string;
}

export interface CloudTenant extends DedicatedBase {
    readonly mode: "cloud";
    readonly networkCidr: string;
}

export interface VpnTenant extends DedicatedBase {
    readonly mode: "vpn";
    readonly networkCidr: string;
    readonly vpn: SiteToSiteVpnSettings;
}

export interface VpnSyncTenant extends DedicatedBase {
    readonly mode: "vpn-sync";
    readonly networkCidr: string;
    readonly vpn: SiteToSiteVpnSettings;
    readonly identity: DirectorySettings;
}

export type Tenant = SaasTenant | DedicatedSaasTenant | PhysicalTenant | CloudTenant | VpnTenant | VpnSyncTenant;

export const DEFAULT_PASSWORD_MIN_LENGTH = 14;

/**
 * Sizing when the file says nothing. Production tenants get two servers (one per availability zone)
 * on general-purpose instances; demo and test tenants (trials, the provider's demo data) one small
 * server and the smallest database that runs the app.
 */
export const DEFAULT_SIZES: Readonly<Record<Environment, { readonly compute: ComputeSize; readonly database: DatabaseSize }>> = {
    production: {
        compute: { instanceType: "m6i.large", instances: 2, volumeGiB: 100 },
        database: { instanceClass: "db.m6g.large", storageGiB: 100 },
    },
    demo: {
        compute: { instanceType: "t3.medium", instances: 1, volumeGiB: 50 },
        database: { instanceClass: "db.t4g.medium", storageGiB: 20 },
    },
    test: {
        compute: { instanceType: "t3.medium", instances: 1, volumeGiB: 50 },
        database: { instanceClass: "db.t4g.medium", storageGiB: 20 },
    },
};

/**
 * Sizing of `physical` tenants when the file says nothing: every server and the database server
 * share Dedicated Hosts of the application servers' family, so the database's size must exist in
 * that family (`db.m6g.large` -> `m6i.large`; the shared-tenancy demo default `t3.medium` with
 * `db.t4g.medium` has no such guarantee once a file sets another family). Demo and test tenants
 * get one server and small volumes, on the same hardware family as production.
 */
export const PHYSICAL_DEFAULT_SIZES: Readonly<Record<Environment, { readonly compute: ComputeSize; readonly database: DatabaseSize }>> = {
    production: DEFAULT_SIZES.production,
    demo: {
        compute: { instanceType: "m6i.large", instances: 1, volumeGiB: 50 },
        database: { instanceClass: "db.m6g.large", storageGiB: 20 },
    },
    test: {
        compute: { instanceType: "m6i.large", instances: 1, volumeGiB: 50 },
        database: { instanceClass: "db.m6g.large", storageGiB: 20 },
    },
};

/** The sizing defaults of a mode and environment (see DEFAULT_SIZES and PHYSICAL_DEFAULT_SIZES). */
export function defaultSizes(mode: Mode, environment: Environment): { readonly compute: ComputeSize; readonly database: DatabaseSize } {
    return (mode === "physical" ? PHYSICAL_DEFAULT_SIZES : DEFAULT_SIZES)[environment];
}

/** Thrown when a document that should have been validated is missing a section its mode needs. */
export class TenantResolutionError extends Error {}

function required<T>(value: T | undefined, what: string, doc: TenantDocument): T {
    if (value === undefined) {
        throw new TenantResolutionError(`tenant ${doc.tenant} (mode ${doc.mode}) has no ${what}; validate the file first`);
    }
    return value;
}

function resolveDomain(doc: TenantDocument): TenantDomain {
    const domain = required(doc.domain, "domain", doc);
    if (domain.subdomain !== undefined) {
        return { kind: "subdomain", label: domain.subdomain };
    }
    return { kind: "own", fqdn: required(domain.own, "domain.own or domain.subdomain", doc) };
}

function resolveVpn(doc: TenantDocument): SiteToSiteVpnSettings {
    const vpn = required(doc.vpn, "vpn section", doc);
    return { customerGatewayIp: vpn.customerGatewayIp, bgpAsn: vpn.bgpAsn, corporateCidrs: [...vpn.corporateCidrs] };
}

/** Applies every default of the contract to a validated document. */
export function resolveTenant(doc: TenantDocument, source: string): Tenant {
    const environment = doc.environment ?? "production";
    const base: TenantBase = {
        id: doc.tenant,
        company: doc.company,
        region: doc.region,
        environment,
        status: doc.status ?? "active",
        passwordMinLength: doc.security?.passwordMinLength ?? DEFAULT_PASSWORD_MIN_LENGTH,
        offsiteRegion: doc.backup?.offsiteRegion ?? partnerRegion(doc.region),
        source,
    };
    if (doc.mode === "saas") {
        return { ...base, mode: "saas" };
    }
    const sizes = defaultSizes(doc.mode, environment);
    const dedicated = {
        ...base,
        domain: resolveDomain(doc),
        compute: { ...sizes.compute, ...doc.compute },
        database: { ...sizes.database, ...doc.database },
    };
    switch (doc.mode) {
        case "dedicated-saas":
            return { ...dedicated, mode: doc.mode };
        case "physical":
        case "cloud":
            return { ...dedicated, mode: doc.mode, networkCidr: required(doc.network, "network", doc).cidr };
        case "vpn":
            return { ...dedicated, mode: doc.mode, networkCidr: required(doc.network, "network", doc).cidr, vpn: resolveVpn(doc) };
        case "vpn-sync": {
            const identity = required(doc.identity, "identity section", doc);
            return {
                ...dedicated,
                mode: doc.mode,
                networkCidr: required(doc.network, "network", doc).cidr,
                vpn: resolveVpn(doc),
                identity: { ...identity, dnsIps: [...identity.dnsIps], connect: identity.connect ?? false },
            };
        }
        default: {
            const unreachable: never = doc.mode;
            throw new TenantResolutionError(`unknown mode ${String(unreachable)}`);
        }
    }
}
