// A physical tenant's restored database server ends on the environment's Dedicated Host before the
// check (scripts/lib/dr/placement.ts): activate and drill against the stub pulumi and a stateful
// EC2 (test/dr-ec2-fake.ts): the calls and their order, a resume after a failure in each call, the
// refusal of a server outside the host's zone.

import * as fs from "node:fs";
import * as path from "node:path";

import { DescribeRestoreJobCommand, ListRecoveryPointsByBackupVaultCommand, StartRestoreJobCommand } from "@aws-sdk/client-backup";
import { EC2Client, ModifyInstancePlacementCommand } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";

import { placeOnHost, restoredServerId } from "../scripts/lib/dr/placement";
import { ACCOUNT, createWorld, DATABASE, DRILL_OUTPUTS, dr, output, PRODUCTION_OUTPUTS, pulumiCalls, RECOVERY_OUTPUTS, START, World, useStubPulumi } from "./dr-fixture";
import { Ec2Fake, installEc2Fake } from "./dr-ec2-fake";

useStubPulumi("dr-placement-home");

const ec2 = mockClient(EC2Client);
const SERVER = "i-0abc1234def567890";
const HOST = "h-0123456789abcdef0";
const worlds: World[] = [];
let world: World;
let fake: Ec2Fake;
afterAll(() => {
    ec2.restore();
    for (const w of worlds) fs.rmSync(w.dir, { recursive: true, force: true });
});

function physicalWorld(options: { hostId?: string; zone?: string } = {}): void {
    world = createWorld();
    worlds.push(world);
    ec2.reset();
    fake = installEc2Fake(ec2);
    const target = (prefix: string, subnet: string) => ({ ...RECOVERY_OUTPUTS.restoreTarget, filesBucketName: `${prefix}-files`, subnetId: subnet, instanceType: "m6i.large", ...(options.hostId === undefined ? {} : { hostId: options.hostId }) });
    fs.writeFileSync(
        path.join(world.dir, "outputs.json"),
        JSON.stringify({
            acme: PRODUCTION_OUTPUTS,
            "acme-recovery": { ...RECOVERY_OUTPUTS, restoreTarget: target("acme-recovery", "subnet-recovery") },
            "acme-drill": { ...DRILL_OUTPUTS, restoreTarget: target("acme-drill", "subnet-drill") },
        }),
    );
    world.backup.on(ListRecoveryPointsByBackupVaultCommand, { ByResourceArn: DATABASE }).resolves({
        RecoveryPoints: [{ RecoveryPointArn: "arn:aws:ec2:eu-central-1::image/ami-0123456789abcdef0", ResourceArn: DATABASE, ResourceType: "EC2", Status: "COMPLETED", CreationDate: new Date(START.getTime() - 30 * 60_000) }],
    });
    world.backup.on(StartRestoreJobCommand, { ResourceType: "EC2" }).resolves({ RestoreJobId: "job-database" });
    world.backup.on(DescribeRestoreJobCommand, { RestoreJobId: "job-database" }).resolves({ Status: "COMPLETED", CreatedResourceArn: `arn:aws:ec2:eu-central-1:${ACCOUNT}:instance/${SERVER}` });
    world.backup.on(DescribeRestoreJobCommand, { RestoreJobId: "job-files" }).resolves({ Status: "COMPLETED", CreatedResourceArn: "arn:aws:s3:::acme-recovery-files" });
    // What the restore job launched: the recovery's data subnet, default tenancy (no Placement sent).
    fake.instances.set(SERVER, { state: "running", subnetId: "subnet-recovery", availabilityZone: options.zone ?? "eu-central-1a", tenancy: "default", volumes: { "/dev/xvda": "vol-root", "/dev/sdf": "vol-data" } });
    const check = world.check;
    world.check = (url) => {
        // Production's own check (is it down?) comes before anything: only the environment's is recorded.
        if (url !== PRODUCTION_OUTPUTS.url) fake.writes.push(`check ${url}`);
        return check(url);
    };
}

