// The body of a measured child process (bench/run.ts --child TASK): one task over one fleet folder,
// timed from after its imports. Each task requires only what it needs, when it runs.

import * as fs from "node:fs";
import * as path from "node:path";

import { UsageError } from "../scripts/lib/cli";
import { repoRoot } from "../stacks/config/project";
import { platformDirOf } from "./generate";
import { MeasurementError } from "./measurement-error";
import { projectCopy } from "./project-copy";
import { round } from "./table";

/** What a child reports on its last stdout line. */
export interface ChildReport {
    readonly seconds: number;
    readonly resources: number;
    readonly peakRssMiB: number;
    readonly note?: string;
}

function peakRssMiB(): number {
    // maxRSS is in KiB, for the whole process (worker threads included).
    return round(process.resourceUsage().maxRSS / 1024, 1);
}

/** The largest fleet whose policy evaluation the plan task times (it is quadratic in the fleet). */
export const POLICY_TIMED_UP_TO = 100;

/**
 * What the AWS rule check (stacks/config/aws-catalogue.json) costs within the plan, timed apart: the
 * catalogue's compilation (once per plan thread), then the same `awsRuleErrors` calls planFleet
 * makes, over every stack of the planned document in this one thread. planFleet spreads them over
 * its threads, so the share of the plan is an upper bound. Already inside the plan figures.
 */
function awsRuleCheckCost(planned: import("../scripts/lib/plan/fleet").PlanDocument, tenants: readonly import("../stacks/config/tenant").Tenant[], planSeconds: number): string {
    const { awsRuleErrors } = require("../scripts/lib/plan/stack-errors") as typeof import("../scripts/lib/plan/stack-errors");
    const { compileCatalogue } = require("../scripts/lib/plan/aws-rules") as typeof import("../scripts/lib/plan/aws-rules");
    const compileStart = performance.now();
    compileCatalogue();
    const compileMs = performance.now() - compileStart;
    const byId = new Map(tenants.map((tenant) => [tenant.id, tenant]));
    const checkStart = performance.now();
    let breaks = 0;
    for (const plan of planned.tenants) {
        breaks += awsRuleErrors(plan.tenant, plan.source, plan.resources, byId.get(plan.tenant)).length;
    }
    const checkSeconds = (performance.now() - checkStart) / 1000;
    return (
        `AWS rules ${checkSeconds.toFixed(3)} s over ${planned.tenants.length} stacks (${breaks} break(s)), ` +
        `${((100 * checkSeconds) / planSeconds).toFixed(1)}% of planFleet; catalogue compiled in ${compileMs.toFixed(1)} ms`
    );
}

/**
 * The service quotas of the benchmark's imagined account: every quota the plan counts raised out of
 * reach. A fleet of hundreds of tenants needs raises in any real account (1,000 tenants plan 137
 * load balancers in one region against AWS's default of 50), and the quotas are not what the
 * benchmark measures; their counting still runs, inside the plan's time.
 */
