// The availability check checks its own stack, and its alarms fire within the promise (security
// documentation, 8: a functional check every five minutes, "warning of any problems"). The fixture
// fleet (every mode: cloud, physical, vpn, vpn-sync with an own domain, dedicated-saas, saas, the
// platforms) is planned as production and with its recovery environments active; each case breaks
// ONE planned value of a canary or its alarms, as an edit of a saved plan would, and expects exactly
// that violation (`npm run policy -- --plan`'s reading: readPlanDocument, then withViolations).

import { beforeAll, describe, expect, it } from "vitest";

import { Violation } from "../../policy/rules";
import { PlanDocument, planFleet } from "../../scripts/lib/plan/fleet";
import { withViolations } from "../../scripts/lib/plan/policy";
import { readPlanDocument } from "../../scripts/policy";
import { loadFixtureFleet, planOfFixtureFleet } from "../fixtures/fleet";

const CANARY = "aws:synthetics/canary:Canary";
const RULES = ["availability-check-own-host", "availability-check-alarmed"];

let production: PlanDocument;
let active: PlanDocument;

beforeAll(async () => {
    production = await planOfFixtureFleet();
    const fleet = loadFixtureFleet();
    active = await planFleet({ tenants: fleet.tenants, platformRegions: [...new Set(fleet.tenants.map((tenant) => tenant.region))], config: { recoveryActive: "true" } });
    expect(production.errors).toEqual([]);
    expect(active.errors).toEqual([]);
}, 120_000);

type Inputs = Record<string, any>;

function violationsOf(doc: unknown): { stack: string; violation: Violation }[] {
    const read = readPlanDocument(JSON.stringify(doc));
    expect(read.problems).toEqual([]);
    return withViolations(read.document!).tenants.flatMap((plan) => plan.violations.map((violation) => ({ stack: plan.tenant, violation })));
}

function broken(document: PlanDocument, stack: string, resource: string, mutate: (inputs: Inputs) => void): unknown {
    const copy = structuredClone(document) as unknown as { tenants: { tenant: string; resources: { name: string; inputs: Inputs }[] }[] };
    const target = copy.tenants.find((plan) => plan.tenant === stack)?.resources.find((candidate) => candidate.name === resource);
    expect(target, `${stack} ${resource}`).toBeDefined();
    mutate(target!.inputs);
    return copy;
}

/** The canaries of a document: stack, resource, CHECK_URL. */
function canaries(document: PlanDocument): [string, string, unknown][] {
    return document.tenants.flatMap((plan) =>
        (plan.resources as unknown as { name: string; type: string; inputs: Inputs }[])
            .filter((resource) => resource.type === CANARY)
            .map((resource): [string, string, unknown] => [plan.tenant, resource.name, resource.inputs.runConfig?.environmentVariables?.CHECK_URL]),
    );
}

const checking = (url: string) => (inputs: Inputs) => {
    inputs.runConfig.environmentVariables.CHECK_URL = url;
};

const OWN = "availability-check-own-host";
const wrongHost = (value: string, host: string, expected: string, of: string): string =>
    `runConfig.environmentVariables.CHECK_URL is ${value}: the check requests ${host}, not this stack's own host, so it proves nothing about this stack's service; expected https://${expected} (${of})`;

