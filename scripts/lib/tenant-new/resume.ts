// The command that gives the answers of an interrupted or refused `npm run tenant:new` back as
// flags, so that nothing is typed twice: printed for a person to paste into a POSIX shell.

import { looksLikeSecret } from "../../../lib/secrets";
import { Answers, FIELDS } from "./fields";

/**
 * One word for a POSIX shell (sh, bash, zsh): left bare when it holds only characters no shell
 * treats specially, else in single quotes, where nothing is special but the quote itself
 * (written as '\'' : close, an escaped quote, reopen).
 */
export function shellQuote(word: string): string {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface ResumeOptions {
    /** --dir as given (the tenant folder), repeated when not the default. */
    readonly dir?: string;
    readonly dryRun?: boolean;
    readonly noPlan?: boolean;
}

/**
 * `npm run tenant:new -- --yes --company ... ` with every answer given, in the file's field order;
 * a list is one flag with commas. Empty answers are left out.
 */
export function resumeCommand(answers: Answers, options: ResumeOptions = {}): string {
    const words = ["npm", "run", "tenant:new", "--", "--yes"];
    for (const field of FIELDS) {
        const text = answerText(answers[field.flag]);
        if (text !== "" && !unrepeatable(answers[field.flag])) {
            words.push(`--${field.flag}`, shellQuote(text));
        }
    }
    if (options.dir !== undefined) {
        words.push("--dir", shellQuote(options.dir));
    }
    if (options.dryRun) {
        words.push("--dry-run");
    }
    if (options.noPlan) {
        words.push("--no-plan");
    }
    return words.join(" ");
}

function answerText(value: string | readonly string[] | undefined): string {
    return value === undefined ? "" : typeof value === "string" ? value : value.join(",");
}

/**
 * Whether an answer is left out of the command: printed on a terminal and pasted into a shell's
 * history, a secret-looking value would leak and control or invisible characters would garble the
 * line; an answer over 200 characters is no answer any field takes (messages quote at most 200).
 */
function unrepeatable(value: string | readonly string[] | undefined): boolean {
    const items = value === undefined ? [] : typeof value === "string" ? [value] : [...value];
    const text = answerText(value);
    return text.length > 200 || /[\p{Cc}\p{Cf}\u2028\u2029]/u.test(text) || [text, ...items].some(looksLikeSecret);
}

/** The flags of the answers `resumeCommand` leaves out, in the file's order (to be given again). */
export function leftOutOfResume(answers: Answers): string[] {
    return FIELDS.filter((field) => answerText(answers[field.flag]) !== "" && unrepeatable(answers[field.flag])).map((field) => `--${field.flag}`);
}
