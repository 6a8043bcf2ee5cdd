#!/usr/bin/env tsx
// npm run tenant:new [-- --FIELD VALUE ... [--yes] [--dry-run] [--dir DIR]]: sales ops add a tenant.
// Asks for what the flags do not give, checks every answer with the validator itself as it is
// typed, and writes <dir>/<tenant>.yaml only when the file and the whole fleet with it are valid.

import * as fs from "node:fs";
import * as path from "node:path";

import { PARTNER_REGIONS } from "../lib/regions";
import { DEFAULT_PASSWORD_MIN_LENGTH, DEFAULT_SIZES, defaultSizes, Environment, ENVIRONMENTS, PHYSICAL_DEFAULT_SIZES } from "../stacks/config/tenant";
import { Mode, MODES } from "../lib/modes";
import { claimCacheFile } from "../stacks/config/claims";
import { loadFleetDirectory, loadFleetFilesAgainstDirectory } from "../stacks/config/load-fleet";
import { tenantConfigDir } from "../stacks/config/project";
import { displayName } from "../stacks/config/tenant-files";
import { formatProblem, Problem } from "../stacks/config/validate";
import { EXIT, Options, parseFlags, run, UsageError } from "./lib/cli";
import type { PlanDocument, TenantPlan } from "./lib/plan/fleet";
import { NETWORK_POOL } from "./lib/tenant-new/allocate";
import { allocateFor, answeredProblems, checkCandidate, deriveTenantId, ExistingFleet, problemsOfField, readExistingFleet, tenantFilePath } from "./lib/tenant-new/check";
import { resumeCommand } from "./lib/tenant-new/resume";
import {
    Answers,
    DEFAULT_ENVIRONMENT,
    DEFAULT_REGION,
    Field,
    fieldByFlag,
    fieldOfPointer,
    FIELDS,
    MODE_EXPLANATIONS,
    splitList,
} from "./lib/tenant-new/fields";
import { InputEnded, Prompter } from "./lib/tenant-new/prompt";

/** Exit code when the user cancels the questions (Ctrl-C or end of input): nothing is written. */
export const EXIT_CANCELLED = 130;

