// The tenant contract's sizing rules (v1.1) that need AWS's lists: an instance type EC2 has, whose
// architecture the servers' image supports; an RDS class that exists for PostgreSQL; on physical,
// a database size the host's family has, and servers that fit the family's Dedicated Hosts.
// Pure functions over one parsed document, like rules.ts.

import { familySizes, isPacking, packOnHosts, XEN_FAMILIES } from "./dedicated-hosts";
import {
    architectureOfFamily,
    EC2_INSTANCE_TYPES,
    FAMILY_SIZES,
    parseTypeName,
    SERVER_ARCHITECTURES,
    sizeVcpus,
} from "./instance-types";
import { isRdsPostgresClass, RDS_POSTGRES_CLASSES, RDS_POSTGRES_FAMILIES, rdsClassSize } from "./rds-classes";
import type { Finding } from "./rules";
import { closest } from "./suggest";
import { defaultSizes, Environment, ENVIRONMENTS } from "./tenant";
import { Mode, MODES } from "../../lib/modes";

const TYPE_POINTER = "/compute/instanceType";
const CLASS_POINTER = "/database/instanceClass";

/** Sizes from small to large (metal last), for messages. */
function bySize(sizes: readonly string[]): string[] {
    return [...sizes].sort((a, b) => (sizeVcpus(a) ?? Infinity) - (sizeVcpus(b) ?? Infinity) || a.localeCompare(b));
}

/** The closest of `candidates` to `value` within the typo limit, as ` (did you mean "x"?)`. */
function didYouMean(best: string | undefined): string {
    return best === undefined ? "" : ` (did you mean "${best}"?)`;
}

function stringAt(data: unknown, section: string, field: string): string | undefined {
    const node = typeof data === "object" && data !== null ? (data as Record<string, unknown>)[section] : undefined;
    const value = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[field] : undefined;
    return typeof value === "string" ? value : undefined;
}

/** What is wrong with an EC2 instance type for the servers, or undefined when it is fine. */
export function instanceTypeProblem(instanceType: string): string | undefined {
    const parsed = parseTypeName(instanceType);
    if (!EC2_INSTANCE_TYPES.has(instanceType)) {
        const sizes = parsed ? FAMILY_SIZES.get(parsed.family) : undefined;
        if (parsed && sizes) {
            // A known family with a wrong size: the closest size of the family, however far.
            const best = closest(parsed.size, sizes, Infinity);
            return `"${instanceType}" is not an EC2 instance type: ${parsed.family} has no size "${parsed.size}"${didYouMean(best && `${parsed.family}.${best}`)}; ${parsed.family} sizes: ${bySize(sizes).join(", ")}`;
        }
        return `"${instanceType.slice(0, 200)}" is not an EC2 instance type${didYouMean(closest(instanceType, EC2_INSTANCE_TYPES))}; expected a type from EC2's list, such as m6i.large`;
    }
    const architecture = architectureOfFamily(parsed!.family);
    if (!architecture.supported) {
        return `"${instanceType}" is ${architecture.reason}; the servers run Amazon Linux 2023, which has images for ${SERVER_ARCHITECTURES.join(" and ")} (e.g. m6i.large, or m7g.large on Graviton)`;
    }
    return undefined;
}

/** What is wrong with an RDS class for the PostgreSQL database, or undefined when it is fine. */
export function instanceClassProblem(instanceClass: string): string | undefined {
    if (isRdsPostgresClass(instanceClass)) {
        return undefined;
    }
    const families = RDS_POSTGRES_FAMILIES.map((family) => `db.${family.family}`);
    const parsed = instanceClass.startsWith("db.") ? parseTypeName(instanceClass.slice(3)) : undefined;
    const classesOf = (family: string): string[] => RDS_POSTGRES_CLASSES.filter((candidate) => candidate.startsWith(`db.${family}.`));
    if (parsed && classesOf(parsed.family).length > 0) {
        const sizes = classesOf(parsed.family).map((candidate) => candidate.slice(`db.${parsed.family}.`.length));
        const best = closest(parsed.size, sizes, Infinity);
        return `"${instanceClass}" is not an RDS instance class: db.${parsed.family} has no size "${parsed.size}"${didYouMean(best && `db.${parsed.family}.${best}`)}; db.${parsed.family} sizes for PostgreSQL: ${bySize(sizes).join(", ")}`;
    }
    return (
        `"${instanceClass.slice(0, 200)}" is not an RDS instance class for PostgreSQL${didYouMean(closest(instanceClass, RDS_POSTGRES_CLASSES))}; ` +
        `expected db.<family>.<size> of one of ${families.join(", ")} (e.g. db.m6g.large)`
    );
}

