// Storage billed by usage: backup vaults, buckets and the restore tests of backups.

import { monthly, Pricer, text } from "./pricer";

export const STORAGE_PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:backup/vault:Vault": (_inputs, context) => [monthly(context, "backup storage", "backup.storage")],
    "aws:s3/bucket:Bucket": (_inputs, context) => [monthly(context, "storage and requests", "s3.storage")],
    // The plan is free (free-types.ts); its restore jobs are billed per restore, by the data they restore.
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": (inputs, context) => [
        monthly(context, `restore tests of ${text(inputs.protectedResourceType) ?? "resources"}`, "backup.restoreTest"),
    ],
};
