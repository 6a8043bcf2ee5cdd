// Intrusion detection whose alerts reach the team (security documentation, 7.1; Capacity Planner:
// "Operate intrusion detection ... to help identify malicious activity"): what the threat detection
// component (components/threat-detection.ts) turns on and sends, and what the policy rules demand
// of a planned detector and its findings rule, from one source.

/** The lowest severity sent to operations by default: 4, GuardDuty's medium (low 1-3.9, medium 4-6.9, high 7-8.9, critical 9-10). */
export const DEFAULT_MINIMUM_SEVERITY = 4;

/** The highest severity GuardDuty gives a finding (critical, 9-10). */
export const MAXIMUM_SEVERITY = 10;

/** The protection plans a detector the platform creates turns on by default (runtime monitoring stays off: it installs an agent). */
export const DEFAULT_GUARDDUTY_FEATURES = ["S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"] as const;

/** How often a detector the platform creates re-publishes a finding's updates by default: the fastest GuardDuty offers. */
export const DEFAULT_FINDING_PUBLISHING_FREQUENCY = "FIFTEEN_MINUTES";

/** The EventBridge pattern of GuardDuty findings at or above `minimumSeverity`. */
export function findingEventPattern(minimumSeverity: number): string {
    return JSON.stringify({
        source: ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        detail: { severity: [{ numeric: [">=", minimumSeverity] }] },
    });
}

/** Whether one EventBridge numeric matcher (`[op, value, op, value]`) admits every severity from `minimum` to {@link MAXIMUM_SEVERITY}. */
function numericAdmits(numeric: unknown, minimum: number): boolean {
    if (!Array.isArray(numeric) || numeric.length % 2 !== 0 || numeric.length === 0) {
        return false;
    }
    for (let i = 0; i < numeric.length; i += 2) {
        const [op, value] = [numeric[i], numeric[i + 1]];
        if (typeof value !== "number") {
            return false;
        }
        const holds =
            (op === ">=" && value <= minimum) ||
            (op === ">" && value < minimum) ||
            (op === "<=" && value >= MAXIMUM_SEVERITY) ||
            (op === "<" && value > MAXIMUM_SEVERITY);
        if (!holds) {
            return false;
        }
    }
    return true;
}

/**
 * Why an EventBridge event pattern does not match every GuardDuty finding of severity `minimum` and
 * above, or undefined when it does: `source` lists aws.guardduty, `detail-type` (if any) lists
 * "GuardDuty Finding", `detail` filters nothing but `severity`, whose matchers (if any) include one
 * numeric range from at most `minimum` up to 10; no other field. A filter the pattern adds (a
 * finding type, an account, a stricter severity floor) drops findings the team is promised.
 */
export function findingPatternProblem(pattern: unknown, minimum: number = DEFAULT_MINIMUM_SEVERITY): string | undefined {
    const expected = `expected ${findingEventPattern(minimum)} (or a looser floor)`;
    if (typeof pattern !== "object" || pattern === null || Array.isArray(pattern)) {
        return `eventPattern is not a JSON object; ${expected}`;
    }
    const fields = pattern as Record<string, unknown>;
    const others = Object.keys(fields).filter((key) => !["source", "detail-type", "detail"].includes(key));
    if (others.length > 0) {
        return `eventPattern also filters on ${others.map((key) => JSON.stringify(key)).join(", ")}: findings not matching it would warn nobody; ${expected}`;
    }
    if (!Array.isArray(fields.source) || !fields.source.includes("aws.guardduty")) {
        return `eventPattern source ${JSON.stringify(fields.source ?? null)} does not match GuardDuty's findings (source aws.guardduty); ${expected}`;
    }
    const detailType = fields["detail-type"];
    if (detailType !== undefined && !(Array.isArray(detailType) && detailType.includes("GuardDuty Finding"))) {
        return `eventPattern detail-type ${JSON.stringify(detailType)} does not match GuardDuty's findings ("GuardDuty Finding"); ${expected}`;
    }
    const detail = fields.detail;
    if (detail === undefined) {
        return undefined;
    }
    if (typeof detail !== "object" || detail === null || Array.isArray(detail)) {
        return `eventPattern detail ${JSON.stringify(detail)} is not an object; ${expected}`;
    }
    const detailOthers = Object.keys(detail).filter((key) => key !== "severity");
    if (detailOthers.length > 0) {
        return `eventPattern also filters on detail ${detailOthers.map((key) => JSON.stringify(key)).join(", ")}: findings not matching it would warn nobody; ${expected}`;
    }
    const severity = (detail as Record<string, unknown>).severity;
    if (severity === undefined) {
        return undefined;
    }
    const admits = Array.isArray(severity) && severity.some((matcher) => typeof matcher === "object" && matcher !== null && numericAdmits((matcher as { numeric?: unknown }).numeric, minimum));
    return admits
        ? undefined
        : `eventPattern severity ${JSON.stringify(severity)} does not admit every finding of severity ${minimum} to ${MAXIMUM_SEVERITY}: those it drops would warn nobody; ${expected}`;
}
