// Failback of a physical tenant (scripts/lib/dr/reencrypt-volume.ts, failback.ts adopt) against the
// stub pulumi and a stateful EC2 (test/dr-ec2-fake.ts): the restored server's data volume moved
// under production's data key into the host's zone, the calls and their order, a resume after a
// failure in each call (before EC2 acted, or after it acted and the answer was lost) repeating no
// call, the takeover waited for, and no volume ever deleted, production's least of all.

import * as fs from "node:fs";
import * as path from "node:path";

import { DescribeRestoreJobCommand, ListRecoveryPointsByBackupVaultCommand, StartRestoreJobCommand } from "@aws-sdk/client-backup";
import { CopySnapshotCommand, CreateVolumeCommand, DeleteVolumeCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DeleteRuleCommand, DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";

import { sdkAws } from "../scripts/lib/dr/aws";
import { adoptVolumeProblem } from "../scripts/lib/dr/failback";
import { volumeClientToken } from "../scripts/lib/dr/reencrypt-volume";
import { ACCOUNT, createWorld, dr, LISTENER, output, PRODUCTION_OUTPUTS, pulumiCalls, RECOVERY_OUTPUTS, START, World, useStubPulumi } from "./dr-fixture";
import { Ec2Fake, installEc2Fake } from "./dr-ec2-fake";

useStubPulumi("dr-failback-physical-home");

const ec2 = mockClient(EC2Client);
const REGION = "eu-west-1";
const RUN = "20260302t030000z";
const PRODUCTION_SERVER = "i-0aaaaaaaaaaaaaaa1";
const RESTORED_SERVER = "i-0bbbbbbbbbbbbbbb2";
const PRODUCTION_DATA = "vol-0ccccccccccccccc3";
const RESTORED_DATA = "vol-0ddddddddddddddd4";
const VAULT_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-8888-4777-9666-555555555555`;
const DATA_KEY = PRODUCTION_OUTPUTS.dataKeyArn;
const DATA_SUBNET = "subnet-0proddata";
const HOST = "h-0123456789abcdef0";

let world: World;
let fake: Ec2Fake;
afterAll(() => ec2.restore());

beforeEach(() => {
    world = createWorld();
    ec2.reset();
    fake = installEc2Fake(ec2);
    const outputs = JSON.parse(fs.readFileSync(path.join(world.dir, "outputs.json"), "utf8"));
    outputs.acme = {
        ...outputs.acme,
        databaseArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${PRODUCTION_SERVER}`,
        restoreRoleArn: `arn:aws:iam::${ACCOUNT}:role/acme-restore`,
        restoreTarget: { subnetId: DATA_SUBNET, securityGroupIds: ["sg-0f"], filesBucketName: "acme-files", availabilityZone: "eu-west-1a" },
    };
    outputs["acme-recovery"] = {
        ...outputs["acme-recovery"],
        recoveryActive: true,
        backupVaultArn: `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:acme-recovery`,
        offsiteBackupVaultArn: `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:acme-recovery-offsite`,
        databaseArn: `arn:aws:ec2:eu-central-1:${ACCOUNT}:instance/i-0eeeeeeeeeeeeeee5`,
        restoreTarget: { ...RECOVERY_OUTPUTS.restoreTarget, subnetId: "subnet-recovery", hostId: "h-0fffffffffffffff6" },
    };
    fs.writeFileSync(path.join(world.dir, "outputs.json"), JSON.stringify(outputs));
    world.backup.on(ListRecoveryPointsByBackupVaultCommand).callsFake((input: { ByResourceArn: string }) => ({
        RecoveryPoints: [{ RecoveryPointArn: `arn:rp:${input.ByResourceArn}`, ResourceArn: input.ByResourceArn, ResourceType: input.ByResourceArn.startsWith("arn:aws:s3") ? "S3" : "EC2", Status: "COMPLETED", CreationDate: START }],
    }));
    world.backup.on(StartRestoreJobCommand, { ResourceType: "EC2" }).resolves({ RestoreJobId: "job-database" });
    world.backup.on(DescribeRestoreJobCommand, { RestoreJobId: "job-database" }).resolves({ Status: "COMPLETED", CreatedResourceArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${RESTORED_SERVER}` });
    world.backup.on(DescribeRestoreJobCommand, { RestoreJobId: "job-files" }).resolves({ Status: "COMPLETED", CreatedResourceArn: "arn:aws:s3:::acme-files" });
    world.check = () => ({ ok: true, status: 200 });
    // Production's database server on its host with its own data volume; the restore job's server
    // in production's data subnet (shared tenancy), its volumes under the vault copy's key.
    fake.instances.set(PRODUCTION_SERVER, { state: "running", subnetId: DATA_SUBNET, availabilityZone: "eu-west-1a", tenancy: "host", hostId: HOST, volumes: { "/dev/xvda": "vol-0prodroot", "/dev/sdf": PRODUCTION_DATA } });
    fake.volumes.set(PRODUCTION_DATA, { state: "in-use", availabilityZone: "eu-west-1a", kmsKeyId: DATA_KEY, size: 200, volumeType: "gp3", tags: {} });
    fake.instances.set(RESTORED_SERVER, { state: "running", subnetId: DATA_SUBNET, availabilityZone: "eu-west-1a", tenancy: "default", volumes: { "/dev/xvda": "vol-0restroot", "/dev/sdf": RESTORED_DATA } });
    fake.volumes.set(RESTORED_DATA, { state: "in-use", availabilityZone: "eu-west-1a", kmsKeyId: VAULT_KEY, size: 200, volumeType: "gp3", tags: {} });
});
afterEach(() => {
    // dr never updates or configures production, and deletes no volume (production's least of all).
    const production = pulumiCalls(world).filter((call) => call.stack === "acme");
    expect(production.filter((call) => ["up", "destroy", "config", "refresh", "import", "state"].includes(call.argv[0]!))).toEqual([]);
    expect(ec2.commandCalls(DeleteVolumeCommand)).toEqual([]);
    expect(fake.writes.filter((write) => write.includes(PRODUCTION_SERVER) || write.includes(PRODUCTION_DATA))).toEqual([]);
    expect(fake.volumes.get(PRODUCTION_DATA)).toBeDefined();
    fs.rmSync(world.dir, { recursive: true, force: true });
});

/** The restored volume dr made (the one tagged with this run). */
const madeVolume = () => [...fake.volumes.entries()].find(([, volume]) => volume.tags["itm:dr-failback"] === `acme/${RUN}/volume`)?.[0];
const EXPECTED_WRITES = [
    `StopInstances ${RESTORED_SERVER}`,
    `CreateSnapshot ${RESTORED_DATA}`,
    "CopySnapshot snap-00000000000000001",
    "CreateVolume snap-00000000000000002",
    `TerminateInstances ${RESTORED_SERVER}`,
    "DeleteSnapshot snap-00000000000000002",
    "DeleteSnapshot snap-00000000000000001",
];

/** The operator's reviewed `npm run up -- acme` with restoredDataVolume: production's server on the volume, running. */
function takeOver(volume: string): void {
    fake.instances.get(PRODUCTION_SERVER)!.volumes["/dev/sdf"] = volume;
    world.elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: `${LISTENER}/maintenance`, Priority: "1", Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "503", MessageBody: "<!-- dr-maintenance --> down" } }] }] });
}

describe("failback of a physical tenant", () => {
    it("GIVEN the restored server WHEN failing back THEN its data volume is copied under production's key into the host's zone, the intermediates removed, and adopt waits for the takeover with the commands; after it, resume completes", async () => {
        expect(await dr(world, ["failback", "acme", "--yes"])).toBe(1);
        const volume = madeVolume()!;
        expect(volume).toMatch(/^vol-/);
        expect(fake.writes).toEqual(EXPECTED_WRITES);
        expect(ec2.commandCalls(CopySnapshotCommand).map((call) => call.args[0].input)).toEqual([
            expect.objectContaining({ SourceRegion: REGION, SourceSnapshotId: "snap-00000000000000001", Encrypted: true, KmsKeyId: DATA_KEY }),
        ]);
        expect(ec2.commandCalls(CreateVolumeCommand).map((call) => call.args[0].input)).toEqual([
            expect.objectContaining({ SnapshotId: "snap-00000000000000002", AvailabilityZone: "eu-west-1a", Encrypted: true, KmsKeyId: DATA_KEY, VolumeType: "gp3", ClientToken: volumeClientToken("acme", RUN) }),
        ]);
        expect(fake.volumes.get(volume)).toMatchObject({ state: "available", kmsKeyId: DATA_KEY, availabilityZone: "eu-west-1a", size: 200 });
        expect(fake.snapshots.size).toBe(0);
        expect(fake.instances.get(RESTORED_SERVER)!.state).toBe("terminated");
        expect(output(world)).toContain(
            `failed at step adopt: production's database server ${PRODUCTION_SERVER} runs on the data volume ${PRODUCTION_DATA}, not the restored ${volume}: take it over, then resume: (1) pulumi config set restoredDataVolume ${volume} --stack acme; (2) npm run plan -- acme --config restoredDataVolume=${volume}`,
        );
        expect(world.elb.commandCalls(DeleteRuleCommand)).toHaveLength(0);

        takeOver(volume);
        expect(await dr(world, ["failback", "acme", "--yes", "--resume"])).toBe(0);
        expect(fake.writes).toEqual(EXPECTED_WRITES);
        expect(world.elb.commandCalls(DeleteRuleCommand).map((call) => call.args[0].input.RuleArn)).toEqual([`${LISTENER}/maintenance`]);
    });

    const COMMANDS = ["StopInstances", "CreateSnapshot", "CopySnapshot", "CreateVolume", "TerminateInstances", "DeleteSnapshot"];
    it.each(COMMANDS.flatMap((command) => [[command, "before"] as const, [command, "after"] as const]))("GIVEN %s fails (%s EC2 acted) WHEN resumed THEN it continues to adopt, no call repeated, the same volume", async (command, when) => {
        fake.failNext(command, when);
        expect(await dr(world, ["failback", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain("failed at step reencrypt");
        expect(await dr(world, ["failback", "acme", "--yes", "--resume"])).toBe(1);
        const volume = madeVolume()!;
        expect(output(world)).toContain(`failed at step adopt: production's database server ${PRODUCTION_SERVER} runs on the data volume ${PRODUCTION_DATA}, not the restored ${volume}`);
        expect(fake.writes).toEqual(EXPECTED_WRITES);
        expect([...fake.volumes.keys()].filter((id) => id !== PRODUCTION_DATA && id !== RESTORED_DATA)).toEqual([volume]);
    });

    it("GIVEN the restored server is not in production's data subnet WHEN failing back THEN reencrypt refuses, nothing stopped, copied or terminated", async () => {
        fake.instances.get(RESTORED_SERVER)!.subnetId = "subnet-0other";
        expect(await dr(world, ["failback", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain(`failed at step reencrypt: the restored database server ${RESTORED_SERVER} is in subnet subnet-0other, not in production's data subnet ${DATA_SUBNET}`);
        expect(fake.writes).toEqual([]);
    });

    it("GIVEN a copy that came out under another key WHEN failing back THEN it stops before any volume is made, naming the copy to delete", async () => {
        ec2.on(CopySnapshotCommand).callsFake((input: { SourceSnapshotId: string }) => {
            fake.snapshots.set("snap-0wrongkey", { state: "completed", kmsKeyId: VAULT_KEY, volumeSize: 200, tags: { "itm:dr-failback": `acme/${RUN}/copy` } });
            fake.writes.push(`CopySnapshot ${input.SourceSnapshotId}`);
            return { SnapshotId: "snap-0wrongkey" };
        });
        expect(await dr(world, ["failback", "acme", "--yes"])).toBe(1);
        expect(output(world)).toContain(`failed at step reencrypt: the snapshot copy snap-0wrongkey is encrypted with ${VAULT_KEY}, not production's data key ${DATA_KEY}: delete it`);
        expect(ec2.commandCalls(CreateVolumeCommand)).toEqual([]);
    });
});

describe("the guards and the adopt check", () => {
    beforeEach(() => {
        fake.snapshots.set("snap-0other", { state: "completed", kmsKeyId: DATA_KEY, volumeSize: 200, tags: { "itm:dr-failback": "acme/20250101t000000z/copy" } });
    });

    it("GIVEN production's database server or a server on a host WHEN asked to terminate THEN refused, nothing terminated", async () => {
        const aws = sdkAws();
        await expect(aws.terminateFailbackServer(REGION, PRODUCTION_SERVER, DATA_SUBNET, PRODUCTION_SERVER)).rejects.toThrow(`dr refuses to terminate ${PRODUCTION_SERVER}: it is production's database server`);
        await expect(aws.terminateFailbackServer(REGION, PRODUCTION_SERVER, DATA_SUBNET, "i-0000000000000000a")).rejects.toThrow(`dr refuses to terminate ${PRODUCTION_SERVER}: it is in subnet ${DATA_SUBNET} with tenancy host`);
        expect(fake.writes).toEqual([]);
    });

    it("GIVEN a snapshot of another run WHEN asked to delete it under this run's tag THEN refused", async () => {
        await expect(sdkAws().deleteFailbackEbsSnapshot(REGION, "snap-0other", `acme/${RUN}/copy`)).rejects.toThrow(`dr refuses to delete the snapshot snap-0other: it is not tagged itm:dr-failback=acme/${RUN}/copy`);
        expect(fake.snapshots.has("snap-0other")).toBe(true);
    });

    it.each([
        [{ volume: "vol-0new", state: "running" }, undefined],
        [{ volume: PRODUCTION_DATA, state: "running" }, `runs on the data volume ${PRODUCTION_DATA}, not the restored vol-0new: take it over`],
        [{ volume: "vol-0new", state: "stopped" }, `has the restored data volume vol-0new but is stopped: start it`],
        [undefined, `production's database server ${PRODUCTION_SERVER} is not found`],
    ])("GIVEN production's server %j WHEN adopt checks THEN %s", (attached, problem) => {
        const found = adoptVolumeProblem("acme", PRODUCTION_SERVER, attached, "vol-0new");
        if (problem === undefined) expect(found).toBeUndefined();
        else expect(found).toContain(problem);
    });

    it("GIVEN any production and run WHEN the ClientToken is made THEN it is within EC2's 64 characters and differs per run", () => {
        const token = volumeClientToken(`platform-ap-southeast-2-${"x".repeat(60)}`, RUN);
        expect(token.length).toBeLessThanOrEqual(64);
        expect(volumeClientToken("acme", RUN)).not.toBe(volumeClientToken("acme", "20260303t030000z"));
    });
});
