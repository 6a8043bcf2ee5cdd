// The plan diff as GitHub pull-request comments: the summary table first, then one section per
// stack that changes (or breaks a policy), its details folded. A comment holds at most 65,536
// characters, so the sections are packed into as many comments as needed, never cutting one in
// half; a single section too large for a comment is cut at a line with a note pointing to the JSON.
// Pure: the same input always renders the same comments.

import { Violation } from "../../../policy/rules/types";
import { BlastGroup } from "./diff/blast-radius";
import { StackDiff } from "./diff/model";
import { describeChange, describeGroup, describeResourceChange, describeServerReplacements, diffCounts, replacementsFirst, replacementWarning, serverReplacementSequence } from "./diff/render";
import { topologyDiagram, TopologyStack } from "./mermaid";
import { describeOffboarding, OffboardingPlan } from "./offboarding";
import { knowableOutput, markUnknowable } from "./unknowable";

/** GitHub's limit on the body of one comment. */
export const COMMENT_LIMIT = 65_536;

/** A stack of the commented plan: the head's entry with its diff (a removed stack has no resources). */
export interface CommentStack extends TopologyStack {
    readonly violations?: readonly Violation[];
    readonly diff: StackDiff;
    /** The tenant file says `status: offboarding`: what the rollout backs up, destroys and keeps. */
    readonly offboarding?: OffboardingPlan;
}

/** A stack's monthly cost before and after, in USD (from scripts/lib/cost/estimate.ts). */
export interface CostSummary {
    readonly beforeUsd: number;
    readonly afterUsd: number;
    readonly deltaUsd: number;
    /** Charges the estimate cannot know (usage-based, unpriced): the delta leaves them out. */
    readonly unknownItems: number;
}

export interface CommentInput {
    /** The ref the plan is compared with, as the user gave it. */
    readonly baseRef: string;
    readonly stacks: readonly CommentStack[];
    readonly blastRadius: readonly BlastGroup[];
    /** Cost per stack; undefined when no estimate was made ("cost: not estimated"). */
    readonly costs?: ReadonlyMap<string, CostSummary>;
    /** Lines for the end of the first comment: invalid files, stand-in config ... */
    readonly notes?: readonly string[];
    /**
     * The stacks' sections rendered already (renderSection, as each stack went by: a streamed plan
     * does not hold the stacks' resources); a stack without one here is rendered from `stacks`.
     */
    readonly sections?: ReadonlyMap<string, string>;
}

export interface CommentOptions {
    /** The most characters of one comment (GitHub's limit unless a test says otherwise). */
    readonly limit?: number;
    /** How the reader gets the whole diff when a section is cut. */
    readonly artifactHint?: string;
}

/** What the part headers and "continued" footers may take, kept free in every comment. */
const PART_RESERVE = 400;
/** What closing an open fence and <details> after a cut may take. */
const CLOSE_RESERVE = 200;
const VALUE_MAX = 120;

/** A code span that holds any text (backticks included). */
export function code(text: string): string {
    const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = "`".repeat(longest + 1);
    return longest === 0 ? `${fence}${text}${fence}` : `${fence} ${text} ${fence}`;
}

/** Text from a plan (names, messages) safe in Markdown prose: one line, no HTML. */
function prose(text: string): string {
    return text.replace(/\s+/g, " ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|");
}

export function usd(value: number, signed = false): string {
    const cents = Math.round(Math.abs(value) * 100);
    const whole = Math.floor(cents / 100)
        .toString()
        .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const amount = `$${whole}.${String(cents % 100).padStart(2, "0")}`;
    if (!signed) {
        return value < 0 && cents > 0 ? `-${amount}` : amount;
    }
    return cents === 0 ? `±${amount}` : value < 0 ? `-${amount}` : `+${amount}`;
}

export const hasSection = (stack: CommentStack): boolean => stack.diff.status !== "unchanged" || (stack.violations?.length ?? 0) > 0;

function costCell(input: CommentInput, tenant: string): string {
    const cost = input.costs?.get(tenant);
    return cost === undefined ? "not estimated" : `${usd(cost.deltaUsd, true)}${cost.unknownItems > 0 ? "*" : ""}`;
}

