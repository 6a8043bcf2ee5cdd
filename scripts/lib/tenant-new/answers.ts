// tenant:new's answers without questions: those the flags give, the flags --yes cannot do without,
// the defaults filled in (tenant id, subdomain, allocated network), and a problem named by its flag.

import { Mode, MODES } from "../../../lib/modes";
import { UsageError } from "../cli";
import { Problem } from "../../../stacks/config/validate";
import { allocateFor, deriveTenantId, ExistingFleet } from "./check";
import { Answers, fieldByFlag, fieldOfPointer, FIELDS, splitList } from "./fields";

/** The answers the flags give, as text (list flags split on commas too). */
/**
 * What a byte that is not UTF-8 decodes to (Node decodes argv and readline's lines with it): an
 * answer holding it came from a terminal or script in another encoding, and written into the file
 * it would be a company name or a value nobody typed.
 */
export const NOT_UTF8 = "\uFFFD";

/** Why an answer cannot be taken as typed: it holds NOT_UTF8; undefined when it is fine. */
export function encodingProblem(value: string): string | undefined {
    return value.includes(NOT_UTF8)
        ? "holds bytes that are not UTF-8 (shown as \uFFFD): set the terminal to UTF-8 (e.g. LANG=C.UTF-8), or type the answer in ASCII"
        : undefined;
}

export function answersFromFlags(values: Record<string, unknown>): Answers {
    const answers: Answers = {};
    for (const field of FIELDS) {
        const value = values[field.flag];
        for (const item of Array.isArray(value) ? value : [value]) {
            const problem = typeof item === "string" ? encodingProblem(item) : undefined;
            if (problem !== undefined) {
                throw new UsageError(`--${field.flag}: the value ${problem}`);
            }
        }
        if (Array.isArray(value)) {
            answers[field.flag] = value.flatMap((item) => splitList(String(item)));
        } else if (typeof value === "string") {
            answers[field.flag] = value.trim();
        }
    }
    return answers;
}

export function text(answers: Answers, flag: string): string | undefined {
    const value = answers[flag];
    return typeof value === "string" && value !== "" ? value : undefined;
}

export function list(answers: Answers, flag: string): readonly string[] {
    const value = answers[flag];
    return value === undefined ? [] : typeof value === "string" ? splitList(value) : value;
}

export function modeOf(answers: Answers): Mode | undefined {
    const mode = text(answers, "mode");
    return (MODES as readonly string[]).includes(mode ?? "") ? (mode as Mode) : undefined;
}

export const needsField = (mode: Mode | undefined, flag: string): boolean => mode !== undefined && fieldByFlag(flag).modes.includes(mode);

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
