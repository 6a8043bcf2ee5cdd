// Pulumi's entry point, run compiled (Pulumi.yaml `main: dist/index.js`, built by `npm run build`).
// The host calls the exported function and awaits it; the stack name decides what runs (see
// stacks/index.ts). A build older than its sources refuses to run (stacks/build-info.ts).
import { assertCurrentBuild } from "./stacks/build-info";
import { stackProgram } from "./stacks";

export = async () => {
    assertCurrentBuild(__filename);
    return stackProgram();
};
