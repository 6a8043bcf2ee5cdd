#!/usr/bin/env tsx
// npm run evidence -- TENANT [--plan FILE.json] [--out FILE.md] [--html] [--all]
// A tenant's security sheet: every promise of the catalogue (lib/promises/catalogue.ts) judged on
// the tenant's plan (planned on the spot, or a saved plan document) and the policy rules.

// First: before anything loads @pulumi/pulumi.
import "./lib/plan/defer-unused-modules";

import * as fs from "node:fs";
import * as path from "node:path";

import { parseDocument } from "yaml";

import { loadFleetDirectory, loadFleetFilesAgainstDirectory } from "../stacks/config/load-fleet";
import { claimCacheFile } from "../stacks/config/claims";
import { tenantConfigDir } from "../stacks/config/project";
import { suggestion } from "../stacks/config/suggest";
import { isMode } from "../lib/modes";
import { checkOutputPath, EXIT, fsReason, parseFlags, run, TENANT_ID, UsageError, writeOutputFile, writeStdout } from "./lib/cli";
import { planFleet } from "./lib/plan/fleet";
import { withViolations } from "./lib/plan/policy";
import { readPlanDocument, readPlanText } from "./policy";
import { buildSheet, hasUnmet, Sheet, SheetStack } from "./lib/evidence/sheet";
import { renderHtml, renderMarkdown } from "./lib/evidence/render";

export const USAGE = `Usage: npm run evidence -- TENANT [--plan FILE.json] [--out FILE.md] [--html]
       npm run evidence -- --all [--plan FILE.json] [--out FOLDER] [--html]

Writes a tenant's security sheet: each promise of the security documents that applies to its mode,
met or not met on its plan, the resources that implement it, the rule that checks it, and what the
infrastructure cannot show.

  TENANT           a tenant id (tenant-configs/TENANT.yaml, or a stack of the --plan document)
  --plan FILE.json a saved plan document (npm run plan -- --json); default: plan the tenant, its
                   region's platform and their recovery environments now, offline
  --out FILE       write the sheet to FILE instead of standard output; with --all, a folder
                   (default evidence/) that receives TENANT.md or TENANT.html per tenant
  --html           printable HTML (one page per section) instead of Markdown
  --all            one sheet per tenant (of tenant-configs/, or of the --plan document)
  -h, --help       show this help

Exit codes: 0 every promise met (or not applicable, or not shown), 1 a tenant file or the plan
document is invalid, 2 usage error, 3 a promise is not met, or a mandatory policy violation stands
on a stack the sheet reads that no promise line counts (listed in the sheet's last section).
`;

function log(message: string): void {
    process.stderr.write(`evidence: ${message}\n`);
}

/**
 * `LINE:COLUMN` of a JSON syntax error whose message gives no position (Node 20's parser names the
 * token, not always where): JSON is YAML, and the YAML parser places the same mistake.
 */
export function syntaxErrorPosition(text: string): string | undefined {
    const where = parseDocument(text).errors[0]?.linePos?.[0];
    return where === undefined ? undefined : `${where.line}:${where.col}`;
}

/** The saved plan's stacks, re-judged by today's rules (a saved plan's own violations are not trusted). */
function readSavedPlan(file: string): SheetStack[] | number {
    const text = readPlanText(file, `--plan ${file}: cannot be read`);
    const { document, problems } = readPlanDocument(text);
    if (!document) {
        process.stderr.write(problems.map((problem) => `${file}:${problem.path === "/" && problem.message.startsWith("not valid JSON") ? (syntaxErrorPosition(text) ?? "/") : problem.path}: ${problem.message}\n`).join(""));
        return EXIT.invalid;
    }
    return withViolations(document).tenants as SheetStack[];
}

/** Refuses a tenant id without a file in the tenant folder `dir`, with the nearest id there. */
export function checkTenantFile(id: string, dir: string): void {
    const known = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith(".yaml")).map((name) => name.slice(0, -".yaml".length)) : [];
    if (!known.includes(id)) {
        throw new UsageError(`unknown tenant "${id}": there is no ${path.relative(process.cwd(), path.join(dir, `${id}.yaml`)) || `${id}.yaml`}${suggestion(id, known)}`);
    }
}

