// A tenant's database cannot be deleted by one careless call or one destroyed stack.

import { PolicyResource, ResourceRule } from "../types";

function deletionProtectionProblems(instance: PolicyResource): string[] {
    const protection = instance.props.deletionProtection;
    if (protection === true) {
        return [];
    }
    return protection === undefined || protection === null
        ? ["deletionProtection is not set (off); expected true"]
        : [`deletionProtection is ${JSON.stringify(protection)}; expected true`];
}

export const enforceRdsDeletionProtection: ResourceRule = {
    kind: "resource",
    name: "rds-instance-deletion-protection",
    description: "Every RDS instance has deletionProtection: true.",
    why:
        "The database is the customer's data: deleting it must take a deliberate change first (turning protection off), never a `pulumi destroy`, a replacement or a console slip.",
    enforcement: "mandatory",
    resourceTypes: ["aws:rds/instance:Instance"],
    validate: deletionProtectionProblems,
};
