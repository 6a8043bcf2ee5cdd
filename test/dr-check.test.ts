// npm run dr's functional check behind an internal door (the recovery's availability canary), the
// drill's durable record (its SSM name against SSM's rules, its content) and the AWS calls behind
// them (SSM, EC2 through aws-sdk-client-mock): pure and in-process.

import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { GetCanaryCommand, GetCanaryRunsCommand, StartCanaryCommand, SyntheticsClient } from "@aws-sdk/client-synthetics";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { REGIONS } from "../lib/regions";
import { CanaryRun, drillInstanceId, DrAws, sdkAws } from "../scripts/lib/dr/aws";
import { canaryCheck, CanaryApi, environmentCheck } from "../scripts/lib/dr/check";
import type { DrContext } from "../scripts/lib/dr/context";
import { drillRecordName, drillRecordOf, parseDrillRecord, ssmNameProblems } from "../scripts/lib/dr/drill";
import { readRecoveryOutputs } from "../scripts/lib/dr/outputs";
import type { RunState } from "../scripts/lib/dr/run-file";
import { drTarget } from "../scripts/lib/dr/targets";
import { PRODUCTION_OUTPUTS, RECOVERY_OUTPUTS } from "./dr-fixture";

const BEGAN = new Date("2026-03-02T04:00:00Z");
const at = (minutes: number) => new Date(BEGAN.getTime() + minutes * 60_000);

/** A canary on a clock the test drives: `runs(now)` answers GetCanaryRuns; sleeping moves the clock. */
function fakeCanary(options: { state?: string; runs: (now: Date) => CanaryRun[] }) {
    const calls: string[] = [];
    let now = BEGAN;
    let state = options.state ?? "RUNNING";
    const api: CanaryApi = {
        async canaryState(region, name) {
            calls.push(`state ${region} ${name}`);
            return state;
        },
        async startCanary(region, name) {
            calls.push(`start ${region} ${name}`);
            state = "RUNNING";
        },
        async canaryRuns() {
            return options.runs(now);
        },
    };
    const clock = { since: BEGAN, now: () => now, sleep: async (ms: number) => void (now = new Date(now.getTime() + ms)), pollMs: 60_000, timeoutMs: 15 * 60_000 };
    return { api, calls, clock };
}

