import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { runCli } from "./cli-harness";
import { projectCopy } from "../bench/project-copy";
import { platformFileText } from "./fixtures/platform-configs";

const REPO = path.resolve(__dirname, "..");

/**
 * The fleet the command plans: a copy of the project whose tenant-configs/ holds these fixtures
 * (never the live folder, which sales ops change every day).
 */
const FLEET: Record<string, string> = {
    "acme.yaml":
        "tenant: acme\ncompany: ACME Corporation\nmode: vpn-sync\nregion: eu-west-1\ndomain:\n  own: itm.acme.com\nnetwork:\n  cidr: 10.40.0.0/16\n" +
        "vpn:\n  customerGatewayIp: 81.2.69.142\n  bgpAsn: 65010\n  corporateCidrs: [192.168.0.0/16]\n" +
        "identity:\n  directoryName: corp.acme.com\n  dnsIps: [192.168.10.10, 192.168.10.11]\n  serviceAccount: svc-itm\n",
    "globex.yaml": "tenant: globex\ncompany: Globex\nmode: cloud\nregion: us-east-1\ndomain:\n  subdomain: globex\nnetwork:\n  cidr: 10.20.0.0/16\n",
    "brightpath.yaml": "tenant: brightpath\ncompany: Brightpath\nmode: saas\nregion: eu-west-1\n",
};
const ROOT = projectCopy({ prefix: "plan-shard-cli-", copy: ["index.ts", "stacks", "components", "scripts", "policy", "Pulumi.yaml", "package.json", "tsconfig.json"] });
fs.mkdirSync(path.join(ROOT, "tenant-configs"));
// The project's platform settings: fixtures for the fleet's regions, with the editor's schema.
fs.mkdirSync(path.join(ROOT, "platform-configs"));
fs.copyFileSync(path.join(REPO, "platform-configs", "platform.schema.json"), path.join(ROOT, "platform-configs", "platform.schema.json"));
for (const region of ["eu-west-1", "us-east-1"]) {
    fs.writeFileSync(path.join(ROOT, "platform-configs", `${region}.yaml`), platformFileText(region));
}
fs.copyFileSync(path.join(REPO, "tenant-configs", "tenant.schema.json"), path.join(ROOT, "tenant-configs", "tenant.schema.json"));
for (const [file, text] of Object.entries(FLEET)) {
    fs.writeFileSync(path.join(ROOT, "tenant-configs", file), text);
}
afterAll(() => fs.rmSync(ROOT, { recursive: true, force: true }));

type PlanCli = [typeof import("../scripts/plan"), typeof import("../scripts/lib/cli")];
let loaded: Promise<PlanCli> | undefined;

/** `npm run plan -- ARGS` in the copy: its own scripts/plan.ts (its root is the copy's), main called in this process. */
async function plan(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    loaded ??= Promise.all([import(path.join(ROOT, "scripts", "plan.ts")), import(path.join(ROOT, "scripts", "lib", "cli.ts"))]) as Promise<PlanCli>;
    const [script, lib] = await loaded;
    return runCli("plan", () => script.main(args), { cwd: ROOT, exitCodeOf: lib.exitCodeOf });
}

/** What made a plan exit non-zero, for the failure message: its violations, or the start of its output. */

describe("npm run plan -- --shard and merge", () => {
    it("GIVEN the fleet planned in two shards WHEN merged THEN stdout is the unsharded plan's, JSON and summary, whatever the order of the files", async () => {
        const whole = await plan("--all", "--json");
        expect(whole.status).toBe(0);
        const summary = await plan("--all");
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-shards-"));
        try {
            for (const index of [1, 2]) {
                const shard = await plan("--all", "--shard", `${index}/2`, "--out", path.join(out, `s${index}.json`));
                expect(shard.status, shard.stderr).toBe(0);
                expect(shard.stdout).toBe("");
                expect(shard.stderr).toContain(`wrote the shard file=${path.join(out, `s${index}.json`)} shard=${index}/2`);
            }
            const merged = await plan("merge", path.join(out, "s2.json"), path.join(out, "s1.json"), "--json");
            expect(merged.status, merged.stderr).toBe(0);
            expect(merged.stdout).toBe(whole.stdout);
            expect((await plan("merge", path.join(out, "s1.json"), path.join(out, "s2.json"))).stdout).toBe(summary.stdout);
            // Without --out the shard document is printed.
            const printed = await plan("--all", "--shard", "1/2");
            expect(printed.stdout).toBe(fs.readFileSync(path.join(out, "s1.json"), "utf8"));
            // One shard missing: refused, nothing printed.
            const missing = await plan("merge", path.join(out, "s1.json"), "--json");
            expect(missing.status).toBe(2);
            expect(missing.stdout).toBe("");
            expect(missing.stderr).toContain("plan merge: missing shard(s) 2/2: merge needs all 2");
            const markdown = await plan("merge", path.join(out, "s1.json"), path.join(out, "s2.json"), "--markdown", path.join(out, "c.md"));
            expect(markdown.status).toBe(2);
            expect(markdown.stderr).toContain("--markdown needs shards planned with --base REF");
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it.each([
        [["--all", "--shard", "0/2"], "--shard expects I/N with 1 <= I <= N <= 9999 (e.g. 2/4), got \"0/2\""],
        [["--all", "--shard", "3/2"], "--shard expects I/N"],
        [["--all", "--shard", "1-2"], "--shard expects I/N"],
        [["acme", "--shard", "1/2"], "--shard slices the whole fleet: use it with --all"],
        [["--all", "--shard", "1/2", "--json"], "--shard writes a shard document, not the plan"],
        [["--all", "--out", "x.json"], "--out is where a shard document goes: it needs --shard I/N"],
        [["merge"], "merge needs the shard documents"],
    ])("GIVEN %j WHEN run THEN a usage error (exit 2) says why", async (args, message) => {
        const result = await plan(...args);
        expect(result.status).toBe(2);
        expect(result.stderr).toContain(message);
        expect(result.stdout).toBe("");
    });
});