describe("what the program builds passes, in every mode", () => {
    it("GIVEN the fixture fleet as planned WHEN checked THEN no stack has a violation, and each canary checks the stack's url", () => {
        expect(violationsOf(production)).toEqual([]);
        expect(canaries(production)).toEqual([
            ["platform-eu-west-1", "platform-eu-west-1-check-canary", "https://app.itm.example.net"],
            ["platform-eu-central-1", "platform-eu-central-1-check-canary", "https://app.eu-central-1.itm.example.net"],
            ["platform-us-east-1", "platform-us-east-1-check-canary", "https://app.us-east-1.itm.example.net"],
            ["acme", "acme-check-canary", "https://itm.acme.com"],
            ["globex", "globex-check-canary", "https://globex.itm.example.net"],
            ["helvetia-bank", "helvetia-bank-check-canary", "https://projects.helvetia-bank.ch"],
            ["initech", "initech-check-canary", "https://pm.initech.com"],
            ["northwind", "northwind-check-canary", "https://northwind.itm.example.net"],
        ]);
        const modes = new Set(production.tenants.map((plan) => plan.mode));
        expect([...modes].sort()).toEqual(["cloud", "dedicated-saas", "physical", "platform", "saas", "vpn", "vpn-sync"]);
    });

    it("GIVEN the recovery environments active WHEN checked THEN their canaries, on the check names, pass both rules", () => {
        const ours = violationsOf(active).filter(({ violation }) => RULES.includes(violation.policy));
        expect(ours).toEqual([]);
        expect(canaries(active).filter(([stack]) => stack.endsWith("-recovery"))).toEqual([
            ["platform-eu-west-1-recovery", "northwind-check-canary", "https://recovery.northwind.itm.example.net"],
            ["platform-eu-west-1-recovery", "platform-eu-west-1-recovery-check-canary", "https://recovery.app.itm.example.net"],
            ["platform-eu-central-1-recovery", "platform-eu-central-1-recovery-check-canary", "https://recovery.app.eu-central-1.itm.example.net"],
            ["platform-us-east-1-recovery", "platform-us-east-1-recovery-check-canary", "https://recovery.app.us-east-1.itm.example.net"],
            ["acme-recovery", "acme-check-canary", "https://recovery.acme.edge.itm.example.net"],
            ["globex-recovery", "globex-check-canary", "https://recovery.globex.itm.example.net"],
            ["helvetia-bank-recovery", "helvetia-bank-check-canary", "https://recovery.helvetia-bank.edge.itm.example.net"],
            ["initech-recovery", "initech-check-canary", "https://recovery.initech.edge.itm.example.net"],
        ]);
    });
});

describe("a platform's recovery planned alone (npm run plan -- platform-<region>-recovery)", () => {
    /** The active document with only the platform's stacks: no stack of the dedicated-saas tenant declares its host. */
    const alone = (document: unknown): unknown => {
        const copy = structuredClone(document) as { tenants: { tenant: string }[] };
        copy.tenants = copy.tenants.filter((plan) => plan.tenant === "platform-eu-west-1" || plan.tenant === "platform-eu-west-1-recovery");
        return copy;
    };

    it("GIVEN the tenant's check canary as planned WHEN checked THEN it passes, its host read from this stack's front door for the tenant", () => {
        const ours = violationsOf(alone(active)).filter(({ violation }) => violation.policy === OWN);
        expect(ours).toEqual([]);
    });

    it("GIVEN the tenant's check canary pointed at the shared app's check name WHEN checked THEN it is refused, against the door's host", () => {
        const document = alone(broken(active, "platform-eu-west-1-recovery", "northwind-check-canary", checking("https://recovery.app.itm.example.net")));
        const ours = violationsOf(document).filter(({ violation }) => violation.policy === OWN);
        expect(ours.map(({ stack, violation }) => [stack, violation.resource, violation.message])).toEqual([
            [
                "platform-eu-west-1-recovery",
                "northwind-check-canary",
                wrongHost(
                    "https://recovery.app.itm.example.net",
                    "recovery.app.itm.example.net",
                    "recovery.northwind.itm.example.net",
                    "tenant northwind's check name in this recovery environment, its host as this stack's front door for it serves it",
                ),
            ],
        ]);
    });
});

/** [what is broken, stack, resource mutated, mutation, policy, resource named, message] */
type Case = [string, string, string, (inputs: Inputs) => void, string, string, string];

