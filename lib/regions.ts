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

/**
 * The opt-in regions among {@link REGIONS}, each with when AWS launched it: AWS enables in every
 * account only the regions launched before 20 March 2019; the later ones are disabled until the
 * account enables them (AWS Account Management Reference Guide, "Specify which AWS Regions your
 * account can use", https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html),
 * and `pulumi up` into a disabled one fails. An account's status of one is
 * `aws account get-region-opt-status --region-name REGION` (ENABLED, ENABLING, DISABLING, DISABLED,
 * or ENABLED_BY_DEFAULT for the others; API_Region in the same guide). ap-northeast-3 (Osaka) was a
 * local region from 2018 and is enabled by default. Cross-checked against AWS pages that list the
 * two kinds by name: the AWS assistant user guide's "Regions that are enabled by default" (Osaka
 * among them, https://docs.aws.amazon.com/assistant/latest/userguide/regions.html) and the
 * Management Console guide's opt-in regions for myApplications (af-south-1, ap-east-1, ap-south-2,
 * ap-southeast-3, ap-southeast-4, eu-south-1, eu-south-2, eu-central-2, me-south-1, me-central-1,
 * il-central-1: https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/supported-regions.html);
 * the regions launched since (ap-east-2, ap-southeast-5/6/7, ca-west-1, mx-central-1) are opt-in by
 * the date rule. This is the one place that knows which regions
 * are opt-in; test/regions.test.ts keeps every new region of the provider's enum classified.
 */
export const OPT_IN_REGIONS: Readonly<Record<string, string>> = {
    "af-south-1": "2020-04 (Africa, Cape Town)",
    "ap-east-1": "2019-04 (Asia Pacific, Hong Kong)",
    "ap-east-2": "2025-06 (Asia Pacific, Taipei)",
    "ap-south-2": "2022-11 (Asia Pacific, Hyderabad)",
    "ap-southeast-3": "2021-12 (Asia Pacific, Jakarta)",
    "ap-southeast-4": "2023-01 (Asia Pacific, Melbourne)",
    "ap-southeast-5": "2024-08 (Asia Pacific, Malaysia)",
    "ap-southeast-6": "2025-09 (Asia Pacific, New Zealand)",
    "ap-southeast-7": "2025-01 (Asia Pacific, Thailand)",
    "ca-west-1": "2023-12 (Canada West, Calgary)",
    "eu-central-2": "2022-11 (Europe, Zurich)",
    "eu-south-1": "2020-04 (Europe, Milan)",
    "eu-south-2": "2022-11 (Europe, Spain)",
    "il-central-1": "2023-08 (Israel, Tel Aviv)",
    "me-central-1": "2022-08 (Middle East, UAE)",
    "me-south-1": "2019-07 (Middle East, Bahrain)",
    "mx-central-1": "2025-01 (Mexico, Central)",
};

/** The regions enabled in every account, launched before 20 March 2019 (see {@link OPT_IN_REGIONS}). */
export const DEFAULT_REGIONS: readonly string[] = [
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
    "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
];

/** Whether an account must enable the region before anything can be created in it. */
export function isOptInRegion(region: string): boolean {
    return Object.prototype.hasOwnProperty.call(OPT_IN_REGIONS, region);
}
