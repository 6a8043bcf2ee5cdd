// The command that gives the answers of an interrupted or refused `npm run tenant:new` back as
// flags, so that nothing is typed twice: printed for a person to paste into a POSIX shell.

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
        const value = answers[field.flag];
        const text = value === undefined ? "" : typeof value === "string" ? value : value.join(",");
        if (text !== "") {
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
