// ec2-instance-pinned-image: a compliant baseline (two servers of one pinned release) and one case
// per condition, each changing one field, with the exact finding.

import { describe, expect, it } from "vitest";

import { findingsOf } from "../../policy/rules/evaluate";
import { enforceInstancePinnedImage } from "../../policy/rules/operations/enforceInstancePinnedImage";
import { PolicyResource, PolicyStack } from "../../policy/rules/types";

const RELEASE = "al2023-ami-2023.11.20260526.0-kernel-6.1-x86_64";
const AMI = "ami-871f3813ec987a6d2";

function instance(name: string, props: Record<string, unknown> = {}): PolicyResource {
    return {
        type: "aws:ec2/instance:Instance",
        name,
        id: `i-${name.length}`,
        parent: null,
        props: { ami: AMI, instanceType: "m7i.large", tags: { Name: name, PatchGroup: "acme", ImageName: RELEASE }, ...props },
        protect: false,
        retainOnDelete: false,
    };
}

const stack = (...resources: PolicyResource[]): PolicyStack => ({ stack: "acme", kind: "cloud", resources });
const run = (s: PolicyStack) => findingsOf(enforceInstancePinnedImage, s, { operationsCidrs: [], otherTenants: [] });
const APP = "acme-servers-0-instance";
const OTHER = "acme-servers-1-instance";

describe("ec2-instance-pinned-image", () => {
    it("GIVEN two servers of the pinned release on its image WHEN checked THEN nothing is found", () => {
        expect(run(stack(instance(APP), instance(OTHER)))).toEqual([]);
    });

    it("GIVEN a stack without servers WHEN checked THEN nothing is found", () => {
        expect(run(stack())).toEqual([]);
    });

    it("GIVEN an ami resolved from the latest SSM parameter at launch WHEN checked THEN it is found", () => {
        const ami = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
        expect(run(stack(instance(APP, { ami })))).toEqual([
            { resource: APP, message: `ami ${JSON.stringify(ami)} is resolved from an SSM parameter at every launch; expected the AMI id of the pinned release (stacks/config/server-images.json)` },
        ]);
    });

    it.each([["ami-123"], [undefined], ["al2023-ami-kernel-default-x86_64"]])("GIVEN the ami %j WHEN checked THEN it is not an AMI id", (ami) => {
        expect(run(stack(instance(APP, { ami })))).toEqual([
            { resource: APP, message: `ami ${JSON.stringify(ami ?? null)} is not an AMI id (ami- and 8 or 17 hex digits); expected the AMI id of the pinned release` },
        ]);
    });

    it("GIVEN a server without the ImageName tag WHEN checked THEN it is found", () => {
        expect(run(stack(instance(APP, { tags: { Name: APP } })))).toEqual([
            { resource: APP, message: "the ImageName tag is missing: nothing says which release the server boots; expected the pinned AMI name (stacks/config/server-images.json)" },
        ]);
    });

    it.each([["al2023-ami-kernel-default-x86_64"], ["latest"], ["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"]])("GIVEN the ImageName %j WHEN checked THEN it names no release", (name) => {
        expect(run(stack(instance(APP, { tags: { ImageName: name } })))).toEqual([
            { resource: APP, message: `the ImageName tag ${JSON.stringify(name)} names no Amazon Linux 2023 release; expected al2023-ami-2023.<minor>.<YYYYMMDD>.<n>-kernel-<version>-<arch>` },
        ]);
    });

    it("GIVEN two servers of one release on two images WHEN checked THEN both are found: one of them did not boot the pin", () => {
        const message = `the instances tagged ${RELEASE} boot 2 different images, ${AMI} (${APP}), ami-0123456789abcdef0 (${OTHER}); one release is one image per region`;
        expect(run(stack(instance(APP), instance(OTHER, { ami: "ami-0123456789abcdef0" })))).toEqual([
            { resource: APP, message },
            { resource: OTHER, message },
        ]);
    });
});
