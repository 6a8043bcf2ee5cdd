#!/usr/bin/env tsx
// npm run validate [-- [--json] [--isolated] [TENANT | FILE ...]]: checks tenant files together and prints every problem
// as FILE:LINE:COLUMN: FIELD_PATH: message. Exit 0 when all are valid, 1 when any is not, 2 on misuse.

// First: before anything loads @pulumi/pulumi.
import "./lib/plan/defer-unused-modules";

import * as path from "node:path";

import { loadPlatformFleet } from "../stacks/config/platform-file";

import { claimCacheFile } from "../stacks/config/claims";
import { loadFleetDirectory, loadFleetFiles, loadFleetFilesAgainstDirectory } from "../stacks/config/load-fleet";
import { tenantConfigDir } from "../stacks/config/project";
import { formatProblem, sortProblems } from "../stacks/config/validate";
import { EXIT, parseFlags, parseStackTarget, run, UsageError, writeStdout } from "./lib/cli";
import { BaseRefError, checkDeletedTenants } from "./lib/lifecycle";

export const USAGE = `Usage: npm run validate -- [--json] [--base REF] [--isolated] [TENANT | FILE ...]

Checks the tenant files in tenant-configs/ (or only the tenants and FILEs given, against the
others in tenant-configs/) together: the schema (tenant-configs/tenant.schema.json), network
arithmetic, uniqueness across tenants, and that each tenant's region has platform settings.
Without arguments, also the platform settings files in platform-configs/
(platform-configs/platform.schema.json, one homeRegion and baseDomain).

  TENANT     a tenant id (tenant-configs/TENANT.yaml), as plan takes it
  FILE       a tenant file anywhere on disk
  --isolated with TENANT or FILE: check them only against each other, not against the other
             tenants in tenant-configs/ (as plan --isolated)
  --json     print one JSON document { version, files, errors } on stdout
  --base REF also refuse a tenant file that REF has and the folder no longer has, unless REF's
             file already said status: offboarding (a tenant leaves through its file first)
  -h, --help show this help

Exit codes: 0 all valid, 1 a file is invalid, 2 usage error.
`;

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        json: { type: "boolean", default: false },
        base: { type: "string" },
        isolated: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    const files = positionals.map((arg) => {
        const target = parseStackTarget(arg);
        switch (target.kind) {
            case "file":
                return target.file;
            case "tenant":
                return path.join(tenantConfigDir(), `${target.id}.yaml`);
            case "platform":
                throw new UsageError(`${arg} is a platform stack: validate checks tenant files (the platform is checked by npm run plan -- ${arg})`);
            default: {
                const never: never = target;
                return never;
            }
        }
    });
    if (values.isolated && files.length === 0) {
        throw new UsageError("--isolated applies to TENANT and FILE arguments only");
    }
    // Named files must fit the fleet they join (uniqueness, overlaps), as plan checks them.
    const loaded = files.length === 0 ? loadFleetDirectory() : values.isolated ? loadFleetFiles(files) : loadFleetFilesAgainstDirectory(files, { claimCache: claimCacheFile() });
    let fleet = loaded;
    if (values.base !== undefined) {
        if (!/^[^\s-][^\s]*$/.test(values.base)) {
            throw new UsageError(`--base expects a git ref (a branch, tag or commit), got "${values.base.slice(0, 80)}"`);
        }
        try {
            fleet = { ...loaded, problems: sortProblems([...loaded.problems, ...checkDeletedTenants(values.base)]) };
        } catch (error) {
            if (error instanceof BaseRefError) {
                throw new UsageError(error.message);
            }
            throw error;
        }
    }
    // The whole repository: its platform settings files too (named tenant files are checked alone).
    const platforms = positionals.length > 0 ? undefined : loadPlatformFleet();
    if (platforms) {
        fleet = { ...fleet, problems: sortProblems([...platforms.problems, ...fleet.problems]) };
    }
    const checked = [...(platforms?.files.map((file) => file.file) ?? []), ...fleet.files.map((file) => file.file)];
    if (values.json) {
        await writeStdout(`${JSON.stringify({ version: 1, files: checked, errors: fleet.problems }, null, 2)}\n`);
    } else {
        for (const problem of fleet.problems) {
            process.stdout.write(`${formatProblem(problem)}\n`);
        }
        const bad = new Set(fleet.problems.map((problem) => problem.file)).size;
        process.stderr.write(
            fleet.problems.length === 0
                ? `${checked.length} ${platforms ? "tenant and platform" : "tenant"} file(s) valid\n`
                : `${fleet.problems.length} problem(s) in ${bad} file(s); ${checked.length} ${platforms ? "tenant and platform" : "tenant"} file(s) checked\n`,
        );
    }
    return fleet.problems.length === 0 ? EXIT.ok : EXIT.invalid;
}

if (require.main === module) {
    void run("validate", main, USAGE);
}
