// CI only: the targets whose yearly disaster-recovery drill falls in a month (the scheduled
// .github/workflows/dr-drill.yml), every dedicated tenant and platform region of tenant-configs/
// spread over the twelve months by a stable hash of its name (scripts/lib/dr/fleet-targets.ts).

import { EXIT, parseFlags, run, UsageError, writeStdout } from "../lib/cli";
import { drillMonth, drillTargets, fleetTargets } from "../lib/dr/fleet-targets";
import { loadFleetDirectory } from "../../stacks/config/load-fleet";
import { unreadableFolder } from "../../stacks/config/tenant-files";
import { formatProblem } from "../../stacks/config/validate";

export const USAGE = `Usage: tsx scripts/ci/drill-targets.ts [--month N] [--dir FOLDER] [--all]

Prints one line of JSON, {"month":N,"count":C,"targets":["platform-eu-west-1","acme",...]}: the targets
(dedicated tenants and platform-<region>, from the tenant files of FOLDER, default tenant-configs/)
whose yearly drill falls in month N (1-12; default the current month in UTC). --all prints every
target with its month instead: {"acme":3,...}.

Exit codes: 0 printed, 1 invalid tenant files, 2 usage or an unreadable folder.
`;

export async function main(argv: string[], now: Date = new Date()): Promise<number> {
    const { values, positionals } = parseFlags(argv, { month: { type: "string" }, dir: { type: "string" }, all: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 60)}"`);
    }
    const raw = values.month ?? String(now.getUTCMonth() + 1);
    if (!/^\d{1,2}$/.test(raw) || Number(raw) < 1 || Number(raw) > 12) {
        throw new UsageError(`--month ${raw.slice(0, 20)}: expected a whole number from 1 to 12`);
    }
    const fleet = loadFleetDirectory(values.dir);
    const unreadable = unreadableFolder(fleet.problems);
    if (unreadable !== undefined) {
        throw new UsageError(`${values.dir ?? "tenant-configs/"}: ${unreadable.message}`);
    }
    if (fleet.problems.length > 0) {
        throw new UsageError(`the tenant files are invalid:\n${fleet.problems.map(formatProblem).join("\n")}`, EXIT.invalid);
    }
    const targets = fleetTargets(fleet.tenants);
    if (values.all) {
        await writeStdout(`${JSON.stringify(Object.fromEntries(targets.map((target) => [target, drillMonth(target)])))}\n`);
        return EXIT.ok;
    }
    const month = Number(raw);
    const due = drillTargets(targets, month);
    await writeStdout(`${JSON.stringify({ month, count: due.length, targets: due })}\n`);
    return EXIT.ok;
}

if (require.main === module) {
    void run("drill-targets", (argv) => main(argv), USAGE);
}
