import { ResourceRule } from "../types";
import { encryptedWithCustomerKeyProblems, shown } from "./encryption";

const FIELDS = { flag: "encrypted", key: "kmsKeyId" } as const;
const FALLBACK = "AWS encrypts the volume with the AWS-managed key aws/ebs";

export const enforceEc2InstanceBlockDeviceEncryption: ResourceRule = {
    kind: "resource",
    name: "ec2-instance-block-devices-encrypted-cmk",
    description:
        "An EC2 instance's root volume (`rootBlockDevice`) and every volume it creates (`ebsBlockDevices`) are encrypted with a customer-managed KMS key.",
    why: "Tenant data at rest is encrypted with the tenant's own key: an application server's root volume holds logs, caches and temporary files of tenant data as surely as its data volume does.",
    enforcement: "mandatory",
    resourceTypes: ["aws:ec2/instance:Instance"],
    validate: (instance) => {
        const problems: string[] = [];
        const root = instance.props.rootBlockDevice;
        if (root === undefined || root === null) {
            // Without it the root volume copies the AMI snapshot's encryption: none for most AMIs.
            problems.push(
                "rootBlockDevice is not set: the root volume takes the AMI snapshot's encryption, none for most AMIs; set rootBlockDevice with encrypted: true and a customer-managed kmsKeyId",
            );
        } else {
            problems.push(...encryptedWithCustomerKeyProblems("rootBlockDevice.", root as Record<string, unknown>, FIELDS, "the root volume", FALLBACK));
        }
        const devices = instance.props.ebsBlockDevices;
        if (devices !== undefined && devices !== null && !Array.isArray(devices)) {
            problems.push(`ebsBlockDevices is ${shown(devices)}, not a list of block devices`);
        } else {
            for (const [index, device] of ((devices as Record<string, unknown>[] | undefined) ?? []).entries()) {
                problems.push(...encryptedWithCustomerKeyProblems(`ebsBlockDevices[${index}].`, device, FIELDS, `the volume ${shown(device.deviceName)}`, FALLBACK));
            }
        }
        return problems;
    },
};
