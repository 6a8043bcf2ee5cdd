// Server images by decision: the pinned Amazon Linux 2023 release per region and architecture
// (stacks/config/server-images.json), its positioned settings check, the offline plan answering
// getAmi as AWS would, and a change of the pin planned twice: the servers replaced one at a time,
// in order, the plan and the pull-request comment saying so.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as aws from "@pulumi/aws";
import { beforeAll, describe, expect, it } from "vitest";

import { AppServers } from "../components/app-servers";
import { DiffStack, StackDiff } from "../scripts/lib/plan/diff/model";
import { renderStackDiff } from "../scripts/lib/plan/diff/render";
import { diffStack } from "../scripts/lib/plan/diff/stacks";
import { PlannedResource } from "../scripts/lib/plan/engine";
import { renderComments, renderSection } from "../scripts/lib/plan/markdown";
import { readServerImages, SERVER_IMAGES_FILE, serverImage, serverImageNameProblem, ServerImagePins, serverImagesProblems } from "../stacks/config/server-images";
import { repoRoot } from "../stacks/config/project";
import { resolveServerImage } from "../stacks/server-image";
import { named, ofType, planProgram } from "./helpers";

const REPO_ROOT = repoRoot();

const RELEASE = "al2023-ami-2023.11.20260526.0-kernel-6.1";
const NEXT = "al2023-ami-2023.12.20260727.0-kernel-6.1";
const pins = (x86: string, overrides: ServerImagePins["regions"] = {}): ServerImagePins => ({ default: { x86_64: `${x86}-x86_64`, arm64: `${RELEASE}-arm64` }, regions: overrides });

