// The role AWS Backup assumes to restore into an environment: the restore jobs of `npm run dr`
// (into a recovery environment, or back into production at failback) and the restore tests.

import * as pulumi from "@pulumi/pulumi";

import * as aws from "../components/aws";

/** The role AWS Backup assumes to restore (restore jobs of `npm run dr`, and the restore tests). */
export function restoreRole(name: string, opts: pulumi.CustomResourceOptions, options: { readonly copies?: boolean } = {}): aws.iam.Role {
    const role = new aws.iam.Role(
        `${name}-restore-role`,
        {
            description: `AWS Backup restores into ${name}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        },
        opts,
    );
    const policies = {
        restores: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        "s3-restore": "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
        // A platform recovery's role also copies a tenant's recovery points into its region
        // (StartCopyJob's IamRoleArn): AWS's managed backup policy covers copy jobs.
        ...(options.copies ? { backup: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup", "s3-backup": "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup" } : {}),
    };
    for (const [suffix, policyArn] of Object.entries(policies)) {
        new aws.iam.RolePolicyAttachment(`${name}-restore-role-${suffix}`, { role: role.name, policyArn }, opts);
    }
    return role;
}
