// Wildcard patterns as AWS matches them in policies and selections: `*` is any run of characters
// (the empty one too); in IAM's patterns (not AWS Backup's) `?` is exactly one. Matched by scanning,
// not by compiling a regular expression: the policy rules match each stack's own bucket and vault
// ARNs, a new pattern for every stack of the fleet, and a compiled pattern would be used once.

export interface WildcardOptions {
    /** Whether `?` stands for exactly one character (IAM) rather than for itself (AWS Backup). */
    readonly questionMark?: boolean;
}

/** Whether the whole of `text` matches `pattern` (compared by UTF-16 code unit, case-sensitive). */
export function wildcardMatches(pattern: string, text: string, options: WildcardOptions = {}): boolean {
    const anyOne = options.questionMark === true;
    let p = 0;
    let t = 0;
    // The last `*` seen, and where in the text its run now ends: on a mismatch the run grows by one.
    let star = -1;
    let resume = 0;
    while (t < text.length) {
        const wanted = p < pattern.length ? pattern.charCodeAt(p) : -1;
        if (wanted === STAR) {
            star = p++;
            resume = t;
        } else if (wanted !== -1 && (wanted === text.charCodeAt(t) || (anyOne && wanted === QUESTION))) {
            p++;
            t++;
        } else if (star !== -1) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.length && pattern.charCodeAt(p) === STAR) {
        p++;
    }
    return p === pattern.length;
}

const STAR = 0x2a;
const QUESTION = 0x3f;
