// The functional check: the request the 5-minute availability check makes (components/
// availability-check.ts: GET the login page over HTTPS, healthy only on 200), against any endpoint;
// behind an internal door (VPN modes) the availability check's own canary, which runs inside.

import { DrAws } from "./aws";
import { DrContext, productionOutputs, recoveryOutputs } from "./context";
import { arnRegion, environmentUrls } from "./outputs";
import { formatDuration } from "./promise";

export const CHECK_PATH = "/login";

export type CheckResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly status?: number; readonly error: string };

export type FunctionalCheck = (url: string) => Promise<CheckResult>;

export function checkUrl(url: string): string {
    return `${url.replace(/\/+$/, "")}${CHECK_PATH}`;
}

/** The real check, with fetch; a network failure or a timeout is a failed check, never a throw. */
export function httpCheck(fetcher: typeof fetch = fetch, timeoutMs = 10_000): FunctionalCheck {
    return async (url) => {
        try {
            const response = await fetcher(checkUrl(url), { method: "GET", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
            return response.status === 200 ? { ok: true, status: 200 } : { ok: false, status: response.status, error: `answered ${response.status}` };
        } catch (error) {
            return { ok: false, error: (error as Error).message.split("\n")[0] ?? "request failed" };
        }
    };
}

/** Retries the check until it passes or `timeoutMs` passed on the context's clock. */
export async function checkUntil(check: FunctionalCheck, url: string, options: { now: () => Date; sleep: (ms: number) => Promise<void>; pollMs: number; timeoutMs: number }): Promise<{ result: CheckResult; attempts: number }> {
    const deadline = options.now().getTime() + options.timeoutMs;
    let attempts = 0;
    for (;;) {
        attempts += 1;
        const result = await check(url);
        if (result.ok || options.now().getTime() >= deadline) {
            return { result, attempts };
        }
        await options.sleep(options.pollMs);
    }
}

/** What the canary wait needs of the AWS side (scripts/lib/dr/aws.ts DrAws). */
export type CanaryApi = Pick<DrAws, "canaryState" | "startCanary" | "canaryRuns">;

/** Canary states StartCanary accepts (CloudWatch Synthetics StartCanary: a canary that is READY or STOPPED). */
const STARTABLE = new Set(["READY", "STOPPED"]);

export type CanaryCheckResult = { readonly ok: true; readonly run: string; readonly attempts: number; readonly startedCanary: boolean } | { readonly ok: false; readonly error: string; readonly attempts: number; readonly startedCanary: boolean };

/**
 * The functional check of an environment an operator cannot reach (an internal door): its own
 * availability canary, the very check the 5-minute availability check runs. Passes on a run that
 * STARTED at or after `since` (the step's start: an older run saw the environment before the
 * restore) and PASSED; starts the canary if it is not running; FAILED runs are retried until
 * `timeoutMs` (servers still starting); a canary in ERROR fails at once.
 */
export async function canaryCheck(
    api: CanaryApi,
    canary: { readonly region: string; readonly name: string },
    options: { since: Date; now: () => Date; sleep: (ms: number) => Promise<void>; pollMs: number; timeoutMs: number },
): Promise<CanaryCheckResult> {
    const deadline = options.now().getTime() + options.timeoutMs;
    let attempts = 0;
    let startedCanary = false;
    let lastFailure: string | undefined;
    for (;;) {
        attempts += 1;
        const state = await api.canaryState(canary.region, canary.name);
        if (state === "ERROR") {
            return { ok: false, attempts, startedCanary, error: `the canary ${canary.name} is in state ERROR: fix it (CloudWatch Synthetics) and resume` };
        }
        if (STARTABLE.has(state)) {
            await api.startCanary(canary.region, canary.name);
            startedCanary = true;
        }
        const fresh = (await api.canaryRuns(canary.region, canary.name)).filter((run) => run.startedAt !== undefined && run.startedAt.getTime() >= options.since.getTime());
        const passed = fresh.find((run) => run.state === "PASSED");
        if (passed !== undefined) {
            return { ok: true, run: passed.id, attempts, startedCanary };
        }
        const failed = fresh.find((run) => run.state === "FAILED");
        if (failed !== undefined) {
            lastFailure = `run ${failed.id} started ${failed.startedAt!.toISOString()} FAILED${failed.reason ? `: ${failed.reason}` : ""}`;
        }
        if (options.now().getTime() >= deadline) {
            const why = lastFailure ?? `no run started since ${options.since.toISOString()} finished (canary state ${state})`;
            return { ok: false, attempts, startedCanary, error: `no run of the canary ${canary.name} that started after the check began PASSED within ${Math.round(options.timeoutMs / 60_000)} min: ${why}` };
        }
        await options.sleep(options.pollMs);
    }
}

/**
 * Step 4 against an environment (the recovery stack or its drill copy), active: the HTTP check of
 * its `url` from here, or, behind an internal door, its availability canary. Throws when it fails;
 * the step's detail says which check ran, how often, and for how long.
 */
export async function environmentCheck(ctx: DrContext, stack: string): Promise<Record<string, unknown>> {
    const env = await recoveryOutputs(ctx, stack, { active: true });
    const began = ctx.now();
    if (env.internalDoor === true) {
        // The canary lives in the recovery stack, in the off-site region (where the restores land).
        const region = arnRegion((await productionOutputs(ctx)).offsiteBackupVaultArn);
        const result = await canaryCheck(ctx.aws, { region, name: env.checkCanaryName! }, { since: began, now: ctx.now, sleep: ctx.sleep, pollMs: ctx.pollMs, timeoutMs: ctx.checkTimeoutMs });
        const took = ctx.now().getTime() - began.getTime();
        ctx.log.info({ event: "canary-check", canary: env.checkCanaryName, ok: result.ok, attempts: result.attempts, startedCanary: result.startedCanary, ms: took }, `canary ${env.checkCanaryName}: ${result.ok ? "PASSED" : "not passed"} after ${result.attempts} poll(s)`);
        if (!result.ok) {
            throw new Error(`${stack}: ${result.error} (${result.attempts} poll(s), ${formatDuration(took)})`);
        }
        return { url: env.url, via: "canary", canary: env.checkCanaryName, run: result.run, attempts: result.attempts, startedCanary: result.startedCanary, ms: took };
    }
    // A platform: its own URL and each dedicated-saas tenant's (outputs.ts environmentUrls).
    const urls = environmentUrls(stack, env);
    const attemptsByUrl: Record<string, number> = {};
    for (const url of urls) {
        const { result, attempts } = await checkUntil(ctx.check, url, { now: ctx.now, sleep: ctx.sleep, pollMs: ctx.pollMs, timeoutMs: ctx.checkTimeoutMs });
        if (!result.ok) {
            throw new Error(`${url} fails the functional check after ${attempts} attempt(s) in ${formatDuration(ctx.now().getTime() - began.getTime())}: ${result.error}`);
        }
        attemptsByUrl[url] = attempts;
    }
    const took = ctx.now().getTime() - began.getTime();
    return { url: env.url, via: "http", attempts: attemptsByUrl[env.url!], ...(urls.length > 1 ? { urls: attemptsByUrl } : {}), ms: took };
}
