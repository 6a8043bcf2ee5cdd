// The operations rules (policy/rules/operations/): each against its compliant baseline and one
// changed field per failing case, with exact messages; then the whole planned fixture fleet.

import { beforeAll, describe, expect, it } from "vitest";

import { BACKUP_PROMISE } from "../../lib/promises/backup-schedule";
import { PlanDocument } from "../../scripts/lib/plan/fleet";
import { evaluate, findingsOf } from "../../policy/rules/evaluate";
import { settingsFor, stackFromPlan } from "../../policy/rules/from-plan";
import { OPERATIONS_RULES } from "../../policy/rules/operations";
import { disallowOtherTenantMarkers } from "../../policy/rules/operations/disallowOtherTenantMarkers";
import { disallowStackTagOverride } from "../../policy/rules/operations/disallowStackTagOverride";
import { enableBackupVaultNotifications } from "../../policy/rules/operations/enableBackupVaultNotifications";
import { enableCloudTrailAudit } from "../../policy/rules/operations/enableCloudTrailAudit";
import { enableGuardDutyDetector } from "../../policy/rules/operations/enableGuardDutyDetector";
import { enforceBackupPromise } from "../../policy/rules/operations/enforceBackupPromise";
import { enforceBackupVaultLock } from "../../policy/rules/operations/enforceBackupVaultLock";
import { enforceLoadBalancerDeletionProtection } from "../../policy/rules/operations/enforceLoadBalancerDeletionProtection";
import { enforceProviderDefaultTags } from "../../policy/rules/operations/enforceProviderDefaultTags";
import { enforceRdsBackupRetention } from "../../policy/rules/operations/enforceRdsBackupRetention";
import { enforceRdsDeletionProtection } from "../../policy/rules/operations/enforceRdsDeletionProtection";
import { missingBackupSelection } from "../../policy/rules/operations/missingBackupSelection";
import { missingVpcFlowLog } from "../../policy/rules/operations/missingVpcFlowLog";
import { shortfallsOf } from "../../policy/rules/operations/backups";
import { canonicalSchedule, sameSchedule } from "../../policy/rules/operations/schedule";
import { Finding, PolicySettings, PolicyStack, Rule } from "../../policy/rules/types";
import { stackPolicy } from "../../policy/pack";
import type { StackValidationArgs } from "@pulumi/policy";
import { FIXTURE_TENANTS, planOfFixtureFleet } from "../fixtures/fleet";
import {
    ACCOUNT,
    adding,
    dataStack,
    GLOBEX_MARKERS,
    idsOf,
    platformStack,
    policyResource,
    saasStack,
    SETTINGS,
    withProps,
    withResource,
    without,
} from "./fixtures-operations";

const NO_TENANTS: PolicySettings = { operationsCidrs: SETTINGS.operationsCidrs, otherTenants: [] };

function findings(rule: Rule, stack: PolicyStack, settings: PolicySettings = SETTINGS): Finding[] {
    return findingsOf(rule, stack, settings);
}

type PlanRule = { ruleName: string; schedule: string; scheduleExpressionTimezone?: string; lifecycle?: { deleteAfter: number }; copyActions: { destinationVaultArn: string; lifecycle?: { deleteAfter: number } }[] };

/** Changes the plan rule `ruleName` of the acme database plan. */
function changeDatabaseRule(ruleName: string, change: (rule: PlanRule) => void): PolicyStack {
    return withProps(dataStack(), "acme-backup-database-plan", (props) => {
        const rule = (props.rules as PlanRule[]).find((candidate) => candidate.ruleName === ruleName);
        if (!rule) {
            throw new Error(`no rule ${ruleName}`);
        }
        change(rule);
    });
}

