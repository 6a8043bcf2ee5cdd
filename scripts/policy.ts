#!/usr/bin/env tsx
// npm run policy -- --plan FILE.json [--json]
// Runs the policy rules on a saved plan document (the plan contract), e.g. one produced elsewhere
// or edited by hand. Same output and exit codes as `npm run plan`. A document in the form the plan
// prints is read stack by stack (a fleet of 10,000 tenants is about 900 MiB of JSON), any other
// form whole, as before.

// First: before anything loads @pulumi/pulumi.
import "./lib/plan/defer-unused-modules";

import { isUtf8 } from "node:buffer";
import * as fs from "node:fs";

import Ajv2020, { ErrorObject, ValidateFunction } from "ajv/dist/2020";

import { EXIT, fsReason, parseFlags, run, UsageError, writeStdout } from "./lib/cli";
import { canonicalJson } from "../lib/canonical-json";
import { deeperThan, MAX_PLAN_DEPTH } from "../lib/json-depth";
import { jsonErrorOffset } from "../lib/json-syntax";
import { quoteClipped } from "../lib/quote-visibly";
import { utf8OffsetPosition, firstInvalidUtf8 } from "../lib/utf8";
import { PlannedStack, policyFleet, stackFleetFacts, StackFleetFacts } from "../policy/rules/from-plan";
import { planExitCode, withViolations } from "./lib/plan/policy";
import { BlockWriter, DocumentWriter, documentFrame, pauseForPipe } from "./lib/plan/stream/document";
import { pass2Threads, runBytes, runsInOrder } from "./lib/plan/stream/pass2";
import { CheckedStack, CheckedText, checkRun, mandatoryCount, PlanChangedError, PolicyRunContext, policyRuns, stackLines, startPolicyWorker, withDefaults } from "./lib/plan/stream/policy-runs";
import { changedSince, forEachStack, openStackedPlan, SpoolLimitError, spoolToFile, StackedPlan } from "./lib/plan/stream/read";
import planSchema from "./lib/plan/plan.schema.json";

export const USAGE = `Usage: npm run policy -- --plan FILE.json [--json]

Checks a saved plan document (what \`npm run plan -- --json\` prints) against the policy rules.

  --plan FILE.json  the plan document to check (- for standard input)
  --json            print the document with each stack's violations, as one JSON document
  -h, --help        show this help

Exit codes: 0 no mandatory violation, 1 the document is not a valid plan, 2 usage error,
3 a mandatory policy is violated.
`;

const MIB = 1024 * 1024;

/**
 * Larger documents are not plans of this fleet: the plan prints about 90 MiB per 1,000 tenants, so
 * this is some 90,000 tenants, beyond what one fleet document is planned for (issue 18: 10,000).
 */
export const MAX_PLAN_BYTES = 8 * 1024 * MIB;

/**
 * The largest document read whole (one in another form than the plan prints, or the evidence
 * sheet's): about V8's longest string (2^29 - 24 characters), and several GiB once parsed.
 */
export const MAX_WHOLE_PLAN_BYTES = 512 * MIB;

/**
 * What a path given for a plan is, where it is no file to read: a device or a socket (/dev/zero
 * would be read for ever), never a plan. Pipes (`--plan <(npm run -s plan -- --json)`) and folders
 * (refused when read) are left to the reading.
 */
function notAFile(stat: fs.Stats): string | undefined {
    return stat.isCharacterDevice() || stat.isBlockDevice() || stat.isSocket() ? "not a file (a device or a socket); give the plan document's file, or - for standard input" : undefined;
}

/**
 * A saved plan's text (`-`: standard input), refused over MAX_WHOLE_PLAN_BYTES, a pipe's as it
 * comes; an unreadable file is a usage error starting with `cannotRead` and saying why. Bytes that
 * are not UTF-8 are refused (exit 1) at their line and column, `name` naming the file.
 */
