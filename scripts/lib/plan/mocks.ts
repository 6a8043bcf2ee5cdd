// The offline plan's stand-in for AWS: deterministic, plausibly shaped ids and attributes, so that
// program code reading them (ARNs in policies, AZ names, DNS names, generated passwords) behaves as
// it would against a real account. Ids derive from a hash of the stack, type and name: the same
// program gives the same ids on every run, and they are unique within a stack. The id shapes are in
// mock-ids.ts, generated names in mock-autoname.ts, getAmi's answer in mock-images.ts and the
// per-service attributes in mock-attributes/.

import type * as pulumi from "@pulumi/pulumi";

import { MOCK_ATTRIBUTES } from "./mock-attributes";
import { AUTONAME, autoName, prefixedName } from "./mock-autoname";
import { PlanMockError } from "./mock-error";
import { EC2_ID_PREFIX, hex, kebab, splitType, uuid } from "./mock-ids";
import { describeAmazonImage } from "./mock-images";

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

type State = Record<string, unknown>;

function generatedKey(type: string, name: string): string {
    return `${type}::${name}`;
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
            case "aws:cloudwatch/eventTarget:EventTarget": {
                // The provider's id (events/target.go, targetCreateResourceID): the rule's name and the
                // target's id joined by "-", the bus's name first when it is not the default bus. The
                // target id alone is unique per rule only (every network-change rule's target has one).
                const bus = typeof inputs.eventBusName === "string" && inputs.eventBusName !== "default" ? [inputs.eventBusName] : [];
                id = [...bus, String(inputs.rule), name].join("-");
                // Its `arn` is an input: the ARN of what the rule sends to.
                arn = String(inputs.arn);
                break;
            }
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
                // exists, so it answers as an enabled detector of that id. Without an id (adopted
                // from the region's owner, lib/guardduty-owner.ts), the region's one detector: the
                // fleet check (./guardduty-detectors.ts) fails the plan when its owner creates none.
                const given = args.inputs?.id;
                const id = typeof given === "string" && given !== "" ? given : hex(`guardduty-detector-${region}`, 32);
                return { id, status: "ENABLED", findingPublishingFrequency: "SIX_HOURS", serviceRoleArn: `arn:aws:iam::${PLAN_ACCOUNT_ID}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`, features: [], tags: {} };
            }
            case "aws:rds/getInstance:getInstance": {
                // The database a restore job created (a recovery stack's `restoredDatabase`): the
                // plan cannot know it exists, so it answers as that instance, with its RDS-managed secret.
                const identifier = String(args.inputs?.dbInstanceIdentifier ?? "");
                const secretArn = `arn:aws:secretsmanager:${region}:${PLAN_ACCOUNT_ID}:secret:rds!db-${hex(`${region}${identifier}`, 8)}-${hex(identifier, 6)}`;
                return {
                    id: identifier,
                    dbInstanceIdentifier: identifier,
                    dbInstanceArn: `arn:aws:rds:${region}:${PLAN_ACCOUNT_ID}:db:${identifier}`,
                    address: `${identifier}.${hex(region, 12)}.${region}.rds.amazonaws.com`,
                    endpoint: `${identifier}.${hex(region, 12)}.${region}.rds.amazonaws.com:5432`,
                    port: 5432,
                    engine: "postgres",
                    dbInstanceStatus: "available",
                    storageEncrypted: true,
                    tags: {},
                    masterUserSecrets: [{ secretArn, kmsKeyId: "", secretStatus: "active" }],
                };
            }
            case "aws:ec2/getInstance:getInstance": {
                // The database server a restore job created (physical): answered as that instance.
                const instanceId = String(args.inputs?.instanceId ?? "");
                return { id: instanceId, instanceId, arn: `arn:aws:ec2:${region}:${PLAN_ACCOUNT_ID}:instance/${instanceId}`, instanceState: "running" };
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
