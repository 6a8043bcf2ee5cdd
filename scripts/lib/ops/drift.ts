// The weekly drift check (.github/workflows/drift.yml), as data: which stacks it previews and in
// what order, how it reads what `pulumi preview --refresh --expect-no-changes --json` printed for
// one stack, and how the batches' results become ONE report. Pure: the CLI is scripts/ci/drift-report.ts.
//
// The shape read is the CLI's preview digest (pulumi/pulumi, sdk/go/common/display/json.go:
// `PreviewDigest` {config, steps, diagnostics, duration, changeSummary, maybeCorrupt},
// `PreviewStep` {op, urn, provider, oldState, newState, diffReasons, replaceReasons, detailedDiff},
// `PreviewDiagnostic` {urn, prefix, message, severity}; `changeSummary` counts resources per step
// op, `same` included). `--expect-no-changes` "Return[s] an error if any changes are proposed by
// this preview" (https://www.pulumi.com/docs/iac/cli/commands/pulumi_preview/): the CLI then exits
// non-zero exactly as it does when the preview fails, so the exit code alone cannot tell drift
// from an error; the digest can: changes are steps (or changeSummary counts) other than `same`,
// an error is a diagnostic of severity `error`.

import { MODE_TRAITS, Mode } from "../../../lib/modes";
import { platformStackName, recoveryStackName } from "../../../lib/platform";

/** One stack the check previews and the region its program runs in (`aws:region`). */
export interface DriftTarget {
    readonly stack: string;
    readonly region: string;
}

/** What the fleet listing needs of a tenant (stacks/config/tenant.ts Tenant). */
export interface DriftTenant {
    readonly id: string;
    readonly mode: Mode;
    readonly region: string;
    readonly offsiteRegion: string;
    readonly status?: "active" | "offboarding";
}

/**
 * Every deployed stack of the fleet, in the order stack-ops runs named stacks (platforms, then
 * tenants, then recovery environments, which read their production's outputs): the home platform
 * first (it is always deployed), the platform of every other region in use, the tenants by id, then
 * `platform-<region>-recovery` of each platform (in its settings' off-site region) and
 * `<tenant>-recovery` of each tenant with a recovery environment of its own (in the tenant's
 * off-site region). A tenant being offboarded is left out: the rollout that merged its
 * `status: offboarding` destroys its stack, so there is nothing left to compare.
 *
 * Which modes have a recovery environment: MODE_TRAITS[mode].network, the predicate of
 * stacks/recovery.ts hasRecoveryEnvironment (a test holds them equal), read here without loading
 * the Pulumi program.
 */
export function driftTargets(tenants: readonly DriftTenant[], platformOffsite: ReadonlyMap<string, string>, homeRegion: string): DriftTarget[] {
    const active = tenants.filter((tenant) => tenant.status !== "offboarding").sort((a, b) => a.id.localeCompare(b.id));
    const regions = [homeRegion, ...[...new Set(tenants.map((tenant) => tenant.region))].filter((region) => region !== homeRegion).sort()];
    const platforms = regions.map((region) => ({ stack: platformStackName(region), region }));
    const platformRecoveries = regions.map((region) => {
        const offsite = platformOffsite.get(region);
        if (offsite === undefined) {
            throw new Error(`the platform of ${region} has no settings (platform-configs/${region}.yaml): its recovery region is unknown`);
        }
        return { stack: recoveryStackName(platformStackName(region)), region: offsite };
    });
    return [
        ...platforms,
        ...active.map((tenant) => ({ stack: tenant.id, region: tenant.region })),
        ...platformRecoveries,
        ...active.filter((tenant) => MODE_TRAITS[tenant.mode].network).map((tenant) => ({ stack: recoveryStackName(tenant.id), region: tenant.offsiteRegion })),
    ];
}

/** `stack:region`, the form a matrix job receives (stack names and regions hold no colon or space). */
export const formatTarget = (target: DriftTarget): string => `${target.stack}:${target.region}`;

export function parseTargets(text: string): DriftTarget[] {
    return text
        .split(/\s+/)
        .filter((entry) => entry.length > 0)
        .map((entry) => {
            const match = /^([a-z0-9][a-z0-9-]*):([a-z]{2}(?:-[a-z]+)+-\d)$/.exec(entry);
            if (!match) {
                throw new Error(`"${entry.slice(0, 80)}" is not STACK:REGION (e.g. acme:eu-west-1)`);
            }
            return { stack: match[1]!, region: match[2]! };
        });
}