describe("the pinned names", () => {
    it.each([
        [`${RELEASE}-x86_64`, "x86_64"],
        [`${RELEASE}-arm64`, "arm64"],
        ["al2023-ami-2023.6.20241212.0-kernel-6.12-x86_64", "x86_64"],
    ] as const)("GIVEN %s for %s WHEN checked THEN it names a release", (name, architecture) => {
        expect(serverImageNameProblem(name, architecture)).toBeUndefined();
    });

    it.each([
        ["/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "x86_64", /is not the name of an Amazon Linux 2023 release/],
        ["resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "x86_64", /never an SSM parameter, an AMI id or "latest"/],
        ["ami-0123456789abcdef0", "x86_64", /is not the name of an Amazon Linux 2023 release/],
        ["al2023-ami-kernel-default-x86_64", "x86_64", /is not the name/],
        [`al2023-ami-minimal-2023.11.20260526.0-kernel-6.1-x86_64`, "x86_64", /the standard edition/],
        ["al2023-ami-2023.*-kernel-6.1-x86_64", "x86_64", /is not the name/],
        ["al2023-ami-2023.11.20261331.0-kernel-6.1-x86_64", "x86_64", /20261331 is not YYYYMMDD/],
        [`${RELEASE}-arm64`, "x86_64", new RegExp(`is the arm64 image; servers of x86_64 need the x86_64 image of the release \\("${RELEASE}-x86_64"\\)`)],
        [42, "arm64", /42 is not an AMI name/],
    ] as const)("GIVEN %s for %s WHEN checked THEN it is refused", (name, architecture, message) => {
        expect(serverImageNameProblem(name, architecture)).toMatch(message);
    });

    it("GIVEN a document with a bad default, a bad override, an unknown region and architecture WHEN checked THEN each is one problem at its pointer", () => {
        expect(
            serverImagesProblems({
                default: { x86_64: "latest", arm64: `${RELEASE}-arm64` },
                regions: { "eu-west-1": { arm64: `${RELEASE}-x86_64` }, "eu-nowhere-9": {}, "us-east-1": { riscv: "x" } },
            }).map((problem) => problem.slice(0, problem.indexOf(": "))),
        ).toEqual(["/default/x86_64", "/regions/eu-west-1/arm64", "/regions/eu-nowhere-9", "/regions/us-east-1/riscv"]);
        expect(serverImagesProblems({ default: { x86_64: `${RELEASE}-x86_64` }, regions: {} })).toEqual([
            `/default/arm64: nothing is not an AMI name; expected a pinned Amazon Linux 2023 release such as "${RELEASE}-arm64"`,
        ]);
        expect(serverImagesProblems([])).toEqual(['expected an object with "default" (an AMI name per architecture) and "regions" (per-region overrides)']);
    });

    it("GIVEN the checked-in file WHEN read THEN it is valid and pins one standard release per architecture", () => {
        const { pins: checkedIn, problems } = readServerImages(REPO_ROOT);
        expect(problems).toEqual([]);
        expect(Object.keys(checkedIn!.default).sort()).toEqual(["arm64", "x86_64"]);
    });

    it("GIVEN a default and an override for one region WHEN a server's image is chosen THEN only that region's servers of that architecture take the override", () => {
        const rolled = pins(RELEASE, { "eu-west-1": { x86_64: `${NEXT}-x86_64` } });
        expect(serverImage(rolled, "eu-west-1", "m7i.large")).toEqual({ name: `${NEXT}-x86_64`, architecture: "x86_64", pinnedAt: "/regions/eu-west-1/x86_64" });
        expect(serverImage(rolled, "eu-west-1", "m7g.large")).toEqual({ name: `${RELEASE}-arm64`, architecture: "arm64", pinnedAt: "/default/arm64" });
        expect(serverImage(rolled, "us-east-1", "m7i.large")).toEqual({ name: `${RELEASE}-x86_64`, architecture: "x86_64", pinnedAt: "/default/x86_64" });
    });
});

describe("a broken pin file", () => {
    const withText = (text: string): ReturnType<typeof readServerImages> => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "server-images-"));
        fs.writeFileSync(path.join(dir, "images.json"), text);
        return readServerImages(dir, "images.json");
    };

    it("GIVEN a malformed pin WHEN read THEN one problem at its line, column and path, no pins", () => {
        const text = fs.readFileSync(path.join(REPO_ROOT, SERVER_IMAGES_FILE), "utf8").replace(`"${RELEASE}-arm64"`, '"al2023-ami-latest-arm64"');
        const line = text.split("\n").findIndex((row) => row.includes('"arm64": "al2023-ami-latest-arm64"')) + 1;
        const column = text.split("\n")[line - 1]!.indexOf('"arm64"') + 1;
        const { pins: read, problems } = withText(text);
        expect(read).toBeUndefined();
        expect(problems).toEqual([{ file: "images.json", line, column, path: "/default/arm64", message: expect.stringMatching(/^"al2023-ami-latest-arm64" is not the name of an Amazon Linux 2023 release/) }]);
    });

    it("GIVEN an override in one region WHEN it is malformed THEN the problem points at that region's entry", () => {
        const text = `{\n  "default": { "x86_64": "${RELEASE}-x86_64", "arm64": "${RELEASE}-arm64" },\n  "regions": {\n    "eu-west-1": {\n      "x86_64": "${RELEASE}-arm64"\n    }\n  }\n}\n`;
        expect(withText(text).problems).toEqual([{ file: "images.json", line: 5, column: 7, path: "/regions/eu-west-1/x86_64", message: expect.stringContaining("is the arm64 image") }]);
    });

    it("GIVEN a trailing comma WHEN read THEN one problem where the parser stopped, never an exception", () => {
        expect(withText('{\n  "default": {},\n}\n').problems).toEqual([{ file: "images.json", line: 3, column: 1, path: "/", message: "is not valid JSON: Expected double-quoted property name" }]);
    });
});

describe("getAmi under the offline plan", () => {
    const lookup = (region: string, filters: { name: string; values: string[] }[], owners = ["amazon"]) =>
        planProgram((provider) => ({ image: aws.ec2.getAmiOutput({ owners, filters }, { provider }) }), { region });

    it("GIVEN the same name twice and in two regions WHEN looked up THEN one image per region, the same id for the same name", async () => {
        const filters = [{ name: "name", values: [`${RELEASE}-x86_64`] }, { name: "architecture", values: ["x86_64"] }];
        const [first, again, elsewhere] = await Promise.all([lookup("eu-west-1", filters), lookup("eu-west-1", filters), lookup("us-east-1", filters)]);
        const image = first.plan.outputs.image as { id: string; name: string; ownerId: string; architecture: string };
        expect(image).toMatchObject({ name: `${RELEASE}-x86_64`, architecture: "x86_64", ownerId: "137112412989" });
        expect(image.id).toMatch(/^ami-[0-9a-f]{17}$/);
        expect((again.plan.outputs.image as { id: string }).id).toBe(image.id);
        expect((elsewhere.plan.outputs.image as { id: string }).id).not.toBe(image.id);
    });

    it.each([
        ["a name no release has", [{ name: "name", values: ["al2023-ami-latest-x86_64"] }], /Your query returned no results\. Please change your search criteria and try again\./],
        ["the arm64 image asked for as x86_64", [{ name: "name", values: [`${RELEASE}-arm64`] }, { name: "architecture", values: ["x86_64"] }], /Your query returned no results/],
        ["a wildcard", [{ name: "name", values: ["al2023-ami-2023.*-kernel-6.1-x86_64"] }], /Your query returned more than one result/],
    ])("GIVEN %s WHEN looked up THEN the plan fails as AWS does", async (_, filters, message) => {
        await expect(lookup("eu-west-1", filters)).rejects.toThrow(message);
    });
});