describe("the compliant baselines", () => {
    it.each([
        ["a cloud tenant", dataStack()],
        ["a platform", platformStack()],
        ["a saas tenant", saasStack()],
    ])("GIVEN %s's baseline WHEN every operations rule runs THEN nothing is found", (_label, stack) => {
        expect(evaluate(stack, SETTINGS, OPERATIONS_RULES)).toEqual([]);
    });

    it("GIVEN the rules WHEN listed THEN each has a unique kebab-case name, a description and a why, and all but the deprecation notice are mandatory", () => {
        const names = OPERATIONS_RULES.map((rule) => rule.name);
        expect(new Set(names).size).toBe(names.length);
        expect(names).toEqual([
            "backup-plan-promise",
            "backup-selection-data",
            "backup-vault-lock",
            "backup-vault-notifications",
            "rds-instance-backup-retention",
            "rds-instance-deletion-protection",
            "lb-load-balancer-deletion-protection",
            "cloudtrail-trail-audit",
            "s3-audit-bucket-access-logging",
            "cloudtrail-data-events-exclude-log-buckets",
            "guardduty-detector-enabled",
            "ec2-vpc-flow-log",
            "tenant-isolation-markers",
            "aws-provider-default-tags",
            "aws-resource-stack-tags",
            "synthetics-canary-runtime-not-deprecated",
            "synthetics-canary-runtime-deprecation-notice",
            "ec2-instance-pinned-image",
            "stack-recovery-environment",
            "backup-restore-testing-recovery",
            "patch-window-weekend",
            "ec2-instance-patched",
            "availability-check-every-5-minutes",
            "availability-check-alarmed",
            "availability-check-own-host",
            "tenant-password-min-length",
            "rds-instance-maintenance-weekend",
            "logs-evidence-retained",
            "ssm-inventory-and-patch-scan",
            "controls-report-in-region-owner",
        ]);
        for (const rule of OPERATIONS_RULES) {
            expect(rule.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
            expect(rule.description.length).toBeGreaterThan(20);
            expect(rule.why.length).toBeGreaterThan(20);
            // A runtime AWS deprecates in the coming weeks is a notice, not a refusal (yet).
            expect(rule.enforcement).toBe(rule.name === "synthetics-canary-runtime-deprecation-notice" ? "advisory" : "mandatory");
        }
    });
});

describe("canonicalSchedule / sameSchedule: AWS cron compared by meaning", () => {
    it.each([
        ["cron(0 0/2 * * ? *)", "minutes 0; hours 0,2,4,6,8,10,12,14,16,18,20,22; every day; months *; years *"],
        ["cron(0 */2 ? * * *)", "minutes 0; hours 0,2,4,6,8,10,12,14,16,18,20,22; every day; months *; years *"],
        ["cron(0 1 * * ? *)", "minutes 0; hours 1; every day; months *; years *"],
        ["cron(0 1 1-31 * ? *)", "minutes 0; hours 1; every day; months *; years *"],
        ["cron(0 1 ? * SUN-SAT *)", "minutes 0; hours 1; every day; months *; years *"],
        ["cron(0 3 ? * MON *)", "minutes 0; hours 3; days of week 2; months *; years *"],
        ["cron(0 3 ? * 2 *)", "minutes 0; hours 3; days of week 2; months *; years *"],
        ["cron(30 3 1,15 JAN-MAR ? 2030)", "minutes 30; hours 3; days of month 1,15; months 1,2,3; years 2030"],
    ])("GIVEN %s WHEN read THEN its canonical form is %s", (expression, canonical) => {
        expect(canonicalSchedule(expression)).toBe(canonical);
    });

    it.each([
        ["rate(1 day)"],
        ["cron(0 1 * * *)"],
        ["cron(0 1 L * ? *)"],
        ["cron(0 1 ? * MON#1 *)"],
        ["cron(0 1 * * MON *)"],
        ["cron(0 1 ? * ? *)"],
        ["cron(0 24 * * ? *)"],
        ["cron(0 5-3 * * ? *)"],
    ])("GIVEN %s WHEN read THEN it has no canonical form", (expression) => {
        expect(canonicalSchedule(expression)).toBeUndefined();
    });

    it.each([
        ["cron(0 0,2,4,6,8,10,12,14,16,18,20,22 ? * * *)", "cron(0 0/2 * * ? *)", true],
        ["cron(0 3 ? * 2 *)", "cron(0 3 ? * MON *)", true],
        ["cron(0 3 ? * TUE *)", "cron(0 3 ? * MON *)", false],
        ["cron(0 1/2 * * ? *)", "cron(0 0/2 * * ? *)", false],
        ["rate(2 hours)", "rate(2 hours)", true],
        ["rate(2 hours)", "cron(0 0/2 * * ? *)", false],
        [undefined, "cron(0 0/2 * * ? *)", false],
    ])("GIVEN %s and %s WHEN compared THEN same is %s", (a, b, same) => {
        expect(sameSchedule(a, b)).toBe(same);
    });
});

describe("backup-plan-promise", () => {
    it("GIVEN a saas stack without any backup plan WHEN checked THEN it is not applicable: its data is in the platform's backups", () => {
        expect(findings(enforceBackupPromise, saasStack())).toEqual([]);
    });

    it("GIVEN a stack that owns data without any plan WHEN checked THEN the stack is reported", () => {
        const stack = without(dataStack(), "acme-backup-database-plan", "acme-backup-files-plan");
        expect(findings(enforceBackupPromise, stack)).toEqual([
            {
                resource: "acme",
                message:
                    'no backup plan (aws:backup/plan:Plan): the stack owns data, and the backup promise demands "database-every-2-hours", "database-daily", "database-weekly", "files-daily", "files-weekly"',
            },
        ]);
    });

    it("GIVEN a stack of unknown kind without any plan WHEN checked THEN it is reported (an unknown kind is no exemption)", () => {
        const stack = { ...without(dataStack(), "acme-backup-database-plan", "acme-backup-files-plan"), kind: undefined };
        expect(findings(enforceBackupPromise, stack)).toHaveLength(1);
    });

    it("GIVEN the 2-hourly rule runs every 3 hours WHEN checked THEN the promise's schedule is reported missing", () => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            rule.schedule = "cron(0 0/3 * * ? *)";
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([
            {
                resource: "acme",
                message:
                    'no backup plan rule runs on cron(0 0/2 * * ? *), the schedule of the promise "database-every-2-hours" (database every 2 hours from 00:00 UTC, kept 7 days, copied off-site)',
            },
        ]);
    });

    it("GIVEN the 2-hourly rule spelled as a list of hours WHEN checked THEN it meets the promise", () => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            rule.schedule = "cron(0 0,2,4,6,8,10,12,14,16,18,20,22 ? * * *)";
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([]);
    });

    it("GIVEN the 2-hourly rule keeps recovery points 5 days WHEN checked THEN the plan is reported", () => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            rule.lifecycle = { deleteAfter: 5 };
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([
            {
                resource: "acme-backup-database-plan",
                message: 'rule "database-every-2-hours" runs on the schedule of the promise "database-every-2-hours" but keeps recovery points in its home vault 5 days, less than the 7 promised there',
            },
        ]);
    });

    it.each([["Pacific/Kiritimati", false], ["Europe/Zurich", false], ["UTC", true], ["Etc/UTC", true]])(
        "GIVEN the 2-hourly rule's schedule read in the time zone %s WHEN checked THEN it meets the promise (of UTC hours): %s",
        (zone, meets) => {
            const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
                rule.scheduleExpressionTimezone = zone;
            });
            expect(findings(enforceBackupPromise, stack)).toEqual(
                meets
                    ? []
                    : [
                          {
                              resource: "acme-backup-database-plan",
                              message: `rule "database-every-2-hours" runs on the schedule of the promise "database-every-2-hours" but runs its schedule in the time zone "${zone}", not in UTC as promised`,
                          },
                      ],
            );
        },
    );

    it.each([
        ["the account's Default vault", "arn:aws:backup:eu-central-1:123456789012:backup-vault:Default"],
        ["another account's vault", "arn:aws:backup:eu-central-1:999999999999:backup-vault:attacker"],
    ])("GIVEN the 2-hourly rule copying off-site only to %s WHEN checked THEN it does not meet the promise: no vault of the stack", (_, arn) => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            rule.copyActions = rule.copyActions.map((copy) => ({ ...copy, destinationVaultArn: arn }));
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([
            {
                resource: "acme-backup-database-plan",
                message: `rule "database-every-2-hours" runs on the schedule of the promise "database-every-2-hours" but copies recovery points off-site only to "${arn}", no vault of this stack: its lock, key and retention cannot be shown`,
            },
        ]);
    });

    it.each([
        ["sets no lifecycle (AWS Backup keeps its recovery points for good)", undefined, "for good (no deleteAfter)"],
        ["keeps its recovery points ten years", { deleteAfter: 3650 }, "3650 days"],
    ])("GIVEN the 2-hourly rule %s WHEN checked THEN the plan is reported: the promise is seven days, a limited time", (_, lifecycle, kept) => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            if (lifecycle === undefined) {
                delete rule.lifecycle;
            } else {
                rule.lifecycle = lifecycle;
            }
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([
            {
                resource: "acme-backup-database-plan",
                message: `rule "database-every-2-hours" runs on the schedule of the promise "database-every-2-hours" but keeps recovery points in its home vault ${kept}, longer than the 7 days promised there (a customer's data is kept for a limited time only)`,
            },
        ]);
    });

    it("GIVEN the 2-hourly rule's off-site copy is kept ten years WHEN checked THEN the plan is reported", () => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            rule.copyActions = [{ destinationVaultArn: idsOf("acme").offsiteVaultArn, lifecycle: { deleteAfter: 3650 } }];
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([
            {
                resource: "acme-backup-database-plan",
                message:
                    'rule "database-every-2-hours" runs on the schedule of the promise "database-every-2-hours" but keeps an off-site copy 3650 days, longer than the 7 days promised off-site (a customer\'s data is kept for a limited time only)',
            },
        ]);
    });

    it("GIVEN the 2-hourly rule copies into a vault of the stack's own region WHEN checked THEN the plan is reported", () => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            rule.copyActions = [{ destinationVaultArn: `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:acme-second-vault`, lifecycle: { deleteAfter: 7 } }];
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([
            {
                resource: "acme-backup-database-plan",
                message: 'rule "database-every-2-hours" runs on the schedule of the promise "database-every-2-hours" but copies recovery points to no vault outside eu-west-1',
            },
        ]);
    });

    it("GIVEN the 2-hourly rule has no copy action WHEN checked THEN the plan is reported", () => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            rule.copyActions = [];
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([
            {
                resource: "acme-backup-database-plan",
                message: 'rule "database-every-2-hours" runs on the schedule of the promise "database-every-2-hours" but copies recovery points to no vault outside eu-west-1',
            },
        ]);
    });

    it("GIVEN the 2-hourly rule's off-site copy is kept 3 days WHEN checked THEN the plan is reported", () => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            rule.copyActions = [{ destinationVaultArn: idsOf("acme").offsiteVaultArn, lifecycle: { deleteAfter: 3 } }];
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([
            {
                resource: "acme-backup-database-plan",
                message: 'rule "database-every-2-hours" runs on the schedule of the promise "database-every-2-hours" but keeps its off-site copies 3 days, less than the 7 promised off-site',
            },
        ]);
    });

    it("GIVEN the weekly rules kept 365 days in the home vault (one retention for both vaults) WHEN checked THEN both plans are reported: a year is promised on the backup server only", () => {
        const keepWeeklyAYearAtHome = (props: Record<string, unknown>) => {
            for (const rule of props.rules as PlanRule[]) {
                if (rule.ruleName.endsWith("-weekly")) {
                    rule.lifecycle = { deleteAfter: 365 };
                }
            }
        };
        const stack = withProps(withProps(dataStack(), "acme-backup-database-plan", keepWeeklyAYearAtHome), "acme-backup-files-plan", keepWeeklyAYearAtHome);
        const longer = (name: string) =>
            `rule "${name}" runs on the schedule of the promise "${name}" but keeps recovery points in its home vault 365 days, longer than the 7 days promised there (a customer's data is kept for a limited time only; the 365 days are promised on the backup server (the off-site copy) only)`;
        // Each weekly promise is judged on every Monday rule: the database's and the files' share the schedule.
        expect(findings(enforceBackupPromise, stack)).toEqual([
            { resource: "acme-backup-database-plan", message: longer("database-weekly") },
            { resource: "acme-backup-files-plan", message: longer("files-weekly") },
        ]);
        expect(findings(missingBackupSelection, stack)).toEqual([
            { resource: "acme-database-db", message: 'the backup plans selecting this database (acme-backup-database-plan) do not meet "database-weekly" of the backup promise' },
            { resource: "acme-files-bucket", message: 'the backup plans selecting this file bucket (acme-backup-files-plan) do not meet "files-weekly" of the backup promise' },
        ]);
    });

    it("GIVEN the weekly database rule's retentions swapped (365 at home, 7 off-site) WHEN checked THEN the database plan is reported for both vaults", () => {
        const stack = changeDatabaseRule("database-weekly", (rule) => {
            rule.lifecycle = { deleteAfter: 365 };
            rule.copyActions = [{ destinationVaultArn: idsOf("acme").offsiteVaultArn, lifecycle: { deleteAfter: 7 } }];
        });
        expect(findings(missingBackupSelection, stack)).toEqual([
            { resource: "acme-database-db", message: 'the backup plans selecting this database (acme-backup-database-plan) do not meet "database-weekly" of the backup promise' },
        ]);
        // The files plan's weekly rule still meets the weekly promise's schedule and retentions (backup-plan-promise judges by schedule).
        expect(findings(enforceBackupPromise, stack)).toEqual([]);
        const shortfalls = shortfallsOf(
            (stack.resources.find((resource) => resource.name === "acme-backup-database-plan")!.props.rules as Record<string, unknown>[]).find((rule) => rule.ruleName === "database-weekly")!,
            BACKUP_PROMISE.find((rule) => rule.name === "database-weekly")!,
            "eu-west-1",
        );
        expect(shortfalls).toEqual([
            "keeps recovery points in its home vault 365 days, longer than the 7 days promised there (a customer's data is kept for a limited time only; the 365 days are promised on the backup server (the off-site copy) only)",
            "keeps its off-site copies 7 days, less than the 365 promised off-site",
        ]);
    });

    it("GIVEN the weekly rule's off-site copy without a lifecycle of its own WHEN checked THEN it keeps the rule's 7 days, less than the year promised off-site", () => {
        const stack = changeDatabaseRule("database-weekly", (rule) => {
            rule.copyActions = [{ destinationVaultArn: idsOf("acme").offsiteVaultArn }];
        });
        expect(findings(missingBackupSelection, stack)).toEqual([
            { resource: "acme-database-db", message: 'the backup plans selecting this database (acme-backup-database-plan) do not meet "database-weekly" of the backup promise' },
        ]);
    });

    it("GIVEN the weekly database rule moved to Tuesday WHEN checked THEN the files plan's Monday rule still shows the schedule exists (backup-selection-data reports the database)", () => {
        const stack = changeDatabaseRule("database-weekly", (rule) => {
            rule.schedule = "cron(0 3 ? * TUE *)";
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([]);
    });

    it("GIVEN the stack's providers are gone WHEN checked THEN its region cannot be told and no copy can be shown off-site, for each promised rule", () => {
        const stack = without(dataStack(), "acme-aws", "acme-aws-offsite");
        expect(findings(enforceBackupPromise, stack)).toEqual(
            BACKUP_PROMISE.map((promised) => ({
                resource: `acme-backup-${promised.target}-plan`,
                message: `rule "${promised.name}" runs on the schedule of the promise "${promised.name}" but cannot tell the stack's region (no vault ARN, no provider with a region), so no copy can be shown off-site`,
            })),
        );
    });

    it("GIVEN the target vault's ARN (CrossGuard state) is in the copies' region WHEN checked THEN no copy is off-site, whatever the provider says", () => {
        const stack = withProps(dataStack(), "acme-backup-vault", (props) => {
            props.arn = `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:${idsOf("acme").vault}`;
        });
        expect(findings(enforceBackupPromise, stack)).toEqual(
            BACKUP_PROMISE.map((promised) => ({
                resource: `acme-backup-${promised.target}-plan`,
                message: `rule "${promised.name}" runs on the schedule of the promise "${promised.name}" but copies recovery points to no vault outside eu-central-1`,
            })),
        );
    });

    it("GIVEN the 2-hourly rule renamed and keeping 5 days WHEN checked THEN the rule on that schedule is reported by its own name", () => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            rule.ruleName = "db-2h";
            rule.lifecycle = { deleteAfter: 5 };
        });
        expect(findings(enforceBackupPromise, stack)).toEqual([
            {
                resource: "acme-backup-database-plan",
                message: 'rule "db-2h" runs on the schedule of the promise "database-every-2-hours" but keeps recovery points in its home vault 5 days, less than the 7 promised there',
            },
        ]);
    });
});

