// @pulumi/pulumi captures `new Error().stack` for each of the four promises it makes per output
// property of every resource (`debuggablePromise`), for one use: the leak report, which prints
// those traces only when PULUMI_DEBUG_PROMISE_LEAKS is set. Measured under the language host (bench/README.md),
// that is about a third of evaluating one tenant. Unless that variable is set, the traces are
// captured empty; the leak report itself, and every other stack trace (errors of this program,
// the engine's source positions), are unchanged.

/** The variable with which Pulumi prints the stack traces of leaked promises. */
export const DEBUG_PROMISE_LEAKS = "PULUMI_DEBUG_PROMISE_LEAKS";

type DebuggablePromise = <T>(promise: Promise<T>, context: string) => Promise<T>;

interface DebuggableModule {
    debuggablePromise: DebuggablePromise & { withoutStackTrace?: true };
}

/**
 * Makes Pulumi's promise bookkeeping capture no stack trace, once per process, unless
 * PULUMI_DEBUG_PROMISE_LEAKS is set. An internal of @pulumi/pulumi (pinned by the exact dependency
 * version; its callers look it up on the module object at each call): left alone when it does not
 * have the shape expected. Returns whether the traces are off.
 */
export function withoutPromiseStackTraces(env: NodeJS.ProcessEnv = process.env): boolean {
    if (env[DEBUG_PROMISE_LEAKS]) {
        return false;
    }
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Partial<DebuggableModule>;
    const original = debuggable.debuggablePromise;
    if (typeof original !== "function") {
        return false;
    }
    if (original.withoutStackTrace) {
        return true;
    }
    const quiet = <T>(promise: Promise<T>, context: string): Promise<T> => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return original(promise, context);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
    debuggable.debuggablePromise = Object.assign(quiet, { withoutStackTrace: true as const });
    return true;
}
