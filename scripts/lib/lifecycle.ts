// The tenant lifecycle across commits (contract v1.1): a tenant leaves through its file
// (`status: offboarding`, merged, carried out by main's rollout), and only then is the file deleted.
// A file deleted while its tenant is still active would orphan a running, billing stack with no
// final backup, so the fleet check compares the tenant folder with the base ref it merges into.

import { spawnSync } from "node:child_process";
import * as path from "node:path";

import { parse } from "yaml";

import { lineFeedBreaks, Problem } from "../../stacks/config/source";
import { TenantStatus } from "../../stacks/config/tenant";
import { tenantConfigDir } from "../../stacks/config/project";
import { displayName, listTenantDirectory } from "../../stacks/config/tenant-files";
import { fileTenantId } from "../../stacks/config/validate";

/** The base ref cannot be read (not a commit, not a git repository): a usage error of the caller. */
export class BaseRefError extends Error {}

/** A tenant file as the base ref holds it: its id (the file name) and its `status`. */
export interface BaseTenant {
    readonly id: string;
    /** `status` of the base's file; "active" when absent or unreadable (the safe reading: refused when deleted). */
    readonly status: TenantStatus;
}

function git(cwd: string, args: readonly string[]): { ok: boolean; stdout: string; stderr: string } {
    const result = spawnSync("git", ["-C", cwd, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return { ok: result.status === 0, stdout: result.stdout ?? "", stderr: (result.stderr ?? "").trim() || (result.error?.message ?? "") };
}

/** The status a tenant file's text declares; anything unreadable counts as active. */
export function declaredStatus(text: string): TenantStatus {
    try {
        // Its line breaks as the validator reads them (a carriage return alone is one).
        const status = (parse(lineFeedBreaks(text)) as { status?: unknown } | null)?.status;
        return status === "offboarding" ? "offboarding" : "active";
    } catch {
        return "active";
    }
}

/** The tenant files of `dir` at git `ref` (`*.yaml` directly in the folder), with their status. */
export function baseTenants(ref: string, dir: string = tenantConfigDir()): BaseTenant[] {
    const resolved = git(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
    const commit = resolved.stdout.trim();
    if (!resolved.ok || !/^[0-9a-f]{40}$/.test(commit)) {
        throw new BaseRefError(`--base ${ref}: not a commit of the repository of ${displayName(dir)} (fetch it first, e.g. git fetch origin)`);
    }
    // Paths relative to `dir` (ls-tree shows them relative to the working directory).
    const listed = git(dir, ["ls-tree", "-z", "--name-only", commit, "--", "."]);
    if (!listed.ok) {
        throw new BaseRefError(`--base ${ref}: cannot list ${displayName(dir)} at ${commit.slice(0, 12)} (${listed.stderr})`);
    }
    return listed.stdout
        .split("\0")
        .filter((name) => name.endsWith(".yaml") && !name.includes("/"))
        .sort()
        .map((name) => {
            const shown = git(dir, ["show", `${commit}:./${name}`]);
            return { id: fileTenantId(name), status: shown.ok ? declaredStatus(shown.stdout) : "active" };
        });
}

/**
 * The tenants whose file the base ref has and the working tree does not, unless the base's file
 * already said `status: offboarding` (its stack is gone or going): one problem each, at the deleted
 * file, saying how a tenant is offboarded.
 */
export function deletedTenantProblems(base: readonly BaseTenant[], present: ReadonlySet<string>, ref: string, dir: string = tenantConfigDir()): Problem[] {
    return base
        .filter((tenant) => !present.has(tenant.id) && tenant.status !== "offboarding")
        .map((tenant) => ({
            file: displayName(path.join(dir, `${tenant.id}.yaml`)),
            line: 1,
            column: 1,
            path: "/",
            message:
                `the file of tenant ${tenant.id} is deleted, but at ${ref} the tenant is active: its stack would keep running and billing, with no final backup. ` +
                `To offboard it, restore the file and set "status: offboarding", merge, and let the rollout of main take the final backup and destroy the stack; ` +
                "then delete the file in a later pull request",
        }));
}

/** The check itself, on the tenant folder against `ref`: the deleted files that are refused. */
export function checkDeletedTenants(ref: string, dir: string = tenantConfigDir()): Problem[] {
    const present = new Set(listTenantDirectory(dir).files.map((file) => fileTenantId(file)));
    return deletedTenantProblems(baseTenants(ref, dir), present, ref, dir);
}
