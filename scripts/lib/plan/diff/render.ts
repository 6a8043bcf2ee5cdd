// The diff for people: a change, a blast-radius group, a stack's diff and its rolling replacement as
// text. A secret never shows.

import { SECRET_PLACEHOLDER } from "../../../../lib/plan-document";
import { BlastGroup } from "./blast-radius";
import { byTypeThenName, PropertyChange, ResourceChange, ResourceRef, ServerReplacement, StackDiff, StackDiffEntry } from "./model";

/** A value for people: JSON on one line, cut at `max` characters; a secret never shows. */
export function showValue(value: unknown, max = 120): string {
    if (value === SECRET_PLACEHOLDER) {
        return "(secret)";
    }
    const text = JSON.stringify(value) ?? String(value);
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * One property change for people: `/path: 1 → 2`, `/path: (secret) changed`, `/path: added "x"`;
 * ` (forces replacement)` after a force-new one, and a reference to a replaced resource as
 * `/path: "[unknown]" (TYPE NAME is replaced)`.
 */
export function describeChange(change: Omit<PropertyChange, "replacedReference"> & { readonly replacedReference?: ResourceRef }, max = 120): string {
    const had = "before" in change;
    const has = "after" in change;
    const forces = change.replaces ? " (forces replacement)" : "";
    if (change.replacedReference) {
        const what = `${change.replacedReference.type} ${change.replacedReference.name}`;
        return `${change.path}: ${change.secret ? "(secret)" : showValue(change.after, max)} (${what} is replaced)${forces}`;
    }
    if (change.secret) {
        return `${change.path}: (secret) ${had && has ? "changed" : has ? "added" : "removed"}${forces}`;
    }
    if (!had) {
        return `${change.path}: added ${showValue(change.after, max)}${forces}`;
    }
    if (!has) {
        return `${change.path}: removed (was ${showValue(change.before, max)})${forces}`;
    }
    return `${change.path}: ${showValue(change.before, max)} → ${showValue(change.after, max)}${forces}`;
}

/** A blast-radius group for people: `14 tenants (cloud 6, vpn 8): TYPE /path 1 → 2`. */
export function describeGroup(group: BlastGroup, max = 120): string {
    const modes = Object.entries(group.modes)
        .map(([mode, count]) => `${mode} ${count}`)
        .join(", ");
    const who = `${group.tenants.length} stack${group.tenants.length === 1 ? "" : "s"} (${modes})`;
    const what =
        group.kind === "changed"
            ? `${group.type} ${describeChange(
                  {
                      path: group.path ?? "",
                      ...("before" in group ? { before: group.before } : {}),
                      ...("after" in group ? { after: group.after } : {}),
                      ...(group.secret ? { secret: true as const } : {}),
                      ...(group.replaces ? { replaces: true as const } : {}),
                      ...(group.replacedReference ? { replacedReference: group.replacedReference } : {}),
                  },
                  max,
              )}`
            : `${group.kind} ${group.type} ${group.name ?? ""}`;
    const spread = group.resources > group.tenants.length ? ` (${group.resources} resources)` : "";
    return `${who}: ${what}${spread}`;
}

/** Counts for a summary: `+added ~changed -removed` resources, and how many of the changed are replaced. */
export function diffCounts(diff: StackDiff): { added: number; changed: number; removed: number; replaced: number } {
    return { added: diff.added.length, changed: diff.changed.length, removed: diff.removed.length, replaced: diff.changed.filter((change) => change.replace).length };
}

/** Replaced first (those that hold data first of all), then the rest, each in type-then-name order. */
export function replacementsFirst(changed: readonly ResourceChange[]): ResourceChange[] {
    const rank = (change: ResourceChange): number => (change.replace ? (change.holdsData ? 0 : 1) : 2);
    return [...changed].sort((a, b) => rank(a) - rank(b) || byTypeThenName(a, b));
}

/** The heading of a changed resource: `-/+ TYPE NAME (replaced)` or `~ TYPE NAME`. */
export function describeResourceChange(change: ResourceChange): string {
    if (!change.replace) {
        return `~ ${change.type} ${change.name}`;
    }
    const why = change.replaceUnknown ? "may be replaced: its type is not in the force-new table (scripts/lib/plan/replacements.ts)" : "replaced";
    return `-/+ ${change.type} ${change.name} (${why})`;
}

/** The warning for a replacement that destroys data or breaks something outside the repository. */
export function replacementWarning(tenant: string, change: ResourceChange): string | undefined {
    return change.replace && change.atStake ? `${tenant}: ${change.holdsData ? "DATA LOSS: " : ""}${change.atStake}` : undefined;
}

/** The rolling replacement for people: a title, then one line per server, in order (`step N: ...`). */
export function describeServerReplacements(replacements: readonly ServerReplacement[]): string[] {
    const steps = new Set(replacements.map((replacement) => replacement.step)).size;
    const head =
        steps === replacements.length && steps > 1
            ? `${replacements.length} servers replaced one at a time, in this order (each after the previous one's step has completed):`
            : `${replacements.length} server(s) replaced in ${steps} step(s) (the servers of one step at the same time):`;
    return [
        head,
        ...replacements.map(
            (replacement) =>
                `step ${replacement.step}: ${replacement.name}: ${replacement.reason}` +
                (replacement.after.length > 0 ? `; after ${replacement.after.join(", ")}` : "") +
                (replacement.deleteFirst ? "; deleted before its replacement is created (down meanwhile)" : "; its replacement is created before it is deleted"),
        ),
    ];
}

/** The order in one line: `a → b → c`, the servers of one step joined with ` + `. */
export function serverReplacementSequence(replacements: readonly ServerReplacement[], quote: (name: string) => string = (name) => name): string {
    const steps = [...new Set(replacements.map((replacement) => replacement.step))].sort((a, b) => a - b);
    return steps.map((step) => replacements.filter((replacement) => replacement.step === step).map((replacement) => quote(replacement.name)).join(" + ")).join(" → ");
}

/** The readable diff of one stack: one line when nothing changes, else its changes indented. */
export function renderStackDiff(entry: StackDiffEntry, max = 120): string {
    const { diff } = entry;
    if (diff.status === "unchanged") {
        return `${entry.tenant}: no change`;
    }
    const { added, changed, removed, replaced } = diffCounts(diff);
    const lines = [
        `${entry.tenant} (${entry.mode}): ${diff.status}, +${added} ~${changed} -${removed} resources${replaced ? ` (${replaced} replaced)` : ""}` +
            `${diff.outputs.length ? `, ${diff.outputs.length} output change(s)` : ""}`,
    ];
    if (diff.status === "new" || diff.status === "removed") {
        const list = diff.status === "new" ? diff.added : diff.removed;
        const tally = new Map<string, number>();
        list.forEach((resource) => tally.set(resource.type, (tally.get(resource.type) ?? 0) + 1));
        lines.push(...[...tally.entries()].map(([type, count]) => `  ${diff.status === "new" ? "+" : "-"} ${String(count).padStart(3)} ${type}`));
        return lines.join("\n");
    }
    const ordered = replacementsFirst(diff.changed);
    const detail = (resource: ResourceChange): string[] => [`  ${describeResourceChange(resource)}`, ...resource.changes.map((change) => `      ${describeChange(change, max)}`)];
    lines.push(...ordered.flatMap((resource) => (replacementWarning(entry.tenant, resource) ? [`  !! ${replacementWarning(entry.tenant, resource)}`] : [])));
    if (diff.serverReplacements) {
        const [title, ...steps] = describeServerReplacements(diff.serverReplacements);
        lines.push(`  >> ${title}`, ...steps.map((step) => `     ${step}`));
    }
    lines.push(...ordered.filter((resource) => resource.replace).flatMap(detail));
    lines.push(...diff.added.map((resource) => `  + ${resource.type} ${resource.name}`));
    lines.push(...diff.removed.map((resource) => `  - ${resource.type} ${resource.name}`));
    lines.push(...ordered.filter((resource) => !resource.replace).flatMap(detail));
    lines.push(...diff.outputs.map((change) => `  ~ output ${describeChange(change, max)}`));
    return lines.join("\n");
}
