// The tenant lifecycle in the repository (contract v1.1): `status` and `identity.connect` in the
// file, the plan of an offboarding tenant, the rollout's order, and the fleet check that refuses a
// tenant file deleted while its tenant is active. Fixtures only: nothing here reads tenant-configs/.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { renderComments } from "../scripts/lib/plan/markdown";
import { diffPlans } from "../scripts/lib/plan/diff/stacks";
import { PlanDocument, planFleet } from "../scripts/lib/plan/fleet";
import { planExitCode, withViolations } from "../scripts/lib/plan/policy";
import { renderTenant } from "../scripts/lib/plan/summary";
import { baseTenants, checkDeletedTenants, declaredStatus, deletedTenantProblems } from "../scripts/lib/lifecycle";
import { rolloutPlan } from "../scripts/lib/ops/rollout";
import schema from "../tenant-configs/tenant.schema.json";
import { STATUSES } from "../stacks/config/tenant";
import { displayName } from "../stacks/config/tenant-files";
import { validateFleet, validateTenantFile } from "../stacks/config/validate";

const CLOUD = `tenant: leaving
company: Leaving Ltd
mode: cloud
region: eu-west-1
domain:
  subdomain: leaving
network:
  cidr: 10.60.0.0/16
`;

const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe("status (contract v1.1)", () => {
    it("GIVEN the schema WHEN read THEN its statuses are the program's, active by default", () => {
        expect(schema.properties.status.enum).toEqual([...STATUSES]);
        expect(schema.properties.status.default).toBe("active");
    });

    it.each([
        ["absent", "", "active"],
        ["active", "status: active\n", "active"],
        ["offboarding", "status: offboarding\n", "offboarding"],
    ])("GIVEN status %s WHEN validated THEN the tenant is %s", (_, line, status) => {
        const fleet = validateFleet([{ file: "leaving.yaml", bytes: Buffer.from(`${CLOUD}${line}`) }]);
        expect(fleet.problems).toEqual([]);
        expect(fleet.tenants[0]?.status).toBe(status);
    });

    it("GIVEN a status the contract does not know WHEN validated THEN one positioned error names the allowed values", () => {
        const result = validateTenantFile("leaving.yaml", Buffer.from(`${CLOUD}status: retired\n`));
        expect(result.problems).toEqual([{ file: "leaving.yaml", line: 9, column: 9, path: "/status", message: '"retired" is not allowed; expected one of: active, offboarding' }]);
    });
});

describe("identity.connect (contract v1.1)", () => {
    const VPN_SYNC = `tenant: umbrella
company: Umbrella
mode: vpn-sync
region: eu-central-1
domain:
  own: itm.umbrella.example
network:
  cidr: 10.40.0.0/16
vpn:
  customerGatewayIp: 93.184.216.34
  corporateCidrs: [192.168.0.0/16]
identity:
  directoryName: corp.umbrella.example
  dnsIps: [192.168.10.10, 192.168.10.11]
  serviceAccount: svc-itm
`;
    it.each([
        ["absent", "", false],
        ["false", "  connect: false\n", false],
        ["true", "  connect: true\n", true],
    ])("GIVEN connect %s WHEN validated THEN the directory link is %s", (_, line, connect) => {
        const fleet = validateFleet([{ file: "umbrella.yaml", bytes: Buffer.from(`${VPN_SYNC}${line}`) }]);
        expect(fleet.problems).toEqual([]);
        expect(fleet.tenants[0]?.mode === "vpn-sync" && fleet.tenants[0].identity.connect).toBe(connect);
    });

    it("GIVEN connect: yes (a string in YAML 1.2) WHEN validated THEN it is refused at its position, never read as true", () => {
        const result = validateTenantFile("umbrella.yaml", Buffer.from(`${VPN_SYNC}  connect: "yes"\n`));
        expect(result.problems).toEqual([
            { file: "umbrella.yaml", line: 16, column: 12, path: "/identity/connect", message: expect.stringMatching(/^must be true or false, got "yes"; expected phase two of vpn-sync/) },
        ]);
    });

    it("GIVEN the stack config key directoryLinkVerified WHEN the program's config keys are listed THEN it is gone (the file decides)", async () => {
        const { TENANT_STACK_CONFIG } = await import("../stacks/config/stack-config");
        expect(Object.keys(TENANT_STACK_CONFIG)).not.toContain("directoryLinkVerified");
    });
});

