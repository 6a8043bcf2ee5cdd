import { ResourceRule } from "../types";

export const disallowPublicDatabase: ResourceRule = {
    kind: "resource",
    name: "rds-instance-not-public",
    description: "No RDS instance is publicly accessible: publiclyAccessible is not true.",
    why: "A database is reached by the application servers only; a public endpoint would expose it (and its login) to the internet, past the front door and its firewall.",
    enforcement: "mandatory",
    resourceTypes: ["aws:rds/instance:Instance"],
    validate(database) {
        return database.props.publiclyAccessible === true ? ["publiclyAccessible is true; expected false (the database answers the application servers only)"] : [];
    },
};
