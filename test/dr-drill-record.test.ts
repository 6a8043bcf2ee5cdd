// npm run dr -- drill: its durable record in SSM and what status makes of it, and the teardown of
// a physical tenant's drill (the EC2 database server a restore job created), against the stub
// pulumi and the AWS SDK mocked (test/dr-fixture.ts); teardown never touches production or the
// recovery stack.

import * as fs from "node:fs";
import * as path from "node:path";

import { DescribeRestoreJobCommand, ListRecoveryPointsByBackupVaultCommand, StartRestoreJobCommand } from "@aws-sdk/client-backup";
import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { RunState } from "../scripts/lib/dr/run-file";
import { ACCOUNT, createWorld, DATABASE, DRILL_OUTPUTS, dr, output, PRODUCTION_OUTPUTS, pulumiCalls, RECOVERY_OUTPUTS, START, World, useStubPulumi } from "./dr-fixture";

useStubPulumi("dr-record-home");

const ec2 = mockClient(EC2Client);
let world: World;
const worlds: World[] = [];
beforeEach(() => {
    world = createWorld();
    worlds.push(world);
    ec2.reset();
});
afterEach(() => {
    // Whatever a test did, dr changed nothing of production's or the recovery stack's.
    const changed = pulumiCalls(world).filter((call) => ["up", "destroy", "config", "preview", "refresh", "import", "state"].includes(call.argv[0]!) || (call.argv[0] === "stack" && ["rm", "init"].includes(call.argv[1]!)));
    const theirs = (name: string | undefined) => name === "acme" || name === "acme-recovery";
    expect(changed.filter((call) => theirs(call.stack) || (call.argv[0] === "stack" && theirs(call.argv[2]))).map((call) => call.argv.join(" "))).toEqual([]);
});
afterAll(() => {
    for (const w of worlds) fs.rmSync(w.dir, { recursive: true, force: true });
});

const NAME = "/itm/dr/acme/last-drill";

function lastRun(world: World): RunState {
    const folder = path.join(world.runDir, "acme");
    const latest = fs.readdirSync(folder).filter((name) => name.endsWith(".json")).sort().pop()!;
    return JSON.parse(fs.readFileSync(path.join(folder, latest), "utf8")) as RunState;
}

describe("the drill's durable record", () => {
    it("GIVEN a drill WHEN it completes THEN its record is put in SSM in the off-site region, once, and the output says where", async () => {
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(0);
        expect(world.ssm.commandCalls(PutParameterCommand).map((call) => call.args[0].input)).toEqual([{ Name: NAME, Type: "String", Overwrite: true, Value: expect.any(String) }]);
        expect([...world.parameters.keys()]).toEqual([`eu-central-1 ${NAME}`]);
        expect(JSON.parse(world.parameters.get(`eu-central-1 ${NAME}`)!)).toEqual({
            runId: "20260302t030000z",
            startedAt: START.toISOString(),
            finishedAt: lastRun(world).finishedAt,
            timeToActiveMs: 0,
            withinPromise: true,
            ok: true,
        });
        expect(output(world)).toContain(`Drill recorded: SSM parameter ${NAME} in eu-central-1.`);
    });

    it("GIVEN a drill that fails WHEN it stops THEN the record says not ok; a refused drill writes none", async () => {
        world.failInStep = "teardown";
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(1);
        expect(JSON.parse(world.parameters.get(`eu-central-1 ${NAME}`)!)).toMatchObject({ ok: false, timeToActiveMs: 0 });
        const refused = createWorld();
        worlds.push(refused);
        refused.backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [] });
        expect(await dr(refused, ["drill", "acme", "--yes"])).toBe(1);
        expect(refused.ssm.commandCalls(PutParameterCommand)).toEqual([]);
        world = refused;
    });

    it("GIVEN SSM refusing the write WHEN the drill completes THEN it still completes, and says the record could not be written", async () => {
        world.ssm.on(PutParameterCommand).rejects(new Error("AccessDeniedException: not authorized to perform ssm:PutParameter"));
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(0);
        expect(output(world)).toContain(`The drill's durable record (SSM ${NAME}) could NOT be written: AccessDeniedException: not authorized to perform ssm:PutParameter. Its run file and report are the only record.`);
    });

    it("GIVEN a drill run on another machine (no .dr/ here) WHEN status THEN the SSM record is the last drill; with none anywhere, none", async () => {
        expect(await dr(world, ["status", "acme"])).toBe(0);
        expect(output(world)).toContain("  last drill: none recorded\n");
        world.parameters.set(`eu-central-1 ${NAME}`, JSON.stringify({ runId: "x", startedAt: "2026-02-10T01:00:00.000Z", finishedAt: "2026-02-10T02:00:00.000Z", timeToActiveMs: 125 * 60_000, withinPromise: false, ok: true }));
        expect(await dr(world, ["status", "acme"])).toBe(0);
        expect(output(world)).toContain(`  last drill: 2026-02-10T01:00:00.000Z, active in 2 h 05 min (BREACHED the promise) (SSM ${NAME})\n`);
    });

    it("GIVEN a local drill newer than the SSM record WHEN status THEN the local one is shown; an older local one is not", async () => {
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(0);
        world.parameters.set(`eu-central-1 ${NAME}`, JSON.stringify({ runId: "old", startedAt: "2026-01-05T01:00:00.000Z", finishedAt: "2026-01-05T02:00:00.000Z", timeToActiveMs: 3_600_000, withinPromise: true, ok: true }));
        expect(await dr(world, ["status", "acme"])).toBe(0);
        expect(output(world)).toContain(`  last drill: ${START.toISOString()}, active in 0 min (.dr/ run file)\n`);
        world.parameters.set(`eu-central-1 ${NAME}`, JSON.stringify({ runId: "ci", startedAt: "2026-03-05T01:00:00.000Z", finishedAt: "2026-03-05T02:00:00.000Z", timeToActiveMs: null, withinPromise: false, ok: false }));
        expect(await dr(world, ["status", "acme"])).toBe(0);
        expect(output(world)).toContain(`  last drill: 2026-03-05T01:00:00.000Z, never active, FAILED (did not finish) (SSM ${NAME})\n`);
    });
});