/** A tenant network as the stacks make it, small: two zones, an access and an admin subnet in each. */
function serversProgram(images: ServerImagePins, hostIds?: boolean) {
    return (provider: aws.Provider) => {
        const opts = { provider };
        const vpc = new aws.ec2.Vpc("net-vpc", { cidrBlock: "10.20.0.0/16" }, opts);
        const subnet = (tier: string, zone: string, cidrBlock: string) => new aws.ec2.Subnet(`net-${tier}-${zone}`, { vpcId: vpc.id, cidrBlock, availabilityZone: `eu-west-1${zone}` }, opts);
        const zones = hostIds ? ["a"] : ["a", "b"];
        const access = zones.map((zone, i) => subnet("access", zone, `10.20.${i + 1}.0/24`));
        const admin = zones.map((zone, i) => subnet("admin", zone, `10.20.${i + 11}.0/24`));
        const host = hostIds ? new aws.ec2.DedicatedHost("net-host", { availabilityZone: "eu-west-1a", instanceFamily: "m7i", autoPlacement: "off" }, opts) : undefined;
        const image = resolveServerImage("eu-west-1", "m7i.large", opts, images);
        new AppServers(
            "acme-servers",
            {
                vpcId: vpc.id,
                vpcCidr: "10.20.0.0/16",
                accessSubnetIds: access.map((s) => s.id),
                adminSubnetIds: admin.map((s) => s.id),
                availabilityZones: zones.map((zone) => `eu-west-1${zone}`),
                count: 3,
                instanceType: "m7i.large",
                imageId: image.id,
                imageName: image.name,
                dataVolumeGiB: 100,
                kmsKeyArn: new aws.kms.Key("net-key", {}, opts).arn,
                loadBalancerSecurityGroupId: new aws.ec2.SecurityGroup("net-lb", { vpcId: vpc.id, description: "lb" }, opts).id,
                operationsPrefixListId: new aws.ec2.ManagedPrefixList("net-ops", { addressFamily: "IPv4", maxEntries: 1 }, opts).id,
                patchGroup: "acme",
                targetGroupArn: new aws.lb.TargetGroup("net-tg", { port: 443, protocol: "HTTPS", vpcId: vpc.id }, opts).arn,
                hostIds: host ? [host.id, host.id, host.id] : undefined,
            },
            opts,
        );
    };
}

const stackOf = (resources: PlannedResource[]): DiffStack => ({ tenant: "acme", mode: "cloud", resources, outputs: {} });