describe("the plan of an offboarding tenant", () => {
    let active: PlanDocument;
    let leaving: PlanDocument;

    beforeAll(async () => {
        const before = validateFleet([{ file: "leaving.yaml", bytes: Buffer.from(CLOUD) }]);
        const after = validateFleet([{ file: "leaving.yaml", bytes: Buffer.from(`${CLOUD}status: offboarding\n`) }]);
        expect([...before.problems, ...after.problems]).toEqual([]);
        active = await planFleet({ tenants: before.tenants, threads: 1 });
        leaving = await planFleet({ tenants: after.tenants, threads: 1 });
        expect(leaving.errors).toEqual([]);
    }, 120_000);

    it("GIVEN status offboarding WHEN planned THEN the stack keeps nothing and the offboarding lists backup, protection, destroyed and kept from today's resources", () => {
        const plan = leaving.tenants.find((stack) => stack.tenant === "leaving")!;
        const today = active.tenants.find((stack) => stack.tenant === "leaving")!;
        expect(plan.resources).toEqual([]);
        expect(plan.outputs).toEqual({});
        const offboarding = plan.offboarding!;
        expect(offboarding.finalBackup).toEqual(["database", "files"]);
        expect(offboarding.protectionLifted.map((resource) => resource.type).sort()).toEqual(["aws:lb/loadBalancer:LoadBalancer", "aws:rds/instance:Instance"]);
        const cloud = today.resources.filter((resource) => !resource.type.startsWith("pulumi:") && !resource.type.startsWith("tenant-platform:"));
        const kept = cloud.filter((resource) => resource.retainOnDelete).map((resource) => resource.name);
        expect(kept.length).toBeGreaterThan(0);
        expect(offboarding.retained.map((resource) => resource.name)).toEqual(kept);
        expect(offboarding.retained.map((resource) => resource.type)).toEqual(expect.arrayContaining(["aws:backup/vault:Vault", "aws:kms/key:Key"]));
        expect(offboarding.destroyed).toHaveLength(cloud.length - kept.length);
        expect(offboarding.destroyed.map((resource) => resource.type)).toContain("aws:rds/instance:Instance");
    });

    it("GIVEN status offboarding WHEN judged by the policy rules THEN the emptied stack breaks none (an active stack without backups would)", () => {
        const checked = withViolations(leaving);
        expect(checked.tenants.find((stack) => stack.tenant === "leaving")!.violations).toEqual([]);
        expect(planExitCode(checked)).toBe(0);
        const stripped = withViolations({ ...leaving, tenants: leaving.tenants.map(({ offboarding: _, ...stack }) => stack) });
        expect(stripped.tenants.find((stack) => stack.tenant === "leaving")!.violations.map((violation) => violation.policy)).toContain("backup-plan-promise");
    });

    it("GIVEN status offboarding WHEN summarised THEN it reads as an offboarding, not an update", () => {
        const text = renderTenant(leaving.tenants.find((stack) => stack.tenant === "leaving")!);
        expect(text).toMatch(/^leaving \(cloud, eu-west-1\) from leaving\.yaml: offboarding\n/);
        expect(text).toContain("OFFBOARDING (status: offboarding): the rollout of main takes a final backup, then destroys the stack");
        expect(text).toContain("1. final backup (AWS Backup, on demand, confirmed COMPLETED) of: database, files");
        expect(text).toMatch(/kept \(retainOnDelete, no longer managed, expire with their retention\): .*\(Vault\)/);
    });

    it("GIVEN the base planned it active WHEN diffed and commented THEN every resource goes, and the comment says offboarding with what is kept", () => {
        const entries = diffPlans({ tenants: active.tenants }, { tenants: leaving.tenants });
        const entry = entries.find((candidate) => candidate.tenant === "leaving")!;
        const today = active.tenants.find((stack) => stack.tenant === "leaving")!;
        expect(entry.diff.status).toBe("changed");
        expect(entry.diff.removed).toHaveLength(today.resources.length);
        const stacks = leaving.tenants.map((stack) => ({ ...stack, diff: entries.find((candidate) => candidate.tenant === stack.tenant)!.diff }));
        const [comment] = renderComments({ baseRef: "main", stacks, blastRadius: [] });
        expect(comment).toContain("| leaving | cloud | **offboarding** |");
        expect(comment).toContain("> [!WARNING]\n> **OFFBOARDING (status: offboarding): the rollout of main takes a final backup, then destroys the stack**");
        expect(comment).toContain("> - 1. final backup (AWS Backup, on demand, confirmed COMPLETED) of: database, files");
    });
});

