// Before any test file: the program built into dist/ (what Pulumi's host runs and the entry tests
// load), unless dist/ already holds a build of these sources. Built once here so that no two test
// files rewrite dist/ at the same time.
import { ensureBuilt } from "../scripts/build";

export default function setup(): void {
    const result = ensureBuilt();
    if (result.errors.length > 0) {
        throw new Error(`the program does not compile, so no test can load it:\n${result.errors.join("\n")}`);
    }
}
