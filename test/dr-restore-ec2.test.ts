// A physical tenant's database server restored from its EC2 recovery point: the metadata of the
// restore job (AWS Backup's EC2 keys) and the restore target's EC2 fields, as dr reads them.

import { describe, expect, it } from "vitest";

import { readRecoveryOutputs, RestoreTarget } from "../scripts/lib/dr/outputs";
import { ChosenPoint, restoreMetadata } from "../scripts/lib/dr/restore-plan";
import { RECOVERY_OUTPUTS } from "./dr-fixture";

const PHYSICAL: RestoreTarget = {
    securityGroupIds: ["sg-0a"],
    filesBucketName: "vault-recovery-files",
    availabilityZone: "eu-central-1a",
    subnetId: "subnet-0d",
    instanceType: "m5.xlarge",
    instanceProfileName: "vault-recovery-servers-profile-1a2b3c",
    hostId: "h-0123456789abcdef0",
};
const EC2_POINT: ChosenPoint = { resource: "database", point: { arn: "arn:aws:ec2:eu-central-1::image/ami-0123456789abcdef0", resourceArn: "", resourceType: "EC2", createdAt: new Date(0) }, ageMs: 0, stale: false };
const json = (value: unknown): string => JSON.stringify(value);

describe("the restore of a database server on EC2 (physical)", () => {
    it("GIVEN an active physical recovery's target WHEN planned THEN the server lands in the data subnet with production's database type and the servers' instance profile", () => {
        expect(restoreMetadata(EC2_POINT, PHYSICAL, "unused")).toEqual({
            resourceType: "EC2",
            metadata: { SubnetId: "subnet-0d", SecurityGroupIds: '["sg-0a"]', RequireIMDSv2: "true", InstanceType: "m5.xlarge", IamInstanceProfileName: "vault-recovery-servers-profile-1a2b3c" },
        });
    });

    it("GIVEN a target without them (a stack deployed before they existed) WHEN planned THEN only the network keys", () => {
        const { instanceType: _t, instanceProfileName: _p, hostId: _h, ...older } = PHYSICAL;
        expect(restoreMetadata(EC2_POINT, older, "unused").metadata).toEqual({ SubnetId: "subnet-0d", SecurityGroupIds: '["sg-0a"]', RequireIMDSv2: "true" });
    });

    it("GIVEN a recovery's outputs WHEN read THEN the EC2 fields are kept, and malformed ones named with AWS's rule", () => {
        const target = { ...PHYSICAL, dbSubnetGroupName: undefined };
        expect(readRecoveryOutputs("vault-recovery", json({ ...RECOVERY_OUTPUTS, restoreTarget: target })).restoreTarget).toEqual(PHYSICAL);
        expect(() => readRecoveryOutputs("vault-recovery", json({ ...RECOVERY_OUTPUTS, restoreTarget: { ...target, instanceType: "xlarge", instanceProfileName: "a b", hostId: "host-1" } }))).toThrow(
            'stack vault-recovery: restoreTarget.instanceType is "xlarge": expected an EC2 instance type (family.size); restoreTarget.instanceProfileName is "a b": expected an IAM instance profile name; restoreTarget.hostId is "host-1": expected a Dedicated Host id (h-...)',
        );
    });
});
