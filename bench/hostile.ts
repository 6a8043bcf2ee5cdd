// The hostile-file figure of `npm run bench` (--tasks hostile): the tenant-file contract promises
// that "validating a file takes well under a second whatever it contains". Each shape below is the
// worst of a kind that once cost more than linear time (the parser's duplicate-key search compared
// every key with every earlier one; placing each of thousands of problems searched its mapping),
// filled to the 64 KiB a tenant file may hold. Measured in this process, the fastest of 3 runs of
// each (the module loading not timed); the budget is printed met or MISSED, never a failing test.

import { validateTenantFile } from "../stacks/config/validate";

/** The most a tenant file may hold (stacks/config/source.ts refuses more before parsing). */
const FILE_LIMIT = 64 * 1024;

/** The contract's "well under a second", as a budget. */
export const HOSTILE_BUDGET_SECONDS = 1;

const HEAD = "tenant: acme\ncompany: ACME\nmode: saas\nregion: eu-west-1\n";

/** Three-letter names aaa, aab, ... (17,576 of them: more than 64 KiB holds). */
function names(): string[] {
    return Array.from({ length: 26 ** 3 }, (_, i) => [676, 26, 1].map((unit) => String.fromCharCode(97 + (Math.floor(i / unit) % 26))).join(""));
}

/** `opening`, then `entry` of each name while it fits, then `closing`: one file of at most 64 KiB. */
function filled(opening: string, entry: (name: string) => string, closing: string): string {
    let text = HEAD + opening;
    for (const name of names()) {
        const next = entry(name);
        if (Buffer.byteLength(text) + Buffer.byteLength(next) + Buffer.byteLength(closing) > FILE_LIMIT) {
            break;
        }
        text += next;
    }
    return text + closing;
}

/** The shapes measured, by name: each a whole tenant file of at most 64 KiB. */
export function hostileFiles(): { name: string; text: string }[] {
    return [
        { name: "unknown fields", text: filled("", (name) => `${name}: 1\n`, "") },
        { name: "a flow mapping's keys", text: filled("x: {", (name) => `${name}, `, "}\n") },
        { name: "a flow mapping's keys, each twice", text: filled("x: {", (name) => `${name}, ${name}, `, "}\n") },
        { name: "a nested mapping's keys, each twice", text: filled("network:\n", (name) => `  ${name}: 1\n  ${name}: 2\n`, "") },
        { name: "list items", text: filled("vpn:\n  corporateCidrs:\n", () => "    - 10.0.0.0/8\n", "") },
        { name: "aliases of one anchor", text: filled("a: &a [1, 2, 3, 4, 5, 6, 7, 8]\nb: [", () => "*a, ", "]\n") },
    ];
}

export interface HostileFigure {
    readonly name: string;
    readonly bytes: number;
    readonly seconds: number;
    readonly problems: number;
}

/** Each shape validated 3 times, the fastest kept; slowest shape first. */
export function measureHostile(): HostileFigure[] {
    return hostileFiles()
        .map(({ name, text }) => {
            const bytes = Buffer.from(text);
            let fastest = Number.POSITIVE_INFINITY;
            let problems = 0;
            for (let i = 0; i < 3; i += 1) {
                const start = process.hrtime.bigint();
                problems = validateTenantFile("acme.yaml", bytes).problems.length;
                fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
            }
            return { name, bytes: bytes.length, seconds: fastest, problems };
        })
        .sort((a, b) => b.seconds - a.seconds);
}

/** The lines the bench prints: each shape, and the budget met or not. */
export function hostileLines(figures: readonly HostileFigure[]): string[] {
    const slowest = figures[0];
    if (slowest === undefined) {
        return [];
    }
    return [
        ...figures.map((figure) => `hostile tenant file, ${figure.name} (${figure.bytes} bytes, ${figure.problems} problem(s)): ${figure.seconds.toFixed(3)} s`),
        `a hostile tenant file validated (the slowest shape): ${slowest.seconds.toFixed(2)} s (budget < ${HOSTILE_BUDGET_SECONDS} s) ${slowest.seconds < HOSTILE_BUDGET_SECONDS ? "met" : "MISSED"}`,
    ];
}
