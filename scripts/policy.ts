#!/usr/bin/env tsx
// npm run policy -- --plan FILE.json [--json]
// Runs the policy rules on a saved plan document (the plan contract), e.g. one produced elsewhere
// or edited by hand. Same output and exit codes as `npm run plan`.

import * as fs from "node:fs";

import Ajv2020, { ValidateFunction } from "ajv/dist/2020";

import { Violation } from "../policy/rules";
import { EXIT, fsReason, parseFlags, run, UsageError, writeStdout } from "./lib/cli";
import { canonicalJson } from "./lib/plan/engine";
import { PlannedStack } from "../policy/rules/from-plan";
import { planExitCode, withViolations } from "./lib/plan/policy";
import planSchema from "./lib/plan/plan.schema.json";

export const USAGE = `Usage: npm run policy -- --plan FILE.json [--json]

Checks a saved plan document (what \`npm run plan -- --json\` prints) against the policy rules.

  --plan FILE.json  the plan document to check (- for standard input)
  --json            print the document with each stack's violations, as one JSON document
  -h, --help        show this help

Exit codes: 0 no mandatory violation, 1 the document is not a valid plan, 2 usage error,
3 a mandatory policy is violated.
`;

/** Larger documents are not plans of this fleet (a thousand tenants plan to well under this). */
export const MAX_PLAN_BYTES = 512 * 1024 * 1024;

/**
 * A saved plan's text (`-`: standard input), refused over MAX_PLAN_BYTES; an unreadable file is a
 * usage error starting with `cannotRead` and saying why.
 */
export function readPlanText(file: string, cannotRead: string): string {
    try {
        if (file !== "-" && fs.statSync(file).size > MAX_PLAN_BYTES) {
            throw new UsageError(`${file}: larger than ${MAX_PLAN_BYTES / 1024 / 1024} MiB; not a plan document`, EXIT.invalid);
        }
        return fs.readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (error) {
        if (error instanceof UsageError) {
            throw error;
        }
        throw new UsageError(`${cannotRead}: ${fsReason(error as NodeJS.ErrnoException)}`);
    }
}

export interface PlanFileProblem {
    readonly path: string;
    readonly message: string;
}

let planValidator: ValidateFunction | undefined;

/** The plan contract's validator, compiled on first use (not as the module loads) and kept. */
function validatePlan(): ValidateFunction {
    return (planValidator ??= new Ajv2020({ allErrors: true, strict: true }).compile(planSchema));
}

/** Line and column of a character offset, for JSON syntax errors. */
function position(text: string, offset: number): { line: number; column: number } {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return { line, column: offset - before.lastIndexOf("\n") };
}

/** Parses and checks a plan document; problems name where (JSON pointer, or line:column) and what. */
export function readPlanDocument(text: string): { document?: { tenants: PlannedStack[]; errors?: unknown[] }; problems: PlanFileProblem[] } {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        const message = (error as Error).message;
        const offset = /position (\d+)/.exec(message)?.[1];
        const where = offset !== undefined ? position(text, Number(offset)) : undefined;
        // The parser quotes the text it choked on: keep only printable characters of it.
        const printable = message.replace(/[^\x20-\x7e]/g, "?").replace(/^Unexpected/, "unexpected").slice(0, 200);
        return { problems: [{ path: where ? `${where.line}:${where.column}` : "/", message: `not valid JSON: ${printable}` }] };
    }
    const validate = validatePlan();
    if (!validate(parsed)) {
        const problems = (validate.errors ?? []).map((error) => ({
            path: error.instancePath || "/",
            message: error.keyword === "const" && error.instancePath === "/version" ? "unsupported plan version; expected 1" : (error.message ?? "invalid"),
        }));
        return { problems: [...new Map(problems.map((problem) => [`${problem.path} ${problem.message}`, problem])).values()].slice(0, 50) };
    }
    const document = parsed as { tenants: PlannedStack[] };
    // Fields the contract always has; a hand-edited plan may leave them out.
    const tenants = document.tenants.map((plan) => ({
        ...plan,
        resources: plan.resources.map((resource) => ({ ...resource, parent: resource.parent ?? null, protect: resource.protect ?? false, retainOnDelete: resource.retainOnDelete ?? false })),
    }));
    return { document: { ...document, tenants }, problems: [] };
}

export function renderViolations(tenants: readonly { tenant: string; mode: string; violations: readonly Violation[] }[]): string {
    const lines: string[] = [];
    for (const plan of tenants) {
        lines.push(`${plan.tenant} (${plan.mode}): ${plan.violations.length === 0 ? "no violation" : `${plan.violations.length} violation(s)`}`);
        for (const violation of plan.violations) {
            lines.push(`  [${violation.enforcement}] ${violation.policy} on ${violation.resource}: ${violation.message}`);
        }
    }
    const all = tenants.flatMap((plan) => plan.violations);
    const mandatory = all.filter((violation) => violation.enforcement === "mandatory").length;
    lines.push(`${tenants.length} stack(s) checked; ${mandatory} mandatory and ${all.length - mandatory} advisory policy violation(s)`);
    return `${lines.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        plan: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 80)}"; give the plan with --plan FILE.json`);
    }
    const file = values.plan;
    if (file === undefined) {
        throw new UsageError("--plan FILE.json is required");
    }
    const text = readPlanText(file, `cannot read ${file}`);
    const { document, problems } = readPlanDocument(text);
    if (!document) {
        process.stderr.write(problems.map((problem) => `${file}:${problem.path}: ${problem.message}\n`).join(""));
        return EXIT.invalid;
    }
    const checked = withViolations(document);
    await writeStdout(values.json ? `${canonicalJson(checked)}\n` : renderViolations(checked.tenants));
    return planExitCode({ errors: [], tenants: checked.tenants });
}

if (require.main === module) {
    void run("policy", main, USAGE);
}
