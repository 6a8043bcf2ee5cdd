// Checks every planned resource against AWS's own rules (stacks/config/aws-catalogue.json, generated
// from AWS's service models by `npm run aws-catalogue`): a value AWS would refuse is a plan error,
// even where the provider's preview would let it through and `pulumi up` would fail.
// Pure: the plan's resources in, breaks out.

import catalogueJson from "../../../stacks/config/aws-catalogue.json";
import { RDS_POSTGRES_CLASSES } from "../../../stacks/config/rds-classes";
import { quote } from "../../../lib/quote-visibly";
import type { PlannedResource } from "./engine";

/** One rule of the catalogue: the constraint AWS puts on one property of one resource type. */
export interface AwsRule {
    /** A resource type, or a prefix ending in `*` (`aws:*`: every AWS resource). */
    readonly type: string;
    /**
     * A path into the resource's inputs, segments separated by `/`: a property name, `*` (every
     * element of an array or every value of an object) or `<key>` (every key of an object, e.g.
     * `tags/<key>`). The segments `rules`, `*`, `ruleName` reach the `ruleName` of every element of `rules`.
     */
    readonly property: string;
    readonly pattern?: string;
    readonly min?: number;
    readonly max?: number;
    readonly enum?: readonly string[];
    /** The list holding the allowed values: a list of the catalogue (`ec2InstanceTypes`) or one of {@link DERIVED_LISTS}. */
    readonly enumKey?: string;
    /** A rule AWS documents only in prose, in words. */
    readonly rule?: string;
    readonly source: string;
}

export interface AwsCatalogue {
    readonly rules: readonly AwsRule[];
    readonly ec2InstanceTypes: readonly string[];
    readonly [key: string]: unknown;
}

export const AWS_CATALOGUE = catalogueJson as unknown as AwsCatalogue;

/**
 * Lists an `enumKey` may name that are not stored in the catalogue, each kept in one place:
 * EC2's instance families (the `<family>` of every catalogued `<family>.<size>`, what a Dedicated
 * Host's `instanceFamily` must be) and RDS's PostgreSQL classes (hand-compiled in
 * stacks/config/rds-classes.ts: AWS's model of RDS has no list of classes).
 */
export const DERIVED_LISTS: Readonly<Record<string, (catalogue: AwsCatalogue) => readonly string[]>> = {
    ec2InstanceFamilies: (catalogue) => [...new Set(catalogue.ec2InstanceTypes.map((type) => type.slice(0, type.indexOf("."))))],
    rdsPostgresClasses: () => RDS_POSTGRES_CLASSES,
};

/**
 * AWS's models write Java regular expressions matched against the whole value; JavaScript's are
 * searched, so an unanchored pattern is anchored. The models' escapes (`\-`, `\_` in classes) are
 * valid without the `u` flag; a `\p{...}` class needs it.
 */
