// The CLIs' shared paper cuts (scripts/lib/cli.ts): the names people type (tenant ids and
// platform-<region>), unknown --config keys, output paths that cannot be written, usage errors in
// one line, file system refusals without a stack trace. Fixtures only: nothing reads tenant-configs/.

import * as fs from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import { checkOutputPath, outputPathProblem, parseFlags, parseStackTarget, run, UsageError, writeOutputFile } from "../scripts/lib/cli";
import { parseRequest as parsePlanRequest, selectionArgs } from "../scripts/plan";
import { main as stackOpsMain } from "../scripts/stack-ops";
import { KNOWN_STACK_CONFIG_KEYS } from "../stacks/config/stack-config";
import { loadFleetFiles } from "../stacks/config/load-fleet";
import { runCli } from "./cli-harness";
import { projectCopy } from "../bench/project-copy";

const REPO = path.resolve(__dirname, "..");

const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function scratch(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
    temporary.push(dir);
    return dir;
}

/** A folder with a symbolic link loop `loop` -> `loop2` -> `loop`. */
function withLoop(): string {
    const dir = scratch();
    fs.symlinkSync(path.join(dir, "loop2"), path.join(dir, "loop"));
    fs.symlinkSync(path.join(dir, "loop"), path.join(dir, "loop2"));
    return dir;
}

describe("parseStackTarget", () => {
    it.each<[string, ReturnType<typeof parseStackTarget>]>([
        ["globex", { kind: "tenant", id: "globex" }],
        ["platform-eu-west-1", { kind: "platform", region: "eu-west-1" }],
        ["platform-us-east-1", { kind: "platform", region: "us-east-1" }],
        ["platform-eu-west-1-recovery", { kind: "platform", region: "eu-west-1" }],
        ["globex.yaml", { kind: "file", file: "globex.yaml" }],
        ["elsewhere/globex", { kind: "file", file: "elsewhere/globex" }],
    ])("GIVEN %j WHEN read THEN it names %j", (arg, expected) => {
        expect(parseStackTarget(arg)).toEqual(expected);
    });

    it.each<[string, string]>([
        ["platform-mars-1", `"platform-mars-1": mars-1 is not an AWS region the platform supports (platform-<region>, e.g. platform-eu-west-1)`],
        ["Not_A_Tenant", `"Not_A_Tenant" is neither a tenant id, platform-<region> nor a .yaml file`],
    ])("GIVEN %j WHEN read THEN it is a usage error: %s", (arg, message) => {
        expect(() => parseStackTarget(arg)).toThrow(new UsageError(message));
    });
});

