// The encryption keys are kept in a restricted and secure area (Capacity Planner security policies,
// "Application security"): a key's policy lets no principal outside the account use or manage it.

import { PolicyResource, ResourceRule } from "../types";

/** Condition keys that keep a statement to the account's (or organisation's) principals. */
export const ACCOUNT_CONDITION_KEYS: readonly string[] = ["kms:CallerAccount", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalArn"];

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** Whether a statement's principal is everybody: `"*"`, or `"*"` among its AWS principals. */
function toEverybody(statement: Record<string, unknown>): boolean {
    const principal = statement.Principal;
    if (principal === "*") {
        return true;
    }
    const aws = typeof principal === "object" && principal !== null ? (principal as Record<string, unknown>).AWS : undefined;
    return list(aws).includes("*");
}

/** Whether the statement's conditions name the account (or organisation) of the caller with a value other than `*`. */
function keptToAccount(statement: Record<string, unknown>): boolean {
    const condition = statement.Condition;
    if (typeof condition !== "object" || condition === null) {
        return false;
    }
    return Object.entries(condition as Record<string, unknown>).some(
        ([operator, block]) =>
            !/IfExists$/.test(operator) &&
            typeof block === "object" &&
            block !== null &&
            Object.entries(block as Record<string, unknown>).some(
                ([key, value]) => ACCOUNT_CONDITION_KEYS.some((wanted) => wanted.toLowerCase() === key.toLowerCase()) && list(value).length > 0 && list(value).every((item) => typeof item === "string" && item !== "" && !item.includes("*")),
            ),
    );
}

function keyPolicyProblems(key: PolicyResource): string[] {
    const text = key.props.policy;
    if (text === undefined || text === null) {
        // KMS's default key policy: the account (its IAM policies) only.
        return [];
    }
    let document: unknown;
    try {
        document = typeof text === "string" ? JSON.parse(text) : text;
    } catch {
        return ["policy is not JSON: who may use the key cannot be told"];
    }
    const statements = list((document as { Statement?: unknown } | null)?.Statement);
    return statements.flatMap((entry, i) => {
        const statement = (entry ?? {}) as Record<string, unknown>;
        if (statement.Effect !== "Allow") {
            return [];
        }
        const label = `statement ${typeof statement.Sid === "string" ? JSON.stringify(statement.Sid) : `[${i}]`}`;
        if (statement.NotPrincipal !== undefined) {
            return [`${label} allows with NotPrincipal: every principal but those named, in any account, may use the key; expected named principals of the account`];
        }
        if (toEverybody(statement) && !keptToAccount(statement)) {
            return [
                `${label} allows ${JSON.stringify(statement.Action ?? statement.NotAction)} to every principal ("*") with no condition naming the account (${ACCOUNT_CONDITION_KEYS.join(", ")}): ` +
                    "anyone with an AWS account could use the key; expected the key kept to the account",
            ];
        }
        return [];
    });
}

export const enforceKmsKeyPolicyRestricted: ResourceRule = {
    kind: "resource",
    name: "kms-key-policy-restricted",
    description:
        "Every KMS key's policy keeps the key to the account: no Allow statement with NotPrincipal, and none to every principal (\"*\") unless a condition names the caller's account or organisation " +
        "(kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID or aws:PrincipalArn, a value without wildcards). A key without a policy has KMS's default, the account's only.",
    why:
        "The service promises that all the encryption keys are stored in a restricted and secure area (Capacity Planner security policies, Application security): " +
        "a key whose policy admits any AWS account would let a stranger decrypt the tenants' data, backups and logs, or schedule the key's deletion.",
    enforcement: "mandatory",
    resourceTypes: ["aws:kms/key:Key"],
    validate: keyPolicyProblems,
};
