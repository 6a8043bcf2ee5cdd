#!/usr/bin/env tsx
// npm run validate [-- [--json] [FILE ...]]: checks tenant files together and prints every problem
// as FILE:LINE:COLUMN: FIELD_PATH: message. Exit 0 when all are valid, 1 when any is not, 2 on misuse.

import { loadPlatformFleet } from "../stacks/config/platform-file";
import { formatProblem, loadFleet, sortProblems } from "../stacks/config/validate";
import { EXIT, parseFlags, run, writeStdout } from "./lib/cli";

export const USAGE = `Usage: npm run validate -- [--json] [FILE ...]

Checks the tenant files in tenant-configs/ (or only the FILEs given) together: the schema
(tenant-configs/tenant.schema.json), network arithmetic, uniqueness across tenants, and that each
tenant's region has platform settings. Without FILEs, also the platform settings files in
platform-configs/ (platform-configs/platform.schema.json, one homeRegion and baseDomain).

  --json     print one JSON document { version, files, errors } on stdout
  -h, --help show this help

Exit codes: 0 all valid, 1 a file is invalid, 2 usage error.
`;

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    const tenantFleet = loadFleet(positionals.length > 0 ? { files: positionals } : {});
    // The whole repository: its platform settings files too (a named tenant file is checked alone).
    const platforms = positionals.length > 0 ? undefined : loadPlatformFleet();
    const fleet = { ...tenantFleet, problems: sortProblems([...(platforms?.problems ?? []), ...tenantFleet.problems]) };
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
