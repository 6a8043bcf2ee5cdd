// The pure parts of npm run dr: the promise's numbers, the output readers, the drill calendar.

import { describe, expect, it, vi } from "vitest";

import { main as drillTargetsMain } from "../scripts/ci/drill-targets";
import { drillMonth, drillTargets, fleetTargets } from "../scripts/lib/dr/fleet-targets";
import { OutputError, readProductionOutputs, readRecoveryOutputs } from "../scripts/lib/dr/outputs";
import { intervalHours, maxRecoveryPointAgeMs, RECOVERY_TIME_PROMISE_MINUTES } from "../scripts/lib/dr/promise";
import { BACKUP_PROMISE } from "../lib/promises/backup-schedule";
import { FIXTURE_TENANTS, loadFixtureFleet } from "./fixtures/fleet";
import { PRODUCTION_OUTPUTS, RECOVERY_OUTPUTS } from "./dr-fixture";

describe("the promise", () => {
    it("GIVEN the security documentation WHEN read THEN the recovery time promise is two hours", () => {
        expect(RECOVERY_TIME_PROMISE_MINUTES).toBe(120);
    });

    it.each(BACKUP_PROMISE.map((rule) => [rule.name, rule.schedule]))("GIVEN %s (%s) WHEN its interval is read THEN it is a whole number of hours", (name) => {
        const rule = BACKUP_PROMISE.find((candidate) => candidate.name === name)!;
        expect({ "database-every-2-hours": 2, "database-daily": 24, "database-weekly": 168, "files-daily": 24, "files-weekly": 168 }[name]).toBe(intervalHours(rule));
    });

    it("GIVEN the backup promise WHEN the oldest acceptable point is computed THEN database 2 h + 1 h + 2 h, files 24 h + 1 h + 8 h", () => {
        expect(maxRecoveryPointAgeMs("database") / 3_600_000).toBe(5);
        expect(maxRecoveryPointAgeMs("files") / 3_600_000).toBe(33);
    });

    it("GIVEN a schedule the parser does not know WHEN read THEN it throws rather than guess", () => {
        expect(() => intervalHours({ ...BACKUP_PROMISE[0]!, schedule: "rate(1 hour)" })).toThrow('"rate(1 hour)" is not an AWS Backup cron expression');
    });
});

describe("output readers", () => {
    const json = (value: unknown) => JSON.stringify(value);

    it("GIVEN complete production outputs WHEN read THEN typed values, secrets left alone", () => {
        expect(readProductionOutputs("acme", json(PRODUCTION_OUTPUTS))).toMatchObject({ url: "https://acme.itm.example.net", filesBucketArn: "arn:aws:s3:::acme-files" });
    });

    it("GIVEN several outputs missing or wrong WHEN read THEN one error naming the stack and every problem", () => {
        const { databaseArn: _d, ...rest } = PRODUCTION_OUTPUTS;
        expect(() => readProductionOutputs("acme", json({ ...rest, url: "http://x", operationsTopicArn: "[secret]", httpsListenerArn: "listener" }))).toThrow(
            new OutputError(
                'stack acme: httpsListenerArn is "listener": expected an ARN; databaseArn is missing; operationsTopicArn is a secret: dr needs it in clear (it must not be exported as a secret); url is "http://x": expected https://HOST (pulumi stack output --json --stack acme; deploy the stack with npm run up first if it is new)',
            ),
        );
    });

    it.each([
        [{ restoreTarget: undefined }, "restoreTarget is missing"],
        [{ restoreTarget: { ...RECOVERY_OUTPUTS.restoreTarget, securityGroupIds: [] } }, "restoreTarget.securityGroupIds must be a non-empty list of sg-... ids"],
        [{ restoreTarget: { ...RECOVERY_OUTPUTS.restoreTarget, dbSubnetGroupName: "" } }, 'restoreTarget.dbSubnetGroupName is "": expected a non-empty string'],
        [{ recoveryActive: "yes" }, 'recoveryActive is "yes": expected true or false'],
        [{ restoreRoleArn: undefined }, "restoreRoleArn is missing"],
    ])("GIVEN recovery outputs with %j WHEN read THEN %s", (change, message) => {
        expect(() => readRecoveryOutputs("acme-recovery", json({ ...RECOVERY_OUTPUTS, ...change }))).toThrow(`stack acme-recovery: ${message}`);
    });

    it("GIVEN an idle recovery stack without url WHEN read for an active one THEN url is missing", () => {
        const { url: _u, ...idle } = RECOVERY_OUTPUTS;
        expect(readRecoveryOutputs("acme-recovery", json(idle)).url).toBeUndefined();
        expect(() => readRecoveryOutputs("acme-recovery", json(idle), { active: true })).toThrow("url is missing");
    });

    it("GIVEN something that is not JSON WHEN read THEN the stack is named", () => {
        expect(() => readRecoveryOutputs("acme-recovery", "Error: no stack")).toThrow("the outputs of stack acme-recovery are not JSON");
    });
});