describe("activate: the restored database server onto the recovery's Dedicated Host", () => {
    beforeEach(() => physicalWorld({ hostId: HOST }));

    it("GIVEN a restored server on shared tenancy WHEN activated THEN after the activating update it is stopped, placed on the host, started, and only then checked", async () => {
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(0);
        expect(fake.writes).toEqual([`StopInstances ${SERVER}`, `ModifyInstancePlacement ${SERVER}`, `StartInstances ${SERVER}`, `check ${RECOVERY_OUTPUTS.url}`]);
        expect(ec2.commandCalls(ModifyInstancePlacementCommand).map((call) => call.args[0].input)).toEqual([{ InstanceId: SERVER, HostId: HOST, Tenancy: "host", Affinity: "host" }]);
        expect(fake.instances.get(SERVER)).toMatchObject({ state: "running", tenancy: "host", hostId: HOST });
        // The stack names the server by its instance id, and is updated before the move (the host exists once it is active).
        const calls = pulumiCalls(world);
        const configs = calls.filter((call) => call.argv[0] === "config" && call.phase !== "end").map((call) => `${call.stack} ${call.argv[2]}=${call.argv[call.argv.indexOf("--") + 1]}`);
        expect(configs).toContain(`acme-recovery restoredDatabase=${SERVER}`);
        const up = calls.findIndex((call) => call.argv[0] === "up" && call.stack === "acme-recovery");
        expect(up).toBeGreaterThan(-1);
    });

    it.each(["StopInstances", "ModifyInstancePlacement", "StartInstances"])("GIVEN %s fails (EC2 acted, the answer lost) WHEN resumed THEN the server ends on the host, no call repeated", async (command) => {
        fake.failNext(command, "after");
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("failed at step restore");
        expect(await dr(world, ["activate", "acme", "--yes", "--resume"])).toBe(0);
        expect(fake.writes).toEqual([`StopInstances ${SERVER}`, `ModifyInstancePlacement ${SERVER}`, `StartInstances ${SERVER}`, `check ${RECOVERY_OUTPUTS.url}`]);
        expect(fake.instances.get(SERVER)).toMatchObject({ state: "running", tenancy: "host", hostId: HOST });
    });

    it.each(["StopInstances", "ModifyInstancePlacement", "StartInstances"])("GIVEN %s fails before EC2 acted WHEN resumed THEN the server ends on the host", async (command) => {
        fake.failNext(command, "before");
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        expect(await dr(world, ["activate", "acme", "--yes", "--resume"])).toBe(0);
        expect(fake.writes).toEqual([`StopInstances ${SERVER}`, `ModifyInstancePlacement ${SERVER}`, `StartInstances ${SERVER}`, `check ${RECOVERY_OUTPUTS.url}`]);
    });
});

describe("refusals", () => {
    it("GIVEN the server landed in another zone than the host's WHEN activated THEN it fails before the check, nothing moved", async () => {
        physicalWorld({ hostId: HOST, zone: "eu-central-1b" });
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain(`failed at step restore: the restored database server ${SERVER} is in eu-central-1b, the Dedicated Host ${HOST} in eu-central-1a: a host takes only instances of its own zone`);
        expect(fake.writes).toEqual([]);
    });

    it("GIVEN an active recovery that exports no host WHEN activated THEN it fails before the check, naming the missing output", async () => {
        physicalWorld({});
        expect(await dr(world, ["activate", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain(`stack acme-recovery exports no restoreTarget.hostId although active: the restored database server ${SERVER} must run on the environment's Dedicated Host`);
        expect(fake.writes).toEqual([]);
    });
});

describe("drill: the copy's restored server onto the copy's host", () => {
    it("GIVEN a physical drill WHEN run THEN its server is placed on the drill copy's host before the check, then terminated at teardown", async () => {
        physicalWorld({ hostId: HOST });
        fake.instances.get(SERVER)!.subnetId = "subnet-drill";
        expect(await dr(world, ["drill", "acme", "--yes"])).toBe(0);
        expect(fake.writes).toEqual([`StopInstances ${SERVER}`, `ModifyInstancePlacement ${SERVER}`, `StartInstances ${SERVER}`, `check ${DRILL_OUTPUTS.url}`, `TerminateInstances ${SERVER}`]);
    });
});

describe("the pieces", () => {
    it.each([
        [`arn:aws:ec2:eu-central-1:${ACCOUNT}:instance/${SERVER}`, SERVER],
        [`arn:aws:rds:eu-central-1:${ACCOUNT}:db:acme`, undefined],
        [`arn:aws:ec2:eu-central-1:${ACCOUNT}:volume/vol-0123`, undefined],
        [undefined, undefined],
    ])("GIVEN the created resource %s WHEN read THEN the server id is %s", (arn, id) => {
        expect(restoredServerId(arn)).toBe(id);
    });

    it("GIVEN a server already on the host and running WHEN placed THEN no call", async () => {
        physicalWorld({ hostId: HOST });
        fake.instances.set(SERVER, { state: "running", subnetId: "subnet-recovery", availabilityZone: "eu-central-1a", tenancy: "host", hostId: HOST, volumes: {} });
        const { sdkAws } = await import("../scripts/lib/dr/aws");
        const pino = (await import("pino")).default;
        const ctx = { aws: sdkAws(), log: pino({ level: "silent" }), pollMs: 1000, sleep: async () => undefined } as never;
        expect(await placeOnHost(ctx, { region: "eu-central-1", instanceId: SERVER, hostId: HOST, availabilityZone: "eu-central-1a" })).toEqual({ hostId: HOST, moved: false });
        expect(fake.writes).toEqual([]);
    });
});
