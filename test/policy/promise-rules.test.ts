// Promises that used to pass the policy when broken in a saved plan (issue 17, deliverable 4). A
// fixture fleet (a platform, a cloud tenant with servers, database, front door and check; a saas
// tenant) is planned in-process; each case breaks ONE planned value of the document, as an edit of
// a saved plan would, and checks it the way `npm run policy -- --plan FILE.json` does
// (readPlanDocument, then withViolations): exactly the one violation, naming the resource at fault.
// The unbroken document has none.

import { beforeAll, describe, expect, it } from "vitest";

import schema from "../../tenant-configs/tenant.schema.json";
import { AVAILABILITY_CHECK_MINUTES, availabilityScheduleExpression, availabilityScheduleProblem } from "../../lib/promises/availability";
import { DEFAULT_PATCH_SCHEDULE, weekendCloseProblem, weekendDatabaseWindowProblem } from "../../lib/promises/maintenance";
import { isTenantSettingsParameterName, PASSWORD_MIN_LENGTH, tenantSettingsParameterName } from "../../lib/promises/passwords";
import { Violation } from "../../policy/rules";
import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
import { withViolations } from "../../scripts/lib/plan/policy";
import { readPlanDocument } from "../../scripts/policy";
import { resolveTenant, TenantDocument } from "../../stacks/config/tenant";

const REGION = "eu-west-1";
const DOCS: TenantDocument[] = [
    { tenant: "orbit", company: "Orbit", mode: "cloud", region: REGION, domain: { subdomain: "orbit" }, network: { cidr: "10.61.0.0/16" } },
    { tenant: "solo", company: "Solo", mode: "saas", region: REGION },
];

let document: PlanDocument;

beforeAll(async () => {
    const tenants = DOCS.map((doc) => resolveTenant(doc, `fixtures/${doc.tenant}.yaml`));
    document = await planFleet({ tenants, platformRegions: [REGION] });
    expect(document.errors).toEqual([]);
});

type Inputs = Record<string, any>;

/** The violations `npm run policy -- --plan` reports for `doc`, as "stack policy resource: message". */
function violationsOf(doc: unknown): { stack: string; violation: Violation }[] {
    const read = readPlanDocument(JSON.stringify(doc));
    expect(read.problems).toEqual([]);
    return withViolations(read.document!).tenants.flatMap((plan) => plan.violations.map((violation) => ({ stack: plan.tenant, violation })));
}

/** The document with one resource's inputs changed (the resource must exist). */
function broken(stack: string, resource: string, mutate: (inputs: Inputs) => void): unknown {
    const copy = structuredClone(document) as unknown as { tenants: { tenant: string; resources: { name: string; inputs: Inputs }[] }[] };
    const target = copy.tenants.find((plan) => plan.tenant === stack)?.resources.find((candidate) => candidate.name === resource);
    expect(target, `${stack} ${resource}`).toBeDefined();
    mutate(target!.inputs);
    return copy;
}

const SETTINGS_WITH = (length: number) => (inputs: Inputs) => {
    inputs.insecureValue = (inputs.insecureValue as string).replace(/"passwordMinLength":\d+/, `"passwordMinLength":${length}`);
};

