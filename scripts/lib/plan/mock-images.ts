// The offline plan's answer to `aws.ec2.getAmi`: Amazon's own Amazon Linux 2023 images by exact name.

import { PlanMockError } from "./mock-error";
import { hex } from "./mock-ids";

/** Amazon's account, which DescribeImages' owner alias `amazon` names. */
const AMAZON_IMAGE_OWNER_ID = "137112412989";

/**
 * The Amazon Linux 2023 images Amazon publishes, standard and minimal, by AWS's naming
 * (`al2023-ami[-minimal]-2023.<minor>.<YYYYMMDD>.<n>-kernel-<version>-<arch>`, Amazon Linux 2023
 * User Guide, "Amazon Linux 2023 on Amazon EC2"). The plan cannot know which releases exist: a
 * name of this shape with a real date stands for a published release; any other name matches no image.
 */
const AMAZON_LINUX_2023_IMAGE = /^al2023-ami-(?:minimal-)?2023\.\d+\.(\d{4})(\d{2})(\d{2})\.\d+-kernel-\d+\.\d+-(x86_64|arm64)$/;

function publishedAmazonImage(name: string): { architecture: string } | undefined {
    const match = AMAZON_LINUX_2023_IMAGE.exec(name);
    if (!match) {
        return undefined;
    }
    const [, year, month, day, architecture] = match;
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    const real = date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
    return real ? { architecture: architecture! } : undefined;
}

/**
 * `aws.ec2.getAmi` as the provider answers it (hashicorp/terraform-provider-aws
 * internal/service/ec2/ec2_ami_data_source.go over DescribeImages): exactly one image, else
 * "Your query returned no results" or "... more than one result" (without `mostRecent`). The
 * plan answers only a search for Amazon's own images by exact name: a wildcard (`*`, `?`) could
 * match several releases, and which one AWS would pick is unknowable offline, so it fails as a
 * search that matches more than one; another owner's images are unknown to the plan.
 */
export function describeAmazonImage(inputs: Record<string, unknown>, region: string): Record<string, unknown> {
    const owners = Array.isArray(inputs.owners) ? inputs.owners.map(String) : [];
    const filters = (Array.isArray(inputs.filters) ? inputs.filters : []) as { name?: unknown; values?: unknown }[];
    const valuesOf = (filter: string): string[] | undefined => {
        const found = filters.filter((entry) => entry.name === filter);
        return found.length === 0 ? undefined : found.flatMap((entry) => (Array.isArray(entry.values) ? entry.values.map(String) : []));
    };
    const names = valuesOf("name");
    const search = `getAmi(owners ${JSON.stringify(owners)}, filters ${JSON.stringify(filters)}) in ${region}`;
    if (!owners.some((owner) => owner === "amazon" || owner === AMAZON_IMAGE_OWNER_ID)) {
        throw new PlanMockError(`${search}: the offline plan knows only Amazon's own images (owners ["amazon"]); pin an Amazon Linux 2023 image by name`);
    }
    if (names === undefined || names.some((name) => /[*?]/.test(name))) {
        throw new PlanMockError(
            `${search}: Your query returned more than one result. Please try more specific search criteria, or set \`most_recent\` attribute to true. ` +
                "(the offline plan answers only an exact image name: which release a pattern matches is AWS's to say, and changes with every release)",
        );
    }
    const architectures = valuesOf("architecture");
    const images = [...new Set(names)].flatMap((name) => {
        const image = publishedAmazonImage(name);
        return image && (architectures === undefined || architectures.includes(image.architecture)) ? [{ name, ...image }] : [];
    });
    if (images.length === 0) {
        throw new PlanMockError(`${search}: Your query returned no results. Please change your search criteria and try again.`);
    }
    if (images.length > 1 && inputs.mostRecent !== true) {
        throw new PlanMockError(`${search}: Your query returned more than one result. Please try more specific search criteria, or set \`most_recent\` attribute to true.`);
    }
    const image = images[0]!;
    const id = `ami-${hex(`${region}${image.name}`, 17)}`;
    return {
        id,
        imageId: id,
        name: image.name,
        architecture: image.architecture,
        arn: `arn:aws:ec2:${region}::image/${id}`,
        ownerId: AMAZON_IMAGE_OWNER_ID,
        imageOwnerAlias: "amazon",
        imageType: "machine",
        platformDetails: "Linux/UNIX",
        public: true,
        rootDeviceName: "/dev/xvda",
        rootDeviceType: "ebs",
        virtualizationType: "hvm",
        state: "available",
        owners,
        filters,
        includeDeprecated: inputs.includeDeprecated === true,
    };
}
