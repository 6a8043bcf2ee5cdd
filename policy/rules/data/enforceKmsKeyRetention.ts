import { isDrillStack } from "../operations/recovery";
import { ResourceRule } from "../types";
import { RETAIN_ON_DELETE_OFFLINE_ONLY, SAAS_NOT_APPLICABLE, SURVIVE_ADVICE, survivesDestroy } from "./retention";

export const enforceKmsKeyRetention: ResourceRule = {
    kind: "resource",
    name: "kms-key-retained-on-delete",
    description:
        `A KMS key is protected or retained on delete (\`protect\` or \`retainOnDelete\`), except in a drill's copy (stack \`<production>-drill\`), whose keys are ` +
        `scheduled for deletion when \`npm run dr -- drill\` destroys it. ${SAAS_NOT_APPLICABLE}`,
    why:
        "Destroying a tenant's stack must never destroy its data or backups: deleting a key makes every volume, database, bucket object and recovery point encrypted with it unreadable once the deletion window ends. " +
        "A drill's copy holds only a restored copy that is thrown away, and a key left behind after every drill is paid monthly for nothing.",
    enforcement: "mandatory",
    offlineOnly: RETAIN_ON_DELETE_OFFLINE_ONLY,
    resourceTypes: ["aws:kms/key:Key"],
    validate: (key, stack) =>
        survivesDestroy(key) || isDrillStack(stack.stack)
            ? []
            : [`the key is neither protected nor retained on delete: destroying the stack would schedule its deletion, leaving whatever it encrypts unreadable; ${SURVIVE_ADVICE}`],
};
