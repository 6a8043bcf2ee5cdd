// Opt-in regions (lib/regions.ts OPT_IN_REGIONS): AWS keeps a region launched after 20 March 2019
// disabled in an account until it is enabled, and `pulumi up` there fails. The account's enabled
// opt-in regions are recorded (`optInRegions` of stacks/config/service-quotas.json); every stack the
// plan puts in another opt-in region (a tenant's, its recovery's, a platform's and its recovery's)
// is an error at the field of its file that put it there.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PlanDocument, planFleet } from "../scripts/lib/plan/fleet";
import { offsiteRegionStacks, optInRegionProblems, RegionStack } from "../scripts/lib/plan/opt-in-regions";
import { loadQuotas, QUOTA_FILE, quotaFileProblems } from "../scripts/lib/plan/quota-file";
import { resolveTenant, TenantDocument } from "../stacks/config/tenant";
import { platformFixture } from "./fixtures/platform-configs";
import { quotasRaised } from "./helpers";

const ROOT = path.resolve(__dirname, "..");
const MUMBAI = "ap-south-1"; // enabled by default; its default off-site region, ap-south-2 (Hyderabad), is opt-in
const HYDERABAD = "ap-south-2";

let dir: string;
beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "opt-in-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the stacks of the plan against the account's enabled opt-in regions", () => {
    const stack = (tenant: string, region: string, change: Partial<RegionStack> = {}): RegionStack => ({ tenant, mode: "cloud", region, source: `fixtures/${tenant}.yaml`, ...change });

    it("GIVEN the checked-in account (no opt-in region enabled) WHEN stacks in default regions are judged THEN no problem", () => {
        expect(optInRegionProblems([stack("acme", "eu-west-1"), stack("acme-recovery", "eu-central-1", { recoveryOf: "acme" })], loadQuotas(ROOT))).toEqual([]);
    });

    it("GIVEN a tenant, a recovery stack, a platform and a platform recovery in opt-in regions WHEN judged THEN each is refused at its field, naming the record and the fix", () => {
        const problems = optInRegionProblems(
            [
                stack("zurich", "eu-central-2"),
                stack("mumbai-recovery", HYDERABAD, { recoveryOf: "mumbai" }),
                stack("platform-me-central-1", "me-central-1", { mode: "platform", source: "fixtures/me-central-1.yaml" }),
                stack("platform-ap-south-1-recovery", HYDERABAD, { mode: "platform", source: "fixtures/ap-south-1.yaml", recoveryOf: "platform-ap-south-1" }),
            ],
            loadQuotas(ROOT),
        );
        expect(problems.map((problem) => [problem.file, problem.path])).toEqual([
            ["fixtures/zurich.yaml", "/region"],
            ["fixtures/mumbai-recovery.yaml", "/backup/offsiteRegion"],
            ["fixtures/me-central-1.yaml", "/region"],
            ["fixtures/ap-south-1.yaml", "/offsiteRegion"],
        ]);
        expect(problems[0]!.message).toBe(
            "zurich deploys into eu-central-2 (/region), an opt-in region launched 2022-11 (Europe, Zurich): AWS keeps it disabled in an account until it is enabled, " +
                `and ${QUOTA_FILE} does not record it as enabled (optInRegions), so pulumi up there would fail. ` +
                "Enable it (aws account enable-region --region-name eu-central-2; wait until aws account get-region-opt-status --region-name eu-central-2 says ENABLED), " +
                `then record it as optInRegions."eu-central-2": { "status": "ENABLED", "source": "..." } in ${QUOTA_FILE}; or choose a region AWS enables in every account`,
        );
        expect(problems[1]!.message).toContain("or set backup.offsiteRegion to a region AWS enables in every account");
        expect(problems[3]!.message).toContain("or set offsiteRegion to a region AWS enables in every account");
    });

    it("GIVEN the opt-in regions recorded as enabled WHEN the same stacks are judged THEN no problem", () => {
        const quotas = quotasRaised({}, ["eu-central-2", HYDERABAD]);
        expect(optInRegionProblems([stack("zurich", "eu-central-2"), stack("mumbai-recovery", HYDERABAD, { recoveryOf: "mumbai" })], quotas)).toEqual([]);
    });
});

