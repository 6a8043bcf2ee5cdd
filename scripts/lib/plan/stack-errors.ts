// A planned stack's problems as errors of the file it comes from: a stack that cannot be planned,
// and the values AWS would refuse, positioned at the field of the tenant file they were built from.

import * as fs from "node:fs";
import * as path from "node:path";

import { parseTenantSource } from "../../../stacks/config/source";
import { Tenant, TenantDomain } from "../../../stacks/config/tenant";
import { repoRoot } from "../../../stacks/config/project";
import { Problem } from "../../../stacks/config/validate";
import { AwsRuleBreak, awsRuleMessage, checkAwsRules } from "./aws-rules";
import { PlanError, PlannedResource } from "./engine";

/** A tenant that cannot be planned is a problem of its file; anything else is a defect and thrown. */
export function planFailure(source: string, error: unknown): Problem {
    if (!(error instanceof PlanError)) {
        throw error;
    }
    return { file: source, line: 1, column: 1, path: "/", message: error.message };
}

/**
 * The field of the tenant file a refused value was built from, so that the error points where the
 * fix goes: the domain for a host name (`<label>.` or the own domain in it), the instance type, the
 * tenant id; `/` when none is (a platform stack's values, a constant of the program).
 */
export function awsRuleFieldPath(value: string, tenant?: Pick<Tenant, "id"> & { readonly domain?: TenantDomain; readonly compute?: { readonly instanceType: string } }): string {
    if (tenant === undefined) {
        return "/";
    }
    if (tenant.domain?.kind === "subdomain" && value.includes(`${tenant.domain.label}.`)) {
        return "/domain/subdomain";
    }
    if (tenant.domain?.kind === "own" && value.includes(tenant.domain.fqdn)) {
        return "/domain/own";
    }
    if (tenant.compute !== undefined && value === tenant.compute.instanceType) {
        return "/compute/instanceType";
    }
    return value.includes(tenant.id) ? "/tenant" : "/";
}

/**
 * The values of a planned stack that AWS would refuse (stacks/config/aws-catalogue.json), as errors
 * of the file that caused them, at the field they were built from ({@link awsRuleFieldPath}). The
 * stack stays in the document (its plan is what a reviewer needs to see the name); the errors make
 * the plan fail (exit 1).
 */
export function awsRuleErrors(
    stack: string,
    source: string,
    resources: readonly PlannedResource[],
    tenant?: Parameters<typeof awsRuleFieldPath>[1],
    secretBreaks: readonly AwsRuleBreak[] = [],
): Problem[] {
    return [...checkAwsRules(resources), ...secretBreaks].map((item) => {
        // A secret comes from the stack config, never from the file: the whole document.
        const pointer = item.secretLength === undefined ? awsRuleFieldPath(item.value, tenant) : "/";
        return { file: source, ...fieldPosition(source, pointer), path: pointer, message: awsRuleMessage(stack, item) };
    });
}

/**
 * Where a field stands in a tenant file (`source` as the plan records it: relative to the
 * repository root, or absolute), read again only when one of its values breaks a rule; 1:1 for
 * the whole document, a file that is not on disk (a test's fixture) or one that no longer parses.
 */
function fieldPosition(source: string, pointer: string): { line: number; column: number } {
    if (pointer === "/") {
        return { line: 1, column: 1 };
    }
    try {
        const bytes = fs.readFileSync(path.resolve(repoRoot(), source));
        return parseTenantSource(source, bytes).source?.locate(pointer) ?? { line: 1, column: 1 };
    } catch {
        return { line: 1, column: 1 };
    }
}
