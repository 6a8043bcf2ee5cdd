import { StackRule } from "../types";

const INSTANCE = "aws:ec2/instance:Instance";

/** An AMI id as EC2 has them: `ami-` and 8 or 17 hex digits. */
const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * A release of Amazon Linux 2023 by AWS's AMI naming (`al2023-ami-2023.<minor>.<YYYYMMDD>.<n>-kernel-
 * <version>-<arch>`, the names `aws ec2 describe-images --owners amazon` lists): the release is in
 * the name, so the name pins it. `al2023-ami-kernel-default-<arch>` and the like name no release:
 * they are the "latest" SSM parameters' names, which move with every release.
 */
const RELEASE_NAME = /^al2023-ami-2023\.\d+\.\d{8}\.\d+-kernel-\d+\.\d+-(?:x86_64|arm64)$/;

/** The tag the servers carry with the name of the image they boot. */
const IMAGE_NAME_TAG = "ImageName";

export const enforceInstancePinnedImage: StackRule = {
    kind: "stack",
    name: "ec2-instance-pinned-image",
    description:
        `Every EC2 instance boots a pinned image: its ami is an AMI id (never "resolve:ssm:..."), its ${IMAGE_NAME_TAG} tag names the Amazon Linux 2023 release ` +
        "(al2023-ami-2023.<minor>.<YYYYMMDD>.<n>-kernel-<version>-<arch>), and the instances of one release in the stack boot one image.",
    why:
        "An image taken from the \"latest\" parameter changes with every Amazon Linux release, and each change replaces every server on the next update, " +
        "unreviewed; a pinned release changes only in a pull request whose plan shows the rolling replacement, and the tag tells operators what each server runs.",
    enforcement: "mandatory",
    validate(stack) {
        const instances = stack.resources.filter((resource) => resource.type === INSTANCE);
        const findings = instances.flatMap((instance) => {
            const ami = instance.props.ami;
            const tags = (instance.props.tags ?? {}) as Record<string, unknown>;
            const name = tags[IMAGE_NAME_TAG];
            const problems: string[] = [];
            if (typeof ami === "string" && ami.startsWith("resolve:ssm:")) {
                problems.push(`ami ${JSON.stringify(ami)} is resolved from an SSM parameter at every launch; expected the AMI id of the pinned release (stacks/config/server-images.json)`);
            } else if (typeof ami !== "string" || !AMI_ID.test(ami)) {
                problems.push(`ami ${JSON.stringify(ami ?? null)} is not an AMI id (ami- and 8 or 17 hex digits); expected the AMI id of the pinned release`);
            }
            if (name === undefined) {
                problems.push(`the ${IMAGE_NAME_TAG} tag is missing: nothing says which release the server boots; expected the pinned AMI name (stacks/config/server-images.json)`);
            } else if (typeof name !== "string" || !RELEASE_NAME.test(name)) {
                problems.push(`the ${IMAGE_NAME_TAG} tag ${JSON.stringify(name)} names no Amazon Linux 2023 release; expected al2023-ami-2023.<minor>.<YYYYMMDD>.<n>-kernel-<version>-<arch>`);
            }
            return problems.map((message) => ({ resource: instance.name, message }));
        });
        // One release is one image in a region: an instance of the same name on another image
        // did not get its image from the pin.
        const byName = new Map<string, Map<string, string[]>>();
        for (const instance of instances) {
            const name = ((instance.props.tags ?? {}) as Record<string, unknown>)[IMAGE_NAME_TAG];
            const ami = instance.props.ami;
            if (typeof name === "string" && typeof ami === "string") {
                const images = byName.get(name) ?? new Map<string, string[]>();
                images.set(ami, [...(images.get(ami) ?? []), instance.name]);
                byName.set(name, images);
            }
        }
        for (const [name, images] of byName) {
            if (images.size > 1) {
                const listed = [...images.entries()].map(([ami, names]) => `${ami} (${names.join(", ")})`).join(", ");
                for (const names of images.values()) {
                    findings.push(...names.map((resource) => ({ resource, message: `the instances tagged ${name} boot ${images.size} different images, ${listed}; one release is one image per region` })));
                }
            }
        }
        return findings;
    },
};