export function readPlanText(file: string, cannotRead: string, name: string = file): string {
    const tooLarge = () => new UsageError(`${file}: larger than ${MAX_WHOLE_PLAN_BYTES / MIB} MiB; not a plan document`, EXIT.invalid);
    let fd: number | undefined;
    try {
        fd = file === "-" ? 0 : fs.openSync(file, "r");
        const stat = fs.fstatSync(fd);
        const problem = file === "-" ? undefined : notAFile(stat);
        if (problem !== undefined) {
            throw new UsageError(`${cannotRead}: ${problem}`);
        }
        if (stat.isFile() && stat.size > MAX_WHOLE_PLAN_BYTES) {
            throw tooLarge();
        }
        // Read to the end, never past the limit (a pipe's size is not known in advance).
        const chunks: Buffer[] = [];
        const block = Buffer.alloc(MIB);
        let total = 0;
        for (;;) {
            let read: number;
            try {
                read = fs.readSync(fd, block, 0, block.length, null);
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
                    pauseForPipe();
                    continue;
                }
                throw error;
            }
            if (read === 0) {
                break;
            }
            total += read;
            if (total > MAX_WHOLE_PLAN_BYTES) {
                throw tooLarge();
            }
            // A copy of what was read: a pipe gives 64 KiB at a time, and a view would keep the whole block.
            chunks.push(Buffer.from(block.subarray(0, read)));
        }
        const bytes = Buffer.concat(chunks, total);
        if (!isUtf8(bytes)) {
            const at = firstInvalidUtf8(bytes);
            const { line, column } = utf8OffsetPosition(bytes, at);
            throw new UsageError(`${name}:${line}:${column}: not valid UTF-8 (byte 0x${bytes[at]!.toString(16).padStart(2, "0")}); a plan document is JSON in UTF-8`, EXIT.invalid);
        }
        const text = bytes.toString("utf8");
        // A byte order mark before the document: RFC 8259 lets a reader ignore it, and editors write one.
        return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch (error) {
        if (error instanceof UsageError) {
            throw error;
        }
        throw new UsageError(`${cannotRead}: ${fsReason(error as NodeJS.ErrnoException)}`);
    } finally {
        if (fd !== undefined && fd !== 0) {
            fs.closeSync(fd);
        }
    }
}

export interface PlanFileProblem {
    readonly path: string;
    readonly message: string;
}

let planValidator: ValidateFunction | undefined;
let stackValidator: ValidateFunction | undefined;

/** The plan contract's validator, compiled on first use (not as the module loads) and kept. */
function validatePlan(): ValidateFunction {
    return (planValidator ??= new Ajv2020({ allErrors: true, strict: true }).compile(planSchema));
}

/** The validator of one stack: the contract's `tenants` items, what the whole document's applies to each. */
function validateStack(): ValidateFunction {
    return (stackValidator ??= new Ajv2020({ allErrors: true, strict: true }).compile(planSchema.properties.tenants.items));
}

/** The problem of a value nested deeper than MAX_PLAN_DEPTH, at the first such value. */
function tooDeep(pointer: string): PlanFileProblem {
    return { path: pointer, message: `nested more than ${MAX_PLAN_DEPTH} levels deep (a plan nests about 13); not a plan document` };
}

/** At most this many problems are reported (the first, after duplicates are dropped). */
const MAX_PROBLEMS = 50;

/** A schema error as a problem; `at` is where the validated value sits in the document. */
function problemOf(error: ErrorObject, at = ""): PlanFileProblem {
    const where = `${at}${error.instancePath}`;
    const message =
        error.keyword === "const" && where === "/version"
            ? "unsupported plan version; expected 1"
            : error.keyword === "enum"
              ? `is none of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`
              : (error.message ?? "invalid");
    return { path: where || "/", message };
}

/**
 * Stacks named twice: a plan has each stack once (a document joined by hand from two plans has
 * some twice, and which of them a check read would be chance). Each repeat names the first.
 */
function repeatedStacks(): { see(tenant: string, index: number): void; readonly problems: PlanFileProblem[] } {
    const first = new Map<string, number>();
    const problems: PlanFileProblem[] = [];
    return {
        see(tenant, index) {
            const at = first.get(tenant);
            if (at === undefined) {
                first.set(tenant, index);
            } else if (problems.length < MAX_PROBLEMS) {
                problems.push({ path: `/tenants/${index}/tenant`, message: `${JSON.stringify(tenant)} is the stack of /tenants/${at} already: a plan has each stack once` });
            }
        },
        problems,
    };
}

