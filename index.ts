// Pulumi's entry point (Pulumi.yaml `main`). The host calls the exported function and awaits it;
// the stack name decides what runs (see stacks/index.ts).
import { stackProgram } from "./stacks";

export = async () => stackProgram();
