// What the encryption rules of this group say about a flag or a key reference, worded once so every
// resource type reports the same problem the same way.

import { isCustomerManagedKey } from "../graph";

/** A property's value as a message shows it: `not set`, or its JSON. */
export function shown(value: unknown): string {
    return value === undefined || value === null ? "not set" : JSON.stringify(value);
}

/** The problem with an `encrypted`-style flag (`field`) of `what`, or undefined when it is `true`. */
export function encryptionFlagProblem(field: string, value: unknown, what: string): string | undefined {
    if (value === true) {
        return undefined;
    }
    return `${field} is ${shown(value)}: ${what} would be stored unencrypted; set ${field}: true`;
}

/**
 * The problem with a key reference (`field`), or undefined when it names a customer-managed key.
 * `fallback` says what AWS does without one.
 */
export function customerManagedKeyProblem(field: string, value: unknown, fallback: string): string | undefined {
    if (value === undefined || value === null || value === "") {
        return `${field} is not set: ${fallback}; set ${field} to a customer-managed KMS key`;
    }
    if (typeof value !== "string") {
        return `${field} is ${shown(value)}, not a KMS key id or ARN; set ${field} to a customer-managed KMS key`;
    }
    if (!isCustomerManagedKey(value)) {
        return `${field} "${value}" is an AWS-managed key, which the tenant's key policy cannot govern or revoke; set ${field} to a customer-managed KMS key`;
    }
    return undefined;
}

/** The problems of one encrypted volume-like block: its flag, then its key. */
export function encryptedWithCustomerKeyProblems(
    prefix: string,
    props: Readonly<Record<string, unknown>>,
    fields: { readonly flag: string; readonly key: string },
    what: string,
    fallback: string,
): string[] {
    return [
        encryptionFlagProblem(`${prefix}${fields.flag}`, props[fields.flag], what),
        customerManagedKeyProblem(`${prefix}${fields.key}`, props[fields.key], fallback),
    ].filter((problem): problem is string => problem !== undefined);
}
