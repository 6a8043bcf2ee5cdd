// A canary on a deprecated CloudWatch Synthetics runtime: AWS refuses to create it (a new tenant's
// first `up` fails hours into the rollout), and a running one no longer gets fixes.

import { canaryRuntimeStatus, DEFAULT_CANARY_RUNTIME, isIsoDay } from "../../../lib/canary-runtimes";
import { PolicyResource, PolicySettings, PolicyStack, ResourceRule } from "../types";

function deprecatedRuntimeProblems(canary: PolicyResource, _stack: PolicyStack, settings: PolicySettings): string[] {
    const runtime = canary.props.runtimeVersion;
    // A value the rule cannot read, or no day to judge on: the advisory rule on canary runtimes says so.
    if (typeof runtime !== "string" || !isIsoDay(settings.today)) {
        return [];
    }
    const status = canaryRuntimeStatus(runtime, settings.today);
    return status.kind === "deprecated"
        ? [
              `runtimeVersion ${runtime} was deprecated on ${status.date}: AWS refuses to create a canary on it; ` +
                  `expected a supported runtime, e.g. ${DEFAULT_CANARY_RUNTIME} (platform setting canaryRuntime)`,
          ]
        : [];
}

export const disallowDeprecatedCanaryRuntime: ResourceRule = {
    kind: "resource",
    name: "synthetics-canary-runtime-not-deprecated",
    description: "No CloudWatch Synthetics canary runs on a runtime AWS has deprecated (lib/canary-runtimes.json).",
    why:
        "AWS refuses to create a canary on a deprecated runtime, so a new tenant's deployment fails at its availability check, " +
        "and a canary left on one runs without fixes: the 5-minute check is the promise operations are paged on.",
    enforcement: "mandatory",
    resourceTypes: ["aws:synthetics/canary:Canary"],
    validate: deprecatedRuntimeProblems,
};
