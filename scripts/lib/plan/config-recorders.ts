// AWS Config's one configuration recorder and one delivery channel per account and region, over
// every planned stack: the second PutConfigurationRecorder of a region is refused
// (MaxNumberOfConfigurationRecordersExceededException: "Currently, you can specify only one
// configuration recorder per region in your account"), as is the second PutDeliveryChannel
// (MaxNumberOfDeliveryChannelsExceededException: "You can have only one delivery channel per region
// in your account"), which no single stack can see. And the order AWS asks for: a delivery channel
// needs the region's recorder (NoAvailableConfigurationRecorderException), starting the recorder
// needs the channel (NoAvailableDeliveryChannelException). Source: the AWS Config API Reference,
// PutConfigurationRecorder, PutDeliveryChannel, StartConfigurationRecorder (botocore config model).
// Pure: stacks in, problems out.

import { Problem } from "../../../stacks/config/validate";
import type { DetectorStack } from "./guardduty-detectors";
import type { PlannedResource } from "./engine";

const RECORDER = "aws:cfg/recorder:Recorder";
const CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel";
const STATUS = "aws:cfg/recorderStatus:RecorderStatus";
const SOURCE = "AWS Config API Reference, PutConfigurationRecorder / PutDeliveryChannel / StartConfigurationRecorder (one recorder and one delivery channel per account and Region; botocore config model)";

function problem(stack: DetectorStack, message: string): Problem {
    return { file: stack.source, line: 1, column: 1, path: "/", message: `${stack.tenant}: ${message} (source: ${SOURCE})` };
}

/** Every recorder or delivery channel AWS would refuse (a second in a region), and every one missing what AWS asks for first. */
export function configRecorderProblems(stacks: readonly DetectorStack[]): Problem[] {
    const problems: Problem[] = [];
    const first = new Map<string, DetectorStack>();
    const present = new Set<string>();
    for (const [type, what, refusal] of [
        [RECORDER, "configuration recorder", "MaxNumberOfConfigurationRecordersExceededException"],
        [CHANNEL, "delivery channel", "MaxNumberOfDeliveryChannelsExceededException"],
    ] as const) {
        for (const stack of stacks) {
            if (stack.region === undefined) {
                continue;
            }
            for (const resource of stack.resources.filter((candidate: PlannedResource) => candidate.type === type)) {
                const key = `${type} ${stack.region}`;
                present.add(key);
                const owner = first.get(key);
                if (owner === undefined) {
                    first.set(key, stack);
                    continue;
                }
                const where = owner === stack ? "a second one of its own" : `beside ${owner.tenant}'s`;
                problems.push(
                    problem(
                        stack,
                        `${type} "${resource.name}" is ${where} in ${stack.region}: AWS allows one ${what} per account and region and refuses this one (${refusal}); only the region's owner creates it (lib/guardduty-owner.ts)`,
                    ),
                );
            }
        }
    }
    for (const stack of stacks) {
        if (stack.region === undefined) {
            continue;
        }
        for (const [type, needs, what, refusal] of [
            [CHANNEL, RECORDER, "a configuration recorder", "NoAvailableConfigurationRecorderException"],
            [STATUS, CHANNEL, "a delivery channel", "NoAvailableDeliveryChannelException"],
        ] as const) {
            for (const resource of stack.resources.filter((candidate) => candidate.type === type)) {
                if (!present.has(`${needs} ${stack.region}`)) {
                    problems.push(problem(stack, `${type} "${resource.name}" needs ${what} in ${stack.region} and none is planned there: AWS refuses it (${refusal})`));
                }
            }
        }
    }
    return problems;
}
