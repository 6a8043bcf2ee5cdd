// The functional check: the request the 5-minute availability check makes (components/
// availability-check.ts: GET the login page over HTTPS, healthy only on 200), against any endpoint.

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