export const USAGE = `Usage: npm run tenant:new -- [--FIELD VALUE ...] [--yes] [--dry-run] [--dir DIR] [--no-plan]

Adds a tenant: writes DIR/<tenant>.yaml (DIR: tenant-configs/), a commented file that passes
npm run validate together with every existing tenant. Without --yes it asks, one question at a
time, for every field no flag gives, and checks each answer as it is typed. Nothing is written
when anything is invalid; an existing tenant is never overwritten.

Fields (one flag per YAML field; list flags are repeatable or take commas):
  --company NAME             company (required)
  --tenant ID                tenant (default: from the company, e.g. "Globex Corporation" -> globex)
  --mode MODE                mode (required):
${MODES.map((mode) => `                               ${mode.padEnd(15)}${MODE_EXPLANATIONS[mode]}`).join("\n")}
  --region REGION            region (asked with ${DEFAULT_REGION} as default; required with --yes)
  --environment ENV          environment: ${ENVIRONMENTS.join(" | ")} (default ${DEFAULT_ENVIRONMENT}, left out of the file)
  --subdomain LABEL          domain.subdomain (default: the tenant id)  } not for saas;
  --own-domain FQDN          domain.own, the customer's own domain       } one of the two
  --network-cidr CIDR        network.cidr (physical, cloud, vpn, vpn-sync; default: allocated, see below)
  --customer-gateway-ip IP   vpn.customerGatewayIp (vpn, vpn-sync; required)
  --bgp-asn ASN              vpn.bgpAsn (optional; static routing when absent)
  --corporate-cidr CIDR      vpn.corporateCidrs (vpn, vpn-sync; required; repeatable)
  --directory-name FQDN      identity.directoryName (vpn-sync; required)
  --dns-ip IP                identity.dnsIps (vpn-sync; required; exactly 2; repeatable)
  --service-account NAME     identity.serviceAccount (vpn-sync; required)
  --instance-type TYPE       compute.instanceType      } optional sizing (not for saas); left out,
  --instances N              compute.instances         } the defaults of the environment apply:
  --volume-gib GIB           compute.volumeGiB         } production ${DEFAULT_SIZES.production.compute.instances} x ${DEFAULT_SIZES.production.compute.instanceType}, ${DEFAULT_SIZES.production.database.instanceClass};
  --db-instance-class CLASS  database.instanceClass    } demo/test ${DEFAULT_SIZES.demo.compute.instances} x ${DEFAULT_SIZES.demo.compute.instanceType}, ${DEFAULT_SIZES.demo.database.instanceClass}
  --db-storage-gib GIB       database.storageGiB       } (physical demo/test: ${PHYSICAL_DEFAULT_SIZES.demo.compute.instances} x ${PHYSICAL_DEFAULT_SIZES.demo.compute.instanceType}, ${PHYSICAL_DEFAULT_SIZES.demo.database.instanceClass})
                             Types and classes must exist (EC2's list; RDS's classes for PostgreSQL);
                             Graviton types (m7g, c7gn, t4g...) boot the arm64 image; on physical the
                             database's size must exist in the servers' family (it runs on their host).
  --password-min-length N    security.passwordMinLength (optional; default ${DEFAULT_PASSWORD_MIN_LENGTH})
  --offsite-region REGION    backup.offsiteRegion (optional; default: the region's partner region)

Questions: each answer is checked with the answers before it as it is typed (a network against
the corporate networks, a subdomain against the fleet, sizing against the mode and its host);
type < (or back) to return to the previous question. Whenever it stops without writing (a
refusal, Ctrl-C, the end of the input), it prints the npm run tenant:new -- --yes ... command
with the answers given so far, so nothing is typed twice.

Network allocation: when --network-cidr is not given, the tenant gets the first /16 of the pool
  ${NETWORK_POOL.join(", ")} (searched in that order)
that overlaps no existing tenant's network and none of its own corporate networks; the platform's
block 10.0.0.0/12 and 192.168.0.0/16 are never used.

Options:
  --yes          ask nothing: every field with a default takes it, and each missing required
                 flag is named (company, mode, region and the mode's VPN and directory fields)
  --dry-run      print the file it would write on stdout; write nothing
  --dir DIR      the tenant folder (default: tenant-configs/)
  --no-plan      do not print the offline plan of the new tenant after writing it
  -h, --help     show this help

Exit codes: 0 written (or printed with --dry-run), 1 an answer is invalid, the tenant exists or the
folder already has invalid files, 2 usage error (unknown flag, missing flags with --yes), 130
cancelled (Ctrl-C, or the input ended before every question was answered). Nothing is written
unless the exit code is 0.
`;

export interface Io {
    readonly stdin: NodeJS.ReadableStream;
    readonly stdout: NodeJS.WritableStream;
    readonly stderr: NodeJS.WritableStream;
}

const PROCESS_IO: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

function flagOptions(): Options {
    const options: Options = {
        yes: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        "no-plan": { type: "boolean", default: false },
        dir: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
    };
    for (const field of FIELDS) {
        options[field.flag] = field.kind === "list" ? { type: "string", multiple: true } : { type: "string" };
    }
    return options;
}

/** The answers the flags give, as text (list flags split on commas too). */
export function answersFromFlags(values: Record<string, unknown>): Answers {
    const answers: Answers = {};
    for (const field of FIELDS) {
        const value = values[field.flag];
        if (Array.isArray(value)) {
            answers[field.flag] = value.flatMap((item) => splitList(String(item)));
        } else if (typeof value === "string") {
            answers[field.flag] = value.trim();
        }
    }
    return answers;
}

function text(answers: Answers, flag: string): string | undefined {
    const value = answers[flag];
    return typeof value === "string" && value !== "" ? value : undefined;
}

function list(answers: Answers, flag: string): readonly string[] {
    const value = answers[flag];
    return value === undefined ? [] : typeof value === "string" ? splitList(value) : value;
}

function modeOf(answers: Answers): Mode | undefined {
    const mode = text(answers, "mode");
    return (MODES as readonly string[]).includes(mode ?? "") ? (mode as Mode) : undefined;
}

const needsField = (mode: Mode | undefined, flag: string): boolean => mode !== undefined && fieldByFlag(flag).modes.includes(mode);

