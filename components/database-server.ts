import * as fs from "node:fs";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

import { isCanonicalCidr } from "../lib/ipv4";
import * as aws from "./aws";
import { DEFAULT_DATABASE_NAME, DEFAULT_DATABASE_PORT, DEFAULT_ENGINE_VERSION, DEFAULT_MASTER_USERNAME } from "./database";
import { instanceFamilyOf } from "./dedicated-host";
import { adminSecurityGroup, DATA_VOLUME_DEVICE, DualNicServer, interfaceSecurityGroup, serverRole } from "./dual-nic-server";
import { componentType } from "./types";

export interface DatabaseServerArgs {
    /** The tenant's VPC. Required. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * The VPC's CIDR: the interface endpoints (SSM, Secrets Manager, KMS) the server reaches on 443,
     * and the only network pg_hba.conf admits clients from. Required.
     */
    readonly vpcCidr: string;
    /** Data-tier subnet of the host's zone: the service interface (eth0), where clients connect. Required. */
    readonly dataSubnetId: pulumi.Input<string>;
    /** Administration subnet of the host's zone: the admin interface (eth1), operators' SSH. Required. */
    readonly adminSubnetId: pulumi.Input<string>;
    /** The host's zone, where both subnets, the instance and its data volume are. Required. */
    readonly availabilityZone: pulumi.Input<string>;
    /** The tenant's Dedicated Host (DedicatedHost.hostId): the server runs on no other hardware. Required. */
    readonly hostId: pulumi.Input<string>;
    /**
     * EC2 instance type of the host's family, e.g. `m6i.large` (`hostInstanceType(family, class)`
     * turns the tenant's RDS class into one). Required: sizing is the tenant's plan.
     */
    readonly instanceType: string;
    /** The Amazon Linux 2023 AMI the server boots from (the setup installs PostgreSQL from its repositories). Required. */
    readonly imageId: pulumi.Input<string>;
    /** The AMI's name (the pinned release), tagged `ImageName` on the instance. Default: undefined, no tag. */
    readonly imageName?: string;
    /** Size of the data volume holding the database in GiB, 20 to 65536 (a DualNicServer data volume: gp3, io2 beyond 16384). Required. */
    readonly storageGiB: number;
    /** Customer-managed key encrypting the volumes and the master secret. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * Security groups of the clients (application servers) allowed to the database port: the only
     * sources allowed at all. Required, at least one.
     */
    readonly clientSecurityGroupIds: pulumi.Input<string>[];
    /** Managed prefix list of the operations CIDRs: the only source of SSH (22) on the admin interface. Required. */
    readonly operationsPrefixListId: pulumi.Input<string>;
    /** Value of the `PatchGroup` tag the Patching component targets; patches also update PostgreSQL's minor version. Required. */
    readonly patchGroup: string;
    /**
     * The region's S3 managed prefix list (through the VPC's gateway endpoint), reachable on 443:
     * Amazon Linux's package repositories, where PostgreSQL and its patches come from, live in S3.
     * Default: undefined, no S3 access; packages must then come through a repository inside the VPC.
     */
    readonly s3PrefixListId?: pulumi.Input<string>;
    /** Port the database listens on, 1024 to 65535. Default: 5432. */
    readonly port?: number;
    /**
     * PostgreSQL major version, 15 or later, installed as Amazon Linux 2023's `postgresql<major>`
     * packages. Default: "16"; minor versions follow the patch baseline.
     */
    readonly engineVersion?: string;
    /** Name of the database created on the server. Default: `itm`. */
    readonly databaseName?: string;
    /** Master user name; not a secret (its generated password is, in Secrets Manager). Default: `itm_admin`. */
    readonly masterUsername?: string;
    /**
     * A failback's takeover: the EBS volume holding the restored data (`npm run dr -- failback`
     * makes it under `kmsKeyArn` in `availabilityZone`) becomes the server's data volume
     * (DualNicServer `restoredDataVolumeId`: the former one detached and retained), and the setup
     * runs again on it (the master password of this server's secret set on the restored cluster).
     * Default: undefined, the server's own volume.
     */
    readonly restoredDataVolumeId?: string;
}

/** Largest data volume a DualNicServer accepts (its `dataVolumeGiB` limit). */
const MAX_STORAGE_GIB = 65536;
/** PostgreSQL identifiers accepted for the database and user names: safe unquoted in SQL and shell. */
const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
/** Where the data volume is mounted: the `postgres` user's home, whose `data` is the packaged service's PGDATA. */
const PGSQL_HOME = "/var/lib/pgsql";

