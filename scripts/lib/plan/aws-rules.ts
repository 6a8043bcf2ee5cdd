// Checks every planned resource against AWS's own rules (stacks/config/aws-catalogue.json, generated
// from AWS's service models by `npm run aws-catalogue`): a value AWS would refuse is a plan error,
// even where the provider's preview would let it through and `pulumi up` would fail.
// Pure: the plan's resources in, breaks out.

import catalogueJson from "../../../stacks/config/aws-catalogue.json";
import type { PlannedResource } from "./engine";

/** One rule of the catalogue: the constraint AWS puts on one property of one resource type. */
export interface AwsRule {
    readonly type: string;
    readonly property: string;
    readonly pattern?: string;
    readonly min?: number;
    readonly max?: number;
    readonly enum?: readonly string[];
    /** The catalogue's list holding the allowed values (`ec2InstanceTypes`). */
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
}

interface CompiledRule {
    readonly rule: AwsRule;
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

/** The catalogue's rules by resource type, compiled once. */
export function compileCatalogue(catalogue: AwsCatalogue = AWS_CATALOGUE): ReadonlyMap<string, readonly CompiledRule[]> {
    const byType = new Map<string, CompiledRule[]>();
    for (const rule of catalogue.rules ?? []) {
        const list = rule.enum ?? (rule.enumKey ? (catalogue[rule.enumKey] as readonly string[] | undefined) : undefined);
        const compiled: CompiledRule = {
            rule,
            regex: rule.pattern ? compileAwsPattern(rule.pattern) : undefined,
            allowed: list ? new Set(list) : undefined,
            words: describe(rule),
        };
        byType.set(rule.type, [...(byType.get(rule.type) ?? []), compiled]);
    }
    return byType;
}

let compiled: ReadonlyMap<string, readonly CompiledRule[]> | undefined;
/** The checked-in catalogue, compiled on first use (the generator imports this module before one exists). */
function checkedIn(): ReadonlyMap<string, readonly CompiledRule[]> {
    compiled ??= compileCatalogue();
    return compiled;
}

/** Plan values that stand for something the plan cannot see: never judged. */
function unknowable(value: string): boolean {
    return value.includes("[unknown]") || value.includes("[secret]");
}

/** Every value of these resources that AWS would refuse. */
export function checkAwsRules(resources: readonly PlannedResource[], rules: ReadonlyMap<string, readonly CompiledRule[]> = checkedIn()): AwsRuleBreak[] {
    const breaks: AwsRuleBreak[] = [];
    for (const resource of resources) {
        const typeRules = rules.get(resource.type);
        if (!typeRules) {
            continue;
        }
        for (const { rule, regex, allowed, words } of typeRules) {
            const value = resource.inputs[rule.property];
            if (typeof value !== "string" || unknowable(value)) {
                continue;
            }
            const fits =
                (rule.min === undefined || value.length >= rule.min) &&
                (rule.max === undefined || value.length <= rule.max) &&
                (regex === undefined || regex.test(value)) &&
                (allowed === undefined || allowed.has(value));
            if (!fits) {
                breaks.push({ resource, property: rule.property, value, rule: words, source: rule.source });
            }
        }
    }
    return breaks;
}

/** The message of a break in a plan's `errors`: stack, resource, property, value, rule and source. */
export function awsRuleMessage(stack: string, item: AwsRuleBreak): string {
    return (
        `${stack}: ${item.resource.type} "${item.resource.name}": ${item.property} "${item.value}" (${item.value.length} characters) ` +
        `breaks AWS's rule: ${item.rule} (source: ${item.source})`
    );
}
