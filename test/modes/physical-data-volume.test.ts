// Physical production's takeover of a failback's restored data volume (stack config
// `restoredDataVolume`) on the graph the production program registers: the restored volume imported
// under a name of its own and attached instead; the former volume still declared, tagged and
// retained (never deleted by the update); the server started again after the swap and its setup
// run again; every other resource unchanged.

import { beforeAll, describe, expect, it } from "vitest";

import { dataVolumeTakeoverProblem } from "../../components/dual-nic-server";
import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
import { withViolations } from "../../scripts/lib/plan/policy";
import { restoredDataVolumeOf } from "../../stacks/config/stack-config";
import { resolveTenant } from "../../stacks/config/tenant";
import { stackOf } from "../graph";

const WAYNE = resolveTenant({ tenant: "wayne", company: "Wayne", mode: "physical", region: "eu-west-1", domain: { subdomain: "wayne" }, network: { cidr: "10.30.0.0/16" } }, "fixtures/wayne.yaml");
const ACME = resolveTenant({ tenant: "acme", company: "ACME", mode: "cloud", region: "eu-west-1", domain: { subdomain: "acme" }, network: { cidr: "10.20.0.0/16" } }, "fixtures/acme.yaml");
const VOLUME = "vol-0123456789abcdef0";

let before: PlanDocument;
let after: PlanDocument;
beforeAll(async () => {
    before = withViolations(await planFleet({ tenants: [WAYNE] }));
    after = withViolations(await planFleet({ tenants: [WAYNE], config: { restoredDataVolume: VOLUME } }));
    expect(before.errors).toEqual([]);
    expect(after.errors).toEqual([]);
});

const wayne = (document: PlanDocument) => stackOf(document, "wayne");
const named = (document: PlanDocument, name: string) => wayne(document).resources.find((resource) => resource.name === name);

describe("physical production takes the restored data volume over", () => {
    it("GIVEN restoredDataVolume WHEN planned THEN the volume is imported under its own name with the data volume's settings, retained, and attached at /dev/sdf instead of the own one", () => {
        const restored = named(after, "wayne-database-server-data-restored")!;
        const former = named(after, "wayne-database-server-data")!;
        expect(restored.type).toBe("aws:ebs/volume:Volume");
        expect(restored.retainOnDelete).toBe(true);
        expect(restored.inputs).toMatchObject({ encrypted: true, kmsKeyId: former.inputs.kmsKeyId, availabilityZone: former.inputs.availabilityZone, size: former.inputs.size, type: former.inputs.type, finalSnapshot: true });
        const attachment = named(after, "wayne-database-server-data-attachment")!;
        expect(attachment.inputs).toMatchObject({ volumeId: restored.id, deviceName: "/dev/sdf", stopInstanceBeforeDetaching: true });
        expect(attachment.deleteBeforeReplace).toBe(true);
    });

    it("GIVEN restoredDataVolume WHEN planned THEN the former volume stays declared with its settings, tagged former and retained: the update deletes no volume", () => {
        const own = named(before, "wayne-database-server-data")!;
        const former = named(after, "wayne-database-server-data")!;
        expect(former.retainOnDelete).toBe(true);
        const { tags: ownTags, ...ownRest } = own.inputs;
        const { tags: formerTags, ...formerRest } = former.inputs;
        expect(formerRest).toEqual(ownRest);
        expect(formerTags).toEqual({ ...(ownTags as Record<string, string>), DataVolume: "former" });
    });

    it("GIVEN restoredDataVolume WHEN planned THEN the server runs again after the swap and its setup runs again (the script names the volume)", () => {
        const running = named(after, "wayne-database-server-running")!;
        expect(running.type).toBe("aws:ec2transitgateway/instanceState:InstanceState");
        expect(running.inputs).toMatchObject({ state: "running", instanceId: named(after, "wayne-database-server-instance")!.id });
        expect(running.dependsOn).toEqual(["wayne-database-server-data-attachment"]);
        const script = (plan: PlanDocument) => String((named(plan, "wayne-database-setup")!.inputs.parameters as Record<string, unknown>).commands);
        expect(script(after)).toBe(`${script(before)}# data volume taken over after a failback: ${VOLUME}\n`);
        expect(named(after, "wayne-database-setup")!.dependsOn).toContain("wayne-database-server-running");
    });

    it("GIVEN restoredDataVolume WHEN planned THEN nothing else changes and the policy pack is satisfied", () => {
        const names = (plan: PlanDocument) => wayne(plan).resources.map((resource) => resource.name).sort();
        expect(names(after)).toEqual([...names(before), "wayne-database-server-data-restored", "wayne-database-server-running"].sort());
        expect(wayne(after).violations).toEqual([]);
        expect(wayne(after).outputs.databaseArn).toEqual(wayne(before).outputs.databaseArn);
    });

    it.each([
        ["vol-0123", `stack config restoredDataVolume: "vol-0123" is not an EBS volume id (vol-...)`],
        ["i-0123456789abcdef0", `stack config restoredDataVolume: "i-0123456789abcdef0" is not an EBS volume id (vol-...)`],
    ])("GIVEN restoredDataVolume %s WHEN planned THEN it fails naming EC2's rule", async (value, message) => {
        const document = await planFleet({ tenants: [WAYNE], config: { restoredDataVolume: value } });
        expect(document.errors.map((error) => error.message).join("\n")).toContain(message);
    });

    it("GIVEN restoredDataVolume on an RDS tenant WHEN planned THEN it fails: there is no data volume to take over", async () => {
        const document = await planFleet({ tenants: [ACME], config: { restoredDataVolume: VOLUME } });
        expect(document.errors.map((error) => error.message).join("\n")).toContain("stack config restoredDataVolume: set on a tenant whose database is RDS");
    });
});

describe("the checks", () => {
    it.each([
        [{}, undefined],
        [{ restoredDataVolume: "vol-01234567" }, { volumeId: "vol-01234567" }],
        [{ restoredDataVolume: "vol-0123456789ABCDEF0" }, { problem: expect.stringContaining("is not an EBS volume id") }],
    ])("GIVEN %j on physical WHEN read THEN %j", (config, expected) => {
        expect(restoredDataVolumeOf((key) => (config as Record<string, string>)[key], true)).toEqual(expected);
    });

    const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1";
    it.each([
        [{ zone: "eu-west-1a", keyArn: KEY, encrypted: true }, undefined],
        [{ zone: "eu-west-1b", keyArn: KEY, encrypted: true }, `restoredDataVolume ${VOLUME}: it is in eu-west-1b, the server in eu-west-1a (a volume attaches only in its own zone)`],
        [{ zone: "eu-west-1a", keyArn: "arn:aws:kms:eu-west-1:123456789012:key/vault", encrypted: true }, `restoredDataVolume ${VOLUME}: it is encrypted with arn:aws:kms:eu-west-1:123456789012:key/vault, not with ${KEY}`],
        [{ zone: "eu-west-1a", encrypted: false }, `restoredDataVolume ${VOLUME}: it is encrypted with nothing, not with ${KEY}`],
    ])("GIVEN a volume %j WHEN checked against the server THEN %s", (actual, message) => {
        const problem = dataVolumeTakeoverProblem(VOLUME, actual, { zone: "eu-west-1a", keyArn: KEY });
        if (message === undefined) expect(problem).toBeUndefined();
        else expect(problem).toContain(message);
    });
});