/** [what is broken, stack, resource mutated, mutation, policy, resource named, message] */
const CASES: [string, string, string, (inputs: Inputs) => void, string, string, string][] = [
    [
        "the patch window moved to a Wednesday",
        "orbit",
        "orbit-patching-window",
        (inputs) => (inputs.schedule = "cron(0 2 ? * WED *)"),
        "patch-window-weekend",
        "orbit-patching-window",
        "schedule: cron(0 2 ? * WED *) is not allowed; day-of-week WED is not only SAT/SUN, expected cron(minutes hours ? month day-of-week year) with day-of-week SAT and/or SUN, e.g. cron(0 2 ? * SAT *)",
    ],
    [
        "the patch window opened late on Sunday, running into Monday",
        "orbit",
        "orbit-patching-window",
        (inputs) => (inputs.schedule = "cron(0 22 ? * SUN *)"),
        "patch-window-weekend",
        "orbit-patching-window",
        "schedule: cron(0 22 ? * SUN *) with a 4-hour window opens on Sunday as late as 22:00 and runs into Monday; expected the window to close by Sunday 24:00",
    ],
    [
        "the patch window offset onto a weekday",
        "orbit",
        "orbit-patching-window",
        (inputs) => (inputs.scheduleOffset = 3),
        "patch-window-weekend",
        "orbit-patching-window",
        "scheduleOffset is 3: the window opens that many days after its cron's weekend day, which may be a weekday; expected none",
    ],
    [
        "the patch window's Saturday 02:00 put in Pacific/Kiritimati (UTC+14: Friday 12:00 UTC)",
        "orbit",
        "orbit-patching-window",
        (inputs) => (inputs.scheduleTimezone = "Pacific/Kiritimati"),
        "patch-window-weekend",
        "orbit-patching-window",
        "schedule: cron(0 2 ? * SAT *) in scheduleTimezone Pacific/Kiritimati (UTC+14:00) with a 4-hour window runs from Friday 12:00 to Friday 16:00 UTC, outside the weekend; expected the window within the service's weekend in UTC, Saturday 00:00 to Sunday 24:00 (or scheduleTimezone UTC)",
    ],
    [
        "the patch window moved to Sunday 18:00 in America/Los_Angeles (Monday 01:00 or 02:00 UTC)",
        "orbit",
        "orbit-patching-window",
        (inputs) => {
            inputs.schedule = "cron(0 18 ? * SUN *)";
            inputs.scheduleTimezone = "America/Los_Angeles";
        },
        "patch-window-weekend",
        "orbit-patching-window",
        "schedule: cron(0 18 ? * SUN *) in scheduleTimezone America/Los_Angeles (UTC-08:00) with a 4-hour window runs from Monday 02:00 to Monday 06:00 UTC, outside the weekend; expected the window within the service's weekend in UTC, Saturday 00:00 to Sunday 24:00 (or scheduleTimezone UTC)",
    ],
    [
        "the patch window in a zone that is no zone",
        "orbit",
        "orbit-patching-window",
        (inputs) => (inputs.scheduleTimezone = "Mars/Olympus_Mons"),
        "patch-window-weekend",
        "orbit-patching-window",
        'scheduleTimezone "Mars/Olympus_Mons" is not a time zone the policy can read, so the window\'s day in UTC cannot be told; expected the window within the service\'s weekend in UTC, Saturday 00:00 to Sunday 24:00 (or scheduleTimezone UTC)',
    ],
    [
        "the patch window disabled",
        "orbit",
        "orbit-patching-window",
        (inputs) => (inputs.enabled = false),
        "patch-window-weekend",
        "orbit-patching-window",
        "enabled is false: the window never opens and the servers are never patched; expected true",
    ],
    [
        "the availability check at rate(1 hour)",
        "orbit",
        "orbit-check-canary",
        (inputs) => (inputs.schedule.expression = "rate(1 hour)"),
        "availability-check-every-5-minutes",
        "orbit-check-canary",
        'schedule.expression is "rate(1 hour)": the check runs every 60 minutes, not every 5; expected rate(5 minutes) (or more often: rate(1 minute) to rate(5 minutes))',
    ],
    [
        "the availability check never started",
        "platform-eu-west-1",
        "platform-eu-west-1-check-canary",
        (inputs) => (inputs.startCanary = false),
        "availability-check-every-5-minutes",
        "platform-eu-west-1-check-canary",
        "startCanary is false: the canary is created stopped and checks nothing; expected true",
    ],
    [
        "the availability check stopped after an hour",
        "orbit",
        "orbit-check-canary",
        (inputs) => (inputs.schedule.durationInSeconds = 3600),
        "availability-check-every-5-minutes",
        "orbit-check-canary",
        "schedule.durationInSeconds is 3600: Synthetics stops the canary's runs after that time; expected 0 (run for as long as the canary exists)",
    ],
    [
        "the availability check's failure alarm told nobody",
        "orbit",
        "orbit-check-alarm",
        (inputs) => (inputs.alarmActions = []),
        "availability-check-alarmed",
        "orbit-check-canary",
        "its alarms (orbit-check-alarm) have no enabled alarm action: a failed check warns nobody; expected alarmActions naming the operations topic",
    ],
    [
        "the availability check pointed at example.com",
        "orbit",
        "orbit-check-canary",
        (inputs) => (inputs.runConfig.environmentVariables.CHECK_URL = "https://example.com"),
        "availability-check-own-host",
        "orbit-check-canary",
        "runConfig.environmentVariables.CHECK_URL is https://example.com: the check requests example.com, not this stack's own host, so it proves nothing about this stack's service; expected https://orbit.itm.example.net (orbit's host name (its url))",
    ],
    [
        "the availability check's failure alarm judging a day",
        "orbit",
        "orbit-check-alarm",
        (inputs) => (inputs.period = 86400),
        "availability-check-alarmed",
        "orbit-check-canary",
        "no alarm with an enabled action fires after 2 failed runs of the 5-minute check (orbit-check-alarm: period is 86400; expected at most 300 seconds (one run of the 5-minute check))",
    ],
    [
        "the availability check's silence alarm counting no data as fine",
        "platform-eu-west-1",
        "platform-eu-west-1-check-silence-alarm",
        (inputs) => (inputs.treatMissingData = "notBreaching"),
        "availability-check-alarmed",
        "platform-eu-west-1-check-canary",
        'no alarm with an enabled action fires after 3 periods of the 5-minute check without a run (platform-eu-west-1-check-silence-alarm: treatMissingData is "notBreaching": a check that stops reporting leaves no data, which this alarm never counts; expected "breaching")',
    ],
    [
        "the dedicated tenant's password minimum set to 6",
        "orbit",
        "orbit-settings-parameter",
        SETTINGS_WITH(6),
        "tenant-password-min-length",
        "orbit-settings-parameter",
        "passwordMinLength is 6 in the settings the app reads; expected a whole number of at least 10 characters",
    ],
    [
        "the saas tenant's password minimum set to 9",
        "solo",
        "solo-settings-parameter",
        SETTINGS_WITH(9),
        "tenant-password-min-length",
        "solo-settings-parameter",
        "passwordMinLength is 9 in the settings the app reads; expected a whole number of at least 10 characters",
    ],
    [
        "the tenant's settings without a password policy",
        "solo",
        "solo-settings-parameter",
        (inputs) => (inputs.insecureValue = (inputs.insecureValue as string).replace(/"passwordMinLength":\d+,/, "")),
        "tenant-password-min-length",
        "solo-settings-parameter",
        "the tenant settings have no passwordMinLength: the app's password policy cannot be told; expected passwordMinLength of at least 10",
    ],
    [
        "the flow log recording rejected traffic only",
        "orbit",
        "orbit-network-flow-log",
        (inputs) => (inputs.trafficType = "REJECT"),
        "ec2-flow-log-all-traffic",
        "orbit-network-flow-log",
        'trafficType is "REJECT": the log records only part of the traffic; expected "ALL"',
    ],
    [
        "a data key made RSA",
        "orbit",
        "orbit-keys-data",
        (inputs) => (inputs.customerMasterKeySpec = "RSA_2048"),
        "kms-key-aes-256",
        "orbit-keys-data",
        'key spec is "RSA_2048" for ENCRYPT_DECRYPT: not a 256-bit AES key, and the storage services encrypt data with symmetric keys only; expected SYMMETRIC_DEFAULT (AES-256-GCM)',
    ],
    [
        "a data key's policy opened to every account (the AWS services' statement without its conditions)",
        "orbit",
        "orbit-keys-data",
        (inputs) => {
            const policy = JSON.parse(inputs.policy);
            policy.Statement = policy.Statement.map((statement: Inputs) => (statement.Sid === "UseThroughAwsServices" ? { ...statement, Condition: undefined } : statement));
            inputs.policy = JSON.stringify(policy);
        },
        "kms-key-policy-restricted",
        "orbit-keys-data",
        'statement "UseThroughAwsServices" allows ["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey","kms:CreateGrant","kms:ListGrants"] to every principal ("*") with no condition naming the account (kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalArn): anyone with an AWS account could use the key; expected the key kept to the account',
    ],
    [
        "the database accepting plaintext connections",
        "orbit",
        "orbit-database-params",
        (inputs) => (inputs.parameters = inputs.parameters.map((parameter: Inputs) => (parameter.name === "rds.force_ssl" ? { ...parameter, value: "0" } : parameter))),
        "rds-instance-tls-required",
        "orbit-database-db",
        'parameter group orbit-database-params-PLACEHOLDER sets rds.force_ssl to "0": the database accepts unencrypted connections; expected 1',
    ],
    [
        "the database's maintenance on a Wednesday",
        "orbit",
        "orbit-database-db",
        (inputs) => (inputs.maintenanceWindow = "wed:02:00-wed:03:00"),
        "rds-instance-maintenance-weekend",
        "orbit-database-db",
        'maintenanceWindow "wed:02:00-wed:03:00" is not within the weekend; expected a window from Saturday 00:00 to Sunday 24:00 UTC, e.g. "sun:02:00-sun:03:00"',
    ],
    [
        "the web firewall counting suspicious networks instead of blocking them",
        "orbit",
        "orbit-front-door-waf",
        (inputs) => (inputs.rules = inputs.rules.map((rule: Inputs) => (rule.name === "block-suspicious-networks" ? { ...rule, action: { count: {} } } : rule))),
        "wafv2-web-acl-blocks-suspicious-networks",
        "orbit-front-door-waf",
        "no rule blocks an IP set (action block with an ipSetReferenceStatement): networks found suspicious cannot be blocked; expected the suspicious-networks rule",
    ],
    [
        "the blocked-ports alarm telling nobody",
        "orbit",
        "orbit-network-blocked-ports-alarm",
        (inputs) => (inputs.alarmActions = []),
        "ec2-flow-log-rejections-alarmed",
        "orbit-network-flow-log",
        "no alarm with an enabled action watches its rejected-packet metric (orbit-network-rejected-packets): blocked access attempts warn nobody",
    ],
    [
        "the blocked-ports alarm raised to a threshold no attempt reaches",
        "orbit",
        "orbit-network-blocked-ports-alarm",
        (inputs) => (inputs.threshold = 1e12),
        "ec2-flow-log-rejections-alarmed",
        "orbit-network-flow-log",
        "orbit-network-blocked-ports-alarm: threshold 1000000000000: attempts on blocked ports below it warn nobody; expected at most 1000 rejected packets",
    ],
    [
        "the blocked-ports alarm waiting a day",
        "orbit",
        "orbit-network-blocked-ports-alarm",
        (inputs) => (inputs.period = 86400),
        "ec2-flow-log-rejections-alarmed",
        "orbit-network-flow-log",
        "orbit-network-blocked-ports-alarm: period 86400 s over 1 data point(s): an attempt warns after more than 5 minutes, or never; expected 5 minutes at most",
    ],
    [
        "the blocked-ports alarm firing on few rejections only",
        "orbit",
        "orbit-network-blocked-ports-alarm",
        (inputs) => (inputs.comparisonOperator = "LessThanThreshold"),
        "ec2-flow-log-rejections-alarmed",
        "orbit-network-flow-log",
        'orbit-network-blocked-ports-alarm: comparisonOperator "LessThanThreshold" does not fire on many rejected packets; expected GreaterThanOrEqualToThreshold',
    ],
    [
        "the flow logs kept a month",
        "orbit",
        "orbit-network-flow-logs",
        (inputs) => (inputs.retentionInDays = 30),
        "logs-evidence-retained",
        "orbit-network-flow-logs",
        "retentionInDays is 30: the network's flow logs would be deleted before a year; expected at least 365 days (or no expiry)",
    ],
    [
        "the operations VPN's connections unlogged",
        "platform-eu-west-1",
        "platform-eu-west-1-operations-vpn-endpoint",
        (inputs) => (inputs.connectionLogOptions = { enabled: false }),
        "ec2-client-vpn-connection-logs",
        "platform-eu-west-1-operations-vpn-endpoint",
        "connectionLogOptions.enabled is false: who connected to the administration network is nowhere on record; expected true with a cloudwatchLogGroup",
    ],
    [
        "the GuardDuty findings rule raised to severity 9 and above (GuardDuty's high findings are 7-8.9)",
        "platform-eu-west-1",
        "platform-eu-west-1-detection-findings",
        (inputs) => (inputs.eventPattern = inputs.eventPattern.replace('[">=",4]', '[">=",9]')),
        "guardduty-detector-enabled",
        "platform-eu-west-1-detection-findings",
        'eventPattern severity [{"numeric":[">=",9]}] does not admit every finding of severity 4 to 10: those it drops would warn nobody; expected {"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"],"detail":{"severity":[{"numeric":[">=",4]}]}} (or a looser floor)',
    ],
    [
        "the GuardDuty findings rule on another detail-type",
        "platform-eu-west-1",
        "platform-eu-west-1-detection-findings",
        (inputs) => (inputs.eventPattern = inputs.eventPattern.replace('"GuardDuty Finding"', '"GuardDuty Malware Protection Object Scan Result"')),
        "guardduty-detector-enabled",
        "platform-eu-west-1-detection-findings",
        'eventPattern detail-type ["GuardDuty Malware Protection Object Scan Result"] does not match GuardDuty\'s findings ("GuardDuty Finding"); expected {"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"],"detail":{"severity":[{"numeric":[">=",4]}]}} (or a looser floor)',
    ],
    [
        "the GuardDuty findings rule narrowed to one finding type",
        "platform-eu-west-1",
        "platform-eu-west-1-detection-findings",
        (inputs) => (inputs.eventPattern = JSON.stringify({ ...JSON.parse(inputs.eventPattern), detail: { severity: [{ numeric: [">=", 4] }], type: [{ prefix: "Recon:" }] } })),
        "guardduty-detector-enabled",
        "platform-eu-west-1-detection-findings",
        'eventPattern also filters on detail "type": findings not matching it would warn nobody; expected {"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"],"detail":{"severity":[{"numeric":[">=",4]}]}} (or a looser floor)',
    ],
    [
        "the GuardDuty findings rule on another source",
        "platform-eu-west-1",
        "platform-eu-west-1-detection-findings",
        (inputs) => (inputs.eventPattern = inputs.eventPattern.replace('"aws.guardduty"', '"aws.securityhub"')),
        "guardduty-detector-enabled",
        "platform-eu-west-1-detection-detector",
        "no enabled aws:cloudwatch/eventRule:EventRule on aws.guardduty findings targets an SNS topic of the stack whose policy admits the rule: its findings (intrusions, compromised credentials) would warn nobody; expected the findings rule to the operations topic",
    ],
    [
        "GuardDuty's S3 data events switched off",
        "platform-eu-west-1",
        "platform-eu-west-1-detection-s3-data-events",
        (inputs) => (inputs.status = "DISABLED"),
        "guardduty-detector-protection-plans",
        "platform-eu-west-1-detection-s3-data-events",
        'status is "DISABLED"; expected "ENABLED": GuardDuty would not watch object-level access to the S3 buckets (data exfiltration)',
    ],
    [
        "GuardDuty's RDS login events switched off",
        "platform-eu-west-1",
        "platform-eu-west-1-detection-rds-login-events",
        (inputs) => (inputs.status = "DISABLED"),
        "guardduty-detector-protection-plans",
        "platform-eu-west-1-detection-rds-login-events",
        'status is "DISABLED"; expected "ENABLED": GuardDuty would not watch logins to the databases (brute force, anomalous access)',
    ],
    [
        "GuardDuty's findings published every six hours",
        "platform-eu-west-1",
        "platform-eu-west-1-detection-detector",
        (inputs) => (inputs.findingPublishingFrequency = "SIX_HOURS"),
        "guardduty-detector-protection-plans",
        "platform-eu-west-1-detection-detector",
        'findingPublishingFrequency is "SIX_HOURS": updates of an open finding would reach the team late; expected "FIFTEEN_MINUTES"',
    ],
];