function summaryLine(input: CommentInput): string {
    const count = (status: string) => input.stacks.filter((stack) => stack.diff.status === status).length;
    const violations = input.stacks.flatMap((stack) => stack.violations ?? []);
    const mandatory = violations.filter((violation) => violation.enforcement === "mandatory").length;
    const cost =
        input.costs === undefined
            ? "cost: not estimated"
            : `cost: ${usd([...input.costs.values()].reduce((cents, summary) => cents + Math.round(summary.deltaUsd * 100), 0) / 100, true)} per month`;
    const replaced = input.stacks.reduce((sum, stack) => sum + diffCounts(stack.diff).replaced, 0);
    return (
        `**${count("changed")} changed, ${count("new")} new, ${count("removed")} removed, ${count("unchanged")} unchanged** of ${input.stacks.length} stacks` +
        ` · ${replaced === 0 ? "no resource replaced" : `**${replaced} resource(s) replaced**`}` +
        ` · ${mandatory} mandatory and ${violations.length - mandatory} advisory policy violations · ${cost}`
    );
}

/** The replacements that destroy data or need someone outside the repository, one line each. */
function warningLines(stacks: readonly CommentStack[]): string[] {
    return stacks.flatMap((stack) => replacementsFirst(stack.diff.changed).flatMap((change) => {
        if (replacementWarning(stack.tenant, change) === undefined) {
            return [];
        }
        return [`> - **${prose(stack.tenant)}** ${code(change.type)}: ${change.holdsData ? "**data loss**: " : ""}${prose(change.atStake ?? "")}`];
    }));
}

/** Replacements first: a caution block for what they destroy, then every replaced resource per stack. */
function replacementLines(input: CommentInput): { caution: string[]; list: string[] } {
    const warnings = warningLines(input.stacks);
    const caution =
        warnings.length > 0
            ? ["> [!CAUTION]", `> **${warnings.length} replacement(s) destroy data or need action outside this repository.** Read each before merging:`, ...warnings, ""]
            : [];
    const replacedStacks = input.stacks.filter((stack) => diffCounts(stack.diff).replaced > 0);
    const list =
        replacedStacks.length > 0
            ? [
                  "### Replacements (deleted and created again, with new ids)",
                  "",
                  ...replacedStacks.map((stack) => {
                      const replaced = replacementsFirst(stack.diff.changed).filter((change) => change.replace);
                      const names = replaced.slice(0, 12).map((change) => code(`${change.type} ${change.name}`));
                      const more = replaced.length > 12 ? `, and ${replaced.length - 12} more` : "";
                      const servers = stack.diff.serverReplacements ?? [];
                      const order = servers.length > 0 ? ` · servers in order: ${serverReplacementSequence(servers, code)}` : "";
                      return `- **${prose(stack.tenant)}** (${replaced.length}): ${names.join(", ")}${more}${order}`;
                  }),
                  "",
              ]
            : [];
    return { caution, list };
}

/** Above this many stacks, a shared change's stacks are folded under it. */
export const SHARED_STACKS_UNFOLDED = 10;

/** A change shared by several stacks, and the stacks it touches by name (folded when many). */
export function sharedChange(group: BlastGroup): string {
    const line = `- ${code(describeGroup(group, VALUE_MAX))}`;
    const names = group.tenants.map(prose).join(", ");
    if (group.tenants.length <= SHARED_STACKS_UNFOLDED) {
        return `${line}<br/>stacks: ${names}`;
    }
    return [line, `  <details><summary>the ${group.tenants.length} stacks</summary>`, "", `  ${names}`, "", "  </details>"].join("\n");
}