describe("backup-selection-data", () => {
    it("GIVEN a saas stack WHEN checked THEN it is not applicable", () => {
        expect(findings(missingBackupSelection, saasStack())).toEqual([]);
    });

    it("GIVEN the database selection is gone WHEN checked THEN the database is reported", () => {
        const stack = without(dataStack(), "acme-backup-database-selection");
        expect(findings(missingBackupSelection, stack)).toEqual([
            {
                resource: "acme-database-db",
                message: "no backup selection names this database; the database rules of the backup promise (database-every-2-hours, database-daily, database-weekly) must back it up",
            },
        ]);
    });

    it("GIVEN the files selection names another bucket WHEN checked THEN the file bucket is reported (the artifacts bucket is no tenant data)", () => {
        const stack = withProps(dataStack(), "acme-backup-files-selection", (props) => {
            props.resources = ["arn:aws:s3:::acme-files-bucket-0000000"];
        });
        expect(findings(missingBackupSelection, stack)).toEqual([
            { resource: "acme-files-bucket", message: "no backup selection names this file bucket; the files rules of the backup promise (files-daily, files-weekly) must back it up" },
        ]);
    });

    it("GIVEN the database is selected by the files plan instead WHEN checked THEN the unmet database rules are named", () => {
        const stack = withProps(dataStack(), "acme-backup-database-selection", (props) => {
            props.planId = idsOf("acme").filesPlan;
        });
        expect(findings(missingBackupSelection, stack)).toEqual([
            {
                resource: "acme-database-db",
                message: 'the backup plans selecting this database (acme-backup-files-plan) do not meet "database-every-2-hours" of the backup promise',
            },
        ]);
    });

    it("GIVEN the weekly database rule moved to Tuesday WHEN checked THEN the database is reported", () => {
        const stack = changeDatabaseRule("database-weekly", (rule) => {
            rule.schedule = "cron(0 3 ? * TUE *)";
        });
        expect(findings(missingBackupSelection, stack)).toEqual([
            { resource: "acme-database-db", message: 'the backup plans selecting this database (acme-backup-database-plan) do not meet "database-weekly" of the backup promise' },
        ]);
    });

    it("GIVEN the selection excludes the database in notResources WHEN checked THEN the database is reported", () => {
        const stack = withProps(dataStack(), "acme-backup-database-selection", (props) => {
            props.notResources = [idsOf("acme").databaseArn];
        });
        expect(findings(missingBackupSelection, stack).map((finding) => finding.resource)).toEqual(["acme-database-db"]);
    });

    it("GIVEN an RDS instance whose identifier (CrossGuard) differs from the selected ARN's WHEN checked THEN it is reported", () => {
        const stack = withProps(dataStack(), "acme-database-db", (props) => {
            props.identifier = "acme-database-db-other00";
        });
        expect(findings(missingBackupSelection, stack).map((finding) => finding.resource)).toEqual(["acme-database-db"]);
    });

    it("GIVEN an RDS instance whose ARN (CrossGuard) is the selected one WHEN checked THEN it is selected", () => {
        const stack = withProps(dataStack(), "acme-database-db", (props) => {
            props.arn = idsOf("acme").databaseArn;
            props.identifier = "acme-database-db-90abff8";
        });
        expect(findings(missingBackupSelection, stack)).toEqual([]);
    });

    it("GIVEN a selection of every resource (`*`) WHEN checked THEN the data is selected", () => {
        const stack = withProps(dataStack(), "acme-backup-database-selection", (props) => {
            props.resources = ["*"];
        });
        expect(findings(missingBackupSelection, stack)).toEqual([]);
    });

    it("GIVEN a database server (EC2 tagged role=database) WHEN only the database plan names it THEN it is selected, and WHEN none does THEN it is reported", () => {
        const server = policyResource(
            "aws:ec2/instance:Instance",
            "acme-database-server-instance",
            "i-3824149335ffa5bac",
            { instanceType: "m6i.large", tags: { Name: "acme-database-server", role: "database" } },
            "acme-database-server",
        );
        const unselected = adding(dataStack(), server);
        expect(findings(missingBackupSelection, unselected)).toEqual([
            {
                resource: "acme-database-server-instance",
                message: "no backup selection names this database; the database rules of the backup promise (database-every-2-hours, database-daily, database-weekly) must back it up",
            },
        ]);
        const selected = withProps(unselected, "acme-backup-database-selection", (props) => {
            props.resources = [...(props.resources as string[]), `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-3824149335ffa5bac`];
        });
        expect(findings(missingBackupSelection, selected)).toEqual([]);
    });
});

