// The weekly controls report's handler (components/scripts/weekly-controls-report.mjs), run in-process
// against mocked AWS clients: what it asks AWS, what it writes and what it publishes.

import { CloudWatchLogsClient, DescribeLogGroupsCommand, GetQueryResultsCommand, StartQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { ListResourceComplianceSummariesCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";

import {
    batches,
    MAX_LOG_GROUPS_PER_QUERY,
    patchSummary,
    REJECTED_PORTS_QUERY,
    REJECTED_SOURCES_QUERY,
    runQuery,
    snsMessage,
    SNS_MESSAGE_BYTES,
    subjectOf,
    topPerLogGroup,
    weeklyReport,
} from "../../components/scripts/weekly-controls-report.mjs";

const NOW = new Date("2026-12-07T06:00:00Z");
const ENV = { STACK: "platform-eu-west-1", REGION: "eu-west-1", TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:platform-eu-west-1-operations", BUCKET: "evidence-bucket" };

const logs = mockClient(CloudWatchLogsClient);
const ssm = mockClient(SSMClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);

afterEach(() => {
    for (const mock of [logs, ssm, s3, sns]) {
        mock.reset();
    }
});

function cells(row: Record<string, string>) {
    return Object.entries(row).map(([field, value]) => ({ field, value }));
}

const clients = () => ({ logs: new CloudWatchLogsClient({ region: "eu-west-1" }), ssm: new SSMClient({ region: "eu-west-1" }), s3: new S3Client({ region: "eu-west-1" }), sns: new SNSClient({ region: "eu-west-1" }) });

describe("the weekly controls report", () => {
    it("GIVEN two flow log groups with rejections and two servers WHEN run THEN the week's top sources and ports per group and the patch state go to S3 and the topic", async () => {
        logs.on(DescribeLogGroupsCommand)
            .resolvesOnce({ logGroups: [{ logGroupName: "/vpc/flow-logs/platform-eu-west-1-network" }], nextToken: "page-2" })
            .resolvesOnce({ logGroups: [{ logGroupName: "/vpc/flow-logs/acme-network" }] });
        logs.on(StartQueryCommand, { queryString: REJECTED_SOURCES_QUERY }).resolves({ queryId: "q-sources" });
        logs.on(StartQueryCommand, { queryString: REJECTED_PORTS_QUERY }).resolves({ queryId: "q-ports" });
        logs.on(GetQueryResultsCommand, { queryId: "q-sources" }).resolves({
            status: "Complete",
            results: [
                cells({ "@log": "123456789012:/vpc/flow-logs/acme-network", srcAddr: "198.51.100.7", flows: "40", packets: "90" }),
                cells({ "@log": "123456789012:/vpc/flow-logs/platform-eu-west-1-network", srcAddr: "203.0.113.9", flows: "12", packets: "12" }),
                cells({ "@log": "123456789012:/vpc/flow-logs/acme-network", srcAddr: "192.0.2.1", flows: "3", packets: "3" }),
            ],
        });
        logs.on(GetQueryResultsCommand, { queryId: "q-ports" }).resolves({
            status: "Complete",
            results: [cells({ "@log": "123456789012:/vpc/flow-logs/acme-network", dstPort: "22", protocol: "6", flows: "41", packets: "91" })],
        });
        ssm.on(ListResourceComplianceSummariesCommand).resolves({
            ResourceComplianceSummaryItems: [
                { ResourceId: "i-0b", Status: "NON_COMPLIANT", OverallSeverity: "CRITICAL", NonCompliantSummary: { NonCompliantCount: 3 }, ExecutionSummary: { ExecutionTime: new Date("2026-12-07T02:03:00Z") } },
                { ResourceId: "i-0a", Status: "COMPLIANT", OverallSeverity: "UNSPECIFIED", ExecutionSummary: { ExecutionTime: new Date("2026-11-20T02:00:00Z") } },
            ],
        });
        s3.on(PutObjectCommand).resolves({});
        sns.on(PublishCommand).resolves({ MessageId: "m-1" });

        const result = await weeklyReport(clients(), ENV, NOW);

        expect(result).toEqual({ location: "s3://evidence-bucket/controls-reports/platform-eu-west-1/2026-12-07.txt", logGroups: 2, servers: 2 });
        const starts = logs.commandCalls(StartQueryCommand).map((call) => call.args[0].input);
        expect(starts).toEqual([
            { logGroupNames: ["/vpc/flow-logs/acme-network", "/vpc/flow-logs/platform-eu-west-1-network"], queryString: REJECTED_SOURCES_QUERY, startTime: NOW.getTime() / 1000 - 7 * 86400, endTime: NOW.getTime() / 1000, limit: 10000 },
            { logGroupNames: ["/vpc/flow-logs/acme-network", "/vpc/flow-logs/platform-eu-west-1-network"], queryString: REJECTED_PORTS_QUERY, startTime: NOW.getTime() / 1000 - 7 * 86400, endTime: NOW.getTime() / 1000, limit: 10000 },
        ]);
        expect(logs.commandCalls(DescribeLogGroupsCommand).map((call) => call.args[0].input)).toEqual([
            { logGroupNamePrefix: "/vpc/flow-logs/", nextToken: undefined },
            { logGroupNamePrefix: "/vpc/flow-logs/", nextToken: "page-2" },
        ]);
        expect(ssm.commandCalls(ListResourceComplianceSummariesCommand)[0]!.args[0].input.Filters).toEqual([{ Key: "ComplianceType", Values: ["Patch"], Type: "EQUAL" }]);

        const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
        expect(put).toMatchObject({ Bucket: "evidence-bucket", Key: "controls-reports/platform-eu-west-1/2026-12-07.txt" });
        const report = String(put.Body);
        expect(report).toContain("/vpc/flow-logs/acme-network\n  top rejected sources (address: flows, packets)\n    198.51.100.7: 40, 90\n    192.0.2.1: 3, 3\n  top rejected ports (port/protocol: flows, packets)\n    22/tcp: 41, 91\n");
        expect(report).toContain("/vpc/flow-logs/platform-eu-west-1-network\n  top rejected sources (address: flows, packets)\n    203.0.113.9: 12, 12\n  top rejected ports (port/protocol: flows, packets)\n");
        expect(report).toContain("Servers: 2, compliant 1, non-compliant 1, not scanned for 8 days 1\n  i-0a: COMPLIANT, scanned 2026-11-20T02:00:00.000Z STALE\n  i-0b: NON_COMPLIANT, 3 missing (CRITICAL), scanned 2026-12-07T02:03:00.000Z\n");

        const published = sns.commandCalls(PublishCommand)[0]!.args[0].input;
        expect(published).toEqual({ TopicArn: ENV.TOPIC_ARN, Subject: "Weekly controls report platform-eu-west-1 2026-12-07", Message: report });
    });

    it("GIVEN 51 flow log groups WHEN run THEN each query reads at most 50 (StartQuery's limit), in two batches", async () => {
        const names = Array.from({ length: 51 }, (_, i) => `/vpc/flow-logs/t${String(i).padStart(2, "0")}-network`);
        logs.on(DescribeLogGroupsCommand).resolves({ logGroups: names.map((logGroupName) => ({ logGroupName })) });
        logs.on(StartQueryCommand).resolves({ queryId: "q" });
        logs.on(GetQueryResultsCommand).resolves({ status: "Complete", results: [] });
        ssm.on(ListResourceComplianceSummariesCommand).resolves({});
        s3.on(PutObjectCommand).resolves({});
        sns.on(PublishCommand).resolves({});

        await weeklyReport(clients(), ENV, NOW);

        const groups = logs.commandCalls(StartQueryCommand).map((call) => call.args[0].input.logGroupNames!.length);
        expect(groups).toEqual([50, 50, 1, 1]);
        expect(MAX_LOG_GROUPS_PER_QUERY).toBe(50);
    });

    it("GIVEN a query that fails WHEN run THEN the report throws and nothing is published", async () => {
        logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/vpc/flow-logs/acme-network" }] });
        logs.on(StartQueryCommand).resolves({ queryId: "q-1" });
        logs.on(GetQueryResultsCommand).resolves({ status: "Failed" });
        await expect(weeklyReport(clients(), ENV, NOW)).rejects.toThrow("Logs Insights query q-1 over /vpc/flow-logs/acme-network ended Failed");
        expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
        expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it("GIVEN a running query WHEN polled THEN it waits until complete", async () => {
        logs.on(StartQueryCommand).resolves({ queryId: "q-1" });
        logs.on(GetQueryResultsCommand).resolvesOnce({ status: "Scheduled" }).resolvesOnce({ status: "Running" }).resolves({ status: "Complete", results: [cells({ srcAddr: "192.0.2.1" })] });
        const waits: number[] = [];
        const rows = await runQuery(new CloudWatchLogsClient({ region: "eu-west-1" }), { logGroupNames: ["/vpc/flow-logs/a"], queryString: "x", startTime: 0, endTime: 1 }, { pollMs: 5, sleep: async (ms) => void waits.push(ms) });
        expect(rows).toEqual([{ srcAddr: "192.0.2.1" }]);
        expect(waits).toEqual([5, 5]);
    });

    it("GIVEN a query that never completes WHEN polled THEN it throws after the last poll", async () => {
        logs.on(StartQueryCommand).resolves({ queryId: "q-1" });
        logs.on(GetQueryResultsCommand).resolves({ status: "Running" });
        await expect(runQuery(new CloudWatchLogsClient({ region: "eu-west-1" }), { logGroupNames: ["/g"], queryString: "x", startTime: 0, endTime: 1 }, { maxPolls: 3, sleep: async () => {} })).rejects.toThrow(
            "did not complete after 3 polls",
        );
    });

    it.each([
        [0, "0 log groups; StartQuery takes 1 to 50"],
        [51, "51 log groups; StartQuery takes 1 to 50"],
    ])("GIVEN %i log groups WHEN queried THEN it refuses as StartQuery would", async (count, message) => {
        const names = Array.from({ length: count }, (_, i) => `/g${i}`);
        await expect(runQuery(new CloudWatchLogsClient({ region: "eu-west-1" }), { logGroupNames: names, queryString: "x", startTime: 0, endTime: 1 })).rejects.toThrow(message);
        expect(logs.commandCalls(StartQueryCommand)).toHaveLength(0);
    });

    it("GIVEN a query string over 10,000 characters WHEN queried THEN it refuses as StartQuery would", async () => {
        await expect(runQuery(new CloudWatchLogsClient({ region: "eu-west-1" }), { logGroupNames: ["/g"], queryString: "x".repeat(10001), startTime: 0, endTime: 1 })).rejects.toThrow(
            "the query has 10001 characters; StartQuery takes at most 10000",
        );
    });

    it("GIVEN the saved queries WHEN read THEN they fit StartQuery and filter REJECT records", () => {
        for (const query of [REJECTED_SOURCES_QUERY, REJECTED_PORTS_QUERY]) {
            expect(query.length).toBeLessThanOrEqual(10000);
            expect(query).toMatch(/^filter action = "REJECT"\n/);
        }
    });
});

describe("the report's pieces", () => {
    it.each([
        [[], 50, []],
        [[1, 2, 3], 2, [[1, 2], [3]]],
        [[1, 2], 2, [[1, 2]]],
    ])("GIVEN %j in runs of %i WHEN cut THEN %j", (list, size, expected) => {
        expect(batches(list, size)).toEqual(expected);
    });

    it("GIVEN more than ten sources in a group WHEN ranked THEN the ten with most flows are kept, largest first", () => {
        const rows = Array.from({ length: 12 }, (_, i) => ({ "@log": "123456789012:/vpc/flow-logs/a", srcAddr: `192.0.2.${i}`, flows: String(i), packets: "1" }));
        const top = topPerLogGroup(rows, ["srcAddr"]).get("/vpc/flow-logs/a")!;
        expect(top.map((row) => row.srcAddr)).toEqual(["192.0.2.11", "192.0.2.10", "192.0.2.9", "192.0.2.8", "192.0.2.7", "192.0.2.6", "192.0.2.5", "192.0.2.4", "192.0.2.3", "192.0.2.2"]);
    });

    it("GIVEN a report larger than SNS takes WHEN published THEN it is cut within 256 KB with the subject, on a character boundary, pointing at S3", () => {
        const subject = subjectOf("platform-eu-west-1", new Date("2026-12-07T06:00:00Z"));
        const report = "é".repeat(200_000);
        const message = snsMessage(report, subject, "s3://b/k.txt");
        expect(Buffer.byteLength(message, "utf8") + Buffer.byteLength(subject, "utf8")).toBeLessThanOrEqual(SNS_MESSAGE_BYTES);
        expect(message).toMatch(/é\n\[truncated: the full report is s3:\/\/b\/k\.txt\]\n$/);
        expect(message).not.toContain("\uFFFD");
        expect(snsMessage("short", subject, "s3://b/k.txt")).toBe("short");
    });

    it("GIVEN a long stack name WHEN the subject is made THEN it stays under SNS's 100 characters", () => {
        expect(subjectOf("x".repeat(200), new Date()).length).toBe(99);
    });

    it("GIVEN a server never scanned WHEN summarised THEN it is stale", () => {
        expect(patchSummary([{ ResourceId: "i-1", Status: "COMPLIANT" }], new Date()).servers).toEqual([{ id: "i-1", status: "COMPLIANT", severity: "UNSPECIFIED", missing: 0, scanned: "never", stale: true }]);
    });
});
