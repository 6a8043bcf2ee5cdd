// A tenant's database cannot be deleted by one careless call or one destroyed stack.

import { OFFBOARDING_TAG_KEY } from "../../../lib/promises/offboarding";
import { ResourceRule } from "../types";
import { unprotectedProblems } from "./offboarding";

export const enforceRdsDeletionProtection: ResourceRule = {
    kind: "resource",
    name: "rds-instance-deletion-protection",
    description:
        `Every RDS instance has deletionProtection: true, except during the offboarding of \`npm run destroy\`: then the instance carries the tag ${OFFBOARDING_TAG_KEY} ` +
        "naming the recovery points of the completed final backup (AWS Backup recovery point ARNs), which the program sets only in that state.",
    why:
        "The database is the customer's data: deleting it must take a deliberate change first (turning protection off), never a `pulumi destroy`, a replacement or a console slip. " +
        "The offboarding is that change, and it comes only after a final backup nobody can delete early.",
    enforcement: "mandatory",
    resourceTypes: ["aws:rds/instance:Instance"],
    validate: (instance) => unprotectedProblems(instance, "deletionProtection"),
};
