// The offboarding of a tenant (`npm run destroy`): the one state in which the program turns deletion
// protection off, and how a protected resource shows it is in that state. Pure: the stacks, the
// components and the policy rules all read it (a shared promise, like backup-schedule.ts).

/**
 * The stack config key `npm run destroy` sets once the final backup has COMPLETED, and only then:
 * JSON `{"completedAt": "<ISO time>", "recoveryPoints": {"database": "<ARN>", "files": "<ARN>"}}`.
 * With it, the tenant program turns deletion protection off; without it, protection stays on.
 */
export const OFFBOARDING_CONFIG_KEY = "offboardingFinalBackup";

/**
 * The tag a resource whose deletion protection is off carries: it names the recovery points of the
 * final backup (space-separated ARNs). The policy admits an unprotected database or load balancer
 * only with it.
 */
export const OFFBOARDING_TAG_KEY = "offboarding-final-backup";

/** AWS's limit for a tag value on RDS and Elastic Load Balancing (botocore: TagValue max 256). */
export const TAG_VALUE_MAX_LENGTH = 256;

/**
 * An AWS Backup recovery point: `arn:aws:backup:<region>:<account>:recovery-point:<id>` (S3 and
 * vault-native resources), `arn:aws:rds:<region>:<account>:snapshot:awsbackup:job-<id>` (RDS) or
 * `arn:aws:ec2:<region>::image/ami-<id>` (EC2 instances). Source: AWS Backup developer guide,
 * "Recovery point ARN formats by resource type".
 */
const RECOVERY_POINT_ARN =
    /^arn:aws[a-z-]*:(?:backup:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:recovery-point:[A-Za-z0-9:_-]+|rds:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:snapshot:awsbackup:job-[A-Za-z0-9-]+|ec2:[a-z]{2}(?:-[a-z]+)+-\d:\d{0,12}:image\/ami-[0-9a-f]+)$/;

export function isRecoveryPointArn(value: unknown): value is string {
    return typeof value === "string" && RECOVERY_POINT_ARN.test(value);
}

/** The completed final backup a stack is being offboarded with. */
export interface FinalBackupRecord {
    /** When the last job of the final backup completed (ISO 8601). */
    readonly completedAt: string;
    /** Recovery point ARN by what it holds (`database`, `files`). At least one. */
    readonly recoveryPoints: Readonly<Record<string, string>>;
}

/** The value `npm run destroy` writes into OFFBOARDING_CONFIG_KEY. */
export function finalBackupConfigValue(record: FinalBackupRecord): string {
    return JSON.stringify({ completedAt: record.completedAt, recoveryPoints: record.recoveryPoints });
}

/**
 * Reads the config value: the record, or the problems (one sentence each) that make it no proof of
 * a completed final backup. Never lenient: protection is lifted only on a value that names real
 * recovery points.
 */
export function parseFinalBackupConfig(raw: string): { record: FinalBackupRecord } | { problems: string[] } {
    let value: unknown;
    try {
        value = JSON.parse(raw);
    } catch {
        return { problems: [`is not JSON (${JSON.stringify(raw.slice(0, 60))}); expected {"completedAt": "<ISO time>", "recoveryPoints": {"database": "<recovery point ARN>", ...}}`] };
    }
    const problems: string[] = [];
    const object = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    const completedAt = object.completedAt;
    if (typeof completedAt !== "string" || Number.isNaN(Date.parse(completedAt))) {
        problems.push(`completedAt is ${JSON.stringify(completedAt ?? null)}; expected the ISO time the final backup completed`);
    }
    const points = object.recoveryPoints;
    const entries = points !== null && typeof points === "object" && !Array.isArray(points) ? Object.entries(points as Record<string, unknown>) : [];
    if (entries.length === 0) {
        problems.push("recoveryPoints names no recovery point; expected the final backup's, e.g. {\"database\": \"arn:aws:rds:...:snapshot:awsbackup:job-...\"}");
    }
    for (const [label, arn] of entries) {
        if (!isRecoveryPointArn(arn)) {
            problems.push(`recoveryPoints.${label} is ${JSON.stringify(arn)}; expected an AWS Backup recovery point ARN`);
        }
    }
    if (problems.length > 0) {
        return { problems };
    }
    const record = { completedAt: completedAt as string, recoveryPoints: Object.fromEntries(entries) as Record<string, string> };
    const tag = offboardingTagValue(record);
    if (tag.length > TAG_VALUE_MAX_LENGTH) {
        return { problems: [`the recovery point ARNs make a tag value of ${tag.length} characters; AWS allows ${TAG_VALUE_MAX_LENGTH}`] };
    }
    return { record };
}

/** The OFFBOARDING_TAG_KEY value: the recovery point ARNs, in label order, space-separated. */
export function offboardingTagValue(record: FinalBackupRecord): string {
    return Object.keys(record.recoveryPoints)
        .sort()
        .map((label) => record.recoveryPoints[label]!)
        .join(" ");
}

/**
 * Why a resource's OFFBOARDING_TAG_KEY tag does not prove an offboarding (undefined: it does): the
 * tag is missing, or it names anything but recovery points.
 */
export function offboardingTagProblem(tags: Readonly<Record<string, unknown>>): string | undefined {
    const value = tags[OFFBOARDING_TAG_KEY];
    if (value === undefined || value === null) {
        return `it carries no ${OFFBOARDING_TAG_KEY} tag (only the offboarding of \`npm run destroy\` lifts protection, after the final backup, and tags the resource with its recovery points)`;
    }
    const parts = typeof value === "string" ? value.split(" ").filter((part) => part !== "") : [];
    if (parts.length === 0 || !parts.every(isRecoveryPointArn)) {
        return `its ${OFFBOARDING_TAG_KEY} tag is ${JSON.stringify(value)}, not the recovery point ARNs of a final backup`;
    }
    return undefined;
}
