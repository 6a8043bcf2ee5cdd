import * as fs from "node:fs";

import { describe, expect, it } from "vitest";

import { ControlsReport, DEFAULT_REPORT_SCHEDULE, REPORT_HANDLER_FILE, REPORT_RUNTIME, REJECTED_PORTS_QUERY, REJECTED_SOURCES_QUERY } from "../../components/controls-report";
import * as handler from "../../components/scripts/weekly-controls-report.mjs";
import { named, ofType, planProgram } from "../helpers";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:platform-eu-west-1-operations";
const DATA_KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";

async function planned(extra: { accessLogBucket?: string; schedule?: string } = {}) {
    const { plan } = await planProgram(
        (provider) => {
            new ControlsReport("platform-eu-west-1-controls", { stack: "platform-eu-west-1", operationsTopicArn: TOPIC, topicKeyArn: DATA_KEY, logKeyArn: DATA_KEY, ...extra }, { provider });
        },
        { stack: "platform-eu-west-1" },
    );
    return plan.resources;
}

function policyOf(resource: { inputs: Record<string, unknown> }, field = "policy"): { Statement: Record<string, unknown>[] } {
    return JSON.parse(resource.inputs[field] as string) as { Statement: Record<string, unknown>[] };
}

describe("ControlsReport", () => {
    it("GIVEN the region's owner WHEN planned THEN a resource data sync copies inventory and compliance into an encrypted, private, retained bucket of its own key", async () => {
        const resources = await planned({ accessLogBucket: "access-logs" });
        const bucket = named(resources, "platform-eu-west-1-controls-bucket");
        const key = named(resources, "platform-eu-west-1-controls-key");
        const keyArn = `arn:aws:kms:eu-west-1:123456789012:key/${key.id}`;
        expect(key.inputs).toMatchObject({ enableKeyRotation: true });
        const sync = named(resources, "platform-eu-west-1-controls-inventory-sync");
        expect(sync.type).toBe("aws:ssm/resourceDataSync:ResourceDataSync");
        expect(sync.inputs).toMatchObject({
            name: "controls-inventory",
            s3Destination: { bucketName: bucket.id, region: "eu-west-1", prefix: "inventory", syncFormat: "JsonSerDe", kmsKeyArn: keyArn },
        });
        expect(named(resources, "platform-eu-west-1-controls-encryption").inputs.rules).toEqual([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true },
        ]);
        expect(named(resources, "platform-eu-west-1-controls-public-access").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        expect(named(resources, "platform-eu-west-1-controls-access-logging").inputs).toMatchObject({ targetBucket: "access-logs" });

        const keyStatements = policyOf(key);
        expect(keyStatements.Statement.find((statement) => statement.Sid === "ResourceDataSyncsOfThisAccount")).toMatchObject({ Principal: { Service: "ssm.amazonaws.com" }, Action: "kms:GenerateDataKey" });
        const bucketPolicy = policyOf(named(resources, "platform-eu-west-1-controls-bucket-policy"));
        expect(bucketPolicy.Statement.map((statement) => statement.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls", "ResourceDataSyncChecksBucket", "ResourceDataSyncDelivers"]);
        expect(bucketPolicy.Statement[3]).toMatchObject({
            Resource: `arn:aws:s3:::${bucket.id}/inventory/*/accountid=123456789012/*`,
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012", "s3:x-amz-acl": "bucket-owner-full-control" } },
        });
    });

    it("GIVEN the region's owner WHEN planned THEN a Monday schedule runs the handler on the newest Node.js runtime, with an encrypted log group and a least-privilege role", async () => {
        const resources = await planned();
        const fn = named(resources, "platform-eu-west-1-controls-report");
        expect(fn.type).toBe("aws:lambda/function:Function");
        expect(fn.inputs).toMatchObject({ name: "platform-eu-west-1-controls-report", runtime: REPORT_RUNTIME, handler: "index.handler", timeout: 900 });
        expect(REPORT_RUNTIME).toBe("nodejs24.x");
        expect((fn.inputs.environment as { variables: Record<string, string> }).variables).toMatchObject({ STACK: "platform-eu-west-1", TOPIC_ARN: TOPIC, LOG_GROUP_PREFIX: "/vpc/flow-logs/" });
        expect(fs.existsSync(REPORT_HANDLER_FILE)).toBe(true);

        const logs = named(resources, "platform-eu-west-1-controls-report-logs");
        expect(logs.inputs).toMatchObject({ name: "/aws/lambda/platform-eu-west-1-controls-report", kmsKeyId: DATA_KEY });
        expect(fn.inputs.loggingConfig).toMatchObject({ logGroup: logs.id });

        const rule = named(resources, "platform-eu-west-1-controls-schedule");
        expect(rule.inputs.scheduleExpression).toBe(DEFAULT_REPORT_SCHEDULE);
        expect(DEFAULT_REPORT_SCHEDULE).toBe("cron(0 6 ? * MON *)");
        expect(named(resources, "platform-eu-west-1-controls-schedule-target").inputs).toMatchObject({ rule: expect.stringMatching(/^platform-eu-west-1-controls-schedule-/), arn: expect.stringContaining(`:function/${fn.id}`) });
        expect(named(resources, "platform-eu-west-1-controls-schedule-invokes").inputs).toMatchObject({
            principal: "events.amazonaws.com",
            sourceArn: expect.stringMatching(/^arn:aws:events:eu-west-1:123456789012:rule\/platform-eu-west-1-controls-schedule-/),
            function: "platform-eu-west-1-controls-report",
        });

        const statements = policyOf(named(resources, "platform-eu-west-1-controls-report-role-policy")).Statement;
        const bySid = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
        expect(bySid.QueryFlowLogs).toMatchObject({ Action: "logs:StartQuery", Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/vpc/flow-logs/*" });
        expect(bySid.PublishReport).toMatchObject({ Action: "sns:Publish", Resource: TOPIC });
        expect(bySid.EncryptReportMessage).toMatchObject({ Resource: DATA_KEY, Condition: { StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } } });
        // Only the two actions without resource types are granted on "*".
        expect(statements.filter((statement) => statement.Resource === "*").map((statement) => statement.Action)).toEqual(["logs:GetQueryResults", "ssm:ListResourceComplianceSummaries"]);
        expect(JSON.stringify(statements)).not.toMatch(/"Action":"\w+:\*"/);
    });

    it("GIVEN the report's queries WHEN saved THEN the definitions hold exactly the handler's queries, for an auditor to rerun", async () => {
        const resources = await planned();
        expect(REJECTED_SOURCES_QUERY).toBe(handler.REJECTED_SOURCES_QUERY);
        expect(REJECTED_PORTS_QUERY).toBe(handler.REJECTED_PORTS_QUERY);
        const definitions = ofType(resources, "aws:cloudwatch/queryDefinition:QueryDefinition").sort((a, b) => String(b.inputs.name).localeCompare(String(a.inputs.name)));
        expect(definitions.map((definition) => definition.inputs.name)).toEqual(["controls/platform-eu-west-1/rejected-sources", "controls/platform-eu-west-1/rejected-ports"]);
        expect(definitions[0]!.inputs.queryString).toMatch(new RegExp(`\\n${REJECTED_SOURCES_QUERY.replace(/[|()*]/g, "\\$&")}$`));
        expect(definitions[1]!.inputs.queryString).toMatch(new RegExp(`\\n${REJECTED_PORTS_QUERY.replace(/[|()*]/g, "\\$&")}$`));
    });

    it("GIVEN the auditor WHEN planned THEN it assumes its role with MFA and reads the bucket through S3 only", async () => {
        const resources = await planned();
        const auditor = named(resources, "platform-eu-west-1-controls-auditor");
        expect(policyOf(auditor, "assumeRolePolicy").Statement[0]).toMatchObject({ Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } });
        const statements = policyOf(named(resources, "platform-eu-west-1-controls-auditor-policy")).Statement;
        expect(statements.flatMap((statement) => [statement.Action].flat())).not.toContain("s3:PutObject");
        expect(statements.find((statement) => statement.Sid === "DecryptEvidence")).toMatchObject({ Action: "kms:Decrypt", Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } } });
    });

    it("GIVEN a schedule that is no EventBridge expression WHEN constructed THEN it fails naming it", async () => {
        await expect(planned({ schedule: "every monday" })).rejects.toThrow(/schedule: every monday is not allowed; expected an EventBridge cron\(\.\.\.\) or rate\(\.\.\.\) expression/);
    });
});