describe("backup-vault-lock", () => {
    it("GIVEN the home vault's lock is gone WHEN checked THEN the vault is reported", () => {
        const stack = without(dataStack(), "acme-backup-vault-lock");
        expect(findings(enforceBackupVaultLock, stack)).toEqual([
            {
                resource: "acme-backup-vault",
                message: "no vault lock (aws:backup/vaultLockConfiguration:VaultLockConfiguration with backupVaultName acme-backup-vault-2ad6088)",
            },
        ]);
    });

    it("GIVEN the off-site lock names the home vault WHEN checked THEN the off-site vault is reported", () => {
        const stack = withProps(dataStack(), "acme-backup-offsite-vault-lock", (props) => {
            props.backupVaultName = idsOf("acme").vault;
        });
        expect(findings(enforceBackupVaultLock, stack)).toEqual([
            {
                resource: "acme-backup-offsite-vault",
                message: "no vault lock (aws:backup/vaultLockConfiguration:VaultLockConfiguration with backupVaultName acme-backup-offsite-vault-cdc97f2)",
            },
        ]);
    });

    it("GIVEN a vault known by its name property only (CrossGuard, before its id) WHEN its lock names it THEN it is locked", () => {
        const stack = withResource(dataStack(), "acme-backup-vault", (vault) => ({ ...vault, id: undefined, props: { ...vault.props, name: idsOf("acme").vault } }));
        expect(findings(enforceBackupVaultLock, stack)).toEqual([]);
    });

    it("GIVEN a vault with neither id nor name WHEN checked THEN it is reported, not passed", () => {
        const stack = withResource(dataStack(), "acme-backup-vault", (vault) => ({ ...vault, id: undefined }));
        expect(findings(enforceBackupVaultLock, stack)).toEqual([
            { resource: "acme-backup-vault", message: "cannot tell the vault's name, so no lock can be shown to apply to it" },
        ]);
    });

    it("GIVEN the home vault's lock with maxRetentionDays 100 WHEN checked THEN the vault is reported: the final backup before a destroy is kept 365 days there (no rule's job is refused: they keep at most 31)", () => {
        const stack = withProps(dataStack(), "acme-backup-vault-lock", (props) => {
            props.maxRetentionDays = 100;
        });
        expect(findings(enforceBackupVaultLock, stack)).toEqual([
            {
                resource: "acme-backup-vault",
                message:
                    "its lock acme-backup-vault-lock has maxRetentionDays 100; the backup promise keeps recovery points in its home vault (the plan rules' own points, and the final backup before a destroy) up to 365 days",
            },
        ]);
    });

    it("GIVEN the off-site vault's lock with maxRetentionDays 100 WHEN checked THEN the vault is reported with each weekly copy it would refuse: the weekly copies are kept 365 days there", () => {
        const stack = withProps(dataStack(), "acme-backup-offsite-vault-lock", (props) => {
            props.maxRetentionDays = 100;
        });
        const found = findings(enforceBackupVaultLock, stack);
        expect(found[0]).toEqual({
            resource: "acme-backup-offsite-vault",
            message: "its lock acme-backup-offsite-vault-lock has maxRetentionDays 100; the backup promise keeps recovery points in its off-site vault (the plan rules' copies) up to 365 days",
        });
        expect(found.slice(1).map((finding) => finding.message)).toEqual([
            'acme-backup-database-plan rule "database-weekly" copies recovery points here kept 365 days, outside its lock acme-backup-offsite-vault-lock\'s 7 to 100 days: AWS Backup fails every such copy',
            'acme-backup-files-plan rule "files-weekly" copies recovery points here kept 365 days, outside its lock acme-backup-offsite-vault-lock\'s 7 to 100 days: AWS Backup fails every such copy',
        ]);
    });

    it("GIVEN a home lock of 7 to 31 days (the rules' home retentions alone) WHEN checked THEN it is refused: the final backup before a destroy lands there for 365 days", () => {
        const stack = withProps(dataStack(), "acme-backup-vault-lock", (props) => {
            props.maxRetentionDays = 31;
        });
        expect(findings(enforceBackupVaultLock, stack).map((finding) => finding.message)).toEqual([expect.stringMatching(/^its lock acme-backup-vault-lock has maxRetentionDays 31; .* final backup before a destroy\) up to 365 days$/)]);
    });

    it("GIVEN a rule keeping its recovery points for good in a vault whose lock has a maximum WHEN checked THEN the vault names the rule: AWS Backup fails its jobs", () => {
        const stack = changeDatabaseRule("database-every-2-hours", (rule) => {
            delete rule.lifecycle;
        });
        expect(findings(enforceBackupVaultLock, stack)).toContainEqual({
            resource: "acme-backup-vault",
            message: expect.stringMatching(/^acme-backup-database-plan rule "database-every-2-hours" keeps its recovery points here for good \(no deleteAfter\), outside its lock acme-backup-vault-lock's \d+ to \d+ days: AWS Backup fails every such job$/),
        });
    });

    it("GIVEN a lock whose minRetentionDays is 30 WHEN checked THEN the vault is reported: the 2-hourly backups are kept 7 days", () => {
        const stack = withProps(dataStack(), "acme-backup-vault-lock", (props) => {
            props.minRetentionDays = 30;
        });
        const found = findings(enforceBackupVaultLock, stack);
        expect(found[0]).toEqual({
            resource: "acme-backup-vault",
            message: "its lock acme-backup-vault-lock has minRetentionDays 30; the backup promise keeps recovery points in its home vault (the plan rules' own points, and the final backup before a destroy) from 7 days",
        });
        expect(found.slice(1).map((finding) => finding.message)).toContainEqual(
            'acme-backup-database-plan rule "database-every-2-hours" keeps its recovery points here 7 days, outside its lock acme-backup-vault-lock\'s 30 to 366 days: AWS Backup fails every such job',
        );
    });

    it("GIVEN a lock whose maxRetentionDays cannot be read WHEN checked THEN the vault is reported, not passed", () => {
        const stack = withProps(dataStack(), "acme-backup-vault-lock", (props) => {
            props.maxRetentionDays = "a year";
        });
        expect(findings(enforceBackupVaultLock, stack)).toEqual([
            {
                resource: "acme-backup-vault",
                message: 'its lock acme-backup-vault-lock has maxRetentionDays "a year"; the backup promise keeps recovery points in its home vault (the plan rules\' own points, and the final backup before a destroy) up to 365 days',
            },
        ]);
    });

    it("GIVEN a lock without bounds WHEN checked THEN the vault is locked and admits every retention", () => {
        const stack = withProps(dataStack(), "acme-backup-vault-lock", (props) => {
            delete props.minRetentionDays;
            delete props.maxRetentionDays;
        });
        expect(findings(enforceBackupVaultLock, stack)).toEqual([]);
    });
});

describe("rds-instance-backup-retention and rds-instance-deletion-protection", () => {
    it.each([
        [3, "backupRetentionPeriod is 3; expected at least 7 days"],
        [0, "backupRetentionPeriod is 0; expected at least 7 days"],
        [undefined, "backupRetentionPeriod is not set (RDS then keeps 1 day); expected at least 7"],
    ])("GIVEN backupRetentionPeriod %s WHEN checked THEN: %s", (period, message) => {
        const stack = withProps(dataStack(), "acme-database-db", (props) => {
            props.backupRetentionPeriod = period;
        });
        expect(findings(enforceRdsBackupRetention, stack)).toEqual([{ resource: "acme-database-db", message }]);
    });

    it("GIVEN backupRetentionPeriod 35 WHEN checked THEN it is compliant", () => {
        const stack = withProps(dataStack(), "acme-database-db", (props) => {
            props.backupRetentionPeriod = 35;
        });
        expect(findings(enforceRdsBackupRetention, stack)).toEqual([]);
    });

    const NO_TAG = "it carries no offboarding-final-backup tag (only the offboarding of `npm run destroy` lifts protection, after the final backup, and tags the resource with its recovery points)";
    it.each([
        [false, `deletionProtection is false; expected true, unless the stack is being offboarded, and ${NO_TAG}`],
        [undefined, `deletionProtection is not set (off); expected true, unless the stack is being offboarded, and ${NO_TAG}`],
    ])("GIVEN deletionProtection %s WHEN checked THEN: %s", (protection, message) => {
        const stack = withProps(dataStack(), "acme-database-db", (props) => {
            props.deletionProtection = protection;
        });
        expect(findings(enforceRdsDeletionProtection, stack)).toEqual([{ resource: "acme-database-db", message }]);
    });
});

describe("deletion protection during the offboarding (rds-instance-deletion-protection, lb-load-balancer-deletion-protection)", () => {
    const FINAL = `arn:aws:rds:eu-west-1:${ACCOUNT}:snapshot:awsbackup:job-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b arn:aws:backup:eu-west-1:${ACCOUNT}:recovery-point:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d`;
    const cases = [
        { rule: enforceRdsDeletionProtection, name: "acme-database-db", field: "deletionProtection" },
        { rule: enforceLoadBalancerDeletionProtection, name: "acme-front-door-alb", field: "enableDeletionProtection" },
    ];
    const unprotected = (name: string, field: string, tag?: unknown) =>
        withProps(dataStack(), name, (props) => {
            props[field] = false;
            if (tag !== undefined) {
                props.tags = { ...(props.tags as Record<string, unknown>), "offboarding-final-backup": tag };
            }
        });

    it.each(cases)("GIVEN $name off and tagged with the final backup's recovery points WHEN checked THEN it is admitted", ({ rule, name, field }) => {
        expect(findings(rule, unprotected(name, field, FINAL))).toEqual([]);
    });

    it.each(cases)("GIVEN $name off without the tag WHEN checked THEN it is refused", ({ rule, name, field }) => {
        expect(findings(rule, unprotected(name, field))).toEqual([{ resource: name, message: `${field} is false; expected true, unless the stack is being offboarded, and it carries no offboarding-final-backup tag (only the offboarding of \`npm run destroy\` lifts protection, after the final backup, and tags the resource with its recovery points)` }]);
    });

    it.each([
        ["yes", '"yes"'],
        ["", '""'],
        [`arn:aws:s3:::acme-files`, '"arn:aws:s3:::acme-files"'],
        [`${FINAL} pending`, JSON.stringify(`${FINAL} pending`)],
    ])("GIVEN the tag %j (no recovery points) WHEN checked THEN it is refused", (tag, shown) => {
        for (const { rule, name, field } of cases) {
            expect(findings(rule, unprotected(name, field, tag))).toEqual([
                { resource: name, message: `${field} is false; expected true, unless the stack is being offboarded, and its offboarding-final-backup tag is ${shown}, not the recovery point ARNs of a final backup` },
            ]);
        }
    });

    it("GIVEN the load balancer protected WHEN checked THEN it is compliant; protection not set is refused", () => {
        expect(findings(enforceLoadBalancerDeletionProtection, dataStack())).toEqual([]);
        const unset = withProps(dataStack(), "acme-front-door-alb", (props) => {
            delete props.enableDeletionProtection;
        });
        expect(findings(enforceLoadBalancerDeletionProtection, unset)[0]!.message).toMatch(/^enableDeletionProtection is not set \(off\); expected true/);
    });
});

