import { createHash } from "node:crypto";

import * as pulumi from "@pulumi/pulumi";

import { EVIDENCE_LOG_RETENTION_DAYS } from "../lib/network-plan";
import * as aws from "./aws";
import { reservedPrefixFreeName } from "../lib/naming";
import { OFFBOARDING_TAG_KEY, offboardingTagProblem } from "../lib/promises/offboarding";
import { componentType } from "./types";

export interface DatabaseArgs {
    /** The tenant's VPC. Required. */
    readonly vpcId: pulumi.Input<string>;
    /** Data-tier subnets in at least two availability zones (RDS requires two). Required. */
    readonly subnetIds: pulumi.Input<string>[];
    /** RDS instance class, e.g. `db.m7g.large`. Required: sizing is the tenant's plan. */
    readonly instanceClass: string;
    /** Allocated gp3 storage in GiB, 20 to 65536. Required. */
    readonly storageGiB: number;
    /** Customer-managed key encrypting storage, snapshots, Performance Insights and the master secret. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * Security groups of the clients (application servers) allowed to the database port: the only
     * sources allowed at all. Required, at least one.
     */
    readonly clientSecurityGroupIds: pulumi.Input<string>[];
    /** A standby in a second availability zone with automatic failover. Required: a priced choice. */
    readonly multiAz: boolean;
    /** PostgreSQL major (or major.minor) version. Default: "16"; minor versions upgrade automatically. */
    readonly engineVersion?: string;
    /** Port the database listens on. Default: 5432. */
    readonly port?: number;
    /** Days of automated backups (point-in-time restore), 7 to 35. Default: 7. */
    readonly backupRetentionDays?: number;
    /** Weekly maintenance window, UTC. Default: `sun:02:00-sun:03:00`, the quietest hour of the week. */
    readonly maintenanceWindow?: string;
    /** Name of the database created with the instance. Default: `itm`. */
    readonly databaseName?: string;
    /**
     * Master user name; not a secret (its password is generated and kept by RDS in Secrets
     * Manager). Default: `itm_admin`.
     */
    readonly masterUsername?: string;
    /**
     * Roles of another stack's servers that read the master secret (the platform's shared servers,
     * for a dedicated-saas tenant): the secret's resource policy lets them `GetSecretValue` and
     * `DescribeSecret` on it, so the grant lives with the secret and no role policy grows with the
     * tenants. The secret's key admits them through Secrets Manager (EncryptionKeys'
     * `kms:ViaService` statement). Default: none, no resource policy.
     */
    readonly secretReaderRoleArns?: pulumi.Input<string>[];
    /**
     * The final backup of the stack's offboarding (its recovery point ARNs, space-separated;
     * lib/promises/offboarding.ts), which alone turns deletion protection off and is tagged on the
     * instance as `offboarding-final-backup`. Default: undefined, deletion protection on.
     */
    readonly offboardingFinalBackup?: string;
    /**
     * A failback's takeover: the RDS instance a restore job created (its DB instance identifier)
     * becomes this database, imported under a logical name of its own (`<name>-restored-db`) with
     * every setting below applied; `releaseFormer` stops declaring the former instance, which the
     * takeover's update retained. Default: undefined, the component's own instance.
     */
    readonly takeover?: { readonly identifier: string; readonly releaseFormer: boolean };
}

/**
 * Properties of the imported instance that the restore decided and that the provider can only
 * change by replacing the instance (ForceNew in the provider's aws_db_instance schema): a diff on
 * one of them, after the import, would plan a replacement, i.e. an empty new database and the
 * restored one deleted. Ignored (the engine keeps the imported values: pulumi/pulumi#5976 applies
 * ignoreChanges to an import step), and the key is checked instead (`takeoverKeyProblem`).
 */
export const TAKEOVER_IGNORED_CHANGES = ["dbName", "engine", "kmsKeyId", "storageEncrypted", "username"] as const;

/**
 * What breaks production's encryption promise in a taken-over instance: RDS restores an instance
 * with its snapshot's key (botocore's RDS model: RestoreDBInstanceFromDBSnapshot has no KmsKeyId;
 * CopyDBSnapshot has, so the key is chosen when the recovery point is copied into the region), and
 * a key can never be changed on an instance. Undefined when it is production's key.
 */
