// The drill copy's disposable door, keys and log bucket (components/front-door.ts,
// encryption-keys.ts, access-log-bucket.ts `disposable`), and GuardDuty adopted from the region's
// owner (components/threat-detection.ts `adoptFrom`), on the graph each registers.

import { describe, expect, it } from "vitest";

import { AccessLogBucket } from "../../components/access-log-bucket";
import { EncryptionKeys, encryptionKeysProblems } from "../../components/encryption-keys";
import { FrontDoor } from "../../components/front-door";
import { FINDINGS_TARGET_ID, ThreatDetection, threatDetectionArgsProblems } from "../../components/threat-detection";
import { ofType, planProgram } from "../helpers";

const TOPIC = "arn:aws:sns:eu-central-1:123456789012:platform-eu-west-1-recovery-operations";
const LOG_KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const DOOR = {
    vpcId: "vpc-0123",
    vpcCidr: "172.20.0.0/20",
    subnetIds: ["subnet-a", "subnet-b"],
    suspiciousNetworks: [],
    accessLogBucket: "acme-access-logs-bucket",
    logKeyArn: LOG_KEY,
    internal: false,
    domainName: "acme.itm.example.net",
    zoneId: "Z0123456789ABCDEFGHIJ",
};

describe("EncryptionKeys", () => {
    it("GIVEN no disposable WHEN planned THEN both keys are retained on delete with a 30-day window", async () => {
        const { plan } = await planProgram((provider) => {
            new EncryptionKeys("acme-keys", { aliasPrefix: "tenants/acme", owner: "acme" }, { provider });
        });
        expect(ofType(plan.resources, "aws:kms/key:Key").map((key) => [key.name, key.retainOnDelete, key.inputs.deletionWindowInDays])).toEqual([
            ["acme-keys-backup", true, 30],
            ["acme-keys-data", true, 30],
        ]);
    });

    it("GIVEN disposable WHEN planned THEN both keys go with the stack, scheduled for deletion after KMS's shortest window (7 days)", async () => {
        const { plan } = await planProgram((provider) => {
            new EncryptionKeys("acme-keys", { aliasPrefix: "tenants/acme-drill", owner: "acme", disposable: true }, { provider });
        });
        expect(ofType(plan.resources, "aws:kms/key:Key").map((key) => [key.name, key.retainOnDelete, key.inputs.deletionWindowInDays])).toEqual([
            ["acme-keys-backup", false, 7],
            ["acme-keys-data", false, 7],
        ]);
    });

    it.each([6, 31, 7.5])("GIVEN a deletion window of %s days WHEN validated THEN refused as KMS would", (days) => {
        expect(encryptionKeysProblems({ deletionWindowInDays: days })).toEqual([
            `deletionWindowInDays: ${days} is not allowed; expected a whole number of days from 7 to 30 (KMS ScheduleKeyDeletion PendingWindowInDays)`,
        ]);
        expect(encryptionKeysProblems({ deletionWindowInDays: 7 })).toEqual([]);
    });
});

describe("AccessLogBucket", () => {
    it.each([
        [undefined, false, true],
        [true, true, false],
    ])("GIVEN disposable %s WHEN planned THEN forceDestroy %s and retainOnDelete %s", async (disposable, forceDestroy, retained) => {
        const { plan } = await planProgram((provider) => {
            new AccessLogBucket("acme-access-logs", disposable === undefined ? {} : { disposable }, { provider });
        });
        const buckets = ofType(plan.resources, "aws:s3/bucket:Bucket");
        expect(buckets.map((bucket) => [bucket.name, bucket.inputs.forceDestroy, bucket.retainOnDelete])).toEqual([["acme-access-logs-bucket", forceDestroy, retained]]);
    });
});

describe("FrontDoor", () => {
    it.each([
        [undefined, true],
        [true, false],
    ])("GIVEN disposable %s WHEN planned THEN enableDeletionProtection is %s", async (disposable, protectedDoor) => {
        const { plan } = await planProgram((provider) => {
            new FrontDoor("acme-front-door", disposable === undefined ? DOOR : { ...DOOR, disposable }, { provider });
        });
        expect(ofType(plan.resources, "aws:lb/loadBalancer:LoadBalancer").map((lb) => lb.inputs.enableDeletionProtection)).toEqual([protectedDoor]);
    });
});

describe("ThreatDetection adoptFrom", () => {
    it("GIVEN the region's owner WHEN planned THEN no detector is created: the region's one is looked up and named with its owner on the findings rule", async () => {
        const { plan } = await planProgram(
            (provider) => {
                new ThreatDetection("platform-eu-west-1-recovery-detection", { alarmTopicArn: TOPIC, adoptFrom: "platform-eu-central-1" }, { provider });
            },
            { region: "eu-central-1" },
        );
        expect(ofType(plan.resources, "aws:guardduty/detector:Detector")).toEqual([]);
        expect(ofType(plan.resources, "aws:guardduty/detectorFeature:DetectorFeature")).toEqual([]);
        const rules = ofType(plan.resources, "aws:cloudwatch/eventRule:EventRule");
        expect(rules).toHaveLength(1);
        const tags = rules[0]!.inputs.tags as Record<string, string>;
        expect(tags["guardduty-detector-owner"]).toBe("platform-eu-central-1");
        expect(tags["guardduty-detector"]).toMatch(/^[0-9a-f]{32}$/);
        expect(ofType(plan.resources, "aws:cloudwatch/eventTarget:EventTarget").map((target) => [target.inputs.arn, target.inputs.targetId])).toEqual([[TOPIC, FINDINGS_TARGET_ID]]);
    });

    it.each([
        [{ adoptFrom: "platform-eu-central-1", detectorId: "0123456789abcdef0123456789abcdef" }, "adoptFrom: given with detectorId; the region's detector is adopted either by its id or from its owner (platform-eu-central-1), not both"],
        [{ adoptFrom: "platform-eu-central-1", features: ["S3_DATA_EVENTS" as const] }, "features: given with adoptFrom; the adopted detector's protection plans belong to its owner (platform-eu-central-1), so leave features unset"],
    ])("GIVEN %j WHEN validated THEN refused", (args, message) => {
        expect(threatDetectionArgsProblems(args)).toContain(message);
    });
});