describe("promises that passed the policy when broken in a saved plan", () => {
    it("GIVEN the fixture fleet as planned WHEN checked THEN no stack has a violation", () => {
        expect(violationsOf(document)).toEqual([]);
    });

    it.each(CASES)("GIVEN %s WHEN the saved plan is checked THEN exactly that violation names the resource", (_what, stack, resource, mutate, policy, named, message) => {
        const doc = broken(stack, resource, mutate);
        const groupName = /parameter group (\S+) /.exec(message) ? parameterGroupName(stack) : undefined;
        expect(violationsOf(doc)).toEqual([{ stack, violation: { policy, resource: named, message: groupName ? message.replace("orbit-database-params-PLACEHOLDER", groupName) : message, enforcement: "mandatory" } }]);
    });
});

describe("patch-window-weekend judges the weekend in UTC", () => {
    const weekend = (doc: unknown) => violationsOf(doc).filter(({ violation }) => violation.policy === "patch-window-weekend").map(({ violation }) => violation.message);

    it.each([
        ["Europe/Lisbon", "cron(0 2 ? * SAT *)"],
        ["Etc/UTC", "cron(0 2 ? * SAT *)"],
        ["America/New_York", "cron(0 2 ? * SAT *)"],
        ["Asia/Tokyo", "cron(0 12 ? * SAT *)"],
    ])("GIVEN the patch window in %s at %s, inside the UTC weekend at every offset WHEN checked THEN nothing is named", (zone, schedule) => {
        expect(
            weekend(
                broken("orbit", "orbit-patching-window", (inputs) => {
                    inputs.scheduleTimezone = zone;
                    inputs.schedule = schedule;
                }),
            ),
        ).toEqual([]);
    });

    it("GIVEN Sunday 23:00 in Europe/Berlin, 2 hours (into Monday 01:00 there, closing by Sunday 24:00 UTC) WHEN checked THEN nothing is named: the weekend is the service's, in UTC", () => {
        expect(
            weekend(
                broken("orbit", "orbit-patching-window", (inputs) => {
                    inputs.scheduleTimezone = "Europe/Berlin";
                    inputs.schedule = "cron(0 23 ? * SUN *)";
                    inputs.duration = 2;
                }),
            ),
        ).toEqual([]);
    });

    it("GIVEN Saturday 00:30 in Europe/Berlin (Friday 22:30 or 23:30 UTC) WHEN checked THEN named, at the offset that leaves the weekend", () => {
        expect(
            weekend(
                broken("orbit", "orbit-patching-window", (inputs) => {
                    inputs.scheduleTimezone = "Europe/Berlin";
                    inputs.schedule = "cron(30 0 ? * SAT *)";
                }),
            ),
        ).toEqual([
            "schedule: cron(30 0 ? * SAT *) in scheduleTimezone Europe/Berlin (UTC+01:00) with a 4-hour window runs from Friday 23:30 to Saturday 03:30 UTC, outside the weekend; expected the window within the service's weekend in UTC, Saturday 00:00 to Sunday 24:00 (or scheduleTimezone UTC)",
        ]);
    });
});

