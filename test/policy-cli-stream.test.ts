// `npm run policy -- --plan` on a document in the plan's own form (canonical JSON, as every plan
// command prints it) reads it stack by stack (scripts/lib/plan/stream/read.ts): the same output,
// problems and exit code as the whole document's check, which any other form still gets.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { checkPlanFile, checkStacked, main, MAX_PLAN_BYTES, MAX_WHOLE_PLAN_BYTES, readPlanDocument, renderViolations } from "../scripts/policy";
import { canonicalJson } from "../scripts/lib/plan/engine";
import { planExitCode, withViolations } from "../scripts/lib/plan/policy";
import { policyFleet } from "../policy/rules/from-plan";
import { runsInOrder } from "../scripts/lib/plan/stream/pass2";
import { CheckedText, checkRun, PlanChangedError, PolicyRunContext, policyRuns, startPolicyWorker } from "../scripts/lib/plan/stream/policy-runs";
import { openStackedPlan } from "../scripts/lib/plan/stream/read";
import { runCli } from "./cli-harness";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-stream-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return { type, name, id: `${name}-id`, parent: null, inputs, protect: false, retainOnDelete: false, ...extra };
}

/** Tenant i: an unencrypted volume (a mandatory violation), a network, a firewall that names tenant i+1's network (the fleet's markers), a hand-edited resource without parent/protect. */
function tenantStack(i: number, count: number) {
    const name = `t${String(i).padStart(4, "0")}`;
    const next = `t${String((i + 1) % count).padStart(4, "0")}`;
    return {
        tenant: name,
        mode: ["cloud", "saas", "dedicated-saas"][i % 3]!,
        region: "eu-west-1",
        source: `tenant-configs/${name}.yaml`,
        resources: [
            resource("aws:ec2/vpc:Vpc", `${name}-vpc`, { cidrBlock: `10.${i % 200}.0.0/16` }, { id: `vpc-0${name}` }),
            resource("aws:ebs/volume:Volume", `${name}-volume`, { size: 10, availabilityZone: "eu-west-1a" }),
            resource("aws:ec2/securityGroup:SecurityGroup", `${name}-sg`, { vpcId: `vpc-0${next}`, ingress: [{ cidrBlocks: ["0.0.0.0/0"], fromPort: 22, toPort: 22, protocol: "tcp" }] }),
            { type: "aws:s3/bucket:Bucket", name: `${name}-files`, id: `${name}-files-bucket`, inputs: { bucket: `${name}-files-bucket` } },
        ],
        outputs: { url: `https://${name}.example.com` },
        ...(i % 7 === 3 ? { offboarding: { since: "2024-01-01" } } : {}),
    };
}

function fleetDocument(count: number) {
    return {
        version: 1,
        errors: [],
        placeholderSecrets: ["dbPassword"],
        standInConfig: [],
        extra: { kept: "as it is" },
        tenants: [
            { tenant: "platform-eu-west-1", mode: "platform", region: "eu-west-1", source: "stacks/platform.ts", resources: [], outputs: { operationsCidrs: ["10.15.64.0/19"], baseDomain: "apps.example.com" } },
            ...Array.from({ length: count }, (_, i) => tenantStack(i, count)),
        ],
    };
}

/** What the check printed before stacks were streamed: the whole document parsed, judged, printed. */
function wholeOutput(text: string, json: boolean): { stdout: string; status: number } {
    const { document } = readPlanDocument(text);
    const checked = withViolations(document!);
    return { stdout: json ? `${canonicalJson(checked)}\n` : renderViolations(checked.tenants), status: planExitCode({ errors: [], tenants: checked.tenants }) };
}

/** The document written in the plan's own form (what the plan prints) and compactly (another form). */
function written(name: string, document: unknown): { canonical: string; compact: string } {
    const canonical = path.join(dir, `${name}.json`);
    const compact = path.join(dir, `${name}.compact.json`);
    fs.writeFileSync(canonical, `${canonicalJson(document)}\n`);
    fs.writeFileSync(compact, JSON.stringify(document));
    return { canonical, compact };
}

const runPolicy = (...args: string[]) => runCli("policy", (io) => main(args, io.stdin));

