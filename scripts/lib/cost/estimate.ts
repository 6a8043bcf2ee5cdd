// The monthly cost estimate of a planned stack, from the versioned table of AWS list prices in
// prices.json. Pure: the same plan and table always give the same cents.
//
// What the estimate cannot know is reported as unknown, never as zero: a charge that depends on
// usage (storage, log ingestion, threat analysis, operator connections), a region or variant the
// table has no price for, and any resource type that is neither priced here nor listed in
// FREE_TYPES, so a new kind of resource cannot slip into an estimate for free. Usage charges on top
// of a fixed fee (ALB LCUs, endpoint and gateway data, WAF requests, KMS requests) are not unknowns:
// the fixed fee is priced, the ALB at an assumed LCU, and prices.json's notes say what is left out.

import { COMPONENT_NAMESPACE } from "../../../components/types";
import { Mode, MODES } from "../../../lib/modes";
import rawPrices from "./prices.json";

/** The value of a price that depends on usage: whatever it prices is reported as unknown. */
export const USAGE_BASED = "usage-based";

/** A number (USD per unit), per-variant numbers (instance type, size ...), or usage-based. */
export type Price = number | typeof USAGE_BASED | Readonly<Record<string, number>>;

export interface PriceTable {
    readonly version: string;
    readonly source: string;
    /** The date the table was compiled, YYYY-MM-DD. */
    readonly retrieved: string;
    readonly currency: "USD";
    readonly hoursPerMonth: number;
    readonly assumptions: {
        /** Load balancer capacity units charged every hour on top of an ALB's hourly fee. */
        readonly albLcuPerHour: number;
        /** Minutes in the month that schedules (canaries) run in: 30 days, so 5 minutes = 8,640 runs. */
        readonly scheduleMinutesPerMonth: number;
        /** Custom-metric-priced metrics of an instance with detailed monitoring. */
        readonly detailedMonitoringMetricsPerInstance: number;
    };
    /** Why a price key covers what it does, and what it leaves out. */
    readonly notes: Readonly<Record<string, string>>;
    /** Prices AWS lists the same in every commercial region. */
    readonly uniform: Readonly<Record<string, Price>>;
    /** Prices per region; a region missing here makes every regional price unknown. */
    readonly regions: Readonly<Record<string, Readonly<Record<string, Price>>>>;
}

function isPrice(value: unknown): value is Price {
    if (value === USAGE_BASED) {
        return true;
    }
    const positive = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v) && v > 0;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        return Object.values(value).length > 0 && Object.values(value).every(positive);
    }
    return positive(value);
}

/** Problems with a price table, each naming the field, the value and what is expected. */
export function priceTableProblems(raw: unknown): string[] {
    if (typeof raw !== "object" || raw === null) {
        return ["the price table is not a JSON object"];
    }
    const table = raw as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of ["version", "source"]) {
        if (typeof table[key] !== "string" || (table[key] as string).length === 0) {
            problems.push(`${key}: expected a non-empty string`);
        }
    }
    if (typeof table.retrieved !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(table.retrieved)) {
        problems.push(`retrieved: ${JSON.stringify(table.retrieved)} is not a date (YYYY-MM-DD)`);
    }
    if (table.currency !== "USD") {
        problems.push(`currency: ${JSON.stringify(table.currency)}; expected "USD"`);
    }
    if (typeof table.hoursPerMonth !== "number" || table.hoursPerMonth <= 0) {
        problems.push(`hoursPerMonth: ${JSON.stringify(table.hoursPerMonth)}; expected a positive number (730)`);
    }
    const assumptions = (table.assumptions ?? {}) as Record<string, unknown>;
    for (const key of ["albLcuPerHour", "scheduleMinutesPerMonth", "detailedMonitoringMetricsPerInstance"]) {
        if (typeof assumptions[key] !== "number" || (assumptions[key] as number) < 0) {
            problems.push(`assumptions.${key}: expected a number of at least 0`);
        }
    }
    const checkPrices = (where: string, prices: unknown): void => {
        if (typeof prices !== "object" || prices === null) {
            problems.push(`${where}: expected an object of prices`);
            return;
        }
        for (const [key, value] of Object.entries(prices)) {
            if (!isPrice(value)) {
                problems.push(`${where}.${key}: ${JSON.stringify(value)}; expected a positive number, positive numbers per variant, or "${USAGE_BASED}"`);
            }
        }
    };
    checkPrices("uniform", table.uniform);
    if (typeof table.regions !== "object" || table.regions === null) {
        problems.push("regions: expected an object of prices per region");
    } else {
        for (const [region, prices] of Object.entries(table.regions)) {
            checkPrices(`regions.${region}`, prices);
        }
    }
    return problems;
}

