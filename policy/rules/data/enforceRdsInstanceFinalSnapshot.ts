import { ResourceRule } from "../types";
import { shown } from "./encryption";
import { SAAS_NOT_APPLICABLE } from "./retention";

export const enforceRdsInstanceFinalSnapshot: ResourceRule = {
    kind: "resource",
    name: "rds-instance-final-snapshot",
    description: `An RDS instance takes a final snapshot when deleted: \`skipFinalSnapshot\` is not true and \`finalSnapshotIdentifier\` is set. Its \`deletionProtection\` is the operations group's rule rds-instance-deletion-protection. ${SAAS_NOT_APPLICABLE}`,
    why: "Destroying a tenant's stack must never destroy its database: should deletion protection be lifted, a final snapshot still keeps the data, and unlike automated backups it outlives the instance.",
    enforcement: "mandatory",
    resourceTypes: ["aws:rds/instance:Instance"],
    validate: (database) => {
        const problems: string[] = [];
        if (database.props.skipFinalSnapshot === true) {
            problems.push("skipFinalSnapshot is true: deleting the database would keep no final snapshot; set skipFinalSnapshot: false");
        }
        const identifier = database.props.finalSnapshotIdentifier;
        if (typeof identifier !== "string" || identifier === "") {
            problems.push(`finalSnapshotIdentifier is ${shown(identifier)}: no final snapshot can be taken when the database is deleted; set a finalSnapshotIdentifier`);
        }
        return problems;
    },
};
