// A canary inside a VPC without internet access reports only through a CloudWatch (`monitoring`)
// interface endpoint and an S3 gateway endpoint, reached on 443 from its security groups (AWS,
// "Running a canary on a VPC": https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_VPC.html).
// Without them it never reports: the availability check is blind while it looks configured.

import { containsCidr, parseCidr } from "../../../lib/ipv4";
import { byRef, ofType } from "../graph";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";
import { isTcp, portRangeOf } from "./shared";

const CANARY = "aws:synthetics/canary:Canary";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

interface Egress {
    readonly cidr?: string;
    readonly prefixListId?: string;
    readonly groupId?: string;
}

/** The HTTPS egress (tcp covering 443, or every protocol) the groups declare, from rules and inline. */
function httpsEgressOf(stack: PolicyStack, groupIds: readonly string[]): Egress[] {
    const covers443 = (protocol: unknown, from: unknown, to: unknown): boolean => {
        const range = portRangeOf(protocol, from, to);
        return range?.kind === "all" || (range?.kind === "range" && isTcp(protocol) && range.from <= 443 && range.to >= 443);
    };
    const fromRules = ofType(stack, EGRESS)
        .filter((rule) => groupIds.includes(String(rule.props.securityGroupId)) && covers443(rule.props.ipProtocol, rule.props.fromPort, rule.props.toPort))
        .map((rule) => ({
            cidr: typeof rule.props.cidrIpv4 === "string" ? rule.props.cidrIpv4 : undefined,
            prefixListId: typeof rule.props.prefixListId === "string" ? rule.props.prefixListId : undefined,
            groupId: typeof rule.props.referencedSecurityGroupId === "string" ? rule.props.referencedSecurityGroupId : undefined,
        }));
    const inline = groupIds
        .map((id) => byRef(stack, id))
        .flatMap((group) => (Array.isArray(group?.props.egress) ? (group.props.egress as Record<string, unknown>[]) : []))
        .filter((rule) => covers443(rule.protocol, rule.fromPort, rule.toPort))
        .flatMap((rule): Egress[] => [
            ...((rule.cidrBlocks as unknown[] | undefined) ?? []).filter((cidr): cidr is string => typeof cidr === "string").map((cidr) => ({ cidr })),
            ...((rule.prefixListIds as unknown[] | undefined) ?? []).filter((id): id is string => typeof id === "string").map((prefixListId) => ({ prefixListId })),
            ...((rule.securityGroups as unknown[] | undefined) ?? []).filter((id): id is string => typeof id === "string").map((groupId) => ({ groupId })),
        ]);
    return [...fromRules, ...inline];
}

function reaches(egress: readonly Egress[], cidr: string | undefined, groupIds: readonly unknown[]): boolean {
    const target = cidr === undefined ? undefined : parseCidr(cidr);
    return egress.some((rule) => {
        const allowed = rule.cidr === undefined ? undefined : parseCidr(rule.cidr);
        return (allowed !== undefined && target !== undefined && containsCidr(allowed, target)) || (rule.groupId !== undefined && groupIds.includes(rule.groupId));
    });
}