describe("backup-vault-notifications", () => {
    const notifications = "acme-backup-vault-notifications";

    it("GIVEN the home vault without notifications WHEN checked THEN it is reported; the off-site vault is not applicable", () => {
        expect(findings(enableBackupVaultNotifications, without(dataStack(), notifications))).toEqual([
            {
                resource: "acme-backup-vault",
                message: `no vault notifications (aws:backup/vaultNotifications:VaultNotifications with backupVaultName ${idsOf("acme").vault}): failed and expired backup jobs and failed off-site copies reach nobody`,
            },
        ]);
    });

    it("GIVEN notifications of another vault WHEN checked THEN the home vault is still reported", () => {
        const stack = withProps(dataStack(), notifications, (props) => {
            props.backupVaultName = "someone-elses-vault";
        });
        expect(findings(enableBackupVaultNotifications, stack).map((finding) => finding.resource)).toEqual(["acme-backup-vault"]);
    });

    it.each([
        [["BACKUP_JOB_COMPLETED", "S3_BACKUP_OBJECT_FAILED"], "its notifications omit COPY_JOB_FAILED (failed off-site copies)"],
        [
            ["BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED", "COPY_JOB_FAILED", "S3_BACKUP_OBJECT_FAILED"],
            "its notifications omit BACKUP_JOB_COMPLETED (failed and expired backup jobs (their State)); BACKUP_JOB_FAILED, BACKUP_JOB_EXPIRED are deprecated: AWS Backup sends no notification for them",
        ],
        [["BACKUP_JOB_STARTED"], "its notifications omit BACKUP_JOB_COMPLETED (failed and expired backup jobs (their State)), COPY_JOB_FAILED (failed off-site copies), S3_BACKUP_OBJECT_FAILED (S3 objects a backup skipped)"],
    ])("GIVEN events %j WHEN checked THEN: %s", (events, message) => {
        const stack = withProps(dataStack(), notifications, (props) => {
            props.backupVaultEvents = events;
        });
        expect(findings(enableBackupVaultNotifications, stack)).toEqual([{ resource: "acme-backup-vault", message }]);
    });

    it.each([
        [`arn:aws:sns:us-east-1:${ACCOUNT}:ops`, `its notifications acme-backup-vault-notifications publish to arn:aws:sns:us-east-1:${ACCOUNT}:ops, outside the vault's region eu-west-1`],
        ["ops-topic", 'its notifications acme-backup-vault-notifications name "ops-topic" as snsTopicArn, not an SNS topic ARN'],
    ])("GIVEN the topic %s WHEN checked THEN: %s", (topic, message) => {
        const stack = withProps(dataStack(), notifications, (props) => {
            props.snsTopicArn = topic;
        });
        expect(findings(enableBackupVaultNotifications, stack)).toEqual([{ resource: "acme-backup-vault", message }]);
    });

    it("GIVEN a saas tenant (no vault) WHEN checked THEN there is nothing to judge", () => {
        expect(findings(enableBackupVaultNotifications, saasStack())).toEqual([]);
    });

    it("GIVEN the pack during an update WHEN it judges the stack THEN it sees the notifications beside the vault (a stack policy: a resource policy sees one resource alone)", () => {
        expect(enableBackupVaultNotifications.kind).toBe("stack");
        const policy = stackPolicy(enableBackupVaultNotifications, { tenantDir: FIXTURE_TENANTS });
        const asCrossGuard = (stack: PolicyStack) =>
            ({
                resources: stack.resources.map((resource) => ({ type: resource.type, name: resource.name, urn: `urn:pulumi:acme::tenant-platform::${resource.type}::${resource.name}`, props: { ...resource.props, id: resource.id }, opts: { protect: false } })),
                getConfig: () => ({}),
            }) as unknown as StackValidationArgs;
        const run = (stack: PolicyStack) => {
            const reported: [string, string | undefined][] = [];
            (policy.validateStack as (a: StackValidationArgs, r: (m: string, u?: string) => void) => void)(asCrossGuard(stack), (message, urn) => reported.push([message, urn]));
            return reported;
        };
        expect(run(dataStack())).toEqual([]);
        expect(run(without(dataStack(), notifications))).toEqual([[expect.stringMatching(/^no vault notifications/), "urn:pulumi:acme::tenant-platform::aws:backup/vault:Vault::acme-backup-vault"]]);
    });
});