/** What is wrong with the database server's args, one sentence per problem; empty when valid. */
export function databaseServerProblems(args: {
    readonly vpcCidr: string;
    readonly storageGiB: number;
    readonly port: number;
    readonly engineVersion: string;
    readonly instanceType: string;
    readonly clientGroupCount: number;
    readonly databaseName: string;
    readonly masterUsername: string;
}): string[] {
    const problems: string[] = [];
    // Written into pg_hba.conf and the security groups: a malformed value would break both.
    if (!isCanonicalCidr(args.vpcCidr)) {
        problems.push(`vpcCidr: "${args.vpcCidr}" is not allowed; expected the VPC's IPv4 CIDR in canonical form, such as "10.20.0.0/16"`);
    }
    if (!Number.isInteger(args.storageGiB) || args.storageGiB < 20 || args.storageGiB > MAX_STORAGE_GIB) {
        problems.push(`storageGiB: ${args.storageGiB} is not allowed; expected a whole number of GiB from 20 to ${MAX_STORAGE_GIB} (the server's data volume)`);
    }
    // Unprivileged ports only: 22 and the other system ports belong to the server's own daemons.
    if (!Number.isInteger(args.port) || args.port < 1024 || args.port > 65535) {
        problems.push(`port: ${args.port} is not allowed; expected a TCP port from 1024 to 65535`);
    }
    // 15 is the oldest PostgreSQL Amazon Linux 2023 packages, and the setup needs psql's \getenv (15+).
    if (!/^\d+$/.test(args.engineVersion) || Number(args.engineVersion) < 15) {
        problems.push(`engineVersion: "${args.engineVersion}" is not allowed; expected a PostgreSQL major version from 15, such as "16" (minor versions come with patching)`);
    }
    if (args.instanceType.startsWith("db.")) {
        problems.push(`instanceType: "${args.instanceType}" is not allowed; expected an EC2 type of the host's family, e.g. hostInstanceType("m6i", "${args.instanceType}")`);
    } else {
        try {
            instanceFamilyOf(args.instanceType);
        } catch (error) {
            problems.push(`instanceType: ${(error as Error).message}`);
        }
    }
    if (args.clientGroupCount < 1) {
        problems.push("clientSecurityGroupIds: none given; expected the security groups of the servers that use the database");
    }
    for (const [field, value] of [["databaseName", args.databaseName], ["masterUsername", args.masterUsername]] as const) {
        if (!IDENTIFIER.test(value)) {
            problems.push(`${field}: "${value}" is not allowed; expected a lower-case letter then up to 62 lower-case letters, digits or underscores`);
        }
    }
    return problems;
}

/**
 * The instance role's own permissions: read its one secret, and decrypt with the key only for
 * that secret (Secrets Manager's encryption context names the secret's ARN).
 */
export function databaseServerPolicy(secretArn: string, kmsKeyArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "ReadOwnMasterSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
            {
                Sid: "DecryptOwnMasterSecret",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: kmsKeyArn,
                Condition: { StringEquals: { "kms:EncryptionContext:SecretARN": secretArn } },
            },
        ],
    });
}

/** A POSIX shell single-quoted word: the value is never expanded or split. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'"'"'`)}'`;
}

export interface DatabaseSetupSettings {
    readonly engineVersion: string;
    readonly port: number;
    /** The service interface's address, the only one PostgreSQL listens on. */
    readonly listenAddress: string;
    /** The network pg_hba.conf admits (TLS and SCRAM only). */
    readonly clientCidr: string;
    /** The master secret's ARN; the script reads the password from it at run time. */
    readonly secretArn: string;
    readonly databaseName: string;
    readonly masterUsername: string;
}

/**
 * The shell script (run as root by SSM's AWS-RunShellScript) that turns an Amazon Linux 2023
 * instance into the tenant's PostgreSQL server. Idempotent, as SSM runs it again whenever the
 * association changes (a new instance, a new address): it formats only a blank volume,
 * initialises only an empty data directory and re-applies the configuration and password.
 *
 * It carries no secret: the password is read from Secrets Manager by ARN when it runs, handed to
 * psql in the environment (never on a command line, never echoed; no `set -x`) and hashed by the
 * server (SCRAM).
 */
export function databaseSetupScript(settings: DatabaseSetupSettings): string {
    const { engineVersion, port, listenAddress, clientCidr, secretArn, databaseName, masterUsername } = settings;
    return renderScript(setupScriptTemplate(), {
        ENGINE_MAJOR: shellQuote(engineVersion),
        DATA_DEVICE: shellQuote(DATA_VOLUME_DEVICE),
        PGSQL_HOME: shellQuote(PGSQL_HOME),
        SECRET_ARN: shellQuote(secretArn),
        LISTEN_ADDRESS: shellQuote(listenAddress),
        PORT: shellQuote(String(port)),
        // Inside the script's quoted here-documents: plain text, validated by databaseServerProblems.
        LISTEN_ADDRESS_TEXT: listenAddress,
        PORT_TEXT: String(port),
        CLIENT_CIDR_TEXT: clientCidr,
        MASTER_USERNAME_TEXT: masterUsername,
        DATABASE_NAME_TEXT: databaseName,
    });
}