describe("npm run policy on a plan in the plan's own form", () => {
    it.each([false, true])("GIVEN a fleet's plan WHEN checked (--json %s) THEN read stack by stack, with the whole check's bytes and exit code", async (json) => {
        const document = fleetDocument(12);
        const files = written(`fleet-${json}`, document);
        const flags = json ? ["--json"] : [];
        const streamed = await runPolicy("--plan", files.canonical, ...flags);
        const whole = await runPolicy("--plan", files.compact, ...flags);
        const expected = wholeOutput(JSON.stringify(document), json);
        expect(streamed.stdout).toBe(expected.stdout);
        expect(streamed.status).toBe(expected.status);
        expect(streamed.status).toBe(3);
        expect(streamed.stderr).toBe("");
        expect(whole).toEqual(streamed);
        const readings: string[] = [];
        await runCli("policy", async () => {
            for (const file of [files.canonical, files.compact]) {
                readings.push((await checkPlanFile(file, file, json)).reading);
            }
            return 0;
        });
        expect(readings).toEqual(["stacks", "whole"]);
        // The fleet's rules saw the other stacks (a firewall naming another tenant's network).
        expect(streamed.stdout).toMatch(/t0000-sg/);
        expect(streamed.stdout).toMatch(/ebs-volume-encrypted-cmk/);
    });

    it.each([
        ["null", null],
        ["false", false],
        ["an offboarding object", { finalBackup: [], protectionLifted: [], destroyed: [], retained: [] }],
    ])("GIVEN a stack that still declares an unencrypted volume and an offboarding field of %s WHEN checked THEN it is judged all the same; emptied as the plan empties one, it is not", async (_, offboarding) => {
        const plan = fleetDocument(2);
        const stack = { ...plan.tenants[1]!, offboarding };
        for (const [name, resources, judged] of [
            ["declares", stack.resources, true],
            ["emptied", [], typeof offboarding === "object" && offboarding !== null],
        ] as const) {
            const document = { ...plan, tenants: [plan.tenants[0]!, { ...stack, resources, outputs: {} }] };
            for (const file of Object.values(written(`offboarding-${name}-${String(offboarding)}`, document))) {
                const result = await runPolicy("--plan", file, "--json");
                const violations = (JSON.parse(result.stdout) as { tenants: { violations: { policy: string }[] }[] }).tenants[1]!.violations.map((violation) => violation.policy);
                if (name === "declares") {
                    expect(violations, file).toContain("ebs-volume-encrypted-cmk");
                    expect(result.status).toBe(3);
                } else if (judged) {
                    expect(violations, file).toEqual([]);
                } else {
                    // Judged as any stack: an emptied cloud stack lacks what every stack owes.
                    expect(violations.length, file).toBeGreaterThan(0);
                }
            }
        }
    });

    it("GIVEN a plan that lists errors (tenant files it did not plan) WHEN checked, either reading THEN standard error says so and the stacks are judged as before", async () => {
        const document = { ...fleetDocument(3), errors: [{ file: "tenant-configs/bad.yaml", line: 7, column: 3, path: "/vpn", message: "m" }] };
        const files = written("with-errors", document);
        for (const file of Object.values(files)) {
            const result = await runPolicy("--plan", file);
            expect(result.status).toBe(3);
            expect(result.stderr).toBe(`${file}: the plan lists 1 error(s) (its /errors: what it could not plan, its own exit code 1); only the stacks it planned are judged here\n`);
            expect(result.stdout).toBe((await runPolicy("--plan", written("without-errors", fleetDocument(3)).canonical)).stdout);
        }
    });

    it("GIVEN a plan saved with a byte order mark (an editor's) WHEN checked THEN the same verdict as without it", async () => {
        const files = written("bom", fleetDocument(4));
        for (const file of Object.values(files)) {
            const plain = await runPolicy("--plan", file, "--json");
            fs.writeFileSync(`${file}.bom`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(file)]));
            const marked = await runPolicy("--plan", `${file}.bom`, "--json");
            expect(plain.status).toBe(3);
            expect(marked).toEqual(plain);
        }
    });

    it("GIVEN a document of a few hundred stacks in the plan's form WHEN checked THEN it is read stack by stack (never whole), with the whole check's output", async () => {
        const document = fleetDocument(300);
        const files = written("large", document);
        const expected = wholeOutput(JSON.stringify(document), true);
        const captured = await runCli("policy", async () => {
            const check = await checkPlanFile(files.canonical, files.canonical, true);
            expect(check.reading).toBe("stacks");
            return check.exitCode;
        });
        expect(captured.stdout).toBe(expected.stdout);
        expect(captured.status).toBe(expected.status);
        const compact = await runCli("policy", async () => {
            const check = await checkPlanFile(files.compact, files.compact, true);
            expect(check.reading).toBe("whole");
            return check.exitCode;
        });
        expect(compact.stdout).toBe(expected.stdout);
    });

    it.each([false, true])("GIVEN a document of a few hundred stacks WHEN checked on two threads (--json %s) THEN the bytes and exit code of one thread's check", async (json) => {
        const files = written(`threads-${json}`, fleetDocument(300));
        const check = (threads: number) => runCli("policy", async () => (await checkPlanFile(files.canonical, files.canonical, json, threads)).exitCode);
        const one = await check(1);
        const two = await check(2);
        expect(one.status).toBe(3);
        expect(two).toEqual(one);
        expect(one.stdout).toBe(wholeOutput(fs.readFileSync(files.canonical, "utf8"), json).stdout);
    });

    it("GIVEN a document that changes after its stacks were indexed WHEN the worker thread meets a stack that no longer parses THEN the check fails saying so, naming the run and the file", async () => {
        const files = written("changing", fleetDocument(60));
        const plan = openStackedPlan(files.canonical)!;
        const context: PolicyRunContext = { fleet: policyFleet([]), today: new Date().toISOString(), json: false };
        const text = fs.readFileSync(files.canonical, "utf8");
        const last = plan.stacks.at(-1)!;
        // The same length, so the index still points at whole stacks: the last stack's opening brace gone.
        const bytes = Buffer.from(text, "utf8");
        bytes[last[1]] = "#".charCodeAt(0);
        fs.writeFileSync(files.canonical, bytes);
        const runs = policyRuns(plan, 4096);
        expect(runs.length).toBeGreaterThan(2);
        const checked: CheckedText[] = [];
        await expect(
            runsInOrder(runs, (run) => checkRun(run, context), (one) => checked.push(one), { threads: 2, ownShare: false, context, start: () => startPolicyWorker(context), worker: "the policy's worker thread" }),
        ).rejects.toThrow(new RegExp(`^the policy's worker thread failed on run ${runs.length} of ${runs.length} \\(.*changing\\.json\\): .*changing\\.json changed while it was read`));
        // Every run before it was written, in order.
        expect(checked.length).toBe(plan.stacks.length - runs.at(-1)!.entries.length);
        // On this thread alone: the error the command turns into its message.
        expect(() => checkRun(runs.at(-1)!, context)).toThrow(PlanChangedError);
    });

    it.each([1, 2])("GIVEN a document rewritten after it was opened, every stack still valid JSON WHEN checked on %d thread(s) THEN exit 1 saying it changed, no internal error", async (threads) => {
        const files = written(`rewritten-${threads}`, fleetDocument(300));
        const plan = openStackedPlan(files.canonical)!;
        // The same length and still a valid plan: only the file's stamp tells the documents apart.
        const text = fs.readFileSync(files.canonical, "utf8");
        fs.writeFileSync(files.canonical, text.replace('"cidrBlock": "10.1.0.0/16"', '"cidrBlock": "10.9.0.0/16"'));
        expect(fs.readFileSync(files.canonical, "utf8")).not.toBe(text);
        const checked = await runCli("policy", async () => (await checkStacked(plan, "plan.json", false, threads))!);
        expect(checked.status).toBe(1);
        expect(checked.stderr).toBe("policy: plan.json changed while it was checked (another process wrote it): the output above is no check of one plan; check it again once it is written\n");
    });

    it("GIVEN a stack whose inputs nest 100 levels deep WHEN checked in either form THEN exit 1 naming the first value past 64 levels, nothing printed, no RangeError", async () => {
        const document = fleetDocument(4);
        let deep: unknown = "bottom";
        for (let i = 0; i < 100; i++) {
            deep = { next: deep };
        }
        (document.tenants[3]!.resources[1]!.inputs as Record<string, unknown>).tags = deep;
        const files = written("deep", document);
        // The stack is /tenants/3 (the platform first), level 2; the resource's tags are level 6, the first value past 64 is 65.
        const pointer = `/tenants/3/resources/1/inputs/tags${"/next".repeat(65 - 6)}`;
        for (const file of [files.canonical, files.compact]) {
            const result = await runPolicy("--plan", file);
            expect(result).toEqual({ status: 1, stdout: "", stderr: `${file}:${pointer}: nested more than 64 levels deep (a plan nests about 13); not a plan document\n` });
        }
    });

    it("GIVEN a plan with a byte that is not UTF-8 inside a stack WHEN checked in either form THEN exit 1 at its line and column, nothing printed (never read as U+FFFD)", async () => {
        const files = written("latin1", fleetDocument(4));
        for (const file of [files.canonical, files.compact]) {
            const bytes = Buffer.from(fs.readFileSync(file, "utf8").replace("t0002-volume", "t0002-vol\u00e9me"), "utf8");
            // é as Latin-1 writes it: one byte, 0xe9, where UTF-8 has two.
            const at = bytes.indexOf(Buffer.from("\u00e9", "utf8"));
            const broken = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe9]), bytes.subarray(at + 2)]);
            fs.writeFileSync(file, broken);
            // Placed in characters, as the document's other problems are (the bytes before it are UTF-8).
            const before = broken.subarray(0, at).toString("utf8");
            const line = before.split("\n").length;
            const column = before.length - before.lastIndexOf("\n");
            const result = await runPolicy("--plan", file);
            expect(result).toEqual({ status: 1, stdout: "", stderr: `policy: ${file}:${line}:${column}: not valid UTF-8 (byte 0xe9); a plan document is JSON in UTF-8\n` });
        }
    });

    it("GIVEN a plan of no stacks in the plan's form WHEN checked THEN stack by stack, as the whole check prints it", async () => {
        const files = written("empty", { version: 1, errors: [], tenants: [] });
        for (const flags of [[], ["--json"]]) {
            const streamed = await runPolicy("--plan", files.canonical, ...flags);
            expect(streamed).toEqual(await runPolicy("--plan", files.compact, ...flags));
            expect(streamed.status).toBe(0);
        }
        expect((await runPolicy("--plan", files.canonical)).stdout).toBe("0 stack(s) checked; 0 mandatory and 0 advisory policy violation(s)\n");
    });

    it("GIVEN the plan on standard input (--plan -) WHEN checked THEN spooled and read like the file, its problems named `-`", async () => {
        const document = fleetDocument(5);
        const files = written("stdin", document);
        const fromFile = await runPolicy("--plan", files.canonical, "--json");
        const fromStdin = await runCli("policy", (io) => main(["--plan", "-", "--json"], io.stdin), { input: fs.readFileSync(files.canonical, "utf8") });
        expect(fromStdin).toEqual(fromFile);
        const broken = { ...document, tenants: [{ tenant: "a", mode: "cloud" }] };
        const invalid = await runCli("policy", (io) => main(["--plan", "-"], io.stdin), { input: `${canonicalJson(broken)}\n` });
        expect(invalid).toEqual({ status: 1, stdout: "", stderr: "-:/tenants/0: must have required property 'resources'\n" });
        const junk = await runCli("policy", (io) => main(["--plan", "-"], io.stdin), { input: "{ nope" });
        expect(junk.status).toBe(1);
        expect(junk.stderr).toMatch(/^-:1:3: not valid JSON/);
        // The spool is removed once read.
        expect(fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("plan-input-"))).toEqual([]);
    });
});

