// The offboarding half of `npm run destroy`, pure: which resources hold deletion protection (from
// the stack's exported state), the record of the final backup that lifts it (lib/promises/offboarding.ts),
// and what a failed `pulumi stack select` means.

import { StackNotFoundError } from "@pulumi/pulumi/automation";

import { FinalBackupRecord, isRecoveryPointArn } from "../../../lib/promises/offboarding";
import type { FinishedBackup } from "./backup";
import { firstLine } from "./rollout";

/**
 * The resource types the program gives deletion protection (components/database.ts, front-door.ts):
 * the only targets of the update that lifts it. The physical DatabaseServer and the servers set no
 * termination protection (`disableApiTermination`), so they need none.
 */
export const PROTECTED_TYPES = ["aws:rds/instance:Instance", "aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"] as const;

/** The URNs of the protected resources in an exported deployment (`stack.exportStack()`), in state order. */
export function protectedUrns(deployment: unknown): string[] {
    const resources = (deployment as { deployment?: { resources?: unknown } } | undefined)?.deployment?.resources;
    if (!Array.isArray(resources)) {
        return [];
    }
    return resources
        .filter((resource): resource is { urn: string; type: string; delete?: boolean } => typeof resource?.urn === "string" && typeof resource?.type === "string")
        .filter((resource) => (PROTECTED_TYPES as readonly string[]).includes(resource.type) && resource.delete !== true)
        .map((resource) => resource.urn);
}

/**
 * The record that lifts protection, from the final backup's finished jobs: refused (the problems)
 * unless every job returned a recovery point ARN, so protection is never lifted on a backup that is
 * not confirmed.
 */
export function finalBackupRecord(backups: readonly FinishedBackup[], completedAt: Date): { record: FinalBackupRecord } | { problems: string[] } {
    const problems = backups.filter((backup) => !isRecoveryPointArn(backup.recoveryPointArn)).map((backup) => `the ${backup.label} job ${backup.jobId} reported ${JSON.stringify(backup.recoveryPointArn)}, not a recovery point ARN`);
    if (backups.length === 0) {
        problems.push("no backup job finished");
    }
    if (problems.length > 0) {
        return { problems };
    }
    return { record: { completedAt: completedAt.toISOString(), recoveryPoints: Object.fromEntries(backups.map((backup) => [backup.label, backup.recoveryPointArn])) } };
}

export type SelectFailure = { readonly kind: "no-stack" | "login" | "network" | "other"; readonly detail: string };

/** The CLI says the backend refused who we are: an expired or missing token, or expired cloud credentials of a self-managed backend. */
const LOGIN = /\[40[13]\]|\bunauthori[sz]ed\b|\bforbidden\b|access token|PULUMI_ACCESS_TOKEN|not logged in|pulumi login|\bexpired\b|ExpiredToken|InvalidAccessKeyId|SignatureDoesNotMatch|InvalidClientTokenId|NoCredentialProviders|no valid credential/i;
/** The backend could not be reached at all. */
const NETWORK = /dial tcp|no such host|connection refused|connection reset|i\/o timeout|context deadline exceeded|TLS handshake|network is unreachable|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/i;

/**
 * What a failed `pulumi stack select` means: "no-stack" only for the Automation API's own
 * StackNotFoundError (the CLI's "no stack named '<name>' found", matched by
 * @pulumi/pulumi/automation/errors.js); a refused login or an unreachable backend otherwise, or
 * something else. `detail` is the CLI's error line.
 */
export function classifySelectFailure(error: unknown): SelectFailure {
    const detail = firstLine(error);
    if (error instanceof StackNotFoundError) {
        return { kind: "no-stack", detail };
    }
    const stderr = (error as { commandResult?: { stderr?: unknown } } | undefined)?.commandResult?.stderr;
    const text = typeof stderr === "string" && stderr !== "" ? stderr : error instanceof Error ? error.message : String(error);
    if (LOGIN.test(text)) {
        return { kind: "login", detail };
    }
    if (NETWORK.test(text)) {
        return { kind: "network", detail };
    }
    return { kind: "other", detail };
}

/**
 * One line for the operator: what failed, the CLI's own line, and what to do. `step`: what the
 * failed command did to the stack, "selected" (`pulumi stack select`) or "read" (its outputs or
 * state, after it was selected).
 */
export function describeSelectFailure(failure: SelectFailure, stack: string, backend: string, step: "selected" | "read" = "selected"): string {
    switch (failure.kind) {
        case "no-stack":
            return `there is no stack "${stack}" in the current backend (${backend})`;
        case "login":
            return `the Pulumi backend (${backend}) refused the login, so stack "${stack}" could not be read (${failure.detail}): log in again (\`pulumi login\`, or a fresh PULUMI_ACCESS_TOKEN; for a self-managed backend, fresh cloud credentials), then run destroy again`;
        case "network":
            return `the Pulumi backend (${backend}) could not be reached, so stack "${stack}" could not be read (${failure.detail}): check the network, a proxy or VPN, and the backend URL (PULUMI_BACKEND_URL), then run destroy again`;
        case "other":
            return `stack "${stack}" could not be ${step} (${failure.detail}): see the log for the CLI's whole output`;
        default: {
            const never: never = failure.kind;
            throw new Error(`unknown select failure ${String(never)}`);
        }
    }
}