/**
 * What the contract's schema cannot say of a stack's resources: ids unique within the stack (a
 * reference followed by id would reach either of two), a type and name registered once (Pulumi's
 * URN), and a parent that is a resource of the stack. A hand-edited document breaks them; a rule
 * reading one of two same-id resources would judge by chance.
 */
/**
 * The AWS provider's type tokens are `aws:<module>/<member>:<Type>`, the module in lowercase and the
 * member the type with its first letter lowered (every token of @pulumi/aws has that shape). A token
 * of another shape, such as one in the wrong case, names no type the provider has, and no rule would
 * recognise the resource: the document is refused rather than its resources passed unjudged.
 */
export function awsTypeTokenProblem(type: string): string | undefined {
    if (!type.startsWith("aws:")) {
        return undefined;
    }
    const token = /^aws:[a-z0-9]+\/([a-z][A-Za-z0-9_]*):([A-Z][A-Za-z0-9_]*)$/.exec(type);
    if (token !== null && token[1] === `${token[2]![0]!.toLowerCase()}${token[2]!.slice(1)}`) {
        return undefined;
    }
    return `${quoteClipped(type)} is not a type token of the AWS provider (aws:<module in lowercase>/<member>:<Type>, the member the type with its first letter lowered, e.g. aws:rds/instance:Instance): no rule would recognise the resource`;
}

function resourceProblems(stack: PlannedStack, index: number): PlanFileProblem[] {
    const problems: PlanFileProblem[] = [];
    // The stack's region is where the evidence sheet looks for its platform: it must be the region
    // its own provider (`<stack>-aws`, as the program names it) deploys into, when the plan has it.
    const own = stack.resources.find((resource) => resource.type === "pulumi:providers:aws" && resource.name === `${stack.tenant}-aws`);
    const providerRegion = own?.inputs.region;
    if (typeof providerRegion === "string" && typeof stack.region === "string" && providerRegion !== stack.region) {
        problems.push({ path: `/tenants/${index}/region`, message: `${quoteClipped(stack.region)} is not the region of the stack's own provider ${own!.name} (${quoteClipped(providerRegion)}): a stack is planned in one region` });
    }
    const ids = new Map<string, number>();
    const names = new Map<string, number>();
    stack.resources.forEach((resource, i) => {
        const at = `/tenants/${index}/resources/${i}`;
        const typeProblem = awsTypeTokenProblem(resource.type);
        if (typeProblem !== undefined) {
            problems.push({ path: `${at}/type`, message: typeProblem });
        }
        const sameId = ids.get(resource.id);
        if (sameId !== undefined) {
            problems.push({ path: `${at}/id`, message: `${quoteClipped(resource.id)} is also the id of /tenants/${index}/resources/${sameId}: ids are unique within a stack (the plan contract)` });
        } else {
            ids.set(resource.id, i);
        }
        const key = `${resource.type}\u0000${resource.name}`;
        const sameName = names.get(key);
        if (sameName !== undefined) {
            problems.push({ path: `${at}/name`, message: `${quoteClipped(resource.type)} ${quoteClipped(resource.name)} is also /tenants/${index}/resources/${sameName}: a stack registers each type and name once` });
        } else {
            names.set(key, i);
        }
    });
    const named = new Set(stack.resources.map((resource) => resource.name));
    stack.resources.forEach((resource, i) => {
        if (typeof resource.parent === "string" && !named.has(resource.parent)) {
            problems.push({ path: `/tenants/${index}/resources/${i}/parent`, message: `${quoteClipped(resource.parent)} names no resource of this stack; a parent is the logical name of one of its components` });
        }
    });
    return problems;
}

/** Line and column of a character offset, for JSON syntax errors. */
function position(text: string, offset: number): { line: number; column: number } {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return { line, column: offset - before.lastIndexOf("\n") };
}

