// Who owns a region's one GuardDuty detector (lib/guardduty-owner.ts), and the plan's fleet check of
// AWS's one-detector-per-account-and-region rule (scripts/lib/plan/guardduty-detectors.ts).

import { describe, expect, it } from "vitest";

import { guardDutyOwnerOf } from "../lib/guardduty-owner";
import type { PlannedResource } from "../scripts/lib/plan/engine";
import { DataSyncStack, dataSyncProblems } from "../scripts/lib/plan/data-syncs";
import { DetectorStack, detectorProblems } from "../scripts/lib/plan/guardduty-detectors";

const EXAMPLE = [
    { region: "eu-west-1", offsiteRegion: "eu-central-1" },
    { region: "eu-central-1", offsiteRegion: "eu-west-1" },
    { region: "us-east-1", offsiteRegion: "us-west-2" },
    { region: "ca-central-1", offsiteRegion: "us-west-2" },
];

describe("guardDutyOwnerOf", () => {
    it.each([
        ["eu-central-1", "platform-eu-central-1"],
        ["eu-west-1", "platform-eu-west-1"],
        ["us-west-2", "platform-ca-central-1-recovery"],
        ["ap-south-1", undefined],
    ])("GIVEN the example fleet WHEN %s is asked THEN %s owns it", (region, owner) => {
        expect(guardDutyOwnerOf(region, EXAMPLE)).toBe(owner);
        expect(guardDutyOwnerOf(region, [...EXAMPLE].reverse())).toBe(owner);
    });
});

function resource(type: string, name: string, inputs: Record<string, unknown> = {}): PlannedResource {
    return { type, name, id: `${name}-id`, parent: null, inputs, protect: false, retainOnDelete: false };
}
const detector = (name: string) => resource("aws:guardduty/detector:Detector", name, { enable: true });
const adopting = (name: string, owner: string) =>
    resource("aws:cloudwatch/eventRule:EventRule", name, { eventPattern: '{"source":["aws.guardduty"]}', tags: { "guardduty-detector": "0123456789abcdef0123456789abcdef", "guardduty-detector-owner": owner } });
const stack = (tenant: string, region: string, ...resources: PlannedResource[]): DetectorStack => ({ tenant, region, source: `platform-configs/${tenant}.yaml`, resources });

describe("detectorProblems", () => {
    it("GIVEN one creator per region and adopters of the right owner WHEN checked THEN nothing is refused", () => {
        expect(
            detectorProblems([
                stack("platform-eu-west-1", "eu-west-1", detector("a-detector")),
                stack("platform-eu-west-1-recovery", "eu-central-1", adopting("r-findings", "platform-eu-central-1")),
                stack("platform-eu-central-1", "eu-central-1", detector("c-detector")),
                stack("platform-us-east-1-recovery", "us-west-2", detector("u-detector")),
                stack("platform-us-east-1-drill", "us-west-2", adopting("d-findings", "platform-us-east-1-recovery")),
            ]),
        ).toEqual([]);
    });

    it("GIVEN two stacks creating a detector in one region WHEN checked THEN the second is refused as CreateDetector would", () => {
        const problems = detectorProblems([stack("platform-eu-central-1", "eu-central-1", detector("c-detector")), stack("platform-eu-west-1-recovery", "eu-central-1", detector("r-detector"))]);
        expect(problems).toEqual([
            {
                file: "platform-configs/platform-eu-west-1-recovery.yaml",
                line: 1,
                column: 1,
                path: "/",
                message:
                    'platform-eu-west-1-recovery: aws:guardduty/detector:Detector "r-detector" is beside platform-eu-central-1\'s in eu-central-1: AWS allows one detector per account and region and refuses this one; ' +
                    "adopt the region's detector instead (ThreatDetection adoptFrom its owner, lib/guardduty-owner.ts) (source: GuardDuty API Reference, CreateDetector (one detector per account and Region; botocore guardduty model))",
            },
        ]);
    });

    it("GIVEN detectors of one stack in two regions' stacks WHEN checked THEN each region counts alone", () => {
        expect(detectorProblems([stack("platform-eu-west-1", "eu-west-1", detector("a")), stack("platform-eu-central-1", "eu-central-1", detector("b"))])).toEqual([]);
    });

    it("GIVEN an adopter whose planned owner creates no detector in its region WHEN checked THEN its lookup is refused", () => {
        const problems = detectorProblems([stack("platform-eu-central-1", "eu-west-2"), stack("platform-eu-west-1-recovery", "eu-central-1", adopting("r-findings", "platform-eu-central-1"))]);
        expect(problems.map((problem) => problem.message)).toEqual([
            'platform-eu-west-1-recovery: aws:cloudwatch/eventRule:EventRule "r-findings" adopts the GuardDuty detector of platform-eu-central-1, which has none in eu-central-1 (it runs in eu-west-2): the lookup finds no detector and fails the preview (source: GuardDuty API Reference, CreateDetector (one detector per account and Region; botocore guardduty model))',
        ]);
    });

    it("GIVEN an adopter whose owner is not planned WHEN checked THEN it is not judged (the program chose the owner from the platform files)", () => {
        expect(detectorProblems([stack("platform-eu-west-1-recovery", "eu-central-1", adopting("r-findings", "platform-eu-central-1"))])).toEqual([]);
    });
});

describe("dataSyncProblems", () => {
    const sync = (name: string, syncName = "controls-inventory") => resource("aws:ssm/resourceDataSync:ResourceDataSync", name, { name: syncName });
    const inRegion = (tenant: string, region: string, ...resources: PlannedResource[]): DataSyncStack => ({ tenant, region, source: `platform-configs/${tenant}.yaml`, resources });

    it("GIVEN one owner's sync per region WHEN checked THEN nothing is refused", () => {
        expect(dataSyncProblems([inRegion("platform-eu-west-1", "eu-west-1", sync("a-sync")), inRegion("platform-eu-west-1-recovery", "eu-central-1", sync("r-sync"))])).toEqual([]);
    });

    it("GIVEN two stacks syncing under one name in one region WHEN checked THEN the second is refused as CreateResourceDataSync would", () => {
        expect(dataSyncProblems([inRegion("platform-eu-central-1", "eu-central-1", sync("c-sync")), inRegion("platform-eu-west-1-recovery", "eu-central-1", sync("r-sync"))])).toEqual([
            {
                file: "platform-configs/platform-eu-west-1-recovery.yaml",
                line: 1,
                column: 1,
                path: "/",
                message:
                    'platform-eu-west-1-recovery: aws:ssm/resourceDataSync:ResourceDataSync "r-sync" is named controls-inventory in eu-central-1 like platform-eu-central-1\'s c-sync: AWS refuses a second sync of a name in an account and region (source: SSM API Reference, CreateResourceDataSync (ResourceDataSyncAlreadyExistsException: one sync of a name per account and Region; botocore ssm model))',
            },
        ]);
    });

    it("GIVEN syncs of one name in two regions, or of two names in one WHEN checked THEN nothing is refused", () => {
        expect(dataSyncProblems([inRegion("a", "eu-west-1", sync("a-sync")), inRegion("b", "us-east-1", sync("b-sync")), inRegion("c", "eu-west-1", sync("c-sync", "other"))])).toEqual([]);
    });
});