describe("patch-window-weekend on State Manager associations", () => {
    /** The document with one more AWS-RunPatchBaseline association in orbit's stack. */
    function withAssociation(inputs: Inputs): unknown {
        const copy = structuredClone(document) as unknown as { tenants: { tenant: string; resources: unknown[] }[] };
        copy.tenants.find((plan) => plan.tenant === "orbit")!.resources.push({
            type: "aws:ssm/association:Association",
            name: "orbit-weekday-install",
            id: "orbit-weekday-install",
            parent: null,
            inputs: { name: "AWS-RunPatchBaseline", targets: [{ key: "tag:PatchGroup", values: ["orbit"] }], ...inputs },
            protect: false,
            retainOnDelete: false,
        });
        return copy;
    }
    const weekend = (doc: unknown) => violationsOf(doc).filter(({ violation }) => violation.policy === "patch-window-weekend").map(({ violation }) => violation.message);

    it("GIVEN an association installing patches on a Wednesday, applied at once WHEN the saved plan is checked THEN both are named", () => {
        const messages = weekend(withAssociation({ parameters: { Operation: "Install", RebootOption: "RebootIfNeeded" }, scheduleExpression: "cron(0 10 ? * WED *)" }));
        expect([...messages].sort()).toEqual([
            "applyOnlyAtCronInterval is null: State Manager installs patches as soon as the association is created or changed, whatever the day; expected true",
            expect.stringMatching(/^schedule: cron\(0 10 \? \* WED \*\) is not allowed; day-of-week WED is not only SAT\/SUN/),
        ]);
    });

    it("GIVEN an install association without a schedule WHEN checked THEN it is named: it runs whenever it is created or changed", () => {
        expect(weekend(withAssociation({ parameters: { Operation: "Install" }, applyOnlyAtCronInterval: true }))).toEqual([
            'scheduleExpression is null for an AWS-RunPatchBaseline "Install": it runs whenever it is created or changed, any day; expected an SSM cron(...) expression on SAT and/or SUN',
        ]);
    });

    it("GIVEN a weekend install applied only at its cron, or a scan on a weekday WHEN checked THEN neither is named", () => {
        expect(weekend(withAssociation({ parameters: { Operation: "Install" }, scheduleExpression: "cron(0 2 ? * SUN *)", applyOnlyAtCronInterval: true }))).toEqual([]);
        expect(weekend(withAssociation({ parameters: { Operation: "Scan" }, scheduleExpression: "cron(0 10 ? * WED *)" }))).toEqual([]);
    });
});

