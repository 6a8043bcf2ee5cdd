// The tenant schema (tenant.schema.json) and its messages: runs the schema's validator, compiled
// (or loaded precompiled, tenant-schema.ts) on first use rather than at import, and turns each of
// ajv's errors into a finding that names the field, the value and what is expected.

import type { ErrorObject, ValidateFunction } from "ajv/dist/2020";

import schema from "../../tenant-configs/tenant.schema.json";
import type { Finding } from "./rules";
import { quote, quoteVisibly } from "../../lib/quote-visibly";
import { looksLikeSecret } from "../../lib/secrets";
import { joinPointer, pointerSegments } from "./source";
import { suggestion } from "./suggest";
import type { TenantDocument } from "./tenant";
import { tenantSchemaValidator } from "./tenant-schema";

// Where the config layer has always taken them from.
export { quote, quoteVisibly };

let validator: ValidateFunction<TenantDocument> | undefined;

/** The schema's validator, made on first use and kept (loading or compiling it is the costly part). */
function validateSchema(): ValidateFunction<TenantDocument> {
    return (validator ??= tenantSchemaValidator());
}

/** The schema's findings for a parsed document, in ajv's order; none when it conforms. */
export function schemaFindings(data: unknown): Finding[] {
    const validate = validateSchema();
    if (validate(data)) {
        return [];
    }
    const errors = validate.errors ?? [];
    // A section the mode may not have is one mistake: what it lacks or holds is not another.
    const forbidden = errors.filter((error) => error.keyword === "false schema").map((error) => error.instancePath);
    const within = (path: string): boolean => forbidden.some((section) => path === section || path.startsWith(`${section}/`));
    // A value of the wrong type (`mode:` left empty, `region: 1`) is one mistake: that it is not one
    // of the allowed values too is not another.
    const mistyped = new Set(errors.filter((error) => error.keyword === "type").map((error) => error.instancePath));
    return errors
        .filter((error) => error.keyword === "false schema" || !within(error.instancePath))
        .filter((error) => error.keyword !== "enum" || !mistyped.has(error.instancePath))
        .flatMap((error) => schemaFinding(error, data) ?? []);
}

interface SchemaNode {
    readonly description?: string;
    readonly type?: string;
    readonly enum?: readonly unknown[];
    readonly properties?: Record<string, SchemaNode | boolean>;
    readonly $ref?: string;
}

/** The schema node describing the value at a JSON pointer (following `$ref`), for its description. */
function schemaAt(pointer: string): SchemaNode | undefined {
    let node: SchemaNode | undefined = schema as SchemaNode;
    for (const segment of pointerSegments(pointer)) {
        if (!node) {
            return undefined;
        }
        const typed: SchemaNode = node;
        const child: SchemaNode | boolean | undefined = /^\d+$/.test(segment)
            ? (typed as { items?: SchemaNode }).items
            : typed.properties?.[segment];
        node = typeof child === "object" ? child : undefined;
    }
    if (node?.$ref) {
        const target = (schema.$defs as Record<string, SchemaNode>)[node.$ref.replace("#/$defs/", "")];
        return { ...target, ...node, description: node.description ?? target?.description };
    }
    return node;
}

function expected(pointer: string): string {
    const description = schemaAt(pointer)?.description;
    return description ? `expected ${description}` : "see tenant-configs/tenant.schema.json";
}

/**
 * Every field name is ASCII: a key with another character, mostly one that looks like a Latin letter
 * (a Cyrillic о in `mоde`) or is invisible, is named for it, since the key reads as a known field.
 */
