// A worker thread running one of the plan's modules, whatever the parent runs under (tsx, vitest,
// plain node over the compiled build): TypeScript sources are loaded through tsx's require hook.

import * as path from "node:path";
import { Worker, WorkerOptions } from "node:worker_threads";

/**
 * Starts the module `name` (no extension) of the folder `dir` in a worker thread, with the
 * extension of `caller` (`__filename` of the module asking: `.ts` under tsx or vitest, `.js` built).
 */
export function startModuleWorker(dir: string, name: string, caller: string, options: Omit<WorkerOptions, "eval"> = {}): Worker {
    const extension = path.extname(caller);
    const entry = path.join(dir, `${name}${extension}`);
    const bootstrap = `${extension === ".ts" ? 'require("tsx/cjs/api").register();\n' : ""}require(${JSON.stringify(entry)});`;
    return new Worker(bootstrap, { execArgv: [], ...options, eval: true });
}
