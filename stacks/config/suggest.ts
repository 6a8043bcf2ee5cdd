// "Did you mean ...?": the closest of a list of allowed values to a mistyped one, by edit distance.

/** Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0]!;
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j]!;
            row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length]!;
}

/**
 * The candidate closest to `value` (case-insensitive), or undefined when even the closest is too far
 * to be a typo: more than 2 edits, or more than a quarter of the value's length when that is larger.
 * Ties go to the earlier candidate, so the order of `candidates` decides between equals.
 */
export function closest(value: string, candidates: Iterable<string>, maxDistance?: number): string | undefined {
    const lower = value.toLowerCase();
    const limit = maxDistance ?? Math.max(2, Math.floor(value.length / 4));
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        // Lengths that differ by more than the limit cannot be within it.
        if (Math.abs(candidate.length - lower.length) > limit) {
            continue;
        }
        const distance = editDistance(lower, candidate.toLowerCase());
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` for the closest candidate, or an empty string when none is close. */
export function suggestion(value: string, candidates: Iterable<string>): string {
    const best = closest(value, candidates);
    return best === undefined ? "" : ` (did you mean "${best}"?)`;
}
