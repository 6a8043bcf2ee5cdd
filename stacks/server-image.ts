// The AMI the servers of a stack boot: the release pinned in stacks/config/server-images.json for
// the stack's region and the servers' architecture, resolved to the region's image id.

import * as pulumi from "@pulumi/pulumi";

import * as aws from "../components/aws";
import { loadServerImages, SERVER_IMAGE_OWNER, serverImage, ServerImage, ServerImagePins } from "./config/server-images";

export interface ResolvedServerImage extends ServerImage {
    /** The region's AMI id of the pinned name. */
    readonly id: pulumi.Output<string>;
}

/**
 * The pinned image of servers of `instanceType` in `region`. DescribeImages by this exact name,
 * owner and architecture matches one image (Amazon publishes each release once per region and
 * architecture), so the same name always yields the same id and `getAmi` fails when it matches
 * none ("Your query returned no results"): a name nobody published stops the update before any
 * server is touched. `includeDeprecated`: AWS deprecates Amazon Linux images some time after a
 * newer release, and DescribeImages hides deprecated images of other owners by default; a pinned
 * release must keep resolving (a deprecated AMI still launches) until a pull request moves the pin.
 * A broken settings file fails the stack with its positioned problems.
 *
 * `pins`: the pins to resolve from. Default: the checked-in settings file.
 */
export function resolveServerImage(region: string, instanceType: string, opts: pulumi.InvokeOutputOptions, pins?: ServerImagePins): ResolvedServerImage {
    let image: ServerImage;
    try {
        image = serverImage(pins ?? loadServerImages(), region, instanceType);
    } catch (error) {
        throw new pulumi.RunError((error as Error).message);
    }
    const ami = aws.ec2.getAmiOutput(
        {
            owners: [SERVER_IMAGE_OWNER],
            includeDeprecated: true,
            filters: [
                { name: "name", values: [image.name] },
                { name: "architecture", values: [image.architecture] },
            ],
        },
        opts,
    );
    return { ...image, id: ami.id };
}