export function compileAwsPattern(pattern: string): RegExp {
    const anchored = pattern.startsWith("^") && pattern.endsWith("$") ? pattern : `^(?:${pattern})$`;
    return new RegExp(anchored, /\\p\{/.test(pattern) ? "u" : "");
}

/** A value AWS would refuse. */
export interface AwsRuleBreak {
    readonly resource: PlannedResource;
    readonly property: string;
    readonly value: string;
    /** What AWS allows, in words. */
    readonly rule: string;
    readonly source: string;
    /** Set for a secret: `value` is then the placeholder, and this its real length (the value is never shown). */
    readonly secretLength?: number;
}

interface CompiledRule {
    readonly rule: AwsRule;
    /** The property path, split once. */
    readonly path: readonly string[];
    readonly regex?: RegExp;
    readonly allowed?: ReadonlySet<string>;
    readonly words: string;
}

function describe(rule: AwsRule): string {
    if (rule.rule) {
        return rule.rule;
    }
    const parts: string[] = [];
    if (rule.pattern) {
        parts.push(`matching ${rule.pattern}`);
    }
    if (rule.min !== undefined || rule.max !== undefined) {
        parts.push(`${rule.min ?? 0} to ${rule.max ?? "any number of"} characters`);
    }
    if (rule.enum || rule.enumKey) {
        parts.push(`one of the ${(rule.enum ?? []).length || "catalogued"} values AWS lists`);
    }
    return parts.join(", ");
}

/** The catalogue's rules, compiled once, with the rules of each resource type found once per type. */
export interface CompiledCatalogue {
    forType(type: string): readonly CompiledRule[];
}

/** The catalogue's rules by resource type, compiled once. */
export function compileCatalogue(catalogue: AwsCatalogue = AWS_CATALOGUE): CompiledCatalogue {
    const exact = new Map<string, CompiledRule[]>();
    const prefixed: { prefix: string; compiled: CompiledRule }[] = [];
    for (const rule of catalogue.rules ?? []) {
        const derived = rule.enumKey ? DERIVED_LISTS[rule.enumKey] : undefined;
        const list = rule.enum ?? (derived ? derived(catalogue) : rule.enumKey ? (catalogue[rule.enumKey] as readonly string[] | undefined) : undefined);
        if (rule.enumKey && list === undefined) {
            throw new Error(`AWS rule catalogue: ${rule.type} ${rule.property}: no list ${rule.enumKey}`);
        }
        const compiled: CompiledRule = {
            rule,
            path: rule.property.split("/"),
            regex: rule.pattern ? compileAwsPattern(rule.pattern) : undefined,
            allowed: list ? new Set(list) : undefined,
            words: describe(rule),
        };
        if (rule.type.endsWith("*")) {
            prefixed.push({ prefix: rule.type.slice(0, -1), compiled });
        } else {
            exact.set(rule.type, [...(exact.get(rule.type) ?? []), compiled]);
        }
    }
    const byType = new Map<string, readonly CompiledRule[]>();
    return {
        forType(type: string): readonly CompiledRule[] {
            let rules = byType.get(type);
            if (rules === undefined) {
                rules = [...prefixed.filter(({ prefix }) => type.startsWith(prefix)).map(({ compiled }) => compiled), ...(exact.get(type) ?? [])];
                byType.set(type, rules);
            }
            return rules;
        },
    };
}

/** Calls `visit` with each string the path reaches in `value`, and its concrete path (`rules/0/ruleName`). */
function walk(value: unknown, path: readonly string[], index: number, at: string, visit: (found: string, where: string) => void): void {
    if (index === path.length) {
        if (typeof value === "string") {
            visit(value, at);
        }
        return;
    }
    if (value === null || typeof value !== "object") {
        return;
    }
    const segment = path[index]!;
    const prefix = at === "" ? "" : `${at}/`;
    if (segment === "*") {
        const entries = Array.isArray(value) ? value.map((item, position) => [String(position), item] as const) : Object.entries(value);
        for (const [key, item] of entries) {
            walk(item, path, index + 1, `${prefix}${key}`, visit);
        }
    } else if (segment === "<key>") {
        if (!Array.isArray(value)) {
            for (const key of Object.keys(value)) {
                visit(key, `${prefix}${key} (key)`);
            }
        }
    } else if (!Array.isArray(value)) {
        walk((value as Record<string, unknown>)[segment], path, index + 1, `${prefix}${segment}`, visit);
    }
}

let compiled: CompiledCatalogue | undefined;
/** The checked-in catalogue, compiled on first use (the generator imports this module before one exists). */
function checkedIn(): CompiledCatalogue {
    compiled ??= compileCatalogue();
    return compiled;
}

/** Plan values that stand for something the plan cannot see: never judged. */
function unknowable(value: string): boolean {
    return value.includes("[unknown]") || value.includes("[secret]");
}

/** Every value of these resources that AWS would refuse. */
export function checkAwsRules(resources: readonly PlannedResource[], rules: CompiledCatalogue = checkedIn()): AwsRuleBreak[] {
    const breaks: AwsRuleBreak[] = [];
    for (const resource of resources) {
        for (const { rule, path, regex, allowed, words } of rules.forType(resource.type)) {
            walk(resource.inputs, path, 0, "", (value, property) => {
                if (unknowable(value)) {
                    return;
                }
                const fits =
                    (rule.min === undefined || value.length >= rule.min) &&
                    (rule.max === undefined || value.length <= rule.max) &&
                    (regex === undefined || regex.test(value)) &&
                    (allowed === undefined || allowed.has(value));
                if (!fits) {
                    breaks.push({ resource, property, value, rule: words, source: rule.source });
                }
            });
        }
    }
    return breaks;
}

/** The message of a break in a plan's `errors`: stack, resource, property, value, rule and source. */
export function awsRuleMessage(stack: string, item: AwsRuleBreak): string {
    return (
        // The value quoted as every message quotes one: at most 200 characters, invisible ones escaped.
        `${stack}: ${item.resource.type} "${item.resource.name}": ${item.property} ` +
        (item.secretLength === undefined ? `${quote(item.value)} (${item.value.length} characters) ` : `(a secret of ${item.secretLength} characters, not shown) `) +
        `breaks AWS's rule: ${item.rule} (source: ${item.source})`
    );
}