export function parsePriceTable(raw: unknown): PriceTable {
    const problems = priceTableProblems(raw);
    if (problems.length > 0) {
        throw new Error(`invalid price table:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    }
    return raw as PriceTable;
}

/** The repository's price table (scripts/lib/cost/prices.json). */
export const PRICES: PriceTable = parsePriceTable(rawPrices);

/** The part of a planned stack the estimate reads (a `TenantPlan` of the plan document fits). */
export interface PlannedStack {
    readonly tenant: string;
    readonly mode: Mode | "platform";
    readonly region: string;
    readonly resources: readonly { readonly type: string; readonly name: string; readonly inputs: Readonly<Record<string, unknown>> }[];
}

/** One charge of one resource; `monthlyUsd` null when it cannot be known, with the reason. */
export interface CostItem {
    readonly resource: string;
    readonly type: string;
    readonly what: string;
    readonly monthlyUsd: number | null;
    readonly reason?: string;
}

export interface UnknownCost {
    readonly resource: string;
    readonly type: string;
    readonly reason: string;
}

export interface StackEstimate {
    readonly tenant: string;
    readonly mode: Mode | "platform";
    readonly region: string;
    /** The price table's version the numbers come from. */
    readonly priceVersion: string;
    /** The sum of the known items, in USD rounded to cents. Unknown items are not in it. */
    readonly monthlyUsd: number;
    /** Every charge, in plan order; resources known to be free are left out. */
    readonly items: CostItem[];
    /** The items whose cost cannot be known, with why. */
    readonly unknown: UnknownCost[];
}

/**
 * AWS resource types known to cost nothing by themselves, with why: the configuration, wiring and
 * permissions around the priced resources, and resources whose charges are billed elsewhere.
 */
export const FREE_TYPES: Readonly<Record<string, string>> = {
    "aws:acm/certificateValidation:CertificateValidation": "a wait for validation, no resource",
    "aws:backup/plan:Plan": "backup storage is billed on the vault (usage-based)",
    "aws:backup/selection:Selection": "backup storage is billed on the vault (usage-based)",
    "aws:backup/regionSettings:RegionSettings": "account settings",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "a setting of the vault",
    "aws:backup/vaultNotifications:VaultNotifications": "a setting of the vault",
    "aws:cloudwatch/eventRule:EventRule": "rules on AWS service events of the default bus are free",
    "aws:cloudwatch/eventTarget:EventTarget": "part of its rule",
    "aws:cloudwatch/logStream:LogStream": "ingestion is billed on the log group (usage-based)",
    "aws:ec2/customerGateway:CustomerGateway": "a description of the customer's device; the VPN connection is billed",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "security groups are free",
    "aws:ec2/flowLog:FlowLog": "its records are billed as the destination log group's ingestion (usage-based)",
    "aws:ec2/internetGateway:InternetGateway": "no hourly fee; public IPv4 addresses are billed where they are held",
    "aws:ec2/managedPrefixList:ManagedPrefixList": "free",
    "aws:ec2/networkAcl:NetworkAcl": "free",
    "aws:ec2/networkAclRule:NetworkAclRule": "free",
    "aws:ec2/networkInterface:NetworkInterface": "free without a public IPv4 address",
    "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment": "free",
    "aws:ec2/route:Route": "free",
    "aws:ec2/routeTable:RouteTable": "free",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "free",
    "aws:ec2/securityGroup:SecurityGroup": "free",
    "aws:ec2/subnet:Subnet": "free",
    "aws:ec2/volumeAttachment:VolumeAttachment": "the volume is billed",
    "aws:ec2/vpc:Vpc": "free",
    "aws:ec2/vpnConnectionRoute:VpnConnectionRoute": "part of the VPN connection",
    "aws:ec2/vpnGateway:VpnGateway": "no hourly fee; the VPN connection is billed",
    "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation": "free",
    "aws:ec2clientvpn/authorizationRule:AuthorizationRule": "part of the Client VPN endpoint",
    "aws:ec2clientvpn/route:Route": "part of the Client VPN endpoint",
    "aws:ec2transitgateway/routeTable:RouteTable": "free",
    "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation": "free",
    "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation": "free",
    "aws:ec2transitgateway/transitGateway:TransitGateway": "no hourly fee; its attachments are billed",
    "aws:guardduty/detectorFeature:DetectorFeature": "billed within the detector's analysis (usage-based)",
    "aws:iam/instanceProfile:InstanceProfile": "IAM is free",
    "aws:iam/role:Role": "IAM is free",
    "aws:iam/rolePolicy:RolePolicy": "IAM is free",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
    "aws:kms/alias:Alias": "the key is billed",
    "aws:lb/listener:Listener": "part of the load balancer",
    "aws:lb/listenerCertificate:ListenerCertificate": "part of the load balancer",
    "aws:lb/listenerRule:ListenerRule": "rule evaluations are part of the load balancer's LCUs",
    "aws:lb/targetGroup:TargetGroup": "part of the load balancer",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": "part of the load balancer",
    "aws:rds/parameterGroup:ParameterGroup": "free",
    "aws:rds/subnetGroup:SubnetGroup": "free",
    "aws:route53/record:Record": "records are free; alias queries to AWS resources are free, other queries usage-based",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "a setting of the bucket",
    "aws:s3/bucketLogging:BucketLogging": "free; the log files are storage of the target bucket (usage-based)",
    "aws:s3/bucketObjectv2:BucketObjectv2": "stored in its bucket (usage-based there)",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "a setting of the bucket",
    "aws:s3/bucketPolicy:BucketPolicy": "a setting of the bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "a setting of the bucket",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "a setting of the bucket",
    "aws:s3/bucketVersioning:BucketVersioning": "a setting of the bucket (old versions are storage, usage-based)",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "a setting of the secret",
    "aws:secretsmanager/secretVersion:SecretVersion": "the secret is billed",
    "aws:sns/topic:Topic": "no fee per topic; alarm notifications stay within the free tier",
    "aws:sns/topicPolicy:TopicPolicy": "a setting of the topic",
    "aws:sns/topicSubscription:TopicSubscription": "no fee per subscription; email notifications of alarms stay within SNS's free 1,000 a month",
    "aws:ssm/association:Association": "State Manager is free on EC2",
    "aws:ssm/document:Document": "free",
    "aws:ssm/maintenanceWindow:MaintenanceWindow": "free",
    "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": "free",
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": "free",
    "aws:ssm/patchBaseline:PatchBaseline": "Patch Manager is free on EC2",
    "aws:ssm/patchGroup:PatchGroup": "free",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "free",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "free",
    "aws:wafv2/ipSet:IpSet": "free; the rule that references it is billed",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "the web ACL is billed",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "its logs are billed as the destination log group's ingestion (usage-based)",
};

/** Types that are no cloud resource at all: providers, stack references, local random/TLS values, components. */
const NOT_CLOUD_RESOURCES = [/^pulumi:providers:/, /^pulumi:pulumi:StackReference$/, /^random:index\//, /^tls:index\//, new RegExp(`^${COMPONENT_NAMESPACE}:`)];

export function isFreeType(type: string): boolean {
    return FREE_TYPES[type] !== undefined || NOT_CLOUD_RESOURCES.some((pattern) => pattern.test(type));
}

type Rate = { readonly usd: number; readonly reason?: undefined } | { readonly usd?: undefined; readonly reason: string };

interface Line {
    readonly what: string;
    readonly monthlyUsd: number | null;
    readonly reason?: string;
}

interface Context {
    readonly hours: number;
    readonly assumptions: PriceTable["assumptions"];
    rate(key: string, variant?: string): Rate;
}

type Inputs = Readonly<Record<string, unknown>>;
type Pricer = (inputs: Inputs, context: Context) => Line[];

/** Cents, rounded half up after cutting float noise below a millionth of a dollar. */
export function toCents(usd: number): number {
    return Math.round(Math.round(usd * 1e6) / 1e4);
}

function rateIn(prices: PriceTable, region: string, key: string, variant: string | undefined): Rate {
    const regional = prices.regions[region];
    const price = regional?.[key] ?? prices.uniform[key];
    if (price === undefined) {
        return {
            reason: regional === undefined ? `price table ${prices.version} has no prices for region ${region}` : `price table ${prices.version} has no ${key} price in ${region}`,
        };
    }
    if (price === USAGE_BASED) {
        return { reason: `usage-based: ${prices.notes[key] ?? key}` };
    }
    if (typeof price === "number") {
        return variant === undefined ? { usd: price } : { reason: `price table ${prices.version} has ${key} without variants, asked for ${variant}` };
    }
    const usd = variant === undefined ? undefined : price[variant];
    return usd === undefined ? { reason: `price table ${prices.version} has no ${key} price for ${variant ?? "(no variant)"} in ${region}` } : { usd };
}

function line(what: string, terms: ReadonlyArray<readonly [Rate, number]>): Line {
    const missing = terms.find(([rate]) => rate.reason !== undefined);
    if (missing) {
        return { what, monthlyUsd: null, reason: missing[0].reason };
    }
    const usd = terms.reduce((sum, [rate, quantity]) => sum + (rate.usd ?? 0) * quantity, 0);
    return { what, monthlyUsd: toCents(usd) / 100 };
}

function unknownLine(what: string, reason: string): Line {
    return { what, monthlyUsd: null, reason };
}

function text(value: unknown): string | undefined {
    return typeof value === "string" && value.length > 0 ? value : undefined;
}

function count(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function list(value: unknown): readonly unknown[] | undefined {
    return Array.isArray(value) ? value : undefined;
}

function record(value: unknown): Inputs | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Inputs) : undefined;
}

const GP3_INCLUDED_IOPS = 3000;
const GP3_INCLUDED_THROUGHPUT = 125;
const IO2_FIRST_TIER_IOPS = 32000;

/** An EBS volume's month: GiB at its type's price, plus the IOPS and throughput its type bills. */
function volumeLine(context: Context, label: string, size: number | undefined, type: string, iops: number | undefined, throughput: number | undefined): Line {
    if (size === undefined) {
        return unknownLine(`${label} (${type})`, `${label}: size is not known at plan time (it comes from a snapshot or the AMI)`);
    }
    const what = `${label} ${size} GiB ${type}${iops !== undefined ? `, ${iops} IOPS` : ""}${throughput !== undefined ? `, ${throughput} MB/s` : ""}`;
    const terms: (readonly [Rate, number])[] = [[context.rate("ebs.gb.month", type), size]];
    if (type === "gp3") {
        const extraIops = Math.max(0, (iops ?? GP3_INCLUDED_IOPS) - GP3_INCLUDED_IOPS);
        const extraThroughput = Math.max(0, (throughput ?? GP3_INCLUDED_THROUGHPUT) - GP3_INCLUDED_THROUGHPUT);
        if (extraIops > 0) {
            terms.push([context.rate("ebs.gp3.iops.month"), extraIops]);
        }
        if (extraThroughput > 0) {
            terms.push([context.rate("ebs.gp3.throughput.month"), extraThroughput]);
        }
    }
    if (type === "io2") {
        if (iops === undefined || iops > IO2_FIRST_TIER_IOPS) {
            return unknownLine(what, `io2 IOPS ${iops ?? "(not set)"}: the table prices io2 IOPS up to ${IO2_FIRST_TIER_IOPS} only`);
        }
        terms.push([context.rate("ebs.io2.iops.month"), iops]);
    }
    return line(what, terms);
}

function hourly(context: Context, what: string, key: string, variant?: string, units = 1): Line {
    return line(`${what} × ${context.hours} h`, [[context.rate(key, variant), context.hours * units]]);
}

function monthly(context: Context, what: string, key: string, units = 1): Line {
    return line(what, [[context.rate(key), units]]);
}

/** Runs per month of a `rate(N unit)` schedule; undefined for cron and one-off schedules. */
export function runsPerMonth(expression: string, minutesPerMonth: number): number | undefined {
    const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
    const every = Number(match?.[1]);
    if (!match || !(every > 0)) {
        return undefined;
    }
    const minutes = every * (match[2]!.startsWith("minute") ? 1 : match[2]!.startsWith("hour") ? 60 : 1440);
    return Math.floor(minutesPerMonth / minutes);
}

function recordsDataEvents(inputs: Inputs): boolean {
    const advanced = (list(inputs.advancedEventSelectors) ?? []).some((selector) =>
        (list(record(selector)?.fieldSelectors) ?? []).some((field) => {
            const f = record(field);
            return f?.field === "eventCategory" && (list(f.equals) ?? []).includes("Data");
        }),
    );
    const basic = (list(inputs.eventSelectors) ?? []).some((selector) => (list(record(selector)?.dataResources) ?? []).length > 0);
    return advanced || basic;
}

/** How each priced type turns its inputs into charges. */
const PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:ec2/instance:Instance": (inputs, context) => {
        const type = text(inputs.instanceType);
        const tenancy = text(inputs.tenancy) ?? "default";
        const lines: Line[] = [];
        if (tenancy === "host" || inputs.hostId !== undefined) {
            lines.push({ what: `${type ?? "instance"} on a Dedicated Host (billed by the host)`, monthlyUsd: 0 });
        } else if (tenancy !== "default") {
            lines.push(unknownLine(`${type ?? "instance"} (tenancy ${tenancy})`, `tenancy ${tenancy}: only shared-tenancy and Dedicated Host instances are priced`));
        } else if (type === undefined) {
            lines.push(unknownLine("instance", "instanceType is not known at plan time"));
        } else {
            lines.push(hourly(context, type, "ec2.instance.hour", type));
        }
        const root = record(inputs.rootBlockDevice);
        lines.push(volumeLine(context, "root volume", count(root?.volumeSize), text(root?.volumeType) ?? "gp2", count(root?.iops), count(root?.throughput)));
        for (const device of list(inputs.ebsBlockDevices) ?? []) {
            const volume = record(device);
            lines.push(volumeLine(context, `volume ${text(volume?.deviceName) ?? ""}`.trim(), count(volume?.volumeSize), text(volume?.volumeType) ?? "gp2", count(volume?.iops), count(volume?.throughput)));
        }
        if (inputs.monitoring === true) {
            const metrics = context.assumptions.detailedMonitoringMetricsPerInstance;
            lines.push(monthly(context, `detailed monitoring (${metrics} metrics)`, "cloudwatch.metric.month", metrics));
        }
        return lines;
    },
    "aws:ebs/volume:Volume": (inputs, context) => [
        volumeLine(context, "volume", count(inputs.size), text(inputs.type) ?? "gp2", count(inputs.iops), count(inputs.throughput)),
    ],
    "aws:ec2/dedicatedHost:DedicatedHost": (inputs, context) => {
        const family = text(inputs.instanceFamily) ?? text(inputs.instanceType)?.split(".")[0];
        return family === undefined
            ? [unknownLine("dedicated host", "instanceFamily/instanceType is not known at plan time")]
            : [hourly(context, `${family} dedicated host`, "ec2.dedicatedHost.hour", family)];
    },
    "aws:rds/instance:Instance": (inputs, context) => {
        const engine = text(inputs.engine);
        const instanceClass = text(inputs.instanceClass);
        const storage = count(inputs.allocatedStorage);
        const storageType = text(inputs.storageType) ?? (inputs.iops !== undefined ? "io1" : "gp2");
        const multiAz = inputs.multiAz === true;
        const factor = multiAz ? context.rate("rds.multiAzFactor") : { usd: 1 };
        const deployment = multiAz ? "Multi-AZ" : "single-AZ";
        if (engine === undefined || instanceClass === undefined) {
            return [unknownLine("database instance", "engine or instanceClass is not known at plan time")];
        }
        const instance = `${engine} ${instanceClass} ${deployment} × ${context.hours} h`;
        const volume = `${storage ?? "?"} GiB ${storageType} ${deployment}`;
        if (factor.reason !== undefined) {
            return [unknownLine(instance, factor.reason), unknownLine(volume, factor.reason)];
        }
        const lines = [
            line(instance, [[context.rate(`rds.${engine}.hour`, instanceClass), context.hours * factor.usd]]),
            storage === undefined
                ? unknownLine(volume, "allocatedStorage is not known at plan time")
                : line(volume, [[context.rate("rds.storage.gb.month", storageType), storage * factor.usd]]),
        ];
        if (inputs.iops !== undefined || inputs.storageThroughput !== undefined) {
            lines.push(unknownLine("provisioned IOPS / throughput", "provisioned RDS IOPS and throughput are not in the price table"));
        }
        return lines;
    },
    "aws:lb/loadBalancer:LoadBalancer": (inputs, context) => {
        const type = text(inputs.loadBalancerType) ?? "application";
        if (type !== "application") {
            return [unknownLine(`${type} load balancer`, `${type} load balancers are not in the price table`)];
        }
        const lcu = context.assumptions.albLcuPerHour;
        const lines = [
            line(`application load balancer × ${context.hours} h + ${lcu} LCU (assumed)`, [
                [context.rate("elb.alb.hour"), context.hours],
                [context.rate("elb.alb.lcu.hour"), context.hours * lcu],
            ]),
        ];
        if (inputs.internal !== true) {
            const addresses = (list(inputs.subnets) ?? list(inputs.subnetMappings))?.length;
            lines.push(
                addresses === undefined
                    ? unknownLine("public IPv4 addresses", "the internet-facing load balancer's subnets are not known at plan time")
                    : hourly(context, `${addresses} public IPv4 addresses`, "vpc.publicIpv4.hour", undefined, addresses),
            );
        }
        return lines;
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": (inputs, context) => {
        const type = text(inputs.vpcEndpointType) ?? "Gateway";
        const service = text(inputs.serviceName) ?? "endpoint";
        if (type === "Gateway") {
            return []; // S3 and DynamoDB gateway endpoints are free
        }
        const zones = list(inputs.subnetIds)?.length;
        if (type !== "Interface") {
            return [unknownLine(`${type} endpoint ${service}`, `${type} endpoints are not in the price table`)];
        }
        return zones === undefined || zones === 0
            ? [unknownLine(`interface endpoint ${service}`, "its subnets are not known at plan time")]
            : [hourly(context, `interface endpoint ${service} in ${zones} AZs`, "vpc.interfaceEndpoint.azHour", undefined, zones)];
    },
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": (_inputs, context) => [hourly(context, "transit gateway attachment", "tgw.attachment.hour")],
    "aws:ec2/vpnConnection:VpnConnection": (_inputs, context) => [hourly(context, "site-to-site VPN connection", "vpn.connection.hour")],
    "aws:ec2clientvpn/networkAssociation:NetworkAssociation": (_inputs, context) => [hourly(context, "Client VPN subnet association", "clientVpn.association.hour")],
    "aws:ec2clientvpn/endpoint:Endpoint": (_inputs, context) => [monthly(context, "Client VPN connection-hours", "clientVpn.connection.hour")],
    "aws:directoryservice/directory:Directory": (inputs, context) => {
        const type = text(inputs.type) ?? "SimpleAD";
        const size = text(inputs.size);
        if (type !== "ADConnector") {
            return [unknownLine(`${type} directory`, `${type} directories are not in the price table`)];
        }
        return size === undefined ? [unknownLine("AD Connector", "size is not known at plan time")] : [hourly(context, `AD Connector (${size})`, "ds.adConnector.hour", size)];
    },
    "aws:kms/key:Key": (_inputs, context) => [monthly(context, "customer managed key", "kms.key.month")],
    "aws:secretsmanager/secret:Secret": (_inputs, context) => [monthly(context, "secret", "secretsmanager.secret.month")],
    "aws:route53/zone:Zone": (_inputs, context) => [monthly(context, "hosted zone", "route53.zone.month")],
    "aws:wafv2/webAcl:WebAcl": (inputs, context) => {
        const rules = list(inputs.rules)?.length ?? 0;
        return [line(`web ACL + ${rules} rules`, [[context.rate("wafv2.webAcl.month"), 1], [context.rate("wafv2.rule.month"), rules]])];
    },
    "aws:ssm/parameter:Parameter": (inputs, context) => {
        const tier = text(inputs.tier) ?? "Standard";
        if (tier === "Standard") {
            return [];
        }
        return tier === "Advanced"
            ? [monthly(context, "advanced parameter", "ssm.advancedParameter.month")]
            : [unknownLine(`${tier} parameter`, `tier ${tier} decides Standard or Advanced at run time`)];
    },
    "aws:acm/certificate:Certificate": (inputs) =>
        inputs.certificateAuthorityArn === undefined ? [] : [unknownLine("private certificate", "certificates of an AWS Private CA are not in the price table")],
    "aws:synthetics/canary:Canary": (inputs, context) => {
        const expression = text(record(inputs.schedule)?.expression) ?? "";
        const runs = runsPerMonth(expression, context.assumptions.scheduleMinutesPerMonth);
        return runs === undefined
            ? [unknownLine(`canary "${expression}"`, `schedule "${expression}" is not a rate(N minutes|hours|days) expression`)]
            : [line(`canary ${expression}: ${runs} runs`, [[context.rate("synthetics.run"), runs]])];
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": (inputs, context) => {
        if (inputs.metricQueries !== undefined) {
            return [unknownLine("metric math alarm", "metric math and anomaly detection alarms are billed per metric queried; not in the price table")];
        }
        const period = count(inputs.period);
        return period !== undefined && period < 60 ? [monthly(context, "high-resolution alarm", "cloudwatch.highResolutionAlarm.month")] : [monthly(context, "standard alarm", "cloudwatch.alarm.month")];
    },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": (_inputs, context) => [monthly(context, "custom metric", "cloudwatch.metric.month")],
    "aws:cloudwatch/logGroup:LogGroup": (_inputs, context) => [monthly(context, "log ingestion and storage", "logs.ingestion")],
    "aws:cloudtrail/trail:Trail": (inputs, context) => (recordsDataEvents(inputs) ? [monthly(context, "data events", "cloudtrail.dataEvents")] : []),
    "aws:guardduty/detector:Detector": (_inputs, context) => [monthly(context, "threat detection analysis", "guardduty.analysis")],
    "aws:backup/vault:Vault": (_inputs, context) => [monthly(context, "backup storage", "backup.storage")],
    "aws:s3/bucket:Bucket": (_inputs, context) => [monthly(context, "storage and requests", "s3.storage")],
};

/** The resource types the estimate prices (the rest are free or unknown). */
export const PRICED_TYPES: readonly string[] = Object.keys(PRICERS).sort();

function sumCents(values: readonly (number | null)[]): number {
    return values.reduce<number>((sum, value) => sum + (value === null ? 0 : toCents(value)), 0);
}

/** The monthly cost of one planned stack at the table's list prices. */
export function estimateStack(plan: PlannedStack, prices: PriceTable = PRICES): StackEstimate {
    const context: Context = {
        hours: prices.hoursPerMonth,
        assumptions: prices.assumptions,
        rate: (key, variant) => rateIn(prices, plan.region, key, variant),
    };
    const items: CostItem[] = [];
    for (const resource of plan.resources) {
        if (isFreeType(resource.type)) {
            continue;
        }
        const pricer = PRICERS[resource.type];
        const lines = pricer
            ? pricer(resource.inputs, context)
            : [unknownLine("not in the price table", `resource type ${resource.type} is neither priced nor known to be free; add it to scripts/lib/cost/estimate.ts`)];
        for (const entry of lines) {
            items.push({ resource: resource.name, type: resource.type, ...entry });
        }
    }
    const unknown = items.filter((item) => item.monthlyUsd === null).map((item) => ({ resource: item.resource, type: item.type, reason: item.reason ?? "unknown" }));
    return {
        tenant: plan.tenant,
        mode: plan.mode,
        region: plan.region,
        priceVersion: prices.version,
        monthlyUsd: sumCents(items.map((item) => item.monthlyUsd)) / 100,
        items,
        unknown,
    };
}

export interface ModeEstimate {
    readonly mode: Mode | "platform";
    /** The stacks of the mode, sorted. */
    readonly tenants: string[];
    /** The sum of their known costs. */
    readonly monthlyUsd: number;
    /** How many items of those stacks are unknown. */
    readonly unknownItems: number;
}

/** Totals per mode, in the order of MODES, then the platform; modes without a stack are left out. */
export function estimateByMode(stacks: readonly StackEstimate[]): ModeEstimate[] {
    return [...MODES, "platform" as const].flatMap((mode) => {
        const ofMode = stacks.filter((stack) => stack.mode === mode);
        if (ofMode.length === 0) {
            return [];
        }
        return [
            {
                mode,
                tenants: ofMode.map((stack) => stack.tenant).sort(),
                monthlyUsd: sumCents(ofMode.map((stack) => stack.monthlyUsd)) / 100,
                unknownItems: ofMode.reduce((sum, stack) => sum + stack.unknown.length, 0),
            },
        ];
    });
}

export interface ResourceCostChange {
    readonly resource: string;
    readonly type: string;
    readonly change: "added" | "removed" | "changed";
    /** The resource's known monthly cost before; null when absent or unknown (see `change`). */
    readonly beforeUsd: number | null;
    readonly afterUsd: number | null;
    /** null when either side is unknown. */
    readonly deltaUsd: number | null;
    /** Its charges before / after, e.g. "m6i.large × 730 h" -> "m6i.xlarge × 730 h". */
    readonly whatBefore: string | null;
    readonly whatAfter: string | null;
}

export interface CostDelta {
    readonly tenant: string;
    readonly beforeUsd: number;
    readonly afterUsd: number;
    /** Known after minus known before. */
    readonly deltaUsd: number;
    /** Resources whose charges appear, disappear or change, in the after-plan's order then removals. */
    readonly changes: ResourceCostChange[];
    /** The unknown items after the change, so a reader knows what the delta leaves out. */
    readonly unknown: UnknownCost[];
}

interface ResourceCost {
    readonly type: string;
    readonly cents: number | null;
    readonly what: string;
}

function byResource(estimate: StackEstimate | undefined): Map<string, ResourceCost> {
    const resources = new Map<string, ResourceCost>();
    for (const item of estimate?.items ?? []) {
        const key = `${item.type}::${item.resource}`;
        const previous = resources.get(key);
        const cents = item.monthlyUsd === null ? null : toCents(item.monthlyUsd);
        resources.set(key, {
            type: item.type,
            cents: previous === undefined ? cents : previous.cents === null || cents === null ? null : previous.cents + cents,
            what: previous === undefined ? item.what : `${previous.what}; ${item.what}`,
        });
    }
    return resources;
}

/** What a change of a stack does to its monthly cost; `before` undefined for a new stack, `after` for a removed one. */
export function costDelta(before: StackEstimate | undefined, after: StackEstimate | undefined): CostDelta {
    const tenant = after?.tenant ?? before?.tenant;
    if (tenant === undefined) {
        throw new Error("costDelta needs an estimate before or after the change");
    }
    const old = byResource(before);
    const now = byResource(after);
    const usd = (cents: number | null | undefined): number | null => (cents === null || cents === undefined ? null : cents / 100);
    const changes: ResourceCostChange[] = [];
    for (const [key, cost] of now) {
        const was = old.get(key);
        if (was !== undefined && was.cents === cost.cents && was.what === cost.what) {
            continue;
        }
        changes.push({
            resource: key.slice(cost.type.length + 2),
            type: cost.type,
            change: was === undefined ? "added" : "changed",
            beforeUsd: usd(was?.cents),
            afterUsd: usd(cost.cents),
            deltaUsd: cost.cents === null || was?.cents === null ? null : usd(cost.cents - (was?.cents ?? 0)),
            whatBefore: was?.what ?? null,
            whatAfter: cost.what,
        });
    }
    for (const [key, cost] of old) {
        if (!now.has(key)) {
            changes.push({
                resource: key.slice(cost.type.length + 2),
                type: cost.type,
                change: "removed",
                beforeUsd: usd(cost.cents),
                afterUsd: null,
                deltaUsd: cost.cents === null ? null : usd(-cost.cents),
                whatBefore: cost.what,
                whatAfter: null,
            });
        }
    }
    const beforeCents = toCents(before?.monthlyUsd ?? 0);
    const afterCents = toCents(after?.monthlyUsd ?? 0);
    return { tenant, beforeUsd: beforeCents / 100, afterUsd: afterCents / 100, deltaUsd: (afterCents - beforeCents) / 100, changes, unknown: after?.unknown ?? [] };
}