describe("the drill calendar", () => {
    const names = Array.from({ length: 600 }, (_, i) => `tenant-${i}`);

    it("GIVEN the fixture fleet WHEN its targets are listed THEN platforms of each region in use and the dedicated tenants only", () => {
        const fleet = loadFixtureFleet();
        const targets = fleetTargets(fleet.tenants);
        const dedicated = fleet.tenants.filter((tenant) => ["physical", "cloud", "vpn", "vpn-sync"].includes(tenant.mode)).map((tenant) => tenant.id);
        const regions = new Set(fleet.tenants.map((tenant) => tenant.region));
        expect(targets).toEqual([...[...regions].map((region) => `platform-${region}`).sort(), ...dedicated.sort()]);
        expect(fleet.tenants.some((tenant) => tenant.mode === "saas" && targets.includes(tenant.id))).toBe(false);
    });

    it("GIVEN many targets WHEN spread THEN each falls in exactly one month, always the same, and every month gets its share", () => {
        const byMonth = Array.from({ length: 12 }, (_, i) => drillTargets(names, i + 1));
        expect(byMonth.flat().sort()).toEqual([...names].sort());
        for (const month of byMonth) {
            expect(month.length).toBeGreaterThan(600 / 12 / 2);
            expect(month.length).toBeLessThan((600 / 12) * 2);
        }
        expect(names.map(drillMonth)).toEqual(names.map(drillMonth));
        expect(drillMonth("acme")).toBe(drillMonth("acme"));
        // Adding a target moves no other target's month.
        expect(drillTargets([...names, "new-tenant"], drillMonth("tenant-7"))).toContain("tenant-7");
    });

    it.each([0, 13, 1.5])("GIVEN month %s WHEN asked THEN refused", (month) => {
        expect(() => drillTargets(names, month)).toThrow("month must be a whole number from 1 to 12");
    });

    it("GIVEN the CLI over the fixture folder WHEN asked for every month THEN the months together hold every target once", async () => {
        const printed: string[] = [];
        const spy = vi.spyOn(process.stdout, "write").mockImplementation(((text: string, callback?: () => void) => {
            printed.push(text);
            callback?.();
            return true;
        }) as typeof process.stdout.write);
        try {
            for (let month = 1; month <= 12; month += 1) {
                expect(await drillTargetsMain(["--month", String(month), "--dir", FIXTURE_TENANTS])).toBe(0);
            }
            expect(await drillTargetsMain(["--dir", FIXTURE_TENANTS], new Date("2026-07-15T00:00:00Z"))).toBe(0);
            await expect(drillTargetsMain(["--month", "13", "--dir", FIXTURE_TENANTS])).rejects.toThrow("--month 13: expected a whole number from 1 to 12");
        } finally {
            spy.mockRestore();
        }
        const documents = printed.map((line) => JSON.parse(line) as { month: number; count: number; targets: string[] });
        const all = fleetTargets(loadFixtureFleet().tenants);
        expect(documents.slice(0, 12).flatMap((document) => document.targets).sort()).toEqual([...all].sort());
        expect(documents[12]).toEqual(documents[6]);
        expect(documents[6]!.month).toBe(7);
    });
});