describe("plan's arguments", () => {
    it("GIVEN platform-eu-west-1 WHEN parsed THEN it is the platform stack of eu-west-1, not a file, and the base plan gets it too", () => {
        const request = parsePlanRequest(["platform-eu-west-1"]);
        expect(request).toMatchObject({ all: false, platform: false, platformRegions: ["eu-west-1"], ids: [], files: [] });
        expect(selectionArgs(request as Exclude<typeof request, "help">)).toEqual(["platform-eu-west-1"]);
    });

    it("GIVEN npm run plan started in a folder other than the project's root WHEN a relative FILE.yaml is parsed THEN it is that folder's file: inside the project relative to the root, outside absolute", () => {
        const elsewhere = path.join(os.tmpdir(), "plan-user-folder");
        const files = (initCwd: string | undefined, event: string | undefined, ...args: string[]) => {
            vi.stubEnv("INIT_CWD", initCwd);
            vi.stubEnv("npm_lifecycle_event", event);
            try {
                return (parsePlanRequest(args) as Exclude<ReturnType<typeof parsePlanRequest>, "help">).files;
            } finally {
                vi.unstubAllEnvs();
            }
        };
        expect(files(path.join(process.cwd(), "tenant-configs"), "plan", "./acme.yaml", "../elsewhere/b.yaml")).toEqual([path.join("tenant-configs", "acme.yaml"), path.join("elsewhere", "b.yaml")]);
        expect(files(elsewhere, "plan", "new/acme.yaml", "/abs/globex.yaml")).toEqual([path.join(elsewhere, "new", "acme.yaml"), "/abs/globex.yaml"]);
        // Started at the root, or not by npm run plan (tsx, another script's INIT_CWD inherited): as given.
        expect(files(process.cwd(), "plan", "tenant-configs/acme.yaml")).toEqual(["tenant-configs/acme.yaml"]);
        expect(files(elsewhere, "test", "tenant-configs/acme.yaml")).toEqual(["tenant-configs/acme.yaml"]);
    });

    it.each([
        [["--config", "directoryPassword:Hunter2-secret"], '--config expects KEY=VALUE, got "directoryPassword..." (the rest not shown: it may be a secret)'],
        [["--config", "directory Password=Hunter2-secret"], '--config expects KEY=VALUE, got "directory..." (the rest not shown: it may be a secret)'],
        [["--config", "=Hunter2-secret"], '--config expects KEY=VALUE, got "=..." (the rest not shown: it may be a secret)'],
        [["--config", "KEY"], '--config expects KEY=VALUE, got "KEY" (no "=")'],
        [["acme", "directoryPassword=Hunter2-secret"], '"directoryPassword=..." (the rest not shown: it may be a secret) is no tenant, file or platform: stack config is given as --config KEY=VALUE'],
    ])("GIVEN %j (a malformed config pair, maybe a secret) WHEN parsed THEN it is a usage error that quotes its key only, never the value", (args, message) => {
        expect(() => parsePlanRequest(args)).toThrow(new UsageError(message));
    });

    it("GIVEN --config with an unknown key WHEN parsed THEN it is refused naming the key, the likely one and every known key", () => {
        expect(() => parsePlanRequest(["acme", "--config", "fooBar=1"])).toThrow(
            new UsageError(`--config fooBar: unknown config key; the program reads: ${KNOWN_STACK_CONFIG_KEYS.join(", ")}`),
        );
        expect(() => parsePlanRequest(["acme", "--config", "platformStak=o/p/s"])).toThrow(/^--config platformStak: unknown config key \(did you mean "platformStack"\?\)/);
        // A platform setting lives in platform-configs/<region>.yaml, not in stack config.
        expect(() => parsePlanRequest(["acme", "--config", "homeRegion=eu-west-1"])).toThrow(/^--config homeRegion: unknown config key/);
        expect(() => parsePlanRequest(["acme", "--config", "aws:region=eu-west-1"])).toThrow(/^--config aws:region: unknown config key/);
    });

    it("GIVEN --config directoryLinkVerified=true (the plan contract's example, a key the program no longer reads) WHEN parsed THEN it is taken, changes nothing, and stderr says what replaced it", () => {
        const written: string[] = [];
        const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
            written.push(String(chunk));
            return true;
        });
        try {
            expect(parsePlanRequest(["acme", "--config", "directoryLinkVerified=true"])).toMatchObject({ config: {} });
        } finally {
            spy.mockRestore();
        }
        expect(written.join("")).toBe(
            "plan: --config directoryLinkVerified is no longer read, so it changes nothing in this plan: identity.connect in the tenant file replaces it (tenant contract v1.1): set connect: true there, in a pull request, to plan the AD Connector\n",
        );
    });

    it.each([["platformStack="], ["tenant-platform:directoryPassword="], ["directoryLinkVerified="]])("GIVEN --config %s (a key without a value) WHEN parsed THEN it is refused as a usage error naming the key", (pair) => {
        const key = pair.slice(0, -1);
        expect(() => parsePlanRequest(["acme", "--config", pair])).toThrow(new UsageError(`--config ${key}= has no value: give --config ${key}=VALUE`));
    });

    it.each([["homePlatformStack=o/tenant-platform/platform-eu-west-1"], ["tenant-platform:platformStack=o/tenant-platform/platform-eu-west-1"], ["directoryPassword=x"]])(
        "GIVEN --config %s (a key the program reads) WHEN parsed THEN it is accepted",
        (pair) => {
            const request = parsePlanRequest(["acme", "--config", pair]);
            expect(request).toMatchObject({ config: { [pair.split("=")[0]!]: pair.split("=")[1] } });
        },
    );

    it("GIVEN the stack program WHEN its config reads are listed THEN every key it reads is a known key (the list --config checks)", () => {
        const read = new Set<string>();
        const walk = (dir: string): void => {
            for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
                const full = path.join(dir, entry.name);
                if (entry.isDirectory()) {
                    walk(full);
                } else if (entry.name.endsWith(".ts")) {
                    const text = fs.readFileSync(full, "utf8");
                    for (const match of text.matchAll(/config\.(?:get|require)(?:Secret|Boolean|Number|Object|SecretBoolean|SecretNumber|SecretObject)?\(\s*"([^"]+)"/g)) {
                        read.add(match[1]!);
                    }
                    for (const match of text.matchAll(/new PlatformReference\([^)]*,\s*"([^"]+)"\)/g)) {
                        read.add(match[1]!);
                    }
                }
            }
        };
        walk(path.join(REPO, "stacks"));
        walk(path.join(REPO, "components"));
        // At least a tenant stack key (platformStack) and the platform's homePlatformStack.
        expect(read.size).toBeGreaterThanOrEqual(2);
        expect([...read].filter((key) => !KNOWN_STACK_CONFIG_KEYS.includes(key))).toEqual([]);
    });
});

