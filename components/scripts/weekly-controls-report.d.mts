// Types of weekly-controls-report.mjs (the Lambda's plain ES module), for the tests and the component.

import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { ResourceComplianceSummaryItem, SSMClient } from "@aws-sdk/client-ssm";

export declare const FLOW_LOG_PREFIX: string;
export declare const MAX_LOG_GROUPS_PER_QUERY: number;
export declare const MAX_QUERY_LENGTH: number;
export declare const SNS_MESSAGE_BYTES: number;
export declare const SNS_SUBJECT_CHARACTERS: number;
export declare const TOP: number;
export declare const WEEK_SECONDS: number;
export declare const STALE_SCAN_SECONDS: number;
export declare const REJECTED_SOURCES_QUERY: string;
export declare const REJECTED_PORTS_QUERY: string;
export declare const QUERY_ROW_LIMIT: number;

export type Row = Record<string, string>;
export interface RankedRow {
    readonly [key: string]: string | number;
    readonly flows: number;
    readonly packets: number;
}
export interface ServerPatchState {
    readonly id: string;
    readonly status: string;
    readonly severity: string;
    readonly missing: number;
    readonly scanned: string;
    readonly stale: boolean;
}
export interface PatchSummary {
    readonly servers: ServerPatchState[];
    readonly compliant: number;
    readonly nonCompliant: number;
    readonly stale: number;
}
export interface Clients {
    readonly logs: CloudWatchLogsClient;
    readonly ssm: SSMClient;
    readonly s3: S3Client;
    readonly sns: SNSClient;
}
export interface ReportResult {
    readonly location: string;
    readonly logGroups: number;
    readonly servers: number;
}

export declare function batches<T>(list: readonly T[], size: number): T[][];
export declare function logGroupOf(log: string): string;
export declare function flowLogGroups(logs: CloudWatchLogsClient, prefix?: string): Promise<string[]>;
export declare function runQuery(
    logs: CloudWatchLogsClient,
    query: { logGroupNames: readonly string[]; queryString: string; startTime: number; endTime: number },
    options?: { pollMs?: number; maxPolls?: number; sleep?: (ms: number) => Promise<void> },
): Promise<Row[]>;
export declare function topPerLogGroup(rows: readonly Row[], keys: readonly string[], top?: number): Map<string, RankedRow[]>;
export declare function patchCompliance(ssm: SSMClient): Promise<ResourceComplianceSummaryItem[]>;
export declare function patchSummary(items: readonly ResourceComplianceSummaryItem[], now: Date): PatchSummary;
export declare function renderReport(args: {
    stack: string;
    region: string;
    start: Date;
    end: Date;
    logGroups: readonly string[];
    sources: Map<string, RankedRow[]>;
    ports: Map<string, RankedRow[]>;
    truncated: boolean;
    patches: PatchSummary;
}): string;
export declare function snsMessage(report: string, subject: string, location: string): string;
export declare function subjectOf(stack: string, end: Date): string;
export declare function reportKey(stack: string, end: Date): string;
export declare function weeklyReport(clients: Clients, env: Record<string, string | undefined>, now?: Date): Promise<ReportResult>;
export declare function handler(): Promise<ReportResult>;
