// What the plan keeps of each stack once the stack itself is written away: the facts the fleet-wide
// checks (quotas, Route 53 record sets, one GuardDuty detector / Config recorder / data sync per
// region) and the policy rules' settings read. A fleet of 10,000 tenants is about 1 GiB of plan;
// its facts are a few MiB, so memory stays flat however large the fleet.

import { policyFleet, PolicyFleet, stackFleetFacts, StackFleetFacts } from "../../../../policy/rules/from-plan";
import { Problem } from "../../../../stacks/config/validate";
import { configRecorderProblems } from "../config-recorders";
import { customerGatewayProblems } from "../customer-gateways";
import { dataSyncProblems } from "../data-syncs";
import type { PlannedResource } from "../../../../lib/plan-document";
import type { TenantPlan } from "../fleet";
import { detectorProblems } from "../guardduty-detectors";
import { AppliedQuotas } from "../quota-file";
import { AWS_PROVIDER_TYPE, offsiteRegionStacks, optInRegionProblems } from "../opt-in-regions";
import { fleetQuotaProblems, QuotaProblems } from "../quota-problems";
import { recordSetProblems } from "../route53-records";
import { ADDRESS_FIELDS, subnetAddressProblems } from "../subnet-addresses";

/**
 * Every resource type a fleet-wide check reads (quota-usage.ts, route53-records.ts,
 * guardduty-detectors.ts, config-recorders.ts, data-syncs.ts, subnet-addresses.ts,
 * customer-gateways.ts: each reads resources by type only), and the AWS providers, whose regions
 * opt-in-regions.ts judges.
 * test/plan-stream.test.ts fails when one of those modules names a type missing here.
 */
export const FLEET_CHECKED_TYPES: ReadonlySet<string> = new Set([
    "aws:alb/loadBalancer:LoadBalancer",
    "aws:backup/plan:Plan",
    "aws:backup/selection:Selection",
    "aws:backup/vault:Vault",
    "aws:cfg/deliveryChannel:DeliveryChannel",
    "aws:cfg/recorder:Recorder",
    "aws:cfg/recorderStatus:RecorderStatus",
    "aws:cloudtrail/trail:Trail",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:ec2/customerGateway:CustomerGateway",
    "aws:ec2/dedicatedHost:DedicatedHost",
    "aws:ec2/instance:Instance",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/networkInterface:NetworkInterface",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ec2/vpnGateway:VpnGateway",
    "aws:ec2transitgateway/transitGateway:TransitGateway",
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
    "aws:guardduty/detector:Detector",
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:iam/role:Role",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:rds/instance:Instance",
    "aws:route53/healthCheck:HealthCheck",
    "aws:route53/record:Record",
    "aws:ssm/resourceDataSync:ResourceDataSync",
    "aws:wafv2/ipSet:IpSet",
    "aws:wafv2/webAcl:WebAcl",
    AWS_PROVIDER_TYPE,
]);

/** One stack, as the fleet-wide checks and the policy settings read it. */
export interface StackFacts {
    readonly tenant: string;
    readonly mode: TenantPlan["mode"];
    readonly region: string;
    readonly source: string;
    /** A recovery environment's production stack; absent for production stacks. */
    readonly recoveryOf?: string;
    /** Its resources of the {@link FLEET_CHECKED_TYPES}, in its order. */
    readonly resources: PlannedResource[];
    readonly policy: StackFleetFacts;
}

/**
 * A resource as the facts keep it: whole, except the types a check only counts (no inputs: the roles
 * of 10,000 tenants add a count, not their policies), the AWS providers (their region only) and the
 * types only subnet-addresses.ts reads
 * (servers, interfaces, subnets, endpoints, attachments), of which it keeps the inputs that check reads.
 */
function slim(resource: PlannedResource): PlannedResource {
    if (COUNTED_ONLY_TYPES.has(resource.type)) {
        return { ...resource, inputs: {} };
    }
    if (resource.type === AWS_PROVIDER_TYPE) {
        // opt-in-regions.ts reads a provider's region only (its default tags would be kept for every stack).
        return { ...resource, inputs: "region" in resource.inputs ? { region: resource.inputs.region } : {} };
    }
    const fields = ADDRESS_FIELDS[resource.type];
    if (fields === undefined || FULL_INPUT_TYPES.has(resource.type)) {
        return resource;
    }
    return { ...resource, inputs: Object.fromEntries(fields.filter((field) => field in resource.inputs).map((field) => [field, resource.inputs[field]])) };
}
/** The types another fleet-wide check reads more of than subnet-addresses.ts does (quota-usage.ts: load balancers). */
const FULL_INPUT_TYPES: ReadonlySet<string> = new Set(["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]);
/** Types a fleet-wide check only counts (quota-usage.ts reads nothing of them but their type). */
const COUNTED_ONLY_TYPES: ReadonlySet<string> = new Set(["aws:iam/instanceProfile:InstanceProfile", "aws:iam/role:Role"]);

export function factsOf(plan: TenantPlan): StackFacts {
    return {
        tenant: plan.tenant,
        mode: plan.mode,
        region: plan.region,
        source: plan.source,
        ...(plan.recoveryOf !== undefined ? { recoveryOf: plan.recoveryOf } : {}),
        resources: plan.resources.filter((resource) => FLEET_CHECKED_TYPES.has(resource.type)).map(slim),
        policy: stackFleetFacts(plan),
    };
}

/**
 * The fleet-wide checks, in the order planFleet has always run them, over every platform planned
 * (shown or not: the account's quotas count them all), then the other stacks, in plan order.
 */
export function fleetProblems(platforms: readonly StackFacts[], stacks: readonly StackFacts[], quotas: AppliedQuotas | undefined, quotaFileProblems: readonly Problem[]): QuotaProblems {
    const counted = [...platforms, ...stacks.filter((stack) => stack.mode !== "platform")];
    const quota = quotas ? fleetQuotaProblems(counted, quotas) : { errors: [...quotaFileProblems], warnings: [] };
    return {
        errors: [
            ...(quotas ? optInRegionProblems([...counted, ...offsiteRegionStacks(counted)], quotas) : []),
            ...quota.errors,
            ...recordSetProblems(counted),
            ...detectorProblems(counted),
            ...configRecorderProblems(counted),
            ...dataSyncProblems(counted),
            ...subnetAddressProblems(counted),
            ...customerGatewayProblems(counted),
        ],
        warnings: quota.warnings,
    };
}

/** The policy settings' shared part for the stacks a document shows (platforms only where shown). */
export function fleetOfShown(stacks: readonly StackFacts[]): PolicyFleet {
    return policyFleet(stacks.map((stack) => stack.policy));
}
