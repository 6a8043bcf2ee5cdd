// EC2 instance types as the program and the validator need them: which exist (EC2's own list, from
// the generated catalogue), which CPU architecture each has (so the servers boot an image for it),
// and how much of a Dedicated Host each size takes. Loaded once per process.

import catalogue from "./aws-catalogue.json";

/** Every EC2 instance type that exists: `ec2InstanceTypes` of aws-catalogue.json, from AWS's model of EC2. */
export const EC2_INSTANCE_TYPES: ReadonlySet<string> = new Set(catalogue.ec2InstanceTypes);

/** `<family>.<size>`: the family may contain hyphens (`m7i-flex`, `u-6tb1`), the size too (`metal-24xl`). */
const TYPE_NAME = /^([a-z][a-z0-9-]*[a-z0-9])\.([a-z0-9][a-z0-9-]*)$/;

export interface InstanceTypeName {
    readonly family: string;
    readonly size: string;
}

/** The family and size of a type name, or undefined when it is not shaped `<family>.<size>`. */
export function parseTypeName(instanceType: string): InstanceTypeName | undefined {
    const match = TYPE_NAME.exec(instanceType);
    return match ? { family: match[1]!, size: match[2]! } : undefined;
}

/** The sizes EC2 has of each family, in the catalogue's order. */
export const FAMILY_SIZES: ReadonlyMap<string, readonly string[]> = (() => {
    const families = new Map<string, string[]>();
    for (const type of catalogue.ec2InstanceTypes) {
        const parsed = parseTypeName(type);
        if (parsed) {
            families.set(parsed.family, [...(families.get(parsed.family) ?? []), parsed.size]);
        }
    }
    return families;
})();

/** The CPU architectures the servers' operating system (Amazon Linux 2023) has an image for. */
export const SERVER_ARCHITECTURES = ["x86_64", "arm64"] as const;
export type ServerArchitecture = (typeof SERVER_ARCHITECTURES)[number];

/**
 * Families whose architecture no Amazon Linux 2023 image serves, with the reason. EC2's model lists
 * types but not their processors; AWS's instance type naming convention does (see architectureOf).
 */
const UNSUPPORTED_FAMILIES: readonly { readonly test: (family: string) => boolean; readonly reason: string }[] = [
    {
        // EC2 Mac instances (mac1 x86_64_mac, mac2* arm64_mac) boot macOS images only, on Mac Dedicated Hosts.
        test: (family) => family.startsWith("mac"),
        reason: "an EC2 Mac instance, which boots only macOS images (x86_64_mac / arm64_mac)",
    },
    {
        // AWS's "Linux AMI virtualization types" page: C1, M1, M2 and T1 support paravirtual (PV) AMIs
        // only; every Amazon Linux 2023 image is HVM.
        test: (family) => ["c1", "m1", "m2", "t1"].includes(family),
        reason: "a previous-generation type that runs only paravirtual (PV) images; Amazon Linux 2023 is HVM only",
    },
];

/**
 * Arm families other than Graviton's naming: NVIDIA Grace CPUs (`p6e-gb200`: Grace Blackwell).
 * AWS's instance type naming convention ("Amazon EC2 instance type naming conventions", EC2 Instance
 * Types guide) marks Graviton with the processor attribute `g` right after the generation digit
 * (m7g, c7gn, r8g, t4g, x2gd, im4gn, is4gen, g5g); `a1` is the first-generation Graviton.
 */
const OTHER_ARM_FAMILIES: readonly string[] = ["a1", "p6e-gb200"];
const GRAVITON = /^[a-z]+\d+g/;

export type Architecture = { readonly supported: true; readonly architecture: ServerArchitecture } | { readonly supported: false; readonly reason: string };

/** The CPU architecture of a family, or why the servers' image cannot run on it. */
export function architectureOfFamily(family: string): Architecture {
    const unsupported = UNSUPPORTED_FAMILIES.find((entry) => entry.test(family));
    if (unsupported) {
        return { supported: false, reason: unsupported.reason };
    }
    return { supported: true, architecture: GRAVITON.test(family) || OTHER_ARM_FAMILIES.includes(family) ? "arm64" : "x86_64" };
}

/**
 * The architecture of an instance type the program runs servers on. Throws for a type whose
 * architecture no server image has: the validator refuses those first.
 */
export function serverArchitecture(instanceType: string): ServerArchitecture {
    const parsed = parseTypeName(instanceType);
    const architecture = parsed ? architectureOfFamily(parsed.family) : undefined;
    if (!architecture?.supported) {
        throw new Error(`instance type "${instanceType}" has no Amazon Linux 2023 image: ${architecture?.reason ?? "not <family>.<size>"}`);
    }
    return architecture.architecture;
}

/** True for bare-metal sizes (`metal`, `metal-24xl`, ...): such an instance takes a whole Dedicated Host. */
export function isMetalSize(size: string): boolean {
    return size === "metal" || size.startsWith("metal-");
}

/**
 * The vCPUs a size has, by EC2's naming: `Nxlarge` 4N, `xlarge` 4, `large` 2, and 2 for the smaller
 * sizes (nano to medium have 1 or 2 vCPUs: counting 2 never lets more fit than does). undefined
 * for metal sizes and for names outside that convention.
 */
export function sizeVcpus(size: string): number | undefined {
    const multiple = /^(\d+)xlarge$/.exec(size);
    if (multiple) {
        return 4 * Number(multiple[1]);
    }
    switch (size) {
        case "xlarge":
            return 4;
        case "large":
        case "medium":
        case "small":
        case "micro":
        case "nano":
            return 2;
        default:
            return undefined;
    }
}

/**
 * The vCPUs a Nitro Dedicated Host of the family offers, derived from EC2's list: those of the
 * family's largest non-metal size (a host is the physical server whose whole the largest virtual
 * size, like the metal size, is). undefined for a family unknown to EC2 or without sized types.
 */
export function hostVcpus(family: string): number | undefined {
    const sizes = FAMILY_SIZES.get(family) ?? [];
    const vcpus = sizes.map(sizeVcpus).filter((value): value is number => value !== undefined);
    return vcpus.length === 0 ? undefined : Math.max(...vcpus);
}
