// The weekly controls report (components/controls-report.ts deploys it as a Lambda function, one per
// region, run Mondays by an EventBridge schedule). It reads the week's denied access from the
// region's VPC flow logs with CloudWatch Logs Insights (top rejected sources and ports per log group:
// one group per tenant network and the platform's) and the patch compliance of the region's managed
// servers (the weekly scan, components/patching.ts), writes the report to the auditors' bucket and
// publishes it to the operations topic. Plain ES module: the Lambda runtime (Node.js 18 and later)
// provides AWS SDK v3, so the asset is this one file, copied as is by `npm run build`.

import { CloudWatchLogsClient, DescribeLogGroupsCommand, GetQueryResultsCommand, StartQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { ListResourceComplianceSummariesCommand, SSMClient } from "@aws-sdk/client-ssm";

/** Where every network's flow logs go (components/tenant-network.ts: `/vpc/flow-logs/<network>`). */
export const FLOW_LOG_PREFIX = "/vpc/flow-logs/";
/** StartQuery `logGroupNames`: "You can include up to 50 log groups" (botocore logs model). */
export const MAX_LOG_GROUPS_PER_QUERY = 50;
/** StartQuery `queryString`: at most 10,000 characters (botocore logs model, QueryString max). */
export const MAX_QUERY_LENGTH = 10000;
/** SNS Publish: messages of at most 262,144 bytes, subject included (botocore sns model, Publish Message). */
export const SNS_MESSAGE_BYTES = 262144;
/** SNS Publish `Subject`: "less than 100 characters long" (botocore sns model). */
export const SNS_SUBJECT_CHARACTERS = 99;
/** Rows kept per log group in each table. */
export const TOP = 10;
/** The week read. */
export const WEEK_SECONDS = 7 * 24 * 3600;
/** A scan older than this is reported stale: the weekly scan did not run on the server. */
export const STALE_SCAN_SECONDS = 8 * 24 * 3600;

/** The rejected flows per log group and source address (Logs Insights discovers the default flow log fields). */
export const REJECTED_SOURCES_QUERY =
    'filter action = "REJECT"\n| stats count(*) as flows, sum(packets) as packets by @log, srcAddr\n| sort flows desc\n| limit 10000';
/** The rejected flows per log group, destination port and protocol (6 TCP, 17 UDP). */
export const REJECTED_PORTS_QUERY =
    'filter action = "REJECT"\n| stats count(*) as flows, sum(packets) as packets by @log, dstPort, protocol\n| sort flows desc\n| limit 10000';
/** The most rows a query returns (its own `limit`): a table that reaches it may miss smaller rows. */
export const QUERY_ROW_LIMIT = 10000;

/** `list` cut into runs of at most `size`. */
export function batches(list, size) {
    if (!Number.isInteger(size) || size < 1) {
        throw new Error(`batches: size ${size} is not a positive whole number`);
    }
    const runs = [];
    for (let start = 0; start < list.length; start += size) {
        runs.push(list.slice(start, start + size));
    }
    return runs;
}

/** The log group name of an `@log` value (`<account>:<log group name>`). */
export function logGroupOf(log) {
    return String(log).replace(/^\d{12}:/, "");
}

/** The region's flow log groups, every page of DescribeLogGroups, sorted by name. */
export async function flowLogGroups(logs, prefix = FLOW_LOG_PREFIX) {
    const names = [];
    let nextToken;
    do {
        const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken }));
        names.push(...(page.logGroups ?? []).map((group) => group.logGroupName).filter((name) => typeof name === "string"));
        nextToken = page.nextToken;
    } while (nextToken);
    return names.sort();
}

/**
 * Runs one Logs Insights query over up to 50 log groups and waits for it: rows as plain objects.
 * A query that fails, is cancelled or times out throws (the report never says "no rejections"
 * because a query did not finish).
 */
