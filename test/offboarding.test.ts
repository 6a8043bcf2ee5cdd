// The offboarding record and tag (lib/promises/offboarding.ts), pure: what counts as a final
// backup's recovery point, and the record the program accepts before it lifts deletion protection.

import { describe, expect, it } from "vitest";

import { finalBackupConfigValue, isRecoveryPointArn, offboardingTagValue, parseFinalBackupConfig } from "../lib/promises/offboarding";

describe("isRecoveryPointArn", () => {
    it.each([
        ["arn:aws:rds:eu-west-1:123456789012:snapshot:awsbackup:job-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", true],
        ["arn:aws:backup:eu-west-1:123456789012:recovery-point:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d", true],
        ["arn:aws:ec2:eu-west-1::image/ami-0123456789abcdef0", true],
        ["arn:aws-us-gov:backup:us-gov-west-1:123456789012:recovery-point:continuous:db-abc", true],
        ["arn:aws:rds:eu-west-1:123456789012:snapshot:manual-before-destroy", false],
        ["arn:aws:s3:::acme-files", false],
        ["arn:aws:rds:eu-west-1:123456789012:db:acme-db", false],
        ["recovery-point:1a2b", false],
        ["", false],
    ])("GIVEN %s WHEN read THEN a recovery point: %s", (arn, expected) => {
        expect(isRecoveryPointArn(arn)).toBe(expected);
    });
});

describe("parseFinalBackupConfig", () => {
    const database = "arn:aws:rds:ap-southeast-2:123456789012:snapshot:awsbackup:job-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
    const files = "arn:aws:backup:ap-southeast-2:123456789012:recovery-point:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d";

    it("GIVEN what destroy writes WHEN read back THEN the record round-trips and its tag lists the points in label order", () => {
        const record = { completedAt: "2026-12-06T05:00:00.000Z", recoveryPoints: { files, database } };
        expect(parseFinalBackupConfig(finalBackupConfigValue(record))).toEqual({ record });
        expect(offboardingTagValue(record)).toBe(`${database} ${files}`);
    });

    it("GIVEN recovery points whose ARNs make a tag longer than AWS's 256 characters WHEN read THEN it is refused", () => {
        const record = { completedAt: "2026-12-06T05:00:00.000Z", recoveryPoints: { a: database, b: files, c: database } };
        expect(parseFinalBackupConfig(finalBackupConfigValue(record))).toEqual({ problems: [`the recovery point ARNs make a tag value of ${offboardingTagValue(record).length} characters; AWS allows 256`] });
    });

    it("GIVEN several problems WHEN read THEN each is named", () => {
        expect(parseFinalBackupConfig(JSON.stringify({ completedAt: "yesterday", recoveryPoints: { database: "none" } }))).toEqual({
            problems: ['completedAt is "yesterday"; expected the ISO time the final backup completed', 'recoveryPoints.database is "none"; expected an AWS Backup recovery point ARN'],
        });
    });
});
