// npm run tenant:new as a conversation: each answer checked against the answers before it at its
// own prompt, `<` / `back` to return to the previous question, and on every refusal (or the end of
// the input) the `--yes` command with the answers given so far. Scripted stdin, a fixture fleet.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";

import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

import { answeredProblems } from "../scripts/lib/tenant-new/check";
import { FIELDS } from "../scripts/lib/tenant-new/fields";
import { leftOutOfResume, resumeCommand, shellQuote } from "../scripts/lib/tenant-new/resume";
import { main } from "../scripts/tenant-new";
import { loadFleetDirectory } from "../stacks/config/load-fleet";
import { Problem } from "../stacks/config/validate";

const created: string[] = [];
afterAll(() => created.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A tenant folder with one cloud tenant, globex (subdomain globex, network 10.20.0.0/16). */
function fixtureFleet(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tenant-wizard-"));
    created.push(dir);
    fs.writeFileSync(path.join(dir, "globex.yaml"), "tenant: globex\ncompany: Globex\nmode: cloud\nregion: us-east-1\ndomain:\n  subdomain: globex\nnetwork:\n  cidr: 10.20.0.0/16\n");
    return dir;
}

interface Outcome {
    readonly code: number | undefined;
    readonly error: (Error & { exitCode?: number }) | undefined;
    readonly stderr: string;
}

/** Runs the wizard with every answer piped in ahead (the prompter buffers lines; or the raw bytes given), then the end of the input. */
async function converse(argv: readonly string[], answers: readonly string[] | Buffer): Promise<Outcome> {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const err: string[] = [];
    stderr.on("data", (chunk) => err.push(String(chunk)));
    stdout.resume();
    stdin.end(Buffer.isBuffer(answers) ? answers : answers.map((answer) => `${answer}\n`).join(""));
    try {
        const code = await main([...argv], { stdin, stdout, stderr });
        return { code, error: undefined, stderr: err.join("") };
    } catch (error) {
        return { code: undefined, error: error as Error, stderr: err.join("") };
    }
}

/** Splits a command printed by resumeCommand back into words (bare words and '...' with '\'' inside). */
function shellWords(command: string): string[] {
    const words: string[] = [];
    for (const match of command.matchAll(/(?:[^\s']+|'(?:[^']*)'(?:\\''[^']*')*)+/g)) {
        words.push(match[0].replace(/'\\''/g, "'").replace(/^'|'$/g, "").replace(/([^\\])'|^'/g, "$1"));
    }
    return words;
}

/** The command the wizard printed: the line after the one that introduces it. */
function printedCommand(stderr: string): string {
    const line = stderr.split("\n").find((candidate) => candidate.startsWith("  npm run tenant:new -- --yes "));
    expect(line, `no command in:\n${stderr}`).toBeDefined();
    return line!.trim();
}

const VPN_ANSWERS_BEFORE_NETWORK = [
    "Umbrella Corp", // company
    "", // tenant id: umbrella
    "vpn", // mode
    "", // region: eu-west-1
    "", // environment
    "", // domain: umbrella
    "81.2.69.150", // VPN device
    "", // BGP: static
    "192.168.0.0/16, 10.70.0.0/16", // corporate networks
];
const SIZING_AND_REST = ["", "", "", "", "", "", ""];

describe("each answer is checked against the answers before it, at its prompt", () => {
    it("GIVEN corporate networks WHEN the tenant network typed overlaps one THEN it is refused at the network's own prompt, naming the earlier answer, and asked again", async () => {
        const dir = fixtureFleet();
        const result = await converse(["--dir", dir, "--no-plan"], [...VPN_ANSWERS_BEFORE_NETWORK, "10.70.0.0/16", "", ...SIZING_AND_REST]);
        const [, afterNetwork] = result.stderr.split("Tenant network CIDR [10.64.0.0/16]: ");
        // Refused right there, before the next question, at the path the validator reports it.
        expect(afterNetwork).toMatch(
            /^ {2}\/vpn\/corporateCidrs\/1: "10\.70\.0\.0\/16" overlaps the tenant network 10\.70\.0\.0\/16 \(network\.cidr\); the two sides of the VPN need distinct ranges\n {2}\(this conflicts with your answer to --corporate-cidr: answer differently, or type < to go back\)\n/,
        );
        expect(result.stderr.match(/Tenant network CIDR \[10\.64\.0\.0\/16\]: /g)).toHaveLength(2);
        expect(result.code).toBe(0);
        expect(parse(fs.readFileSync(path.join(dir, "umbrella.yaml"), "utf8"))).toMatchObject({ network: { cidr: "10.64.0.0/16" }, vpn: { corporateCidrs: ["192.168.0.0/16", "10.70.0.0/16"] } });
        expect(loadFleetDirectory(dir).problems).toEqual([]);
    });

    it("GIVEN a subdomain another tenant has WHEN typed THEN it is refused at the domain prompt", async () => {
        const dir = fixtureFleet();
        const result = await converse(["--dir", dir, "--no-plan"], ["Umbrella Corp", "", "cloud", "", "", "globex", "umbrella", "", ...SIZING_AND_REST]);
        expect(result.stderr).toMatch(/Domain: [^\n]*\[umbrella\]: {3}\/domain\/subdomain: subdomain "globex" is also used by [^\n]*globex\.yaml:6:14; each tenant needs its own\n/);
        expect(result.code).toBe(0);
    });

    it("GIVEN a company name too long for any tenant file WHEN typed THEN it is refused at the company prompt, naming the length, and asked again", async () => {
        const dir = fixtureFleet();
        const result = await converse(["--dir", dir, "--no-plan"], ["a".repeat(70_000), "Umbrella Corp", "", "saas", "", "", "", ""]);
        const [, afterCompany] = result.stderr.split("Company name: ");
        expect(afterCompany).toMatch(/^ {2}\/company: is 70000 characters long, more than a tenant file can hold: the file is \d+ bytes; a tenant file may be at most 65536 bytes \(64 KiB\)\n/);
        expect(result.code).toBe(0);
        expect(parse(fs.readFileSync(path.join(dir, "umbrella.yaml"), "utf8"))).toMatchObject({ company: "Umbrella Corp" });
    });

    it("GIVEN an answer in Latin-1 (bytes that are not UTF-8) WHEN typed THEN it is refused and asked again, never written as replacement characters", async () => {
        const dir = fixtureFleet();
        // "Société Générale" as a Latin-1 terminal sends it, then the name again in ASCII.
        const bytes = Buffer.concat([Buffer.from("Soci\xe9t\xe9 G\xe9n\xe9rale\n", "latin1"), Buffer.from(["Societe Generale", "", "saas", "", "", "", "", ""].map((answer) => `${answer}\n`).join(""))]);
        const { code, stderr } = await converse(["--dir", dir, "--no-plan"], bytes);
        expect(stderr).toContain("  the answer holds bytes that are not UTF-8 (shown as \uFFFD): set the terminal to UTF-8");
        expect(code).toBe(0);
        const written = fs.readFileSync(path.join(dir, "societe-generale.yaml"), "utf8");
        expect(written).not.toContain("\uFFFD");
        expect(parse(written)).toMatchObject({ company: "Societe Generale" });
    });

    it("GIVEN only the answers so far WHEN the partial document is checked THEN only problems of answered fields (and their sections) are shown", () => {
        const at = (pointer: string): Problem => ({ file: "x.yaml", line: 1, column: 1, path: pointer, message: pointer });
        const problems = [at("/network/cidr"), at("/vpn/corporateCidrs/1"), at("/domain"), at("/compute"), at("/identity/directoryName")];
        expect(answeredProblems(problems, { "network-cidr": "10.70.0.0/16", "corporate-cidr": ["10.70.0.0/16"] }, FIELDS).map((problem) => problem.path)).toEqual([
            "/network/cidr",
            "/vpn/corporateCidrs/1",
        ]);
        expect(answeredProblems(problems, { instances: "3", subdomain: "x" }, FIELDS).map((problem) => problem.path)).toEqual(["/domain", "/compute"]);
        expect(answeredProblems(problems, { company: "X", "corporate-cidr": [] }, FIELDS)).toEqual([]);
    });
});

describe("going back", () => {
    it("GIVEN < at the region WHEN answered THEN the mode is asked again and the new mode's questions follow; < at the first question stays there", async () => {
        const dir = fixtureFleet();
        const result = await converse(["--dir", dir, "--no-plan"], ["<", "Umbrella Corp", "", "cloud", "<", "saas", "", "", "", ""]);
        expect(result.stderr).toContain("Company name:   this is the first question\n");
        expect(result.stderr.match(/Mode \(number or name\): /g)).toHaveLength(2);
        expect(result.stderr.match(/Modes:\n/g)).toHaveLength(2);
        expect(result.code).toBe(0);
        expect(parse(fs.readFileSync(path.join(dir, "umbrella.yaml"), "utf8"))).toMatchObject({ tenant: "umbrella", mode: "saas", region: "eu-west-1" });
    });

    it("GIVEN a value given by flag WHEN the user goes back to it THEN it is asked (not taken from the flag again)", async () => {
        const dir = fixtureFleet();
        const result = await converse(["--dir", dir, "--no-plan", "--company", "Umbrella Corp", "--mode", "cloud"], ["", "back", "saas", "", "", "", ""]);
        expect(result.stderr.match(/Mode \(number or name\): /g)).toHaveLength(1);
        expect(result.code).toBe(0);
        expect(parse(fs.readFileSync(path.join(dir, "umbrella.yaml"), "utf8"))).toMatchObject({ mode: "saas" });
    });
});

describe("on any refusal, the command with the answers so far", () => {
    it("GIVEN the input ends mid-way WHEN cancelled THEN exit 130, nothing written, and the --yes command holds every answer, quoted; run, it writes the tenant", async () => {
        const dir = fixtureFleet();
        const result = await converse(["--dir", dir, "--no-plan"], ["Umbrella Corp", "", "vpn", "us-east-1", "", "", "81.2.69.150"]);
        expect(result.error).toMatchObject({ exitCode: 130, message: expect.stringContaining("nothing written") });
        expect(fs.readdirSync(dir)).toEqual(["globex.yaml"]);
        expect(result.stderr).toContain("tenant:new: your answers so far, to go on without typing them again; add --corporate-cidr or leave out --yes to be asked the rest:\n");
        const command = printedCommand(result.stderr);
        expect(command).toBe(
            `npm run tenant:new -- --yes --tenant umbrella --company 'Umbrella Corp' --mode vpn --region us-east-1 --subdomain umbrella --customer-gateway-ip 81.2.69.150 --dir ${shellQuote(dir)} --no-plan`,
        );
        // The command, completed with what it says is missing, runs without a question.
        const words = shellWords(command).slice(4);
        const rerun = await converse([...words, "--corporate-cidr", "192.168.0.0/16"], []);
        expect(rerun.stderr).not.toContain("nothing written");
        expect(rerun.code).toBe(0);
        expect(parse(fs.readFileSync(path.join(dir, "umbrella.yaml"), "utf8"))).toMatchObject({ company: "Umbrella Corp", mode: "vpn", region: "us-east-1", vpn: { customerGatewayIp: "81.2.69.150" } });
    });

    it("GIVEN a flag refused at its prompt WHEN the input then ends THEN the refused value is left out of the command and the flags not yet reached are kept", async () => {
        const dir = fixtureFleet();
        const result = await converse(["--dir", dir, "--no-plan", "--company", "Umbrella Corp", "--mode", "clowd", "--instances", "3"], [""]);
        expect(result.stderr).toContain('/mode: "clowd" is not allowed (did you mean "cloud"?)');
        expect(printedCommand(result.stderr)).toBe(`npm run tenant:new -- --yes --tenant umbrella --company 'Umbrella Corp' --instances 3 --dir ${shellQuote(dir)} --no-plan`);
    });

    it("GIVEN --yes and an answer the validator refuses WHEN run THEN exit 1 and the command to correct is printed", async () => {
        const dir = fixtureFleet();
        const result = await converse(["--yes", "--dir", dir, "--no-plan", "--company", "Umbrella Corp", "--mode", "cloud", "--region", "eu-west-1", "--subdomain", "globex"], []);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("tenant:new: correct the flags named above in:\n");
        expect(printedCommand(result.stderr)).toBe(
            `npm run tenant:new -- --yes --tenant umbrella --company 'Umbrella Corp' --mode cloud --region eu-west-1 --subdomain globex --network-cidr 10.64.0.0/16 --dir ${shellQuote(dir)} --no-plan`,
        );
    });

    it.each<[string, string]>([
        ["umbrella", "umbrella"],
        ["Umbrella Corp", "'Umbrella Corp'"],
        ["O'Neil & Sons", `'O'\\''Neil & Sons'`],
        ["$(rm -rf ~)", "'$(rm -rf ~)'"],
        ["10.0.0.0/16,192.168.0.0/16", "10.0.0.0/16,192.168.0.0/16"],
        ["", "''"],
    ])("GIVEN %j WHEN quoted for the shell THEN %s", (word, quoted) => {
        expect(shellQuote(word)).toBe(quoted);
    });

    it("GIVEN answers that look like secrets, hold control or invisible characters or run over 200 characters WHEN the command is built THEN they are left out and named", () => {
        const answers = {
            tenant: "x",
            company: "Bad\u001b[31mName",
            mode: "vpn",
            "customer-gateway-ip": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "corporate-cidr": ["192.168.0.0/16", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"],
            "directory-name": "corp\u202e.example.com",
            "service-account": "s".repeat(201),
            region: "eu-west-1",
        };
        const command = resumeCommand(answers);
        expect(command).toBe("npm run tenant:new -- --yes --tenant x --mode vpn --region eu-west-1");
        expect(leftOutOfResume(answers)).toEqual(["--company", "--customer-gateway-ip", "--corporate-cidr", "--directory-name", "--service-account"]);
        expect(leftOutOfResume({ ...answers, company: "Umbrella Corp", "service-account": "s".repeat(200) })).not.toContain("--company");
        expect(leftOutOfResume({ ...answers, "service-account": "s".repeat(200) })).not.toContain("--service-account");
    });

    it("GIVEN list answers WHEN the command is built THEN a list is one flag with commas, in the file's field order", () => {
        expect(resumeCommand({ "corporate-cidr": ["192.168.0.0/16", "10.1.0.0/16"], company: "X", tenant: "x" })).toBe(
            "npm run tenant:new -- --yes --tenant x --company X --corporate-cidr 192.168.0.0/16,10.1.0.0/16",
        );
    });
});