export async function runQuery(logs, { logGroupNames, queryString, startTime, endTime }, { pollMs = 2000, maxPolls = 300, sleep = defaultSleep } = {}) {
    if (logGroupNames.length === 0 || logGroupNames.length > MAX_LOG_GROUPS_PER_QUERY) {
        throw new Error(`runQuery: ${logGroupNames.length} log groups; StartQuery takes 1 to ${MAX_LOG_GROUPS_PER_QUERY}`);
    }
    if (queryString.length > MAX_QUERY_LENGTH) {
        throw new Error(`runQuery: the query has ${queryString.length} characters; StartQuery takes at most ${MAX_QUERY_LENGTH}`);
    }
    const { queryId } = await logs.send(new StartQueryCommand({ logGroupNames, queryString, startTime, endTime, limit: QUERY_ROW_LIMIT }));
    for (let poll = 0; poll < maxPolls; poll += 1) {
        const answer = await logs.send(new GetQueryResultsCommand({ queryId }));
        if (answer.status === "Complete") {
            return (answer.results ?? []).map((row) => Object.fromEntries(row.filter((cell) => cell.field !== undefined).map((cell) => [cell.field, cell.value])));
        }
        if (answer.status !== "Scheduled" && answer.status !== "Running") {
            throw new Error(`Logs Insights query ${queryId} over ${logGroupNames.join(", ")} ended ${answer.status}`);
        }
        await sleep(pollMs);
    }
    throw new Error(`Logs Insights query ${queryId} over ${logGroupNames.join(", ")} did not complete after ${maxPolls} polls`);
}

function defaultSleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Rows of several queries grouped by log group (sorted by name), the `top` largest by flows each,
 * keeping `keys` and the flows and packets of each row.
 */
export function topPerLogGroup(rows, keys, top = TOP) {
    const groups = new Map();
    for (const row of rows) {
        const group = logGroupOf(row["@log"]);
        const entry = { ...Object.fromEntries(keys.map((key) => [key, row[key] ?? ""])), flows: Number(row.flows ?? 0), packets: Number(row.packets ?? 0) };
        groups.set(group, [...(groups.get(group) ?? []), entry]);
    }
    return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([group, entries]) => [group, entries.sort((a, b) => b.flows - a.flows).slice(0, top)]));
}

/** The region's patch compliance (ComplianceType Patch): every page of ListResourceComplianceSummaries. */
export async function patchCompliance(ssm) {
    const items = [];
    let NextToken;
    do {
        const page = await ssm.send(
            new ListResourceComplianceSummariesCommand({ Filters: [{ Key: "ComplianceType", Values: ["Patch"], Type: "EQUAL" }], NextToken }),
        );
        items.push(...(page.ResourceComplianceSummaryItems ?? []));
        NextToken = page.NextToken;
    } while (NextToken);
    return items;
}

/** Per server: status, missing patches, severity and when it was last scanned; stale when older than 8 days. */
export function patchSummary(items, now) {
    const servers = items
        .map((item) => {
            const scanned = item.ExecutionSummary?.ExecutionTime === undefined ? undefined : new Date(item.ExecutionSummary.ExecutionTime);
            return {
                id: item.ResourceId ?? "?",
                status: item.Status ?? "UNKNOWN",
                severity: item.OverallSeverity ?? "UNSPECIFIED",
                missing: item.NonCompliantSummary?.NonCompliantCount ?? 0,
                scanned: scanned?.toISOString() ?? "never",
                stale: scanned === undefined || now.getTime() - scanned.getTime() > STALE_SCAN_SECONDS * 1000,
            };
        })
        .sort((a, b) => a.id.localeCompare(b.id));
    return {
        servers,
        compliant: servers.filter((server) => server.status === "COMPLIANT").length,
        nonCompliant: servers.filter((server) => server.status === "NON_COMPLIANT").length,
        stale: servers.filter((server) => server.stale).length,
    };
}

/** The report as plain text (an email body). */
export function renderReport({ stack, region, start, end, logGroups, sources, ports, truncated, patches }) {
    const lines = [
        `Weekly controls report: ${stack} (${region})`,
        `Week: ${start.toISOString()} to ${end.toISOString()}`,
        "",
        "1. Denied access (VPC flow logs, REJECT records, CloudWatch Logs Insights)",
        `Log groups read: ${logGroups.length}${logGroups.length === 0 ? " (no flow log group found: nothing could be read)" : ""}`,
    ];
    if (truncated) {
        lines.push(`A query reached its ${QUERY_ROW_LIMIT}-row limit: the tables show the largest rows only.`);
    }
    for (const group of logGroups) {
        const groupSources = sources.get(group) ?? [];
        const groupPorts = ports.get(group) ?? [];
        lines.push("", `${group}`);
        if (groupSources.length === 0 && groupPorts.length === 0) {
            lines.push("  no rejected flows this week");
            continue;
        }
        lines.push("  top rejected sources (address: flows, packets)");
        lines.push(...groupSources.map((row) => `    ${row.srcAddr}: ${row.flows}, ${row.packets}`));
        lines.push("  top rejected ports (port/protocol: flows, packets)");
        lines.push(...groupPorts.map((row) => `    ${row.dstPort}/${protocolName(row.protocol)}: ${row.flows}, ${row.packets}`));
    }
    lines.push(
        "",
        "2. Patch compliance (weekly AWS-RunPatchBaseline scan)",
        `Servers: ${patches.servers.length}, compliant ${patches.compliant}, non-compliant ${patches.nonCompliant}, not scanned for 8 days ${patches.stale}`,
        ...patches.servers.map(
            (server) => `  ${server.id}: ${server.status}${server.missing > 0 ? `, ${server.missing} missing (${server.severity})` : ""}, scanned ${server.scanned}${server.stale ? " STALE" : ""}`,
        ),
    );
    return `${lines.join("\n")}\n`;
}