export function takeoverKeyProblem(identifier: string, actualKey: string | undefined, expectedKey: string): string | undefined {
    return actualKey === expectedKey
        ? undefined
        : `the restored database ${identifier} is encrypted with ${actualKey ?? "no key"}, not with production's data key ${expectedKey}: RDS keeps a snapshot's key on restore, so copy the recovery point with that key (CopyDBSnapshot --kms-key-id) and restore the copy`;
}

/**
 * The master secret's resource policy: the given roles read exactly this secret. `Resource` names
 * the secret itself (a secret policy's only resource is its secret). RDS owns the secret's value,
 * rotation and deletion, not its resource policy: PutResourcePolicy takes any secret
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutResourcePolicy.html), and
 * tools manage this very policy on RDS-managed master secrets (alchemy-run/alchemy pull request
 * 1598, "manage the RDS master secret resource policy").
 */
export function masterSecretPolicy(secretArn: string, readerRoleArns: readonly string[]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AppServersReadMasterSecret",
                Effect: "Allow",
                Principal: { AWS: [...readerRoleArns] },
                Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                Resource: secretArn,
            },
        ],
    });
}

/** PostgreSQL identifiers RDS accepts for a database or user name. */
const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

/** What is wrong with the database args, one sentence per problem; empty when valid. */
export function databaseArgsProblems(args: {
    subnetCount: number;
    clientGroupCount: number;
    storageGiB: number;
    port: number;
    backupRetentionDays: number;
    engineVersion: string;
    databaseName: string;
    masterUsername: string;
}): string[] {
    const problems: string[] = [];
    if (!Number.isInteger(args.storageGiB) || args.storageGiB < 20 || args.storageGiB > 65536) {
        problems.push(`storageGiB: ${args.storageGiB} is not allowed; expected a whole number of GiB from 20 to 65536 (the gp3 limits)`);
    }
    if (args.subnetCount < 2) {
        problems.push(`subnetIds: ${args.subnetCount} subnet(s) given; expected data-tier subnets in at least two availability zones`);
    }
    if (args.clientGroupCount < 1) {
        problems.push("clientSecurityGroupIds: none given; expected the security groups of the servers that use the database");
    }
    if (!Number.isInteger(args.port) || args.port < 1150 || args.port > 65535) {
        problems.push(`port: ${args.port} is not allowed; expected 1150 to 65535 (RDS for PostgreSQL)`);
    }
    if (!Number.isInteger(args.backupRetentionDays) || args.backupRetentionDays < 7 || args.backupRetentionDays > 35) {
        problems.push(`backupRetentionDays: ${args.backupRetentionDays} is not allowed; expected 7 to 35 days (the service promises at least a week of point-in-time restore)`);
    }
    if (!/^\d+(\.\d+)?$/.test(args.engineVersion)) {
        problems.push(`engineVersion: "${args.engineVersion}" is not allowed; expected a PostgreSQL major or major.minor version such as "16"`);
    }
    for (const [field, value] of [["databaseName", args.databaseName], ["masterUsername", args.masterUsername]] as const) {
        if (!IDENTIFIER.test(value)) {
            problems.push(`${field}: "${value}" is not allowed; expected a lower-case letter then up to 62 lower-case letters, digits or underscores`);
        }
    }
    return problems;
}

/** The parameter-group family of an engine version: "16" and "16.4" are `postgres16`. */
export function parameterGroupFamily(engineVersion: string): string {
    return `postgres${engineVersion.split(".")[0]}`;
}

/**
 * The instance's identifier, derived from the component's name (letters, digits and single
 * hyphens, starting with a letter, at most 63): fixed rather than generated, because RDS names the
 * log group of its exported logs after it, and that group must exist, encrypted, before the
 * instance writes to it.
 */
export function instanceIdentifier(name: string): string {
    return rdsNameKeptApart(name, 63);
}

/**
 * {@link rdsNameFrom}, followed for a name with a doubled hyphen by `-` and a hash of the name:
 * the cleaning turns `a--b-database` into `a-b-database`, the name of another tenant's database,
 * and RDS identifiers (instances, final snapshots) are unique per account and region, so the second
 * tenant of the region would fail at `pulumi up` where no single stack's plan can see it. Names
 * without one keep exactly their former value. No database of a doubled-hyphen name was ever
 * created under the former value: until the parameter group got an explicit name
 * ({@link parameterGroupName}), RDS refused its generated one (CreateDBParameterGroup: no two
 * consecutive hyphens) before the instance, which depends on it, was created.
 */
