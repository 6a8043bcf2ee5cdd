// How the AWS provider names a resource whose name the program leaves out (auto-naming and
// `namePrefix`), as the offline plan's mocks fill it in.

import { PlanMockError } from "./mock-error";
import { hex } from "./mock-ids";

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
    // Auto-named like every resource with a `name` (autonaming.go), with a hyphen AWS refuses in
    // restore testing names (stacks/config/aws-catalogue.json): a program must name them itself.
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": DEFAULT_NAME,
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": DEFAULT_NAME,
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
