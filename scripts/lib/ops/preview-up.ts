// npm run preview|up: the stacks of the request in rollout order, each previewed or updated through
// Pulumi's Automation API with the policy pack; a tenant whose file says status: offboarding is
// offboarded instead, by destroy's own code (destroy.ts).

import * as path from "node:path";

import type { Logger } from "pino";

import { platformRegionOf, recoveryTargetOf } from "../../../lib/platform";
import { claimCacheFile } from "../../../stacks/config/claims";
import { loadFleetDirectory, loadFleetFilesAgainstDirectory } from "../../../stacks/config/load-fleet";
import { repoRoot, tenantConfigDir } from "../../../stacks/config/project";
import { formatProblem } from "../../../stacks/config/validate";
import { EXIT, writeStdout } from "../cli";
import { offboard } from "./destroy";
import { policyPack, prepareStack, progress, requireTool, StackTarget, stackToPreview } from "./pulumi";
import { OpsRequest } from "./request";
import { chunks, RolloutOutcome, rolloutPlan, RolloutWave, runRollout } from "./rollout";
import { OpsSettings } from "./settings";
import { recoverySideRegion, stackRegion, Unresolved } from "./stack-regions";

/** `offboarding`: the tenants whose file says `status: offboarding`, which up destroys (the same code as destroy). */
type Targets = { ok: true; waves: RolloutWave[]; regions: Map<string, string>; offboarding: Set<string> } | { ok: false; message: string };

/** The stacks of the request, their regions and the order to run them in; tenant files are validated first. */
export function resolveTargets(request: OpsRequest, parallel: number): Targets {
    if (request.waves !== undefined) {
        return resolveWaves(request.waves);
    }
    if (request.all) {
        const fleet = loadFleetDirectory();
        if (fleet.problems.length > 0) {
            return { ok: false, message: `the tenant files are invalid; nothing was run:\n${fleet.problems.map(formatProblem).join("\n")}` };
        }
        const regions = new Map<string, string>(fleet.tenants.map((tenant) => [tenant.id, tenant.region]));
        for (const region of new Set(fleet.tenants.map((tenant) => tenant.region))) {
            regions.set(`platform-${region}`, region);
        }
        const offboarding = new Set(fleet.tenants.filter((tenant) => tenant.status === "offboarding").map((tenant) => tenant.id));
        return { ok: true, waves: rolloutPlan(fleet.tenants, parallel), regions, offboarding };
    }
    const regions = new Map<string, string>();
    const offboarding = new Set<string>();
    for (const stack of request.stacks) {
        const resolved = stackRegion(stack);
        if (!resolved.ok) {
            return { ok: false, message: nothingRun(resolved) };
        }
        regions.set(stack, resolved.region);
        if (resolved.tenant?.status === "offboarding") {
            offboarding.add(stack);
        }
    }
    // Named platform stacks still go before the tenants that read their outputs, and a recovery
    // environment or drill copy after every production stack (it reads its production's outputs).
    const rank = (stack: string): number => (platformRegionOf(stack) !== undefined ? 0 : recoveryTargetOf(stack) === undefined ? 1 : 2);
    const ordered = [0, 1, 2].flatMap((r) => request.stacks.filter((stack) => rank(stack) === r));
    return { ok: true, waves: chunks([...new Set(ordered)], parallel).map((stacks) => ({ stage: "fleet" as const, stacks })), regions, offboarding };
}

/**
 * `--waves`: exactly the given waves, in the given order (a CI batch of rolloutPlan's waves, which
 * already put platforms, canaries, fleet and offboarding in order). The tenant files are read and
 * validated against the folder together, once: a batch of a large fleet names dozens of tenants.
 */
