// Encryption in transit to the database: the server refuses unencrypted connections.

import { byRef, ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";

export const PARAMETER_GROUP_TYPE = "aws:rds/parameterGroup:ParameterGroup";

/**
 * The parameter that makes each engine refuse plaintext connections: PostgreSQL `rds.force_ssl`
 * (RDS User Guide, "Requiring an SSL connection to a PostgreSQL DB instance"), MySQL and MariaDB
 * `require_secure_transport` (RDS User Guide, "Requiring SSL/TLS for all connections to a MySQL DB
 * instance").
 */
const TLS_PARAMETER: Readonly<Record<string, string>> = { postgres: "rds.force_ssl", mysql: "require_secure_transport", mariadb: "require_secure_transport" };

/** The engine of a parameter group's family (`postgres16` -> postgres), for instances restored from a snapshot without `engine`. */
function familyEngine(group: PolicyResource | undefined): string | undefined {
    const family = group?.props.family;
    return typeof family === "string" ? /^(postgres|mysql|mariadb)/.exec(family)?.[1] : undefined;
}

function tlsProblems(database: PolicyResource, stack: PolicyStack): string[] {
    const groupName = database.props.parameterGroupName;
    const group =
        typeof groupName === "string" && groupName !== ""
            ? (byRef(stack, groupName) ?? ofType(stack, PARAMETER_GROUP_TYPE).find((candidate) => candidate.props.name === groupName))
            : undefined;
    const engine = database.props.engine ?? familyEngine(group);
    const parameter = typeof engine === "string" ? TLS_PARAMETER[engine] : undefined;
    if (parameter === undefined) {
        return [`engine ${JSON.stringify(engine ?? null)}: the rule knows how postgres, mysql and mariadb require TLS, not this engine; cannot judge encryption in transit`];
    }
    if (typeof groupName !== "string" || groupName === "") {
        return [`parameterGroupName is not set: the engine's default parameter group cannot be changed to require TLS; expected a parameter group of the stack with ${parameter} = 1`];
    }
    if (group?.type !== PARAMETER_GROUP_TYPE) {
        return [`parameter group ${groupName} is no parameter group of this stack: whether it requires TLS cannot be told; expected a parameter group of the stack with ${parameter} = 1`];
    }
    const setting = ((group.props.parameters ?? []) as { name?: unknown; value?: unknown }[]).find((candidate) => candidate.name === parameter);
    if (setting === undefined) {
        return [`parameter group ${groupName} does not set ${parameter}: the database accepts unencrypted connections; expected ${parameter} = 1`];
    }
    if (String(setting.value) !== "1") {
        return [`parameter group ${groupName} sets ${parameter} to ${JSON.stringify(setting.value)}: the database accepts unencrypted connections; expected 1`];
    }
    return [];
}

export const enforceRdsInstanceTls: ResourceRule = {
    kind: "resource",
    name: "rds-instance-tls-required",
    description: "Every RDS instance uses a parameter group of its stack that refuses unencrypted connections (PostgreSQL rds.force_ssl = 1; MySQL/MariaDB require_secure_transport = 1).",
    why: "Data is encrypted in transit as well as at rest (Capacity Planner security policies; security documentation, 1.5): a database that accepts plaintext connections lets the tenant's data cross the network in clear.",
    enforcement: "mandatory",
    resourceTypes: ["aws:rds/instance:Instance"],
    validate: tlsProblems,
};