function header(input: CommentInput, budget: number): string {
    const ref = input.baseRef.length > 100 ? `${input.baseRef.slice(0, 99)}…` : input.baseRef;
    const top = [`## Offline plan against ${code(ref)}`, "", summaryLine(input), ""];
    const table = [
        "| stack | mode | status | + | ~ | - | replaced | policy | cost Δ/month |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|",
        ...input.stacks.map((stack) => {
            const { added, changed, removed, replaced } = diffCounts(stack.diff);
            const replacedCell = replaced > 0 ? `**${replaced}**` : "0";
            const status = stack.offboarding && stack.diff.status !== "unchanged" ? "**offboarding**" : stack.diff.status;
            return `| ${prose(stack.tenant)} | ${prose(stack.mode)} | ${status} | ${added} | ${changed} | ${removed} | ${replacedCell} | ${stack.violations?.length ?? 0} | ${costCell(input, stack.tenant)} |`;
        }),
    ];
    const replacements = replacementLines(input);
    const footnote = input.costs && [...input.costs.values()].some((cost) => cost.unknownItems > 0) ? ["", "\\* some charges are usage-based or unpriced and not in the delta."] : [];
    const shared = input.blastRadius.filter((group) => group.tenants.length > 1);
    // One entry per group (its lines joined), so that a cut below never splits a folded list.
    const blast = shared.length > 0 ? ["", "### Changes shared by several stacks", "", ...shared.map(sharedChange)] : [];
    const notes = input.notes && input.notes.length > 0 ? ["", "**Notes**", "", ...input.notes.map((note) => `- ${prose(note)}`)] : [];
    // Whatever does not fit is cut with a note, the table last: it is what the first comment is for.
    const fit = (lines: string[], room: number, what: string): string[] => {
        const kept: string[] = [];
        let size = 0;
        for (const [i, line] of lines.entries()) {
            if (size + line.length + 1 > room - 120) {
                return [...kept, "", `_… ${lines.length - i} more line(s) of ${what} left out: see the plan JSON artifact._`];
            }
            kept.push(line);
            size += line.length + 1;
        }
        return kept;
    };
    const length = (lines: string[]) => lines.join("\n").length + 1;
    // The warnings come first and may take half the comment; the table keeps what they leave.
    const cautionLines = replacements.caution.length > 0 ? fit(replacements.caution, Math.floor(budget / 2), "replacement warnings") : [];
    const listLines = replacements.list.length > 0 ? fit(replacements.list, Math.floor(budget / 6), "replacements") : [];
    const head = [...top, ...cautionLines, ...listLines];
    const tableLines = fit(table, budget - length(head) - length(footnote), "the summary table");
    const rest = budget - length(head) - length(tableLines) - length(footnote);
    const blastLines = fit(blast, Math.max(0, rest - Math.min(length(notes), rest / 2)), "shared changes");
    const noteLines = fit(notes, Math.max(0, rest - length(blastLines)), "notes");
    return [...head, ...tableLines, ...footnote, ...blastLines, ...noteLines, ""].join("\n");
}

function fencedDiff(lines: string[]): string[] {
    return ["```diff", ...lines, "```"];
}

/** A change as the plan may show it: values AWS assigns on deployment are marked unknown (unknowable.ts). */
function knowable<T extends { readonly path: string; readonly before?: unknown; readonly after?: unknown }>(change: T, mark: (value: unknown) => unknown): T {
    return { ...change, ...("before" in change ? { before: mark(change.before) } : {}), ...("after" in change ? { after: mark(change.after) } : {}) };
}

/** The diff block: replaced resources first (`-/+`, red), then added, removed, updated (`!`). */
function resourceLines(stack: CommentStack): string[] {
    const diff = stack.diff;
    const ordered = replacementsFirst(diff.changed);
    const detail = (resource: StackDiff["changed"][number]): string[] => [
        resource.replace ? describeResourceChange(resource) : `! ${resource.type} ${resource.name}`,
        ...resource.changes.map((change) => `    ${describeChange(knowable(change, markUnknowable), VALUE_MAX)}`),
    ];
    return [
        ...ordered.filter((resource) => resource.replace).flatMap(detail),
        ...diff.added.map((resource) => `+ ${resource.type} ${resource.name}`),
        ...diff.removed.map((resource) => `- ${resource.type} ${resource.name}`),
        ...ordered.filter((resource) => !resource.replace).flatMap(detail),
        // An output's path is `/<name>...`: its first segment names the output.
        ...diff.outputs.map((change) => `! output ${describeChange(knowable(change, (value) => knowableOutput(change.path.split("/")[1] ?? "", value, stack.resources)), VALUE_MAX)}`),
    ];
}

function costLine(input: CommentInput, tenant: string): string {
    const cost = input.costs?.get(tenant);
    if (cost === undefined) {
        return "cost: not estimated";
    }
    const unknown = cost.unknownItems > 0 ? `; ${cost.unknownItems} usage-based or unpriced charge(s) not included` : "";
    return `cost: ${usd(cost.beforeUsd)} → ${usd(cost.afterUsd)} per month (${usd(cost.deltaUsd, true)})${unknown}`;
}

/** The marker a stack's section starts with (tests and readers find a stack's section by it). */
export const sectionHeading = (stack: { readonly tenant: string; readonly mode: string; readonly diff: StackDiff }): string =>
    `### ${prose(stack.tenant)} (${prose(stack.mode)}): ${stack.diff.status}`;