function resolveWaves(given: readonly (readonly string[])[]): Targets {
    const regions = new Map<string, string>();
    const offboarding = new Set<string>();
    const stacks = given.flat();
    const tenantStacks = stacks.filter((stack) => platformRegionOf(stack) === undefined && recoveryTargetOf(stack) === undefined);
    const fleet = loadFleetFilesAgainstDirectory(
        tenantStacks.map((stack) => path.join(tenantConfigDir(), `${stack}.yaml`)),
        { claimCache: claimCacheFile() },
    );
    const missing = fleet.problems.filter((problem) => problem.message === "no such file").map((problem) => path.basename(problem.file, ".yaml"));
    if (missing.length > 0) {
        return { ok: false, message: `no tenant ${missing.map((stack) => `"${stack}"`).join(", ")}: no such file in tenant-configs/ (platform stacks are named platform-<region>, recovery environments <tenant>-recovery, drill copies <tenant>-drill); nothing was run` };
    }
    if (fleet.problems.length > 0) {
        return { ok: false, message: `the tenant files are invalid; nothing was run:\n${fleet.problems.map(formatProblem).join("\n")}` };
    }
    const tenants = new Map(fleet.tenants.map((tenant) => [tenant.id, tenant]));
    for (const stack of stacks) {
        const platformRegion = platformRegionOf(stack);
        const recoverySide = recoveryTargetOf(stack);
        if (platformRegion !== undefined) {
            regions.set(stack, platformRegion);
        } else if (recoverySide !== undefined) {
            const resolved = recoverySideRegion(stack, recoverySide.production);
            if (!resolved.ok) {
                return { ok: false, message: nothingRun(resolved) };
            }
            regions.set(stack, resolved.region);
        } else {
            const tenant = tenants.get(stack);
            if (tenant === undefined) {
                return { ok: false, message: `tenant file of ${stack} is invalid; nothing was run` };
            }
            regions.set(stack, tenant.region);
            if (tenant.status === "offboarding") {
                offboarding.add(stack);
            }
        }
    }
    const stageOf = (wave: readonly string[]): RolloutWave["stage"] =>
        wave.every((stack) => platformRegionOf(stack) !== undefined) ? "platform" : wave.every((stack) => offboarding.has(stack)) ? "offboarding" : "fleet";
    return { ok: true, waves: given.map((wave) => ({ stage: stageOf(wave), stacks: [...wave] })), regions, offboarding };
}

/** The message of a request refused for one stack it names. */
function nothingRun(unresolved: Unresolved): string {
    return `${unresolved.message}; nothing was run${unresolved.problems === "" ? "" : `:${unresolved.problems}`}`;
}

/** The equivalent CLI commands, for --dry-run. */
function describeOperation(command: "preview" | "up", target: StackTarget, settings: OpsSettings): string {
    const parallel = settings.resourceParallel ? ` --parallel ${settings.resourceParallel}` : "";
    const flags = command === "preview" ? " --diff" : " --yes";
    return `pulumi config set aws:region ${target.region} --stack ${target.stack} && pulumi ${command} --stack ${target.stack} --policy-pack policy${flags}${parallel}`;
}

/** The --dry-run line of an offboarding tenant: the destroy's own steps, without asking (the file's status confirms). */
function describeOffboard(command: "preview" | "up", stack: string): string {
    return command === "up"
        ? `npm run destroy -- ${stack} --yes (status: offboarding: final backup, deletion protection lifted, destroy; vaults, keys and backups kept)`
        : `npm run destroy -- ${stack} --dry-run (status: offboarding: the steps the rollout of main will run; nothing changes)`;
}