/** The flags --yes cannot do without: required fields that have no default. */
export function missingRequiredFlags(answers: Answers): string[] {
    const mode = modeOf(answers);
    const required = ["company", "mode", "region"];
    if (needsField(mode, "customer-gateway-ip")) {
        required.push("customer-gateway-ip", "corporate-cidr");
    }
    if (needsField(mode, "directory-name")) {
        required.push("directory-name", "dns-ip", "service-account");
    }
    return required.filter((flag) => (fieldByFlag(flag).kind === "list" ? list(answers, flag).length === 0 : text(answers, flag) === undefined));
}

/** Fills in what has a default: the tenant id, the subdomain, the network. */
export function withDefaults(answers: Answers, fleet: ExistingFleet): { answers: Answers; allocated: boolean } {
    const filled: Answers = { ...answers };
    const mode = modeOf(filled);
    const company = text(filled, "company");
    if (text(filled, "tenant") === undefined && company !== undefined) {
        filled.tenant = deriveTenantId(company, fleet.tenantIds);
    }
    if (needsField(mode, "subdomain") && text(filled, "subdomain") === undefined && text(filled, "own-domain") === undefined) {
        filled.subdomain = filled.tenant;
    }
    let allocated = false;
    if (needsField(mode, "network-cidr") && text(filled, "network-cidr") === undefined) {
        const cidr = allocateFor(fleet, list(filled, "corporate-cidr"));
        if (cidr !== undefined) {
            filled["network-cidr"] = cidr;
            allocated = true;
        }
    }
    return { answers: filled, allocated };
}

/** A problem as the user typed it: the flag (and pointer) rather than a line of a file not yet written. */
export function describeProblem(problem: Problem): string {
    const field = fieldOfPointer(problem.path);
    // A whole section (`/domain`, `/network`) is named by the flags of its fields.
    const flags = field ? [field] : FIELDS.filter((candidate) => problem.path !== "/" && `/${candidate.path[0]}` === problem.path);
    const named = flags.map((candidate) => `--${candidate.flag}`).join(", ");
    return named ? `${named} (${problem.path}): ${problem.message}` : `${problem.path}: ${problem.message}`;
}

/** What the user types to return to the previous question. */
export const BACK_ANSWERS: readonly string[] = ["<", "back"];

/** The interview's state, kept by the caller: what to print when it ends without a file. */
export interface Session {
    /** The answers accepted so far (each valid with those before it). */
    readonly answers: Answers;
    /** Flags whose value was refused at its prompt (left out of the resume command unless answered again). */
    readonly refused: Set<string>;
    /** Flags to ask again although a flag gave them (the user went back to them). */
    readonly reask: Set<string>;
    /** The network was the allocated proposal. */
    allocated: boolean;
}

export function newSession(): Session {
    return { answers: {}, refused: new Set(), reask: new Set(), allocated: false };
}

/**
 * The problems to show at a field's prompt: those of every answer so far (this one included),
 * checked together by the validator, and when the field is left out, those of its default.
 */
function promptProblems(answers: Answers, fleet: ExistingFleet, field: Field): Problem[] {
    const problems = checkCandidate(answers, fleet).problems;
    const shown = [...answeredProblems(problems, answers, FIELDS), ...problemsOfField(problems, field)];
    return [...new Map(shown.map((problem) => [`${problem.path}\u0000${problem.message}`, problem])).values()];
}

/** Says each problem; one about an earlier answer also says how to go back to it. */
function sayProblems(prompter: Prompter, problems: readonly Problem[], field: Field): void {
    for (const problem of problems) {
        prompter.say(`  ${problem.path}: ${problem.message}`);
    }
    const earlier = [...new Set(problems.map((problem) => fieldOfPointer(problem.path)).filter((other): other is Field => other !== undefined && other !== field))];
    if (earlier.length > 0) {
        prompter.say(`  (this conflicts with your answer to ${earlier.map((other) => `--${other.flag}`).join(", ")}: answer differently, or type < to go back)`);
    }
}

interface Question {
    readonly flag: string;
    /** Shown in brackets; Enter takes it. */
    readonly shown?: string;
    /** What Enter means: write `shown` into the file, or leave the field out (the program's default). */
    readonly enter?: "write" | "omit";
    /** Turns the typed text into the answer (e.g. a mode's number into its name). */
    readonly parse?: (typed: string) => string | readonly string[];
}

type Outcome = "answered" | "back";

