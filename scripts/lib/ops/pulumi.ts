// The Pulumi side of the stack operations, through the Automation API over the project's own
// program (Pulumi.yaml at the repository root), and the check that the CLIs exist at all.

import * as path from "node:path";

import { EngineEvent, LocalWorkspace, Stack, StackNotFoundError } from "@pulumi/pulumi/automation";
import type { Logger } from "pino";
import { $ } from "zx";

import { repoRoot } from "../../../stacks/config/project";

/** The policy pack every update runs under: policy/ of the project. */
export function policyPack(): string {
    return path.join(repoRoot(), "policy");
}

/** A tool the operations need is not on PATH: one line that says how to get it; exit 2. */
export class MissingToolError extends Error {}

export const INSTALL_HINTS = {
    pulumi: "the Pulumi CLI (`pulumi`) is not on PATH: install it (https://www.pulumi.com/docs/install/, e.g. `curl -fsSL https://get.pulumi.com | sh`), then run this again",
    aws: "the AWS CLI (`aws`) is not on PATH; destroy needs it for the final backup: install it (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html), then run this again",
} as const;

/** Runs `<tool> <versionArgs>` and returns what it printed; MissingToolError when it is not installed. */
export async function requireTool(tool: keyof typeof INSTALL_HINTS, versionArgs: string[]): Promise<string> {
    const result = await $({ nothrow: true, quiet: true })`${tool} ${versionArgs}`;
    // 127: the shell found no such command; 126: found but not executable.
    if (result.exitCode === 127 || result.exitCode === 126) {
        throw new MissingToolError(INSTALL_HINTS[tool]);
    }
    if (result.exitCode !== 0) {
        // Killed by a signal there is no exit code ("exit null"); a tool may say why on stdout only.
        const how = result.exitCode === null ? `was killed by ${result.signal ?? "a signal"}` : `failed (exit ${result.exitCode})`;
        const said = (result.stderr.trim() || result.stdout.trim()).split("\n")[0] ?? "";
        throw new MissingToolError(`\`${tool} ${versionArgs.join(" ")}\` ${how}${said === "" ? "" : `: ${said}`}`);
    }
    return `${result.stdout}${result.stderr}`.trim().split("\n")[0] ?? "";
}

/** A stack and the AWS region its provider config (`aws:region`) names. */
export interface StackTarget {
    readonly stack: string;
    readonly region: string;
}

/** Creates or selects the stack over the repository's program and sets its region. */
export async function prepareStack(target: StackTarget): Promise<Stack> {
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: target.stack, workDir: repoRoot() });
    await stack.setConfig("aws:region", { value: target.region });
    return stack;
}

/**
 * Selects an existing stack for a preview and sets its region; undefined when the backend has no
 * stack of that name (a new tenant): a preview is read-only, so it creates no stack (and writes no
 * Pulumi.<stack>.yaml for one); the rollout's `up` does. Any other refusal is thrown.
 */
export async function stackToPreview(target: StackTarget): Promise<Stack | undefined> {
    let stack: Stack;
    try {
        stack = await LocalWorkspace.selectStack({ stackName: target.stack, workDir: repoRoot() });
    } catch (error) {
        if (error instanceof StackNotFoundError) {
            return undefined;
        }
        throw error;
    }
    await stack.setConfig("aws:region", { value: target.region });
    return stack;
}

/** Selects an existing stack (never creates one: destroying a stack that does not exist is a mistake). */
export async function existingStack(name: string): Promise<Stack> {
    return LocalWorkspace.selectStack({ stackName: name, workDir: repoRoot() });
}

/** Plain values of a stack's outputs (secrets included, for the script's own use only: never logged). */
export async function outputValues(stack: Stack): Promise<Record<string, unknown>> {
    const outputs = await stack.outputs();
    return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
}

/** Streams the CLI's output and the engine's events of one stack to the log. */
export function progress(log: Logger): { onOutput: (out: string) => void; onEvent: (event: EngineEvent) => void } {
    let pending = "";
    return {
        onOutput: (out) => {
            const lines = (pending + out).split("\n");
            pending = lines.pop() ?? "";
            for (const line of lines) {
                if (line.trim().length > 0) {
                    log.info({ event: "output" }, line.trimEnd());
                }
            }
        },
        onEvent: (event) => {
            if (event.resourcePreEvent && event.resourcePreEvent.metadata.op !== "same") {
                const { op, urn, type } = event.resourcePreEvent.metadata;
                log.debug({ event: "resource", op, type, urn }, `${op} ${type}`);
            } else if (event.diagnosticEvent && ["error", "warning"].includes(event.diagnosticEvent.severity)) {
                const diagnostic = event.diagnosticEvent;
                log[diagnostic.severity === "error" ? "error" : "warn"]({ event: "diagnostic", urn: diagnostic.urn }, diagnostic.message.trim());
            } else if (event.policyEvent) {
                const policy = event.policyEvent;
                log.warn({ event: "policy", policy: policy.policyName, enforcement: policy.enforcementLevel, urn: policy.resourceUrn }, policy.message.trim());
            } else if (event.summaryEvent) {
                log.info({ event: "summary", changes: event.summaryEvent.resourceChanges, seconds: event.summaryEvent.durationSeconds }, "engine summary");
            }
        },
    };
}
