import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { componentType } from "./types";

/** What one server role may reach of one tenant's (or the platform's) data: exact ARNs only. */
export interface ServerDataGrant {
    /** The files bucket's ARN (`arn:aws:s3:::<bucket>`). */
    readonly bucketArn: string;
    /**
     * The part of the bucket that is the role's: `tenants/acme/` on a shared bucket, `""` for the
     * whole bucket (a tenant's own). Must be empty or end with `/`, so that `tenants/acme/` never
     * also grants `tenants/acme-corp/`.
     */
    readonly bucketPrefix: string;
    /** ARNs of the Secrets Manager secrets the role reads (its database's master secret). */
    readonly secretArns: readonly string[];
    /** ARN of the customer-managed key encrypting the bucket and the secrets. */
    readonly kmsKeyArn: string;
}

/** The region of an ARN (`arn:aws:kms:eu-west-1:...` -> `eu-west-1`), or undefined when it has none. */
function regionOf(arn: string): string | undefined {
    const region = arn.split(":")[3];
    return region !== undefined && region !== "" ? region : undefined;
}

/** What is wrong with a grant, one sentence per problem; empty when it is exact. */
export function serverDataGrantProblems(grant: ServerDataGrant): string[] {
    const problems: string[] = [];
    if (!/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(grant.bucketArn)) {
        problems.push(`bucketArn: "${grant.bucketArn}" is not a bucket ARN; expected arn:aws:s3:::<bucket>`);
    }
    if (grant.bucketPrefix !== "" && (!grant.bucketPrefix.endsWith("/") || /[*?]/.test(grant.bucketPrefix) || grant.bucketPrefix.startsWith("/"))) {
        problems.push(`bucketPrefix: "${grant.bucketPrefix}" is not allowed; expected "" (the whole bucket) or a key prefix ending with "/" and without wildcards, such as "tenants/acme/"`);
    }
    grant.secretArns.forEach((arn, i) => {
        if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^*?]+$/.test(arn)) {
            problems.push(`secretArns[${i}]: "${arn}" is not a secret's full ARN; expected arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>, without wildcards`);
        }
    });
    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/.test(grant.kmsKeyArn)) {
        problems.push(`kmsKeyArn: "${grant.kmsKeyArn}" is not a key ARN; expected arn:aws:kms:<region>:<account>:key/<id> (an alias is not a resource IAM matches)`);
    }
    return problems;
}

/**
 * The identity policy of a server role: list and use the objects of its bucket (or of its prefix
 * in a shared one), read its database secret, and use its key only through S3 and Secrets Manager
 * (`kms:ViaService`), never directly. Every resource is an exact ARN (the object ARN ends with the
 * prefix and `*`, as S3 object keys need); nothing of another tenant matches.
 *
 * The KMS statement duplicates what the tenant keys' policy already grants callers of the account
 * through those services (EncryptionKeys' `UseThroughAwsServices`), so that the role keeps its data
 * should that statement ever be narrowed.
 */
export function serverDataPolicy(grant: ServerDataGrant): string {
    const region = regionOf(grant.kmsKeyArn);
    const statements: Record<string, unknown>[] = [
        {
            Sid: "ListOwnFiles",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: grant.bucketArn,
            ...(grant.bucketPrefix === "" ? {} : { Condition: { StringLike: { "s3:prefix": [`${grant.bucketPrefix}*`] } } }),
        },
        {
            Sid: "UseOwnFiles",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            Resource: `${grant.bucketArn}/${grant.bucketPrefix}*`,
        },
    ];
    if (grant.secretArns.length > 0) {
        statements.push({ Sid: "ReadOwnDatabaseSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: [...grant.secretArns] });
    }
    statements.push({
        Sid: "UseOwnKeyThroughServices",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: grant.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": [`s3.${region}.amazonaws.com`, `secretsmanager.${region}.amazonaws.com`] } },
    });
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export interface ServerDataAccessArgs {
    /** Name of the servers' instance role (AppServers.roleName). Required. */
    readonly roleName: pulumi.Input<string>;
    /** The files bucket's ARN. Required. */
    readonly bucketArn: pulumi.Input<string>;
    /** The role's part of the bucket, `tenants/<id>/` on a shared bucket. Default: "", the whole bucket. */
    readonly bucketPrefix?: string;
    /** The database secrets the servers read (Database/DatabaseServer `masterUserSecretArn`). Required, may be empty. */
    readonly secretArns: pulumi.Input<string>[];
    /** The key encrypting the bucket and the secrets. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
}

/**
 * The data a set of servers may reach, as an inline policy on their instance role: exactly one
 * bucket (or prefix), its database secret and its key through those services. A separate component
 * from AppServers because the database (whose secret it names) admits the servers' security group,
 * so it is created after them.
 */
export class ServerDataAccess extends pulumi.ComponentResource {
    constructor(name: string, args: ServerDataAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("security", "ServerDataAccess"), name, {}, opts);
        const bucketPrefix = args.bucketPrefix ?? "";
        const policy = pulumi.all([args.bucketArn, pulumi.all(args.secretArns), args.kmsKeyArn]).apply(([bucketArn, secretArns, kmsKeyArn]) => {
            const grant: ServerDataGrant = { bucketArn, bucketPrefix, secretArns, kmsKeyArn };
            const problems = serverDataGrantProblems(grant);
            if (problems.length > 0) {
                throw new pulumi.ResourceError(`${name}: ${problems.join("; ")}`, this);
            }
            return serverDataPolicy(grant);
        });
        new aws.iam.RolePolicy(`${name}-policy`, { role: args.roleName, policy }, { parent: this });
        this.registerOutputs({});
    }
}
