// CI only (the preview job of .github/workflows/infra.yml, through scripts/ci/preview-stacks.sh): the
// region of each stack to preview, resolved as `npm run preview` resolves it (scripts/lib/ops/stack-regions.ts):
// a recovery environment or drill copy runs in its production's off-site region, not in a region
// its name spells.

import { EXIT, parseFlags, run, UsageError, writeStdout } from "../lib/cli";
import { stackRegion } from "../lib/ops/stack-regions";

export const USAGE = `Usage: tsx scripts/ci/stack-regions.ts STACK ...

Prints "STACK REGION", a line per stack whose region is known: a platform stack's (platform-<region>)
from its name, a tenant's from tenant-configs/<tenant>.yaml (validated against the folder), a recovery
environment's or drill copy's (<tenant>-recovery, platform-<region>-recovery, <tenant>-drill) from its
production's off-site region. For each other stack, a line on stderr saying why.

Exit codes: 0 every region known, 1 one is not (the others are still printed), 2 usage.
`;

export async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, { help: { type: "boolean", short: "h" } });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (positionals.length === 0) {
        throw new UsageError("name at least one stack");
    }
    const lines: string[] = [];
    let unknown = 0;
    for (const stack of new Set(positionals)) {
        const resolved = stackRegion(stack);
        if (resolved.ok) {
            lines.push(`${stack} ${resolved.region}\n`);
        } else {
            unknown += 1;
            process.stderr.write(`stack-regions: ${stack}: ${resolved.message}${resolved.problems}\n`);
        }
    }
    await writeStdout(lines.join(""));
    return unknown === 0 ? EXIT.ok : EXIT.invalid;
}

if (require.main === module) {
    void run("stack-regions", (argv) => main(argv), USAGE);
}