describe("npm run policy: an invalid plan in the plan's own form gives the whole check's problems", () => {
    const base = fleetDocument(3);
    const stacks = base.tenants;
    const mutations: [string, unknown][] = [
        ["another version", { ...base, version: 2 }],
        ["no version, errors not a list", { ...base, version: undefined, errors: "none" }],
        ["a stack without a mode", { ...base, tenants: [stacks[0], { ...stacks[1], mode: undefined }, stacks[2]] }],
        ["a resource without a type, inputs a list", { ...base, tenants: [stacks[0], { ...stacks[1]!, resources: [{ name: "x", id: "i", inputs: [] }, { type: "", name: "y", id: "j", inputs: {} }] }] }],
        ["resources not a list and an empty mode", { ...base, tenants: [{ ...stacks[1]!, resources: {}, mode: "" }, stacks[2]] }],
        ["a stack named twice, another three times", { ...base, tenants: [stacks[0], stacks[1], stacks[0], stacks[2], { ...stacks[1]!, resources: [] }, stacks[1]] }],
        ["a stack named twice beside a shape problem (the shape's problems only, as the whole reading)", { ...base, tenants: [stacks[0], stacks[0], { ...stacks[1]!, mode: undefined }] }],
        ["version, stacks and errors all wrong", { ...base, version: "1", errors: {}, tenants: [{ ...stacks[1]!, region: 5 }, { ...stacks[2]!, recoveryOf: "" }] }],
        [
            "two resources of one id, one type and name registered twice, a parent that is no resource",
            {
                ...base,
                tenants: [
                    stacks[0],
                    {
                        ...stacks[1]!,
                        resources: [
                            ...stacks[1]!.resources,
                            { ...stacks[1]!.resources[1]!, name: "t0000-other", id: stacks[1]!.resources[0]!.id },
                            { ...stacks[1]!.resources[2]!, id: "sg-again" },
                            { ...stacks[1]!.resources[3]!, name: "t0000-child", id: "child", parent: "t0000-ghost" },
                        ],
                    },
                    stacks[2],
                ],
            },
        ],
        [
            "AWS type tokens in the wrong case",
            {
                ...base,
                tenants: [
                    stacks[0],
                    { ...stacks[1]!, resources: [{ ...stacks[1]!.resources[0]!, type: "aws:ec2/Vpc:Vpc" }, { ...stacks[1]!.resources[1]!, type: "aws:EC2/subnet:Subnet" }, ...stacks[1]!.resources.slice(2)] },
                    stacks[2],
                ],
            },
        ],
        [
            "more than fifty problems, some repeated",
            { ...base, version: 3, errors: 1, tenants: Array.from({ length: 30 }, (_, i) => ({ tenant: `x${i}`, mode: "", resources: [{ name: "n", id: "i", inputs: {} }, { name: "n", id: "i", inputs: {} }] })) },
        ],
    ];

    it.each(mutations)("GIVEN %s WHEN checked THEN the same problems, in the same order, exit 1", async (what, document) => {
        const files = written(`invalid-${what.replace(/\W+/g, "-")}`, document);
        const streamed = await runCli("policy", async () => {
            const check = await checkPlanFile(files.canonical, "plan.json", false);
            expect(check.reading).toBe("stacks");
            return check.exitCode;
        });
        const whole = await runCli("policy", async () => (await checkPlanFile(files.compact, "plan.json", false)).exitCode);
        expect(streamed.status).toBe(1);
        expect(streamed.stdout).toBe("");
        expect(streamed.stderr).not.toBe("");
        expect(streamed).toEqual(whole);
        if (what.startsWith("a stack named twice,")) {
            const [first, second] = [stacks[0]!.tenant, stacks[1]!.tenant];
            expect(streamed.stderr).toBe(
                `plan.json:/tenants/2/tenant: "${first}" is the stack of /tenants/0 already: a plan has each stack once\n` +
                    `plan.json:/tenants/4/tenant: "${second}" is the stack of /tenants/1 already: a plan has each stack once\n` +
                    `plan.json:/tenants/5/tenant: "${second}" is the stack of /tenants/1 already: a plan has each stack once\n`,
            );
        }
        if (what.startsWith("two resources of one id")) {
            expect(streamed.stderr).toBe(
                `plan.json:/tenants/1/resources/4/id: "vpc-0t0000" is also the id of /tenants/1/resources/0: ids are unique within a stack (the plan contract)\n` +
                    `plan.json:/tenants/1/resources/5/name: "aws:ec2/securityGroup:SecurityGroup" "t0000-sg" is also /tenants/1/resources/2: a stack registers each type and name once\n` +
                    `plan.json:/tenants/1/resources/6/parent: "t0000-ghost" names no resource of this stack; a parent is the logical name of one of its components\n`,
            );
        }
        if (what.startsWith("AWS type tokens")) {
            expect(streamed.stderr.split("\n").filter(Boolean).map((line) => line.split(": ")[0])).toEqual(["plan.json:/tenants/1/resources/0/type", "plan.json:/tenants/1/resources/1/type"]);
            expect(streamed.stderr).toContain('"aws:ec2/Vpc:Vpc" is not a type token of the AWS provider');
        }
        if (what.startsWith("more than fifty")) {
            expect(streamed.stderr.split("\n").filter(Boolean)).toHaveLength(50);
        }
    });

    it.each<[string, (text: string) => string]>([
        ["a value that is not JSON inside a stack", (text) => text.replace('"region": "eu-west-1"', '"region": nope')],
        ["a missing comma between two stacks", (text) => text.replace(/\n {4}\},\n {4}\{/, "\n    }\n    {")],
        ["a trailing comma after the last stack", (text) => text.replace(/\n {4}\}\n {2}\]/, "\n    },\n  ]")],
        ["a second tenants field", (text) => text.replace('  "version": 1\n', '  "tenants": [],\n  "version": 1\n')],
        ["no newline at the end", (text) => text.slice(0, -1)],
    ])("GIVEN %s WHEN checked THEN read whole, as before", async (what, edit) => {
        const file = path.join(dir, `edited-${what.replace(/\W+/g, "-")}.json`);
        const text = edit(`${canonicalJson(fleetDocument(3))}\n`);
        fs.writeFileSync(file, text);
        const check = await runCli("policy", async () => {
            const result = await checkPlanFile(file, file, false);
            expect(result.reading).toBe("whole");
            return result.exitCode;
        });
        const { document, problems } = readPlanDocument(text);
        expect(check.stderr).toBe(problems.map((problem) => `${file}:${problem.path}: ${problem.message}\n`).join(""));
        if (document) {
            expect(check.stdout).toBe(wholeOutput(text, false).stdout);
        }
    });
});

