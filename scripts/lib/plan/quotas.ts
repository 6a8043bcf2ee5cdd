// Account-wide quotas counted over the whole plan: what one stack cannot see (the 51st load
// balancer of a region is nobody's own mistake) is counted here, per region, over every stack
// planned. A count over a quota AWS enforces at create time is an error of the plan, as AWS would
// refuse the create; the snapshots the backup promise keeps are refused only later, when a backup
// job runs, so they are a warning. Pure: the document in, problems out.
//
// This file is the quotas themselves (names, codes, AWS's defaults, what counts); the account's
// applied values are read in ./quota-file.ts, counted in ./quota-usage.ts and judged in
// ./quota-problems.ts.

/** The quotas the plan counts. */
export type QuotaKey =
    | "applicationLoadBalancers"
    | "wafWebAcls"
    | "wafIpSets"
    | "backupVaults"
    | "backupPlans"
    | "cloudTrailTrails"
    | "rdsInstances"
    | "rdsManualSnapshots"
    | "vpcs"
    | "internetGateways"
    | "vpnGateways"
    | "transitGateways"
    | "route53HealthChecks"
    | "dedicatedHosts"
    | "iamRoles"
    | "iamInstanceProfiles";

export interface QuotaDefinition {
    /** Its name in Service Quotas. */
    readonly name: string;
    /** Service Quotas' service code. */
    readonly serviceCode: string;
    /** Service Quotas' quota code; null where it is not known here (then `adjustable` says whether AWS raises it). */
    readonly quotaCode: string | null;
    /** Whether AWS raises it on request. */
    readonly adjustable: boolean;
    /** AWS's default, per account and region. */
    readonly awsDefault: number;
    /** `error`: AWS refuses the create; `warning`: AWS accepts the deployment and fails later. */
    readonly severity: "error" | "warning";
    /** What is counted and what going over does, in the message. */
    readonly what: string;
    /** Where the name, code and default come from. */
    readonly source: string;
    /**
     * A quota of the whole account rather than of one region (Route 53 is a global service): the
     * plan counts every region's stacks together, under `region`, the region Service Quotas shows it
     * in (and where a raise is recorded in the quota file). Default: undefined, per region.
     */
    readonly accountWide?: { readonly region: string };
    /**
     * What the account holds in every region before any stack of ours (the default VPC and its
     * internet gateway): counted as if planned, so that the plan never promises room AWS does not
     * have. An account whose default VPCs were deleted has that much more room than the plan says.
     */
    readonly preexisting?: { readonly count: number; readonly what: string };
    /**
     * A quota of each instance family apart (Service Quotas names one per family, "Running Dedicated
     * m6i Hosts"): counted per family, each family against its own value (`regions.REGION."KEY:FAMILY"`
     * in the quota file, else the default). `name` and `what` say <family> where the family goes.
     */
    readonly perFamily?: true;
    /**
     * The most AWS grants on request, where AWS states one: a value above it recorded in the quota
     * file is refused when the file is read (no account holds it), and a count above it is told that
     * no raise will do.
     */
    readonly maximum?: { readonly value: number; readonly source: string };
}

/**
 * An IAM quota of the whole account (IAM is global: every stack's, in every region), counted where
 * Service Quotas names it (us-east-1): default 1,000, adjustable to at most 5,000.
 */
function iamAccountQuota(title: string, things: string, quotaCode: string): QuotaDefinition {
    const guide = "IAM User Guide, IAM and AWS STS quotas";
    return {
        name: `${title} per account`,
        serviceCode: "iam",
        quotaCode,
        adjustable: true,
        awsDefault: 1000,
        severity: "error",
        what: `IAM ${things} over the whole account (IAM is global: every stack's, in every region)`,
        source: `${guide} (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): ${title} in an AWS account, default 1,000, adjustable to at most 5,000; code ${quotaCode} as Service Quotas names it (us-east-1)`,
        accountWide: { region: "us-east-1" },
        maximum: { value: 5000, source: `${guide}: ${title} in an AWS account, maximum 5,000` },
    };
}

