#!/usr/bin/env tsx
// npm run plan [-- TENANT|FILE|platform ... | --all] [--json] [--config KEY=VALUE ...] [--isolated]
// The offline plan: the real program of each requested stack, evaluated in-process under Pulumi's
// runtime mocks. No cloud credentials, no Pulumi CLI. With --base REF, also the plan of REF (in a
// temporary worktree, by REF's own plan command) and the diff between the two; with --markdown FILE,
// that diff as pull-request comments.

// First: before anything loads @pulumi/pulumi.
import "./lib/plan/defer-unused-modules";

import * as fs from "node:fs";
import * as path from "node:path";

import { KNOWN_STACK_CONFIG_KEYS, RETIRED_STACK_CONFIG_KEYS } from "../stacks/config/stack-config";
import { suggestion } from "../stacks/config/suggest";
import { claimCacheFile } from "../stacks/config/claims";
import { loadFleetDirectory, loadFleetFiles, loadFleetFilesAgainstDirectory } from "../stacks/config/load-fleet";
import { tenantConfigDir } from "../stacks/config/project";
import { Problem, sortProblems } from "../stacks/config/validate";
import { Tenant } from "../stacks/config/tenant";
import { checkOutputPath, copyToStdout, EXIT, failureOf, fsReason, parseFlags, parseStackTarget, run, UsageError, writeOutputFile, writeStdout } from "./lib/cli";
import { canonicalJson } from "../lib/canonical-json";
import { recoveryOf } from "../lib/platform";
import { BasePlan, BasePlanError, planBase } from "./lib/plan/base";
import { BlastGroup } from "./lib/plan/diff/blast-radius";
import { StackDiff } from "./lib/plan/diff/model";
import { describeGroup, renderStackDiff, replacementsFirst, replacementWarning } from "./lib/plan/diff/render";
import { renderComments } from "./lib/plan/markdown";
import { FleetShard, PLAN_VERSION, PlanDocument, shardOf, TenantPlan } from "./lib/plan/fleet";
import { renderSummary } from "./lib/plan/summary";
import { describeOffboarding } from "./lib/plan/offboarding";
import { BaseRefError, checkDeletedTenants } from "./lib/lifecycle";
import { DiffedSlim, emitPlan, EmitOptions, planPass, planWorkDir, removePlanWorkDir, spillSource } from "./lib/plan/stream/run";
import { MAX_SHARDS, orderShards, shardKey, ShardError, shardSource, writeShard } from "./lib/plan/stream/shard";
import { baseArgsForShard, inputDigest } from "./lib/plan/stream/inputs";
import { buildDigest, pruneCache, prunesOwnCache } from "./lib/plan/stream/cache";

const ROOT = path.resolve(__dirname, "..");

