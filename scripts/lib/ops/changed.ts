// Which stacks a pull request changes, from the offline plan's JSON document (`npm run plan --
// --all --base <ref> --json`, each stack with its `diff`): the CI previews exactly those against
// the real cloud.

/** The stack entries of the plan document, as far as this needs them (scripts/lib/plan/diff.ts). */
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

/** The names of the plan's stacks (tenants and `platform-<region>`) that need a preview, sorted. */
export function changedStacks(document: unknown): string[] {
    const stacks = (document as { tenants?: unknown } | null)?.tenants;
    if (!Array.isArray(stacks)) {
        throw new Error("not a plan document: expected a `tenants` array (npm run plan -- --all --base <ref> --json)");
    }
    return (stacks as PlannedStack[])
        .filter((entry) => typeof entry.tenant === "string" && needsPreview(entry.diff))
        .map((entry) => entry.tenant as string)
        .sort();
}