/** Parses and checks a plan document; problems name where (JSON pointer, or line:column) and what. */
export function readPlanDocument(text: string): { document?: { tenants: PlannedStack[]; errors?: unknown[] }; problems: PlanFileProblem[] } {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        const message = (error as Error).message;
        // V8 names no position for an unexpected token (True, NaN, +30) or an early end: scanned for.
        const offset = Number(/position (\d+)/.exec(message)?.[1] ?? jsonErrorOffset(text) ?? 0);
        const where = position(text, offset);
        // The parser quotes the text it choked on: white space as spaces, only printable characters.
        const printable = message
            .replace(/[\t\n\r]/g, " ")
            .replace(/[^\x20-\x7e]/g, "?")
            .replace(/^Unexpected/, "unexpected")
            .slice(0, 200);
        return { problems: [{ path: `${where.line}:${where.column}`, message: text.trim() === "" ? "not valid JSON: the document is empty" : `not valid JSON: ${printable}` }] };
    }
    const deep = deeperThan(parsed, MAX_PLAN_DEPTH);
    if (deep !== undefined) {
        return { problems: [tooDeep(deep)] };
    }
    const validate = validatePlan();
    if (!validate(parsed)) {
        const problems = (validate.errors ?? []).map((error) => problemOf(error));
        return { problems: [...new Map(problems.map((problem) => [`${problem.path} ${problem.message}`, problem])).values()].slice(0, MAX_PROBLEMS) };
    }
    const document = parsed as { tenants: PlannedStack[] };
    const repeated = repeatedStacks();
    const inside: PlanFileProblem[] = [];
    document.tenants.forEach((stack, index) => {
        repeated.see(stack.tenant, index);
        inside.push(...resourceProblems(stack, index));
    });
    if (repeated.problems.length > 0 || inside.length > 0) {
        return { problems: [...repeated.problems, ...inside].slice(0, MAX_PROBLEMS) };
    }
    return { document: { ...document, tenants: document.tenants.map(withDefaults) }, problems: [] };
}

/** The report's last line. */
function totalsLine(stacks: number, mandatory: number, all: number): string {
    return `${stacks} stack(s) checked; ${mandatory} mandatory and ${all - mandatory} advisory policy violation(s)`;
}

export function renderViolations(tenants: readonly CheckedStack[]): string {
    const all = tenants.flatMap((plan) => plan.violations);
    return `${[...tenants.flatMap(stackLines), totalsLine(tenants.length, mandatoryCount(all), all.length)].join("\n")}\n`;
}

/** How a document was read: stack by stack (the plan's own form) or whole (any other). */
export type PlanReading = "stacks" | "whole";

/** What checking a document gave: the exit code and how it was read. */
export interface PlanCheck {
    readonly exitCode: number;
    readonly reading: PlanReading;
}

/**
 * The problems of a document read stack by stack, in the order (and number) the whole document's
 * validation gives them: its fields are validated with one invalid stand-in stack, whose error marks
 * where in ajv's order the stacks' own come; each stack is validated alone against the contract's
 * `tenants` items, its errors' paths prefixed with its place. Undefined when a stack is not valid
 * JSON (the whole document's parse then says where); else the problems and the stacks' fleet facts.
 */
function validateStacked(plan: StackedPlan): { problems: PlanFileProblem[]; facts: StackFleetFacts[] } | undefined {
    const validate = validatePlan();
    validate({ ...plan.fields, tenants: [null] });
    const header = validate.errors ?? [];
    const stand = (error: ErrorObject) => error.instancePath === "/tenants/0";
    const first = header.findIndex(stand);
    const last = header.length - 1 - [...header].reverse().findIndex(stand);
    if (first < 0) {
        throw new Error("the plan schema no longer refuses a null stack: the stacks' errors cannot be placed");
    }
    const unique = new Map<string, PlanFileProblem>();
    let invalid = false;
    const add = (problem: PlanFileProblem) => {
        invalid = true;
        const key = `${problem.path} ${problem.message}`;
        if (!unique.has(key) && unique.size < MAX_PROBLEMS) {
            unique.set(key, problem);
        }
    };
    header.slice(0, first).forEach((error) => add(problemOf(error)));
    const facts: StackFleetFacts[] = [];
    const stack = validateStack();
    const repeated = repeatedStacks();
    const inside: PlanFileProblem[] = [];
    const parsed = forEachStack(plan, (value, i) => {
        // A stack is two levels down (the document, its `tenants`).
        const deep = deeperThan(value, MAX_PLAN_DEPTH - 2);
        if (deep !== undefined) {
            add(tooDeep(`/tenants/${i}${deep}`));
        } else if (!stack(value)) {
            (stack.errors ?? []).forEach((error) => add(problemOf(error, `/tenants/${i}`)));
        } else {
            repeated.see((value as unknown as PlannedStack).tenant, i);
            if (inside.length < MAX_PROBLEMS) {
                inside.push(...resourceProblems(value as unknown as PlannedStack, i));
            }
            if (!invalid) {
                facts.push(stackFleetFacts(withDefaults(value as unknown as PlannedStack)));
            }
        }
    });
    if (!parsed) {
        return undefined;
    }
    header.slice(last + 1).forEach((error) => add(problemOf(error)));
    // As the whole document's reading: the stacks named twice once the contract's shape holds.
    return { problems: invalid ? [...unique.values()] : [...repeated.problems, ...inside].slice(0, MAX_PROBLEMS), facts };
}

