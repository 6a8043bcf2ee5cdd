// How the deletion-protection rules admit the one state in which protection is off on purpose: the
// offboarding of `npm run destroy`, after the final backup, which tags the resource with that
// backup's recovery points (lib/promises/offboarding.ts).

import { offboardingTagProblem } from "../../../lib/promises/offboarding";
import { tagsOf } from "../graph";
import { PolicyResource } from "../types";

/**
 * The messages for a resource whose protection flag `field` is not true: none when it carries the
 * offboarding tag naming a final backup's recovery points; else what is wrong and why the tag is
 * not enough.
 */
export function unprotectedProblems(resource: PolicyResource, field: string): string[] {
    const protection = resource.props[field];
    if (protection === true) {
        return [];
    }
    const problem = offboardingTagProblem(tagsOf(resource));
    if (problem === undefined) {
        return [];
    }
    const state = protection === undefined || protection === null ? `${field} is not set (off)` : `${field} is ${JSON.stringify(protection)}`;
    return [`${state}; expected true, unless the stack is being offboarded, and ${problem}`];
}
