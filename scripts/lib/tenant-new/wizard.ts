// tenant:new's questions: one field at a time, each answer checked by the validator with the answers
// before it and the fleet, in the order a conversation needs; < (or back) returns to the previous one.

import * as fs from "node:fs";

import { PARTNER_REGIONS } from "../../../lib/regions";
import { MODES } from "../../../lib/modes";
import { DEFAULT_PASSWORD_MIN_LENGTH, defaultSizes, Environment, ENVIRONMENTS } from "../../../stacks/config/tenant";
import { displayName } from "../../../stacks/config/tenant-files";
import { Problem } from "../../../stacks/config/validate";
import { list, modeOf, needsField, text } from "./answers";
import { allocateFor, answeredProblems, checkCandidate, deriveTenantId, ExistingFleet, problemsOfField, tenantFilePath } from "./check";
import { Answers, DEFAULT_ENVIRONMENT, DEFAULT_REGION, Field, fieldByFlag, fieldOfPointer, FIELDS, MODE_EXPLANATIONS, splitList } from "./fields";
import { Prompter } from "./prompt";

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
export async function interview(prompter: Prompter, given: Answers, fleet: ExistingFleet, session: Session): Promise<{ answers: Answers; allocated: boolean }> {
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
