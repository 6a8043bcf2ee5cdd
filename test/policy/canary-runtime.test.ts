// The canary runtime rules (policy/rules/operations/disallowDeprecated*CanaryRuntime.ts) against a
// compliant canary and one changed field per case, with exact messages; the day is handed in.

import { describe, expect, it } from "vitest";

import { evaluate, findingsOf } from "../../policy/rules/evaluate";
import { OPERATIONS_RULES } from "../../policy/rules/operations";
import { disallowDeprecatedCanaryRuntime } from "../../policy/rules/operations/disallowDeprecatedCanaryRuntime";
import { disallowDeprecatingCanaryRuntime } from "../../policy/rules/operations/disallowDeprecatingCanaryRuntime";
import { PolicySettings, PolicyStack } from "../../policy/rules/types";
import { policyResource, SETTINGS } from "./fixtures-operations";

const TODAY = "2026-12-06";
const ON: PolicySettings = { ...SETTINGS, today: TODAY };

/** A tenant stack whose availability check runs on `runtimeVersion`. */
function canaryStack(runtimeVersion: unknown): PolicyStack {
    return {
        stack: "acme",
        kind: "vpn",
        resources: [
            policyResource("aws:synthetics/canary:Canary", "acme-check-canary", "acme-check", { name: "acme-check", runtimeVersion, handler: "check.handler" }, "acme-check"),
        ],
    };
}

const both = [disallowDeprecatedCanaryRuntime, disallowDeprecatingCanaryRuntime];

describe("canary runtimes", () => {
    it("GIVEN a canary on the default runtime WHEN checked today THEN nothing is found", () => {
        expect(evaluate(canaryStack("syn-nodejs-puppeteer-15.0"), ON, both)).toEqual([]);
    });

    it("GIVEN a canary on a runtime AWS deprecated WHEN checked THEN the mandatory rule reports it, with the date", () => {
        expect(evaluate(canaryStack("syn-nodejs-puppeteer-7.0"), ON, both)).toEqual([
            {
                policy: "synthetics-canary-runtime-not-deprecated",
                resource: "acme-check-canary",
                enforcement: "mandatory",
                message:
                    "runtimeVersion syn-nodejs-puppeteer-7.0 was deprecated on 2026-01-22: AWS refuses to create a canary on it; " +
                    "expected a supported runtime, e.g. syn-nodejs-puppeteer-15.0 (platform setting canaryRuntime)",
            },
        ]);
    });

    it.each([
        // Deprecated on 2026-01-22: AWS warns 60 days ahead.
        ["2025-11-22", []],
        ["2025-11-23", ["advisory: runtimeVersion syn-nodejs-puppeteer-7.0 is deprecated on 2026-01-22, in 60 days: move it to a supported runtime (platform setting canaryRuntime) before AWS stops creating canaries on it"]],
        ["2026-01-21", ["advisory: runtimeVersion syn-nodejs-puppeteer-7.0 is deprecated on 2026-01-22, in 1 day: move it to a supported runtime (platform setting canaryRuntime) before AWS stops creating canaries on it"]],
        ["2026-01-22", ["mandatory: runtimeVersion syn-nodejs-puppeteer-7.0 was deprecated on 2026-01-22: AWS refuses to create a canary on it; expected a supported runtime, e.g. syn-nodejs-puppeteer-15.0 (platform setting canaryRuntime)"]],
    ])("GIVEN a runtime deprecated on 2026-01-22 WHEN checked on %s THEN: %j", (today, expected) => {
        const violations = evaluate(canaryStack("syn-nodejs-puppeteer-7.0"), { ...SETTINGS, today }, both);
        expect(violations.map((violation) => `${violation.enforcement}: ${violation.message}`)).toEqual(expected);
    });

    it("GIVEN the same stack WHEN checked on two days THEN only the day changes the verdict (the rules read no clock)", () => {
        const stack = canaryStack("syn-nodejs-puppeteer-6.2");
        expect(findingsOf(disallowDeprecatedCanaryRuntime, stack, { ...SETTINGS, today: "2025-01-01" })).toEqual([]);
        expect(findingsOf(disallowDeprecatedCanaryRuntime, stack, { ...SETTINGS, today: "2026-06-01" })).toHaveLength(1);
    });

    it("GIVEN a runtime the data does not list WHEN checked THEN the advisory rule says it cannot tell", () => {
        expect(findingsOf(disallowDeprecatingCanaryRuntime, canaryStack("syn-nodejs-puppeteer-9.1"), ON)).toEqual([
            {
                resource: "acme-check-canary",
                message:
                    "runtimeVersion syn-nodejs-puppeteer-9.1 is not listed in lib/canary-runtimes.json: whether AWS deprecated it cannot be told; " +
                    "add it with its date from AWS's runtime support policy page",
            },
        ]);
        expect(findingsOf(disallowDeprecatedCanaryRuntime, canaryStack("syn-nodejs-puppeteer-9.1"), ON)).toEqual([]);
    });

    it("GIVEN an unreadable runtime or no day WHEN checked THEN the advisory rule says it cannot judge, never a silent pass", () => {
        expect(findingsOf(disallowDeprecatingCanaryRuntime, canaryStack(undefined), ON).map((finding) => finding.message)).toEqual([
            "runtimeVersion is not set: whether AWS still accepts it cannot be told; expected a runtime listed in lib/canary-runtimes.json",
        ]);
        expect(findingsOf(disallowDeprecatingCanaryRuntime, canaryStack("syn-nodejs-puppeteer-7.0"), SETTINGS).map((finding) => finding.message)).toEqual([
            "no day to judge on (the policy settings give no `today`): whether runtimeVersion syn-nodejs-puppeteer-7.0 is deprecated cannot be told",
        ]);
        // A day that is no date (pack config `today: 06/12/2026`) is said, never judged as "supported".
        expect(evaluate(canaryStack("syn-nodejs-puppeteer-7.0"), { ...SETTINGS, today: "06/12/2026" }, both).map((violation) => `${violation.enforcement}: ${violation.message}`)).toEqual([
            'advisory: the day to judge on, "06/12/2026", is not a date (YYYY-MM-DD): whether runtimeVersion syn-nodejs-puppeteer-7.0 is deprecated cannot be told',
        ]);
    });

    it("GIVEN the operations rules WHEN listed THEN both canary runtime rules are registered", () => {
        expect(OPERATIONS_RULES).toContain(disallowDeprecatedCanaryRuntime);
        expect(OPERATIONS_RULES).toContain(disallowDeprecatingCanaryRuntime);
    });
});
