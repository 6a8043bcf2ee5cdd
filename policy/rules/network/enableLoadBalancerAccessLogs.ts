import { ofType } from "../graph";
import { BUCKET, bucketArn, bucketNames, globMatches } from "../data/buckets";
import { allowStatementsOf, defaultAlgorithmsOf, isElbLogDeliveryPrincipal, principalsOf } from "../data/logBuckets";
import { list } from "../data/enforceS3BucketTlsOnly";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { LOAD_BALANCER_TYPES } from "./shared";

/** ELB adds `AWSLogs/<account>/` after the prefix itself and refuses a prefix that holds it. */
const RESERVED_PREFIX_WORD = "AWSLogs";

/** Whether the bucket's policy lets ELB's log delivery put objects under `<prefix>/AWSLogs/`. */
function elbMayWrite(stack: PolicyStack, bucket: PolicyResource, name: string, prefix: string): boolean | undefined {
    const statements = allowStatementsOf(stack, bucket);
    if (statements === undefined) {
        return undefined;
    }
    const under = `${bucketArn(name)}/${prefix === "" ? "" : `${prefix}/`}AWSLogs/`;
    return statements.some((statement) => {
        const actions = list(statement.Action);
        const puts = actions.some((action) => action === "s3:PutObject" || action === "s3:*" || action === "*");
        const elb = principalsOf(statement).some(isElbLogDeliveryPrincipal);
        const resources = list(statement.Resource).filter((resource): resource is string => typeof resource === "string");
        // The account is a path segment after AWSLogs/: any 12 digits the pattern admits will do.
        const account = resources.map((resource) => /\/AWSLogs\/(\d{12})\//.exec(resource)?.[1]).find((found) => found !== undefined) ?? "123456789012";
        const sample = `${under}${account}/elasticloadbalancing/ELBAccessLogTestFile`;
        return puts && elb && resources.some((pattern) => globMatches(pattern, sample));
    });
}

/** The problems of one load balancer's access logging. */
export function loadBalancerAccessLogProblems(lb: PolicyResource, stack: PolicyStack): string[] {
    if (lb.props.loadBalancerType !== undefined && lb.props.loadBalancerType !== "application") {
        return [];
    }
    const accessLogs = (lb.props.accessLogs ?? {}) as Record<string, unknown>;
    if (accessLogs.enabled !== true) {
        return ["has no access logs (accessLogs.enabled is not true): the requests it serves are nowhere on record; enable them to a bucket of this stack (an AccessLogBucket)"];
    }
    const name = accessLogs.bucket;
    const prefix = typeof accessLogs.prefix === "string" ? accessLogs.prefix : "";
    const problems: string[] = [];
    if (prefix.includes(RESERVED_PREFIX_WORD)) {
        problems.push(`accessLogs.prefix "${prefix}" includes "${RESERVED_PREFIX_WORD}", which Elastic Load Balancing refuses`);
    }
    const bucket = ofType(stack, BUCKET).find((candidate) => bucketNames(candidate).includes(name as string));
    if (bucket === undefined) {
        return [
            ...problems,
            `accessLogs.bucket ${JSON.stringify(name)} is no bucket of this stack: a tenant's requests belong in its own stack's log bucket, kept and deleted with its own retention`,
        ];
    }
    const algorithms = defaultAlgorithmsOf(stack, bucket);
    if (algorithms.length === 0 || algorithms.some((algorithm) => algorithm !== "AES256")) {
        problems.push(
            `its log bucket ${bucket.name} is encrypted with ${algorithms.length === 0 ? "no explicit default" : algorithms.map((algorithm) => JSON.stringify(algorithm)).join(", ")}: ` +
                'Elastic Load Balancing delivers access logs only to SSE-S3 buckets; set sseAlgorithm "AES256" on it',
        );
    }
    const writable = elbMayWrite(stack, bucket, name as string, prefix);
    if (writable !== true) {
        problems.push(
            `its log bucket ${bucket.name}'s policy does not let Elastic Load Balancing's log delivery (logdelivery.elasticloadbalancing.amazonaws.com, or the region's ELB account) put objects under ` +
                `${prefix === "" ? "" : `${prefix}/`}AWSLogs/<account>/: AWS refuses to turn access logs on`,
        );
    }
    return problems;
}

export const enableLoadBalancerAccessLogs: ResourceRule = {
    kind: "resource",
    name: "lb-access-logs-to-stack-bucket",
    description:
        "Every application load balancer writes access logs (`accessLogs.enabled: true`) to a bucket of the same stack whose default encryption is SSE-S3 (`AES256`) and whose policy lets Elastic Load Balancing's log delivery put objects under `<prefix>/AWSLogs/`; the prefix holds no `AWSLogs`.",
    why: "An operator paged at night, or an auditor a year later, must find who requested what through each door; ELB writes only to SSE-S3 buckets it may write to, and a bucket of the tenant's own stack keeps a tenant's requests apart from the others'.",
    enforcement: "mandatory",
    resourceTypes: LOAD_BALANCER_TYPES,
    validate: loadBalancerAccessLogProblems,
};