function lookAlike(key: string): string {
    const other = /[^\x20-\x7e]/u.exec(key);
    if (!other) {
        return "";
    }
    const code = other[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return ` (it has the character U+${code}, which is no ASCII letter: field names are ASCII; retype it)`;
}

/** The fields holding a DNS name, whose refusal says which part of the name is at fault. */
const DOMAIN_NAME_FIELDS: ReadonlySet<string> = new Set(["/domain/own", "/domain/subdomain"]);

/** What breaks a DNS name, the first fault found, for the pattern's refusal; undefined when none of these. */
export function domainNameFault(name: string): string | undefined {
    if (/[A-Z]/.test(name)) {
        return "it has capital letters; write it in lowercase";
    }
    if (/[^\x00-\x7f]/.test(name)) {
        return "it has characters beyond ASCII; an international name is written in punycode (xn--...)";
    }
    const labels = name.split(".");
    const long = labels.find((label) => label.length > 63);
    if (long !== undefined) {
        return `a label of ${long.length} characters; a DNS label has at most 63`;
    }
    if (labels.some((label) => label === "")) {
        return name.endsWith(".") ? "it ends with a dot; write it without" : "an empty label (two dots in a row, or a leading dot)";
    }
    const hyphen = labels.find((label) => label.startsWith("-") || label.endsWith("-"));
    if (hyphen !== undefined) {
        return `the label ${quoteVisibly(hyphen.slice(0, 63))} starts or ends with a hyphen`;
    }
    const other = /[^a-z0-9.-]/.exec(name);
    if (other) {
        return `it has ${quoteVisibly(other[0])}; a DNS name has letters, digits, hyphens and dots only`;
    }
    return undefined;
}

/** How a message names a JSON schema type (tenant and platform files alike). */
export const TYPE_NAMES: Readonly<Record<string, string>> = {
    object: "a mapping",
    array: "a list",
    string: "a string",
    integer: "a whole number",
    number: "a number",
    boolean: "true or false",
};

function modeOf(data: unknown): string {
    const mode = (data as { mode?: unknown } | null)?.mode;
    return typeof mode === "string" ? mode : "?";
}

/** Turns one ajv error into a finding, or undefined for errors that only restate others. */
function schemaFinding(error: ErrorObject, data: unknown): Finding | undefined {
    const pointer = error.instancePath === "" ? "/" : error.instancePath;
    const value = error.data;
    const modeRule = error.schemaPath.startsWith("#/allOf/");
    switch (error.keyword) {
        case "if":
            return undefined;
        case "additionalProperties": {
            const key = String((error.params as { additionalProperty: string }).additionalProperty);
            const allowed = Object.keys(schemaAt(pointer)?.properties ?? {});
            if (looksLikeSecret(key)) {
                // Neither the name nor a path containing it is echoed; the problem is placed at it.
                return {
                    pointer,
                    node: joinPointer(pointer, key),
                    at: "key",
                    message: `has an unknown field whose name looks like a secret (not shown); allowed here: ${allowed.join(", ")}`,
                };
            }
            return {
                pointer: joinPointer(pointer, key),
                at: "key",
                message: `unknown field ${quoteVisibly(key.slice(0, 100))}${lookAlike(key)}${suggestion(key, allowed)}; allowed here: ${allowed.join(", ")}`,
            };
        }
        case "required": {
            const missing = String((error.params as { missingProperty: string }).missingProperty);
            const child = joinPointer(pointer, missing);
            const why = modeRule ? ` for mode ${modeOf(data)}` : "";
            return { pointer: child, message: `is required${why}: ${expected(child)}` };
        }
        case "false schema":
            return { pointer, at: "key", message: `is not allowed for mode ${modeOf(data)}: ${schemaAt(pointer)?.description ?? "remove it"}` };
        case "type": {
            const wanted = TYPE_NAMES[String((error.params as { type: string }).type)] ?? String((error.params as { type: string }).type);
            if (value === null && wanted === "a mapping") {
                return { pointer, at: "key", message: `is empty; a section, when present, must be a mapping of fields (remove it or fill it in)` };
            }
            // An unquoted 1234 or true is a number or a boolean to YAML, never the text it looks like.
            const unquoted = wanted === "a string" && (typeof value === "number" || typeof value === "boolean") ? ` (YAML reads it unquoted as a ${typeof value}: put the value in quotes to make it text)` : "";
            return { pointer, message: `must be ${wanted}, got ${quote(value)}${unquoted}; ${expected(pointer)}` };
        }
        case "enum": {
            const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
            const hint = typeof value === "string" ? suggestion(value, allowed) : "";
            const list = allowed.length > 8 ? expected(pointer) : `expected one of: ${allowed.join(", ")}`;
            return { pointer, message: `${quote(value)} is not allowed${hint}; ${list}` };
        }
        case "pattern":
        case "format": {
            const why = typeof value === "string" && DOMAIN_NAME_FIELDS.has(pointer) ? domainNameFault(value) : undefined;
            return { pointer, message: `${quote(value)} is not valid${why ? ` (${why})` : ""}; ${expected(pointer)}` };
        }
        case "minLength":
            return { pointer, message: value === "" ? `is empty; ${expected(pointer)}` : `${quote(value)} is too short; ${expected(pointer)}` };
        case "maxLength":
            return { pointer, message: `is too long (${[...String(value)].length} characters); ${expected(pointer)}` };
        case "minimum":
        case "maximum":
            return { pointer, message: `${quote(value)} is out of range; ${expected(pointer)}` };
        case "minItems":
        case "maxItems":
            return { pointer, message: `has ${Array.isArray(value) ? value.length : 0} item(s); ${expected(pointer)}` };
        case "minProperties":
            return { pointer, message: "needs exactly one of subdomain (a name under the platform's domain) or own (the customer's domain); neither is given" };
        case "maxProperties":
            return { pointer, message: "needs exactly one of subdomain or own, not both; keep the one the customer bought" };
        default:
            return { pointer, message: `${error.message ?? "is not valid"}; ${expected(pointer)}` };
    }
}
