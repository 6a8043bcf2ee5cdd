// Shared by the rules on request logging: what marks a bucket as a log-delivery destination, who
// may write to it, and how a bucket's encryption and policy are read.

import { ACCESS_LOG_BUCKET_TAG, ELB_LOG_DELIVERY_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE, S3_LOG_DELIVERY_SERVICE } from "../../../lib/promises/log-delivery";
import { tagsOf } from "../graph";
import { PolicyResource, PolicyStack } from "../types";
import { BUCKET_ENCRYPTION, BUCKET_POLICY, configurationsOf } from "./buckets";
import { documentOf, list } from "./enforceS3BucketTlsOnly";

export { ACCESS_LOG_BUCKET_TAG, ELB_LOG_DELIVERY_SERVICE, S3_LOG_DELIVERY_SERVICE };

type Statement = Record<string, unknown>;

/** The AWS principals of ELB's regional log-delivery accounts (`arn:aws:iam::<account>:root` or the bare account). */
const ELB_ACCOUNT_PRINCIPALS = new Set(Object.values(ELB_LOG_DELIVERY_ACCOUNTS).flatMap((account) => [account, `arn:aws:iam::${account}:root`]));

/** Whether the bucket carries the access-log marker (`role: access-logs`). */
export function isAccessLogBucket(bucket: PolicyResource): boolean {
    return tagsOf(bucket)[ACCESS_LOG_BUCKET_TAG.key] === ACCESS_LOG_BUCKET_TAG.value;
}

/** The default encryption algorithms the bucket's configurations set (empty when none does). */
export function defaultAlgorithmsOf(stack: PolicyStack, bucket: PolicyResource): unknown[] {
    return configurationsOf(stack, bucket, BUCKET_ENCRYPTION).flatMap((configuration) =>
        list(configuration.props.rules).map((rule) =>
            rule !== null && typeof rule === "object" ? ((rule as Statement).applyServerSideEncryptionByDefault as Statement | undefined)?.sseAlgorithm : undefined,
        ),
    );
}

/** The Allow statements of the bucket's policies (undefined when a policy is not a document). */
export function allowStatementsOf(stack: PolicyStack, bucket: PolicyResource): Statement[] | undefined {
    const statements: Statement[] = [];
    for (const policy of configurationsOf(stack, bucket, BUCKET_POLICY)) {
        const document = documentOf(policy.props.policy);
        if (document === undefined) {
            return undefined;
        }
        statements.push(...list(document.Statement).filter((statement): statement is Statement => typeof statement === "object" && statement !== null && (statement as Statement).Effect === "Allow"));
    }
    return statements;
}

/** The principals of a statement as `Service:<name>` / `AWS:<arn>` / `*`. */
export function principalsOf(statement: Statement): string[] {
    const principal = statement.Principal;
    if (principal === "*") {
        return ["*"];
    }
    if (typeof principal !== "object" || principal === null) {
        return [];
    }
    return Object.entries(principal as Statement).flatMap(([kind, names]) => list(names).map((name) => `${kind}:${String(name)}`));
}

/** Whether a principal is a log delivery service: ELB (service or regional account) or S3 server access logging. */
export function isLogDeliveryPrincipal(principal: string): boolean {
    if (principal === `Service:${ELB_LOG_DELIVERY_SERVICE}` || principal === `Service:${S3_LOG_DELIVERY_SERVICE}`) {
        return true;
    }
    return principal.startsWith("AWS:") && ELB_ACCOUNT_PRINCIPALS.has(principal.slice("AWS:".length));
}

/** Whether a principal is ELB's log delivery (the service principal or a regional ELB account). */
export function isElbLogDeliveryPrincipal(principal: string): boolean {
    return principal === `Service:${ELB_LOG_DELIVERY_SERVICE}` || (principal.startsWith("AWS:") && ELB_ACCOUNT_PRINCIPALS.has(principal.slice("AWS:".length)));
}

/**
 * Why an access-log bucket may not keep SSE-S3, or an empty list: its policy lets nobody but the
 * log delivery services write (the reason SSE-S3 is admitted there at all).
 */
export function logBucketWriterProblems(stack: PolicyStack, bucket: PolicyResource): string[] {
    const statements = allowStatementsOf(stack, bucket);
    if (statements === undefined) {
        return ["its bucket policy is not a JSON policy document, so who may write cannot be told"];
    }
    return statements.flatMap((statement) => {
        const others = principalsOf(statement).filter((principal) => !isLogDeliveryPrincipal(principal));
        return others.length === 0 ? [] : [`its policy statement ${statement.Sid === undefined ? "(no Sid)" : JSON.stringify(statement.Sid)} allows ${others.join(", ")}, which is no log delivery service`];
    });
}
