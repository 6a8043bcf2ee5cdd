// The image every server boots, by decision rather than by date: the Amazon Linux 2023 release
// pinned per architecture in stacks/config/server-images.json (a default, and per region where one
// region rolls first), reviewed like code. The program resolves the pinned name to the region's
// AMI id (`aws.ec2.getAmi`: owner `amazon`, that exact name, the architecture), so the image
// changes only when the file does, and a pull request's plan shows every server it replaces.
//
// The name is AWS's (Amazon Linux 2023 User Guide, "Amazon Linux 2023 on Amazon EC2": the AMI
// names `al2023-ami-2023.<minor>.<YYYYMMDD>.<n>-kernel-<version>-<arch>` that
// `aws ec2 describe-images --owners amazon` lists). AMI ids differ per region; a name is the same
// release in every region, which is why the name is pinned and not an id. Never the
// `/aws/service/ami-amazon-linux-latest/...` parameters: they move with every release, and every
// server would be replaced on the next `up` after one.

import { findProjectRoot } from "./project";
import { SERVER_ARCHITECTURES, ServerArchitecture, serverArchitecture } from "./instance-types";
import { positionProblems, readJsonFile } from "./json-settings";
import { REGIONS } from "../../lib/regions";
import { formatProblem, Problem } from "./source";

/** The settings file, relative to the project. */
export const SERVER_IMAGES_FILE = "stacks/config/server-images.json";

/** Who publishes Amazon Linux images: DescribeImages' alias of Amazon's own account. */
export const SERVER_IMAGE_OWNER = "amazon";

/**
 * A standard Amazon Linux 2023 AMI name: release `2023.<minor>.<YYYYMMDD>.<n>`, kernel, architecture.
 * The minimal edition (`al2023-ami-minimal-...`) is refused: it has no SSM agent, and the servers
 * are set up and patched through SSM.
 */
export const SERVER_IMAGE_NAME = /^al2023-ami-2023\.(\d+)\.(\d{4})(\d{2})(\d{2})\.(\d+)-kernel-(\d+\.\d+)-(x86_64|arm64)$/;

export interface ServerImagePins {
    /** The AMI name of each architecture in every region without an override. */
    readonly default: Readonly<Record<ServerArchitecture, string>>;
    /** Per region, the architectures whose name differs from the default (one region rolls first). */
    readonly regions: Readonly<Record<string, Partial<Record<ServerArchitecture, string>>>>;
}

const record = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** What is wrong with one pinned name for `architecture`, or undefined when it names a release. */
export function serverImageNameProblem(name: unknown, architecture: ServerArchitecture): string | undefined {
    const example = `al2023-ami-2023.11.20260526.0-kernel-6.1-${architecture}`;
    if (typeof name !== "string") {
        return `${JSON.stringify(name) ?? "nothing"} is not an AMI name; expected a pinned Amazon Linux 2023 release such as "${example}"`;
    }
    const match = SERVER_IMAGE_NAME.exec(name);
    if (!match) {
        return (
            `"${name.slice(0, 120)}" is not the name of an Amazon Linux 2023 release; expected al2023-ami-2023.<minor>.<YYYYMMDD>.<n>-kernel-<version>-${architecture}, ` +
            `such as "${example}" (the standard edition; never an SSM parameter, an AMI id or "latest": the name pins the release in every region)`
        );
    }
    const [, , year, month, day, , , suffix] = match;
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) {
        return `"${name}" has no valid release date (${year}${month}${day} is not YYYYMMDD); expected a release such as "${example}"`;
    }
    if (suffix !== architecture) {
        return `"${name}" is the ${suffix} image; servers of ${architecture} need the ${architecture} image of the release ("${name.slice(0, -suffix!.length)}${architecture}")`;
    }
    return undefined;
}

/** The problems of a settings document, each `"/pointer: message"`; empty when it is valid. */
export function serverImagesProblems(document: unknown): string[] {
    if (!record(document) || !record(document.default) || !record(document.regions)) {
        return ['expected an object with "default" (an AMI name per architecture) and "regions" (per-region overrides)'];
    }
    const problems: string[] = [];
    const checkNames = (at: string, names: Record<string, unknown>, required: boolean): void => {
        for (const architecture of SERVER_ARCHITECTURES) {
            if (architecture in names || required) {
                const problem = serverImageNameProblem(names[architecture], architecture);
                if (problem) {
                    problems.push(`${at}/${architecture}: ${problem}`);
                }
            }
        }
        for (const key of Object.keys(names).filter((key) => !(SERVER_ARCHITECTURES as readonly string[]).includes(key))) {
            problems.push(`${at}/${key}: not an architecture the servers run; expected ${SERVER_ARCHITECTURES.join(" or ")}`);
        }
    };
    checkNames("/default", document.default, true);
    for (const [region, names] of Object.entries(document.regions)) {
        if (!REGIONS.includes(region)) {
            problems.push(`/regions/${region}: not an AWS region the platform deploys to; expected one such as eu-west-1`);
        } else if (!record(names)) {
            problems.push(`/regions/${region}: expected an object of AMI names by architecture`);
        } else {
            checkNames(`/regions/${region}`, names, false);
        }
    }
    return problems;
}

/**
 * Reads the settings file: its pins, or its problems positioned as every problem is reported
 * (FILE:LINE:COLUMN: PATH: message), never an exception.
 */
export function readServerImages(root: string, file: string = SERVER_IMAGES_FILE): { pins?: ServerImagePins; problems: Problem[] } {
    const read = readJsonFile(root, file, "the servers boot the images it pins");
    if (read.text === undefined) {
        return { problems: read.problems };
    }
    const problems = positionProblems(file, read.text, serverImagesProblems(read.value));
    return problems.length > 0 ? { problems } : { pins: read.value as ServerImagePins, problems };
}

let loaded: ServerImagePins | undefined;

/**
 * The checked-in pins, read once per process; a broken file throws its positioned problems, one
 * per line (a stack fails before registering any server).
 */
export function loadServerImages(root: string = findProjectRoot(__dirname)): ServerImagePins {
    if (loaded === undefined) {
        const { pins, problems } = readServerImages(root);
        if (!pins) {
            throw new Error(problems.map(formatProblem).join("\n"));
        }
        loaded = pins;
    }
    return loaded;
}

/** The image a server of `instanceType` boots in `region`: the pinned AMI name and its architecture. */
export interface ServerImage {
    readonly name: string;
    readonly architecture: ServerArchitecture;
    /** Where the name is pinned (`/regions/<region>/<arch>` or `/default/<arch>`), for messages. */
    readonly pinnedAt: string;
}

export function serverImage(pins: ServerImagePins, region: string, instanceType: string): ServerImage {
    const architecture = serverArchitecture(instanceType);
    const override = pins.regions[region]?.[architecture];
    return override !== undefined
        ? { name: override, architecture, pinnedAt: `/regions/${region}/${architecture}` }
        : { name: pins.default[architecture], architecture, pinnedAt: `/default/${architecture}` };
}
