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
    if (canary.props.startCanary !== true) {
        problems.push(`startCanary is ${JSON.stringify(canary.props.startCanary ?? null)}: the canary is created stopped and checks nothing; expected true`);
    }
    return problems;
}

export const enforceAvailabilityCheckSchedule: ResourceRule = {
    kind: "resource",
    name: "availability-check-every-5-minutes",
    description: "Every CloudWatch Synthetics canary (a tenant's availability check) runs at least every five minutes (rate(1 minute) to rate(5 minutes)) and is started (startCanary: true).",
    why: "The service promises an external check of the platform every five minutes (security documentation, 8): a check every hour, or one that never starts, lets an outage run unnoticed.",
    enforcement: "mandatory",
    resourceTypes: [CANARY_TYPE],
    validate: scheduleProblems,
};