export function renderSection(input: CommentInput, stack: CommentStack): string {
    const { added, changed, removed, replaced } = diffCounts(stack.diff);
    const violations = stack.violations ?? [];
    const lines = [
        sectionHeading(stack),
        "",
        `+${added} ~${changed} -${removed} resources${replaced > 0 ? ` · **${replaced} replaced**` : ""} · ${violations.length} policy violation(s) · ${costLine(input, stack.tenant)}`,
        "",
    ];
    if (stack.offboarding && stack.diff.status !== "unchanged") {
        const [title, ...steps] = describeOffboarding(stack.offboarding);
        lines.push("> [!WARNING]", `> **${prose(title!)}**`, ...steps.map((step) => `> - ${prose(step)}`), "");
    }
    const warnings = warningLines([stack]);
    if (warnings.length > 0) {
        lines.push("> [!CAUTION]", `> **Replacements in ${prose(stack.tenant)} that destroy data or need action outside this repository:**`, ...warnings, "");
    }
    if (stack.diff.serverReplacements) {
        const [title, ...steps] = describeServerReplacements(stack.diff.serverReplacements);
        lines.push(`**Rolling replacement:** ${prose(title!)}`, "", ...steps.map((step) => `- ${prose(step)}`), "");
    }
    if (stack.diff.status === "new") {
        lines.push("```mermaid", topologyDiagram(stack), "```", "");
    }
    const changes = resourceLines(stack);
    if (changes.length > 0) {
        lines.push(`<details><summary>Resource changes (${changes.length} line(s))</summary>`, "", ...fencedDiff(changes), "", "</details>", "");
    }
    if (violations.length > 0) {
        lines.push(`**Policy violations (${violations.length})**`, "", ...violations.map((v) => `- **${v.enforcement}** ${code(v.policy)} on ${code(v.resource)}: ${prose(v.message)}`), "");
    }
    return lines.join("\n");
}

/** Cuts a section at a line so that it fits `budget`, closing what the cut leaves open. */
export function truncateSection(section: string, budget: number, tenant: string, hint: string): string {
    if (section.length <= budget) {
        return section;
    }
    const note = `\n> **Truncated:** the section of ${prose(tenant)} is larger than a comment can hold; the whole diff is in the plan JSON (${hint}).\n`;
    const kept: string[] = [];
    let size = 0;
    let inFence = false;
    let openDetails = 0;
    for (const line of section.split("\n")) {
        if (size + line.length + 1 > budget - note.length - CLOSE_RESERVE) {
            break;
        }
        kept.push(line);
        size += line.length + 1;
        if (line.startsWith("```")) {
            inFence = !inFence;
        } else if (!inFence) {
            openDetails += (line.match(/<details>/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
        }
    }
    const closers = [...(inFence ? ["```"] : []), ...Array.from({ length: Math.max(0, openDetails) }, () => "</details>")];
    return [...kept, ...closers, note].join("\n");
}

/**
 * The comments, in order: the first holds the summary table; each stack's section is in exactly one
 * comment; no comment is longer than `limit`.
 */
export function renderComments(input: CommentInput, options: CommentOptions = {}): string[] {
    const limit = options.limit ?? COMMENT_LIMIT;
    const hint = options.artifactHint ?? "npm run plan -- --all --base <ref> --json";
    const room = limit - PART_RESERVE;
    const first = header(input, room);
    const parts: string[][] = [[first]];
    let size = first.length;
    for (const stack of input.stacks.filter(hasSection)) {
        const section = truncateSection(input.sections?.get(stack.tenant) ?? renderSection(input, stack), room, stack.tenant, hint);
        if (size + section.length + 1 > room) {
            parts.push([]);
            size = 0;
        }
        parts[parts.length - 1]!.push(section);
        size += section.length + 1;
    }
    const count = parts.length;
    return parts.map((sections, i) => {
        const title = count === 1 ? [] : i === 0 ? [`_Part 1 of ${count}._`, ""] : [`## Offline plan against ${code(input.baseRef.slice(0, 100))}: part ${i + 1} of ${count}`, ""];
        const next = i + 1 < count ? ["", `_Continued in the next comment (part ${i + 2} of ${count})._`] : [];
        return `${[...title, sections.join("\n"), ...next].join("\n").trimEnd()}\n`;
    });
}