/**
 * Asks one question until its answer passes the validator: the document so far plus this answer
 * is validated with the fleet, and the problems of the answers given so far are shown before
 * asking again. A value given by flag is checked first and only asked again when it is invalid.
 * `<` or `back` returns to the previous question.
 */
async function askField(prompter: Prompter, session: Session, fleet: ExistingFleet, question: Question, given: Answers): Promise<Outcome> {
    const { answers } = session;
    const field: Field = fieldByFlag(question.flag);
    let fromFlag = session.reask.has(field.flag) ? undefined : given[field.flag];
    for (;;) {
        let value: string | readonly string[] | undefined = fromFlag;
        const byFlag = fromFlag !== undefined;
        fromFlag = undefined;
        if (value === undefined) {
            const typed = await prompter.ask(field.question, question.shown);
            if (BACK_ANSWERS.includes(typed.toLowerCase())) {
                return "back";
            }
            if (typed === "") {
                if (question.shown !== undefined && question.enter === "write") {
                    value = question.shown;
                } else if (question.enter === "omit" || field.optional) {
                    // Left out, the default applies: it must fit too (on physical, the default
                    // database class must have a size of the servers' family).
                    delete answers[field.flag];
                    const problems = promptProblems(answers, fleet, field);
                    if (problems.length === 0) {
                        session.refused.delete(field.flag);
                        return "answered";
                    }
                    sayProblems(prompter, problems, field);
                    continue;
                } else {
                    prompter.say("  an answer is required (or < to go back)");
                    continue;
                }
            } else {
                value = question.parse ? question.parse(typed) : field.kind === "list" ? splitList(typed) : typed;
            }
        }
        answers[field.flag] = value;
        const problems = promptProblems(answers, fleet, field);
        if (field.flag === "tenant" && typeof value === "string" && fs.existsSync(tenantFilePath(fleet.dir, value))) {
            problems.unshift({ file: "", line: 1, column: 1, path: "/tenant", message: `${displayName(tenantFilePath(fleet.dir, value))} already exists; choose another tenant id` });
        }
        if (problems.length === 0) {
            session.refused.delete(field.flag);
            return "answered";
        }
        if (byFlag) {
            session.refused.add(field.flag);
        }
        sayProblems(prompter, problems, field);
        delete answers[field.flag];
    }
}

/** The one question for both domain fields: a name with a dot is the customer's own domain. */
async function askDomain(prompter: Prompter, session: Session, fleet: ExistingFleet): Promise<Outcome> {
    const { answers } = session;
    const tenant = text(answers, "tenant")!;
    for (;;) {
        const typed = (await prompter.ask(fieldByFlag("subdomain").question, tenant)) || tenant;
        if (BACK_ANSWERS.includes(typed.toLowerCase())) {
            return "back";
        }
        const field = fieldByFlag(typed.includes(".") ? "own-domain" : "subdomain");
        answers[field.flag] = typed;
        const problems = promptProblems(answers, fleet, field);
        if (problems.length === 0) {
            return "answered";
        }
        sayProblems(prompter, problems, field);
        delete answers[field.flag];
    }
}

function parseMode(typed: string): string {
    const index = Number(typed);
    return Number.isInteger(index) && index >= 1 && index <= MODES.length ? MODES[index - 1]! : typed;
}

interface Step {
    /** The answers the step gives (cleared when the user goes back to it). */
    readonly flags: readonly string[];
    readonly run: () => Promise<Outcome>;
}

/**
 * The questions, in the order a conversation needs (corporate networks before the allocated
 * network), for the answers so far: the mode decides which follow it.
 */
