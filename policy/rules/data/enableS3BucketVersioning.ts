import { PolicyResource, StackRule } from "../types";
import { BUCKET_VERSIONING, bucketConfigurationFindings } from "./buckets";
import { shown } from "./encryption";

export function versioningProblems(versioning: PolicyResource): string[] {
    const status = (versioning.props.versioningConfiguration as Record<string, unknown> | undefined)?.status;
    if (status === "Enabled") {
        return [];
    }
    return [`versioningConfiguration.status is ${shown(status)}: an overwritten or deleted object is gone for good; set status "Enabled"`];
}

export const enableS3BucketVersioning: StackRule = {
    kind: "stack",
    name: "s3-bucket-versioning-enabled",
    description: 'An S3 bucket has a `BucketVersioning` with `versioningConfiguration.status: "Enabled"`.',
    why: "An object overwritten or deleted by mistake, by a faulty release or by an attacker stays restorable as a previous version until the lifecycle rule expires it; S3 backups and replication need versioning too.",
    enforcement: "mandatory",
    validate: (stack) =>
        bucketConfigurationFindings(
            stack,
            BUCKET_VERSIONING,
            'the bucket has no BucketVersioning: an overwritten or deleted object is gone for good; add one with versioningConfiguration.status "Enabled"',
            versioningProblems,
        ),
};
