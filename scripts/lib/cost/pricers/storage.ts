// Storage billed by usage: backup vaults and buckets.

import { monthly, Pricer } from "./pricer";

export const STORAGE_PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:backup/vault:Vault": (_inputs, context) => [monthly(context, "backup storage", "backup.storage")],
    "aws:s3/bucket:Bucket": (_inputs, context) => [monthly(context, "storage and requests", "s3.storage")],
};