function canaryProblems(stack: PolicyStack, canary: PolicyResource): string[] {
    const config = canary.props.vpcConfig as { subnetIds?: unknown; securityGroupIds?: unknown } | undefined;
    const subnetIds = Array.isArray(config?.subnetIds) ? config.subnetIds : [];
    if (subnetIds.length === 0) {
        return [];
    }
    const subnets = subnetIds.map((id) => byRef(stack, id));
    const vpcIds = [...new Set(subnets.map((subnet) => subnet?.props.vpcId))];
    if (subnets.some((subnet) => subnet?.type !== "aws:ec2/subnet:Subnet") || vpcIds.length !== 1 || typeof vpcIds[0] !== "string") {
        return [`vpcConfig.subnetIds ${JSON.stringify(subnetIds)} are not subnets of one VPC of this stack: whether the canary reaches CloudWatch and S3 cannot be told`];
    }
    const vpcId = vpcIds[0];
    const endpoints = ofType(stack, ENDPOINT).filter((endpoint) => endpoint.props.vpcId === vpcId);
    const groupIds = (Array.isArray(config?.securityGroupIds) ? config.securityGroupIds : []).map(String);
    const egress = httpsEgressOf(stack, groupIds);
    const problems: string[] = [];

    // AWS: a canary runs in a VPC only with both DNS resolution and DNS hostnames enabled (defaults:
    // resolution on, hostnames off outside the default VPC).
    const vpc = byRef(stack, vpcId);
    if (vpc?.type === "aws:ec2/vpc:Vpc" && (vpc.props.enableDnsSupport === false || vpc.props.enableDnsHostnames !== true)) {
        problems.push(
            `its VPC ${vpc.name} has enableDnsSupport ${JSON.stringify(vpc.props.enableDnsSupport ?? true)} and enableDnsHostnames ${JSON.stringify(vpc.props.enableDnsHostnames ?? false)}; AWS requires both true for a canary in a VPC`,
        );
    }
    const monitoring = endpoints.find((endpoint) => String(endpoint.props.serviceName).endsWith(".monitoring") && endpoint.props.vpcEndpointType === "Interface");
    if (!monitoring) {
        problems.push(`its VPC has no CloudWatch interface endpoint (com.amazonaws.<region>.monitoring): the canary cannot publish SuccessPercent`);
    } else {
        if (monitoring.props.privateDnsEnabled !== true) {
            problems.push(`the monitoring endpoint ${monitoring.name} has privateDnsEnabled ${JSON.stringify(monitoring.props.privateDnsEnabled) ?? "unset"}; expected true, or the canary's calls to CloudWatch's public name never reach it`);
        }
        const endpointCidrs = (Array.isArray(monitoring.props.subnetIds) ? monitoring.props.subnetIds : []).map((id) => byRef(stack, id)?.props.cidrBlock);
        const endpointGroups = Array.isArray(monitoring.props.securityGroupIds) ? monitoring.props.securityGroupIds : [];
        const reached = endpointCidrs.length > 0 && endpointCidrs.every((cidr) => reaches(egress, typeof cidr === "string" ? cidr : undefined, endpointGroups));
        if (!reached) {
            problems.push(`its security groups ${JSON.stringify(groupIds)} let no HTTPS (tcp 443) out to the monitoring endpoint ${monitoring.name} (its subnets or its security group)`);
        }
    }
    const s3 = endpoints.find((endpoint) => String(endpoint.props.serviceName).endsWith(".s3") && endpoint.props.vpcEndpointType === "Gateway");
    if (!s3) {
        problems.push(`its VPC has no S3 gateway endpoint (com.amazonaws.<region>.s3): the canary cannot upload its artifacts`);
    } else {
        // The stack's own prefix lists are never S3's; AWS's list (pl-...) is no resource of the stack.
        const ownLists = new Set(ofType(stack, "aws:ec2/managedPrefixList:ManagedPrefixList").map((list) => list.id));
        const toS3 = egress.some((rule) => (rule.prefixListId !== undefined && !ownLists.has(rule.prefixListId)) || rule.cidr === "0.0.0.0/0");
        if (!toS3) {
            problems.push(`its security groups ${JSON.stringify(groupIds)} let no HTTPS (tcp 443) out to S3's prefix list (the gateway endpoint ${s3.name}'s)`);
        }
    }
    return problems;
}

export const missingCanaryVpcEndpoints: StackRule = {
    kind: "stack",
    name: "synthetics-canary-vpc-endpoints",
    description:
        "A CloudWatch Synthetics canary inside a VPC has, in that VPC (DNS resolution and hostnames on), a monitoring interface endpoint (private DNS) and an S3 gateway endpoint, and its security groups let HTTPS out to both.",
    why:
        "AWS requires both for a canary in a VPC without internet access: without them the canary never reports, its metric is missing, " +
        "and the 5-minute availability check is blind while it looks deployed.",
    enforcement: "mandatory",
    validate(stack: PolicyStack): Finding[] {
        return ofType(stack, CANARY).flatMap((canary) => canaryProblems(stack, canary).map((message) => ({ resource: canary.name, message })));
    },
};