describe("output paths", () => {
    it.each<[string, (dir: string) => string, RegExp]>([
        ["a folder that does not exist", (dir) => path.join(dir, "missing", "plan.md"), /^cannot be written: the folder .*missing does not exist \(ENOENT\)$/],
        ["a path through a file", (dir) => (fs.writeFileSync(path.join(dir, "file"), ""), path.join(dir, "file", "plan.md")), /^cannot be written: .*file is not a folder \(ENOTDIR\)$|\(ENOTDIR\)$/],
        ["a folder in the file's place", (dir) => (fs.mkdirSync(path.join(dir, "taken")), path.join(dir, "taken")), /^is a folder \(EISDIR\)$/],
        ["a symbolic link loop", () => path.join(withLoop(), "loop"), /^cannot be written: a symbolic link loop \(too many levels of symbolic links\) \(ELOOP\)$/],
        ["a file under a symbolic link loop", () => path.join(withLoop(), "loop", "plan.md"), /\(ELOOP\)$/],
    ])("GIVEN %s WHEN checked THEN the reason is named", (_, make, reason) => {
        expect(outputPathProblem(make(scratch()))).toMatch(reason);
    });

    it("GIVEN a writable folder WHEN checked and written THEN there is no problem and the file holds the text", () => {
        const file = path.join(scratch(), "plan.md");
        expect(outputPathProblem(file)).toBeUndefined();
        writeOutputFile("--markdown", file, "text");
        expect(fs.readFileSync(file, "utf8")).toBe("text");
    });

    it("GIVEN a disk that fills half-way through the write WHEN an output file is written THEN a usage error names it and the file is absent, or an earlier one as it was", () => {
        const dir = scratch();
        const earlier = path.join(dir, "earlier.md");
        fs.writeFileSync(earlier, "the earlier comment");
        // Node's own fs, as every module sees it: writeFileSync writes half its text, then the disk is full.
        const nodeFs = createRequire(__filename)("node:fs") as typeof fs;
        const original = nodeFs.writeFileSync;
        nodeFs.writeFileSync = ((target: fs.PathOrFileDescriptor, data: string) => {
            const fd = typeof target === "number" ? target : nodeFs.openSync(target, "w");
            nodeFs.writeSync(fd, data.slice(0, data.length / 2));
            if (typeof target !== "number") {
                nodeFs.closeSync(fd);
            }
            throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
        }) as typeof fs.writeFileSync;
        syncBuiltinESMExports();
        try {
            for (const file of [path.join(dir, "sheet.md"), earlier]) {
                expect(() => writeOutputFile("--out", file, "a whole security sheet")).toThrow(new UsageError(`--out ${file}: cannot be written: no space left on the device (ENOSPC)`));
            }
        } finally {
            nodeFs.writeFileSync = original;
            syncBuiltinESMExports();
        }
        expect(fs.readdirSync(dir)).toEqual(["earlier.md"]);
        expect(fs.readFileSync(earlier, "utf8")).toBe("the earlier comment");
    });

    it.runIf(process.platform === "linux" && fs.existsSync("/sys/kernel"))("GIVEN a place nobody may write (/sys) WHEN checked then written THEN a usage error names the flag, path and EACCES", () => {
        expect(() => {
            checkOutputPath("--markdown", "/sys/plan.md");
            writeOutputFile("--markdown", "/sys/plan.md", "text");
        }).toThrow(/^--markdown \/sys\/plan\.md: cannot be written: .*permission denied \(EACCES\)$/);
    });

    it("GIVEN plan --markdown into a folder that does not exist WHEN parsed THEN a usage error names the flag, the path and ENOENT of the folder", () => {
        const file = path.join(scratch(), "nowhere", "comment.md");
        expect(() => parsePlanRequest(["--base", "main", "--markdown", file])).toThrow(
            new UsageError(`--markdown ${file}: cannot be written: the folder ${path.dirname(file)} does not exist (ENOENT)`),
        );
    });

    it("GIVEN preview --log-file under a file WHEN run THEN it is a usage error naming the flag and the path, before pulumi is looked for", async () => {
        const parent = path.join(scratch(), "file");
        fs.writeFileSync(parent, "");
        const file = path.join(parent, "logs", "preview.log");
        await expect(stackOpsMain(["preview", "acme", "--log-file", file])).rejects.toThrow(
            new RegExp(`^--log-file ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot be written: the folder .* cannot be created: .*\\((ENOTDIR|EEXIST)\\)$`),
        );
    });
});

