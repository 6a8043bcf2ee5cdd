import { ResourceRule } from "../types";
import { RETAIN_ON_DELETE_OFFLINE_ONLY, SAAS_NOT_APPLICABLE, SURVIVE_ADVICE, survivesDestroy } from "./retention";

export const enforceBackupVaultRetention: ResourceRule = {
    kind: "resource",
    name: "backup-vault-retained-on-delete",
    description: `An AWS Backup vault is protected or retained on delete (\`protect\` or \`retainOnDelete\`). ${SAAS_NOT_APPLICABLE}`,
    why: "Destroying a tenant's stack must never destroy its backups: they are what restores the tenant after a mistaken destroy, and the contract keeps them for their whole retention.",
    enforcement: "mandatory",
    offlineOnly: RETAIN_ON_DELETE_OFFLINE_ONLY,
    resourceTypes: ["aws:backup/vault:Vault"],
    validate: (vault) =>
        survivesDestroy(vault)
            ? []
            : [`the vault is neither protected nor retained on delete: destroying the stack would delete it with its recovery points; ${SURVIVE_ADVICE}`],
};
