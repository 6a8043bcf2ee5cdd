// The canary runtime data (lib/canary-runtimes.json) and the platform setting canaryRuntime.

import { describe, expect, it } from "vitest";

import {
    CANARY_RUNTIMES,
    canaryRuntimeProblem,
    canaryRuntimeStatus,
    CanaryRuntimeData,
    CHECK_RUNTIME_FAMILY,
    daysBetween,
    DEFAULT_CANARY_RUNTIME,
    findCanaryRuntime,
    isIsoDay,
} from "../lib/canary-runtimes";
import { PLATFORM_DEFAULTS, platformSettingsProblems, PlatformSettings } from "../stacks/config/platform-settings";

const SETTINGS: PlatformSettings = {
    ...PLATFORM_DEFAULTS,
    offsiteGatewayIp: "81.2.69.160",
    offsiteRegion: "eu-central-1",
    organizationTrailArn: undefined,
    guardDutyDetectorId: undefined,
    alertEmails: [],
};

describe("the canary runtime data", () => {
    it("GIVEN the data WHEN read THEN every entry is well formed, listed once, and dated as AWS gives dates", () => {
        expect(isIsoDay(CANARY_RUNTIMES.readOn)).toBe(true);
        expect(CANARY_RUNTIMES.noticeDays).toBe(60);
        const names = CANARY_RUNTIMES.runtimes.map((runtime) => runtime.name);
        expect(new Set(names).size).toBe(names.length);
        for (const runtime of CANARY_RUNTIMES.runtimes) {
            expect(runtime.name, runtime.name).toMatch(/^syn-[a-z]+(-[a-z]+)?-\d+\.\d+$/);
            expect(runtime.deprecation === null || isIsoDay(runtime.deprecation), runtime.name).toBe(true);
            expect(runtime.name.startsWith(`syn-${runtime.family}-`), runtime.name).toBe(true);
        }
    });

    it("GIVEN the default WHEN looked up THEN it is a listed Node.js Puppeteer runtime with no deprecation announced", () => {
        expect(findCanaryRuntime(DEFAULT_CANARY_RUNTIME)).toEqual({ name: "syn-nodejs-puppeteer-15.0", family: CHECK_RUNTIME_FAMILY, deprecation: null });
        expect(PLATFORM_DEFAULTS.canaryRuntime).toBe(DEFAULT_CANARY_RUNTIME);
    });

    it.each([
        ["2026-12-06", "2026-12-07", 1],
        ["2026-12-06", "2026-12-06", 0],
        ["2026-12-06", "2026-01-22", -318],
        ["2024-02-28", "2024-03-01", 2],
    ])("GIVEN %s and %s WHEN counted THEN %d days", (from, to, days) => {
        expect(daysBetween(from, to)).toBe(days);
    });

    it("GIVEN a data file of fixtures WHEN judged THEN the status follows the day handed in", () => {
        const data: CanaryRuntimeData = {
            readOn: "2030-01-01",
            noticeDays: 10,
            runtimes: [
                { name: "syn-nodejs-puppeteer-50.0", family: "nodejs-puppeteer", deprecation: "2030-02-01" },
                { name: "syn-nodejs-puppeteer-51.0", family: "nodejs-puppeteer", deprecation: null },
            ],
        };
        expect(canaryRuntimeStatus("syn-nodejs-puppeteer-50.0", "2030-01-21", data)).toEqual({ kind: "supported" });
        expect(canaryRuntimeStatus("syn-nodejs-puppeteer-50.0", "2030-01-22", data)).toEqual({ kind: "deprecating", date: "2030-02-01", days: 10 });
        expect(canaryRuntimeStatus("syn-nodejs-puppeteer-50.0", "2030-02-01", data)).toEqual({ kind: "deprecated", date: "2030-02-01" });
        expect(canaryRuntimeStatus("syn-nodejs-puppeteer-51.0", "2099-01-01", data)).toEqual({ kind: "supported" });
        expect(canaryRuntimeStatus("syn-nodejs-puppeteer-52.0", "2030-01-01", data)).toEqual({ kind: "unknown" });
        expect(canaryRuntimeProblem("syn-nodejs-puppeteer-50.0", data)).toBeUndefined();
        expect(canaryRuntimeProblem("syn-nodejs-puppeteer-50.0", { ...data, readOn: "2030-02-01" })).toBe(
            "syn-nodejs-puppeteer-50.0 was deprecated on 2030-02-01 and AWS refuses to create a canary on it; expected one of syn-nodejs-puppeteer-51.0",
        );
    });
});

describe("the platform setting canaryRuntime", () => {
    it("GIVEN the defaults WHEN checked THEN nothing is wrong", () => {
        expect(platformSettingsProblems(SETTINGS)).toEqual([]);
    });

    it.each([
        [
            "an unknown runtime",
            "syn-nodejs-puppeteer-99.9",
            'canaryRuntime: "syn-nodejs-puppeteer-99.9" is not a runtime listed in lib/canary-runtimes.json; expected one of syn-nodejs-puppeteer-15.0 (a newer one is added there with AWS\'s page as its source)',
        ],
        [
            "a runtime of another family",
            "syn-python-selenium-5.1",
            "canaryRuntime: syn-python-selenium-5.1 is a python-selenium runtime, but the availability check's script is Node.js Puppeteer; expected one of syn-nodejs-puppeteer-15.0",
        ],
        [
            "a deprecated runtime",
            "syn-nodejs-puppeteer-7.0",
            "canaryRuntime: syn-nodejs-puppeteer-7.0 was deprecated on 2026-01-22 and AWS refuses to create a canary on it; expected one of syn-nodejs-puppeteer-15.0",
        ],
    ])("GIVEN %s WHEN checked THEN it is refused, naming the key, the value and what is allowed", (_case, canaryRuntime, message) => {
        expect(platformSettingsProblems({ ...SETTINGS, canaryRuntime })).toEqual([message]);
    });
});