describe("ec2-instance-patched", () => {
    const servers = ["orbit-servers-0-instance", "orbit-servers-1-instance"];
    const violation = (resource: string, message: string) => ({ stack: "orbit", violation: { policy: "ec2-instance-patched", resource, message, enforcement: "mandatory" } });
    const NOT_INSTALLED =
        'no maintenance window installs its patches (a MaintenanceWindowTarget selecting tag:PatchGroup "orbit" or the instance, targeted by an AWS-RunPatchBaseline task with Operation Install): the server is never patched';
    const NO_SECURITY =
        'no patch baseline of its patch group "orbit" approves Security updates within 7 days (an aws:ssm/patchGroup:PatchGroup registering a baseline with a CLASSIFICATION Security approval rule, approveAfterDays at most 7): AWS\'s default baseline would decide what is installed';

    it("GIVEN the weekend task turned into a scan WHEN the saved plan is checked THEN every server is named unpatched (the window, scanning only, may be any day)", () => {
        const doc = broken("orbit", "orbit-patching-install", (inputs) => (inputs.taskInvocationParameters.runCommandParameters.parameters[0].values = ["Scan"]));
        expect(violationsOf(doc)).toEqual(servers.map((server) => violation(server, NOT_INSTALLED)));
    });

    it("GIVEN the window's target missing the servers' patch group WHEN checked THEN every server is named unpatched", () => {
        const doc = broken("orbit", "orbit-patching-target", (inputs) => (inputs.targets = [{ key: "tag:PatchGroup", values: ["someone-else"] }]));
        expect(violationsOf(doc)).toEqual(servers.map((server) => violation(server, NOT_INSTALLED)));
    });

    it("GIVEN the baseline approving security updates after 60 days WHEN checked THEN every server is named", () => {
        const doc = broken("orbit", "orbit-patching-baseline", (inputs) => (inputs.approvalRules[0].approveAfterDays = 60));
        expect(violationsOf(doc)).toEqual(servers.map((server) => violation(server, NO_SECURITY)));
    });
});

