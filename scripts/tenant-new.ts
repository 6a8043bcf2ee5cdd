#!/usr/bin/env tsx
// npm run tenant:new [-- --FIELD VALUE ... [--yes] [--dry-run] [--dir DIR]]: sales ops add a tenant.
// Asks for what the flags do not give, checks every answer with the validator itself as it is
// typed, and writes <dir>/<tenant>.yaml only when the file and the whole fleet with it are valid.
// This file is the command (flags, the order of its checks, the summary after writing); the answers
// without questions are in lib/tenant-new/answers.ts, the questions in lib/tenant-new/wizard.ts.

import * as fs from "node:fs";
import * as path from "node:path";

import { DEFAULT_PASSWORD_MIN_LENGTH, DEFAULT_SIZES, ENVIRONMENTS, PHYSICAL_DEFAULT_SIZES } from "../stacks/config/tenant";
import { MODES } from "../lib/modes";
import { claimCacheFile } from "../stacks/config/claims";
import { loadFleetDirectory, loadFleetFilesAgainstDirectory } from "../stacks/config/load-fleet";
import { tenantConfigDir } from "../stacks/config/project";
import { displayName } from "../stacks/config/tenant-files";
import { formatProblem, Problem } from "../stacks/config/validate";
import { EXIT, Options, parseFlags, run, UsageError } from "./lib/cli";
import type { TenantPlan } from "./lib/plan/fleet";
import { NETWORK_POOL } from "./lib/tenant-new/allocate";
import { answersFromFlags, describeProblem, missingRequiredFlags, modeOf, needsField, text, withDefaults } from "./lib/tenant-new/answers";
import { checkCandidate, readExistingFleet, tenantFilePath } from "./lib/tenant-new/check";
import { leftOutOfResume, resumeCommand } from "./lib/tenant-new/resume";
import { Answers, DEFAULT_ENVIRONMENT, DEFAULT_REGION, FIELDS, MODE_EXPLANATIONS } from "./lib/tenant-new/fields";
import { InputEnded, Prompter } from "./lib/tenant-new/prompt";
import { interview, newSession } from "./lib/tenant-new/wizard";
import { writeNew } from "./lib/tenant-new/write";

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
        const leftOut = leftOutOfResume(answers);
        if (leftOut.length > 0) {
            say(`  (not repeated: ${leftOut.join(", ")}, whose answer looks like a secret, holds control or invisible characters or is over 200 characters; give it again)`);
        }
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
    // The README's way: a pull request, then main's rollout. A bare `pulumi up` runs dist/, which
    // only npm run build makes (npm run up builds first).
    say(`tenant:new: next: open a pull request with ${displayName(file)}; once merged, the rollout of main deploys it (by hand: npm run up -- ${tenant})`);
    return after.problems.length === 0 ? EXIT.ok : EXIT.invalid;
}

if (require.main === module) {
    void run("tenant:new", (argv) => main(argv), USAGE);
}
