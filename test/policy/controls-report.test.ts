// ssm-inventory-and-patch-scan and controls-report-in-region-owner: a compliant baseline each and
// one case per condition, each changing one thing, with the exact finding.

import { describe, expect, it } from "vitest";

import { findingsOf } from "../../policy/rules/evaluate";
import { missingControlsReport, ownsRegionControls } from "../../policy/rules/operations/missingControlsReport";
import { missingInventoryAndPatchScan, runsWeekly } from "../../policy/rules/operations/missingInventoryAndPatchScan";
import { PolicyResource, PolicySettings, PolicyStack } from "../../policy/rules/types";

function resource(type: string, name: string, props: Record<string, unknown>, id = `${name}-id`): PolicyResource {
    return { type, name, id, parent: null, props, protect: false, retainOnDelete: false };
}

const SETTINGS: PolicySettings = { operationsCidrs: [], otherTenants: [] };

describe("ssm-inventory-and-patch-scan", () => {
    const FILES = JSON.stringify([{ Path: "/opt/itm", Pattern: ["*"], Recursive: true }]);
    const server = (name = "acme-servers-0-instance", tags: Record<string, unknown> = { PatchGroup: "acme" }) => resource("aws:ec2/instance:Instance", name, { tags });
    const inventory = (props: Record<string, unknown> = {}) =>
        resource("aws:ssm/association:Association", "acme-patching-inventory", {
            name: "AWS-GatherSoftwareInventory",
            scheduleExpression: "cron(0 1 ? * MON *)",
            targets: [{ key: "tag:PatchGroup", values: ["acme"] }],
            parameters: { applications: "Enabled", services: "Enabled", files: FILES },
            ...props,
        });
    const scan = (props: Record<string, unknown> = {}) =>
        resource("aws:ssm/association:Association", "acme-patching-compliance-scan", {
            name: "AWS-RunPatchBaseline",
            scheduleExpression: "cron(0 2 ? * MON *)",
            targets: [{ key: "tag:PatchGroup", values: ["acme"] }],
            parameters: { Operation: "Scan" },
            ...props,
        });
    const stack = (...resources: PolicyResource[]): PolicyStack => ({ stack: "acme", kind: "cloud", resources });
    const run = (s: PolicyStack) => findingsOf(missingInventoryAndPatchScan, s, SETTINGS);

    it("GIVEN servers of a patch group inventoried and scanned weekly WHEN checked THEN nothing is found", () => {
        expect(run(stack(server(), server("acme-database-instance"), inventory(), scan()))).toEqual([]);
    });

    it("GIVEN a stack without servers (an idle recovery) WHEN checked THEN it is not applicable", () => {
        expect(run(stack())).toEqual([]);
    });

    it("GIVEN a drill copy's servers (torn down within hours) WHEN checked THEN it is not applicable", () => {
        expect(run({ stack: "acme-drill", kind: "cloud", resources: [server()] })).toEqual([]);
        expect(run({ stack: "acme-recovery", kind: "cloud", resources: [server()] }).map((finding) => finding.resource)).toEqual(["acme-recovery", "acme-recovery"]);
    });

    it("GIVEN servers and no inventory WHEN checked THEN the patch group is named", () => {
        expect(run(stack(server(), scan()))).toEqual([
            {
                resource: "acme",
                message: "patch group acme (acme-servers-0-instance) has no software inventory: expected an aws:ssm/association:Association of AWS-GatherSoftwareInventory targeting tag:PatchGroup=acme, weekly",
            },
        ]);
    });

    it("GIVEN servers and no compliance scan (only the install task's document, installing) WHEN checked THEN the patch group is named", () => {
        expect(run(stack(server(), inventory(), scan({ parameters: { Operation: "Install" } })))).toEqual([
            {
                resource: "acme",
                message: "patch group acme (acme-servers-0-instance) has no patch compliance scan: expected an aws:ssm/association:Association of AWS-RunPatchBaseline with Operation Scan targeting tag:PatchGroup=acme, weekly",
            },
        ]);
    });

    it("GIVEN an inventory over every managed node WHEN checked THEN it is found (one inventory association per node) and the group has none of its own", () => {
        expect(run(stack(server(), inventory({ targets: [{ key: "InstanceIds", values: ["*"] }] }), scan()))).toEqual([
            {
                resource: "acme-patching-inventory",
                message:
                    'targets [{"key":"InstanceIds","values":["*"]}]; expected tag:PatchGroup of the stack\'s servers only: SSM allows one inventory association per managed node, and one over every node takes the others\' place',
            },
            {
                resource: "acme",
                message: "patch group acme (acme-servers-0-instance) has no software inventory: expected an aws:ssm/association:Association of AWS-GatherSoftwareInventory targeting tag:PatchGroup=acme, weekly",
            },
        ]);
    });

    it("GIVEN a monthly inventory WHEN checked THEN its schedule is found", () => {
        expect(run(stack(server(), inventory({ scheduleExpression: "cron(0 1 ? * MON#1 *)" }), scan()))).toEqual([
            { resource: "acme-patching-inventory", message: 'scheduleExpression "cron(0 1 ? * MON#1 *)" does not run every week; expected e.g. cron(0 1 ? * MON *)' },
        ]);
    });

    it("GIVEN a scan every 14 days WHEN checked THEN its schedule is found", () => {
        expect(run(stack(server(), inventory(), scan({ scheduleExpression: "rate(14 days)" })))).toEqual([
            { resource: "acme-patching-compliance-scan", message: 'scheduleExpression "rate(14 days)" does not run every week; expected e.g. cron(0 2 ? * MON *)' },
        ]);
    });

    it("GIVEN an inventory without files or services WHEN checked THEN both are found", () => {
        expect(run(stack(server(), inventory({ parameters: { applications: "Enabled", services: "Disabled" } }), scan()))).toEqual([
            { resource: "acme-patching-inventory", message: "parameters.services is Disabled; the monthly review reads the servers' services" },
            {
                resource: "acme-patching-inventory",
                message: 'parameters.files null names no path; the monthly review compares the key files\' versions (e.g. [{"Path":"/opt/itm","Pattern":["*"],"Recursive":true}])',
            },
        ]);
    });

    it("GIVEN a server without a PatchGroup tag WHEN checked THEN it is found", () => {
        expect(run(stack(server(), server("acme-other-instance", {}), inventory(), scan()))).toEqual([
            { resource: "acme-other-instance", message: "no PatchGroup tag: no patch window, inventory or compliance scan reaches the server" },
        ]);
    });

    it.each([
        ["cron(0 1 ? * MON *)", true],
        ["cron(0 1 ? * MON,THU *)", true],
        ["cron(0 1 * * ? *)", true],
        ["rate(7 days)", true],
        ["rate(12 hours)", true],
        ["rate(8 days)", false],
        ["cron(0 1 1 * ? *)", false],
        ["cron(0 1 ? * MON#1 *)", false],
        ["cron(0 1 ? 1 MON *)", false],
        [undefined, false],
    ])("GIVEN %j WHEN read THEN weekly is %s", (schedule, expected) => {
        expect(runsWeekly(schedule)).toBe(expected);
    });
});

