// Imported first by the entry points of the offline plan's processes and threads (the plan, policy,
// evidence and validate commands, the plan's worker threads, the benchmark), before anything loads
// @pulumi/pulumi: see deferred-modules.ts.

import { deferUnusedPulumiModules } from "./deferred-modules";

deferUnusedPulumiModules();
