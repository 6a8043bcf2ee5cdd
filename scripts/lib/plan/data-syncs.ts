// SSM resource data syncs over every planned stack: a sync's name is unique per account and region
// (CreateResourceDataSync: ResourceDataSyncAlreadyExistsException; botocore ssm model), which no
// single stack can see (a platform and another platform's recovery environment share a region). The
// region's owner (lib/guardduty-owner.ts) creates the one the weekly controls read; a second of the
// same name in the region is refused. Pure: stacks in, problems out.

import { Problem } from "../../../stacks/config/validate";
import type { PlannedResource } from "./engine";

const DATA_SYNC = "aws:ssm/resourceDataSync:ResourceDataSync";
const SOURCE = "SSM API Reference, CreateResourceDataSync (ResourceDataSyncAlreadyExistsException: one sync of a name per account and Region; botocore ssm model)";

/** A planned stack, as far as the check reads it (a `TenantPlan` fits). */
export interface DataSyncStack {
    readonly tenant: string;
    readonly region?: string;
    readonly source: string;
    readonly resources: readonly PlannedResource[];
}

/** Every resource data sync AWS would refuse: a second of one name in one region. */
export function dataSyncProblems(stacks: readonly DataSyncStack[]): Problem[] {
    const problems: Problem[] = [];
    const first = new Map<string, { stack: DataSyncStack; sync: PlannedResource }>();
    for (const stack of stacks) {
        if (stack.region === undefined) {
            continue;
        }
        for (const sync of stack.resources.filter((resource) => resource.type === DATA_SYNC)) {
            const name = sync.inputs.name;
            if (typeof name !== "string") {
                continue;
            }
            const key = `${stack.region}\u0000${name}`;
            const earlier = first.get(key);
            if (earlier === undefined) {
                first.set(key, { stack, sync });
                continue;
            }
            const where = earlier.stack === stack ? `${earlier.sync.name} of the same stack` : `${earlier.stack.tenant}'s ${earlier.sync.name}`;
            problems.push({
                file: stack.source,
                line: 1,
                column: 1,
                path: "/",
                message: `${stack.tenant}: ${DATA_SYNC} "${sync.name}" is named ${name} in ${stack.region} like ${where}: AWS refuses a second sync of a name in an account and region (source: ${SOURCE})`,
            });
        }
    }
    return problems;
}