describe("the canary check (an internal door)", () => {
    const canary = { region: "eu-central-1", name: "acme-recovery-avail" };

    it("GIVEN a run that PASSED before the check began WHEN checked THEN it does not count; a later passing run does", async () => {
        const { api, clock } = fakeCanary({
            runs: (now) => [
                ...(now >= at(5) ? [{ id: "after", state: "PASSED", startedAt: at(4) }] : []),
                { id: "before", state: "PASSED", startedAt: at(-1) },
            ],
        });
        expect(await canaryCheck(api, canary, clock)).toEqual({ ok: true, run: "after", attempts: 6, startedCanary: false });
    });

    it("GIVEN FAILED runs after the check began WHEN a later run PASSES THEN it passes; the failures only delay it", async () => {
        const { api, clock } = fakeCanary({
            runs: (now) => [...(now >= at(10) ? [{ id: "third", state: "PASSED", startedAt: at(10) }] : []), { id: "second", state: "FAILED", startedAt: at(5), reason: "503" }, { id: "first", state: "FAILED", startedAt: at(0) }],
        });
        expect(await canaryCheck(api, canary, clock)).toMatchObject({ ok: true, run: "third", attempts: 11 });
    });

    it("GIVEN only FAILED runs WHEN the timeout passes THEN it fails naming the canary, the last failure and the polls", async () => {
        const { api, clock } = fakeCanary({ runs: () => [{ id: "r1", state: "FAILED", startedAt: at(1), reason: "Timeout 30000ms exceeded" }, { id: "r0", state: "PASSED", startedAt: at(-3) }] });
        expect(await canaryCheck(api, canary, clock)).toEqual({
            ok: false,
            attempts: 16,
            startedCanary: false,
            error: "no run of the canary acme-recovery-avail that started after the check began PASSED within 15 min: run r1 started 2026-03-02T04:01:00.000Z FAILED: Timeout 30000ms exceeded",
        });
    });

    it("GIVEN no run at all WHEN the timeout passes THEN it fails saying none started", async () => {
        const { api, clock } = fakeCanary({ runs: () => [{ id: "running", state: "RUNNING", startedAt: at(0) }] });
        expect(await canaryCheck(api, canary, clock)).toMatchObject({ ok: false, error: expect.stringContaining("no run started since 2026-03-02T04:00:00.000Z finished (canary state RUNNING)") });
    });

    it("GIVEN a STOPPED canary WHEN checked THEN it is started once, in the canary's region, and its run counts", async () => {
        const { api, calls, clock } = fakeCanary({ state: "STOPPED", runs: (now) => (now >= at(2) ? [{ id: "r", state: "PASSED", startedAt: at(1) }] : []) });
        expect(await canaryCheck(api, canary, clock)).toMatchObject({ ok: true, startedCanary: true });
        expect(calls.filter((call) => call.startsWith("start"))).toEqual(["start eu-central-1 acme-recovery-avail"]);
    });

    it("GIVEN a canary in ERROR WHEN checked THEN it fails at once", async () => {
        const { api, clock } = fakeCanary({ state: "ERROR", runs: () => [] });
        expect(await canaryCheck(api, canary, clock)).toMatchObject({ ok: false, attempts: 1, error: "the canary acme-recovery-avail is in state ERROR: fix it (CloudWatch Synthetics) and resume" });
    });
});

describe("step 4 on an environment", () => {
    const context = (recovery: Record<string, unknown>, aws: Partial<DrAws>, checked: string[]): DrContext => {
        let now = BEGAN;
        return {
            target: drTarget("acme"),
            pulumi: { outputs: async (stack: string) => JSON.stringify(stack === "acme" ? PRODUCTION_OUTPUTS : recovery) } as unknown as DrContext["pulumi"],
            aws: aws as DrAws,
            check: async (url) => {
                checked.push(url);
                return { ok: true, status: 200 };
            },
            now: () => now,
            sleep: async (ms) => void (now = new Date(now.getTime() + ms)),
            log: pino({ level: "silent" }),
            force: false,
            pollMs: 60_000,
            checkTimeoutMs: 15 * 60_000,
            state: {} as RunState,
        };
    };

    it("GIVEN an internal door WHEN checked THEN the canary of the recovery's outputs runs in the off-site region, and no HTTP request is made", async () => {
        const checked: string[] = [];
        const regions: string[] = [];
        const aws: Partial<DrAws> = {
            canaryState: async (region) => (regions.push(region), "RUNNING"),
            canaryRuns: async () => [{ id: "r", state: "PASSED", startedAt: at(1) }],
        };
        const detail = await environmentCheck(context({ ...RECOVERY_OUTPUTS, recoveryActive: true, internalDoor: true, checkCanaryName: "acme-recovery-avail" }, aws, checked), "acme-recovery");
        expect(detail).toEqual({ url: RECOVERY_OUTPUTS.url, via: "canary", canary: "acme-recovery-avail", run: "r", attempts: 1, startedCanary: false, ms: 0 });
        expect(regions).toEqual(["eu-central-1"]);
        expect(checked).toEqual([]);
    });

    it("GIVEN a public door WHEN checked THEN the HTTP check of url, as before", async () => {
        const checked: string[] = [];
        expect(await environmentCheck(context({ ...RECOVERY_OUTPUTS, recoveryActive: true, internalDoor: false }, {}, checked), "acme-recovery")).toEqual({ url: RECOVERY_OUTPUTS.url, via: "http", attempts: 1, ms: 0 });
        expect(checked).toEqual([RECOVERY_OUTPUTS.url]);
    });
});