describe("parseFlags", () => {
    const OPTIONS = { plan: { type: "string" }, config: { type: "string", multiple: true }, json: { type: "boolean" } } as const;

    it("GIVEN a flag of one value given twice WHEN parsed THEN a usage error names it; a repeatable flag and a boolean twice are fine", () => {
        expect(() => parseFlags(["--plan", "a.json", "--plan=b.json"], OPTIONS)).toThrow(new UsageError("--plan given more than once; give it once"));
        expect(parseFlags(["--config", "a=1", "--config", "b=2", "--json", "--json", "--plan", "a.json", "x"], OPTIONS)).toEqual({
            values: { config: ["a=1", "b=2"], json: true, plan: "a.json" },
            positionals: ["x"],
        });
    });
});

describe("run: how a CLI ends", () => {
    const written: string[] = [];
    afterEach(() => {
        vi.restoreAllMocks();
        written.length = 0;
        process.exitCode = undefined;
    });
    const capture = () => vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));

    it("GIVEN a usage error WHEN the script ends THEN one line and 'see --help', exit 2, not the whole help", async () => {
        capture();
        await run("plan", async () => {
            throw new UsageError("--config expects KEY=VALUE");
        });
        expect(written.join("")).toBe("plan: --config expects KEY=VALUE; see --help\n");
        expect(process.exitCode).toBe(2);
    });

    it("GIVEN a file system refusal no script caught WHEN the script ends THEN one line names the path and the reason, exit 2, no stack trace", async () => {
        capture();
        const dir = withLoop();
        await run("bench", async () => {
            fs.writeFileSync(path.join(dir, "loop"), "x");
            return 0;
        });
        expect(written.join("")).toBe(`bench: ${path.join(dir, "loop")}: cannot be opened: a symbolic link loop (too many levels of symbolic links) (ELOOP); see --help\n`);
        expect(process.exitCode).toBe(2);
    });

    it("GIVEN a defect WHEN the script ends THEN it is an internal error with its stack, exit 70", async () => {
        capture();
        await run("plan", async () => {
            throw new TypeError("x is undefined");
        });
        expect(written.join("")).toMatch(/^plan: internal error, please report it with this output:\nTypeError: x is undefined\n\s+at /);
        expect(process.exitCode).toBe(70);
    });
});

