import { ResourceRule } from "../types";
import { customerManagedKeyProblem } from "./encryption";

export const enforceLogGroupEncryption: ResourceRule = {
    kind: "resource",
    name: "cloudwatch-log-group-encrypted-cmk",
    description: "A CloudWatch Logs group is encrypted with a customer-managed KMS key (`kmsKeyId`).",
    why: "Logs carry tenant data (addresses, user names, queries, audit events); encrypting them with the tenant's or platform's own key keeps who may read them under its key policy.",
    enforcement: "mandatory",
    resourceTypes: ["aws:cloudwatch/logGroup:LogGroup"],
    validate: (group) => {
        const problem = customerManagedKeyProblem("kmsKeyId", group.props.kmsKeyId, "CloudWatch Logs encrypts the group with a key it owns, outside any key policy of ours");
        return problem === undefined ? [] : [problem];
    },
};
