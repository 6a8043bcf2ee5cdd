import { PolicyResource, StackRule } from "../types";
import { BUCKET_PUBLIC_ACCESS_BLOCK, bucketConfigurationFindings } from "./buckets";
import { shown } from "./encryption";

/** Each flag of the block, and what S3 allows while it is off. */
export const PUBLIC_ACCESS_FLAGS: readonly { readonly flag: string; readonly otherwise: string }[] = [
    { flag: "blockPublicAcls", otherwise: "S3 accepts new public ACLs on the bucket and its objects" },
    { flag: "blockPublicPolicy", otherwise: "S3 accepts a bucket policy that makes the bucket public" },
    { flag: "ignorePublicAcls", otherwise: "S3 honours public ACLs already on the bucket and its objects" },
    { flag: "restrictPublicBuckets", otherwise: "a public bucket policy grants anonymous and cross-account access" },
];

export function publicAccessBlockProblems(block: PolicyResource): string[] {
    return PUBLIC_ACCESS_FLAGS.filter(({ flag }) => block.props[flag] !== true).map(
        ({ flag, otherwise }) => `${flag} is ${shown(block.props[flag])}: ${otherwise}; set ${flag}: true`,
    );
}

export const enforceS3BucketPublicAccessBlock: StackRule = {
    kind: "stack",
    name: "s3-bucket-public-access-blocked",
    description:
        "An S3 bucket has a `BucketPublicAccessBlock` with all four flags on: blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets.",
    why: "No tenant's data is ever public: the block makes S3 itself refuse a public ACL or policy, whatever a later change or a mistaken grant would allow.",
    enforcement: "mandatory",
    validate: (stack) =>
        bucketConfigurationFindings(
            stack,
            BUCKET_PUBLIC_ACCESS_BLOCK,
            "the bucket has no BucketPublicAccessBlock: only an account-wide block, if any, keeps it private; add one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true",
            publicAccessBlockProblems,
        ),
};