/** no-changes: the account matches the code; drifted: the preview proposes changes; failed: no answer; missing: no such stack in the backend. */
export type DriftStatus = "no-changes" | "drifted" | "failed" | "missing";

/** What the preview would do to a resource, one line per resource (a replacement's three steps are one `replace`). */
export type ChangeOp = "create" | "update" | "replace" | "delete" | "import";

export interface ResourceChange {
    readonly op: ChangeOp;
    /** The resource type token, e.g. aws:ec2/securityGroup:SecurityGroup. */
    readonly type: string;
    /** The resource's logical name (the last part of its URN). */
    readonly name: string;
    /** The properties that differ (detailedDiff keys, else diffReasons / replaceReasons); names only, never values. */
    readonly properties: readonly string[];
}

export interface StackDrift {
    readonly stack: string;
    readonly region: string;
    readonly status: DriftStatus;
    /** The CLI's exit code (absent for a missing stack). */
    readonly exitCode?: number;
    /** Resources per change op, from the digest's changeSummary (`same` left out). */
    readonly summary: Readonly<Partial<Record<string, number>>>;
    readonly changes: readonly ResourceChange[];
    /** Why it failed, or why it is missing: the error diagnostics' first lines. */
    readonly errors: readonly string[];
}

/**
 * Step ops (pulumi/pulumi pkg/resource/deploy/step.go StepOp) and what each means for the
 * resource. `same`, `read`, `refresh` (the refresh `--refresh` runs inside the preview) and the
 * bookkeeping ops change nothing in the account and are not drift.
 */
const STEP_OPS: Readonly<Record<string, ChangeOp>> = {
    create: "create",
    update: "update",
    delete: "delete",
    replace: "replace",
    "create-replacement": "replace",
    "delete-replaced": "replace",
    import: "import",
    "import-replacement": "import",
};

/** Ops in the order a reader cares about them (and the order a resource's steps collapse to). */
export const CHANGE_OPS: readonly ChangeOp[] = ["replace", "delete", "create", "update", "import"];

/** The message the CLI gives when --expect-no-changes sees changes: drift, not a failure. */
const EXPECTED_NO_CHANGES = /no changes were expected but changes were proposed/i;

interface DigestStep {
    readonly op?: unknown;
    readonly urn?: unknown;
    readonly oldState?: { readonly type?: unknown } | null;
    readonly newState?: { readonly type?: unknown } | null;
    readonly diffReasons?: unknown;
    readonly replaceReasons?: unknown;
    readonly detailedDiff?: unknown;
}

interface DigestDiagnostic {
    readonly message?: unknown;
    readonly severity?: unknown;
}