describe("recovery outputs of the check", () => {
    const read = (change: Record<string, unknown>) => readRecoveryOutputs("acme-recovery", JSON.stringify({ ...RECOVERY_OUTPUTS, ...change }));

    it("GIVEN internalDoor and checkCanaryName WHEN read THEN both are typed values; a stack without them reads as before", () => {
        expect(read({ internalDoor: true, checkCanaryName: "acme-recovery-avail" })).toMatchObject({ internalDoor: true, checkCanaryName: "acme-recovery-avail" });
        expect(read({})).not.toHaveProperty("internalDoor");
    });

    it.each([
        [{ internalDoor: "yes" }, 'internalDoor is "yes": expected true or false'],
        [{ internalDoor: true }, "internalDoor is true but checkCanaryName is missing: the canary is the only check that reaches an internal door"],
        // CloudWatch Synthetics CanaryName: ^[0-9a-z_\-]+$, 1-21 (botocore synthetics model).
        [{ checkCanaryName: "Acme" }, 'checkCanaryName is "Acme": expected a Synthetics canary name (1-21 of a-z, 0-9, _ and -)'],
        [{ checkCanaryName: "a".repeat(22) }, `checkCanaryName is "${"a".repeat(22)}": expected a Synthetics canary name`],
    ])("GIVEN %j WHEN read THEN %s", (change, message) => {
        expect(() => read(change)).toThrow(message);
    });
});

describe("the drill's durable record", () => {
    it("GIVEN the longest tenant id (30) and every platform-<region> WHEN named THEN SSM accepts the name", () => {
        expect(drillRecordName("acme")).toBe("/itm/dr/acme/last-drill");
        expect(ssmNameProblems(drillRecordName(`a${"b".repeat(28)}c`))).toEqual([]);
        for (const region of REGIONS) {
            expect(ssmNameProblems(drillRecordName(`platform-${region}`))).toEqual([]);
        }
    });

    // SSM PutParameter Name (botocore ssm model documentation): a-zA-Z0-9_.- and /, no aws/ssm prefix, 15 levels, 1011 with the ARN.
    it.each([
        ["/itm/dr/a b/last-drill", "only a-z, A-Z, 0-9, _ . - and / are allowed"],
        ["/aws/dr/x", 'a name may not begin with "aws" or "ssm"'],
        ["SSM-x", 'a name may not begin with "aws" or "ssm"'],
        [`/${Array.from({ length: 16 }, () => "a").join("/")}`, "at most 15 levels"],
        [`/${"a".repeat(1000)}`, "longer than 1011 characters with its ARN"],
        ["itm/dr", "a hierarchy starts with / and has no empty level"],
    ])("GIVEN %s WHEN checked THEN SSM would refuse it: %s", (name, problem) => {
        expect(ssmNameProblems(name)).toContain(problem);
    });

    const state = (change: Partial<RunState>): RunState => ({
        runId: "20260302t030000z",
        operation: "drill",
        target: "acme",
        startedAt: "2026-03-02T03:00:00.000Z",
        since: "2026-03-02T03:00:00.000Z",
        force: false,
        steps: [{ name: "check", status: "done", startedAt: "2026-03-02T04:00:00.000Z", endedAt: "2026-03-02T04:10:00.000Z", detail: {} }],
        finishedAt: "2026-03-02T04:30:00.000Z",
        outcome: "completed",
        ...change,
    });

    it("GIVEN a drill active after 1 h 10 min WHEN recorded THEN the record says so, within the promise, ok; it reads back", () => {
        const record = drillRecordOf(state({}), new Date("2026-03-02T05:00:00Z"));
        expect(record).toEqual({ runId: "20260302t030000z", startedAt: "2026-03-02T03:00:00.000Z", finishedAt: "2026-03-02T04:30:00.000Z", timeToActiveMs: 70 * 60_000, withinPromise: true, ok: true });
        expect(parseDrillRecord(JSON.stringify(record))).toEqual(record);
    });

    it("GIVEN a drill that failed before its check WHEN recorded THEN never active, not within the promise, not ok", () => {
        expect(drillRecordOf(state({ steps: [], outcome: "failed", finishedAt: undefined }), new Date("2026-03-02T03:20:00Z"))).toEqual({
            runId: "20260302t030000z",
            startedAt: "2026-03-02T03:00:00.000Z",
            finishedAt: "2026-03-02T03:20:00.000Z",
            timeToActiveMs: null,
            withinPromise: false,
            ok: false,
        });
    });

    it.each(["not json", "{}", JSON.stringify({ runId: "x", startedAt: "2026-03-02T03:00:00Z", finishedAt: "2026-03-02T03:00:00Z", timeToActiveMs: -1, withinPromise: true, ok: true })])("GIVEN %s WHEN read back THEN it is no record", (value) => {
        expect(parseDrillRecord(value)).toBeUndefined();
    });
});