describe("npm run policy: what is not a plan", () => {
    it("GIVEN a file larger than the whole read's limit and not in the plan's form WHEN checked THEN refused, exit 1, without reading it", async () => {
        const file = path.join(dir, "sparse-large.json");
        fs.writeFileSync(file, "[");
        fs.truncateSync(file, MAX_WHOLE_PLAN_BYTES + 1);
        const result = await runPolicy("--plan", file);
        expect(result).toEqual({ status: 1, stdout: "", stderr: `policy: ${file}: larger than 512 MiB and not exactly as \`npm run plan -- --json\` prints it (keys sorted, two spaces, valid JSON), the only form read stack by stack; not a plan document\n` });
        fs.rmSync(file);
    });

    it("GIVEN a file larger than any plan WHEN checked THEN refused, exit 1", async () => {
        const file = path.join(dir, "sparse-huge.json");
        fs.writeFileSync(file, "{");
        fs.truncateSync(file, MAX_PLAN_BYTES + 1);
        const result = await runPolicy("--plan", file);
        expect(result).toEqual({ status: 1, stdout: "", stderr: `policy: ${file}: larger than 8 GiB; not a plan document\n` });
        fs.rmSync(file);
    });

    it("GIVEN a folder or a missing file WHEN checked THEN a usage error saying why, as before", async () => {
        expect(await runPolicy("--plan", dir)).toEqual({ status: 2, stdout: "", stderr: `policy: cannot read ${dir}: is a folder (EISDIR); see --help\n` });
        const missing = path.join(dir, "missing.json");
        expect(await runPolicy("--plan", missing)).toEqual({ status: 2, stdout: "", stderr: `policy: cannot read ${missing}: no such file or folder (ENOENT); see --help\n` });
    });

    it("GIVEN --plan twice WHEN run THEN a usage error, not the second file checked in the first's place", async () => {
        const files = written("twice", fleetDocument(2));
        expect(await runPolicy("--plan", files.canonical, "--plan", files.compact)).toEqual({ status: 2, stdout: "", stderr: "policy: --plan given more than once; give it once; see --help\n" });
    });
});
