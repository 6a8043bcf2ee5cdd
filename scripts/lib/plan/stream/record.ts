// A planned stack as the streaming plan passes it on: its plan as one line of compact JSON (written
// to disk at once), the facts the fleet-wide checks keep of it, and with --base its diff against the
// base's stack of the same name and the base's cost estimate. Made in the thread that planned the
// stack, so that serialising and diffing run on every core.

import { isUtf8 } from "node:buffer";
import * as fs from "node:fs";

import { isoDay } from "../../../../lib/canary-runtimes";
import { evaluate, PolicySettings, STACK_RULES, Violation } from "../../../../policy/rules";
import { stackFromPlan } from "../../../../policy/rules/from-plan";

import { estimateStack, StackEstimate } from "../../cost/estimate";
import { ReplacedIdentity, StackDiff } from "../diff/model";
import { diffStack } from "../diff/stacks";
import type { TenantPlan } from "../fleet";
import { factsOf, StackFacts } from "./facts";
import { isOffboardingStack } from "../../../../lib/plan-document";

/** Where one stack of the base's plan document is: its name, byte offset and length in the file. */
export type BaseEntry = readonly [tenant: string, offset: number, length: number];

/** The base's plan, as the threads that diff against it read it. */
export interface BaseSource {
    /** The base's plan document (canonical JSON, scripts/lib/plan/stream/document.ts). */
    readonly file: string;
    readonly index: readonly BaseEntry[];
    /** The ids of the resources the platforms' diffs replace (diffPlans: followed into the tenants). */
    readonly external: readonly ReplacedIdentity[];
}

export interface StackRecord {
    readonly tenant: string;
    /** The stack as planned (no violations, no cost yet), compact JSON. */
    readonly stack: string;
    readonly facts: StackFacts;
    /** With a base: the diff against the base's stack of that name (none: `new`). */
    readonly diff?: StackDiff;
    /** With a base that has the stack: its monthly estimate. */
    readonly baseEstimate?: StackEstimate;
    /** With a base: why its stack could not be estimated (the comment then shows no costs). */
    readonly baseEstimateError?: string;
    /** What the rules that read one stack found (STACK_RULES); the fleet's rules judge it in pass 2. */
    readonly violations: Violation[];
    /** Its monthly estimate. */
    readonly cost: StackEstimate;
}

/** What the rules that read one stack are told: the document's operations CIDRs and the day. */
export interface StackJudge {
    readonly operationsCidrs: readonly string[];
    /** The day the plan judges (YYYY-MM-DD, UTC; taken once, so that every stack is judged on one day). */
    readonly today: string;
}

/** The stack rules' violations and the estimate of a planned stack (an offboarding stack deploys nothing). */
function judged(plan: TenantPlan, judge: StackJudge): { violations: Violation[]; cost: StackEstimate } {
    const settings: PolicySettings = { operationsCidrs: judge.operationsCidrs, otherTenants: [], today: isoDay(new Date(judge.today)) };
    return { violations: isOffboardingStack(plan) ? [] : evaluate(stackFromPlan(plan), settings, STACK_RULES), cost: estimateStack(plan) };
}

/** Thrown by {@link readBaseStack} for a stack whose bytes are not UTF-8: no JSON text, as a syntax error is. */
export class NotUtf8Error extends SyntaxError {}

/** Reads one stack of the base's document by its index entry; its bytes must be UTF-8 (never decoded into U+FFFD). */
export function readBaseStack(file: string, entry: BaseEntry): TenantPlan {
    const buffer = Buffer.alloc(entry[2]);
    const fd = fs.openSync(file, "r");
    try {
        fs.readSync(fd, buffer, 0, entry[2], entry[1]);
    } finally {
        fs.closeSync(fd);
    }
    if (!isUtf8(buffer)) {
        throw new NotUtf8Error(`the stack at byte ${entry[1]} of ${file} is not valid UTF-8`);
    }
    return JSON.parse(buffer.toString("utf8")) as TenantPlan;
}

const baseIndexes = new WeakMap<readonly BaseEntry[], Map<string, BaseEntry>>();

export function baseEntryOf(base: BaseSource, tenant: string): BaseEntry | undefined {
    let byName = baseIndexes.get(base.index);
    if (!byName) {
        byName = new Map(base.index.map((entry) => [entry[0], entry]));
        baseIndexes.set(base.index, byName);
    }
    return byName.get(tenant);
}

/**
 * The record of a planned stack. A platform's diff is made without the external identities (it is
 * what they come from); a tenant's with them, as diffPlans does.
 */
export function toRecord(plan: TenantPlan, base: BaseSource | undefined, judge: StackJudge): StackRecord {
    return withBase({ tenant: plan.tenant, stack: JSON.stringify(plan), facts: factsOf(plan), ...judged(plan, judge) }, plan, base);
}

/**
 * A record from the plan cache (its stack's JSON and facts as planned before), judged and diffed
 * like a planned one (the verdicts are never cached: a calendar rule's depends on the day).
 */
export function cachedRecord(stack: string, facts: StackFacts, base: BaseSource | undefined, judge: StackJudge): StackRecord {
    const plan = JSON.parse(stack) as TenantPlan | null;
    if (typeof plan?.tenant !== "string" || !Array.isArray(plan.resources) || plan.tenant !== facts.tenant) {
        // Thrown to the caller, which plans the tenant instead (fleet-slice.ts cachedRecords).
        throw new Error(`a cached stack of ${JSON.stringify(facts.tenant)} is not a stack's plan`);
    }
    return withBase({ tenant: facts.tenant, stack, facts, ...judged(plan, judge) }, plan, base);
}

function withBase(record: StackRecord, plan: TenantPlan, base: BaseSource | undefined): StackRecord {
    if (base === undefined) {
        return record;
    }
    const entry = baseEntryOf(base, plan.tenant);
    const old = entry === undefined ? undefined : readBaseStack(base.file, entry);
    const diff = diffStack(old, plan, plan.mode === "platform" ? [] : base.external);
    if (old === undefined) {
        return { ...record, diff };
    }
    try {
        return { ...record, diff, baseEstimate: estimateStack(old) };
    } catch (error) {
        return { ...record, diff, baseEstimateError: (error as Error).message };
    }
}

/** One line of a spill or shard file: the record with its stack's JSON inline (not re-escaped). */
export function recordLine(record: StackRecord): string {
    const { stack, ...rest } = record;
    const head = JSON.stringify(rest);
    return `${head.slice(0, -1)},"stack":${stack}}`;
}

/** A record read back from its line: the stack parsed. */
export interface ReadRecord extends Omit<StackRecord, "stack"> {
    readonly stack: TenantPlan;
}

export function parseRecordLine(line: string): ReadRecord {
    return JSON.parse(line) as ReadRecord;
}