describe("the SDK side of records and teardown (aws-sdk-client-mock)", () => {
    const ssm = mockClient(SSMClient);
    const ec2 = mockClient(EC2Client);
    afterEach(() => {
        ssm.reset();
        ec2.reset();
    });

    it("GIVEN a record WHEN put THEN a String parameter, overwritten, in the region asked; a missing one reads as undefined", async () => {
        ssm.on(PutParameterCommand).resolves({ Version: 2 });
        ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: "not found", $metadata: {} }));
        const aws = sdkAws();
        await aws.putParameter("eu-central-1", "/itm/dr/acme/last-drill", "{}");
        expect(ssm.commandCalls(PutParameterCommand).map((call) => call.args[0].input)).toEqual([{ Name: "/itm/dr/acme/last-drill", Value: "{}", Type: "String", Overwrite: true }]);
        expect(await ssm.commandCalls(PutParameterCommand)[0]!.thisValue.config.region()).toBe("eu-central-1");
        expect(await aws.getParameter("eu-central-1", "/itm/dr/acme/last-drill")).toBeUndefined();
    });

    const INSTANCE = "arn:aws:ec2:eu-central-1:123456789012:instance/i-0abc1234def567890";

    it("GIVEN the drill's restored server in the drill's subnet WHEN torn down THEN terminated, then gone", async () => {
        ec2.on(DescribeInstancesCommand).resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: "i-0abc1234def567890", SubnetId: "subnet-drill", State: { Name: "running" } }] }] }).resolves({
            Reservations: [{ Instances: [{ InstanceId: "i-0abc1234def567890", SubnetId: "subnet-drill", State: { Name: "terminated" } }] }],
        });
        ec2.on(TerminateInstancesCommand).resolves({});
        const aws = sdkAws();
        expect(await aws.terminateDrillInstance("eu-central-1", INSTANCE, "subnet-drill")).toBe(false);
        expect(await aws.terminateDrillInstance("eu-central-1", INSTANCE, "subnet-drill")).toBe(true);
        expect(ec2.commandCalls(TerminateInstancesCommand).map((call) => call.args[0].input)).toEqual([{ InstanceIds: ["i-0abc1234def567890"] }]);
    });

    it("GIVEN an instance outside the drill's subnet WHEN torn down THEN refused, nothing terminated", async () => {
        ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: "i-0abc1234def567890", SubnetId: "subnet-production", State: { Name: "running" } }] }] });
        await expect(sdkAws().terminateDrillInstance("eu-central-1", INSTANCE, "subnet-drill")).rejects.toThrow("dr refuses to terminate i-0abc1234def567890: it is in subnet subnet-production, not in the drill copy's data subnet subnet-drill");
        expect(ec2.commandCalls(TerminateInstancesCommand)).toEqual([]);
    });

    it.each([
        ["arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc1234def567890", "another region"],
        ["arn:aws:rds:eu-central-1:123456789012:db:acme", "not an instance"],
        ["i-0abc1234def567890", "not an ARN"],
    ])("GIVEN %s (%s) WHEN asked to terminate THEN refused before any call", async (arn) => {
        expect(() => drillInstanceId("eu-central-1", arn)).toThrow("dr refuses to terminate");
        await expect(sdkAws().terminateDrillInstance("eu-central-1", arn, "subnet-drill")).rejects.toThrow("dr refuses to terminate");
        expect(ec2.calls()).toEqual([]);
    });
});