function steps(prompter: Prompter, session: Session, given: Answers, fleet: ExistingFleet): Step[] {
    const { answers } = session;
    const field = (question: Question, before?: () => void): Step => ({
        flags: [question.flag],
        run: () => {
            before?.();
            return askField(prompter, session, fleet, question, given);
        },
    });
    const asked = (flag: string): boolean => given[flag] === undefined || session.reask.has(flag);
    const order: Step[] = [
        field({ flag: "company" }),
        { flags: ["tenant"], run: () => askField(prompter, session, fleet, { flag: "tenant", shown: deriveTenantId(text(answers, "company") ?? "", fleet.tenantIds), enter: "write" }, given) },
        field({ flag: "mode", parse: parseMode }, () => {
            if (asked("mode")) {
                prompter.say("Modes:");
                MODES.forEach((mode, i) => prompter.say(`  ${i + 1}. ${mode.padEnd(15)}${MODE_EXPLANATIONS[mode]}`));
            }
        }),
    ];
    const mode = modeOf(answers);
    if (mode === undefined) {
        return order;
    }
    order.push(field({ flag: "region", shown: DEFAULT_REGION, enter: "write" }), field({ flag: "environment", shown: DEFAULT_ENVIRONMENT, enter: "omit" }));
    if (needsField(mode, "subdomain")) {
        const byFlag = ["subdomain", "own-domain"].find((flag) => given[flag] !== undefined && !session.reask.has(flag));
        order.push(
            byFlag !== undefined
                ? { flags: ["subdomain", "own-domain"], run: () => askField(prompter, session, fleet, { flag: byFlag }, given) }
                : { flags: ["subdomain", "own-domain"], run: () => askDomain(prompter, session, fleet) },
        );
    }
    if (needsField(mode, "customer-gateway-ip")) {
        order.push(field({ flag: "customer-gateway-ip" }), field({ flag: "bgp-asn", enter: "omit" }), field({ flag: "corporate-cidr" }));
    }
    if (needsField(mode, "directory-name")) {
        order.push(field({ flag: "directory-name" }), field({ flag: "dns-ip" }), field({ flag: "service-account" }));
    }
    if (needsField(mode, "network-cidr")) {
        order.push({
            flags: ["network-cidr"],
            run: async () => {
                const proposal = allocateFor(fleet, list(answers, "corporate-cidr"));
                const outcome = await askField(prompter, session, fleet, { flag: "network-cidr", shown: proposal, enter: "write" }, given);
                session.allocated = outcome === "answered" && asked("network-cidr") && proposal !== undefined && text(answers, "network-cidr") === proposal;
                return outcome;
            },
        });
    }
    const environment = (text(answers, "environment") ?? DEFAULT_ENVIRONMENT) as Environment;
    const sizes = defaultSizes(mode, ENVIRONMENTS.includes(environment) ? environment : DEFAULT_ENVIRONMENT);
    if (needsField(mode, "instance-type")) {
        order.push(
            field({ flag: "instance-type", shown: sizes.compute.instanceType, enter: "omit" }, () =>
                prompter.say("Sizing (Enter keeps the default of the environment and leaves the field out of the file):"),
            ),
            field({ flag: "instances", shown: String(sizes.compute.instances), enter: "omit" }),
            field({ flag: "volume-gib", shown: String(sizes.compute.volumeGiB), enter: "omit" }),
            field({ flag: "db-instance-class", shown: sizes.database.instanceClass, enter: "omit" }),
            field({ flag: "db-storage-gib", shown: String(sizes.database.storageGiB), enter: "omit" }),
        );
    }
    order.push(
        field({ flag: "password-min-length", shown: String(DEFAULT_PASSWORD_MIN_LENGTH), enter: "omit" }),
        field({ flag: "offsite-region", shown: PARTNER_REGIONS[text(answers, "region") ?? ""], enter: "omit" }),
    );
    return order;
}


/**
 * The interview: each step in turn; `<` (or `back`) at a prompt clears the previous step's answer
 * and asks it again (a value given by flag included). Answers accumulate in `session`, which the
 * caller prints as a command when the interview ends without a file.
 */
async function interview(prompter: Prompter, given: Answers, fleet: ExistingFleet, session: Session): Promise<{ answers: Answers; allocated: boolean }> {
    const { answers } = session;
    prompter.say("Type < (or back) to return to the previous question; Ctrl-C stops and prints the command with your answers so far.");
    let index = 0;
    for (;;) {
        const list = steps(prompter, session, given, fleet);
        if (index >= list.length) {
            break;
        }
        if ((await list[index]!.run()) === "answered") {
            index++;
            continue;
        }
        if (index === 0) {
            prompter.say("  this is the first question");
            continue;
        }
        index--;
        for (const flag of list[index]!.flags) {
            delete answers[flag];
            session.reask.add(flag);
        }
    }
    const mode = modeOf(answers)!;
    // Flags for fields this mode does not have stay in, so the final check names them.
    for (const [flag, value] of Object.entries(given)) {
        if (answers[flag] === undefined && value !== undefined && !needsField(mode, flag)) {
            answers[flag] = value;
        }
    }
    return { answers, allocated: session.allocated };
}