describe("controls-report-in-region-owner", () => {
    const baseline = (name = "platform-eu-west-1"): PolicyResource[] => {
        const TOPIC_ARN = `arn:aws:sns:eu-west-1:123456789012:${name}-operations`;
        return [
        resource("aws:sns/topic:Topic", `${name}-operations-topic`, { name: `${name}-operations` }, TOPIC_ARN),
        resource("aws:ssm/resourceDataSync:ResourceDataSync", `${name}-controls-inventory-sync`, {
            name: `${name}-inventory`,
            s3Destination: { bucketName: "evidence", region: "eu-west-1", syncFormat: "JsonSerDe", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" },
        }),
        resource("aws:lambda/function:Function", `${name}-controls-report`, { name: `${name}-controls-report`, environment: { variables: { TOPIC_ARN } } }),
        resource("aws:cloudwatch/eventRule:EventRule", `${name}-controls-schedule`, { scheduleExpression: "cron(0 6 ? * MON *)" }, "rule-1"),
        resource("aws:cloudwatch/eventTarget:EventTarget", `${name}-controls-schedule-target`, { rule: "rule-1", arn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}-controls-report` }),
        resource("aws:cloudwatch/queryDefinition:QueryDefinition", `${name}-controls-rejected-sources`, { queryString: 'filter action = "REJECT"\n| stats count(*) by @log, srcAddr' }),
        ];
    };
    const stack = (resources: PolicyResource[], name = "platform-eu-west-1"): PolicyStack => ({ stack: name, kind: "platform", resources });
    const run = (s: PolicyStack, settings: PolicySettings = SETTINGS) => findingsOf(missingControlsReport, s, settings);
    const without = (resources: PolicyResource[], type: string) => resources.filter((candidate) => candidate.type !== type);

    it("GIVEN a production platform with the sync, the weekly report and the saved query WHEN checked THEN nothing is found", () => {
        expect(run(stack(baseline()))).toEqual([]);
    });

    it("GIVEN a tenant stack WHEN checked THEN it is not applicable", () => {
        expect(run({ stack: "acme", kind: "cloud", resources: [] })).toEqual([]);
    });

    it("GIVEN a production platform without the data sync WHEN checked THEN it is found", () => {
        expect(run(stack(without(baseline(), "aws:ssm/resourceDataSync:ResourceDataSync")))).toEqual([
            { resource: "platform-eu-west-1", message: "no resource data sync (aws:ssm/resourceDataSync:ResourceDataSync): the region's inventory and patch compliance reach no bucket an auditor reads" },
        ]);
    });

    it("GIVEN a data sync without a customer-managed key WHEN checked THEN it is found", () => {
        const resources = baseline().map((candidate) =>
            candidate.type === "aws:ssm/resourceDataSync:ResourceDataSync" ? { ...candidate, props: { ...candidate.props, s3Destination: { bucketName: "evidence", region: "eu-west-1", syncFormat: "JsonSerDe" } } } : candidate,
        );
        expect(run(stack(resources))).toEqual([
            { resource: "platform-eu-west-1-controls-inventory-sync", message: "s3Destination.kmsKeyArn null: the synced inventory is not encrypted with a customer-managed key" },
        ]);
    });

    it("GIVEN the report function without its schedule WHEN checked THEN it is found", () => {
        expect(run(stack(without(baseline(), "aws:cloudwatch/eventTarget:EventTarget")))).toEqual([
            {
                resource: "platform-eu-west-1",
                message:
                    "the report platform-eu-west-1-controls-report is run by no weekly aws:cloudwatch/eventRule:EventRule schedule (scheduleExpression at least weekly, with an aws:cloudwatch/eventTarget:EventTarget on the function)",
            },
        ]);
    });

    it("GIVEN a monthly schedule WHEN checked THEN the report is found unscheduled", () => {
        const resources = baseline().map((candidate) => (candidate.type === "aws:cloudwatch/eventRule:EventRule" ? { ...candidate, props: { scheduleExpression: "cron(0 6 1 * ? *)" } } : candidate));
        expect(run(stack(resources)).map((finding) => finding.message)).toEqual([expect.stringMatching(/^the report platform-eu-west-1-controls-report is run by no weekly/)]);
    });

    it("GIVEN a report publishing nowhere of the stack WHEN checked THEN no report is found", () => {
        const resources = baseline().map((candidate) => (candidate.type === "aws:lambda/function:Function" ? { ...candidate, props: { name: candidate.props.name, environment: { variables: {} } } } : candidate));
        expect(run(stack(resources))).toEqual([
            {
                resource: "platform-eu-west-1",
                message:
                    "no weekly controls report: expected a aws:lambda/function:Function publishing to the stack's operations topic (environment TOPIC_ARN) run weekly by an aws:cloudwatch/eventRule:EventRule schedule",
            },
        ]);
    });

    it("GIVEN no saved query of the rejected flows WHEN checked THEN it is found", () => {
        expect(run(stack(without(baseline(), "aws:cloudwatch/queryDefinition:QueryDefinition")))).toEqual([
            {
                resource: "platform-eu-west-1",
                message: 'no saved Logs Insights query of the rejected flows (aws:cloudwatch/queryDefinition:QueryDefinition filtering action = "REJECT") for an auditor to rerun the report',
            },
        ]);
    });

    it("GIVEN a drill copy with a data sync WHEN checked THEN the sync is found", () => {
        expect(run(stack(baseline("platform-eu-west-1-drill"), "platform-eu-west-1-drill"))).toEqual([
            {
                resource: "platform-eu-west-1-drill-controls-inventory-sync",
                message: "a resource data sync in a stack that does not own the region's controls (lib/guardduty-owner.ts): the region's owner syncs every server's inventory; remove it",
            },
        ]);
    });

    const detector = (name: string) => resource("aws:guardduty/detector:Detector", `${name}-detection-detector`, { enable: true });

    it("GIVEN the recovery environment creating its region's detector (the region's owner), without the controls WHEN checked THEN they are found", () => {
        const findings = run(stack([detector("platform-eu-west-1-recovery")], "platform-eu-west-1-recovery"));
        expect(findings.map((finding) => finding.message)).toEqual([
            expect.stringMatching(/^no resource data sync/),
            expect.stringMatching(/^no weekly controls report/),
            expect.stringMatching(/^no saved Logs Insights query/),
        ]);
        expect(run(stack([...baseline("platform-eu-west-1-recovery"), detector("platform-eu-west-1-recovery")], "platform-eu-west-1-recovery"))).toEqual([]);
    });

    it("GIVEN a recovery environment adopting its region's detector, with a data sync WHEN checked THEN the sync is found", () => {
        expect(run(stack(baseline("platform-us-east-1-recovery"), "platform-us-east-1-recovery")).map((finding) => finding.resource)).toEqual(["platform-us-east-1-recovery-controls-inventory-sync"]);
        expect(ownsRegionControls(stack([], "platform-us-east-1-recovery"))).toBe(false);
        expect(run(stack([], "platform-us-east-1-recovery"))).toEqual([]);
    });
});