/**
 * Checks a document read stack by stack, in two passes (stream/run.ts emitPlan's pattern): the
 * stacks validated and reduced to their fleet facts (what the rules' fleet-wide settings read),
 * then each read again, judged and written (on two threads for a large document, policy-runs.ts;
 * `threads` overrides the choice). The same bytes as the whole document's check.
 */
export async function checkStacked(plan: StackedPlan, name: string, json: boolean, threads?: number): Promise<number | undefined> {
    const validated = validateStacked(plan);
    if (validated === undefined) {
        return undefined;
    }
    if (validated.problems.length > 0) {
        process.stderr.write(validated.problems.map((problem) => `${name}:${problem.path}: ${problem.message}\n`).join(""));
        return EXIT.invalid;
    }
    const context: PolicyRunContext = { fleet: policyFleet(validated.facts), today: new Date().toISOString(), json };
    const out = new BlockWriter((text) => {
        process.stdout.write(text);
    });
    const document = json ? new DocumentWriter(out, documentFrame(plan.fields)) : undefined;
    const totals = { stacks: 0, mandatory: 0, all: 0 };
    const bytes = plan.stacks.reduce((sum, entry) => sum + entry[2], 0);
    const using = threads ?? pass2Threads(bytes);
    const runs = policyRuns(plan, runBytes(bytes, using));
    const take = (checked: CheckedText): void => {
        totals.stacks += 1;
        totals.mandatory += checked.mandatory;
        totals.all += checked.all;
        if (document) {
            document.stack(checked.text);
        } else {
            out.write(checked.text);
        }
    };
    try {
        await runsInOrder(runs, (run) => checkRun(run, context), take, {
            threads: using,
            context,
            start: () => startPolicyWorker(context),
            worker: "the policy's worker thread",
        });
    } catch (error) {
        // A stack that no longer parses, on either thread, is most likely another writer's doing.
        throw changedSince(plan) || error instanceof PlanChangedError ? planChanged(name) : error;
    }
    if (document) {
        document.end();
    } else {
        out.write(`${totalsLine(totals.stacks, totals.mandatory, totals.all)}\n`);
        out.flush();
    }
    // Stacks rewritten in place with the same number of bytes still parse: only the file says so.
    if (changedSince(plan)) {
        throw planChanged(name);
    }
    noteUnplanned(name, plan.fields.errors);
    return totals.mandatory > 0 ? EXIT.policy : EXIT.ok;
}

/**
 * The plan's `errors` (tenant files it refused, AWS rules broken) are no stacks to judge: the check
 * judges what was planned, and says on standard error that the plan left something out (its own
 * exit code was 1).
 */
function noteUnplanned(name: string, errors: unknown): void {
    if (Array.isArray(errors) && errors.length > 0) {
        process.stderr.write(`${name}: the plan lists ${errors.length} error(s) (its /errors: what it could not plan, its own exit code 1); only the stacks it planned are judged here\n`);
    }
}

/**
 * The plan's file was written while it was checked (a plan still printing into it, a copy over
 * it): what was printed mixes two documents. Exit 1, as for a document that is no valid plan.
 */