function rdsNameKeptApart(name: string, max: number): string {
    if (!name.includes("--")) {
        return rdsNameFrom(name, max);
    }
    const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
    return `${rdsNameFrom(name, max - 9)}-${hash}`;
}

/** Letters, digits and single hyphens, starting with a letter, at most `max` characters: what RDS accepts. */
function rdsNameFrom(name: string, max: number): string {
    const clean = name
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "");
    const base = /^[a-z]/.test(clean) ? clean : `db-${clean}`.replace(/-$/, "");
    return base.slice(0, max).replace(/-$/, "");
}

/**
 * The parameter group's explicit name, where the provider's generated one (`<name>-params-<7 hex>`)
 * breaks RDS's rule (CreateDBParameterGroup: letters, digits and hyphens, no two consecutive
 * hyphens), as a contract-valid tenant id such as `a--b` makes it; else `undefined`, and the
 * provider names it: a group deployed under its generated name keeps it (renaming a group replaces
 * it under a running database). The family is part of the name, so that a major-version upgrade,
 * which replaces the group, creates its successor before deleting it instead of colliding; a hash of
 * the name keeps names apart that differ only in their run of hyphens.
 */
export function parameterGroupName(name: string, family: string): string | undefined {
    // The hash of the name itself keeps apart the names the cleaning would make equal (`a--b`, `a---b`).
    const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
    return name.includes("--") ? `${rdsNameFrom(`${name}-params-${family}`, 255 - 9)}-${hash}` : undefined;
}

/** Days the exported PostgreSQL logs are kept. */
export const DATABASE_LOG_RETENTION_DAYS = EVIDENCE_LOG_RETENTION_DAYS;

/** PostgreSQL major version of a database (RDS or a DatabaseServer) unless told otherwise. */
export const DEFAULT_ENGINE_VERSION = "16";
/** PostgreSQL's own port, a database's unless told otherwise (and what the application servers may reach). */
export const DEFAULT_DATABASE_PORT = 5432;
/** The application's database, created on every database unless told otherwise. */
export const DEFAULT_DATABASE_NAME = "itm";
/** The master user of every database unless told otherwise. */
export const DEFAULT_MASTER_USERNAME = "itm_admin";

/**
 * The identifier of the snapshot RDS takes when the instance is deleted, derived from the
 * component's name: letters, digits and single hyphens, starting with a letter, at most 255 (kept
 * apart for names with a doubled hyphen as {@link instanceIdentifier} is).
 */
export function finalSnapshotIdentifier(name: string): string {
    return `${rdsNameKeptApart(name, 255 - "-final".length)}-final`;
}

/**
 * The tenant's dedicated PostgreSQL database: private, encrypted with the tenant's key, reachable
 * only from the given client groups over TLS, protected against deletion and snapshotted when
 * deleted anyway. The master password is generated and rotated by RDS in Secrets Manager, so it
 * never appears in the program, its state, a plan or an output.
 */