describe("tenant files given by path", () => {
    it("GIVEN a symbolic link loop WHEN validated THEN it is reported as a loop, not as a missing file", () => {
        const file = path.join(withLoop(), "loop");
        const problems = loadFleetFiles([`${file}.yaml`, file]).problems.map((problem) => problem.message);
        expect(problems).toContain("no such file");
        expect(problems).toContain("is a symbolic link loop (ELOOP): a link in its path points back to itself; fix or remove the link");
    });
});

describe("validate with a tenant id (main in-process, on a project copy)", () => {
    const ROOT = projectCopy({ prefix: "cli-", copy: ["stacks", "components", "scripts", "platform-configs", "Pulumi.yaml", "package.json", "tsconfig.json"], link: ["policy"] });
    temporary.push(ROOT);
    fs.mkdirSync(path.join(ROOT, "tenant-configs"));
    fs.copyFileSync(path.join(REPO, "tenant-configs", "tenant.schema.json"), path.join(ROOT, "tenant-configs", "tenant.schema.json"));
    fs.writeFileSync(path.join(ROOT, "tenant-configs", "globex.yaml"), "tenant: globex\ncompany: Globex\nmode: cloud\nregion: us-east-1\ndomain:\n  subdomain: globex\nnetwork:\n  cidr: 10.20.0.0/16\n");
    type Validate = [typeof import("../scripts/validate"), typeof import("../scripts/lib/cli")];
    const validate = async (...args: string[]) => {
        const [script, lib] = (await Promise.all([import(path.join(ROOT, "scripts", "validate.ts")), import(path.join(ROOT, "scripts", "lib", "cli.ts"))])) as Validate;
        return runCli("validate", () => script.main(args), { cwd: ROOT, exitCodeOf: lib.exitCodeOf });
    };

    it("GIVEN validate with a tenant id WHEN run THEN it validates tenant-configs/<id>.yaml as plan would, exit 0", async () => {
        const result = await validate("globex");
        expect(result.stderr).toBe("1 tenant file(s) valid\n");
        expect(result.status).toBe(0);
    });

    it("GIVEN a new file whose network and subdomain are globex's WHEN validated by id or path THEN both clashes are named, unless --isolated", async () => {
        const file = path.join(ROOT, "tenant-configs", "initech.yaml");
        fs.writeFileSync(file, "tenant: initech\ncompany: Initech\nmode: cloud\nregion: us-east-1\ndomain:\n  subdomain: globex\nnetwork:\n  cidr: 10.20.128.0/17\n");
        try {
            for (const target of ["initech", "tenant-configs/initech.yaml", file]) {
                const result = await validate(target);
                expect(result.status, target).toBe(1);
                expect(result.stdout).toContain('/domain/subdomain: subdomain "globex" is also used by');
                expect(result.stdout).toContain("/network/cidr: network 10.20.128.0/17 overlaps 10.20.0.0/16 of tenant globex");
            }
            const isolated = await validate("--isolated", "initech");
            expect(isolated.status).toBe(0);
            expect(isolated.stderr).toBe("1 tenant file(s) valid\n");
            expect((await validate("--isolated")).stderr).toContain("--isolated applies to TENANT and FILE arguments only");
        } finally {
            fs.rmSync(file);
        }
    });

    it("GIVEN validate with a tenant id that has no file WHEN run THEN the file is named missing, exit 1 (not a usage error)", async () => {
        const result = await validate("nobody-here");
        expect(result.stdout).toBe("tenant-configs/nobody-here.yaml:1:1: /: no such file\n");
        expect(result.status).toBe(1);
    });
});
