// The resources two promises rest on must exist at all: the rules that judge the availability check
// and the password policy judge what is there, and a stack without the canary or the settings would
// pass them by having nothing to judge.

import { isTenantSettingsParameterName, PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH_SETTING } from "../../../lib/promises/passwords";
import { CANARY_TYPE } from "../operations/enforceAvailabilityCheckSchedule";
import { PARAMETER_TYPE } from "../operations/enforceTenantPasswordMinLength";
import { isRecoveryStack } from "../operations/recovery";
import { Finding, PolicyStack, StackRule } from "../types";

function missingFindings(stack: PolicyStack): Finding[] {
    // A recovery environment or drill copy at rest checks nothing yet; a stack on its way out (status:
    // offboarding, no resources) and one whose kind cannot be told are not judged.
    if (stack.kind === undefined || isRecoveryStack(stack.stack) || stack.resources.length === 0) {
        return [];
    }
    const findings: Finding[] = [];
    // A saas tenant is served, and checked, by its region's platform.
    if (stack.kind !== "saas" && !stack.resources.some((resource) => resource.type === CANARY_TYPE)) {
        findings.push({
            resource: stack.stack,
            message: `no availability check (an ${CANARY_TYPE}): nothing checks ${stack.kind === "platform" ? "the shared app" : "the tenant's app"} every five minutes`,
        });
    }
    if (stack.kind !== "platform" && !stack.resources.some((resource) => resource.type === PARAMETER_TYPE && isTenantSettingsParameterName(resource.props.name))) {
        findings.push({
            resource: stack.stack,
            message: `no tenant settings (the SSM parameter /tenants/${stack.stack}/settings the app reads): its ${PASSWORD_MIN_LENGTH_SETTING} cannot be shown to be at least ${PASSWORD_MIN_LENGTH}`,
        });
    }
    return findings;
}

export const missingPromiseResources: StackRule = {
    kind: "stack",
    name: "stack-promise-resources-present",
    description:
        "A production stack has the resources two promises rest on: an availability canary (every platform and dedicated tenant; a saas tenant is checked by its platform's) and, in every tenant's stack, the settings parameter /tenants/<id>/settings carrying the password policy.",
    why: "The rules on the five-minute check and the minimum password length judge the canary and the settings that exist: a stack without them would pass by having nothing to judge, while nothing checks the service and the app's password policy is unknown.",
    enforcement: "mandatory",
    validate: missingFindings,
};