const PRODUCTION_CASES: Case[] = [
    [
        "the vpn-sync tenant's canary pointed at example.com",
        "acme",
        "acme-check-canary",
        checking("https://example.com"),
        OWN,
        "acme-check-canary",
        wrongHost("https://example.com", "example.com", "itm.acme.com", "acme's host name (its url)"),
    ],
    [
        "the cloud tenant's canary pointed at the shared app",
        "globex",
        "globex-check-canary",
        checking("https://app.us-east-1.itm.example.net"),
        OWN,
        "globex-check-canary",
        wrongHost("https://app.us-east-1.itm.example.net", "app.us-east-1.itm.example.net", "globex.itm.example.net", "globex's host name (its url)"),
    ],
    [
        "the physical tenant's canary pointed at its edge name (the failover name, not the door's)",
        "helvetia-bank",
        "helvetia-bank-check-canary",
        checking("https://helvetia-bank.edge.itm.example.net"),
        OWN,
        "helvetia-bank-check-canary",
        wrongHost("https://helvetia-bank.edge.itm.example.net", "helvetia-bank.edge.itm.example.net", "projects.helvetia-bank.ch", "helvetia-bank's host name (its url)"),
    ],
    [
        "the vpn tenant's canary pointed at example.com",
        "initech",
        "initech-check-canary",
        checking("https://example.com"),
        OWN,
        "initech-check-canary",
        wrongHost("https://example.com", "example.com", "pm.initech.com", "initech's host name (its url)"),
    ],
    [
        "the vpn tenant's canary on plain http",
        "initech",
        "initech-check-canary",
        checking("http://pm.initech.com"),
        OWN,
        "initech-check-canary",
        "runConfig.environmentVariables.CHECK_URL is http://pm.initech.com: the check requests https on port 443 at its host only (the page is CHECK_PATH), so the URL is https://<host>; expected https://pm.initech.com (initech's host name (its url))",
    ],
    [
        "the dedicated-saas tenant's canary pointed at example.com",
        "northwind",
        "northwind-check-canary",
        checking("https://example.com"),
        OWN,
        "northwind-check-canary",
        wrongHost("https://example.com", "example.com", "northwind.itm.example.net", "northwind's host name (its url)"),
    ],
    [
        "the dedicated-saas tenant's canary without CHECK_URL",
        "northwind",
        "northwind-check-canary",
        (inputs) => delete inputs.runConfig.environmentVariables.CHECK_URL,
        OWN,
        "northwind-check-canary",
        "runConfig.environmentVariables.CHECK_URL is not set: the check's script requests no host of this stack; expected https://northwind.itm.example.net (northwind's host name (its url))",
    ],
    [
        "a platform's canary pointed at another region's shared app",
        "platform-eu-west-1",
        "platform-eu-west-1-check-canary",
        checking("https://app.us-east-1.itm.example.net"),
        OWN,
        "platform-eu-west-1-check-canary",
        wrongHost("https://app.us-east-1.itm.example.net", "app.us-east-1.itm.example.net", "app.itm.example.net", "the shared app's host, the stack's url output"),
    ],
    [
        "the failure alarm's period raised to a day",
        "globex",
        "globex-check-alarm",
        (inputs) => (inputs.period = 86400),
        "availability-check-alarmed",
        "globex-check-canary",
        "no alarm with an enabled action fires after 2 failed runs of the 5-minute check (globex-check-alarm: period is 86400; expected at most 300 seconds (one run of the 5-minute check))",
    ],
    [
        "the failure alarm's evaluation periods raised to 10",
        "acme",
        "acme-check-alarm",
        (inputs) => (inputs.evaluationPeriods = 10),
        "availability-check-alarmed",
        "acme-check-canary",
        "no alarm with an enabled action fires after 2 failed runs of the 5-minute check (acme-check-alarm: evaluationPeriods is 10: it alarms after 10 breaching periods, not 2; expected at most 2)",
    ],
    [
        "the failure alarm needing 3 of 3 datapoints",
        "platform-eu-west-1",
        "platform-eu-west-1-check-alarm",
        (inputs) => Object.assign(inputs, { evaluationPeriods: 3, datapointsToAlarm: 3 }),
        "availability-check-alarmed",
        "platform-eu-west-1-check-canary",
        "no alarm with an enabled action fires after 2 failed runs of the 5-minute check (platform-eu-west-1-check-alarm: datapointsToAlarm is 3: it alarms after 3 breaching periods, not 2; expected at most 2)",
    ],
    [
        "the silence alarm counting missing data as fine",
        "helvetia-bank",
        "helvetia-bank-check-silence-alarm",
        (inputs) => (inputs.treatMissingData = "notBreaching"),
        "availability-check-alarmed",
        "helvetia-bank-check-canary",
        'no alarm with an enabled action fires after 3 periods of the 5-minute check without a run (helvetia-bank-check-silence-alarm: treatMissingData is "notBreaching": a check that stops reporting leaves no data, which this alarm never counts; expected "breaching")',
    ],
    [
        "the silence alarm's actions disabled",
        "initech",
        "initech-check-silence-alarm",
        (inputs) => (inputs.actionsEnabled = false),
        "availability-check-alarmed",
        "initech-check-canary",
        "its silence alarms (initech-check-silence-alarm) have no enabled alarm action: a check that stops running warns nobody; expected alarmActions naming the operations topic",
    ],
    [
        "the silence alarm's actions removed",
        "northwind",
        "northwind-check-silence-alarm",
        (inputs) => (inputs.alarmActions = []),
        "availability-check-alarmed",
        "northwind-check-canary",
        "its silence alarms (northwind-check-silence-alarm) have no enabled alarm action: a check that stops running warns nobody; expected alarmActions naming the operations topic",
    ],
    [
        "the silence alarm's period raised to an hour",
        "acme",
        "acme-check-silence-alarm",
        (inputs) => (inputs.period = 3600),
        "availability-check-alarmed",
        "acme-check-canary",
        "no alarm with an enabled action fires after 3 periods of the 5-minute check without a run (acme-check-silence-alarm: period is 3600; expected at most 300 seconds (one run of the 5-minute check))",
    ],
    [
        "the silence alarm turned into a Maximum (no longer counting runs)",
        "globex",
        "globex-check-silence-alarm",
        (inputs) => (inputs.statistic = "Maximum"),
        "availability-check-alarmed",
        "globex-check-canary",
        'no alarm on its silence (SampleCount of its SuccessPercent below 1, treatMissingData "breaching"): a check that stops running warns nobody',
    ],
];