/** A Nitro family of the same kind, for the refusal of a Xen one. */
const NITRO_SUCCESSOR: Readonly<Record<string, string>> = { c: "c6i", m: "m6i", r: "r6i", t: "t3" };

/** Why a physical tenant's servers cannot share a Dedicated Host of a Xen family (XEN_FAMILIES). */
function xenHostMessage(given: string, family: string): string {
    const successor = NITRO_SUCCESSOR[family[0]!];
    return (
        `${given}: a physical tenant's servers and database server share Dedicated Hosts allocated for their instance family, ` +
        `which EC2 offers only for families built on the AWS Nitro System; ${family} runs on the Xen hypervisor, where a host takes one instance type only; ` +
        `choose a Nitro family${successor ? `, e.g. ${successor}` : " (m6i, c6i, r6i, m7g ...)"}`
    );
}

/**
 * The sizing findings of one document. Values the schema refuses (wrong type or shape) are left to
 * it; defaults of the mode and environment stand in for absent fields in the physical checks.
 */
export function sizingFindings(data: unknown): Finding[] {
    const findings: Finding[] = [];
    const instanceType = stringAt(data, "compute", "instanceType");
    const instanceClass = stringAt(data, "database", "instanceClass");
    const typeProblem = instanceType === undefined ? undefined : instanceTypeProblem(instanceType);
    const classProblem = instanceClass === undefined ? undefined : instanceClassProblem(instanceClass);
    if (typeProblem) {
        findings.push({ pointer: TYPE_POINTER, message: typeProblem });
    }
    if (classProblem) {
        findings.push({ pointer: CLASS_POINTER, message: classProblem });
    }

    const record = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
    const environment = (record.environment ?? "production") as Environment;
    if (record.mode !== "physical" || !(MODES as readonly unknown[]).includes(record.mode) || !ENVIRONMENTS.includes(environment) || typeProblem || classProblem) {
        return findings;
    }
    const defaults = defaultSizes(record.mode as Mode, environment);
    const serverType = instanceType ?? defaults.compute.instanceType;
    const databaseClass = instanceClass ?? defaults.database.instanceClass;
    const family = parseTypeName(serverType)!.family;
    if (XEN_FAMILIES.has(family)) {
        findings.push({ pointer: TYPE_POINTER, message: xenHostMessage(instanceType === undefined ? `the default type ${serverType} (${environment})` : `"${serverType}"`, family) });
        return findings;
    }
    const size = rdsClassSize(databaseClass)!;
    const databaseType = `${family}.${size}`;
    const given = instanceClass === undefined ? `the default class ${databaseClass} (${environment})` : `"${databaseClass}"`;
    if (!familySizes(family).includes(size)) {
        // The suggestion keeps the class's family and takes the next size up that the host's family has.
        const classFamily = parseTypeName(databaseClass.slice(3))!.family;
        const wanted = sizeVcpus(size) ?? 0;
        const fitting = bySize(familySizes(family))
            .filter((candidate) => (sizeVcpus(candidate) ?? Infinity) >= wanted)
            .flatMap((candidate) => [`db.${classFamily}.${candidate}`, ...RDS_POSTGRES_CLASSES.filter((known) => rdsClassSize(known) === candidate)])
            .filter(isRdsPostgresClass);
        const example = fitting[0];
        findings.push({
            pointer: CLASS_POINTER,
            message:
                `${given}: a physical tenant's database server runs on its ${family} Dedicated Host as ${databaseType}, which EC2 has not got; ` +
                (example
                    ? `choose a class whose size ${family} has (${bySize(familySizes(family)).join(", ")}), e.g. ${example}`
                    : `no RDS class for PostgreSQL has a size of ${family} (${bySize(familySizes(family)).join(", ")}); choose another compute.instanceType`),
        });
        return findings;
    }
    const rawCount = (record.compute as Record<string, unknown> | undefined)?.instances;
    const count = typeof rawCount === "number" && Number.isInteger(rawCount) && rawCount >= 1 && rawCount <= 10 ? rawCount : defaults.compute.instances;
    const packing = packOnHosts(family, [databaseType, ...Array.from({ length: count }, () => serverType)]);
    if (!isPacking(packing)) {
        findings.push({ pointer: "/compute", message: `the servers do not fit Dedicated Hosts of ${family}: ${packing.message}` });
    }
    return findings;
}
