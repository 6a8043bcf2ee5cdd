import { PolicyResource, StackRule } from "../types";
import { BUCKET_POLICY, bucketArn, bucketConfigurationFindings, globMatches } from "./buckets";

type Statement = Record<string, unknown>;

export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** The policy document, or undefined when it is not JSON (a string) or a document (an object). */
export function documentOf(policy: unknown): Record<string, unknown> | undefined {
    if (typeof policy === "object" && policy !== null) {
        return policy as Record<string, unknown>;
    }
    if (typeof policy !== "string") {
        return undefined;
    }
    try {
        const parsed: unknown = JSON.parse(policy);
        return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
    } catch (error) {
        // Only a malformed document is an answer; anything else (an unknown value) must propagate.
        if (error instanceof SyntaxError) {
            return undefined;
        }
        throw error;
    }
}

/** Whether a statement denies every principal every S3 action when the request is not over TLS. */
export function deniesInsecureTransport(statement: Statement): boolean {
    const principal = statement.Principal;
    const everyone = principal === "*" || (typeof principal === "object" && principal !== null && list((principal as Statement).AWS).includes("*"));
    const everything = list(statement.Action).some((action) => action === "s3:*" || action === "*");
    const secureTransport = list(((statement.Condition as Statement | undefined)?.Bool as Statement | undefined)?.["aws:SecureTransport"]);
    const withoutTls = secureTransport.length > 0 && secureTransport.every((value) => value === "false" || value === false);
    return statement.Effect === "Deny" && everyone && everything && withoutTls;
}

/** The problems of one bucket policy for the bucket named `name`. */
export function tlsOnlyPolicyProblems(policy: PolicyResource, name: string): string[] {
    const arn = bucketArn(name);
    const targets = [arn, `${arn}/*`];
    const document = documentOf(policy.props.policy);
    const advice = `deny Principal "*" every "s3:*" action on ${targets.join(" and ")} with condition Bool aws:SecureTransport "false"`;
    if (document === undefined) {
        return [`policy is not a JSON policy document, so it cannot refuse requests without TLS; ${advice}`];
    }
    const denials = list(document.Statement).filter((statement): statement is Statement => typeof statement === "object" && statement !== null && deniesInsecureTransport(statement as Statement));
    if (denials.length === 0) {
        return [`no statement denies requests made without TLS: S3 accepts plain HTTP; ${advice}`];
    }
    const resources = denials.flatMap((statement) => list(statement.Resource)).filter((resource): resource is string => typeof resource === "string");
    const uncovered = targets.filter((target) => !resources.some((pattern) => globMatches(pattern, target)));
    return uncovered.map((target) => `the statement denying requests without TLS does not cover ${target}: S3 accepts plain HTTP there; add it to the statement's Resource`);
}

export const enforceS3BucketTlsOnly: StackRule = {
    kind: "stack",
    name: "s3-bucket-tls-only-policy",
    description:
        'An S3 bucket has a `BucketPolicy` that denies every principal every S3 action on the bucket and its objects when `aws:SecureTransport` is "false".',
    why: "Tenant data is encrypted in transit everywhere: S3 still answers plain HTTP unless the bucket's policy refuses it, so only the policy keeps a misconfigured client or tool from sending data or credentials in clear.",
    enforcement: "mandatory",
    validate: (stack) =>
        bucketConfigurationFindings(
            stack,
            BUCKET_POLICY,
            'the bucket has no BucketPolicy: S3 accepts plain HTTP; add one that denies every request to the bucket and its objects with condition Bool aws:SecureTransport "false"',
            tlsOnlyPolicyProblems,
        ),
};
