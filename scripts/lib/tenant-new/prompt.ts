// One question at a time in the terminal. Lines are read through readline's async iterator, which
// buffers: answers piped in ahead of their question (a script, a test) are never lost.

import { createInterface, Interface } from "node:readline/promises";

import { encodingProblem } from "./answers";

export interface Terminal {
    readonly stdin: NodeJS.ReadableStream;
    /** Where questions and feedback go (stderr: stdout stays for the file and the plan). */
    readonly output: NodeJS.WritableStream;
}

/** The input ended (EOF or Ctrl-C) before every question was answered. */
export class InputEnded extends Error {}

export class Prompter {
    private readonly rl: Interface;
    private readonly lines: AsyncIterator<string>;

    constructor(private readonly terminal: Terminal) {
        const isTty = (terminal.stdin as { isTTY?: boolean }).isTTY === true;
        this.rl = createInterface({ input: terminal.stdin, output: terminal.output, terminal: isTty });
        // Without a listener readline only pauses on Ctrl-C; closing ends the questions instead.
        this.rl.on("SIGINT", () => this.rl.close());
        this.lines = this.rl[Symbol.asyncIterator]();
    }

    say(text: string): void {
        this.terminal.output.write(`${text}\n`);
    }

    /**
     * Asks and returns the trimmed answer ("" when the user just pressed Enter); an answer holding
     * bytes that are not UTF-8 is refused and asked again, never taken as what readline made of it.
     */
    async ask(question: string, shownDefault?: string): Promise<string> {
        for (;;) {
            this.rl.setPrompt(`${question}${shownDefault === undefined ? "" : ` [${shownDefault}]`}: `);
            this.rl.prompt();
            const next = await this.lines.next();
            if (next.done) {
                throw new InputEnded("the input ended before every question was answered");
            }
            const problem = encodingProblem(next.value);
            if (problem === undefined) {
                return next.value.trim();
            }
            this.say(`  the answer ${problem}`);
        }
    }

    close(): void {
        this.rl.close();
    }
}
