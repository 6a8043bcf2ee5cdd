import { ResourceRule } from "../types";
import { encryptedWithCustomerKeyProblems } from "./encryption";

export const enforceEbsVolumeEncryption: ResourceRule = {
    kind: "resource",
    name: "ebs-volume-encrypted-cmk",
    description: "An EBS volume is encrypted (`encrypted: true`) with a customer-managed KMS key (`kmsKeyId`).",
    why: "Tenant data at rest is encrypted with the tenant's own key, so that its key policy decides who can read a volume or its snapshots, and disabling the key makes every copy unreadable.",
    enforcement: "mandatory",
    resourceTypes: ["aws:ebs/volume:Volume"],
    validate: (volume) =>
        encryptedWithCustomerKeyProblems("", volume.props, { flag: "encrypted", key: "kmsKeyId" }, "the volume", "AWS encrypts the volume with the AWS-managed key aws/ebs"),
};