function protocolName(protocol) {
    return { 1: "icmp", 6: "tcp", 17: "udp" }[String(protocol)] ?? String(protocol);
}

/**
 * The SNS message: the report whole when it fits with the subject in 262,144 bytes, else cut on a
 * character boundary with a last line pointing at the full report in S3.
 */
export function snsMessage(report, subject, location) {
    const budget = SNS_MESSAGE_BYTES - Buffer.byteLength(subject, "utf8");
    if (Buffer.byteLength(report, "utf8") <= budget) {
        return report;
    }
    const footer = `\n[truncated: the full report is ${location}]\n`;
    let cut = Buffer.from(report, "utf8").subarray(0, budget - Buffer.byteLength(footer, "utf8")).toString("utf8");
    // A multi-byte character cut in two decodes as U+FFFD: drop it.
    cut = cut.replace(/\uFFFD+$/, "");
    return `${cut}${footer}`;
}

/** The subject line, within SNS's limit. */
export function subjectOf(stack, end) {
    return `Weekly controls report ${stack} ${end.toISOString().slice(0, 10)}`.slice(0, SNS_SUBJECT_CHARACTERS);
}

/** The S3 key of a week's report. */
export function reportKey(stack, end) {
    return `controls-reports/${stack}/${end.toISOString().slice(0, 10)}.txt`;
}

/** Reads the week, writes the report to the bucket, publishes it; returns where it went. */
export async function weeklyReport({ logs, ssm, s3, sns }, env, now = new Date()) {
    for (const name of ["STACK", "REGION", "TOPIC_ARN", "BUCKET"]) {
        if (!env[name]) {
            throw new Error(`environment variable ${name} is not set`);
        }
    }
    const end = now;
    const start = new Date(end.getTime() - WEEK_SECONDS * 1000);
    const window = { startTime: Math.floor(start.getTime() / 1000), endTime: Math.floor(end.getTime() / 1000) };
    const logGroups = await flowLogGroups(logs, env.LOG_GROUP_PREFIX || FLOW_LOG_PREFIX);
    const sourceRows = [];
    const portRows = [];
    let truncated = false;
    // One batch at a time: Logs Insights runs a limited number of queries per account at once.
    for (const batch of batches(logGroups, MAX_LOG_GROUPS_PER_QUERY)) {
        const sources = await runQuery(logs, { logGroupNames: batch, queryString: REJECTED_SOURCES_QUERY, ...window });
        const ports = await runQuery(logs, { logGroupNames: batch, queryString: REJECTED_PORTS_QUERY, ...window });
        truncated ||= sources.length >= QUERY_ROW_LIMIT || ports.length >= QUERY_ROW_LIMIT;
        sourceRows.push(...sources);
        portRows.push(...ports);
    }
    const patches = patchSummary(await patchCompliance(ssm), now);
    const report = renderReport({
        stack: env.STACK,
        region: env.REGION,
        start,
        end,
        logGroups,
        sources: topPerLogGroup(sourceRows, ["srcAddr"]),
        ports: topPerLogGroup(portRows, ["dstPort", "protocol"]),
        truncated,
        patches,
    });
    const key = reportKey(env.STACK, end);
    await s3.send(new PutObjectCommand({ Bucket: env.BUCKET, Key: key, Body: report, ContentType: "text/plain; charset=utf-8" }));
    const location = `s3://${env.BUCKET}/${key}`;
    const subject = subjectOf(env.STACK, end);
    await sns.send(new PublishCommand({ TopicArn: env.TOPIC_ARN, Subject: subject, Message: snsMessage(report, subject, location) }));
    return { location, logGroups: logGroups.length, servers: patches.servers.length };
}

/** The Lambda entry point (index.handler). */
export async function handler() {
    const region = process.env.AWS_REGION;
    const clients = { logs: new CloudWatchLogsClient({ region }), ssm: new SSMClient({ region }), s3: new S3Client({ region }), sns: new SNSClient({ region }) };
    const result = await weeklyReport(clients, { ...process.env, REGION: process.env.REGION || region });
    console.log(JSON.stringify({ message: "weekly controls report sent", ...result }));
    return result;
}
