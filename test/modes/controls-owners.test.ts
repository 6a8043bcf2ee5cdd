// Issue 17, the weekly controls on the graph the offline plan registers for a fixture fleet whose
// regions pair up (eu-west-1 <-> eu-central-1) and one whose off-site region has no platform
// (us-east-1 -> us-west-2): one data sync and report per region (its owner, lib/guardduty-owner.ts),
// and the inventory and compliance scan wherever there are servers, idle recoveries having none.

import { beforeAll, describe, expect, it } from "vitest";

import { evaluate } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { missingControlsReport } from "../../policy/rules/operations/missingControlsReport";
import { missingInventoryAndPatchScan } from "../../policy/rules/operations/missingInventoryAndPatchScan";
import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
import { resolveTenant } from "../../stacks/config/tenant";
import { platformFixture } from "../fixtures/platform-configs";
import { ofType } from "../graph";

const REGIONS = ["eu-central-1", "eu-west-1", "us-east-1"];
const PLATFORMS = platformFixture(REGIONS);
const SYNC = "aws:ssm/resourceDataSync:ResourceDataSync";
const FUNCTION = "aws:lambda/function:Function";
const ASSOCIATION = "aws:ssm/association:Association";

const acme = resolveTenant({ tenant: "acme", company: "ACME", mode: "cloud", region: "eu-west-1", domain: { subdomain: "acme" }, network: { cidr: "10.20.0.0/16" } }, "fixtures/acme.yaml");

let idle: PlanDocument;
let active: PlanDocument;
beforeAll(async () => {
    idle = await planFleet({ tenants: [acme], platformRegions: REGIONS, platforms: PLATFORMS });
    active = await planFleet({ tenants: [acme], platformRegions: REGIONS, platforms: PLATFORMS, config: { recoveryActive: "true", restoredDatabase: "restored-db" } });
    expect(idle.errors).toEqual([]);
    expect(active.errors).toEqual([]);
});

describe("the weekly controls across a fleet", () => {
    it.each([["idle", () => idle], ["active", () => active]])("GIVEN the fleet %s WHEN planned THEN exactly one stack per region holds the data sync and the report: the production platform, else the first platform recovery there", (_, document) => {
        const holders = (type: string) =>
            document()
                .tenants.filter((plan) => ofType(plan, type).length > 0)
                .map((plan) => [plan.region, plan.tenant])
                .sort();
        const expected = [
            ["eu-central-1", "platform-eu-central-1"],
            ["eu-west-1", "platform-eu-west-1"],
            ["us-east-1", "platform-us-east-1"],
            ["us-west-2", "platform-us-east-1-recovery"],
        ];
        expect(holders(SYNC)).toEqual(expected);
        expect(holders(FUNCTION)).toEqual(expected);
    });

    it("GIVEN the fleet WHEN planned THEN every stack with servers inventories and scans its patch group, and idle recoveries (no servers) have neither", () => {
        for (const plan of idle.tenants) {
            const servers = ofType(plan, "aws:ec2/instance:Instance").length;
            const documents = ofType(plan, ASSOCIATION).map((association) => association.inputs.name);
            expect(documents.includes("AWS-GatherSoftwareInventory"), plan.tenant).toBe(servers > 0);
            expect(documents.includes("AWS-RunPatchBaseline"), plan.tenant).toBe(servers > 0);
        }
        const recovery = active.tenants.find((plan) => plan.tenant === "platform-eu-west-1-recovery")!;
        expect(ofType(recovery, ASSOCIATION).filter((association) => association.inputs.name === "AWS-GatherSoftwareInventory").map((association) => association.inputs.targets)).toEqual([
            [{ key: "tag:PatchGroup", values: ["platform-eu-west-1-recovery"] }],
        ]);
    });

    it("GIVEN both plans WHEN judged by the two rules THEN nothing is found", () => {
        for (const document of [idle, active]) {
            // Not yet the active tenant recovery (acme-recovery): stacks/recovery.ts (issue 16) patches nothing when active, which the rule reports.
            for (const plan of document.tenants.filter((candidate) => document === idle || candidate.mode === "platform")) {
                expect(evaluate(stackFromPlan(plan), settingsFor(plan, document), [missingControlsReport, missingInventoryAndPatchScan]), plan.tenant).toEqual([]);
            }
        }
    });
});