export const USAGE = `Usage: npm run plan -- [TENANT | FILE.yaml | platform | platform-REGION ...] [--all] [--json] [--config KEY=VALUE ...] [--isolated]
                            [--base REF [--markdown FILE]] [--shard I/N [--out FILE]]
       npm run plan -- merge SHARD.json ... [--json] [--markdown FILE]

Plans the resource graph each stack would deploy, offline (no credentials, no Pulumi CLI).

  TENANT             a tenant id (tenant-configs/TENANT.yaml)
  FILE.yaml          a tenant file anywhere on disk
  platform           the shared platform stack of every region in use
  platform-REGION    the shared platform stack of REGION (its Pulumi stack name), and its recovery
                     environment platform-REGION-recovery (the same with that name)
  --all              every tenant in tenant-configs/ plus the platform stacks (the default)
  --json             print exactly one JSON document on stdout (the plan contract); logs go to stderr
  --config KEY=VALUE plan with this stack config (repeatable), e.g. platformStack=ORG/tenant-platform/platform-eu-west-1;
                     KEY is one the program reads (an unknown key is refused, with the list; a retired
                     one, directoryLinkVerified, is taken and changes nothing, as stderr says)
  --isolated         with FILE.yaml: do not check it against the tenants in tenant-configs/
  --base REF         also plan the same stacks at git REF (a temporary worktree, REF's own plan
                     command) and show what changes: per stack added / removed / changed resources
                     and properties, the resources the change replaces (first, with the data each
                     destroys), and the changes shared by several stacks; with --json each
                     stack gains \`diff\` and the document \`blastRadius\` and \`base\`; with
                     --all, a tenant file REF has and the folder lacks is refused unless REF's
                     file said status: offboarding
  --markdown FILE    with --base: write the diff as pull-request comments, FILE and, when one
                     comment cannot hold it (65,536 characters), FILE-2.md, FILE-3.md ...
  --shard I/N        with --all: plan only slice I of N (the tenants by id, cut into N runs of
                     about equal weight) and write it as a shard document (to --out FILE, else
                     stdout); "npm run plan -- merge" of all N prints what the plan without
                     --shard prints, byte for byte (see npm run plan -- merge --help)
  --out FILE         with --shard: the shard document's file
  --cache DIR        the plan cache: a tenant whose file, the build (every project file but the
                     tenant files, the lockfile, Node.js), the config and the platforms' outputs are
                     those of an entry in DIR is read from it, not planned; every tenant planned is
                     written to it. The plan is the same bytes with or without it (stderr says how
                     many tenants came from it). With --base, the base's plan uses it too. With
                     --all, the entries neither plan used are removed (the cache keeps one fleet's;
                     with --shard, one slice's: give each shard a folder of its own, as the workflow
                     does, or the shards remove each other's entries).
  -h, --help         show this help

Exit codes: 0 planned, 1 a tenant file is invalid, or a planned value breaks AWS's rules or a
quota (the others are still planned), 2 usage error
or the base ref cannot be planned, 3 a mandatory policy is violated, 130 interrupted, 141 the
reader of stdout stopped reading (e.g. | head: ended quietly, as a Unix tool on SIGPIPE).
`;

export interface PlanRequest {
    readonly all: boolean;
    readonly platform: boolean;
    /** `platform-<region>` arguments: the platform stacks of these regions. */
    readonly platformRegions: string[];
    readonly ids: string[];
    readonly files: string[];
    readonly config: Record<string, string>;
    readonly isolated: boolean;
    readonly json: boolean;
    /** --base: the git ref to compare with. */
    readonly base?: string;
    /** --markdown: the first comment file. */
    readonly markdown?: string;
    /** --shard I/N: plan only this slice, as a shard document for `plan merge`. */
    readonly shard?: FleetShard;
    /** --out: where the shard document goes (default stdout). */
    readonly out?: string;
    /** --cache: the plan cache's folder. */
    readonly cache?: string;
}

/**
 * The folder the user ran the plan in. `npm run plan` runs the script in the project's root and
 * says where it was started in INIT_CWD (npm sets it afresh for every run); any other start (tsx,
 * a test calling main) runs where it was started.
 */
export function invocationFolder(env: NodeJS.ProcessEnv = process.env): string {
    return env.npm_lifecycle_event === "plan" && env.INIT_CWD ? path.resolve(env.INIT_CWD) : process.cwd();
}

/**
 * A FILE.yaml argument as the plan opens it: relative to the folder the user ran the plan in, not
 * the project's root npm moved to (`npm run plan -- ./acme.yaml` in tenant-configs/ was "no such
 * file"). Inside the project it stays relative to the root (how the plan shows it, and what a
 * --base plan opens in its worktree); outside, absolute.
 */
function userPath(file: string, from: string): string {
    if (path.isAbsolute(file) || from === process.cwd()) {
        return file;
    }
    const absolute = path.resolve(from, file);
    const inProject = path.relative(process.cwd(), absolute);
    return inProject.startsWith("..") || path.isAbsolute(inProject) ? absolute : inProject;
}

/**
 * A would-be KEY=VALUE quoted for a message: its key-like start only, never what follows (the value
 * of `directoryPassword:hunter2` or `directoryPassword=hunter2` is a secret, and stderr is CI's log).
 */
function quotedKeyOnly(pair: string): string {
    const key = /^[A-Za-z][\w.-]*/.exec(pair)?.[0] ?? "";
    return key === pair ? `"${key.slice(0, 80)}" (no "=")` : `"${key.slice(0, 80)}${pair.startsWith(`${key}=`) ? "=" : ""}..." (the rest not shown: it may be a secret)`;
}