describe("the record of the enabled opt-in regions", () => {
    const withOptIn = (optInRegions: unknown): string[] => {
        const quotas = JSON.parse(fs.readFileSync(path.join(ROOT, QUOTA_FILE), "utf8")) as Record<string, unknown>;
        return quotaFileProblems({ ...quotas, optInRegions });
    };

    it("GIVEN the checked-in file WHEN read THEN it records no opt-in region (none enabled until the account says so)", () => {
        expect(loadQuotas(ROOT).quotas.optInRegions).toEqual({});
    });

    it("GIVEN a region enabled by default, an unknown region, a region still ENABLING or without a source WHEN checked THEN each is named", () => {
        expect(
            withOptIn({
                "eu-west-1": { status: "ENABLED", source: "x" },
                "xx-nowhere-1": { status: "ENABLED", source: "x" },
                "ap-south-2": { status: "ENABLING", source: "aws account get-region-opt-status" },
                "me-south-1": { status: "ENABLED" },
                "il-central-1": { status: "ENABLED", source: "aws account get-region-opt-status --region-name il-central-1 on 2026-12-01" },
            }),
        ).toEqual([
            "/optInRegions/eu-west-1: not an opt-in region: AWS enables it in every account (lib/regions.ts OPT_IN_REGIONS); remove it",
            "/optInRegions/xx-nowhere-1: not a supported AWS region (lib/regions.ts REGIONS)",
            '/optInRegions/ap-south-2: expected { "status": "ENABLED", "source": where it comes from } as aws account get-region-opt-status --region-name ap-south-2 reports it; record a region only once it says ENABLED (ENABLING is not usable yet)',
            '/optInRegions/me-south-1: expected { "status": "ENABLED", "source": where it comes from } as aws account get-region-opt-status --region-name me-south-1 reports it; record a region only once it says ENABLED (ENABLING is not usable yet)',
        ]);
    });
});

describe("a planned tenant whose default off-site region is opt-in", () => {
    const doc: TenantDocument = { tenant: "mumbai", company: "Mumbai", mode: "cloud", region: MUMBAI, domain: { subdomain: "mumbai" }, network: { cidr: "10.61.0.0/16" } };
    let file: string;
    let refused: PlanDocument;
    let enabled: PlanDocument;

    beforeAll(async () => {
        file = path.join(dir, "mumbai.yaml");
        fs.writeFileSync(file, "tenant: mumbai\ncompany: Mumbai\nmode: cloud\nregion: ap-south-1\ndomain:\n  subdomain: mumbai\nnetwork:\n  cidr: 10.61.0.0/16\n");
        const tenants = [resolveTenant(doc, file)];
        const platforms = platformFixture([MUMBAI]);
        refused = await planFleet({ tenants, platformRegions: [MUMBAI], platforms, quotas: quotasRaised({}) });
        enabled = await planFleet({ tenants, platformRegions: [MUMBAI], platforms, quotas: quotasRaised({}, [HYDERABAD]) });
    });

    it("GIVEN an account without ap-south-2 enabled WHEN planned THEN the recovery stack is refused at the tenant file's region line (its off-site region is the default), and so is the platform's recovery", () => {
        const optIn = refused.errors.filter((error) => error.message.includes("an opt-in region"));
        expect(optIn.map((error) => [error.file, error.path])).toEqual(
            expect.arrayContaining([
                [file, "/backup/offsiteRegion"],
                [`platform-configs/${MUMBAI}.yaml`, "/offsiteRegion"],
            ]),
        );
        expect(optIn).toHaveLength(2);
        const tenant = optIn.find((error) => error.file === file)!;
        expect(tenant.line).toBe(4);
        expect(tenant.message).toContain("mumbai-recovery deploys into ap-south-2 (/backup/offsiteRegion, unwritten: the default off-site region of its region (lib/regions.ts PARTNER_REGIONS))");
        expect(tenant.message).toContain("(ap-south-1 back up there by default)");
    });

    it("GIVEN ap-south-2 recorded as enabled WHEN planned THEN no error", () => {
        expect(enabled.errors).toEqual([]);
    });
});

