import { ResourceRule } from "../types";
import { customerManagedKeyProblem } from "./encryption";

export const enforceSecretEncryption: ResourceRule = {
    kind: "resource",
    name: "secretsmanager-secret-encrypted-cmk",
    description: "A Secrets Manager secret is encrypted with a customer-managed KMS key (`kmsKeyId`).",
    why: "Credentials to tenant data are tenant data: encrypted with the tenant's key, only the principals its key policy admits can decrypt them, whatever Secrets Manager permissions a role holds.",
    enforcement: "mandatory",
    resourceTypes: ["aws:secretsmanager/secret:Secret"],
    validate: (secret) => {
        const problem = customerManagedKeyProblem("kmsKeyId", secret.props.kmsKeyId, "Secrets Manager encrypts with the AWS-managed key aws/secretsmanager");
        return problem === undefined ? [] : [problem];
    },
};