/** The summary; `newStacks`: the stacks a preview found missing from the backend, counted apart from the succeeded. */
function renderOutcome(command: string, outcome: RolloutOutcome, newStacks: ReadonlySet<string>): string {
    const total = outcome.succeeded.length + outcome.failed.length + outcome.notStarted.length;
    const succeeded = outcome.succeeded.filter((stack) => !newStacks.has(stack));
    const fresh = outcome.succeeded.filter((stack) => newStacks.has(stack));
    const counted = fresh.length > 0 ? `, ${fresh.length} new (not previewed)` : "";
    const lines = [`${command}: ${succeeded.length} succeeded, ${outcome.failed.length} failed, ${outcome.notStarted.length} not started${counted} (of ${total} stacks)`];
    if (succeeded.length > 0) {
        lines.push(`  succeeded:   ${succeeded.join(", ")}`);
    }
    if (fresh.length > 0) {
        lines.push(`  new:         ${fresh.join(", ")}: no such stack in the backend yet; a preview creates none (npm run up -- STACK does; its offline plan: npm run plan -- STACK)`);
    }
    for (const failure of outcome.failed) {
        lines.push(`  failed:      ${failure.stack}: ${failure.error}`);
    }
    if (outcome.notStarted.length > 0) {
        lines.push(`  not started: ${outcome.notStarted.join(", ")}`);
    }
    if (command === "up" && outcome.failed.length + outcome.notStarted.length > 0) {
        lines.push("The failed stacks may be partly updated (see the log); the stacks not started were not touched.");
    }
    if (command === "preview") {
        lines.push("A preview changes no infrastructure.");
    }
    return `${lines.join("\n")}\n`;
}
export async function previewOrUp(command: "preview" | "up", request: OpsRequest, settings: OpsSettings, log: Logger): Promise<number> {
    const parallel = request.parallel ?? settings.stackParallel;
    const targets = resolveTargets(request, parallel);
    if (!targets.ok) {
        log.error({ event: "refused" }, targets.message.split("\n")[0]!);
        await writeStdout(`${targets.message}\n`);
        return EXIT.invalid;
    }
    const target = (stack: string): StackTarget => ({ stack, region: targets.regions.get(stack)! });
    if (request.dryRun) {
        const describe = (stack: string): string => (targets.offboarding.has(stack) ? describeOffboard(command, stack) : describeOperation(command, target(stack), settings));
        const lines = targets.waves.map((wave, index) => `wave ${index + 1} (${wave.stage}):\n${wave.stacks.map((stack) => `  ${describe(stack)}`).join("\n")}`);
        await writeStdout(`${lines.join("\n")}\ndry run: nothing was ${command === "up" ? "deployed" : "previewed"}.\n`);
        return EXIT.ok;
    }
    if (command === "up" && targets.offboarding.size > 0) {
        // The final backups need the AWS CLI: missing, nothing starts (exit 2), as for destroy.
        await requireTool("aws", ["--version"]);
    }
    // What each offboarding printed (destroyed, kept, the final backups), after the summary.
    const reports: string[] = [];
    // The stacks a preview found missing from the backend (new tenants), reported apart.
    const newStacks = new Set<string>();
    log.info({ event: "rollout", waves: targets.waves, offboarding: [...targets.offboarding], parallel, backend: settings.backendUrl ?? "(pulumi login)", awsProfile: settings.awsProfile ?? "(default)" }, `${command} of ${targets.regions.size} stack(s)`);
    const outcome = await runRollout(
        targets.waves,
        async (name) => {
            const stackLog = log.child({ stack: name });
            const { region } = target(name);
            stackLog.info({ event: "start", op: command, region }, `${command} started`);
            if (targets.offboarding.has(name)) {
                // status: offboarding. up destroys it with destroy's own code, without asking: the
                // merged file is the confirmation. preview shows those steps and changes nothing.
                const result = await offboard(name, settings, log, { dryRun: command === "preview", goneIsDone: true });
                reports.push(command === "preview" ? `${name} (status: offboarding), on the next up:\n${result.report}` : result.report);
                if (!result.ok) {
                    stackLog.error({ event: "failed", op: "offboard" }, "offboarding failed");
                    throw new Error(result.report.split("\n")[0]);
                }
                stackLog.info({ event: "done", op: command === "up" ? "offboard" : command }, command === "up" ? "offboarded" : "offboarding previewed");
                return;
            }
            try {
                const options = { policyPacks: [policyPack()], parallel: settings.resourceParallel, ...progress(stackLog) };
                if (command === "preview") {
                    const stack = await stackToPreview(target(name));
                    if (stack === undefined) {
                        newStacks.add(name);
                        stackLog.info({ event: "new", op: command }, "no such stack in the backend yet: not created by a preview");
                        return;
                    }
                    const result = await stack.preview({ ...options, diff: true });
                    stackLog.info({ event: "done", op: command, changes: result.changeSummary }, "preview finished");
                } else {
                    const stack = await prepareStack(target(name));
                    const result = await stack.up(options);
                    if (result.summary.result !== "succeeded") {
                        throw new Error(`error: the update ended "${result.summary.result}"`);
                    }
                    stackLog.info({ event: "done", op: command, changes: result.summary.resourceChanges }, "update succeeded");
                }
            } catch (error) {
                stackLog.error({ event: "failed", op: command, error: (error as Error).message }, `${command} failed`);
                throw error;
            }
        },
        { continueOnFailure: command === "preview" },
    );
    log.info({ event: "outcome", ...outcome, ...(newStacks.size > 0 ? { new: [...newStacks] } : {}) }, `${command} finished`);
    await writeStdout(`${renderOutcome(command, outcome, newStacks)}${reports.join("")}`);
    return outcome.failed.length > 0 ? EXIT.invalid : EXIT.ok;
}
