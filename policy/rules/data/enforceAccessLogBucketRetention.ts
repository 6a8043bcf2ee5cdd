// A stack's request logs outlive the stack: the retention the security statement promises.

import { isDrillStack } from "../operations/recovery";
import { ResourceRule } from "../types";
import { BUCKET } from "./buckets";
import { isAccessLogBucket } from "./logBuckets";
import { RETAIN_ON_DELETE_OFFLINE_ONLY, SURVIVE_ADVICE, survivesDestroy } from "./retention";

export const enforceAccessLogBucketRetention: ResourceRule = {
    kind: "resource",
    name: "s3-bucket-access-logs-retained",
    description:
        "An access-log bucket (tagged role: access-logs) is protected or retained on delete and not forceDestroy, except in a drill's copy (stack `<production>-drill`), " +
        "whose log bucket is emptied and deleted when `npm run dr -- drill` destroys it.",
    why:
        "The request logs are the record of every transaction on the servers and storage, kept for the retention even after a tenant is offboarded; " +
        "a drill's copy served no customer, and a bucket left behind after every drill is paid for nothing.",
    enforcement: "mandatory",
    offlineOnly: RETAIN_ON_DELETE_OFFLINE_ONLY,
    resourceTypes: [BUCKET],
    validate: (bucket, stack) => {
        if (!isAccessLogBucket(bucket) || isDrillStack(stack.stack)) {
            return [];
        }
        return [
            ...(survivesDestroy(bucket) ? [] : [`the access-log bucket is neither protected nor retained on delete: destroying the stack would delete the request logs before their retention ends; ${SURVIVE_ADVICE}`]),
            ...(bucket.props.forceDestroy === true ? ["forceDestroy is true: a delete would empty the request logs first; expected false outside a drill's copy"] : []),
        ];
    },
};
