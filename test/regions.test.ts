// lib/regions.ts writes the commercial regions out (lib/ needs no package): kept in step with the
// provider's Region enum here, so a provider upgrade that adds a region fails until it is listed
// (with its off-site partner).

import { Region } from "@pulumi/aws/types/enums";
import { describe, expect, it } from "vitest";

import { DEFAULT_REGIONS, isOptInRegion, OPT_IN_REGIONS, PARTNER_REGIONS, REGIONS } from "../lib/regions";

const OTHER_PARTITIONS = [/^cn-/, /^us-gov-/, /^eusc-/, /-iso[a-z]?-/];

describe("the regions", () => {
    it("GIVEN @pulumi/aws's Region enum WHEN the other partitions are left out THEN REGIONS lists exactly its commercial regions, in its order", () => {
        expect(REGIONS).toEqual(Object.values(Region).filter((region) => !OTHER_PARTITIONS.some((pattern) => pattern.test(region))));
    });

    it("GIVEN every region WHEN its off-site partner is looked up THEN it has one, another commercial region", () => {
        for (const region of REGIONS) {
            expect(REGIONS, region).toContain(PARTNER_REGIONS[region]);
            expect(PARTNER_REGIONS[region], region).not.toBe(region);
        }
    });

    it("GIVEN every region WHEN classified THEN it is either enabled by default or an opt-in region, never both (a new region of the enum must be classified)", () => {
        expect([...DEFAULT_REGIONS, ...Object.keys(OPT_IN_REGIONS)].sort()).toEqual([...REGIONS].sort());
        expect(DEFAULT_REGIONS.filter((region) => isOptInRegion(region))).toEqual([]);
        expect(isOptInRegion("ap-south-2")).toBe(true);
        expect(isOptInRegion("eu-west-1")).toBe(false);
    });
});
