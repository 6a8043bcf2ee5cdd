// The offline plan's stand-in for AWS: deterministic, plausibly shaped ids and attributes, so that
// program code reading them (ARNs in policies, AZ names, DNS names, generated passwords) behaves as
// it would against a real account. Ids derive from a hash of the stack, type and name: the same
// program gives the same ids on every run, and they are unique within a stack.

import { createHash } from "node:crypto";

import type * as pulumi from "@pulumi/pulumi";

import { MOCK_ATTRIBUTES } from "./mock-attributes";

/** The AWS account the plan pretends to deploy into. */
export const PLAN_ACCOUNT_ID = "123456789012";

/** Outputs of a stack that a StackReference may read: values plus which of them are secret. */
export interface StackOutputsSnapshot {
    readonly outputs: Record<string, unknown>;
    readonly secretOutputNames: readonly string[];
}

export interface PlanMocksOptions {
    /** The stack being planned; part of every id's hash. */
    readonly stack: string;
    /** The region of resources whose provider sets none. */
    readonly region: string;
    /** Outputs of other stacks by fully qualified name (`org/project/stack`), for StackReferences. */
    readonly stackOutputs: ReadonlyMap<string, StackOutputsSnapshot>;
}

/**
 * Raised when the program asks for something the offline plan cannot answer, or that AWS would
 * refuse. `details` carries the message across the mock monitor: the runtime rethrows a failed
 * invoke as `new Error(err.details)` (@pulumi/pulumi runtime/invoke.js), as it does a gRPC error.
 */
export class PlanMockError extends Error {
    readonly details: string = this.message;
}

type State = Record<string, unknown>;

function generatedKey(type: string, name: string): string {
    return `${type}::${name}`;
}

/** Amazon's account, which DescribeImages' owner alias `amazon` names. */
const AMAZON_IMAGE_OWNER_ID = "137112412989";

/**
 * The Amazon Linux 2023 images Amazon publishes, standard and minimal, by AWS's naming
 * (`al2023-ami[-minimal]-2023.<minor>.<YYYYMMDD>.<n>-kernel-<version>-<arch>`, Amazon Linux 2023
 * User Guide, "Amazon Linux 2023 on Amazon EC2"). The plan cannot know which releases exist: a
 * name of this shape with a real date stands for a published release; any other name matches no image.
 */
const AMAZON_LINUX_2023_IMAGE = /^al2023-ami-(?:minimal-)?2023\.\d+\.(\d{4})(\d{2})(\d{2})\.\d+-kernel-\d+\.\d+-(x86_64|arm64)$/;

function publishedAmazonImage(name: string): { architecture: string } | undefined {
    const match = AMAZON_LINUX_2023_IMAGE.exec(name);
    if (!match) {
        return undefined;
    }
    const [, year, month, day, architecture] = match;
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    const real = date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
    return real ? { architecture: architecture! } : undefined;
}

/**
 * `aws.ec2.getAmi` as the provider answers it (hashicorp/terraform-provider-aws
 * internal/service/ec2/ec2_ami_data_source.go over DescribeImages): exactly one image, else
 * "Your query returned no results" or "... more than one result" (without `mostRecent`). The
 * plan answers only a search for Amazon's own images by exact name: a wildcard (`*`, `?`) could
 * match several releases, and which one AWS would pick is unknowable offline, so it fails as a
 * search that matches more than one; another owner's images are unknown to the plan.
 */