/**
 * The setup script's template, a file of its own so that shellcheck lints it (npm run
 * lint:workflows); `npm run build` copies it beside the compiled module. Read when first needed,
 * not at import.
 */
export const DATABASE_SETUP_TEMPLATE = path.join(__dirname, "scripts", "database-setup.sh");
let template: string | undefined;
function setupScriptTemplate(): string {
    template ??= fs.readFileSync(DATABASE_SETUP_TEMPLATE, "utf8");
    return template;
}

/**
 * A script template with its `#@` lines dropped and every `@@NAME@@` replaced by `values[NAME]`.
 * A placeholder without a value, or a value without a placeholder, is a programming error.
 */
export function renderScript(text: string, values: Readonly<Record<string, string>>): string {
    const unused = new Set(Object.keys(values));
    const rendered = text.replace(/^#@.*\n/gm, "").replace(/@@([A-Z_]+)@@/g, (_, key: string) => {
        const value = values[key];
        if (value === undefined) {
            throw new Error(`script template: no value for @@${key}@@`);
        }
        unused.delete(key);
        return value;
    });
    if (unused.size > 0) {
        throw new Error(`script template: no placeholder for ${[...unused].join(", ")}`);
    }
    return rendered;
}

/** SSM association names: 3 to 128 letters, digits, `_`, `-` or `.`. */
function associationName(name: string): string {
    return `${name}-postgresql-setup`.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 128);
}

/**
 * The tenant's PostgreSQL database on its own hardware (the `physical` mode, where RDS cannot
 * run): a DualNicServer on the tenant's Dedicated Host, its service interface (eth0) in the data
 * tier and its admin interface (eth1) in the administration tier, set up by an SSM association.
 * Clients reach only the database port, over TLS with SCRAM passwords; operators reach only SSH,
 * from the operations networks. The outputs mirror the RDS `Database`'s, so a stack uses either.
 *
 * Data safety: the database lives on the server's separate data volume, encrypted with the
 * tenant's key and snapshotted when destroyed (DualNicServer's `finalSnapshot`); it outlives a
 * replaced instance, and AWS Backup takes `instanceArn`. The master password is generated here,
 * kept only as a Pulumi secret and in Secrets Manager (encrypted with the tenant's key).
 */
export class DatabaseServer extends pulumi.ComponentResource {
    /** The instance's ARN, for AWS Backup (its volumes are backed up with it). */
    public readonly instanceArn: pulumi.Output<string>;
    /** The service interface's private address, where clients connect. */
    public readonly address: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    /** The service interface's security group. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** ARN of the Secrets Manager secret holding the master credentials (not the password). */
    public readonly masterUserSecretArn: pulumi.Output<string>;

    constructor(name: string, args: DatabaseServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("data", "DatabaseServer"), name, {}, opts);

