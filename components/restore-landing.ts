// Where AWS Backup restores a tenant's database into an environment's network, ready before any
// restore: the data tier's DB subnet group, the database's security group (the application servers
// only, on the database port), and the role AWS Backup assumes to restore. `npm run dr` passes
// them to StartRestoreJob (the recovery stack's `restoreTarget` and `restoreRoleArn` outputs).

import * as pulumi from "@pulumi/pulumi";

import { reservedPrefixFreeName } from "../lib/naming";
import * as aws from "./aws";
import { BACKUP_ROLE_POLICY_ARNS } from "./backup";
import { DEFAULT_DATABASE_PORT } from "./database";
import { componentType } from "./types";

export interface RestoreLandingArgs {
    readonly vpcId: pulumi.Input<string>;
    /** The data tier's subnets (two zones: an RDS DB subnet group needs two). Required. */
    readonly dataSubnetIds: pulumi.Input<string>[];
    /** Groups of the database's clients (the application servers' access group). Required. */
    readonly clientSecurityGroupIds: pulumi.Input<string>[];
    /** The database port. Default: PostgreSQL's, as Database. */
    readonly port?: number;
}

export class RestoreLanding extends pulumi.ComponentResource {
    public readonly dbSubnetGroupName: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    /** The role AWS Backup assumes to restore (AWS's managed restore policies, S3's included). */
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: RestoreLandingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("data", "RestoreLanding"), name, {}, opts);
        const port = args.port ?? DEFAULT_DATABASE_PORT;
        const parent = { parent: this };

        // No egress rule, as Database's group: a database only answers connections.
        const group = new aws.ec2.SecurityGroup(
            `${name}-db-sg`,
            { name: reservedPrefixFreeName("securityGroup", `${name}-db-sg`), vpcId: args.vpcId, description: `Restored database ${name}: PostgreSQL from the application servers only`, tags: { Name: `${name}-db-sg`, tier: "data" } },
            parent,
        );
        args.clientSecurityGroupIds.forEach((clientGroupId, index) => {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-db-sg-from-client-${index}`,
                { securityGroupId: group.id, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: clientGroupId, description: "PostgreSQL from an application server group" },
                parent,
            );
        });
        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-db-subnets`,
            { description: `Data-tier subnets restored databases of ${name} land in`, subnetIds: args.dataSubnetIds, tags: { tier: "data" } },
            parent,
        );
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `AWS Backup restores into ${name}`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            parent,
        );
        for (const suffix of ["restores", "s3-restore"]) {
            new aws.iam.RolePolicyAttachment(`${name}-role-${suffix}`, { role: role.name, policyArn: BACKUP_ROLE_POLICY_ARNS[suffix]! }, parent);
        }

        this.dbSubnetGroupName = subnetGroup.name;
        this.securityGroupId = group.id;
        this.roleArn = role.arn;
        this.registerOutputs({ dbSubnetGroupName: this.dbSubnetGroupName, securityGroupId: this.securityGroupId, roleArn: this.roleArn });
    }
}
