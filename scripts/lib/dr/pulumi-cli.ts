// The Pulumi CLI as `dr` uses it: stack outputs (never --show-secrets), config of the recovery
// stacks, and updates and destroys that refuse any stack but a recovery environment or a drill
// copy, so no path of `dr` can update or destroy production.

import type { Logger } from "pino";
import { $ } from "zx";

import { repoRoot } from "../../../stacks/config/project";
import { INSTALL_HINTS, MissingToolError } from "../ops/pulumi";
import { isChangeableByDr } from "./targets";

/** A CLI call that failed: its command line and the CLI's last words. */
export class PulumiError extends Error {}

export interface PulumiCli {
    /** True when the stack exists in the backend. */
    exists(stack: string): Promise<boolean>;
    /** `pulumi stack output --json` (secrets stay `[secret]`). */
    outputs(stack: string): Promise<string>;
    setConfig(stack: string, key: string, value: string): Promise<void>;
    /** A new stack whose config is a copy of `from`'s (the drill copy of a recovery stack). */
    copyStack(from: string, to: string): Promise<void>;
    up(stack: string): Promise<void>;
    destroy(stack: string): Promise<void>;
}

function lastLine(text: string): string {
    return text.trim().split("\n").filter((line) => line.trim().length > 0).pop() ?? "";
}

/**
 * The CLI's arguments with `--non-interactive` (before a `--` that ends its flags): its output is
 * captured, so a prompt (a passphrase-secured backend without PULUMI_CONFIG_PASSPHRASE, a login)
 * would wait for an answer to a question nobody sees; with it the CLI fails and says why.
 */
function nonInteractive(args: readonly string[]): string[] {
    const end = args.indexOf("--");
    return end < 0 ? [...args, "--non-interactive"] : [...args.slice(0, end), "--non-interactive", ...args.slice(end)];
}

/** The real CLI, run in the repository (Pulumi.yaml), with the policy pack on every update; never prompts. */
export function pulumiCli(log: Logger, cwd: string = repoRoot()): PulumiCli {
    const call = async (args: string[], options: { allowFailure?: boolean } = {}): Promise<{ ok: boolean; stdout: string; stderr: string }> => {
        const result = await $({ nothrow: true, quiet: true, cwd })`pulumi ${nonInteractive(args)}`;
        if (result.exitCode === 127 || result.exitCode === 126) {
            throw new MissingToolError(INSTALL_HINTS.pulumi);
        }
        // Killed by a signal there is no exit code (and often no last words): say which signal.
        if (result.exitCode === null) {
            throw new PulumiError(`pulumi ${args.join(" ")} was killed by ${result.signal ?? "a signal"}${lastLine(result.stderr) || lastLine(result.stdout) ? `: ${lastLine(result.stderr) || lastLine(result.stdout)}` : ""}`);
        }
        if (result.exitCode !== 0 && !options.allowFailure) {
            throw new PulumiError(`pulumi ${args.join(" ")} failed (exit ${result.exitCode}): ${lastLine(result.stderr) || lastLine(result.stdout)}`);
        }
        return { ok: result.exitCode === 0, stdout: result.stdout, stderr: result.stderr };
    };
    const guard = (operation: string, stack: string): void => {
        if (!isChangeableByDr(stack)) {
            // A defect, never a user's mistake: dr's steps only ever name recovery and drill stacks.
            throw new Error(`dr refuses to ${operation} ${stack}: it only changes recovery environments and drill copies, never production`);
        }
    };
    return {
        // Read, not selected: `stack select` would change the workspace's current stack under the
        // operator's feet. Only the CLI's "no stack named" is an absent stack; a refused login or
        // an unreachable backend is an error, never taken for "not deployed".
        exists: async (stack) => {
            const result = await call(["stack", "output", "--json", "--stack", stack], { allowFailure: true });
            if (result.ok) {
                return true;
            }
            if (/no stack named/i.test(result.stderr)) {
                return false;
            }
            throw new PulumiError(`pulumi stack output --stack ${stack} failed: ${lastLine(result.stderr) || lastLine(result.stdout)}`);
        },
        outputs: async (stack) => (await call(["stack", "output", "--json", "--stack", stack])).stdout,
        setConfig: async (stack, key, value) => {
            guard("configure", stack);
            await call(["config", "set", key, "--stack", stack, "--", value]);
        },
        copyStack: async (from, to) => {
            guard("create", to);
            await call(["stack", "init", to, "--copy-config-from", from]);
        },
        up: async (stack) => {
            guard("update", stack);
            log.info({ event: "pulumi", op: "up", stack }, `pulumi up --stack ${stack}`);
            await call(["up", "--stack", stack, "--yes", "--skip-preview", "--policy-pack", "policy"]);
        },
        destroy: async (stack) => {
            guard("destroy", stack);
            log.info({ event: "pulumi", op: "destroy", stack }, `pulumi destroy --stack ${stack}`);
            await call(["destroy", "--stack", stack, "--yes", "--skip-preview"]);
            await call(["stack", "rm", stack, "--yes"]);
        },
    };
}
