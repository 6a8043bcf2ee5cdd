#!/usr/bin/env tsx
// npm run plan [-- TENANT|FILE|platform ... | --all] [--json] [--config KEY=VALUE ...] [--isolated]
// The offline plan: the real program of each requested stack, evaluated in-process under Pulumi's
// runtime mocks. No cloud credentials, no Pulumi CLI.

import * as path from "node:path";

import { loadFleet, Problem, sortProblems, TENANT_CONFIG_DIR } from "../stacks/config/validate";
import { Tenant } from "../stacks/config/tenant";
import { EXIT, parseFlags, run, UsageError, writeStdout } from "./lib/cli";
import { canonicalJson } from "./lib/plan/engine";
import { PlanDocument, planFleet, PLAN_VERSION } from "./lib/plan/fleet";
import { planExitCode, withViolations } from "./lib/plan/policy";
import { renderSummary } from "./lib/plan/summary";

export const USAGE = `Usage: npm run plan -- [TENANT | FILE.yaml | platform ...] [--all] [--json] [--config KEY=VALUE ...] [--isolated]

Plans the resource graph each stack would deploy, offline (no credentials, no Pulumi CLI).

  TENANT             a tenant id (tenant-configs/TENANT.yaml)
  FILE.yaml          a tenant file anywhere on disk
  platform           the shared platform stack of every region in use
  --all              every tenant in tenant-configs/ plus the platform stacks (the default)
  --json             print exactly one JSON document on stdout (the plan contract); logs go to stderr
  --config KEY=VALUE plan with this stack config (repeatable), e.g. directoryLinkVerified=true
  --isolated         with FILE.yaml: do not check it against the tenants in tenant-configs/
  -h, --help         show this help

Exit codes: 0 planned, 1 a tenant file is invalid (the others are still planned), 2 usage error,
3 a mandatory policy is violated.
`;

export interface PlanRequest {
    readonly all: boolean;
    readonly platform: boolean;
    readonly ids: string[];
    readonly files: string[];
    readonly config: Record<string, string>;
    readonly isolated: boolean;
    readonly json: boolean;
}

export function parseRequest(argv: string[]): PlanRequest | "help" {
    const { values, positionals } = parseFlags(argv, {
        all: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        isolated: { type: "boolean", default: false },
        config: { type: "string", multiple: true, default: [] },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        return "help";
    }
    const config: Record<string, string> = {};
    for (const pair of values.config ?? []) {
        const match = /^([A-Za-z][\w.-]*(?::[A-Za-z][\w.-]*)?)=(.*)$/s.exec(pair);
        if (!match) {
            throw new UsageError(`--config expects KEY=VALUE, got "${pair.slice(0, 80)}"`);
        }
        config[match[1]!] = match[2]!;
    }
    const targets = positionals.filter((arg) => arg !== "platform");
    const files = targets.filter((arg) => arg.endsWith(".yaml") || arg.includes("/") || arg.includes(path.sep));
    const ids = targets.filter((arg) => !files.includes(arg));
    for (const id of ids) {
        if (!/^[a-z][a-z0-9-]{1,28}[a-z0-9]$/.test(id)) {
            throw new UsageError(`"${id.slice(0, 80)}" is neither a tenant id nor a .yaml file`);
        }
    }
    const platform = positionals.includes("platform");
    const all = values.all === true || positionals.length === 0;
    if (values.isolated && files.length === 0) {
        throw new UsageError("--isolated applies to FILE.yaml arguments only");
    }
    return { all, platform, ids, files, config, isolated: values.isolated === true, json: values.json === true };
}

/** Validates what the request names; returns the valid tenants and every problem found. */
export function selectTenants(request: PlanRequest): { tenants: Tenant[]; problems: Problem[]; regions: string[] } {
    const problems: Problem[] = [];
    const tenants: Tenant[] = [];
    const everything = loadFleet();
    if (request.all) {
        problems.push(...everything.problems);
        tenants.push(...everything.tenants);
    }
    const named = [...request.ids.map((id) => path.join(TENANT_CONFIG_DIR, `${id}.yaml`))];
    if (named.length > 0) {
        const fleet = loadFleet({ files: named, withDirectory: true });
        problems.push(...fleet.problems);
        tenants.push(...fleet.tenants);
    }
    if (request.files.length > 0) {
        const fleet = loadFleet({ files: request.files, withDirectory: !request.isolated });
        problems.push(...fleet.problems);
        tenants.push(...fleet.tenants);
    }
    const unique = [...new Map(tenants.map((tenant) => [tenant.source, tenant])).values()];
    const uniqueProblems = [...new Map(problems.map((problem) => [JSON.stringify(problem), problem])).values()];
    // `platform` (and --all) shows the platform of every region in use by the whole fleet.
    const regions = request.all || request.platform ? [...new Set(everything.tenants.map((tenant) => tenant.region))] : [];
    return { tenants: unique, problems: sortProblems(uniqueProblems), regions };
}

export async function main(argv: string[]): Promise<number> {
    const request = parseRequest(argv);
    if (request === "help") {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    const { tenants, problems, regions } = selectTenants(request);
    if (!request.json) {
        process.stderr.write(`planning ${tenants.length} tenant(s) and the platform of ${[...new Set([...regions, ...tenants.map((t) => t.region)])].length} region(s) offline...\n`);
    }
    const planned = await planFleet({ tenants, platformRegions: regions, config: request.config });
    const document: PlanDocument = withViolations({ ...planned, version: PLAN_VERSION as typeof PLAN_VERSION, errors: sortProblems([...problems, ...planned.errors]) });
    if (request.json) {
        await writeStdout(`${canonicalJson(document)}\n`);
    } else {
        await writeStdout(renderSummary(document));
    }
    return planExitCode(document);
}

if (require.main === module) {
    void run("plan", main, USAGE);
}
