// GuardDuty's one detector per account and region, over every planned stack: the second CreateDetector
// of a region is refused ("The request is rejected because a detector already exists for the current
// account": GuardDuty API Reference, CreateDetector, BadRequestException; botocore guardduty model),
// which no single stack can see (a platform and another platform's recovery environment share the
// region). And a stack that adopts the region's detector from its owner (components/threat-detection.ts
// `adoptFrom`, a lookup without an id) fails its preview when no detector exists there: the owner
// planned beside it must create one (or adopt the organisation's by id). Pure: stacks in, problems out.

import { Problem } from "../../../stacks/config/validate";
import type { PlannedResource } from "./engine";

const DETECTOR = "aws:guardduty/detector:Detector";
const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
// The findings rule's tags (components/threat-detection.ts ADOPTED_DETECTOR_TAG, DETECTOR_OWNER_TAG).
const ADOPTED = "guardduty-detector";
const OWNER = "guardduty-detector-owner";
const SOURCE = "GuardDuty API Reference, CreateDetector (one detector per account and Region; botocore guardduty model)";

/** A planned stack, as far as the check reads it (a `TenantPlan` fits). */
export interface DetectorStack {
    readonly tenant: string;
    readonly region?: string;
    readonly source: string;
    readonly resources: readonly PlannedResource[];
}

function problem(stack: DetectorStack, message: string): Problem {
    return { file: stack.source, line: 1, column: 1, path: "/", message: `${stack.tenant}: ${message} (source: ${SOURCE})` };
}

function tagsOf(resource: PlannedResource): Record<string, unknown> {
    const tags = resource.inputs.tags;
    return tags !== null && typeof tags === "object" ? (tags as Record<string, unknown>) : {};
}

/** Whether the stack adopts a detector by its id (a findings rule tagged with an id and no owner: the organisation's). */
function adoptsById(stack: DetectorStack): boolean {
    return stack.resources.some((resource) => resource.type === EVENT_RULE && typeof tagsOf(resource)[ADOPTED] === "string" && tagsOf(resource)[OWNER] === undefined);
}

/** Every detector AWS would refuse (a second in a region), and every adoption from an owner that creates none. */
export function detectorProblems(stacks: readonly DetectorStack[]): Problem[] {
    const problems: Problem[] = [];
    const creator = new Map<string, DetectorStack>();
    for (const stack of stacks) {
        if (stack.region === undefined) {
            continue;
        }
        for (const detector of stack.resources.filter((resource) => resource.type === DETECTOR)) {
            const first = creator.get(stack.region);
            if (first === undefined) {
                creator.set(stack.region, stack);
                continue;
            }
            const where = first === stack ? "a second detector of its own" : `beside ${first.tenant}'s`;
            problems.push(
                problem(stack, `${DETECTOR} "${detector.name}" is ${where} in ${stack.region}: AWS allows one detector per account and region and refuses this one; adopt the region's detector instead (ThreatDetection adoptFrom its owner, lib/guardduty-owner.ts)`),
            );
        }
    }
    const byName = new Map(stacks.map((stack) => [stack.tenant, stack]));
    for (const stack of stacks) {
        for (const rule of stack.resources.filter((resource) => resource.type === EVENT_RULE)) {
            const owner = tagsOf(rule)[OWNER];
            const planned = typeof owner === "string" ? byName.get(owner) : undefined;
            // An owner not planned here cannot be judged: the program chose it from the platform files.
            if (planned === undefined) {
                continue;
            }
            const ownsHere = planned.region === stack.region && (creator.get(stack.region ?? "") === planned || adoptsById(planned));
            if (!ownsHere) {
                problems.push(
                    problem(
                        stack,
                        `${EVENT_RULE} "${rule.name}" adopts the GuardDuty detector of ${planned.tenant}, which has none in ${stack.region ?? "this region"} (it runs in ${planned.region ?? "an unknown region"}): the lookup finds no detector and fails the preview`,
                    ),
                );
            }
        }
    }
    return problems;
}