/** Plans the named tenants (all of tenant-configs/ with `all`), their platforms and recoveries, judged by the rules. */
async function planNow(ids: readonly string[], all: boolean): Promise<SheetStack[] | number> {
    const dir = tenantConfigDir();
    if (!all) {
        ids.forEach((id) => checkTenantFile(id, dir));
    }
    const everything = loadFleetDirectory();
    let fleet = everything;
    if (!all) {
        fleet = loadFleetFilesAgainstDirectory(
            ids.map((id) => path.join(dir, `${id}.yaml`)),
            { claimCache: claimCacheFile() },
        );
    }
    if (fleet.problems.length > 0) {
        process.stderr.write(fleet.problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.path}: ${problem.message}\n`).join(""));
        return EXIT.invalid;
    }
    log(`planning ${fleet.tenants.length} tenant(s), their platform and recovery stacks offline...`);
    const planned = await planFleet({ tenants: fleet.tenants, platformRegions: [...new Set(fleet.tenants.map((tenant) => tenant.region))], fleet: everything.tenants });
    if (planned.errors.length > 0) {
        process.stderr.write(planned.errors.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.path}: ${problem.message}\n`).join(""));
        return EXIT.invalid;
    }
    return withViolations(planned).tenants as SheetStack[];
}

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        plan: { type: "string" },
        out: { type: "string" },
        html: { type: "boolean", default: false },
        all: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    const all = values.all === true;
    if (all && positionals.length > 0) {
        throw new UsageError(`--all writes a sheet for every tenant; drop "${positionals[0]!.slice(0, 80)}" or --all`);
    }
    if (!all && positionals.length !== 1) {
        throw new UsageError(positionals.length === 0 ? "name one TENANT (or --all)" : `one TENANT at a time (got ${positionals.length}); --all writes every tenant's`);
    }
    const id = positionals[0];
    if (id !== undefined && !TENANT_ID.test(id)) {
        throw new UsageError(`"${id.slice(0, 80)}" is not a tenant id (lower-case letters, digits and dashes, e.g. acme)`);
    }
    const folder = all ? (values.out ?? "evidence") : undefined;
    if (folder !== undefined) {
        try {
            fs.mkdirSync(folder, { recursive: true });
        } catch (error) {
            throw new UsageError(`--out ${folder}: the folder cannot be created: ${fsReason(error as NodeJS.ErrnoException)}`);
        }
        checkOutputPath("--out", path.join(folder, `x${values.html ? ".html" : ".md"}`));
    } else if (values.out !== undefined) {
        checkOutputPath("--out", values.out);
    }
    const stacks = values.plan !== undefined ? readSavedPlan(values.plan) : await planNow(id === undefined ? [] : [id], all);
    if (typeof stacks === "number") {
        return stacks;
    }
    const tenants = all ? stacks.filter((stack) => isMode(stack.mode) && stack.recoveryOf === undefined).map((stack) => stack.tenant) : [id!];
    const present = new Set(stacks.filter((stack) => stack.recoveryOf === undefined).map((stack) => stack.tenant));
    for (const tenant of tenants) {
        const stack = stacks.find((candidate) => candidate.tenant === tenant && candidate.recoveryOf === undefined);
        if (!present.has(tenant) || stack === undefined) {
            const names = [...present].filter((name) => !name.startsWith("platform-"));
            throw new UsageError(`${values.plan ?? "the plan"}: has no stack "${tenant}"${suggestion(tenant, names)} (its tenants: ${names.join(", ") || "none"})`);
        }
        if (!isMode(stack.mode)) {
            throw new UsageError(`"${tenant}" is a ${stack.mode} stack, not a tenant: its sheet is its tenants'`);
        }
        if (typeof stack.region !== "string" || stack.region === "") {
            // The sheet reads the platform of the tenant's region: without one, it cannot tell which.
            throw new UsageError(`${values.plan ?? "the plan"}: the stack "${tenant}" has no region, so its platform cannot be told`, EXIT.invalid);
        }
    }
    if (all && tenants.length === 0) {
        throw new UsageError(`${values.plan ?? "the plan"}: holds no tenant`);
    }
    const sheets: Sheet[] = tenants.map((tenant) => buildSheet(tenant, stacks));
    const render = values.html ? renderHtml : renderMarkdown;
    if (folder !== undefined) {
        for (const sheet of sheets) {
            writeOutputFile("--out", path.join(folder, `${sheet.tenant}${values.html ? ".html" : ".md"}`), render(sheet));
        }
    } else if (values.out !== undefined) {
        writeOutputFile("--out", values.out, render(sheets[0]!));
    } else {
        await writeStdout(render(sheets[0]!));
    }
    for (const sheet of sheets) {
        const unmet = sheet.lines.filter((line) => line.status === "not met");
        const unclaimed = sheet.unclaimed.length > 0 ? `; ${sheet.unclaimed.length} mandatory policy violation(s) no promise line counts (see the sheet's last section)` : "";
        log(
            `${sheet.tenant} (${sheet.mode}): ${unmet.length === 0 && unclaimed === "" ? "every promise met, not applicable or not shown" : `${unmet.length} promise(s) not met${unmet.length > 0 ? `: ${unmet.map((line) => line.promise.id).join(", ")}` : ""}${unclaimed}`}`,
        );
    }
    return sheets.some(hasUnmet) ? EXIT.policy : EXIT.ok;
}

if (require.main === module) {
    void run("evidence", main, USAGE);
}
