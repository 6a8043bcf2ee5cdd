// RDS DB instance classes for PostgreSQL (the engine of components/database.ts). AWS's model of RDS
// has no list of classes (`DBInstanceClass` is a plain string), so a class is modelled as `db.` +
// an EC2 type of a family RDS offers for PostgreSQL, whose `<family>.<size>` EC2 has.
//
// HAND-COMPILED, not generated. Source: Amazon RDS User Guide, "DB instance classes" ->
// "Supported DB engines for DB instance classes" (PostgreSQL column) and "Hardware specifications
// for DB instance classes" (the sizes of each class), read for the current PostgreSQL majors (16,
// the program's default). Previous-generation classes RDS no longer offers for these majors
// (db.t2, db.m3, db.m4, db.r3, db.r4) and classes for other engines only (db.x1, db.x1e, db.z1d,
// db.x2iedn, db.x2idn, db.x2iezn: Oracle and SQL Server) are left out, as is db.c6gd (Multi-AZ DB
// clusters only; this program runs DB instances). Review it when AWS adds a class family.

import { EC2_INSTANCE_TYPES, isMetalSize, parseTypeName } from "./instance-types";

export interface RdsFamily {
    /** The family as the class names it: `db.<family>.<size>`. */
    readonly family: string;
    /** The EC2 family whose sizes the class has, when its name differs (db.x2g runs on x2gd hardware). */
    readonly ec2Family?: string;
    /** Burstable (db.t*): the only families RDS offers `micro`, `small` and `medium` of. */
    readonly burstable?: boolean;
}

/** The RDS instance class families offered for PostgreSQL. */
export const RDS_POSTGRES_FAMILIES: readonly RdsFamily[] = [
    // General purpose
    { family: "m8g" },
    { family: "m7g" },
    { family: "m7i" },
    { family: "m6g" },
    { family: "m6gd" },
    { family: "m6i" },
    { family: "m6id" },
    { family: "m6idn" },
    { family: "m6in" },
    { family: "m5" },
    { family: "m5d" },
    // Memory optimized
    { family: "r8g" },
    { family: "r7g" },
    { family: "r7i" },
    { family: "r6g" },
    { family: "r6gd" },
    { family: "r6i" },
    { family: "r6id" },
    { family: "r6idn" },
    { family: "r6in" },
    { family: "r5" },
    { family: "r5b" },
    { family: "r5d" },
    { family: "x2g", ec2Family: "x2gd" },
    // Burstable
    { family: "t4g", burstable: true },
    { family: "t3", burstable: true },
];

/**
 * Sizes RDS does not offer although EC2 has them: bare metal (no RDS class is metal), `nano` (no
 * class), and `micro` to `medium` outside the burstable classes (e.g. no db.m6g.medium).
 */
function offeredSize(family: RdsFamily, size: string): boolean {
    if (isMetalSize(size) || size === "nano") {
        return false;
    }
    return family.burstable === true || !["micro", "small", "medium"].includes(size);
}

/** Every PostgreSQL class that exists by the model above, e.g. `db.m6g.large`. */
export const RDS_POSTGRES_CLASSES: readonly string[] = RDS_POSTGRES_FAMILIES.flatMap((family) =>
    [...EC2_INSTANCE_TYPES]
        .map(parseTypeName)
        .filter((parsed) => parsed !== undefined && parsed.family === (family.ec2Family ?? family.family) && offeredSize(family, parsed.size))
        .map((parsed) => `db.${family.family}.${parsed!.size}`),
);

const CLASS_SET: ReadonlySet<string> = new Set(RDS_POSTGRES_CLASSES);

/** True when RDS offers the class for PostgreSQL. */
export function isRdsPostgresClass(instanceClass: string): boolean {
    return CLASS_SET.has(instanceClass);
}

/** The size of an RDS class (`db.m6g.large` -> `large`), or undefined when it is not `db.<family>.<size>`. */
export function rdsClassSize(instanceClass: string): string | undefined {
    return instanceClass.startsWith("db.") ? parseTypeName(instanceClass.slice(3))?.size : undefined;
}
