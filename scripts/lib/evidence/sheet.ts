// A tenant's security sheet: each promise of the catalogue judged on the tenant's plan (its stack,
// its region's platform, its backup environment) and the policy rules' violations on those stacks.

import { Mode, MODES, isMode } from "../../../lib/modes";
import { PROMISES, PromiseScope, SecurityPromise, StackRole, stackRoleOf } from "../../../lib/promises/catalogue";
import { RULES, Violation } from "../../../policy/rules";

export type LineStatus = "met" | "not met" | "not applicable to this mode" | "not shown by the infrastructure";

export interface SheetStack {
    readonly tenant: string;
    readonly mode: string;
    readonly region: string;
    readonly recoveryOf?: string;
    readonly resources: readonly { readonly type: string; readonly name: string; readonly inputs: Readonly<Record<string, unknown>> }[];
    readonly violations?: readonly Violation[];
}

export interface SheetLine {
    readonly promise: SecurityPromise;
    readonly status: LineStatus;
    /** The implementing resources: `stack: type name`. */
    readonly resources: readonly string[];
    /** Why a line is not met, or what the infrastructure cannot show. */
    readonly reasons: readonly string[];
}

export interface Sheet {
    readonly tenant: string;
    readonly mode: Mode;
    readonly region: string;
    /** The stacks read, by role. */
    readonly stacks: Readonly<Partial<Record<StackRole, string>>>;
    /** Those of `stacks` the plan does not hold (their lines are not met): never named as read. */
    readonly missing: readonly string[];
    readonly lines: readonly SheetLine[];
    /**
     * The mandatory violations on the stacks read that no line of this sheet counts (a rule no
     * promise lists, or one of a promise not applicable to the mode): `stack: rule: resource: message`.
     * The sheet fails closed: with any, it is not "every promise met".
     */
    readonly unclaimed: readonly string[];
}

/** The order the sheet names the stacks it read in. */
const ROLES: readonly StackRole[] = ["tenant", "platform", "home-platform", "tenant-recovery", "platform-recovery"];

const KNOWN_RULES = new Set(RULES.map((rule) => rule.name));

/** The stack names a tenant's sheet reads, by role (present or not in the plan). */
export function stackNames(tenant: string, region: string, stacks: readonly SheetStack[]): Record<StackRole, string> {
    const ownRecovery = stacks.find((stack) => stack.recoveryOf === tenant)?.tenant ?? `${tenant}-recovery`;
    const platform = `platform-${region}`;
    // A platform outside the home region reads the home platform (its trail, its zone) through a StackReference.
    const reference = stacks
        .find((stack) => stack.tenant === platform)
        ?.resources.map((resource) => (resource.type === "pulumi:pulumi:StackReference" ? /\/(platform-[a-z0-9-]+)$/.exec(String(resource.inputs.name))?.[1] : undefined))
        .find((name) => name !== undefined);
    return {
        tenant,
        platform,
        "home-platform": reference ?? platform,
        "tenant-recovery": ownRecovery,
        "platform-recovery": `platform-${region}-recovery`,
    };
}

/** Judges every promise of `promises` for `tenant`; the stacks carry their violations (withViolations). */
export function buildSheet(tenant: string, stacks: readonly SheetStack[], promises: readonly SecurityPromise[] = PROMISES): Sheet {
    const own = stacks.find((stack) => stack.tenant === tenant && stack.recoveryOf === undefined);
    if (own === undefined) {
        throw new Error(`no stack ${tenant} in the plan`);
    }
    if (!isMode(own.mode)) {
        throw new Error(`${tenant} is a ${own.mode} stack, not a tenant (one of ${MODES.join(", ")})`);
    }
    const mode = own.mode;
    const names = stackNames(tenant, own.region, stacks);
    const byName = new Map(stacks.map((stack) => [stack.tenant, stack]));
    const lines = promises.map((promise) => judge(promise, mode, names, byName));
    const used = new Set(promises.flatMap((promise) => (promise.implementation?.scopes ?? []).map((scope) => stackRoleOf(scope, mode))));
    const read = Object.fromEntries(ROLES.filter((role) => used.has(role)).map((role) => [role, names[role]]));
    const claimed = new Set(lines.filter((line) => line.status === "met" || line.status === "not met").flatMap((line) => line.promise.rules));
    const unclaimed = [...new Set(Object.values(read))].flatMap((name) =>
        (byName.get(name)?.violations ?? [])
            .filter((violation) => violation.enforcement === "mandatory" && !claimed.has(violation.policy))
            .map((violation) => `${name}: ${violation.policy}: ${violation.resource}: ${violation.message}`),
    );
    const missing = [...new Set(Object.values(read))].filter((name) => !byName.has(name));
    return { tenant, mode, region: own.region, stacks: read, missing, lines, unclaimed };
}

/** What to plan for a missing stack: a recovery stack is planned with its production stack. */
function tenantOf(stack: string): string {
    return stack.replace(/-recovery$/, "");
}

function judge(promise: SecurityPromise, mode: Mode, names: Record<StackRole, string>, stacks: ReadonlyMap<string, SheetStack>): SheetLine {
    if (!promise.modes.includes(mode)) {
        return { promise, status: "not applicable to this mode", resources: [], reasons: [`promised for ${promise.modes.join(", ")}`] };
    }
    const implementation = promise.implementation;
    if (implementation === undefined) {
        return { promise, status: "not shown by the infrastructure", resources: [], reasons: [promise.notShown ?? "not shown"] };
    }
    const reasons: string[] = [];
    const resources: string[] = [];
    const roles = [...new Set(implementation.scopes.map((scope: PromiseScope) => stackRoleOf(scope, mode)))];
    for (const role of roles) {
        const name = names[role];
        const stack = stacks.get(name);
        if (stack === undefined) {
            reasons.push(`the plan has no stack ${name} (plan them together: npm run plan -- ${[...new Set([names.tenant, tenantOf(name)])].join(" ")} --json)`);
            continue;
        }
        for (const resource of stack.resources) {
            if (implementation.types.includes(resource.type) && (implementation.matches?.(resource) ?? true)) {
                const detail = implementation.detail?.(resource);
                resources.push(`${name}: ${resource.type} ${resource.name}${detail ? ` (${detail})` : ""}`);
            }
        }
        for (const violation of stack.violations ?? []) {
            if (promise.rules.includes(violation.policy) && (implementation.concerns?.(violation) ?? true)) {
                reasons.push(`${violation.policy} on ${name}: ${violation.resource}: ${violation.message}`);
            }
        }
    }
    if (resources.length === 0 && reasons.every((reason) => !reason.startsWith("the plan has no stack"))) {
        reasons.push(`nothing in ${[...new Set(roles.map((role) => names[role]))].join(" or ")} implements it (expected: ${implementation.what})`);
    }
    const unchecked = promise.rules.filter((rule) => !KNOWN_RULES.has(rule));
    if (promise.rules.length === 0 || unchecked.length > 0) {
        reasons.push(`no rule checks it yet${unchecked.length > 0 ? ` (${unchecked.join(", ")})` : ""}`);
    }
    return { promise, status: reasons.length === 0 ? "met" : "not met", resources, reasons };
}

/** Whether any line of the sheet is not met, or a mandatory violation no line counts stands (the command then exits 3). */
export function hasUnmet(sheet: Sheet): boolean {
    return sheet.lines.some((line) => line.status === "not met") || sheet.unclaimed.length > 0;
}