function describeAmazonImage(inputs: Record<string, unknown>, region: string): Record<string, unknown> {
    const owners = Array.isArray(inputs.owners) ? inputs.owners.map(String) : [];
    const filters = (Array.isArray(inputs.filters) ? inputs.filters : []) as { name?: unknown; values?: unknown }[];
    const valuesOf = (filter: string): string[] | undefined => {
        const found = filters.filter((entry) => entry.name === filter);
        return found.length === 0 ? undefined : found.flatMap((entry) => (Array.isArray(entry.values) ? entry.values.map(String) : []));
    };
    const names = valuesOf("name");
    const search = `getAmi(owners ${JSON.stringify(owners)}, filters ${JSON.stringify(filters)}) in ${region}`;
    if (!owners.some((owner) => owner === "amazon" || owner === AMAZON_IMAGE_OWNER_ID)) {
        throw new PlanMockError(`${search}: the offline plan knows only Amazon's own images (owners ["amazon"]); pin an Amazon Linux 2023 image by name`);
    }
    if (names === undefined || names.some((name) => /[*?]/.test(name))) {
        throw new PlanMockError(
            `${search}: Your query returned more than one result. Please try more specific search criteria, or set \`most_recent\` attribute to true. ` +
                "(the offline plan answers only an exact image name: which release a pattern matches is AWS's to say, and changes with every release)",
        );
    }
    const architectures = valuesOf("architecture");
    const images = [...new Set(names)].flatMap((name) => {
        const image = publishedAmazonImage(name);
        return image && (architectures === undefined || architectures.includes(image.architecture)) ? [{ name, ...image }] : [];
    });
    if (images.length === 0) {
        throw new PlanMockError(`${search}: Your query returned no results. Please change your search criteria and try again.`);
    }
    if (images.length > 1 && inputs.mostRecent !== true) {
        throw new PlanMockError(`${search}: Your query returned more than one result. Please try more specific search criteria, or set \`most_recent\` attribute to true.`);
    }
    const image = images[0]!;
    const id = `ami-${hex(`${region}${image.name}`, 17)}`;
    return {
        id,
        imageId: id,
        name: image.name,
        architecture: image.architecture,
        arn: `arn:aws:ec2:${region}::image/${id}`,
        ownerId: AMAZON_IMAGE_OWNER_ID,
        imageOwnerAlias: "amazon",
        imageType: "machine",
        platformDetails: "Linux/UNIX",
        public: true,
        rootDeviceName: "/dev/xvda",
        rootDeviceType: "ebs",
        virtualizationType: "hvm",
        state: "available",
        owners,
        filters,
        includeDeprecated: inputs.includeDeprecated === true,
    };
}

function hex(seed: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) {
        out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
    }
    return out.slice(0, length);
}

