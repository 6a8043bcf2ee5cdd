// Checking a new tenant file with the validator itself, never a copy of its rules: the candidate's
// bytes are validated together with the tenant files already in the folder, exactly as
// `npm run validate` would once the file is written.

import * as path from "node:path";

import { allocateNetwork } from "./allocate";
import { Answers, Field, FIELDS, pointerOf, renderTenantFile } from "./fields";
import { displayName, FleetFile, listTenantDirectory, readTenantFiles } from "../../../stacks/config/tenant-files";
import { Problem, validateFleet } from "../../../stacks/config/validate";

/** The tenant files already in the folder, read once. */
export interface ExistingFleet {
    readonly dir: string;
    readonly files: readonly FleetFile[];
    /** Problems the folder already has before anything is added (a precondition: none). */
    readonly problems: readonly Problem[];
    /** The `network.cidr` of every existing tenant. */
    readonly networks: readonly string[];
    /** The ids of the existing tenants (their `tenant` fields). */
    readonly tenantIds: ReadonlySet<string>;
}

export function readExistingFleet(dir: string): ExistingFleet {
    const listing = listTenantDirectory(dir);
    const loaded = readTenantFiles(listing.files);
    const validation = validateFleet(loaded.files);
    const data = validation.files.map((file) => file.source?.data as { tenant?: unknown; network?: { cidr?: unknown } } | undefined);
    return {
        dir,
        files: loaded.files,
        problems: [...listing.problems, ...loaded.problems, ...validation.problems],
        networks: data.map((doc) => doc?.network?.cidr).filter((cidr): cidr is string => typeof cidr === "string"),
        tenantIds: new Set(data.map((doc) => doc?.tenant).filter((id): id is string => typeof id === "string")),
    };
}

/** The path the tenant's file gets: `<dir>/<tenant>.yaml`. */
export function tenantFilePath(dir: string, tenant: string): string {
    return path.join(dir, `${tenant}.yaml`);
}

export interface CandidateCheck {
    readonly file: string;
    readonly text: string;
    /** The candidate's problems, on its own and against every existing tenant. */
    readonly problems: readonly Problem[];
}

/**
 * Renders the answers and validates the bytes with the fleet. Without a tenant id yet, the file
 * is named after a placeholder that cannot clash (ids never contain a dot).
 */
export function checkCandidate(answers: Answers, fleet: ExistingFleet): CandidateCheck {
    const text = renderTenantFile(answers);
    const tenant = typeof answers.tenant === "string" && answers.tenant !== "" ? answers.tenant : "new.tenant";
    const file = displayName(path.resolve(tenantFilePath(fleet.dir, tenant)));
    const others = fleet.files.filter((existing) => path.resolve(existing.file) !== path.resolve(file));
    const bytes = Buffer.from(text, "utf8");
    const validation = validateFleet([...others, { file, bytes }]);
    return { file, text, problems: oversizeNamed(validation.problems.filter((problem) => problem.file === file), answers) };
}

/**
 * A file too large to be read has one problem, at the whole document (`/`), which names no answer:
 * tenant:new wrote the file from the answers, so the problem is the longest answer's, at its field
 * (the prompt that took it refuses it; with --yes, its flag is named).
 */
function oversizeNamed(problems: readonly Problem[], answers: Answers): Problem[] {
    return problems.map((problem) => {
        if (problem.path !== "/" || !problem.message.startsWith("the file is ")) {
            return problem;
        }
        const lengthOf = (value: Answers[string]): number => (Array.isArray(value) ? value.join(",").length : typeof value === "string" ? value.length : 0);
        const longest = FIELDS.filter((field) => answers[field.flag] !== undefined).sort((a, b) => lengthOf(answers[b.flag]) - lengthOf(answers[a.flag]))[0];
        return longest === undefined
            ? problem
            : { ...problem, path: pointerOf(longest), message: `is ${lengthOf(answers[longest.flag])} characters long, more than a tenant file can hold: ${problem.message}` };
    });
}

/** The problems about one field (at its pointer or below it, e.g. `/vpn/corporateCidrs/1`). */
export function problemsOfField(problems: readonly Problem[], field: Field): Problem[] {
    const pointer = pointerOf(field);
    return problems.filter((problem) => problem.path === pointer || problem.path.startsWith(`${pointer}/`));
}

/** The networks a new tenant's network must not overlap: every tenant's, and its own corporate ranges. */
export function takenNetworks(fleet: ExistingFleet, corporateCidrs: readonly string[] = []): string[] {
    return [...fleet.networks, ...corporateCidrs];
}

/** The network allocated for a new tenant, or undefined when the pool is exhausted. */
export function allocateFor(fleet: ExistingFleet, corporateCidrs: readonly string[] = []): string | undefined {
    return allocateNetwork(takenNetworks(fleet, corporateCidrs));
}

// Legal forms dropped from a company name before it becomes an id ("Globex Corporation" -> globex).
const LEGAL_FORMS = new Set(["ag", "bv", "co", "corp", "corporation", "gmbh", "inc", "incorporated", "kg", "limited", "llc", "llp", "ltd", "nv", "oy", "plc", "sa", "sarl", "sas", "se", "spa", "srl"]);

/**
 * A valid tenant id derived from a company name: lowercase ASCII, words joined by hyphens, legal
 * forms dropped, starting with a letter, 3-30 characters; a numeric suffix when `taken` has it.
 */
export function deriveTenantId(company: string, taken: ReadonlySet<string> = new Set()): string {
    const words = company
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((word) => word.length > 0);
    while (words.length > 1 && LEGAL_FORMS.has(words[words.length - 1]!)) {
        words.pop();
    }
    let id = words.join("-").replace(/^[^a-z]+/, "");
    if (id.length < 3) {
        id = `tenant${id ? `-${id}` : ""}`;
    }
    id = id.slice(0, 30).replace(/-+$/, "");
    let candidate = id;
    for (let n = 2; taken.has(candidate); n++) {
        const suffix = `-${n}`;
        candidate = `${id.slice(0, 30 - suffix.length).replace(/-+$/, "")}${suffix}`;
    }
    return candidate;
}

/**
 * The problems of the answers given so far: those at a field answered (or below it), and those of
 * a section holding an answered field (`/compute`: whether the servers fit their hosts; `/domain`).
 * The validator judges the partial document as it judges a file, so each answer is checked against
 * every answer before it, whichever field the validator reports the conflict at (a network that
 * overlaps the corporate ranges is reported at /vpn/corporateCidrs/N); problems of fields not yet
 * answered (still required) are not shown.
 */
export function answeredProblems(problems: readonly Problem[], answers: Answers, fields: readonly Field[]): Problem[] {
    const answered = fields.filter((field) => {
        const value = answers[field.flag];
        return value !== undefined && value !== "" && !(Array.isArray(value) && value.length === 0);
    });
    const sections = new Set(answered.filter((field) => field.path.length > 1).map((field) => `/${field.path[0]}`));
    return problems.filter((problem) => sections.has(problem.path) || answered.some((field) => problemsOfField([problem], field).length > 0));
}
