import { describe, expect, it } from "vitest";

import { BACKUP_PROMISE, describeCron, describeRule, FINAL_BACKUP_RETENTION_DAYS, retentionBounds, rulesFor, vaultLockBounds, WEEKLY_HOME_DAYS } from "../lib/promises/backup-schedule";

describe("BACKUP_PROMISE", () => {
    // 3.6 "Backup Plan": 2-hourly and daily on the main server and the backup server; weekly (Monday)
    // between 1 and 12 months on the backup server only.
    it.each([
        ["database-every-2-hours", "database", "cron(0 0/2 * * ? *)", 7, 7],
        ["database-daily", "database", "cron(0 1 * * ? *)", 31, 31],
        ["database-weekly", "database", "cron(0 3 ? * MON *)", 7, 365],
        ["files-daily", "files", "cron(0 1 * * ? *)", 31, 31],
        ["files-weekly", "files", "cron(0 3 ? * MON *)", 7, 365],
    ])("GIVEN the promise WHEN rule %s is read THEN it backs up the %s on %s and keeps %i days at home and %i off-site", (name, target, schedule, home, offsite) => {
        expect(BACKUP_PROMISE.find((rule) => rule.name === name)).toMatchObject({ target, schedule, keepDays: { home, offsite } });
    });

    it("GIVEN the weekly rules WHEN their home retention is read THEN it is the shortest the home vault's lock admits (7), far below their year off-site", () => {
        const weekly = BACKUP_PROMISE.filter((rule) => rule.schedule.includes("MON"));
        expect(weekly.map((rule) => rule.keepDays)).toEqual([
            { home: WEEKLY_HOME_DAYS, offsite: 365 },
            { home: WEEKLY_HOME_DAYS, offsite: 365 },
        ]);
        expect(WEEKLY_HOME_DAYS).toBe(vaultLockBounds("home").minDays);
    });

    it("GIVEN any rule WHEN its retentions are compared THEN the off-site copy is kept at least as long as the home point (the backup server keeps what the production server does)", () => {
        for (const rule of BACKUP_PROMISE) {
            expect(rule.keepDays.offsite, rule.name).toBeGreaterThanOrEqual(rule.keepDays.home);
        }
    });

    it("GIVEN the promise WHEN counted THEN it has exactly the five promised rules with unique AWS Backup rule names", () => {
        expect(BACKUP_PROMISE.map((rule) => rule.name)).toEqual(["database-every-2-hours", "database-daily", "database-weekly", "files-daily", "files-weekly"]);
        for (const rule of BACKUP_PROMISE) {
            expect(rule.name).toMatch(/^[A-Za-z0-9._-]{1,50}$/);
        }
    });

    it.each(BACKUP_PROMISE.map((rule) => [rule.name, rule] as const))(
        "GIVEN rule %s WHEN its windows are read THEN the job may start within at least an hour and finishes before the same rule runs again",
        (_name, rule) => {
            expect(rule.startWindowMinutes).toBeGreaterThanOrEqual(60);
            expect(rule.completionWindowMinutes).toBeGreaterThanOrEqual(rule.startWindowMinutes + 60);
            const interval = rule.schedule.includes("0/2") ? 120 : rule.schedule.includes("MON") ? 7 * 24 * 60 : 24 * 60;
            expect(rule.completionWindowMinutes).toBeLessThanOrEqual(interval);
        },
    );

    it("GIVEN a target WHEN its rules are selected THEN only that target's rules come back in promise order", () => {
        expect(rulesFor("database").map((rule) => rule.name)).toEqual(["database-every-2-hours", "database-daily", "database-weekly"]);
        expect(rulesFor("files").map((rule) => rule.name)).toEqual(["files-daily", "files-weekly"]);
    });

    it("GIVEN the promise WHEN its retention bounds are read THEN they are 7 and 365 days over both vaults, 7 to 31 at home and 7 to 365 off-site", () => {
        expect(retentionBounds()).toEqual({ minDays: 7, maxDays: 365 });
        expect(retentionBounds(BACKUP_PROMISE, "home")).toEqual({ minDays: 7, maxDays: 31 });
        expect(retentionBounds(BACKUP_PROMISE, "offsite")).toEqual({ minDays: 7, maxDays: 365 });
    });

    it("GIVEN the vaults WHEN their locks' bounds are read THEN the home vault must still admit the final backup's 365 days, the off-site vault the weekly copies'", () => {
        expect(FINAL_BACKUP_RETENTION_DAYS).toBe(365);
        expect(vaultLockBounds("home")).toEqual({ minDays: 7, maxDays: 365 });
        expect(vaultLockBounds("offsite")).toEqual({ minDays: 7, maxDays: 365 });
    });
});

describe("describeCron", () => {
    it.each([
        ["cron(0 0/2 * * ? *)", "every 2 hours from 00:00 UTC"],
        ["cron(30 1/1 * * ? *)", "every hour from 01:30 UTC"],
        ["cron(0 1 * * ? *)", "daily at 01:00 UTC"],
        ["cron(5 23 ? * * *)", "daily at 23:05 UTC"],
        ["cron(0 3 ? * MON *)", "weekly on Monday at 03:00 UTC"],
        ["cron(0 3 ? * MON,THU *)", "weekly on Monday and Thursday at 03:00 UTC"],
        ["cron(0 0/6 ? * SAT,SUN,MON *)", "every 6 hours from 00:00 UTC, weekly on Saturday, Sunday and Monday"],
    ])("GIVEN %s WHEN described THEN it reads %s", (expression, words) => {
        expect(describeCron(expression)).toBe(words);
    });

    it.each([
        ["rate(2 hours)", /expected cron\(minutes hours/],
        ["cron(0 1 * * ?)", /expected cron\(minutes hours/],
        ["cron(0 1 1 * ? *)", /day-of-month "1" with day-of-week "\?" cannot be described/],
        ["cron(0 1 ? 1 MON *)", /only schedules that run every month/],
        ["cron(0 25 * * ? *)", /hour "25" is not a whole number from 0 to 23/],
        ["cron(60 1 * * ? *)", /minute "60" is not a whole number from 0 to 59/],
        ["cron(0 0/0 * * ? *)", /hour step "0" must be at least 1/],
        ["cron(0 1 ? * FUN *)", /cannot be described/],
    ])("GIVEN %s WHEN described THEN it refuses rather than print a wrong sentence", (expression, message) => {
        expect(() => describeCron(expression)).toThrow(message);
    });

    it.each(BACKUP_PROMISE.map((rule) => [rule.name, rule] as const))("GIVEN promised rule %s WHEN described THEN its schedule has words", (_name, rule) => {
        expect(() => describeCron(rule.schedule)).not.toThrow();
    });
});

describe("describeRule", () => {
    it.each([
        ["database-every-2-hours", "database every 2 hours from 00:00 UTC, kept 7 days, copied off-site"],
        ["database-weekly", "database weekly on Monday at 03:00 UTC, kept 7 days at home and 12 months off-site"],
        ["files-daily", "files daily at 01:00 UTC, kept 31 days, copied off-site"],
    ])("GIVEN rule %s WHEN described THEN it reads %s", (name, words) => {
        const rule = BACKUP_PROMISE.find((candidate) => candidate.name === name);
        expect(rule && describeRule(rule)).toBe(words);
    });
});
