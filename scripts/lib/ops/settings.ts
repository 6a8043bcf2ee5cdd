// Settings of the stack operations: the environment, completed (never overridden) by an optional
// `.env` at the repository root. `.env.example` documents every variable.

import * as path from "node:path";

import * as dotenv from "dotenv";

import { repoRoot } from "../../../stacks/config/project";
import { UsageError } from "../cli";

export interface OpsSettings {
    /**
     * PULUMI_BACKEND_URL as logs and messages show it (Pulumi reads the variable itself), its
     * password masked (`postgres://user:***@host/db`): CI keeps it a secret and uploads the log.
     * Unset: the CLI's own login (`pulumi login`) applies.
     */
    readonly backendUrl: string | undefined;
    /** AWS_PROFILE: the credentials the Pulumi program and the AWS CLI use; unset, the default chain. */
    readonly awsProfile: string | undefined;
    /** STACK_PARALLEL: stacks run at once by `--all` without `--parallel`. Default 1. */
    readonly stackParallel: number;
    /** PULUMI_PARALLEL: resource operations at once inside one stack. Default: the CLI's own. */
    readonly resourceParallel: number | undefined;
    /** LOG_FILE: JSON logs go there instead of stderr. */
    readonly logFile: string | undefined;
    /** LOG_LEVEL: pino level. Default info. */
    readonly logLevel: string;
    /** BACKUP_POLL_SECONDS: how often a final backup job is checked. Default 30. */
    readonly backupPollSeconds: number;
    /** BACKUP_TIMEOUT_MINUTES: how long destroy waits for the final backups. Default 720 (12 h). */
    readonly backupTimeoutMinutes: number;
}

/**
 * Loads `<repo>/.env` into `env` for the variables `env` does not already set. An empty value
 * (`AWS_PROFILE=`, as .env.example ships it) means unset, as the settings read it: set to "" it
 * would reach the CLIs, and the AWS CLI looks for a profile named "" ("The config profile () could
 * not be found"), failing destroy's final backup.
 */
export function loadDotenv(env: NodeJS.ProcessEnv = process.env, file: string = path.join(repoRoot(), ".env")): void {
    const parsed: Record<string, string> = {};
    dotenv.config({ path: file, quiet: true, processEnv: parsed });
    for (const [name, value] of Object.entries(parsed)) {
        if (value !== "" && env[name] === undefined) {
            env[name] = value;
        }
    }
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number;
function whole(env: NodeJS.ProcessEnv, name: string, fallback: undefined, min: number): number | undefined;
function whole(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined, min: number): number | undefined {
    const raw = env[name];
    if (raw === undefined || raw === "") {
        return fallback;
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
        throw new UsageError(`${name} is "${raw.slice(0, 40)}": expected a whole number of at least ${min}`);
    }
    return value;
}

/** A URL with its password, if any, replaced by `***`; anything else as it is. */
export function withoutPassword(url: string): string {
    try {
        const parsed = new URL(url);
        if (parsed.password === "") {
            return url;
        }
        parsed.password = "***";
        return parsed.toString();
    } catch {
        return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/i, "$1:***@");
    }
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): OpsSettings {
    const level = env.LOG_LEVEL || "info";
    if (!["trace", "debug", "info", "warn", "error", "fatal", "silent"].includes(level)) {
        throw new UsageError(`LOG_LEVEL is "${level.slice(0, 40)}": expected trace, debug, info, warn, error, fatal or silent`);
    }
    return {
        backendUrl: env.PULUMI_BACKEND_URL ? withoutPassword(env.PULUMI_BACKEND_URL) : undefined,
        awsProfile: env.AWS_PROFILE || undefined,
        stackParallel: whole(env, "STACK_PARALLEL", 1, 1),
        resourceParallel: whole(env, "PULUMI_PARALLEL", undefined, 1),
        logFile: env.LOG_FILE || undefined,
        logLevel: level,
        backupPollSeconds: whole(env, "BACKUP_POLL_SECONDS", 30, 0),
        backupTimeoutMinutes: whole(env, "BACKUP_TIMEOUT_MINUTES", 720, 1),
    };
}
