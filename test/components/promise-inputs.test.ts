// The components refuse, at construction, what the policy rules refuse in a plan (issue 17,
// deliverable 4): a check less often than every five minutes, a password minimum under ten, a
// weekend window that runs into Monday. Same constants (lib/promises), same messages as the fields.

import { describe, expect, it } from "vitest";

import { AvailabilityCheck } from "../../components/availability-check";
import { patchWindowProblems } from "../../components/patching";
import { TenantSettings, TenantSettingsValues } from "../../components/tenant-settings";
import { named, planProgram } from "../helpers";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:platform-eu-west-1-operations";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const RUNTIME = "syn-nodejs-puppeteer-15.0";

const SETTINGS: TenantSettingsValues = { tenant: "acme", company: "ACME", environment: "production", url: "https://acme.itm.example.net", passwordMinLength: 10, identityProvider: "app" };

describe("AvailabilityCheck interval", () => {
    it("GIVEN a check every minute WHEN planned THEN the canary runs rate(1 minute)", async () => {
        const { plan } = await planProgram((provider) => {
            new AvailabilityCheck("acme-check", { url: "https://x", alarmTopicArn: TOPIC, kmsKeyArn: KEY, runtimeVersion: RUNTIME, everyMinutes: 1 }, { provider });
        });
        expect(named(plan.resources, "acme-check-canary").inputs.schedule).toEqual({ expression: "rate(1 minute)" });
    });

    it.each([6, 60])("GIVEN a check every %s minutes WHEN constructed THEN it fails: the promise is every five", async (everyMinutes) => {
        await expect(
            planProgram((provider) => {
                new AvailabilityCheck("bad-check", { url: "https://x", alarmTopicArn: TOPIC, kmsKeyArn: KEY, runtimeVersion: RUNTIME, everyMinutes }, { provider });
            }),
        ).rejects.toThrow(`everyMinutes: ${everyMinutes} is not allowed; expected a whole number of minutes from 1 to 5 (the service checks every 5 minutes)`);
    });
});

describe("TenantSettings password minimum", () => {
    it("GIVEN a minimum of 10 WHEN planned THEN the parameter carries it", async () => {
        const { plan } = await planProgram((provider) => {
            new TenantSettings("acme-settings", { parameterName: "/tenants/acme/settings", settings: SETTINGS }, { provider });
        });
        expect(JSON.parse(String(named(plan.resources, "acme-settings-parameter").inputs.insecureValue)).passwordMinLength).toBe(10);
    });

    it.each([6, 9, 9.5])("GIVEN a minimum of %s WHEN constructed THEN it fails naming the field", async (passwordMinLength) => {
        await expect(
            planProgram((provider) => {
                new TenantSettings("acme-settings", { parameterName: "/tenants/acme/settings", settings: { ...SETTINGS, passwordMinLength } }, { provider });
            }),
        ).rejects.toThrow(`settings.passwordMinLength: ${passwordMinLength} is not allowed; expected a whole number of at least 10 (the service's password policy)`);
    });
});

describe("patchWindowProblems on Sunday", () => {
    it("GIVEN a Sunday window that closes at midnight WHEN checked THEN it is valid", () => {
        expect(patchWindowProblems({ schedule: "cron(0 20 ? * SUN *)", durationHours: 4, cutoffHours: 1 })).toEqual([]);
    });

    it("GIVEN a Sunday window that runs into Monday WHEN checked THEN the problem is named", () => {
        expect(patchWindowProblems({ schedule: "cron(0 22 ? * SUN *)", durationHours: 4, cutoffHours: 1 })).toEqual([
            "schedule: cron(0 22 ? * SUN *) with a 4-hour window opens on Sunday as late as 22:00 and runs into Monday; expected the window to close by Sunday 24:00",
        ]);
    });
});
