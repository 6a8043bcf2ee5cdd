// The rules across tenant files: ids and domains unique, networks apart. Each problem is reported
// in both files, each naming the other's position. The files may be claiming files only (a
// folder's other files, read for their claims, claims.ts).

import { ClaimingFile } from "./claims";
import { formatCidr, overlaps, parseCidr } from "../../lib/ipv4";
import { quoteClipped } from "../../lib/quote-visibly";
import { looksLikeSecret } from "../../lib/secrets";
import { pointerSegments, Problem } from "./source";

/** Problems that involve two files (uniqueness and overlaps), reported in both, each naming the other. */
export function crossTenantProblems(files: readonly ClaimingFile[], reported: (file: ClaimingFile) => boolean = () => true): Problem[] {
    interface Claim {
        readonly file: ClaimingFile;
        readonly pointer: string;
        readonly value: string;
        /** The value as the file spells it (`value` may be normalised). */
        readonly text: string;
    }
    const claims = (pointer: string, normalise: (value: string) => string = (v) => v): Claim[] =>
        files.flatMap((file) => {
            let node: unknown = file.source?.data;
            for (const segment of pointerSegments(pointer)) {
                node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
            }
            return typeof node === "string" ? [{ file, pointer, value: normalise(node), text: node }] : [];
        });
    const where = (claim: Claim): string => {
        const { line, column } = claim.file.source!.locate(claim.pointer);
        return `${claim.file.file}:${line}:${column}`;
    };
    const problem = (claim: Claim, message: string): Problem => {
        const { line, column } = claim.file.source!.locate(claim.pointer);
        return { file: claim.file.file, line, column, path: claim.pointer, message };
    };
    const problems: Problem[] = [];
    const unique = (pointer: string, what: string, normalise?: (value: string) => string): void => {
        const byValue = new Map<string, Claim[]>();
        for (const claim of claims(pointer, normalise)) {
            byValue.set(claim.value, [...(byValue.get(claim.value) ?? []), claim]);
        }
        for (const [value, group] of byValue) {
            if (group.length < 2) {
                continue;
            }
            // Quoted as every message quotes a value (the files' own messages too, when the value is
            // also invalid): clipped, visibly, and not at all when a file spells it like a secret
            // (lower-cased, a secret may no longer look like one).
            const shown = group.some((claim) => looksLikeSecret(claim.text)) ? "(a value that looks like a secret, not shown)" : quoteClipped(value);
            for (const claim of group) {
                const others = group.filter((other) => other !== claim).map(where).join(", ");
                problems.push(problem(claim, `${what} ${shown} is also used by ${others}; each tenant needs its own`));
            }
        }
    };
    unique("/tenant", "tenant id");
    unique("/domain/subdomain", "subdomain", (value) => value.toLowerCase());
    unique("/domain/own", "domain", (value) => value.toLowerCase());

    const networks = claims("/network/cidr")
        .map((claim) => ({ claim, cidr: parseCidr(claim.value) }))
        .filter((entry): entry is { claim: Claim; cidr: NonNullable<typeof entry.cidr> } => entry.cidr !== undefined);
    for (let i = 0; i < networks.length; i++) {
        for (let j = i + 1; j < networks.length; j++) {
            const a = networks[i]!;
            const b = networks[j]!;
            if (a.claim.file === b.claim.file || !(reported(a.claim.file) || reported(b.claim.file)) || !overlaps(a.cidr, b.cidr)) {
                continue;
            }
            const tenantOf = (claim: Claim): string => String((claim.file.source?.data as { tenant?: unknown })?.tenant ?? "?");
            problems.push(
                problem(a.claim, `network ${formatCidr(a.cidr)} overlaps ${formatCidr(b.cidr)} of tenant ${tenantOf(b.claim)} (${where(b.claim)}); tenant networks must not overlap, every admin tier is routed to the operations network`),
                problem(b.claim, `network ${formatCidr(b.cidr)} overlaps ${formatCidr(a.cidr)} of tenant ${tenantOf(a.claim)} (${where(a.claim)}); tenant networks must not overlap, every admin tier is routed to the operations network`),
            );
        }
    }
    return problems;
}