/** The planned (auto-named) name of the stack's database parameter group. */
function parameterGroupName(stack: string): string {
    const group = document.tenants.find((plan) => plan.tenant === stack)?.resources.find((resource) => resource.name === `${stack}-database-params`);
    expect(typeof group?.inputs.name).toBe("string");
    return group!.inputs.name as string;
}

describe("the shared promises", () => {
    it("GIVEN the tenant contract WHEN read THEN its password minimum is the promise's", () => {
        const security = (schema as any).properties.security.properties.passwordMinLength;
        expect(security.minimum).toBe(PASSWORD_MIN_LENGTH);
        expect(PASSWORD_MIN_LENGTH).toBe(10);
    });

    it.each([
        ["acme", "/tenants/acme/settings", true],
        ["trial-lumen", "/tenants/trial-lumen/settings", true],
    ])("GIVEN tenant %s WHEN its settings are named THEN the name is %s and is recognised", (tenant, name, recognised) => {
        expect(tenantSettingsParameterName(tenant)).toBe(name);
        expect(isTenantSettingsParameterName(name)).toBe(recognised);
    });

    it.each(["/tenants/acme/secrets", "/tenants/settings", "tenants/acme/settings", 42])("GIVEN %s WHEN asked THEN it is no tenant's settings", (name) => {
        expect(isTenantSettingsParameterName(name)).toBe(false);
    });

    it.each([
        ["rate(5 minutes)", undefined],
        ["rate(1 minute)", undefined],
        ["rate(2 minutes)", undefined],
        ["rate(6 minutes)", /runs every 6 minutes, not every 5/],
        ["rate(1 hour)", /runs every 60 minutes, not every 5/],
        ["rate(0 minute)", /runs once, then never again/],
        ["cron(0/5 * * * ? *)", /^schedule.expression is "cron\(0\/5 \* \* \* \? \*\)"; expected rate\(5 minutes\)/],
        [undefined, /^schedule.expression is not set/],
    ])("GIVEN the canary schedule %s WHEN checked THEN the problem is %s", (expression, expected) => {
        const problem = availabilityScheduleProblem(expression);
        if (expected === undefined) {
            expect(problem).toBeUndefined();
        } else {
            expect(problem).toMatch(expected);
        }
    });

    it("GIVEN the promise WHEN the check's schedule is written THEN it is every five minutes", () => {
        expect(AVAILABILITY_CHECK_MINUTES).toBe(5);
        expect(availabilityScheduleExpression()).toBe("rate(5 minutes)");
        expect(availabilityScheduleExpression(1)).toBe("rate(1 minute)");
    });

    it.each([
        [DEFAULT_PATCH_SCHEDULE, 24, undefined],
        ["cron(0 2 ? * SUN *)", 4, undefined],
        ["cron(0 20 ? * SUN *)", 4, undefined],
        ["cron(0 21 ? * SUN *)", 4, /opens on Sunday as late as 21:00 and runs into Monday/],
        ["cron(30 20 ? * SAT,SUN *)", 4, /as late as 20:30/],
        ["cron(0 0/6 ? * SUN *)", 7, /as late as 18:00/],
        ["cron(0 0/6 ? * SUN *)", 6, undefined],
        ["cron(0 1-3 ? * 1 *)", 21, undefined],
        ["cron(0 1-3 ? * 1 *)", 22, /as late as 03:00/],
        ["cron(0 * ? * SUN *)", 2, /as late as 23:00/],
        ["cron(0 * ? * SUN *)", 1, undefined],
        ["cron(0 2 ? * SAT *)", 24, undefined],
    ])("GIVEN a window opening %s open %s hours WHEN checked THEN Monday is %s", (schedule, hours, expected) => {
        const problem = weekendCloseProblem(schedule, hours);
        if (expected === undefined) {
            expect(problem).toBeUndefined();
        } else {
            expect(problem).toMatch(expected);
        }
    });

    it.each([
        ["sun:02:00-sun:03:00", undefined],
        ["sat:00:00-sat:00:30", undefined],
        ["sat:23:30-sun:00:30", undefined],
        ["sun:23:30-mon:00:00", undefined],
        ["SUN:02:00-SUN:03:00", undefined],
        ["sun:23:30-mon:00:30", /is not within the weekend/],
        ["fri:23:30-sat:00:30", /is not within the weekend/],
        ["wed:02:00-wed:03:00", /is not within the weekend/],
        ["sun:03:00-sun:02:00", /is not within the weekend/],
        [undefined, /^maintenanceWindow is not set: RDS then picks a random day of the week/],
        ["sunday 2am", /is not ddd:hh24:mi-ddd:hh24:mi/],
    ])("GIVEN the database window %s WHEN checked THEN the problem is %s", (window, expected) => {
        const problem = weekendDatabaseWindowProblem(window);
        if (expected === undefined) {
            expect(problem).toBeUndefined();
        } else {
            expect(problem).toMatch(expected);
        }
    });
});