describe("a new pinned release (planned twice)", () => {
    let base: PlannedResource[];
    let head: PlannedResource[];
    let diff: StackDiff;
    beforeAll(async () => {
        const [before, after] = await Promise.all([planProgram(serversProgram(pins(RELEASE)), { stack: "acme" }), planProgram(serversProgram(pins(NEXT)), { stack: "acme" })]);
        base = before.plan.resources;
        head = after.plan.resources;
        diff = diffStack(stackOf(base), stackOf(head));
    });

    it("GIVEN the pin of x86_64 moved to the next release WHEN diffed THEN every server is replaced for its new image, and nothing that holds data is", () => {
        const replaced = diff.changed.filter((change) => change.replace).map((change) => `${change.type} ${change.name}`).sort();
        expect(replaced).toEqual(
            [0, 1, 2].flatMap((i) => [
                `aws:ec2/instance:Instance acme-servers-${i}-instance`,
                `aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment acme-servers-${i}-admin-eni-attachment`,
                `aws:ec2/volumeAttachment:VolumeAttachment acme-servers-${i}-data-attachment`,
                `aws:lb/targetGroupAttachment:TargetGroupAttachment acme-servers-${i}-target`,
            ]).sort(),
        );
        const server = diff.changed.find((change) => change.name === "acme-servers-0-instance")!;
        expect(server.changes.find((change) => change.path === "/inputs/ami")).toMatchObject({ replaces: true });
        expect(server.changes.find((change) => change.path === "/inputs/tags/ImageName")).toEqual({ path: "/inputs/tags/ImageName", before: `${RELEASE}-x86_64`, after: `${NEXT}-x86_64` });
    });

    it("GIVEN the replaced servers WHEN ordered THEN one at a time, each after the previous server's target registration, created before the old one is deleted", () => {
        expect(diff.serverReplacements).toEqual([
            { name: "acme-servers-0-instance", step: 1, after: [], deleteFirst: false, reason: `image "${RELEASE}-x86_64" → "${NEXT}-x86_64"` },
            { name: "acme-servers-1-instance", step: 2, after: ["acme-servers-0-target"], deleteFirst: false, reason: `image "${RELEASE}-x86_64" → "${NEXT}-x86_64"` },
            { name: "acme-servers-2-instance", step: 3, after: ["acme-servers-1-target"], deleteFirst: false, reason: `image "${RELEASE}-x86_64" → "${NEXT}-x86_64"` },
        ]);
    });

    it("GIVEN the diff WHEN rendered for people THEN it lists the servers in order under the replacements", () => {
        const lines = renderStackDiff({ tenant: "acme", mode: "cloud", diff }).split("\n");
        const at = lines.findIndex((line) => line.startsWith("  >> "));
        expect(lines.slice(at, at + 4)).toEqual([
            "  >> 3 servers replaced one at a time, in this order (each after the previous one's step has completed):",
            `     step 1: acme-servers-0-instance: image "${RELEASE}-x86_64" → "${NEXT}-x86_64"; its replacement is created before it is deleted`,
            `     step 2: acme-servers-1-instance: image "${RELEASE}-x86_64" → "${NEXT}-x86_64"; after acme-servers-0-target; its replacement is created before it is deleted`,
            `     step 3: acme-servers-2-instance: image "${RELEASE}-x86_64" → "${NEXT}-x86_64"; after acme-servers-1-target; its replacement is created before it is deleted`,
        ]);
    });

    it("GIVEN the diff WHEN commented on the pull request THEN the summary names the order and the stack's section lists it", () => {
        const stack = { tenant: "acme", mode: "cloud", region: "eu-west-1", resources: head, outputs: {}, diff };
        const input = { baseRef: "main", stacks: [stack], blastRadius: [] };
        const [comment] = renderComments(input);
        expect(comment).toContain("servers in order: `acme-servers-0-instance` → `acme-servers-1-instance` → `acme-servers-2-instance`");
        expect(renderSection(input, stack)).toContain(
            [
                "**Rolling replacement:** 3 servers replaced one at a time, in this order (each after the previous one's step has completed):",
                "",
                `- step 1: acme-servers-0-instance: image "${RELEASE}-x86_64" → "${NEXT}-x86_64"; its replacement is created before it is deleted`,
                `- step 2: acme-servers-1-instance: image "${RELEASE}-x86_64" → "${NEXT}-x86_64"; after acme-servers-0-target; its replacement is created before it is deleted`,
            ].join("\n"),
        );
    });

    it("GIVEN the pin moved for another region only WHEN planned in eu-west-1 THEN nothing changes", async () => {
        const unchanged = (await planProgram(serversProgram(pins(RELEASE, { "us-east-1": { x86_64: `${NEXT}-x86_64` } })), { stack: "acme" })).plan.resources;
        expect(diffStack(stackOf(base), stackOf(unchanged)).status).toBe("unchanged");
    });

    it("GIVEN servers on a Dedicated Host WHEN the pin moves THEN each is deleted before its replacement is created, still one at a time", async () => {
        const [before, after] = await Promise.all([planProgram(serversProgram(pins(RELEASE), true), { stack: "acme" }), planProgram(serversProgram(pins(NEXT), true), { stack: "acme" })]);
        const onHostBase = before.plan.resources;
        const onHostHead = after.plan.resources;
        const order = diffStack(stackOf(onHostBase), stackOf(onHostHead)).serverReplacements!;
        expect(order.map((server) => [server.name, server.step, server.deleteFirst])).toEqual([
            ["acme-servers-0-instance", 1, true],
            ["acme-servers-1-instance", 2, true],
            ["acme-servers-2-instance", 3, true],
        ]);
        expect(ofType(onHostHead, "aws:ec2/instance:Instance").every((instance) => instance.deleteBeforeReplace === true)).toBe(true);
        expect(named(head, "acme-servers-0-instance").deleteBeforeReplace).toBeUndefined();
    });
});