        const port = args.port ?? DEFAULT_DATABASE_PORT;
        const engineVersion = args.engineVersion ?? DEFAULT_ENGINE_VERSION;
        const databaseName = args.databaseName ?? DEFAULT_DATABASE_NAME;
        const masterUsername = args.masterUsername ?? DEFAULT_MASTER_USERNAME;
        const problems = databaseServerProblems({
            vpcCidr: args.vpcCidr,
            storageGiB: args.storageGiB,
            port,
            engineVersion,
            instanceType: args.instanceType,
            clientGroupCount: args.clientSecurityGroupIds.length,
            databaseName,
            masterUsername,
        });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`${name}: ${problems.join("; ")}`, this);
        }

        const group = interfaceSecurityGroup(
            `${name}-sg`,
            { vpcId: args.vpcId, description: `Database server ${name}, service interface: PostgreSQL from the application servers only`, tags: { Name: `${name}-sg`, tier: "data" } },
            this,
        );
        args.clientSecurityGroupIds.forEach((clientGroupId, index) => {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-sg-from-client-${index}`,
                { securityGroupId: group.id, description: "PostgreSQL from an application server group", ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: clientGroupId },
                { parent: this },
            );
        });
        // The default route leaves through eth0, so the SSM agent and the setup's calls to Secrets
        // Manager reach the VPC's interface endpoints from this interface.
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-sg-to-vpc-443`,
            { securityGroupId: group.id, description: "HTTPS to the interface endpoints of the VPC (SSM, Secrets Manager, KMS)", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.vpcCidr },
            { parent: this },
        );
        if (args.s3PrefixListId !== undefined) {
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-sg-to-s3`,
                { securityGroupId: group.id, description: "HTTPS to S3 (package repositories) through the gateway endpoint", ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: args.s3PrefixListId },
                { parent: this },
            );
        }

        const adminGroup = adminSecurityGroup(
            name,
            {
                vpcId: args.vpcId,
                vpcCidr: args.vpcCidr,
                description: `Database server ${name}, administration interface: SSH from the operations networks only`,
                tags: { Name: `${name}-admin`, tier: "admin" },
                operationsPrefixListId: args.operationsPrefixListId,
                ports: [{ port: 22, description: "SSH from the operations networks" }],
            },
            this,
        );

        // Only letters, digits and characters that need no escaping in a libpq connection string or URI.
        const password = new random.RandomPassword(
            `${name}-master-password`,
            { length: 32, special: true, overrideSpecial: "-_.~", minUpper: 1, minLower: 1, minNumeric: 1 },
            { parent: this },
        );
        const secret = new aws.secretsmanager.Secret(
            `${name}-master-secret`,
            { description: `Master credentials of database server ${name}`, kmsKeyId: args.kmsKeyArn, recoveryWindowInDays: 30, tags: { tier: "data" } },
            { parent: this },
        );

        const { role, ssmCore, profile } = serverRole(name, `Instance role of database server ${name}`, this);
        const secretAccess = new aws.iam.RolePolicy(
            `${name}-secret-access`,
            { role: role.id, policy: pulumi.all([secret.arn, args.kmsKeyArn]).apply(([secretArn, keyArn]) => databaseServerPolicy(secretArn, keyArn)) },
            { parent: this },
        );

        const server = new DualNicServer(
            `${name}-server`,
            {
                accessSubnetId: args.dataSubnetId,
                adminSubnetId: args.adminSubnetId,
                availabilityZone: args.availabilityZone,
                accessSecurityGroupIds: [group.id],
                adminSecurityGroupIds: [adminGroup.id],
                instanceType: args.instanceType,
                imageId: args.imageId,
                imageName: args.imageName,
                instanceProfileName: profile.name,
                kmsKeyArn: args.kmsKeyArn,
                dataVolumeGiB: args.storageGiB,
                hostId: args.hostId,
                tags: { PatchGroup: args.patchGroup, role: "database" },
                ...(args.restoredDataVolumeId !== undefined ? { restoredDataVolumeId: args.restoredDataVolumeId } : {}),
            },
            { parent: this },
        );

        const secretVersion = new aws.secretsmanager.SecretVersion(
            `${name}-master-secret-version`,
            {
                secretId: secret.id,
                secretString: pulumi.secret(
                    pulumi.all([password.result, server.accessIp]).apply(([masterPassword, host]) =>
                        JSON.stringify({ username: masterUsername, password: masterPassword, host, port, dbname: databaseName }),
                    ),
                ),
            },
            { parent: this },
        );

        // Runs once when created and again when the script changes (a replaced instance, a new
        // address); the deployment waits for it, so a server that did not come up fails the update.
        new aws.ssm.Association(
            `${name}-setup`,
            {
                name: "AWS-RunShellScript",
                associationName: associationName(name),
                targets: [{ key: "InstanceIds", values: [server.instanceId] }],
                parameters: {
                    // A taken-over data volume changes the script (a comment naming it), so SSM runs it again on the restored data.
                    commands: pulumi.all([server.accessIp, secret.arn]).apply(
                        ([listenAddress, secretArn]) =>
                            databaseSetupScript({ engineVersion, port, listenAddress, clientCidr: args.vpcCidr, secretArn, databaseName, masterUsername }) +
                            (args.restoredDataVolumeId !== undefined ? `# data volume taken over after a failback: ${args.restoredDataVolumeId}\n` : ""),
                    ),
                    executionTimeout: "1800",
                },
                complianceSeverity: "CRITICAL",
                waitForSuccessTimeoutSeconds: 1800,
            },
            // The script needs the volume attached, the password in the secret and the role's permissions.
            { parent: this, dependsOn: [server, secretVersion, secretAccess, ssmCore] },
        );

        this.instanceArn = server.instanceArn;
        this.address = server.accessIp;
        this.port = pulumi.output(port);
        this.securityGroupId = group.id;
        this.masterUserSecretArn = secret.arn;
        this.registerOutputs({
            instanceArn: this.instanceArn,
            address: this.address,
            port: this.port,
            securityGroupId: this.securityGroupId,
            masterUserSecretArn: this.masterUserSecretArn,
        });
    }
}
