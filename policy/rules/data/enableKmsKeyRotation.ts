import { PolicyResource, ResourceRule } from "../types";
import { shown } from "./encryption";

/**
 * Waiver: KMS rotates only symmetric encryption keys held in KMS itself. Asymmetric and HMAC keys
 * (`customerMasterKeySpec` other than SYMMETRIC_DEFAULT) and keys in a custom key store
 * (`customKeyStoreId`) cannot be rotated automatically; asking for it fails the deployment.
 */
export function rotationUnsupported(key: PolicyResource): string | undefined {
    const spec = key.props.customerMasterKeySpec;
    if (spec !== undefined && spec !== null && spec !== "SYMMETRIC_DEFAULT") {
        return `a ${String(spec)} key`;
    }
    const store = key.props.customKeyStoreId;
    if (store !== undefined && store !== null && store !== "") {
        return "a key in a custom key store";
    }
    return undefined;
}

export const enableKmsKeyRotation: ResourceRule = {
    kind: "resource",
    name: "kms-key-rotation-enabled",
    description:
        "A KMS key rotates its key material automatically (`enableKeyRotation: true`). Waived for keys KMS cannot rotate: asymmetric and HMAC keys, and keys in a custom key store.",
    why: "Yearly rotation bounds how much data one key version protects and keeps the keys within the rotation period our security promise and the usual audits (ISO 27001, SOC 2) expect; KMS keeps old versions, so nothing becomes unreadable. Keys KMS cannot rotate are waived, since they cannot comply.",
    enforcement: "mandatory",
    resourceTypes: ["aws:kms/key:Key"],
    validate: (key) => {
        if (rotationUnsupported(key) !== undefined || key.props.enableKeyRotation === true) {
            return [];
        }
        return [`enableKeyRotation is ${shown(key.props.enableKeyRotation)}: the key material is never rotated; set enableKeyRotation: true`];
    },
};