/** Writes the file without ever replacing one: a hard link from a temporary file fails if the name exists. */
function writeNew(file: string, content: string): "written" | "exists" {
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(temporary, content, { flag: "wx", mode: 0o644 });
    try {
        fs.linkSync(temporary, file);
        return "written";
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") {
            return "exists";
        }
        // Filesystems without hard links: check, then rename (atomic, though not exclusive).
        if (fs.existsSync(file)) {
            return "exists";
        }
        fs.renameSync(temporary, file);
        return "written";
    } finally {
        fs.rmSync(temporary, { force: true });
    }
}

/**
 * COST ESTIMATE CALL SITE (the only one): the monthly list-price estimate of the planned tenant,
 * from scripts/lib/cost/estimate.ts (`estimateStack(plan, prices)`, prices.json by default).
 */
async function costEstimate(plan: TenantPlan): Promise<string> {
    const { estimateStack } = await import("./lib/cost/estimate");
    const estimate = estimateStack(plan);
    const unpriced = estimate.unknown.length > 0 ? `; ${estimate.unknown.length} item(s) not included (usage-based or not priced)` : "";
    return `about ${estimate.monthlyUsd.toFixed(2)} USD a month at list prices ${estimate.priceVersion}${unpriced}`;
}

/** Plans the new tenant offline (its region's platform included) and renders its summary. */
async function planSummary(dir: string, tenant: string): Promise<{ text: string; problems: Problem[] }> {
    // Loaded only here: the Pulumi program takes seconds to load and the questions must not wait.
    const [{ planFleet }, { renderTenant }, { withViolations }] = await Promise.all([
        import("./lib/plan/fleet"),
        import("./lib/plan/summary"),
        import("./lib/plan/policy"),
    ]);
    const fleet = loadFleetFilesAgainstDirectory([tenantFilePath(dir, tenant)], { dir, claimCache: claimCacheFile() });
    const planned = withViolations(await planFleet({ tenants: fleet.tenants }));
    const plan = planned.tenants.find((candidate) => candidate.tenant === tenant);
    if (!plan) {
        return { text: "", problems: [...fleet.problems, ...planned.errors] };
    }
    // The file is written by now: an estimate that fails is reported, never fatal.
    const cost = await costEstimate(plan).catch((error: unknown) => `unavailable (${(error as Error).message.split("\n")[0]})`);
    return { text: `${renderTenant(plan)}\n  estimated monthly cost: ${cost}\n`, problems: planned.errors };
}