export function raisedQuotas(): import("../scripts/lib/plan/quota-file").AppliedQuotas {
    const { loadQuotas } = require("../scripts/lib/plan/quota-file") as typeof import("../scripts/lib/plan/quota-file");
    const applied = loadQuotas(repoRoot());
    const defaults = Object.fromEntries(
        Object.keys(applied.quotas.defaults).map((key) => [key, { value: 1_000_000, source: "bench/tasks.ts: the benchmark's account, every quota raised" }]),
    ) as typeof applied.quotas.defaults;
    return { file: "bench/tasks.ts", quotas: { ...applied.quotas, defaults, regions: {} }, text: "" };
}
export /** The body of a child process: one task over one fleet folder, timed from after its imports. */
async function child(task: string, dir: string, threads: number | undefined): Promise<ChildReport> {
    // Required here, not at the top: each task's process loads only what the task needs.
    const { loadFleetDirectory } = require("../stacks/config/load-fleet") as typeof import("../stacks/config/load-fleet");
    const { loadPlatformFleet } = require("../stacks/config/platform-file") as typeof import("../stacks/config/platform-file");
    // The generated fleet's own platform settings (bench/generate.ts), never the repository's.
    const platformDir = platformDirOf(dir);
    if (task === "validate") {
        const start = performance.now();
        const fleet = loadFleetDirectory(dir, { platformDir });
        const seconds = (performance.now() - start) / 1000;
        if (fleet.problems.length > 0) {
            throw new MeasurementError(`the generated fleet has ${fleet.problems.length} problem(s), e.g. ${JSON.stringify(fleet.problems[0])}`);
        }
        return { seconds, resources: 0, peakRssMiB: peakRssMiB() };
    }
    const fleet = loadFleetDirectory(dir, { platformDir });
    const platforms = loadPlatformFleet(platformDir);
    const regions = [...new Set(fleet.tenants.map((tenant) => tenant.region))];
    if (task === "plan") {
        const { planFleet, PLAN_VERSION } = require("../scripts/lib/plan/fleet") as typeof import("../scripts/lib/plan/fleet");
        const { withViolations } = require("../scripts/lib/plan/policy") as typeof import("../scripts/lib/plan/policy");
        const { estimateStack } = require("../scripts/lib/cost/estimate") as typeof import("../scripts/lib/cost/estimate");
        const { canonicalJson } = require("../scripts/lib/plan/engine") as typeof import("../scripts/lib/plan/engine");
        const start = performance.now();
        const planned = await planFleet({ tenants: fleet.tenants, platformRegions: regions, platforms, quotas: raisedQuotas(), ...(threads ? { threads } : {}) });
        const planSeconds = (performance.now() - start) / 1000;
        const document = { ...planned, tenants: planned.tenants.map((plan) => ({ ...plan, cost: estimateStack(plan) })) };
        const json = canonicalJson(document);
        const seconds = (performance.now() - start) / 1000;
        if (planned.errors.length > 0) {
            throw new MeasurementError(`the plan has ${planned.errors.length} error(s), e.g. ${planned.errors[0]!.message}`);
        }
        // The policy rules, timed apart: tenant-isolation-markers compares every stack with every
        // other one, which grows with the square of the fleet (see bench/README.md).
        let policy = "policies not timed above 100 tenants";
        if (fleet.tenants.length <= POLICY_TIMED_UP_TO) {
            const policyStart = performance.now();
            const checked = withViolations({ ...planned, version: PLAN_VERSION as typeof PLAN_VERSION });
            const violations = checked.tenants.reduce((sum, plan) => sum + plan.violations.length, 0);
            policy = `policies ${((performance.now() - policyStart) / 1000).toFixed(2)} s (${violations} violation(s))`;
        }
        const rules = awsRuleCheckCost(planned, fleet.tenants, planSeconds);
        return {
            seconds,
            resources: planned.tenants.reduce((sum, plan) => sum + plan.resources.length, 0),
            peakRssMiB: peakRssMiB(),
            note: `planFleet ${planSeconds.toFixed(2)} s, cost + JSON ${(seconds - planSeconds).toFixed(2)} s (${(json.length / 2 ** 20).toFixed(0)} MiB); ${policy}; ${rules}`,
        };
    }
    if (task === "diff") {
        const variant = changedProgram();
        try {
            const base = require("../scripts/lib/plan/fleet") as typeof import("../scripts/lib/plan/fleet");
            // The same modules from the changed copy; @pulumi/pulumi resolves to the one runtime.
            const head = require(path.join(variant, "scripts", "lib", "plan", "fleet.ts")) as typeof base;
            const { diffPlans } = require("../scripts/lib/plan/diff/stacks") as typeof import("../scripts/lib/plan/diff/stacks");
            const { blastRadius } = require("../scripts/lib/plan/diff/blast-radius") as typeof import("../scripts/lib/plan/diff/blast-radius");
            const options = { tenants: fleet.tenants, platformRegions: regions, platforms, quotas: raisedQuotas(), ...(threads ? { threads } : {}) };
            const start = performance.now();
            const before = await base.planFleet(options);
            const after = await head.planFleet(options);
            const diffStart = performance.now();
            const entries = diffPlans(before, after);
            const groups = blastRadius(entries);
            const seconds = (performance.now() - start) / 1000;
            const changed = entries.filter((entry) => entry.diff.status === "changed").length;
            if (changed === 0) {
                throw new MeasurementError("the one-line change changed no stack; the benchmark's change no longer applies");
            }
            return {
                seconds,
                resources: [...before.tenants, ...after.tenants].reduce((sum, plan) => sum + plan.resources.length, 0),
                peakRssMiB: peakRssMiB(),
                note: `two plans ${((diffStart - start) / 1000).toFixed(2)} s, diff ${((performance.now() - diffStart) / 1000).toFixed(2)} s; ${changed} stack(s) changed, widest change in ${groups[0]?.tenants.length ?? 0}`,
            };
        } finally {
            fs.rmSync(variant, { recursive: true, force: true });
        }
    }
    throw new UsageError(`unknown task "${task}"`);
}

/** The shared component line the diff task changes: every tenant's and platform's keys rotate twice as often. */
export const ONE_LINE_CHANGE = {
    file: "components/encryption-keys.ts",
    from: "args.rotationPeriodInDays ?? 365",
    to: "args.rotationPeriodInDays ?? 180",
} as const;

/** A copy of the program with {@link ONE_LINE_CHANGE} applied (node_modules linked, not copied). */
function changedProgram(): string {
    const copy = projectCopy({ prefix: "bench-variant-", copy: ["components", "stacks", "scripts", "policy", "tenant-configs", "platform-configs", "Pulumi.yaml", "package.json", "tsconfig.json"] });
    const file = path.join(copy, ONE_LINE_CHANGE.file);
    const text = fs.readFileSync(file, "utf8");
    if (!text.includes(ONE_LINE_CHANGE.from)) {
        throw new MeasurementError(`${ONE_LINE_CHANGE.file} no longer contains "${ONE_LINE_CHANGE.from}"; update ONE_LINE_CHANGE in bench/tasks.ts`);
    }
    fs.writeFileSync(file, text.replace(ONE_LINE_CHANGE.from, ONE_LINE_CHANGE.to));
    return copy;
}
