import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { componentType } from "./types";

export interface EncryptionKeysArgs {
    /**
     * Prefix of the key aliases, e.g. `tenants/acme` gives `alias/tenants/acme/data` and
     * `alias/tenants/acme/backup`. Required: aliases are how operators find a tenant's keys.
     */
    readonly aliasPrefix: string;
    /** Who the keys belong to, written into their descriptions. Required. */
    readonly owner: string;
    /** Days KMS waits before deleting a key scheduled for deletion. Default: 30, the maximum. */
    readonly deletionWindowInDays?: number;
    /** Days between automatic key rotations. Default: 365. */
    readonly rotationPeriodInDays?: number;
}

/**
 * A tenant's (or the platform's) customer-managed KMS keys: one for data at rest (volumes,
 * database, files, logs) and one for backups, kept apart so that losing one does not expose the
 * other. Both rotate automatically and are retained when the stack is destroyed: destroying a
 * tenant's stack must never make its data or backups unreadable.
 */
export class EncryptionKeys extends pulumi.ComponentResource {
    /** Encrypts data at rest on the tenant's systems. */
    public readonly dataKey: aws.kms.Key;
    /** Encrypts backup vaults and the off-site copies' source recovery points. */
    public readonly backupKey: aws.kms.Key;
    public readonly dataKeyArn: pulumi.Output<string>;
    public readonly backupKeyArn: pulumi.Output<string>;

    constructor(name: string, args: EncryptionKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("security", "EncryptionKeys"), name, {}, opts);

        const deletionWindowInDays = args.deletionWindowInDays ?? 30;
        const rotationPeriodInDays = args.rotationPeriodInDays ?? 365;
        const keep: pulumi.CustomResourceOptions = { parent: this, retainOnDelete: true };

        const key = (purpose: "data" | "backup", description: string): aws.kms.Key => {
            const created = new aws.kms.Key(
                `${name}-${purpose}`,
                {
                    description: `${description} of ${args.owner}`,
                    keyUsage: "ENCRYPT_DECRYPT",
                    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                    enableKeyRotation: true,
                    rotationPeriodInDays,
                    deletionWindowInDays,
                },
                keep,
            );
            new aws.kms.Alias(
                `${name}-${purpose}-alias`,
                { name: `alias/${args.aliasPrefix}/${purpose}`, targetKeyId: created.keyId },
                { parent: this },
            );
            return created;
        };

        this.dataKey = key("data", "Data-at-rest key");
        this.backupKey = key("backup", "Backup key");
        this.dataKeyArn = this.dataKey.arn;
        this.backupKeyArn = this.backupKey.arn;

        this.registerOutputs({ dataKeyArn: this.dataKeyArn, backupKeyArn: this.backupKeyArn });
    }
}
