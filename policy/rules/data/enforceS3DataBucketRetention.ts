import { ofType } from "../graph";
import { Finding, PolicyResource, PolicyStack, StackRule } from "../types";
import { BUCKET, bucketArn, bucketNames, globMatches } from "./buckets";
import { RETAIN_ON_DELETE_OFFLINE_ONLY, SAAS_NOT_APPLICABLE, SURVIVE_ADVICE, survivesDestroy } from "./retention";

/** The backup selections of the stack whose `resources` name the bucket (by ARN or ARN pattern). */
export function selectionsBackingUp(stack: PolicyStack, bucket: PolicyResource): PolicyResource[] {
    const arns = bucketNames(bucket).map(bucketArn);
    return ofType(stack, "aws:backup/selection:Selection").filter((selection) => {
        const resources = selection.props.resources;
        return Array.isArray(resources) && resources.some((pattern) => typeof pattern === "string" && arns.some((arn) => globMatches(pattern, arn)));
    });
}

export const enforceS3DataBucketRetention: StackRule = {
    kind: "stack",
    name: "s3-bucket-tenant-data-retained",
    description: `An S3 bucket that holds tenant data (one a backup selection names in \`resources\`) is protected or retained on delete. Buckets no backup selection names (the availability check's artifacts) hold nothing to keep. ${SAAS_NOT_APPLICABLE}`,
    why: "Destroying a tenant's stack must never destroy its files: a retained bucket outlives the stack with its versions, to be restored or handed back to the tenant.",
    enforcement: "mandatory",
    offlineOnly: RETAIN_ON_DELETE_OFFLINE_ONLY,
    validate: (stack) =>
        ofType(stack, BUCKET).flatMap((bucket): Finding[] => {
            const selections = selectionsBackingUp(stack, bucket);
            if (selections.length === 0 || survivesDestroy(bucket)) {
                return [];
            }
            const names = selections.map((selection) => selection.name).join(", ");
            return [
                {
                    resource: bucket.name,
                    message: `the bucket holds tenant data (backed up by ${names}) but is neither protected nor retained on delete: destroying the stack would delete it; ${SURVIVE_ADVICE}`,
                },
            ];
        }),
};
