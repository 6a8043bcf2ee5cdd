// Which EC2 instance types can be launched EBS-optimized (`ebsOptimized: true`). EC2 refuses the flag
// at launch on a type that cannot ("Unsupported: EBS-optimized instances are not supported for your
// requested configuration"), and the plan's mocks cannot know it: the program asks only where EC2
// says yes.
//
// Source: the Amazon EC2 User Guide, "Amazon EBS-optimized instances", and DescribeInstanceTypes'
// EbsInfo.EbsOptimizedSupport (unsupported | supported | default). Every current-generation type is
// EBS-optimized by default ("default"). Of the previous generation, only the sizes below can be
// launched EBS-optimized ("supported"); the rest of those families, T2 of every size among them,
// cannot ("unsupported").

/** The previous-generation families: EBS optimization only where PREVIOUS_GENERATION_SUPPORTED says. */
const PREVIOUS_GENERATION_FAMILIES: ReadonlySet<string> = new Set(["c1", "c3", "cc1", "cc2", "cg1", "cr1", "g2", "hi1", "hs1", "i2", "m1", "m2", "m3", "r3", "t1", "t2"]);

/** The previous-generation sizes that can be launched EBS-optimized (the User Guide's table). */
const PREVIOUS_GENERATION_SUPPORTED: ReadonlySet<string> = new Set([
    "c1.xlarge",
    "c3.xlarge",
    "c3.2xlarge",
    "c3.4xlarge",
    "g2.2xlarge",
    "i2.xlarge",
    "i2.2xlarge",
    "i2.4xlarge",
    "m1.large",
    "m1.xlarge",
    "m2.2xlarge",
    "m2.4xlarge",
    "m3.xlarge",
    "m3.2xlarge",
    "r3.xlarge",
    "r3.2xlarge",
    "r3.4xlarge",
]);

/** Whether EC2 launches `instanceType` with `ebsOptimized: true`. */
export function ebsOptimizationSupported(instanceType: string): boolean {
    const family = instanceType.split(".")[0] ?? "";
    return !PREVIOUS_GENERATION_FAMILIES.has(family) || PREVIOUS_GENERATION_SUPPORTED.has(instanceType);
}