export class Database extends pulumi.ComponentResource {
    public readonly instanceArn: pulumi.Output<string>;
    public readonly address: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    public readonly securityGroupId: pulumi.Output<string>;
    /** The DB subnet group: where a restore job lands a restored copy (restoreTarget). */
    public readonly subnetGroupName: pulumi.Output<string>;
    /** ARN of the Secrets Manager secret holding the master credentials (not the password). */
    public readonly masterUserSecretArn: pulumi.Output<string>;
    /** After a takeover, while still declared: the former instance (kept for the incident's forensics). */
    public readonly formerInstanceArn?: pulumi.Output<string>;
    /** After a takeover: the taken-over instance's key, checked to be production's (fails the update otherwise). */
    public readonly takeoverKey?: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("data", "Database"), name, {}, opts);

        const engineVersion = args.engineVersion ?? DEFAULT_ENGINE_VERSION;
        const port = args.port ?? DEFAULT_DATABASE_PORT;
        const backupRetentionDays = args.backupRetentionDays ?? 7;
        const maintenanceWindow = args.maintenanceWindow ?? "sun:02:00-sun:03:00";
        const databaseName = args.databaseName ?? DEFAULT_DATABASE_NAME;
        const masterUsername = args.masterUsername ?? DEFAULT_MASTER_USERNAME;
        const problems = databaseArgsProblems({
            subnetCount: args.subnetIds.length,
            clientGroupCount: args.clientSecurityGroupIds.length,
            storageGiB: args.storageGiB,
            port,
            backupRetentionDays,
            engineVersion,
            databaseName,
            masterUsername,
        });
        const offboardingProblem = args.offboardingFinalBackup === undefined ? undefined : offboardingTagProblem({ [OFFBOARDING_TAG_KEY]: args.offboardingFinalBackup });
        if (offboardingProblem !== undefined) {
            problems.push(`offboardingFinalBackup: ${offboardingProblem}`);
        }
        const identifier = instanceIdentifier(name);
        if (args.takeover !== undefined && args.takeover.identifier.toLowerCase() === identifier) {
            problems.push(`takeover: "${args.takeover.identifier}" is this database's own instance; expected the instance a failback's restore job created`);
        }
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`${name}: ${problems.join("; ")}`, this);
        }

        // No egress rule: the provider removes AWS's default allow-all egress, and a database
        // only answers connections, it never opens any.
        const group = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { name: reservedPrefixFreeName("securityGroup", `${name}-sg`), vpcId: args.vpcId, description: `Database ${name}: PostgreSQL from the application servers only`, tags: { Name: `${name}-sg`, tier: "data" } },
            { parent: this },
        );
        args.clientSecurityGroupIds.forEach((clientGroupId, index) => {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-sg-from-client-${index}`,
                { securityGroupId: group.id, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: clientGroupId, description: "PostgreSQL from an application server group" },
                { parent: this },
            );
        });

        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-subnets`,
            { description: `Data-tier subnets of database ${name}`, subnetIds: args.subnetIds, tags: { tier: "data" } },
            { parent: this },
        );
        const family = parameterGroupFamily(engineVersion);
        const parameterGroup = new aws.rds.ParameterGroup(
            `${name}-params`,
            {
                name: parameterGroupName(name, family),
                family,
                description: `Database ${name}: TLS required`,
                parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }],
            },
            { parent: this },
        );

        // RDS would create this group itself, unencrypted and kept forever, on the first export.
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: `/aws/rds/instance/${identifier}/postgresql`, kmsKeyId: args.kmsKeyArn, retentionInDays: DATABASE_LOG_RETENTION_DAYS, tags: { tier: "data" } },
            { parent: this },
        );

        const instanceArgs = (dbIdentifier: string, finalSnapshot: string): aws.rds.InstanceArgs => ({
                identifier: dbIdentifier,
                engine: "postgres",
                engineVersion,
                autoMinorVersionUpgrade: true,
                allowMajorVersionUpgrade: false,
                instanceClass: args.instanceClass,
                allocatedStorage: args.storageGiB,
                storageType: "gp3",
                storageEncrypted: true,
                kmsKeyId: args.kmsKeyArn,
                multiAz: args.multiAz,
                dbName: databaseName,
                username: masterUsername,
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: args.kmsKeyArn,
                iamDatabaseAuthenticationEnabled: true,
                port,
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: [group.id],
                parameterGroupName: parameterGroup.name,
                publiclyAccessible: false,
                // Off only while the stack is offboarded, after its final backup (tagged below).
                deletionProtection: args.offboardingFinalBackup === undefined,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: finalSnapshot,
                // Automated backups outlive the instance, so a deletion still leaves point-in-time restore.
                deleteAutomatedBackups: false,
                backupRetentionPeriod: backupRetentionDays,
                copyTagsToSnapshot: true,
                maintenanceWindow,
                performanceInsightsEnabled: true,
                performanceInsightsKmsKeyId: args.kmsKeyArn,
                performanceInsightsRetentionPeriod: 7,
                enabledCloudwatchLogsExports: ["postgresql"],
                tags: { Name: name, tier: "data", ...(args.offboardingFinalBackup === undefined ? {} : { [OFFBOARDING_TAG_KEY]: args.offboardingFinalBackup }) },
        });

        // The takeover after a failback (see TAKEOVER below). The former instance keeps its logical
        // name and its inputs (no change to it at all) until the operator releases it; retained:
        // the engine decides a deletion by the retainOnDelete recorded in the state, so this
        // update records it and any later removal (releaseFormer) only drops it from the state
        // (pulumi/pulumi#13428, "Option A"; docs: resource options, retainOnDelete). Were it
        // deleted anyway, its deletion protection makes RDS refuse, and its final snapshot stays set.
        const takeover = args.takeover;
        const former =
            takeover?.releaseFormer === true
                ? undefined
                : new aws.rds.Instance(`${name}-db`, instanceArgs(identifier, finalSnapshotIdentifier(name)), {
                      parent: this,
                      dependsOn: [logGroup],
                      // Not while offboarding: the targeted update that lifts protection records false, then destroy deletes it (with its final snapshot).
                      ...(takeover !== undefined ? { retainOnDelete: args.offboardingFinalBackup === undefined } : {}),
                  });
        let instance: aws.rds.Instance;
        if (takeover === undefined) {
            instance = former!;
        } else {
            // TAKEOVER. The restored instance under a logical name of its own, imported: `import` on
            // the former's URN would import the new one and delete the former (pulumi/pulumi#2893,
            // case 3). The engine reads it, then updates it to these inputs (pulumi/pulumi#19339,
            // docs: pulumi/docs#18114): production's parameter group, security group, multi-AZ,
            // deletion protection, managed master secret with production's key, backups, logs,
            // Performance Insights. Left in the program, `import` with the same id is ignored on
            // later updates, and a change that would replace it is refused (pulumi/pulumi#2893, case 4).
            const restoredLogGroup = new aws.cloudwatch.LogGroup(
                `${name}-restored-logs`,
                { name: `/aws/rds/instance/${takeover.identifier}/postgresql`, kmsKeyId: args.kmsKeyArn, retentionInDays: DATABASE_LOG_RETENTION_DAYS, tags: { tier: "data" } },
                { parent: this },
            );
            instance = new aws.rds.Instance(`${name}-restored-db`, instanceArgs(takeover.identifier, finalSnapshotIdentifier(takeover.identifier)), {
                parent: this,
                dependsOn: [restoredLogGroup],
                import: takeover.identifier,
                ignoreChanges: [...TAKEOVER_IGNORED_CHANGES],
                // Retained too: a later restoredDatabase naming another instance imports that one and
                // deletes this one from the state (pulumi/pulumi#2893, case 3), never from AWS.
                retainOnDelete: args.offboardingFinalBackup === undefined,
            });
            const adopted = instance;
            this.takeoverKey = pulumi.all([adopted.kmsKeyId, args.kmsKeyArn]).apply(([actual, expected]) => {
                const problem = takeoverKeyProblem(takeover.identifier, actual, expected);
                if (problem !== undefined) {
                    throw new pulumi.ResourceError(`${name}: ${problem}`, adopted);
                }
                return actual;
            });
        }
        this.formerInstanceArn = takeover !== undefined && former !== undefined ? former.arn : undefined;

        this.instanceArn = instance.arn;
        this.address = instance.address;
        this.port = instance.port;
        this.securityGroupId = group.id;
        this.subnetGroupName = subnetGroup.name;
        this.masterUserSecretArn = instance.masterUserSecrets.apply((secrets) => {
            const arn = secrets?.[0]?.secretArn;
            if (!arn) {
                throw new pulumi.ResourceError(`${name}: RDS returned no master user secret although it manages the master password`, this);
            }
            return arn;
        });
        if (args.secretReaderRoleArns !== undefined && args.secretReaderRoleArns.length > 0) {
            new aws.secretsmanager.SecretPolicy(
                `${name}-secret-policy`,
                {
                    secretArn: this.masterUserSecretArn,
                    policy: pulumi.all([this.masterUserSecretArn, pulumi.all(args.secretReaderRoleArns)]).apply(([secretArn, roles]) => masterSecretPolicy(secretArn, roles)),
                    // Secrets Manager refuses a policy that would open the secret to a broad set of principals.
                    blockPublicPolicy: true,
                },
                { parent: this },
            );
        }
        this.registerOutputs({
            instanceArn: this.instanceArn,
            address: this.address,
            port: this.port,
            securityGroupId: this.securityGroupId,
            masterUserSecretArn: this.masterUserSecretArn,
            ...(this.takeoverKey !== undefined ? { takeoverKey: this.takeoverKey } : {}),
        });
    }
}