describe("a stack's resources in another region than its own", () => {
    const provider = (region: string) => ({ type: "pulumi:providers:aws", name: `p-${region}`, id: region, parent: null, inputs: { region }, protect: false, retainOnDelete: false });
    const stack = (tenant: string, region: string, providers: string[], change: Partial<RegionStack> = {}) => ({
        tenant,
        mode: "cloud",
        region,
        source: `fixtures/${tenant.replace(/-recovery$/, "")}.yaml`,
        resources: providers.map(provider),
        ...change,
    });

    it("GIVEN a dedicated-saas tenant whose off-site provider is in another region WHEN its regions are found THEN that region is judged at its file's off-site field", () => {
        const found = offsiteRegionStacks([stack("oman", "eu-west-1", ["eu-west-1", "me-south-1"], { mode: "dedicated-saas" })]);
        expect(found).toEqual([{ tenant: "oman", mode: "dedicated-saas", region: "me-south-1", source: "fixtures/oman.yaml", offsite: true }]);
        const problems = optInRegionProblems(found, loadQuotas(ROOT));
        expect(problems.map((problem) => [problem.file, problem.path])).toEqual([["fixtures/oman.yaml", "/backup/offsiteRegion"]]);
        expect(problems[0]!.message).toContain("oman deploys into me-south-1 (/backup/offsiteRegion");
        expect(problems[0]!.message).toContain("or set backup.offsiteRegion to a region AWS enables in every account");
    });

    it("GIVEN a cloud tenant whose off-site region is its recovery stack's WHEN its regions are found THEN none more: the recovery stack is judged there", () => {
        expect(offsiteRegionStacks([stack("milan", "eu-west-1", ["eu-west-1", "eu-south-1"]), stack("milan-recovery", "eu-south-1", ["eu-south-1", "eu-west-1"], { recoveryOf: "milan" })])).toEqual([]);
    });
});

describe("a planned dedicated-saas tenant whose off-site region is opt-in", () => {
    const doc: TenantDocument = { tenant: "oman", company: "Oman", mode: "dedicated-saas", region: "eu-west-1", domain: { subdomain: "oman" }, backup: { offsiteRegion: "me-south-1" } };
    let file: string;
    let refused: PlanDocument;
    let enabled: PlanDocument;

    beforeAll(async () => {
        file = path.join(dir, "oman.yaml");
        fs.writeFileSync(file, "tenant: oman\ncompany: Oman\nmode: dedicated-saas\nregion: eu-west-1\ndomain:\n  subdomain: oman\nbackup:\n  offsiteRegion: me-south-1\n");
        const tenants = [resolveTenant(doc, file)];
        const platforms = platformFixture(["eu-west-1"]);
        refused = await planFleet({ tenants, platformRegions: ["eu-west-1"], platforms, quotas: quotasRaised({}) });
        enabled = await planFleet({ tenants, platformRegions: ["eu-west-1"], platforms, quotas: quotasRaised({}, ["me-south-1"]) });
    });

    it("GIVEN an account without me-south-1 enabled WHEN planned THEN the tenant is refused at its backup.offsiteRegion line: its own stack creates the off-site vault there", () => {
        const optIn = refused.errors.filter((error) => error.message.includes("an opt-in region"));
        expect(optIn.map((error) => [error.file, error.path, error.line])).toEqual([[file, "/backup/offsiteRegion", 8]]);
        expect(optIn[0]!.message).toContain("oman deploys into me-south-1 (/backup/offsiteRegion), an opt-in region launched 2019-07 (Middle East, Bahrain)");
    });

    it("GIVEN me-south-1 recorded as enabled WHEN planned THEN no error", () => {
        expect(enabled.errors).toEqual([]);
    });
});
