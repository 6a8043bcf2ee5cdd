/**
 * The AWS commercial regions a tenant may live in, in the order of `@pulumi/aws`'s `Region` enum
 * less the partitions the provider does not sell into: China (aws-cn), GovCloud (aws-us-gov), the
 * European Sovereign Cloud (aws-eusc) and the isolated partitions (aws-iso*), whose ARNs, endpoints
 * and accounts differ, so a tenant there would need a different program, not a different value.
 * Written out so that lib/ needs no package; test/regions.test.ts keeps it in step with the enum.
 */
export const REGIONS: readonly string[] = [
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
    "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
    "us-west-1", "us-west-2",
];

/**
 * The default off-site backup region of each region: the nearest commercial region in the same
 * jurisdiction where one exists, so that copies stay under the same data-protection law.
 */
export const PARTNER_REGIONS: Readonly<Record<string, string>> = {
    "af-south-1": "eu-west-1",
    "ap-east-1": "ap-southeast-1",
    "ap-east-2": "ap-east-1",
    "ap-northeast-1": "ap-northeast-3",
    "ap-northeast-2": "ap-northeast-1",
    "ap-northeast-3": "ap-northeast-1",
    "ap-south-1": "ap-south-2",
    "ap-south-2": "ap-south-1",
    "ap-southeast-1": "ap-southeast-3",
    "ap-southeast-2": "ap-southeast-4",
    "ap-southeast-3": "ap-southeast-1",
    "ap-southeast-4": "ap-southeast-2",
    "ap-southeast-5": "ap-southeast-1",
    "ap-southeast-6": "ap-southeast-2",
    "ap-southeast-7": "ap-southeast-1",
    "ca-central-1": "ca-west-1",
    "ca-west-1": "ca-central-1",
    "eu-central-1": "eu-west-1",
    "eu-central-2": "eu-central-1",
    "eu-north-1": "eu-central-1",
    "eu-south-1": "eu-central-1",
    "eu-south-2": "eu-west-3",
    "eu-west-1": "eu-central-1",
    "eu-west-2": "eu-west-1",
    "eu-west-3": "eu-central-1",
    "il-central-1": "eu-central-1",
    "me-central-1": "me-south-1",
    "me-south-1": "me-central-1",
    "mx-central-1": "us-east-2",
    "sa-east-1": "us-east-1",
    "us-east-1": "us-west-2",
    "us-east-2": "us-west-2",
    "us-west-1": "us-east-1",
    "us-west-2": "us-east-1",
};

export function partnerRegion(region: string): string {
    const partner = PARTNER_REGIONS[region];
    if (partner === undefined) {
        throw new Error(`no partner region is defined for ${region}; add one to PARTNER_REGIONS`);
    }
    return partner;
}