export const QUOTAS: Readonly<Record<QuotaKey, QuotaDefinition>> = {
    applicationLoadBalancers: {
        name: "Application Load Balancers per Region",
        serviceCode: "elasticloadbalancing",
        quotaCode: "L-53DA6B97",
        adjustable: true,
        awsDefault: 50,
        severity: "error",
        what: "application load balancers",
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html (50, adjustable); code from Service Quotas",
    },
    // Every internet-facing front door (the platform's, each dedicated-saas tenant's, each cloud
    // and physical tenant's) has a web ACL and an IP set of its own: with the load balancer quota
    // raised, these are the next wall.
    wafWebAcls: {
        name: "Maximum number of web ACLs (protection packs)",
        serviceCode: "wafv2",
        quotaCode: null,
        adjustable: true,
        awsDefault: 100,
        severity: "error",
        what: "regional AWS WAF web ACLs",
        source: "https://docs.aws.amazon.com/waf/latest/developerguide/limits.html (100 per account per Region, increase on request); quota code not verified here",
    },
    wafIpSets: {
        name: "Maximum number of IP sets",
        serviceCode: "wafv2",
        quotaCode: null,
        adjustable: true,
        awsDefault: 100,
        severity: "error",
        what: "regional AWS WAF IP sets",
        source: "https://docs.aws.amazon.com/waf/latest/developerguide/limits.html (100 per account per Region, increase on request); quota code not verified here",
    },
    backupVaults: {
        name: "Backup vaults per Region per account",
        serviceCode: "backup",
        quotaCode: "L-7705D2CB",
        adjustable: true,
        awsDefault: 100,
        severity: "error",
        what: "AWS Backup vaults (each tenant's vault here and the off-site vaults of other regions' tenants)",
        source: "https://docs.aws.amazon.com/general/latest/gr/bk.html (code L-7705D2CB; Service Quotas reported 100, the General Reference now 300)",
    },
    backupPlans: {
        name: "Backup plans per Region per account",
        serviceCode: "backup",
        quotaCode: "L-BD69F607",
        adjustable: true,
        awsDefault: 100,
        severity: "error",
        what: "AWS Backup plans (two per tenant: database and files)",
        source: "https://docs.aws.amazon.com/general/latest/gr/bk.html (code L-BD69F607; Service Quotas reported 100, the General Reference now 300)",
    },
    cloudTrailTrails: {
        name: "Trails per Region",
        serviceCode: "cloudtrail",
        quotaCode: null,
        adjustable: false,
        awsDefault: 5,
        severity: "error",
        what: "CloudTrail trails (a multi-region trail counts in every region: CloudTrail keeps a shadow copy of it in each)",
        source: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html (5, cannot be increased); shadow trails: CloudTrail UpdateTrail API, IsMultiRegionTrail",
    },
    rdsInstances: {
        name: "DB instances",
        serviceCode: "rds",
        quotaCode: "L-7B6409FD",
        adjustable: true,
        awsDefault: 40,
        severity: "error",
        what: "RDS DB instances",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html (40, adjustable); code from Service Quotas",
    },
    rdsManualSnapshots: {
        name: "Manual DB instance snapshots",
        serviceCode: "rds",
        quotaCode: "L-272F1212",
        adjustable: true,
        awsDefault: 100,
        severity: "warning",
        what: "RDS snapshots kept at the backup promise's peak (AWS Backup's snapshots of RDS and their off-site copies are manual snapshots)",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html (100, adjustable, console link .../rds/quotas/L-272F1212)",
    },
    // Every dedicated-cloud tenant (cloud, vpn, vpn-sync, physical) has a VPC of its own: the
    // sixth VPC of a region is refused (VpcLimitExceeded) unless the quota was raised.
    vpcs: {
        name: "VPCs per Region",
        serviceCode: "vpc",
        quotaCode: "L-F678F1CE",
        adjustable: true,
        awsDefault: 5,
        severity: "error",
        what: "VPCs (the platform's and each dedicated-cloud tenant's)",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html (5, adjustable; raising it raises internet gateways per Region by the same amount); code from Service Quotas",
        preexisting: { count: 1, what: "the region's default VPC" },
    },
    internetGateways: {
        name: "Internet gateways per Region",
        serviceCode: "vpc",
        quotaCode: "L-A4707A72",
        adjustable: true,
        awsDefault: 5,
        severity: "error",
        what: "internet gateways (the platform's and each public dedicated-cloud tenant's)",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html (5; raised through VPCs per Region); code from Service Quotas",
        preexisting: { count: 1, what: "the default VPC's internet gateway" },
    },
    // Each vpn and vpn-sync tenant's site-to-site VPN ends on a virtual private gateway of its own.
    vpnGateways: {
        name: "Virtual private gateways per Region",
        serviceCode: "ec2",
        quotaCode: null,
        adjustable: true,
        awsDefault: 5,
        severity: "error",
        what: "virtual private gateways (one per site-to-site VPN of a tenant)",
        source: "https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html (5 per Region, adjustable); quota code not verified here",
    },
    // Each platform has a transit gateway, and so has each platform's recovery environment in its
    // off-site region, idle or not (stacks/platform-recovery.ts): a region that is the partner of
    // several platforms' regions (eu-central-1 is that of six European regions) holds one for each.
    // With VPCs per Region raised for them, this is the wall: the sixth CreateTransitGateway of a
    // region is refused (TransitGatewayLimitExceeded).
    transitGateways: {
        name: "Transit gateways per account",
        serviceCode: "ec2",
        quotaCode: null,
        adjustable: true,
        awsDefault: 5,
        severity: "error",
        what: "transit gateways (each platform's and each platform recovery environment's)",
        source: "https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html (Transit gateways per account: 5, adjustable; \"Unless otherwise noted, each quota is Region-specific\"); quota code not verified here",
    },
    // Every internet-facing front door has a health check deciding its failover records (the
    // platform's shared app in each region, each public dedicated and dedicated-saas tenant): one
    // quota for the whole account, whatever the region. CreateHealthCheck beyond it fails with
    // TooManyHealthChecks (botocore route53 model).
    route53HealthChecks: {
        name: "Health checks",
        serviceCode: "route53",
        quotaCode: "L-ACB674F3",
        adjustable: true,
        awsDefault: 200,
        severity: "error",
        what: "Route 53 health checks over the whole account (one per public front door, for DNS failover)",
        source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html (health checks: 200 active per AWS account, adjustable); code L-ACB674F3 from Service Quotas (us-east-1)",
        accountWide: { region: "us-east-1" },
    },
    // Every physical tenant allocates Dedicated Hosts of its servers' family, and so does its
    // recovery environment in the off-site region: the third host of a family in a region is
    // refused (HostLimitExceeded) unless that family's quota was raised.
    dedicatedHosts: {
        name: "Running Dedicated <family> Hosts",
        serviceCode: "ec2",
        quotaCode: null,
        adjustable: true,
        awsDefault: 2,
        severity: "error",
        what: "Dedicated Hosts of the <family> family (physical tenants' and their recovery environments')",
        source:
            "Amazon EC2 User Guide, Dedicated Hosts restrictions: \"Up to two On-Demand Dedicated Hosts per instance family, per Region can be allocated\", a limit increase on request; Service Quotas has one quota per family, \"Running Dedicated <family> Hosts\" (code not verified here)",
        perFamily: true,
    },
    // IAM is global: every stack's roles count against the one account, whatever its region. Each
    // dedicated tenant creates about four roles and its recovery stack three more (backup, checks,
    // flow logs, servers), each platform region nine and its recovery three to six: a few hundred
    // dedicated tenants reach AWS's default of 1,000, and about 700 its maximum of 5,000.
    // CreateRole beyond it fails with LimitExceeded.
    iamRoles: iamAccountQuota("Roles", "roles", "L-FE177D64"),
    // Every dual-NIC server group (each dedicated tenant's, its recovery's, each platform region's)
    // has an instance profile for its role. CreateInstanceProfile beyond it fails with LimitExceeded.
    iamInstanceProfiles: iamAccountQuota("Instance profiles", "instance profiles", "L-6E65F664"),
};

export const QUOTA_KEYS = Object.keys(QUOTAS) as QuotaKey[];

/** What the plan counts: a quota, or a per-family quota's family (`dedicatedHosts:m6i`). */
export type UsageKey = QuotaKey | `${QuotaKey}:${string}`;

/** The quota of a usage key, and its family for a per-family quota. */
export function quotaOfUsage(key: UsageKey): { key: QuotaKey; family?: string } {
    const at = key.indexOf(":");
    return at === -1 ? { key: key as QuotaKey } : { key: key.slice(0, at) as QuotaKey, family: key.slice(at + 1) };
}

/** A per-family quota's name or description for one family (`<family>` filled in); the others as they are. */
export function forFamily(text: string, family: string | undefined): string {
    return family === undefined ? text : text.replace(/<family>/g, family);
}