/** The mock's surface these tests use (client-synthetics 3.669's older @smithy/types do not fit the stub's generic types). */
interface SyntheticsStub {
    reset(): void;
    on(command: unknown): { resolves(output: unknown): void };
    commandCalls(command: unknown): { args: [{ input: unknown }] }[];
}

describe("step 4 behind an internal door, through the SDK (CloudWatch Synthetics)", () => {
    // client-synthetics 3.669 is built on older @smithy/types than the other clients: the class is the same to the mock.
    const synthetics = mockClient(SyntheticsClient as never) as unknown as SyntheticsStub;
    beforeEach(() => synthetics.reset());
    const ctx = (): DrContext =>
        ({
            target: drTarget("acme"),
            pulumi: { outputs: async (stack: string) => JSON.stringify(stack === "acme" ? PRODUCTION_OUTPUTS : { ...RECOVERY_OUTPUTS, recoveryActive: true, internalDoor: true, checkCanaryName: "acme-recovery-avail" }) },
            aws: sdkAws(),
            check: async () => {
                throw new Error("an internal door is never fetched from the operator's machine");
            },
            now: () => BEGAN,
            sleep: async () => undefined,
            log: pino({ level: "silent" }),
            force: false,
            pollMs: 60_000,
            checkTimeoutMs: 15 * 60_000,
            state: { operation: "activate" } as RunState,
        }) as unknown as DrContext;

    it("GIVEN a READY canary whose newest run started after the step began and PASSED WHEN checked THEN it is started once and the run counts, an older PASSED run does not", async () => {
        synthetics.on(GetCanaryCommand).resolves({ Canary: { Name: "acme-recovery-avail", Status: { State: "READY" } } });
        synthetics.on(StartCanaryCommand).resolves({});
        synthetics.on(GetCanaryRunsCommand).resolves({
            CanaryRuns: [
                { Id: "old", Status: { State: "PASSED" }, Timeline: { Started: new Date(BEGAN.getTime() - 60_000) } },
                { Id: "new", Status: { State: "PASSED" }, Timeline: { Started: new Date(BEGAN.getTime() + 1_000) } },
            ],
        });
        // The clock does not move: only a run started at or after BEGAN counts.
        const detail = await environmentCheck({ ...ctx(), now: () => new Date(BEGAN.getTime() + 1_000) } as DrContext, "acme-recovery");
        expect(detail).toMatchObject({ via: "canary", canary: "acme-recovery-avail", run: "new", startedCanary: true });
        expect(synthetics.commandCalls(StartCanaryCommand).map((call) => call.args[0].input)).toEqual([{ Name: "acme-recovery-avail" }]);
        expect(synthetics.commandCalls(GetCanaryRunsCommand)[0]!.args[0].input).toEqual({ Name: "acme-recovery-avail", MaxResults: 100 });
    });

    it("GIVEN a canary in ERROR WHEN checked THEN the step fails at once, naming the canary", async () => {
        synthetics.on(GetCanaryCommand).resolves({ Canary: { Name: "acme-recovery-avail", Status: { State: "ERROR" } } });
        await expect(environmentCheck(ctx(), "acme-recovery")).rejects.toThrow("the canary acme-recovery-avail is in state ERROR");
        expect(synthetics.commandCalls(StartCanaryCommand)).toEqual([]);
    });
});