const RECOVERY_CASES: Case[] = [
    [
        "a tenant's recovery canary on production's host (which answers with production until the redirect)",
        "acme-recovery",
        "acme-check-canary",
        checking("https://itm.acme.com"),
        OWN,
        "acme-check-canary",
        wrongHost("https://itm.acme.com", "itm.acme.com", "recovery.acme.edge.itm.example.net", "acme's check name in this recovery environment"),
    ],
    [
        "a tenant's recovery canary on the drill copy's check name",
        "globex-recovery",
        "globex-check-canary",
        checking("https://drill.globex.itm.example.net"),
        OWN,
        "globex-check-canary",
        wrongHost("https://drill.globex.itm.example.net", "drill.globex.itm.example.net", "recovery.globex.itm.example.net", "globex's check name in this recovery environment"),
    ],
    [
        "the platform recovery's canary of a dedicated-saas tenant on another tenant's check name",
        "platform-eu-west-1-recovery",
        "northwind-check-canary",
        checking("https://recovery.globex.itm.example.net"),
        OWN,
        "northwind-check-canary",
        wrongHost("https://recovery.globex.itm.example.net", "recovery.globex.itm.example.net", "recovery.northwind.itm.example.net", "tenant northwind's check name in this recovery environment"),
    ],
    [
        "the platform recovery's own canary on another region's check name",
        "platform-eu-west-1-recovery",
        "platform-eu-west-1-recovery-check-canary",
        checking("https://recovery.app.us-east-1.itm.example.net"),
        OWN,
        "platform-eu-west-1-recovery-check-canary",
        wrongHost(
            "https://recovery.app.us-east-1.itm.example.net",
            "recovery.app.us-east-1.itm.example.net",
            "recovery.app.itm.example.net",
            "the shared app's check name in this recovery environment, which its certificate serves",
        ),
    ],
];

describe("a canary checking another host, or alarms that never fire in time", () => {
    it.each(PRODUCTION_CASES)("GIVEN %s WHEN the saved plan is checked THEN exactly that violation names the canary", (_what, stack, resource, mutate, policy, named, message) => {
        expect(violationsOf(broken(production, stack, resource, mutate))).toEqual([{ stack, violation: { policy, resource: named, message, enforcement: "mandatory" } }]);
    });

    it.each(RECOVERY_CASES)("GIVEN %s WHEN the saved plan is checked THEN that violation names the canary", (_what, stack, resource, mutate, policy, named, message) => {
        // Active without a restore, the recovery environments break the backup promise as planned: only these two rules are compared.
        const ours = violationsOf(broken(active, stack, resource, mutate)).filter(({ violation }) => RULES.includes(violation.policy));
        expect(ours).toEqual([{ stack, violation: { policy, resource: named, message, enforcement: "mandatory" } }]);
    });
});