function planChanged(name: string): UsageError {
    return new UsageError(`${name} changed while it was checked (another process wrote it): the output above is no check of one plan; check it again once it is written`, EXIT.invalid);
}

/** The check of a document read whole, as it has always been. */
async function checkWhole(file: string, name: string, json: boolean): Promise<number> {
    const text = readPlanText(file, `cannot read ${name}`, name);
    const { document, problems } = readPlanDocument(text);
    if (!document) {
        process.stderr.write(problems.map((problem) => `${name}:${problem.path}: ${problem.message}\n`).join(""));
        return EXIT.invalid;
    }
    const checked = withViolations(document);
    await writeStdout(json ? `${canonicalJson(checked)}\n` : renderViolations(checked.tenants));
    noteUnplanned(name, document.errors);
    return planExitCode({ errors: [], tenants: checked.tenants });
}

/**
 * Checks the plan document in `file` (`name` is what the messages call it): stack by stack when it
 * is in the plan's own form (stream/read.ts), on two threads when it is large (policy-runs.ts;
 * `threads` says how many, for the tests), else whole when it is small enough to be.
 */
export async function checkPlanFile(file: string, name: string, json: boolean, threads?: number): Promise<PlanCheck> {
    let size: number;
    try {
        size = fs.statSync(file).size;
    } catch (error) {
        throw new UsageError(`cannot read ${name}: ${fsReason(error as NodeJS.ErrnoException)}`);
    }
    if (size > MAX_PLAN_BYTES) {
        throw new UsageError(`${name}: larger than ${MAX_PLAN_BYTES / 1024 / MIB} GiB; not a plan document`, EXIT.invalid);
    }
    let stacked: StackedPlan | undefined;
    try {
        stacked = openStackedPlan(file);
    } catch {
        // Unreadable (a folder, a file gone meanwhile): the whole read says why, as it always has.
        stacked = undefined;
    }
    if (stacked !== undefined) {
        const exitCode = await checkStacked(stacked, name, json, threads);
        if (exitCode !== undefined) {
            return { exitCode, reading: "stacks" };
        }
    }
    if (size > MAX_WHOLE_PLAN_BYTES) {
        throw new UsageError(
            `${name}: larger than ${MAX_WHOLE_PLAN_BYTES / MIB} MiB and not exactly as \`npm run plan -- --json\` prints it (keys sorted, two spaces, valid JSON), the only form read stack by stack; not a plan document`,
            EXIT.invalid,
        );
    }
    return { exitCode: await checkWhole(file, name, json), reading: "whole" };
}

export async function main(argv: string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
        plan: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
        await writeStdout(USAGE);
        return EXIT.ok;
    }
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 80)}"; give the plan with --plan FILE.json`);
    }
    const file = values.plan;
    if (file === undefined) {
        throw new UsageError("--plan FILE.json is required");
    }
    let stat: fs.Stats | undefined;
    try {
        stat = file === "-" ? undefined : fs.statSync(file);
    } catch (error) {
        throw new UsageError(`cannot read ${file}: ${fsReason(error as NodeJS.ErrnoException)}`);
    }
    const problem = stat && notAFile(stat);
    if (problem !== undefined) {
        throw new UsageError(`cannot read ${file}: ${problem}`);
    }
    if (stat !== undefined && !stat.isFIFO()) {
        return (await checkPlanFile(file, file, values.json)).exitCode;
    }
    // Standard input, or a pipe, is spooled to a file (it can be read only once), read stack by stack like any other.
    let spooled: Awaited<ReturnType<typeof spoolToFile>>;
    try {
        spooled = await spoolToFile(file === "-" ? stdin : fs.createReadStream(file), MAX_PLAN_BYTES);
    } catch (error) {
        if (error instanceof SpoolLimitError) {
            throw new UsageError(`${file}: larger than ${MAX_PLAN_BYTES / 1024 / MIB} GiB; not a plan document`, EXIT.invalid);
        }
        throw new UsageError(`cannot read ${file}: ${fsReason(error as NodeJS.ErrnoException)}`);
    }
    try {
        return (await checkPlanFile(spooled.file, file, values.json)).exitCode;
    } finally {
        spooled.remove();
    }
}

if (require.main === module) {
    void run("policy", main, USAGE);
}
