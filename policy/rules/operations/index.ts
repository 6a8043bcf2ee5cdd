// The operations rules: backups, audit, isolation and tags.

import { Rule } from "../types";
import { disallowOtherTenantMarkers } from "./disallowOtherTenantMarkers";
import { disallowStackTagOverride } from "./disallowStackTagOverride";
import { enableCloudTrailAudit } from "./enableCloudTrailAudit";
import { enableGuardDutyDetector } from "./enableGuardDutyDetector";
import { enforceBackupPromise } from "./enforceBackupPromise";
import { enforceBackupVaultLock } from "./enforceBackupVaultLock";
import { enforceInstancePinnedImage } from "./enforceInstancePinnedImage";
import { enforceProviderDefaultTags } from "./enforceProviderDefaultTags";
import { enforceRdsBackupRetention } from "./enforceRdsBackupRetention";
import { enforceRdsDeletionProtection } from "./enforceRdsDeletionProtection";
import { missingBackupSelection } from "./missingBackupSelection";
import { missingVpcFlowLog } from "./missingVpcFlowLog";

export const OPERATIONS_RULES: readonly Rule[] = [
    enforceBackupPromise,
    missingBackupSelection,
    enforceBackupVaultLock,
    enforceRdsBackupRetention,
    enforceRdsDeletionProtection,
    enableCloudTrailAudit,
    enableGuardDutyDetector,
    missingVpcFlowLog,
    disallowOtherTenantMarkers,
    enforceProviderDefaultTags,
    disallowStackTagOverride,
    enforceInstancePinnedImage,
];