export async function main(argv: string[], io: Io = PROCESS_IO): Promise<number> {
    const { values, positionals } = parseFlags(argv, flagOptions());
    const say = (line: string): void => void io.stderr.write(`${line}\n`);
    if (values.help) {
        io.stdout.write(USAGE);
        return EXIT.ok;
    }
    if (positionals.length > 0) {
        throw new UsageError(`unexpected argument "${String(positionals[0]).slice(0, 80)}"; every field is a flag (--company NAME, --mode MODE ...)`);
    }
    const dir = path.resolve(typeof values.dir === "string" ? values.dir : tenantConfigDir());
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new UsageError(`--dir ${displayName(dir)} is not a folder`);
    }
    const given = answersFromFlags(values);
    // On any refusal, the answers given so far as one command: nothing is typed twice.
    const resume = (answers: Answers, what: string): void => {
        if (Object.values(answers).every((value) => value === undefined)) {
            return;
        }
        const missing = missingRequiredFlags(answers);
        const rest = missing.length > 0 ? `; add ${missing.map((flag) => `--${flag}`).join(", ")} or leave out --yes to be asked the rest` : "";
        say(`tenant:new: ${what}${rest}:`);
        say(`  ${resumeCommand(answers, { dir: typeof values.dir === "string" ? values.dir : undefined, dryRun: values["dry-run"] === true, noPlan: values["no-plan"] === true })}`);
    };

    // Preconditions: a fleet that is valid now, and no existing file for a tenant id given by flag.
    const fleet = readExistingFleet(dir);
    if (fleet.problems.length > 0) {
        fleet.problems.forEach((problem) => say(formatProblem(problem)));
        say(`tenant:new: ${displayName(dir)} already has ${fleet.problems.length} problem(s); fix them first (npm run validate), nothing written`);
        resume(given, "then run again with your flags");
        return EXIT.invalid;
    }
    const givenTenant = text(given, "tenant");
    if (givenTenant !== undefined && fs.existsSync(tenantFilePath(dir, givenTenant))) {
        say(`tenant:new: ${displayName(tenantFilePath(dir, givenTenant))} already exists; a tenant is never overwritten (edit the file instead), nothing written`);
        resume(given, "for another tenant, change --tenant in");
        return EXIT.invalid;
    }

    let answers: Answers;
    let allocated: boolean;
    if (values.yes) {
        const missing = missingRequiredFlags(given);
        if (missing.length > 0) {
            throw new UsageError(`--yes asks nothing, so these flags are required: ${missing.map((flag) => `--${flag}`).join(", ")}`);
        }
        ({ answers, allocated } = withDefaults(given, fleet));
    } else {
        const prompter = new Prompter({ stdin: io.stdin, output: io.stderr });
        const session = newSession();
        try {
            ({ answers, allocated } = await interview(prompter, given, fleet, session));
        } catch (error) {
            if (error instanceof InputEnded) {
                say("");
                // The flags not yet reached, then every answer accepted; a flag refused or gone back to is not kept.
                const kept = Object.fromEntries(Object.entries(given).filter(([flag]) => !session.refused.has(flag) && !session.reask.has(flag)));
                resume({ ...kept, ...session.answers }, "your answers so far, to go on without typing them again");
                throw new UsageError(`${error.message}; nothing written (use --yes with flags to run without questions)`, EXIT_CANCELLED);
            }
            throw error;
        } finally {
            prompter.close();
        }
    }

    const mode = modeOf(answers);
    if (needsField(mode, "network-cidr") && text(answers, "network-cidr") === undefined) {
        say(`tenant:new: the network pool (${NETWORK_POOL.join(", ")}) has no free /16 left; give --network-cidr, nothing written`);
        resume(answers, "add --network-cidr to");
        return EXIT.invalid;
    }
    // The final bytes, checked alone and with the whole fleet, exactly as they will be written.
    const candidate = checkCandidate(answers, fleet);
    if (candidate.problems.length > 0) {
        candidate.problems.forEach((problem) => say(describeProblem(problem)));
        say(`tenant:new: ${candidate.problems.length} problem(s); nothing written`);
        resume(answers, "correct the flags named above in");
        return EXIT.invalid;
    }
    const tenant = text(answers, "tenant")!;
    const file = tenantFilePath(dir, tenant);
    const network = text(answers, "network-cidr");
    const facts = `tenant ${tenant}, mode ${mode}, region ${text(answers, "region")}${network ? `, network ${network}${allocated ? " (allocated)" : ""}` : ""}`;
    if (values["dry-run"]) {
        io.stdout.write(candidate.text);
        say(`tenant:new: dry run, ${displayName(file)} not written (${facts})`);
        return EXIT.ok;
    }
    if (writeNew(file, candidate.text) === "exists") {
        say(`tenant:new: ${displayName(file)} already exists; a tenant is never overwritten, nothing written`);
        resume(answers, "for another tenant, change --tenant in");
        return EXIT.invalid;
    }
    const after = loadFleetDirectory(dir);
    say(`tenant:new: wrote ${displayName(file)} (${facts}); ${after.files.length} tenant file(s) in ${displayName(dir)}, ${after.problems.length} problem(s)`);
    after.problems.forEach((problem) => say(formatProblem(problem)));
    if (!values["no-plan"]) {
        say("tenant:new: planning the new tenant offline...");
        const summary = await planSummary(dir, tenant);
        io.stdout.write(summary.text);
        summary.problems.forEach((problem) => say(formatProblem(problem)));
    }
    say(`tenant:new: next: review and commit ${displayName(file)}; deploy with pulumi stack select --create ${tenant} && pulumi up --policy-pack policy`);
    return after.problems.length === 0 ? EXIT.ok : EXIT.invalid;
}

if (require.main === module) {
    void run("tenant:new", (argv) => main(argv), USAGE);
}