export function parseRequest(argv: string[]): PlanRequest | "help" {
    const { values, positionals } = parseFlags(argv, {
        all: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        isolated: { type: "boolean", default: false },
        config: { type: "string", multiple: true, default: [] },
        base: { type: "string" },
        markdown: { type: "string" },
        shard: { type: "string" },
        out: { type: "string" },
        cache: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        return "help";
    }
    const config: Record<string, string> = {};
    for (const pair of values.config ?? []) {
        const match = /^([A-Za-z][\w.-]*(?::[A-Za-z][\w.-]*)?)=(.*)$/s.exec(pair);
        if (!match) {
            throw new UsageError(`--config expects KEY=VALUE, got ${quotedKeyOnly(pair)}`);
        }
        const key = match[1]!;
        // No key the program reads means anything empty: `platformStack=` would fail every stack, blamed on its tenant file.
        if (match[2] === "") {
            throw new UsageError(`--config ${key.slice(0, 80)}= has no value: give --config ${key.slice(0, 80)}=VALUE`);
        }
        // The project's own namespace is Pulumi's default; any other (aws:, a typo) is not read.
        const bare = key.startsWith("tenant-platform:") ? key.slice("tenant-platform:".length) : key;
        if (Object.hasOwn(RETIRED_STACK_CONFIG_KEYS, bare)) {
            log(`--config ${bare} is no longer read, so it changes nothing in this plan: ${RETIRED_STACK_CONFIG_KEYS[bare]}`);
            continue;
        }
        if (!KNOWN_STACK_CONFIG_KEYS.includes(bare)) {
            throw new UsageError(`--config ${key.slice(0, 80)}: unknown config key${suggestion(bare, KNOWN_STACK_CONFIG_KEYS)}; the program reads: ${KNOWN_STACK_CONFIG_KEYS.join(", ")}`);
        }
        config[key] = match[2]!;
    }
    // `directoryPassword=...` without --config: said as such, its value never echoed (parseStackTarget quotes what it refuses).
    const pair = positionals.find((arg) => arg.includes("=") && !arg.endsWith(".yaml") && !arg.includes("/") && !arg.includes(path.sep));
    if (pair !== undefined) {
        throw new UsageError(`${quotedKeyOnly(pair)} is no tenant, file or platform: stack config is given as --config KEY=VALUE`);
    }
    // A tenant's recovery stack (`acme-recovery`) is planned with its tenant, right after it.
    const targets = positionals.filter((arg) => arg !== "platform").map((arg) => parseStackTarget(arg.startsWith("platform-") ? arg : (recoveryOf(arg) ?? arg)));
    const from = invocationFolder();
    const files = targets.flatMap((target) => (target.kind === "file" ? [userPath(target.file, from)] : []));
    const ids = targets.flatMap((target) => (target.kind === "tenant" ? [target.id] : []));
    const platformRegions = [...new Set(targets.flatMap((target) => (target.kind === "platform" ? [target.region] : [])))];
    const platform = positionals.includes("platform");
    const all = values.all === true || positionals.length === 0;
    if (values.isolated && files.length === 0) {
        throw new UsageError("--isolated applies to FILE.yaml arguments only");
    }
    if (values.base !== undefined && !/^[^\s-][^\s]*$/.test(values.base)) {
        throw new UsageError(`--base expects a git ref (a branch, tag or commit), got "${values.base.slice(0, 80)}"`);
    }
    if (values.markdown !== undefined && values.base === undefined) {
        throw new UsageError("--markdown needs --base REF: the comment shows what changes against REF");
    }
    if (values.markdown !== undefined) {
        checkOutputPath("--markdown", values.markdown);
    }
    let shard: FleetShard | undefined;
    if (values.shard !== undefined) {
        // At most four digits each: MAX_SHARDS.
        const match = /^([1-9]\d{0,3})\/([1-9]\d{0,3})$/.exec(values.shard);
        if (!match || Number(match[1]) > Number(match[2])) {
            throw new UsageError(`--shard expects I/N with 1 <= I <= N <= ${MAX_SHARDS} (e.g. 2/4), got "${values.shard.slice(0, 80)}"`);
        }
        if (!all || positionals.length > 0) {
            throw new UsageError("--shard slices the whole fleet: use it with --all (and no TENANT, FILE or platform arguments)");
        }
        if (values.markdown !== undefined || values.json) {
            throw new UsageError("--shard writes a shard document, not the plan: give --json or --markdown to `npm run plan -- merge` of all the shards");
        }
        shard = { index: Number(match[1]), count: Number(match[2]) };
    }
    if (values.cache !== undefined && (values.cache.length === 0 || values.cache.startsWith("-"))) {
        throw new UsageError(`--cache expects a folder, got "${values.cache.slice(0, 80)}"`);
    }
    if (values.cache !== undefined) {
        // A folder the plan can write its entries into, made if missing: never a failure half-way.
        try {
            fs.mkdirSync(values.cache, { recursive: true });
            fs.accessSync(values.cache, fs.constants.W_OK);
        } catch (error) {
            throw new UsageError(`--cache ${values.cache.slice(0, 80)}: not a folder the plan can write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        }
    }
    if (values.out !== undefined) {
        if (shard === undefined) {
            throw new UsageError("--out is where a shard document goes: it needs --shard I/N");
        }
        checkOutputPath("--out", values.out);
    }
    return {
        all,
        platform,
        platformRegions,
        ids,
        files,
        config,
        isolated: values.isolated === true,
        json: values.json === true,
        ...(values.base !== undefined ? { base: values.base } : {}),
        ...(values.markdown !== undefined ? { markdown: values.markdown } : {}),
        ...(shard ? { shard } : {}),
        ...(values.out !== undefined ? { out: values.out } : {}),
        ...(values.cache !== undefined ? { cache: values.cache } : {}),
    };
}

/** The arguments that select the same stacks in the base's plan command. */
export function selectionArgs(request: PlanRequest): string[] {
    return [
        ...(request.all ? ["--all"] : []),
        ...request.ids,
        ...request.files,
        ...(request.platform ? ["platform"] : []),
        ...request.platformRegions.map((region) => `platform-${region}`),
        ...Object.entries(request.config).flatMap(([key, value]) => ["--config", `${key}=${value}`]),
        ...(request.isolated ? ["--isolated"] : []),
    ];
}

/** A progress line on stderr: `plan: message key=value ...` (stdout carries only the result). */
function log(message: string, fields: Record<string, unknown> = {}): void {
    const extra = Object.entries(fields).map(([key, value]) => ` ${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
    process.stderr.write(`plan: ${message}${extra.join("")}\n`);
}

type DiffedStack = TenantPlan & { readonly diff: StackDiff };

/** Writes the comments to FILE, FILE-2.md ...; removes numbered files a previous, longer run left. */
export function writeComments(file: string, comments: readonly string[]): string[] {
    const { dir, name, ext } = path.parse(path.resolve(file));
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const numbered = new RegExp(`^${escape(name)}-\\d+${escape(ext)}$`);
    for (const stale of fs.readdirSync(dir).filter((entry) => numbered.test(entry))) {
        fs.rmSync(path.join(dir, stale));
    }
    const files = comments.map((_, i) => (i === 0 ? path.resolve(file) : path.join(dir, `${name}-${i + 1}${ext}`)));
    comments.forEach((comment, i) => writeOutputFile("--markdown", files[i]!, comment));
    return files;
}

function renderDiffReadable(stacks: readonly DiffedStack[], groups: readonly BlastGroup[], document: Omit<PlanDocument, "tenants"> & { readonly tenants: [] }, baseRef: string): string {
    const unchanged = stacks.filter((stack) => stack.diff.status === "unchanged");
    // Replacements that lose data or need someone outside the repository come before anything else.
    const warnings = stacks.flatMap((stack) => replacementsFirst(stack.diff.changed).flatMap((change) => replacementWarning(stack.tenant, change) ?? []));
    // An offboarding stack: what the rollout does, under its title, before the resources it removes.
    const render = (stack: DiffedStack): string => {
        const [title, ...rest] = renderStackDiff(stack).split("\n");
        const steps = stack.offboarding && stack.diff.status !== "unchanged" ? describeOffboarding(stack.offboarding).map((line) => `  ${line}`) : [];
        return [title, ...steps, ...rest].join("\n");
    };
    const sections = [
        `Offline plan against ${baseRef}:`,
        ...(warnings.length > 0 ? [[`CAUTION: ${warnings.length} replacement(s) destroy data or need action outside this repository:`, ...warnings.map((line) => `  !! ${line}`)].join("\n")] : []),
        ...stacks.filter((stack) => stack.diff.status !== "unchanged").map(render),
        ...(unchanged.length > 0 ? [unchanged.map((stack) => renderStackDiff(stack)).join("\n")] : []),
    ];
    const shared = groups.filter((group) => group.tenants.length > 1);
    if (shared.length > 0) {
        sections.push(["Changes shared by several stacks:", ...shared.map((group) => `  ${describeGroup(group)}`)].join("\n"));
    }
    const violations = stacks.flatMap((stack) => (stack.violations ?? []).map((v) => `  ${stack.tenant}: [${v.enforcement}] ${v.policy} on ${v.resource}: ${v.message}`));
    if (violations.length > 0) {
        sections.push(["Policy violations:", ...violations].join("\n"));
    }
    // The problems and stand-ins the plain summary lists, without its per-stack part.
    sections.push(...renderSummary({ ...document, tenants: [] }).trimEnd().split("\n\n").slice(0, -1));
    const count = (status: string) => stacks.filter((stack) => stack.diff.status === status).length;
    const replaced = stacks.reduce((sum, stack) => sum + stack.diff.changed.filter((change) => change.replace).length, 0);
    sections.push(
        `${stacks.length} stack(s): ${count("changed")} changed, ${count("new")} new, ${count("removed")} removed, ${count("unchanged")} unchanged; ` +
            `${replaced} resource(s) replaced; ` +
            `${document.errors.length} problem(s); ${violations.length} policy violation(s)`,
    );
    return `${sections.join("\n\n")}\n`;
}

/** Validates what the request names; returns the valid tenants and every problem found. */
export function selectTenants(request: PlanRequest): { tenants: Tenant[]; problems: Problem[]; regions: string[]; fleet: readonly Tenant[] } {
    const problems: Problem[] = [];
    const tenants: Tenant[] = [];
    const everything = loadFleetDirectory();
    if (request.all) {
        problems.push(...everything.problems);
        tenants.push(...everything.tenants);
    }
    const named = [...request.ids.map((id) => path.join(tenantConfigDir(), `${id}.yaml`))];
    if (named.length > 0) {
        const fleet = loadFleetFilesAgainstDirectory(named, { claimCache: claimCacheFile() });
        problems.push(...fleet.problems);
        tenants.push(...fleet.tenants);
    }
    if (request.files.length > 0) {
        const fleet = request.isolated ? loadFleetFiles(request.files) : loadFleetFilesAgainstDirectory(request.files, { claimCache: claimCacheFile() });
        problems.push(...fleet.problems);
        tenants.push(...fleet.tenants);
    }
    const unique = [...new Map(tenants.map((tenant) => [tenant.source, tenant])).values()];
    const uniqueProblems = [...new Map(problems.map((problem) => [JSON.stringify(problem), problem])).values()];
    // `platform` (and --all) shows the platform of every region in use by the whole fleet.
    const regions = [...new Set([...(request.all || request.platform ? everything.tenants.map((tenant) => tenant.region) : []), ...request.platformRegions])];
    // The platforms' recoveries carry the dedicated-saas tenants of the whole folder, as a deployment reads it.
    return { tenants: unique, problems: sortProblems(uniqueProblems), regions, fleet: everything.tenants };
}

/** The base's plan command arguments: the head's selection, or for a shard only the stacks it needs. */
function baseSelection(request: PlanRequest, shard: { tenants: readonly Tenant[]; fleet: readonly Tenant[]; shard: FleetShard } | undefined): string[] {
    if (shard === undefined) {
        return selectionArgs(request);
    }
    return [...baseArgsForShard({ repo: ROOT, ref: request.base!, shard: shard.shard, slice: shard.tenants.map((tenant) => tenant.id), fleet: shard.fleet.map((tenant) => tenant.id), config: request.config })];
}

/** The output of pass 2 as the request asks for it: JSON, summary, readable diff, comments. */
function emitOptions(json: boolean, markdown: string | undefined, baseRef: string | undefined): EmitOptions {
    return {
        out: print,
        json,
        log,
        ...(markdown !== undefined && baseRef !== undefined
            ? {
                  markdown: (input) => {
                      const comments = renderComments({ baseRef, ...input }, { artifactHint: `npm run plan -- --all --base ${baseRef} --json` });
                      const files = writeComments(markdown, comments);
                      log("wrote the pull-request comment(s)", { files: files.map((file) => path.relative(process.cwd(), file)), characters: comments.map((comment) => comment.length) });
                  },
              }
            : {}),
        ...(baseRef !== undefined ? { readableDiff: (input) => renderDiffReadable(input.stacks as DiffedSlim[], input.groups, input.document, baseRef) } : {}),
    };
}

export const MERGE_USAGE = `Usage: npm run plan -- merge SHARD.json ... [--json] [--markdown FILE]

Joins the shard documents of one plan (npm run plan -- --all [--base REF] --shard I/N --out SHARD.json,
all N of them, in any order) into what the plan without --shard prints: the same bytes.

  --json           print the plan document (the plan contract) on stdout
  --markdown FILE  the shards were planned with --base: write the diff as pull-request comments
  -h, --help       show this help

Exit codes: as the plan's (0, 1 a problem, 3 a mandatory policy violated); 2 usage error, or
shards that are not all of one plan (missing, twice, truncated, edited or corrupted, of another
commit or selection, planned on another day), refused before anything is printed: each carries the
SHA-256 of its bytes.
`;

async function merge(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        json: { type: "boolean", default: false },
        markdown: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(MERGE_USAGE);
        return EXIT.ok;
    }
    if (positionals.length === 0) {
        throw new UsageError("merge needs the shard documents: npm run plan -- merge SHARD.json ...");
    }
    if (values.markdown !== undefined) {
        checkOutputPath("--markdown", values.markdown);
    }
    try {
        const shards = orderShards(positionals);
        const first = shards[0]!.header.pass;
        if (values.markdown !== undefined && first.base === undefined) {
            throw new UsageError("--markdown needs shards planned with --base REF: the comment shows what changes against REF");
        }
        log("merging", { shards: shards.length, stacks: shards.reduce((sum, shard) => sum + shard.header.stacks, 0) });
        const result = await emitPlan(
            shards.map((shard) => shard.header.pass),
            shards.map((shard) => shardSource(shard.file, shard.header)),
            emitOptions(values.json === true, values.markdown, first.base?.ref),
        );
        return result.exitCode;
    } catch (error) {
        if (error instanceof ShardError) {
            return refuse("plan merge", error.message, EXIT.usage, values.json === true);
        }
        throw error;
    }
}

/** Whether this run has written to stdout: once the document has begun, a failure prints no second one. */
let printed = false;

function print(text: string): void {
    printed = true;
    process.stdout.write(text);
}

/**
 * What stdout carries when --json is asked for and the command is refused (a usage error, a base
 * ref that cannot be planned, shards not of one plan, a defect): the plan document with nothing
 * planned and the reason as its one error, of no file. The contract's "exactly one JSON document"
 * holds whatever the outcome; the exit code and stderr say the same as without --json.
 */
export function refusalDocument(reason: string): string {
    return `${canonicalJson({ version: PLAN_VERSION, tenants: [], errors: [{ file: "", line: 1, column: 1, path: "/", message: reason }] })}\n`;
}

/** A refusal the command returns rather than throws: its line on stderr and, with --json, the refusal document. */
function refuse(name: string, reason: string, exitCode: number, json: boolean): number {
    process.stderr.write(`${name}: ${reason}\n`);
    if (json && !printed) {
        print(refusalDocument(reason));
    }
    return exitCode;
}

/** --json among the options (before a `--` that ends them), whether or not the rest parses. */
function jsonAsked(argv: readonly string[]): boolean {
    const end = argv.indexOf("--");
    return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

export async function main(argv: string[]): Promise<number> {
    printed = false;
    if (!jsonAsked(argv)) {
        return command(argv);
    }
    try {
        return await command(argv);
    } catch (error) {
        if (printed) {
            throw error;
        }
        const failure = failureOf("plan", error);
        process.stderr.write(failure.stderr);
        print(refusalDocument(failure.reason));
        return failure.exitCode;
    }
}

async function command(argv: string[]): Promise<number> {
    if (argv[0] === "merge") {
        return merge(argv.slice(1));
    }
    const request = parseRequest(argv);
    if (request === "help") {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    const workDir = planWorkDir();
    try {
        return await plan(request, workDir);
    } finally {
        removePlanWorkDir(workDir);
    }
}

/** The plan `request` asks for, its spill and the base's plan in `workDir`. */
async function plan(request: PlanRequest, workDir: string): Promise<number> {
    // Before the base's plan: the cache entries either plan uses are touched after this.
    const started = new Date(Date.now() - 1000);
    const selected = selectTenants(request);
    const { tenants, regions } = selected;
    const shard = request.shard === undefined ? undefined : { shard: request.shard, tenants: shardOf([...tenants].sort((a, b) => a.id.localeCompare(b.id)), request.shard), fleet: tenants };
    // The base first: a ref that cannot be planned fails before the long plan of the working tree.
    let base: BasePlan | undefined;
    try {
        base = request.base === undefined ? undefined : await planBase({ repo: ROOT, ref: request.base, planArgs: baseSelection(request, shard), log, outputDir: workDir,
            // The base's plan fills and reads the same cache where its plan command has one.
            ...(request.cache !== undefined ? { ifSupported: ["--cache", path.resolve(request.cache)] } : {}),
        });
    } catch (error) {
        if (error instanceof BasePlanError) {
            return refuse("plan", error.message, error.exitCode, request.json);
        }
        throw error;
    }
    let problems = selected.problems;
    if (request.base !== undefined && request.all) {
        // The fleet check: a tenant file deleted while its tenant is active is refused (lifecycle.ts).
        try {
            problems = sortProblems([...problems, ...checkDeletedTenants(request.base)]);
        } catch (error) {
            if (error instanceof BaseRefError) {
                return refuse("plan", error.message, EXIT.usage, request.json);
            }
            throw error;
        }
    }
    if (!request.json) {
        process.stderr.write(`planning ${shard ? `${shard.tenants.length} of ` : ""}${tenants.length} tenant(s) and the platform of ${[...new Set([...regions, ...tenants.map((t) => t.region)])].length} region(s) offline...\n`);
    }
    const spill = path.join(workDir, "stacks.jsonl");
    const pass = await planPass({
        tenants,
        platformRegions: regions,
        config: request.config,
        fleet: selected.fleet,
        problems,
        spill,
        ...(request.cache !== undefined ? { cache: { dir: path.resolve(request.cache), build: buildDigest(ROOT) } } : {}),
        ...(request.shard ? { shard: request.shard } : {}),
        ...(base !== undefined ? { base: { ref: request.base!, commit: base.commit, file: base.file, document: base.document } } : {}),
    });
    if (pass.cached !== undefined) {
        log(`${pass.cached} of ${(shard?.tenants ?? tenants).length} tenant(s) from the plan cache, the others planned`, { cache: request.cache });
        if (request.all && prunesOwnCache()) {
            // The whole fleet was planned: what neither it nor its base used is another fleet's.
            const removed = pruneCache(path.resolve(request.cache!), started);
            if (removed > 0) {
                log("removed the plan cache's entries this plan did not use", { entries: removed });
            }
        }
    }
    if (request.shard !== undefined) {
        const key = shardKey([inputDigest(ROOT, selected.fleet), JSON.stringify(selectionArgs(request)), request.base ?? "", base?.commit ?? "", String(request.shard.count)]);
        const out = request.out ?? path.join(workDir, "shard.json");
        try {
            writeShard(out, { shard: request.shard, key, pass }, spill);
        } catch (error) {
            // The disk full, the folder gone meanwhile: the flag and the file named, no stack (and no half shard).
            if (request.out !== undefined && typeof (error as NodeJS.ErrnoException).code === "string" && typeof (error as NodeJS.ErrnoException).syscall === "string") {
                throw new UsageError(`--out ${request.out}: cannot be written: ${fsReason(error as NodeJS.ErrnoException)}`);
            }
            throw error;
        }
        if (request.out === undefined) {
            await copyToStdout(out);
        } else {
            log("wrote the shard", { file: request.out, shard: `${request.shard.index}/${request.shard.count}`, stacks: pass.stackFacts.length });
        }
        return EXIT.ok;
    }
    return (await emitPlan([pass], [spillSource(spill)], emitOptions(request.json, request.markdown, request.base))).exitCode;
}

if (require.main === module) {
    void run("plan", main, USAGE);
}
