// The external check every five minutes (security documentation, 8 "Availability and Performance").

import { availabilityScheduleProblem } from "../../../lib/promises/availability";
import { PolicyResource, ResourceRule } from "../types";

export const CANARY_TYPE = "aws:synthetics/canary:Canary";

function scheduleProblems(canary: PolicyResource): string[] {
    const problems: string[] = [];
    const problem = availabilityScheduleProblem((canary.props.schedule as { expression?: unknown } | undefined)?.expression);
    if (problem) {
        problems.push(problem);
    }
    // Synthetics stops a schedule after DurationInSeconds; 0 (or none) runs it for as long as the canary exists.
    const duration = (canary.props.schedule as { durationInSeconds?: unknown } | undefined)?.durationInSeconds;
    if (duration !== undefined && duration !== null && duration !== 0 && duration !== "0") {
        problems.push(`schedule.durationInSeconds is ${JSON.stringify(duration)}: Synthetics stops the canary's runs after that time; expected 0 (run for as long as the canary exists)`);
    }
    if (canary.props.startCanary !== true) {
        problems.push(`startCanary is ${JSON.stringify(canary.props.startCanary ?? null)}: the canary is created stopped and checks nothing; expected true`);
    }
    return problems;
}

export const enforceAvailabilityCheckSchedule: ResourceRule = {
    kind: "resource",
    name: "availability-check-every-5-minutes",
    description:
        "Every CloudWatch Synthetics canary (a tenant's availability check) runs at least every five minutes (rate(1 minute) to rate(5 minutes)), for as long as it exists (no schedule duration), and is started (startCanary: true).",
    why: "The service promises an external check of the platform every five minutes (security documentation, 8): a check every hour, or one that never starts, lets an outage run unnoticed.",
    enforcement: "mandatory",
    resourceTypes: [CANARY_TYPE],
    validate: scheduleProblems,
};