describe("cloudtrail-trail-audit", () => {
    const trail = "platform-eu-west-1-audit-trail";

    it("GIVEN a tenant stack without a trail WHEN checked THEN it is not applicable", () => {
        expect(findings(enableCloudTrailAudit, dataStack())).toEqual([]);
    });

    const NO_TRAIL_MESSAGE =
        "no CloudTrail trail (aws:cloudtrail/trail:Trail), no StackReference to the home platform (platform-<homeRegion>) that owns the account's trail, " +
        "and no record of an organisation trail (aws:ssm/parameter:Parameter tagged audit-trail=organization with the trail's ARN): the account's activity would go unrecorded";

    it("GIVEN a platform stack without a trail WHEN checked THEN the stack is reported", () => {
        expect(findings(enableCloudTrailAudit, without(platformStack(), trail))).toEqual([{ resource: "platform-eu-west-1", message: NO_TRAIL_MESSAGE }]);
    });

    it("GIVEN another region's platform without a trail that references the home platform WHEN checked THEN it is compliant (the home stack's trail records the account)", () => {
        const other = without(platformStack("platform-us-east-1"), "platform-us-east-1-audit-trail");
        const reference = policyResource("pulumi:pulumi:StackReference", "platform-eu-west-1", "organization/tenant-platform/platform-eu-west-1", {
            name: "organization/tenant-platform/platform-eu-west-1",
        });
        expect(findings(enableCloudTrailAudit, adding(other, reference))).toEqual([]);
    });

    it("GIVEN a platform without a trail whose only StackReference is to itself or to a tenant WHEN checked THEN it is reported", () => {
        const other = without(platformStack("platform-us-east-1"), "platform-us-east-1-audit-trail");
        const self = policyResource("pulumi:pulumi:StackReference", "platform-us-east-1", "x", { name: "organization/tenant-platform/platform-us-east-1" });
        const tenant = policyResource("pulumi:pulumi:StackReference", "acme", "y", { name: "organization/tenant-platform/acme" });
        expect(findings(enableCloudTrailAudit, adding(adding(other, self), tenant))).toEqual([{ resource: "platform-us-east-1", message: NO_TRAIL_MESSAGE }]);
    });

    it.each([
        ["the organisation trail's ARN", "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail", []],
        ["a value that is no trail ARN", "none", [{ resource: "platform-eu-west-1", message: NO_TRAIL_MESSAGE }]],
    ])("GIVEN the home platform without a trail recording %s as the organisation trail WHEN checked THEN: %j", (_, value, expected) => {
        const record = policyResource("aws:ssm/parameter:Parameter", "platform-eu-west-1-organization-trail", "/platform-eu-west-1/organization-trail", {
            type: "String",
            value,
            tags: { "audit-trail": "organization" },
        });
        expect(findings(enableCloudTrailAudit, adding(without(platformStack(), trail), record))).toEqual(expected);
    });

    it.each([
        ["isMultiRegionTrail", false, "isMultiRegionTrail is not true (activity in other regions would go unrecorded)"],
        ["isMultiRegionTrail", undefined, "isMultiRegionTrail is not true (activity in other regions would go unrecorded)"],
        ["enableLogFileValidation", false, "enableLogFileValidation is not true (altered or deleted log files could not be detected)"],
        ["enableLogging", false, "enableLogging is false (the trail records nothing)"],
    ])("GIVEN the trail's %s is %s WHEN checked THEN: %s", (field, value, message) => {
        const stack = withProps(platformStack(), trail, (props) => {
            props[field] = value;
        });
        expect(findings(enableCloudTrailAudit, stack)).toEqual([{ resource: trail, message }]);
    });

    it("GIVEN the trail records management events only WHEN checked THEN the missing S3 data events are reported", () => {
        const stack = withProps(platformStack(), trail, (props) => {
            props.advancedEventSelectors = (props.advancedEventSelectors as unknown[]).slice(0, 1);
        });
        expect(findings(enableCloudTrailAudit, stack)).toEqual([
            {
                resource: trail,
                message:
                    "logs no S3 data events (expected an advancedEventSelectors entry with eventCategory Data and resources.type AWS::S3::Object, or eventSelectors with AWS::S3::Object dataResources)",
            },
        ]);
    });

    const NO_MANAGEMENT =
        "logs no management events, or only the reads or the writes (expected an advancedEventSelectors entry with eventCategory Management and no readOnly field, or eventSelectors including management events with readWriteType All): the calls made on the servers would go unrecorded";
    const PART_OF_S3 =
        "logs only part of the S3 data events (a readOnly field, or resources.ARN naming buckets with equals/startsWith, or classic readWriteType other than All or data resources short of every bucket): expected every read and write on every bucket, log buckets excepted with notStartsWith";

    it.each([
        ["records S3 data events only (no management selector)", (selectors: Record<string, unknown>[]) => selectors.splice(0, 1), NO_MANAGEMENT],
        ["records only read-only management events", (selectors: Record<string, unknown>[]) => (selectors[0]!.fieldSelectors as unknown[]).push({ field: "readOnly", equals: ["true"] }), NO_MANAGEMENT],
        ["records only the S3 writes", (selectors: Record<string, unknown>[]) => (selectors[1]!.fieldSelectors as unknown[]).push({ field: "readOnly", equals: ["false"] }), PART_OF_S3],
        ["records the S3 events of one named bucket", (selectors: Record<string, unknown>[]) => (selectors[1]!.fieldSelectors as unknown[]).push({ field: "resources.ARN", startsWiths: ["arn:aws:s3:::some-bucket/"] }), PART_OF_S3],
    ])("GIVEN the trail %s WHEN checked THEN it is reported", (_, change, message) => {
        const stack = withProps(platformStack(), trail, (props) => {
            change(props.advancedEventSelectors as Record<string, unknown>[]);
        });
        expect(findings(enableCloudTrailAudit, stack)).toEqual([{ resource: trail, message }]);
    });

    it.each([
        ["write-only", [{ readWriteType: "WriteOnly", includeManagementEvents: true, dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }], [NO_MANAGEMENT, PART_OF_S3]],
        [
            "S3 data events of one bucket",
            [{ readWriteType: "All", includeManagementEvents: true, dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3:::some-bucket/"] }] }],
            [PART_OF_S3],
        ],
        ["management events excluded", [{ readWriteType: "All", includeManagementEvents: false, dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }], [NO_MANAGEMENT]],
    ])("GIVEN classic event selectors recording %s WHEN checked THEN it is reported", (_, eventSelectors, messages) => {
        const stack = withProps(platformStack(), trail, (props) => {
            delete props.advancedEventSelectors;
            props.eventSelectors = eventSelectors;
        });
        expect(findings(enableCloudTrailAudit, stack)).toEqual(messages.map((message) => ({ resource: trail, message })));
    });

    it("GIVEN classic event selectors with S3 data resources WHEN checked THEN the trail is compliant", () => {
        const stack = withProps(platformStack(), trail, (props) => {
            delete props.advancedEventSelectors;
            props.eventSelectors = [{ readWriteType: "All", includeManagementEvents: true, dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }];
        });
        expect(findings(enableCloudTrailAudit, stack)).toEqual([]);
    });

    it("GIVEN a second, single-region trail beside the compliant one WHEN checked THEN nothing is found", () => {
        const second = policyResource("aws:cloudtrail/trail:Trail", "platform-eu-west-1-extra-trail", "trail-0000000000000000a", { isMultiRegionTrail: false });
        expect(findings(enableCloudTrailAudit, adding(platformStack(), second))).toEqual([]);
    });
});

describe("guardduty-detector-enabled", () => {
    const detector = "platform-eu-west-1-detection-detector";

    const NO_DETECTOR_MESSAGE =
        "no GuardDuty detector (aws:guardduty/detector:Detector) in the platform stack's region, and no adopted one " +
        "(an aws:cloudwatch/eventRule:EventRule on aws.guardduty findings tagged guardduty-detector=<detector id>)";

    it("GIVEN a platform stack without a detector WHEN checked THEN the stack is reported", () => {
        expect(findings(enableGuardDutyDetector, without(platformStack(), detector))).toEqual([{ resource: "platform-eu-west-1", message: NO_DETECTOR_MESSAGE }]);
    });

    it.each([
        ["an adopted detector's id on the findings rule", '{"source":["aws.guardduty"]}', "0123456789abcdef0123456789abcdef", []],
        ["a tag that is no detector id", '{"source":["aws.guardduty"]}', "mine", [{ resource: "platform-eu-west-1", message: NO_DETECTOR_MESSAGE }]],
        ["the tag on a rule that is not about GuardDuty", '{"source":["aws.ec2"]}', "0123456789abcdef0123456789abcdef", [{ resource: "platform-eu-west-1", message: NO_DETECTOR_MESSAGE }]],
    ])("GIVEN no detector but %s WHEN checked THEN: %j", (_, eventPattern, id, expected) => {
        const rule = policyResource("aws:cloudwatch/eventRule:EventRule", "platform-eu-west-1-detection-findings-adopted", "rule-adopted", {
            eventPattern,
            tags: { "guardduty-detector": id },
        });
        expect(findings(enableGuardDutyDetector, adding(without(platformStack(), detector), rule))).toEqual(expected);
    });

    it("GIVEN a platform recovery environment without a detector WHEN idle or active THEN reported (GuardDuty is on in every region the platform uses)", () => {
        const idle = { ...without(platformStack(), detector), stack: "platform-eu-west-1-recovery" };
        const idleNoServers = { ...idle, resources: idle.resources.filter((resource) => !["aws:ec2/instance:Instance", "aws:rds/instance:Instance", "aws:rds/cluster:Cluster"].includes(resource.type)) };
        expect(findings(enableGuardDutyDetector, idleNoServers)).toEqual([{ resource: "platform-eu-west-1-recovery", message: NO_DETECTOR_MESSAGE }]);
        const active = adding(idleNoServers, policyResource("aws:ec2/instance:Instance", "platform-eu-west-1-recovery-app-0-instance", "i-0123456789abcdef0", {}));
        expect(findings(enableGuardDutyDetector, active)).toEqual([{ resource: "platform-eu-west-1-recovery", message: NO_DETECTOR_MESSAGE }]);
    });

    it("GIVEN an active platform recovery that adopts its region's detector from the owner WHEN checked THEN it passes", () => {
        const rule = policyResource("aws:cloudwatch/eventRule:EventRule", "platform-eu-west-1-recovery-detection-findings", "rule-adopted", {
            eventPattern: '{"source":["aws.guardduty"]}',
            tags: { "guardduty-detector": "0123456789abcdef0123456789abcdef", "guardduty-detector-owner": "platform-eu-central-1" },
        });
        expect(findings(enableGuardDutyDetector, adding({ ...without(platformStack(), detector), stack: "platform-eu-west-1-recovery" }, rule))).toEqual([]);
    });

    it("GIVEN a platform drill copy that creates a detector WHEN checked THEN the detector is refused; the same in its -recovery stack passes", () => {
        expect(findings(enableGuardDutyDetector, { ...platformStack(), stack: "platform-eu-west-1-drill" })).toEqual([
            {
                resource: detector,
                message:
                    "a drill copy creates the region's GuardDuty detector, which its teardown would delete (GuardDuty off in the region, findings gone); adopt the region's detector from its owner " +
                    "(an aws:cloudwatch/eventRule:EventRule on aws.guardduty findings tagged guardduty-detector=<detector id>, guardduty-detector-owner=<owner stack>)",
            },
        ]);
        expect(findings(enableGuardDutyDetector, { ...platformStack(), stack: "platform-eu-west-1-recovery" })).toEqual([]);
    });

    it("GIVEN the detector is disabled WHEN checked THEN the detector is reported", () => {
        const stack = withProps(platformStack(), detector, (props) => {
            props.enable = false;
        });
        expect(findings(enableGuardDutyDetector, stack)).toEqual([{ resource: detector, message: "enable is false; expected the detector on" }]);
    });

    const UNHEARD =
        "no enabled aws:cloudwatch/eventRule:EventRule on aws.guardduty findings targets an SNS topic of the stack whose policy admits the rule: " +
        "its findings (intrusions, compromised credentials) would warn nobody; expected the findings rule to the operations topic";

    it.each([
        ["the findings rule disabled", (stack: PolicyStack) => withProps(stack, "platform-eu-west-1-detection-findings", (props) => void (props.state = "DISABLED"))],
        ["the findings rule without its target", (stack: PolicyStack) => without(stack, "platform-eu-west-1-detection-findings-to-operations")],
        ["the findings sent to a topic of another account", (stack: PolicyStack) => withProps(stack, "platform-eu-west-1-detection-findings-to-operations", (props) => void (props.arn = "arn:aws:sns:eu-west-1:999999999999:elsewhere"))],
        ["the topic's policy not admitting the rule", (stack: PolicyStack) => without(stack, "platform-eu-west-1-operations-topic-policy")],
    ])("GIVEN the detector on but %s WHEN checked THEN the detector is reported: its findings warn nobody", (_, change) => {
        expect(findings(enableGuardDutyDetector, change(platformStack()))).toEqual([{ resource: detector, message: UNHEARD }]);
    });

    it("GIVEN the detector leaves enable unset (AWS's default: on) WHEN checked THEN it is compliant; a tenant stack is not applicable", () => {
        const stack = withProps(platformStack(), detector, (props) => {
            delete props.enable;
        });
        expect(findings(enableGuardDutyDetector, stack)).toEqual([]);
        expect(findings(enableGuardDutyDetector, dataStack())).toEqual([]);
    });
});

describe("ec2-vpc-flow-log", () => {
    it("GIVEN the flow log is gone WHEN checked THEN the VPC is reported", () => {
        expect(findings(missingVpcFlowLog, without(dataStack(), "acme-network-flow-log"))).toEqual([
            { resource: "acme-network-vpc", message: "no flow log (aws:ec2/flowLog:FlowLog with vpcId vpc-ea0664e7e1cd95584)" },
        ]);
    });

    it("GIVEN the flow log records another VPC WHEN checked THEN the VPC is reported", () => {
        const stack = withProps(dataStack(), "acme-network-flow-log", (props) => {
            props.vpcId = "vpc-0000000000000000a";
        });
        expect(findings(missingVpcFlowLog, stack)).toEqual([{ resource: "acme-network-vpc", message: "no flow log (aws:ec2/flowLog:FlowLog with vpcId vpc-ea0664e7e1cd95584)" }]);
    });

    it("GIVEN a VPC without an id yet and no flow log WHEN checked THEN it is reported", () => {
        const stack = withResource(without(dataStack(), "acme-network-flow-log"), "acme-network-vpc", (vpc) => ({ ...vpc, id: undefined }));
        expect(findings(missingVpcFlowLog, stack)).toEqual([{ resource: "acme-network-vpc", message: "no flow log (aws:ec2/flowLog:FlowLog with vpcId <this VPC's id>)" }]);
    });
});

describe("tenant-isolation-markers", () => {
    it.each([
        ["a VPC id", "vpcId", GLOBEX_MARKERS[2] as string, 'vpcId mentions tenant "globex" (its marker vpc-0b7c3d2e1f4a5b6c7)'],
        ["a CIDR inside a longer text", "description", "allow 10.21.0.0/16 in", 'description mentions tenant "globex" (its marker 10.21.0.0/16)'],
        ["a KMS key id inside an ARN", "kmsKeyId", `arn:aws:kms:eu-west-1:${ACCOUNT}:key/a1b2c3d4-0000-4000-8000-000000000001`, 'kmsKeyId mentions tenant "globex" (its marker a1b2c3d4-0000-4000-8000-000000000001)'],
        ["its id as the first segment of a name", "logGroupName", "globex-network-flow-logs", 'logGroupName mentions tenant "globex" (its id)'],
        ["its id as a tenant prefix inside a script", "description", "aws s3 sync s3://shared/tenants/globex/ /tmp", 'description mentions tenant "globex" (its id, in tenants/globex/)'],
        ["its bucket inside a script", "description", "aws s3 cp s3://globex-files-bucket-657cc6b/dump.sql -", 'description mentions tenant "globex" (its marker globex-files-bucket-657cc6b)'],
        ["its key id inside a script", "description", "openssl enc -k a1b2c3d4-0000-4000-8000-000000000001", 'description mentions tenant "globex" (its marker a1b2c3d4-0000-4000-8000-000000000001)'],
    ])("GIVEN a property holding %s of another tenant WHEN checked THEN the resource is reported", (_label, field, value, message) => {
        const stack = withProps(dataStack(), "acme-network-flow-log", (props) => {
            props[field] = value;
        });
        expect(findings(disallowOtherTenantMarkers, stack)).toEqual([{ resource: "acme-network-flow-log", message }]);
    });

    it("GIVEN a nested property naming another tenant's bucket WHEN checked THEN its path is given", () => {
        const stack = withProps(dataStack(), "acme-backup-files-selection", (props) => {
            props.resources = [`arn:aws:s3:::${idsOf("acme").bucket}`, "arn:aws:s3:::globex-files-bucket-657cc6b"];
        });
        expect(findings(disallowOtherTenantMarkers, stack)).toEqual([
            { resource: "acme-backup-files-selection", message: 'resources[1] mentions tenant "globex" (its marker globex-files-bucket-657cc6b)' },
        ]);
    });

    it.each([
        ["nglobex-files"],
        ["globexs"],
        ["globex2"],
        ["10.210.0.0/16"],
        // Words in free text are no reference: a company's name, a name-like word in a sentence.
        ["Globex Corporation"],
        ["copied from globex-files"],
        ["globex"],
    ])("GIVEN %s in free text WHEN checked THEN it is no mention of globex", (value) => {
        const stack = withProps(dataStack(), "acme-network-flow-log", (props) => {
            props.description = value;
        });
        expect(findings(disallowOtherTenantMarkers, stack)).toEqual([]);
    });

    it("GIVEN our own id contains another tenant's as a segment (trial-lumen and lumen) WHEN our names are checked THEN they are no mention of lumen, but a name of lumen's is", () => {
        const settings: PolicySettings = { ...SETTINGS, otherTenants: [{ tenant: "lumen", markers: [] }] };
        expect(findings(disallowOtherTenantMarkers, dataStack("trial-lumen"), settings)).toEqual([]);
        const stack = withProps(dataStack("trial-lumen"), "trial-lumen-network-flow-log", (props) => {
            props.description = "trial-lumen copies lumen-settings";
            props.tags = { ...(props.tags as Record<string, unknown>), Name: "lumen-settings" };
        });
        expect(findings(disallowOtherTenantMarkers, stack, settings)).toEqual([{ resource: "trial-lumen-network-flow-log", message: 'tags.Name mentions tenant "lumen" (its id)' }]);
    });

    it("GIVEN one fleet and the same strings in several tenants' stacks WHEN judged in any order, twice THEN each stack's findings are its own: a host two tenants declare is neither's, a marker its owner's own", () => {
        // Alpha and beta both declare shared.example.org; gamma declares none; beta owns the marker vpc-0beta.
        const fleetSettings: PolicySettings = {
            ...SETTINGS,
            otherTenants: [
                { tenant: "alpha", markers: ["vpc-0alpha"] },
                { tenant: "beta", markers: ["vpc-0beta"] },
                { tenant: "gamma", markers: [] },
            ],
            hosts: {
                baseDomain: "itm.example.net",
                tenants: [
                    { tenant: "alpha", host: "shared.example.org" },
                    { tenant: "beta", host: "Shared.Example.org" },
                ],
            },
        };
        const TEXT = "curl https://shared.example.org/ --vpc vpc-0beta";
        const stackOf = (tenant: string): PolicyStack =>
            withProps(dataStack(tenant), `${tenant}-network-flow-log`, (props) => {
                props.description = TEXT;
                props.tags = { ...(props.tags as Record<string, unknown>), note: "shared.example.org" };
            });
        const expected: Record<string, Finding[]> = {
            alpha: [{ resource: "alpha-network-flow-log", message: 'description mentions tenant "beta" (its marker vpc-0beta)' }],
            beta: [],
            // The host first (the marker after it is the same tenant's, at the same path).
            gamma: [
                { resource: "gamma-network-flow-log", message: 'tags.note mentions tenant "beta" (its host name shared.example.org)' },
                { resource: "gamma-network-flow-log", message: 'description mentions tenant "beta" (its host name shared.example.org)' },
            ],
        };
        for (const order of [["alpha", "beta", "gamma"], ["gamma", "beta", "alpha"], ["beta", "gamma", "alpha", "gamma", "beta", "alpha"]]) {
            for (const tenant of order) {
                expect(findings(disallowOtherTenantMarkers, stackOf(tenant), fleetSettings), `${tenant} after ${order.join(", ")}`).toEqual(expected[tenant]);
            }
        }
        // A host no other tenant declares is no mention, and one the fleet does not declare in these settings neither.
        expect(findings(disallowOtherTenantMarkers, stackOf("gamma"), { ...fleetSettings, hosts: { baseDomain: "itm.example.net", tenants: [{ tenant: "gamma", host: "shared.example.org" }] } })).toEqual([
            { resource: "gamma-network-flow-log", message: 'description mentions tenant "beta" (its marker vpc-0beta)' },
        ]);
    });

    it("GIVEN another tenant's id where a value names a tenant (a tag, a tag target, a JSON document's tenant) WHEN checked THEN each is reported", () => {
        const stack = withProps(dataStack(), "acme-network-flow-log", (props) => {
            props.tags = { ...(props.tags as Record<string, unknown>), tenant: "globex" };
            props.targets = [{ key: "tag:PatchGroup", values: ["acme", "globex"] }];
            props.policy = JSON.stringify({ Statement: [{ Condition: { StringEquals: { "aws:ResourceTag/tenant": "globex" } } }] });
        });
        expect(findings(disallowOtherTenantMarkers, stack)).toEqual([
            { resource: "acme-network-flow-log", message: 'tags.tenant mentions tenant "globex" (its id)' },
            { resource: "acme-network-flow-log", message: 'targets[0].values[1] mentions tenant "globex" (its id)' },
            { resource: "acme-network-flow-log", message: 'policy.Statement[0].Condition.StringEquals.aws:ResourceTag/tenant mentions tenant "globex" (its id)' },
        ]);
    });

    it("GIVEN another tenant's host name inside a script WHEN the fleet's hosts are known THEN it is reported", () => {
        const settings: PolicySettings = { ...SETTINGS, hosts: { baseDomain: "itm.example.net", tenants: [{ tenant: "globex", host: "globex.itm.example.net" }, { tenant: "acme", host: "acme.itm.example.net" }] } };
        const stack = withProps(dataStack(), "acme-network-flow-log", (props) => {
            props.description = "curl -fsS https://GLOBEX.itm.example.net/login && curl https://acme.itm.example.net/";
        });
        expect(findings(disallowOtherTenantMarkers, stack, settings)).toEqual([
            { resource: "acme-network-flow-log", message: 'description mentions tenant "globex" (its host name GLOBEX.itm.example.net)' },
        ]);
    });

    it("GIVEN another tenant's host name as a fully qualified DNS name (a trailing dot) WHEN checked THEN it is reported, once", () => {
        const settings: PolicySettings = { ...SETTINGS, hosts: { baseDomain: "itm.example.net", tenants: [{ tenant: "globex", host: "globex.itm.example.net" }] } };
        const stack = withProps(dataStack(), "acme-network-flow-log", (props) => {
            props.description = "dig globex.itm.example.net. && dig globex.itm.example.net.. && dig xglobex.itm.example.net.";
        });
        expect(findings(disallowOtherTenantMarkers, stack, settings)).toEqual([
            { resource: "acme-network-flow-log", message: 'description mentions tenant "globex" (its host name globex.itm.example.net.)' },
        ]);
    });

    it("GIVEN a fleet that declares a host without a dot WHEN a script names it THEN it is still found (only dotted tokens are looked up where every host has a dot)", () => {
        const settings: PolicySettings = { ...SETTINGS, hosts: { baseDomain: "itm.example.net", tenants: [{ tenant: "globex", host: "globex-intranet" }, { tenant: "initech", host: "initech.itm.example.net" }] } };
        const stack = withProps(dataStack(), "acme-network-flow-log", (props) => {
            props.description = "curl http://GLOBEX-INTRANET/login; curl https://initech.itm.example.net/";
        });
        expect(findings(disallowOtherTenantMarkers, stack, settings)).toEqual([
            { resource: "acme-network-flow-log", message: 'description mentions tenant "globex" (its host name GLOBEX-INTRANET)' },
            { resource: "acme-network-flow-log", message: 'description mentions tenant "initech" (its host name initech.itm.example.net)' },
        ]);
    });

    it("GIVEN a value two tenants list as their marker WHEN checked THEN it identifies neither", () => {
        const settings: PolicySettings = { ...SETTINGS, otherTenants: [...SETTINGS.otherTenants, { tenant: "initech", markers: ["vpc-0b7c3d2e1f4a5b6c7"] }] };
        const stack = withProps(dataStack(), "acme-network-flow-log", (props) => {
            props.vpcId = "vpc-0b7c3d2e1f4a5b6c7";
        });
        expect(findings(disallowOtherTenantMarkers, stack, settings)).toEqual([]);
    });

    it("GIVEN the fleet's list holds the stack's own entry WHEN checked THEN its own markers and id are no mention of anyone", () => {
        const own = dataStack();
        const settings: PolicySettings = { ...SETTINGS, otherTenants: [{ tenant: own.stack, markers: own.resources.map((resource) => resource.id ?? "").filter(Boolean) }, ...SETTINGS.otherTenants] };
        expect(findings(disallowOtherTenantMarkers, own, settings)).toEqual(findings(disallowOtherTenantMarkers, own));
    });

    it("GIVEN a platform stack (no other tenants in its settings) WHEN checked THEN nothing is found", () => {
        expect(findings(disallowOtherTenantMarkers, platformStack(), NO_TENANTS)).toEqual([]);
        // The pack lists every tenant for any stack: a platform stack is still not applicable.
        const mentioning = withProps(platformStack(), "platform-eu-west-1-aws", (props) => {
            props.description = "vpc-0b7c3d2e1f4a5b6c7 tenants/globex/";
        });
        expect(findings(disallowOtherTenantMarkers, mentioning)).toEqual([]);
        expect(findings(disallowOtherTenantMarkers, { ...mentioning, kind: undefined })).toEqual([]);
    });
});

describe("aws-provider-default-tags", () => {
    type Tags = Record<string, unknown>;
    const retag = (change: (tags: Tags) => void): PolicyStack =>
        withProps(dataStack(), "acme-aws", (props) => {
            change((props.defaultTags as { tags: Tags }).tags);
        });

    it.each([
        ["tenant missing", (tags: Tags) => delete tags.tenant, "defaultTags.tags.tenant is missing or empty"],
        ["mode empty", (tags: Tags) => (tags.mode = " "), "defaultTags.tags.mode is missing or empty"],
        ["managed-by missing", (tags: Tags) => delete tags["managed-by"], "defaultTags.tags.managed-by is missing or empty"],
        ["tenant another's", (tags: Tags) => (tags.tenant = "globex"), 'defaultTags.tags.tenant is "globex"; expected "acme", the stack\'s name'],
        ["mode another kind", (tags: Tags) => (tags.mode = "vpn"), 'defaultTags.tags.mode is "vpn"; expected "cloud", the stack\'s kind'],
    ])("GIVEN the provider's default tags with %s WHEN checked THEN the provider is reported", (_label, change, message) => {
        expect(findings(enforceProviderDefaultTags, retag(change))).toEqual([{ resource: "acme-aws", message }]);
    });

    it("GIVEN a provider without defaultTags WHEN checked THEN it is reported", () => {
        const stack = withProps(dataStack(), "acme-aws-offsite", (props) => {
            delete props.defaultTags;
        });
        expect(findings(enforceProviderDefaultTags, stack)).toEqual([
            { resource: "acme-aws-offsite", message: "has no defaultTags.tags; expected tenant, mode, managed-by on every resource it creates" },
        ]);
    });

    it("GIVEN a stack of unknown kind WHEN checked THEN the mode tag is reported, not passed", () => {
        const stack = { ...dataStack(), kind: undefined };
        expect(findings(enforceProviderDefaultTags, stack)).toContainEqual({
            resource: "acme-aws",
            message: 'defaultTags.tags.mode is "cloud", and the stack\'s kind is unknown; expected one of saas, dedicated-saas, physical, cloud, vpn, vpn-sync, platform',
        });
    });

    it("GIVEN default tags as JSON text (a provider's nested input in CrossGuard) WHEN checked THEN they are read", () => {
        const stack = withProps(dataStack(), "acme-aws", (props) => {
            props.defaultTags = JSON.stringify(props.defaultTags);
        });
        expect(findings(enforceProviderDefaultTags, stack)).toEqual([]);
        const wrong = withProps(dataStack(), "acme-aws", (props) => {
            props.defaultTags = JSON.stringify({ tags: { tenant: "acme", mode: "cloud" } });
        });
        expect(findings(enforceProviderDefaultTags, wrong)).toEqual([{ resource: "acme-aws", message: "defaultTags.tags.managed-by is missing or empty" }]);
    });
});

describe("aws-resource-stack-tags", () => {
    it.each([
        ["tenant", "globex", 'tags.tenant is "globex", overriding the stack\'s "acme"'],
        ["mode", "saas", 'tags.mode is "saas", overriding the stack\'s "cloud"'],
        ["managed-by", "terraform", 'tags.managed-by is "terraform", overriding the stack\'s "pulumi/tenant-platform"'],
    ])("GIVEN a resource's own tags set %s to %s WHEN checked THEN it is reported", (key, value, message) => {
        const stack = withProps(dataStack(), "acme-files-bucket", (props) => {
            (props.tags as Record<string, unknown>)[key] = value;
        });
        expect(findings(disallowStackTagOverride, stack)).toEqual([{ resource: "acme-files-bucket", message }]);
    });

    it("GIVEN a resource's own tags repeat the stack's values WHEN checked THEN nothing is found", () => {
        const stack = withProps(dataStack(), "acme-files-bucket", (props) => {
            props.tags = { ...(props.tags as object), tenant: "acme", mode: "cloud", "managed-by": "pulumi/tenant-platform" };
        });
        expect(findings(disallowStackTagOverride, stack)).toEqual([]);
    });

    it("GIVEN tagsAll (CrossGuard) with the stack's three tags WHEN checked THEN nothing is found", () => {
        const stack = withProps(dataStack(), "acme-files-bucket", (props) => {
            props.tagsAll = { ...(props.tags as object), tenant: "acme", mode: "cloud", "managed-by": "pulumi/tenant-platform", environment: "production" };
        });
        expect(findings(disallowStackTagOverride, stack)).toEqual([]);
    });

    it.each([
        ["without managed-by", { tenant: "acme", mode: "cloud" }, 'tagsAll.managed-by is missing; expected "pulumi/tenant-platform"'],
        ["with another tenant", { tenant: "globex", mode: "cloud", "managed-by": "pulumi/tenant-platform" }, 'tagsAll.tenant is "globex"; expected "acme"'],
    ])("GIVEN tagsAll %s WHEN checked THEN it is reported", (_label, tagsAll, message) => {
        const stack = withProps(dataStack(), "acme-files-bucket", (props) => {
            props.tagsAll = tagsAll;
        });
        expect(findings(disallowStackTagOverride, stack)).toEqual([{ resource: "acme-files-bucket", message }]);
    });

    it("GIVEN providers that set no managed-by WHEN a resource sets one THEN it is reported, not passed", () => {
        let stack = dataStack();
        for (const name of ["acme-aws", "acme-aws-offsite"]) {
            stack = withProps(stack, name, (props) => {
                delete (props.defaultTags as { tags: Record<string, unknown> }).tags["managed-by"];
            });
        }
        stack = withProps(stack, "acme-files-bucket", (props) => {
            (props.tags as Record<string, unknown>)["managed-by"] = "pulumi/tenant-platform";
        });
        expect(findings(disallowStackTagOverride, stack)).toEqual([
            { resource: "acme-files-bucket", message: "tags.managed-by is \"pulumi/tenant-platform\", overriding the stack's nothing the stack's providers set" },
        ]);
    });
});

describe("the planned fixture fleet under the operations rules", () => {
    let document: PlanDocument;

    beforeAll(async () => {
        document = await planOfFixtureFleet();
    });

    it("GIVEN every fixture tenant and every platform WHEN the operations rules run THEN there is no violation at all", () => {
        expect(document.errors).toEqual([]);
        const violations = document.tenants.flatMap((plan) => evaluate(stackFromPlan(plan), settingsFor(plan, document), OPERATIONS_RULES).map((violation) => ({ stack: plan.tenant, ...violation })));
        expect(violations).toEqual([]);
    });

    it("GIVEN the planned fleet WHEN read THEN the rules had something to check: every kind that owns data has its plans, platforms their trail and detector", () => {
        const kinds = new Set(document.tenants.map((plan) => plan.mode));
        expect([...kinds].sort()).toEqual(["cloud", "dedicated-saas", "physical", "platform", "saas", "vpn", "vpn-sync"]);
        for (const plan of document.tenants) {
            const types = plan.resources.map((resource) => resource.type);
            if (plan.mode !== "saas") {
                // An idle recovery environment holds no data until restored into: no plan of its own.
                expect(types.filter((type) => type === "aws:backup/plan:Plan"), plan.tenant).toHaveLength(plan.recoveryOf === undefined ? 2 : 0);
            }
            if (plan.mode === "platform" && plan.recoveryOf === undefined) {
                // One trail for the account, the home platform's; the others read it from there.
                const trails = types.filter((type) => type === "aws:cloudtrail/trail:Trail");
                expect(trails, plan.tenant).toHaveLength(plan.tenant === "platform-eu-west-1" ? 1 : 0);
                expect(types, plan.tenant).toContain("aws:guardduty/detector:Detector");
            }
        }
    });

    it("GIVEN a tenant's plan that copies into another tenant's VPC id WHEN checked THEN isolation reports it (the rule sees the fleet's real markers)", () => {
        const acme = document.tenants.find((plan) => plan.tenant === "acme");
        const globex = document.tenants.find((plan) => plan.tenant === "globex");
        const globexVpc = globex?.resources.find((resource) => resource.type === "aws:ec2/vpc:Vpc");
        expect(acme && globexVpc).toBeTruthy();
        const stack = stackFromPlan(acme!);
        const tampered = withProps(stack, "acme-network-flow-log", (props) => {
            props.vpcId = globexVpc!.id;
        });
        expect(findings(disallowOtherTenantMarkers, tampered, settingsFor(acme!, document))).toEqual([
            { resource: "acme-network-flow-log", message: `vpcId mentions tenant "globex" (its marker ${globexVpc!.id})` },
        ]);
    });
});
