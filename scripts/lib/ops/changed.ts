// Which stacks a pull request changes, from the offline plan's JSON document (`npm run plan --
// --all --base <ref> --json`, each stack with its `diff`): the CI previews exactly those against
// the real cloud.

/** The stack entries of the plan document, as far as this needs them (scripts/lib/plan/diff/model.ts). */
interface PlannedStack {
    readonly tenant?: unknown;
    readonly diff?: { readonly status?: unknown };
}

/**
 * Whether a stack needs a real preview: `new` and `changed` do, `unchanged` does not, and neither
 * does `removed` (its tenant file is gone, so its program cannot run; its destroy is a deliberate,
 * separate step). A missing or unknown status counts as a change: a stack we cannot prove unchanged is
 * previewed, never silently skipped.
 */
export function needsPreview(diff: PlannedStack["diff"]): boolean {
    return diff?.status !== "unchanged" && diff?.status !== "removed";
}

/**
 * Collects the stacks that need a preview, one plan entry at a time, and refuses a stack the
 * document names twice: the plan writes each stack once, so a second entry means a document
 * edited or joined by hand, and previewing it twice (two matrix jobs on one stack) would hide that.
 */
export class ChangedStacks {
    private readonly seen = new Map<string, number>();
    private readonly names: string[] = [];

    /** Reads the plan's entry at `index` (0-based); throws on a stack already read. */
    add(entry: PlannedStack, index: number): void {
        if (typeof entry.tenant !== "string") {
            return;
        }
        const first = this.seen.get(entry.tenant);
        if (first !== undefined) {
            throw new Error(`the stack ${JSON.stringify(entry.tenant.slice(0, 80))} is listed twice (tenants[${first}] and tenants[${index}]): a plan lists each stack once`);
        }
        this.seen.set(entry.tenant, index);
        if (needsPreview(entry.diff)) {
            this.names.push(entry.tenant);
        }
    }

    /** The stacks read so far that need a preview, sorted. */
    sorted(): string[] {
        return [...this.names].sort();
    }
}

/** The names of the plan's stacks (tenants and `platform-<region>`) that need a preview, sorted; a stack listed twice is refused. */
export function changedStacks(document: unknown): string[] {
    const stacks = (document as { tenants?: unknown } | null)?.tenants;
    if (!Array.isArray(stacks)) {
        throw new Error("not a plan document: expected a `tenants` array (npm run plan -- --all --base <ref> --json)");
    }
    const changed = new ChangedStacks();
    (stacks as PlannedStack[]).forEach((entry, index) => changed.add(entry ?? {}, index));
    return changed.sorted();
}

/** GitHub's limit on the jobs one matrix may generate (docs.github.com, "Using a matrix for your jobs"). */
export const GITHUB_MATRIX_LIMIT = 256;

/**
 * Splits the stacks into at most `maxJobs` batches of nearly equal size (consecutive in the given
 * order, sizes differing by at most one), so a change to a shared component that touches every
 * stack still fits one matrix: 1,000 changed stacks in 20 jobs are 20 batches of 50. No stacks,
 * no batches. `maxJobs` must be a whole number from 1 to GitHub's 256.
 */
export function batchStacks(stacks: readonly string[], maxJobs: number): string[][] {
    if (!Number.isInteger(maxJobs) || maxJobs < 1 || maxJobs > GITHUB_MATRIX_LIMIT) {
        throw new Error(`maxJobs ${maxJobs}: expected a whole number from 1 to ${GITHUB_MATRIX_LIMIT} (GitHub's matrix limit)`);
    }
    const jobs = Math.min(stacks.length, maxJobs);
    const batches: string[][] = [];
    let start = 0;
    for (let job = 0; job < jobs; job++) {
        // The first (length % jobs) batches take one stack more.
        const size = Math.floor(stacks.length / jobs) + (job < stacks.length % jobs ? 1 : 0);
        batches.push(stacks.slice(start, start + size));
        start += size;
    }
    return batches;
}