function uuid(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `aws:ec2/securityGroup:SecurityGroup` -> { module: "ec2", resource: "SecurityGroup" }. */
function splitType(type: string): { pkg: string; module: string; resource: string } {
    const [pkg = "", middle = "", resource = ""] = type.split(":");
    return { pkg, module: middle.split("/")[0] ?? "", resource };
}

function kebab(name: string): string {
    return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** Id prefixes AWS uses for EC2-style resources. */
const EC2_ID_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ec2/instance:Instance": "i",
    "aws:ec2/networkInterface:NetworkInterface": "eni",
    "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment": "eni-attach",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/networkAcl:NetworkAcl": "acl",
    "aws:ec2/vpnGateway:VpnGateway": "vgw",
    "aws:ec2/customerGateway:CustomerGateway": "cgw",
    "aws:ec2/vpnConnection:VpnConnection": "vpn",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ebs/volume:Volume": "vol",
    "aws:ec2/dedicatedHost:DedicatedHost": "h",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2transitgateway/transitGateway:TransitGateway": "tgw",
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": "tgw-attach",
    "aws:ec2transitgateway/routeTable:RouteTable": "tgw-rtb",
    "aws:ec2clientvpn/endpoint:Endpoint": "cvpn-endpoint",
    "aws:ec2/placementGroup:PlacementGroup": "pg",
    "aws:ec2/managedPrefixList:ManagedPrefixList": "pl",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
};

/**
 * How the AWS provider (pulumi-aws v7, the bridge's `tfbridge.AutoName`) names a resource whose
 * name the program leaves out: `transform(<logical name>) + separator + <7 random hex>`, refused when
 * longer than `max` with the bridge's own error (`resource.NewUniqueHex`: "name '<prefix>' plus 7
 * random chars is longer than maximum length <max>"), never truncated. Sources, in pulumi/pulumi-aws:
 * - provider/autonaming.go `setAutonaming`: every resource with an input `name` (Optional or
 *   Required in the Terraform schema) and no override: `AutoName("name", 255, "-")`;
 * - provider/aliases.go: `aws_lb_target_group` `AutoName("name", 32, "-")` (`aws_lb` has no override:
 *   255 here, AWS's own 32 is a catalogue rule, stacks/config/aws-catalogue.json);
 * - provider/resource_overrides.go: `aws_iam_role` 64; `aws_cloudwatch_event_rule` 64;
 *   `aws_cloudwatch_metric_alarm` `alarm_name` (Pulumi `name`) 255; `aws_kms_alias` 238 then
 *   `alias/` prefixed; `aws_sns_topic` 80; `aws_s3_bucket` `AutoNameTransform("bucket", 63, ToLower)`;
 *   `aws_db_instance` `identifier`: `ComputeAutoNameDefault{Randlen: 7, Maxlen: 255}` with no
 *   separator (15 and 3 random characters for SQL Server engines);
 *   `aws_cloudwatch_event_target` `targetId` 255.
 * Types whose `name` is their real name and always given (log groups, parameters, DNS records:
 * `aws_route53_record` opts out) are listed so that a missing one is still named as the provider would.
 */
export interface AutoNameRule {
    /** The Pulumi input the provider fills in. */
    readonly property: string;
    readonly max: number;
    readonly separator: string;
    readonly randomLength: number;
    readonly lowercase?: boolean;
    /** Prepended after the check (`aws_kms_alias`'s PostTransform). */
    readonly prefix?: string;
}

const DEFAULT_NAME: AutoNameRule = { property: "name", max: 255, separator: "-", randomLength: 7 };

export const AUTONAME: Readonly<Record<string, AutoNameRule>> = {
    "aws:lb/targetGroup:TargetGroup": { ...DEFAULT_NAME, max: 32 },
    "aws:lb/loadBalancer:LoadBalancer": DEFAULT_NAME,
    "aws:iam/role:Role": { ...DEFAULT_NAME, max: 64 },
    "aws:cloudwatch/eventRule:EventRule": { ...DEFAULT_NAME, max: 64 },
    "aws:cloudwatch/metricAlarm:MetricAlarm": DEFAULT_NAME,
    "aws:cloudwatch/eventTarget:EventTarget": { ...DEFAULT_NAME, property: "targetId" },
    "aws:kms/alias:Alias": { ...DEFAULT_NAME, max: 238, prefix: "alias/" },
    "aws:sns/topic:Topic": { ...DEFAULT_NAME, max: 80 },
    "aws:s3/bucket:Bucket": { ...DEFAULT_NAME, property: "bucket", max: 63, lowercase: true },
    "aws:s3/bucketV2:BucketV2": { ...DEFAULT_NAME, property: "bucket", max: 63, lowercase: true },
    "aws:rds/instance:Instance": { ...DEFAULT_NAME, property: "identifier", separator: "" },
    "aws:rds/subnetGroup:SubnetGroup": DEFAULT_NAME,
    "aws:rds/parameterGroup:ParameterGroup": DEFAULT_NAME,
    "aws:iam/instanceProfile:InstanceProfile": DEFAULT_NAME,
    "aws:iam/policy:Policy": DEFAULT_NAME,
    "aws:iam/rolePolicy:RolePolicy": DEFAULT_NAME,
    "aws:cloudwatch/logGroup:LogGroup": DEFAULT_NAME,
    "aws:backup/vault:Vault": DEFAULT_NAME,
    "aws:backup/plan:Plan": DEFAULT_NAME,
    "aws:backup/selection:Selection": DEFAULT_NAME,
    "aws:ssm/parameter:Parameter": DEFAULT_NAME,
    "aws:ssm/document:Document": DEFAULT_NAME,
    "aws:ssm/maintenanceWindow:MaintenanceWindow": DEFAULT_NAME,
    "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": DEFAULT_NAME,
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": DEFAULT_NAME,
    "aws:ssm/patchBaseline:PatchBaseline": DEFAULT_NAME,
    "aws:ec2/securityGroup:SecurityGroup": DEFAULT_NAME,
    "aws:wafv2/webAcl:WebAcl": DEFAULT_NAME,
    "aws:wafv2/ipSet:IpSet": DEFAULT_NAME,
    "aws:secretsmanager/secret:Secret": DEFAULT_NAME,
    "aws:synthetics/canary:Canary": DEFAULT_NAME,
    "aws:cloudtrail/trail:Trail": DEFAULT_NAME,
    "aws:ec2/managedPrefixList:ManagedPrefixList": DEFAULT_NAME,
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": DEFAULT_NAME,
};

/** The bridge's error for a name that cannot fit (`resource.NewUniqueHex` in pulumi/pulumi sdk). */
export function autonameError(type: string, prefix: string, randomLength: number, max: number): string {
    return `could not make instance of '${type}': name '${prefix}' plus ${randomLength} random chars is longer than maximum length ${max}`;
}

/**
 * The provider's generated name for `logicalName`, with random characters drawn from `seed`
 * (deterministic, so plans are stable); throws {@link autonameError}'s text when it cannot fit.
 */
export function autoName(type: string, logicalName: string, rule: AutoNameRule, seed: string): string {
    const base = rule.lowercase ? logicalName.toLowerCase() : logicalName;
    const prefix = base + rule.separator;
    if (prefix.length + rule.randomLength > rule.max) {
        throw new PlanMockError(autonameError(type, prefix, rule.randomLength, rule.max));
    }
    return `${rule.prefix ?? ""}${prefix}${hex(seed, rule.randomLength)}`;
}

/** How many characters the provider appends to a `namePrefix` (terraform-plugin-sdk `id.PrefixedUniqueId`). */
export const UNIQUE_ID_LENGTH = 26;

/**
 * The provider's name from a `<property>Prefix` input (`namePrefix`, `bucketPrefix`,
 * `identifierPrefix`): the prefix and 26 unique characters (terraform-plugin-sdk
 * `id.PrefixedUniqueId`, a timestamp and a counter; drawn from `seed` here, so plans are stable).
 * Never shortened: a prefix too long for AWS's limit makes a name the catalogue's rule refuses.
 */
export function prefixedName(prefix: string, seed: string): string {
    return `${prefix}${hex(seed, UNIQUE_ID_LENGTH)}`;
}

/** Types whose id is their ARN (shaped by a type-specific attribute table). */
const ID_IS_ARN: ReadonlySet<string> = new Set(["aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule"]);


/**
 * Deterministic mocks for one stack. Create one per stack planned: it remembers the state of the
 * stack's resources so that later resources can be answered consistently (an ENI in a subnet gets
 * an address of that subnet and its availability zone).
 */
export class PlanMocks implements pulumi.runtime.Mocks {
    private readonly providerRegions = new Map<string, string>();
    private readonly states = new Map<string, State>();
    /** What the provider filled in, by {@link generatedKey}: a real preview shows it among the inputs. */
    private readonly generated = new Map<string, State>();

    constructor(private readonly options: PlanMocksOptions) {}

    /** The inputs the provider filled in for this resource (its generated name), if any. */
    generatedInputs(type: string, name: string): State | undefined {
        return this.generated.get(generatedKey(type, name));
    }

    private seed(...parts: string[]): string {
        return [this.options.stack, ...parts].join("\u0000");
    }

    private regionOf(args: pulumi.runtime.MockResourceArgs): string {
        const explicit = typeof args.inputs?.region === "string" ? args.inputs.region : undefined;
        if (explicit) {
            return explicit;
        }
        const providerId = args.provider?.split("::").pop();
        return (providerId && this.providerRegions.get(providerId)) || this.options.region;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
        const seed = this.seed(args.type, args.name, args.provider ?? "");
        if (args.type === "pulumi:pulumi:StackReference") {
            return this.stackReference(args);
        }
        if (args.type.startsWith("pulumi:providers:")) {
            const id = uuid(seed);
            // Resources name their provider as `<provider urn>::<provider id>`.
            this.providerRegions.set(id, typeof args.inputs?.region === "string" ? args.inputs.region : this.options.region);
            return { id, state: { ...args.inputs } };
        }
        if (args.custom === false) {
            return { id: undefined, state: {} };
        }
        const region = this.regionOf(args);
        const { id, state } = this.awsResource(args, region, seed);
        this.states.set(id, state);
        return { id, state: { ...state, id } };
    }

    private awsResource(args: pulumi.runtime.MockResourceArgs, region: string, seed: string): { id: string; state: State } {
        const inputs: State = { ...args.inputs };
        const { module, resource } = splitType(args.type);
        const account = PLAN_ACCOUNT_ID;
        const rule = AUTONAME[args.type];
        const nameKey = rule?.property;
        if (rule && inputs[rule.property] === undefined) {
            const namePrefix = inputs[`${rule.property}Prefix`];
            const generated = typeof namePrefix === "string" ? prefixedName(namePrefix, seed) : autoName(args.type, args.name, rule, seed);
            inputs[rule.property] = generated;
            this.generated.set(generatedKey(args.type, args.name), { [rule.property]: generated });
        }
        const name = nameKey ? String(inputs[nameKey]) : args.name;
        const prefix = EC2_ID_PREFIX[args.type];
        let id: string;
        let arn: string;
        const extra: State = {};
        switch (args.type) {
            case "aws:kms/key:Key":
                id = uuid(seed);
                arn = `arn:aws:kms:${region}:${account}:key/${id}`;
                extra.keyId = id;
                break;
            case "aws:kms/alias:Alias":
                id = name;
                arn = `arn:aws:kms:${region}:${account}:${name}`;
                extra.targetKeyArn = this.keyArnOf(inputs.targetKeyId, region);
                break;
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2":
                id = name;
                arn = `arn:aws:s3:::${name}`;
                Object.assign(extra, {
                    bucketDomainName: `${name}.s3.amazonaws.com`,
                    bucketRegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
                    region,
                    hostedZoneId: "Z3AQBSTGFYJSTF",
                });
                break;
            case "aws:iam/role:Role":
            case "aws:iam/instanceProfile:InstanceProfile":
            case "aws:iam/policy:Policy": {
                id = name;
                const kind = kebab(resource);
                arn = `arn:aws:iam::${account}:${kind === "policy" ? "policy" : kind}/${name}`;
                extra.uniqueId = `AROA${hex(seed, 17).toUpperCase()}`;
                break;
            }
            case "aws:route53/zone:Zone":
                id = `Z${hex(seed, 20).toUpperCase().replace(/[^0-9A-Z]/g, "")}`.slice(0, 21);
                arn = `arn:aws:route53:::hostedzone/${id}`;
                Object.assign(extra, {
                    zoneId: id,
                    nameServers: [1, 2, 3, 4].map((n) => `ns-${parseInt(hex(seed, 3), 16) + n}.awsdns-${n}${n}.${["com", "net", "org", "co.uk"][n - 1]}`),
                });
                break;
            case "aws:sns/topic:Topic":
                arn = `arn:aws:sns:${region}:${account}:${name}`;
                id = arn;
                break;
            case "aws:cloudwatch/logGroup:LogGroup":
                id = name;
                arn = `arn:aws:logs:${region}:${account}:log-group:${name}`;
                break;
            case "aws:ssm/parameter:Parameter":
                id = name;
                arn = `arn:aws:ssm:${region}:${account}:parameter${name.startsWith("/") ? "" : "/"}${name}`;
                extra.version = 1;
                break;
            case "aws:rds/instance:Instance":
                id = `db-${hex(seed, 26).toUpperCase()}`;
                arn = `arn:aws:rds:${region}:${account}:db:${name}`;
                Object.assign(extra, {
                    address: `${name}.c${hex(seed, 11)}.${region}.rds.amazonaws.com`,
                    endpoint: `${name}.c${hex(seed, 11)}.${region}.rds.amazonaws.com:${inputs.port ?? 5432}`,
                    resourceId: id,
                });
                break;
            case "aws:lb/loadBalancer:LoadBalancer": {
                const scheme = inputs.internal ? "internal-" : "";
                arn = `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/${name}/${hex(seed, 16)}`;
                id = arn;
                Object.assign(extra, {
                    dnsName: `${scheme}${name}-${parseInt(hex(seed, 8), 16)}.${region}.elb.amazonaws.com`,
                    zoneId: "Z32O12XQLNTSW2",
                    arnSuffix: `app/${name}/${hex(seed, 16)}`,
                });
                break;
            }
            case "aws:directoryservice/directory:Directory":
                id = `d-${hex(seed, 10)}`;
                arn = `arn:aws:ds:${region}:${account}:directory/${id}`;
                break;
            case "aws:acm/certificate:Certificate":
                arn = `arn:aws:acm:${region}:${account}:certificate/${uuid(seed)}`;
                id = arn;
                break;
            case "aws:wafv2/webAcl:WebAcl":
            case "aws:wafv2/ipSet:IpSet": {
                id = uuid(seed);
                const kind = args.type === "aws:wafv2/webAcl:WebAcl" ? "webacl" : "ipset";
                arn = `arn:aws:wafv2:${region}:${account}:${String(inputs.scope ?? "REGIONAL").toLowerCase()}/${kind}/${String(inputs.name ?? args.name)}/${id}`;
                break;
            }
            case "aws:backup/vault:Vault":
                id = name;
                arn = `arn:aws:backup:${region}:${account}:backup-vault:${name}`;
                break;
            case "aws:backup/plan:Plan":
                id = uuid(seed);
                arn = `arn:aws:backup:${region}:${account}:backup-plan:${id}`;
                extra.version = hex(seed, 32);
                break;
            case "aws:lb/targetGroup:TargetGroup":
                arn = `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${name}/${hex(seed, 16)}`;
                id = arn;
                extra.arnSuffix = `targetgroup/${name}/${hex(seed, 16)}`;
                break;
            default:
                if (prefix) {
                    id = `${prefix}-${hex(seed, 17)}`;
                    arn = `arn:aws:ec2:${region}:${account}:${kebab(resource)}/${id}`;
                } else if (nameKey) {
                    id = name;
                    arn = `arn:aws:${module}:${region}:${account}:${kebab(resource)}/${name}`;
                } else {
                    id = `${kebab(resource)}-${hex(seed, 17)}`;
                    arn = `arn:aws:${module}:${region}:${account}:${kebab(resource)}/${id}`;
                }
        }
        const attributes = MOCK_ATTRIBUTES[args.type]?.({
            inputs,
            id,
            region,
            account,
            hex: (length, salt = "") => hex(`${seed}\u0000${salt}`, length),
            stateOf: (other) => this.states.get(other),
        });
        // Where AWS identifies a resource by its ARN and an area table shapes that ARN, the id follows.
        if (ID_IS_ARN.has(args.type) && typeof attributes?.arn === "string") {
            id = attributes.arn;
        }
        return { id, state: { ...inputs, arn, ...extra, ...attributes } };
    }

    private keyArnOf(keyId: unknown, region: string): string | undefined {
        if (typeof keyId !== "string") {
            return undefined;
        }
        return keyId.startsWith("arn:") ? keyId : `arn:aws:kms:${region}:${PLAN_ACCOUNT_ID}:key/${keyId}`;
    }

    private stackReference(args: pulumi.runtime.MockResourceArgs): { id: string; state: State } {
        const name = String(args.inputs?.name ?? args.id ?? "");
        const snapshot = this.options.stackOutputs.get(name);
        if (!snapshot) {
            const known = [...this.options.stackOutputs.keys()].join(", ") || "none";
            throw new PlanMockError(`the plan has no stack named "${name}" to reference (planned: ${known})`);
        }
        return { id: name, state: { name, outputs: snapshot.outputs, secretOutputNames: [...snapshot.secretOutputNames] } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const providerId = args.provider?.split("::").pop();
        const region = (providerId && this.providerRegions.get(providerId)) || this.options.region;
        switch (args.token) {
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return {
                    id: region,
                    names: ["a", "b", "c"].map((zone) => `${region}${zone}`),
                    zoneIds: [1, 2, 3].map((n) => `${region.replace(/-/g, "").slice(0, 4)}-az${n}`),
                    state: "available",
                };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: PLAN_ACCOUNT_ID, arn: `arn:aws:iam::${PLAN_ACCOUNT_ID}:user/plan`, userId: "AIDAPLANPLANPLANPLAN", id: PLAN_ACCOUNT_ID };
            case "aws:index/getRegion:getRegion":
                return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
            case "aws:ssm/getParameter:getParameter": {
                const name = String(args.inputs?.name ?? "");
                // Public AMI parameters (/aws/service/ami-...) answer an image id of this region.
                const value = name.includes("/ami-") ? `ami-${hex(`${region}${name}`, 17)}` : `value-of-${name}`;
                return { id: name, name, type: "String", value, insecureValue: value, version: 1, arn: `arn:aws:ssm:${region}::parameter${name}` };
            }
            case "aws:ec2/getAmi:getAmi":
                return describeAmazonImage(args.inputs ?? {}, region);
            case "aws:guardduty/getDetector:getDetector": {
                // The adopted detector (a platform setting): the plan cannot know whether it
                // exists, so it answers as an enabled detector of that id.
                const id = String(args.inputs?.id ?? "");
                return { id, status: "ENABLED", findingPublishingFrequency: "SIX_HOURS", serviceRoleArn: `arn:aws:iam::${PLAN_ACCOUNT_ID}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`, features: [], tags: {} };
            }
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
            default:
                throw new PlanMockError(
                    `the offline plan has no answer for the provider function ${args.token}; add one to scripts/lib/plan/mocks.ts`,
                );
        }
    }
}
