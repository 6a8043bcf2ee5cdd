// A canary whose runtime AWS deprecates soon, or whose runtime the deprecation data does not know:
// move it before AWS's date, while an `up` can still create canaries on it.

import { CANARY_RUNTIMES, CANARY_RUNTIMES_FILE, canaryRuntimeStatus, isIsoDay } from "../../../lib/canary-runtimes";
import { PolicyResource, PolicySettings, PolicyStack, ResourceRule } from "../types";

function deprecatingRuntimeProblems(canary: PolicyResource, _stack: PolicyStack, settings: PolicySettings): string[] {
    const runtime = canary.props.runtimeVersion;
    if (typeof runtime !== "string") {
        return [`runtimeVersion is ${JSON.stringify(runtime) ?? "not set"}: whether AWS still accepts it cannot be told; expected a runtime listed in ${CANARY_RUNTIMES_FILE}`];
    }
    if (settings.today === undefined) {
        return [`no day to judge on (the policy settings give no \`today\`): whether runtimeVersion ${runtime} is deprecated cannot be told`];
    }
    if (!isIsoDay(settings.today)) {
        return [`the day to judge on, ${JSON.stringify(String(settings.today).slice(0, 40))}, is not a date (YYYY-MM-DD): whether runtimeVersion ${runtime} is deprecated cannot be told`];
    }
    const status = canaryRuntimeStatus(runtime, settings.today);
    switch (status.kind) {
        case "deprecating":
            return [
                `runtimeVersion ${runtime} is deprecated on ${status.date}, in ${status.days} day${status.days === 1 ? "" : "s"}: ` +
                    `move it to a supported runtime (platform setting canaryRuntime) before AWS stops creating canaries on it`,
            ];
        case "unknown":
            return [
                `runtimeVersion ${runtime} is not listed in ${CANARY_RUNTIMES_FILE}: whether AWS deprecated it cannot be told; ` +
                    `add it with its date from AWS's runtime support policy page`,
            ];
        case "supported":
        case "deprecated": // the mandatory rule's finding
            return [];
        default: {
            const never: never = status;
            return never;
        }
    }
}

export const disallowDeprecatingCanaryRuntime: ResourceRule = {
    kind: "resource",
    name: "synthetics-canary-runtime-deprecation-notice",
    description: `No CloudWatch Synthetics canary runs on a runtime AWS deprecates within ${CANARY_RUNTIMES.noticeDays} days, or on one the deprecation data does not list.`,
    why:
        `AWS warns ${CANARY_RUNTIMES.noticeDays} days before deprecating a runtime; after that day no canary can be created on it, ` +
        "so a tenant onboarded later would fail at its availability check. Moving early is a settings change; moving late is an incident.",
    enforcement: "advisory",
    resourceTypes: ["aws:synthetics/canary:Canary"],
    validate: deprecatingRuntimeProblems,
};
