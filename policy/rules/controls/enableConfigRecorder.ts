// AWS Config records every resource's configuration in each region the platform uses, delivered to
// an encrypted bucket an auditor reads: the monthly review's configuration history.

import { ofType } from "../graph";
import { Finding, PolicyResource, PolicySettings, PolicyStack, StackRule } from "../types";
import { OWNER_SCOPE, ownsRegion } from "./regionOwner";

export const RECORDER = "aws:cfg/recorder:Recorder";
export const DELIVERY_CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel";
export const RECORDER_STATUS = "aws:cfg/recorderStatus:RecorderStatus";

/**
 * The types the review needs at least, where the recorder lists types instead of recording all
 * supported ones (AWS Config's resource type names, API_ResourceIdentifier).
 */
export const REQUIRED_RECORDED_TYPES = [
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::RouteTable",
    "AWS::EC2::VPNConnection",
    "AWS::EC2::CustomerGateway",
    "AWS::EC2::VPNGateway",
    "AWS::EC2::Instance",
    "AWS::EC2::Volume",
    "AWS::RDS::DBInstance",
    "AWS::S3::Bucket",
] as const;

function recorderFindings(recorder: PolicyResource): string[] {
    const group = (recorder.props.recordingGroup ?? {}) as Record<string, unknown>;
    // allSupported defaults to true (PutConfigurationRecorder: "If ConfigurationRecorder does not have the recordingGroup parameter specified, the default is to record all supported resource types").
    if (group.allSupported !== false) {
        return [];
    }
    const types = Array.isArray(group.resourceTypes) ? group.resourceTypes : [];
    const missing = REQUIRED_RECORDED_TYPES.filter((type) => !types.includes(type));
    return missing.length === 0 ? [] : [`records neither every supported type nor ${missing.join(", ")}: their configuration history would be missing from the review`];
}

function configFindings(stack: PolicyStack, settings: PolicySettings): Finding[] {
    if (!ownsRegion(stack, settings)) {
        return [];
    }
    const recorders = ofType(stack, RECORDER);
    const channels = ofType(stack, DELIVERY_CHANNEL);
    const statuses = ofType(stack, RECORDER_STATUS);
    const findings: Finding[] = [];
    if (recorders.length === 0) {
        findings.push({ resource: stack.stack, message: `no AWS Config recorder (${RECORDER}) in the region's owner stack: no configuration history of the region (components/config-recorder.ts)` });
    }
    for (const recorder of recorders) {
        findings.push(...recorderFindings(recorder).map((message) => ({ resource: recorder.name, message })));
    }
    if (channels.length === 0) {
        findings.push({ resource: stack.stack, message: `no AWS Config delivery channel (${DELIVERY_CHANNEL}): the recorder keeps nothing an auditor can read` });
    }
    for (const channel of channels) {
        if (typeof channel.props.s3KmsKeyArn !== "string" || channel.props.s3KmsKeyArn.length === 0) {
            findings.push({ resource: channel.name, message: "s3KmsKeyArn is not set; expected the history delivered encrypted with the stack's customer-managed key" });
        }
        if (channel.props.s3BucketName === undefined) {
            findings.push({ resource: channel.name, message: "s3BucketName is not set; expected the stack's history bucket" });
        }
    }
    const names = new Set<unknown>(recorders.map((recorder) => recorder.props.name ?? recorder.id));
    const running = statuses.filter((status) => status.props.isEnabled === true && (names.has(status.props.name) || status.props.name === undefined));
    if (recorders.length > 0 && running.length === 0) {
        const off = statuses.find((status) => status.props.isEnabled !== true);
        findings.push(
            off !== undefined
                ? { resource: off.name, message: "isEnabled is not true; a stopped recorder records nothing" }
                : { resource: stack.stack, message: `no ${RECORDER_STATUS} with isEnabled true for the recorder: AWS creates a recorder stopped, and a stopped recorder records nothing` },
        );
    }
    return findings;
}

export const enableConfigRecorder: StackRule = {
    kind: "stack",
    name: "config-recorder-enabled",
    description:
        "The region's AWS Config recorder (every supported type, or at least the EC2 security groups, network ACLs, route tables, VPN connections and gateways, instances, volumes, RDS instances and S3 buckets), " +
        "a delivery channel to an S3 bucket with a KMS key (s3KmsKeyArn), and a recorder status with isEnabled true. " +
        OWNER_SCOPE +
        " That one stack per region creates them is the offline plan's fleet check (PutConfigurationRecorder refuses a second).",
    why: "The monthly review reads each resource's system configuration and its history: without a running recorder and its delivery, there is no history to read, and an auditor cannot tick the line.",
    enforcement: "mandatory",
    validate: configFindings,
};
