// Passwords of at least ten characters (Capacity Planner security policies, "User authentication").

import { isTenantSettingsParameterName, PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH_SETTING } from "../../../lib/promises/passwords";
import { PolicyResource, ResourceRule } from "../types";

export const PARAMETER_TYPE = "aws:ssm/parameter:Parameter";

/** The parameter's value as the app reads it: the plain `insecureValue` (what TenantSettings sets), else `value`. */
function valueOf(parameter: PolicyResource): unknown {
    return parameter.props.insecureValue ?? parameter.props.value;
}

function passwordProblems(parameter: PolicyResource): string[] {
    const value = valueOf(parameter);
    let settings: unknown;
    try {
        settings = typeof value === "string" ? JSON.parse(value) : undefined;
    } catch {
        settings = undefined;
    }
    const isObject = typeof settings === "object" && settings !== null && !Array.isArray(settings);
    const carriesPolicy = isObject && PASSWORD_MIN_LENGTH_SETTING in (settings as object);
    if (!carriesPolicy) {
        // A tenant's settings must say; any other parameter is judged only where it carries the setting.
        return isTenantSettingsParameterName(parameter.props.name)
            ? [`the tenant settings ${isObject ? `have no ${PASSWORD_MIN_LENGTH_SETTING}` : "are not a JSON object the rule can read"}: the app's password policy cannot be told; expected ${PASSWORD_MIN_LENGTH_SETTING} of at least ${PASSWORD_MIN_LENGTH}`]
            : [];
    }
    const minLength = (settings as Record<string, unknown>)[PASSWORD_MIN_LENGTH_SETTING];
    if (typeof minLength !== "number" || !Number.isInteger(minLength) || minLength < PASSWORD_MIN_LENGTH) {
        return [`${PASSWORD_MIN_LENGTH_SETTING} is ${JSON.stringify(minLength)} in the settings the app reads; expected a whole number of at least ${PASSWORD_MIN_LENGTH} characters`];
    }
    return [];
}

export const enforceTenantPasswordMinLength: ResourceRule = {
    kind: "resource",
    name: "tenant-password-min-length",
    description: `Every tenant's settings (the SSM parameter /tenants/<id>/settings the app reads), and any parameter carrying ${PASSWORD_MIN_LENGTH_SETTING}, demand passwords of at least ${PASSWORD_MIN_LENGTH} characters.`,
    why: `The service promises a minimum password length of ${PASSWORD_MIN_LENGTH} characters (Capacity Planner security policies, "User authentication"): a shorter minimum makes users' passwords thousands of times easier to brute-force.`,
    enforcement: "mandatory",
    resourceTypes: [PARAMETER_TYPE],
    validate: passwordProblems,
};