describe("the teardown of a physical tenant's drill (EC2 database server)", () => {
    const INSTANCE_ID = "i-0abc1234def567890";
    const HOST = "h-0123456789abcdef0";
    const INSTANCE = `arn:aws:ec2:eu-central-1:${ACCOUNT}:instance/${INSTANCE_ID}`;
    const physical = (world: World, instanceSubnet: string) => {
        const target = (prefix: string, subnet: string) => ({ ...RECOVERY_OUTPUTS.restoreTarget, dbSubnetGroupName: `${prefix}-db`, filesBucketName: `${prefix}-files`, subnetId: subnet, hostId: HOST });
        fs.writeFileSync(
            path.join(world.dir, "outputs.json"),
            JSON.stringify({
                acme: PRODUCTION_OUTPUTS,
                "acme-recovery": { ...RECOVERY_OUTPUTS, restoreTarget: target("acme-recovery", "subnet-recovery") },
                "acme-drill": { ...DRILL_OUTPUTS, restoreTarget: target("acme-drill", "subnet-drill") },
            }),
        );
        world.backup.on(ListRecoveryPointsByBackupVaultCommand, { ByResourceArn: DATABASE }).resolves({
            RecoveryPoints: [{ RecoveryPointArn: `arn:aws:ec2:eu-central-1::image/ami-0123456789abcdef0`, ResourceArn: DATABASE, ResourceType: "EC2", Status: "COMPLETED", CreationDate: new Date(START.getTime() - 30 * 60_000) }],
        });
        world.backup.on(StartRestoreJobCommand, { ResourceType: "EC2" }).resolves({ RestoreJobId: "job-database" });
        world.backup.on(DescribeRestoreJobCommand, { RestoreJobId: "job-database" }).resolves({ Status: "COMPLETED", CreatedResourceArn: INSTANCE });
        world.backup.on(DescribeRestoreJobCommand, { RestoreJobId: "job-files" }).resolves({ Status: "COMPLETED", CreatedResourceArn: "arn:aws:s3:::acme-drill-files" });
        let terminated = false;
        ec2.on(TerminateInstancesCommand).callsFake(() => {
            terminated = true;
            return {};
        });
        // Already on the copy's host (the move itself: test/dr-physical-placement.test.ts).
        const placement = { AvailabilityZone: "eu-central-1a", Tenancy: "host", HostId: HOST };
        ec2.on(DescribeInstancesCommand).callsFake(() => ({ Reservations: [{ Instances: [{ InstanceId: INSTANCE_ID, SubnetId: instanceSubnet, Placement: placement, State: { Name: terminated ? "terminated" : "running" } }] }] }));
    };

    it("GIVEN the restore created a server in the drill's subnet WHEN the drill ends THEN that server is terminated before the drill stack is destroyed, and nothing else", async () => {
        physical(world, "subnet-drill");
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(0);
        expect(ec2.commandCalls(TerminateInstancesCommand).map((call) => call.args[0].input)).toEqual([{ InstanceIds: [INSTANCE_ID] }]);
        expect(world.rds.calls()).toEqual([]);
        const destroy = pulumiCalls(world).find((call) => call.argv[0] === "destroy")!;
        expect(destroy.stack).toBe("acme-drill");
        const log = world.log.join("");
        expect(log.indexOf("drill-instance-terminated")).toBeGreaterThan(-1);
    });

    it("GIVEN the restored server is not in the drill's subnet WHEN the drill ends THEN teardown refuses: nothing terminated, the drill stack kept", async () => {
        physical(world, "subnet-recovery");
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain(`failed at step teardown: dr refuses to terminate ${INSTANCE_ID}: it is in subnet subnet-recovery, not in the drill copy's data subnet subnet-drill`);
        expect(ec2.commandCalls(TerminateInstancesCommand)).toEqual([]);
        expect(pulumiCalls(world).filter((call) => call.argv[0] === "destroy")).toEqual([]);
    });
});