describe("rolloutPlan with offboarding tenants", () => {
    it("GIVEN an offboarding tenant WHEN planned THEN it is no canary, goes last in its own wave, and its region's platform still comes first", () => {
        const plan = rolloutPlan(
            [
                { id: "alpha", mode: "cloud", region: "eu-west-1", environment: "production" },
                { id: "beta", mode: "saas", region: "eu-west-1", environment: "production", status: "active" },
                { id: "gone", mode: "cloud", region: "us-east-1", environment: "test", status: "offboarding" },
            ],
            2,
        );
        expect(plan.map((wave) => [wave.stage, wave.stacks])).toEqual([
            ["platform", ["platform-eu-west-1"]],
            ["platform", ["platform-us-east-1"]],
            ["canary", ["beta"]],
            ["canary", ["alpha"]],
            ["offboarding", ["gone"]],
        ]);
    });
});

describe("a tenant file deleted (fleet check against the base ref)", () => {
    const git = (cwd: string, ...args: string[]) => {
        const result = spawnSync("git", ["-C", cwd, ...args], { encoding: "utf8" });
        expect(result.status, result.stderr).toBe(0);
        return result.stdout.trim();
    };
    /** A repository whose tenant folder had `files` at the commit returned. */
    const repository = (files: Record<string, string>): { dir: string; commit: string } => {
        const repo = fs.mkdtempSync(path.join(os.tmpdir(), "lifecycle-"));
        temporary.push(repo);
        const dir = path.join(repo, "tenants");
        fs.mkdirSync(dir);
        for (const [name, text] of Object.entries(files)) {
            fs.writeFileSync(path.join(dir, name), text);
        }
        git(repo, "init", "-q");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base");
        return { dir, commit: git(repo, "rev-parse", "HEAD") };
    };

    it("GIVEN a base with an active and an offboarding tenant WHEN both files are deleted THEN only the active one is refused, with how to offboard", () => {
        const { dir, commit } = repository({ "keep.yaml": CLOUD.replace(/leaving/g, "keep"), "stay.yaml": CLOUD.replace(/leaving/g, "stay"), "gone.yaml": `${CLOUD.replace(/leaving/g, "gone")}status: offboarding\n`, "notes.txt": "x" });
        expect(baseTenants(commit, dir)).toEqual([
            { id: "gone", status: "offboarding" },
            { id: "keep", status: "active" },
            { id: "stay", status: "active" },
        ]);
        fs.rmSync(path.join(dir, "keep.yaml"));
        fs.rmSync(path.join(dir, "gone.yaml"));
        const problems = checkDeletedTenants("HEAD", dir);
        expect(problems).toEqual([
            {
                file: displayName(path.join(dir, "keep.yaml")),
                line: 1,
                column: 1,
                path: "/",
                message:
                    "the file of tenant keep is deleted, but at HEAD the tenant is active: its stack would keep running and billing, with no final backup. " +
                    'To offboard it, restore the file and set "status: offboarding", merge, and let the rollout of main take the final backup and destroy the stack; ' +
                    "then delete the file in a later pull request",
            },
        ]);
    });

    it("GIVEN nothing deleted WHEN checked THEN no problem; an unknown ref is refused", () => {
        const { dir } = repository({ "keep.yaml": CLOUD.replace(/leaving/g, "keep") });
        expect(checkDeletedTenants("HEAD", dir)).toEqual([]);
        expect(() => checkDeletedTenants("no-such-ref", dir)).toThrow(/--base no-such-ref: not a commit of the repository/);
    });

    it.each([
        ["status: offboarding\n", "offboarding"],
        ["tenant: leaving\rstatus: offboarding\r", "offboarding"],
        ["status: active\n", "active"],
        ["{ broken", "active"],
        ["", "active"],
    ])("GIVEN a base file %j WHEN its status is read THEN %s (anything unreadable is active: refused when deleted)", (text, status) => {
        expect(declaredStatus(text)).toBe(status);
    });

    it("GIVEN a tenant renamed WHEN checked THEN the old id is refused like a deletion", () => {
        expect(deletedTenantProblems([{ id: "old-name", status: "active" }], new Set(["new-name"]), "main", "/repo/tenant-configs").map((problem) => problem.file)).toEqual([
            displayName("/repo/tenant-configs/old-name.yaml"),
        ]);
    });
});