/** The type and name of a URN: urn:pulumi:STACK::PROJECT::PARENT$...$TYPE::NAME (a name may hold `::`). */
export function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    if (!urn.startsWith("urn:pulumi:") || parts.length < 4) {
        return { type: "?", name: urn };
    }
    const qualified = parts[2]!;
    return { type: qualified.slice(qualified.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * The first meaningful line of a message, without colours and without the bridged provider's
 * source position (`sdk-v2/provider2.go:566: sdk.helper_schema: `), at most 800 characters (an
 * AWS access-denied message names the action at its end).
 */
export function firstLine(message: string): string {
    const line = (message.replace(ANSI, "").split("\n").map((part) => part.trim()).find((part) => part.length > 0) ?? "").replace(/^[\w./-]+\.go:\d+: (?:sdk\.helper_schema: )?/, "");
    return line.length > 800 ? `${line.slice(0, 799)}…` : line;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);

/** One change per resource, its steps collapsed (a replacement's create-replacement, replace and delete-replaced are one replace). */
function changesOf(steps: readonly DigestStep[]): ResourceChange[] {
    const byUrn = new Map<string, { op: ChangeOp; type: string; name: string; properties: Set<string> }>();
    for (const step of steps) {
        const op = typeof step.op === "string" ? STEP_OPS[step.op] : undefined;
        if (op === undefined || typeof step.urn !== "string") {
            continue;
        }
        const parts = urnParts(step.urn);
        const stateType = step.newState?.type ?? step.oldState?.type;
        const type = typeof stateType === "string" ? stateType : parts.type;
        const detailed = step.detailedDiff && typeof step.detailedDiff === "object" ? Object.keys(step.detailedDiff) : [];
        const properties = detailed.length > 0 ? detailed : [...strings(step.diffReasons), ...strings(step.replaceReasons)];
        const seen = byUrn.get(step.urn);
        if (seen === undefined) {
            byUrn.set(step.urn, { op, type, name: parts.name, properties: new Set(properties) });
        } else {
            if (CHANGE_OPS.indexOf(op) < CHANGE_OPS.indexOf(seen.op)) {
                seen.op = op;
            }
            properties.forEach((property) => seen.properties.add(property));
        }
    }
    return [...byUrn.values()]
        .map((change) => ({ op: change.op, type: change.type, name: change.name, properties: [...change.properties].sort() }))
        .sort((a, b) => CHANGE_OPS.indexOf(a.op) - CHANGE_OPS.indexOf(b.op) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}

/** What one stack's preview printed: its stdout (the JSON digest), its stderr and its exit code. */
export interface PreviewOutput {
    readonly stdout: string;
    readonly stderr: string;
    readonly exitCode: number;
}

/**
 * Reads one stack's `pulumi preview --refresh --expect-no-changes --json`:
 *  - failed: stdout is not a digest (the CLI stopped before the preview: login, plugins, config;
 *    the reason is stderr's `error:` line), or the digest has an error diagnostic (other than
 *    --expect-no-changes' own), or the CLI exited non-zero with neither changes nor an error in
 *    its digest (an answer we cannot read is never taken for "no changes");
 *  - drifted: the digest proposes changes (steps, or changeSummary counts other than `same`);
 *  - no changes: exit 0 and nothing proposed.
 */
export function readPreview(target: DriftTarget, output: PreviewOutput): StackDrift {
    const base = { stack: target.stack, region: target.region, exitCode: output.exitCode };
    /** The reason on stderr; without one, what stdout held (`withDigest`: a preview digest without an error). */
    const stderrError = (withDigest: boolean): string[] => {
        const lines = output.stderr.replace(ANSI, "").split("\n").map((line) => line.trim());
        const error = lines.find((line) => /^error:/i.test(line) && !EXPECTED_NO_CHANGES.test(line));
        const any = lines.find((line) => line.length > 0);
        const stdout = output.stdout.trim();
        const fallback =
            withDigest || stdout === ""
                ? `the CLI exited ${output.exitCode} and printed nothing`
                : `the CLI exited ${output.exitCode} and printed no JSON preview on stdout (it began: ${JSON.stringify(stdout.slice(0, 80))})`;
        return [firstLine(error ?? any ?? fallback)];
    };
    let digest: { steps?: unknown; diagnostics?: unknown; changeSummary?: unknown } | undefined;
    try {
        const parsed: unknown = JSON.parse(output.stdout);
        digest = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : undefined;
    } catch {
        digest = undefined;
    }
    if (digest === undefined) {
        return { ...base, status: "failed", summary: {}, changes: [], errors: stderrError(false) };
    }
    const steps = Array.isArray(digest.steps) ? (digest.steps as DigestStep[]) : [];
    const diagnostics = Array.isArray(digest.diagnostics) ? (digest.diagnostics as DigestDiagnostic[]) : [];
    const counts = digest.changeSummary && typeof digest.changeSummary === "object" ? (digest.changeSummary as Record<string, unknown>) : {};
    const summary: Record<string, number> = {};
    for (const [op, count] of Object.entries(counts)) {
        if (op !== "same" && typeof count === "number" && count > 0) {
            summary[op] = count;
        }
    }
    const changes = changesOf(steps);
    const errors = [
        ...new Set(
            diagnostics
                .filter((diagnostic) => diagnostic.severity === "error" && typeof diagnostic.message === "string")
                .map((diagnostic) => firstLine(diagnostic.message as string))
                .filter((message) => message.length > 0 && !EXPECTED_NO_CHANGES.test(message)),
        ),
    ];
    if (errors.length > 0) {
        // The stack's closing "preview failed" says nothing the resource's own error does not.
        const specific = errors.filter((message) => !/^(preview|update) failed\.?$/i.test(message));
        return { ...base, status: "failed", summary, changes, errors: specific.length > 0 ? specific : errors };
    }
    if (changes.length > 0 || Object.keys(summary).length > 0) {
        return { ...base, status: "drifted", summary, changes, errors: [] };
    }
    if (output.exitCode !== 0) {
        return { ...base, status: "failed", summary, changes, errors: stderrError(true) };
    }
    return { ...base, status: "no-changes", summary, changes, errors: [] };
}

/** A stack the backend does not have (`pulumi stack select` said so): expected deployed, so reported. */
export function missingStack(target: DriftTarget, selectOutput: string): StackDrift {
    return { stack: target.stack, region: target.region, status: "missing", summary: {}, changes: [], errors: [firstLine(selectOutput) || "no such stack in the backend"] };
}

/** One matrix job's results (drift-report.ts batch). `skipped`: the job had no credentials and previewed nothing. */
export interface DriftBatch {
    readonly version: 1;
    readonly batch: string;
    readonly skipped?: string;
    readonly stacks: readonly StackDrift[];
}

export interface DriftReport {
    readonly stacks: readonly StackDrift[];
    readonly counts: Readonly<Record<DriftStatus, number>> & { readonly total: number };
    /** Every batch was skipped (no credentials in the environment): nothing was checked. */
    readonly skipped?: string;
}

export const STATUSES: readonly DriftStatus[] = ["drifted", "failed", "missing", "no-changes"];

/**
 * The batches' results as one report, in the fleet's order (`expected`, the listing the matrix
 * was cut from). A stack of the listing no batch reported (its job was cancelled, timed out or
 * crashed) is failed, never silently dropped; a result for a stack outside the listing is kept,
 * after the others.
 */
export function mergeBatches(batches: readonly DriftBatch[], expected: readonly DriftTarget[]): DriftReport {
    const results = new Map<string, StackDrift>();
    for (const batch of batches) {
        for (const stack of batch.stacks) {
            results.set(stack.stack, stack);
        }
    }
    const skipped = batches.length > 0 && batches.every((batch) => batch.skipped !== undefined) ? batches[0]!.skipped : undefined;
    const ordered: StackDrift[] = expected.map(
        (target) => results.get(target.stack) ?? { stack: target.stack, region: target.region, status: "failed", summary: {}, changes: [], errors: ["no result: its batch job did not finish (cancelled, timed out or crashed); see the workflow run"] },
    );
    const listed = new Set(expected.map((target) => target.stack));
    ordered.push(...[...results.values()].filter((result) => !listed.has(result.stack)).sort((a, b) => a.stack.localeCompare(b.stack)));
    const counts = { total: ordered.length, "no-changes": 0, drifted: 0, failed: 0, missing: 0 };
    for (const result of ordered) {
        counts[result.status] += 1;
    }
    return { stacks: skipped === undefined ? ordered : [], counts: skipped === undefined ? counts : { total: 0, "no-changes": 0, drifted: 0, failed: 0, missing: 0 }, ...(skipped === undefined ? {} : { skipped }) };
}

/** Whether the report asks for someone's attention (and the workflow run fails). */
export const needsAttention = (report: DriftReport): boolean => report.counts.drifted + report.counts.failed + report.counts.missing > 0;

/** Text inside a Markdown table cell or inline code: no pipe, backtick or line break can break out. */
const cell = (text: string): string => text.replace(/[|`]/g, (c) => (c === "|" ? "\\|" : "'")).replace(/\s+/g, " ");

const VERBS: Readonly<Record<string, string>> = { create: "to create", update: "to update", replace: "to replace", delete: "to delete", import: "to import" };

/** "1 to replace, 2 to update" from a stack's changeSummary (its changes when the summary is absent). */
export function summaryText(result: StackDrift): string {
    const counts: Record<string, number> = { ...result.summary } as Record<string, number>;
    if (Object.keys(counts).length === 0) {
        for (const change of result.changes) {
            counts[change.op] = (counts[change.op] ?? 0) + 1;
        }
    }
    const order = (op: string) => (CHANGE_OPS.includes(op as ChangeOp) ? CHANGE_OPS.indexOf(op as ChangeOp) : CHANGE_OPS.length);
    return Object.entries(counts)
        .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
        .map(([op, count]) => `${count} ${VERBS[op] ?? op}`)
        .join(", ");
}

export interface MarkdownOptions {
    /** Where the run is (its URL), said under the title. */
    readonly runUrl?: string;
    /** When the check ran (ISO date), said under the title. */
    readonly date?: string;
    /** Leave out the per-resource tables (the issue body when the full text exceeds GitHub's 65,536 characters). */
    readonly compact?: boolean;
}

/** The report as Markdown: the issue body and the job summary. */
export function driftMarkdown(report: DriftReport, options: MarkdownOptions = {}): string {
    const lines: string[] = [];
    const { counts } = report;
    const when = [options.date, options.runUrl ? `[workflow run](${options.runUrl})` : undefined].filter(Boolean).join(" · ");
    if (report.skipped !== undefined) {
        lines.push("# Drift check: not run", "", `Nothing was checked: ${cell(report.skipped)}.`, ...(when ? ["", when] : []));
        return `${lines.join("\n")}\n`;
    }
    const title = needsAttention(report)
        ? `# Drift check: ${counts.drifted} of ${counts.total} stacks drifted, ${counts.failed} failed, ${counts.missing} missing`
        : `# Drift check: no drift in ${counts.total} stacks`;
    lines.push(
        title,
        "",
        "Every stack of the fleet previewed against its real state (`pulumi preview --refresh --expect-no-changes`) with the read-only preview role; nothing was changed. " +
            "A proposed change is drift in the account (a change made outside the code) or code on main not rolled out yet (a rollout that stopped): either way the account differs from the code.",
        ...(when ? ["", when] : []),
        "",
        "| Stacks | No changes | Drifted | Failed | Missing |",
        "| ---: | ---: | ---: | ---: | ---: |",
        `| ${counts.total} | ${counts["no-changes"]} | ${counts.drifted} | ${counts.failed} | ${counts.missing} |`,
    );
    const of = (status: DriftStatus) => report.stacks.filter((result) => result.status === status);
    const drifted = of("drifted");
    if (drifted.length > 0) {
        lines.push("", "## Drifted");
        for (const result of drifted) {
            lines.push("", `### \`${result.stack}\` (${result.region}): ${summaryText(result)}`);
            if (!options.compact && result.changes.length > 0) {
                lines.push("", "| Change | Type | Resource | Properties |", "| --- | --- | --- | --- |");
                for (const change of result.changes) {
                    lines.push(`| ${change.op} | \`${cell(change.type)}\` | \`${cell(change.name)}\` | ${change.properties.length > 0 ? change.properties.map((p) => `\`${cell(p)}\``).join(", ") : ""} |`);
                }
            }
        }
    }
    const failed = of("failed");
    if (failed.length > 0) {
        lines.push("", "## Failed (no answer: drift unknown)", "");
        for (const result of failed) {
            lines.push(`- \`${result.stack}\` (${result.region}${result.exitCode !== undefined ? `, exit ${result.exitCode}` : ""}): ${result.errors.map(cell).join("; ")}`);
        }
    }
    const missing = of("missing");
    if (missing.length > 0) {
        lines.push("", "## Missing (in the code, not in the backend)", "");
        for (const result of missing) {
            lines.push(`- \`${result.stack}\` (${result.region}): ${result.errors.map(cell).join("; ")}`);
        }
    }
    const clean = of("no-changes");
    if (clean.length > 0) {
        lines.push("", `## No changes (${clean.length})`, "", clean.map((result) => `\`${result.stack}\``).join(", "));
    }
    if (needsAttention(report)) {
        lines.push(
            "",
            "## What to do",
            "",
            "- Drifted: find who changed what (the network-change alarms, CloudTrail), then either put the change into the code or run `npm run preview -- STACK` and `npm run up -- STACK` to restore the code's state.",
            "- Failed: read the stack's log in the workflow run; a refresh that needs a permission the read-only role lacks fails here too.",
            "- Missing: the stack was never deployed or was removed outside the rollout; `npm run up -- STACK` creates it.",
        );
    }
    return `${lines.join("\n")}\n`;
}
