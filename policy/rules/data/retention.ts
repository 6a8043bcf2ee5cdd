// Shared by the data-protection rules: what keeps a resource when its stack is destroyed.

import { PolicyResource } from "../types";

/** Whether destroying the stack leaves the resource in place (`protect` or `retainOnDelete`). */
export function survivesDestroy(resource: PolicyResource): boolean {
    return resource.protect || resource.retainOnDelete;
}

export const SURVIVE_ADVICE = "set retainOnDelete: true (or protect: true) on it";

/**
 * The components keep data stores with `retainOnDelete`, which CrossGuard does not show (only
 * `protect`): judged there, every retained store would look unprotected.
 */
export const RETAIN_ON_DELETE_OFFLINE_ONLY =
    "CrossGuard shows protect but not retainOnDelete, which is how the components keep keys, vaults and data buckets; the offline plan of every pull request judges it.";

/**
 * Why the data-protection rules have no finding for a `saas` stack: it owns no key, vault,
 * database or data bucket, so there is nothing to judge rather than something passed unseen (the
 * fleet test proves saas stacks hold none). Their data lives in the region's platform stack,
 * whose stores these rules check there.
 */
export const SAAS_NOT_APPLICABLE =
    "Not applicable to saas stacks, which own no data store: a saas tenant's data lives in its region's platform stack, whose stores these rules check there.";
